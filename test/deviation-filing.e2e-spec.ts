import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { deviationBody, fileDeviation, municipalityId } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';
import { markedFinding } from './support/pii-quote';

const PERSONNUMMER = '811218-9876';

interface ApiError {
  error: { code: string; message: string; fields?: Array<{ field: string; message: string }>; details?: { findings: Array<Record<string, unknown>> } };
}

describe('filing a deviation: form, API, personal-data guard, routing and Mina avvikelser', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  // Monday 23 November 2026, 10:00 Swedish time.
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let hbsStaff: User;
  let hbsLead: User;
  let roslagenLead: User;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    hbsStaff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare' });
    hbsLead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Hugo HBS-ledare' });
    roslagenLead = await createUser(t.app, 'lead', { subproject: 'MIA Roslagen' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const db = (): DataSource => t.app.get(DataSource);
  const counts = async (): Promise<{ deviations: number; events: number; mails: number }> => {
    const [row] = (await db().query(
      `SELECT (SELECT count(*)::int FROM deviation) AS deviations, (SELECT count(*)::int FROM deviation_event) AS events,
              (SELECT count(*)::int FROM mail_outbox) AS mails`,
    )) as Array<{ deviations: number; events: number; mails: number }>;
    return row;
  };
  const signIn = async (user: User): Promise<HttpClient> => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
    return client;
  };
  const formFields = async (kommun: string, overrides: Record<string, string | string[]> = {}): Promise<Record<string, string | string[]>> => {
    const body = deviationBody(await municipalityId(t.app, kommun)) as Record<string, string | string[]>;
    return { ...body, ...overrides };
  };

  it('shows a Swedish form with the own delprojekt’s kommuner first and preselected, today’s date and help texts', async () => {
    const client = await signIn(hbsStaff);
    const page = await client.get('/avvikelser/ny');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Ny avvikelse</h1>');
    expect(page.text).toContain('name="_csrf"');
    const options = [...page.text.matchAll(/<option value="[^"]+"( selected)?>([^<]+)<\/option>/g)].map((m) => ({ selected: !!m[1], label: m[2] }));
    const kommuner = options.filter((o) => o.label.includes('(MIA '));
    expect(kommuner.slice(0, 3).map((o) => o.label)).toEqual(['Botkyrka (MIA HBS)', 'Huddinge (MIA HBS)', 'Salem (MIA HBS)']);
    expect(kommuner.filter((o) => o.selected).map((o) => o.label)).toEqual(['Botkyrka (MIA HBS)']);
    expect(page.text).toMatch(/id="falt-occurredOn" name="occurredOn" type="date" value="2026-11-23"[^>]*max="2026-11-23"/);
    for (const field of ['municipalityId', 'occurredOn', 'category', 'parties', 'title', 'description', 'consequence', 'severity', 'tried']) {
      expect(page.text).toContain(`id="hjalp-${field}"`);
    }
    expect(page.text).toContain('Gränssnitt mellan huvudmän');
    // Every required field says so, the two radio groups too; the optional ones do not.
    for (const legend of ['Vad gäller det?', 'Hur allvarligt är det?']) {
      expect(page.text).toContain(`<legend>${legend} <span class="required">(obligatoriskt)</span></legend>`);
    }
    expect(page.text).toContain('<legend>Vilka parter berörs?</legend>');
    expect(page.text.match(/\(obligatoriskt\)/g)).toHaveLength(7);
    expect(page.text).toContain('name="viewport"');
  });

  it('brings the form back filled in, with a Swedish message at each wrong field, and stores nothing', async () => {
    const client = await signIn(hbsStaff);
    await client.get('/avvikelser/ny');
    const before = await counts();
    const result = await client.postForm(
      '/avvikelser/ny',
      await formFields('Huddinge', { title: '', occurredOn: '2026-11-24', severity: '', parties: ['AF', 'REGION'], tried: 'Ringde AF två gånger.' }),
    );
    expect(result.status).toBe(400);
    expect(result.text).toContain('id="fel-title"');
    expect(result.text).toContain('Skriv en kort rubrik.');
    expect(result.text).toContain('id="fel-severity"');
    expect(result.text).toContain('Välj hur allvarligt det är: låg, medel eller hög.');
    // What was typed is still there.
    expect(result.text).toContain('Arbetsförmedlingen hänvisade till Försäkringskassan');
    expect(result.text).toContain('Ringde AF två gånger.');
    expect(result.text).toMatch(/value="AF" checked/);
    expect(result.text).toMatch(/value="REGION" checked/);
    expect(result.text).not.toMatch(/value="FK" checked/);
    expect(await counts()).toEqual(before);

    // With the DTO satisfied, a date in the future is still refused at its field.
    const future = await client.postForm('/avvikelser/ny', await formFields('Huddinge', { occurredOn: '2026-11-24' }));
    expect(future.status).toBe(400);
    expect(future.text).toContain('id="fel-occurredOn"');
    expect(future.text).toContain('Datumet kan inte vara i framtiden.');
    expect(await counts()).toEqual(before);
  });

  it('refuses personal data on the form with 422, names the kind and quotes the place per field, keeps the text and stores nothing', async () => {
    const client = await signIn(hbsStaff);
    await client.get('/avvikelser/ny');
    const before = await counts();
    const description = `Deltagaren har personnummer ${PERSONNUMMER} och väntar.`;
    const result = await client.postForm(
      '/avvikelser/ny',
      await formFields('Huddinge', { description, consequence: 'Ring 070-123 45 67 efter lunch.' }),
    );
    expect(result.status).toBe(422);
    // Where, in the writer's own words (nobody counts to character 29 on a phone).
    expect(result.text).toContain('Beskrivningen innehåller något som liknar ett personnummer:');
    expect(result.text).toContain(`<q class="pii-quote">Deltagaren har personnummer ${markedFinding(PERSONNUMMER)} och väntar.</q>`);
    expect(result.text).not.toMatch(/tecken \d/);
    expect(result.text).toContain('id="fel-description"');
    expect(result.text).toContain('id="fel-consequence"');
    expect(result.text).toContain('Konsekvensen för deltagaren innehåller något som liknar ett telefonnummer:');
    expect(result.text).toContain(`<q class="pii-quote">Ring ${markedFinding('070-123 45 67')} efter lunch.</q>`);
    expect(result.text).toContain('Inget har sparats.');
    // The text comes back so the user can rewrite it.
    expect(result.text).toContain(description);
    expect(await counts()).toEqual(before);
  });

  it('tells every problem in one round: a missing choice, a date in the future and personal data come back together, in the form’s order', async () => {
    const client = await signIn(hbsStaff);
    await client.get('/avvikelser/ny');
    const before = await counts();
    const description = `Deltagaren har personnummer ${PERSONNUMMER} och väntar.`;
    const result = await client.postForm('/avvikelser/ny', await formFields('Huddinge', { severity: '', occurredOn: '2026-11-24', description }));
    expect(result.status).toBe(422);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(result.text)?.[0] ?? '';
    expect(summary).toContain('Inget har sparats.');
    expect([...summary.matchAll(/href="#falt-(\w+)"/g)].map((m) => m[1])).toEqual(['occurredOn', 'description', 'severity']);
    expect(result.text).toContain('Datumet kan inte vara i framtiden.');
    expect(result.text).toContain('Beskrivningen innehåller något som liknar ett personnummer');
    expect(result.text).toContain('Välj hur allvarligt det är: låg, medel eller hög.');
    expect(result.text).toContain(description);
    expect(await counts()).toEqual(before);
  });

  it('files from the form, routes to the kommun’s delprojekt and mails only its leads, with a link', async () => {
    smtp.clear();
    await db().query(`DELETE FROM mail_outbox`);
    const client = await signIn(hbsStaff);
    await client.get('/avvikelser/ny');
    // One checkbox arrives as a single value, not a list.
    const result = await client.postForm('/avvikelser/ny', await formFields('Huddinge', { parties: 'KOMMUN', severity: 'hog' }));
    expect(result.status).toBe(303);
    const id = /^\/avvikelser\/([0-9a-f-]{36})\?skickad=1$/.exec(result.location ?? '')?.[1];
    expect(id).toBeDefined();

    const page = await client.get(result.location ?? '');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tack! Avvikelsen AVV-2026-');
    expect(page.text).toContain('Den ägs av MIA HBS');

    const [row] = (await db().query(
      `SELECT d.reference, d.status, d.parties, d.severity, d.reporter_id, d.reporter_email, d.occurred_on::text AS occurred_on,
              d.reported_at, s.name AS subproject, m.name AS kommun
         FROM deviation d JOIN subproject s ON s.id = d.subproject_id JOIN municipality m ON m.id = d.municipality_id WHERE d.id = $1`,
      [id],
    )) as Array<Record<string, unknown>>;
    expect(row).toMatchObject({
      status: 'ny',
      parties: ['KOMMUN'],
      severity: 'hog',
      reporter_id: hbsStaff.id,
      reporter_email: hbsStaff.email,
      occurred_on: '2026-11-19',
      subproject: 'MIA HBS',
      kommun: 'Huddinge',
    });
    expect(row.reported_at).toEqual(clock.now());
    const events = (await db().query(`SELECT kind, actor_id, after FROM deviation_event WHERE deviation_id = $1`, [id])) as Array<Record<string, unknown>>;
    expect(events).toEqual([{ kind: 'filed', actor_id: hbsStaff.id, after: expect.objectContaining({ status: 'ny', subprojectName: 'MIA HBS' }) }]);

    await t.app.get(MailOutboxWorker).processDueNow();
    const mails = await smtp.waitFor(1);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([hbsLead.email]);
    expect(mails[0].to).not.toContain(roslagenLead.email);
    expect(mails[0].subject).toBe(`Ny avvikelse ${String(row.reference)} i Huddinge: AF och FK hänvisar till varandra`);
    expect(mails[0].text).toContain(`http://127.0.0.1/avvikelser/${id}`);
    expect(mails[0].html).toContain(`href="http://127.0.0.1/avvikelser/${id}"`);
    expect(mails[0].text).toContain('Allvarlighet: Hög');
    // The description stays in the system.
    expect(mails[0].text).not.toContain('hänvisade tillbaka');
  });

  it('files through the API with a bearer token and answers errors in Swedish JSON', async () => {
    const token = await createApiToken(t.app, hbsStaff);
    const client = new HttpClient(t.baseUrl);
    const salem = await municipalityId(t.app, 'Salem');
    const created = await client.api('POST', '/api/deviations', deviationBody(salem, { tried: 'Bokat trepartsmöte.' }), token);
    expect(created.status).toBe(201);
    const body = created.json<{ id: string; reference: string; subproject: { name: string }; municipality: { name: string }; notifiedLeads: number; path: string }>();
    expect(body).toMatchObject({ subproject: { name: 'MIA HBS' }, municipality: { name: 'Salem' }, notifiedLeads: 1, path: `/avvikelser/${body.id}` });

    const fetched = await client.api('GET', `/api/deviations/${body.id}`, undefined, token);
    expect(fetched.status).toBe(200);
    expect(fetched.json<{ deviation: Record<string, unknown> }>().deviation).toMatchObject({
      reference: body.reference,
      status: 'ny',
      statusLabel: 'Ny',
      severityLabel: 'Medel',
      categoryLabel: 'Gränssnitt mellan huvudmän',
      tried: 'Bokat trepartsmöte.',
      parties: ['AF', 'FK'],
    });

    const invalid = await client.api('POST', '/api/deviations', { ...deviationBody(salem), category: 'okand', parties: ['AF', 'SKOLAN'], title: 'x' }, token);
    expect(invalid.status).toBe(400);
    const fields = invalid.json<ApiError>().error.fields ?? [];
    expect(fields).toEqual(
      expect.arrayContaining([
        { field: 'category', message: 'Välj vilken sorts avvikelse det är.' },
        { field: 'title', message: 'Rubriken måste vara minst 3 tecken.' },
        expect.objectContaining({ field: 'parties' }),
      ]),
    );
    const unknownKommun = await client.api('POST', '/api/deviations', deviationBody('00000000-0000-4000-8000-000000000000'), token);
    expect(unknownKommun.status).toBe(400);
    expect(unknownKommun.json<ApiError>().error.fields).toEqual([{ field: 'municipalityId', message: 'Kommunen finns inte. Välj en kommun i listan.' }]);
  });

  it('answers personal data in the API with 422 personal_data_found, positions but never the text, and stores nothing', async () => {
    const token = await createApiToken(t.app, hbsStaff);
    const client = new HttpClient(t.baseUrl);
    const before = await counts();
    const title = 'Kalle Andersson fick inget besked';
    const tried = 'Skrev till anna.berg@kommun.se och väntar.';
    const result = await client.api('POST', '/api/deviations', deviationBody(await municipalityId(t.app, 'Botkyrka'), { title, tried }), token);
    expect(result.status).toBe(422);
    const error = result.json<ApiError>().error;
    expect(error.code).toBe('personal_data_found');
    expect(error.fields).toEqual([
      { field: 'title', message: 'Rubriken innehåller något som liknar ett namn (tecken 1–15). Skriv om utan personuppgifter.' },
      { field: 'tried', message: 'Det som redan prövats innehåller något som liknar en e-postadress (tecken 12–30). Skriv om utan personuppgifter.' },
    ]);
    expect(error.details?.findings).toEqual([
      { field: 'title', kind: 'namn', start: 0, end: 15 },
      { field: 'tried', kind: 'epost', start: 11, end: 30 },
    ]);
    expect(result.text).not.toContain('Kalle');
    expect(result.text).not.toContain('anna.berg');
    expect(await counts()).toEqual(before);

    // The reporter's own address is not a participant's.
    const own = await client.api(
      'POST',
      '/api/deviations',
      deviationBody(await municipalityId(t.app, 'Botkyrka'), { tried: `Svara gärna till mig på ${hbsStaff.email}.` }),
      token,
    );
    expect(own.status).toBe(201);
  });

  it('files 40 reports sent at once, batched together, each with its own reference, audit event and lead mail; a bad one fails alone', async () => {
    const token = await createApiToken(t.app, hbsStaff);
    const client = new HttpClient(t.baseUrl);
    await db().query(`DELETE FROM mail_outbox`);
    smtp.clear();
    const before = await counts();
    const huddinge = await municipalityId(t.app, 'Huddinge');
    const bodies = Array.from({ length: 40 }, (_, i) =>
      i === 17 ? deviationBody('00000000-0000-4000-8000-000000000000') : deviationBody(huddinge, { title: `Samtidig avvikelse nummer ${i}` }),
    );
    const results = await Promise.all(bodies.map((body) => client.api('POST', '/api/deviations', body, token)));
    expect(results.map((r) => r.status)).toEqual(bodies.map((_, i) => (i === 17 ? 400 : 201)));
    const filed = results.filter((r) => r.status === 201).map((r) => r.json<{ id: string; reference: string; notifiedLeads: number }>());
    expect(new Set(filed.map((f) => f.reference)).size).toBe(39);
    expect(filed.every((f) => f.notifiedLeads === 1)).toBe(true);
    expect(await counts()).toEqual({ deviations: before.deviations + 39, events: before.events + 39, mails: 39 });

    // Each answer belongs to its own report: the title stored under the returned id is the one sent.
    const stored = (await db().query(`SELECT id, title FROM deviation WHERE id = ANY($1::uuid[])`, [filed.map((f) => f.id)])) as Array<{ id: string; title: string }>;
    const titleById = new Map(stored.map((row) => [row.id, row.title]));
    results.forEach((result, i) => {
      if (i !== 17) expect(titleById.get(result.json<{ id: string }>().id)).toBe(`Samtidig avvikelse nummer ${i}`);
    });

    expect((await t.app.get(MailOutboxWorker).processDueNow()).sent).toBe(39);
    const mails = await smtp.waitFor(39);
    expect(mails.every((m) => m.to[0] === hbsLead.email.toLowerCase())).toBe(true);
    expect(new Set(mails.map((m) => m.subject)).size).toBe(39);
    for (const f of filed) expect(mails.some((m) => m.subject.includes(f.reference) && m.text.includes(`/avvikelser/${f.id}`))).toBe(true);
  });

  it('lets staff follow their own reports with status in Mina avvikelser, and nobody else’s', async () => {
    const me = await createUser(t.app, 'staff', { subproject: 'MIA Roslagen' });
    const colleague = await createUser(t.app, 'staff', { subproject: 'MIA Roslagen' });
    const mine = await fileDeviation(t.app, me, 'Täby', { title: 'Min egen rapport om Täby' });
    await fileDeviation(t.app, colleague, 'Täby', { title: 'Kollegans rapport om Täby' });
    const client = await signIn(me);
    const page = await client.get('/avvikelser/mina');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Min egen rapport om Täby');
    expect(page.text).toContain(mine.reference);
    expect(page.text).toContain('status-ny">Ny<');
    expect(page.text).not.toContain('Kollegans rapport om Täby');
    const nav = page.text.slice(page.text.indexOf('Huvudmeny'), page.text.indexOf('</nav>'));
    expect(nav).toContain('href="/avvikelser/ny"');
    expect(nav).toContain('href="/avvikelser/mina" aria-current="page"');

    const api = await client.api('GET', '/api/deviations/mine');
    expect(api.json<{ items: Array<{ title: string; status: string }> }>().items.map((i) => i.title)).toEqual(['Min egen rapport om Täby']);
    // Staff's general list is their own too.
    const list = await client.api('GET', '/api/deviations?status=all');
    expect(list.json<{ items: Array<{ title: string }> }>().items.map((i) => i.title)).toEqual(['Min egen rapport om Täby']);
  });

  it('documents every deviation action in OpenAPI under the tag avvikelser', async () => {
    const spec = (await new HttpClient(t.baseUrl).get('/api/docs-json')).json<{ paths: Record<string, Record<string, { tags?: string[] }>> }>();
    const paths = [
      ['/api/deviations', 'post'],
      ['/api/deviations', 'get'],
      ['/api/deviations/mine', 'get'],
      ['/api/deviations/{id}', 'get'],
      ...['accept', 'investigate', 'resolve', 'escalate', 'close', 'reopen', 'assign', 'move', 'comments'].map((a) => [`/api/deviations/{id}/${a}`, 'post']),
    ];
    for (const [path, method] of paths) expect(spec.paths[path]?.[method]?.tags).toEqual(['avvikelser']);
    // The pages are not API.
    expect(Object.keys(spec.paths).filter((path) => path.startsWith('/avvikelser') || path.startsWith('/delprojekt'))).toEqual([]);
  });
});
