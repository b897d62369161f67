// What Ant Design needs of a browser that jsdom leaves out; a component test's DOM is emptied
// after each test. The logic tests (*.test.ts) run in node, where there is no window to shim.
import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

if (typeof window !== "undefined") {
  // antd's responsive grid and Table ask for media queries.
  window.matchMedia ??= (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => {},
      removeListener: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
      dispatchEvent: () => false,
    }) as MediaQueryList;
  // jsdom does not implement pseudo-elements and says so on every call; antd asks about them.
  const computed = window.getComputedStyle.bind(window);
  window.getComputedStyle = (element: Element) => computed(element);
  // rc-overflow (a multiple Select's tags) watches its size.
  window.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  afterEach(cleanup);
}
