import { Browser, Page } from 'playwright-core';
import { User } from '../../src/modules/user/user.entity';
import {
  DESKTOP,
  launchBrowser,
  newBrowserPage,
  pageProblems,
  PHONE,
  report,
  screenshot,
  signIn,
  tabTo,
} from '../support/browser';
import { fileDeviation } from '../support/deviation-factories';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** Text of the `<dd>` after the `<dt>` with this term on a report page. */
async function fact(page: Page, term: string): Promise<string> {
  const text = await page.locator('dl.facts div').filter({ has: page.locator('dt', { hasText: term }) }).locator('dd').textContent();
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

async function focusedValue(page: Page): Promise<{ value: string; checked: boolean; text: string }> {
  return page.evaluate(() => {
    const el = (
      globalThis as unknown as {
        document: { activeElement: { value?: string; checked?: boolean; selectedOptions?: ArrayLike<{ textContent: string | null }> } | null };
      }
    ).document.activeElement;
    const selected = el?.selectedOptions && el.selectedOptions.length ? (el.selectedOptions[0].textContent ?? '') : '';
    return { value: el?.value ?? '', checked: el?.checked ?? false, text: selected.trim() };
  });
}

describe('filing a deviation in the browser and reading it in the lead’s queue', () => {
  let t: TestApp;
  let browser: Browser;
  let staff: User;
  let lead: User;
  let analyst: User;

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    staff = await createUser(t.app, 'staff', { name: 'Sara Medarbetare' });
    lead = await createUser(t.app, 'lead', { name: 'Leo Delprojektledare' });
    analyst = await createUser(t.app, 'analyst', { name: 'Ana Verksamhetsutvecklare' });
    // Some history, so the dashboard's charts have something to draw (kept small: the queue shows them all on one page).
    const colleague = await createUser(t.app, 'staff', { subproject: 'MIA HBS' });
    const samples: Array<[User, string, Record<string, unknown>]> = [
      [staff, 'Haninge', { category: 'gransnitt', parties: ['AF', 'FK'], severity: 'hog', occurredOn: '2026-09-02' }],
      [staff, 'Haninge', { category: 'forsorjning', parties: ['FK', 'KOMMUN'], severity: 'medel', occurredOn: '2026-10-14' }],
      [staff, 'Tyresö', { category: 'informationsdelning', parties: ['REGION', 'KOMMUN'], severity: 'lag', occurredOn: '2026-10-30' }],
      [colleague, 'Huddinge', { category: 'gransnitt', parties: ['AF', 'KOMMUN'], severity: 'medel', occurredOn: '2026-08-19' }],
      [colleague, 'Botkyrka', { category: 'insats_saknas', parties: ['ANNAN'], severity: 'hog', occurredOn: '2026-11-03' }],
      [colleague, 'Salem', { category: 'regelverk', parties: ['FK'], severity: 'lag', occurredOn: '2026-11-10' }],
    ];
    for (const [reporter, kommun, overrides] of samples) await fileDeviation(t.app, reporter, kommun, overrides);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('staff file through the form; the lead finds it in the queue and opens it', async () => {
    const title = 'Försäkringskassan väntar på ett läkarintyg som regionen inte skriver';
    const filer = await newBrowserPage(browser, t.baseUrl);
    try {
      const page = filer.page;
      await signIn(page, staff.email, TEST_PASSWORD);
      await page.getByRole('link', { name: 'Ny avvikelse' }).click();
      await page.waitForURL('**/avvikelser/ny');
      await page.getByRole('combobox', { name: 'Kommun' }).selectOption({ label: 'Nynäshamn (MIA Östra Södertörn)' });
      await page.getByLabel('Regelverk hindrar').check();
      await page.getByLabel('Försäkringskassan').check();
      await page.getByLabel('Region Stockholm').check();
      await page.getByLabel('Rubrik').fill(title);
      await page.getByLabel('Vad hände?').fill('FK kräver ett läkarintyg för aktivitetsersättning; vårdcentralen hänvisar till psykiatrin, som har sex månaders kö.');
      await page.getByLabel('Konsekvens för deltagaren').fill('Ingen ersättning sedan två månader, arbetsträningen avbruten.');
      await page.getByLabel('Medel').check();
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}\?skickad=1$/), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      expect(await page.locator('h1').textContent()).toBe(title);
      expect(await page.getByRole('status').textContent()).toContain('är skickad');
      expect(await fact(page, 'Kommun')).toBe('Nynäshamn');
      expect(await fact(page, 'Parter')).toBe('Försäkringskassan, Region Stockholm');
    } finally {
      await filer.context.close();
    }

    const reader = await newBrowserPage(browser, t.baseUrl);
    try {
      const page = reader.page;
      await signIn(page, lead.email, TEST_PASSWORD);
      await page.getByRole('link', { name: 'Kö', exact: true }).click();
      await page.waitForURL('**/delprojekt/ko');
      const item = page.locator('.deviation-item').filter({ hasText: title });
      expect(await item.count()).toBe(1);
      expect(await item.textContent()).toContain('Nynäshamn');
      expect(await item.textContent()).toContain('Ny');
      expect(report({ 'GET /delprojekt/ko (with the new report)': await pageProblems(page) })).toBe('');
      await item.getByRole('link', { name: title }).click();
      await page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}$/);
      expect(await page.locator('h1').textContent()).toBe(title);
      expect(await fact(page, 'Kategori')).toBe('Regelverk hindrar');
      expect(await fact(page, 'Rapporterad')).toContain('Sara Medarbetare');
    } finally {
      await reader.context.close();
    }
  });

  it('the whole way by keyboard: sign in, file a report, and the lead opens it from the queue', async () => {
    const title = 'Kommunen och AF är oeniga om vem som ordnar arbetsträning';
    const filer = await newBrowserPage(browser, t.baseUrl);
    try {
      const page = filer.page;
      await page.goto('/logga-in');
      await tabTo(page, 'E-postadress');
      await page.keyboard.type(staff.email);
      await tabTo(page, 'Lösenord');
      await page.keyboard.type(TEST_PASSWORD);
      await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.keyboard.press('Enter')]);

      await tabTo(page, 'Ny avvikelse');
      await Promise.all([page.waitForURL('**/avvikelser/ny'), page.keyboard.press('Enter')]);

      // A closed select takes typed letters; radios take Space and the arrow keys; checkboxes Space.
      await tabTo(page, 'Kommun');
      await page.keyboard.type('Tyresö');
      expect((await focusedValue(page)).text).toBe('Tyresö (MIA Östra Södertörn)');
      await tabTo(page, 'Gränssnitt mellan huvudmän');
      await page.keyboard.press('Space');
      expect((await focusedValue(page)).checked).toBe(true);
      await tabTo(page, 'Arbetsförmedlingen');
      await page.keyboard.press('Space');
      await tabTo(page, 'Kommunen');
      await page.keyboard.press('Space');
      await tabTo(page, 'Rubrik');
      await page.keyboard.type(title);
      await tabTo(page, 'Vad hände?');
      await page.keyboard.type('AF menar att kommunens arbetsmarknadsenhet ska ordna platsen, kommunen att det är AF:s insats.');
      await tabTo(page, 'Konsekvens för deltagaren');
      await page.keyboard.type('Deltagaren väntar hemma sedan fem veckor.');
      await tabTo(page, 'Låg');
      await page.keyboard.press('Space');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      expect(await focusedValue(page)).toMatchObject({ value: 'hog', checked: true });
      await tabTo(page, 'Skicka avvikelsen');
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}\?skickad=1$/), page.keyboard.press('Enter')]);
      expect(await page.locator('h1').textContent()).toBe(title);
      expect(await fact(page, 'Kommun')).toBe('Tyresö');
      expect(await fact(page, 'Kategori')).toBe('Gränssnitt mellan huvudmän');
      expect(await fact(page, 'Parter')).toBe('Arbetsförmedlingen, Kommunen');
      expect(await page.locator('.severity').first().textContent()).toContain('Hög');
    } finally {
      await filer.context.close();
    }

    const reader = await newBrowserPage(browser, t.baseUrl);
    try {
      const page = reader.page;
      await signIn(page, lead.email, TEST_PASSWORD);
      await tabTo(page, 'Kö');
      await Promise.all([page.waitForURL('**/delprojekt/ko'), page.keyboard.press('Enter')]);
      await tabTo(page, title, 60);
      await Promise.all([page.waitForURL(/\/avvikelser\/[0-9a-f-]{36}$/), page.keyboard.press('Enter')]);
      expect(await page.locator('h1').textContent()).toBe(title);
    } finally {
      await reader.context.close();
    }
  });

  it('a form sent with mistakes comes back with the summary focused and each field telling what is wrong', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      await page.goto('/avvikelser/ny');
      await page.getByLabel('Rubrik').fill('AF');
      await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Skicka avvikelsen' }).click()]);
      await page.waitForLoadState('load');
      const title = page.getByLabel('Rubrik');
      expect(await title.inputValue()).toBe('AF');
      expect(await title.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await title.getAttribute('aria-describedby')) ?? '';
      const messages = await Promise.all(describedBy.split(' ').map((id) => page.locator(`#${id}`).textContent()));
      expect(messages.join(' ')).toContain('Rubriken måste vara minst 3 tecken.');
      // From the summary, a link leads to the field.
      await page.locator('.error-summary').getByRole('link', { name: 'Rubriken måste vara minst 3 tecken.' }).focus();
      await page.keyboard.press('Enter');
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('falt-title');
    } finally {
      await context.close();
    }
  });

  it('on a 375 px phone no radio or checkbox is squeezed by a long label, and "Logga ut" stays on one line', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, { width: 375, height: 812 });
    try {
      await signIn(page, staff.email, TEST_PASSWORD);
      await page.goto('/avvikelser/ny');
      const controls = await page.locator('input[type=radio], input[type=checkbox]').evaluateAll((els) =>
        els.map((el) => {
          const box = el.getBoundingClientRect();
          return { value: (el as unknown as { value: string }).value, width: Math.round(box.width), height: Math.round(box.height) };
        }),
      );
      expect(controls.length).toBeGreaterThan(10);
      // Every control as drawn as its neighbours (1.25rem square), whatever the length of its label.
      expect(controls.filter((c) => c.width !== c.height || c.width < 20)).toEqual([]);
      const logout = page.getByRole('button', { name: 'Logga ut' });
      const height = (await logout.boundingBox())?.height ?? 0;
      const lineHeight = await logout.evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string } }).getComputedStyle(el).lineHeight));
      expect(height).toBeLessThan(lineHeight * 1.5);
      await screenshot(page, 'phone-375-new-deviation');
    } finally {
      await context.close();
    }
  });

  it('saves screenshots of the dashboard at desktop and phone width, for the analyst and the lead', async () => {
    const problems: Record<string, string[]> = {};
    for (const [role, user] of [
      ['analyst', analyst],
      ['lead', lead],
    ] as const) {
      for (const [size, viewport] of [
        ['desktop', DESKTOP],
        ['phone', PHONE],
      ] as const) {
        const { context, page } = await newBrowserPage(browser, t.baseUrl, viewport);
        try {
          await signIn(page, user.email, TEST_PASSWORD);
          const response = await page.goto('/oversikt');
          expect(response?.status()).toBe(200);
          expect(await page.locator('h1').textContent()).toBe('Översikt');
          expect(await page.locator('svg[role="img"]').count()).toBeGreaterThan(0);
          await screenshot(page, `oversikt-${role}-${size}`);
          if (size === 'desktop') problems[`GET /oversikt (${role}, with reports)`] = await pageProblems(page);
        } finally {
          await context.close();
        }
      }
    }
    expect(report(problems)).toBe('');
  });
});
