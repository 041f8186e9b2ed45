import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { BarrierService } from '../src/modules/barrier/barrier.service';
import { PatternsJob } from '../src/modules/barrier/jobs/patterns.job';
import { PatternsService } from '../src/modules/barrier/patterns.service';
import { User } from '../src/modules/user/user.entity';
import { importDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { FakePatternEngine, useFakePatternEngine } from './support/fake-pattern-engine';
import { mergeThroughConfirmation } from './support/barrier-merge';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface BarrierRow {
  id: string;
  name: string;
  name_source: string;
  status: string;
  escalation_reason: string | null;
  merged_into_id: string | null;
  member_count: number;
  updated_at: Date;
}

interface MemberRow {
  external_id: string;
  barrier_id: string;
  confirmed_by_analyst: boolean;
  source: string;
  reason: string[];
}

let sequence = 0;

describe('barriers: the job, stable ids and the analyst’s hand (with a predictable engine)', () => {
  let t: TestApp;
  let fake: FakePatternEngine;
  let analyst: User;
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  const db = (): DataSource => t.app.get(DataSource);

  /** A report as the importer stores it; "mönster:<namn>" groups it in the fake engine. */
  async function report(kommun: string, occurredOn: string, marker: string | null, title = 'Avvikelse'): Promise<{ id: string; reference: string; externalId: string }> {
    sequence += 1;
    const externalId = `T-${String(sequence).padStart(4, '0')}`;
    const created = await importDeviation(t.app, {
      externalId,
      kommun,
      occurredOn,
      title,
      description: `Deltagaren fick inget stöd från någon av parterna.${marker ? ` mönster:${marker}` : ''}`,
    });
    return { id: created.id, reference: created.reference, externalId };
  }

  const barriers = async (): Promise<BarrierRow[]> =>
    (await db().query(
      `SELECT id, name, name_source, status, escalation_reason, merged_into_id, member_count, updated_at FROM barrier ORDER BY created_at, id`,
    )) as BarrierRow[];
  const members = async (): Promise<MemberRow[]> =>
    (await db().query(
      `SELECT d.external_id, bm.barrier_id, bm.confirmed_by_analyst, bm.source, bm.reason
         FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id ORDER BY d.external_id`,
    )) as MemberRow[];
  const barrierOf = async (externalId: string): Promise<string | null> => (await members()).find((m) => m.external_id === externalId)?.barrier_id ?? null;
  const run = async (mode: 'auto' | 'full' = 'auto'): Promise<string> => {
    const { outcome, summary } = await t.app.get(PatternsJob).runNow(mode);
    expect(outcome.status).toBe('succeeded');
    return summary?.mode ?? '';
  };

  const alfa: Array<{ id: string; reference: string; externalId: string }> = [];
  const beta: Array<{ id: string; reference: string; externalId: string }> = [];
  const gamma: Array<{ id: string; reference: string; externalId: string }> = [];
  const oneOffs: Array<{ id: string; reference: string; externalId: string }> = [];
  let alfaId = '';
  let betaId = '';
  let gammaId = '';

  beforeAll(async () => {
    t = await startTestApp({ clock });
    fake = useFakePatternEngine(t.app);
    analyst = await createUser(t.app, 'analyst', { email: 'analytiker@test.mia.se' });
    // alfa: four kommuner in four delprojekt within a year. beta: three kommuner of one delprojekt. gamma: two years apart.
    for (const [kommun, date] of [['Haninge', '2018-02-01'], ['Botkyrka', '2018-04-10'], ['Järfälla', '2018-09-01'], ['Täby', '2018-11-20']]) alfa.push(await report(kommun, date, 'alfa'));
    for (const [kommun, date] of [['Haninge', '2018-03-01'], ['Tyresö', '2018-03-05'], ['Nynäshamn', '2018-05-01']]) beta.push(await report(kommun, date, 'beta'));
    for (const [kommun, date] of [['Stockholm', '2017-01-10'], ['Salem', '2019-06-01']]) gamma.push(await report(kommun, date, 'gamma'));
    for (const [kommun, date] of [['Södertälje', '2018-01-01'], ['Österåker', '2018-02-01'], ['Nykvarn', '2018-03-01']]) oneOffs.push(await report(kommun, date, null, 'Lokalt problem'));
  });
  afterAll(() => t.close());

  it('a first run forms the barriers, escalates only the one across kommuner and delprojekt with a Swedish reason, and mails the analysts', async () => {
    expect(await run()).toBe('full');
    const rows = await barriers();
    expect(rows).toHaveLength(3);
    alfaId = (await barrierOf(alfa[0].externalId)) as string;
    betaId = (await barrierOf(beta[0].externalId)) as string;
    gammaId = (await barrierOf(gamma[0].externalId)) as string;
    expect(new Set([alfaId, betaId, gammaId]).size).toBe(3);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(alfaId)).toMatchObject({ status: 'eskalerad', member_count: 4, name_source: 'generated' });
    expect(byId.get(alfaId)?.escalation_reason).toBe(
      'Hindret återkommer i 4 kommuner (Botkyrka, Haninge, Järfälla och Täby) i 4 delprojekt (MIA HBS, MIA Järfälla, MIA Roslagen och MIA Östra Södertörn) ' +
        'inom 12 månader, mellan 2018-02-01 och 2018-11-20. Gränsen för eskalering är 3 kommuner i minst 2 delprojekt.',
    );
    expect(byId.get(betaId)).toMatchObject({ status: 'foreslagen', escalation_reason: null, member_count: 3 });
    expect(byId.get(gammaId)).toMatchObject({ status: 'foreslagen', escalation_reason: null, member_count: 2 });
    for (const oneOff of oneOffs) expect(await barrierOf(oneOff.externalId)).toBeNull();
    expect((await members()).find((m) => m.external_id === alfa[0].externalId)?.reason).toEqual(['nämner alfa']);

    const mails = (await db().query(`SELECT recipients, subject, text FROM mail_outbox WHERE template = 'barrier-escalated'`)) as Array<{
      recipients: string[];
      subject: string;
      text: string;
    }>;
    expect(mails).toHaveLength(1);
    expect(mails[0].recipients).toEqual(['analytiker@test.mia.se']);
    // The mail names it without the app's party codes; the stored name keeps them.
    expect(byId.get(alfaId)?.name).toBe('Alfa och samordning (AF, FK)');
    expect(mails[0].subject).toBe('Eskalerat hinder i 4 kommuner inom 12 månader: Alfa och samordning');
    expect(mails[0].text).toContain('Varför: Hindret återkommer i 4 kommuner');
    expect(mails[0].text).toContain(`/hinder/${alfaId}`);

    // Its member reports carry the notice; the others do not.
    expect(await t.app.get(BarrierService).barrierNoticeFor(alfa[1].id)).toEqual({ barrierId: alfaId, municipalityCount: 4, text: 'Del av ett återkommande hinder i 4 kommuner' });
    expect(await t.app.get(BarrierService).barrierNoticeFor(beta[0].id)).toBeNull();
    expect(await t.app.get(BarrierService).barrierNoticeFor(oneOffs[0].id)).toBeNull();
    const reporter = await createUser(t.app, 'staff', { subproject: 'MIA HBS', email: 'rapportor@mia-example.se' });
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS' });
    for (const user of [reporter, lead]) {
      const client = new HttpClient(t.baseUrl);
      await client.login(user.email, TEST_PASSWORD);
      const shown = await client.get(`/avvikelser/${alfa[1].id}`);
      expect(shown.status).toBe(200);
      expect(shown.text).toContain('Del av ett återkommande hinder i 4 kommuner');
    }
    const own = new HttpClient(t.baseUrl);
    await own.login(reporter.email, TEST_PASSWORD);
    const notEscalated = await own.get(`/avvikelser/${beta[0].id}`);
    expect(notEscalated.status).toBe(200);
    expect(notEscalated.text).not.toContain('Del av ett återkommande hinder');
  });

  it('rerunning on unchanged data, incrementally or in full, writes nothing: no barrier, member, mail or change', async () => {
    const before = { barriers: await barriers(), members: await members() };
    const mailsBefore = (await db().query(`SELECT count(*)::int AS n FROM mail_outbox`)) as Array<{ n: number }>;
    expect(await run()).toBe('incremental');
    expect(await run('full')).toBe('full');
    expect(await barriers()).toEqual(before.barriers);
    expect(await members()).toEqual(before.members);
    expect((await db().query(`SELECT count(*)::int AS n FROM mail_outbox`)) as Array<{ n: number }>).toEqual(mailsBefore);
  });

  it('a new report joins its barrier without a full run, keeping the barrier’s id', async () => {
    const fullRuns = fake.fullRuns;
    const late = await report('Stockholm', '2018-12-01', 'alfa');
    expect(await run()).toBe('incremental');
    expect(fake.fullRuns).toBe(fullRuns);
    expect(await barrierOf(late.externalId)).toBe(alfaId);
    expect((await barriers()).find((b) => b.id === alfaId)?.member_count).toBe(5);
    alfa.push(late);
  });

  it('the analyst renames, confirms, moves reports in and out, splits and merges on the pages, and a full rerun keeps it all', async () => {
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    const list = await client.get('/hinder');
    expect(list.status).toBe(200);
    expect(list.text).toContain('<h1>Strukturella hinder</h1>');
    expect(list.text).toContain(`href="/hinder/${alfaId}"`);
    expect(list.text).toContain('3 hinder, varav 1 eskalerat.');
    const page = await client.get(`/hinder/${alfaId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Varför eskalerat');
    expect(page.text).toContain('nämner alfa');
    expect(page.text).toContain(alfa[0].reference);

    // Rename: the analyst's name is kept when the engine runs again.
    let result = await client.postForm(`/hinder/${alfaId}/namn`, { name: 'Glapp mellan FK och AF' });
    expect(result.status).toBe(303);
    expect(result.location).toBe(`/hinder/${alfaId}?klart=namn`);
    // A name that is too short comes back with the message at the field.
    await client.get(`/hinder/${alfaId}`);
    result = await client.postForm(`/hinder/${alfaId}/namn`, { name: 'x' });
    expect(result.status).toBe(400);
    expect(result.text).toContain('Skriv ett namn på 3–160 tecken.');
    expect(result.text).toContain('value="x"');

    // Confirm beta.
    await client.get(`/hinder/${betaId}`);
    expect((await client.postForm(`/hinder/${betaId}/bekrafta`, {})).status).toBe(303);

    // Move an alfa report out, and a one-off into beta by its reference.
    await client.get(`/hinder/${alfaId}`);
    expect((await client.postForm(`/hinder/${alfaId}/flytta-ut`, { deviationId: alfa[0].id })).status).toBe(303);
    await client.get(`/hinder/${betaId}`);
    expect((await client.postForm(`/hinder/${betaId}/flytta-in`, { report: oneOffs[0].reference })).status).toBe(303);
    result = await client.postForm(`/hinder/${betaId}/flytta-in`, { report: 'AVV-1999-99999' });
    expect(result.status).toBe(404);
    expect(result.text).toContain('Ingen rapport har referensen &quot;AVV-1999-99999&quot;.');

    // Split an alfa report into a barrier of its own; choosing every report is refused.
    await client.get(`/hinder/${alfaId}`);
    result = await client.postForm(`/hinder/${alfaId}/dela`, { deviationIds: alfa.slice(1).map((r) => r.id) });
    expect(result.status).toBe(400);
    expect(result.text).toContain('Lämna minst en rapport kvar i hindret.');
    result = await client.postForm(`/hinder/${alfaId}/dela`, { deviationIds: [alfa[1].id], name: 'Avdelat hinder' });
    expect(result.status).toBe(303);
    const splitId = /\/hinder\/([0-9a-f-]{36})\?klart=nytt-fran-delning/.exec(result.location ?? '')?.[1] as string;
    expect(splitId).toBeTruthy();

    // Merge gamma into beta: gamma's address then leads to beta.
    expect((await mergeThroughConfirmation(client, betaId, gammaId)).merged.status).toBe(303);
    const moved = await client.get(`/hinder/${gammaId}`);
    expect(moved.status).toBe(302);
    expect(moved.location).toBe(`/hinder/${betaId}?fran=${gammaId}`);

    const check = async (): Promise<void> => {
      const rows = new Map((await barriers()).map((b) => [b.id, b]));
      expect(rows.get(alfaId)).toMatchObject({ name: 'Glapp mellan FK och AF', name_source: 'analyst', status: 'eskalerad' });
      // Södertälje, moved in, and beta's three kommuner fall within a year in two delprojekt: escalated by the analyst's change.
      expect(rows.get(betaId)).toMatchObject({ status: 'eskalerad', member_count: 6 });
      expect(rows.get(betaId)?.escalation_reason).toMatch(/^Hindret återkommer i 4 kommuner \(Haninge, Nynäshamn, Södertälje och Tyresö\)/);
      expect(rows.get(gammaId)).toMatchObject({ status: 'sammanslagen', merged_into_id: betaId, member_count: 0 });
      expect(rows.get(splitId)).toMatchObject({ name: 'Avdelat hinder', status: 'bekraftad', member_count: 1 });
      expect(await barrierOf(alfa[0].externalId)).toBeNull();
      expect(await barrierOf(alfa[1].externalId)).toBe(splitId);
      expect(await barrierOf(alfa[2].externalId)).toBe(alfaId);
      expect(await barrierOf(alfa[3].externalId)).toBe(alfaId);
      expect(await barrierOf(oneOffs[0].externalId)).toBe(betaId);
      for (const g of gamma) expect(await barrierOf(g.externalId)).toBe(betaId);
      const confirmed = (await members()).filter((m) => m.confirmed_by_analyst).map((m) => m.external_id).sort();
      // Naming alfa confirmed it with its reports (alfa[0] was moved out after that, alfa[1] split off).
      expect(confirmed).toEqual([...alfa.slice(1), ...beta, ...gamma, oneOffs[0]].map((r) => r.externalId).sort());
    };
    await check();
    // The engine groups by marker and ignores the analyst: the app keeps the analyst's choices.
    expect(await run()).toBe('full');
    await check();
    expect(await run('full')).toBe('full');
    await check();

    const detail = await client.get(`/hinder/${betaId}`);
    expect(detail.text).toContain(`Placerad här av ${analyst.name}.`);
    expect(detail.text).toContain(`Sammanslaget från hindret`);
    const alfaPage = await client.get(`/hinder/${alfaId}`);
    expect(alfaPage.text).toContain('Utflyttade rapporter');
    expect(alfaPage.text).toContain(alfa[0].reference);
  });

  it('forms need the CSRF token, and the API speaks Swedish with a bearer token', async () => {
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    await client.get(`/hinder/${betaId}`);
    expect((await client.postForm(`/hinder/${betaId}/bekrafta`, {}, { csrf: null })).status).toBe(403);

    const token = await createApiToken(t.app, analyst);
    const api = new HttpClient(t.baseUrl);
    const list = await api.api('GET', '/api/barriers', undefined, token);
    expect(list.status).toBe(200);
    expect(list.json<Array<{ id: string; status: string }>>().map((b) => b.id)).toContain(alfaId);
    const renamed = await api.api('PATCH', `/api/barriers/${betaId}`, { name: 'Bistånd kräver inskrivning' }, token);
    expect(renamed.status).toBe(200);
    expect(renamed.json<{ name: string; nameSource: string }>()).toMatchObject({ name: 'Bistånd kräver inskrivning', nameSource: 'analyst' });
    const bad = await api.api('PATCH', `/api/barriers/${betaId}`, { name: '' }, token);
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: { fields: Array<{ field: string; message: string }> } }>().error.fields).toEqual([{ field: 'name', message: 'Skriv ett namn på 3–160 tecken.' }]);
    const inactive = await api.api('POST', `/api/barriers/${gammaId}/confirm`, undefined, token);
    expect(inactive.status).toBe(409);
    expect(inactive.json<{ error: { message: string } }>().error.message).toBe('Hindret är sammanslaget och kan inte ändras.');
    const out = await api.api('DELETE', `/api/barriers/${betaId}/members/${oneOffs[0].id}`, undefined, token);
    expect(out.status).toBe(200);
    expect(out.json<{ members: Array<{ deviationId: string }>; excluded: Array<{ deviationId: string }> }>().excluded.map((x) => x.deviationId)).toEqual([oneOffs[0].id]);
    expect((await api.api('GET', '/api/barriers/00000000-0000-0000-0000-000000000000', undefined, token)).status).toBe(404);
  });

  it('staff and leads get 403 on the barrier pages and API, and only analysts see "Hinder" in the menu', async () => {
    for (const role of ['staff', 'lead'] as const) {
      const user = await createUser(t.app, role);
      const client = new HttpClient(t.baseUrl);
      await client.login(user.email, TEST_PASSWORD);
      for (const path of ['/hinder', `/hinder/${alfaId}`, '/hinder/tesaurus']) expect((await client.get(path)).status).toBe(403);
      expect((await client.api('GET', '/api/barriers')).status).toBe(403);
      expect((await client.get('/')).text).not.toContain('href="/hinder"');
    }
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    expect((await client.get('/')).text).toContain('href="/hinder"');
  });

  it('a barrier whose reports leads mark as strukturellt hinder is escalated, saying so, even within one delprojekt', async () => {
    const delta = [await report('Haninge', '2019-05-01', 'delta'), await report('Tyresö', '2019-05-02', 'delta')];
    expect(await run()).toBe('full');
    const deltaId = (await barrierOf(delta[0].externalId)) as string;
    expect((await barriers()).find((b) => b.id === deltaId)?.status).toBe('foreslagen');
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
    const token = await createApiToken(t.app, lead);
    const api = new HttpClient(t.baseUrl);
    for (const member of delta) {
      expect((await api.api('POST', `/api/deviations/${member.id}/accept`, {}, token)).status).toBe(200);
      expect((await api.api('POST', `/api/deviations/${member.id}/escalate`, { comment: 'Samma hinder i alla kommuner.' }, token)).status).toBe(200);
    }
    expect(await run()).toBe('incremental');
    const escalated = (await barriers()).find((b) => b.id === deltaId);
    expect(escalated?.status).toBe('eskalerad');
    expect(escalated?.escalation_reason).toBe(
      `Delprojektledare har markerat 2 av hindrets rapporter som strukturellt hinder (${[delta[0].reference, delta[1].reference].sort().join(' och ')}).`,
    );
  });

  it('the analyst adds a thesaurus line, which makes the next run a full one', async () => {
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    await client.get('/hinder/tesaurus');
    const bad = await client.postForm('/hinder/tesaurus', { line: 'inget kolon här' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Raden följer inte formatet.');
    expect((await client.postForm('/hinder/tesaurus', { line: 'sjukpenning [FK]:  sjukpenningen,sjp ' })).status).toBe(303);
    const page = await client.get('/hinder/tesaurus');
    expect(page.text).toContain('sjukpenning [FK]: sjukpenningen, sjp');
    const fullRuns = fake.fullRuns;
    expect(await run()).toBe('full');
    expect(fake.fullRuns).toBe(fullRuns + 1);
    expect(await run()).toBe('incremental');
  });

  it('/hinder tells the analyst when the analysis last ran and what waits for it, and runs it on request', async () => {
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const token = await createApiToken(t.app, analyst);
    await run();
    let page = await client.get('/hinder');
    expect(page.text).toContain('Senast körd');
    expect(page.text).toContain('Stegvis körning');
    expect(page.text).not.toContain('Väntar på nästa körning');

    const added = await report('Haninge', '2018-12-01', 'alfa');
    page = await client.get('/hinder');
    expect(page.text).toContain('Väntar på nästa körning: 1 ny rapport.');
    let status = (await client.api('GET', '/api/patterns', undefined, token)).json<{ unseenReports: number; analystChanges: boolean; running: boolean }>();
    expect(status).toMatchObject({ unseenReports: 1, analystChanges: false, running: false });

    const started = await client.postForm('/hinder/kor-analys', {});
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toBe('/hinder?analys=startad');
    await t.app.get(PatternsJob).settled();
    expect(await barrierOf(added.externalId)).toBe(alfaId);
    page = await client.get('/hinder?analys=startad');
    // Finished: the result says it, not the banner of a run that has started (test/barrier-page-details.e2e-spec.ts).
    expect(page.text).not.toContain('Mönsteranalysen har startat.');
    expect(page.text).not.toContain('Väntar på nästa körning');
    status = (await client.api('GET', '/api/patterns', undefined, token)).json<{ unseenReports: number; analystChanges: boolean; running: boolean }>();
    expect(status).toMatchObject({ unseenReports: 0, running: false, last: { status: 'succeeded' } });

    // An analyst's change waits for a full run, and the page says so.
    expect((await client.postForm(`/hinder/${alfaId}/bekrafta`, {})).status).toBe(303);
    page = await client.get('/hinder');
    expect(page.text).toContain('ändringar i hinder (bekräftelser, sammanslagningar, flyttar), som ger en full körning');
    const fullRuns = fake.fullRuns;
    const viaApi = await client.api('POST', '/api/patterns/run', undefined, token);
    expect(viaApi.status).toBe(202);
    expect(viaApi.json<{ started: boolean }>()).toEqual({ started: true });
    await t.app.get(PatternsJob).settled();
    expect(fake.fullRuns).toBe(fullRuns + 1);

    // One run at a time: a second request while one runs starts nothing.
    const job = t.app.get(PatternsJob);
    expect(job.startNow()).toBe('started');
    expect(job.startNow()).toBe('running');
    await job.settled();

    // A run that fails says so, without the internal error, and the next one runs.
    await report('Täby', '2018-12-05', 'alfa');
    fake.failNext = new Error('relation "barrier_member_x" does not exist');
    expect(job.startNow()).toBe('started');
    await job.settled();
    page = await client.get('/hinder');
    expect(page.text).toContain('misslyckades. Felet finns i jobbloggen');
    expect(page.text).not.toContain('barrier_member_x');
    status = (await client.api('GET', '/api/patterns', undefined, token)).json<{ unseenReports: number; analystChanges: boolean; running: boolean }>();
    expect(JSON.stringify(status)).not.toContain('barrier_member_x');
    expect(status).toMatchObject({ last: { status: 'failed' } });
    expect(job.startNow()).toBe('started');
    await job.settled();
    expect((await client.get('/hinder')).text).toContain('Senast körd');

    const staff = await createApiToken(t.app, await createUser(t.app, 'staff'));
    expect((await client.api('POST', '/api/patterns/run', undefined, staff)).status).toBe(403);
  });
});

describe('a full run that fails while it writes (with a predictable engine)', () => {
  it('leaves every report unseen and nothing written, and the next run does it all', async () => {
    const t = await startTestApp({ clock: new FixedClock(new Date('2026-11-23T02:00:00Z')) });
    try {
      const fake = useFakePatternEngine(t.app);
      for (const kommun of ['Haninge', 'Botkyrka', 'Täby']) {
        sequence += 1;
        await importDeviation(t.app, {
          externalId: `T-${String(sequence).padStart(4, '0')}`,
          kommun,
          occurredOn: '2018-02-01',
          title: 'Avvikelse',
          description: 'Deltagaren fick inget stöd från någon av parterna. mönster:delta',
        });
      }
      const patterns = t.app.get(PatternsService);
      const db = t.app.get(DataSource);
      const stored = async (): Promise<{ seen: number; barriers: number; members: number }> =>
        (
          (await db.query(
            `SELECT (SELECT count(*) FROM barrier_engine_seen)::int AS seen, (SELECT count(*) FROM barrier)::int AS barriers,
                    (SELECT count(*) FROM barrier_member)::int AS members`,
          )) as Array<{ seen: number; barriers: number; members: number }>
        )[0];
      // The reports are marked seen early in the writing transaction; the membership that follows fails.
      fake.breakNextOutcome = true;
      await expect(patterns.run('full')).rejects.toThrow(/uuid/);
      expect(await stored()).toEqual({ seen: 0, barriers: 0, members: 0 });
      expect(await patterns.pending()).toMatchObject({ unseenReports: 3 });
      const summary = await patterns.run('auto');
      expect(summary).toMatchObject({ mode: 'full', reports: 3, newReports: 3, created: 1 });
      expect(await stored()).toEqual({ seen: 3, barriers: 1, members: 3 });
    } finally {
      await t.close();
    }
  });
});

describe('the patterns job on two app instances', () => {
  it('runs a scheduled tick once, whichever instance fires first', async () => {
    const clock = new FixedClock(new Date('2026-11-23T02:00:00.300Z'));
    const first = await startTestApp({ clock });
    const second = await startTestApp({ clock, db: first.db });
    try {
      const fakes = [useFakePatternEngine(first.app), useFakePatternEngine(second.app)];
      const outcomes = await Promise.all([first.app.get(PatternsJob).runScheduled(), second.app.get(PatternsJob).runScheduled()]);
      expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
      expect(fakes[0].fullRuns + fakes[1].fullRuns).toBe(1);
      // A timer firing a minute late belongs to the same tick.
      clock.set(new Date('2026-11-23T02:01:10Z'));
      expect(await second.app.get(PatternsJob).runScheduled()).toEqual({ status: 'skipped', reason: 'done' });
      const runs = (await first.app.get(DataSource).query(`SELECT slot, status FROM job_run WHERE job_name = 'patterns'`)) as Array<{ slot: string; status: string }>;
      expect(runs).toEqual([{ slot: '2026-11-23 03:00', status: 'succeeded' }]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe('the patterns job’s timer', () => {
  it('is registered on PATTERNS_CRON in Swedish time when the scheduler is on', async () => {
    const t = await startTestApp({ env: { SCHEDULER_ENABLED: 'true', PATTERNS_CRON: '30 4 * * 1-5' } });
    try {
      const job = t.app.get(SchedulerRegistry).getCronJob('patterns');
      const next = job.nextDate().toJSDate();
      expect(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit' }).format(next)).toBe('04:30');
      expect(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']).toContain(new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Stockholm', weekday: 'short' }).format(next));
    } finally {
      await t.close();
    }
  });

  it('refuses to start with a PATTERNS_CRON the scheduler cannot read', async () => {
    await expect(startTestApp({ env: { PATTERNS_CRON: '99 * * * *' } })).rejects.toThrow('PATTERNS_CRON: "99 * * * *" är inte ett giltigt cron-uttryck');
  });
});
