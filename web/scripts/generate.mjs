// Regenerates src/gen/ from the repository's protos and from google/rpc/error_details.proto as
// the googleapis-common-protos package in the venv ships it (so the version is the services').
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repo = resolve(web, "..");
const venv = process.env.VENV ? resolve(repo, process.env.VENV) : resolve(repo, ".venv");
const buf = resolve(venv, "bin", "buf");
const python = resolve(venv, "bin", "python");

const sitePackages = execFileSync(
  python,
  ["-c", "import os, google.rpc.error_details_pb2 as m; print(os.path.dirname(os.path.dirname(os.path.dirname(m.__file__))))"],
  { encoding: "utf8" },
).trim();

rmSync(resolve(web, "src/gen"), { recursive: true, force: true });
const env = { ...process.env, PATH: `${resolve(web, "node_modules/.bin")}:${process.env.PATH}` };
// buf reads --path relative to where it runs: so from each input's own directory.
const run = (cwd, ...args) =>
  execFileSync(buf, ["generate", "--template", resolve(web, "buf.gen.yaml"), "--output", web, ...args], {
    cwd,
    env,
    stdio: "inherit",
  });
run(repo);
run(sitePackages, "--path", "google/rpc/error_details.proto");
