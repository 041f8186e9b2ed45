import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { PatternsService } from '../src/modules/barrier/patterns.service';
import { DEMO_PASSWORD } from '../src/modules/user/demo-seeder';
import { importDeviation } from './support/deviation-factories';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { useFakePatternEngine } from './support/fake-pattern-engine';
import { mergeThroughConfirmation } from './support/barrier-merge';
import { HttpClient } from './support/http-client';
import { startDemoApp } from './support/demo-app';
import { startTestApp, TestApp } from './support/test-app';

interface BarrierJson {
  id: string;
  name: string;
  displayName: string;
  status: string;
  terms: string[];
  parties: string[];
  escalationReason: string | null;
  municipalities: Array<{ name: string; count: number }>;
  subprojects: Array<{ name: string; count: number }>;
  trend: { quarters: Array<{ label: string; count: number }> };
  members: Array<{ deviationId: string; reference: string; municipality: string; subproject: string; reasonLabels: string[] }>;
}

/** The text of a definition on the barrier page ("<dt>Per kvartal</dt><dd>…</dd>"), markup left out. */
function definition(page: string, term: string): string {
  const match = new RegExp(`<dt>${term}[^<]*</dt><dd>([\\s\\S]*?)</dd>`).exec(page);
  return (match?.[1] ?? '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
}

/** The kommuner and the number of delprojekt an escalation reason names ("… i 4 kommuner (A, B, C och D) i 3 delprojekt …"). */
function reasonPlaces(reason: string): { municipalities: string[]; subprojects: number } {
  const match = /återkommer i \d+ kommuner \(([^)]*)\) i (\d+) delprojekt/.exec(reason);
  if (!match) throw new Error(`Inget kommunskäl: ${reason}`);
  return { municipalities: match[1].split(/, | och /), subprojects: Number(match[2]) };
}

describe('after a split the barriers are described by their own reports (demo data, real engine)', () => {
  const clock = new FixedClock(new Date('2026-11-24T08:00:00Z'));
  let t: TestApp;

  beforeAll(async () => {
    t = await startDemoApp(clock);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('recomputes both barriers’ escalation reason, terms, parties and trend, and names the parent without party codes', async () => {
    const db = t.app.get(DataSource);
    const client = new HttpClient(t.baseUrl);
    await client.login('utvecklare@demo.mia.se', DEMO_PASSWORD);
    const [analyst] = (await db.query(`SELECT * FROM app_user WHERE email = 'utvecklare@demo.mia.se'`)) as Array<Parameters<typeof createApiToken>[1]>;
    const token = await createApiToken(t.app, analyst);
    const get = async (id: string): Promise<BarrierJson> => (await client.api('GET', `/api/barriers/${id}`, undefined, token)).json<BarrierJson>();
    const [row] = (await db.query(`SELECT id FROM barrier WHERE terms @> ARRAY['sjukpenning', 'upphöra'] AND status = 'eskalerad'`)) as Array<{ id: string }>;
    const parent = await get(row.id);

    // Split off every report of the delprojekt with the most kommuner in the barrier: the parent loses that delprojekt.
    const bySubproject = new Map<string, BarrierJson['members']>();
    for (const member of parent.members) bySubproject.set(member.subproject, [...(bySubproject.get(member.subproject) ?? []), member]);
    const [leaving, chosen] = [...bySubproject].sort(
      ([a, x], [b, y]) => new Set(y.map((m) => m.municipality)).size - new Set(x.map((m) => m.municipality)).size || y.length - x.length || a.localeCompare(b),
    )[0];
    expect(new Set(chosen.map((m) => m.municipality)).size).toBeGreaterThan(1);
    expect(reasonPlaces(parent.escalationReason as string).subprojects).toBeGreaterThan(2);
    await client.get(`/hinder/${parent.id}`);
    const split = await client.postForm(`/hinder/${parent.id}/dela`, { deviationIds: chosen.map((m) => m.deviationId) });
    expect(split.status).toBe(303);
    const childId = /\/hinder\/([0-9a-f-]{36})/.exec(split.location ?? '')?.[1] as string;

    const source = await get(parent.id);
    const child = await get(childId);
    // The parent: its reason names only kommuner and delprojekt it still has, or it is no longer escalated.
    expect(source.subprojects.map((s) => s.name)).not.toContain(leaving);
    if (source.status === 'eskalerad') {
      const named = reasonPlaces(source.escalationReason as string);
      expect(source.municipalities.map((m) => m.name)).toEqual(expect.arrayContaining(named.municipalities));
      expect(named.subprojects).toBeLessThanOrEqual(source.subprojects.length);
      expect(source.escalationReason).not.toContain(leaving);
    } else {
      expect(source.escalationReason).toBeNull();
    }
    // The child: its own words and parties, not its parent's; its parent named as pages name it.
    expect(child.terms.length).toBeGreaterThan(0);
    expect(child.terms).not.toEqual(parent.terms);
    expect(child.members[0].reasonLabels.join(' ')).toContain(`Avdelat från hindret "${parent.displayName}"`);
    expect(child.displayName).not.toMatch(/\((AF|FK|KOMMUN|REGION|ANNAN)/);
    const childPage = await client.get(`/hinder/${childId}`);
    const memberTable = /<table class="member-list[\s\S]*?<\/table>/.exec(childPage.text)?.[0] ?? '';
    expect(memberTable).toContain('Avdelat från hindret');
    expect(memberTable).not.toMatch(/\((AF|FK|KOMMUN|REGION|ANNAN)(, |\))/);
    expect(definition(childPage.text, 'Kännetecknande ord')).toBe(child.terms.join(', '));
    // Both read over the same eight quarters as every other barrier, on their pages and on /hinder.
    for (const barrier of [source, child]) expect(barrier.trend.quarters.map((q) => q.label)).toEqual(parent.trend.quarters.map((q) => q.label));
    expect(parent.trend.quarters).toHaveLength(8);
    expect(definition(childPage.text, 'Per kvartal').split(' · ')).toHaveLength(8);
    const list = (await client.get('/hinder')).text;
    const childRow = new RegExp(`href="/hinder/${childId}"[\\s\\S]*?</tr>`).exec(list)?.[0] ?? '';
    expect((childRow.match(/\d{4} K\d: \d+/g) ?? []).length).toBe(8);
  }, 120_000);
});

let sequence = 0;

describe('moving reports in and out, and merging, recompute escalation and terms (with a predictable engine)', () => {
  const clock = new FixedClock(new Date('2026-11-23T02:00:00Z'));
  let t: TestApp;
  const db = (): DataSource => t.app.get(DataSource);

  async function report(kommun: string, occurredOn: string, marker: string): Promise<{ id: string; reference: string }> {
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
  const stored = async (id: string): Promise<{ status: string; escalation_reason: string | null; terms: string[]; name: string }> =>
    ((await db().query(`SELECT status, escalation_reason, terms, name FROM barrier WHERE id = $1`, [id])) as Array<{
      status: string;
      escalation_reason: string | null;
      terms: string[];
      name: string;
    }>)[0];

  beforeAll(async () => {
    t = await startTestApp({ clock });
    useFakePatternEngine(t.app);
  });
  afterAll(() => t.close());

  it('keeps the escalation, saying the rule is no longer met, when a move leaves too few kommuner, escalates the barrier the report went to, and describes a merge by its reports', async () => {
    const alfa = [await report('Haninge', '2026-02-01', 'alfa'), await report('Botkyrka', '2026-03-01', 'alfa'), await report('Järfälla', '2026-04-01', 'alfa')];
    const beta = [await report('Täby', '2026-02-01', 'beta'), await report('Salem', '2026-03-01', 'beta')];
    const analyst = await createUser(t.app, 'analyst');
    await t.app.get(PatternsService).run('full');
    const idOf = async (deviationId: string): Promise<string> =>
      ((await db().query(`SELECT barrier_id FROM barrier_member WHERE deviation_id = $1`, [deviationId])) as Array<{ barrier_id: string }>)[0].barrier_id;
    const alfaId = await idOf(alfa[0].id);
    const betaId = await idOf(beta[0].id);
    expect((await stored(alfaId)).escalation_reason).toContain('återkommer i 3 kommuner (Botkyrka, Haninge och Järfälla)');

    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    await client.get(`/hinder/${alfaId}`);
    expect((await client.postForm(`/hinder/${alfaId}/flytta-ut`, { deviationId: alfa[2].id })).status).toBe(303);
    // Still escalated (the analysts were mailed): the reason says it no longer meets the rule and names no kommun it lost.
    const kept = await stored(alfaId);
    expect(kept.status).toBe('eskalerad');
    expect(kept.escalation_reason).toContain('Rapporterna når inte längre gränsen för eskalering');
    expect(kept.escalation_reason).not.toContain('Järfälla');
    expect((await client.get(`/hinder/${alfaId}`)).text).toContain('Ta tillbaka eskaleringen');

    // Beta's two kommuner and Järfälla: escalated now, with a reason naming what it has.
    await client.get(`/hinder/${betaId}`);
    expect((await client.postForm(`/hinder/${betaId}/flytta-in`, { report: alfa[2].reference })).status).toBe(303);
    expect((await stored(betaId)).escalation_reason).toContain('återkommer i 3 kommuner (Järfälla, Salem och Täby)');

    // Merged into beta, alfa's reports (three of five, with the one moved in) are the most common marker: beta is described
    // by them, but keeps its name, as the merge page promises (the analyst has seen it by that name).
    expect((await mergeThroughConfirmation(client, betaId, alfaId)).merged.status).toBe(303);
    const merged = await stored(betaId);
    expect(merged.terms).toEqual(['alfa', 'samordning']);
    expect(merged.name).toBe('Beta och samordning (AF, FK)');
    expect(merged.escalation_reason).toContain('återkommer i 5 kommuner (Botkyrka, Haninge, Järfälla, Salem och Täby)');
    // One mail per barrier, however often its escalation comes and goes.
    const mails = (await db().query(`SELECT subject FROM mail_outbox WHERE template = 'barrier-escalated' ORDER BY created_at`)) as Array<{ subject: string }>;
    expect(mails).toHaveLength(2);
  });
});
