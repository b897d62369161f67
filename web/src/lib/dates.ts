// Dates as an administrator copies them from the State Council's notice: one per line or
// separated by commas, spans as "2027-10-01~2027-10-07" (or "至"), in any order.
export interface ParsedDates {
  dates: string[];
  /** Pieces that are not a date or a span of dates, to be named beside the field. */
  bad: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function valid(text: string): Date | null {
  if (!DAY.test(text)) return null;
  const date = new Date(`${text}T00:00:00Z`);
  // 2027-02-30 rolls over to March (or is no date at all): only a day that exists round-trips.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? date : null;
}

export function parseDates(text: string): ParsedDates {
  const dates = new Set<string>();
  const bad: string[] = [];
  for (const piece of text.split(/[\s,，、;；]+/).filter(Boolean)) {
    const [from, to, ...extra] = piece.split(/~|至/);
    const start = valid(from);
    const end = to === undefined ? start : valid(to);
    if (!start || !end || extra.length || end < start) {
      bad.push(piece);
      continue;
    }
    for (let day = start; day <= end; day = new Date(day.getTime() + 86_400_000)) {
      dates.add(day.toISOString().slice(0, 10));
    }
  }
  return { dates: [...dates].sort(), bad };
}
