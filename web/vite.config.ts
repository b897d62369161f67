/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` serves the pages with hot reload and sends the API to a running `make run`
// (the gateway's edge on 50080), so pages and API still look like one origin to the browser.
const edge = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env.TONGBAN_WEB ?? "http://127.0.0.1:50080";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "^/(session|tongban\\.)": { target: edge, changeOrigin: false },
    },
  },
  build: {
    // antd is one large vendor chunk; the console is an intranet app loaded once per day.
    chunkSizeWarningLimit: 2500,
  },
  test: {
    // Logic in node; components (*.test.tsx) in jsdom, each file saying so in its first line.
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
    setupFiles: ["src/test/setup.ts"],
    // A whole antd form renders slowly in jsdom on a shared two-core machine: 5 s is too little.
    testTimeout: 120_000,
  },
});
