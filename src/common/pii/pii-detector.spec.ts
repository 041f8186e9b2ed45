import {
  containsPii,
  countPii,
  describePiiKinds,
  detectPii,
  detectPiiInFields,
  maskPii,
  PII_KIND_LABELS,
} from './pii-detector';

const REPORT_WITH_EVERYTHING =
  'Gäller Fatima Warsame, pnr 811218-9876, samordningsnummer 750672-1112. Nås på 070-987 65 43 ' +
  'eller fatima.w@exempel.se. FK har inte fattat beslut sedan 2024-03-12 (Dnr 2019-1234).';

describe('detectPii', () => {
  it('finds every kind in position order', () => {
    expect(detectPii(REPORT_WITH_EVERYTHING).map((f) => f.kind)).toEqual([
      'namn',
      'personnummer',
      'samordningsnummer',
      'telefonnummer',
      'epost',
    ]);
  });

  it('returns nothing for a report that describes a situation', () => {
    const text =
      'Deltagaren fick avslag på sjukpenning dag 180 och AF bedömer arbetsförmågan som för låg. ' +
      'Handläggaren på Försäkringskassan i Huddinge hänvisar till Region Stockholm. Möte 12/3 kl 13:45, ' +
      'skulden är 200 000 kr. Dnr 2019-1234, FK 12345-2019. Personnummer 811218-9877 var felskrivet.';
    expect(detectPii(text)).toEqual([]);
    expect(containsPii(text)).toBe(false);
  });

  it('lets an e-mail address win over the name and digits inside it', () => {
    const text = 'Skriv till Karin.Andersson811218@exempel.se i dag.';
    expect(detectPii(text).map((f) => f.kind)).toEqual(['epost']);
  });

  it('never carries the personal data itself', () => {
    const serialised = JSON.stringify(detectPii(REPORT_WITH_EVERYTHING));
    for (const secret of ['Warsame', '9876', '1112', '65 43', 'exempel']) expect(serialised).not.toContain(secret);
  });

  it('ignores the addresses it is told to, such as the reporter\'s own', () => {
    const text = 'Svara till Nora.Nilsson@mia-exempel.se, inte till deltagaren på hodan.w@exempel.se.';
    const findings = detectPii(text, { ignoredEmailAddresses: ['nora.nilsson@mia-exempel.se'] });
    expect(findings.map((f) => text.slice(f.start, f.end))).toEqual(['hodan.w@exempel.se']);
  });

  it.each([
    'Sjukpenningen drogs in vid dag 180. AF säger att hon inte kan skrivas in förrän hon är friskskriven.',
    'Socialtjänsten i Botkyrka kräver att deltagaren skriver in sig på AF för att få försörjningsstöd.',
    'Samverkansteamet kunde inte träffas eftersom regionen inte fått samtycke. Psykiatrin Södra vill ha egen blankett.',
    'Arbetsträning 2 timmar/vecka på Samhall i Farsta. FK menar att det visar arbetsförmåga.',
    'Vi ringde AF:s kundtjänst 0771-416 416 men fick inget svar på tre veckor.',
    'Beslut 2019-03-04, överklagat 2019-03-20. Dnr 2019/1234-5. Ny prövning v. 14.',
    'Kostnad 1 250 kr per månad, 15 000 kr totalt. Hon har 75 % sjukersättning sedan 2016.',
    'Mötet 14/5 kl 09:30-11:00 ställdes in. Nästa möte 2019-06-03 kl 10. Telefontid 08.00-16.30.',
    'Handläggaren på FK i Södertälje (ärende 12345-2019) har slutat och ingen ny är utsedd.',
    'MIA Vidare har 8 förbund och ca 20 kommuner. Delprojektet i Järfälla saknar case manager sedan januari.',
    'Org.nr 802470-4522 för samordningsförbundet. Bankgiro 5678-1234. Box 123, 136 81 Haninge.',
    'Ersättningen var 4 500 kr/mån, 0 kr i juli. Telefonmöte bokat 0900 den 3/4. Vecka 12-14 var hon sjuk.',
    'Mötet hölls i Microsoft Teams. Pappa Ali följde med. Ring Karin på AF imorgon.',
    'Kontakt med Vuxenpsykiatrin Flemingsberg och Beroendecentrum Stockholm tog sex veckor.',
    'Hon bor i andra hand i Rinkeby. Socialtjänsten Spånga-Tensta hänvisar till Bromma.',
  ])('finds nothing in the ordinary report text %j', (text) => {
    expect(detectPii(text)).toEqual([]);
  });

  it('handles empty text', () => {
    expect(detectPii('')).toEqual([]);
  });
});

describe('maskPii', () => {
  it('replaces each finding with a Swedish placeholder and counts the kinds', () => {
    const result = maskPii(REPORT_WITH_EVERYTHING);
    expect(result.text).toBe(
      'Gäller [namn borttaget], pnr [personnummer borttaget], samordningsnummer [samordningsnummer borttaget]. ' +
        'Nås på [telefonnummer borttaget] eller [e-postadress borttagen]. FK har inte fattat beslut sedan ' +
        '2024-03-12 (Dnr 2019-1234).',
    );
    expect(result.counts).toEqual({ personnummer: 1, samordningsnummer: 1, telefonnummer: 1, epost: 1, namn: 1 });
  });

  it('leaves text without personal data untouched', () => {
    const text = 'AF och FK i Haninge är oense om arbetsförmågan.';
    expect(maskPii(text)).toEqual({
      text,
      counts: { personnummer: 0, samordningsnummer: 0, telefonnummer: 0, epost: 0, namn: 0 },
    });
  });

  it('counts repeated findings of one kind', () => {
    const result = maskPii('Ring 070-987 65 43 eller +46 8 123 456 78.');
    expect(result.text).toBe('Ring [telefonnummer borttaget] eller [telefonnummer borttaget].');
    expect(result.counts.telefonnummer).toBe(2);
  });

  it('is idempotent', () => {
    const once = maskPii(REPORT_WITH_EVERYTHING).text;
    expect(maskPii(once).text).toBe(once);
  });
});

describe('detectPiiInFields', () => {
  it('reports per field and skips empty and clean fields', () => {
    const result = detectPiiInFields({
      title: 'Intyg saknas',
      description: 'Avser 811218-9876.',
      consequence: '',
      tried: undefined,
      triedActions: null,
    });
    expect(result).toEqual([
      { field: 'description', findings: [{ kind: 'personnummer', label: 'personnummer', start: 6, end: 17 }] },
    ]);
  });
});

describe('countPii and describePiiKinds', () => {
  it('summarise the findings in Swedish without personal data', () => {
    const findings = detectPii(REPORT_WITH_EVERYTHING);
    expect(countPii(findings).namn).toBe(1);
    expect(describePiiKinds(findings)).toBe('personnummer, samordningsnummer, telefonnummer, e-postadress och namn');
    expect(describePiiKinds(detectPii('Avser 811218-9876.'))).toBe('personnummer');
    expect(describePiiKinds([])).toBe('');
  });

  it('labels every kind in Swedish', () => {
    expect(PII_KIND_LABELS).toEqual({
      personnummer: 'personnummer',
      samordningsnummer: 'samordningsnummer',
      telefonnummer: 'telefonnummer',
      epost: 'e-postadress',
      namn: 'namn',
    });
  });
});
