import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { ThesaurusService } from '../src/modules/barrier/thesaurus.service';
import { LetterService } from '../src/modules/letter/letter.service';
import { User } from '../src/modules/user/user.entity';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { formFieldsOf } from './support/form-fields';
import { HttpClient, HttpResult } from './support/http-client';
import { containsTrace, markedFinding, PARTICIPANT, PARTICIPANT_TRACES, summaryOf } from './support/pii-quote';
import { TestApp } from './support/test-app';
import { everythingStored } from './support/stored-text';
import { startAppWithCapturedLog } from './support/output-capture';

/**
 * The analyst's forms refuse personal data as the reporters' do: the page quotes a few words around each
 * finding (no character positions), stores nothing, and "Ta bort personuppgifterna åt mig" shows the same
 * form again with placeholders and every other field kept. The barrier's name, split and local fix, the
 * thesaurus, and the letter's Granska and Markera skickad, which check the stored letter.
 */

const { PERSONNUMMER, PHONE, NAME, EMAIL } = PARTICIPANT;
const FOUND = PARTICIPANT_TRACES;

/** A refusal as the writer must meet it: quoted and marked, never by character position. */
function expectQuoted(result: HttpResult, quote: string, formId: string): void {
  expect(result.status).toBe(422);
  expect(result.headers.get('cache-control')).toBe('no-store');
  expect(result.text).not.toMatch(/tecken \d/);
  const summary = summaryOf(result.text);
  expect(summary).toContain('role="alert"');
  expect(summary).toContain(`<q class="pii-quote">${quote}</q>`);
  expect(summary).toContain(`<button type="submit" form="${formId}" name="_personuppgifter" value="ta-bort" class="button secondary" formnovalidate`);
  expect(result.text).toContain(`id="${formId}"`);
}

describe('personal data on the analyst’s forms: quoted, nothing stored, and a button that takes it out', () => {
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let analyst: User;
  let client: HttpClient;
  let logged: string[] = [];
  let restore: (() => Promise<void>) | undefined;

  const db = (): DataSource => t.app.get(DataSource);

  beforeAll(async () => {
    ({ t, logged, restore } = await startAppWithCapturedLog({ clock }));
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksam' });
    client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
  });
  afterAll(async () => {
    await restore?.();
  });

  /** Not in the database and not in the log. */
  const expectNowhereButTheResponse = async (): Promise<void> => {
    const stored = await everythingStored(db());
    const log = logged.join('');
    for (const found of FOUND) {
      expect({ found, stored: containsTrace(stored, found), logged: containsTrace(log, found) }).toEqual({ found, stored: false, logged: false });
    }
  };

  /** A barrier with two reports, in two delprojekt. */
  const barrierWithMembers = async (name: string): Promise<{ barrierId: string; memberIds: string[] }> => {
    const barrierId = await insertEscalatedBarrier(db(), name, ['KOMMUN', 'AF'], clock.now());
    const memberIds: string[] = [];
    for (const kommun of ['Haninge', 'Botkyrka']) {
      memberIds.push((await addBarrierMember(db(), barrierId, { kommun, occurredOn: '2026-10-01', reporterEmail: 'rapportor@mia-example.se' })).id);
    }
    return { barrierId, memberIds };
  };

  it('the barrier’s name: quoted at the field and in the summary, nothing saved, and the button gives the name back with a placeholder', async () => {
    const { barrierId } = await barrierWithMembers('Krav på inskrivning');
    await client.get(`/hinder/${barrierId}`);
    const name = `Krav på inskrivning, ring ${PHONE} om det`;
    const refused = await client.postForm(`/hinder/${barrierId}/namn`, { name });
    expectQuoted(refused, `Krav på inskrivning, ring ${markedFinding(PHONE)} om det`, 'namnformular');
    expect(summaryOf(refused.text)).toContain('<a href="#falt-namn-name">Namnet innehåller något som liknar ett telefonnummer:</a>');
    // At the field too, inside the element the input is described by.
    const fieldError = /<div class="error-message" id="fel-namn-name">[\s\S]*?<\/div>/.exec(refused.text)?.[0] ?? '';
    expect(fieldError).toContain(markedFinding(PHONE));
    expect(refused.text).toMatch(/<input id="falt-namn-name"[^>]*aria-describedby="hjalp-namn-name fel-namn-name antal-namn-name"/);
    expect((await db().query('SELECT name FROM barrier WHERE id = $1', [barrierId]))[0].name).toBe('Krav på inskrivning');

    const removed = await client.postForm(`/hinder/${barrierId}/namn`, { name, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('Det som liknade personuppgifter i namnet är utbytt');
    expect(removed.text).toContain('tryck sedan på ”Spara namnet”');
    const { _csrf: token, ...again } = formFieldsOf(removed.text, `/hinder/${barrierId}/namn`);
    expect(again).toEqual({ name: ['Krav på inskrivning, ring [telefonnummer borttaget] om det'] });
    expect((await db().query('SELECT name FROM barrier WHERE id = $1', [barrierId]))[0].name).toBe('Krav på inskrivning');
    expect((await client.postForm(`/hinder/${barrierId}/namn`, again, { csrf: token[0] })).status).toBe(303);
    expect((await db().query('SELECT name FROM barrier WHERE id = $1', [barrierId]))[0].name).toBe(again.name[0]);

    // The API keeps its answer: the kind of problem, no quote.
    const api = await new HttpClient(t.baseUrl).api('PATCH', `/api/barriers/${barrierId}`, { name }, await createApiToken(t.app, analyst));
    expect(api.status).toBe(422);
    expect(api.json<{ error: { code: string } }>().error.code).toBe('personal_data_found');
    for (const text of [PHONE, '<mark>', 'pii-quote']) expect(api.text).not.toContain(text);
    await expectNowhereButTheResponse();
  });

  it('the split: the new barrier’s name is quoted, nothing split, and the button keeps the chosen reports', async () => {
    const { barrierId, memberIds } = await barrierWithMembers('Krav på inskrivning inför delning');
    await client.get(`/hinder/${barrierId}`);
    const name = `Gäller ${NAME} och andra`;
    const refused = await client.postForm(`/hinder/${barrierId}/dela`, { deviationIds: [memberIds[0]], name });
    expectQuoted(refused, `Gäller ${markedFinding(NAME)} och andra`, 'dela-form');
    expect((await db().query('SELECT count(*)::int AS n FROM barrier'))[0].n).toBe(2);

    const removed = await client.postForm(`/hinder/${barrierId}/dela`, { deviationIds: [memberIds[0]], name, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('tryck sedan på ”Dela av markerade rapporter”');
    expect(removed.text).toContain('value="Gäller [namn borttaget] och andra"');
    // The chosen report is still chosen, the other is not.
    expect(removed.text).toMatch(new RegExp(`name="deviationIds" value="${memberIds[0]}"[^>]* checked`));
    expect(removed.text).not.toMatch(new RegExp(`name="deviationIds" value="${memberIds[1]}"[^>]* checked`));
    expect((await db().query('SELECT count(*)::int AS n FROM barrier_member WHERE barrier_id = $1', [barrierId]))[0].n).toBe(2);
    await expectNowhereButTheResponse();
  });

  it('the local fix: quoted (also a name across a line break, as the check reads it), nothing saved, and the button keeps the date', async () => {
    const { barrierId } = await barrierWithMembers('Krav på inskrivning med lokal åtgärd');
    await client.get(`/hinder/${barrierId}`);
    const note = `Ny rutin efter samtal med ${PERSONNUMMER}s handläggare i Haninge`;
    const refused = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: '2026-05-10', note });
    expectQuoted(refused, `…rutin efter samtal med ${markedFinding(PERSONNUMMER)}s handläggare i Haninge`, 'lokalformular');
    expect(summaryOf(refused.text)).toContain('Beskrivningen innehåller något som liknar ett personnummer:');
    expect(refused.text).toContain('value="2026-05-10"');

    // The check reads line breaks as spaces; the quote does too, rather than falling back to a bare message.
    const split = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: '2026-05-10', note: `Pratade med ${NAME.replace(' ', '\n')} om rutinen` });
    expectQuoted(split, `Pratade med ${markedFinding(NAME)} om rutinen`, 'lokalformular');
    expect((await db().query('SELECT local_fix_at, local_fix_note FROM barrier WHERE id = $1', [barrierId]))[0]).toEqual({ local_fix_at: null, local_fix_note: null });

    const removed = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: '2026-05-10', note, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('Det som liknade personuppgifter i beskrivningen är utbytt');
    expect(removed.text).toContain('tryck sedan på ”Spara den lokala åtgärden”');
    const { _csrf: token, ...again } = formFieldsOf(removed.text, `/hinder/${barrierId}/lokal-atgard`);
    expect(again).toEqual({ date: ['2026-05-10'], note: ['Ny rutin efter samtal med [personnummer borttaget]s handläggare i Haninge'] });
    expect((await db().query('SELECT local_fix_note FROM barrier WHERE id = $1', [barrierId]))[0].local_fix_note).toBeNull();
    expect((await client.postForm(`/hinder/${barrierId}/lokal-atgard`, again, { csrf: token[0] })).status).toBe(303);
    expect((await db().query('SELECT local_fix_note FROM barrier WHERE id = $1', [barrierId]))[0].local_fix_note).toBe(again.note[0]);
    await expectNowhereButTheResponse();
  });

  const thesaurusLines = async (): Promise<string[]> => ((await db().query('SELECT line FROM thesaurus_entry ORDER BY created_at')) as Array<{ line: string }>).map((r) => r.line);

  it('the thesaurus: the line is quoted, nothing added, and the button takes the variant out of the line, no placeholder put in', async () => {
    await client.get('/hinder/tesaurus');
    const line = `sjukpenning [FK]: sjukpenningen, ${EMAIL}, SGI`;
    const refused = await client.postForm('/hinder/tesaurus', { line });
    expectQuoted(refused, `sjukpenning [FK]: sjukpenningen, ${markedFinding(EMAIL)}, SGI`, 'tesaurusformular');
    expect(summaryOf(refused.text)).toContain('Raden innehåller något som liknar en e-postadress:');
    expect(summaryOf(refused.text)).toContain('Vill du att vi tar bort varianterna med det markerade ur raden? Ingen platshållare läggs in');
    expect(await thesaurusLines()).toEqual([]);

    const removed = await client.postForm('/hinder/tesaurus', { line, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('<h2>Varianten med personuppgifter är borttagen ur raden</h2>');
    expect(removed.text).toContain('tryck sedan på ”Lägg till”');
    const { _csrf: token, ...again } = formFieldsOf(removed.text, '/hinder/tesaurus');
    // The commas tidied: no empty variant, and no "[e-postadress borttagen]" for the engine to learn as a word.
    expect(again).toEqual({ line: ['sjukpenning [FK]: sjukpenningen, SGI'] });
    expect(removed.text).not.toContain('borttagen]');
    expect(await thesaurusLines()).toEqual([]);
    expect((await client.postForm('/hinder/tesaurus', again, { csrf: token[0] })).status).toBe(303);
    expect(await thesaurusLines()).toEqual(['sjukpenning [FK]: sjukpenningen, SGI']);
    await expectNowhereButTheResponse();
  });

  it('the thesaurus: several variants and "=" phrases come out whole; a line with none left says so', async () => {
    await client.get('/hinder/tesaurus');
    const removed = await client.postForm('/hinder/tesaurus', { line: `=  fixat,${PHONE} , löstes direkt, ring ${PERSONNUMMER}`, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('<h2>2 varianter med personuppgifter är borttagna ur raden</h2>');
    expect(formFieldsOf(removed.text, '/hinder/tesaurus').line).toEqual(['= fixat, löstes direkt']);

    const nothingLeft = await client.postForm('/hinder/tesaurus', { line: `handläggare [AF]: ${EMAIL}`, _personuppgifter: 'ta-bort' });
    expect(nothingLeft.status).toBe(200);
    expect(nothingLeft.text).toContain('Raden har ingen variant kvar: skriv minst en och tryck sedan på ”Lägg till”.');
    expect(formFieldsOf(nothingLeft.text, '/hinder/tesaurus').line).toEqual(['handläggare [AF]:']);
    expect(await thesaurusLines()).toEqual(['sjukpenning [FK]: sjukpenningen, SGI']);
    await expectNowhereButTheResponse();
  });

  it('the thesaurus: personal data in the concept’s name is no variant, so the button is not offered and the line is kept', async () => {
    await client.get('/hinder/tesaurus');
    const line = `${EMAIL} [FK]: handläggaren, handläggare`;
    const refused = await client.postForm('/hinder/tesaurus', { line });
    expect(refused.status).toBe(422);
    const summary = summaryOf(refused.text);
    expect(summary).toContain('står i begreppet, före kolonet. Det är ingen variant som kan tas bort: skriv om begreppet utan personuppgifter.');
    expect(summary).toContain(`<q class="pii-quote">${markedFinding(EMAIL)} [FK]: handläggaren, handläggare</q>`);
    expect(summary).not.toContain('_personuppgifter');
    // Posted with the button anyway (an older page): the same answer, the line as it was.
    const pressed = await client.postForm('/hinder/tesaurus', { line, _personuppgifter: 'ta-bort' });
    expect(pressed.status).toBe(422);
    expect(summaryOf(pressed.text)).toContain('står i begreppet, före kolonet.');
    expect(pressed.text).not.toContain('personuppgifter-borttagna');
    expect(await thesaurusLines()).toEqual(['sjukpenning [FK]: sjukpenningen, SGI']);
    await expectNowhereButTheResponse();
  });

  it('the thesaurus refuses a placeholder as a variant, on the page and in the API, and keeps the line to correct', async () => {
    await client.get('/hinder/tesaurus');
    for (const [line, placeholder] of [
      ['intyg [FK]: läkarintyget, [e-postadress borttagen]', '[e-postadress borttagen]'],
      // On a "=" line it would call every report with a masked name settled locally.
      ['= fixat, [namn borttaget]', '[namn borttaget]'],
    ]) {
      const refused = await client.postForm('/hinder/tesaurus', { line });
      expect(refused.status).toBe(400);
      expect(summaryOf(refused.text)).toContain(`Raden innehåller platshållaren ”${placeholder}”. Den står för en borttagen uppgift och är inget ord att känna igen i rapporterna: ta bort den ur raden.`);
      expect(formFieldsOf(refused.text, '/hinder/tesaurus').line).toEqual([line]);
    }
    const api = await new HttpClient(t.baseUrl).api('POST', '/api/thesaurus', { line: 'intyg [FK]: läkarintyget, [telefonnummer borttaget]' }, await createApiToken(t.app, analyst));
    expect(api.status).toBe(400);
    expect(api.json<{ error: { code: string } }>().error.code).toBe('thesaurus_placeholder');
    expect(await thesaurusLines()).toEqual(['sjukpenning [FK]: sjukpenningen, SGI']);
  });

  it('a line saved with a placeholder before they were refused: the engine leaves the placeholder out, and the page says so', async () => {
    const legacy = ['= fixat på plats, [namn borttaget]', 'intyg [FK]: läkarintyget, [e-postadress borttagen]'];
    for (const line of legacy) {
      await db().query(`INSERT INTO thesaurus_entry (line, canonical, created_by_id) VALUES ($1, $2, $3)`, [line, line.split(':')[0].trim(), analyst.id]);
    }
    try {
      const settled = await t.app.get(ThesaurusService).settledLocallyCheck();
      // The rest of the line still counts; the placeholder no longer calls a report with a masked name settled locally.
      expect(settled('Det var fixat på plats samma dag.')).toBe(true);
      expect(settled('Handläggaren [namn borttaget] svarar inte, deltagaren står utan ersättning.')).toBe(false);
      const page = await client.get('/hinder/tesaurus');
      expect(page.status).toBe(200);
      const notes = [...page.text.matchAll(/<p class="notice-warning thesaurus-placeholder">([^<]*)<\/p>/g)].map((m) => m[1]);
      expect(notes).toEqual([
        'Det som står med platshållaren ”[namn borttaget]” används inte i analysen: platshållaren står för en borttagen uppgift. Ta bort raden och lägg till den igen med bara ord och uttryck.',
        'Det som står med platshållaren ”[e-postadress borttagen]” används inte i analysen: platshållaren står för en borttagen uppgift. Ta bort raden och lägg till den igen med bara ord och uttryck.',
      ]);
    } finally {
      await db().query(`DELETE FROM thesaurus_entry WHERE line = ANY($1)`, [legacy]);
    }
  });

  /** A draft letter about a barrier of three reports, with `text` put straight into its stored "Vad som har prövats lokalt". */
  let letters = 0;
  const letterWith = async (text: string): Promise<string> => {
    letters += 1;
    const { barrierId } = await barrierWithMembers(`Krav på inskrivning inför skrivelse ${letters}`);
    await addBarrierMember(db(), barrierId, { kommun: 'Järfälla', occurredOn: '2026-10-02', reporterEmail: 'rapportor@mia-example.se' });
    const letterId = (await t.app.get(LetterService).upsertDraftForBarrier(barrierId)).letterId as string;
    // As a refresh of the generated text could leave it: the form itself would refuse to save it.
    await db().query('UPDATE letter SET tried_locally = $2 WHERE id = $1', [letterId, text]);
    return letterId;
  };
  const letterRow = async (letterId: string): Promise<{ status: string; tried_locally: string; version: number }> =>
    (await db().query('SELECT status, tried_locally, version FROM letter WHERE id = $1', [letterId]))[0];

  it('Granska: the stored text is quoted at its field, nothing is reviewed, and the text form’s button and Spara lead to a letter that can be reviewed', async () => {
    const tried = `Haninge ringde ${NAME} på ${PHONE} och fick inget svar.`;
    const letterId = await letterWith(tried);
    const page = await client.get(`/skrivelser/${letterId}`);
    const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
    const refused = await client.postForm(`/skrivelser/${letterId}/status`, { version, action: 'review' });
    expectQuoted(refused, `Haninge ringde ${markedFinding(NAME)} på ${markedFinding(PHONE)} och fick inget svar.`, 'textformular');
    expect(summaryOf(refused.text)).toContain('Skrivelsen är inte granskad');
    expect(summaryOf(refused.text)).toContain('<a href="#falt-text-triedLocally">Det som prövats lokalt innehåller något som liknar ett namn och ett telefonnummer:</a>');
    expect(refused.text).toMatch(/<div class="error-message" id="fel-text-triedLocally">[\s\S]*?<mark>Fatima Warsame<\/mark>/);
    expect((await letterRow(letterId)).status).toBe('utkast');

    // The button posts the text form as the page shows it.
    const { _csrf: pageToken, ...fields } = formFieldsOf(refused.text, `/skrivelser/${letterId}`);
    expect(pageToken).toHaveLength(1);
    expect(fields.triedLocally).toEqual([tried]);
    const removed = await client.postForm(`/skrivelser/${letterId}`, { ...fields, _personuppgifter: 'ta-bort' });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('tryck sedan på ”Spara utkast”');
    const { _csrf: token, ...again } = formFieldsOf(removed.text, `/skrivelser/${letterId}`);
    expect(again).toEqual({ ...fields, triedLocally: ['Haninge ringde [namn borttaget] på [telefonnummer borttaget] och fick inget svar.'] });
    expect(await letterRow(letterId)).toMatchObject({ status: 'utkast', tried_locally: tried });
    expect((await client.postForm(`/skrivelser/${letterId}`, again, { csrf: token[0] })).status).toBe(303);
    const saved = await letterRow(letterId);
    expect(saved.tried_locally).toBe(again.triedLocally[0]);
    expect((await client.postForm(`/skrivelser/${letterId}/status`, { version: String(saved.version), action: 'review' })).status).toBe(303);
    expect((await letterRow(letterId)).status).toBe('granskad');
    await expectNowhereButTheResponse();
  });

  it('Markera skickad: the stored text is quoted, nothing sent or mailed, and the button takes the letter back to a draft with placeholders, saved only on Spara', async () => {
    const tried = `Botkyrka mejlade ${EMAIL} utan svar.`;
    const letterId = await letterWith(tried);
    await db().query(`UPDATE letter SET status = 'granskad', reviewed_at = $2 WHERE id = $1`, [letterId, clock.now()]);
    const page = await client.get(`/skrivelser/${letterId}`);
    const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? '';
    const refused = await client.postForm(`/skrivelser/${letterId}/status`, { version, action: 'send', sentOn: '2026-11-23', bekraftat: 'ja' });
    expectQuoted(refused, `Botkyrka mejlade ${markedFinding(EMAIL)} utan svar.`, 'utkastformular');
    const summary = summaryOf(refused.text);
    expect(summary).toContain('Skrivelsen är inte markerad som skickad och ingen har fått e-post');
    // The reviewed letter shows no fields to link to: the message stands as text.
    expect(summary).toContain('<li>Det som prövats lokalt innehåller något som liknar en e-postadress:<ul class="pii-quotes">');
    expect(await letterRow(letterId)).toMatchObject({ status: 'granskad', tried_locally: tried });
    expect((await db().query(`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'letter-sent'`))[0].n).toBe(0);

    // The button posts the small form beside the summary: back to a draft, the text with placeholders.
    const { _csrf: token, ...reopen } = formFieldsOf(refused.text, `/skrivelser/${letterId}/status`);
    expect(reopen).toEqual({ version: [version], action: ['reopen'] });
    const removed = await client.postForm(`/skrivelser/${letterId}/status`, { ...reopen, _personuppgifter: 'ta-bort' }, { csrf: token[0] });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('Skrivelsen är tillbaka som utkast och kan ändras.');
    expect(removed.text).toContain('tryck sedan på ”Spara utkast”');
    const { _csrf: saveToken, ...again } = formFieldsOf(removed.text, `/skrivelser/${letterId}`);
    expect(again.triedLocally).toEqual(['Botkyrka mejlade [e-postadress borttagen] utan svar.']);
    expect(await letterRow(letterId)).toMatchObject({ status: 'utkast', tried_locally: tried });
    expect((await client.postForm(`/skrivelser/${letterId}`, again, { csrf: saveToken[0] })).status).toBe(303);
    expect((await letterRow(letterId)).tried_locally).toBe(again.triedLocally[0]);
    expect((await db().query(`SELECT kind FROM letter_event WHERE letter_id = $1 ORDER BY created_at, id`, [letterId])).map((r: { kind: string }) => r.kind)).toContain('reopened');
    await expectNowhereButTheResponse();
  });
});
