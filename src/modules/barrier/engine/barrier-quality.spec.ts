import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maskPii } from '../../../common/pii/pii-detector';
import { runFull } from './barrier-engine';
import { scoreClustering } from './clustering-metrics';
import { loadDefaultThesaurus } from './default-thesaurus';
import { EngineBarrier, EngineOptions, EngineReport } from './engine-types';
import { SeededRandom } from './seeded-random';

/**
 * A floor under the engine's quality, so a change that loses ground on any set fails here rather than
 * being found by `npm run eval` later. The sets: ../shared/samples, and twenty-seven invented holdouts about
 * other barriers (test/fixtures). Floors sit a few hundredths under what the engine reached when they
 * were set (without / with three confirmed per barrier, seeds 1-4; `SHOW_ARI=1` prints them). On
 * 2026-11-24, after the odds steps were repeated on the groups they had changed, members moved between
 * proposals and clear fragments joined: samples 0.742/0.899, holdout 0.816/0.891, holdout-2 0.854/0.932,
 * holdout-3 0.822/0.873, holdout-4 0.612/0.691, holdout-5 0.808/0.834, holdout-6 0.493/0.694, holdout-7
 * 0.576/0.716, holdout-8 0.596/0.665, holdout-9 0.564/0.653, holdout-10 0.739/0.801, holdout-11 0.477/0.707,
 * holdout-12 0.739/0.757, holdout-13 0.619/0.640, holdout-14 0.287/0.633, holdout-15 0.503/0.739, holdout-16 0.213/0.506;
 * added the next session, holdout-17 0.593/0.729 and holdout-18 0.417/0.491. Then, without confirmed examples only,
 * self-training (selfTrain in barrier-engine.ts) was chosen on the sets written after the idea came up, and the floors
 * without confirmed examples follow it: samples 0.706 (the target is 0.70), holdout 0.814, -2 0.912, -3 0.780,
 * -4 0.621, -5 0.768, -6 0.515, -7 0.537, -8 0.564, -9 0.556, -10 0.787, -11 0.445, -12 0.638, -13 0.610, -14 0.442,
 * -15 0.554, -16 0.278, -17 0.627 (after the sentence-bound negation), -18 0.405.
 * On 2026-11-24 (session 18) word beginnings joined the odds steps while fewer than two barriers are confirmed
 * (see beginningsWhileProposing in barrier-engine.ts), and the floors without confirmed examples follow it; with three
 * confirmed per barrier nothing changed. Without: samples 0.706 -> 0.717, the twenty-six holdouts 0.539 -> 0.581.
 * Then the beginnings joined the moves between confirmed barriers too, at a wider margin (movesAmongConfirmed),
 * and the floors with three confirmed follow it: samples 0.899 -> 0.902, the twenty-six holdouts 0.660 -> 0.676.
 * They are a guard against regressions, not the targets.
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const fixture = (folder: string): string => join(ROOT, 'test', 'fixtures', folder);
const SETS = [
  { name: 'samples', dir: join(ROOT, '..', 'shared', 'samples'), floorNone: 0.7, floorThree: 0.88 },
  { name: 'holdout', dir: fixture('patterns-holdout'), floorNone: 0.83, floorThree: 0.87 },
  { name: 'holdout-2', dir: fixture('patterns-holdout-2'), floorNone: 0.9, floorThree: 0.92 },
  // Written blind (without the engine's source); first measured 0.493 / 0.662 (seeds 1-8), before the round that
  // placed reports into proposals and counted absent features, which it then checked without having been tuned on.
  { name: 'holdout-3', dir: fixture('patterns-holdout-3'), floorNone: 0.82, floorThree: 0.85 },
  // Written blind too, about barriers of the samples' kind (rules of FK, AF, soc and the region that collide); first
  // measured 0.506 / 0.704 (seeds 1-24), then used only to check the changes after it (loose members leaving proposals too).
  { name: 'holdout-4', dir: fixture('patterns-holdout-4'), floorNone: 0.55, floorThree: 0.7 },
  // Written blind at the end of the session that added holdout-4, and measured once: 0.670 / 0.705 (seeds 1-24);
  // the engine at the start of that session gave 0.652 / 0.678.
  { name: 'holdout-5', dir: fixture('patterns-holdout-5'), floorNone: 0.81, floorThree: 0.82 },
  // Written blind with more varied wording (every report of a barrier in other words); first measured 0.212 / 0.467
  // (seeds 1-24). The brief for the field's broader vocabulary named its areas among many others, so it is not
  // quite blind to the thesaurus.
  { name: 'holdout-6', dir: fixture('patterns-holdout-6'), floorNone: 0.63, floorThree: 0.71 },
  // Written blind after all of that: 0.380 / 0.615 before the broader vocabulary (seeds 1-24); since then only in the
  // mean that chose between variants of it (see its README).
  { name: 'holdout-7', dir: fixture('patterns-holdout-7'), floorNone: 0.53, floorThree: 0.73 },
  // Written blind after holdout-7 and measured once (seeds 1-24): 0.365 / 0.512 with the engine of that morning, 0.430 / 0.621 after.
  { name: 'holdout-8', dir: fixture('patterns-holdout-8'), floorNone: 0.51, floorThree: 0.65 },
  // Written blind after holdout-8 and measured once (seeds 1-8): 0.361 / 0.555 with the engine of that morning, 0.507 /
  // 0.634 after.
  { name: 'holdout-9', dir: fixture('patterns-holdout-9'), floorNone: 0.64, floorThree: 0.68 },
  // Written blind after holdout-9 and measured once, after the day's last engine change (seeds 1-8): 0.572 / 0.696 with
  // the engine of that morning, 0.637 / 0.767 after.
  { name: 'holdout-10', dir: fixture('patterns-holdout-10'), floorNone: 0.76, floorThree: 0.8 },
  // Written blind after holdout-10 and measured once with the day's final engine (seeds 1-8): 0.377 / 0.596 with the
  // engine of that morning, 0.416 / 0.670 after.
  { name: 'holdout-11', dir: fixture('patterns-holdout-11'), floorNone: 0.56, floorThree: 0.68 },
  // Written blind in the next session, while its one engine change was made (seeds 1-8): 0.663 / 0.722 before it and
  // after; it showed two phrases the change had wrongly counted as settled locally (see its README). Without
  // confirmed examples 0.638 -> 0.707 once fragments join after self-training (joinFragmentsAfterTraining).
  { name: 'holdout-12', dir: fixture('patterns-holdout-12'), floorNone: 0.74, floorThree: 0.75 },
  // Written blind beside holdout-12 and not used to choose anything (seeds 1-8): 0.494 / 0.634 before that session's
  // changes, the same after the settled phrases, 0.494 / 0.640 after fragments could join from further off.
  { name: 'holdout-13', dir: fixture('patterns-holdout-13'), floorNone: 0.63, floorThree: 0.66 },
  // Written blind during the session that repeated the odds steps and moved members between proposals, and measured
  // only afterwards (seeds 1-24): 0.294 / 0.601 with the engine of that morning, 0.287 / 0.647 after its changes.
  { name: 'holdout-14', dir: fixture('patterns-holdout-14'), floorNone: 0.42, floorThree: 0.63 },
  // Written blind beside holdout-14 and measured only after that session's three changes (seeds 1-24): 0.446 / 0.682
  // with the engine of that morning, 0.503 / 0.701 after.
  { name: 'holdout-15', dir: fixture('patterns-holdout-15'), floorNone: 0.58, floorThree: 0.72 },
  // Written blind at the end of that session and measured once, after its changes had landed (seeds 1-24): 0.205 /
  // 0.422 with the engine of that morning, 0.213 / 0.463 after. The hardest set so far.
  { name: 'holdout-16', dir: fixture('patterns-holdout-16'), floorNone: 0.3, floorThree: 0.46 },
  // Written blind in the next session by a helper that read all of the samples' reports to write in their style, and
  // measured once (seeds 1-24): 0.593 / 0.731. Then used to judge candidate changes; self-training landed (0.598 -> 0.627).
  { name: 'holdout-17', dir: fixture('patterns-holdout-17'), floorNone: 0.7, floorThree: 0.74 },
  // Written blind beside holdout-17, in the samples' style too, and measured once (seeds 1-24): 0.417 / 0.486, the
  // lowest with three confirmed so far. Its breakdown was read afterwards, so it is no longer blind (see its README).
  { name: 'holdout-18', dir: fixture('patterns-holdout-18'), floorNone: 0.45, floorThree: 0.54 },
  // Written blind in the samples' hand, categories included, and measured once (seeds 1-24): 0.350 / 0.609. It then
  // helped choose self-training (0.350 -> 0.407), so it is no longer blind to that.
  { name: 'holdout-19', dir: fixture('patterns-holdout-19'), floorNone: 0.42, floorThree: 0.58 },
  // Written blind in the samples' hand while self-training was being landed, and measured once after (seeds 1-24):
  // 0.443 / 0.585 (0.372 without self-training). Nothing was chosen on it.
  { name: 'holdout-20', dir: fixture('patterns-holdout-20'), floorNone: 0.48, floorThree: 0.57 },
  // Written blind in the samples' hand while the next session's changes were made, and measured once after (seeds
  // 1-24): 0.266 / 0.543 (0.222 / 0.548 with the engine of that morning). Nothing was chosen on it.
  { name: 'holdout-21', dir: fixture('patterns-holdout-21'), floorNone: 0.37, floorThree: 0.51 },
  // Written blind in the samples' hand beside holdout-21 and measured once, in the next session before its changes
  // to the engine's output (seeds 1-24): 0.344 / 0.564 (seeds 1-4: 0.515). Its own run finds fourteen groups for six
  // barriers, so with seed 2 more proposals stand beside the confirmed barriers than were confirmed and they are
  // pinned (see clusterExactly): 0.515 -> 0.506 with three per barrier, the one set that loses by it.
  { name: 'holdout-22', dir: fixture('patterns-holdout-22'), floorNone: 0.36, floorThree: 0.49 },
  // Written blind in the samples' hand in that session, and measured once there as the check of a candidate that did
  // not land (seeds 1-24): 0.387 / 0.502 (seeds 1-4: 0.485).
  { name: 'holdout-23', dir: fixture('patterns-holdout-23'), floorNone: 0.35, floorThree: 0.48 },
  // Written blind in the samples' hand in session 13 and measured once there, with the engine as it was (seeds 1-24):
  // 0.453 / 0.548 (seeds 1-4: 0.579).
  { name: 'holdout-24', dir: fixture('patterns-holdout-24'), floorNone: 0.52, floorThree: 0.56 },
  // Written blind in the samples' hand in session 13 and kept unmeasured until session 15, when it was measured once
  // with the engine as it stood (seeds 1-24): 0.475 / 0.533 (seeds 1-4: 0.529). Nothing was chosen on it.
  { name: 'holdout-25', dir: fixture('patterns-holdout-25'), floorNone: 0.41, floorThree: 0.52 },
  // Written blind in the samples' hand in session 14 and kept unmeasured until session 18, when it was measured once,
  // before and after that session's one engine change, word beginnings in the odds steps (seeds 1-24): 0.271 / 0.426
  // before, 0.314 / 0.426 after (seeds 1-4: 0.431). The hardest set with three confirmed. Nothing was chosen on it.
  { name: 'holdout-26', dir: fixture('patterns-holdout-26'), floorNone: 0.29, floorThree: 0.42 },
  // Written blind in the samples' hand in session 19 and measured once there, with the engine unchanged (seeds 1-24):
  // 0.563 / 0.625 (seeds 1-4: 0.576). A baseline; nothing was chosen on it.
  { name: 'holdout-27', dir: fixture('patterns-holdout-27'), floorNone: 0.53, floorThree: 0.55 },
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

function ari(reports: readonly EngineReport[], truth: ReadonlyMap<string, string | null>, confirmed: ReadonlyMap<string, string>, options: Partial<EngineOptions> = {}): number {
  let next = 0;
  const result = runFull(reports, { thesaurus: loadDefaultThesaurus(), confirmed, newId: () => `n${next++}`, options });
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

describe('self-training: proposals seeded with their most typical reports', () => {
  const find = (name: string): { reports: EngineReport[]; truth: Map<string, string | null> } => {
    const set = SETS.find((candidate) => candidate.name === name);
    if (set === undefined) throw new Error(`No quality set named ${name}`);
    return load(set.dir);
  };

  it('gains on the sets written after it came up, and its seeds never show', () => {
    // holdout-14 gained 0.15 when self-training came; 0.094 since word beginnings count in the odds steps, which
    // gain without it too (the mean of twenty-six sets 0.573 -> 0.596 with it).
    for (const [name, gain] of [
      ['holdout-14', 0.08],
      ['holdout-16', 0.04],
      ['holdout-19', 0.04],
    ] as const) {
      const { reports, truth } = find(name);
      const without = ari(reports, truth, new Map(), { selfTrainingSeeds: 0 });
      expect(ari(reports, truth, new Map())).toBeGreaterThan(without + gain);
    }
    const { reports } = find('holdout-19');
    let next = 0;
    const result = runFull(reports, { thesaurus: loadDefaultThesaurus(), newId: () => `n${next++}` });
    expect(result.barriers.length).toBeGreaterThan(1);
    // The seeds stood in for the analyst's choices only while clustering: nothing comes back confirmed or under a seed's key.
    expect(result.barriers.every((barrier) => !barrier.confirmed && /^n\d+$/.test(barrier.key))).toBe(true);
    expect([...result.assignments.values()].every((key) => key === null || /^n\d+$/.test(key))).toBe(true);
  });

  it("with one barrier confirmed, seeds only the proposals and keeps the analyst's barrier", () => {
    const { reports, truth } = find('holdout-14');
    const firstBarrierOnly = (seed: number): Map<string, string> => {
      const all = confirmThree(reports, truth, seed);
      const first = [...all.values()].sort()[0];
      return new Map([...all].filter(([, key]) => key === first));
    };
    const seeds = [1, 2, 3, 4];
    const mean = (options: Partial<EngineOptions>): number => seeds.reduce((sum, seed) => sum + ari(reports, truth, firstBarrierOnly(seed), options), 0) / seeds.length;
    expect(mean({})).toBeGreaterThan(mean({ selfTrainingSeeds: 0 }) + 0.05);
    const confirmed = firstBarrierOnly(1);
    const label = [...confirmed.values()][0];
    expect(confirmed.size).toBe(3);
    let next = 0;
    const result = runFull(reports, { thesaurus: loadDefaultThesaurus(), confirmed, newId: () => `n${next++}` });
    for (const id of confirmed.keys()) expect(result.assignments.get(id)).toBe(label);
    expect(result.barriers.filter((barrier) => barrier.confirmed).map((barrier) => barrier.key)).toEqual([label]);
    expect(result.barriers.every((barrier) => barrier.key === label || /^n\d+$/.test(barrier.key))).toBe(true);
  });

  it('with every barrier confirmed, leaves a bare-minimum proposal beside them unseeded', () => {
    // Samples, seed 3: beside the six confirmed barriers the engine proposes three reports in two kommuner
    // (two one-offs and a B02 report). Seeded, it drew in more one-offs (0.902 -> 0.857).
    const { reports, truth } = find('samples');
    const confirmed = confirmThree(reports, truth, 3);
    expect(ari(reports, truth, confirmed)).toBe(ari(reports, truth, confirmed, { selfTrainingSeeds: 0 }));
  });
});

describe("a few barriers confirmed: the engine's own proposals stand, the confirmed reports pinned onto them", () => {
  /** Three random reports confirmed in each of `count` randomly chosen true barriers. */
  const someBarriers = (reports: readonly EngineReport[], truth: ReadonlyMap<string, string | null>, seed: number, count: number): Map<string, string> => {
    const all = confirmThree(reports, truth, seed);
    const random = new SeededRandom(seed + 100);
    const keys = [...new Set(all.values())].sort();
    for (let i = keys.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [keys[i], keys[j]] = [keys[j], keys[i]];
    }
    const chosen = new Set(keys.slice(0, count));
    return new Map([...all].filter(([, key]) => chosen.has(key)));
  };
  const run = (reports: readonly EngineReport[], confirmed: ReadonlyMap<string, string>, excluded?: ReadonlyMap<string, readonly string[]>) => {
    let next = 0;
    return runFull(reports, { thesaurus: loadDefaultThesaurus(), confirmed, excluded, newId: () => `n${next++}` });
  };

  it('confirming some barriers never makes the grouping worse than confirming none', () => {
    // Guided by two confirmed barriers, these sets fell below their score without any (0.651 -> 0.503,
    // 0.759 -> 0.636, 0.563 -> 0.421, seeds 1-4): the confirmed barriers drew in the others' reports.
    for (const name of ['holdout-6', 'holdout-12', 'holdout-27']) {
      const set = SETS.find((candidate) => candidate.name === name);
      if (set === undefined) throw new Error(`No quality set named ${name}`);
      const { reports, truth } = load(set.dir);
      const none = ari(reports, truth, new Map());
      for (const count of [1, 2, 3]) {
        const mean = [1, 2, 3, 4].reduce((sum, seed) => sum + ari(reports, truth, someBarriers(reports, truth, seed, count)), 0) / 4;
        // Within a hundredth: a confirmed report can sit in another proposal than its barrier's.
        expect(mean).toBeGreaterThanOrEqual(none - 0.01);
      }
    }
  });

  it('keeps the proposals nobody touched as they were, and the confirmed ones under their keys', () => {
    const { reports, truth } = load(fixture('patterns-holdout-27'));
    const before = run(reports, new Map());
    const confirmed = someBarriers(reports, truth, 1, 2);
    const after = run(reports, confirmed);
    const members = (barriers: readonly EngineBarrier[]): string[] => barriers.map((barrier) => [...barrier.memberIds].sort().join(',')).sort();
    const untouched = before.barriers.filter((barrier) => !barrier.memberIds.some((id) => confirmed.has(id)));
    expect(untouched.length).toBeGreaterThanOrEqual(2);
    // Each of them is still there, with the same members (a proposal holding a confirmed report whose barrier
    // took another proposal keeps the rest, which may stand beside them).
    const standing = members(after.barriers.filter((barrier) => !barrier.confirmed));
    for (const proposal of members(untouched)) expect(standing).toContain(proposal);
    for (const [id, key] of confirmed) expect(after.assignments.get(id)).toBe(key);
    expect(after.barriers.filter((barrier) => barrier.confirmed).map((barrier) => barrier.key).sort()).toEqual([...new Set(confirmed.values())].sort());
    expect(after.barriers.every((barrier) => barrier.confirmed || /^n\d+$/.test(barrier.key))).toBe(true);
  });

  it('never pins a report back where the analyst moved it out, and shares a split proposal between its halves', () => {
    const { reports, truth } = load(fixture('patterns-holdout-27'));
    const before = run(reports, new Map());
    // The largest proposal, split by the analyst into two confirmed halves, and another one confirmed.
    const [largest, other] = [...before.barriers].sort((a, b) => b.memberIds.length - a.memberIds.length);
    const ids = [...largest.memberIds].sort();
    const confirmed = new Map<string, string>([
      [ids[0], 'halva-a'],
      [ids[1], 'halva-a'],
      [ids[2], 'halva-b'],
      [ids[3], 'halva-b'],
      ...[...other.memberIds].slice(0, 2).map((id): [string, string] => [id, 'annat']),
    ]);
    const movedOut = ids[4];
    const after = run(reports, confirmed, new Map([[movedOut, ['halva-a', 'halva-b']]]));
    expect(after.assignments.get(movedOut)).toBeNull();
    const keys = new Set(ids.slice(5).map((id) => after.assignments.get(id)));
    expect([...keys].every((key) => key === 'halva-a' || key === 'halva-b')).toBe(true);
    expect(truth.size).toBe(reports.length);
  });
});
