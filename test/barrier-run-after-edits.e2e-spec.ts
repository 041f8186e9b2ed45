import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsJob } from '../src/modules/barrier/jobs/patterns.job';
import { PatternsService } from '../src/modules/barrier/patterns.service';
import { DEMO_PASSWORD } from '../src/modules/user/demo-seeder';
import { importDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { FakePatternEngine, useFakePatternEngine } from './support/fake-pattern-engine';
import { mergeThroughConfirmation } from './support/barrier-merge';
import { HttpClient } from './support/http-client';
import { startDemoApp } from './support/demo-app';
import { startTestApp, TestApp } from './support/test-app';

interface StoredBarrier {
  id: string;
  name: string;
  name_source: string;
  status: string;
  terms: string[];
  member_count: number;
}

interface ListedBarrier {
  id: string;
  name: string;
  status: string;
  memberCount: number;
}

const barriersOf = async (db: DataSource): Promise<StoredBarrier[]> =>
  (await db.query(`SELECT id, name, name_source, status, terms, member_count FROM barrier ORDER BY created_at, id`)) as StoredBarrier[];

const membersOf = async (db: DataSource, barrierId: string): Promise<string[]> =>
  ((await db.query(`SELECT deviation_id FROM barrier_member WHERE barrier_id = $1 ORDER BY deviation_id`, [barrierId])) as Array<{ deviation_id: string }>).map(
    (row) => row.deviation_id,
  );

/** "8 hinder, varav 7 eskalerade." on /hinder, as numbers. */
function headingCounts(page: string): { barriers: number; escalated: number } | null {
  const match = /<p>(\d+) hinder, varav (\d+) eskalerade?\.<\/p>/.exec(page);
  return match ? { barriers: Number(match[1]), escalated: Number(match[2]) } : null;
}

/**
 * The reviewer's walk through the demo as the analyst: rename a barrier and send its letter, split, merge and add a
 * thesaurus line, then "Kör mönsteranalysen nu". The engine is the real one: it regroups everything after such edits.
 */
describe('a full run after the analyst’s edits (demo data, real engine)', () => {
  const clock = new FixedClock(new Date('2026-11-24T08:00:00Z'));
  let t: TestApp;

  beforeAll(async () => {
    t = await startDemoApp(clock);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the named barrier and the one with a sent letter whole, dissolves what it empties, and counts alike everywhere', async () => {
    const db = t.app.get(DataSource);
    const client = new HttpClient(t.baseUrl);
    expect((await client.login('utvecklare@demo.mia.se', DEMO_PASSWORD)).status).toBe(303);
    const before = await barriersOf(db);
    const byTerms = (...terms: string[]): StoredBarrier => {
      const found = before.find((b) => terms.every((term) => b.terms.includes(term)));
      if (!found) throw new Error(`Inget hinder med ${terms.join(', ')}: ${before.map((b) => b.terms.join(',')).join(' | ')}`);
      return found;
    };
    const training = byTerms('arbetsträning', 'upptrappning');
    const sickPay = byTerms('sjukpenning', 'upphöra');
    const scope = byTerms('omfattning', 'insatser');
    const own = byTerms('egen');

    // Rename, then review, send and answer its letter.
    await client.get(`/hinder/${training.id}`);
    expect((await client.postForm(`/hinder/${training.id}/namn`, { name: 'Arbetsträning i liten omfattning under sjukskrivning' })).status).toBe(303);
    const [letter] = (await db.query(`SELECT id FROM letter WHERE barrier_id = $1`, [training.id])) as Array<{ id: string }>;
    expect(letter).toBeDefined();
    const token = await createApiToken(t.app, (await db.query(`SELECT * FROM app_user WHERE email = 'utvecklare@demo.mia.se'`))[0]);
    for (const body of [{ action: 'review' }, { action: 'send' }, { action: 'answer', answer: 'Rådet tar upp frågan.' }]) {
      expect((await client.api('POST', `/api/letters/${letter.id}/transitions`, body, token)).status).toBeLessThan(300);
    }
    const trainingMembers = await membersOf(db, training.id);

    // Split three reports off the sick-pay barrier, merge "egen" into the scope barrier, add a thesaurus line.
    const sickPayMembers = await membersOf(db, sickPay.id);
    await client.get(`/hinder/${sickPay.id}`);
    const split = await client.postForm(`/hinder/${sickPay.id}/dela`, { deviationIds: sickPayMembers.slice(0, 3) });
    expect(split.status).toBe(303);
    const splitId = /\/hinder\/([0-9a-f-]{36})/.exec(split.location ?? '')?.[1] as string;
    const keptBySickPay = sickPayMembers.slice(3);
    expect((await mergeThroughConfirmation(client, scope.id, own.id)).merged.status).toBe(303);
    await client.get('/hinder/tesaurus');
    expect((await client.postForm('/hinder/tesaurus', { line: 'arbetsträning: praktik, arbetsprövning' })).status).toBe(303);
    const activeBefore = new Set((await barriersOf(db)).filter((b) => ['foreslagen', 'bekraftad', 'eskalerad'].includes(b.status)).map((b) => b.id));

    // An hour later, so this run is the latest on /hinder.
    clock.set(new Date('2026-11-24T09:00:00Z'));
    await client.get('/hinder');
    expect((await client.postForm('/hinder/kor-analys', {})).status).toBe(303);
    await t.app.get(PatternsJob).settled();

    const after = await barriersOf(db);
    const byId = new Map(after.map((b) => [b.id, b]));
    // The analyst's hand holds: the named barrier with the sent letter keeps every report, and so do both halves of the split.
    expect(byId.get(training.id)).toMatchObject({ name: 'Arbetsträning i liten omfattning under sjukskrivning', status: 'eskalerad' });
    expect(await membersOf(db, training.id)).toEqual(expect.arrayContaining(trainingMembers));
    expect(await membersOf(db, sickPay.id)).toEqual(expect.arrayContaining(keptBySickPay));
    expect(await membersOf(db, splitId)).toEqual(expect.arrayContaining(sickPayMembers.slice(0, 3)));
    expect(await membersOf(db, sickPay.id)).not.toEqual(expect.arrayContaining(sickPayMembers.slice(0, 1)));

    // No barrier stays active without reports; what the run emptied is dissolved (or merged) and counted as such.
    for (const barrier of after.filter((b) => ['foreslagen', 'bekraftad', 'eskalerad'].includes(b.status))) {
      expect([barrier.name, (await membersOf(db, barrier.id)).length]).not.toEqual([barrier.name, 0]);
      expect(barrier.member_count).toBe((await membersOf(db, barrier.id)).length);
    }
    const retired = after.filter((b) => activeBefore.has(b.id) && ['upplost', 'sammanslagen'].includes(b.status));
    const [run] = (await db.query(`SELECT summary FROM job_run WHERE job_name = 'patterns' ORDER BY started_at DESC LIMIT 1`)) as Array<{ summary: string }>;
    expect(run.summary).toContain(`${retired.length} upplösta)`);

    // The list, its heading and the run agree, and every listed barrier has reports.
    const listed = (await client.api('GET', '/api/barriers', undefined, token)).json<ListedBarrier[]>();
    expect(listed.every((b) => b.memberCount > 0)).toBe(true);
    expect(run.summary).toContain(`. ${listed.length} hinder (`);
    const page = (await client.get('/hinder')).text;
    expect(headingCounts(page)).toEqual({ barriers: listed.length, escalated: listed.filter((b) => b.status === 'eskalerad').length });

    // The sent letter's effect stays on the overview.
    const overview = (await client.get('/oversikt')).text;
    expect(overview).toContain('Arbetsträning i liten omfattning under sjukskrivning (skrivelse skickad 2026-11-24)');
  }, 120_000);
});

let sequence = 0;

/** The same rules with a predictable engine: what a run empties, and what the analyst's hand holds, whatever the engine says. */
describe('barriers a full run empties (with a predictable engine)', () => {
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  let t: TestApp;
  let fake: FakePatternEngine;
  const db = (): DataSource => t.app.get(DataSource);

  async function report(kommun: string, occurredOn: string, marker: string): Promise<{ id: string; reference: string }> {
    sequence += 1;
    const created = await importDeviation(t.app, {
      externalId: `E-${String(sequence).padStart(4, '0')}`,
      kommun,
      occurredOn,
      title: 'Avvikelse',
      description: `Deltagaren fick inget stöd från någon av parterna. mönster:${marker}`,
    });
    return { id: created.id, reference: created.reference };
  }
  /** The engine will see the report as part of another group (as a thesaurus line or the analyst's confirmations may make it). */
  const remark = (id: string, marker: string): Promise<unknown> =>
    db().query(`UPDATE deviation SET description = regexp_replace(description, 'mönster:[a-zåäö0-9-]+', $2) WHERE id = $1`, [id, `mönster:${marker}`]);
  const barrierOf = async (deviationId: string): Promise<string | null> =>
    ((await db().query(`SELECT barrier_id FROM barrier_member WHERE deviation_id = $1`, [deviationId])) as Array<{ barrier_id: string }>)[0]?.barrier_id ?? null;
  const stored = async (id: string): Promise<StoredBarrier & { escalation_reason: string | null }> =>
    ((await db().query(`SELECT id, name, name_source, status, terms, member_count, escalation_reason FROM barrier WHERE id = $1`, [id])) as Array<
      StoredBarrier & { escalation_reason: string | null }
    >)[0];

  beforeAll(async () => {
    t = await startTestApp({ clock });
    fake = useFakePatternEngine(t.app);
  });
  afterAll(() => t.close());

  it('dissolves an escalated barrier it leaves without reports: counted, left out of the list, its escalation and notice gone', async () => {
    const analyst = await createUser(t.app, 'analyst');
    const kommuner: Array<[string, string]> = [['Haninge', '2026-02-01'], ['Botkyrka', '2026-03-01'], ['Järfälla', '2026-04-01']];
    const alfa = [];
    for (const [kommun, date] of kommuner) alfa.push(await report(kommun, date, 'alfa'));
    const beta = [];
    for (const [kommun, date] of kommuner) beta.push(await report(kommun, date, 'beta'));
    const first = await t.app.get(PatternsService).run('full');
    expect(first.created).toBe(2);
    const alfaId = (await barrierOf(alfa[0].id)) as string;
    expect((await stored(alfaId)).status).toBe('eskalerad');

    // The engine now finds alfa's reports to be one-offs.
    for (const r of alfa) await remark(r.id, `ensam-${r.reference.toLowerCase()}`);
    const summary = await t.app.get(PatternsService).run('full');
    expect(summary).toMatchObject({ dissolved: 1, activeBarriers: 1 });
    expect(PatternsService.describe(summary)).toContain('1 hinder (0 nya, ');
    // Not silently: the summary says the dissolved barrier had been escalated, and /hinder lists it with a restore.
    expect(PatternsService.describe(summary)).toContain('1 upplösta, varav 1 hade varit eskalerat: se listan nedan');
    expect(await stored(alfaId)).toMatchObject({ status: 'upplost', member_count: 0 });

    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const list = await client.get('/hinder');
    // Not among the barriers: only in the list of what the run dissolved, with a way to restore it.
    const barrierTable = list.text.slice(list.text.indexOf('<table class="barrier-list'));
    expect(barrierTable).not.toContain(`href="/hinder/${alfaId}"`);
    expect(list.text).toContain(`action="/hinder/${alfaId}/aterstall"`);
    expect(list.text).toContain('<p>1 hinder, varav 1 eskalerat.</p>');
    const page = await client.get(`/hinder/${alfaId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hindret är upplöst');
    expect(page.text).not.toContain('Varför eskalerat');
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
    const leadClient = new HttpClient(t.baseUrl);
    await leadClient.login(lead.email, TEST_PASSWORD);
    expect((await leadClient.get(`/avvikelser/${alfa[0].id}`)).text).not.toContain('Del av ett återkommande hinder');
  });

  it('keeps a barrier the analyst named, and one whose letter was sent, with their reports when the engine puts them elsewhere', async () => {
    const kommuner: Array<[string, string]> = [['Tyresö', '2026-02-01'], ['Salem', '2026-03-01'], ['Täby', '2026-04-01']];
    const gamma = [];
    for (const [kommun, date] of kommuner) gamma.push(await report(kommun, date, 'gamma'));
    const delta = [];
    for (const [kommun, date] of kommuner) delta.push(await report(kommun, date, 'delta'));
    // Four reports: the group of all of them continues epsilon, which shares most with it.
    for (const [kommun, date] of [...kommuner, ['Nykvarn', '2026-05-01']]) await report(kommun, date, 'epsilon');
    await t.app.get(PatternsService).run('full');
    const gammaId = (await barrierOf(gamma[0].id)) as string;
    const deltaId = (await barrierOf(delta[0].id)) as string;
    const analyst = await createUser(t.app, 'analyst');
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    await client.get(`/hinder/${gammaId}`);
    expect((await client.postForm(`/hinder/${gammaId}/namn`, { name: 'Glapp mellan AF och FK' })).status).toBe(303);
    // delta's draft letter (the run made it) is sent.
    const [letter] = (await db().query(`SELECT id FROM letter WHERE barrier_id = $1`, [deltaId])) as Array<{ id: string }>;
    expect(letter).toBeDefined();
    const token = await createApiToken(t.app, analyst);
    for (const body of [{ action: 'review' }, { action: 'send' }]) {
      expect((await client.api('POST', `/api/letters/${letter.id}/transitions`, body, token)).status).toBeLessThan(300);
    }

    // The engine would now put all of them in epsilon's group.
    for (const r of [...gamma, ...delta]) await remark(r.id, 'epsilon');
    const fullRuns = fake.fullRuns;
    await t.app.get(PatternsService).run('auto');
    expect(fake.fullRuns).toBe(fullRuns + 1);
    for (const r of gamma) expect(await barrierOf(r.id)).toBe(gammaId);
    for (const r of delta) expect(await barrierOf(r.id)).toBe(deltaId);
    expect(await stored(gammaId)).toMatchObject({ name: 'Glapp mellan AF och FK', status: 'eskalerad', member_count: 3 });
    expect(await stored(deltaId)).toMatchObject({ status: 'eskalerad', member_count: 3 });
  });
});

/**
 * The analyst names two barriers (which confirms them) and runs the analysis again: the proposals nobody touched
 * stand as they were. Before, the two confirmed barriers guided the whole clustering and untouched escalated
 * proposals fell apart into one-offs or into the confirmed barriers.
 */
describe('a full run after two barriers are named (demo data, real engine)', () => {
  const clock = new FixedClock(new Date('2026-11-25T08:00:00Z'));
  let t: TestApp;

  beforeAll(async () => {
    t = await startDemoApp(clock);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('keeps every barrier nobody touched, with its id, status and reports', async () => {
    const db = t.app.get(DataSource);
    const client = new HttpClient(t.baseUrl);
    expect((await client.login('utvecklare@demo.mia.se', DEMO_PASSWORD)).status).toBe(303);
    const active = (await barriersOf(db)).filter((b) => ['foreslagen', 'bekraftad', 'eskalerad'].includes(b.status));
    expect(active.length).toBeGreaterThanOrEqual(5);
    const [first, second, ...untouched] = active;
    for (const [barrier, name] of [
      [first, 'Första namngivna hindret'],
      [second, 'Andra namngivna hindret'],
    ] as const) {
      await client.get(`/hinder/${barrier.id}`);
      expect((await client.postForm(`/hinder/${barrier.id}/namn`, { name })).status).toBe(303);
    }
    const membersBefore = new Map<string, string[]>();
    for (const barrier of untouched) membersBefore.set(barrier.id, await membersOf(db, barrier.id));

    clock.set(new Date('2026-11-25T09:00:00Z'));
    await client.get('/hinder');
    expect((await client.postForm('/hinder/kor-analys', {})).status).toBe(303);
    await t.app.get(PatternsJob).settled();

    const after = new Map((await barriersOf(db)).map((b) => [b.id, b]));
    for (const barrier of untouched) {
      expect(after.get(barrier.id)?.status).toBe(barrier.status);
      expect(await membersOf(db, barrier.id)).toEqual(membersBefore.get(barrier.id));
    }
    expect(after.get(first.id)).toMatchObject({ name: 'Första namngivna hindret', status: first.status === 'eskalerad' ? 'eskalerad' : 'bekraftad' });
  }, 120_000);
});
