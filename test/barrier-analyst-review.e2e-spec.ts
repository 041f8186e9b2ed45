import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsJob } from '../src/modules/barrier/jobs/patterns.job';
import { User } from '../src/modules/user/user.entity';
import { importDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { useFakePatternEngine } from './support/fake-pattern-engine';
import { mergeThroughConfirmation } from './support/barrier-merge';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

interface Report {
  id: string;
  reference: string;
}

let sequence = 0;

/**
 * What a browser review of the analyst's barrier pages found: generated names renamed under the analyst's feet (by a
 * merge, then by the next run), no way to see or change a report's barrier from the report, escalated barriers
 * dissolved silently by a full run, one error said three times, and an export cut off after its headers.
 */
describe('the analyst’s barrier pages after review (with a predictable engine)', () => {
  let t: TestApp;
  let analyst: User;
  let analystClient: HttpClient;
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  const db = (): DataSource => t.app.get(DataSource);

  /** "mönster:<namn>" groups a report in the fake engine. */
  async function report(kommun: string, occurredOn: string, marker: string): Promise<Report> {
    sequence += 1;
    const created = await importDeviation(t.app, {
      externalId: `R-${String(sequence).padStart(4, '0')}`,
      kommun,
      occurredOn,
      title: 'Avvikelse',
      description: `Deltagaren fick inget stöd från någon av parterna. mönster:${marker}`,
    });
    return { id: created.id, reference: created.reference };
  }
  const run = async (): Promise<void> => {
    const { outcome } = await t.app.get(PatternsJob).runNow('full');
    expect(outcome.status).toBe('succeeded');
  };
  const barrierOf = async (deviationId: string): Promise<string | null> =>
    ((await db().query(`SELECT barrier_id FROM barrier_member WHERE deviation_id = $1`, [deviationId])) as Array<{ barrier_id: string }>)[0]?.barrier_id ?? null;
  const barrier = async (id: string): Promise<{ name: string; status: string; name_source: string }> =>
    ((await db().query(`SELECT name, status, name_source FROM barrier WHERE id = $1`, [id])) as Array<{ name: string; status: string; name_source: string }>)[0];
  /** The fake engine regroups a report as the thesaurus change would: another marker. */
  const remark = (ids: readonly string[], marker: string): Promise<unknown> =>
    db().query(`UPDATE deviation SET description = regexp_replace(description, 'mönster:[a-zåäö0-9-]+', $2) WHERE id = ANY($1::uuid[])`, [ids, `mönster:${marker}`]);

  const escalatedGroup: Report[] = [];
  const named: Report[] = [];
  const looked: Report[] = [];
  const untouched: Report[] = [];
  const absorbed: Report[] = [];

  beforeAll(async () => {
    t = await startTestApp({ clock });
    useFakePatternEngine(t.app);
    analyst = await createUser(t.app, 'analyst', { email: 'granskare@test.mia.se' });
    for (const [kommun, date] of [['Haninge', '2018-02-01'], ['Botkyrka', '2018-04-10'], ['Järfälla', '2018-09-01']]) escalatedGroup.push(await report(kommun, date, 'alfa'));
    for (const [kommun, date] of [['Haninge', '2018-03-01'], ['Tyresö', '2018-03-05']]) looked.push(await report(kommun, date, 'beta'));
    for (const [kommun, date] of [['Haninge', '2018-03-02'], ['Tyresö', '2018-03-06'], ['Nynäshamn', '2018-03-07']]) absorbed.push(await report(kommun, date, 'gamma'));
    for (const [kommun, date] of [['Stockholm', '2018-01-10'], ['Stockholm', '2018-06-01']]) untouched.push(await report(kommun, date, 'delta'));
    for (const [kommun, date] of [['Salem', '2018-01-10'], ['Salem', '2018-06-01']]) named.push(await report(kommun, date, 'epsilon'));
    await run();
    analystClient = new HttpClient(t.baseUrl);
    expect((await analystClient.login(analyst.email, TEST_PASSWORD)).status).toBe(303);
  });
  afterAll(() => t.close());

  it('keeps a generated name once the analyst has seen the barrier: through a merge and the next run; marks it as proposed', async () => {
    const lookedId = (await barrierOf(looked[0].id)) as string;
    const absorbedId = (await barrierOf(absorbed[0].id)) as string;
    const untouchedId = (await barrierOf(untouched[0].id)) as string;
    expect((await barrier(lookedId)).name).toBe('Beta och samordning (AF, FK)');

    const page = await analystClient.get(`/hinder/${lookedId}`);
    expect(page.text).toContain('(namn föreslaget av analysen)');
    expect(page.text).toContain('<a href="#rubrik-namn">Ge hindret ett eget namn</a>');
    const list = await analystClient.get('/hinder');
    expect(list.text).toMatch(/class="barrier-name">Beta och samordning<\/a> <span class="muted generated-name">\(namn föreslaget av analysen\)<\/span>/);

    // Gamma has more reports: its words would describe the merged barrier. The page promises the survivor keeps its name.
    const { confirmation, merged } = await mergeThroughConfirmation(analystClient, lookedId, absorbedId);
    expect(confirmation.text).toContain('”Beta och samordning” behåller sitt namn');
    expect(merged.status).toBe(303);
    expect((await barrier(lookedId)).name).toBe('Beta och samordning (AF, FK)');

    // A run that finds the merged reports under other words renames neither it nor anything the analyst has seen...
    await remark([...looked, ...absorbed].map((r) => r.id), 'zeta');
    await remark(untouched.map((r) => r.id), 'eta');
    await run();
    expect(await barrierOf(looked[0].id)).toBe(lookedId);
    expect((await barrier(lookedId)).name).toBe('Beta och samordning (AF, FK)');
    // ...but a proposal nobody has opened, mailed or written about still follows its reports' words.
    expect(await barrierOf(untouched[0].id)).toBe(untouchedId);
    expect((await barrier(untouchedId)).name).toBe('Eta och samordning (AF, FK)');
  });

  it('shows the analyst a report’s barrier on the report, with Ta ut ur hindret and Lägg i ett hinder; leads see only what they saw', async () => {
    const namedId = (await barrierOf(named[0].id)) as string;
    expect((await analystClient.get(`/hinder/${namedId}`)).status).toBe(200);
    expect((await analystClient.postForm(`/hinder/${namedId}/bekrafta`, {})).status).toBe(303);
    expect((await barrier(namedId)).status).toBe('bekraftad');

    const page = await analystClient.get(`/avvikelser/${named[0].id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="hinder-placering"');
    expect(page.text).toContain(`Ingår i hindret <a href="/hinder/${namedId}">Epsilon och samordning</a>`);
    expect(page.text).toContain('Verksamhetsutvecklaren har bekräftat att avvikelsen hör till hindret');
    expect(page.text).toContain('Ta ut ur hindret');

    const out = await analystClient.postForm(`/avvikelser/${named[0].id}/hinder-ut`, { barrierId: namedId });
    expect(out.status).toBe(303);
    expect(out.location).toBe(`/avvikelser/${named[0].id}?klart=hinder-ut#hinder-placering`);
    expect(await barrierOf(named[0].id)).toBeNull();
    const after = await analystClient.get(`/avvikelser/${named[0].id}?klart=hinder-ut`);
    expect(after.text).toContain('Ingår inte i något hinder.');
    expect(after.text).toContain('Uttagen ur <a href="/hinder/');
    expect(after.text).toContain('Lägg i ett hinder');

    const back = await analystClient.postForm(`/avvikelser/${named[0].id}/hinder-in`, { barrierId: namedId });
    expect(back.status).toBe(303);
    expect(await barrierOf(named[0].id)).toBe(namedId);
    const noChoice = await analystClient.postForm(`/avvikelser/${named[0].id}/hinder-in`, { barrierId: '' });
    expect(noChoice.status).toBe(400);
    expect(noChoice.text).toContain('Välj ett hinder i listan.');

    // Leads and reporters: no barrier section for a barrier that is not escalated, and no way to post to it.
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA HBS' });
    const leadClient = new HttpClient(t.baseUrl);
    await leadClient.login(lead.email, TEST_PASSWORD);
    const leadPage = await leadClient.get(`/avvikelser/${named[0].id}`);
    expect(leadPage.status).toBe(200);
    expect(leadPage.text).not.toContain('hinder-placering');
    expect((await leadClient.postForm(`/avvikelser/${named[0].id}/hinder-ut`, { barrierId: namedId })).status).toBe(403);
  });

  it('creates a new barrier on /hinder from references, and says which reference is unknown with everything typed kept', async () => {
    const typed = `${untouched[0].reference}, AVV-1999-99999`;
    const refused = await analystClient.postForm('/hinder/nytt', { reports: typed, name: '' });
    expect(refused.status).toBe(404);
    expect(refused.text).toContain('Ingen rapport har referensen ”AVV-1999-99999”.');
    expect(refused.text).toContain(typed);
    const created = await analystClient.postForm('/hinder/nytt', { reports: `${untouched[0].reference}\n${untouched[1].reference.toLowerCase()}`, name: 'Ingen hjälp i Stockholm' });
    expect(created.status).toBe(303);
    const id = /\/hinder\/([0-9a-f-]{36})\?klart=nytt/.exec(created.location ?? '')?.[1] as string;
    expect(await barrierOf(untouched[0].id)).toBe(id);
    expect(await barrierOf(untouched[1].id)).toBe(id);
    expect(await barrier(id)).toMatchObject({ name: 'Ingen hjälp i Stockholm', status: 'bekraftad', name_source: 'analyst' });
  });

  it('says an unknown reference under Flytta in once above the form and once at the field, not three times', async () => {
    const id = (await barrierOf(escalatedGroup[0].id)) as string;
    await analystClient.get(`/hinder/${id}`);
    const result = await analystClient.postForm(`/hinder/${id}/flytta-in`, { report: 'AVV-2018-99999' });
    expect(result.status).toBe(404);
    const section = result.text.slice(result.text.indexOf('id="rubrik-flytta-in"'));
    expect(section.split('Ingen rapport har referensen &quot;AVV-2018-99999&quot;').length - 1).toBe(2);
    expect(section).not.toMatch(/<p>Ingen rapport har referensen/);
  });

  it('does not dissolve an escalated barrier silently: the run result and /hinder say what dissolved and why, and it can be restored', async () => {
    const escalatedId = (await barrierOf(escalatedGroup[0].id)) as string;
    expect((await barrier(escalatedId)).status).toBe('eskalerad');
    const lookedId = (await barrierOf(looked[0].id)) as string;
    const mailsBefore = ((await db().query(`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'barrier-escalated'`)) as Array<{ n: number }>)[0].n;
    // The thesaurus change, as the fake engine sees it: no two of these reports share a word any more.
    for (const [i, r] of [...escalatedGroup, ...looked].entries()) await remark([r.id], `ensam${i}`);
    const { outcome, summary } = await t.app.get(PatternsJob).runNow('full');
    expect(outcome.status).toBe('succeeded');
    expect(summary?.dissolvedEscalated).toBe(1);
    expect(await barrier(escalatedId)).toMatchObject({ status: 'upplost' });
    // The merged barrier was confirmed with its reports: kept.
    expect((await barrier(lookedId)).status).toBe('bekraftad');

    const list = await analystClient.get('/hinder');
    expect(list.text).toContain('varav 1 hade varit eskalerat: se listan nedan och återställ det som ska finnas kvar');
    expect(list.text).toContain('Upplösta vid den senaste fulla körningen');
    expect(list.text).toContain(`<a href="/hinder/${escalatedId}">Alfa och samordning</a> (3 rapporter, var eskalerat)`);
    expect(list.text).toContain('Mönsteranalysen fann inte längre rapporterna som ett gemensamt hinder');
    expect(list.text).toContain(`action="/hinder/${escalatedId}/aterstall"`);
    const page = await analystClient.get(`/hinder/${escalatedId}`);
    expect(page.text).toContain('<h2 id="rubrik-aterstall">Återställ hindret</h2>');

    const restored = await analystClient.postForm(`/hinder/${escalatedId}/aterstall`, {});
    expect(restored.status).toBe(303);
    expect(restored.location).toBe(`/hinder/${escalatedId}?klart=aterstallt`);
    for (const r of escalatedGroup) expect(await barrierOf(r.id)).toBe(escalatedId);
    // Its reports meet the rule again: escalated, without a second mail about it.
    expect(await barrier(escalatedId)).toMatchObject({ status: 'eskalerad' });
    expect(((await db().query(`SELECT count(*)::int AS n FROM mail_outbox WHERE template = 'barrier-escalated'`)) as Array<{ n: number }>)[0].n).toBe(mailsBefore);
    // Confirmed with them: the next run keeps it, and no longer lists it as dissolved.
    await run();
    for (const r of escalatedGroup) expect(await barrierOf(r.id)).toBe(escalatedId);
    expect((await analystClient.get('/hinder')).text).not.toContain('Upplösta vid den senaste fulla körningen');
  });

  it('shows the built-in thesaurus read-only and warns that a full run follows a change', async () => {
    const page = await analystClient.get('/hinder/tesaurus');
    expect(page.text).toContain('En ändring här gör nästa analys till en full körning');
    expect(page.text).toMatch(/<details class="thesaurus-builtin">\s*<summary>Visa den inbyggda tesaurusen \(\d+ rader\)<\/summary>/);
    expect(page.text).toContain('Tesaurus för mönsteranalysen (strukturella hinder)');
    const file = await analystClient.get('/hinder/tesaurus/inbyggd.txt');
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('text/plain');
    expect(file.text).toContain('# Tesaurus för mönsteranalysen');
  });

  it('refuses an export period that is no calendar date, or ends before it starts, with 400 before any byte of the file', async () => {
    const token = await createApiToken(t.app, analyst);
    const api = new HttpClient(t.baseUrl);
    for (const query of ['from=2026-02-30', 'from=2026-99-01', 'to=2026-13-01', 'from=2026-05-01&to=2026-04-30']) {
      const result = await api.request('GET', `/api/deviations/export?format=csv&${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect([query, result.status]).toEqual([query, 400]);
      expect(result.headers.get('content-disposition')).toBeNull();
      expect(result.json<{ error: { message: string } }>().error.message).toMatch(/datum som finns|kan inte vara före/);
    }
    const ok = await api.request('GET', '/api/deviations/export?format=csv&from=2018-01-01&to=2018-12-31', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-disposition')).toContain('attachment');
    const csv = await analystClient.get('/oversikt/kommun-kategori.csv?from=2026-02-30');
    expect(csv.status).toBe(400);
  });
});
