import { describe, expect, it } from "vitest";
import { activityText, detailText } from "./activity";

describe("activity log", () => {
  it("reads actions and enum names in Chinese", () => {
    expect(activityText({ action: "answered", actor: "clerk-gaogou", stepNumber: 1, target: "", detail: "VERDICT_APPROVE" })).toBe(
      "clerk-gaogou 提交审查意见 #1：同意",
    );
    expect(activityText({ action: "opened", actor: "system", stepNumber: 0, target: "", detail: "" })).toBe("系统 开始审查");
    expect(detailText("DECISION_OUTCOME_GRANTED")).toBe("准予许可");
    expect(detailText("SPECIAL_PROCEDURE_TESTING, 3 days")).toBe("检验检测, 3 days");
  });

  it("says a reassignment and an extension in Chinese, as the CLI does", () => {
    const reassigned = { action: "reassigned", actor: "reviewer-zr-lead", stepNumber: 2, target: "reviewer-zr" };
    expect(activityText({ ...reassigned, detail: "from reviewer-zr-2: 部门内调整" })).toBe(
      "reviewer-zr-lead 改派 #2 → reviewer-zr：原承办人 reviewer-zr-2，理由：部门内调整",
    );
    expect(activityText({ ...reassigned, detail: "from -: " })).toBe("reviewer-zr-lead 改派 #2 → reviewer-zr：原承办人 无");
    expect(activityText({ action: "extended", actor: "reviewer-zr", stepNumber: 0, target: "", detail: "+10" })).toBe(
      "reviewer-zr 延长时限：10 个工作日",
    );
  });

  it("leaves what it does not know as it is", () => {
    expect(activityText({ action: "new_thing", actor: "a", stepNumber: 0, target: "b", detail: "UNKNOWN_NAME" })).toBe(
      "a new_thing → b：UNKNOWN_NAME",
    );
  });
});
