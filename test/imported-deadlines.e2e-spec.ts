import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { DeviationImportedAt1763900001400 } from '../src/database/migrations/1763900001400-deviation-imported-at';
import { DashboardData } from '../src/modules/dashboard/dashboard.types';
import { DeviationListItem, DeviationPage } from '../src/modules/deviation/deviation.types';
import { DeviationRemindersJob } from '../src/modules/deviation/jobs/deviation-reminders.job';
import { DigestJob } from '../src/modules/digest/digest.job';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { deviationBody, municipalityId } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { CaughtMail, SmtpCatcher } from './support/smtp-catcher';
import { createTestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Imported open reports: their deadlines count from the import, not from their date in the earlier
 * system, everywhere a lead reads them (queue, report page, API, start page, overview), and reminders
 * and the digest follow the same rule. Through HTTP, Postgres and SMTP; time from a FixedClock.
 */

const LEAD = 'ledare.os@test.mia.se';
const ANALYST = 'utvecklare@test.mia.se';
/** How many old open reports the big import carries besides the three the tests look at by name. */
const BULK = 40;

/** The page's text without tags, white space made one space. */
function pageText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<\/?(?:strong|a|span|em)\b[^>]*>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');
}

function importLine(row: Record<string, unknown>): string {
  return JSON.stringify({
    category: 'gransnitt',
    parties: ['AF', 'FK'],
    description: 'Deltagaren fick inget stöd från någon av parterna i det gamla ärendet.',
    consequence: 'Ingen insats på flera veckor.',
    severity: 'medel',
    ...row,
  });
}

describe('imported open reports: overdue and reminded from the import, like reports filed that day', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  // Friday 20 November 2026, 10:00 Swedish time: import day.
  const clock = new FixedClock(new Date('2026-11-20T09:00:00Z'));
  const users: Record<string, User> = {};
  const ids: Record<string, string> = {};
  const refs: Record<string, string> = {};
  let leadToken = '';

  const db = (): DataSource => t.app.get(DataSource);

  /** Sends what the outbox holds and returns the mails that arrived, by recipient. */
  async function deliver(expected: number): Promise<Map<string, CaughtMail>> {
    smtp.clear();
    expect((await t.app.get(MailOutboxWorker).processDueNow()).sent).toBe(expected);
    const mails = expected > 0 ? await smtp.waitFor(expected) : smtp.mails;
    expect(mails).toHaveLength(expected);
    return new Map(mails.map((mail) => [mail.to[0], mail]));
  }

  async function queueItems(): Promise<Map<string, DeviationListItem>> {
    const response = await new HttpClient(t.baseUrl).api('GET', '/api/deviations?limit=100', undefined, leadToken);
    expect(response.status).toBe(200);
    return new Map(response.json<DeviationPage>().items.map((item) => [item.id, item]));
  }

  /** A page as the lead sees it, signed in at the clock's now (a session would end over the days the tests skip). */
  async function leadPage(path: string): Promise<string> {
    const browser = new HttpClient(t.baseUrl);
    expect((await browser.login(LEAD, TEST_PASSWORD)).status).toBe(303);
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    return page.text;
  }

  /** The queue page's entry for one report. */
  async function queueEntry(key: string): Promise<string> {
    const page = { text: await leadPage('/delprojekt/ko') };
    const entry = [...page.text.matchAll(/<li class="deviation-item[^"]*">[\s\S]*?<\/li>/g)].map((m) => m[0]).find((li) => li.includes(`/avvikelser/${ids[key]}"`));
    if (!entry) throw new Error(`${key} saknas i kön`);
    return entry;
  }

  async function overdueInOverview(): Promise<{ open: number; notAccepted: number; notResolved: number }> {
    const response = await new HttpClient(t.baseUrl).api('GET', '/api/dashboard', undefined, leadToken);
    expect(response.status).toBe(200);
    const row = response.json<DashboardData>().overdue.find((o) => o.subproject === 'MIA Östra Södertörn');
    return { open: row?.open ?? -1, notAccepted: row?.notAccepted ?? -1, notResolved: row?.notResolved ?? -1 };
  }

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    users.staff = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' });
    users.lead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn', email: LEAD });
    users.analyst = await createUser(t.app, 'analyst', { email: ANALYST });
    leadToken = await createApiToken(t.app, users.lead);

    // A report filed here a month before the import, never accepted: late for both deadlines, as before.
    clock.set(new Date('2026-10-20T08:00:00Z'));
    const staffToken = await createApiToken(t.app, users.staff);
    const filed = await new HttpClient(t.baseUrl).api(
      'POST',
      '/api/deviations',
      deviationBody(await municipalityId(t.app, 'Haninge'), { occurredOn: '2026-10-19', title: 'Remissen kom aldrig fram' }),
      staffToken,
    );
    expect(filed.status).toBe(201);
    ids.filed = filed.json<{ id: string }>().id;

    // Import day: the earlier system's reports, years old, some still open there.
    clock.set(new Date('2026-11-20T09:00:00Z'));
    const lines = [
      importLine({ externalId: 'GML-NY', kommun: 'Haninge', occurredOn: '2019-03-01', reportedAt: '2019-03-04T10:00:00+01:00', title: 'Gammal remiss utan mottagare' }),
      importLine({
        externalId: 'GML-MOTTAGEN',
        kommun: 'Tyresö',
        occurredOn: '2018-05-02',
        reportedAt: '2018-05-02T10:00:00+02:00',
        title: 'Gammalt beslut som dröjer',
        status: 'mottagen',
        acceptedAt: '2018-05-03T10:00:00+02:00',
      }),
      importLine({
        externalId: 'GML-AVSLUTAD',
        kommun: 'Nynäshamn',
        occurredOn: '2019-01-10',
        reportedAt: '2019-01-10T10:00:00+01:00',
        title: 'Gammal avslutad avvikelse',
        status: 'avslutad',
        resolution: 'Löst i det tidigare systemet.',
        closedAt: '2019-02-01T10:00:00+01:00',
      }),
      ...Array.from({ length: BULK }, (_, i) => {
        const day = new Date(Date.UTC(2015, 0, 5) + i * 41 * 86_400_000).toISOString().slice(0, 10);
        return importLine({ externalId: `GML-BULK-${i + 1}`, kommun: 'Haninge', occurredOn: day, reportedAt: `${day}T10:00:00+01:00`, title: `Gammal avvikelse nummer ${i + 1}` });
      }),
    ];
    const analystToken = await createApiToken(t.app, users.analyst);
    const imported = await new HttpClient(t.baseUrl).request('POST', '/api/deviations/import?format=jsonl', {
      body: lines.join('\n'),
      headers: { authorization: `Bearer ${analystToken}`, 'content-type': 'application/x-ndjson' },
    });
    expect(imported.status).toBe(200);
    expect(imported.json()).toMatchObject({ created: BULK + 3, rejected: [] });
    const rows = (await db().query(`SELECT id, reference, external_id FROM deviation WHERE external_id LIKE 'GML-%' AND external_id NOT LIKE 'GML-BULK-%'`)) as Array<{
      id: string;
      reference: string;
      external_id: string;
    }>;
    for (const row of rows) {
      const key = { 'GML-NY': 'ny', 'GML-MOTTAGEN': 'mottagen', 'GML-AVSLUTAD': 'closed' }[row.external_id] ?? row.external_id;
      ids[key] = row.id;
      refs[key] = row.reference;
    }
    const [filedRow] = (await db().query(`SELECT reference FROM deviation WHERE id = $1`, [ids.filed])) as Array<{ reference: string }>;
    refs.filed = filedRow.reference;

    await t.app.get(MailOutboxWorker).processDueNow();
    await db().query(`DELETE FROM mail_outbox`);
    smtp.clear();
  });

  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('records when each imported report came in; a filed report has no import time', async () => {
    const rows = (await db().query(`SELECT external_id, imported_at FROM deviation ORDER BY external_id NULLS FIRST`)) as Array<{ external_id: string | null; imported_at: Date | null }>;
    expect(rows[0]).toEqual({ external_id: null, imported_at: null });
    expect(rows.slice(1).every((row) => row.imported_at?.toISOString() === '2026-11-20T09:00:00.000Z')).toBe(true);
    // The database keeps the two together: an imported report never falls back to its original date.
    await expect(db().query(`UPDATE deviation SET imported_at = NULL WHERE id = $1`, [ids.ny])).rejects.toThrow(/deviation_imported_at_check/);
  });

  it('on import day, old open imports are not overdue in the API, the queue, the report page, the start page or the overview', async () => {
    clock.set(new Date('2026-11-20T15:00:00Z')); // 16:00
    const items = await queueItems();
    expect(items.get(ids.ny)).toMatchObject({
      importedAt: '2026-11-20T09:00:00.000Z',
      overdue: { notAccepted: false, notResolved: false, acceptBy: '2026-11-24', resolveBy: '2026-12-20', countsFrom: '2026-11-20' },
    });
    expect(items.get(ids.mottagen)?.overdue).toEqual({ notAccepted: false, notResolved: false, acceptBy: '2026-11-24', resolveBy: '2026-12-20', countsFrom: '2026-11-20' });
    // Filed here: counts from when it was reported, as before.
    expect(items.get(ids.filed)).toMatchObject({
      importedAt: null,
      overdue: { notAccepted: true, notResolved: true, acceptBy: '2026-10-22', resolveBy: '2026-11-19', countsFrom: '2026-10-20' },
    });
    expect([...items.values()].filter((item) => item.overdue.notAccepted || item.overdue.notResolved).map((item) => item.id)).toEqual([ids.filed]);

    const entry = await queueEntry('ny');
    expect(entry).not.toContain('is-overdue');
    expect(pageText(entry)).toContain('rapporterad 2019-03-04 · importerad 2026-11-20');
    expect(await queueEntry('filed')).toContain('is-overdue');

    const text = pageText(await leadPage(`/avvikelser/${ids.ny}`));
    expect(text).toContain('Importerad 2026-11-20 från tidigare system; fristerna räknas från importen.');
    expect(text).not.toContain('Försenad:');
    const filedPage = pageText(await leadPage(`/avvikelser/${ids.filed}`));
    expect(filedPage).toContain('Försenad: inte mottagen i tid (senast 2026-10-22).');
    expect(filedPage).not.toContain('Importerad');

    expect(pageText(await leadPage('/'))).toContain(`${BULK + 3} öppna avvikelser, 1 försenad.`);
    expect(await overdueInOverview()).toEqual({ open: BULK + 3, notAccepted: 1, notResolved: 1 });
  });

  it('the first reminder run after the big import reminds only about the filed report', async () => {
    clock.set(new Date('2026-11-23T06:00:00Z')); // Monday 07:00
    expect(await t.app.get(DeviationRemindersJob).runScheduled()).toEqual({ status: 'succeeded', summary: '1 inte mottagna, 1 inte åtgärdade, 2 e-post' });
    const mails = await deliver(2);
    expect([...mails.keys()].sort()).toEqual([LEAD, ANALYST]);
    for (const mail of mails.values()) {
      expect(mail.text).toContain(refs.filed);
      expect(mail.text).not.toContain('importerad');
      expect(mail.text).not.toContain('Gammal');
    }
    expect(mails.get(LEAD)?.subject).toBe('Påminnelse: 1 avvikelse inte mottagen och 1 inte åtgärdad');

    clock.set(new Date('2026-11-24T06:00:00Z')); // Tuesday: the imports may still be accepted today
    expect(await t.app.get(DeviationRemindersJob).runScheduled()).toEqual({ status: 'succeeded', summary: '0 inte mottagna, 0 inte åtgärdade, 0 e-post' });
    await deliver(0);
  });

  it('the week of the import, the digest lists the open imports as new, not as overdue', async () => {
    clock.set(new Date('2026-11-23T06:00:00Z')); // Monday 23 November 07:00, week 48
    expect(await t.app.get(DigestJob).runScheduled()).toMatchObject({ status: 'succeeded' });
    const mails = await deliver(2);
    const digest = mails.get(LEAD);
    if (!digest) throw new Error('Ingen sammanfattning till delprojektledaren');
    expect(digest.subject).toBe(`Veckosammanfattning v48: ${BULK + 1} nya, 1 försenad, 1 väntar`);
    const overdue = digest.text.slice(digest.text.indexOf('FÖRSENADE (1)'), digest.text.indexOf('NYA DEN SENASTE VECKAN'));
    expect(overdue).toContain(refs.filed);
    expect(overdue).not.toContain(refs.ny);
    const fresh = digest.text.slice(digest.text.indexOf('NYA DEN SENASTE VECKAN'), digest.text.indexOf('VÄNTAR PÅ ÅTGÄRD'));
    expect(fresh).toContain(`${refs.ny} Gammal remiss utan mottagare`);
    expect(fresh).toContain('dagar gammal (importerad 2026-11-20, fristerna räknas från importen)\n');
    const waiting = digest.text.slice(digest.text.indexOf('VÄNTAR PÅ ÅTGÄRD'));
    expect(waiting).toContain(`${refs.mottagen} Gammalt beslut som dröjer`);
    expect(digest.html).toContain('Importerad 2026-11-20; fristerna räknas från importen');
    expect(digest.text).not.toContain(refs.closed);
  });

  it('once the import-based accept deadline has passed, the open imports are overdue everywhere and reminded in one mail', async () => {
    clock.set(new Date('2026-11-25T06:00:00Z')); // Wednesday 07:00: accept by Tuesday 24 has passed
    const items = await queueItems();
    expect(items.get(ids.ny)?.overdue).toMatchObject({ notAccepted: true, notResolved: false, acceptBy: '2026-11-24' });
    expect(items.get(ids.mottagen)?.overdue).toMatchObject({ notAccepted: false, notResolved: false });
    expect(await queueEntry('ny')).toContain('is-overdue');
    expect(pageText(await leadPage(`/avvikelser/${ids.ny}`))).toContain('Försenad: inte mottagen i tid (senast 2026-11-24).');
    expect(pageText(await leadPage('/'))).toContain(`${BULK + 3} öppna avvikelser, ${BULK + 2} försenade.`);
    expect(await overdueInOverview()).toEqual({ open: BULK + 3, notAccepted: BULK + 2, notResolved: 1 });

    expect(await t.app.get(DeviationRemindersJob).runScheduled()).toEqual({ status: 'succeeded', summary: `${BULK + 1} inte mottagna, 0 inte åtgärdade, 1 e-post` });
    const mails = await deliver(1);
    const reminder = mails.get(LEAD);
    if (!reminder) throw new Error('Ingen påminnelse till delprojektledaren');
    expect(reminder.subject).toBe(`Påminnelse: ${BULK + 1} avvikelser inte mottagna inom 2 arbetsdagar`);
    expect(reminder.text).toContain(`${refs.ny} Gammal remiss utan mottagare`);
    // Late by one working day from the import, not by years from the original date.
    expect(reminder.text).toContain('Haninge, försenad 1 arbetsdag (importerad 2026-11-20, fristen räknas från importen)\n');
    expect(reminder.text).not.toContain(refs.mottagen);
    expect(reminder.text).not.toContain(refs.closed);
    expect(reminder.html).toContain('Importerad 2026-11-20; fristen räknas från importen');
  });

  it('the week after, the digest lists them as overdue', async () => {
    clock.set(new Date('2026-11-30T06:00:00Z')); // Monday 30 November 07:00, week 49
    expect(await t.app.get(DigestJob).runScheduled()).toMatchObject({ status: 'succeeded' });
    const digest = (await deliver(2)).get(LEAD);
    if (!digest) throw new Error('Ingen sammanfattning till delprojektledaren');
    expect(digest.subject).toBe(`Veckosammanfattning v49: 0 nya, ${BULK + 2} försenade, 1 väntar`);
    const overdue = digest.text.slice(digest.text.indexOf('FÖRSENADE'), digest.text.indexOf('NYA DEN SENASTE VECKAN'));
    expect(overdue).toContain(`${refs.ny} Gammal remiss utan mottagare`);
    expect(overdue).toContain(refs.filed);
    expect(digest.text.slice(digest.text.indexOf('VÄNTAR PÅ ÅTGÄRD'))).toContain(refs.mottagen);
  });

  it('an import accepted in the earlier system is late to resolve 30 days after the import; a closed one never is', async () => {
    clock.set(new Date('2026-12-18T06:00:00Z')); // Friday 18 December 07:00: resolve by Sunday 20
    expect((await queueItems()).get(ids.mottagen)?.overdue).toMatchObject({ notResolved: false, resolveBy: '2026-12-20' });

    clock.set(new Date('2026-12-21T06:00:00Z')); // Monday 21 December 07:00
    expect((await queueItems()).get(ids.mottagen)?.overdue).toMatchObject({ notResolved: true, resolveBy: '2026-12-20' });
    const outcome = await t.app.get(DeviationRemindersJob).runScheduled();
    expect(outcome).toMatchObject({ status: 'succeeded' });
    const mails = await deliver(2);
    const analyst = mails.get(ANALYST);
    if (!analyst) throw new Error('Ingen påminnelse till analytikern');
    expect(analyst.text).toContain(`${refs.mottagen} Gammalt beslut som dröjer`);
    expect(analyst.text).toContain('Tyresö (MIA Östra Södertörn), försenad 1 dag (importerad 2026-11-20, fristen räknas från importen)\n');
    for (const mail of mails.values()) expect(mail.text).not.toContain(refs.closed);
    const reminded = (await db().query(`SELECT count(*)::int AS n FROM deviation_reminder WHERE deviation_id = $1`, [ids.closed])) as Array<{ n: number }>;
    expect(reminded[0].n).toBe(0);
  });
});

describe('migration 1763900001400 (imported_at)', () => {
  it('back-fills existing imports with the time of their import, leaves filed reports alone, and goes down and up again', async () => {
    const database = await createTestDatabase();
    const dataSource = new DataSource(buildDataSourceOptions({ url: database.url, poolSize: 2 }));
    await dataSource.initialize();
    const migration = new DeviationImportedAt1763900001400();
    const runner = dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      const [kommun] = (await dataSource.query(`SELECT id, subproject_id FROM municipality WHERE name = 'Haninge'`)) as Array<{ id: string; subproject_id: string }>;
      const insert = async (externalId: string | null, reportedAt: string, createdAt: string): Promise<string> => {
        const [row] = (await dataSource.query(
          `INSERT INTO deviation (external_id, municipality_id, subproject_id, occurred_on, reported_at, category, title, description, severity, created_at, updated_at)
           VALUES ($1, $2, $3, $4::timestamptz::date, $4, 'gransnitt', 'Rubrik', 'Beskrivning.', 'medel', $5, $5) RETURNING id`,
          [externalId, kommun.id, kommun.subproject_id, reportedAt, createdAt],
        )) as Array<{ id: string }>;
        return row.id;
      };
      // Imported on 2 November 2026 (the audit event says so), reported in 2019.
      const withEvent = await insert('OLD-1', '2019-03-04T09:00:00Z', '2026-11-02T09:00:00Z');
      await dataSource.query(`INSERT INTO deviation_event (deviation_id, kind, after, created_at) VALUES ($1, 'imported', '{}', '2026-11-02T09:00:00Z')`, [withEvent]);
      // No event (should one be missing): the row's own creation is the import.
      const withoutEvent = await insert('OLD-2', '2018-01-10T09:00:00Z', '2026-11-03T09:00:00Z');
      const filed = await insert(null, '2026-10-20T08:00:00Z', '2026-10-20T08:00:00Z');

      await migration.up(runner);
      const rows = (await dataSource.query(`SELECT id, imported_at FROM deviation`)) as Array<{ id: string; imported_at: Date | null }>;
      const importedAt = new Map(rows.map((row) => [row.id, row.imported_at?.toISOString() ?? null]));
      expect(importedAt.get(withEvent)).toBe('2026-11-02T09:00:00.000Z');
      expect(importedAt.get(withoutEvent)).toBe('2026-11-03T09:00:00.000Z');
      expect(importedAt.get(filed)).toBeNull();
      await expect(insert('OLD-3', '2019-03-04T09:00:00Z', '2026-11-02T09:00:00Z')).rejects.toThrow(/deviation_imported_at_check/);
    } finally {
      await runner.release();
      await dataSource.destroy();
      await database.drop();
    }
  });
});
