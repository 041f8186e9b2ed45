import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { User } from '../../src/modules/user/user.entity';
import { fileDeviation } from '../support/deviation-factories';
import { launchBrowser, newBrowserPage, pageProblems, report, screenshot, SCREENSHOT_DIR, signIn } from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const PHONE_WIDTH = { width: 375, height: 812 };
const MISTYPED = '19850312-1234';

async function fillReport(page: Page, description: string): Promise<void> {
  await page.goto('/avvikelser/ny');
  await page.getByLabel('Gränssnitt mellan huvudmän').check();
  await page.getByLabel('Rubrik').fill('Fel nummer i kallelsen');
  await page.getByLabel('Vad hände?').fill(description);
  await page.getByLabel('Konsekvens för deltagaren').fill('Deltagaren fick vänta i tre veckor.');
  await page.getByLabel('Medel').check();
}

/** The question about a mistyped-looking personnummer in Chromium on a phone: both ways on, through the real buttons. */
describe('a number that looks like a mistyped personnummer, in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let staff: User;
  let lead: User;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    staff = await createUser(t.app, 'staff', { name: 'Sara Medarbetare', subproject: 'MIA HBS' });
    lead = await createUser(t.app, 'lead', { name: 'Ludvig Ledare', subproject: 'MIA HBS' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('"Ta bort numret åt mig" and "Det är inte ett personnummer – skicka ändå" each work from the summary, and the page checks pass', async () => {
    const db = t.app.get(DataSource);
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE_WIDTH);
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      const problems: Record<string, string[]> = {};
      await fillReport(page, `Kallelsen hade personnummer ${MISTYPED} i stället. AF och FK hänvisar till varandra.`);
      const [asked] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      expect(asked.status()).toBe(422);
      await page.waitForLoadState('load');
      expect(await page.locator('#fel-description mark').textContent()).toBe('••••••••-••34');
      expect(await page.locator('.error-summary').textContent()).not.toContain('19850312');
      expect(await page.getByLabel('Vad hände?').inputValue()).toContain(MISTYPED);
      problems['asked'] = await pageProblems(page);
      await screenshot(page, 'phone-375-id-number-asked');

      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Ta bort numret åt mig' }).click()]);
      await page.getByRole('heading', { name: 'Numret är borttaget' }).waitFor();
      expect(await page.getByLabel('Vad hände?').inputValue()).toBe('Kallelsen hade personnummer [personnummer borttaget] i stället. AF och FK hänvisar till varandra.');
      expect(await page.getByLabel('Medel').isChecked()).toBe(true);
      problems['removed'] = await pageProblems(page);
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]+\?skickad=1$/), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);

      const description = 'Ärendet har referensnummer 850312-1234 hos FK. AF och FK hänvisar till varandra.';
      await fillReport(page, description);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      await Promise.all([page.waitForURL(/\?skickad=1$/), page.getByRole('button', { name: 'Det är inte ett personnummer – skicka ändå' }).click()]);
      expect(await db.query('SELECT count(*)::int AS n FROM deviation WHERE description = $1', [description])).toEqual([{ n: 1 }]);
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  }, 90_000);

  it('"Ta bort personuppgift" on the report page: tick what is found, paste the rest; the page checks pass before and after', async () => {
    const db = t.app.get(DataSource);
    const filed = await fileDeviation(t.app, staff, 'Huddinge', { description: 'Familjen Qvarnqvist ringde AF, som hänvisade till FK.' });
    await db.query(`UPDATE deviation SET description = description || ' Pnr ' || $2 || ' stod i kallelsen.' WHERE id = $1`, [filed.id, MISTYPED]);
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE_WIDTH);
    try {
      await signIn(page, lead.email, TEST_PASSWORD);
      const problems: Record<string, string[]> = {};
      await page.goto(`/avvikelser/${filed.id}`);
      const section = page.locator('#personuppgift');
      problems['report page'] = await pageProblems(page);
      await section.getByRole('checkbox', { name: /Ett personnummer i beskrivningen/ }).check();
      await section.getByLabel('Annan text som ska bort (valfritt)').fill('Qvarnqvist');
      await section.screenshot({ path: `${SCREENSHOT_DIR}/phone-375-redaction-form.png` });
      // A pasted text is shown where it stands first; nothing changes until "Ta bort" there.
      await Promise.all([page.waitForURL(/\/personuppgifter$/), page.getByRole('button', { name: 'Ta bort personuppgiften' }).click()]);
      const confirm = page.locator('#personuppgift-bekrafta');
      expect(await confirm.textContent()).toContain('Qvarnqvist');
      problems['preview'] = await pageProblems(page);
      await Promise.all([page.waitForURL(/\?klart=personuppgift#tidslinje$/), confirm.getByRole('button', { name: 'Ta bort', exact: true }).click()]);
      expect(await page.locator('#tidslinje').textContent()).toContain('Personuppgift borttagen ur beskrivningen av Ludvig Ledare');
      expect(await page.locator('main').textContent()).not.toContain('Qvarnqvist');
      problems['after'] = await pageProblems(page);
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the status form: tick the box, then press the action', async () => {
    const db = t.app.get(DataSource);
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE_WIDTH);
    try {
      await signIn(page, lead.email, TEST_PASSWORD);
      await page.goto(`/avvikelser/${filed.id}`);
      await page.getByLabel('Kommentar till loggen (valfritt)').fill('Ärende 850312-1234 hos FK.');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Ta emot' }).click()]);
      await page.getByRole('checkbox', { name: 'Det är inte ett personnummer – skicka ändå' }).check();
      expect(await page.getByLabel('Kommentar till loggen (valfritt)').inputValue()).toBe('Ärende 850312-1234 hos FK.');
      await Promise.all([page.waitForURL(/\?klart=accept$/), page.getByRole('button', { name: 'Ta emot' }).click()]);
      expect((await db.query('SELECT status FROM deviation WHERE id = $1', [filed.id]))[0].status).toBe('mottagen');
    } finally {
      await context.close();
    }
  }, 60_000);
});
