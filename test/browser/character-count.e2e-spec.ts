import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { User } from '../../src/modules/user/user.entity';
import { launchBrowser, newBrowserPage, pageProblems, PHONE, report, screenshot, signIn } from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** A long text of words, as someone pastes it from a document; ends in a marker so a cut would show. */
function pasted(n: number): string {
  const words = 'Försäkringskassan hänvisade till Arbetsförmedlingen som hänvisade tillbaka igen ';
  return `${words.repeat(Math.ceil(n / words.length)).slice(0, n - 7).trimEnd()} SLUTET`.padStart(n, 'x');
}

function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
}

async function fillTheRest(page: Page): Promise<void> {
  await page.getByLabel('Gränssnitt mellan huvudmän').check();
  await page.getByLabel('Rubrik').fill('AF och FK hänvisar till varandra');
  await page.getByLabel('Konsekvens för deltagaren').fill('Deltagaren stod utan insats i tre veckor.');
  await page.getByLabel('Medel').check();
}

/** The filing form on the staff's phone: a long paste is kept whole and counted, and the server names the field. */
describe('length limits in the filing form, on a 390 px phone', () => {
  let t: TestApp;
  let browser: Browser;
  let staff: User;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    staff = await createUser(t.app, 'staff', { name: 'Sara Medarbetare', subproject: 'MIA HBS' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('keeps a paste over the limit whole, counts it live, and the refusal names the field with the whole text kept', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE);
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      await page.goto('/avvikelser/ny');
      const description = page.getByLabel('Vad hände?');
      const counter = page.locator('#antal-description');
      expect(await counter.textContent()).toBe('Du har 4000 tecken kvar av 4000.');

      await page.getByLabel('Rubrik').fill('AF och FK');
      expect(await page.locator('#antal-title').textContent()).toBe('Du har 111 tecken kvar av 120.');

      const text = pasted(4100);
      await description.fill(text);
      // Nothing cut: the whole paste is in the field, and the count says how much too long it is.
      expect(await description.inputValue()).toBe(text);
      expect(await counter.textContent()).toBe('Du har 100 tecken för mycket. Högst 4000 tecken.');
      expect(await counter.getAttribute('class')).toContain('is-over');
      // Screen readers hear it once typing pauses, from a polite live region.
      const live = page.locator('#antal-description + [aria-live="polite"]');
      await page.waitForFunction(
        () => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector('#antal-description + [aria-live="polite"]')?.textContent !== '',
        undefined,
        { timeout: 5_000 },
      );
      expect(await live.textContent()).toBe('Du har 100 tecken för mycket. Högst 4000 tecken.');
      // The counter under each field fits the phone.
      expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
      await screenshot(page, 'phone-390-character-count');

      await fillTheRest(page);
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').textContent()).toContain('Beskrivningen får vara högst 4000 tecken (nu 4100).');
      expect(await page.getByLabel('Vad hände?').inputValue()).toBe(text);
      expect(await page.locator('#antal-description').textContent()).toBe('Du har 100 tecken för mycket. Högst 4000 tecken.');
      expect(await pageWidth(page)).toBeLessThanOrEqual(PHONE.width);
      expect(report({ 'POST /avvikelser/ny (too long, phone)': await pageProblems(page) })).toBe('');
      expect(((await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM deviation`)) as Array<{ n: number }>)[0].n).toBe(0);

      // Shortened, it goes.
      await page.getByLabel('Vad hände?').fill(text.slice(0, 3990));
      expect(await page.locator('#antal-description').textContent()).toBe('Du har 10 tecken kvar av 4000.');
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}\?skickad=1$/), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
    } finally {
      await context.close();
    }
  });

  it('works without JavaScript: the limit is said, nothing is cut, and the report is filed', async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: PHONE, locale: 'sv-SE', timezoneId: 'Europe/Stockholm', javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    try {
      const page = await context.newPage();
      await signIn(page, staff.email, TEST_PASSWORD);
      await page.goto('/avvikelser/ny');
      expect(await page.locator('#antal-description').textContent()).toBe('Högst 4000 tecken.');
      expect(await page.locator('#antal-title').textContent()).toBe('Högst 120 tecken.');
      const text = pasted(4050);
      await page.getByLabel('Vad hände?').fill(text);
      expect(await page.getByLabel('Vad hände?').inputValue()).toBe(text);
      await fillTheRest(page);
      await page.getByRole('button', { name: 'Skicka avvikelsen' }).click();
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').textContent()).toContain('Beskrivningen får vara högst 4000 tecken (nu 4050).');
      expect(await page.getByLabel('Vad hände?').inputValue()).toBe(text);
      await page.getByLabel('Vad hände?').fill('AF och FK hänvisar till varandra och ingen tar nästa steg.');
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}\?skickad=1$/), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      expect(await page.getByRole('status').textContent()).toContain('är skickad');
    } finally {
      await context.close();
    }
  });
});
