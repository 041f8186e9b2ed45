import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { FixedClock } from '../../src/common/clock/clock';
import { User } from '../../src/modules/user/user.entity';
import { addBarrierMember, insertEscalatedBarrier } from '../support/barrier-factories';
import { unzipEntries } from '../support/docx-reader';
import { launchBrowser, newBrowserPage, signIn } from '../support/browser';
import { createApiToken, createUser, TEST_PASSWORD } from '../support/factories';
import { HttpClient } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/** What the print page's stylesheet had before the closing was kept with the signature. */
const WITHOUT_KEEP_RULES = `
  .letter-section:last-of-type > :last-child { break-after: auto !important; break-inside: auto !important; }
  .letter-signature { break-before: auto !important; }
`;
const CLOSING = 'MIA medverkar gärna med ytterligare underlag.';
const GREETING = 'Med vänlig hälsning';

/**
 * The print page printed to PDF by Chromium (page.pdf, the CSS page size) and read back per page with pdftotext
 * (poppler-utils): the signature never stands alone on the last page. The letter is lengthened until, without the
 * rules, it would; then the same letter is saved through the API and printed as served. The DOCX says the same
 * with keepNext and keepLines.
 */
describe('the signature of a printed letter shares its page with the closing', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let browser: Browser;
  let analyst: User;
  let token: string;
  let letterId = '';
  let workDir = '';

  beforeAll(async () => {
    [t, browser] = await Promise.all([startTestApp({ clock }), launchBrowser()]);
    workDir = mkdtempSync(join(tmpdir(), 'skrivelse-pdf-'));
    analyst = await createUser(t.app, 'analyst', { name: 'Ada Analytiker' });
    token = await createApiToken(t.app, analyst);
    const db = t.app.get(DataSource);
    const barrierId = await insertEscalatedBarrier(db, 'Krav på inskrivning för ekonomiskt bistånd', ['KOMMUN', 'AF'], clock.now());
    for (const [i, kommun] of ['Haninge', 'Botkyrka', 'Järfälla', 'Täby'].entries()) {
      await addBarrierMember(db, barrierId, { kommun, occurredOn: `2026-0${i + 2}-10`, reporterEmail: `rapportor.pdf.${i}@kommun.example.org` });
    }
    const created = await new HttpClient(t.baseUrl).api('POST', '/api/letters', { barrierId }, token);
    expect(created.status).toBe(201);
    letterId = created.json<{ letterId: string }>().letterId;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  /** The text of each printed page, in order (pdftotext separates pages with a form feed). */
  async function printedPages(page: Page, name: string): Promise<string[]> {
    const path = join(workDir, `${name}.pdf`);
    writeFileSync(path, await page.pdf({ preferCSSPageSize: true }));
    if (!existsSync('/usr/bin/pdftotext')) throw new Error('pdftotext saknas: installera Debians poppler-utils (apt-get install poppler-utils), som .ci/run gör.');
    const text = execFileSync('/usr/bin/pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
    return text.split('\f').filter((pageText) => pageText.trim() !== '');
  }

  /** The text above "Med vänlig hälsning" on its page, without the page number. */
  function textBeforeSignature(pages: readonly string[]): string {
    const index = pages.findIndex((pageText) => pageText.includes(GREETING));
    expect(index).toBeGreaterThanOrEqual(0);
    const before = pages[index].slice(0, pages[index].indexOf(GREETING));
    return before.replace(/Sida \d+ av \d+/g, '').replace(/\s+/g, ' ').trim();
  }

  /** n one-line points before the closing paragraph, as the analyst would add them to "Vad vi begär". */
  const points = (n: number): string[] => Array.from({ length: n }, (_, i) => `Punkt ${i + 1} som mottagaren ombeds ta ställning till.`);

  it('keeps the closing paragraph on the signature’s page, where without the rules the signature would stand alone', async () => {
    const { context, page } = await newBrowserPage(browser, t.baseUrl);
    try {
      await signIn(page, analyst.email, TEST_PASSWORD);
      expect((await page.goto(`/skrivelser/${letterId}/utskrift`))?.status()).toBe(200);
      // Lengthen the letter in the page, without the rules, until the signature is pushed alone onto a new page.
      const override = await page.addStyleTag({ content: WITHOUT_KEEP_RULES });
      let found = -1;
      for (let n = 0; n <= 60 && found < 0; n += 2) {
        await page.evaluate((items: string[]) => {
          const doc = (globalThis as unknown as { document: DomDocument }).document;
          doc.getElementById('test-points')?.remove();
          const sections = doc.querySelectorAll('.letter-section');
          const last = sections[sections.length - 1];
          const list = doc.createElement('ul');
          list.id = 'test-points';
          list.className = 'letter-list';
          for (const item of items) {
            const li = doc.createElement('li');
            li.textContent = item;
            list.appendChild(li);
          }
          last.insertBefore(list, last.lastElementChild);
        }, points(n));
        if (textBeforeSignature(await printedPages(page, `utan-regler-${n}`)) === '') found = n;
      }
      expect(found).toBeGreaterThanOrEqual(0);
      await override.evaluate((element: unknown) => (element as { remove(): void }).remove());

      // The same text saved as the analyst saves it, and the page printed as served.
      const client = new HttpClient(t.baseUrl);
      const letter = (await client.api('GET', `/api/letters/${letterId}`, undefined, token)).json<Record<string, unknown> & { requestedAction: string; version: number }>();
      const requestedAction = letter.requestedAction.replace(CLOSING, `${points(found).map((point) => `– ${point}`).join('\n')}\n\n${CLOSING}`);
      const fields = ['recipient', 'subject', 'summary', 'evidence', 'consequences', 'triedLocally', 'interfaceRules'] as const;
      const saved = await client.api('PATCH', `/api/letters/${letterId}`, { ...Object.fromEntries(fields.map((f) => [f, letter[f]])), requestedAction, version: letter.version }, token);
      expect(saved.status).toBe(200);
      await page.goto(`/skrivelser/${letterId}/utskrift`);
      const served = await printedPages(page, 'som-sidan');
      expect(textBeforeSignature(served)).toContain(CLOSING);
      expect(served[served.length - 1]).toContain(GREETING);
      // Without the rules the served letter shows the fault, so the check above is not luck.
      await page.addStyleTag({ content: WITHOUT_KEEP_RULES });
      expect(textBeforeSignature(await printedPages(page, 'som-sidan-utan-regler'))).toBe('');
    } finally {
      await context.close();
    }
  });

  it('the DOCX keeps the closing paragraph whole and with the signature (keepNext, keepLines)', async () => {
    const response = await fetch(`${t.baseUrl}/skrivelser/${letterId}.docx`, { headers: { authorization: `Bearer ${token}` } });
    const xml = unzipEntries(Buffer.from(await response.arrayBuffer())).get('word/document.xml')?.toString('utf8') ?? '';
    const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => m[0]);
    const closing = paragraphs.findIndex((p) => p.includes(CLOSING));
    expect(closing).toBeGreaterThan(0);
    const tail = paragraphs.slice(closing);
    // The analyst who started the letter signs it, with title, organisation and e-mail.
    expect(tail.map((p) => /<w:t[^>]*>([^<]*)<\/w:t>/.exec(p)?.[1])).toEqual([CLOSING, GREETING, analyst.name, 'Verksamhetsutvecklare', 'MIA – Mobilisering inför arbete', `E-post: ${analyst.email}`]);
    // Every paragraph from the closing on is kept whole, and each with the next but the last.
    expect(tail.map((p) => p.includes('<w:keepLines/>'))).toEqual(tail.map(() => true));
    expect(tail.map((p) => p.includes('<w:keepNext/>'))).toEqual(tail.map((_, i) => i < tail.length - 1));
    // The paragraph before the closing flows freely.
    expect(paragraphs[closing - 1].includes('<w:keepNext/>')).toBe(false);
  });
});

/** Minimal DOM shapes for the script that runs in the page (tsconfig has no DOM lib). */
interface DomNode {
  id: string;
  className: string;
  textContent: string | null;
  lastElementChild: DomNode | null;
  appendChild(child: DomNode): void;
  insertBefore(child: DomNode, before: DomNode | null): void;
  remove(): void;
}
interface DomDocument {
  getElementById(id: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
  createElement(tag: string): DomNode;
}
