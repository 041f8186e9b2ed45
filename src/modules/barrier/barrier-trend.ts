/** Reports per quarter for the analyst's overview ("2018 K2: 5"), and which way the latest quarters go. */

export interface QuarterCount {
  /** "2018-Q2", sortable. */
  quarter: string;
  /** "2018 K2" */
  label: string;
  count: number;
}

/** `tyst`: no report in the current quarter nor in the one before (the barrier has gone quiet). */
export type TrendDirection = 'okar' | 'minskar' | 'oforandrad' | 'tyst';

export const TREND_LABELS: Record<TrendDirection, string> = { okar: 'Ökar', minskar: 'Minskar', oforandrad: 'Oförändrad', tyst: 'Tyst' };

export interface QuarterTrend {
  quarters: QuarterCount[];
  direction: TrendDirection;
}

/** "2018-Q2" for a YYYY-MM-DD date. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

function previousQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
}

function nextQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

/**
 * The last `maxQuarters` quarters up to `currentQuarter` (today's, in Swedish time), empty quarters
 * included (a gap is news), so every barrier is read over the same window however long it has been quiet.
 * The current quarter is not over yet, so the direction is: `tyst` when neither it nor the last complete
 * quarter has a report; `okar` when it already has more than the last complete quarter; otherwise the last
 * complete quarter against the one before it.
 */
export function quarterTrend(countsByQuarter: ReadonlyMap<string, number>, currentQuarter: string, maxQuarters = 8): QuarterTrend {
  const known = [...countsByQuarter.keys()].sort();
  if (known.length === 0) return { quarters: [], direction: 'oforandrad' };
  // A report dated after today (a typing mistake) still shows rather than vanishing.
  const end = known[known.length - 1] > currentQuarter ? known[known.length - 1] : currentQuarter;
  // Always the whole window, also for a barrier younger than it (one just split off): its first quarters are 0.
  let start = end;
  for (let i = 1; i < maxQuarters; i += 1) start = previousQuarter(start);
  const quarters: QuarterCount[] = [];
  for (let quarter = start; quarter <= end; quarter = nextQuarter(quarter)) {
    quarters.push({ quarter, label: `${quarter.slice(0, 4)} K${quarter.slice(6)}`, count: countsByQuarter.get(quarter) ?? 0 });
  }
  const current = countsByQuarter.get(currentQuarter) ?? 0;
  const last = countsByQuarter.get(previousQuarter(currentQuarter)) ?? 0;
  const before = countsByQuarter.get(previousQuarter(previousQuarter(currentQuarter))) ?? 0;
  const direction: TrendDirection =
    current === 0 && last === 0 ? 'tyst' : current > last ? 'okar' : last > before ? 'okar' : last < before ? 'minskar' : 'oforandrad';
  return { quarters, direction };
}

const BARS = '▁▂▃▄▅▆▇█';

/** The height of each quarter's bar in eighths of the largest (0: no report that quarter), for a drawn sparkline. */
export const SPARKLINE_STEPS = BARS.length;

export function sparklineLevels(counts: readonly number[]): number[] {
  const max = Math.max(0, ...counts);
  return counts.map((count) => (max === 0 || count === 0 ? 0 : Math.max(1, Math.ceil((count / max) * SPARKLINE_STEPS))));
}

/**
 * "▁▃█▂": the same levels as characters, for the API. Pages draw the levels as SVG bars instead (a font without
 * the block glyphs shows empty boxes) and pair them with the figures as text.
 */
export function sparkline(counts: readonly number[]): string {
  return sparklineLevels(counts)
    .map((level) => (level === 0 ? ' ' : BARS[level - 1]))
    .join('');
}
