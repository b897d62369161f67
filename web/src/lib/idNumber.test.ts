import { describe, expect, it } from "vitest";
import { checkCharacter, checkIdNumber } from "./idNumber";

describe("checkIdNumber", () => {
  it("accepts valid numbers, X check character in either case", () => {
    expect(checkIdNumber("320826197607150018")).toEqual({ status: "ok" });
    expect(checkIdNumber("32082619850312002X")).toEqual({ status: "ok" });
    expect(checkIdNumber("32082619850312002x")).toEqual({ status: "ok" });
  });

  it("names the expected check character when the last one is wrong", () => {
    const result = checkIdNumber("320826197607150019");
    expect(result.status).toBe("invalid");
    expect(result.status === "invalid" && result.message).toContain("应为 8");
  });

  it("counts digits while typing and says nothing is wrong yet", () => {
    expect(checkIdNumber("")).toEqual({ status: "empty" });
    expect(checkIdNumber("3208")).toEqual({ status: "typing", message: "已输入 4 位，共 18 位" });
  });

  it("refuses letters, an X before the end and impossible birth dates as soon as typed", () => {
    expect(checkIdNumber("3208a").status).toBe("invalid");
    expect(checkIdNumber("3208X").status).toBe("invalid");
    expect(checkIdNumber("32082619850230").status).toBe("invalid"); // 30 February
    expect(checkIdNumber("32082620000229").status).toBe("typing"); // 2000 was a leap year
  });

  it("computes the check character of GB 11643", () => {
    expect(checkCharacter("32082619850312002")).toBe("X");
    expect(checkCharacter("32082619760715001")).toBe("8");
  });
});
