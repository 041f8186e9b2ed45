import { describeBarrier, isSharedModel } from './barrier-description';
import { runFull } from './barrier-engine';
import { splitModel } from './barrier-model';
import { DIGITAL_REPORTS, EXAMPLE_THESAURUS, INTERPRETER_REPORTS } from './engine-examples.fixture';

const THESAURUS = EXAMPLE_THESAURUS;
const interpreter = INTERPRETER_REPORTS;
const digital = DIGITAL_REPORTS;
const all = [...interpreter, ...digital];

function fullRun(): ReturnType<typeof runFull> {
  let n = 0;
  return runFull(all, { thesaurus: THESAURUS, newId: () => `B${++n}` });
}

describe('describeBarrier', () => {
  it('describes a barrier’s own reports with the terms and parties a full run gave them', () => {
    const result = fullRun();
    const { shared } = splitModel(result.model);
    for (const barrier of result.barriers) {
      const members = all.filter((report) => barrier.memberIds.includes(report.id));
      const described = describeBarrier(members, shared, THESAURUS, barrier.key, false);
      expect(described.terms).toEqual(barrier.terms.map((term) => term.term));
      expect(described.parties).toEqual(barrier.parties);
      // The same centre and core; features are numbered differently in the model's space, so listed in another
      // order and summed in another (the weights agree to rounding).
      const stored = result.model.barriers.find((entry) => entry.key === barrier.key);
      if (!stored) throw new Error('no model entry');
      expect(described.model).toMatchObject({ key: stored.key, size: stored.size, confirmed: false });
      expect(new Map(described.model.coreFeatures.map(([feature, shown], k) => [feature, [shown, described.model.coreCounts[k]]]))).toEqual(
        new Map(stored.coreFeatures.map(([feature, shown], k) => [feature, [shown, stored.coreCounts[k]]])),
      );
      const weights = new Map(described.model.centroid);
      expect([...weights.keys()].sort()).toEqual(stored.centroid.map(([feature]) => feature).sort());
      for (const [feature, weight] of stored.centroid) expect(weights.get(feature)).toBeCloseTo(weight, 12);
    }
  });

  it('describes reports taken together by the analyst from their own words, not from the barrier they came from', () => {
    const { shared } = splitModel(fullRun().model);
    // Two interpreter reports and two digital ones, as a split or merge might leave them.
    const mixed = describeBarrier([interpreter[0], interpreter[1], digital[0], digital[1]], shared, THESAURUS, 'X', true);
    expect(mixed.terms).toEqual(expect.arrayContaining(['tolk', 'digital legitimation']));
    const digitalOnly = describeBarrier(digital.slice(0, 3), shared, THESAURUS, 'Y', true);
    expect(digitalOnly.terms).toContain('digital legitimation');
    expect(digitalOnly.terms).not.toContain('tolk');
    expect(digitalOnly.model).toMatchObject({ key: 'Y', size: 3, confirmed: true });
    // One report: nothing recurs in two kommuner, so no term characterises it yet.
    expect(describeBarrier([digital[0]], shared, THESAURUS, 'Z', true).terms).toEqual([]);
  });

  it('recognises only this engine’s stored model', () => {
    expect(isSharedModel(splitModel(fullRun().model).shared)).toBe(true);
    expect(isSharedModel({ version: 'fake-1' })).toBe(false);
    expect(isSharedModel(null)).toBe(false);
  });
});
