// The monthly report (月通报) per department, window or site: counts, the on-time rate and the
// satisfaction rate, as charts (the period's rates, each department's months) and a table whose
// rate columns are drawn as bars to compare at a glance.
import { Button, Card, DatePicker, Progress, Select, Space, Table } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useCallback, useEffect, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { supervision } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { options, zh } from "../../api/labels";
import { ErrorAlert } from "../../components/ErrorAlert";
import {
  type GetStatisticsResponse,
  StatisticsGrouping,
  StatisticsGroupingSchema,
  type StatisticsRow,
} from "../../gen/tongban/supervision/v1/supervision_pb";
import { StatisticsCharts } from "./StatisticsCharts";

const DAY = "YYYY-MM-DD";

function Rate({ value, shown }: { value: number; shown: boolean }) {
  if (!shown) return <span>—</span>;
  const percent = Math.round(value * 1000) / 10;
  return <Progress percent={percent} size="small" status={percent < 90 ? "exception" : "normal"} format={(p) => `${p}%`} />;
}

export function Statistics() {
  // ?from=2026-10-01&to=2026-10-31 opens another period (a link in a report, a test).
  const [params] = useSearchParams();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([
    params.get("from") ? dayjs(params.get("from")) : dayjs().startOf("month"),
    params.get("to") ? dayjs(params.get("to")) : dayjs(),
  ]);
  const [groupBy, setGroupBy] = useState<StatisticsGrouping>(StatisticsGrouping.DEPARTMENT);
  const [answer, setAnswer] = useState<GetStatisticsResponse | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  const load = useCallback(() => {
    setLoading(true);
    setError(null);
    supervision
      .getStatistics({ fromDate: range[0].format(DAY), toDate: range[1].format(DAY), groupBy })
      .then(setAnswer)
      .catch((reason: unknown) => setError(explain(reason)))
      .finally(() => setLoading(false));
  }, [range, groupBy]);
  useEffect(load, [load]);
  const rows = answer ? [...answer.rows, ...(answer.total ? [{ ...answer.total, key: "合计" }] : [])] : [];
  return (
    <Card title="办件统计（月通报）">
      <Space style={{ marginBottom: 12 }} wrap>
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(value) => value?.[0] && value[1] && setRange([value[0], value[1]])}
        />
        <Select
          style={{ width: 120 }}
          value={groupBy}
          onChange={setGroupBy}
          options={options(StatisticsGroupingSchema)}
          aria-label="统计口径"
        />
        <Button onClick={load}>刷新</Button>
      </Space>
      <ErrorAlert error={error} />
      {answer && <StatisticsCharts rows={answer.rows} what={zh(StatisticsGroupingSchema, answer.groupBy)} end={answer.toDate || range[1].format(DAY)} />}
      <Table<StatisticsRow>
        rowKey="key"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: "部门/窗口/站点", dataIndex: "key", width: 150 },
          { title: "接件", dataIndex: "received", width: 70 },
          { title: "受理", dataIndex: "accepted", width: 70 },
          { title: "即办", dataIndex: "instant", width: 70 },
          { title: "办结", dataIndex: "completed", width: 70 },
          { title: "按时办结", dataIndex: "completedOnTime", width: 90 },
          { title: "按时办结率", width: 200, render: (_, r) => <Rate value={r.onTimeRate} shown={r.completed > 0} /> },
          { title: "平均用时(工作日)", width: 130, render: (_, r) => (r.completed ? r.averageWorkingDays.toFixed(1) : "—") },
          { title: "预警", dataIndex: "findings", width: 70 },
          { title: "评价", dataIndex: "reviews", width: 70 },
          { title: "满意率", width: 200, render: (_, r) => <Rate value={r.satisfactionRate} shown={r.reviews > 0} /> },
        ]}
      />
    </Card>
  );
}
