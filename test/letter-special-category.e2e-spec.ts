import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { defaultSpecialCategoryDetector } from '../src/modules/letter/special-category';
import { BarrierMemberSeed } from './support/barrier-factories';
import { HttpClient } from './support/http-client';
import { LetterHarness } from './support/letter-harness';
import { TestApp } from './support/test-app';

/**
 * Health details and other special-category data (GDPR art. 9) never reach a letter's quotes: the analyst starts
 * a letter on /skrivelser, and the print page, the DOCX (read back) and the stored draft are searched for the
 * terms of special-category.sv.txt. Barriers and reports are inserted directly.
 */
describe('a letter quotes no health details or other special-category data', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  const HEALTH = '[hälsouppgift borttagen]';
  const detector = defaultSpecialCategoryDetector();
  let h: LetterHarness;
  let t: TestApp;
  let db: DataSource;
  const client = (): HttpClient => h.client;
  const draftLetter = (name: string, parties: string[], members: Array<Omit<BarrierMemberSeed, 'reporterEmail'>>, terms?: string[]): Promise<string> =>
    h.draftLetter(name, parties, members, { terms });
  // Tables too: a quote must not hide in one.
  const printedText = (letterId: string): Promise<string> => h.printedText(letterId, { tables: 'keep' });
  const docxText = (letterId: string): Promise<string> => h.docxText(letterId, { tables: 'keep' });

  /** The special-category words found in a text, as written there. */
  const sensitiveWords = (text: string): string[] => detector.find(text).map((finding) => text.slice(finding.start, finding.end));
  /** The ”…” quotes of a text. */
  const quotes = (text: string): string[] => [...text.matchAll(/”([^”]*)”/g)].map((m) => m[1]);




  /** Everything stored for the draft: the texts, the generated proposals and the evidence snapshot with its quotes. */
  async function storedDraft(letterId: string): Promise<string> {
    const [row] = (await db.query(
      `SELECT subject, summary, evidence, consequences, tried_locally, interface_rules, requested_action, generated::text, evidence_snapshot::text
         FROM letter WHERE id = $1`,
      [letterId],
    )) as Array<Record<string, string>>;
    return Object.values(row).join('\n');
  }

  beforeAll(async () => {
    h = await LetterHarness.start(clock);
    ({ t, db } = h);
  });
  afterAll(() => h.close());

  it('chooses quotes without them first and replaces them where a quote must still be used, in the DOCX, the print page and the stored draft', async () => {
    const clean = [
      ['Haninge', 'Socialtjänsten kräver inskrivning på Arbetsförmedlingen som villkor för ekonomiskt bistånd.'],
      ['Botkyrka', 'Arbetsförmedlingen skriver inte in deltagaren så länge hon inte kan arbeta heltid.'],
      ['Salem', 'Ingen av parterna tar ansvar för planeringen när biståndet villkoras.'],
    ];
    // Newer than the clean ones, and from other kommuner: before the rule they were quoted first.
    const sensitive = [
      ['Tyresö', 'Deltagaren har svår social ångest och socialtjänsten kräver ändå att hon söker arbete via AF.', 'Hennes depression har blivit värre sedan biståndet drogs in.', 'Vi bad om undantag med hänvisning till ADHD-diagnosen, utan resultat.'],
      ['Nykvarn', 'Deltagaren är gravid och AF säger att hon inte står till arbetsmarknadens förfogande.', 'Missbruket har återkommit när försörjningen saknas.', 'Läkaren intygade att hon tar Concerta och sertralin, men soc godtog det inte.'],
      ['Järfälla', 'Deltagaren är troende muslim och fick avslag på bistånd när hon inte skrev in sig på AF.', 'Han är homosexuell och vågar inte gå till gruppaktiviteterna.', 'Facket hjälpte till med överklagandet.'],
    ];
    const letterId = await draftLetter(
      'Krav på inskrivning för ekonomiskt bistånd',
      ['KOMMUN', 'AF'],
      [
        ...clean.map(([kommun, description], i) => ({ kommun, description, occurredOn: `2026-0${i + 1}-10` })),
        ...sensitive.map(([kommun, description, consequence, tried], i) => ({ kommun, description, consequence, tried, occurredOn: `2026-0${i + 5}-10` })),
      ],
      ['ekonomiskt bistånd', 'depression och ångest', 'inskrivning', 'missbruk'],
    );

    const texts = { print: await printedText(letterId), docx: await docxText(letterId), stored: await storedDraft(letterId) };
    for (const [where, text] of Object.entries(texts)) {
      expect([where, sensitiveWords(text)]).toEqual([where, []]);
      for (const word of ['ångest', 'depression', 'ADHD', 'gravid', 'Missbruk', 'Concerta', 'sertralin', 'muslim', 'homosexuell', 'Facket']) expect([where, text]).not.toEqual([where, expect.stringContaining(word)]);
    }
    for (const text of [texts.print, texts.docx]) {
      // All three quotes without such data, then two of the others with a placeholder (five quotes at most).
      for (const [kommun, description] of clean) expect(text).toContain(`”${description}” (${kommun},`);
      const evidenceQuotes = quotes(text.slice(text.indexOf('Exempel ur rapporterna'), text.indexOf('Konsekvenser för deltagarna')));
      expect(evidenceQuotes).toHaveLength(5);
      expect(evidenceQuotes.filter((quote) => quote.includes('borttagen]'))).toHaveLength(2);
      expect(text).toContain(`”Deltagaren är ${HEALTH} och AF säger att hon inte står till arbetsmarknadens förfogande.” (Nykvarn, 2026 K2)`);
      // The consequences and what was tried locally quote with placeholders too.
      expect(text).toContain(`”Hennes ${HEALTH} har blivit värre sedan biståndet drogs in.” (Tyresö, 2026 K2)`);
      expect(text).toContain('”[uppgift om facklig tillhörighet borttagen] hjälpte till med överklagandet.” (Järfälla, 2026 K3)');
      // The barrier's terms leave out the same words.
      expect(text).toContain('Återkommande begrepp i rapporterna är ekonomiskt bistånd och inskrivning.');
    }

    // The editor tells the analyst, briefly.
    const editor = await client().get(`/skrivelser/${letterId}`);
    expect(editor.text).toContain('Hälsouppgifter och andra känsliga uppgifter (som diagnoser, missbruk, läkemedel, graviditet, etniskt ursprung eller religion) lämnas utanför citaten.');
    const replaced = /I (\d+) av citaten är de ersatta med en platshållare/.exec(editor.text)?.[1];
    expect(Number(replaced)).toBeGreaterThanOrEqual(8);
    // The editor's text fields and the rest of the page carry none either (the note names the kinds, not anyone's).
    expect(sensitiveWords(editor.text.replace(/<p id="kansliga-uppgifter">[\s\S]*?<\/p>/, ''))).toEqual([]);
  });

  it('a barrier whose reports all carry a health detail still gets its quotes, each with the placeholder', async () => {
    const letterId = await draftLetter('Intyg om arbetsförmåga', ['REGION', 'FK'], [
      { kommun: 'Nynäshamn', occurredOn: '2026-03-03', parties: ['REGION', 'FK'], description: 'Psykiatrin skriver inte intyg om arbetsförmåga vid bipolär sjukdom, och FK avslår.' },
      { kommun: 'Österåker', occurredOn: '2026-04-04', parties: ['REGION', 'FK'], description: 'Vårdcentralen hänvisar till psykiatrin för intyget om schizofreni, och FK väntar.' },
    ]);
    for (const text of [await printedText(letterId), await docxText(letterId), await storedDraft(letterId)]) {
      expect(sensitiveWords(text)).toEqual([]);
      expect(text).toContain(`Psykiatrin skriver inte intyg om arbetsförmåga vid ${HEALTH}, och FK avslår.`);
      expect(text).toContain(`Vårdcentralen hänvisar till psykiatrin för intyget om ${HEALTH}, och FK väntar.`);
    }
  });

  it('mental health in other words than the listed phrases is not quoted either (the demo’s ”Psykiskt mående försämrat.”)', async () => {
    const letterId = await draftLetter('Ingen försörjning mellan FK och AF', ['AF', 'FK'], [
      { kommun: 'Österåker', occurredOn: '2026-03-03', parties: ['AF', 'FK'], description: 'FK anser inte att hon är sjuk nog, AF anser inte att hon är arbetsför nog.', consequence: 'Psykiskt mående försämrat.' },
      { kommun: 'Huddinge', occurredOn: '2026-04-04', parties: ['AF', 'FK'], description: 'AF kan inte erbjuda något förrän hans mående stabiliserats, och FK har dragit in sjukpenningen.', consequence: 'Den psykiska ohälsan ökade under väntan.' },
      { kommun: 'Täby', occurredOn: '2026-05-05', parties: ['AF', 'FK'], description: 'Vården skriver diagnoser, FK efterfrågar funktionsbeskrivningar.' },
    ]);
    for (const text of [await printedText(letterId), await docxText(letterId), await storedDraft(letterId)]) {
      expect(sensitiveWords(text)).toEqual([]);
      for (const words of ['Psykiskt mående', 'psykiska ohälsan', 'hans mående']) expect(text).not.toContain(words);
      // Diagnoses as the care's documents are the barrier itself, and stay.
      expect(text).toContain('Vården skriver diagnoser, FK efterfrågar funktionsbeskrivningar.');
    }
    const printed = await printedText(letterId);
    expect(printed).toContain(`”${HEALTH} försämrat.” (Österåker, 2026 K1)`);
  });
});
