import { describe, expect, it } from "vitest";
import { parseDates } from "./dates";

describe("parseDates", () => {
  it("reads single days and spans, in any order, once each", () => {
    expect(parseDates("2027-10-03\n2027-10-01~2027-10-02, 2027-10-02").dates).toEqual([
      "2027-10-01",
      "2027-10-02",
      "2027-10-03",
    ]);
    expect(parseDates("2027-02-27至2027-03-01").dates).toEqual(["2027-02-27", "2027-02-28", "2027-03-01"]);
  });

  it("names what is not a date", () => {
    expect(parseDates("2027-02-30 2027-13-01 国庆 2027-10-07~2027-10-01").bad).toEqual([
      "2027-02-30",
      "2027-13-01",
      "国庆",
      "2027-10-07~2027-10-01",
    ]);
  });
});
