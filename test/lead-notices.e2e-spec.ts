import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { User } from '../src/modules/user/user.entity';
import { fileDeviation } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

/** The delprojektledare's weekly round: what the lead and the reporter read and are told. */
describe('what the lead and the reporter read and are told', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let staff: User;
  let lead: User;
  let otherLead: User;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS', name: 'Sara Stafett' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Lars Ledare' });
    otherLead = await createUser(t.app, 'lead', { subproject: 'MIA HBS', name: 'Lina Ledare' });
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

  it('mails the responsible lead when the reporter answers in the dialogue (every lead of the delprojekt while no one is responsible)', async () => {
    const filed = await fileDeviation(t.app, staff, 'Botkyrka', { title: 'Samtycket räcker inte' });
    const reporter = await signIn(staff);
    await reporter.get(`/avvikelser/${filed.id}`);
    expect((await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: 'Det gäller samtycket från i våras.' })).status).toBe(303);
    let mails = (await deliver()).filter((m) => m.subject.startsWith('Rapportören har svarat'));
    expect(mails.map((m) => m.to[0]).sort()).toEqual([lead.email, otherLead.email].sort());
    expect(mails[0].subject).toBe(`Rapportören har svarat om ${filed.reference}: Samtycket räcker inte`);
    expect(mails[0].text).toContain('Sara Stafett har skrivit i dialogen om avvikelsen');
    expect(mails[0].text).toContain(`/avvikelser/${filed.id}#kommentarer`);
    // The text itself stays in the system.
    expect(mails[0].text).not.toContain('samtycket från i våras');

    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    await client.postForm(`/avvikelser/${filed.id}/status`, { action: 'accept' });
    smtp.clear();
    await reporter.get(`/avvikelser/${filed.id}`);
    await reporter.postForm(`/avvikelser/${filed.id}/kommentarer`, { visibility: 'reporter', body: 'En sak till.' });
    mails = (await deliver()).filter((m) => m.subject.startsWith('Rapportören har svarat'));
    expect(mails.map((m) => m.to)).toEqual([[lead.email]]);
  });

  it('mails the lead a colleague makes responsible, but not the lead who takes a report themselves', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { title: 'Ingen tar emot remissen' });
    await deliver();
    smtp.clear();
    const client = await signIn(lead);
    await client.get(`/avvikelser/${filed.id}`);
    expect((await client.postForm(`/avvikelser/${filed.id}/tilldela`, { assigneeId: otherLead.id })).status).toBe(303);
    const mails = await deliver();
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([otherLead.email]);
    expect(mails[0].subject).toBe(`Du är ansvarig för ${filed.reference}: Ingen tar emot remissen`);
    expect(mails[0].text).toContain('Lars Ledare har gjort dig ansvarig för avvikelsen');
    expect(mails[0].text).toContain(`/avvikelser/${filed.id}`);

    smtp.clear();
    const colleague = await signIn(otherLead);
    await colleague.get(`/avvikelser/${filed.id}`);
    await colleague.postForm(`/avvikelser/${filed.id}/tilldela`, { assigneeId: lead.id });
    await colleague.get(`/avvikelser/${filed.id}`);
    await colleague.postForm(`/avvikelser/${filed.id}/tilldela`, { assigneeId: otherLead.id });
    expect((await deliver()).map((m) => m.to)).toEqual([[lead.email]]);
  });
});
