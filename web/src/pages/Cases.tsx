// The cases of a site (the clerk's own; others may pick one): days left, overdue in red, filters.
import { timestampDate } from "@bufbuild/protobuf/wkt";
import { Card, Input, Select, Space, Switch, Table, Tag } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";
import { acceptance } from "../api/clients";
import { options, zh } from "../api/labels";
import { hasRole, useAuth } from "../auth";
import { DaysLeftTag } from "../components/DaysLeftTag";
import { ErrorAlert } from "../components/ErrorAlert";
import { Pager } from "../components/Pager";
import { formatTime } from "../components/ReviewTimeline";
import { type Case, CaseStateSchema } from "../gen/tongban/acceptance/v1/acceptance_pb";
import { usePaged } from "../lib/paging";
import { RUNNING, stateColour } from "./CaseDetail";

export function Cases() {
  const { user } = useAuth();
  const ownSite = hasRole(user, "clerk") || !hasRole(user, "inspector");
  const [site, setSite] = useState(ownSite ? (user?.siteCode ?? "") : "");
  const [state, setState] = useState(0);
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [matterCode, setMatterCode] = useState("");
  const paged = usePaged<Case>(
    async (pageToken) => {
      const answer = await acceptance.listCases({ siteCode: site, state, overdueOnly, matterCode, pageSize: 15, pageToken });
      return { items: answer.cases, nextPageToken: answer.nextPageToken, totalSize: answer.totalSize };
    },
    JSON.stringify([site, state, overdueOnly, matterCode]),
  );
  return (
    <Card title={ownSite ? `本站办件（站点 ${site}）` : "办件查询"}>
      <Space wrap style={{ marginBottom: 12 }}>
        {!ownSite && (
          <Input.Search placeholder="站点编码，如 320826101" allowClear style={{ width: 220 }} onSearch={(v) => setSite(v.trim())} />
        )}
        <Select
          style={{ width: 200 }}
          value={state}
          onChange={setState}
          options={[{ value: 0, label: "全部状态" }, ...options(CaseStateSchema)]}
          aria-label="状态"
        />
        <Input.Search
          placeholder="事项编码，如 320826-GA-QT-001"
          allowClear
          style={{ width: 260 }}
          onSearch={(v) => setMatterCode(v.trim())}
          aria-label="事项编码"
        />
        <Space>
          <Switch checked={overdueOnly} onChange={setOverdueOnly} aria-label="只看超期" />
          只看超期
        </Space>
      </Space>
      <ErrorAlert error={paged.error} />
      <Table<Case>
        rowKey="caseNo"
        size="small"
        loading={paged.loading}
        dataSource={paged.items}
        pagination={false}
        rowClassName={(c) => (c.overdue ? "overdue-row" : "")}
        columns={[
          { title: "办件编号", width: 210, render: (_, c) => <Link to={`/cases/${c.caseNo}`}>{c.caseNo}</Link> },
          { title: "事项", dataIndex: "matterName" },
          { title: "申请人", width: 90, render: (_, c) => c.applicant?.name },
          { title: "状态", width: 150, render: (_, c) => <Tag color={stateColour(c.state)}>{zh(CaseStateSchema, c.state)}</Tag> },
          { title: "收件", width: 140, render: (_, c) => (c.receivedTime ? formatTime(timestampDate(c.receivedTime)) : "") },
          { title: "承诺办结", width: 100, render: (_, c) => c.promisedDate || "—" },
          {
            title: "剩余时限",
            width: 150,
            render: (_, c) => (
              <DaysLeftTag
                daysLeft={c.workingDaysLeft}
                overdue={c.overdue}
                limitDays={c.promisedLimitDays}
                running={RUNNING.includes(c.state)}
              />
            ),
          },
        ]}
      />
      <Pager paged={paged} />
    </Card>
  );
}
