import { plainToInstance } from 'class-transformer';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DeviationService } from '../src/modules/deviation/deviation.service';
import { DeviationTransitionDto } from '../src/modules/deviation/dto/deviation-action.dto';
import { DigestJob } from '../src/modules/digest/digest.job';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { authUser, fileDeviation } from './support/deviation-factories';
import { createUser } from './support/factories';
import { CaughtMail, SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** The participant-facing text every filed report carries (test/support/deviation-factories.ts): never in a digest. */
const DESCRIPTION_PART = 'hänvisade tillbaka';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the weekly digest, with real Postgres and SMTP', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  // Monday 23 November 2026, 07:00 Swedish time (ISO week 48).
  const clock = new FixedClock(new Date('2026-11-23T06:00:00Z'));
  const users: Record<string, User> = {};
  const reports: Record<string, { id: string; reference: string }> = {};
  const barriers: Record<string, string> = {};
  const letters: Record<string, string> = {};

  const db = (): DataSource => t.app.get(DataSource);
  const job = (): DigestJob => t.app.get(DigestJob);

  async function fileAt(key: string, at: string, reporter: User, kommun: string, title: string): Promise<void> {
    clock.set(new Date(at));
    const filed = await fileDeviation(t.app, reporter, kommun, { title, occurredOn: at.slice(0, 10) });
    reports[key] = { id: filed.id, reference: filed.reference };
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

  function mailTo(mails: Map<string, CaughtMail>, email: string): CaughtMail {
    const mail = mails.get(email);
    if (!mail) throw new Error(`Inget mejl till ${email}; fick ${[...mails.keys()].join(', ')}`);
    return mail;
  }

  async function insertBarrier(key: string, name: string, createdAt: string, escalation?: { at: string; reason: string }): Promise<void> {
    const [row] = (await db().query(
      `INSERT INTO barrier (name, status, member_count, created_at, updated_at, escalated_at, escalation_reason)
       VALUES ($1, $2, 4, $3, $3, $4, $5) RETURNING id`,
      [name, escalation ? 'eskalerad' : 'foreslagen', createdAt, escalation?.at ?? null, escalation?.reason ?? null],
    )) as Array<{ id: string }>;
    barriers[key] = row.id;
  }

  async function insertLetter(key: string, barrier: string, status: 'utkast' | 'skickad', subject: string): Promise<void> {
    const [row] = (await db().query(
      `INSERT INTO letter (barrier_id, status, recipient, subject, evidence_snapshot, evidence_refreshed_at, reviewed_at, sent_at)
       VALUES ($1, $2, 'Nationella rådet', $3, '{}', now(), $4, $4) RETURNING id`,
      [barriers[barrier], status, subject, status === 'skickad' ? new Date('2026-11-10T10:00:00Z') : null],
    )) as Array<{ id: string }>;
    letters[key] = row.id;
  }

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    const app = t.app;
    users.staffOs = await createUser(app, 'staff', { subproject: 'MIA Östra Södertörn' });
    users.staffRos = await createUser(app, 'staff', { subproject: 'MIA Roslagen' });
    users.leadOs = await createUser(app, 'lead', { subproject: 'MIA Östra Södertörn', email: 'ledare.os@test.mia.se' });
    users.leadRos = await createUser(app, 'lead', { subproject: 'MIA Roslagen', email: 'ledare.roslagen@test.mia.se' });
    users.leadHbs = await createUser(app, 'lead', { subproject: 'MIA HBS', email: 'ledare.hbs@test.mia.se' });
    users.analyst = await createUser(app, 'analyst', { email: 'analytiker@test.mia.se' });

    // Östra Södertörn: one a month old and never accepted (overdue), one accepted last week (waiting),
    // one filed on Friday (new), one closed (not in the digest).
    await fileAt('old', '2026-10-26T09:00:00Z', users.staffOs, 'Haninge', 'Ingen tog emot remissen');
    await fileAt('waiting', '2026-11-19T10:00:00Z', users.staffOs, 'Tyresö', 'Väntetid till samverkansteam');
    clock.set(new Date('2026-11-20T08:00:00Z'));
    await t.app.get(DeviationService).transition(authUser(users.leadOs), reports.waiting.id, 'accept', plainToInstance(DeviationTransitionDto, {}));
    await fileAt('fresh', '2026-11-27T10:00:00Z', users.staffOs, 'Nynäshamn', 'AF och FK hänvisar till varandra');
    // Roslagen: one new report, for the other lead only.
    await fileAt('roslagen', '2026-11-26T10:00:00Z', users.staffRos, 'Täby', 'Stängd insats utan ersättare');

    await db().query(`DELETE FROM mail_outbox`);
    smtp.clear();
  });

  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('tells the analyst in Swedish when there are no barriers or letters yet', async () => {
    clock.set(new Date('2026-11-23T06:00:00Z'));
    expect(await job().runScheduled()).toMatchObject({ status: 'succeeded' });
    const mails = await deliver(3); // two leads with open reports at the time, and the analyst
    const analyst = mailTo(mails, 'analytiker@test.mia.se');
    expect(analyst.subject).toBe('Veckosammanfattning v48: 0 nya hinder, 0 eskalerade, 0 skrivelser att granska');
    expect(analyst.text).toContain('Det finns inga strukturella hinder ännu.');
    expect(analyst.text).toContain('Det finns inga skrivelser ännu.');
    expect(analyst.html).toContain('Det finns inga strukturella hinder ännu.');
    expect(analyst.html).toContain('Det finns inga skrivelser ännu.');
  });

  it('on Monday morning each lead gets their delprojekt\'s new, overdue and waiting reports, and the analyst the week\'s barriers and letters', async () => {
    await insertBarrier('fresh', 'Hänvisning mellan AF och FK', '2026-11-27T10:00:00Z');
    await insertBarrier('escalated', 'Intyg dröjer', '2026-10-01T10:00:00Z', { at: '2026-11-28T10:00:00Z', reason: 'Återkommer i 3 kommuner i 2 delprojekt' });
    await insertBarrier('old', 'Gammalt hinder', '2026-09-01T10:00:00Z');
    await insertLetter('draft', 'escalated', 'utkast', 'Skrivelse om intyg som dröjer');
    await insertLetter('sent', 'old', 'skickad', 'Redan skickad skrivelse');

    // Monday 30 November 2026, 07:00 (ISO week 49).
    clock.set(new Date('2026-11-30T06:00:00Z'));
    const outcome = await job().runScheduled();
    expect(outcome).toEqual({ status: 'succeeded', summary: '2026-W49: 2 till delprojektledare (1 utan något att rapportera), 1 till analytiker' });
    const mails = await deliver(3);
    expect([...mails.keys()].sort()).toEqual(['analytiker@test.mia.se', 'ledare.os@test.mia.se', 'ledare.roslagen@test.mia.se']);

    const lead = mailTo(mails, 'ledare.os@test.mia.se');
    expect(lead.subject).toBe('Veckosammanfattning v49: 1 ny, 1 försenad, 1 väntar');
    const section = (text: string, from: string, to: string): string => text.slice(text.indexOf(from), to ? text.indexOf(to) : undefined);
    const overdue = section(lead.text, 'FÖRSENADE (1)', 'NYA DEN SENASTE VECKAN (1)');
    const fresh = section(lead.text, 'NYA DEN SENASTE VECKAN (1)', 'VÄNTAR PÅ ÅTGÄRD (1)');
    const waiting = section(lead.text, 'VÄNTAR PÅ ÅTGÄRD (1)', '');
    expect(overdue).toContain(`${reports.old.reference} Ingen tog emot remissen`);
    expect(overdue).toContain('Haninge, 35 dagar gammal');
    expect(overdue).toContain(`http://127.0.0.1/avvikelser/${reports.old.id}`);
    expect(fresh).toContain(`${reports.fresh.reference} AF och FK hänvisar till varandra`);
    expect(fresh).toContain('Nynäshamn, 3 dagar gammal');
    expect(fresh).toContain(`http://127.0.0.1/avvikelser/${reports.fresh.id}`);
    expect(waiting).toContain(`${reports.waiting.reference} Väntetid till samverkansteam`);
    expect(waiting).toContain('Tyresö, 11 dagar gammal');
    for (const key of ['old', 'fresh', 'waiting']) {
      expect(lead.html).toContain(`href="http://127.0.0.1/avvikelser/${reports[key].id}"`);
      expect(lead.html).toContain(reports[key].reference);
    }
    expect(lead.html).toContain('Försenade (1)');
    expect(lead.html).toContain('Nya den senaste veckan (1)');
    expect(lead.html).toContain('Väntar på åtgärd (1)');
    expect(lead.html).toContain('35 dagar');
    // The other delprojekt's report is not in this lead's digest, and no description text is in any mail.
    expect(lead.text).not.toContain(reports.roslagen.reference);
    expect(lead.html).not.toContain(reports.roslagen.reference);

    const ros = mailTo(mails, 'ledare.roslagen@test.mia.se');
    expect(ros.subject).toBe('Veckosammanfattning v49: 1 ny, 0 försenade, 0 väntar');
    expect(ros.text).toContain(`${reports.roslagen.reference} Stängd insats utan ersättare`);
    expect(ros.text).toContain('Inga försenade avvikelser.');
    for (const key of ['old', 'fresh', 'waiting']) {
      expect(ros.text).not.toContain(reports[key].reference);
      expect(ros.html).not.toContain(reports[key].reference);
    }

    const analyst = mailTo(mails, 'analytiker@test.mia.se');
    expect(analyst.subject).toBe('Veckosammanfattning v49: 1 nytt hinder, 1 eskalerat, 1 skrivelse att granska');
    const text = analyst.text;
    expect(section(text, 'NYA HINDER (1)', 'ESKALERADE HINDER (1)')).toContain('Hänvisning mellan AF och FK – 4 avvikelser, 2026-11-27');
    expect(section(text, 'NYA HINDER (1)', 'ESKALERADE HINDER (1)')).toContain(`http://127.0.0.1/hinder/${barriers.fresh}`);
    const escalated = section(text, 'ESKALERADE HINDER (1)', 'SKRIVELSER ATT GRANSKA (1)');
    expect(escalated).toContain('Intyg dröjer – 4 avvikelser, 2026-11-28');
    expect(escalated).toContain('Skäl: Återkommer i 3 kommuner i 2 delprojekt');
    expect(escalated).toContain(`http://127.0.0.1/hinder/${barriers.escalated}`);
    const letterPart = section(text, 'SKRIVELSER ATT GRANSKA (1)', '');
    expect(letterPart).toContain('Skrivelse om intyg som dröjer – Utkast');
    expect(letterPart).toContain(`http://127.0.0.1/skrivelser/${letters.draft}`);
    expect(text).not.toContain('Gammalt hinder');
    expect(text).not.toContain('Redan skickad skrivelse');
    expect(analyst.html).toContain(`href="http://127.0.0.1/hinder/${barriers.fresh}"`);
    expect(analyst.html).toContain(`href="http://127.0.0.1/hinder/${barriers.escalated}"`);
    expect(analyst.html).toContain(`href="http://127.0.0.1/skrivelser/${letters.draft}"`);
    expect(analyst.html).toContain('Skäl: Återkommer i 3 kommuner i 2 delprojekt');
    expect(analyst.html).not.toContain('Gammalt hinder');

    for (const mail of mails.values()) {
      expect(mail.text).not.toContain(DESCRIPTION_PART);
      expect(mail.html).not.toContain(DESCRIPTION_PART);
      expect(mail.text).toContain('Svara inte på det.');
    }
  });

  it('a second run in the same week sends nothing, whether by the timer or by hand', async () => {
    clock.set(new Date('2026-11-30T09:00:00Z'));
    expect(await job().runScheduled()).toEqual({ status: 'skipped', reason: 'done' });
    const manual = await job().runNow();
    expect(manual.outcome).toEqual({
      status: 'succeeded',
      summary: '2026-W49: 0 till delprojektledare (1 utan något att rapportera), 0 till analytiker, 3 hade redan fått veckans sammanfattning',
    });
    await deliver(0);
    const [{ count }] = (await db().query(`SELECT count(*)::int AS count FROM mail_outbox WHERE template LIKE 'digest-%' AND dedupe_key LIKE '%2026-W49%'`)) as Array<{
      count: number;
    }>;
    expect(count).toBe(3);
  });
});
