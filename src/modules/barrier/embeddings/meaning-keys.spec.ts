import { hyperplanes, MEANING_SPACE, meaningKeys, meanProjection, projectVector } from './meaning-keys';

/** A vector of `dims` dimensions pointing along `axis`, plus `shared` on every dimension (what all texts of a corpus have in common). */
function along(axis: number, dims: number, shared = 0, wobble = 0): Float32Array {
  const out = new Float32Array(dims).fill(shared);
  out[axis] += 1;
  out[(axis + 1) % dims] += wobble;
  return out;
}

function sharedKeys(a: readonly string[], b: readonly string[]): number {
  return a.filter((key, t) => b[t] === key).length;
}

describe('meaning keys (random-hyperplane LSH)', () => {
  it('are the same hyperplanes for the same seed and dimensions', () => {
    expect(hyperplanes(8)).toBe(hyperplanes(8));
    expect(Array.from(hyperplanes(8, { ...MEANING_SPACE }).slice(0, 5))).toEqual(Array.from(hyperplanes(8).slice(0, 5)));
    expect(Array.from(hyperplanes(8, { ...MEANING_SPACE, seed: 7 }).slice(0, 5))).not.toEqual(Array.from(hyperplanes(8).slice(0, 5)));
    expect(hyperplanes(8)).toHaveLength(MEANING_SPACE.tables * MEANING_SPACE.bits * 8);
  });

  it('gives one key per table, named by table and bits, never by the text', () => {
    const keys = meaningKeys(projectVector(along(0, 8)), new Array<number>(MEANING_SPACE.tables * MEANING_SPACE.bits).fill(0));
    expect(keys).toHaveLength(MEANING_SPACE.tables);
    keys.forEach((key, t) => expect(key).toMatch(new RegExp(`^m:${t}:[01]{${MEANING_SPACE.bits}}$`)));
  });

  it('ignores a vector’s length: only its direction counts', () => {
    const mean = new Array<number>(MEANING_SPACE.tables * MEANING_SPACE.bits).fill(0);
    const short = along(2, 16);
    const long = short.map((value) => value * 40);
    expect(meaningKeys(projectVector(long), mean)).toEqual(meaningKeys(projectVector(short), mean));
  });

  it('after centring, reports close in meaning share most keys and unrelated ones few, although every raw cosine is high', () => {
    const dims = 32;
    // Every text shares a large common direction (as embedding models give), on top of its own meaning.
    const corpus = Array.from({ length: 32 }, (_, i) => along(i % 16, dims, 3, (i % 3) * 0.05));
    const projections = corpus.map((vector) => projectVector(vector));
    const mean = meanProjection(projections);
    const keys = projections.map((projection) => meaningKeys(projection, mean));
    // i and i+16 share a meaning (same axis, a little wobble); i and i+1 do not.
    let close = 0;
    let unrelated = 0;
    for (let i = 0; i < 16; i++) {
      close += sharedKeys(keys[i], keys[i + 16]);
      unrelated += sharedKeys(keys[i], keys[(i + 1) % 16]);
    }
    expect(close / 16).toBeGreaterThan(MEANING_SPACE.tables * 0.6);
    expect(unrelated / 16).toBeLessThan(MEANING_SPACE.tables * 0.2);
    // Without centring the common direction decides nearly every bit: unrelated reports share most keys.
    const zero = new Array<number>(mean.length).fill(0);
    const raw = projections.map((projection) => meaningKeys(projection, zero));
    let rawUnrelated = 0;
    for (let i = 0; i < 16; i++) rawUnrelated += sharedKeys(raw[i], raw[(i + 1) % 16]);
    expect(rawUnrelated / 16).toBeGreaterThan(unrelated / 16 + 2);
  });

  it('centres on the mean of the projections, which is the projection of the mean vector', () => {
    const a = along(0, 8);
    const b = along(3, 8);
    const mean = meanProjection([projectVector(a), projectVector(b)]);
    // a and b are unit length: their mean's projection is the mean of theirs.
    const mid = projectVector(new Float32Array(a.map((value, k) => (value + b[k]) / 2)));
    const midLength = Math.sqrt(0.5);
    mean.forEach((value, h) => expect(value).toBeCloseTo(mid[h] * midLength, 5));
    expect(meanProjection([])).toEqual(new Array<number>(MEANING_SPACE.tables * MEANING_SPACE.bits).fill(0));
  });
});
