import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { LetterService } from '../../src/modules/letter/letter.service';
import { User } from '../../src/modules/user/user.entity';
import { addBarrierMember, insertEscalatedBarrier } from '../support/barrier-factories';
import {
  axeViolations,
  describeViolations,
  fieldErrorProblems,
  launchBrowser,
  newBrowserPage,
  pageProblems,
  reflowProblems,
  report,
  screenshot,
  signIn,
  structureProblems,
} from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const PHONE_WIDTH = { width: 375, height: 812 };
/** Long and without spaces: the quote must wrap it, not widen the page. */
const EMAIL = 'fatima.warsame.langt.efternamn.utan.mellanslag@exempel-kommun.se';
const PERSONNUMMER = '811218-9876';

function pageWidth(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
}

async function fillReport(page: Page): Promise<void> {
  await page.goto('/avvikelser/ny');
  await page.getByLabel('Gränssnitt mellan huvudmän').check();
  await page.getByLabel('Rubrik').fill('AF och FK hänvisar till varandra');
  await page.getByLabel('Vad hände?').fill(`Vi träffade deltagaren med ${PERSONNUMMER} på kontoret. AF och FK hänvisar till varandra och ingen tar nästa steg.`);
  await page.getByLabel('Konsekvens för deltagaren').fill(`Skrev till ${EMAIL} men fick inget svar på tre veckor.`);
  await page.getByLabel('Medel').check();
}

/** Refused forms (the filing form, the barrier's name, a reviewed letter, the recipient's answer) and the forms after "Ta bort personuppgifterna åt mig", in Chromium on a phone. */
describe('personal data on a form, on a 375 px phone', () => {
  let t: TestApp;
  let browser: Browser;
  let staff: User;
  let analyst: User;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    staff = await createUser(t.app, 'staff', { name: 'Sara Medarbetare' });
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Verksam' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the refused form quotes and marks the finding, passes the page checks and does not scroll sideways; so does the form after the button', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE_WIDTH);
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      await fillReport(page);
      const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      expect(refused.status()).toBe(422);
      const problems: Record<string, string[]> = {};
      problems['refused (fields)'] = await fieldErrorProblems(page);
      expect(await page.locator('.error-summary mark').allTextContents()).toEqual([PERSONNUMMER, EMAIL]);
      expect(await page.locator('#fel-description mark').textContent()).toBe(PERSONNUMMER);
      // Most screen readers say nothing of <mark>: hidden words before and after it are in the accessibility tree, read in order.
      const atField = await page.locator('#fel-description').ariaSnapshot();
      expect(atField).toContain('- text: "Vi träffade deltagaren med Personuppgift:"');
      expect(atField).toContain(`- mark: ${PERSONNUMMER}`);
      expect(atField).toContain('- text: (slut på personuppgift) på kontoret. AF och…');
      const summary = await page.locator('.error-summary').ariaSnapshot();
      expect(summary).toMatch(/^- alert:/);
      expect(summary).toContain('- text: "Skrev till Personuppgift:"');
      expect(summary).toContain('- text: (slut på personuppgift) men fick inget svar…');
      // Hidden from sight (one clipped pixel), so the quote reads as the writer typed it.
      const hidden = page.locator('.error-summary .pii-quote .visually-hidden');
      expect(await hidden.allTextContents()).toEqual(['Personuppgift: ', ' (slut på personuppgift)', 'Personuppgift: ', ' (slut på personuppgift)']);
      for (const box of await Promise.all((await hidden.all()).map((span) => span.boundingBox()))) expect(box?.width ?? 0).toBeLessThanOrEqual(1);
      // The summary is where the keyboard and the screen reader start.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('felsammanfattning');
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);
      await screenshot(page, 'phone-375-personal-data-refused');
      problems['refused'] = await pageProblems(page);

      await page.goto('/avvikelser/ny');
      await fillReport(page);
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).click()]);
      await page.getByRole('heading', { name: 'Personuppgifterna är borttagna' }).waitFor();
      expect(await page.getByLabel('Vad hände?').inputValue()).toContain('[personnummer borttaget]');
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);
      await screenshot(page, 'phone-375-personal-data-removed');
      problems['after the button'] = await pageProblems(page);
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the analyst’s barrier name and a reviewed letter that could not be sent: quoted and announced, the page checks pass, and the button works', async () => {
    const db = t.app.get(DataSource);
    const barrierId = await insertEscalatedBarrier(db, 'Krav på inskrivning', ['KOMMUN', 'AF'], new Date());
    for (const kommun of ['Haninge', 'Botkyrka', 'Järfälla']) await addBarrierMember(db, barrierId, { kommun, occurredOn: '2026-10-01', reporterEmail: 'rapportor@mia-example.se' });
    const letterId = (await t.app.get(LetterService).upsertDraftForBarrier(barrierId)).letterId as string;
    // Stored as a refresh of the generated text could leave it, then reviewed.
    await db.query(`UPDATE letter SET tried_locally = $2, status = 'granskad', reviewed_at = now() WHERE id = $1`, [letterId, `Botkyrka mejlade ${EMAIL} utan svar.`]);
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE_WIDTH);
    try {
      await signIn(page, analyst.email, TEST_PASSWORD);
      const problems: Record<string, string[]> = {};
      await page.goto(`/hinder/${barrierId}`);
      await page.locator('#falt-namn-name').fill(`Krav på inskrivning för ${PERSONNUMMER}`);
      const [renamed] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Spara namnet' }).click()]);
      expect(renamed.status()).toBe(422);
      await page.waitForLoadState('load');
      expect(await page.locator('#fel-namn-name').ariaSnapshot()).toContain('- text: "Krav på inskrivning för Personuppgift:"');
      problems['barrier name refused (fields)'] = await fieldErrorProblems(page);
      problems['barrier name refused'] = await pageProblems(page);
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).click()]);
      expect(await page.locator('#falt-namn-name').inputValue()).toBe('Krav på inskrivning för [personnummer borttaget]');

      await page.goto(`/skrivelser/${letterId}`);
      await page.getByRole('checkbox', { name: /Skrivelsen är skickad/ }).check();
      const [sent] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Markera skickad' }).click()]);
      expect(sent.status()).toBe(422);
      await page.waitForLoadState('load');
      const summary = await page.locator('.error-summary').ariaSnapshot();
      expect(summary).toContain('- text: "Botkyrka mejlade Personuppgift:"');
      expect(summary).toContain('- text: (slut på personuppgift) utan svar.');
      // A reviewed letter shows no fields, so the summary stands alone: it must have the focus.
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('felsammanfattning');
      problems['letter send refused'] = await pageProblems(page);
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);
      await screenshot(page, 'phone-375-letter-send-personal-data-refused');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).click()]);
      await page.getByRole('heading', { name: 'Personuppgifterna är borttagna' }).waitFor();
      expect(await page.getByLabel('Vad som har prövats lokalt').inputValue()).toBe('Botkyrka mejlade [e-postadress borttagen] utan svar.');
      // Opened at #text, where the form is (as after the other forms' buttons), so Tab starts there rather than at the skip link.
      problems['letter after the button'] = [...(await structureProblems(page)), ...describeViolations(await axeViolations(page)), ...(await reflowProblems(page))];
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  }, 90_000);

  it('the recipient’s answer: a personnummer is quoted, a health word is warned of before it is registered, the page checks pass', async () => {
    const db = t.app.get(DataSource);
    const barrierId = await insertEscalatedBarrier(db, 'Krav på inskrivning inför svaret', ['KOMMUN', 'AF'], new Date());
    for (const kommun of ['Haninge', 'Botkyrka', 'Järfälla']) await addBarrierMember(db, barrierId, { kommun, occurredOn: '2026-10-01', reporterEmail: 'rapportor@mia-example.se' });
    const letterId = (await t.app.get(LetterService).upsertDraftForBarrier(barrierId)).letterId as string;
    await db.query(`UPDATE letter SET status = 'skickad', reviewed_at = now(), sent_at = now() WHERE id = $1`, [letterId]);
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE_WIDTH);
    try {
      await signIn(page, analyst.email, TEST_PASSWORD);
      const problems: Record<string, string[]> = {};
      await page.goto(`/skrivelser/${letterId}`);
      await page.getByLabel(/Mottagarens svar/).fill(`Rådet har talat med ${PERSONNUMMER} om hennes depression.`);
      const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Registrera svar' }).click()]);
      expect(refused.status()).toBe(422);
      await page.waitForLoadState('load');
      problems['answer refused'] = await pageProblems(page);
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);

      // Afresh: the refused form above already showed the warning, so its next press would register.
      await page.goto(`/skrivelser/${letterId}`);
      await page.getByLabel(/Mottagarens svar/).fill('Rådet delar bilden att deltagare med psykisk ohälsa faller mellan stolarna.');
      const [warned] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Registrera svar' }).click()]);
      expect(warned.status()).toBe(200);
      await page.waitForLoadState('load');
      expect(await page.locator('#kansliga-i-svaret').textContent()).toContain('Svaret är inte registrerat än. Det nämner hälsouppgifter');
      problems['answer warned'] = await pageProblems(page);
      expect(await pageWidth(page)).toBe(PHONE_WIDTH.width);
      await screenshot(page, 'phone-375-letter-answer-special-category');
      await Promise.all([page.waitForURL(/\?klart=answer$/), page.getByRole('button', { name: 'Registrera svar' }).click()]);
      expect((await db.query(`SELECT status FROM letter WHERE id = $1`, [letterId]))[0].status).toBe('besvarad');
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  }, 90_000);

  it('works without JavaScript: refused, the button, then Skicka files the report with placeholders', async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: PHONE_WIDTH, locale: 'sv-SE', timezoneId: 'Europe/Stockholm', javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      await fillReport(page);
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      await page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).waitFor();
      await Promise.all([page.waitForURL('**/avvikelser/ny'), page.getByRole('button', { name: 'Ta bort personuppgifterna åt mig' }).click()]);
      await page.getByRole('heading', { name: 'Personuppgifterna är borttagna' }).waitFor();
      // Nothing typed is lost: the choices and the other text are still there.
      expect(await page.getByLabel('Gränssnitt mellan huvudmän').isChecked()).toBe(true);
      expect(await page.getByLabel('Medel').isChecked()).toBe(true);
      expect(await page.getByLabel('Rubrik').inputValue()).toBe('AF och FK hänvisar till varandra');
      expect(await page.getByLabel('Konsekvens för deltagaren').inputValue()).toBe('Skrev till [e-postadress borttagen] men fick inget svar på tre veckor.');
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}\?skickad=1$/), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      expect(await page.locator('.prose').first().textContent()).toBe(
        'Vi träffade deltagaren med [personnummer borttaget] på kontoret. AF och FK hänvisar till varandra och ingen tar nästa steg.',
      );
    } finally {
      await context.close();
    }
  }, 60_000);
});
