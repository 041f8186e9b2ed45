import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { LetterService } from '../src/modules/letter/letter.service';
import { User } from '../src/modules/user/user.entity';
import { addBarrierMember, insertEscalatedBarrier } from './support/barrier-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The analyst's pages, one behaviour per test, over HTTP on a real Postgres.
 * Barriers and reports are inserted directly. Today is Monday 23 November 2026 (2026 K4).
 */
describe('the analyst: trend to today’s quarter, marking a letter sent, barrier names without codes', () => {
  const clock = new FixedClock(new Date('2026-11-23T09:00:00Z'));
  let t: TestApp;
  let db: DataSource;
  let analyst: User;
  let client: HttpClient;

  const insertBarrier = (name: string, parties: string[]): Promise<string> => insertEscalatedBarrier(db, name, parties, clock.now());
  const addMember = (barrier: string, kommun: string, occurredOn: string, reporterEmail: string, reason: string[] = []): Promise<{ id: string; reference: string }> =>
    addBarrierMember(db, barrier, { kommun, occurredOn, reporterEmail, reason });

  /** The /hinder table row of one barrier. */
  function rowOf(html: string, barrierId: string): string {
    const rows = html.match(/<tr\b[^>]*>[\s\S]*?<\/tr>/g) ?? [];
    return rows.find((row) => row.includes(`/hinder/${barrierId}"`)) ?? '';
  }

  beforeAll(async () => {
    t = await startTestApp({ clock });
    db = t.app.get(DataSource);
    analyst = await createUser(t.app, 'analyst');
    client = new HttpClient(t.baseUrl);
    expect((await client.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
  });
  afterAll(() => t.close());

  it('every barrier’s quarters run to today’s quarter, so one that has gone quiet shows as quiet, not rising', async () => {
    const quiet = await insertBarrier('Tyst hinder', ['KOMMUN', 'AF']);
    for (const [kommun, date] of [['Haninge', '2025-08-01'], ['Botkyrka', '2025-10-02'], ['Järfälla', '2025-10-11']]) {
      await addMember(quiet, kommun, date, 'rapportor@kommun.example.org');
    }
    const waning = await insertBarrier('Avtagande hinder', ['KOMMUN', 'AF']);
    for (const [kommun, date] of [['Haninge', '2026-04-01'], ['Tyresö', '2026-05-01'], ['Salem', '2026-06-01'], ['Huddinge', '2026-08-01']]) {
      await addMember(waning, kommun, date, 'rapportor@kommun.example.org');
    }

    const list = await client.get('/hinder');
    expect(list.status).toBe(200);
    const quietRow = rowOf(list.text, quiet);
    expect(quietRow).toContain('Tyst');
    expect(quietRow).not.toContain('Ökar');
    expect(quietRow).toContain('2026 K4: 0');
    const waningRow = rowOf(list.text, waning);
    expect(waningRow).toContain('Minskar');
    expect(waningRow).toContain('2026 K4: 0.');

    const page = await client.get(`/hinder/${quiet}`);
    expect(page.text).toContain('2026 K3: 0 · 2026 K4: 0 (tyst)');

    const api = await client.api('GET', `/api/barriers/${quiet}`);
    const body = api.json<{ trend: { quarters: Array<{ label: string }>; direction: string } }>();
    expect(body.trend.direction).toBe('tyst');
    expect(body.trend.quarters.map((q) => q.label).at(-1)).toBe('2026 K4');
    const all = (await client.api('GET', '/api/barriers')).json<Array<{ id: string; trend: { direction: string } }>>();
    expect(all.find((b) => b.id === waning)?.trend.direction).toBe('minskar');
  });
  it('marking a letter sent asks for the date and a confirmation that names the mail, and refuses a future or too early date in Swedish', async () => {
    const barrierId = await insertBarrier('Krav på inskrivning', ['KOMMUN', 'AF']);
    for (const [kommun, date] of [['Haninge', '2026-02-01'], ['Botkyrka', '2026-04-10'], ['Järfälla', '2026-09-01']]) {
      await addMember(barrierId, kommun, date, `rapportor.${kommun.toLowerCase()}@kommun.example.org`);
    }
    const letterId = (await t.app.get(LetterService).upsertDraftForBarrier(barrierId)).letterId ?? '';
    await db.query(`UPDATE letter SET created_at = '2026-11-02T08:00:00Z' WHERE id = $1`, [letterId]);
    const version = async (): Promise<string> => /name="version" value="(\d+)"/.exec((await client.get(`/skrivelser/${letterId}`)).text)?.[1] ?? '';
    expect((await client.postForm(`/skrivelser/${letterId}/status`, { version: await version(), action: 'review' })).status).toBe(303);

    const page = await client.get(`/skrivelser/${letterId}`);
    expect(page.text).toContain('Rapportörerna till 3 avvikelser får e-post');
    expect(page.text).toMatch(/<label for="falt-status-sentOn">Skickad den/);
    expect(page.text).toContain('name="sentOn" type="date" value="2026-11-23"');
    expect(page.text).toContain('min="2026-11-02" max="2026-11-23"');
    const sentCount = async (): Promise<number> =>
      ((await db.query(`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'letter-sent'`)) as Array<{ n: number }>)[0].n;
    const before = await sentCount();
    const status = async (): Promise<string> => ((await db.query(`SELECT status FROM letter WHERE id = $1`, [letterId])) as Array<{ status: string }>)[0].status;

    // One click is not enough: without the confirmation nothing is sent, and the date typed is kept.
    const v = await version();
    const unconfirmed = await client.postForm(`/skrivelser/${letterId}/status`, { version: v, action: 'send', sentOn: '2026-11-20' });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Kryssa i rutan för att bekräfta att skrivelsen är skickad och att rapportörerna till 3 avvikelser ska få e-post.');
    expect(unconfirmed.text).toContain('value="2026-11-20"');
    expect(await status()).toBe('granskad');

    const future = await client.postForm(`/skrivelser/${letterId}/status`, { version: v, action: 'send', sentOn: '2026-11-24', bekraftat: 'ja' });
    expect(future.status).toBe(400);
    expect(future.text).toContain('Datumet kan inte vara i framtiden (i dag är det 2026-11-23).');
    expect(future.text).toContain('value="2026-11-24"');
    expect(future.text).toMatch(/value="ja" checked/);
    const early = await client.postForm(`/skrivelser/${letterId}/status`, { version: v, action: 'send', sentOn: '2026-11-01', bekraftat: 'ja' });
    expect(early.status).toBe(400);
    expect(early.text).toContain('Skrivelsen skapades 2026-11-02; den kan inte ha skickats före det.');
    const nonsense = await client.postForm(`/skrivelser/${letterId}/status`, { version: v, action: 'send', sentOn: '2026-02-30', bekraftat: 'ja' });
    expect(nonsense.status).toBe(400);
    expect(nonsense.text).toContain('Skriv datumet då skrivelsen skickades som ÅÅÅÅ-MM-DD');
    expect(await status()).toBe('granskad');
    expect(await sentCount()).toBe(before);

    const sent = await client.postForm(`/skrivelser/${letterId}/status`, { version: v, action: 'send', sentOn: '2026-11-20', bekraftat: 'ja' });
    expect(sent.status).toBe(303);
    const row = ((await db.query(`SELECT status, to_char(sent_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM-DD HH24:MI') AS sent FROM letter WHERE id = $1`, [letterId])) as Array<{
      status: string;
      sent: string;
    }>)[0];
    expect(row).toEqual({ status: 'skickad', sent: '2026-11-20 00:00' });
    expect(await sentCount()).toBe(before + 3);
    expect((await client.get(`/skrivelser/${letterId}/utskrift`)).text).toContain('2026-11-20');
  });

  it('the API marks a letter sent on a given day, with the same rules', async () => {
    const barrierId = await insertBarrier('Krav på läkarintyg', ['FK', 'REGION']);
    await addMember(barrierId, 'Salem', '2026-03-01', 'rapportor.salem@kommun.example.org');
    const letterId = (await t.app.get(LetterService).upsertDraftForBarrier(barrierId)).letterId ?? '';
    await client.get('/skrivelser');
    expect((await client.api('POST', `/api/letters/${letterId}/transitions`, { action: 'review' })).status).toBe(201);
    const future = await client.api('POST', `/api/letters/${letterId}/transitions`, { action: 'send', sentOn: '2027-01-01' });
    expect(future.status).toBe(400);
    expect(future.text).toContain('Datumet kan inte vara i framtiden');
    const sent = await client.api('POST', `/api/letters/${letterId}/transitions`, { action: 'send', sentOn: '2026-11-23' });
    expect(sent.status).toBe(201);
    expect(new Date(sent.json<{ sentAt: string }>().sentAt).toISOString()).toBe(clock.now().toISOString());
  });
  it('barrier pages name the parties in Swedish, not by the app’s codes', async () => {
    const barrierId = await insertBarrier('Samtycke och blankett (FK, ANNAN)', ['FK', 'ANNAN']);
    await addMember(barrierId, 'Haninge', '2026-10-05', 'rapportor@kommun.example.org', ['delar termerna: samtycke', 'parter ANNAN+FK']);
    const list = await client.get('/hinder');
    const row = rowOf(list.text, barrierId);
    expect(row).toContain('>Samtycke och blankett</a>');
    expect(row).toContain('Försäkringskassan, Annan (t.ex. skola, CSN, utförare)');
    expect(row).not.toMatch(/\b(FK|ANNAN)\b/);
    const page = await client.get(`/hinder/${barrierId}`);
    expect(page.text).toContain('<h1>Samtycke och blankett</h1>');
    expect(page.text).toContain('<li>parterna annan part och Försäkringskassan</li>');
    expect(page.text).not.toContain('parter ANNAN+FK');
    // Renaming starts from the name as the page shows it (the stored one, with its codes, stays until renamed).
    expect(page.text).toContain('name="name" type="text" value="Samtycke och blankett"');
    expect(page.text).not.toContain('(FK, ANNAN)');
  });

  it('the merge list, the letters and the overview name barriers without the party codes; the stored name and the API keep them', async () => {
    const own = await insertBarrier('Intyg och väntetid (FK, REGION)', ['FK', 'REGION']);
    const other = await insertBarrier('Arbetsträning och arbetsmarknadsenheten (KOMMUN, ANNAN)', ['KOMMUN', 'ANNAN']);
    for (const barrier of [own, other]) await addMember(barrier, 'Botkyrka', '2026-10-12', 'rapportor@kommun.example.org');
    const page = await client.get(`/hinder/${own}`);
    expect(page.text).toContain(`<option value="${other}">Arbetsträning och arbetsmarknadsenheten</option>`);
    expect(page.text).not.toContain('arbetsmarknadsenheten (KOMMUN, ANNAN)');

    const { letterId } = await t.app.get(LetterService).upsertDraftForBarrier(own);
    const letters = await client.get('/skrivelser');
    expect(letters.text).toContain(`<a href="/skrivelser/${letterId}">Intyg och väntetid</a>`);
    expect(letters.text).toContain(`<option value="${other}">Arbetsträning och arbetsmarknadsenheten (eskalerat)</option>`);
    expect(letters.text).not.toMatch(/\((?:FK|REGION|KOMMUN|ANNAN|AF)(?:, (?:FK|REGION|KOMMUN|ANNAN|AF))*\)/);
    const editor = await client.get(`/skrivelser/${letterId}`);
    expect(editor.text).toMatch(/Hinder: <a href="\/hinder\/[0-9a-f-]{36}">Intyg och väntetid<\/a><\/span>/);

    const overview = await client.get('/oversikt');
    expect(overview.text).toContain('Intyg och väntetid');
    expect(overview.text).not.toContain('väntetid (FK, REGION)');
    expect(overview.text).not.toContain('arbetsmarknadsenheten (KOMMUN, ANNAN)');

    const api = await client.get(`/api/barriers/${own}`);
    expect((JSON.parse(api.text) as { name: string }).name).toBe('Intyg och väntetid (FK, REGION)');
  });
});
