import { SchedulerRegistry } from '@nestjs/schedule';
import { plainToInstance } from 'class-transformer';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DeviationService } from '../src/modules/deviation/deviation.service';
import { DeviationTransitionDto } from '../src/modules/deviation/dto/deviation-action.dto';
import { DeviationRemindersJob, REMINDERS_JOB } from '../src/modules/deviation/jobs/deviation-reminders.job';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { UserService } from '../src/modules/user/user.service';
import { authUser, fileDeviation } from './support/deviation-factories';
import { createUser } from './support/factories';
import { CaughtMail, SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** The participant-facing text every filed report carries (test/support/deviation-factories.ts): never in a reminder. */
const DESCRIPTION_PART = 'hänvisade tillbaka';
const CONSEQUENCE_PART = 'utan insats i tre veckor';

/** Järfälla has no lead: its reminders go to the analysts instead (reminders-without-lead.e2e-spec.ts). */
const WITHOUT_LEAD = ', 2 i delprojekt utan aktiv delprojektledare (till verksamhetsutvecklarna)';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('reminders about overdue deviations, with real Postgres and SMTP', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  let second: TestApp;
  // Start: Friday 20 November 2026, 15:00 Swedish time.
  const clock = new FixedClock(new Date('2026-11-20T14:00:00Z'));
  const users: Record<string, User> = {};
  const reports: Record<string, { id: string; reference: string }> = {};

  const db = (): DataSource => t.app.get(DataSource);
  const job = (app: TestApp = t): DeviationRemindersJob => app.app.get(DeviationRemindersJob);

  async function fileAt(key: string, at: string, reporter: User, kommun: string, title: string): Promise<void> {
    clock.set(new Date(at));
    const filed = await fileDeviation(t.app, reporter, kommun, { title, occurredOn: at.slice(0, 10) });
    reports[key] = { id: filed.id, reference: filed.reference };
  }

  async function act(key: string, lead: User, action: 'accept' | 'resolve', at: string): Promise<void> {
    clock.set(new Date(at));
    const dto = plainToInstance(DeviationTransitionDto, action === 'resolve' ? { resolution: 'Rutinen ändrades lokalt.' } : {});
    await t.app.get(DeviationService).transition(authUser(lead), reports[key].id, action, dto);
    // The reporter's notice of the change is not what these tests are about.
    await db().query(`DELETE FROM mail_outbox WHERE template <> 'deviation-reminder'`);
  }

  /** Sends what the outbox holds and returns the mails that arrived, by recipient. */
  async function deliver(expected: number): Promise<Map<string, CaughtMail>> {
    smtp.clear();
    expect((await t.app.get(MailOutboxWorker).processDueNow()).sent).toBe(expected);
    const mails = expected > 0 ? await smtp.waitFor(expected) : smtp.mails;
    await sleep(100);
    expect(smtp.mails).toHaveLength(expected);
    const byRecipient = new Map<string, CaughtMail>();
    for (const mail of mails) {
      expect(mail.to).toHaveLength(1);
      byRecipient.set(mail.to[0], mail);
    }
    return byRecipient;
  }

  async function reminderRows(): Promise<Array<{ reference: string; kind: string; reminded_on: string; days_overdue: number; recipient_count: number }>> {
    return (await db().query(
      `SELECT d.reference, r.kind, r.reminded_on::text, r.days_overdue, r.recipient_count
         FROM deviation_reminder r JOIN deviation d ON d.id = r.deviation_id
        ORDER BY r.reminded_on, d.reference, r.kind`,
    )) as Array<{ reference: string; kind: string; reminded_on: string; days_overdue: number; recipient_count: number }>;
  }

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    second = await startTestApp({ env: { SMTP_URL: smtp.url }, clock, db: t.db });
    const app = t.app;
    users.staffOs = await createUser(app, 'staff', { subproject: 'MIA Östra Södertörn' });
    users.staffRos = await createUser(app, 'staff', { subproject: 'MIA Roslagen' });
    users.staffHbs = await createUser(app, 'staff', { subproject: 'MIA HBS' });
    users.leadOs1 = await createUser(app, 'lead', { subproject: 'MIA Östra Södertörn', email: 'ledare.ett@test.mia.se' });
    users.leadOs2 = await createUser(app, 'lead', { subproject: 'MIA Östra Södertörn', email: 'ledare.tva@test.mia.se' });
    users.leadOsGone = await createUser(app, 'lead', { subproject: 'MIA Östra Södertörn', email: 'slutat@test.mia.se' });
    users.leadRos = await createUser(app, 'lead', { subproject: 'MIA Roslagen', email: 'ledare.roslagen@test.mia.se' });
    users.leadHbs = await createUser(app, 'lead', { subproject: 'MIA HBS', email: 'ledare.hbs@test.mia.se' });
    users.analyst1 = await createUser(app, 'analyst', { email: 'analytiker.ett@test.mia.se' });
    users.analyst2 = await createUser(app, 'analyst', { email: 'analytiker.tva@test.mia.se' });
    await app.get(UserService).update(users.leadOsGone.id, { active: false });

    // A month back: two reports that will be late for resolving, one resolved in time.
    await fileAt('oldJarfalla', '2026-10-19T08:00:00Z', users.staffOs, 'Järfälla', 'Ingen insats efter avslutad arbetsträning'); // MIA Järfälla has no lead
    await fileAt('oldNynashamn', '2026-10-20T08:00:00Z', users.staffOs, 'Nynäshamn', 'Väntetid till samverkansteam');
    await act('oldNynashamn', users.leadOs1, 'accept', '2026-10-21T08:00:00Z');
    await fileAt('oldResolved', '2026-10-20T09:00:00Z', users.staffOs, 'Haninge', 'Intyg kom för sent');
    await act('oldResolved', users.leadOs1, 'accept', '2026-10-21T09:00:00Z');
    await act('oldResolved', users.leadOs1, 'resolve', '2026-10-22T09:00:00Z');
    // Imported history, closed in the earlier system: never reminded (open imports are, from the import: imported-deadlines.e2e-spec.ts).
    clock.set(new Date('2026-11-02T09:00:00Z'));
    await t.app.get(DeviationService).createFromImport({
      externalId: 'gammal-1',
      kommun: 'Haninge',
      occurredOn: '2026-10-01',
      reportedAt: '2026-10-01T10:00:00+02:00',
      category: 'gransnitt',
      parties: ['AF'],
      title: 'Importerad historik',
      description: 'En situation från det gamla systemet.',
      severity: 'lag',
      status: 'avslutad',
      resolution: 'Löst i det gamla systemet.',
      closedAt: '2026-10-05T10:00:00+02:00',
    });

    // Friday 20 November, 15:00: due to be accepted by Tuesday 24 November.
    await fileAt('fridayHaninge', '2026-11-20T14:00:00Z', users.staffOs, 'Haninge', 'AF och FK hänvisar till varandra');
    await fileAt('fridayTyreso', '2026-11-20T14:05:00Z', users.staffOs, 'Tyresö', 'Remissen kom aldrig fram');
    await fileAt('fridayTaby', '2026-11-20T14:10:00Z', users.staffRos, 'Täby', 'Stängd insats utan ersättare');
    // Monday 23 November: one of them is accepted; a new report comes in for HBS (due Wednesday 25).
    await act('fridayTyreso', users.leadOs2, 'accept', '2026-11-23T08:00:00Z');
    await fileAt('mondayBotkyrka', '2026-11-23T10:00:00Z', users.staffHbs, 'Botkyrka', 'Beslut om aktivitetsersättning dröjer');
    await fileAt('tuesdayHuddinge', '2026-11-24T10:00:00Z', users.staffHbs, 'Huddinge', 'Ekonomiskt bistånd väntar på intyg'); // due Thursday 26

    await t.app.get(MailOutboxWorker).processDueNow();
    await db().query(`DELETE FROM mail_outbox`);
    smtp.clear();
  });

  afterAll(async () => {
    await second.close();
    await t.close();
    await smtp.stop();
  });

  beforeEach(async () => {
    await t.app.get(MailOutboxWorker).processDueNow();
    smtp.clear();
  });

  it('on Tuesday nothing is late for acceptance yet, but the month-old reports are late for resolving', async () => {
    clock.set(new Date('2026-11-24T06:00:00Z')); // 07:00
    const outcome = await job().runScheduled();
    expect(outcome).toEqual({ status: 'succeeded', summary: `1 inte mottagna, 2 inte åtgärdade, 4 e-post${WITHOUT_LEAD}` });
    const mails = await deliver(4);
    expect([...mails.keys()].sort()).toEqual(['analytiker.ett@test.mia.se', 'analytiker.tva@test.mia.se', 'ledare.ett@test.mia.se', 'ledare.tva@test.mia.se']);
    // The leads see their own delprojekt's report; the analysts both, most overdue first.
    const lead = mails.get('ledare.ett@test.mia.se')!;
    expect(lead.subject).toBe('Påminnelse: 1 avvikelse inte åtgärdad inom 30 dagar');
    expect(lead.text).toContain(reports.oldNynashamn.reference);
    expect(lead.text).not.toContain(reports.oldJarfalla.reference);
    const analyst = mails.get('analytiker.ett@test.mia.se')!;
    // Järfälla's never-accepted report too: no lead there, so the analysts stand in.
    expect(analyst.subject).toBe('Påminnelse: 1 avvikelse inte mottagen och 2 inte åtgärdade');
    expect(analyst.text.indexOf(reports.oldJarfalla.reference)).toBeLessThan(analyst.text.indexOf(reports.oldNynashamn.reference));
    expect(analyst.text).toContain('Järfälla (MIA Järfälla, ingen delprojektledare), försenad 6 dagar');
    expect(analyst.text).toContain('Nynäshamn (MIA Östra Södertörn), försenad 5 dagar');
  });

  it('on Wednesday the leads get one mail each with everything late for acceptance; the accepted report is left out', async () => {
    clock.set(new Date('2026-11-25T06:00:00Z')); // Wednesday 07:00
    const outcome = await job().runScheduled();
    expect(outcome).toEqual({ status: 'succeeded', summary: '2 inte mottagna, 0 inte åtgärdade, 3 e-post' });
    const mails = await deliver(3);
    expect([...mails.keys()].sort()).toEqual(['ledare.ett@test.mia.se', 'ledare.roslagen@test.mia.se', 'ledare.tva@test.mia.se']);

    const lead = mails.get('ledare.tva@test.mia.se')!;
    expect(lead.fromName).toBe('Avvikelser MIA');
    expect(lead.subject).toBe('Påminnelse: 1 avvikelse inte mottagen inom 2 arbetsdagar');
    expect(lead.text).toContain('INTE MOTTAGNA INOM 2 ARBETSDAGAR (1)');
    expect(lead.text).toContain(`${reports.fridayHaninge.reference} AF och FK hänvisar till varandra`);
    expect(lead.text).toContain('Haninge, försenad 1 arbetsdag');
    expect(lead.text).toContain(`http://127.0.0.1/avvikelser/${reports.fridayHaninge.id}`);
    expect(lead.text).toContain('påminns du om den igen om 7 dagar');
    expect(lead.html).toContain(`href="http://127.0.0.1/avvikelser/${reports.fridayHaninge.id}"`);
    expect(lead.html).toContain('Inte mottagna inom 2 arbetsdagar (1)');
    expect(lead.html).toContain('AF och FK hänvisar till varandra');
    expect(lead.html).toContain('lang="sv"');
    // Accepted on Monday: not late for acceptance. Reminded yesterday about resolving: not again today.
    for (const mail of mails.values()) {
      for (const part of [mail.text, mail.html, mail.subject]) {
        expect(part).not.toContain(reports.fridayTyreso.reference);
        expect(part).not.toContain(reports.oldNynashamn.reference);
        expect(part).not.toContain(reports.oldResolved.reference);
        expect(part).not.toContain('Importerad historik');
        expect(part).not.toContain(DESCRIPTION_PART);
        expect(part).not.toContain(CONSEQUENCE_PART);
      }
    }
    expect(mails.get('ledare.roslagen@test.mia.se')!.text).toContain(`${reports.fridayTaby.reference} Stängd insats utan ersättare`);
    expect(mails.get('ledare.roslagen@test.mia.se')!.text).not.toContain(reports.fridayHaninge.reference);

    // Järfälla has no lead: its report late for acceptance went to the analysts yesterday and is recorded as such.
    expect(await reminderRows()).toEqual([
      { reference: reports.oldJarfalla.reference, kind: 'not_accepted', reminded_on: '2026-11-24', days_overdue: 24, recipient_count: 2 },
      { reference: reports.oldJarfalla.reference, kind: 'not_resolved', reminded_on: '2026-11-24', days_overdue: 6, recipient_count: 2 },
      { reference: reports.oldNynashamn.reference, kind: 'not_resolved', reminded_on: '2026-11-24', days_overdue: 5, recipient_count: 4 },
      { reference: reports.fridayHaninge.reference, kind: 'not_accepted', reminded_on: '2026-11-25', days_overdue: 1, recipient_count: 2 },
      { reference: reports.fridayTaby.reference, kind: 'not_accepted', reminded_on: '2026-11-25', days_overdue: 1, recipient_count: 1 },
    ]);
  });

  it('running the same slot again, or by hand the same day, sends nothing twice', async () => {
    clock.set(new Date('2026-11-25T06:01:00Z'));
    expect(await job().runScheduled()).toEqual({ status: 'skipped', reason: 'done' });
    expect(await job(second).runScheduled()).toEqual({ status: 'skipped', reason: 'done' });
    clock.set(new Date('2026-11-25T13:00:00Z'));
    const manual = await job().runNow();
    expect(manual.outcome).toEqual({ status: 'succeeded', summary: '0 inte mottagna, 0 inte åtgärdade, 0 e-post' });
    await deliver(0);
  });

  it('two app instances on one database, firing at the same moment, remind once', async () => {
    clock.set(new Date('2026-11-26T06:00:00Z')); // Thursday 07:00: the Botkyrka report filed Monday is now late
    const outcomes = await Promise.all([job().runScheduled(), job(second).runScheduled(), job().runNow().then((r) => r.outcome), job(second).runNow().then((r) => r.outcome)]);
    const succeeded = outcomes.filter((o) => o.status === 'succeeded');
    expect(succeeded.length).toBeGreaterThanOrEqual(1);
    expect(outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    const mails = await deliver(1);
    expect([...mails.keys()]).toEqual(['ledare.hbs@test.mia.se']);
    expect(mails.get('ledare.hbs@test.mia.se')!.text).toContain(`${reports.mondayBotkyrka.reference} Beslut om aktivitetsersättning dröjer`);
    // Whatever the interleaving, the other instance finds the slot done.
    expect(await job(second).runScheduled()).toEqual({ status: 'skipped', reason: 'done' });
    const rows = (await db().query(`SELECT status FROM job_run WHERE job_name = $1 AND slot = '2026-11-26'`, [REMINDERS_JOB])) as Array<{ status: string }>;
    expect(rows).toEqual([{ status: 'succeeded' }]);
  });

  it('even two runs outside the lock (two instances, same moment) mail a report once: the reminder record is the claim', async () => {
    clock.set(new Date('2026-11-27T06:00:00Z')); // Friday 07:00: the Huddinge report filed Tuesday is late
    const summaries = await Promise.all([job().remindOverdue(), job(second).remindOverdue()]);
    expect(summaries.map((r) => r.mails).sort()).toEqual([0, 1]);
    expect(summaries.map((r) => r.notAccepted).sort()).toEqual([0, 1]);
    const mails = await deliver(1);
    expect(mails.get('ledare.hbs@test.mia.se')!.text).toContain(`${reports.tuesdayHuddinge.reference} Ekonomiskt bistånd väntar på intyg`);
    expect(mails.get('ledare.hbs@test.mia.se')!.text).not.toContain(reports.mondayBotkyrka.reference);
  });

  it('sends nothing on a Saturday', async () => {
    clock.set(new Date('2026-11-28T06:00:00Z'));
    expect(await job().runScheduled()).toEqual({ status: 'succeeded', summary: '2026-11-28 är inte en arbetsdag: inga påminnelser' });
    await deliver(0);
  });

  it('a week later the reports still late are reminded again, in one mail per person', async () => {
    clock.set(new Date('2026-11-30T06:00:00Z')); // Monday: 6 days after the first resolve reminder, nothing repeats yet
    expect(await job().runScheduled()).toEqual({ status: 'succeeded', summary: '0 inte mottagna, 0 inte åtgärdade, 0 e-post' });
    await deliver(0);

    clock.set(new Date('2026-12-01T06:00:00Z')); // Tuesday 1 December: 7 days after 24 November
    expect(await job().runScheduled()).toEqual({ status: 'succeeded', summary: `1 inte mottagna, 2 inte åtgärdade, 4 e-post${WITHOUT_LEAD}` });
    await deliver(4);

    clock.set(new Date('2026-12-02T06:00:00Z')); // Wednesday 2 December: 7 days after 25 November
    expect(await job().runScheduled()).toEqual({ status: 'succeeded', summary: '2 inte mottagna, 0 inte åtgärdade, 3 e-post' });
    const mails = await deliver(3);
    expect(mails.get('ledare.ett@test.mia.se')!.text).toContain('Haninge, försenad 6 arbetsdagar');
  });

  it('once the month is up, a lead gets both lists in one mail', async () => {
    await act('fridayHaninge', users.leadOs1, 'accept', '2026-12-02T10:00:00Z');
    clock.set(new Date('2026-12-21T06:00:00Z')); // Monday 21 December: the Friday reports are 1 day late for resolving
    expect(await job().runScheduled()).toEqual({ status: 'succeeded', summary: `4 inte mottagna, 5 inte åtgärdade, 6 e-post${WITHOUT_LEAD}` });
    const mails = await deliver(6);
    expect([...mails.keys()].sort()).toEqual([
      'analytiker.ett@test.mia.se',
      'analytiker.tva@test.mia.se',
      'ledare.ett@test.mia.se',
      'ledare.hbs@test.mia.se',
      'ledare.roslagen@test.mia.se',
      'ledare.tva@test.mia.se',
    ]);
    const lead = mails.get('ledare.ett@test.mia.se')!;
    expect(lead.subject).toBe('Påminnelse: 3 avvikelser inte åtgärdade inom 30 dagar');
    expect(lead.text).not.toContain('INTE MOTTAGNA');
    // Täby was never accepted: late for both, and both lists are in the one mail.
    const roslagen = mails.get('ledare.roslagen@test.mia.se')!;
    expect(roslagen.subject).toBe('Påminnelse: 1 avvikelse inte mottagen och 1 inte åtgärdad');
    expect(roslagen.text).toContain('INTE MOTTAGNA INOM 2 ARBETSDAGAR (1)');
    expect(roslagen.text).toContain('INTE ÅTGÄRDADE INOM 30 DAGAR (1)');
    expect(roslagen.text).toContain('Täby (MIA Roslagen), försenad 1 dag\n');
    expect(mails.get('analytiker.tva@test.mia.se')!.subject).toBe('Påminnelse: 1 avvikelse inte mottagen och 5 inte åtgärdade');
  });
});

describe('reminders on a timer', () => {
  it('registers the job at REMINDER_CRON, Swedish time, when SCHEDULER_ENABLED is true', async () => {
    const t = await startTestApp({ env: { SCHEDULER_ENABLED: 'true', REMINDER_CRON: '30 6 * * 1-5' } });
    try {
      const cron = t.app.get(SchedulerRegistry).getCronJob(REMINDERS_JOB);
      expect(cron.isActive).toBe(true);
      const next = cron.nextDate().setZone('Europe/Stockholm');
      expect([next.hour, next.minute]).toEqual([6, 30]);
      expect(next.weekday).toBeLessThanOrEqual(5);
    } finally {
      await t.close();
    }
  });
});
