import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { LetterService } from '../../src/modules/letter/letter.service';
import { User } from '../../src/modules/user/user.entity';
import { brokenWords, DESKTOP, launchBrowser, newBrowserPage, PHONE, signIn } from '../support/browser';
import { addBarrierMember, insertEscalatedBarrier } from '../support/barrier-factories';
import { createUser, TEST_PASSWORD } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** A phone held upright: the analyst reads barriers and letters on the way to a meeting. */
const NARROW = { width: 375, height: 812 };

/** The analyst's pages in a real browser: they fit a phone, and nothing the pages ask for is missing. */
describe('the analyst’s pages in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let analyst: User;
  let barrierId = '';
  let letterId = '';
  let namedId = '';

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    analyst = await createUser(t.app, 'analyst');
    const db = t.app.get(DataSource);
    // A long unbroken name, as the engine can make of a compound word and an address.
    const name = `Ekonomisktbiståndarbetssökandekravochinskrivningsvillkor${'x'.repeat(60)} (KOMMUN, AF)`;
    barrierId = ((await db.query(
      `INSERT INTO barrier (name, status, parties, terms, escalation_reason, escalated_at, member_count)
       VALUES ($1, 'eskalerad', '{KOMMUN,AF}', '{krav}', 'Återkommer i flera kommuner.', now(), 0) RETURNING id`,
      [name],
    )) as Array<{ id: string }>)[0].id;
    for (const [kommun, date] of [['Haninge', '2026-02-01'], ['Botkyrka', '2026-04-10'], ['Järfälla', '2026-09-01']]) {
      const [row] = (await db.query(
        `WITH place AS (SELECT id, subproject_id FROM municipality WHERE name = $1)
         INSERT INTO deviation (municipality_id, subproject_id, reporter_email, occurred_on, reported_at, category, parties,
                                title, description, consequence, severity, status)
         SELECT p.id, p.subproject_id, 'rapportor@kommun.example.org', $2, ($2::date + time '10:00') AT TIME ZONE 'Europe/Stockholm', 'gransnitt', '{KOMMUN,AF}',
                'Kravpåarbetssökandeochinskrivningsomvillkorförekonomisktbistånd', 'Socialtjänsten kräver inskrivning på AF som villkor för bistånd.',
                'Deltagaren riskerar att bli utan försörjning.', 'medel', 'mottagen'
           FROM place p RETURNING id`,
        [kommun, date],
      )) as Array<{ id: string }>;
      await db.query(`INSERT INTO barrier_member (barrier_id, deviation_id, source, reason) VALUES ($1, $2, 'engine', '{"parter KOMMUN+AF"}')`, [barrierId, row.id]);
    }
    await db.query(`UPDATE barrier SET member_count = 3 WHERE id = $1`, [barrierId]);
    letterId = (await t.app.get(LetterService).upsertDraftForBarrier(barrierId)).letterId ?? '';
    // A named barrier with every party and long kommun names: the words a squeezed column used to break.
    const named = await insertEscalatedBarrier(db, 'Sjukpenning, arbetsförmåga och aktivitetsersättning', ['FK', 'AF', 'REGION', 'ANNAN', 'KOMMUN'], new Date());
    namedId = named;
    for (const [kommun, date] of [['Södertälje', '2026-03-01'], ['Österåker', '2026-05-10'], ['Nynäshamn', '2026-08-20']]) {
      await addBarrierMember(db, named, {
        kommun,
        occurredOn: date,
        reporterEmail: 'rapportor@kommun.example.org',
        parties: ['FK', 'AF', 'REGION', 'ANNAN', 'KOMMUN'],
        reason: ['parter FK+AF+REGION', 'ord: sjukpenning, arbetsförmåga, aktivitetsersättning'],
      });
    }
    await db.query(
      `UPDATE barrier SET municipality_counts = '{"Södertälje": 1, "Österåker": 1, "Nynäshamn": 1}', subproject_counts = '{"MIA Södertälje": 1, "MIA Roslagen": 1, "MIA Östra Södertörn": 1}',
              period_from = '2026-03-01', period_to = '2026-08-20' WHERE id = $1`,
      [named],
    );
    // A letter whose subject is ordinary words: the letter list must keep them whole.
    await t.app.get(LetterService).upsertDraftForBarrier(named);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function pageWidth(page: Page, path: string): Promise<number> {
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    return page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
  }

  it('at 375 px wide /hinder, a barrier page and the letters do not scroll sideways; wide tables scroll in their own region', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, NARROW);
    try {
      await signIn(page, analyst.email, TEST_PASSWORD);
      const widths: Record<string, number> = {};
      for (const path of ['/hinder', `/hinder/${barrierId}`, '/skrivelser', `/skrivelser/${letterId}`]) widths[path] = await pageWidth(page, path);
      expect(widths).toEqual({ '/hinder': 375, [`/hinder/${barrierId}`]: 375, '/skrivelser': 375, [`/skrivelser/${letterId}`]: 375 });
      // The table regions can be reached and scrolled with the keyboard, and are named.
      await page.goto('/hinder');
      const region = page.locator('.table-scroll[role="region"][tabindex="0"]');
      expect(await region.count()).toBe(1);
      expect(await region.getAttribute('aria-label')).toBeTruthy();
    } finally {
      await context.close();
    }
  });

  it('the barrier list breaks no word at 375 px (one labelled block per barrier) or at 1280 px (a table)', async () => {
    const layouts: Record<string, { broken: string[]; display: string; labels: string[] }> = {};
    for (const [label, viewport] of [['375', NARROW], ['1280', DESKTOP]] as const) {
      const { context, page } = await newBrowserPage(browser, t.baseUrl, viewport);
      try {
        await signIn(page, analyst.email, TEST_PASSWORD);
        expect((await page.goto('/hinder'))?.status()).toBe(200);
        expect(await page.locator('.barrier-list').getByText('Försäkringskassan, Arbetsförmedlingen, Region Stockholm').count()).toBe(1);
        layouts[label] = {
          broken: await brokenWords(page, '.barrier-list'),
          display: await page.locator('.barrier-list td[data-label="Status"]').first().evaluate((cell) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(cell).display),
          // What a sighted reader sees before each value (the ::before label).
          labels: await page.locator('.barrier-list tbody tr').last().locator('td[data-label]').evaluateAll((cells) =>
            cells.map((cell) => (globalThis as unknown as { getComputedStyle(e: unknown, pseudo: string): { content: string } }).getComputedStyle(cell, '::before').content),
          ),
        };
        // Still a table to a screen reader when the cells are blocks.
        expect(await page.getByRole('table').getByRole('columnheader').allTextContents()).toEqual(['Hinder', 'Status', 'Rapporter', 'Kommuner', 'Delprojekt', 'Period', 'Per kvartal']);
      } finally {
        await context.close();
      }
    }
    expect(layouts['375'].broken).toEqual([]);
    expect(layouts['1280'].broken).toEqual([]);
    expect([layouts['375'].display, layouts['1280'].display]).toEqual(['block', 'table-cell']);
    expect(layouts['375'].labels[0]).toMatch(/^"Status: "/);
    expect(layouts['1280'].labels.every((content) => content === 'none' || content === 'normal')).toBe(true);
  });

  it('at 390 px a barrier page and the letter list break no word and do not scroll sideways; the same pages at 1280 px stay tables', async () => {
    const found: Record<string, { broken: string[]; scrollWidth: number; width: number; display: string }> = {};
    for (const [label, viewport] of [['390', PHONE], ['1280', DESKTOP]] as const) {
      const { context, page } = await newBrowserPage(browser, t.baseUrl, viewport);
      try {
        await signIn(page, analyst.email, TEST_PASSWORD);
        for (const path of [`/hinder/${namedId}`, `/hinder/${barrierId}`, '/skrivelser']) {
          expect((await page.goto(path))?.status()).toBe(200);
          // The reports in the barrier, or the letters.
          const table = 'main .table-scroll table';
          expect(await page.locator(table).count()).toBe(1);
          found[`${label} ${path}`] = {
            broken: await brokenWords(page, 'main'),
            ...(await page.evaluate(() => {
              const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document;
              return { scrollWidth: d.documentElement.scrollWidth, width: d.documentElement.clientWidth };
            })),
            display: await page.locator(`${table} tbody td`).first().evaluate((cell) => (globalThis as unknown as { getComputedStyle(e: unknown): { display: string } }).getComputedStyle(cell).display),
          };
          // Still a table to a screen reader when the cells are blocks.
          expect(await page.locator(table).getByRole('columnheader').count()).toBeGreaterThanOrEqual(5);
          // A date ("2026-03-01") and a button's words ("Flytta ut") stay on one line, even where a hyphen or space allows a break.
          const wrapped = await page.locator('main td.date, main .cell-actions .button').evaluateAll((elements) =>
            elements.flatMap((element) => {
              const text = (element as unknown as { firstChild: unknown; textContent: string }).firstChild;
              const doc = (globalThis as unknown as { document: { createRange(): { selectNodeContents(n: unknown): void; getClientRects(): { length: number } } } }).document;
              const range = doc.createRange();
              range.selectNodeContents(text);
              return range.getClientRects().length > 1 ? [(element as unknown as { textContent: string }).textContent.trim()] : [];
            }),
          );
          expect({ where: `${label} ${path}`, wrapped }).toEqual({ where: `${label} ${path}`, wrapped: [] });
        }
      } finally {
        await context.close();
      }
    }
    // One comparison, so a failure lists every page and width at once.
    const seen = Object.fromEntries(Object.entries(found).map(([where, r]) => [where, { broken: r.broken, sideways: r.scrollWidth > r.width, display: r.display }]));
    const wanted = Object.fromEntries(Object.keys(found).map((where) => [where, { broken: [], sideways: false, display: where.startsWith('390') ? 'block' : 'table-cell' }]));
    expect(seen).toEqual(wanted);
  });

  it('the trend by quarter is drawn without characters a font may lack, and read out in words', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl, PHONE);
    try {
      await signIn(page, analyst.email, TEST_PASSWORD);
      expect((await page.goto('/hinder'))?.status()).toBe(200);
      const cells = page.locator('.barrier-list td[data-label="Per kvartal"]');
      const texts = await cells.allTextContents();
      expect(texts.length).toBeGreaterThanOrEqual(2);
      // Latin-1 (å, ä, ö, the figures) and the en dash only: no block or arrow glyphs that show as empty boxes.
      expect(texts.filter((text) => /[^\u0000-\u00ff–]/u.test(text))).toEqual([]);
      // The bars are a drawing hidden from screen readers, which hear the figures and the direction in words.
      const drawing = cells.first().locator('svg');
      expect(await drawing.count()).toBe(1);
      expect(await drawing.getAttribute('aria-hidden')).toBe('true');
      expect(await drawing.locator('rect').count()).toBeGreaterThan(0);
      expect(texts[0].trim()).toMatch(/(Ökar|Minskar|Oförändrad|Tyst)$/);
      expect(await cells.first().locator('.visually-hidden').textContent()).toMatch(/^\d{4} K\d: \d+/);

      expect((await page.goto(`/hinder/${namedId}`))?.status()).toBe(200);
      const trend = page.locator('dl.card dt', { hasText: 'Per kvartal' }).locator('xpath=following-sibling::dd[1]');
      expect(await trend.textContent()).not.toMatch(/[^\u0000-\u00ff–]/u);
    } finally {
      await context.close();
    }
  });
});
