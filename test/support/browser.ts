import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type axe from 'axe-core';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's chromium; never a downloaded browser (.ci/run installs it with apt-get when missing). */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = resolve(__dirname, '..', '..', 'test-output', 'screenshots');
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** What the layout appends to every page's own title (templates/partials/layout.njk). */
const TITLE_SUFFIX = /\s*–\s*Avvikelser MIA$/;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} saknas: installera Debians chromium (apt-get install chromium), som .ci/run gör.`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true, timeout: 30_000 });
}

/** A fresh cookie jar (one user) on the app, Swedish locale and time zone. */
export async function newBrowserPage(
  browser: Browser,
  baseUrl: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport, locale: 'sv-SE', timezoneId: 'Europe/Stockholm' });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the real form, as a person would. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/logga-in');
  await page.getByLabel('E-postadress').fill(email);
  await page.getByLabel('Lösenord').fill(password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/logga-in').catch(() => undefined), page.getByRole('button', { name: 'Logga in' }).click()]);
  if (new URL(page.url()).pathname === '/logga-in') {
    const message = await page.locator('.error-summary').textContent().catch(() => null);
    throw new Error(`Inloggningen som ${email} misslyckades: ${message?.replace(/\s+/g, ' ').trim() ?? 'okänt fel'}`);
  }
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// ---------------------------------------------------------------------------------------------
// Checks. Each returns a list of readable problems (empty = fine), so a failing test lists
// everything that is wrong on a page at once instead of stopping at the first.

export interface AxeViolation {
  rule: string;
  impact: string;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string; summary: string; html: string }>;
}

/** Runs axe-core in the page (injected through CDP, so the app's CSP does not block it). */
export async function axeViolations(page: Page, tags: string[] = AXE_TAGS): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (runTags: string[]) => {
    const engine = (globalThis as unknown as { axe: typeof axe }).axe;
    // iframes: false — the only iframe is the sandboxed preview of a mail, which is not our page.
    const results = await engine.run({ runOnly: { type: 'tag', values: runTags }, resultTypes: ['violations'], iframes: false });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'unknown',
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
        html: n.html.length > 160 ? `${n.html.slice(0, 160)}…` : n.html,
      })),
    }));
  }, tags);
}

export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.map((v) => {
    const nodes = v.nodes
      .slice(0, 5)
      .map((n) => `\n      on ${n.target}  ${n.html}\n        ${n.summary}`)
      .join('');
    const more = v.nodes.length > 5 ? `\n      … and ${v.nodes.length - 5} more` : '';
    return `axe ${v.rule} (${v.impact}): ${v.help} — ${v.helpUrl}${nodes}${more}`;
  });
}

/** Minimal DOM shapes for the scripts that run inside the page (tsconfig has no DOM lib, on purpose for src/). */
interface DomRect {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface DomElement {
  tagName: string;
  id: string;
  className: string;
  textContent: string | null;
  parentElement: DomElement | null;
  hasAttribute(name: string): boolean;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  closest(selector: string): DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  getBoundingClientRect(): DomRect;
}
interface DomWindow {
  innerWidth: number;
  innerHeight: number;
  location: { hash: string; href: string };
  getComputedStyle(element: DomElement): { outlineStyle: string; outlineWidth: string; boxShadow: string; visibility: string; display: string };
  document: {
    title: string;
    activeElement: DomElement | null;
    body: DomElement;
    documentElement: DomElement & { lang: string; scrollWidth: number };
    getElementById(id: string): DomElement | null;
    querySelector(selector: string): DomElement | null;
    querySelectorAll(selector: string): ArrayLike<DomElement>;
  };
}

/** Autofocus happens at the next rendering update after load, not at load itself. */
async function renderingDone(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        const w = globalThis as unknown as { requestAnimationFrame(callback: () => void): void };
        w.requestAnimationFrame(() => w.requestAnimationFrame(() => done()));
      }),
  );
}

/** Title, language, headings and landmarks. */
export async function structureProblems(page: Page): Promise<string[]> {
  const facts = await page.evaluate(() => {
    const w = globalThis as unknown as DomWindow;
    const d = w.document;
    return {
      title: d.title.trim(),
      lang: d.documentElement.lang,
      h1: Array.from(d.querySelectorAll('h1')).map((h) => (h.textContent ?? '').replace(/\s+/g, ' ').trim()),
      mains: d.querySelectorAll('main, [role="main"]').length,
    };
  });
  const problems: string[] = [];
  const own = facts.title.replace(TITLE_SUFFIX, '').trim();
  if (!facts.title) problems.push('the page has no <title>');
  else if (!own) problems.push(`the <title> "${facts.title}" names only the service; set {% block title %} to what the page is`);
  if (facts.lang !== 'sv') problems.push(`<html lang> is "${facts.lang}", expected "sv"`);
  if (facts.h1.length !== 1) problems.push(`expected exactly one <h1>, found ${facts.h1.length}${facts.h1.length ? `: ${facts.h1.map((h) => `"${h}"`).join(', ')}` : ''}`);
  else if (!facts.h1[0]) problems.push('the <h1> is empty');
  if (facts.mains !== 1) problems.push(`expected exactly one <main>, found ${facts.mains}`);
  return problems;
}

interface FocusedElement {
  description: string;
  skipLink: boolean;
  errorSummary: boolean;
  href: string | null;
  indicator: boolean;
  onScreen: boolean;
  isBody: boolean;
  id: string;
  tag: string;
  /** Tells two elements with the same text apart. */
  mark: string;
}

async function focused(page: Page): Promise<FocusedElement> {
  return page.evaluate(() => {
    const w = globalThis as unknown as DomWindow;
    const el = w.document.activeElement;
    if (!el || el === w.document.body) {
      return { description: '<body>', skipLink: false, errorSummary: false, href: null, indicator: false, onScreen: false, isBody: true, id: '', tag: 'body', mark: '' };
    }
    const counter = w as unknown as { focusMarks?: number };
    let mark = el.getAttribute('data-focus-mark');
    if (!mark) {
      counter.focusMarks = (counter.focusMarks ?? 0) + 1;
      mark = String(counter.focusMarks);
      el.setAttribute('data-focus-mark', mark);
    }
    const style = w.getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50);
    const tag = el.tagName.toLowerCase();
    const name = el.getAttribute('name');
    const description = `<${tag}${el.id ? `#${el.id}` : ''}${name ? ` name=${name}` : ''}>${text ? ` "${text}"` : ''}`;
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
    // Focus inside a frame (the mail preview) is drawn by the framed document, which Chromium does not expose here.
    const framed = tag === 'iframe';
    return {
      description,
      skipLink: el.className.split(/\s+/).includes('skip-link'),
      errorSummary: el.className.split(/\s+/).includes('error-summary'),
      href: el.getAttribute('href'),
      indicator: outline || shadow || framed,
      onScreen: rect.width >= 1 && rect.height >= 1 && rect.right > 0 && rect.bottom > 0 && rect.left < w.innerWidth && rect.top < w.innerHeight,
      isBody: false,
      id: el.id,
      tag,
      mark,
    };
  });
}

/**
 * Every control that can take focus, focused in turn from script right after a real Tab (so Chromium
 * treats it as keyboard focus and :focus-visible applies): each must show an indicator and be on screen.
 * One round trip for the whole page, where pressing Tab through a long page would take hundreds.
 */
async function focusIndicatorProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = globalThis as unknown as DomWindow;
    const d = w.document;
    const problems: string[] = [];
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    for (const el of Array.from(d.querySelectorAll(selector))) {
      const control = el as unknown as DomElement & { disabled?: boolean; focus(): void; getClientRects(): ArrayLike<DomRect> };
      // Not rendered (inside a closed <details>, display: none) or disabled: not a tab stop.
      if (control.disabled || control.getClientRects().length === 0) continue;
      control.focus();
      if (d.activeElement !== el) continue;
      const style = w.getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      const indicator = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || (style.boxShadow !== 'none' && style.boxShadow !== '');
      const onScreen = rect.width >= 1 && rect.height >= 1 && rect.right > 0 && rect.bottom > 0 && rect.left < w.innerWidth && rect.top < w.innerHeight;
      if (indicator && onScreen) continue;
      const tag = el.tagName.toLowerCase();
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 50);
      const name = el.getAttribute('name');
      const description = `<${tag}${el.id ? `#${el.id}` : ''}${name ? ` name=${name}` : ''}>${text ? ` "${text}"` : ''}`;
      if (!indicator) problems.push(`no visible focus indicator on ${description} (outline or box-shadow under :focus-visible)`);
      if (!onScreen) problems.push(`${description} takes keyboard focus but is not visible on screen`);
    }
    (d.activeElement as unknown as { blur?: () => void } | null)?.blur?.();
    return problems;
  });
}

/**
 * Keyboard use from a freshly loaded page: the first Tab reaches the skip link; the next `maxStops` Tab
 * presses move on (no trap) to controls that are on screen with a focus indicator; every other control
 * shows one too when focused; and Enter on the skip link moves focus to <main>.
 */
export async function keyboardProblems(page: Page, maxStops = 10): Promise<string[]> {
  const problems: string[] = [];
  await renderingDone(page);
  // Pages in the app's layout repeat its header and menu, so they need the skip link. A standalone page
  // without them (the printable letter) bypasses its few links with landmarks instead (WCAG technique ARIA11).
  const needsSkipLink = (await page.locator('.site-header, a.skip-link').count()) > 0;
  // A form that came back with errors puts focus on its error summary; otherwise nothing has focus on load.
  const initial = await focused(page);
  let first: FocusedElement;
  if (!initial.isBody) {
    if (!initial.errorSummary) problems.push(`on load, focus is already on ${initial.description}; only an error summary should take focus by itself`);
    first = initial;
  } else {
    await page.keyboard.press('Tab');
    first = await focused(page);
    if (needsSkipLink && !first.skipLink) problems.push(`the first Tab from the top focuses ${first.description}, not the skip link "Hoppa till innehållet"`);
  }
  let current = first;
  // A date field takes a Tab for each of its parts (year, month, day) before focus leaves it.
  let sameInARow = 0;
  for (let stop = 0; stop < maxStops && !current.isBody; stop++) {
    if (sameInARow === 0) {
      if (!current.indicator) problems.push(`no visible focus indicator on ${current.description} (outline or box-shadow under :focus-visible)`);
      if (!current.onScreen) problems.push(`${current.description} takes keyboard focus but is not visible on screen`);
    }
    await page.keyboard.press('Tab');
    const next = await focused(page);
    sameInARow = !next.isBody && next.mark === current.mark ? sameInARow + 1 : 0;
    if (sameInARow > 4) {
      problems.push(`Tab does not move on from ${current.description} (keyboard trap)`);
      break;
    }
    current = next;
    if (current.skipLink) break; // wrapped round
  }

  problems.push(...(await focusIndicatorProblems(page)));

  const skipLink = page.locator('a.skip-link').first();
  if (!needsSkipLink) return [...new Set(problems)];
  if ((await skipLink.count()) === 0) {
    problems.push('no skip link (a.skip-link) on the page, which has the site header');
    return problems;
  }
  await skipLink.focus();
  await page.keyboard.press('Enter');
  // The browser moves focus to the fragment's target in a task of its own after the key event; under load
  // (CI runs two test files at once) a read straight away can still see <body>. Give it a moment, then judge.
  await page
    .waitForFunction(() => (globalThis as unknown as DomWindow).document.activeElement?.tagName === 'MAIN', undefined, { timeout: 2_000 })
    .catch(() => undefined);
  const target = await focused(page);
  const href = await skipLink.getAttribute('href');
  if (target.tag !== 'main' || `#${target.id}` !== href) {
    problems.push(`Enter on the skip link (href ${href}) leaves focus on ${target.description}, expected <main${href ?? ''}>`);
  }
  return [...new Set(problems)];
}

/** WCAG 1.4.10: at 320 CSS pixels nothing but data tables may need sideways scrolling. */
export async function reflowProblems(page: Page): Promise<string[]> {
  const original = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize({ width: 320, height: 640 });
  try {
    const offenders = await page.evaluate(() => {
      const w = globalThis as unknown as DomWindow;
      const limit = w.innerWidth + 1;
      const found: string[] = [];
      for (const el of Array.from(w.document.body.querySelectorAll('*'))) {
        if (el.closest('table, pre, .visually-hidden, .skip-link')) continue;
        // Inside a keyboard-scrollable region (a heatmap on a phone): diagrams may need two-dimensional layout.
        // The region itself must still fit.
        if (el.parentElement?.closest('[role="region"][tabindex="0"]')) continue;
        const rect = el.getBoundingClientRect();
        if (rect.width === 0 || rect.right <= limit) continue;
        // Report the outermost element only.
        const parent = el.parentElement;
        if (parent && parent.getBoundingClientRect().right > limit && parent !== w.document.body) continue;
        const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        found.push(`<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls}> reaches ${Math.round(rect.right)}px`);
      }
      return found.slice(0, 5);
    });
    return offenders.map((o) => `at 320px wide the page scrolls sideways (WCAG 1.4.10): ${o}`);
  } finally {
    await page.setViewportSize(original);
  }
}

/** More than any Swedish word needs at the app's 16 px (”Arbetsförmedlingen” ≈ 150 px); a longer run is no word to keep whole. */
export const LONGEST_WHOLE_WORD_PX = 320;

/**
 * Words broken over two lines inside the elements `selector` matches, e.g. ”Arbetsförmedlin|gen” in a squeezed
 * table column. A word narrower than `wholeUpTo` pixels must be whole; a longer run (an engine's name without
 * spaces) may break, and any word may break after its hyphen or dash. Visually hidden text (one pixel wide on
 * purpose) is left out. Measured from the rendered line boxes of each word.
 */
export async function brokenWords(page: Page, selector: string, wholeUpTo = LONGEST_WHOLE_WORD_PX): Promise<string[]> {
  await renderingDone(page);
  return page.evaluate(
    ({ scope, limit }: { scope: string; limit: number }) => {
      interface TextNode {
        data: string;
        parentElement: DomElement | null;
      }
      interface TextRange {
        setStart(node: TextNode, offset: number): void;
        setEnd(node: TextNode, offset: number): void;
        getClientRects(): ArrayLike<DomRect>;
      }
      const w = globalThis as unknown as DomWindow & {
        document: { createTreeWalker(root: DomElement, whatToShow: number): { nextNode(): TextNode | null }; createRange(): TextRange };
      };
      const SHOW_TEXT = 4;
      const found: string[] = [];
      for (const root of Array.from(w.document.querySelectorAll(scope))) {
        const walker = w.document.createTreeWalker(root, SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const parent = node.parentElement;
          if (!parent || parent.closest('.visually-hidden')) continue;
          for (const match of node.data.matchAll(/[^\s\-–]+[\-–]?/gu)) {
            const range = w.document.createRange();
            range.setStart(node, match.index ?? 0);
            range.setEnd(node, (match.index ?? 0) + match[0].length);
            const rects = Array.from(range.getClientRects()).filter((rect) => rect.width > 0);
            const lines = new Set(rects.map((rect) => Math.round(rect.top)));
            const width = rects.reduce((sum, rect) => sum + rect.width, 0);
            if (lines.size < 2 || width > limit) continue;
            const cell = parent.closest('td, th') ?? parent;
            found.push(`”${match[0]}” (${Math.round(width)} px) is broken over ${lines.size} lines in <${cell.tagName.toLowerCase()}> ${Math.round(cell.getBoundingClientRect().width)} px wide`);
          }
        }
      }
      return found;
    },
    { scope: selector, limit: wholeUpTo },
  );
}

/**
 * After a form came back with errors: the error summary has focus, each message sits at its field and
 * is tied to it with aria-describedby, invalid fields are labelled, and the summary's links lead to the
 * fields. Call it right after the page loaded, before anything moves focus.
 */
export async function fieldErrorProblems(page: Page): Promise<string[]> {
  await renderingDone(page);
  return page.evaluate(() => {
    const w = globalThis as unknown as DomWindow;
    const d = w.document;
    const problems: string[] = [];
    const describe = (el: DomElement): string => `<${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? ` name=${el.getAttribute('name')}` : ''}>`;
    const summary = d.querySelector('.error-summary');
    if (summary && d.activeElement !== summary) problems.push('the error summary does not have focus when the page loads (autofocus)');
    const invalid = Array.from(d.querySelectorAll('[aria-invalid="true"]'));
    const fieldErrors = Array.from(d.querySelectorAll('.field .error-message'));
    if (invalid.length === 0 && fieldErrors.length === 0) problems.push('the form came back without any field marked invalid or any message at a field');
    for (const el of invalid) {
      const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
      const referenced = ids.map((id) => d.getElementById(id));
      if (ids.length === 0) problems.push(`${describe(el)} is aria-invalid but has no aria-describedby pointing at its message`);
      ids.forEach((id, i) => {
        if (!referenced[i]) problems.push(`${describe(el)} has aria-describedby="${id}" but no element has that id`);
      });
      if (ids.length && !referenced.some((r) => r && (r.textContent ?? '').trim() !== '')) problems.push(`${describe(el)}: the elements in its aria-describedby are empty`);
      const labelled = el.id ? d.querySelector(`label[for="${el.id}"]`) !== null : false;
      if (!labelled && !el.getAttribute('aria-labelledby') && !el.getAttribute('aria-label') && !el.closest('label')) problems.push(`${describe(el)} is invalid and has no label`);
    }
    for (const message of fieldErrors) {
      const text = (message.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (!message.id) {
        problems.push(`the message "${text}" has no id, so no field can point at it with aria-describedby`);
        continue;
      }
      const field = message.closest('.field');
      const candidates = field ? [field, ...Array.from(field.querySelectorAll('input, select, textarea, fieldset'))] : [];
      const tied = candidates.some((c) => (c.getAttribute('aria-describedby') ?? '').split(/\s+/).includes(message.id));
      if (!tied) problems.push(`the message "${text}" (#${message.id}) is not referenced by its field's aria-describedby`);
    }
    for (const link of Array.from(d.querySelectorAll('.error-summary a[href^="#"]'))) {
      const id = (link.getAttribute('href') ?? '').slice(1);
      if (!d.getElementById(id)) problems.push(`the error summary links to #${id}, which does not exist`);
    }
    return problems;
  });
}

export interface PageCheckOptions {
  /** Real Tab presses to walk through (the header's links come first); every control is checked for a focus indicator anyway. */
  maxTabStops?: number;
  reflow?: boolean;
}

/** Everything a page must pass, on a page that was just loaded (focus at the top). */
export async function pageProblems(page: Page, options: PageCheckOptions = {}): Promise<string[]> {
  const keyboard = await keyboardProblems(page, options.maxTabStops ?? 10);
  const structure = await structureProblems(page);
  const violations = describeViolations(await axeViolations(page));
  const reflow = options.reflow === false ? [] : await reflowProblems(page);
  return [...structure, ...violations, ...keyboard, ...reflow];
}

/** "GET /path: problem" lines, ready for a failure message. */
export function report(problems: Record<string, string[]>): string {
  const lines = Object.entries(problems)
    .filter(([, list]) => list.length > 0)
    .map(([where, list]) => `${where}\n${list.map((p) => `  - ${p}`).join('\n')}`);
  return lines.join('\n\n');
}

// Helpers the crawler uses, kept here so the in-page DOM types stay in one file.

export interface FoundLink {
  href: string;
  download: boolean;
}

export interface FoundForm {
  index: number;
  action: string;
  required: number;
  noValidate: boolean;
}

/** Links, forms that post, and the URL each GET form (a filter) would open with its values as they are. */
export async function linksAndForms(page: Page): Promise<{ links: FoundLink[]; forms: FoundForm[]; searches: string[] }> {
  return page.evaluate(() => {
    const w = globalThis as unknown as DomWindow;
    const d = w.document;
    const links = Array.from(d.querySelectorAll('a[href]')).map((a) => ({
      href: new URL(a.getAttribute('href') ?? '', w.location.href).href,
      download: a.hasAttribute('download'),
    }));
    const searches = Array.from(d.querySelectorAll('form'))
      .filter((form) => (form.getAttribute('method') ?? 'get').toLowerCase() === 'get')
      .map((form) => {
        const url = new URL(form.getAttribute('action') ?? '', w.location.href);
        url.search = '';
        for (const field of Array.from(form.querySelectorAll('input[name], select[name], textarea[name]'))) {
          const type = (field.getAttribute('type') ?? '').toLowerCase();
          const control = field as unknown as { name: string; value: string; checked?: boolean; disabled?: boolean };
          if (control.disabled || ['submit', 'button', 'file', 'reset'].includes(type)) continue;
          if ((type === 'checkbox' || type === 'radio') && !control.checked) continue;
          url.searchParams.append(control.name, control.value);
        }
        return url.href;
      });
    const forms = Array.from(d.querySelectorAll('form')).map((form, index) => ({
      index,
      method: (form.getAttribute('method') ?? 'get').toLowerCase(),
      action: new URL(form.getAttribute('action') ?? '', w.location.href).href,
      required: form.querySelectorAll('input[required]:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea[required], select[required]').length,
      noValidate: form.hasAttribute('novalidate'),
    }));
    return {
      links,
      searches,
      forms: forms.filter((f) => f.method === 'post').map(({ index, action, required, noValidate }) => ({ index, action, required, noValidate })),
    };
  });
}

/** Empties a form's text fields and selects that allow empty, then submits it with its own button. Returns the response status. */
export async function submitFormEmpty(page: Page, formIndex: number): Promise<number> {
  const form = page.locator('form').nth(formIndex);
  await form.evaluate((element) => {
    const el = element as unknown as DomElement;
    // A form folded into a <details> (e.g. "Byt namn" per unit) is sent the way a user would: opened first.
    for (let details = el.closest('details'); details !== null; details = details.parentElement?.closest('details') ?? null) details.setAttribute('open', '');
    for (const field of Array.from(el.querySelectorAll('input, textarea'))) {
      const type = (field.getAttribute('type') ?? 'text').toLowerCase();
      if (['hidden', 'checkbox', 'radio', 'submit', 'button', 'file'].includes(type)) continue;
      (field as unknown as { value: string }).value = '';
    }
    for (const select of Array.from(el.querySelectorAll('select'))) {
      const options = Array.from(select.querySelectorAll('option'));
      if (options.some((o) => o.getAttribute('value') === '')) (select as unknown as { value: string }).value = '';
    }
  });
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest());
  await form.locator('button[type=submit], button:not([type]), input[type=submit]').first().click();
  const status = (await response).status();
  await page.waitForLoadState('domcontentloaded');
  return status;
}

/** Presses Tab until the focused element's label (or text) starts with `name`, as a keyboard user would. */
export async function tabTo(page: Page, name: string, maxStops = 40): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab');
    const current = await page.evaluate(() => {
      const w = globalThis as unknown as DomWindow;
      const el = w.document.activeElement as (DomElement & { labels?: ArrayLike<DomElement> }) | null;
      if (!el || el === w.document.body) return '';
      const label = el.labels && el.labels.length ? el.labels[0].textContent : (el.getAttribute('aria-label') ?? el.textContent);
      return (label ?? '').replace(/\s+/g, ' ').trim();
    });
    if (current.startsWith(name)) return;
    seen.push(current);
  }
  throw new Error(`Tab nådde aldrig "${name}"; fokus gick till: ${seen.map((s) => `"${s.slice(0, 30)}"`).join(', ')}`);
}
