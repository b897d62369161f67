// The county review of a case: its clock, steps and every action in order (the activity log).
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Descriptions, Table, Tag, Timeline, Typography } from "antd";
import { zh } from "../api/labels";
import { activityText } from "../lib/activity";
import { StepKindSchema } from "../gen/tongban/acceptance/v1/catalog_pb";
import {
  DecisionOutcomeSchema,
  type Review,
  ReviewStateSchema,
  type Step,
  StepState,
  StepStateSchema,
  VerdictSchema,
} from "../gen/tongban/approval/v1/approval_pb";
import { DaysLeftTag } from "./DaysLeftTag";

export function formatTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function ReviewSummary({ review }: { review: Review }) {
  const clock = review.clock;
  return (
    <>
      <Descriptions size="small" column={4} bordered>
        <Descriptions.Item label="审查状态">{zh(ReviewStateSchema, review.state)}</Descriptions.Item>
        <Descriptions.Item label="受理日期">{clock?.acceptedOn}</Descriptions.Item>
        <Descriptions.Item label="到期日">{clock?.dueOn}</Descriptions.Item>
        <Descriptions.Item label="剩余">
          {clock && (
            <DaysLeftTag
              daysLeft={clock.daysLeft}
              overdue={clock.overdue}
              limitDays={clock.budgetDays + clock.extensionDays}
              paused={clock.paused}
              running={!review.decision}
            />
          )}
        </Descriptions.Item>
        <Descriptions.Item label="时限">
          {clock?.budgetDays} 个工作日{clock?.extensionDays ? `，延长 ${clock.extensionDays}` : ""}
        </Descriptions.Item>
        <Descriptions.Item label="已用">{clock?.usedDays} 个工作日</Descriptions.Item>
        <Descriptions.Item label="暂停">{clock?.pausedDays} 个工作日</Descriptions.Item>
        <Descriptions.Item label="决定">
          {review.decision
            ? `${zh(DecisionOutcomeSchema, review.decision.outcome)} ${review.decision.documentNumber}（${review.decision.decidedOn}）`
            : "—"}
        </Descriptions.Item>
      </Descriptions>
      <Table<Step>
        style={{ marginTop: 12 }}
        rowKey="number"
        size="small"
        pagination={false}
        dataSource={review.steps}
        columns={[
          { title: "#", dataIndex: "number", width: 40 },
          { title: "环节", render: (_, s) => `${s.name}（${zh(StepKindSchema, s.kind)}）` },
          { title: "部门/站点", width: 110, render: (_, s) => s.departmentCode || s.siteCode },
          { title: "状态", width: 90, render: (_, s) => <Tag>{zh(StepStateSchema, s.state)}</Tag> },
          { title: "承办人", width: 130, render: (_, s) => s.assignee || s.actedBy || "待签收" },
          {
            title: "环节剩余",
            width: 150,
            render: (_, s) => (
              <DaysLeftTag daysLeft={s.daysLeft} overdue={s.overdue} limitDays={s.timeLimitDays} running={s.state === StepState.ACTIVE} />
            ),
          },
          { title: "意见", render: (_, s) => (s.verdict ? `${zh(VerdictSchema, s.verdict)}${s.opinion ? `：${s.opinion}` : ""}` : "") },
        ]}
      />
    </>
  );
}

export function ActivityTimeline({ review }: { review: Review }) {
  if (!review.activities.length) return <Typography.Text type="secondary">暂无记录</Typography.Text>;
  return (
    <Timeline
      items={review.activities.map((a, i) => ({
        key: i,
        content: (
          <span>
            <Typography.Text type="secondary">{a.time ? formatTime(timestampDate(a.time)) : ""}</Typography.Text>{" "}
            {activityText(a)}
          </span>
        ),
      }))}
    />
  );
}
