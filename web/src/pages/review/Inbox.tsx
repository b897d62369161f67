// The reviewer's (and the township clerk's initial-review) steps, most urgent first as the
// service orders them, with days left per step and for the case.
import { Card, Segmented, Space, Switch, Table, Tag } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";
import { review } from "../../api/clients";
import { DaysLeftTag } from "../../components/DaysLeftTag";
import { ErrorAlert } from "../../components/ErrorAlert";
import { Pager } from "../../components/Pager";
import { type InboxItem, InboxScope } from "../../gen/tongban/approval/v1/approval_pb";
import { usePaged } from "../../lib/paging";

export function Inbox() {
  const [scope, setScope] = useState<InboxScope>(InboxScope.UNSPECIFIED);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const paged = usePaged<InboxItem>(
    async (pageToken) => {
      const answer = await review.listInbox({ scope, overdueOnly, pageSize: 15, pageToken });
      return { items: answer.items, nextPageToken: answer.nextPageToken, totalSize: answer.totalSize };
    },
    `${scope}-${overdueOnly}`,
  );
  return (
    <Card title="审查待办（最紧急的在前）">
      <Space style={{ marginBottom: 12 }} wrap>
        <Segmented<InboxScope>
          value={scope}
          onChange={setScope}
          options={[
            { value: InboxScope.UNSPECIFIED, label: "我的和待签收" },
            { value: InboxScope.MINE, label: "我的" },
            { value: InboxScope.UNASSIGNED, label: "待签收" },
            { value: InboxScope.DEPARTMENT, label: "本部门" },
          ]}
        />
        <Space>
          <Switch checked={overdueOnly} onChange={setOverdueOnly} aria-label="只看超期" />
          只看超期
        </Space>
      </Space>
      <ErrorAlert error={paged.error} />
      <Table<InboxItem>
        rowKey={(i) => `${i.caseNo}-${i.step?.number}`}
        size="small"
        loading={paged.loading}
        dataSource={paged.items}
        pagination={false}
        rowClassName={(i) => (i.clock?.overdue || i.step?.overdue ? "overdue-row" : "")}
        columns={[
          { title: "办件编号", width: 210, render: (_, i) => <Link to={`/review/${i.caseNo}`}>{i.caseNo}</Link> },
          { title: "事项", dataIndex: "matterName" },
          { title: "环节", width: 130, render: (_, i) => `#${i.step?.number} ${i.step?.name}` },
          {
            title: "承办人",
            width: 120,
            render: (_, i) => (i.step?.assignee ? i.step.assignee : <Tag color="gold">待签收</Tag>),
          },
          {
            title: "环节剩余",
            width: 150,
            render: (_, i) =>
              i.step && <DaysLeftTag daysLeft={i.step.daysLeft} overdue={i.step.overdue} limitDays={i.step.timeLimitDays} />,
          },
          {
            title: "办件剩余",
            width: 150,
            render: (_, i) =>
              i.clock && (
                <DaysLeftTag
                  daysLeft={i.clock.daysLeft}
                  overdue={i.clock.overdue}
                  limitDays={i.clock.budgetDays + i.clock.extensionDays}
                  paused={i.clock.paused}
                />
              ),
          },
          { title: "到期日", width: 100, render: (_, i) => i.clock?.dueOn },
        ]}
      />
      <Pager paged={paged} />
    </Card>
  );
}
