import { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { Role, ROLES } from '../../src/common/auth/role';
import { MailOutboxService } from '../../src/modules/mail/mail-outbox.service';
import { User } from '../../src/modules/user/user.entity';
import { fieldErrorProblems, launchBrowser, newBrowserPage, pageProblems, report, signIn, submitFormEmpty, tabTo } from '../support/browser';
import { createApiToken, createUser, TEST_PASSWORD } from '../support/factories';
import { HttpClient } from '../support/http-client';
import { crawl, CrawlResult } from '../support/site-crawler';
import { startTestApp, TestApp } from '../support/test-app';

/** Distinct page shapes per role; far above what exists, low enough to stop a runaway crawl. */
const MAX_PAGES_PER_ROLE = 40;

interface Seeded {
  deviations: number;
  barriers: number;
  letters: number;
}

/**
 * Rows for the list pages, through the public API as far as it exists yet (a 404 means the feature is
 * not there): deviations filed by staff, a barrier made of them and a draft letter about it by the analyst.
 */
async function seedThroughApi(t: TestApp, staff: User, analyst: User): Promise<Seeded> {
  const seeded: Seeded = { deviations: 0, barriers: 0, letters: 0 };
  const client = new HttpClient(t.baseUrl);
  const staffToken = await createApiToken(t.app, staff);
  const analystToken = await createApiToken(t.app, analyst);
  const tree = (await client.api('GET', '/api/organisation', undefined, staffToken)).json<{
    federations: Array<{ subprojects: Array<{ id: string; municipalities: Array<{ id: string; name: string }> }> }>;
  }>();
  const municipalities = tree.federations.flatMap((f) => f.subprojects).find((s) => s.id === staff.subprojectId)?.municipalities ?? [];
  const samples = [
    { title: 'AF och FK hänvisar till varandra', category: 'gransnitt', parties: ['AF', 'FK'], severity: 'hog' },
    { title: 'Samtycke saknades för att dela underlag med regionen', category: 'informationsdelning', parties: ['REGION', 'KOMMUN'], severity: 'medel' },
    { title: 'Arbetsträningsplatsen stängde utan besked', category: 'insats_saknas', parties: ['ANNAN'], severity: 'lag' },
  ];
  const ids: string[] = [];
  for (const [i, sample] of samples.entries()) {
    const result = await client.api(
      'POST',
      '/api/deviations',
      {
        ...sample,
        municipalityId: municipalities[i % Math.max(municipalities.length, 1)]?.id,
        occurredOn: '2026-11-16',
        description: 'Deltagaren skickades mellan myndigheterna i tre veckor utan att någon tog ansvar för nästa steg.',
        consequence: 'Deltagaren stod utan ersättning och avbröt förrehabiliteringen.',
      },
      staffToken,
    );
    if (result.status === 404) return seeded;
    if (result.status !== 201) throw new Error(`Avvikelsen kunde inte skapas (${result.status}): ${result.text}`);
    ids.push(result.json<{ id: string }>().id);
    seeded.deviations += 1;
  }
  // A health term in the name comes into the letter's subject and background, so the editor shows its warning to check too.
  const barrier = await client.api('POST', '/api/barriers', { deviationIds: ids.slice(0, 2), name: 'AF och FK hänvisar till varandra vid psykisk ohälsa' }, analystToken);
  if (barrier.status === 404) return seeded;
  if (barrier.status !== 201) throw new Error(`Hindret kunde inte skapas (${barrier.status}): ${barrier.text}`);
  seeded.barriers += 1;
  // A local fix, so the barrier page shows it with its remove button and the overview draws its effect.
  const fix = await client.api('PUT', `/api/barriers/${barrier.json<{ id: string }>().id}/local-fix`, { note: 'Rutin för gemensamt samtycke införd' }, analystToken);
  if (fix.status !== 200 && fix.status !== 404) throw new Error(`Den lokala åtgärden kunde inte sparas (${fix.status}): ${fix.text}`);
  const letter = await client.api('POST', '/api/letters', { barrierId: barrier.json<{ id: string }>().id }, analystToken);
  if (letter.status === 404) return seeded;
  if (letter.status !== 201) throw new Error(`Skrivelsen kunde inte skapas (${letter.status}): ${letter.text}`);
  const summary = (await client.api('GET', `/api/letters/${letter.json<{ letterId: string }>().letterId}`, undefined, analystToken)).json<{ summary: string }>().summary;
  if (!summary.includes('psykisk ohälsa')) throw new Error(`Hindrets namn kom inte in i skrivelsen, så varningen om känsliga uppgifter prövas inte: ${summary}`);
  seeded.letters += 1;
  return seeded;
}

/** A sent, a kept and a failed mail, so the admin's mail pages show rows and the retry form. */
async function seedMail(t: TestApp): Promise<void> {
  const mail = t.app.get(MailOutboxService);
  for (const label of ['Skickat', 'Sparat', 'Misslyckat']) await mail.enqueue({ to: [`${label.toLowerCase()}@test.mia.se`], template: 'test-notice', context: { label } });
  await t.app.get(DataSource).query(
    `UPDATE mail_outbox SET status = CASE WHEN subject LIKE '%Skickat' THEN 'sent' WHEN subject LIKE '%Sparat' THEN 'kept' ELSE 'failed' END,
       attempts = 3, sent_at = CASE WHEN subject LIKE '%Skickat' THEN now() END, last_error = CASE WHEN subject LIKE '%Misslyckat' THEN '550 Mottagaren finns inte' END`,
  );
}

describe('accessibility (WCAG 2.1 AA) of every page, for every role, in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  const users = new Map<Role, User>();
  const crawls = new Map<Role, CrawlResult>();
  let seeded: Seeded = { deviations: 0, barriers: 0, letters: 0 };

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp(), launchBrowser()]);
    for (const role of ROLES) users.set(role, await createUser(t.app, role));
    const [staff, analyst] = [users.get('staff'), users.get('analyst')];
    if (!staff || !analyst) throw new Error('staff eller analyst saknas');
    seeded = await seedThroughApi(t, staff, analyst);
    await seedMail(t);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the checks themselves find known faults (so a pass means something)', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      await page.setContent(`<!doctype html><html lang="en"><head><title></title></head><body>
        <header class="site-header"><a href="/">Start</a></header>
        <h1>Ett</h1><h1>Två</h1>
        <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
        <p style="color:#aaa;background:#fff">Ljusgrå text på vitt</p>
        <div class="field"><p class="error-message" id="fel-x">Skriv något.</p><input id="x" aria-invalid="true"></div>
        <a href="#" style="outline:none">Utan fokusmarkering</a>
        <div style="width:600px">Bred</div>
      </body></html>`);
      const errors = (await fieldErrorProblems(page)).join('\n');
      const problems = (await pageProblems(page)).join('\n');
      for (const rule of ['image-alt', 'color-contrast', 'label', 'landmark-one-main', 'document-title']) expect(problems).toContain(`axe ${rule} `);
      expect(problems).toContain('<html lang> is "en"');
      expect(problems).toContain('expected exactly one <h1>, found 2');
      expect(problems).toContain('the page has no <title>');
      expect(problems).toContain('the first Tab from the top focuses <a> "Start", not the skip link');
      expect(problems).toContain('no skip link (a.skip-link) on the page');
      expect(problems).toContain('no visible focus indicator on <a> "Utan fokusmarkering"');
      expect(problems).toContain('at 320px wide the page scrolls sideways');
      expect(errors).toContain('<input#x> is aria-invalid but has no aria-describedby');
      expect(errors).toContain('"Skriv något." (#fel-x) is not referenced');
    } finally {
      await context.close();
    }
  });

  it('the sign-in page passes, empty and after submitting it empty', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      const problems: Record<string, string[]> = {};
      await page.goto('/logga-in');
      problems['GET /logga-in'] = await pageProblems(page);
      const form = (await page.locator('form').count()) - 1;
      const status = await submitFormEmpty(page, form);
      expect(status).toBe(400);
      problems['POST /logga-in (empty)'] = [...(await fieldErrorProblems(page)), ...(await pageProblems(page))];
      expect(await page.locator('#falt-email').getAttribute('aria-describedby')).toBe('fel-email');
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  });

  it('the 404 page passes, anonymously and signed in, and the 403 page too', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      const problems: Record<string, string[]> = {};
      const anonymous = await page.goto('/finns-inte-alls');
      expect(anonymous?.status()).toBe(404);
      problems['GET /finns-inte-alls (anonymous)'] = await pageProblems(page);
      const staff = users.get('staff');
      if (!staff) throw new Error('staff saknas');
      await signIn(page, staff.email, TEST_PASSWORD);
      const signedIn = await page.goto('/finns-inte-alls/heller');
      expect(signedIn?.status()).toBe(404);
      expect(await page.title()).toContain('Sidan finns inte');
      problems['GET /finns-inte-alls/heller (staff)'] = await pageProblems(page);
      const forbidden = await page.goto('/admin/anvandare');
      expect(forbidden?.status()).toBe(403);
      problems['GET /admin/anvandare (staff, 403)'] = await pageProblems(page);
      expect(report(problems)).toBe('');
    } finally {
      await context.close();
    }
  });

  it.each(ROLES)(
    'every page a %s can reach passes axe, has its own title, one h1, lang="sv", a skip link and visible focus',
    async (role) => {
      const user = users.get(role);
      if (!user) throw new Error(`${role} saknas`);
      const { context, page } = await newBrowserPage(browser, t.baseUrl);
      try {
        await signIn(page, user.email, TEST_PASSWORD);
        const result = await crawl(page, new URL(t.baseUrl).origin, { start: ['/'], maxPages: MAX_PAGES_PER_ROLE, check: (p) => pageProblems(p) });
        crawls.set(role, result);

        // Forms with required fields, sent empty: they come back with errors tied to the fields.
        for (const form of result.forms) {
          if (!form.noValidate) {
            result.problems[`form ${form.key}`] = [
              'the form lacks novalidate, so the browser shows its own bubbles instead of the Swedish messages at each field',
            ];
            continue;
          }
          await page.goto(form.pageUrl);
          const status = await submitFormEmpty(page, form.index);
          const problems = [...(await fieldErrorProblems(page)), ...(await pageProblems(page))];
          if (status < 400) problems.unshift(`submitting it empty answered ${status}, expected a 4xx with the form and its errors`);
          if (problems.length) result.problems[`form ${form.key} (sent empty)`] = problems;
        }

        // Each kind of page says what it is: no two paths share a title.
        const byTitle = new Map<string, string>();
        for (const visited of result.pages) {
          const other = byTitle.get(visited.title);
          if (other && other !== visited.path && visited.status < 400) {
            (result.problems[`GET ${visited.path}`] ??= []).push(`has the same <title> "${visited.title}" as ${other}`);
          }
          byTitle.set(visited.title, visited.path);
        }

        expect(result.pages.map((p) => p.shape)).toContain('/');
        expect(report(result.problems)).toBe('');
      } finally {
        await context.close();
      }
    },
    120_000,
  );

  it('the crawl reached each role’s own pages', () => {
    const shapes = (role: Role): string[] => crawls.get(role)?.pages.map((p) => p.shape) ?? [];
    expect(shapes('admin')).toEqual(expect.arrayContaining(['/admin/anvandare', '/admin/anvandare/:id', '/admin/organisation', '/admin/utskick', '/admin/utskick/:id']));
    for (const role of ['staff', 'lead', 'analyst'] as const) expect(shapes(role).some((s) => s.startsWith('/admin'))).toBe(false);
    // What was seeded must have been reached from the menus and lists.
    if (seeded.deviations > 0) {
      expect(shapes('staff')).toEqual(expect.arrayContaining(['/avvikelser/ny', '/avvikelser/mina', '/avvikelser/:id']));
      expect(shapes('lead')).toEqual(expect.arrayContaining(['/delprojekt/ko', '/avvikelser/:id']));
      expect(shapes('analyst')).toEqual(expect.arrayContaining(['/avvikelser', '/avvikelser/:id']));
    }
    if (seeded.barriers > 0) expect(shapes('analyst')).toEqual(expect.arrayContaining(['/hinder', '/hinder/:id']));
    if (seeded.letters > 0) expect(shapes('analyst')).toEqual(expect.arrayContaining(['/skrivelser', '/skrivelser/:id']));
    // Printed so the run shows what was covered.
    const summary = ROLES.map((role) => {
      const skipped = crawls.get(role)?.skipped ?? [];
      return `${role}: ${shapes(role).join(', ')}${skipped.length ? `\n  not checked: ${skipped.join(', ')}` : ''}`;
    }).join('\n');
    process.stdout.write(`\nSidor per roll (skapat: ${JSON.stringify(seeded)}):\n${summary}\n`);
  });

  it('signs in with the keyboard alone', async () => {
    const user = users.get('lead');
    if (!user) throw new Error('lead saknas');
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      await page.goto('/');
      expect(new URL(page.url()).pathname).toBe('/logga-in');
      await tabTo(page, 'E-postadress');
      await page.keyboard.type(user.email);
      await tabTo(page, 'Lösenord');
      await page.keyboard.type(TEST_PASSWORD);
      await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.keyboard.press('Enter')]);
      expect(await page.locator('h1').textContent()).toBe(`Hej ${user.name}`);

      // Signing out is a button in the header, reached by Tab and pressed with Enter.
      await tabTo(page, 'Logga ut');
      await Promise.all([page.waitForURL((url) => url.pathname === '/logga-in'), page.keyboard.press('Enter')]);
    } finally {
      await context.close();
    }
  });
});
