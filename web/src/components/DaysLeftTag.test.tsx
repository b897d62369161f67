// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DaysLeftTag } from "./DaysLeftTag";

describe("DaysLeftTag", () => {
  it("says how far over an overdue limit is, marked overdue", () => {
    render(<DaysLeftTag daysLeft={-2} overdue limitDays={5} />);
    expect(screen.getByText("超期 2 个工作日").closest("[data-urgency]")?.getAttribute("data-urgency")).toBe("overdue");
  });

  it("warns on the reminder's day and is calm before it", () => {
    render(<DaysLeftTag daysLeft={1} overdue={false} limitDays={5} />);
    render(<DaysLeftTag daysLeft={4} overdue={false} limitDays={5} />);
    expect(screen.getByText("剩余 1 个工作日").getAttribute("data-urgency")).toBe("soon");
    expect(screen.getByText("剩余 4 个工作日").getAttribute("data-urgency")).toBe("ok");
  });

  it("says a paused clock is paused, and shows a dash once the case no longer runs", () => {
    render(<DaysLeftTag daysLeft={3} overdue={false} limitDays={20} paused />);
    render(<DaysLeftTag daysLeft={3} overdue={false} limitDays={20} running={false} />);
    expect(screen.getByText("暂停计时，剩余 3 个工作日")).toBeTruthy();
    expect(screen.getByText("—")).toBeTruthy();
  });
});
