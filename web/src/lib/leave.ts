import { type Leave, LeaveState } from "../gen/tongban/staff/v1/leave_pb";

/** The level whose answer a pending request waits for: the first of its chain not yet answered. */
export function nextLevel(item: Pick<Leave, "state" | "chain" | "approvals">): number | undefined {
  if (item.state !== LeaveState.PENDING) return undefined;
  return item.chain[item.approvals.length];
}
