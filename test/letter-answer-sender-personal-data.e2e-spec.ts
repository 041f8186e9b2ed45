import { FixedClock } from '../src/common/clock/clock';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient } from './support/http-client';
import { LetterHarness } from './support/letter-harness';
import { captureOutput } from './support/output-capture';
import { markedFinding } from './support/pii-quote';
import { everythingStored } from './support/stored-text';

/** 1985-03-12 with a valid check digit; the samordningsnummer is the same date, day plus 60. */
const PERSONNUMMER = '850312-1231';
const SAMORDNINGSNUMMER = '850372-1238';
const PHONE = '070-987 65 43';
const EMAIL = 'fatima.warsame@example.com';

interface LetterRow {
  status: string;
  answer: string | null;
  version: number;
  signatory_title: string | null;
  contact_phone: string | null;
}

/**
 * The free text of a letter beyond its body: the recipient's answer the analyst records, and the sender's fields
 * (diarienummer, signatory, title, contact e-mail and phone). The answer is refused for a participant's personal data
 * as the body is, and warned of for special-category words before it is registered (it cannot change after); the
 * sender's fields take the analyst's own contact but never an identity number. Over HTTP on a real Postgres.
 */
describe('a letter’s answer and sender fields are checked for personal data as its text is', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let h: LetterHarness;
  let barrierSequence = 0;

  const row = async (letterId: string): Promise<LetterRow> =>
    ((await h.db.query(`SELECT status, answer, version, signatory_title, contact_phone FROM letter WHERE id = $1`, [letterId])) as LetterRow[])[0];

  const editor = async (letterId: string): Promise<string> => {
    const page = await h.client.get(`/skrivelser/${letterId}`);
    expect(page.status).toBe(200);
    return page.text;
  };

  /** The editor's text form as a browser posts it, with some fields changed (the client adds the CSRF token). */
  const editorForm = async (letterId: string, changes: Record<string, string> = {}): Promise<Record<string, string>> => {
    const fields = Object.fromEntries(Object.entries(formFieldsOf(await editor(letterId), `/skrivelser/${letterId}`)).map(([name, values]) => [name, values[0]]));
    const { _csrf: _token, ...rest } = fields;
    return { ...rest, ...changes };
  };

  /** The answer form as shown on the page, as the browser would post it again (no CSRF token). */
  const answerForm = (html: string, letterId: string): Record<string, string> => {
    const { _csrf: _token, ...rest } = formFieldsOf(html, `/skrivelser/${letterId}/status`);
    return Object.fromEntries(Object.entries(rest).map(([name, values]) => [name, values[0]]));
  };

  /** The value an input of the text form shows. */
  const inputValue = (html: string, name: string): string | undefined => new RegExp(`<input id="falt-text-${name}" name="${name}"[^>]* value="([^"]*)"`).exec(html)?.[1];

  /** A draft for a new escalated barrier with three reports, started on /skrivelser. */
  async function startLetter(): Promise<string> {
    barrierSequence += 1;
    const barrierId = await insertEscalatedBarrier(h.db, `Krav på inskrivning för bistånd ${barrierSequence}`, ['KOMMUN', 'AF'], clock.now());
    for (const [i, kommun] of ['Haninge', 'Botkyrka', 'Täby'].entries()) {
      await addBarrierMember(h.db, barrierId, { kommun, occurredOn: `2026-0${i + 3}-10`, reporterEmail: `rapportor.svar.${barrierSequence}.${i}@kommun.example.org` });
    }
    return h.startLetter(barrierId);
  }

  /** Reviewed and marked as sent with the page's buttons: a letter waiting for its answer. */
  async function sentLetter(): Promise<string> {
    const letterId = await startLetter();
    await editor(letterId);
    expect((await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String((await row(letterId)).version), action: 'review' })).status).toBe(303);
    await editor(letterId);
    const sent = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String((await row(letterId)).version), action: 'send', sentOn: '2026-11-23', bekraftat: 'ja' });
    expect(sent.status).toBe(303);
    expect((await row(letterId)).status).toBe('skickad');
    return letterId;
  }

  beforeAll(async () => {
    // A signatory name the editor accepts as it is offered.
    h = await LetterHarness.start(clock, { analyst: { name: 'Anna Andersson', email: 'anna.andersson@samordning.example.se' } });
  });
  afterAll(() => h.close());

  it('refuses a personnummer, samordningsnummer, phone number or e-mail address in the answer with a Swedish 422 that quotes it, keeps what was typed and stores it nowhere', async () => {
    const letterId = await sentLetter();
    const before = await row(letterId);
    const cases: Array<[string, string, string]> = [
      [PERSONNUMMER, 'ett personnummer', `Ärendet för ${PERSONNUMMER} tas upp i februari.`],
      [SAMORDNINGSNUMMER, 'ett samordningsnummer', `Ärendet för ${SAMORDNINGSNUMMER} tas upp i februari.`],
      [PHONE, 'ett telefonnummer', `Deltagaren kan ringa ${PHONE} i februari.`],
      [EMAIL, 'en e-postadress', `Deltagaren kan skriva till ${EMAIL} i februari.`],
    ];
    const output = captureOutput();
    try {
      for (const [found, kind, answer] of cases) {
        await editor(letterId);
        const refused = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String(before.version), action: 'answer', answer });
        expect([found, refused.status]).toEqual([found, 422]);
        expect(refused.text).toContain(`Svaret innehåller något som liknar ${kind}:`);
        expect(refused.text).toContain(`<q class="pii-quote">${answer.replace(found, markedFinding(found))}</q>`);
        // What the analyst typed is in the answer form again, and the button that takes the finding out is offered.
        expect(answerForm(refused.text, letterId)).toMatchObject({ action: 'answer', answer });
        expect(refused.text).toContain('form="svarformular" name="_personuppgifter" value="ta-bort"');

        // The API refuses it too, with positions and never the text.
        const api = await new HttpClient(h.t.baseUrl).api('POST', `/api/letters/${letterId}/transitions`, { action: 'answer', answer }, h.token);
        expect(api.status).toBe(422);
        expect(api.json<{ error: { code: string } }>().error.code).toBe('personal_data_found');
        expect(api.text).not.toContain(found);
      }
    } finally {
      output.restore();
    }
    expect(await row(letterId)).toEqual(before);
    const stored = await everythingStored(h.db);
    for (const [found] of cases) expect([found, stored.includes(found)]).toEqual([found, false]);
    for (const [found] of cases) expect([found, output.logged.join('').includes(found)]).toEqual([found, false]);
  });

  it('warns of special-category words in the answer before it is registered, keeps the text, and registers it on the next press', async () => {
    const letterId = await sentLetter();
    const answer = 'Rådet delar bilden att deltagare med psykisk ohälsa faller mellan stolarna och tar upp frågan i februari.';
    await editor(letterId);
    const warned = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String((await row(letterId)).version), action: 'answer', answer });
    // A warning, not an error: nothing is registered yet, and the answer is in the form as typed.
    expect(warned.status).toBe(200);
    expect((await row(letterId)).status).toBe('skickad');
    expect((await row(letterId)).answer).toBeNull();
    const block = /<div class="notice-warning sensitive-text" id="kansliga-i-svaret">([\s\S]*?)<\/div>/.exec(warned.text)?.[1] ?? '';
    expect(block.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim()).toBe(
      'Svaret är inte registrerat än. Det nämner hälsouppgifter (”psykisk ohälsa”). Kontrollera att ingen deltagare kan pekas ut. Allmänna ordalag om deltagarna som grupp går bra. ' +
        'Ett registrerat svar kan inte ändras: läs svaret igen och tryck sedan på ”Registrera svar”.',
    );
    // At the top of the page, as the letter's own warning, and said again at the button, tied to it.
    expect(warned.text.indexOf('id="kansliga-i-svaret"')).toBeLessThan(warned.text.indexOf('id="rubrik-status"'));
    expect(warned.text).toContain('<a href="#falt-status-answer">läs svaret igen</a>');
    expect(warned.text).toContain('aria-describedby="kansliga-svara">Registrera svar</button>');
    const again = answerForm(warned.text, letterId);
    expect(again).toMatchObject({ action: 'answer', answer, svaretKontrollerat: '”psykisk ohälsa”' });

    // Changed after the warning to name another such word: warned again, with both, and still nothing registered.
    const changed = `${answer} Rådet nämner också depression.`;
    const warnedAgain = await h.client.postForm(`/skrivelser/${letterId}/status`, { ...again, answer: changed });
    expect(warnedAgain.status).toBe(200);
    expect(warnedAgain.text).toContain('<strong>Svaret är inte registrerat än. Det nämner hälsouppgifter</strong> (”psykisk ohälsa” och ”depression”)');
    expect((await row(letterId)).answer).toBeNull();
    const confirmed = answerForm(warnedAgain.text, letterId);
    expect(confirmed).toMatchObject({ answer: changed, svaretKontrollerat: '”psykisk ohälsa” och ”depression”' });

    const registered = await h.client.postForm(`/skrivelser/${letterId}/status`, confirmed);
    expect(registered.status).toBe(303);
    expect(await row(letterId)).toMatchObject({ status: 'besvarad', answer: changed });
    // Answered, the page no longer warns: the answer cannot change.
    expect(await editor(letterId)).not.toContain('id="kansliga-i-svaret"');
  });

  it('an answer with both personal data and such words is refused and warned of in one round; without the words it registers at once', async () => {
    const letterId = await sentLetter();
    const answer = `Rådet har talat med ${PERSONNUMMER} om hennes depression.`;
    await editor(letterId);
    const refused = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String((await row(letterId)).version), action: 'answer', answer });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain(`<q class="pii-quote">Rådet har talat med ${markedFinding(PERSONNUMMER)} om hennes depression.</q>`);
    expect(refused.text).toContain('<strong>Svaret är inte registrerat än. Det nämner hälsouppgifter</strong> (”depression”)');
    expect((await row(letterId)).status).toBe('skickad');

    const plain = await sentLetter();
    await editor(plain);
    const registered = await h.client.postForm(`/skrivelser/${plain}/status`, { version: String((await row(plain)).version), action: 'answer', answer: 'Rådet återkommer i februari.' });
    expect(registered.status).toBe(303);
    expect((await row(plain)).status).toBe('besvarad');
  });

  it('takes the analyst’s own name, title, e-mail and phone as the sender, also a phone written as ten digits', async () => {
    const letterId = await startLetter();
    const sender = { signatoryName: 'Anna Andersson', signatoryTitle: 'Verksamhetsutvecklare, MIA Vidare', contactEmail: 'anna.andersson@samordning.example.se', contactPhone: '0811234566' };
    const saved = await h.client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, { ...sender, referenceNumber: 'Dnr 2026/14' }));
    expect(saved.status).toBe(303);
    expect(await row(letterId)).toMatchObject({ signatory_title: sender.signatoryTitle, contact_phone: sender.contactPhone });
  });

  it('refuses a personnummer in the title or the phone with a Swedish error at the field, keeps what was typed and stores it nowhere; the API as well', async () => {
    const letterId = await startLetter();
    const before = await row(letterId);
    const typed = { signatoryTitle: `Handläggare för 19${PERSONNUMMER}`, contactPhone: SAMORDNINGSNUMMER };
    const refused = await h.client.postForm(`/skrivelser/${letterId}`, await editorForm(letterId, typed));
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Undertecknarens titel innehåller något som liknar ett personnummer. Skriv bara titeln, till exempel ”Verksamhetsutvecklare”.');
    expect(refused.text).toContain('Telefonnumret för kontakt liknar ett samordningsnummer. Skriv avsändarens telefonnummer, till exempel 08-123 456 78.');
    expect(refused.text).toContain('href="#falt-text-signatoryTitle"');
    expect(inputValue(refused.text, 'signatoryTitle')).toBe(typed.signatoryTitle);
    expect(inputValue(refused.text, 'contactPhone')).toBe(typed.contactPhone);

    const view = (await h.client.api('GET', `/api/letters/${letterId}`, undefined, h.token)).json<Record<string, unknown>>();
    const texts = ['recipient', 'subject', 'summary', 'evidence', 'consequences', 'triedLocally', 'interfaceRules', 'requestedAction'];
    const patched = await h.client.api('PATCH', `/api/letters/${letterId}`, { ...Object.fromEntries(texts.map((f) => [f, view[f]])), signatoryTitle: typed.signatoryTitle, version: view.version }, h.token);
    expect(patched.status).toBe(400);
    expect(patched.json<{ error: { code: string; fields: Array<{ field: string }> } }>().error).toMatchObject({ code: 'validation_failed', fields: [{ field: 'signatoryTitle' }] });
    expect(patched.text).not.toContain(PERSONNUMMER);

    expect(await row(letterId)).toEqual(before);
    const stored = await everythingStored(h.db);
    expect(stored).not.toContain(PERSONNUMMER);
    expect(stored).not.toContain(SAMORDNINGSNUMMER);
  });

  it('a title saved with a personnummer before the check is refused at review and at send, with the error at the field', async () => {
    const letterId = await startLetter();
    await h.db.query(`UPDATE letter SET signatory_title = $2 WHERE id = $1`, [letterId, `Handläggare ${PERSONNUMMER}`]);
    const page = await editor(letterId);
    const review = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String((await row(letterId)).version), action: 'review' });
    expect(review.status).toBe(400);
    expect(review.text).toContain('Skrivelsen är inte granskad: avsändaruppgifterna innehåller något som liknar ett personnummer.');
    expect(review.text).toContain('Undertecknarens titel innehåller något som liknar ett personnummer.');
    expect(review.text).toContain('href="#falt-text-signatoryTitle"');
    expect((await row(letterId)).status).toBe('utkast');
    expect(page).toContain('id="textformular"');

    // Reviewed with a clean title, then the stored title changed under it: the send is refused, and no one is mailed.
    await h.db.query(`UPDATE letter SET signatory_title = 'Verksamhetsutvecklare' WHERE id = $1`, [letterId]);
    await editor(letterId);
    expect((await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String((await row(letterId)).version), action: 'review' })).status).toBe(303);
    await h.db.query(`UPDATE letter SET signatory_title = $2 WHERE id = $1`, [letterId, `Handläggare ${PERSONNUMMER}`]);
    const mailsBefore = ((await h.db.query(`SELECT count(*)::int AS n FROM mail_outbox`)) as Array<{ n: number }>)[0].n;
    await editor(letterId);
    const send = await h.client.postForm(`/skrivelser/${letterId}/status`, { version: String((await row(letterId)).version), action: 'send', sentOn: '2026-11-23', bekraftat: 'ja' });
    expect(send.status).toBe(400);
    expect(send.text).toContain('Skrivelsen är inte markerad som skickad och ingen har fått e-post: avsändaruppgifterna innehåller något som liknar ett personnummer.');
    expect(send.text).toContain('Undertecknarens titel innehåller något som liknar ett personnummer.');
    expect((await row(letterId)).status).toBe('granskad');
    expect(((await h.db.query(`SELECT count(*)::int AS n FROM mail_outbox`)) as Array<{ n: number }>)[0].n).toBe(mailsBefore);
  });
});
