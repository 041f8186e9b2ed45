import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsJob } from '../src/modules/barrier/jobs/patterns.job';
import { importDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { FakePatternEngine, useFakePatternEngine } from './support/fake-pattern-engine';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface Member {
  reference: string;
  externalId: string;
}

describe('barrier page: members by anchoring, the weakest first', () => {
  let t: TestApp;
  let fake: FakePatternEngine;
  let client: HttpClient;
  let token = '';
  let barrierId = '';
  let sequence = 0;
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  const db = (): DataSource => t.app.get(DataSource);

  /** "förankring:N" is the member's anchoring in the fake engine; `group` and `better` its group and a suggested one. */
  async function report(kommun: string, occurredOn: string, anchoring: number | null, group = 'delta', better?: string): Promise<Member> {
    sequence += 1;
    const externalId = `F-${String(sequence).padStart(3, '0')}`;
    const created = await importDeviation(t.app, {
      externalId,
      kommun,
      occurredOn,
      title: `Avvikelse ${externalId}`,
      description: `Deltagaren blev utan stöd. mönster:${group}${anchoring === null ? '' : ` förankring:${anchoring}`}${better ? ` bättre:${better}` : ''}`,
    });
    return { reference: created.reference, externalId };
  }
  const run = async (mode: 'auto' | 'full'): Promise<void> => {
    const { outcome } = await t.app.get(PatternsJob).runNow(mode);
    expect(outcome.status).toBe('succeeded');
  };
  const stored = async (): Promise<Record<string, number | null>> =>
    Object.fromEntries(
      ((await db().query(`SELECT d.external_id, bm.anchoring FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id ORDER BY 1`)) as Array<{
        external_id: string;
        anchoring: number | null;
      }>).map((row) => [row.external_id, row.anchoring]),
    );
  /** The member references in the order the page lists them. */
  const listed = (html: string, members: readonly Member[]): string[] =>
    members
      .map((m) => ({ reference: m.reference, at: html.indexOf(`>${m.reference}</a>`) }))
      .filter((m) => m.at >= 0)
      .sort((a, b) => a.at - b.at)
      .map((m) => m.reference);

  const members: Member[] = [];

  beforeAll(async () => {
    t = await startTestApp({ clock });
    fake = useFakePatternEngine(t.app);
    const analyst = await createUser(t.app, 'analyst');
    token = await createApiToken(t.app, analyst);
    client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    members.push(await report('Haninge', '2018-01-10', 12.5));
    members.push(await report('Botkyrka', '2018-02-10', 3));
    members.push(await report('Järfälla', '2018-03-10', 8));
    members.push(await report('Täby', '2018-04-10', 14));
  });
  afterAll(() => t.close());

  it('stores what the full run found, and lists the weakest first on request, by date otherwise', async () => {
    await run('full');
    expect(await stored()).toEqual({ 'F-001': 12.5, 'F-002': 3, 'F-003': 8, 'F-004': 14 });
    [{ id: barrierId }] = (await db().query(`SELECT id FROM barrier`)) as Array<{ id: string }>;

    const byDate = await client.get(`/hinder/${barrierId}`);
    expect(byDate.status).toBe(200);
    expect(listed(byDate.text, members)).toEqual(members.map((m) => m.reference));
    expect(byDate.text).toContain(`href="/hinder/${barrierId}?ordning=forankring#rapporter"`);

    const weakest = await client.get(`/hinder/${barrierId}?ordning=forankring`);
    expect(weakest.status).toBe(200);
    expect(listed(weakest.text, members)).toEqual([members[1], members[2], members[0], members[3]].map((m) => m.reference));
    expect(weakest.text).toContain('förankring: 3,0 av 15, svag');
    expect(weakest.text).toContain('förankring: 8,0 av 15<');
    expect(weakest.text).toContain('förankring: 12,5 av 15<');
    expect(weakest.text).toContain('1 av hindrets 4 rapporter är svagt förankrade eller inte bedömda än.');
    // The list of barriers says how many are worth a look, and leads there.
    const list = await client.get('/hinder');
    expect(list.text).toContain(`href="/hinder/${barrierId}?ordning=forankring#rapporter" class="muted">1 att granska`);
    expect(weakest.text).toContain('svagast förankrade först</strong>');
    // Anything else in ?ordning is the date order, never an error.
    const odd = await client.get(`/hinder/${barrierId}?ordning=%27;drop`);
    expect(odd.status).toBe(200);
    expect(listed(odd.text, members)).toEqual(members.map((m) => m.reference));

    const api = await client.api('GET', `/api/barriers/${barrierId}`, undefined, token);
    expect(api.status).toBe(200);
    const apiMembers = api.json<{ members: Array<{ externalId: string; anchoring: number | null }> }>().members;
    expect(Object.fromEntries(apiMembers.map((m) => [m.externalId, m.anchoring]))).toEqual({ 'F-001': 12.5, 'F-002': 3, 'F-003': 8, 'F-004': 14 });
  });

  it('scores a report an incremental run places, and lists an unscored membership first as not yet judged', async () => {
    members.push(await report('Tyresö', '2018-05-10', 1));
    await run('auto');
    expect((await stored())['F-005']).toBe(1);
    let page = await client.get(`/hinder/${barrierId}?ordning=forankring`);
    expect(listed(page.text, members)[0]).toBe(members[4].reference);
    expect(page.text).toContain('förankring: 1,0 av 15, svag');
    expect((await client.get('/hinder')).text).toContain('2 att granska');

    // A membership no run has scored (as one placed before runs scored anchoring).
    await db().query(`UPDATE barrier_member bm SET anchoring = NULL FROM deviation d WHERE d.id = bm.deviation_id AND d.external_id = 'F-004'`);
    page = await client.get(`/hinder/${barrierId}?ordning=forankring`);
    expect(listed(page.text, members)[0]).toBe(members[3].reference);
    expect(page.text).toContain('förankring: inte bedömd än<');
    expect((await client.get('/hinder')).text).toContain('3 att granska');

    await run('full');
    expect(await stored()).toEqual({ 'F-001': 12.5, 'F-002': 3, 'F-003': 8, 'F-004': 14, 'F-005': 1 });
  });

  it('a full run that finds other anchoring updates it, and one that finds the same writes nothing', async () => {
    const before = (await db().query(`SELECT max(updated_at) AS at FROM barrier_member`)) as Array<{ at: Date }>;
    clock.set(new Date(clock.now().getTime() + 60_000));
    await run('full');
    expect((await db().query(`SELECT max(updated_at) AS at FROM barrier_member`)) as Array<{ at: Date }>).toEqual(before);

    fake.anchoringShift = 0.5;
    await run('full');
    expect(await stored()).toEqual({ 'F-001': 13, 'F-002': 3.5, 'F-003': 8.5, 'F-004': 14.5, 'F-005': 1.5 });
  });

  it('counts a confirmed report as looked at', async () => {
    await db().query(`UPDATE barrier_member bm SET confirmed_by_analyst = true FROM deviation d WHERE d.id = bm.deviation_id AND d.external_id = 'F-002'`);
    const page = await client.get(`/hinder/${barrierId}?ordning=forankring`);
    expect(listed(page.text, members).at(-1)).toBe(members[1].reference);
    expect(page.text).not.toContain('förankring: 3,5 av 15');
    expect((await client.get('/hinder')).text).toContain('1 att granska');
  });

  it('suggests a better barrier for a member, and moves it there in one click', async () => {
    const epsilon = [await report('Salem', '2019-01-10', 12, 'epsilon'), await report('Nykvarn', '2019-02-10', 12, 'epsilon'), await report('Täby', '2019-03-10', 12, 'epsilon')];
    const stray = await report('Huddinge', '2019-04-10', 2, 'delta', 'epsilon');
    await run('full');
    const [{ id: epsilonId }] = (await db().query(
      `SELECT bm.barrier_id AS id FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id WHERE d.external_id = $1`,
      [epsilon[0].externalId],
    )) as Array<{ id: string }>;
    const page = await client.get(`/hinder/${barrierId}?ordning=forankring`);
    expect(page.text).toContain(`passar bättre i <a href="/hinder/${epsilonId}">`);
    expect(page.text).toContain('(förankring 12,0 där)');
    expect(page.text).toContain(`action="/hinder/${epsilonId}/flytta-in"`);
    expect(page.text).toContain(`name="returnTo" value="${barrierId}"`);
    // Only the stray member carries the suggestion.
    expect(page.text.split('passar bättre i').length - 1).toBe(1);

    // As the page's form posts it: back to the barrier being reviewed, with a notice.
    const moved = await client.postForm(`/hinder/${epsilonId}/flytta-in`, { report: stray.reference, returnTo: barrierId });
    expect(moved.status).toBe(303);
    // ?andrat= names the history line of the barrier that lost the report (shown when no other notice says it).
    expect(String(moved.location).replace(/&andrat=[\d,]+/, '')).toBe(`/hinder/${barrierId}?klart=flyttad-vidare&rapport=${stray.reference}&till=${epsilonId}#rapporter`);
    expect((await client.get(String(moved.location).split('#')[0])).text).toContain(`${stray.reference} är flyttad till Epsilon och samordning och bekräftad där.`);
    const [row] = (await db().query(
      `SELECT bm.barrier_id, bm.confirmed_by_analyst FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id WHERE d.external_id = $1`,
      [stray.externalId],
    )) as Array<{ barrier_id: string; confirmed_by_analyst: boolean }>;
    expect(row).toEqual({ barrier_id: epsilonId, confirmed_by_analyst: true });
    const after = await client.get(`/hinder/${barrierId}?ordning=forankring`);
    expect(after.text).not.toContain(`>${stray.reference}</a>`);
    expect(after.text).not.toContain('passar bättre i');
  });

  it('refuses a move-in form whose page to return to is not an id, keeping what was entered', async () => {
    const other = await report('Haninge', '2019-05-10', 12, 'epsilon');
    const refused = await client.postForm(`/hinder/${barrierId}/flytta-in`, { report: other.reference, returnTo: 'inte-ett-id' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Sidan att gå tillbaka till finns inte.');
    expect(refused.text).toContain(`value="${other.reference}"`);
  });
});
