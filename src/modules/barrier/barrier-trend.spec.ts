import { quarterOf, quarterTrend, sparkline } from './barrier-trend';

describe('quarterTrend', () => {
  it('names quarters', () => {
    expect(quarterOf('2018-01-01')).toBe('2018-Q1');
    expect(quarterOf('2018-06-30')).toBe('2018-Q2');
    expect(quarterOf('2018-12-31')).toBe('2018-Q4');
  });

  it('fills empty quarters and says the trend of the last two', () => {
    const trend = quarterTrend(new Map([['2017-Q4', 2], ['2018-Q2', 1], ['2018-Q3', 4]]));
    expect(trend.quarters).toEqual([
      { quarter: '2017-Q4', label: '2017 K4', count: 2 },
      { quarter: '2018-Q1', label: '2018 K1', count: 0 },
      { quarter: '2018-Q2', label: '2018 K2', count: 1 },
      { quarter: '2018-Q3', label: '2018 K3', count: 4 },
    ]);
    expect(trend.direction).toBe('okar');
    expect(quarterTrend(new Map([['2018-Q1', 3], ['2018-Q2', 1]])).direction).toBe('minskar');
    expect(quarterTrend(new Map([['2018-Q1', 3]])).direction).toBe('oforandrad');
    expect(quarterTrend(new Map()).quarters).toEqual([]);
  });

  it('keeps only the latest quarters, across years', () => {
    const trend = quarterTrend(new Map([['2016-Q1', 1], ['2019-Q1', 2]]), 3);
    expect(trend.quarters.map((q) => q.label)).toEqual(['2018 K3', '2018 K4', '2019 K1']);
  });
});

describe('sparkline', () => {
  it('scales to the largest quarter and leaves empty quarters blank', () => {
    expect(sparkline([1, 0, 4, 8])).toBe('▁ ▄█');
    expect(sparkline([])).toBe('');
  });
});
