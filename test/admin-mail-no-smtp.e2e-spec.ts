import { DataSource } from 'typeorm';
import { MailOutboxService } from '../src/modules/mail/mail-outbox.service';
import { MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

const LETTER_SENT = {
  references: ['AVV-2026-00088'],
  recipientName: 'Nationella rådet för finansiell samordning',
  subject: 'Skrivelse angående glapp',
  barrierName: 'Glapp mellan FK och AF',
  reportCount: 4,
  municipalityCount: 3,
};

async function adminClient(t: TestApp): Promise<HttpClient> {
  const admin = await createUser(t.app, 'admin');
  const client = new HttpClient(t.baseUrl);
  expect((await client.login(admin.email, TEST_PASSWORD)).status).toBe(303);
  return client;
}

async function outboxRow(t: TestApp): Promise<{ id: string; status: string }> {
  return ((await t.app.get(DataSource).query(`SELECT id, status FROM mail_outbox ORDER BY created_at DESC LIMIT 1`)) as Array<{ id: string; status: string }>)[0];
}

/** An outbox mail's page says what kind of mail it is in Swedish, and offers "Skicka igen" only where it can be sent. */
describe('an outbox mail without an e-mail server', () => {
  let t: TestApp;
  let admin: HttpClient;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await adminClient(t);
  });
  afterAll(() => t.close());

  it('says no e-mail server is set and how to set one, instead of offering "Skicka igen"', async () => {
    await t.app.get(MailOutboxService).enqueue({ to: ['rapportor@test.mia.se'], template: 'letter-sent', context: LETTER_SENT });
    await t.app.get(MailOutboxWorker).processDueNow();
    const row = await outboxRow(t);
    expect(row.status).toBe('kept');

    const page = await admin.get(`/admin/utskick/${row.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ingen e-postserver är inställd, så utskicket kan inte skickas igen.');
    expect(page.text).toContain('<code>SMTP_URL</code>');
    expect(page.text).not.toContain('skicka-igen');
    expect(page.text).not.toContain('>Skicka igen<');
    // The kind of mail in Swedish, not the template's code.
    expect(page.text).toContain('<dt>Sort</dt><dd>En skrivelse är skickad och rapporten ingår (till rapportören)</dd>');
    expect(page.text).not.toContain('letter-sent');
    const list = await admin.get('/admin/utskick');
    expect(list.text).toContain('En skrivelse är skickad och rapporten ingår (till rapportören)');
    expect(list.text).toContain('<code>SMTP_URL</code>');

    // A post from an old page is refused with the same advice, and the mail stays as it was (not "lagt i kö igen").
    const retried = await admin.postForm(`/admin/utskick/${row.id}/skicka-igen`, {});
    expect(retried.status).toBe(409);
    expect(retried.text).toContain('Ingen e-postserver är inställd, så utskicket kan inte skickas. Sätt miljövariabeln SMTP_URL');
    expect(retried.text).not.toContain('lagt i kö igen');
    expect((await outboxRow(t)).status).toBe('kept');

    const token = await createApiToken(t.app, await createUser(t.app, 'admin'));
    const api = await admin.api('POST', `/api/mail/${row.id}/retry`, undefined, token);
    expect(api.status).toBe(409);
    expect(api.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'mail_no_smtp', message: expect.stringContaining('SMTP_URL') });
    const shown = await admin.api('GET', `/api/mail/${row.id}`, undefined, token);
    expect(shown.json<{ template: string; kind: string }>()).toMatchObject({ template: 'letter-sent', kind: 'En skrivelse är skickad och rapporten ingår (till rapportören)' });
  });
});

describe('an outbox mail with an e-mail server', () => {
  let t: TestApp;
  let smtp: SmtpCatcher;
  let admin: HttpClient;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url } });
    admin = await adminClient(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('offers "Skicka igen" for a failed mail, and it goes out', async () => {
    await t.app.get(MailOutboxService).enqueue({ to: ['rapportor@test.mia.se'], template: 'letter-sent', context: LETTER_SENT });
    const row = await outboxRow(t);
    await t.app.get(DataSource).query(`UPDATE mail_outbox SET status = 'failed', attempts = 10, last_error = '550 Mottagaren finns inte' WHERE id = $1`, [row.id]);
    const page = await admin.get(`/admin/utskick/${row.id}`);
    expect(page.text).toContain('>Skicka igen</button>');
    expect(page.text).not.toContain('Ingen e-postserver är inställd');
    const retried = await admin.postForm(`/admin/utskick/${row.id}/skicka-igen`, {});
    expect(retried.status).toBe(303);
    expect((await admin.get(String(retried.location))).text).toContain('Utskicket är lagt i kö igen');
    expect((await t.app.get(MailOutboxWorker).processDueNow()).sent).toBe(1);
    expect((await smtp.waitFor(1))[0].subject).toBe('Din avvikelserapport ingår i en skrivelse till Nationella rådet för finansiell samordning');
  });
});
