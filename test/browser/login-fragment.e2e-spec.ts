import { Browser } from 'playwright-core';
import { User } from '../../src/modules/user/user.entity';
import { launchBrowser, newBrowserPage, pageProblems, report } from '../support/browser';
import { fileDeviation } from '../support/deviation-factories';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { HttpClient } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A mail links to /avvikelser/<id>#kommentarer. Browsers never send the fragment, so the server cannot put it in
 * the login's way back; the login page's own script carries it from the address into the form, and the app leads
 * back to the report at the messages.
 */
describe('a mail link with #kommentarer still opens at the messages after signing in', () => {
  let t: TestApp;
  let browser: Browser;
  let staff: User;
  let lead: User;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    staff = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS' });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in and lands on the report with the fragment kept', async () => {
    const filed = await fileDeviation(t.app, staff, 'Huddinge');
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      await page.goto(`/avvikelser/${filed.id}#kommentarer`);
      expect(new URL(page.url()).pathname).toBe('/logga-in');
      expect(report({ 'GET /logga-in (from a mail link)': await pageProblems(page) })).toBe('');
      // A wrong password first: the way back, fragment included, survives the refusal.
      await page.getByLabel('E-postadress').fill(lead.email);
      await page.getByLabel('Lösenord').fill('fel-losenord-helt-enkelt');
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Logga in' }).click()]);
      await page.getByLabel('Lösenord').fill(TEST_PASSWORD);
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}#kommentarer$/), page.getByRole('button', { name: 'Logga in' }).click()]);
      expect(new URL(page.url()).hash).toBe('#kommentarer');
    } finally {
      await context.close();
    }
  });

  it('the server keeps a fragment it is given and still sends no one to another site', async () => {
    const client = new HttpClient(t.baseUrl);
    await client.get('/logga-in?nasta=%2Favvikelser');
    const back = await client.postForm('/logga-in', { email: lead.email, password: TEST_PASSWORD, nasta: '/avvikelser/mina#kommentarer' });
    expect(back.location).toBe('/avvikelser/mina#kommentarer');
    const other = new HttpClient(t.baseUrl);
    await other.get('/logga-in');
    expect((await other.postForm('/logga-in', { email: lead.email, password: TEST_PASSWORD, nasta: '//example.com/#kommentarer' })).location).toBe('/');
  });
});
