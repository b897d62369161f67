// How a time limit reads on a list: overdue in red, due soon in orange, otherwise green. "Soon"
// is the lead supervision's time-limit rule reminds at (1 working day for limits up to 5 days, 2
// up to 10, 3 beyond), so a clerk sees orange on the day the reminder comes.

export type Urgency = "overdue" | "soon" | "ok" | "paused" | "none";

export interface DaysLeftView {
  urgency: Urgency;
  colour: "red" | "orange" | "green" | "blue" | "default";
  text: string;
}

export function reminderLead(limitDays: number): number {
  if (limitDays <= 5) return 1;
  if (limitDays <= 10) return 2;
  return 3;
}

export function daysLeftView(opts: {
  daysLeft: number;
  overdue: boolean;
  limitDays: number;
  paused?: boolean;
  running?: boolean;
}): DaysLeftView {
  const { daysLeft, overdue, limitDays, paused = false, running = true } = opts;
  if (!running) return { urgency: "none", colour: "default", text: "—" };
  if (overdue) {
    const over = daysLeft < 0 ? `超期 ${-daysLeft} 个工作日` : "已超期";
    return { urgency: "overdue", colour: "red", text: over };
  }
  if (paused) return { urgency: "paused", colour: "blue", text: `暂停计时，剩余 ${daysLeft} 个工作日` };
  if (daysLeft <= reminderLead(limitDays)) {
    return { urgency: "soon", colour: "orange", text: `剩余 ${daysLeft} 个工作日` };
  }
  return { urgency: "ok", colour: "green", text: `剩余 ${daysLeft} 个工作日` };
}
