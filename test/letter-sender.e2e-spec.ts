import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { LetterSender1763900001700 } from '../src/database/migrations/1763900001700-letter-sender';
import { LetterService } from '../src/modules/letter/letter.service';
import { User } from '../src/modules/user/user.entity';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { docxParagraphs, unzipEntries } from './support/docx-reader';
import { formFieldsOf } from './support/form-fields';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { LetterHarness } from './support/letter-harness';
import { TestApp } from './support/test-app';

interface SenderRow {
  reference_number: string | null;
  signatory_name: string | null;
  signatory_title: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  version: number;
}

/**
 * A letter's diarienummer, who signs it and how to reach them: prefilled from the analyst's account, edited on
 * /skrivelser/:id with Swedish errors that keep what was typed, stored in Postgres, and printed in the letter's
 * head and signature on the print page and in the DOCX (read back). Over HTTP on a real Postgres.
 */
describe('a letter’s reference number, signatory and contact', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let t: TestApp;
  let db: DataSource;
  let analyst: User;
  let client: HttpClient;
  let token: string;
  let barrierSequence = 0;

  async function newBarrier(): Promise<string> {
    barrierSequence += 1;
    const barrierId = await insertEscalatedBarrier(db, `Krav på inskrivning för bistånd ${barrierSequence}`, ['KOMMUN', 'AF'], clock.now());
    for (const [i, kommun] of ['Haninge', 'Botkyrka', 'Täby'].entries()) {
      await addBarrierMember(db, barrierId, { kommun, occurredOn: `2026-0${i + 3}-10`, reporterEmail: `rapportor.avs.${barrierSequence}.${i}@kommun.example.org` });
    }
    return barrierId;
  }

  /** A draft started on /skrivelser, as the analyst starts one. */
  const startLetter = async (): Promise<string> => h.startLetter(await newBarrier());

  const senderRow = async (letterId: string): Promise<SenderRow> =>
    ((await db.query(`SELECT reference_number, signatory_name, signatory_title, contact_email, contact_phone, version FROM letter WHERE id = $1`, [letterId])) as SenderRow[])[0];

  /** The editor's text form as the browser would post it again, with some fields changed. */
  async function editorForm(letterId: string, changes: Record<string, string> = {}): Promise<Record<string, string>> {
    const page = await client.get(`/skrivelser/${letterId}`);
    expect(page.status).toBe(200);
    const fields = Object.fromEntries(Object.entries(formFieldsOf(page.text, `/skrivelser/${letterId}`)).map(([name, values]) => [name, values[0]]));
    // The client adds the CSRF token itself.
    const { _csrf: _token, ...rest } = fields;
    return { ...rest, ...changes };
  }

  /** The value the editor shows in an input. */
  const inputValue = (html: string, name: string): string | undefined => new RegExp(`<input id="falt-text-${name}" name="${name}"[^>]* value="([^"]*)"`).exec(html)?.[1];

  async function docxParagraphsOf(letterId: string): Promise<string[]> {
    const response = await fetch(`${t.baseUrl}/skrivelser/${letterId}.docx`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    return docxParagraphs(unzipEntries(Buffer.from(await response.arrayBuffer())).get('word/document.xml')?.toString('utf8') ?? '');
  }

  async function printPage(letterId: string): Promise<string> {
    const page = await client.get(`/skrivelser/${letterId}/utskrift`);
    expect(page.status).toBe(200);
    return page.text;
  }

  beforeAll(async () => {
    h = await LetterHarness.start(clock, { analyst: { name: 'Anna Andersson', email: 'anna.andersson@samordning.example.se' } });
    ({ t, db, analyst, client, token } = h);
  });
  afterAll(() => h.close());

  it('a letter the analyst starts is signed with their account’s name and e-mail; reference and phone added in the editor show in the print page and the DOCX', async () => {
    const letterId = await startLetter();
    expect(await senderRow(letterId)).toMatchObject({
      reference_number: null,
      signatory_name: 'Anna Andersson',
      signatory_title: 'Verksamhetsutvecklare',
      contact_email: 'anna.andersson@samordning.example.se',
      contact_phone: null,
    });

    const saved = await client.postForm(
      `/skrivelser/${letterId}`,
      await editorForm(letterId, { referenceNumber: 'Dnr 2026/14', signatoryTitle: 'Verksamhetsutvecklare, MIA Vidare', contactPhone: '08-123 456 78' }),
    );
    expect(saved.status).toBe(303);
    expect(await senderRow(letterId)).toMatchObject({ reference_number: 'Dnr 2026/14', signatory_title: 'Verksamhetsutvecklare, MIA Vidare', contact_phone: '08-123 456 78' });

    const page = await printPage(letterId);
    expect(page).toContain('Datum: <time datetime="2026-11-23">2026-11-23</time><br><span class="letter-reference">Diarienummer: Dnr 2026/14</span>');
    expect(page).toContain(
      '<p class="letter-signature-lines">Anna Andersson<br>Verksamhetsutvecklare, MIA Vidare<br>MIA – Mobilisering inför arbete<br>E-post: anna.andersson@samordning.example.se<br>Telefon: 08-123 456 78</p>',
    );

    const paragraphs = await docxParagraphsOf(letterId);
    expect(paragraphs.slice(paragraphs.indexOf('Datum: 2026-11-23'), paragraphs.indexOf('Datum: 2026-11-23') + 2)).toEqual(['Datum: 2026-11-23', 'Diarienummer: Dnr 2026/14']);
    expect(paragraphs.slice(paragraphs.indexOf('Med vänlig hälsning'))).toEqual([
      'Med vänlig hälsning',
      'Anna Andersson',
      'Verksamhetsutvecklare, MIA Vidare',
      'MIA – Mobilisering inför arbete',
      'E-post: anna.andersson@samordning.example.se',
      'Telefon: 08-123 456 78',
    ]);

    // The API gives the same, and a PATCH that leaves the sender out leaves it as it is.
    const api = new HttpClient(t.baseUrl);
    const view = (await api.api('GET', `/api/letters/${letterId}`, undefined, token)).json<Record<string, unknown>>();
    expect(view).toMatchObject({ referenceNumber: 'Dnr 2026/14', signatoryName: 'Anna Andersson', contactPhone: '08-123 456 78' });
    const texts = ['recipient', 'subject', 'summary', 'evidence', 'consequences', 'triedLocally', 'interfaceRules', 'requestedAction'];
    const patched = await api.api('PATCH', `/api/letters/${letterId}`, { ...Object.fromEntries(texts.map((f) => [f, view[f]])), summary: 'Ny bakgrund.', version: view.version }, token);
    expect(patched.status).toBe(200);
    expect(await senderRow(letterId)).toMatchObject({ reference_number: 'Dnr 2026/14', signatory_name: 'Anna Andersson', contact_phone: '08-123 456 78' });
  });

  it('refuses an invalid e-mail, phone, name or reference with Swedish errors, keeps what was typed and stores nothing', async () => {
    const letterId = await startLetter();
    const before = await senderRow(letterId);
    const typed = { referenceNumber: 'Dnr #14', signatoryName: 'Anna 2', contactEmail: 'anna@', contactPhone: 'ring mig' };
    const refused = await client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, typed));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Skriv diarienumret med bokstäver, siffror och tecknen - / . : ( ), till exempel ”Dnr 2026/14”.');
    expect(refused.text).toContain('Skriv namnet på den som undertecknar med bokstäver, till exempel ”Anna Andersson”.');
    expect(refused.text).toContain('Skriv en giltig e-postadress för kontakt, till exempel namn@samordningsforbund.se.');
    expect(refused.text).toContain('Skriv telefonnumret med siffror, till exempel 08-123 456 78 eller +46 8 123 456 78.');
    for (const [name, value] of Object.entries(typed)) expect([name, inputValue(refused.text, name)]).toEqual([name, value]);
    expect(refused.text).toContain('href="#falt-text-contactEmail"');
    expect(await senderRow(letterId)).toEqual(before);

    // A personnummer is not a diarienummer.
    const personnummer = await client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { referenceNumber: '19850312-1231' }));
    expect(personnummer.status).toBe(400);
    expect(personnummer.text).toContain('Diarienumret liknar ett personnummer. Skriv ärendets diarienummer, inte en persons.');
    expect(inputValue(personnummer.text, 'referenceNumber')).toBe('19850312-1231');
    expect(await senderRow(letterId)).toEqual(before);
  });

  it('says every sender problem in one round: an invalid e-mail does not hide a personnummer in the phone field, nor personal data in the text', async () => {
    const letterId = await startLetter();
    const before = await senderRow(letterId);
    const typed = { contactEmail: 'anna@', contactPhone: '850101-1236' };
    const refused = await client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, typed));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Skriv en giltig e-postadress för kontakt, till exempel namn@samordningsforbund.se.');
    expect(refused.text).toContain('Telefonnumret för kontakt liknar ett personnummer. Skriv avsändarens telefonnummer, till exempel 08-123 456 78.');
    expect(refused.text).toContain('href="#falt-text-contactEmail"');
    expect(refused.text).toContain('href="#falt-text-contactPhone"');
    for (const [name, value] of Object.entries(typed)) expect([name, inputValue(refused.text, name)]).toEqual([name, value]);
    expect(await senderRow(letterId)).toEqual(before);

    // The form's rules pass, but the text names a person and the phone holds a personnummer: both at once, the text quoted.
    const summary = 'Bakgrund som Anna Svensson på kansliet har skrivit.';
    const both = await client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { summary, contactPhone: '850101-1236' }));
    expect(both.status).toBe(422);
    expect(both.text).toContain('Telefonnumret för kontakt liknar ett personnummer. Skriv avsändarens telefonnummer, till exempel 08-123 456 78.');
    expect(both.text).toContain('<mark>Anna Svensson</mark>');
    expect(inputValue(both.text, 'contactPhone')).toBe('850101-1236');
    expect(await senderRow(letterId)).toEqual(before);

    // The same with an invalid e-mail besides: all three.
    const three = await client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { summary, contactPhone: '850101-1236', contactEmail: 'anna@' }));
    expect(three.status).toBe(422);
    expect(three.text).toContain('Skriv en giltig e-postadress för kontakt');
    expect(three.text).toContain('Telefonnumret för kontakt liknar ett personnummer.');
    expect(three.text).toContain('<mark>Anna Svensson</mark>');
    expect(await senderRow(letterId)).toEqual(before);
  });

  it('a draft the barrier job made offers the analyst’s name in the editor, and a sender left out stays out', async () => {
    const { letterId } = await t.app.get(LetterService).upsertDraftForBarrier(await newBarrier());
    const id = letterId as string;
    expect(await senderRow(id)).toMatchObject({ signatory_name: null, signatory_title: null, contact_email: null });

    const editor = await client.get(`/skrivelser/${id}`);
    expect(inputValue(editor.text, 'signatoryName')).toBe('Anna Andersson');
    expect(inputValue(editor.text, 'signatoryTitle')).toBe('Verksamhetsutvecklare');
    expect(inputValue(editor.text, 'contactEmail')).toBe('anna.andersson@samordning.example.se');
    expect((await client.postForm(`/skrivelser/${id}`, await editorForm(id))).status).toBe(303);
    expect(await senderRow(id)).toMatchObject({ signatory_name: 'Anna Andersson', signatory_title: 'Verksamhetsutvecklare', contact_email: 'anna.andersson@samordning.example.se' });

    // Cleared on purpose: the letter is signed with the function again, and the editor does not fill it in anew.
    expect((await client.postForm(`/skrivelser/${id}`, await editorForm(id, { signatoryName: '', signatoryTitle: '', contactEmail: '' }))).status).toBe(303);
    expect(await senderRow(id)).toMatchObject({ signatory_name: '', signatory_title: '', contact_email: '' });
    expect(inputValue((await client.get(`/skrivelser/${id}`)).text, 'signatoryName')).toBe('');
    const paragraphs = await docxParagraphsOf(id);
    expect(paragraphs.slice(paragraphs.indexOf('Med vänlig hälsning'))).toEqual(['Med vänlig hälsning', 'Verksamhetsutvecklare, MIA', 'MIA – Mobilisering inför arbete']);
    expect(paragraphs.some((p) => p.startsWith('Diarienummer:'))).toBe(false);
  });

  it('a draft the barrier job made is printed, exported and sent signed as the editor shows it, though never saved', async () => {
    const { letterId } = await t.app.get(LetterService).upsertDraftForBarrier(await newBarrier());
    const id = letterId as string;
    const signed =
      '<p class="letter-signature-lines">Anna Andersson<br>Verksamhetsutvecklare<br>MIA – Mobilisering inför arbete<br>E-post: anna.andersson@samordning.example.se</p>';
    const signature = ['Med vänlig hälsning', 'Anna Andersson', 'Verksamhetsutvecklare', 'MIA – Mobilisering inför arbete', 'E-post: anna.andersson@samordning.example.se'];

    // Unsaved: the editor offers the analyst's own name, title and e-mail, and the print page and the DOCX sign with them.
    expect(inputValue((await client.get(`/skrivelser/${id}`)).text, 'signatoryName')).toBe('Anna Andersson');
    expect(await printPage(id)).toContain(signed);
    const draftParagraphs = await docxParagraphsOf(id);
    expect(draftParagraphs.slice(draftParagraphs.indexOf('Med vänlig hälsning'))).toEqual(signature);
    // Nothing is stored by looking.
    expect(await senderRow(id)).toMatchObject({ signatory_name: null, signatory_title: null, contact_email: null });

    // Granska and Markera skickad, never Spara utkast: the sender as offered is stored when it is reviewed, and leaves with it.
    const status = async (fields: Record<string, string>): Promise<void> => {
      const version = String((await senderRow(id)).version);
      expect((await client.postForm(`/skrivelser/${id}/status`, { version, ...fields })).status).toBe(303);
    };
    await client.get(`/skrivelser/${id}`);
    await status({ action: 'review' });
    expect(await senderRow(id)).toMatchObject({ signatory_name: 'Anna Andersson', signatory_title: 'Verksamhetsutvecklare', contact_email: 'anna.andersson@samordning.example.se' });
    await status({ action: 'send', sentOn: '2026-11-23', bekraftat: 'ja' });
    expect(await printPage(id)).toContain(signed);
    const sentParagraphs = await docxParagraphsOf(id);
    expect(sentParagraphs.slice(sentParagraphs.indexOf('Med vänlig hälsning'))).toEqual(signature);
    expect((await client.get(`/skrivelser/${id}`)).text).toContain('Avsändaren sparades som redigeraren föreslog den, från kontot.');

    // A sent letter is printed as it left, whoever looks at it: another analyst sees Anna's signature, not their own.
    const colleague = await createUser(t.app, 'analyst', { name: 'Bo Berg', email: 'bo.berg@samordning.example.se' });
    const other = new HttpClient(t.baseUrl);
    expect((await other.login(colleague.email, TEST_PASSWORD)).status).toBe(303);
    const theirs = await other.get(`/skrivelser/${id}/utskrift`);
    expect(theirs.text).toContain(signed);
    expect(theirs.text).not.toContain('Bo Berg');
  });

  it('the API’s review stores the offered sender too, and keeps one left out on purpose', async () => {
    const service = t.app.get(LetterService);
    const api = new HttpClient(t.baseUrl);
    const unsaved = (await service.upsertDraftForBarrier(await newBarrier())).letterId as string;
    expect((await api.api('POST', `/api/letters/${unsaved}/transitions`, { action: 'review' }, token)).status).toBe(201);
    expect(await senderRow(unsaved)).toMatchObject({ signatory_name: 'Anna Andersson', signatory_title: 'Verksamhetsutvecklare', contact_email: 'anna.andersson@samordning.example.se' });

    const leftOut = (await service.upsertDraftForBarrier(await newBarrier())).letterId as string;
    expect((await client.postForm(`/skrivelser/${leftOut}`, await editorForm(leftOut, { signatoryName: '', signatoryTitle: '', contactEmail: '' }))).status).toBe(303);
    expect((await api.api('POST', `/api/letters/${leftOut}/transitions`, { action: 'review' }, token)).status).toBe(201);
    expect(await senderRow(leftOut)).toMatchObject({ signatory_name: '', signatory_title: '', contact_email: '' });
    expect(await printPage(leftOut)).toContain('<p class="letter-signature-lines">Verksamhetsutvecklare, MIA<br>MIA – Mobilisering inför arbete</p>');
  });

  it('migration 1763900001700 goes down and up again, keeping the letters (in a transaction, rolled back)', async () => {
    const letterId = await startLetter();
    const columns = async (query: (sql: string) => Promise<unknown>): Promise<string[]> =>
      ((await query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'letter' AND column_name IN ('reference_number', 'signatory_name', 'signatory_title', 'contact_email', 'contact_phone') ORDER BY 1`,
      )) as Array<{ column_name: string }>).map((c) => c.column_name);
    const runner = db.createQueryRunner();
    await runner.startTransaction();
    try {
      const query = (sql: string): Promise<unknown> => runner.query(sql);
      const migration = new LetterSender1763900001700();
      await migration.down(runner);
      expect(await columns(query)).toEqual([]);
      expect(await runner.query(`SELECT count(*)::int AS n FROM letter WHERE id = $1`, [letterId])).toEqual([{ n: 1 }]);
      await migration.up(runner);
      expect(await columns(query)).toEqual(['contact_email', 'contact_phone', 'reference_number', 'signatory_name', 'signatory_title']);
      expect(await runner.query(`SELECT signatory_name FROM letter WHERE id = $1`, [letterId])).toEqual([{ signatory_name: null }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    expect((await senderRow(letterId)).signatory_name).toBe('Anna Andersson');
  });

  it('an account without a name offers no name, only the title and e-mail', async () => {
    const nameless = await createUser(t.app, 'analyst', { name: 'Utan Namn', email: 'utan.namn@samordning.example.se' });
    await db.query(`UPDATE app_user SET name = '' WHERE id = $1`, [nameless.id]);
    const other = new HttpClient(t.baseUrl);
    expect((await other.login(nameless.email, TEST_PASSWORD)).status).toBe(303);
    const barrierId = await newBarrier();
    await other.get('/skrivelser');
    const created = await other.postForm('/skrivelser', { barrierId });
    const letterId = /\/skrivelser\/([0-9a-f-]{36})/.exec(String(created.location))?.[1] as string;
    expect(await senderRow(letterId)).toMatchObject({ signatory_name: null, signatory_title: 'Verksamhetsutvecklare', contact_email: 'utan.namn@samordning.example.se' });
    expect((await other.get(`/skrivelser/${letterId}/utskrift`)).text).toContain(
      '<p class="letter-signature-lines">Verksamhetsutvecklare<br>MIA – Mobilisering inför arbete<br>E-post: utan.namn@samordning.example.se</p>',
    );
  });
});
