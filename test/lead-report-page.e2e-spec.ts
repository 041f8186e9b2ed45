import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DeviationRemindersJob } from '../src/modules/deviation/jobs/deviation-reminders.job';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { insertEscalatedBarrier } from './support/barrier-factories';
import { fileDeviation } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** The text of a page without tags and with runs of white space made one space, for phrases split over lines. */
function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<\/?(?:strong|a|span|em|q|mark)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ');
}

/** The text inside the textarea with this id. */
function textareaValue(html: string, id: string): string | null {
  const match = new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return match ? match[1] : null;
}

function timelineText(html: string): string {
  return pageText(html.slice(html.indexOf('id="rubrik-tidslinje"')));
}

function occurrences(text: string, phrase: string): number {
  return text.split(phrase).length - 1;
}

/** What the browser review of the delprojektledare's work found on the report page, the queue and the start page. */
describe('the lead’s report page, queue and start page after the review', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  // Monday 23 November 2026, 10:00 Swedish time: a working day, so reminders go out.
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  const db = (): DataSource => t.app.get(DataSource);

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA Järfälla', name: 'Sara Stafett' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA Järfälla', name: 'Lars Ledare' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const deliver = async (): Promise<Array<{ to: string[]; subject: string; text: string }>> => {
    const result = await t.app.get(MailOutboxWorker).processDueNow();
    if (result.sent > 0) await smtp.waitFor(result.sent);
    return smtp.mails;
  };
  const status = async (client: HttpClient, id: string, fields: Record<string, string>): Promise<number> => {
    await client.get(`/avvikelser/${id}`);
    return (await client.postForm(`/avvikelser/${id}/status`, fields)).status;
  };
  const row = async (id: string): Promise<{ status: string; resolution: string | null }> =>
    ((await db().query(`SELECT status, resolution FROM deviation WHERE id = $1`, [id])) as Array<{ status: string; resolution: string | null }>)[0];

  it('what is typed under Åtgärd is kept whichever button is pressed: saved as the report’s åtgärd, in the timeline and in the field', async () => {
    const client = await signIn(lead);
    const investigated = await fileDeviation(t.app, staff, 'Järfälla', { title: 'Utredning med anteckning' });
    expect(await status(client, investigated.id, { action: 'accept' })).toBe(303);
    const page = await client.get(`/avvikelser/${investigated.id}`);
    // On a Mottagen report the form offers Åtgärd beside Påbörja utredning and Eskalera.
    expect(page.text).toContain('id="falt-status-resolution"');
    expect(page.text).toContain('name="action" value="investigate"');
    expect(await status(client, investigated.id, { action: 'investigate', resolution: 'Ringde AF och bokade ett trepartsmöte.', comment: '' })).toBe(303);
    expect(await row(investigated.id)).toEqual({ status: 'under_utredning', resolution: 'Ringde AF och bokade ett trepartsmöte.' });
    const after = await client.get(`/avvikelser/${investigated.id}`);
    expect(textareaValue(after.text, 'falt-status-resolution')).toBe('Ringde AF och bokade ett trepartsmöte.');
    expect(timelineText(after.text)).toContain('Påbörjade utredningen (Mottagen → Under utredning) Åtgärd: Ringde AF och bokade ett trepartsmöte.');
    // Pressing Markera som åtgärdad lokalt with the text as shown resolves it with that text.
    expect(await status(client, investigated.id, { action: 'resolve', resolution: 'Ringde AF och bokade ett trepartsmöte.' })).toBe(303);
    expect(await row(investigated.id)).toEqual({ status: 'atgardad_lokalt', resolution: 'Ringde AF och bokade ett trepartsmöte.' });

    const escalated = await fileDeviation(t.app, staff, 'Järfälla', { title: 'Eskalering med anteckning' });
    expect(await status(client, escalated.id, { action: 'accept' })).toBe(303);
    expect(await status(client, escalated.id, { action: 'escalate', resolution: 'Kontaktade FK lokalt utan resultat.', comment: 'Samma sak i flera kommuner.' })).toBe(303);
    expect(await row(escalated.id)).toEqual({ status: 'strukturellt_hinder', resolution: 'Kontaktade FK lokalt utan resultat.' });
    const timeline = timelineText((await client.get(`/avvikelser/${escalated.id}`)).text);
    expect(timeline).toContain('Åtgärd: Kontaktade FK lokalt utan resultat.');
    expect(timeline).toContain('Kommentar: Samma sak i flera kommuner.');
  });

  it('a form address opened by itself (reload, history, bookmark) leads to the form on the report page, not to a 404', async () => {
    const client = await signIn(lead);
    const filed = await fileDeviation(t.app, staff, 'Järfälla');
    // After a refusal the page stands at the form's address.
    const refused = await client.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'internal', body: '' });
    expect(refused.status).toBe(400);
    for (const [form, anchor] of [
      ['status', '#status'],
      ['kommentarer', '#kommentarer'],
      ['flytta', '#flytta'],
      ['tilldela', '#ansvarig'],
      ['klassning', '#klassning'],
    ]) {
      const opened = await client.get(`/avvikelser/${filed.id}/${form}`);
      expect([form, opened.status, opened.location]).toEqual([form, 303, `/avvikelser/${filed.id}${anchor}`]);
    }
    expect((await client.get(`/avvikelser/${filed.id}/annat`)).status).toBe(404);
    expect((await client.get(`/avvikelser/inte-ett-id/status`)).status).toBe(404);
    // The report page itself still answers 404 to someone who may not see it.
    const stranger = await signIn(await createUser(t.app, 'lead', { subproject: 'MIA Roslagen' }));
    const redirected = await stranger.get(`/avvikelser/${filed.id}/status`);
    expect(redirected.status).toBe(303);
    expect((await stranger.get(redirected.location ?? '')).status).toBe(404);
  });

  it('a report in an escalated barrier tells the lead what to do, and once marked structural it is overdue nowhere', async () => {
    // Filed in early October and accepted: by 23 November it is past the 30 days to resolve.
    clock.set(new Date('2026-10-01T08:00:00Z'));
    const late = await fileDeviation(t.app, staff, 'Järfälla', { title: 'I ett eskalerat hinder', occurredOn: '2026-09-30' });
    expect(await status(await signIn(lead), late.id, { action: 'accept' })).toBe(303);
    clock.set(new Date('2026-11-23T07:00:00Z'));
    const fresh = await fileDeviation(t.app, staff, 'Järfälla', { title: 'Ny i ett eskalerat hinder' });
    const barrierId = await insertEscalatedBarrier(db(), 'Krav på inskrivning', ['KOMMUN', 'AF'], new Date('2026-11-01T10:00:00Z'));
    await db().query(`UPDATE barrier SET municipality_counts = '{"Järfälla": 2, "Haninge": 1, "Täby": 1}' WHERE id = $1`, [barrierId]);
    for (const id of [late.id, fresh.id]) {
      await db().query(`INSERT INTO barrier_member (barrier_id, deviation_id, source, reason) VALUES ($1, $2, 'engine', '{}')`, [barrierId, id]);
    }
    clock.set(new Date('2026-11-23T09:00:00Z'));
    const client = await signIn(lead);

    // Mottagen and late: the page says what ends it, and says nothing that contradicts the red mark.
    const before = pageText((await client.get(`/avvikelser/${late.id}`)).text);
    expect(before).toContain('Del av ett återkommande hinder i 3 kommuner, som är eskalerat till verksamhetsutvecklarna');
    expect(before).toContain('Försenad: inte åtgärdad i tid');
    expect(before).toContain('Markera den som strukturellt hinder med knappen ”Eskalera som strukturellt hinder” nedan');
    expect(before).toContain('räknas inte längre som försenad');
    expect(before).not.toContain('det behöver inte lösas lokalt');

    // The brand-new report: nobody has taken it on yet, so the page asks for that first.
    const freshPage = pageText((await client.get(`/avvikelser/${fresh.id}`)).text);
    expect(freshPage).toContain('Ta emot den först');
    // The old flat claim, untrue of a report nobody has handed over.
    expect(freshPage).not.toContain('Verksamhetsutvecklarna tar det vidare');
    expect(freshPage).not.toContain('Försenad');
    // The reporter is told only what is true of the barrier.
    const reporterPage = pageText((await (await signIn(staff)).get(`/avvikelser/${fresh.id}`)).text);
    expect(reporterPage).toContain('Del av ett återkommande hinder i 3 kommuner, som är eskalerat till verksamhetsutvecklarna');
    expect(reporterPage).not.toContain('Markera den');
    expect(reporterPage).not.toContain('Ta emot den');

    expect(pageText((await client.get('/')).text)).toContain('öppna avvikelser, 1 försenad.');

    // Marked structural: handed to the analysts with the barrier, late nowhere and reminded about by no one.
    expect(await status(client, late.id, { action: 'escalate', comment: 'Del av hindret om krav på inskrivning.' })).toBe(303);
    const handed = pageText((await client.get(`/avvikelser/${late.id}`)).text);
    expect(handed).not.toContain('Försenad');
    expect(handed).toContain('Avvikelsen är markerad som strukturellt hinder och följer med hindret. Den behöver inte lösas lokalt');
    const queue = await client.get('/delprojekt/ko');
    const lateRow = [...queue.text.matchAll(/<li class="deviation-item([^"]*)">([\s\S]*?)<\/li>/g)].find((m) => m[2].includes('I ett eskalerat hinder'));
    expect(lateRow?.[1]).toBe('');
    expect(pageText((await client.get('/')).text)).not.toMatch(/öppna avvikelser, \d+ försenad/);
    await t.app.get(DataSource).query(`DELETE FROM mail_outbox`);
    const reminded = await t.app.get(DeviationRemindersJob).remindOverdue();
    expect(reminded).toMatchObject({ sendsToday: true, notAccepted: 0, notResolved: 0, mails: 0 });
  });

  it('reopening asks why, keeps what was typed, and shows the reporter the reason at the top of the page (the mail says where it is)', async () => {
    const client = await signIn(lead);
    const filed = await fileDeviation(t.app, staff, 'Järfälla', { title: 'Återöppnas med skäl' });
    expect(await status(client, filed.id, { action: 'accept' })).toBe(303);
    expect(await status(client, filed.id, { action: 'resolve', resolution: 'Gemensamt möte bokat.' })).toBe(303);
    expect(await status(client, filed.id, { action: 'close' })).toBe(303);

    await client.get(`/avvikelser/${filed.id}`);
    const refused = await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'reopen', comment: '   ' });
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('id="fel-status-comment"');
    expect(pageText(refused.text)).toContain('Skriv varför avvikelsen öppnas igen. Rapportören ser skälet i avvikelsen.');
    expect((await row(filed.id)).status).toBe('avslutad');
    const api = await client.api('POST', `/api/deviations/${filed.id}/reopen`, {});
    expect(api.status).toBe(422);
    expect(api.json<{ error: { code: string; fields: Array<{ field: string }> } }>().error).toMatchObject({ code: 'comment_required', fields: [{ field: 'comment' }] });

    // Escalated without an åtgärd, the form shows the field (Avsluta needs one): a refused reopening keeps both texts.
    const escalated = await fileDeviation(t.app, staff, 'Järfälla', { title: 'Eskalerad utan åtgärd' });
    expect(await status(client, escalated.id, { action: 'accept' })).toBe(303);
    expect(await status(client, escalated.id, { action: 'escalate' })).toBe(303);
    await client.get(`/avvikelser/${escalated.id}`);
    const kept = await client.postForm(`/avvikelser/${escalated.id}/status`, { action: 'reopen', resolution: 'Utkast: nytt möte med FK.', comment: '' });
    expect(kept.status).toBe(422);
    expect(textareaValue(kept.text, 'falt-status-resolution')).toBe('Utkast: nytt möte med FK.');
    expect(kept.text).toContain('Kommentar (krävs för att återöppna)');

    smtp.clear();
    await t.app.get(DataSource).query(`DELETE FROM mail_outbox`);
    expect(await status(client, filed.id, { action: 'reopen', comment: 'Mötet blev aldrig av.' })).toBe(303);
    const reporterPage = await (await signIn(staff)).get(`/avvikelser/${filed.id}`);
    const top = pageText(reporterPage.text.slice(0, reporterPage.text.indexOf('<dl class="facts">')));
    expect(top).toContain('Avvikelsen är öppnad igen');
    expect(top).toContain('Skäl: Mötet blev aldrig av.');
    const mails = await deliver();
    const mail = mails.find((m) => m.subject.includes('öppnad igen'));
    expect(mail?.text).toContain('varför står i avvikelsen');
    // The reason is the lead's words: like a reply, it stays in the system.
    expect(mail?.text).not.toContain('Mötet blev aldrig av.');
  });

  it('a status form error is said once in the summary and once at the field', async () => {
    const client = await signIn(lead);
    const filed = await fileDeviation(t.app, staff, 'Järfälla');
    expect(await status(client, filed.id, { action: 'accept' })).toBe(303);
    await client.get(`/avvikelser/${filed.id}`);
    const refused = await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'resolve', resolution: '', comment: 'Pratat med AF.' });
    expect(refused.status).toBe(422);
    const message = 'Beskriv vad som gjordes innan du markerar avvikelsen som åtgärdad lokalt.';
    expect(occurrences(refused.text, message)).toBe(2);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(refused.text)?.[0] ?? '';
    expect(occurrences(summary, message)).toBe(1);
    expect(refused.text).toContain('Pratat med AF.');
  });

  it('the queue’s intro says which reports it shows and in which order', async () => {
    const client = await signIn(lead);
    const intro = async (query: string): Promise<string> => {
      const page = await client.get(`/delprojekt/ko${query}`);
      expect(page.status).toBe(200);
      return pageText(/<h1>Kö<\/h1>\s*<p>([\s\S]*?)<\/p>/.exec(page.text)?.[1] ?? '').trim();
    };
    expect(await intro('')).toBe('Avvikelser i ditt delprojekt som inte är avslutade. Äldst först; försenade är markerade.');
    expect(await intro('?status=avslutad&sort=newest')).toBe('Avvikelser i ditt delprojekt med status Avslutad. Nyast först.');
    expect(await intro('?status=all&sort=severity&severity=hog&category=regelverk&assignee=me&from=2026-01-01&to=2026-06-30')).toBe(
      'Alla avvikelser i ditt delprojekt, även avslutade, med allvarlighet hög, i kategorin Regelverk hindrar, rapporterade 2026-01-01–2026-06-30, där du är ansvarig. Allvarligast först; försenade är markerade.',
    );
    const municipality = ((await db().query(`SELECT id FROM municipality WHERE name = 'Järfälla'`)) as Array<{ id: string }>)[0].id;
    expect(await intro(`?municipalityId=${municipality}&from=2026-11-01`)).toBe(
      'Avvikelser i ditt delprojekt som inte är avslutade, i Järfälla, rapporterade från 2026-11-01. Äldst först; försenade är markerade.',
    );
  });

  it('the not-found page speaks plain Swedish', async () => {
    const client = await signIn(lead);
    const page = await client.get('/finns-inte-alls');
    expect(page.status).toBe(404);
    expect(pageText(page.text)).not.toContain('resurs');
    expect(pageText(page.text)).toContain('Sidan finns inte');
  });
});
