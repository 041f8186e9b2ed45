import { scoreClustering } from './clustering-metrics';

describe('scoreClustering', () => {
  it('gives 1 for a perfect clustering, nulls included', () => {
    const truth = ['A', 'A', 'B', 'B', null, null];
    const s = scoreClustering(truth, ['x', 'x', 'y', 'y', null, null]);
    expect(s.ari).toBeCloseTo(1);
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(1);
    expect(s.f1).toBe(1);
  });

  it('treats every null as its own singleton (two nulls are never a pair)', () => {
    // Putting the two one-offs together is a false pair.
    const s = scoreClustering(['A', 'A', null, null], ['x', 'x', 'z', 'z']);
    expect(s.truePairs).toBe(1);
    expect(s.predictedPairs).toBe(2);
    expect(s.precision).toBeCloseTo(0.5);
    expect(s.recall).toBe(1);
    expect(s.ari).toBeLessThan(1);
  });

  it('matches a hand-computed adjusted Rand index', () => {
    // Contingency [[2,1],[0,2]]: index 2, expected 3*2/10, max (3+2)/2.
    const s = scoreClustering(['A', 'A', 'A', 'B', 'B'], ['x', 'x', 'y', 'y', 'y']);
    const expected = (2 - (4 * 4) / 10) / ((4 + 4) / 2 - (4 * 4) / 10);
    expect(s.ari).toBeCloseTo(expected, 10);
    expect(s.precision).toBeCloseTo(2 / 4);
    expect(s.recall).toBeCloseTo(2 / 4);
  });

  it('is about 0 for a clustering unrelated to the truth and invariant to label names', () => {
    const a = scoreClustering(['A', 'A', 'B', 'B'], ['p', 'q', 'p', 'q']);
    expect(a.ari).toBeLessThanOrEqual(0);
    const b = scoreClustering(['A', 'A', 'B', 'B'], ['q', 'q', 'p', 'p']);
    expect(b.ari).toBeCloseTo(1);
  });
});
