import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { BarrierMemberSeed } from './support/barrier-factories';
import { HttpClient } from './support/http-client';
import { LetterHarness } from './support/letter-harness';
import { TestApp } from './support/test-app';

/**
 * A barrier with one report (escalated because a lead marked it structural) or with reports from one kommun: the
 * letter's words agree with its numbers. Read from the print page and the DOCX as Nationella rådet reads them,
 * over HTTP on a real Postgres; the editor and the reporter's mail too.
 */
describe('a letter about one report, or one kommun, agrees in number', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let t: TestApp;
  let db: DataSource;
  const client = (): HttpClient => h.client;
  const draftLetter = (name: string, parties: string[], members: Array<Omit<BarrierMemberSeed, 'reporterEmail'>>, nameSource: 'analyst' | 'generated' = 'analyst'): Promise<string> =>
    h.draftLetter(name, parties, members, { nameSource, terms: ['ekonomiskt bistånd', 'inskrivning'] });
  const printedText = (letterId: string): Promise<string> => h.printedText(letterId);
  const docxText = (letterId: string): Promise<string> => h.docxText(letterId);




  beforeAll(async () => {
    h = await LetterHarness.start(clock);
    ({ t, db } = h);
  });
  afterAll(() => h.close());

  it('one report a lead marked structural: no "samma återkommande hinder", and the report, the situation and the participant in the singular', async () => {
    const letterId = await draftLetter('Krav på inskrivning för ekonomiskt bistånd', ['KOMMUN', 'AF'], [
      {
        kommun: 'Nykvarn',
        occurredOn: '2026-03-12',
        severity: 'hog',
        structural: true,
        tried: 'Vi bad socialtjänsten om undantag från kravet, men fick nej.',
      },
    ]);
    for (const text of [await printedText(letterId), await docxText(letterId)]) {
      expect(text).toContain('En avvikelserapport från en kommun i ett delprojekt, under mars 2026, beskriver ett strukturellt hinder: krav på inskrivning för ekonomiskt bistånd.');
      expect(text).toContain('Hindret uppstår där Arbetsförmedlingens och kommunernas regelverk möts och har inte kunnat lösas lokalt i delprojektet.');
      expect(text).toContain('Underlaget består av en avvikelserapport från en kommun (Nykvarn) i ett delprojekt (MIA Södertälje). Rapporten gäller en situation under mars 2026.');
      expect(text).toContain('Rapporten kom under första kvartalet 2026. Nyckeltalen framgår av tabellerna nedan.');
      expect(text).toContain('Ur rapporten (förkortat; uppgifter som kan identifiera en person och hälsouppgifter är borttagna):');
      expect(text).toContain('I rapporten beskrivs följande konsekvens för deltagaren:');
      expect(text).toContain('Medarbetaren har bedömt allvarlighetsgraden för deltagaren som hög.');
      expect(text).toContain('Delprojektet har försökt lösa situationen lokalt. I rapporten och i delprojektledarens åtgärder beskrivs:');
      expect(text).toContain('Delprojektledaren har bedömt att problemet inte kan lösas lokalt.');
      expect(text).toContain('I den rapporterade situationen möts Arbetsförmedlingens och kommunernas regelverk.');
      expect(text).toContain('I rapporten anges Arbetsförmedlingen som berörd part.');
      expect(text).toContain('Centrala begrepp i rapporten är ekonomiskt bistånd och inskrivning.');
      expect(text).toContain('hur regelverken ska tillämpas när de möts i en situation som denna');
      // Nothing says the barrier recurs, nor speaks of reports, situations, subprojects or leads in the plural.
      expect(text).not.toMatch(/återkommande|(?<!\p{L})samma(?!\p{L})|[Rr]apporterna|[Ss]ituationerna|[Dd]elprojekten|delprojektledarna|Medarbetarna|I fallet|[Ee]xempel ur/u);
    }
  });

  it('one unnamed report: the subject names a structural barrier between the parties, not a recurring one', async () => {
    const letterId = await draftLetter('Intyg, arbetsförmåga och krav (REGION, FK)', ['REGION', 'FK'], [{ kommun: 'Salem', occurredOn: '2026-05-04', parties: ['REGION', 'FK'] }], 'generated');
    for (const text of [await printedText(letterId), await docxText(letterId)]) {
      expect(text).toContain('Skrivelse angående ett strukturellt hinder mellan Försäkringskassan och Region Stockholm');
      expect(text).toContain('En avvikelserapport från en kommun i ett delprojekt, under maj 2026, beskriver ett strukturellt hinder.');
      expect(text).not.toContain('återkommande');
    }
  });

  it('the editor, the send form and the reporter’s mail speak of one report', async () => {
    const letterId = await draftLetter('Krav på arbetsträning för bistånd', ['KOMMUN', 'AF'], [{ kommun: 'Täby', occurredOn: '2026-06-01', structural: true }]);
    const editor = await client().get(`/skrivelser/${letterId}`);
    expect(editor.text).toContain('1 rapport från 1 kommun i 1 delprojekt, 2026-06-01 – 2026-06-01.');
    const version = /name="version" value="(\d+)"/.exec(editor.text)?.[1] ?? '';
    expect((await client().postForm(`/skrivelser/${letterId}/status`, { version, action: 'review' })).status).toBe(303);
    const reviewed = await client().get(`/skrivelser/${letterId}`);
    expect(reviewed.text).toContain('Går inte att ångra. Rapportören till skrivelsens avvikelse får e-post om att skrivelsen är skickad');
    expect(reviewed.text).not.toContain('1 avvikelser');
    const sendVersion = /name="version" value="(\d+)"/.exec(reviewed.text)?.[1] ?? '';
    const unconfirmed = await client().postForm(`/skrivelser/${letterId}/status`, { version: sendVersion, action: 'send', sentOn: '2026-11-23' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Kryssa i rutan för att bekräfta att skrivelsen är skickad och att rapportören till skrivelsens avvikelse ska få e-post.');
    expect((await client().postForm(`/skrivelser/${letterId}/status`, { version: sendVersion, action: 'send', sentOn: '2026-11-23', bekraftat: 'ja' })).status).toBe(303);
    const [mail] = (await db.query(`SELECT text, html FROM mail_outbox WHERE template = 'letter-sent' AND dedupe_key LIKE $1`, [`letter-sent:${letterId}:%`])) as Array<{ text: string; html: string }>;
    expect(mail.text).toContain('Skrivelsen bygger på din avvikelserapport:');
    expect(mail.text).toContain('Rapporten ingår som anonymiserat underlag: kommun, tidsperiod och korta utdrag utan uppgifter som kan identifiera en deltagare.');
    expect(mail.text).not.toMatch(/1 avvikelserapporter|flera kommuner/);
  });

  it('several reports from one kommun recur, but in one subproject', async () => {
    const letterId = await draftLetter('Krav på inskrivning i Järfälla', ['KOMMUN', 'AF'], [
      { kommun: 'Järfälla', occurredOn: '2026-02-02', tried: 'Vi ringde handläggaren på socialtjänsten, utan resultat.' },
      { kommun: 'Järfälla', occurredOn: '2026-04-04', tried: 'Trepartsmöte med AF och socialtjänsten, ingen ville ändra kravet.' },
      { kommun: 'Järfälla', occurredOn: '2026-06-06' },
    ]);
    for (const text of [await printedText(letterId), await docxText(letterId)]) {
      expect(text).toContain('Tre avvikelserapporter från en kommun i ett delprojekt, mellan februari och juni 2026, beskriver samma återkommande hinder');
      expect(text).toContain('har inte kunnat lösas lokalt i delprojektet.');
      expect(text).toContain('Delprojektet har försökt lösa situationerna lokalt.');
      expect(text).toContain('I rapporterna och i delprojektledarens åtgärder beskrivs bland annat:');
      expect(text).not.toMatch(/[Dd]elprojekten\b|delprojektledarnas/);
    }
  });
});
