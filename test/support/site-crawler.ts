import { Page } from 'playwright-core';
import { FoundForm, linksAndForms } from './browser';

/** Paths a crawler never follows: signing out, the API and its docs, static files. */
const SKIP_PATHS = [/^\/logga-ut(\/|$)/, /^\/api(\/|$)/, /^\/static\//, /^\/health(\/|$)/];
/** Files, not pages. */
const DOWNLOAD_EXTENSIONS = /\.(csv|docx?|xlsx?|pdf|zip|json|png|jpe?g|svg|txt|ics)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What kind of page a URL is: ids and numbers in the path collapse (`/avvikelser/:id`), and the query
 * keeps only its parameter names, so one report, one filtered list and one page of results are visited.
 */
export function pathShape(url: URL): string {
  const path = url.pathname
    .split('/')
    .map((segment) => (UUID.test(segment) || /\d/.test(segment) ? ':id' : segment))
    .join('/');
  const keys = [...new Set([...url.searchParams.keys()])].sort();
  return keys.length ? `${path}?${keys.join('&')}` : path;
}

export function followable(url: URL, origin: string): boolean {
  if (url.origin !== origin) return false;
  if (!['http:', 'https:'].includes(url.protocol)) return false;
  if (SKIP_PATHS.some((pattern) => pattern.test(url.pathname))) return false;
  return !DOWNLOAD_EXTENSIONS.test(url.pathname);
}

export interface CrawledPage {
  url: string;
  path: string;
  shape: string;
  status: number;
  title: string;
  foundOn: string;
}

export interface CrawledForm extends FoundForm {
  /** The page the form is on. */
  pageUrl: string;
  key: string;
}

export interface CrawlResult {
  pages: CrawledPage[];
  /** Forms posting back to the app with required fields, one per (page shape, action shape). */
  forms: CrawledForm[];
  /** Links that led nowhere good, and pages the check found fault with. */
  problems: Record<string, string[]>;
  skipped: string[];
}

export interface CrawlOptions {
  start: string[];
  /** Distinct page shapes to visit at most. */
  maxPages: number;
  /** Runs on each page right after it loaded; returns its problems. */
  check: (page: Page, visited: CrawledPage) => Promise<string[]>;
}

/** Breadth-first through same-origin GET links and GET forms, one page per shape, checking each page as it goes. */
export async function crawl(page: Page, origin: string, options: CrawlOptions): Promise<CrawlResult> {
  const queue: Array<{ url: URL; foundOn: string }> = options.start.map((path) => ({ url: new URL(path, origin), foundOn: '(start)' }));
  const shapes = new Set<string>();
  const formKeys = new Set<string>();
  const result: CrawlResult = { pages: [], forms: [], problems: {}, skipped: [] };

  while (queue.length > 0 && result.pages.length < options.maxPages) {
    const next = queue.shift();
    if (!next) break;
    const shape = pathShape(next.url);
    if (shapes.has(shape)) continue;
    shapes.add(shape);
    const where = `GET ${next.url.pathname}${next.url.search}`;

    let status: number;
    try {
      const response = await page.goto(next.url.href);
      status = response?.status() ?? 0;
      const type = (await response?.headerValue('content-type')) ?? '';
      if (!type.includes('text/html')) {
        result.skipped.push(`${where} (${type || 'no content-type'})`);
        continue;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/download is starting/i.test(message)) {
        result.skipped.push(`${where} (download)`);
        continue;
      }
      result.problems[where] = [`could not load (linked from ${next.foundOn}): ${message.split('\n')[0]}`];
      continue;
    }
    const landed = new URL(page.url());
    const visited: CrawledPage = {
      url: page.url(),
      path: landed.pathname,
      shape,
      status,
      title: await page.title(),
      foundOn: next.foundOn,
    };
    result.pages.push(visited);
    const problems: string[] = [];
    if (status >= 400) problems.push(`answers ${status} (linked from ${next.foundOn}); a link a user is shown must lead somewhere they may go`);
    if (landed.pathname === '/logga-in' && next.url.pathname !== '/logga-in') problems.push(`sent to sign-in (linked from ${next.foundOn})`);

    // Links and forms before the checks, which move focus and the viewport.
    const found = await linksAndForms(page);
    problems.push(...(await options.check(page, visited)));
    if (problems.length) result.problems[where] = problems;

    for (const link of found.links) {
      const url = new URL(link.href);
      url.hash = '';
      if (link.download || !followable(url, origin)) continue;
      if (!shapes.has(pathShape(url))) queue.push({ url, foundOn: next.url.pathname });
    }
    // A filter form sent as it stands: the list or dashboard with its filters in the address.
    for (const search of found.searches) {
      const url = new URL(search);
      if (followable(url, origin) && !shapes.has(pathShape(url))) queue.push({ url, foundOn: `the filter form on ${next.url.pathname}` });
    }
    for (const form of found.forms) {
      const action = new URL(form.action);
      if (form.required === 0 || !followable(action, origin)) continue;
      const key = `${shape} → POST ${pathShape(action)}`;
      if (formKeys.has(key)) continue;
      formKeys.add(key);
      result.forms.push({ ...form, pageUrl: visited.url, key });
    }
  }
  const unvisited = queue.filter((item) => !shapes.has(pathShape(item.url)));
  if (unvisited.length > 0) {
    result.skipped.push(...[...new Set(unvisited.map((item) => pathShape(item.url)))].map((s) => `${s} (over the limit of ${options.maxPages} pages)`));
  }
  return result;
}
