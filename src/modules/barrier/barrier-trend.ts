/** Reports per quarter for the analyst's overview ("2018 K2: 5"), and which way the latest quarters go. */

export interface QuarterCount {
  /** "2018-Q2", sortable. */
  quarter: string;
  /** "2018 K2" */
  label: string;
  count: number;
}

export type TrendDirection = 'okar' | 'minskar' | 'oforandrad';

export const TREND_LABELS: Record<TrendDirection, string> = { okar: 'Ökar', minskar: 'Minskar', oforandrad: 'Oförändrad' };

export interface QuarterTrend {
  quarters: QuarterCount[];
  direction: TrendDirection;
}

/** "2018-Q2" for a YYYY-MM-DD date. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

function nextQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

/**
 * The last `maxQuarters` quarters up to the barrier's latest, empty quarters included (a gap is news),
 * and the direction from the second-to-last quarter to the last.
 */
export function quarterTrend(countsByQuarter: ReadonlyMap<string, number>, maxQuarters = 8): QuarterTrend {
  const known = [...countsByQuarter.keys()].sort();
  if (known.length === 0) return { quarters: [], direction: 'oforandrad' };
  const all: string[] = [];
  for (let quarter = known[0]; quarter <= known[known.length - 1]; quarter = nextQuarter(quarter)) all.push(quarter);
  const quarters = all.slice(-maxQuarters).map((quarter) => ({
    quarter,
    label: `${quarter.slice(0, 4)} K${quarter.slice(6)}`,
    count: countsByQuarter.get(quarter) ?? 0,
  }));
  const last = quarters[quarters.length - 1]?.count ?? 0;
  const before = quarters.length > 1 ? quarters[quarters.length - 2].count : last;
  return { quarters, direction: last > before ? 'okar' : last < before ? 'minskar' : 'oforandrad' };
}

const BARS = '▁▂▃▄▅▆▇█';

/** "▁▃█▂": a glance at the quarters for sighted readers; pages pair it with the figures as text. */
export function sparkline(counts: readonly number[]): string {
  const max = Math.max(0, ...counts);
  return counts.map((count) => (max === 0 || count === 0 ? ' ' : BARS[Math.max(0, Math.ceil((count / max) * BARS.length) - 1)])).join('');
}
