import { BarrierProfile, SIMILAR_MIN, similarBarriers } from './barrier-similarity';
import { MEANING_LABEL } from './engine/meaning-features';

function profile(centroid: Array<[string, number]>, core: string[] = []): BarrierProfile {
  return { centroid, coreFeatures: core.map((key) => [key, key.slice(2)] as [string, string]) };
}

describe('similarBarriers', () => {
  const dental = profile(
    [
      ['t:tandvård', 0.6],
      ['c:ekonomiskt bistånd', 0.4],
      ['t:akut', 0.3],
      ['p:KOMMUN', 0.5],
    ],
    ['t:tandvård', 'c:ekonomiskt bistånd', 't:akut'],
  );

  it('finds a fragment of the same barrier and names what both share, strongest first', () => {
    const fragment = profile(
      [
        ['t:tandvård', 0.7],
        ['t:akut', 0.2],
        ['t:tandläkare', 0.4],
        ['p:REGION', 0.5],
      ],
      ['t:tandvård', 't:akut', 't:tandläkare'],
    );
    const [found, ...rest] = similarBarriers(dental, [{ id: 'b2', name: 'Tandläkare och tandvård', profile: fragment }]);
    expect(rest).toEqual([]);
    expect(found.id).toBe('b2');
    expect(found.similarity).toBeGreaterThanOrEqual(SIMILAR_MIN);
    expect(found.sharedTerms).toEqual(['tandvård', 'akut']);
  });

  it('does not count parties, the category or broader concepts as likeness', () => {
    const sameParties = profile(
      [
        ['p:KOMMUN', 0.9],
        ['k:forsorjning', 0.3],
        ['b:ersättning', 0.3],
        ['t:lokal', 0.1],
      ],
      ['p:KOMMUN', 't:lokal'],
    );
    expect(similarBarriers(dental, [{ id: 'b3', name: 'Lokalen', profile: sameParties }])).toEqual([]);
  });

  it('gives little weight to what most barriers share, such as an authority named in all of them', () => {
    const af = (extra: Array<[string, number]>, core: string[]): BarrierProfile => profile([['c:arbetsförmedlingen', 0.8], ...extra], ['c:arbetsförmedlingen', ...core]);
    const target = af([['t:distans', 0.3]], ['t:distans']);
    const sameCause = af([['t:distans', 0.3], ['t:möte', 0.2]], ['t:distans']);
    // Five more barriers that name the authority as well, each about something of its own.
    const others = ['lönebidrag', 'tolk', 'kö', 'kontor', 'telefon'].map((word, index) => ({ id: `af${index}`, name: word, profile: af([[`t:${word}`, 0.3]], [`t:${word}`]) }));
    const found = similarBarriers(target, [{ id: 'same', name: 'Distansmöten', profile: sameCause }, ...others]);
    expect(found.map((f) => f.id)).toEqual(['same']);
  });

  it("counts the language model's meaning keys as likeness, and names them as the analyst reads them", () => {
    // Two parts of one barrier told in different words: only the language model sees they mean the same.
    const words = { centroid: [['t:tandvård', 0.5], ['m:17', 0.6], ['m:42', 0.4]] as Array<[string, number]>, coreFeatures: [['t:tandvård', 'tandvård'], ['m:17', MEANING_LABEL], ['m:42', MEANING_LABEL]] as Array<[string, string]> };
    const otherWords = { centroid: [['t:tandläkare', 0.5], ['m:17', 0.6], ['m:42', 0.4]] as Array<[string, number]>, coreFeatures: [['t:tandläkare', 'tandläkare'], ['m:17', MEANING_LABEL], ['m:42', MEANING_LABEL]] as Array<[string, string]> };
    const [found] = similarBarriers(words, [{ id: 'm', name: 'Tandläkaren', profile: otherWords }]);
    expect(found?.id).toBe('m');
    expect(found.similarity).toBeGreaterThanOrEqual(SIMILAR_MIN);
    expect(found.sharedTerms).toEqual([MEANING_LABEL]);
  });

  it('keeps the most alike first, skips barriers without a model and stops at the limit', () => {
    const near = profile([['t:tandvård', 1]], ['t:tandvård']);
    const nearer = profile(
      [
        ['t:tandvård', 0.6],
        ['c:ekonomiskt bistånd', 0.4],
        ['t:akut', 0.3],
      ],
      ['t:tandvård'],
    );
    const found = similarBarriers(
      dental,
      [
        { id: 'a', name: 'Nära', profile: near },
        { id: 'b', name: 'Närmast', profile: nearer },
        { id: 'c', name: 'Utan modell', profile: null },
      ],
      { limit: 1 },
    );
    expect(found.map((f) => f.id)).toEqual(['b']);
  });
});
