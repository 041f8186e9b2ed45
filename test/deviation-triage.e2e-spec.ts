import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation, municipalityId } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';
import { markedFinding } from './support/pii-quote';

interface ApiError {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }> };
}

interface EventRow {
  kind: string;
  actor_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

describe('triage: status, audit log, assignment, moving, notes and the reporter kept informed', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let otherLead: User;
  let analyst: User;
  let roslagenLead: User;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Sara Stafett' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Lars Ledare' });
    otherLead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Lina Ledare' });
    analyst = await createUser(t.app, 'analyst', { name: 'Ada Analytiker' });
    roslagenLead = await createUser(t.app, 'lead', { subproject: 'MIA Roslagen', name: 'Rut Roslagen' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  beforeEach(async () => {
    smtp.clear();
    await t.app.get(DataSource).query(`DELETE FROM mail_outbox`);
  });

  const db = (): DataSource => t.app.get(DataSource);
  const events = async (id: string): Promise<EventRow[]> =>
    (await db().query(`SELECT kind, actor_id, before, after FROM deviation_event WHERE deviation_id = $1 ORDER BY id`, [id])) as EventRow[];
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

  it('walks ny → mottagen → under utredning → åtgärdad lokalt → avslutad on the report page, each step in the audit log', async () => {
    const filed = await fileDeviation(t.app, staff, 'Botkyrka');
    await deliver();
    smtp.clear();
    const client = await signIn(lead);
    const page = await client.get(`/avvikelser/${filed.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="action" value="accept"');
    expect(page.text).not.toContain('name="action" value="close"');

    const accepted = await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept' });
    expect(accepted.status).toBe(303);
    expect(accepted.location).toBe(`/avvikelser/${filed.id}?klart=accept`);
    const afterAccept = await client.get(accepted.location ?? '');
    expect(afterAccept.text).toContain('Du har tagit emot avvikelsen.');
    expect(afterAccept.text).toContain('status-mottagen">Mottagen<');
    expect(afterAccept.text).toMatch(/<dt>Ansvarig<\/dt><dd>Lars Ledare<\/dd>/);

    expect((await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'investigate' })).status).toBe(303);
    await client.get(`/avvikelser/${filed.id}`);

    // Åtgärdad lokalt needs a resolution: the form comes back with the comment still typed.
    const missing = await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'resolve', resolution: '', comment: 'Pratat med AF:s chef.' });
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('id="fel-status-resolution"');
    expect(missing.text).toContain('Beskriv vad som gjordes innan du markerar avvikelsen som åtgärdad lokalt.');
    expect(missing.text).toContain('Pratat med AF:s chef.');

    const resolved = await client.postForm(`/avvikelser/${filed.id}/status`, {
      action: 'resolve',
      resolution: 'Ny rutin: AF och FK bokar gemensamt möte inom en vecka.',
    });
    expect(resolved.status).toBe(303);
    await client.get(`/avvikelser/${filed.id}`);
    expect((await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'close' })).status).toBe(303);

    const [row] = (await db().query(`SELECT status, resolution, assignee_id, accepted_at, resolved_at, closed_at FROM deviation WHERE id = $1`, [filed.id])) as Array<
      Record<string, unknown>
    >;
    expect(row).toMatchObject({
      status: 'avslutad',
      resolution: 'Ny rutin: AF och FK bokar gemensamt möte inom en vecka.',
      assignee_id: lead.id,
      accepted_at: clock.now(),
      resolved_at: clock.now(),
      closed_at: clock.now(),
    });

    const log = await events(filed.id);
    expect(log.map((e) => e.kind)).toEqual(['filed', 'accepted', 'investigation_started', 'resolved', 'closed']);
    expect(log.slice(1).every((e) => e.actor_id === lead.id)).toBe(true);
    expect(log[1]).toMatchObject({ before: { status: 'ny', assigneeId: null }, after: { status: 'mottagen', assigneeId: lead.id, assigneeName: 'Lars Ledare' } });
    expect(log[2]).toMatchObject({ before: { status: 'mottagen' }, after: { status: 'under_utredning' } });
    expect(log[3]).toMatchObject({
      before: { status: 'under_utredning', resolution: null },
      after: { status: 'atgardad_lokalt', resolution: 'Ny rutin: AF och FK bokar gemensamt möte inom en vecka.' },
    });
    expect(log[4]).toMatchObject({ before: { status: 'atgardad_lokalt' }, after: { status: 'avslutad' } });

    const final = await client.get(`/avvikelser/${filed.id}`);
    const timeline = final.text.slice(final.text.indexOf('id="rubrik-tidslinje"'));
    for (const line of [
      'Rapporterade avvikelsen för Botkyrka (MIA HBS)',
      'Tog emot avvikelsen (Ny → Mottagen)',
      'Påbörjade utredningen (Mottagen → Under utredning)',
      'Markerade avvikelsen som åtgärdad lokalt (Under utredning → Åtgärdad lokalt)',
      'Avslutade avvikelsen (Åtgärdad lokalt → Avslutad)',
    ]) {
      expect(timeline).toContain(line);
    }
    expect(timeline).toContain('Sara Stafett');
    expect(timeline).toContain('Lars Ledare');
    expect(final.text).toContain('name="action" value="reopen"');

    // The reporter heard of acceptance and resolution, not of every step.
    const mails = await deliver();
    expect(mails.map((m) => m.subject).sort()).toEqual([`Din avvikelse ${filed.reference} är mottagen`, `Din avvikelse ${filed.reference} är åtgärdad`].sort());
    expect(mails.every((m) => m.to.length === 1 && m.to[0] === staff.email)).toBe(true);
    const resolvedMail = mails.find((m) => m.subject.endsWith('är åtgärdad'));
    expect(resolvedMail?.text).toContain('Ny rutin: AF och FK bokar gemensamt möte inom en vecka.');
    expect(resolvedMail?.text).toContain(`http://127.0.0.1/avvikelser/${filed.id}`);

    // …and sees the status in Mina avvikelser.
    const reporter = await signIn(staff);
    const mine = await reporter.get('/avvikelser/mina');
    expect(mine.text).toContain(filed.reference);
    expect(mine.text).toContain('status-avslutad">Avslutad<');
  });

  it('tells the reporter when a resolved and closed report is reopened, without the free-text reason', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const token = await createApiToken(t.app, lead);
    const client = new HttpClient(t.baseUrl);
    await client.api('POST', `/api/deviations/${filed.id}/accept`, undefined, token);
    await client.api('POST', `/api/deviations/${filed.id}/resolve`, { resolution: 'AF och FK har bokat ett gemensamt möte.' }, token);
    await client.api('POST', `/api/deviations/${filed.id}/close`, undefined, token);
    await deliver();
    smtp.clear();

    const reopened = await client.api('POST', `/api/deviations/${filed.id}/reopen`, { comment: 'Mötet blev inte av, deltagaren väntar fortfarande.' }, token);
    expect(reopened.status).toBe(200);
    const mails = await deliver();
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail.to).toEqual([staff.email]);
    expect(mail.subject).toBe(`Din avvikelse ${filed.reference} är öppnad igen`);
    expect(mail.text).toContain(`Lars Ledare i MIA HBS har öppnat din avvikelse ${filed.reference}`);
    expect(mail.text).toContain(`http://127.0.0.1/avvikelser/${filed.id}`);
    // Like a reply, the lead's reason stays in the system.
    expect(mail.text).not.toContain('Mötet blev inte av');
    expect(mail.text).toContain('står i avvikelsens tidslinje');

    // A lead reopening a report they filed themselves mails no one.
    const own = await fileDeviation(t.app, lead, 'Huddinge');
    await client.api('POST', `/api/deviations/${own.id}/accept`, undefined, token);
    await client.api('POST', `/api/deviations/${own.id}/resolve`, { resolution: 'Löst.' }, token);
    await deliver();
    smtp.clear();
    expect((await client.api('POST', `/api/deviations/${own.id}/reopen`, { comment: 'Hände igen.' }, token)).status).toBe(200);
    expect(await deliver()).toHaveLength(0);
  });

  it('refuses invalid transitions with a clear Swedish 409 or 422 and changes nothing', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const token = await createApiToken(t.app, lead);
    const client = new HttpClient(t.baseUrl);

    const close = await client.api('POST', `/api/deviations/${filed.id}/close`, { resolution: 'Klart' }, token);
    expect(close.status).toBe(409);
    expect(close.json<ApiError>().error).toMatchObject({
      code: 'invalid_transition',
      message: 'Avvikelsen har status ny och kan inte avslutas. Det som går nu: ta emot.',
    });
    expect((await client.api('POST', `/api/deviations/${filed.id}/resolve`, { resolution: 'Klart' }, token)).status).toBe(409);
    expect((await client.api('POST', `/api/deviations/${filed.id}/reopen`, undefined, token)).status).toBe(409);

    const accepted = await client.api('POST', `/api/deviations/${filed.id}/accept`, undefined, token);
    expect(accepted.status).toBe(200);
    expect(accepted.json<{ deviation: { status: string }; permissions: { actions: string[] } }>()).toMatchObject({
      deviation: { status: 'mottagen' },
      permissions: { actions: ['investigate', 'resolve', 'escalate'] },
    });
    expect((await client.api('POST', `/api/deviations/${filed.id}/accept`, {}, token)).status).toBe(409);

    const noResolution = await client.api('POST', `/api/deviations/${filed.id}/resolve`, { resolution: '   ' }, token);
    expect(noResolution.status).toBe(422);
    expect(noResolution.json<ApiError>().error).toMatchObject({ code: 'resolution_required', fields: [{ field: 'resolution' }] });

    const unknownField = await client.api('POST', `/api/deviations/${filed.id}/investigate`, { status: 'avslutad' }, token);
    expect(unknownField.status).toBe(400);
    expect(unknownField.json<ApiError>().error.fields).toEqual([{ field: 'status', message: 'Fältet "status" är okänt. Ta bort det.' }]);

    // The reporter may read but not triage their own report; an analyst only escalated ones.
    const staffToken = await createApiToken(t.app, staff);
    const byStaff = await client.api('POST', `/api/deviations/${filed.id}/investigate`, undefined, staffToken);
    expect(byStaff.status).toBe(403);
    expect(byStaff.json<ApiError>().error.message).toBe('Bara delprojektledare i delprojektet som äger avvikelsen kan ändra dess status.');
    const analystToken = await createApiToken(t.app, analyst);
    expect((await client.api('POST', `/api/deviations/${filed.id}/investigate`, undefined, analystToken)).status).toBe(403);

    expect((await events(filed.id)).map((e) => e.kind)).toEqual(['filed', 'accepted']);
    const [row] = (await db().query(`SELECT status FROM deviation WHERE id = $1`, [filed.id])) as Array<{ status: string }>;
    expect(row.status).toBe('mottagen');
  });

  it('escalates a structural barrier to the analysts, who close it; reopening asks for a new resolution', async () => {
    const filed = await fileDeviation(t.app, staff, 'Salem');
    const leadToken = await createApiToken(t.app, lead);
    const analystToken = await createApiToken(t.app, analyst);
    const client = new HttpClient(t.baseUrl);
    await client.api('POST', `/api/deviations/${filed.id}/accept`, undefined, leadToken);
    await deliver();
    smtp.clear();

    const escalated = await client.api('POST', `/api/deviations/${filed.id}/escalate`, { comment: 'Samma sak i alla våra kommuner.' }, leadToken);
    expect(escalated.status).toBe(200);
    const mails = await deliver();
    const toAnalysts = mails.find((m) => m.to.includes(analyst.email));
    expect(toAnalysts?.subject).toBe(`Strukturellt hinder från MIA HBS: ${filed.reference} AF och FK hänvisar till varandra`);
    expect(toAnalysts?.text).toContain('Samma sak i alla våra kommuner.');
    const toReporter = mails.find((m) => m.to.includes(staff.email));
    expect(toReporter?.subject).toBe(`Din avvikelse ${filed.reference} har lyfts som strukturellt hinder`);

    // The lead's escalated report now belongs to the analysts to close.
    const analystView = await client.api('GET', `/api/deviations/${filed.id}`, undefined, analystToken);
    expect(analystView.json<{ permissions: { actions: string[] } }>().permissions.actions).toEqual(['close', 'reopen']);
    const noResolution = await client.api('POST', `/api/deviations/${filed.id}/close`, undefined, analystToken);
    expect(noResolution.status).toBe(422);
    const closed = await client.api('POST', `/api/deviations/${filed.id}/close`, { resolution: 'Beskrivet i skrivelse till Nationella rådet.' }, analystToken);
    expect(closed.status).toBe(200);
    expect(closed.json<{ deviation: { status: string; resolution: string } }>().deviation).toMatchObject({
      status: 'avslutad',
      resolution: 'Beskrivet i skrivelse till Nationella rådet.',
    });
    // Once closed, it is the owning delprojekt's again to reopen.
    expect((await client.api('POST', `/api/deviations/${filed.id}/reopen`, undefined, analystToken)).status).toBe(403);
    const reopened = await client.api('POST', `/api/deviations/${filed.id}/reopen`, { comment: 'Händer igen.' }, leadToken);
    expect(reopened.json<{ deviation: { status: string; resolution: string | null; closedAt: string | null } }>().deviation).toMatchObject({
      status: 'under_utredning',
      resolution: null,
      closedAt: null,
    });
    const log = await events(filed.id);
    expect(log.map((e) => e.kind)).toEqual(['filed', 'accepted', 'escalated', 'closed', 'reopened']);
    expect(log[2].after).toMatchObject({ status: 'strukturellt_hinder', comment: 'Samma sak i alla våra kommuner.' });
    expect(log[3].actor_id).toBe(analyst.id);
    expect(log[4]).toMatchObject({ before: { status: 'avslutad', resolution: 'Beskrivet i skrivelse till Nationella rådet.' }, after: { status: 'under_utredning', resolution: null } });
  });

  it('assigns to a lead of the owning delprojekt only, and logs it', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const token = await createApiToken(t.app, lead);
    const client = new HttpClient(t.baseUrl);
    const assigned = await client.api('POST', `/api/deviations/${filed.id}/assign`, { assigneeId: otherLead.id }, token);
    expect(assigned.status).toBe(200);
    expect(assigned.json<{ deviation: { assignee: { name: string } } }>().deviation.assignee.name).toBe('Lina Ledare');
    const outsider = await client.api('POST', `/api/deviations/${filed.id}/assign`, { assigneeId: roslagenLead.id }, token);
    expect(outsider.status).toBe(422);
    expect(outsider.json<ApiError>().error.message).toBe('Välj en aktiv delprojektledare i MIA HBS.');
    const log = await events(filed.id);
    expect(log.map((e) => e.kind)).toEqual(['filed', 'assigned']);
    expect(log[1]).toMatchObject({ before: { assigneeId: null }, after: { assigneeId: otherLead.id, assigneeName: 'Lina Ledare' } });
    // Accepting keeps the colleague who was given it.
    await client.api('POST', `/api/deviations/${filed.id}/accept`, undefined, token);
    const [row] = (await db().query(`SELECT assignee_id FROM deviation WHERE id = $1`, [filed.id])) as Array<{ assignee_id: string }>;
    expect(row.assignee_id).toBe(otherLead.id);
  });

  it('moves a report to another kommun: logged, the new owners mailed, the old ones lose it', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { title: 'Gäller egentligen Täby' });
    const client = await signIn(lead);
    await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept' });
    await deliver();
    smtp.clear();
    await client.get(`/avvikelser/${filed.id}`);
    const moved = await client.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: await municipalityId(t.app, 'Täby'), comment: 'Deltagaren bor i Täby.' });
    expect(moved.status).toBe(303);
    // The queue is told which report, and looks up where it went: the address cannot make it say anything else.
    expect(moved.location).toBe(`/delprojekt/ko?flyttad=${filed.id}`);
    expect((await client.get(moved.location ?? '')).text).toContain('Avvikelsen är flyttad till MIA Roslagen');
    for (const forged of [
      `/delprojekt/ko?flyttad=${encodeURIComponent('Ring 070-123 45 67 genast')}`,
      '/delprojekt/ko?flyttad=00000000-0000-4000-8000-000000000000',
    ]) {
      const queue = await client.get(forged);
      expect(queue.status).toBe(200);
      expect(queue.text).not.toContain('Avvikelsen är flyttad');
      expect(queue.text).not.toContain('Ring 070');
    }
    expect((await client.get(`/avvikelser/${filed.id}`)).status).toBe(404);

    const [row] = (await db().query(
      `SELECT s.name AS subproject, m.name AS kommun, d.assignee_id, d.status FROM deviation d
         JOIN subproject s ON s.id = d.subproject_id JOIN municipality m ON m.id = d.municipality_id WHERE d.id = $1`,
      [filed.id],
    )) as Array<Record<string, unknown>>;
    expect(row).toEqual({ subproject: 'MIA Roslagen', kommun: 'Täby', assignee_id: null, status: 'mottagen' });
    const log = await events(filed.id);
    expect(log[log.length - 1]).toMatchObject({
      kind: 'moved',
      actor_id: lead.id,
      before: { municipalityName: 'Huddinge', subprojectName: 'MIA HBS', assigneeId: lead.id },
      after: { municipalityName: 'Täby', subprojectName: 'MIA Roslagen', assigneeId: null, comment: 'Deltagaren bor i Täby.' },
    });
    const mails = await deliver();
    expect(mails).toHaveLength(2);
    const toLeads = mails.find((mail) => mail.to.includes(roslagenLead.email));
    expect(toLeads?.to).toEqual([roslagenLead.email]);
    expect(toLeads?.subject).toBe(`Avvikelse ${filed.reference} har flyttats till MIA Roslagen: Gäller egentligen Täby`);
    expect(toLeads?.text).toContain('Huddinge (MIA HBS)');
    // The reporter hears which delprojekt handles it now; the lead's comment stays in the system.
    const toReporter = mails.find((mail) => mail.to.includes(staff.email));
    expect(toReporter?.to).toEqual([staff.email]);
    expect(toReporter?.subject).toBe(`Din avvikelse ${filed.reference} hanteras nu av MIA Roslagen`);
    expect(toReporter?.text).toContain('Lars Ledare har flyttat din avvikelse');
    expect(toReporter?.text).toContain('från Huddinge till Täby; varför står i avvikelsens tidslinje. Nu är det MIA Roslagen som hanterar den.');
    expect(toReporter?.text).toContain(`/avvikelser/${filed.id}`);
    expect(toReporter?.text).not.toContain('Deltagaren bor i Täby');

    const roslagen = await signIn(roslagenLead);
    const page = await roslagen.get(`/avvikelser/${filed.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Flyttade avvikelsen från Huddinge (MIA HBS) till Täby (MIA Roslagen)');
    expect(page.text).toContain('Kommentar: Deltagaren bor i Täby.');

    // Nor does the id of a report the lead did not move away: one the new owner sees, one still in the lead's delprojekt.
    expect((await roslagen.get(`/delprojekt/ko?flyttad=${filed.id}`)).text).not.toContain('Avvikelsen är flyttad');
    const notMoved = await fileDeviation(t.app, staff, 'Huddinge');
    expect((await client.get(`/delprojekt/ko?flyttad=${notMoved.id}`)).text).not.toContain('Avvikelsen är flyttad');
  });

  it('mails no reporter who moved their own report, and tells the reporter of a move within the delprojekt', async () => {
    const own = await fileDeviation(t.app, lead, 'Huddinge', { title: 'Ledarens egen rapport' });
    const client = await signIn(lead);
    await deliver();
    smtp.clear();
    await client.get(`/avvikelser/${own.id}`);
    expect((await client.postForm(`/avvikelser/${own.id}/flytta`, { municipalityId: await municipalityId(t.app, 'Täby') })).status).toBe(303);
    const mails = await deliver();
    expect(mails.map((mail) => mail.to)).toEqual([[roslagenLead.email]]);

    smtp.clear();
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { title: 'Gäller Salem' });
    await deliver();
    smtp.clear();
    await client.get(`/avvikelser/${filed.id}`);
    expect((await client.postForm(`/avvikelser/${filed.id}/flytta`, { municipalityId: await municipalityId(t.app, 'Salem') })).status).toBe(303);
    const within = await deliver();
    expect(within).toHaveLength(1);
    expect(within[0].to).toEqual([staff.email]);
    expect(within[0].text).toContain('från Huddinge till Salem. Den hanteras fortfarande av MIA HBS.');
    expect(within[0].text).not.toContain('tidslinje');
  });

  it('keeps internal notes from the reporter, mails them replies, and guards notes against personal data', async () => {
    const filed = await fileDeviation(t.app, staff, 'Botkyrka');
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    expect((await client.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'internal', body: 'Tar upp det på samverkansmötet.' })).status).toBe(303);
    await client.get(`/avvikelser/${filed.id}`);
    expect((await client.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: 'Tack, vi tittar på det i veckan.' })).status).toBe(303);
    await client.get(`/avvikelser/${filed.id}`);
    const before = (await events(filed.id)).length;
    const note = 'Ring henne på 070-123 45 67.';
    const pii = await client.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'internal', body: note });
    expect(pii.status).toBe(422);
    expect(pii.text).toContain('Texten innehåller något som liknar ett telefonnummer:');
    expect(pii.text).toContain(`<q class="pii-quote">Ring henne på ${markedFinding('070-123 45 67')}.</q>`);
    expect(pii.text).toContain('Ring henne på 070-123 45 67.');
    expect((await events(filed.id)).length).toBe(before);
    const [{ n }] = (await db().query(`SELECT count(*)::int AS n FROM deviation_comment WHERE deviation_id = $1`, [filed.id])) as Array<{ n: number }>;
    expect(n).toBe(2);

    const leadView = await client.get(`/avvikelser/${filed.id}`);
    expect(leadView.text).toContain('Tar upp det på samverkansmötet.');
    expect(leadView.text).toContain('Skrev en intern anteckning');

    const reporter = await signIn(staff);
    const reporterView = await reporter.get(`/avvikelser/${filed.id}`);
    expect(reporterView.status).toBe(200);
    expect(reporterView.text).toContain('Tack, vi tittar på det i veckan.');
    expect(reporterView.text).not.toContain('Tar upp det på samverkansmötet.');
    expect(reporterView.text).not.toContain('Skrev en intern anteckning');
    expect(reporterView.text).not.toContain('name="action"');
    // The reporter answers in the same dialogue.
    expect((await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: 'Bra, hör av er.' })).status).toBe(303);
    const staffToken = await createApiToken(t.app, staff);
    const internalByStaff = await reporter.api('POST', `/api/deviations/${filed.id}/comments`, { visibility: 'internal', body: 'Hemligt' }, staffToken);
    expect(internalByStaff.status).toBe(403);

    const mails = await deliver();
    const replies = mails.filter((m) => m.subject === `Nytt svar om din avvikelse ${filed.reference}`);
    expect(replies).toHaveLength(1);
    expect(replies[0].to).toEqual([staff.email]);
    expect(replies[0].text).not.toContain('Tack, vi tittar på det i veckan.');
  });

  it('the reporter writes to the delprojekt: "Skicka", a notice that it was sent, and a timeline line that is not "svar … med rapportören"', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const reporter = await signIn(staff);
    const form = await reporter.get(`/avvikelser/${filed.id}`);
    expect(form.text).toMatch(/<button type="submit" class="button secondary">Skicka<\/button>/);
    const sent = await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: 'Jag kan berätta mer på telefon.' });
    expect(sent.status).toBe(303);
    const after = await reporter.get(sent.headers.get('location') ?? '');
    expect(after.text).toContain('Meddelandet är skickat till delprojektet.');
    expect(after.text).not.toContain('Svaret är sparat.');
    expect(after.text).toContain('Skrev till delprojektet');
    expect(after.text).not.toContain('Skrev ett svar i dialogen med rapportören');

    // The lead's answer still reads as an answer, to the lead and to the reporter.
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    const answered = await client.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: 'Tack, jag ringer dig.' });
    const leadView = await client.get(answered.headers.get('location') ?? '');
    expect(leadView.text).toContain('Svaret är sparat.');
    expect(leadView.text).toMatch(/<button type="submit" class="button secondary">Spara<\/button>/);
    expect((await reporter.get(`/avvikelser/${filed.id}`)).text).toContain('Skrev ett svar i dialogen med rapportören');
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    await expect(db().query(`UPDATE deviation_event SET kind = 'closed' WHERE deviation_id = $1`, [filed.id])).rejects.toThrow(
      /bara kan läggas till i; UPDATE är inte tillåtet/,
    );
    await expect(db().query(`DELETE FROM deviation_event WHERE deviation_id = $1`, [filed.id])).rejects.toThrow(/DELETE är inte tillåtet/);
    await expect(db().query(`TRUNCATE deviation_event CASCADE`)).rejects.toThrow(/TRUNCATE är inte tillåtet/);
    expect((await events(filed.id)).map((e) => e.kind)).toEqual(['filed']);
    // New events can still be added.
    await db().query(`INSERT INTO deviation_event (deviation_id, kind) VALUES ($1, 'note_added')`, [filed.id]);
    expect((await events(filed.id)).map((e) => e.kind)).toEqual(['filed', 'note_added']);
  });
});
