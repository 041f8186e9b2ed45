import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** The delprojektledare's weekly round, as found in a review: what the lead and the reporter read and are told. */
describe('the lead’s round: what the lead and the reporter read and are told', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Sara Stafett' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Lars Ledare' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  beforeEach(async () => {
    smtp.clear();
    await t.app.get(DataSource).query(`DELETE FROM mail_outbox`);
  });

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

  it('tells the lead that a log comment is read by the reporter too, who does see it in the timeline', async () => {
    const filed = await fileDeviation(t.app, staff, 'Botkyrka');
    const client = await signIn(lead);
    const page = await client.get(`/avvikelser/${filed.id}`);
    expect(page.text).toContain('T.ex. varför avvikelsen eskaleras eller återöppnas. Syns i tidslinjen, även för rapportören.');
    await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept', comment: 'Tar den här veckan.' });
    const reporterView = await (await signIn(staff)).get(`/avvikelser/${filed.id}`);
    expect(reporterView.text).toContain('Kommentar: Tar den här veckan.');
  });

  it('sends a lead who follows a reminder’s "alla avvikelser" link to their queue instead of a 403', async () => {
    const client = await signIn(lead);
    const all = await client.get('/avvikelser?status=all&sort=newest');
    expect(all.status).toBe(303);
    expect(all.location).toBe('/delprojekt/ko?status=all&sort=newest');
    const queue = await client.get(all.location ?? '');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('<h1>Kö</h1>');
    // Staff still may not list every report.
    expect((await (await signIn(staff)).get('/avvikelser')).status).toBe(403);
  });
});
