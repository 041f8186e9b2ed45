import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { BarrierMemberSeed } from './support/barrier-factories';
import { docxParagraphs, docxTableRows, unzipEntries } from './support/docx-reader';
import { HttpClient } from './support/http-client';
import { LetterHarness } from './support/letter-harness';
import { TestApp } from './support/test-app';

/**
 * The draft skrivelse read as Nationella rådet reads it: the analyst starts a letter on /skrivelser, and the
 * print page and the DOCX are read as text. Barriers and reports are inserted directly.
 */
describe('a drafted letter reads as formal Swedish to its recipient', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let t: TestApp;
  let db: DataSource;
  const client = (): HttpClient => h.client;
  const draftLetter = (name: string, parties: string[], members: Array<Omit<BarrierMemberSeed, 'reporterEmail'>>): Promise<string> => h.draftLetter(name, parties, members);
  const printedText = (letterId: string): Promise<string> => h.printedText(letterId);
  const docxText = (letterId: string): Promise<string> => h.docxText(letterId);




  const occurrences = (text: string, phrase: string): number => text.split(phrase).length - 1;

  beforeAll(async () => {
    h = await LetterHarness.start(clock);
    ({ t, db } = h);
  });
  afterAll(() => h.close());

  it('says once how many reports are severe and how many a lead marked structural, not again in the evidence', async () => {
    const letterId = await draftLetter('Krav på arbetssökande för ekonomiskt bistånd', ['KOMMUN', 'AF'], [
      { kommun: 'Haninge', occurredOn: '2026-02-01', severity: 'hog', structural: true },
      { kommun: 'Botkyrka', occurredOn: '2026-04-10', severity: 'hog', structural: true },
      { kommun: 'Järfälla', occurredOn: '2026-06-03', severity: 'hog' },
      { kommun: 'Täby', occurredOn: '2026-09-01' },
    ]);
    const text = await printedText(letterId);
    expect(occurrences(text, 'allvarlighetsgrad')).toBe(1);
    expect(occurrences(text, 'inte kan lösas lokalt')).toBe(1);
    // Each where it belongs: severity among the consequences, the leads' judgement among what was tried locally.
    const consequences = text.slice(text.indexOf('Konsekvenser för deltagarna'), text.indexOf('Vad som har prövats lokalt'));
    const tried = text.slice(text.indexOf('Vad som har prövats lokalt'), text.indexOf('Parter och regelverk som möts'));
    expect(consequences).toContain('allvarlighetsgrad');
    expect(tried).toContain('inte kan lösas lokalt');
    const docx = await docxText(letterId);
    expect(occurrences(docx, 'bedömt att problemet inte kan lösas lokalt')).toBe(1);
    expect(occurrences(docx, 'allvarlighetsgraden för deltagaren som hög')).toBe(1);
  });

  it('writes one to twelve in words, starts no sentence with digits, and agrees in number (print page and DOCX)', async () => {
    const letterId = await draftLetter('Krav på inskrivning för försörjningsstöd', ['KOMMUN', 'AF'], [
      { kommun: 'Haninge', occurredOn: '2026-01-12', severity: 'hog', structural: true },
      { kommun: 'Haninge', occurredOn: '2026-02-20' },
      { kommun: 'Botkyrka', occurredOn: '2026-04-10', severity: 'hog' },
      { kommun: 'Salem', occurredOn: '2026-05-03', parties: ['KOMMUN'] },
      { kommun: 'Järfälla', occurredOn: '2026-06-01' },
    ]);
    for (const text of [await printedText(letterId), await docxText(letterId)]) {
      expect(text).toContain('Fem avvikelserapporter från fyra kommuner i tre delprojekt, mellan januari och juni 2026, beskriver');
      expect(text).toContain('Underlaget består av fem avvikelserapporter från fyra kommuner (Haninge, Botkyrka, Järfälla och Salem) i tre delprojekt');
      expect(text).toContain('Under det senaste kvartalet (till och med andra kvartalet 2026) kom tre rapporter in, mot två under kvartalet dessförinnan; antalet har alltså ökat.');
      expect(text).toContain('Medarbetarna har bedömt allvarlighetsgraden för deltagaren som hög i två av fem rapporter.');
      expect(text).toContain('I ett av fem fall har delprojektledaren bedömt att problemet inte kan lösas lokalt.');
      // One kommun per report: "kommunen anges", not "Kommunerna anges som berörd part".
      expect(text).toContain('I alla fem rapporterna anges kommunen som berörd part.');
      expect(text).toContain('I fyra av fem rapporter anges Arbetsförmedlingen som berörd part.');
      const prose = text.replace(/”[^”]*”/g, '”…”');
      expect(prose).not.toMatch(/(?:^|[.;]\s+)\d/m);
      expect(prose).not.toMatch(/\b(?:[1-9]|1[0-2]) (?:avvikelserapport|rapport|kommun|delprojekt|fall)/);
      expect(prose).not.toMatch(/\d{4} K\d\)? kom/);
    }
  });

  it('lists the recurring terms without the parties the section has just named', async () => {
    const letterId = await h.draftLetter(
      'Sjukpenning, arbetsförmåga och inskrivning (FK, AF)',
      ['FK', 'AF'],
      ['Haninge', 'Botkyrka', 'Täby'].map((kommun, i) => ({ kommun, occurredOn: `2026-0${i + 3}-10`, parties: ['FK', 'AF'] })),
      { terms: ['Försäkringskassan', 'sjukpenning', 'Arbetsförmedlingen', 'arbetsförmåga', 'kommunen', 'inskrivning'] },
    );
    for (const text of [await printedText(letterId), await docxText(letterId)]) {
      expect(text).toContain('Återkommande begrepp i rapporterna är sjukpenning, arbetsförmåga och inskrivning.');
      expect(text).toContain('I alla tre rapporterna anges Försäkringskassan som berörd part.');
    }
  });

  it('quotes reports that read as sentences before hurried notes, even newer ones', async () => {
    const sentences = [
      ['Haninge', 'Försäkringskassan drog in sjukpenningen och Arbetsförmedlingen kunde inte skriva in deltagaren.'],
      ['Botkyrka', 'Socialtjänsten kräver inskrivning på Arbetsförmedlingen som villkor för ekonomiskt bistånd.'],
      ['Salem', 'Deltagaren fick olika besked om arbetsförmågan från Försäkringskassan och Arbetsförmedlingen.'],
      ['Järfälla', 'Arbetsförmedlingen hänvisade tillbaka till vården trots att sjukpenningen hade upphört.'],
      ['Täby', 'Ingen av myndigheterna ville ta ansvar för planeringen när ersättningen upphörde.'],
    ];
    const notes = [
      ['Tyresö', 'deltagaren har ingen handläggare på af, fk säger att det är af:s sak. typ tre veckor nu.'],
      ['Nykvarn', 'sjukpenningen slut. af vill inte. soc kräver inskrivning ändå??'],
    ];
    const letterId = await draftLetter('Sjukpenning upphör utan inskrivning', ['FK', 'AF'], [
      ...sentences.map(([kommun, description], i) => ({ kommun, description, occurredOn: `2026-0${i + 1}-15`, parties: ['FK', 'AF'] })),
      ...notes.map(([kommun, description], i) => ({ kommun, description, occurredOn: `2026-0${i + 7}-15`, parties: ['FK', 'AF'] })),
    ]);
    for (const text of [await printedText(letterId), await docxText(letterId)]) {
      for (const [kommun, description] of sentences) expect(text).toContain(`”${description}” (${kommun},`);
      for (const [, description] of notes) expect(text).not.toContain(description);
    }
  });

  it('a quotation inside a quote is printed with Swedish inner marks, not a mark that ends the quote', async () => {
    const letterId = await draftLetter('Vänta och se-besked', ['AF', 'FK'], [
      { kommun: 'Haninge', occurredOn: '2026-03-03', parties: ['AF', 'FK'], description: 'AF har satt deltagaren på \'vänta och se\' tills hon orkar mer, och FK säger nej.' },
      { kommun: 'Botkyrka', occurredOn: '2026-04-04', parties: ['AF', 'FK'], description: 'Läkaren skrev "försiktigt med något" men FK läste det som full arbetsförmåga.' },
    ]);
    for (const text of [await printedText(letterId), await docxText(letterId)]) {
      expect(text).toContain('”AF har satt deltagaren på ’vänta och se’ tills hon orkar mer, och FK säger nej.” (Haninge, 2026 K1)');
      expect(text).toContain('”Läkaren skrev ’försiktigt med något’ men FK läste det som full arbetsförmåga.” (Botkyrka, 2026 K2)');
    }
  });

  it('the key figures name the quarters the trend compares, not "the last half-year" of reports two years old', async () => {
    const letterId = await draftLetter('Intyg som dröjer', ['REGION', 'FK'], [
      { kommun: 'Haninge', occurredOn: '2024-02-01', parties: ['REGION', 'FK'] },
      { kommun: 'Botkyrka', occurredOn: '2024-03-10', parties: ['REGION', 'FK'] },
      { kommun: 'Täby', occurredOn: '2024-05-20', parties: ['REGION', 'FK'] },
    ]);
    const response = await fetch(`${t.baseUrl}/skrivelser/${letterId}.docx`, { headers: { authorization: `Bearer ${h.token}` } });
    const rows = docxTableRows(unzipEntries(Buffer.from(await response.arrayBuffer())).get('word/document.xml')?.toString('utf8') ?? '');
    expect(rows).toContainEqual(['Utveckling 2024 K2 mot 2024 K1', 'minskande']);
    expect(JSON.stringify(rows)).not.toContain('halvåret');
    const page = await client().get(`/skrivelser/${letterId}/utskrift`);
    expect(page.text).toContain('<th scope="row">Utveckling 2024 K2 mot 2024 K1</th><td>minskande</td>');
    expect(await printedText(letterId)).toContain('Under det senaste kvartalet (till och med andra kvartalet 2024) kom en rapport in, mot två under kvartalet dessförinnan; antalet har alltså minskat.');
  });

  it('the print page numbers its A4 pages as the DOCX footer does ("Sida 1 av 4")', async () => {
    const letterId = await draftLetter('Samtycke mellan vården och FK', ['REGION', 'FK'], [
      { kommun: 'Nykvarn', occurredOn: '2026-01-20', parties: ['REGION', 'FK'] },
      { kommun: 'Salem', occurredOn: '2026-03-02', parties: ['REGION', 'FK'] },
    ]);
    const page = await client().get(`/skrivelser/${letterId}/utskrift`);
    const stylesheet = /<link rel="stylesheet" href="([^"]+)">/.exec(page.text)?.[1] as string;
    const css = (await client().get(stylesheet)).text.replace(/\s+/g, ' ');
    const pageRule = /@page \{([^{}]|\{[^{}]*\})*\}/.exec(css)?.[0] ?? '';
    expect(pageRule).toContain('size: A4');
    expect(pageRule).toMatch(/@bottom-center \{ content: "Sida " counter\(page\) " av " counter\(pages\);/);
    // The DOCX says the same in its footer.
    const response = await fetch(`${t.baseUrl}/skrivelser/${letterId}.docx`, { headers: { authorization: `Bearer ${h.token}` } });
    const footers = [...unzipEntries(Buffer.from(await response.arrayBuffer())).entries()].filter(([name]) => /^word\/footer\d*\.xml$/.test(name));
    expect(footers.map(([, xml]) => docxParagraphs(xml.toString('utf8')).join(''))).toContainEqual(expect.stringContaining('Sida '));
  });

  it('the DOCX keeps every heading with what follows it and each table on one page with its caption', async () => {
    const letterId = await draftLetter('Krav på arbetsträning för bistånd', ['KOMMUN', 'AF'], [
      { kommun: 'Tyresö', occurredOn: '2025-03-02' },
      { kommun: 'Huddinge', occurredOn: '2025-09-14' },
      { kommun: 'Täby', occurredOn: '2026-05-20' },
    ]);
    const response = await fetch(`${t.baseUrl}/skrivelser/${letterId}.docx`, { headers: { authorization: `Bearer ${h.token}` } });
    const xml = unzipEntries(Buffer.from(await response.arrayBuffer())).get('word/document.xml')?.toString('utf8') ?? '';
    const body = xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '');
    const keptWithNext = new Map(
      [...body.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => [docxParagraphs(m[0])[0], m[0].includes('<w:keepNext/>')] as const),
    );
    const headings = ['Skrivelse angående krav på arbetsträning för bistånd', 'Bakgrund och hinder', 'Underlag', 'Nyckeltal', 'Rapporter per kvartal', 'Rapporter per kommun',
      'Konsekvenser för deltagarna', 'Vad som har prövats lokalt', 'Parter och regelverk som möts', 'Vad vi begär', 'Med vänlig hälsning'];
    for (const heading of headings) expect([heading, keptWithNext.get(heading)]).toEqual([heading, true]);
    // Running text flows freely; only the letter's closing paragraph is kept with the signature.
    const opening = [...keptWithNext.keys()].find((text) => text.startsWith('MIA – Mobilisering inför arbete ger samordnat stöd'));
    expect(opening && keptWithNext.get(opening)).toBe(false);
    expect(keptWithNext.get('MIA medverkar gärna med ytterligare underlag.')).toBe(true);

    const tables = [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((m) => [...m[0].matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) => row[0].includes('<w:keepNext/>')));
    expect(tables).toHaveLength(3);
    for (const rows of tables) expect(rows).toEqual([...rows.slice(0, -1).map(() => true), false]);
  });
});
