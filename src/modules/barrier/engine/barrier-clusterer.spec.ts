import { averageLinkage, bridgesThroughDifferentConcepts, SimilarityEdge, similarityEdges } from './barrier-clusterer';
import { EngineReport } from './engine-types';
import { buildFeatureSpace } from './feature-space';
import { SeededRandom } from './seeded-random';
import { parseThesaurus } from './thesaurus';

const THESAURUS = `
informationsdelning: informationsöverföring
samtycke > informationsdelning: samtycket, samtyckesblankett
sekretess > informationsdelning: sekretessen, tystnadsplikt
möte: mötet, möten
`;

function r(id: string, title: string, description: string): EngineReport {
  return { id, title, description, category: 'ovrigt', parties: [], municipality: 'Haninge', subproject: 'P', occurredOn: '2021-01-01' };
}

describe('bridgesThroughDifferentConcepts', () => {
  it('counts a broader concept reached through different concepts, once per broader concept', () => {
    // pairs (broader, concept), sorted by broader then concept
    expect(bridgesThroughDifferentConcepts(Int32Array.from([10, 1]), Int32Array.from([10, 2]))).toBe(1);
    expect(bridgesThroughDifferentConcepts(Int32Array.from([10, 1, 11, 1]), Int32Array.from([10, 2, 11, 3]))).toBe(2);
    expect(bridgesThroughDifferentConcepts(Int32Array.from([10, 1, 10, 2]), Int32Array.from([10, 3, 10, 4]))).toBe(1);
  });

  it('does not count a broader concept that both reach through the same concept', () => {
    expect(bridgesThroughDifferentConcepts(Int32Array.from([10, 1]), Int32Array.from([10, 1]))).toBe(0);
    expect(bridgesThroughDifferentConcepts(Int32Array.from([10, 1, 10, 2]), Int32Array.from([10, 2]))).toBe(0);
    expect(bridgesThroughDifferentConcepts(Int32Array.from([10, 1]), Int32Array.from([11, 2]))).toBe(0);
    expect(bridgesThroughDifferentConcepts(new Int32Array(0), Int32Array.from([11, 2]))).toBe(0);
  });
});

describe('similarityEdges', () => {
  const thesaurus = parseThesaurus(THESAURUS);
  // Filler reports so that the words above are not in every report (idf > 0).
  const filler = [r('F1', 'Kaffebryggaren trasig', 'Bryggaren i lokalen har gått sönder.'), r('F2', 'Lokalen kall', 'Värmen fungerar inte i lokalen.'), r('F3', 'Cykel stulen', 'Cykeln stals utanför lokalen.')];

  function linked(a: EngineReport, b: EngineReport, c: EngineReport): boolean {
    const { vectors } = buildFeatureSpace([a, b, c, ...filler], thesaurus);
    return similarityEdges(vectors, 2).some((e) => e.a === 0 && e.b === 1);
  }

  it('links reports that share a word and say the same broader thing in different words', () => {
    // A and B share only "mötet"; A speaks of samtycke, B of sekretess (both informationsdelning).
    const a = r('A', 'Samtycket räckte inte', 'Samtycket gällde inte och mötet fick ställas in.');
    const b = r('B', 'Sekretessen stoppar', 'Sekretessen gjorde att mötet avbröts.');
    // C makes samtycke and sekretess occur twice, so they weigh something.
    const c = r('C', 'Samtycke och sekretess', 'Samtyckesblankett och sekretessen igen, mötet gick bra.');
    expect(linked(a, b, c)).toBe(true);
    // Without the different-word bridge, one shared word is not enough.
    const d = r('D', 'Bussen sen', 'Bussen var sen och mötet avbröts.');
    expect(linked(a, d, c)).toBe(false);
  });

  it('does not count the broader concept again when both use the same concept', () => {
    const a = r('A', 'Samtycket räckte inte', 'Samtycket gällde inte och vi gick hem.');
    const b = r('B', 'Samtycke saknas', 'Samtycket fanns inte, inget hände.');
    const c = r('C', 'Annat', 'Sekretessen och mötet.');
    // A and B share only samtycke (and through it informationsdelning): one piece of evidence.
    expect(linked(a, b, c)).toBe(false);
  });
});

describe('averageLinkage', () => {
  /** Sparse random similarities between n reports: a few tight groups and scattered weak pairs. */
  function randomEdges(n: number, seed: number): SimilarityEdge[] {
    const random = new SeededRandom(seed);
    const edges: SimilarityEdge[] = [];
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        const together = a % 7 === b % 7;
        if (random.next() < (together ? 0.6 : 0.08)) edges.push({ a, b, similarity: (together ? 0.15 : 0) + random.next() * 0.5 });
      }
    }
    return edges;
  }

  /** The textbook way: join the two groups with the highest mean similarity while it reaches the threshold. */
  function greedy(n: number, edges: readonly SimilarityEdge[], threshold: number): number[][] {
    const sim = new Map<string, number>();
    for (const e of edges) sim.set(`${e.a},${e.b}`, e.similarity);
    const pair = (i: number, j: number): number => sim.get(i < j ? `${i},${j}` : `${j},${i}`) ?? 0;
    let groups = Array.from({ length: n }, (_, i) => [i]);
    for (;;) {
      let best: [number, number] | null = null;
      let bestMean = -Infinity;
      for (let x = 0; x < groups.length; x++) {
        for (let y = x + 1; y < groups.length; y++) {
          let sum = 0;
          for (const i of groups[x]) for (const j of groups[y]) sum += pair(i, j);
          const mean = sum / (groups[x].length * groups[y].length);
          if (mean > bestMean) [best, bestMean] = [[x, y], mean];
        }
      }
      if (best === null || bestMean < threshold) break;
      const [x, y] = best;
      groups = [...groups.filter((_, k) => k !== x && k !== y), [...groups[x], ...groups[y]]];
    }
    return groups.map((g) => [...g].sort((i, j) => i - j)).sort((g, h) => g[0] - h[0]);
  }

  it('finds the groups the textbook greedy joining finds, on sparse similarities', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const n = 60;
      const edges = randomEdges(n, seed);
      const found = averageLinkage(n, edges, 0.2, { confirmedKey: new Map(), excludedKeys: new Map() }).sort((g, h) => g[0] - h[0]);
      expect(found).toEqual(greedy(n, edges, 0.2));
      expect(found.some((g) => g.length > 3)).toBe(true);
    }
  });

  it('never joins groups confirmed for different barriers, and keeps starting groups whole', () => {
    const n = 60;
    const edges = randomEdges(n, 9);
    const confirmedKey = new Map([
      [0, 'x'],
      [7, 'y'],
      [14, 'x'],
    ]);
    const initialGroups = [[0, 14], ...Array.from({ length: n }, (_, i) => [i]).filter(([i]) => i !== 0 && i !== 14)];
    const found = averageLinkage(n, edges, 0.2, { confirmedKey, excludedKeys: new Map(), initialGroups });
    expect(found.flat().sort((i, j) => i - j)).toEqual(Array.from({ length: n }, (_, i) => i));
    const groupOf = (i: number): number[] => found.find((g) => g.includes(i)) as number[];
    expect(groupOf(0)).toContain(14);
    expect(groupOf(0)).not.toContain(7);
  });
});
