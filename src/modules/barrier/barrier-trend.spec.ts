import { quarterOf, quarterTrend, sparkline, sparklineLevels } from './barrier-trend';

describe('quarterTrend', () => {
  it('names quarters', () => {
    expect(quarterOf('2018-01-01')).toBe('2018-Q1');
    expect(quarterOf('2018-06-30')).toBe('2018-Q2');
    expect(quarterOf('2018-12-31')).toBe('2018-Q4');
  });

  it('fills empty quarters up to the current quarter, over the whole window also for a young barrier', () => {
    const trend = quarterTrend(new Map([['2017-Q4', 2], ['2018-Q2', 1], ['2018-Q3', 4]]), '2018-Q4');
    expect(trend.quarters).toEqual([
      { quarter: '2017-Q1', label: '2017 K1', count: 0 },
      { quarter: '2017-Q2', label: '2017 K2', count: 0 },
      { quarter: '2017-Q3', label: '2017 K3', count: 0 },
      { quarter: '2017-Q4', label: '2017 K4', count: 2 },
      { quarter: '2018-Q1', label: '2018 K1', count: 0 },
      { quarter: '2018-Q2', label: '2018 K2', count: 1 },
      { quarter: '2018-Q3', label: '2018 K3', count: 4 },
      { quarter: '2018-Q4', label: '2018 K4', count: 0 },
    ]);
    // The current quarter has only begun: the last complete one against the one before decides.
    expect(trend.direction).toBe('okar');
    expect(quarterTrend(new Map([['2018-Q1', 3], ['2018-Q2', 1]]), '2018-Q3').direction).toBe('minskar');
    expect(quarterTrend(new Map([['2018-Q1', 3], ['2018-Q2', 3]]), '2018-Q3').direction).toBe('oforandrad');
    expect(quarterTrend(new Map(), '2018-Q3').quarters).toEqual([]);
  });

  it('says "ökar" as soon as the current quarter has more than the whole last one', () => {
    expect(quarterTrend(new Map([['2018-Q1', 5], ['2018-Q2', 1], ['2018-Q3', 2]]), '2018-Q3').direction).toBe('okar');
    expect(quarterTrend(new Map([['2018-Q1', 2], ['2018-Q2', 1], ['2018-Q3', 1]]), '2018-Q3').direction).toBe('minskar');
  });

  it('shows a barrier that has gone quiet as quiet, not by its own last quarters', () => {
    // Latest report 2025-10-11, today in 2026 K4: it used to say "Ökar" (2025 K3: 1 → 2025 K4: 3).
    const trend = quarterTrend(new Map([['2025-Q3', 1], ['2025-Q4', 3]]), '2026-Q4');
    expect(trend.direction).toBe('tyst');
    expect(trend.quarters.map((q) => q.label)).toEqual(['2025 K1', '2025 K2', '2025 K3', '2025 K4', '2026 K1', '2026 K2', '2026 K3', '2026 K4']);
    // Quiet in the last complete quarter but a report now: rising again.
    expect(quarterTrend(new Map([['2025-Q4', 3], ['2026-Q4', 1]]), '2026-Q4').direction).toBe('okar');
    // Reports last quarter, none yet this quarter: the last complete quarter decides.
    expect(quarterTrend(new Map([['2026-Q2', 4], ['2026-Q3', 1]]), '2026-Q4').direction).toBe('minskar');
  });

  it('keeps only the latest quarters, across years, ending at the current one', () => {
    const trend = quarterTrend(new Map([['2016-Q1', 1], ['2019-Q1', 2]]), '2019-Q2', 3);
    expect(trend.quarters.map((q) => q.label)).toEqual(['2018 K4', '2019 K1', '2019 K2']);
    // A report dated after today still shows, at the end of the window.
    expect(quarterTrend(new Map([['2019-Q3', 1]]), '2019-Q2', 3).quarters.map((q) => q.label)).toEqual(['2019 K1', '2019 K2', '2019 K3']);
  });
});

describe('sparkline', () => {
  it('scales to the largest quarter and leaves empty quarters blank', () => {
    expect(sparkline([1, 0, 4, 8])).toBe('▁ ▄█');
    expect(sparkline([])).toBe('');
  });

  it('gives the same scale as bar heights in eighths, for the drawn sparkline on the pages', () => {
    expect(sparklineLevels([1, 0, 4, 8])).toEqual([1, 0, 4, 8]);
    expect(sparklineLevels([1, 0, 3])).toEqual([3, 0, 8]);
    expect(sparklineLevels([0, 0])).toEqual([0, 0]);
    expect(sparklineLevels([])).toEqual([]);
  });
});
