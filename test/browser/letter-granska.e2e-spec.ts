import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { FixedClock } from '../../src/common/clock/clock';
import { addBarrierMember, insertEscalatedBarrier } from '../support/barrier-factories';
import { launchBrowser, newBrowserPage, signIn } from '../support/browser';
import { createApiToken, createUser, TEST_PASSWORD } from '../support/factories';
import { HttpClient } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * In Chromium, as the analyst works: a diarienummer typed in the editor and then "Granska" pressed (no "Spara utkast")
 * is in the reviewed letter, because the button submits the editor's form (HTML form and formaction, no script).
 */
describe('Granska in a browser saves what was typed in the editor', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let browser: Browser;
  let db: DataSource;
  let analystEmail = '';
  let letterId = '';

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ clock }), launchBrowser()]);
    db = t.app.get(DataSource);
    const analyst = await createUser(t.app, 'analyst', { name: 'Ada Analytiker' });
    analystEmail = analyst.email;
    const barrierId = await insertEscalatedBarrier(db, 'Krav på inskrivning för ekonomiskt bistånd', ['KOMMUN', 'AF'], clock.now());
    for (const [i, kommun] of ['Haninge', 'Botkyrka', 'Järfälla'].entries()) {
      await addBarrierMember(db, barrierId, { kommun, occurredOn: `2026-0${i + 2}-10`, reporterEmail: `rapportor.granska.${i}@kommun.example.org` });
    }
    const created = await new HttpClient(t.baseUrl).api('POST', '/api/letters', { barrierId }, await createApiToken(t.app, analyst));
    letterId = created.json<{ letterId: string }>().letterId;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('types a diarienummer, presses Granska, and the reviewed letter has it', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      await signIn(page, analystEmail, TEST_PASSWORD);
      await page.goto(`/skrivelser/${letterId}`);
      await page.getByLabel('Diarienummer').fill('Dnr 2026/77');
      await Promise.all([page.waitForURL(/klart=sparat-review/), page.getByRole('button', { name: 'Granska', exact: true }).click()]);
      await expect(page.getByRole('status').first().textContent()).resolves.toContain('Dina ändringar är sparade och skrivelsen är granskad.');
      const [row] = (await db.query(`SELECT status, reference_number FROM letter WHERE id = $1`, [letterId])) as Array<{ status: string; reference_number: string }>;
      expect(row).toEqual({ status: 'granskad', reference_number: 'Dnr 2026/77' });
      await expect(page.locator('.letter-reference').textContent()).resolves.toBe('Diarienummer: Dnr 2026/77');
    } finally {
      await context.close();
    }
  });
});
