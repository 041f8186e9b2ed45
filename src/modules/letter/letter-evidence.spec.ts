import { join } from 'node:path';
import { loadDefaultThesaurus } from '../barrier/engine/default-thesaurus';
import { isSettledLocally } from '../barrier/engine/settled-locally';
import { parseThesaurus } from '../barrier/engine/thesaurus';
import { anonymiseExcerpt, shortenExcerpt } from './excerpt-anonymiser';
import { defaultSpecialCategoryDetector } from './special-category';
import {
  buildLetterEvidence,
  buildLetterEvidenceFrom,
  EvidenceMember,
  innerQuotes,
  keepWordsOf,
  quarterLabel,
  quarterOf,
  quartersOf,
  quoteOrder,
  readsAsSentence,
  sortOldestFirst,
  trendOf,
} from './letter-evidence';

let sequence = 0;
function member(overrides: Partial<EvidenceMember>): EvidenceMember {
  sequence += 1;
  return {
    reference: `AVV-2018-${String(sequence).padStart(5, '0')}`,
    occurredOn: '2018-02-10',
    municipality: 'Haninge',
    subproject: 'MIA Östra Södertörn',
    parties: ['FK', 'AF'],
    severity: 'medel',
    markedStructural: false,
    description: `Sjukpenningen drogs in och AF kunde inte skriva in deltagaren, fall ${sequence}.`,
    consequence: '',
    tried: null,
    resolution: null,
    ...overrides,
  };
}

const keepWords = keepWordsOf(['Haninge', 'Botkyrka', 'Salem', 'Järfälla', 'MIA Östra Södertörn', 'MIA HBS', 'MIA Järfälla']);

describe('quarters and trend', () => {
  it('names the quarter of a date', () => {
    expect(quarterOf('2018-01-01')).toBe('2018-Q1');
    expect(quarterOf('2018-03-31')).toBe('2018-Q1');
    expect(quarterOf('2018-04-01')).toBe('2018-Q2');
    expect(quarterOf('2018-12-31')).toBe('2018-Q4');
  });

  it('counts every quarter from the first report to the last, quiet ones as 0, across a year end', () => {
    expect(quartersOf(['2018-11-02', '2019-05-20', '2018-12-01', '2019-06-30'])).toEqual([
      { quarter: '2018-Q4', label: '2018 K4', count: 2 },
      { quarter: '2019-Q1', label: '2019 K1', count: 0 },
      { quarter: '2019-Q2', label: '2019 K2', count: 2 },
    ]);
  });

  it('compares the last two quarters with the two before them', () => {
    const q = (counts: number[]) => counts.map((count, i) => ({ quarter: `2018-Q${i + 1}`, label: '', count }));
    expect(trendOf(q([1, 1, 2, 3]))).toBe('okande');
    expect(trendOf(q([4, 3, 1, 1]))).toBe('minskande');
    expect(trendOf(q([2, 2, 3, 1]))).toBe('oforandrad');
    expect(trendOf(q([1, 3]))).toBe('okande');
    expect(trendOf(q([5]))).toBe('oforandrad');
  });
});

describe('buildLetterEvidence', () => {
  const members = [
    member({ occurredOn: '2018-01-15', municipality: 'Haninge', severity: 'hog', consequence: 'Deltagaren blev utan ersättning i tre månader.' }),
    member({ occurredOn: '2018-02-20', municipality: 'Haninge', resolution: 'Vi ordnade ett trepartsmöte med FK och AF utan resultat.' }),
    member({ occurredOn: '2018-05-03', municipality: 'Botkyrka', subproject: 'MIA HBS', parties: ['FK'], markedStructural: true }),
    member({ occurredOn: '2018-11-30', municipality: 'Salem', subproject: 'MIA HBS', severity: 'hog' }),
    member({ occurredOn: '2018-12-01', municipality: 'Järfälla', subproject: 'MIA Järfälla', parties: ['AF', 'KOMMUN'] }),
    member({
      occurredOn: '2018-12-24',
      municipality: 'Järfälla',
      subproject: 'MIA Järfälla',
      description: 'Deltagaren Anna Svensson, 850312-1231, ringde från 070-123 45 67 och Johan på AF sa nej.',
      consequence: 'Karin Lindqvist (anna@example.se) fick inget besked.',
      tried: 'Ringde Johan igen.',
    }),
  ];
  const evidence = buildLetterEvidence(members, ['FK', 'AF', 'REGION'], { keepWords });

  it('counts reports, kommuner and delprojekt, most first', () => {
    expect(evidence.reportCount).toBe(6);
    expect(evidence.municipalities).toEqual([
      { name: 'Haninge', count: 2, subproject: 'MIA Östra Södertörn' },
      { name: 'Järfälla', count: 2, subproject: 'MIA Järfälla' },
      { name: 'Botkyrka', count: 1, subproject: 'MIA HBS' },
      { name: 'Salem', count: 1, subproject: 'MIA HBS' },
    ]);
    expect(evidence.subprojects).toEqual([
      { name: 'MIA HBS', count: 2 },
      { name: 'MIA Järfälla', count: 2 },
      { name: 'MIA Östra Södertörn', count: 2 },
    ]);
    expect(evidence.severeCount).toBe(2);
    expect(evidence.structuralCount).toBe(1);
  });

  it('gives the period and the reports per quarter with the trend', () => {
    expect(evidence.periodFrom).toBe('2018-01-15');
    expect(evidence.periodTo).toBe('2018-12-24');
    expect(evidence.quarters.map((q) => `${q.label}:${q.count}`)).toEqual(['2018 K1:2', '2018 K2:1', '2018 K3:0', '2018 K4:3']);
    // The last two quarters (0 + 3) against the two before (2 + 1).
    expect(evidence.trend).toBe('oforandrad');
  });

  it('counts parties by report, and names the barrier\'s own parties even if no report ticks them', () => {
    expect(evidence.parties).toEqual([
      { name: 'AF', count: 5 },
      { name: 'FK', count: 5 },
      { name: 'KOMMUN', count: 1 },
      { name: 'REGION', count: 0 },
    ]);
    // Whose rules meet: the barrier's own parties, not every party one report ticked.
    expect(evidence.interfaceParties).toEqual(['FK', 'AF', 'REGION']);
  });

  it('without parties of the barrier’s own, names those in at least the engine’s share of the reports', () => {
    const own = buildLetterEvidence(members, [], { keepWords });
    // AF and FK are in five of six reports, KOMMUN in one (under PARTY_SHARE).
    expect(own.interfaceParties).toEqual(['AF', 'FK']);
  });

  it('chooses 3–5 short quotes, clean texts first and one per kommun first, with no personal data', () => {
    expect(evidence.excerpts.length).toBeGreaterThanOrEqual(3);
    expect(evidence.excerpts.length).toBeLessThanOrEqual(5);
    expect(new Set(evidence.excerpts.map((e) => e.municipality)).size).toBe(4);
    for (const excerpt of [...evidence.excerpts, ...evidence.consequences, ...evidence.triedLocally]) {
      expect(excerpt.text.length).toBeLessThanOrEqual(200);
      expect(excerpt.text).not.toMatch(/Anna|Svensson|850312|070|Johan|Karin|Lindqvist|@/);
    }
    // Shown oldest first.
    const quarters = evidence.excerpts.map((e) => e.quarter);
    expect([...quarters].sort()).toEqual(quarters);
  });

  it('takes consequences and what was tried from their own fields, masked', () => {
    expect(evidence.consequences.map((c) => c.text)).toContain('Deltagaren blev utan ersättning i tre månader.');
    expect(evidence.consequences.some((c) => c.text.includes('[namn borttaget]') && c.text.includes('[e-postadress borttagen]'))).toBe(true);
    expect(evidence.triedLocally.map((t) => t.text)).toEqual(
      expect.arrayContaining(['Vi ordnade ett trepartsmöte med FK och AF utan resultat.', 'Ringde [namn borttaget] igen.']),
    );
    expect(evidence.maskedQuotes).toBeGreaterThanOrEqual(2);
  });

  it('uses a masked description only when there are not enough clean ones', () => {
    const few = buildLetterEvidence([members[0], members[5]], [], { keepWords });
    expect(few.excerpts).toHaveLength(2);
    const masked = few.excerpts.find((e) => e.municipality === 'Järfälla');
    expect(masked?.text).toContain('[namn borttaget]');
    expect(masked?.text).toContain('[personnummer borttaget]');
  });

  it('counts identical texts once', () => {
    const same = buildLetterEvidence(
      [member({ description: 'Samma text om FK och AF.' }), member({ description: 'Samma text om FK och AF.', municipality: 'Salem' })],
      [],
      { keepWords },
    );
    expect(same.excerpts).toHaveLength(1);
  });
});

/** The choice spelled out without shortcuts: every text anonymised, then the same preferences. */
function allQuotesChosen(members: readonly EvidenceMember[], max: number): Array<{ text: string; municipality: string; quarter: string }> {
  const seen = new Set<string>();
  const candidates: Array<{ text: string; municipality: string; quarter: string; occurredOn: string; reference: string; clean: boolean; sensitive: boolean }> = [];
  const special = defaultSpecialCategoryDetector();
  for (const index of quoteOrder(members)) {
    const member = members[index];
    if (member.description.trim() === '') continue;
    const withoutSpecial = special.mask(member.description);
    const anonymised = anonymiseExcerpt(withoutSpecial.text, { keepWords });
    const short = shortenExcerpt(anonymised.text, 200);
    const key = short.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (short.length < 15 || seen.has(key)) continue;
    seen.add(key);
    const { municipality, occurredOn, reference } = member;
    const clean = anonymised.replacements === 0 && withoutSpecial.replacements === 0 && readsAsSentence(short);
    candidates.push({ text: short, municipality, quarter: quarterLabel(quarterOf(occurredOn)), occurredOn, reference, clean, sensitive: withoutSpecial.replacements > 0 });
  }
  candidates.sort((a, b) => Number(b.clean) - Number(a.clean));
  const ordinary = candidates.filter((c) => !c.sensitive);
  const chosen: typeof candidates = [];
  for (const candidate of ordinary) if (chosen.length < max && !chosen.some((c) => c.municipality === candidate.municipality)) chosen.push(candidate);
  for (const candidate of ordinary) if (chosen.length < max && !chosen.includes(candidate)) chosen.push(candidate);
  // Special-category data (a diagnosis …) only when nothing else fills the quotes, and then replaced.
  for (const candidate of candidates) if (chosen.length < max && candidate.sensitive) chosen.push(candidate);
  return chosen
    .sort((a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.reference.localeCompare(b.reference))
    .map(({ text, municipality, quarter }) => ({ text, municipality, quarter }));
}

describe('innerQuotes', () => {
  it('prints quotation marks inside a quote as ’…’', () => {
    expect(innerQuotes(`AF sa 'vänta och se' och "försiktigt" och ”nej”.`)).toBe('AF sa ’vänta och se’ och ’försiktigt’ och ’nej’.');
  });
});

describe('quotes that read as sentences', () => {
  it('knows a sentence by its capital letter or number, after any opening punctuation', () => {
    expect(['FK drog in sjukpenningen.', '”Vänta och se”, sa AF.', '3 veckor utan ersättning.', 'AF:s handläggare svarade inte.'].map(readsAsSentence)).toEqual([true, true, true, true]);
    expect(['deltagaren har ingen fast läkare på vc. fk väntar.', '– typ en timme i taget', ''].map(readsAsSentence)).toEqual([false, false, false]);
  });

  it('quotes a hurried note only when there are not enough sentences', () => {
    const members = [
      member({ municipality: 'Haninge', occurredOn: '2018-01-02', description: 'Försäkringskassan och Arbetsförmedlingen gav olika besked om arbetsförmågan.' }),
      member({ municipality: 'Botkyrka', occurredOn: '2018-02-02', description: 'Arbetsförmedlingen skrev inte in deltagaren medan sjukpenningen prövades.' }),
      member({ municipality: 'Salem', occurredOn: '2018-09-02', description: 'ingen fast läkare på vc, varje gång ny hyrläkare. fk väntar.' }),
    ];
    expect(buildLetterEvidence(members, [], { keepWords, maxExcerpts: 2 }).excerpts.map((q) => q.municipality)).toEqual(['Haninge', 'Botkyrka']);
    expect(buildLetterEvidence(members, [], { keepWords, maxExcerpts: 3 }).excerpts.map((q) => q.municipality)).toEqual(['Haninge', 'Botkyrka', 'Salem']);
    // It is not counted as masked: nothing was removed from it.
    expect(buildLetterEvidence(members, [], { keepWords, maxExcerpts: 3 }).maskedQuotes).toBe(0);
  });
});

describe('quotes that would undercut the letter', () => {
  const thesaurus = parseThesaurus(loadDefaultThesaurus(join(__dirname, '..', 'barrier', 'engine', 'thesaurus.sv.txt')));
  const isSettled = (text: string): boolean => isSettledLocally(thesaurus, [text]);

  it('leaves out quotes saying the matter was settled locally, by the thesaurus\'s "=" lines', () => {
    const members = [
      member({ municipality: 'Haninge', occurredOn: '2018-03-01', tried: 'Ringde handläggaren, frågan löst lokalt.' }),
      member({ municipality: 'Botkyrka', occurredOn: '2018-03-02', resolution: 'Internt fel rättat i vår rutin för kallelser.' }),
      member({ municipality: 'Salem', occurredOn: '2018-03-03', tried: 'Trepartsmöte med FK och AF, ingen ville ta ansvar.' }),
      member({ municipality: 'Järfälla', occurredOn: '2018-03-04', tried: 'Felet är ännu inte rättat hos FK trots två påminnelser.' }),
      member({ municipality: 'Haninge', occurredOn: '2018-03-05', description: 'AF skrev ut deltagaren, men det löste sig samma dag efter ett samtal.' }),
    ];
    const evidence = buildLetterEvidence(members, [], { keepWords, isSettled });
    expect(evidence.triedLocally.map((q) => q.text)).toEqual([
      'Trepartsmöte med FK och AF, ingen ville ta ansvar.',
      // A negation keeps it: the problem remains.
      'Felet är ännu inte rättat hos FK trots två påminnelser.',
    ]);
    expect(evidence.excerpts.map((q) => q.text)).not.toContain('AF skrev ut deltagaren, men det löste sig samma dag efter ett samtal.');
    // Without the check (as before) they were quoted.
    expect(buildLetterEvidence(members, [], { keepWords }).triedLocally).toHaveLength(4);
  });

  it('drops a leading label whose value was removed, "Personnr: [personnummer borttaget]."', () => {
    const members = [
      member({ municipality: 'Haninge', description: 'Personnr: 850312-1231. FK och AF hänvisar till varandra och deltagaren får ingen ersättning.' }),
      member({ municipality: 'Botkyrka', description: 'Namn: Anna Svensson, tel: 070-123 45 67. Kommunen kräver inskrivning på AF först.' }),
    ];
    const texts = buildLetterEvidence(members, [], { keepWords }).excerpts.map((q) => q.text);
    expect(texts).toEqual(['FK och AF hänvisar till varandra och deltagaren får ingen ersättning.', 'Kommunen kräver inskrivning på AF först.']);
  });
});

describe('quotes with health details and other special-category data', () => {
  const HEALTH = '[hälsouppgift borttagen]';

  it('prefers quotes without them, even a second from the same kommun or one with a name removed', () => {
    const members = [
      member({ municipality: 'Haninge', occurredOn: '2018-01-02', description: 'Försäkringskassan och Arbetsförmedlingen gav olika besked om arbetsförmågan.' }),
      member({ municipality: 'Haninge', occurredOn: '2018-02-02', description: 'Arbetsförmedlingen skrev inte in deltagaren medan sjukpenningen prövades.' }),
      member({ municipality: 'Botkyrka', occurredOn: '2018-03-02', description: 'Handläggaren Johan på FK svarade inte på tre veckor om ersättningen.' }),
      member({ municipality: 'Salem', occurredOn: '2018-09-02', description: 'Deltagaren har svår social ångest och AF kräver ändå gruppaktiviteter.' }),
    ];
    const evidence = buildLetterEvidence(members, [], { keepWords, maxExcerpts: 3 });
    expect(evidence.excerpts.map((q) => q.municipality)).toEqual(['Haninge', 'Haninge', 'Botkyrka']);
    expect(evidence.sensitiveQuotes).toBe(0);
  });

  it('replaces them when a quote must still be used, in the consequences and what was tried too', () => {
    const members = [
      member({
        municipality: 'Salem',
        occurredOn: '2018-09-02',
        description: 'Deltagaren har svår social ångest och AF kräver ändå gruppaktiviteter.',
        consequence: 'Hennes depression har blivit värre sedan sjukpenningen drogs in.',
        tried: 'Vi bad psykiatrin intyga ADHD-diagnosen för FK, utan resultat.',
      }),
      member({ municipality: 'Haninge', occurredOn: '2018-01-02', description: 'Försäkringskassan och Arbetsförmedlingen gav olika besked om arbetsförmågan.' }),
    ];
    const evidence = buildLetterEvidence(members, [], { keepWords });
    expect(evidence.excerpts.map((q) => q.text)).toEqual([
      'Försäkringskassan och Arbetsförmedlingen gav olika besked om arbetsförmågan.',
      `Deltagaren har ${HEALTH} och AF kräver ändå gruppaktiviteter.`,
    ]);
    expect(evidence.consequences.map((q) => q.text)).toEqual([`Hennes ${HEALTH} har blivit värre sedan sjukpenningen drogs in.`]);
    expect(evidence.triedLocally.map((q) => q.text)).toEqual([`Vi bad psykiatrin intyga ${HEALTH} för FK, utan resultat.`]);
    expect(evidence.sensitiveQuotes).toBe(3);
    expect(evidence.maskedQuotes).toBe(3);
  });
});

describe('quotes from many reports', () => {
  const places = ['Haninge', 'Botkyrka', 'Salem', 'Järfälla', 'Nynäshamn', 'Tyresö'];
  const texts = [
    'AF kunde inte skriva in deltagaren medan sjukpenningen prövades.',
    'Deltagaren Anna Svensson fick avslag från FK och AF sa nej.',
    'Handläggaren Johan på FK svarade inte på tre veckor.',
    'Ingen av myndigheterna tog ansvar för planeringen.',
    'deltagaren fick inget besked från fk eller af på fyra veckor.',
    'Deltagaren har svår social ångest och AF kräver ändå gruppaktiviteter.',
    'kort',
    '',
  ];
  /** A seeded mix: few or many kommuner, clean and masked texts, repeats and texts too short to quote. */
  function reports(seed: number, count: number, kommuner: number): EvidenceMember[] {
    let state = seed;
    const next = (n: number): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state % n;
    };
    return Array.from({ length: count }, (_, i) => {
      const text = texts[next(texts.length)];
      return member({
        occurredOn: `20${18 + next(3)}-0${1 + next(9)}-1${next(10)}`,
        municipality: places[next(kommuner)],
        description: text.length > 20 && next(3) > 0 ? `${text} Fall ${next(40)}.` : text,
      });
    });
  }

  it('reads only the newest reports when they settle the choice, and chooses as if it had read them all', () => {
    for (const [seed, count, kommuner] of [[1, 400, 6], [2, 300, 3], [3, 40, 2], [4, 200, 1], [5, 12, 6], [6, 500, 4]]) {
      const members = reports(seed, count, kommuner);
      let read = 0;
      const evidence = buildLetterEvidenceFrom(
        members,
        (index, field) => {
          if (field === 'description') read += 1;
          return members[index][field];
        },
        [],
        { keepWords },
      );
      expect(evidence?.excerpts).toEqual(allQuotesChosen(members, 5));
      expect(evidence?.reportCount).toBe(count);
      if (count >= 200 && kommuner >= 3) expect(read).toBeLessThan(count);
    }
  });

  it('orders reports newest first, then by reference, whether or not they come sorted', () => {
    const members = reports(9, 200, 4);
    const expected = (list: readonly EvidenceMember[]): string[] =>
      [...list].sort((a, b) => b.occurredOn.localeCompare(a.occurredOn) || a.reference.localeCompare(b.reference)).map((m) => m.reference);
    expect(quoteOrder(members).map((i) => members[i].reference)).toEqual(expected(members));
    const sorted = sortOldestFirst([...members]);
    expect(quoteOrder(sorted).map((i) => sorted[i].reference)).toEqual(expected(members));
  });

  it('still quotes a kommun whose reports are all old', () => {
    const old = member({ occurredOn: '2015-03-02', municipality: 'Tyresö', description: 'Försäkringskassan och AF gav olika besked om samma insats.' });
    const members = [...reports(8, 300, 3), old];
    const evidence = buildLetterEvidence(members, [], { keepWords });
    expect(evidence.excerpts).toEqual(allQuotesChosen(members, 5));
    expect(evidence.excerpts[0]).toEqual({ text: old.description, municipality: 'Tyresö', quarter: '2015 K1' });
  });

  it('asks for more texts when the loaded ones do not settle it, and then gives the same evidence', () => {
    const members = reports(7, 300, 5);
    const order = quoteOrder(members);
    const loaded = new Set(order.slice(0, 1));
    expect(buildLetterEvidenceFrom(members, (index, field) => (loaded.has(index) ? members[index][field] : undefined), [], { keepWords })).toBeNull();
    for (const index of order) loaded.add(index);
    expect(buildLetterEvidenceFrom(members, (index, field) => (loaded.has(index) ? members[index][field] : undefined), [], { keepWords })).toEqual(
      buildLetterEvidence(members, [], { keepWords }),
    );
  });
});
