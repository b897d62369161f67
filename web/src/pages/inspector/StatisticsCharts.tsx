// The statistics as charts beside the table that carries the numbers: the period's on-time and
// satisfaction rates per line of the report, and each department's monthly trend.
import { Card, Col, Collapse, Row, Segmented, Spin, Table } from "antd";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { supervision } from "../../api/clients";
import { explain, type Explained } from "../../api/errors";
import { ErrorAlert } from "../../components/ErrorAlert";
import { StatisticsGrouping, type StatisticsRow } from "../../gen/tongban/supervision/v1/supervision_pb";
import { lastMonths, type Metric, percent, trend } from "../../lib/trend";

// Months the trend reaches back: one request each, so bounded.
const MONTHS = 6;
// The target the on-time rate is held to (below it the table's bars turn red).
const TARGET = 90;
const PALETTE = ["#1677ff", "#52c41a", "#fa8c16", "#722ed1", "#eb2f96", "#13c2c2", "#faad14", "#2f54eb", "#a0d911", "#8c8c8c"];
const METRICS: Record<Metric, string> = { onTime: "按时办结率", satisfaction: "满意率" };
const HEIGHT = 260;
const keyName = (key: string) => key || "（未指明）";
const shown = (value: unknown) => (typeof value === "number" ? `${value}%` : "—");

/** A chart with its caption, named for screen readers; the numbers are in the tables. */
function Figure({ caption, id, children }: { caption: string; id: string; children: ReactNode }) {
  return (
    <figure aria-labelledby={id} style={{ margin: 0 }}>
      <figcaption id={id} style={{ fontWeight: 500, marginBottom: 8 }}>
        {caption}
      </figcaption>
      {children}
    </figure>
  );
}

export function PeriodChart({ rows, what }: { rows: StatisticsRow[]; what: string }) {
  const data = rows.map((r) => ({ key: keyName(r.key), onTime: percent(r, "onTime"), satisfaction: percent(r, "satisfaction") }));
  return (
    <Figure id="period-chart" caption={`本期各${what}按时办结率与满意率（%）`}>
      <div data-testid="period-chart" role="img" aria-label={`本期各${what}按时办结率与满意率柱状图，数值见下表`}>
        <ResponsiveContainer width="100%" height={HEIGHT}>
          <BarChart data={data} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="key" interval={0} tick={{ fontSize: 12 }} />
            <YAxis domain={[0, 100]} tick={{ fontSize: 12 }} />
            <Tooltip formatter={shown} />
            <Legend />
            <ReferenceLine y={TARGET} stroke="#f5222d" strokeDasharray="4 4" label={{ value: `${TARGET}%`, position: "insideTopLeft", fontSize: 11, fill: "#f5222d" }} />
            <Bar dataKey="onTime" name={METRICS.onTime} fill="#1677ff" isAnimationActive={false} />
            <Bar dataKey="satisfaction" name={METRICS.satisfaction} fill="#52c41a" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Figure>
  );
}

export function MonthlyTrend({ end }: { end: string }) {
  const months = useMemo(() => lastMonths(end, MONTHS), [end]);
  const [reports, setReports] = useState<StatisticsRow[][] | null>(null);
  const [metric, setMetric] = useState<Metric>("onTime");
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Explained | null>(null);
  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(null);
    Promise.all(
      months.map((m) => supervision.getStatistics({ fromDate: m.from, toDate: m.to, groupBy: StatisticsGrouping.DEPARTMENT })),
    )
      .then((answers) => current && setReports(answers.map((a) => a.rows)))
      .catch((reason: unknown) => current && setError(explain(reason)))
      .finally(() => current && setLoading(false));
    // A newer period chosen meanwhile: the older answers are dropped.
    return () => {
      current = false;
    };
  }, [months]);
  const drawn = useMemo(() => trend(months, reports ?? [], metric), [months, reports, metric]);
  const caption = `近 ${MONTHS} 个月各部门${METRICS[metric]}（%，${months[0]?.label} 至 ${months[months.length - 1]?.label}）`;
  return (
    <Figure id="trend-chart" caption={caption}>
      <Segmented<Metric>
        size="small"
        style={{ marginBottom: 8 }}
        value={metric}
        onChange={setMetric}
        options={(Object.keys(METRICS) as Metric[]).map((m) => ({ value: m, label: METRICS[m] }))}
        aria-label="趋势指标"
      />
      <ErrorAlert error={error} />
      <Spin spinning={loading}>
        <div data-testid="trend-chart" role="img" aria-label={`${caption}折线图，数值见图下数据表`}>
          <ResponsiveContainer width="100%" height={HEIGHT - 32}>
            <LineChart data={drawn.points} margin={{ top: 8, right: 8, left: -16, bottom: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="month" tick={{ fontSize: 12 }} />
              <YAxis domain={[0, 100]} tick={{ fontSize: 12 }} />
              <Tooltip formatter={shown} />
              <Legend />
              {drawn.keys.map((key, i) => (
                <Line
                  key={key}
                  dataKey={key}
                  name={keyName(key)}
                  stroke={PALETTE[i % PALETTE.length]}
                  connectNulls
                  dot={{ r: 3 }}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      </Spin>
      <Collapse
        size="small"
        items={[
          {
            key: "table",
            label: "趋势数据表",
            children: (
              <div data-testid="trend-table">
                <Table<Record<string, string | number | null>>
                  size="small"
                  rowKey="key"
                  pagination={false}
                  scroll={{ x: true }}
                  dataSource={drawn.keys.map((key) => ({ key, ...Object.fromEntries(drawn.points.map((p) => [String(p.month), p[key] ?? null])) }))}
                  columns={[
                    { title: "部门", dataIndex: "key", width: 90, render: (key: string) => keyName(key) },
                    ...months.map((m) => ({ title: m.label, dataIndex: m.label, width: 80, render: shown })),
                  ]}
                />
              </div>
            ),
          },
        ]}
      />
    </Figure>
  );
}

/** Both charts side by side (stacked on a narrow screen). */
export function StatisticsCharts({ rows, what, end }: { rows: StatisticsRow[]; what: string; end: string }) {
  return (
    <Card size="small" style={{ marginBottom: 12 }}>
      <Row gutter={[24, 12]}>
        <Col xs={24} xl={12}>
          <PeriodChart rows={rows} what={what} />
        </Col>
        <Col xs={24} xl={12}>
          <MonthlyTrend end={end} />
        </Col>
      </Row>
    </Card>
  );
}
