import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { User } from '../../src/modules/user/user.entity';
import { addBarrierMember } from '../support/barrier-factories';
import { brokenWords, launchBrowser, pageProblems, PHONE, report, screenshot, signIn } from '../support/browser';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * "Slå ihop" on a barrier's page in a real browser, on a phone and without JavaScript: the form leads to a page that
 * says what will happen, "Avbryt" leads back with nothing changed, and "Slå ihop" there merges.
 */
describe('merging two barriers in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let analyst: User;
  const db = (): DataSource => t.app.get(DataSource);
  let keptId = '';
  let absorbedId = '';

  async function barrier(name: string, kommuner: string[]): Promise<string> {
    const [{ id }] = (await db().query(
      `INSERT INTO barrier (name, name_source, status, parties, terms, member_count) VALUES ($1, 'analyst', 'foreslagen', '{KOMMUN,AF}', '{krav}', 0) RETURNING id`,
      [name],
    )) as Array<{ id: string }>;
    for (const [i, kommun] of kommuner.entries()) {
      await addBarrierMember(db(), id, { kommun, occurredOn: `2026-0${i + 1}-15`, reporterEmail: `rapportor.${i}@kommun.example.org` });
    }
    return id;
  }

  const state = async (): Promise<unknown> => ({
    barriers: await db().query(`SELECT id, status, merged_into_id FROM barrier ORDER BY id`),
    members: await db().query(`SELECT barrier_id, deviation_id, confirmed_by_analyst FROM barrier_member ORDER BY deviation_id`),
  });

  /** On the barrier's page: the other barrier chosen in "Slå ihop med ett annat hinder", and its "Slå ihop". */
  async function askToMerge(page: Page): Promise<void> {
    expect((await page.goto(`/hinder/${keptId}`))?.status()).toBe(200);
    const section = page.locator('section[aria-labelledby="rubrik-sla-ihop"]');
    await section.getByLabel('Hindret vars rapporter flyttas hit').selectOption({ label: 'Sjukpenning och arbetsförmåga vid övergången mellan Försäkringskassan och Arbetsförmedlingen' });
    await Promise.all([page.waitForURL(`**/hinder/${keptId}/sla-ihop`), section.getByRole('button', { name: 'Slå ihop' }).click()]);
    await page.getByRole('heading', { level: 1, name: 'Slå ihop två hinder?' }).waitFor();
  }

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    analyst = await createUser(t.app, 'analyst');
    // Long names and long kommun names: the words a narrow page must not break.
    keptId = await barrier('Aktivitetsersättning och arbetsförmåga för unga med funktionsnedsättning', ['Södertälje', 'Österåker']);
    absorbedId = await barrier('Sjukpenning och arbetsförmåga vid övergången mellan Försäkringskassan och Arbetsförmedlingen', ['Nynäshamn', 'Järfälla', 'Botkyrka']);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('without JavaScript at 390 px: the confirmation says what will happen, "Avbryt" changes nothing, "Slå ihop" merges', async () => {
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: PHONE, locale: 'sv-SE', timezoneId: 'Europe/Stockholm', javaScriptEnabled: false });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await signIn(page, analyst.email, TEST_PASSWORD);
      const before = await state();
      await askToMerge(page);
      const main = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      expect(main).toContain(
        '3 rapporter från ”Sjukpenning och arbetsförmåga vid övergången mellan Försäkringskassan och Arbetsförmedlingen” flyttas till ”Aktivitetsersättning och arbetsförmåga för unga med funktionsnedsättning”',
      );
      expect(main).toContain('Det sammanslagna hindret finns i 5 kommuner');
      await screenshot(page, 'phone-390-barrier-merge-confirmation');

      await Promise.all([page.waitForURL(`**/hinder/${keptId}`), page.getByRole('link', { name: 'Avbryt' }).click()]);
      expect(await page.locator('h1').textContent()).toBe('Aktivitetsersättning och arbetsförmåga för unga med funktionsnedsättning');
      expect(await state()).toEqual(before);

      await askToMerge(page);
      await Promise.all([page.waitForURL(`**/hinder/${keptId}?klart=sammanslaget`), page.locator('main form').getByRole('button', { name: 'Slå ihop' }).click()]);
      await page.getByText('Hindren är sammanslagna. Det andra hindrets rapporter finns nu här.').waitFor();
      expect(await db().query(`SELECT status, merged_into_id FROM barrier WHERE id = $1`, [absorbedId])).toEqual([{ status: 'sammanslagen', merged_into_id: keptId }]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('at 390 px the confirmation does not scroll sideways, breaks no word, and passes axe, keyboard and reflow', async () => {
    absorbedId = await barrier('Sjukpenning och arbetsförmåga vid övergången mellan Försäkringskassan och Arbetsförmedlingen', ['Salem', 'Tyresö']);
    const context = await browser.newContext({ baseURL: t.baseUrl, viewport: PHONE, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    try {
      await signIn(page, analyst.email, TEST_PASSWORD);
      await askToMerge(page);
      const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
      expect(width).toBe(PHONE.width);
      expect(await brokenWords(page, 'main')).toEqual([]);
      // Both buttons side by side or stacked, each whole on screen.
      for (const name of ['Slå ihop', 'Avbryt']) {
        const box = await page.locator('main form').getByRole(name === 'Avbryt' ? 'link' : 'button', { name }).boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
      }
      expect(report({ [`POST /hinder/${keptId}/sla-ihop`]: await pageProblems(page) })).toBe('');
    } finally {
      await context.close();
    }
  }, 60_000);
});
