// The statistics' trend: the same report for each of the last few months, turned into one
// series per department for a chart and a table. A rate with nothing under it (no case
// completed, no review) is a gap, not a zero.
import dayjs from "dayjs";

export interface Month {
  /** "2026-10" */
  label: string;
  from: string;
  to: string;
}

/** The `count` calendar months up to and including the one `end` falls in, oldest first. */
export function lastMonths(end: string, count: number): Month[] {
  const last = dayjs(end).startOf("month");
  return Array.from({ length: count }, (_, i) => {
    const start = last.subtract(count - 1 - i, "month");
    return { label: start.format("YYYY-MM"), from: start.format("YYYY-MM-DD"), to: start.endOf("month").format("YYYY-MM-DD") };
  });
}

export type Metric = "onTime" | "satisfaction";

/** The numbers of one report line the trend needs (a StatisticsRow has them). */
export interface RateRow {
  key: string;
  completed: number;
  onTimeRate: number;
  reviews: number;
  satisfactionRate: number;
}

/** A rate as a percentage to one decimal, or null when it rests on nothing. */
export function percent(row: RateRow, metric: Metric): number | null {
  const [base, rate] = metric === "onTime" ? [row.completed, row.onTimeRate] : [row.reviews, row.satisfactionRate];
  return base > 0 ? Math.round(rate * 1000) / 10 : null;
}

export interface Trend {
  /** Departments with at least one rate in the months, in code order. */
  keys: string[];
  /** One point per month: { month: "2026-10", GA: 95.5, NJ: null, ... } */
  points: Array<Record<string, string | number | null>>;
}

export function trend(months: Month[], reports: RateRow[][], metric: Metric): Trend {
  const keys = new Set<string>();
  const points = months.map((month, i) => {
    const point: Record<string, string | number | null> = { month: month.label };
    for (const row of reports[i] ?? []) {
      const value = percent(row, metric);
      point[row.key] = value;
      if (value !== null) keys.add(row.key);
    }
    return point;
  });
  const sorted = [...keys].sort();
  for (const point of points) for (const key of sorted) point[key] ??= null;
  return { keys: sorted, points };
}
