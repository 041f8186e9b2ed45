import { deserialize, serialize } from 'node:v8';
import { PackedOutcome, packOutcome, unpackOutcome } from './full-run';
import { FullRunOutcome } from './pattern-engine.port';

/** Through the packing and across a thread's copy, as the outcome travels from the engine's thread. */
const travelled = (outcome: FullRunOutcome): FullRunOutcome => unpackOutcome(deserialize(serialize(packOutcome(outcome))) as PackedOutcome);

describe('a full run outcome packed for the trip out of the engine thread', () => {
  const outcome: FullRunOutcome = {
    barriers: [
      {
        key: 'b-1',
        memberIds: ['r-1', 'r-2', 'r-3'],
        terms: ['samordning', 'sjukpenning'],
        parties: ['AF', 'FK'],
        reasons: { 'r-1': ['nämner samordning', 'AF och FK'], 'r-2': ['nämner samordning'], 'r-3': [] },
        anchoring: { 'r-1': 12.5, 'r-2': 0.1 + 0.2, 'r-3': 0 },
        better: { 'r-3': { key: 'b-2', anchoring: 9 } },
      },
      {
        key: 'b-2',
        memberIds: ['r-4', 'r-5'],
        terms: ['aktivitetsstöd'],
        parties: ['AF'],
        // Not the members in their order: reasons for one, anchoring for one that is no member.
        reasons: { 'r-5': ['AF och FK', 'nämner aktivitetsstöd'] },
        anchoring: { 'r-5': 3, 'r-9': -0, '10': 7 },
        better: {},
      },
      { key: 'b-3', memberIds: [], terms: [], parties: [], reasons: {}, anchoring: {}, better: {} },
    ],
    model: { shared: { docCount: 5, lexicon: [['samordning', 3]] }, perBarrier: new Map([['b-1', { size: 3 }]]) },
  };

  it('comes out as it went in, keys in the same order', () => {
    const back = travelled(outcome);
    expect(back).toEqual(outcome);
    back.barriers.forEach((barrier, i) => {
      expect(Object.keys(barrier)).toEqual(Object.keys(outcome.barriers[i]));
      expect(Object.keys(barrier.reasons)).toEqual(Object.keys(outcome.barriers[i].reasons));
      expect(Object.keys(barrier.anchoring)).toEqual(Object.keys(outcome.barriers[i].anchoring));
    });
    expect(Object.is(back.barriers[1].anchoring['r-9'], -0)).toBe(true);
    expect(back.barriers[0].anchoring['r-2']).toBe(0.1 + 0.2);
  });

  it('sends each reason text once', () => {
    expect(packOutcome(outcome).reasonTexts).toEqual(['nämner samordning', 'AF och FK', 'nämner aktivitetsstöd']);
  });
});
