import { DataSource } from 'typeorm';
import { Clock } from '../../src/common/clock/clock';
import { User } from '../../src/modules/user/user.entity';
import { addBarrierMember, BarrierMemberSeed, insertEscalatedBarrier } from './barrier-factories';
import { docxParagraphs, unzipEntries } from './docx-reader';
import { createApiToken, createUser, TEST_PASSWORD } from './factories';
import { HttpClient } from './http-client';
import { startTestApp, TestApp } from './test-app';

/** How a letter's text is read back: with or without its tables (the key figures, the trend). */
export interface LetterReading {
  tables?: 'drop' | 'keep';
}

/** Options of a barrier made for a letter. */
export interface LetterBarrierOptions {
  nameSource?: 'analyst' | 'generated';
  /** The barrier's characteristic terms (default: what insertEscalatedBarrier sets). */
  terms?: string[];
}

/**
 * The letter specs' app: a real app on its own Postgres with a signed-in analyst (a page session and an API
 * token), and the ways they start a letter and read it back as its recipient would: the print page's text
 * and the DOCX's paragraphs. Barriers and reports are inserted directly.
 */
export class LetterHarness {
  private constructor(
    readonly t: TestApp,
    readonly db: DataSource,
    readonly analyst: User,
    readonly client: HttpClient,
    readonly token: string,
    private readonly clock: Clock,
  ) {}

  /** `analyst`: the analyst account's name and e-mail, where a spec reads them back (a letter's signatory). */
  /** `env`: the app's environment besides the test defaults, e.g. SMTP_URL of an SmtpCatcher to read the mails back. */
  static async start(clock: Clock, options: { analyst?: { name?: string; email?: string }; env?: Record<string, string> } = {}): Promise<LetterHarness> {
    const t = await startTestApp({ clock, env: options.env });
    const analyst = await createUser(t.app, 'analyst', options.analyst);
    const client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
    return new LetterHarness(t, t.app.get(DataSource), analyst, client, await createApiToken(t.app, analyst), clock);
  }

  close(): Promise<void> {
    return this.t.close();
  }

  /** An escalated barrier with these reports (reporters `rapportor.<i>@kommun.example.org`), and a draft for it started from /skrivelser. */
  async draftLetter(name: string, parties: string[], members: ReadonlyArray<Omit<BarrierMemberSeed, 'reporterEmail'>>, options: LetterBarrierOptions = {}): Promise<string> {
    const barrierId = await insertEscalatedBarrier(this.db, name, parties, this.clock.now(), options.nameSource);
    if (options.terms) await this.db.query(`UPDATE barrier SET terms = $2 WHERE id = $1`, [barrierId, options.terms]);
    for (const [i, member] of members.entries()) await addBarrierMember(this.db, barrierId, { reporterEmail: `rapportor.${i}@kommun.example.org`, ...member });
    return this.startLetter(barrierId);
  }

  /** A draft for the barrier, started on /skrivelser as the analyst starts one; its id. */
  async startLetter(barrierId: string): Promise<string> {
    await this.client.get('/skrivelser');
    const created = await this.client.postForm('/skrivelser', { barrierId });
    expect(created.status).toBe(303);
    return /\/skrivelser\/([0-9a-f-]{36})/.exec(String(created.location))?.[1] as string;
  }

  /** The letter's running text as the print page shows it: markup left out, character references read, white space folded. */
  async printedText(letterId: string, { tables = 'drop' }: LetterReading = {}): Promise<string> {
    const page = await this.client.get(`/skrivelser/${letterId}/utskrift`);
    expect(page.status).toBe(200);
    const article = /<article class="letter"[\s\S]*<\/article>/.exec(page.text)?.[0] ?? '';
    return (tables === 'drop' ? article.replace(/<table[\s\S]*?<\/table>/g, '') : article)
      .replace(/<[^>]+>/g, ' ')
      .replace(/&#(\d+);/g, (_match, code: string) => String.fromCodePoint(Number(code)))
      .replace(/\s+/g, ' ')
      .trim();
  }

  /** The DOCX's paragraphs, one a line, downloaded with the analyst's API token. */
  async docxText(letterId: string, { tables = 'drop' }: LetterReading = {}): Promise<string> {
    const response = await fetch(`${this.t.baseUrl}/skrivelser/${letterId}.docx`, { headers: { authorization: `Bearer ${this.token}` } });
    expect(response.status).toBe(200);
    const xml = unzipEntries(Buffer.from(await response.arrayBuffer())).get('word/document.xml')?.toString('utf8') ?? '';
    return docxParagraphs(tables === 'drop' ? xml.replace(/<w:tbl>[\s\S]*?<\/w:tbl>/g, '') : xml).join('\n');
  }
}
