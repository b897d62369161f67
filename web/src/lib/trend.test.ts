import { describe, expect, it } from "vitest";
import { lastMonths, percent, type RateRow, trend } from "./trend";

const row = (key: string, completed: number, onTimeRate: number, reviews = 0, satisfactionRate = 0): RateRow => ({
  key,
  completed,
  onTimeRate,
  reviews,
  satisfactionRate,
});

describe("lastMonths", () => {
  it("counts back whole months across the year's end, oldest first", () => {
    expect(lastMonths("2027-01-15", 3)).toEqual([
      { label: "2026-11", from: "2026-11-01", to: "2026-11-30" },
      { label: "2026-12", from: "2026-12-01", to: "2026-12-31" },
      { label: "2027-01", from: "2027-01-01", to: "2027-01-31" },
    ]);
  });
});

describe("percent", () => {
  it("is a gap when nothing was completed or reviewed", () => {
    expect(percent(row("GA", 0, 0), "onTime")).toBeNull();
    expect(percent(row("GA", 3, 2 / 3), "onTime")).toBe(66.7);
    expect(percent(row("GA", 3, 1, 2, 0.5), "satisfaction")).toBe(50);
  });
});

describe("trend", () => {
  it("gives every month a value or a gap for every department that has any", () => {
    const months = lastMonths("2026-10-31", 2);
    const drawn = trend(months, [[row("NJ", 0, 0)], [row("NJ", 2, 0.5), row("GA", 1, 1)]], "onTime");
    expect(drawn.keys).toEqual(["GA", "NJ"]);
    expect(drawn.points).toEqual([
      { month: "2026-09", GA: null, NJ: null },
      { month: "2026-10", GA: 100, NJ: 50 },
    ]);
  });
});
