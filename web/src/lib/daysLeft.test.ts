import { describe, expect, it } from "vitest";
import { daysLeftView, reminderLead } from "./daysLeft";

describe("daysLeftView", () => {
  it("shows an overdue case in red with the days over", () => {
    expect(daysLeftView({ daysLeft: -2, overdue: true, limitDays: 5 })).toEqual({
      urgency: "overdue",
      colour: "red",
      text: "超期 2 个工作日",
    });
    expect(daysLeftView({ daysLeft: 0, overdue: true, limitDays: 5 }).colour).toBe("red");
  });

  it("turns orange when supervision's reminder would come", () => {
    expect(daysLeftView({ daysLeft: 1, overdue: false, limitDays: 5 }).colour).toBe("orange");
    expect(daysLeftView({ daysLeft: 2, overdue: false, limitDays: 5 }).colour).toBe("green");
    expect(daysLeftView({ daysLeft: 2, overdue: false, limitDays: 10 }).colour).toBe("orange");
    expect(daysLeftView({ daysLeft: 3, overdue: false, limitDays: 20 }).colour).toBe("orange");
  });

  it("marks a paused clock and a case whose clock does not run", () => {
    expect(daysLeftView({ daysLeft: 4, overdue: false, limitDays: 5, paused: true }).urgency).toBe("paused");
    expect(daysLeftView({ daysLeft: 4, overdue: false, limitDays: 5, running: false }).text).toBe("—");
  });

  it("uses the time-limit rule's leads", () => {
    expect([5, 6, 10, 11, 20].map(reminderLead)).toEqual([1, 2, 2, 3, 3]);
  });
});
