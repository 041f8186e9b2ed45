import { betterPlaces, memberAnchoring, PlacedBarrier, profileGroup } from './barrier-explainer';
import { EngineReport } from './engine-types';
import { buildFeatureSpace, ReportVector } from './feature-space';
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

/** Reports outside every barrier, all about the same everyday matter. */
const many = (count: number): EngineReport[] =>
  Array.from({ length: count }, (_, i) => report(`x${i}`, `Handläggaren på kontoret bokade ett möte om praktik nummer ${i}.`));

describe('memberAnchoring', () => {
  // A barrier of four: three carry its own words (vägglöss, sanering, möbler), one shares only words
  // that the reports outside it use as much (handläggare, kontor, möte).
  const barrier = [
    report('b1', 'Vägglöss i lägenheten, saneringen tar veckor och möblerna slängs. Handläggaren på kontoret svarar inte.'),
    report('b2', 'Sanering mot vägglöss igen, soc ersätter inte möbler. Mötet ställdes in.'),
    report('b3', 'Efter saneringen har hon inga möbler kvar och vägglössen är tillbaka.'),
    report('b4', 'Handläggaren på kontoret ställde in mötet igen.'),
  ];
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

describe('betterPlaces', () => {
  const tolk = [
    report('t1', 'AF hade inte bokat tolk till mötet och deltagaren förstod inget av samtalet.'),
    report('t2', 'FK bokade ingen tolk till mötet. Samtalet avbröts eftersom deltagaren inte förstod.'),
    report('t3', 'Trots tolkbehov bokade AF ingen tolk till samtalet och mötet fick göras om.'),
  ];
  const digital = [
    report('d1', 'Deltagaren saknar BankID och kan inte logga in på e-tjänsten.'),
    report('d2', 'Utan BankID kan deltagaren inte logga in hos AF, e-tjänsten kräver e-legitimation.'),
    report('d3', 'E-tjänsten kräver BankID men deltagaren saknar e-legitimation.'),
  ];
  // An interpreter report the engine (here: the test) put among the digital ones.
  const stray = report('t4', 'Vårdcentralen ordnade ingen tolk till mötet, deltagaren förstod inte samtalet.');
  const { space, vectors } = buildFeatureSpace([...tolk, ...digital, stray, ...many(40)], parseThesaurus(''));
  const byId = new Map(vectors.map((v) => [v.report.id, v]));
  const place = (key: string, ids: string[]): PlacedBarrier => {
    const members = ids.map((id) => byId.get(id) as ReportVector);
    const profile = profileGroup(space, members);
    return { key, members, profile, anchoring: memberAnchoring(space, members, profile) };
  };
  const placed = [place('TOLK', ['t1', 't2', 't3']), place('DIGITAL', ['d1', 'd2', 'd3', 't4'])];

  it('suggests the barrier that would anchor a weakly anchored member far better, and nothing for the members that fit', () => {
    const better = betterPlaces(space, placed, new Set());
    expect(Object.keys(better.get('DIGITAL') ?? {})).toEqual(['t4']);
    expect(better.get('DIGITAL')?.t4.key).toBe('TOLK');
    expect(better.get('DIGITAL')?.t4.anchoring).toBeGreaterThan((placed[1].anchoring.t4 ?? 0) + 3);
    expect(better.get('TOLK')).toEqual({});
  });

  it('leaves the analyst’s confirmed members alone', () => {
    expect(betterPlaces(space, placed, new Set(['t4'])).get('DIGITAL')).toEqual({});
  });
});
