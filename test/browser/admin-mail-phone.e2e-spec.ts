import { Browser } from 'playwright-core';
import { MailOutboxService } from '../../src/modules/mail/mail-outbox.service';
import { MailOutboxWorker } from '../../src/modules/mail/mail-outbox.worker';
import { launchBrowser, newBrowserPage, PHONE, signIn } from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** What the check reads in the page (tsconfig has no DOM types). */
interface PageWindow {
  document: { scrollingElement: { scrollWidth: number } | null; querySelector(selector: string): { scrollWidth: number; clientWidth: number } | null };
}

/** One outbox mail on a 390 px phone: the plain-text version wraps instead of widening the page. */
describe('an outbox mail at 390 px', () => {
  let t: TestApp;
  let browser: Browser;
  let adminEmail: string;
  let mailId: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    adminEmail = (await createUser(t.app, 'admin')).email;
    // As the demo's "skrivelse skickad": long sentences, and a long unbroken address line.
    await t.app.get(MailOutboxService).enqueue({
      to: ['rapportor.med.en.lang.adress@samordningsforbundet-ostra-sodertorn.se'],
      template: 'letter-sent',
      context: {
        references: ['AVV-2026-00088', 'AVV-2026-00091'],
        recipientName: 'Nationella rådet för finansiell samordning',
        subject: 'Skrivelse angående glapp mellan Försäkringskassan och Arbetsförmedlingen när sjukpenningen upphör',
        barrierName: 'Glapp mellan FK och AF när sjukpenningen upphör',
        reportCount: 12,
        municipalityCount: 7,
      },
    });
    await t.app.get(MailOutboxWorker).processDueNow();
    mailId = ((await t.app.get(MailOutboxService).list({ limit: 1 }))[0]).id;
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 60_000);

  it('does not scroll sideways: the text version wraps', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE);
    try {
      await signIn(page, adminEmail, TEST_PASSWORD);
      const response = await page.goto(`/admin/utskick/${mailId}`);
      expect(response?.status()).toBe(200);
      expect(await page.locator('pre.mail-text').textContent()).toContain('bland dem dina rapporter:');
      const widths = await page.evaluate(() => {
        const doc = (globalThis as unknown as PageWindow).document;
        const text = doc.querySelector('pre.mail-text');
        return { page: doc.scrollingElement?.scrollWidth ?? Infinity, text: text?.scrollWidth ?? Infinity, textBox: text?.clientWidth ?? 0 };
      });
      expect(PHONE.width).toBe(390);
      expect(widths.page).toBeLessThanOrEqual(390);
      expect(widths.text).toBeLessThanOrEqual(widths.textBox);
    } finally {
      await context.close();
    }
  });
});
