import { Tag } from "antd";
import { daysLeftView } from "../lib/daysLeft";

export function DaysLeftTag(props: {
  daysLeft: number;
  overdue: boolean;
  limitDays: number;
  paused?: boolean;
  running?: boolean;
}) {
  const view = daysLeftView(props);
  if (view.urgency === "none") return <span>—</span>;
  return (
    <Tag color={view.colour} data-urgency={view.urgency}>
      {view.text}
    </Tag>
  );
}
