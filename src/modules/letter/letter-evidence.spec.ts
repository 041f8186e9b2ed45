import { buildLetterEvidence, EvidenceMember, keepWordsOf, quarterOf, quartersOf, trendOf } from './letter-evidence';

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
