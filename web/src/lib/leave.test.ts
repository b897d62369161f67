import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ApprovalLevel, LeaveSchema, LeaveState } from "../gen/tongban/staff/v1/leave_pb";
import { nextLevel } from "./leave";

describe("nextLevel", () => {
  const chain = [ApprovalLevel.BUSINESS_SECTION, ApprovalLevel.DEPUTY_DIRECTOR];
  it("waits for the first level of the chain not yet answered", () => {
    expect(nextLevel(create(LeaveSchema, { state: LeaveState.PENDING, chain }))).toBe(ApprovalLevel.BUSINESS_SECTION);
    const halfway = create(LeaveSchema, {
      state: LeaveState.PENDING,
      chain,
      approvals: [{ level: ApprovalLevel.BUSINESS_SECTION, approved: true }],
    });
    expect(nextLevel(halfway)).toBe(ApprovalLevel.DEPUTY_DIRECTOR);
  });

  it("waits for nobody once decided", () => {
    expect(nextLevel(create(LeaveSchema, { state: LeaveState.APPROVED, chain }))).toBeUndefined();
  });
});
