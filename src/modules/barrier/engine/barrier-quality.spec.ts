import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskPii } from '../../../common/pii/pii-detector';
import { runFull } from './barrier-engine';
import { scoreClustering } from './clustering-metrics';
import { loadDefaultThesaurus } from './default-thesaurus';
import { EngineReport } from './engine-types';
import { SeededRandom } from './seeded-random';

/**
 * A floor under the engine's quality, so a change that loses ground on any of the six sets fails
 * here rather than being found by `npm run eval` later. The sets: ../shared/samples, and five invented
 * holdouts about other barriers (test/fixtures). Floors sit a few hundredths under what the engine
 * reached when they were set (without / with three confirmed per barrier, seeds 1-4, `SHOW_ARI=1` prints
 * them; 2026-11-24, after more ways of saying a problem was settled locally, a misunderstanding, a slip or
 * a technical fault: samples 0.759/0.859, holdout 0.825/0.879, holdout-2 0.800/0.865, holdout-3
 * 0.595/0.706, holdout-4 0.638/0.723, holdout-5 0.692/0.726). They are a guard against regressions, not the targets.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const SETS = [
  { name: 'samples', dir: join(ROOT, '..', 'shared', 'samples'), floorNone: 0.73, floorThree: 0.82 },
  { name: 'holdout', dir: join(ROOT, 'test', 'fixtures', 'patterns-holdout'), floorNone: 0.78, floorThree: 0.85 },
  { name: 'holdout-2', dir: join(ROOT, 'test', 'fixtures', 'patterns-holdout-2'), floorNone: 0.77, floorThree: 0.83 },
  // Written blind (without the engine's source); first measured 0.493 / 0.662 (seeds 1-8), before the round that
  // placed reports into proposals and counted absent features, which it then checked without having been tuned on.
  { name: 'holdout-3', dir: join(ROOT, 'test', 'fixtures', 'patterns-holdout-3'), floorNone: 0.56, floorThree: 0.67 },
  // Written blind too, about barriers of the samples' kind (rules of FK, AF, soc and the region that collide); first
  // measured 0.506 / 0.704 (seeds 1-24), then used only to check the changes after it (loose members leaving proposals too).
  { name: 'holdout-4', dir: join(ROOT, 'test', 'fixtures', 'patterns-holdout-4'), floorNone: 0.60, floorThree: 0.68 },
  // Written blind at the end of the session that added holdout-4, and measured once: 0.670 / 0.705 (seeds 1-24);
  // the engine at the start of that session gave 0.652 / 0.678.
  { name: 'holdout-5', dir: join(ROOT, 'test', 'fixtures', 'patterns-holdout-5'), floorNone: 0.66, floorThree: 0.69 },
];

function readLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

interface SampleRow {
  externalId: string;
  kommun: string;
  occurredOn: string;
  category: string;
  parties: string[];
  title: string;
  description: string;
  consequence?: string;
  tried?: string;
}

/** The reports as the importer stores them (personal data masked), keyed by externalId. */
function load(dir: string): { reports: EngineReport[]; truth: Map<string, string | null> } {
  const mask = (text: string | undefined): string => (text ? maskPii(text).text : '');
  const reports = readLines<SampleRow>(join(dir, 'reports.jsonl')).map((row) => ({
    id: row.externalId,
    title: mask(row.title),
    description: mask(row.description),
    consequence: mask(row.consequence),
    tried: mask(row.tried),
    category: row.category,
    parties: row.parties,
    municipality: row.kommun,
    subproject: row.kommun,
    occurredOn: row.occurredOn,
  }));
  const truth = new Map(readLines<{ externalId: string; barrier: string | null }>(join(dir, 'truth.jsonl')).map((row) => [row.externalId, row.barrier]));
  return { reports, truth };
}

function ari(reports: readonly EngineReport[], truth: ReadonlyMap<string, string | null>, confirmed: ReadonlyMap<string, string>): number {
  let next = 0;
  const result = runFull(reports, { thesaurus: loadDefaultThesaurus(), confirmed, newId: () => `n${next++}` });
  return scoreClustering(
    reports.map((r) => truth.get(r.id) ?? null),
    reports.map((r) => result.assignments.get(r.id) ?? null),
  ).ari;
}

/** As the analyst would: three random reports of each true barrier confirmed into it. */
function confirmThree(reports: readonly EngineReport[], truth: ReadonlyMap<string, string | null>, seed: number): Map<string, string> {
  const random = new SeededRandom(seed);
  const confirmed = new Map<string, string>();
  const labels = [...new Set([...truth.values()].filter((label): label is string => label !== null))].sort();
  for (const label of labels) {
    const members = reports.filter((r) => truth.get(r.id) === label).map((r) => r.id);
    for (let i = members.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [members[i], members[j]] = [members[j], members[i]];
    }
    for (const id of members.slice(0, 3)) confirmed.set(id, `bekräftat-${label}`);
  }
  return confirmed;
}

describe('barrier engine quality floors (adjusted Rand index)', () => {
  for (const set of SETS) {
    it(`${set.name}: without confirmed examples and with three per barrier`, () => {
      const { reports, truth } = load(set.dir);
      const none = ari(reports, truth, new Map());
      const seeds = [1, 2, 3, 4];
      const three = seeds.reduce((sum, seed) => sum + ari(reports, truth, confirmThree(reports, truth, seed)), 0) / seeds.length;
      if (process.env.SHOW_ARI) process.stdout.write(`${set.name}: ${none.toFixed(3)} / ${three.toFixed(3)}\n`);
      expect(none).toBeGreaterThanOrEqual(set.floorNone);
      expect(three).toBeGreaterThanOrEqual(set.floorThree);
    });
  }
});
