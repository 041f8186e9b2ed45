import { DataSource } from 'typeorm';
import { Clock, FixedClock } from '../src/common/clock/clock';
import { MailOutbox } from '../src/modules/mail/mail-outbox.entity';
import { MailOutboxService } from '../src/modules/mail/mail-outbox.service';
import { MAIL_LEASE_MS, MailOutboxWorker } from '../src/modules/mail/mail-outbox.worker';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { SmtpCatcher } from './support/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';

interface Row {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  message_id: string | null;
}

async function rows(t: TestApp): Promise<Row[]> {
  return (await t.app.get(DataSource).query(
    `SELECT id, status, attempts, next_attempt_at, last_error, message_id FROM mail_outbox ORDER BY created_at, id`,
  )) as Row[];
}

async function enqueueMany(t: TestApp, count: number, prefix: string): Promise<void> {
  const mail = t.app.get(MailOutboxService);
  for (let i = 0; i < count; i++) {
    await mail.enqueue({ to: [`${prefix}.${i}@test.mia.se`], template: 'test-notice', context: { label: `${prefix} ${i}` } });
  }
}

/**
 * As filing queues its mails: template and context only, rendered by the worker when sent. Due a minute
 * before the app's clock (the test's fixed clock, which earlier tests move on), never the database's own
 * now(): the worker claims by the app's clock.
 */
async function insertUnrendered(t: TestApp, to: string, template: string, context: object): Promise<string> {
  const due = new Date(t.app.get(Clock).now().getTime() - 60_000);
  const [row] = (await t.app.get(DataSource).query(
    `INSERT INTO mail_outbox (recipients, template, context, status, next_attempt_at) VALUES (ARRAY[$1], $2, $3::jsonb, 'pending', $4) RETURNING id`,
    [to, template, JSON.stringify(context), due],
  )) as Array<{ id: string }>;
  return row.id;
}

async function signIn(t: TestApp, role: 'admin' | 'staff'): Promise<HttpClient> {
  const user = await createUser(t.app, role);
  const client = new HttpClient(t.baseUrl);
  expect((await client.login(user.email, TEST_PASSWORD)).status).toBe(303);
  return client;
}

describe('mail outbox with a real SMTP server', () => {
  let smtp: SmtpCatcher;
  let t: TestApp;
  const clock = new FixedClock(new Date('2026-11-23T08:00:00Z'));

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, clock });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });
  beforeEach(async () => {
    await smtp.start();
    smtp.rejectRecipients(null);
    smtp.clear();
    await t.app.get(DataSource).query(`DELETE FROM mail_outbox`);
  });

  it('renders at enqueue time and delivers a Swedish mail as HTML and text, from a Swedish sender name', async () => {
    await t.app.get(MailOutboxService).enqueue({
      to: ['Lead@Test.mia.se'],
      template: 'test-notice',
      context: { name: 'Åsa', label: 'Haninge & Tyresö' },
    });
    expect(smtp.mails).toHaveLength(0); // nothing is sent by enqueue itself

    const result = await t.app.get(MailOutboxWorker).processDueNow();
    expect(result).toEqual({ sent: 1, retrying: 0, failed: 0, kept: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail.to).toEqual(['lead@test.mia.se']);
    expect(mail.fromName).toBe('Avvikelser MIA');
    expect(mail.subject).toBe('Testutskick från Avvikelser MIA: Haninge & Tyresö');
    expect(mail.text).toContain('Hej Åsa!');
    expect(mail.text).toContain('Märkning: Haninge & Tyresö');
    expect(mail.text).toContain('http://127.0.0.1/');
    expect(mail.html).toContain('lang="sv"');
    expect(mail.html).toContain('Haninge &amp; Tyresö');
    expect(mail.html).toContain('Det här är ett testmeddelande');

    const [row] = await rows(t);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(mail.messageId).toBe(row.message_id);
    expect(mail.messageId).toContain(row.id);
  });

  it('queues the same notice once per dedupe key, and only when the caller transaction commits', async () => {
    const mail = t.app.get(MailOutboxService);
    await mail.enqueue({ to: ['a@test.mia.se'], template: 'test-notice', context: {}, dedupeKey: 'notice-1' });
    await mail.enqueue({ to: ['a@test.mia.se'], template: 'test-notice', context: {}, dedupeKey: 'notice-1' });
    await expect(
      t.app.get(DataSource).transaction(async (manager) => {
        await mail.enqueue({ to: ['b@test.mia.se'], template: 'test-notice', context: {}, dedupeKey: 'rolled-back' }, manager);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await t.app.get(DataSource).transaction(async (manager) => {
      await mail.enqueue({ to: ['c@test.mia.se'], template: 'test-notice', context: {} }, manager);
    });
    expect(await rows(t)).toHaveLength(2);
    await t.app.get(MailOutboxWorker).processDueNow();
    expect((await smtp.waitFor(2)).map((m) => m.to[0]).sort()).toEqual(['a@test.mia.se', 'c@test.mia.se']);
  });

  it('sends a mail to several recipients as one message each, so no one sees the others, deduplicated per recipient', async () => {
    const mail = t.app.get(MailOutboxService);
    await mail.enqueue({ to: ['Ledare.Ett@test.mia.se', 'ledare.tva@test.mia.se', 'ledare.ett@test.mia.se '], template: 'test-notice', context: { label: 'Alla' }, dedupeKey: 'notice-2' });
    const stored = (await t.app.get(DataSource).query(`SELECT recipients, dedupe_key FROM mail_outbox ORDER BY dedupe_key`)) as Array<{
      recipients: string[];
      dedupe_key: string;
    }>;
    expect(stored).toEqual([
      { recipients: ['ledare.ett@test.mia.se'], dedupe_key: 'notice-2:ledare.ett@test.mia.se' },
      { recipients: ['ledare.tva@test.mia.se'], dedupe_key: 'notice-2:ledare.tva@test.mia.se' },
    ]);

    // The same notice again, now with a third recipient: only the newcomer gets a copy.
    await mail.enqueue({ to: ['ledare.ett@test.mia.se', 'ledare.tva@test.mia.se', 'ledare.tre@test.mia.se'], template: 'test-notice', context: { label: 'Alla' }, dedupeKey: 'notice-2' });
    // Without a dedupe key every call queues (one row per recipient).
    await mail.enqueue({ to: ['x@test.mia.se', 'y@test.mia.se'], template: 'test-notice', context: { label: 'Utan nyckel' } });
    expect(await rows(t)).toHaveLength(5);

    expect((await t.app.get(MailOutboxWorker).processDueNow()).sent).toBe(5);
    const caught = await smtp.waitFor(5);
    expect(caught.map((m) => m.to)).toEqual(expect.arrayContaining([['ledare.ett@test.mia.se'], ['ledare.tva@test.mia.se'], ['ledare.tre@test.mia.se'], ['x@test.mia.se'], ['y@test.mia.se']]));
    expect(caught.every((m) => m.to.length === 1)).toBe(true);
    expect(new Set(caught.map((m) => m.messageId)).size).toBe(5);
    expect(caught.filter((m) => m.subject === 'Testutskick från Avvikelser MIA: Alla')).toHaveLength(3);
  });

  it('refuses an invalid address without queueing a copy for anyone', async () => {
    await expect(
      t.app.get(MailOutboxService).enqueue({ to: ['ok@test.mia.se', 'inte en adress'], template: 'test-notice', context: {} }),
    ).rejects.toMatchObject({ code: 'mail_invalid_recipient' });
    expect(await rows(t)).toHaveLength(0);
  });

  it('with SMTP down, 20 mails wait with backoff and go out once each when it is back', async () => {
    const worker = t.app.get(MailOutboxWorker);
    await smtp.stop();
    await enqueueMany(t, 20, 'nere');

    expect(await worker.processDueNow()).toEqual({ sent: 0, retrying: 20, failed: 0, kept: 0 });
    let state = await rows(t);
    expect(state.every((r) => r.status === 'pending' && r.attempts === 1)).toBe(true);
    expect(state.every((r) => r.next_attempt_at.getTime() === clock.now().getTime() + 15_000)).toBe(true);
    expect(state[0].last_error).toMatch(/ECONNREFUSED|ECONNECTION/);

    // Not due yet: the pass leaves them alone.
    expect(await worker.processDueNow()).toEqual({ sent: 0, retrying: 0, failed: 0, kept: 0 });
    clock.set(new Date(clock.now().getTime() + 16_000));
    expect((await worker.processDueNow()).retrying).toBe(20);
    state = await rows(t);
    expect(state.every((r) => r.attempts === 2 && r.next_attempt_at.getTime() === clock.now().getTime() + 30_000)).toBe(true);

    await smtp.start();
    clock.set(new Date(clock.now().getTime() + 31_000));
    expect((await worker.processDueNow()).sent).toBe(20);
    expect((await worker.processDueNow()).sent).toBe(0);
    await smtp.waitFor(20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.mails).toHaveLength(20);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(20);
    expect(smtp.mails.map((m) => m.to[0]).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `nere.${i}@test.mia.se`).sort());
    state = await rows(t);
    expect(state.every((r) => r.status === 'sent' && r.last_error === null)).toBe(true);
  });

  it('takes over a mail left "sending" by a crashed instance once its lease has run out, not before', async () => {
    await enqueueMany(t, 1, 'krasch');
    const dataSource = t.app.get(DataSource);
    const leaseEnds = new Date(clock.now().getTime() + 60_000);
    await dataSource.query(`UPDATE mail_outbox SET status = 'sending', attempts = 1, locked_until = $1`, [leaseEnds]);
    const worker = t.app.get(MailOutboxWorker);
    expect((await worker.processDueNow()).sent).toBe(0);
    clock.set(new Date(leaseEnds.getTime() + 1));
    expect((await worker.processDueNow()).sent).toBe(1);
    await smtp.waitFor(1);
    expect((await rows(t))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(MAIL_LEASE_MS).toBeGreaterThan(60_000);
  });

  it('a mail that keeps failing ends "failed", is listed first for admins with the SMTP error, and can be sent again', async () => {
    const worker = t.app.get(MailOutboxWorker);
    smtp.rejectRecipients((address) => address.startsWith('studsar'));
    await enqueueMany(t, 1, 'fungerar');
    await t.app.get(MailOutboxService).enqueue({ to: ['studsar@test.mia.se'], template: 'test-notice', context: { label: 'Studsar' } });
    const studsar = (await t.app.get(DataSource).getRepository(MailOutbox).findOneByOrFail({ template: 'test-notice', subject: 'Testutskick från Avvikelser MIA: Studsar' })).id;

    let final = { sent: 0, retrying: 0, failed: 0, kept: 0 };
    for (let attempt = 1; attempt <= 10; attempt++) {
      final = await worker.processDueNow();
      clock.set(new Date(clock.now().getTime() + 2 * 60 * 60_000));
    }
    expect(final).toEqual({ sent: 0, retrying: 0, failed: 1, kept: 0 });
    const failed = await t.app.get(DataSource).getRepository(MailOutbox).findOneByOrFail({ id: studsar });
    expect(failed).toMatchObject({ status: 'failed', attempts: 10 });
    expect(failed.lastError).toContain('550');
    expect(failed.lastError).not.toContain('testmeddelande'); // the SMTP error only, never the content
    expect((await worker.processDueNow()).failed).toBe(0); // failed mails stay put

    const admin = await signIn(t, 'admin');
    const page = await admin.get('/admin/utskick');
    expect(page.status).toBe(200);
    expect(page.text).toContain('href="/admin/utskick"'); // the admin menu item
    const failedAt = page.text.indexOf(`/admin/utskick/${studsar}"`);
    expect(failedAt).toBeGreaterThan(0);
    expect(failedAt).toBeLessThan(page.text.indexOf('fungerar 0'));
    expect(page.text).toContain('Misslyckades');
    expect(page.text).toContain('550');
    expect(page.text).toContain(`/admin/utskick/${studsar}/skicka-igen`);

    const api = await admin.api('GET', '/api/mail?status=failed');
    expect(api.status).toBe(200);
    expect(api.json<Array<{ id: string; attempts: number }>>()).toEqual([expect.objectContaining({ id: studsar, attempts: 10 })]);

    // Without the CSRF token the retry is refused; with it the mail is queued again and goes out.
    expect((await admin.postForm(`/admin/utskick/${studsar}/skicka-igen`, {}, { csrf: null })).status).toBe(403);
    const retried = await admin.postForm(`/admin/utskick/${studsar}/skicka-igen`, {});
    expect(retried.status).toBe(303);
    expect(retried.location).toBe(`/admin/utskick/${studsar}?omlagt=1`);
    smtp.rejectRecipients(null);
    smtp.clear();
    expect((await worker.processDueNow()).sent).toBe(1);
    expect((await smtp.waitFor(1))[0].to).toEqual(['studsar@test.mia.se']);
    const again = await admin.postForm(`/admin/utskick/${studsar}/skicka-igen`, {});
    expect(again.status).toBe(409);
    expect(again.text).toContain('Bara utskick som misslyckats eller sparats kan skickas igen.');
  });

  it('renders a mail queued as template + context when it is sent, shows it to admins before, and keeps what was sent', async () => {
    const id = await insertUnrendered(t, 'lead@test.mia.se', 'test-notice', { name: 'Åsa', label: 'Haninge & Tyresö' });
    const admin = await signIn(t, 'admin');
    const before = await admin.api('GET', `/api/mail/${id}`);
    expect(before.status).toBe(200);
    expect(before.json()).toMatchObject({ subject: 'Testutskick från Avvikelser MIA: Haninge & Tyresö', status: 'pending' });

    expect(await t.app.get(MailOutboxWorker).processDueNow()).toEqual({ sent: 1, retrying: 0, failed: 0, kept: 0 });
    const [mail] = await smtp.waitFor(1);
    expect(mail.subject).toBe('Testutskick från Avvikelser MIA: Haninge & Tyresö');
    expect(mail.text).toContain('Hej Åsa!');
    expect(mail.html).toContain('Haninge &amp; Tyresö');
    const [stored] = (await t.app.get(DataSource).query(`SELECT status, subject, html, text FROM mail_outbox WHERE id = $1`, [id])) as Array<{
      status: string;
      subject: string;
      html: string;
      text: string;
    }>;
    expect(stored).toMatchObject({ status: 'sent', subject: mail.subject, text: mail.text });
    expect(stored.html).toContain('Haninge &amp; Tyresö');
  });

  it('fails a mail whose template cannot be rendered, at once and with a Swedish reason, without holding up the others', async () => {
    const broken = await insertUnrendered(t, 'a@test.mia.se', 'finns-inte', { label: 'x' });
    await insertUnrendered(t, 'b@test.mia.se', 'test-notice', { label: 'Fungerar' });
    expect(await t.app.get(MailOutboxWorker).processDueNow()).toEqual({ sent: 1, retrying: 0, failed: 1, kept: 0 });
    const [row] = (await t.app.get(DataSource).query(`SELECT status, last_error FROM mail_outbox WHERE id = $1`, [broken])) as Array<{ status: string; last_error: string }>;
    expect(row.status).toBe('failed');
    expect(row.last_error).toContain('Mallen finns-inte kunde inte fyllas i');
    expect((await smtp.waitFor(1)).map((m) => m.to[0])).toEqual(['b@test.mia.se']);
  });

  it('staff get 403 on the outbox pages and API', async () => {
    await enqueueMany(t, 1, 'hemlig');
    const [row] = await rows(t);
    const staff = await signIn(t, 'staff');
    expect((await staff.get('/admin/utskick')).status).toBe(403);
    expect((await staff.get(`/admin/utskick/${row.id}`)).status).toBe(403);
    expect((await staff.api('GET', '/api/mail')).status).toBe(403);
    expect((await staff.get('/')).text).not.toContain('href="/admin/utskick"');
  });
});

describe('two app instances on one database', () => {
  let smtp: SmtpCatcher;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    smtp = await SmtpCatcher.start();
    first = await startTestApp({ env: { SMTP_URL: smtp.url } });
    second = await startTestApp({ env: { SMTP_URL: smtp.url }, db: first.db });
  });
  afterAll(async () => {
    await second.close();
    await first.close();
    await smtp.stop();
  });

  it('deliver each mail once when both process the outbox at the same time', async () => {
    await enqueueMany(first, 60, 'parallell');
    const workers = [first.app.get(MailOutboxWorker), second.app.get(MailOutboxWorker)];
    // Two calls per instance: in one process concurrent calls share a pass (the same result object).
    const results = [...new Set(await Promise.all([...workers, ...workers].map((worker) => worker.processDueNow())))];
    expect(results).toHaveLength(2);
    expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(60);
    expect(results.every((r) => r.retrying === 0 && r.failed === 0)).toBe(true);
    await smtp.waitFor(60);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.mails).toHaveLength(60);
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(60);
    expect(new Set(smtp.mails.map((m) => m.to[0])).size).toBe(60);
    expect((await rows(first)).every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});

describe('without SMTP_URL in development and test', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('keeps mails instead of sending, readable by an admin at /admin/utskick/:id', async () => {
    await t.app.get(MailOutboxService).enqueue({ to: ['lead@test.mia.se'], template: 'test-notice', context: { name: 'Åsa', label: 'Sparat' } });
    expect(await t.app.get(MailOutboxWorker).processDueNow()).toEqual({ sent: 0, retrying: 0, failed: 0, kept: 1 });
    const [row] = await rows(t);
    expect(row.status).toBe('kept');

    const admin = await signIn(t, 'admin');
    const list = await admin.get('/admin/utskick');
    expect(list.text).toContain('Ingen e-postserver är inställd');
    expect(list.text).toContain('Sparat (ej skickat)');
    const page = await admin.get(`/admin/utskick/${row.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Testutskick från Avvikelser MIA: Sparat</h1>');
    expect(page.text).toContain('lead@test.mia.se');
    expect(page.text).toContain('Hej Åsa!');
    expect(page.text).toContain('sandbox srcdoc="');
    expect((await admin.get('/admin/utskick/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('keeps mails queued as template + context without writing them out, and the admin pages render them', async () => {
    await t.app.get(DataSource).query(`DELETE FROM mail_outbox`);
    const id = await insertUnrendered(t, 'lead@test.mia.se', 'test-notice', { name: 'Bo', label: 'Ur utkorgen' });
    const broken = await insertUnrendered(t, 'lead@test.mia.se', 'finns-inte', { name: 'Bo' });
    expect(await t.app.get(MailOutboxWorker).processDueNow()).toEqual({ sent: 0, retrying: 0, failed: 1, kept: 1 });
    const stored = (await t.app.get(DataSource).query(`SELECT id, status, subject, text, last_error FROM mail_outbox ORDER BY status`)) as Array<{
      id: string;
      status: string;
      subject: string | null;
      text: string | null;
      last_error: string | null;
    }>;
    // Only the status is written for a kept mail; a template that cannot be filled in fails at once.
    expect(stored.find((row) => row.id === id)).toMatchObject({ status: 'kept', subject: null, text: null });
    expect(stored.find((row) => row.id === broken)).toMatchObject({ status: 'failed' });
    expect(stored.find((row) => row.id === broken)?.last_error).toContain('Mallen finns-inte kunde inte fyllas i');

    const admin = await signIn(t, 'admin');
    const list = await admin.get('/admin/utskick');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Testutskick från Avvikelser MIA: Ur utkorgen');
    expect(list.text).toContain('(Mallen finns-inte kunde inte fyllas i; se felet)');
    expect((await admin.get(`/admin/utskick/${broken}`)).status).toBe(200);
    const page = await admin.get(`/admin/utskick/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Testutskick från Avvikelser MIA: Ur utkorgen</h1>');
    expect(page.text).toContain('Hej Bo!');
  });
});

describe('without SMTP_URL in production', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production' } });
  });
  afterAll(() => t.close());

  it('keeps mails pending (to go out once SMTP_URL is set) instead of marking them kept', async () => {
    await t.app.get(MailOutboxService).enqueue({ to: ['lead@test.mia.se'], template: 'test-notice', context: {} });
    expect(await t.app.get(MailOutboxWorker).processDueNow()).toEqual({ sent: 0, retrying: 0, failed: 0, kept: 0 });
    expect((await rows(t)).map((r) => [r.status, r.attempts])).toEqual([['pending', 0]]);
  });
});
