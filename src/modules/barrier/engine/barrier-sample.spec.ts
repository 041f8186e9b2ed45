import { stableHash } from '../../../common/hashing/stable-hash';
import { smallestByHash } from './barrier-engine';
import { ReportVector } from './feature-space';

function vector(id: string, index: number): ReportVector {
  return {
    index,
    report: { id, title: '', description: '', category: '', parties: [], municipality: '', subproject: '', occurredOn: '2024-01-01' },
    parties: new Set(),
    vector: { ids: new Int32Array(0), weights: new Float64Array(0) },
    direct: new Int32Array(0),
    bridges: new Int32Array(0),
  };
}

describe('smallestByHash (the sample clustered exactly at scale)', () => {
  const reports = Array.from({ length: 2000 }, (_, i) => vector(`R-${(i * 7919) % 2000}`, i));
  const bySort = (salt: number, count: number): string[] =>
    [...reports]
      .sort((a, b) => stableHash(a.report.id, salt) - stableHash(b.report.id, salt) || (a.report.id < b.report.id ? -1 : 1))
      .slice(0, count)
      .map((v) => v.report.id)
      .sort();

  it('picks the same reports as sorting everything by hash and id', () => {
    for (const [salt, count] of [[1, 1], [1, 300], [2, 1999], [3, 57]]) {
      expect(smallestByHash(reports, salt, count).map((v) => v.report.id).sort()).toEqual(bySort(salt, count));
    }
  });

  it('takes everything when asked for as many or more, and nothing for zero', () => {
    expect(smallestByHash(reports, 1, 5000)).toHaveLength(2000);
    expect(smallestByHash(reports, 1, 0)).toEqual([]);
  });

  it('does not depend on the order the reports come in', () => {
    const reversed = [...reports].reverse();
    expect(smallestByHash(reversed, 4, 250).map((v) => v.report.id).sort()).toEqual(smallestByHash(reports, 4, 250).map((v) => v.report.id).sort());
  });
});

