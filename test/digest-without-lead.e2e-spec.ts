import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { DigestJob } from '../src/modules/digest/digest.job';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createUser } from './support/factories';
import { CaughtMail, SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** The participant-facing text every filed report carries (test/support/deviation-factories.ts): never in a digest. */
const TEXT_PARTS = ['hänvisade tillbaka', 'utan insats i tre veckor'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A delprojekt without an active lead gets no lead digest; its open reports wait for the analysts, who stand in. Their
 * weekly digest lists such delprojekt with what is overdue and new there, as a lead's digest would, and links to the
 * list of them. With real Postgres and SMTP, on a fixed clock.
 */
describe('the analysts’ weekly digest lists delprojekt without a lead', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  // Monday 30 November 2026, 07:00 Swedish time (ISO week 49).
  const clock = new FixedClock(new Date('2026-11-30T06:00:00Z'));
  const reports: Record<string, { id: string; reference: string }> = {};
  let staffHbs: User;
  let staffOs: User;

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
    staffHbs = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    staffOs = await createUser(t.app, 'staff', { subproject: 'MIA Östra Södertörn' });
    await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn', email: 'ledare.os@test.mia.se' });
    await createUser(t.app, 'analyst', { email: 'analytiker@test.mia.se' });
    // MIA HBS has no lead: one report a month old (overdue), one from Friday (new).
    await fileAt('old', '2026-10-26T09:00:00Z', staffHbs, 'Huddinge', 'Ingen tog emot remissen');
    await fileAt('fresh', '2026-11-27T10:00:00Z', staffHbs, 'Botkyrka', 'Beslut dröjer utan besked');
    // Östra Södertörn has its lead: not in the analysts' section.
    await fileAt('led', '2026-11-27T11:00:00Z', staffOs, 'Haninge', 'Väntetid till samverkansteam');
    await t.app.get(MailOutboxWorker).processDueNow();
    smtp.clear();
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  it('names the delprojekt, counts its reports once each and lists the overdue and new ones with links', async () => {
    clock.set(new Date('2026-11-30T06:00:00Z'));
    expect(await t.app.get(DigestJob).runScheduled()).toMatchObject({ status: 'succeeded' });
    const mails = await deliver(2);
    const analyst = mails.get('analytiker@test.mia.se');
    if (!analyst) throw new Error('Inget mejl till analytikern');
    const part = analyst.text.slice(analyst.text.indexOf('DELPROJEKT UTAN DELPROJEKTLEDARE'));
    expect(part).toContain('DELPROJEKT UTAN DELPROJEKTLEDARE (1)');
    expect(part).toContain('MIA HBS: 1 försenad, 1 ny, 0 väntar på åtgärd');
    expect(part).toContain(`Försenad: ${reports.old.reference} Ingen tog emot remissen (Huddinge)`);
    expect(part).toContain(`Ny: ${reports.fresh.reference} Beslut dröjer utan besked (Botkyrka)`);
    expect(part).toContain(`http://127.0.0.1/avvikelser/${reports.old.id}`);
    expect(part).toContain('http://127.0.0.1/avvikelser?lead=none');
    expect(part).not.toContain(reports.led.reference);
    expect(analyst.html).toContain('Delprojekt utan delprojektledare (1)');
    expect(analyst.html).toContain(`href="http://127.0.0.1/avvikelser/${reports.fresh.id}"`);
    expect(analyst.html).toContain('href="http://127.0.0.1/avvikelser?lead=none"');
    // The lead's digest is unchanged: only their own delprojekt.
    const lead = mails.get('ledare.os@test.mia.se');
    expect(lead?.text).toContain(reports.led.reference);
    expect(lead?.text).not.toContain(reports.old.reference);
    for (const mail of mails.values()) for (const part of TEXT_PARTS) expect(mail.text + mail.html).not.toContain(part);
  });

  it('says nothing about lead-less delprojekt when nothing is open there', async () => {
    // Closing goes through the service's rules elsewhere; here only what the digest reads matters.
    await t.app.get(DataSource).query(`UPDATE deviation SET status = 'avslutad' WHERE id = ANY($1::uuid[])`, [[reports.old.id, reports.fresh.id]]);
    clock.set(new Date('2026-12-07T06:00:00Z'));
    expect(await t.app.get(DigestJob).runScheduled()).toMatchObject({ status: 'succeeded' });
    const mails = await deliver(2);
    const analyst = mails.get('analytiker@test.mia.se');
    expect(analyst?.text).not.toContain('DELPROJEKT UTAN DELPROJEKTLEDARE');
    expect(analyst?.html).not.toContain('Delprojekt utan delprojektledare');
  });
});
