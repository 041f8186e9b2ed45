import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsService } from '../src/modules/barrier/patterns.service';
import { importDeviation } from './support/deviation-factories';
import { createUser, TEST_PASSWORD } from './support/factories';
import { useFakePatternEngine } from './support/fake-pattern-engine';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

let sequence = 0;

/** What the page shows between the members' heading (where #rapporter opens it) and the members' table. */
function besideMembers(page: string): string {
  const start = page.indexOf('id="rapporter"');
  const end = page.indexOf('<table class="member-list', start);
  return start === -1 ? '' : page.slice(start, end === -1 ? undefined : end);
}

/** The hidden fields of the first form in `html` posting to `action`. */
function formFields(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form method="post" action="${action}"[\\s\\S]*?</form>`).exec(html)?.[0] ?? '';
  return Object.fromEntries([...form.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"/g)].filter((m) => m[1] !== '_csrf').map((m) => [m[1], m[2]]));
}

describe('moving a report out of a barrier, or to where it fits better, says so where the analyst is, and can be undone', () => {
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  let t: TestApp;
  let client: HttpClient;
  const db = (): DataSource => t.app.get(DataSource);
  const members: Array<{ id: string; reference: string }> = [];
  let alfaId = '';
  let betaId = '';

  const report = async (kommun: string, occurredOn: string, description: string): Promise<{ id: string; reference: string }> => {
    sequence += 1;
    const created = await importDeviation(t.app, {
      externalId: `M-${String(sequence).padStart(4, '0')}`,
      kommun,
      occurredOn,
      title: 'Avvikelse',
      // A participant's name in the title would be refused at filing; the notice must not need the title anyway.
      description: `Deltagaren fick inget stöd från någon av parterna. ${description}`,
    });
    return { id: created.id, reference: created.reference };
  };
  const barrierOf = async (deviationId: string): Promise<{ barrier_id: string; confirmed_by_analyst: boolean } | undefined> =>
    ((await db().query(`SELECT barrier_id, confirmed_by_analyst FROM barrier_member WHERE deviation_id = $1`, [deviationId])) as Array<{
      barrier_id: string;
      confirmed_by_analyst: boolean;
    }>)[0];

  beforeAll(async () => {
    t = await startTestApp({ clock });
    useFakePatternEngine(t.app);
    for (const [kommun, date] of [['Haninge', '2026-02-01'], ['Botkyrka', '2026-03-01'], ['Järfälla', '2026-04-01'], ['Täby', '2026-05-01']]) {
      members.push(await report(kommun, date, 'mönster:alfa'));
    }
    // A member the engine finds would fit beta better.
    members.push(await report('Salem', '2026-06-01', 'mönster:alfa bättre:beta'));
    for (const [kommun, date] of [['Tyresö', '2026-02-01'], ['Nykvarn', '2026-03-01']]) await report(kommun, date, 'mönster:beta');
    await t.app.get(PatternsService).run('full');
    alfaId = (await barrierOf(members[0].id))?.barrier_id as string;
    const [betaReport] = (await db().query(`SELECT id FROM deviation WHERE description LIKE '%mönster:beta'`)) as Array<{ id: string }>;
    betaId = (await barrierOf(betaReport.id))?.barrier_id as string;
    const analyst = await createUser(t.app, 'analyst');
    client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
  });
  afterAll(() => t.close());

  it('"Flytta ut": the notice beside the members names the report by its reference and moves it back on "Ångra"', async () => {
    await client.get(`/hinder/${alfaId}?ordning=forankring`);
    const moved = await client.postForm(`/hinder/${alfaId}/flytta-ut`, { deviationId: members[1].id, ordning: 'forankring' });
    expect(moved.status).toBe(303);
    // ?andrat= names the history line of the barrier that lost the report (shown when no other notice says it).
    expect(String(moved.location).replace(/&andrat=[\d,]+/, '')).toBe(`/hinder/${alfaId}?ordning=forankring&klart=flyttad-ut&rapport=${members[1].reference}#rapporter`);

    const after = await client.get(String(moved.location).split('#')[0]);
    const notice = besideMembers(after.text);
    expect(notice).toContain(`${members[1].reference} är flyttad ut ur hindret. Mönsteranalysen lägger aldrig tillbaka den här.`);
    expect(notice).toContain(`Ångra: flytta tillbaka ${members[1].reference} hit`);
    // Not at the top of the page, which is out of sight at #rapporter.
    expect(after.text.slice(0, after.text.indexOf('id="rapporter"'))).not.toContain('flyttad ut');
    // The way back keeps the order the analyst reviews in.
    const undo = formFields(notice, `/hinder/${alfaId}/flytta-in`);
    expect(undo).toEqual({ report: members[1].reference, returnTo: alfaId, ordning: 'forankring' });

    const back = await client.postForm(`/hinder/${alfaId}/flytta-in`, undo);
    expect(back.status).toBe(303);
    expect(back.location).toBe(`/hinder/${alfaId}?ordning=forankring&klart=flyttad-tillbaka&rapport=${members[1].reference}#rapporter`);
    expect(await barrierOf(members[1].id)).toEqual({ barrier_id: alfaId, confirmed_by_analyst: true });
    expect((await db().query(`SELECT count(*)::int AS n FROM barrier_exclusion WHERE deviation_id = $1`, [members[1].id]))[0].n).toBe(0);
    const restored = await client.get(String(back.location).split('#')[0]);
    expect(besideMembers(restored.text)).toContain(`${members[1].reference} är tillbaka i hindret och bekräftad här.`);
    expect(besideMembers(restored.text)).not.toContain('Ångra');
  });

  it('"Flytta dit": back on the page being reviewed, the notice names the report and where it went, and "Ångra" brings it back', async () => {
    const stray = members[4];
    const page = await client.get(`/hinder/${alfaId}`);
    const fields = formFields(page.text, `/hinder/${betaId}/flytta-in`);
    expect(fields).toMatchObject({ report: stray.reference, returnTo: alfaId });
    const moved = await client.postForm(`/hinder/${betaId}/flytta-in`, fields);
    // ?andrat= names the history line of the barrier that lost the report (shown when no other notice says it).
    expect(String(moved.location).replace(/&andrat=[\d,]+/, '')).toBe(`/hinder/${alfaId}?klart=flyttad-vidare&rapport=${stray.reference}&till=${betaId}#rapporter`);
    expect((await barrierOf(stray.id))?.barrier_id).toBe(betaId);

    const after = await client.get(String(moved.location).split('#')[0]);
    const notice = besideMembers(after.text);
    expect(notice).toContain(`${stray.reference} är flyttad till Beta och samordning och bekräftad där.`);
    expect(notice).toContain(`<a href="/hinder/${betaId}">Till Beta och samordning</a>`);
    const back = await client.postForm(`/hinder/${alfaId}/flytta-in`, formFields(notice, `/hinder/${alfaId}/flytta-in`));
    expect(back.status).toBe(303);
    expect(await barrierOf(stray.id)).toEqual({ barrier_id: alfaId, confirmed_by_analyst: true });
  });

  it('"Flytta in" of a report already in the barrier says it is there already', async () => {
    await client.get(`/hinder/${alfaId}`);
    const result = await client.postForm(`/hinder/${alfaId}/flytta-in`, { report: members[0].reference.toLowerCase() });
    expect(result.location).toBe(`/hinder/${alfaId}?klart=redan-har&rapport=${members[0].reference}#rapporter`);
    const page = await client.get(String(result.location).split('#')[0]);
    expect(besideMembers(page.text)).toContain(`${members[0].reference} finns redan i hindret. Den är nu bekräftad här.`);
    expect(page.text).not.toContain('flyttad hit');
  });

  it('shows only a report reference from the address, and the general notice for anything else', async () => {
    const odd = await client.get(`/hinder/${alfaId}?klart=flyttad-ut&rapport=${encodeURIComponent('Ring 070-123 45 67')}`);
    expect(odd.text).not.toContain('070-123');
    expect(besideMembers(odd.text)).toContain('Rapporten är flyttad ut. Mönsteranalysen lägger aldrig tillbaka den i det här hindret.');
    expect(besideMembers(odd.text)).not.toContain('Ångra');
  });
});
