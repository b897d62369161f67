import { describe, expect, it } from "vitest";
import { chineseProblem, groupedHash, standing } from "./record";

describe("standing", () => {
  it("vouches for every entry of an intact record", () => {
    expect(standing({ intact: true, firstBadSeq: 0n }, [3n, 9n])).toBe("verified");
  });

  it("keeps entries before the break apart from those at or after it", () => {
    const broken = { intact: false, firstBadSeq: 5n };
    expect(standing(broken, [2n, 4n])).toBe("before-break");
    expect(standing(broken, [2n, 5n])).toBe("unverified");
    expect(standing(broken, [8n])).toBe("unverified");
  });
});

describe("groupedHash", () => {
  it("cuts the hash in groups of eight", () => {
    expect(groupedHash("0123456789abcdef01")).toBe("01234567 89abcdef 01");
    expect(groupedHash("")).toBe("");
  });
});

describe("chineseProblem", () => {
  it("keeps the Chinese half", () => {
    expect(chineseProblem("第 3 条内容被改动 / entry 3 altered")).toBe("第 3 条内容被改动");
    expect(chineseProblem("only one language")).toBe("only one language");
  });
});
