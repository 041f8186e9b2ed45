import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DeviationRemindersJob, REMINDERS_JOB } from '../src/modules/deviation/jobs/deviation-reminders.job';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createUser } from './support/factories';
import { CaughtMail, SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** The participant-facing text every filed report carries (test/support/deviation-factories.ts): never in a reminder. */
const TEXT_PARTS = ['hänvisade tillbaka', 'utan insats i tre veckor'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A late report in a delprojekt without an active lead (in a fresh test app only Östra Södertörn gets one here) used to
 * reach no one and be tried again every day: the analysts, who stand in for the lead there, are reminded instead, once,
 * in the same one mail per person as the leads, and told why.
 */
describe('reminders about late reports in a delprojekt without an active lead', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  let second: TestApp;
  // Friday 20 November 2026, 15:00 Swedish time.
  const clock = new FixedClock(new Date('2026-11-20T14:00:00Z'));
  const reports: Record<string, { id: string; reference: string }> = {};
  let staffHbs: User;
  let staffOs: User;

  const db = (): DataSource => t.app.get(DataSource);
  const job = (app: TestApp): DeviationRemindersJob => app.app.get(DeviationRemindersJob);

  async function fileAt(key: string, at: string, reporter: User, kommun: string, title: string): Promise<void> {
    clock.set(new Date(at));
    const filed = await fileDeviation(t.app, reporter, kommun, { title, occurredOn: at.slice(0, 10) });
    reports[key] = { id: filed.id, reference: filed.reference };
  }

  async function deliver(expected: number): Promise<Map<string, CaughtMail>> {
    smtp.clear();
    expect((await t.app.get(MailOutboxWorker).processDueNow()).sent).toBe(expected);
    const mails = expected > 0 ? await smtp.waitFor(expected) : smtp.mails;
    await sleep(100);
    expect(smtp.mails).toHaveLength(expected);
    return new Map(mails.map((mail) => [mail.to[0], mail]));
  }

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    second = await startTestApp({ env: { SMTP_URL: smtp.url }, clock, db: t.db });
    staffHbs = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Hanna Handläggare', email: 'hanna@test.mia.se' });
    staffOs = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn', name: 'Olle Coach', email: 'olle@test.mia.se' });
    await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn', email: 'ledare.os@test.mia.se' });
    await createUser(t.app, 'analyst', { email: 'analytiker.ett@test.mia.se' });
    await createUser(t.app, 'analyst', { email: 'analytiker.tva@test.mia.se' });
    const retired = await createUser(t.app, 'analyst', { email: 'slutat@test.mia.se' });
    await db().query(`UPDATE app_user SET active = false WHERE id = $1`, [retired.id]);

    // A month back in Järfälla (no lead): never accepted, now late for both. Friday: Botkyrka (HBS, no lead) and Haninge (a lead).
    await fileAt('oldJarfalla', '2026-10-19T08:00:00Z', staffOs, 'Järfälla', 'Ingen insats efter avslutad arbetsträning');
    await fileAt('fridayBotkyrka', '2026-11-20T14:00:00Z', staffHbs, 'Botkyrka', 'Beslut om aktivitetsersättning dröjer');
    await fileAt('fridayHaninge', '2026-11-20T14:05:00Z', staffOs, 'Haninge', 'AF och FK hänvisar till varandra');
    // The filing's own mails are not what this is about.
    await db().query(`DELETE FROM mail_outbox`);
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
    await smtp?.stop();
  });

  it('mails each active analyst once, with both lists and why, when two instances run the day at the same moment', async () => {
    clock.set(new Date('2026-11-25T06:00:00Z')); // Wednesday 07:00: the Friday reports are a working day late
    const outcomes = await Promise.all([job(t).runScheduled(), job(second).runScheduled()]);
    expect(outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    const succeeded = outcomes.filter((o) => o.status === 'succeeded');
    expect(succeeded).toEqual([
      {
        status: 'succeeded',
        summary: '3 inte mottagna, 1 inte åtgärdade, 3 e-post, 3 i delprojekt utan aktiv delprojektledare (till verksamhetsutvecklarna)',
      },
    ]);
    const rows = (await db().query(`SELECT status FROM job_run WHERE job_name = $1 AND slot = '2026-11-25'`, [REMINDERS_JOB])) as Array<{ status: string }>;
    expect(rows).toEqual([{ status: 'succeeded' }]);

    const mails = await deliver(3);
    expect([...mails.keys()].sort()).toEqual(['analytiker.ett@test.mia.se', 'analytiker.tva@test.mia.se', 'ledare.os@test.mia.se']);
    for (const email of ['analytiker.ett@test.mia.se', 'analytiker.tva@test.mia.se']) {
      const mail = mails.get(email)!;
      expect(mail.subject).toBe('Påminnelse: 2 avvikelser inte mottagna och 1 inte åtgärdad');
      expect(mail.text).toContain(
        'Du får påminnelsen om avvikelserna i MIA HBS och MIA Järfälla eftersom de delprojekten just nu saknar aktiv delprojektledare. Som verksamhetsutvecklare tar du emot och hanterar deras avvikelser tills de har en delprojektledare.',
      );
      expect(mail.text).toContain(`${reports.fridayBotkyrka.reference} Beslut om aktivitetsersättning dröjer\n  Botkyrka (MIA HBS, ingen delprojektledare), försenad 1 arbetsdag`);
      expect(mail.text).toContain('Järfälla (MIA Järfälla, ingen delprojektledare), försenad 25 arbetsdagar');
      expect(mail.text).toContain('Järfälla (MIA Järfälla, ingen delprojektledare), försenad 7 dagar');
      expect(mail.text).toContain(`http://127.0.0.1/avvikelser/${reports.fridayBotkyrka.id}`);
      expect(mail.html).toContain('MIA HBS, ingen delprojektledare');
      expect(mail.html).toContain('eftersom de delprojekten just nu saknar aktiv delprojektledare');
      // The lead's report is the lead's: not in the analysts' mail.
      expect(mail.text).not.toContain(reports.fridayHaninge.reference);
    }
    const lead = mails.get('ledare.os@test.mia.se')!;
    expect(lead.subject).toBe('Påminnelse: 1 avvikelse inte mottagen inom 2 arbetsdagar');
    expect(lead.text).toContain('Haninge, försenad 1 arbetsdag');
    expect(lead.text).not.toContain('saknar aktiv delprojektledare');
    expect(lead.text).not.toContain(reports.fridayBotkyrka.reference);
    // What a lead's reminder shows and no more: no report text, no reporter.
    for (const mail of mails.values()) {
      for (const part of [mail.subject, mail.text, mail.html]) {
        for (const text of [...TEXT_PARTS, 'Hanna', 'hanna@test.mia.se', 'Olle', 'olle@test.mia.se']) expect(part).not.toContain(text);
      }
    }

    // Recorded as sent, to the two active analysts: not tried again tomorrow.
    const recorded = (await db().query(
      `SELECT d.reference, r.kind, r.reminded_on::text, r.recipient_count FROM deviation_reminder r JOIN deviation d ON d.id = r.deviation_id ORDER BY d.reference, r.kind`,
    )) as Array<{ reference: string; kind: string; reminded_on: string; recipient_count: number }>;
    expect(recorded).toEqual(
      [
        { reference: reports.oldJarfalla.reference, kind: 'not_accepted', reminded_on: '2026-11-25', recipient_count: 2 },
        { reference: reports.oldJarfalla.reference, kind: 'not_resolved', reminded_on: '2026-11-25', recipient_count: 2 },
        { reference: reports.fridayBotkyrka.reference, kind: 'not_accepted', reminded_on: '2026-11-25', recipient_count: 2 },
        { reference: reports.fridayHaninge.reference, kind: 'not_accepted', reminded_on: '2026-11-25', recipient_count: 1 },
      ].sort((a, b) => a.reference.localeCompare(b.reference) || a.kind.localeCompare(b.kind)),
    );
  });

  it('runs again the same day and the next, by hand or on the timer, and mails no one twice', async () => {
    clock.set(new Date('2026-11-25T13:00:00Z'));
    expect((await job(second).runNow()).outcome).toEqual({ status: 'succeeded', summary: '0 inte mottagna, 0 inte åtgärdade, 0 e-post' });
    clock.set(new Date('2026-11-26T06:00:00Z')); // Thursday: the repeat is a week after
    expect(await job(t).runScheduled()).toEqual({ status: 'succeeded', summary: '0 inte mottagna, 0 inte åtgärdade, 0 e-post' });
    await deliver(0);
  });

  it('with no active analyst either, the reminder reaches no one, is not recorded, and the run says so', async () => {
    await db().query(`UPDATE app_user SET active = false WHERE role = 'analyst'`);
    try {
      await fileAt('mondayHuddinge', '2026-11-23T09:00:00Z', staffHbs, 'Huddinge', 'Ekonomiskt bistånd väntar på intyg');
      await db().query(`DELETE FROM mail_outbox`);
      clock.set(new Date('2026-11-26T06:00:00Z'));
      expect((await job(t).runNow()).outcome).toEqual({
        status: 'succeeded',
        summary: '0 inte mottagna, 0 inte åtgärdade, 0 e-post, 1 kunde inte skickas (ingen aktiv delprojektledare eller verksamhetsutvecklare)',
      });
      const recorded = (await db().query(`SELECT count(*)::int AS n FROM deviation_reminder WHERE deviation_id = $1`, [reports.mondayHuddinge.id])) as Array<{ n: number }>;
      expect(recorded).toEqual([{ n: 0 }]);
      await deliver(0);
    } finally {
      await db().query(`UPDATE app_user SET active = true WHERE role = 'analyst' AND email <> 'slutat@test.mia.se'`);
    }
  });
});
