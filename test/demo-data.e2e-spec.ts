import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { OrganisationService } from '../src/modules/organisation/organisation.service';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../src/modules/user/demo-seeder';
import { municipalityId } from './support/deviation-factories';
import { HttpClient } from './support/http-client';
import { startDemoApp } from './support/demo-app';
import { TestApp } from './support/test-app';

/** What a newcomer sees after `npm start`: the demo's reports, some of them late, as a lead's would be. */
describe('the demo data', () => {
  // A Tuesday morning.
  const clock = new FixedClock(new Date('2026-11-24T08:00:00Z'));
  let t: TestApp;

  beforeAll(async () => {
    t = await startDemoApp(clock);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('dates each report’s deadlines from when it was reported, so reports left open too long are late in the lead’s queue', async () => {
    const db = t.app.get(DataSource);
    const [counts] = (await db.query(
      `SELECT count(*)::int AS reports, count(*) FILTER (WHERE imported_at = reported_at)::int AS dated,
              count(*) FILTER (WHERE status IN ('ny', 'mottagen', 'under_utredning') AND reported_at < $1)::int AS late_open
         FROM deviation`,
      [new Date(clock.now().getTime() - 31 * 86_400_000)],
    )) as Array<{ reports: number; dated: number; late_open: number }>;
    expect(counts.reports).toBe(120);
    expect(counts.dated).toBe(120);
    expect(counts.late_open).toBeGreaterThan(0);

    const lead = new HttpClient(t.baseUrl);
    await lead.login('ledare@demo.mia.se', DEMO_PASSWORD);
    const queue = (await lead.get('/delprojekt/ko')).text;
    expect(queue).toContain('<strong>Försenad:</strong> inte åtgärdad inom 30 dagar');
    // Imported the day they were reported: the queue does not repeat the date as an import.
    expect(queue).not.toContain('· importerad');
    // Not every report in the queue is late: those handled locally or marked structural are not.
    expect((queue.match(/class="deviation-item is-overdue"/g) ?? []).length).toBeLessThan((queue.match(/class="deviation-item/g) ?? []).length);
  });

  it('says one import date for a demo report: the details’ Importerad and the timeline’s import are both when it was reported', async () => {
    const db = t.app.get(DataSource);
    // The import event is written with the report, dated as imported_at, never rewritten (the log is append-only).
    const [dates] = (await db.query(
      `SELECT count(*)::int AS reports,
              count(*) FILTER (WHERE e.created_at = d.imported_at AND d.imported_at = d.reported_at)::int AS agreeing
         FROM deviation d JOIN deviation_event e ON e.deviation_id = d.id AND e.kind = 'imported'`,
    )) as Array<{ reports: number; agreeing: number }>;
    expect(dates).toEqual({ reports: 120, agreeing: 120 });

    const [report] = (await db.query(
      `SELECT d.id, d.reported_at FROM deviation d JOIN municipality m ON m.id = d.municipality_id
        WHERE m.name = 'Haninge' AND d.reported_at < $1 ORDER BY d.reported_at LIMIT 1`,
      [new Date(clock.now().getTime() - 60 * 86_400_000)],
    )) as Array<{ id: string; reported_at: Date }>;
    const lead = new HttpClient(t.baseUrl);
    await lead.login('ledare@demo.mia.se', DEMO_PASSWORD);
    const page = (await lead.get(`/avvikelser/${report.id}`)).text;
    const imported = /<dt>Importerad<\/dt><dd>([^<]+)<\/dd>/.exec(page)?.[1];
    const timelineImport = /<li>\s*<p class="meta"><time>([^<]+)<\/time>[^<]*<\/p>\s*<p>Avvikelsen importerades/.exec(page)?.[1];
    expect(imported).toBeDefined();
    expect(timelineImport).toBe(imported);
    // Both are the day it was reported, not the day the demo was loaded.
    expect(imported).toContain(report.reported_at.toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' }));
    expect(imported).not.toContain('2026-11-24');
  });

  it('has an active lead in every delprojekt, so a report filed anywhere shows the normal path; every demo account signs in', async () => {
    expect(await t.app.get(OrganisationService).subprojectsWithoutActiveLead()).toEqual([]);
    for (const account of DEMO_ACCOUNTS) {
      expect({ email: account.email, status: (await new HttpClient(t.baseUrl).login(account.email, DEMO_PASSWORD)).status }).toEqual({ email: account.email, status: 303 });
    }

    // Botkyrka belongs to MIA HBS: its lead is mailed, and the receipt says so.
    const staff = new HttpClient(t.baseUrl);
    await staff.login('medarbetare@demo.mia.se', DEMO_PASSWORD);
    await staff.get('/avvikelser/ny');
    const filed = await staff.postForm('/avvikelser/ny', {
      municipalityId: await municipalityId(t.app, 'Botkyrka'),
      occurredOn: '2026-11-23',
      category: 'gransnitt',
      parties: ['AF', 'FK'],
      title: 'AF och FK hänvisar till varandra',
      description: 'Arbetsförmedlingen hänvisade till Försäkringskassan som hänvisade tillbaka.',
      consequence: 'Deltagaren stod utan insats.',
      severity: 'medel',
    });
    expect(filed.status).toBe(303);
    const receipt = (await staff.get(filed.location ?? '')).text;
    expect(receipt).toContain('Den ägs av MIA HBS, vars delprojektledare har fått e-post.');
    const id = /\/avvikelser\/([0-9a-f-]{36})/.exec(filed.location ?? '')?.[1];
    const mails = (await t.app.get(DataSource).query(`SELECT template, recipients FROM mail_outbox WHERE dedupe_key LIKE $1`, [`%:${id}:%`])) as Array<{
      template: string;
      recipients: string[];
    }>;
    expect(mails).toEqual([{ template: 'deviation-new', recipients: ['ledare.hbs@demo.mia.se'] }]);
  });
});
