import { DataSource } from 'typeorm';
import { MailOutboxService } from '../src/modules/mail/mail-outbox.service';
import { startTestApp, TestApp } from './support/test-app';

describe('mail outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('enqueue renders the Swedish template and stores one row per dedupe key, inside the caller transaction', async () => {
    const mail = t.app.get(MailOutboxService);
    await mail.enqueue({ to: ['Lead@Test.mia.se'], template: 'test-notice', context: { name: 'Åsa', label: 'Haninge & Tyresö' }, dedupeKey: 'smoke-1' });
    await mail.enqueue({ to: ['lead@test.mia.se'], template: 'test-notice', context: { name: 'Åsa' }, dedupeKey: 'smoke-1' });
    const dataSource = t.app.get(DataSource);
    await expect(
      dataSource.transaction(async (manager) => {
        await mail.enqueue({ to: ['x@test.mia.se'], template: 'test-notice', context: {}, dedupeKey: 'rolled-back' }, manager);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const rows = (await dataSource.query(`SELECT recipients, subject, text, html, status FROM mail_outbox ORDER BY created_at`)) as Array<{
      recipients: string[];
      subject: string;
      text: string;
      html: string;
      status: string;
    }>;
    expect(rows).toHaveLength(1);
    expect(rows[0].recipients).toEqual(['lead@test.mia.se']);
    expect(rows[0].subject).toBe('Testutskick från Avvikelser MIA: Haninge & Tyresö');
    expect(rows[0].text).toContain('Märkning: Haninge & Tyresö');
    expect(rows[0].html).toContain('Haninge &amp; Tyresö');
    expect(rows[0].status).toBe('pending');
  });
});
