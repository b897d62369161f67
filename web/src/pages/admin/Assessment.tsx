// The quarter's assessment ranking of a site: windows (a red flag for the best) and people
// (advanced workers marked), each with deductions, praise, leave and the total, best first.
import { Card, Input, InputNumber, Select, Space, Table, Tag } from "antd";
import dayjs from "dayjs";
import { useCallback, useEffect, useState } from "react";
import { assessment } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { hasRole, useAuth } from "../../auth";
import { ErrorAlert } from "../../components/ErrorAlert";
import type {
  GetAssessmentResponse,
  PersonAssessment,
  Score,
  WindowAssessment,
} from "../../gen/tongban/staff/v1/assessment_pb";

function scoreColumns<T extends { score?: Score }>() {
  return [
    { title: "名次", width: 60, render: (_: unknown, r: T) => r.score?.rank },
    { title: "扣分", width: 70, render: (_: unknown, r: T) => r.score?.deductions },
    { title: "表扬加分", width: 90, render: (_: unknown, r: T) => r.score?.praisePoints },
    { title: "奖励", width: 60, render: (_: unknown, r: T) => r.score?.bonus },
    { title: "请假(天/扣分)", width: 110, render: (_: unknown, r: T) => `${r.score?.leaveDays ?? 0} / ${r.score?.leavePoints ?? 0}` },
    { title: "得分", width: 70, render: (_: unknown, r: T) => <strong>{r.score?.total}</strong> },
  ];
}

const byRank = (a: { score?: Score }, b: { score?: Score }) => (a.score?.rank ?? 0) - (b.score?.rank ?? 0);

export function AssessmentPage() {
  const { user } = useAuth();
  const crossSite = hasRole(user, "centre_admin", "inspector");
  const [site, setSite] = useState(user?.siteCode ?? "");
  const [year, setYear] = useState(dayjs().year());
  const [quarter, setQuarter] = useState(Math.floor(dayjs().month() / 3) + 1);
  const [answer, setAnswer] = useState<GetAssessmentResponse | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const load = useCallback(() => {
    setLoading(true);
    setError(null);
    assessment
      .getAssessment({ siteCode: site, year, quarter })
      .then(setAnswer)
      .catch((reason: unknown) => setError(explain(reason)))
      .finally(() => setLoading(false));
  }, [site, year, quarter]);
  useEffect(load, [load]);
  return (
    <Card title={`季度考核排名${answer ? `（${answer.firstDay} 至 ${answer.lastDay}）` : ""}`}>
      <Space style={{ marginBottom: 12 }} wrap>
        {crossSite && (
          <Input.Search defaultValue={site} style={{ width: 180 }} onSearch={(v) => setSite(v.trim())} aria-label="站点编码" />
        )}
        <InputNumber value={year} min={2004} max={2100} onChange={(v) => v && setYear(v)} aria-label="年度" />
        <Select
          value={quarter}
          style={{ width: 100 }}
          onChange={setQuarter}
          options={[1, 2, 3, 4].map((q) => ({ value: q, label: `第 ${q} 季度` }))}
          aria-label="季度"
        />
      </Space>
      <ErrorAlert error={error} />
      <Table<WindowAssessment>
        rowKey="windowCode"
        size="small"
        loading={loading}
        pagination={false}
        dataSource={[...(answer?.windows ?? [])].sort(byRank)}
        columns={[
          { title: "窗口", width: 180, render: (_, w) => <span>{w.windowCode} {w.redFlag && <Tag color="red">红旗窗口</Tag>}</span> },
          ...scoreColumns<WindowAssessment>(),
        ]}
      />
      <Table<PersonAssessment>
        style={{ marginTop: 12 }}
        rowKey="userId"
        size="small"
        loading={loading}
        pagination={{ pageSize: 15, hideOnSinglePage: true }}
        dataSource={[...(answer?.people ?? [])].sort(byRank)}
        columns={[
          {
            title: "人员",
            width: 180,
            render: (_, p) => <span>{p.userId} {p.advancedWorker && <Tag color="gold">先进个人</Tag>}</span>,
          },
          { title: "窗口", dataIndex: "windowCode", width: 150 },
          ...scoreColumns<PersonAssessment>(),
          {
            title: "扣分明细",
            render: (_, p) => p.deductions.map((d) => `${d.decidedOn} ${d.reasonCode} -${d.points}`).join("；"),
          },
        ]}
      />
    </Card>
  );
}
