import { bridgesThroughDifferentConcepts, similarityEdges } from './barrier-clusterer';
import { EngineReport } from './engine-types';
import { buildFeatureSpace } from './feature-space';
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
