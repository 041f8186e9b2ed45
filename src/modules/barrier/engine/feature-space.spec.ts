import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefaultThesaurus } from './default-thesaurus';
import { EngineReport } from './engine-types';
import { profileGroup } from './barrier-explainer';
import { buildFeatureSpace } from './feature-space';
import { extractFeatures } from './report-features';
import { parseThesaurus } from './thesaurus';

const FIXTURE = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'patterns-holdout', 'reports.jsonl');

function fixtureReports(): EngineReport[] {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .map((row) => ({
      id: String(row.externalId),
      title: String(row.title ?? ''),
      description: String(row.description ?? ''),
      consequence: typeof row.consequence === 'string' ? row.consequence : undefined,
      tried: typeof row.tried === 'string' ? row.tried : undefined,
      category: String(row.category ?? ''),
      parties: Array.isArray(row.parties) ? row.parties.map(String) : [],
      municipality: String(row.kommun),
      subproject: '',
      occurredOn: String(row.occurredOn),
    }));
}

describe('buildFeatureSpace (a corpus read by word number)', () => {
  const thesaurus = parseThesaurus(loadDefaultThesaurus());
  const reports = fixtureReports();
  const { space, vectors } = buildFeatureSpace(reports, thesaurus);

  it('gives every report the vector one report read on its own gets (as incremental runs read them)', () => {
    expect(reports.length).toBeGreaterThan(50);
    reports.forEach((report, index) => {
      const alone = space.vectorize(index, report, extractFeatures(report, thesaurus, space.lexicon));
      const read = vectors[index];
      expect([...read.vector.ids].map((id) => space.keys[id])).toEqual([...alone.vector.ids].map((id) => space.keys[id]));
      expect([...read.vector.weights]).toEqual([...alone.vector.weights]);
      expect([...read.parties]).toEqual([...alone.parties]);
      expect([...read.direct]).toEqual([...alone.direct]);
      expect([...read.bridges]).toEqual([...alone.bridges]);
    });
  });

  it('counts document frequencies over the corpus: a concept many reports name, once per report', () => {
    const naming = reports.filter((report) => /Försäkringskassan|\bFK\b/.test(`${report.title} ${report.description} ${report.consequence ?? ''} ${report.tried ?? ''}`)).length;
    expect(naming).toBeGreaterThan(5);
    expect(space.df.get('c:försäkringskassan')).toBe(naming);
  });

  it('profiles a group the same whatever was profiled before it in the same space (its arrays are reused)', () => {
    const first = vectors.slice(0, 40);
    const second = vectors.slice(30, 90);
    const alone = profileGroup(buildFeatureSpace(reports, thesaurus).space, second);
    profileGroup(space, first);
    const after = profileGroup(space, second);
    expect([...after.centroid.ids]).toEqual([...alone.centroid.ids]);
    expect([...after.centroid.weights]).toEqual([...alone.centroid.weights]);
    expect([...after.core].sort()).toEqual([...alone.core].sort());
    expect([...after.memberCounts]).toEqual([...alone.memberCounts]);
  });
});
