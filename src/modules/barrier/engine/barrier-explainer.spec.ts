import { memberAnchoring, profileGroup } from './barrier-explainer';
import { EngineReport } from './engine-types';
import { buildFeatureSpace } from './feature-space';
import { parseThesaurus } from './thesaurus';

const report = (id: string, description: string): EngineReport => ({
  id,
  title: '',
  description,
  consequence: '',
  tried: '',
  category: 'ovrigt',
  parties: [],
  municipality: `Kommun ${id}`,
  subproject: 'Delprojekt',
  occurredOn: '2019-01-01',
});

describe('memberAnchoring', () => {
  // A barrier of four: three carry its own words (vägglöss, sanering, möbler), one shares only words
  // that the reports outside it use as much (handläggare, kontor, möte).
  const barrier = [
    report('b1', 'Vägglöss i lägenheten, saneringen tar veckor och möblerna slängs. Handläggaren på kontoret svarar inte.'),
    report('b2', 'Sanering mot vägglöss igen, soc ersätter inte möbler. Mötet ställdes in.'),
    report('b3', 'Efter saneringen har hon inga möbler kvar och vägglössen är tillbaka.'),
    report('b4', 'Handläggaren på kontoret ställde in mötet igen.'),
  ];
  const many = (count: number): EngineReport[] =>
    Array.from({ length: count }, (_, i) => report(`x${i}`, `Handläggaren på kontoret bokade ett möte om praktik nummer ${i}.`));
  const { space, vectors } = buildFeatureSpace([...barrier, ...many(12)], parseThesaurus(''));
  const members = vectors.filter((v) => v.report.id.startsWith('b'));
  const anchoring = memberAnchoring(space, members, profileGroup(space, members));

  it('scores a member carrying the barrier’s own words above one that shares only common words', () => {
    expect(Object.keys(anchoring).sort()).toEqual(['b1', 'b2', 'b3', 'b4']);
    for (const strong of ['b1', 'b2', 'b3']) expect(anchoring[strong]).toBeGreaterThan(anchoring.b4 + 3);
  });

  it('stays within 0-15, in tenths, however large the corpus outside', () => {
    for (const value of Object.values(anchoring)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(15);
      expect(Math.round(value * 10) / 10).toBe(value);
    }
    // A word only the barrier uses counts at most ln 20, so from a corpus of some hundred reports on, a member
    // anchored by such words scores the same however many more reports there are outside.
    const anchoredAmong = (count: number): Record<string, number> => {
      const corpus = buildFeatureSpace([...barrier, ...many(count)], parseThesaurus(''));
      const inBarrier = corpus.vectors.filter((v) => v.report.id.startsWith('b'));
      return memberAnchoring(corpus.space, inBarrier, profileGroup(corpus.space, inBarrier));
    };
    const [hundreds, thousands] = [anchoredAmong(120), anchoredAmong(2000)];
    expect(thousands.b3).toBe(hundreds.b3);
    expect(hundreds.b3).toBeGreaterThan(anchoring.b3);
    // A report that shares only what the whole corpus says is not anchored at all.
    const loner = buildFeatureSpace([...barrier, report('b5', 'Handläggaren bokade ett möte.'), ...many(120)], parseThesaurus(''));
    const withLoner = loner.vectors.filter((v) => v.report.id.startsWith('b'));
    expect(memberAnchoring(loner.space, withLoner, profileGroup(loner.space, withLoner)).b5).toBe(0);
  });
});
