// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Paged } from "../lib/paging";
import { Pager } from "./Pager";

function paged(overrides: Partial<Paged<string>>): Paged<string> {
  return {
    items: [],
    loading: false,
    error: null,
    page: 0,
    hasNext: false,
    total: undefined,
    next: vi.fn(),
    previous: vi.fn(),
    reload: vi.fn(),
    ...overrides,
  };
}

const button = (name: string) => screen.getByRole("button", { name }) as HTMLButtonElement;

describe("Pager", () => {
  it("on the first page offers only the next one, with the total", async () => {
    const state = paged({ hasNext: true, total: 37 });
    render(<Pager paged={state} unit="项" />);
    expect(screen.getByText("第 1 页，共 37 项")).toBeTruthy();
    expect(button("上一页").disabled).toBe(true);
    expect(button("下一页").disabled).toBe(false);
    await userEvent.click(button("下一页"));
    expect(state.next).toHaveBeenCalledOnce();
  });

  it("on the last page goes back only", () => {
    render(<Pager paged={paged({ page: 2 })} />);
    expect(screen.getByText("第 3 页")).toBeTruthy();
    expect(button("上一页").disabled).toBe(false);
    expect(button("下一页").disabled).toBe(true);
  });

  it("holds both buttons while a page loads", () => {
    render(<Pager paged={paged({ page: 1, hasNext: true, loading: true })} />);
    expect(button("上一页").disabled).toBe(true);
    expect(button("下一页").disabled).toBe(true);
  });
});
