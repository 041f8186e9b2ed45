import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { parseCsv } from '../src/common/csv/csv';
import { buildDataSourceOptions } from '../src/database/data-source.options';
import { BarrierLocalFix1763900000800 } from '../src/database/migrations/1763900000800-barrier-local-fix';
import { BarrierMemberWithoutForeignKeys1763900000900 } from '../src/database/migrations/1763900000900-barrier-member-without-foreign-keys';
import { ALL_MIGRATIONS } from '../src/database/migrations';
import { revertLastMigration, runMigrations } from '../src/database/migration-runner';
import { BarrierDetail } from '../src/modules/barrier/barrier.types';
import { DashboardData } from '../src/modules/dashboard/dashboard.types';
import { DeviationService } from '../src/modules/deviation/deviation.service';
import { User } from '../src/modules/user/user.entity';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { createTestDatabase } from './support/test-database';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A barrier's local fix: recorded by the analyst on the barrier's page and in the API, and the overview's
 * effect of it, checked against counts of the member reports made here with known timestamps.
 */

const NOW = new Date('2026-11-23T10:00:00Z');
/** The fix takes effect at the start of the Swedish day: 2026-05-10 00:00 in Stockholm (summer time). */
const FIX_DAY = '2026-05-10';
const FIX_AT = new Date('2026-05-09T22:00:00Z');
const NOTE = 'Rutin för gemensamt samtycke införd i Haninge';

interface ApiError {
  error: { code: string; message: string; fields: Array<{ field: string; message: string }> };
}

let sequence = 0;

describe('a barrier’s local fix and its effect on the overview', () => {
  const clock = new FixedClock(NOW);
  let t: TestApp;
  let db: DataSource;
  let analyst: User;
  let analystToken: string;
  let barrierId = '';
  /** Member reports by kommun and when they were filed. */
  const members: Array<{ id: string; kommun: string; reportedAt: Date }> = [];

  async function report(kommun: string, reportedAt: string): Promise<{ id: string; reference: string }> {
    sequence += 1;
    const created = await t.app.get(DeviationService).createFromImport({
      externalId: `LF-${String(sequence).padStart(5, '0')}`,
      kommun,
      occurredOn: reportedAt.slice(0, 10),
      reportedAt,
      category: 'informationsdelning',
      parties: ['KOMMUN', 'REGION'],
      title: 'Samtycke saknades',
      description: 'Underlaget kunde inte delas med regionen eftersom samtycke saknades.',
      consequence: 'Insatsen försenades.',
      severity: 'medel',
      reporterEmail: 'rapportor@mia-example.se',
    });
    return { id: created.id, reference: created.reference };
  }

  async function dashboard(token: string): Promise<DashboardData> {
    const result = await new HttpClient(t.baseUrl).api('GET', '/api/dashboard', undefined, token);
    expect(result.status).toBe(200);
    return result.json<DashboardData>();
  }

  /** Independent of the overview's query: the member reports filed in [from, to), by SQL. */
  async function countMembers(from: Date, to: Date, subproject?: string): Promise<number> {
    const rows = (await db.query(
      `SELECT count(*)::int AS n FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id JOIN subproject s ON s.id = d.subproject_id
        WHERE bm.barrier_id = $1 AND d.reported_at >= $2 AND d.reported_at < $3 AND ($4::text IS NULL OR s.name = $4)`,
      [barrierId, from, to, subproject ?? null],
    )) as Array<{ n: number }>;
    return rows[0].n;
  }

  beforeAll(async () => {
    t = await startTestApp({ clock });
    db = t.app.get(DataSource);
    analyst = await createUser(t.app, 'analyst', { name: 'Vera Utvecklare' });
    analystToken = await createApiToken(t.app, analyst);
    // Haninge (MIA Östra Södertörn) and Botkyrka (MIA HBS), around 2026-05-10: one report more than
    // 12 months before, and two on each side of the Swedish midnight that starts the day.
    const filed: Array<[string, string]> = [
      ['Haninge', '2025-04-01T09:00:00+02:00'],
      ['Haninge', '2025-06-15T09:00:00+02:00'],
      ['Botkyrka', '2025-12-01T09:00:00+01:00'],
      ['Haninge', '2026-03-03T09:00:00+01:00'],
      ['Botkyrka', '2026-05-09T23:30:00+02:00'],
      ['Haninge', '2026-05-10T00:30:00+02:00'],
      ['Haninge', '2026-07-01T09:00:00+02:00'],
      ['Botkyrka', '2026-10-01T09:00:00+02:00'],
    ];
    for (const [kommun, reportedAt] of filed) members.push({ ...(await report(kommun, reportedAt)), kommun, reportedAt: new Date(reportedAt) });
    const created = await new HttpClient(t.baseUrl).api('POST', '/api/barriers', { deviationIds: members.map((m) => m.id), name: 'Samtycke saknas vid överlämning' }, analystToken);
    expect(created.status).toBe(201);
    barrierId = created.json<BarrierDetail>().id;
  });
  afterAll(() => t.close());

  it('the page suggests the latest "åtgärdad lokalt" as a hint, and saves nothing by itself', async () => {
    const lead = await createUser(t.app, 'lead', { subproject: 'MIA Östra Södertörn' });
    const leadToken = await createApiToken(t.app, lead);
    const api = new HttpClient(t.baseUrl);
    const haninge = members.filter((m) => m.kommun === 'Haninge');
    for (const [i, member] of haninge.slice(0, 2).entries()) {
      clock.set(new Date(`2026-06-0${i + 1}T10:00:00Z`));
      expect((await api.api('POST', `/api/deviations/${member.id}/accept`, {}, leadToken)).status).toBe(200);
      expect((await api.api('POST', `/api/deviations/${member.id}/resolve`, { resolution: 'Samtycke inhämtat på nytt.' }, leadToken)).status).toBe(200);
    }
    clock.set(NOW);

    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const page = await client.get(`/hinder/${barrierId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tips: 2 rapporter i hindret är åtgärdade lokalt, senast 2026-06-02.');
    expect(page.text).toContain(`href="/hinder/${barrierId}?lokal-datum=2026-06-02#rubrik-lokal-atgard"`);
    // The date defaults to today, and may not be later.
    expect(page.text).toMatch(/<input id="falt-lokal-date" name="date" type="date" value="2026-11-23" required[^>]*max="2026-11-23"/);
    const suggested = await client.get(`/hinder/${barrierId}?lokal-datum=2026-06-02`);
    expect(suggested.text).toContain('id="falt-lokal-date" name="date" type="date" value="2026-06-02"');
    expect((await db.query(`SELECT local_fix_at FROM barrier WHERE id = $1`, [barrierId]))[0].local_fix_at).toBeNull();
  });

  it('the analyst records, corrects and clears it on the page; bad input comes back in Swedish at the field with what was typed', async () => {
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    await client.get(`/hinder/${barrierId}`);

    for (const [date, message] of [
      ['2026-13-45', 'Ange ett giltigt datum, t.ex. 2026-05-10.'],
      ['2026-02-30', 'Ange ett giltigt datum, t.ex. 2026-05-10.'],
      ['10 maj', 'Ange ett giltigt datum, t.ex. 2026-05-10.'],
      ['2026-11-24', 'Datumet kan inte vara i framtiden (i dag är det 2026-11-23).'],
      ['1999-12-31', 'Ange ett datum från år 2000 och framåt.'],
      ['', 'Ange datumet då åtgärden infördes, t.ex. 2026-05-10.'],
    ]) {
      const bad = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date, note: NOTE });
      expect([date, bad.status]).toEqual([date, 400]);
      expect(bad.text).toContain(`<p class="error-message" id="fel-lokal-date"><span class="visually-hidden">Fel:</span> ${message}</p>`);
      expect(bad.text).toMatch(/id="falt-lokal-date"[^>]*aria-describedby="hjalp-lokal-date fel-lokal-date" aria-invalid="true"/);
      expect(bad.text).toContain(`>${NOTE}</textarea>`);
      expect(bad.text).toContain('href="#falt-lokal-date"');
    }
    const short = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: FIX_DAY, note: ' x ' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('Skriv kort vad som gjordes, 3–500 tecken.');
    expect(short.text).toContain(`value="${FIX_DAY}"`);
    const personal = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: FIX_DAY, note: 'Gäller deltagaren 811218-9876 i Haninge' });
    expect(personal.status).toBe(422);
    expect(personal.text).toContain('Beskrivningen innehåller något som liknar ett personnummer:');
    expect((await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: FIX_DAY, note: NOTE }, { csrf: null })).status).toBe(403);
    expect((await db.query(`SELECT local_fix_at FROM barrier WHERE id = $1`, [barrierId]))[0].local_fix_at).toBeNull();

    // Recorded, then corrected: the same form again.
    let saved = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: '2026-05-11', note: 'Rutin för samtycke' });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/hinder/${barrierId}?klart=lokal-atgard`);
    let page = await client.get(saved.location ?? '');
    expect(page.text).toContain('Den lokala åtgärden är sparad.');
    expect(page.text).toContain('2026-05-11: Rutin för samtycke');
    expect(page.text).toContain('Spara ändringen');
    saved = await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: ` ${FIX_DAY} `, note: `  ${NOTE}  ` });
    expect(saved.status).toBe(303);
    page = await client.get(`/hinder/${barrierId}`);
    expect(page.text).toContain(`${FIX_DAY}: ${NOTE} <span class="muted">(registrerad 2026-11-23 av Vera Utvecklare)</span>`);
    const [row] = (await db.query(`SELECT local_fix_at, local_fix_note, local_fix_by_id, local_fix_recorded_at FROM barrier WHERE id = $1`, [barrierId])) as Array<{
      local_fix_at: Date;
      local_fix_note: string;
      local_fix_by_id: string;
      local_fix_recorded_at: Date;
    }>;
    expect(row).toEqual({ local_fix_at: FIX_AT, local_fix_note: NOTE, local_fix_by_id: analyst.id, local_fix_recorded_at: NOW });

    // Cleared, then recorded again through the API below.
    expect((await client.postForm(`/hinder/${barrierId}/lokal-atgard/ta-bort`, {})).status).toBe(303);
    page = await client.get(`/hinder/${barrierId}?klart=lokal-atgard-borttagen`);
    expect(page.text).toContain('Den lokala åtgärden är borttagen.');
    expect((await db.query(`SELECT local_fix_at, local_fix_note, local_fix_by_id FROM barrier WHERE id = $1`, [barrierId]))[0]).toEqual({
      local_fix_at: null,
      local_fix_note: null,
      local_fix_by_id: null,
    });
  });

  it('the API sets and clears it with a bearer token, answers in Swedish, and documents it', async () => {
    const api = new HttpClient(t.baseUrl);
    const bad = await api.api('PUT', `/api/barriers/${barrierId}/local-fix`, { date: '2026-02-30', note: NOTE }, analystToken);
    expect(bad.status).toBe(400);
    expect(bad.json<ApiError>().error.fields).toEqual([{ field: 'date', message: 'Ange ett giltigt datum, t.ex. 2026-05-10.' }]);
    const future = await api.api('PUT', `/api/barriers/${barrierId}/local-fix`, { date: '2027-01-01', note: NOTE }, analystToken);
    expect(future.status).toBe(400);
    expect(future.json<ApiError>().error.fields).toEqual([{ field: 'date', message: 'Datumet kan inte vara i framtiden (i dag är det 2026-11-23).' }]);
    const noNote = await api.api('PUT', `/api/barriers/${barrierId}/local-fix`, { date: FIX_DAY }, analystToken);
    expect(noNote.status).toBe(400);
    expect(noNote.json<ApiError>().error.fields).toEqual([{ field: 'note', message: 'Skriv kort vad som gjordes, 3–500 tecken.' }]);
    const unknown = await api.api('PUT', `/api/barriers/${barrierId}/local-fix`, { date: FIX_DAY, note: NOTE, by: 'x' }, analystToken);
    expect(unknown.status).toBe(400);

    // Without a date: today.
    const today = await api.api('PUT', `/api/barriers/${barrierId}/local-fix`, { note: NOTE }, analystToken);
    expect(today.status).toBe(200);
    expect(today.json<BarrierDetail>().localFix).toMatchObject({ date: '2026-11-23', note: NOTE, recordedBy: 'Vera Utvecklare' });
    const cleared = await api.api('DELETE', `/api/barriers/${barrierId}/local-fix`, undefined, analystToken);
    expect(cleared.status).toBe(200);
    expect(cleared.json<BarrierDetail>().localFix).toBeNull();
    const set = await api.api('PUT', `/api/barriers/${barrierId}/local-fix`, { date: FIX_DAY, note: NOTE }, analystToken);
    expect(set.status).toBe(200);
    expect(set.json<BarrierDetail>().localFix).toMatchObject({ date: FIX_DAY, note: NOTE });
    expect((await api.api('GET', '/api/barriers', undefined, analystToken)).json<BarrierDetail[]>().find((b) => b.id === barrierId)?.localFix?.date).toBe(FIX_DAY);
    expect((await api.api('PUT', `/api/barriers/00000000-0000-0000-0000-000000000000/local-fix`, { note: NOTE }, analystToken)).status).toBe(404);

    const docs = await api.get('/api/docs-json');
    expect(docs.status).toBe(200);
    const paths = docs.json<{ paths: Record<string, Record<string, { summary?: string }>> }>().paths;
    expect(paths['/api/barriers/{id}/local-fix'].put.summary).toBe('Registrera eller ändra hindrets lokala åtgärd');
    expect(paths['/api/barriers/{id}/local-fix'].delete.summary).toBe('Ta bort hindrets lokala åtgärd');
  });

  it('staff and leads get 403, on the page and in the API', async () => {
    for (const role of ['staff', 'lead'] as const) {
      const user = await createUser(t.app, role);
      const token = await createApiToken(t.app, user);
      const api = new HttpClient(t.baseUrl);
      expect((await api.api('PUT', `/api/barriers/${barrierId}/local-fix`, { date: '2026-01-01', note: 'Ändrat av fel roll' }, token)).status).toBe(403);
      expect((await api.api('DELETE', `/api/barriers/${barrierId}/local-fix`, undefined, token)).status).toBe(403);
      const client = new HttpClient(t.baseUrl);
      await client.login(user.email, TEST_PASSWORD);
      await client.get('/');
      expect((await client.postForm(`/hinder/${barrierId}/lokal-atgard`, { date: '2026-01-01', note: 'Ändrat av fel roll' })).status).toBe(403);
      expect((await client.postForm(`/hinder/${barrierId}/lokal-atgard/ta-bort`, {})).status).toBe(403);
    }
    expect((await db.query(`SELECT local_fix_note FROM barrier WHERE id = $1`, [barrierId]))[0].local_fix_note).toBe(NOTE);
  });

  it('the overview shows reports per month before and after the fix, equal to SQL counts of its member reports, scoped for leads', async () => {
    const yearBefore = new Date('2025-05-09T22:00:00Z');
    const before = await countMembers(yearBefore, FIX_AT);
    const after = await countMembers(FIX_AT, NOW);
    // The file's own arithmetic: the 2025-04-01 report is too early; 23:30 on 9 May is before, 00:30 on 10 May after.
    expect([before, after]).toEqual([4, 3]);
    expect(before).toBe(members.filter((m) => m.reportedAt >= yearBefore && m.reportedAt < FIX_AT).length);

    const monthDays = 365.25 / 12;
    const daysBefore = (FIX_AT.getTime() - yearBefore.getTime()) / 86_400_000;
    const daysAfter = (NOW.getTime() - FIX_AT.getTime()) / 86_400_000;
    const round1 = (n: number): number => Math.round(n * 10) / 10;
    const data = await dashboard(analystToken);
    expect(data.effect.available).toBe(true);
    if (!data.effect.available) return;
    expect(data.effect.items).toEqual([
      {
        barrierId,
        title: 'Samtycke saknas vid överlämning',
        action: 'lokal_atgard',
        actionLabel: 'Lokal åtgärd',
        date: FIX_DAY,
        note: NOTE,
        monthsBefore: round1(daysBefore / monthDays),
        reportsBefore: before,
        ratePerMonthBefore: round1(before / (daysBefore / monthDays)),
        monthsAfter: round1(daysAfter / monthDays),
        reportsAfter: after,
        ratePerMonthAfter: round1(after / (daysAfter / monthDays)),
      },
    ]);

    // The CSV and the page say which event it was.
    const response = await fetch(`${t.baseUrl}/oversikt/effekt.csv`, { headers: { authorization: `Bearer ${analystToken}` } });
    const records = parseCsv(await response.text(), ';').map((record) => record.fields);
    expect(records[0]).toEqual(['Hinder', 'Åtgärd', 'Datum', 'Vad', 'Avvikelser 12 månader före', 'Per månad före', 'Månader efter', 'Avvikelser efter', 'Per månad efter']);
    expect(records.slice(1).map((r) => r.slice(0, 5))).toEqual([['Samtycke saknas vid överlämning', 'Lokal åtgärd', FIX_DAY, NOTE, String(before)]]);
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const page = await client.get('/oversikt');
    expect(page.text).toContain(`Samtycke saknas vid överlämning (lokal åtgärd ${FIX_DAY}): `);

    // Leads: their own delprojekt's reports only, and no barrier without any of them.
    for (const [subproject, kommun] of [
      ['MIA Östra Södertörn', 'Haninge'],
      ['MIA HBS', 'Botkyrka'],
    ]) {
      const lead = await createUser(t.app, 'lead', { subproject });
      const scoped = await dashboard(await createApiToken(t.app, lead));
      if (!scoped.effect.available) throw new Error(`${subproject} ser ingen effekt`);
      const [item] = scoped.effect.items;
      expect([kommun, item.reportsBefore, item.reportsAfter]).toEqual([kommun, await countMembers(yearBefore, FIX_AT, subproject), await countMembers(FIX_AT, NOW, subproject)]);
    }
    const roslagen = await createUser(t.app, 'lead', { subproject: 'MIA Roslagen' });
    expect((await dashboard(await createApiToken(t.app, roslagen))).effect).toEqual({
      available: false,
      reason: 'Inga hinder med skickad skrivelse eller lokal åtgärd har avvikelser med de valda filtren.',
    });
  });

  it('a barrier with both a sent skrivelse and a local fix shows both, each named by its event', async () => {
    const sentAt = new Date('2026-03-01T09:00:00Z');
    await db.query(
      `INSERT INTO letter (barrier_id, status, recipient, subject, evidence_snapshot, evidence_refreshed_at, reviewed_at, sent_at)
       VALUES ($1, 'skickad', 'Nationella rådet', 'Samtycke mellan kommun och region', '{}'::jsonb, $2, $2, $2)`,
      [barrierId, sentAt],
    );
    const data = await dashboard(analystToken);
    if (!data.effect.available) throw new Error('ingen effekt');
    expect(data.effect.items.map((e) => [e.actionLabel, e.date, e.note, e.reportsBefore, e.reportsAfter])).toEqual([
      ['Lokal åtgärd', FIX_DAY, NOTE, await countMembers(new Date('2025-05-09T22:00:00Z'), FIX_AT), await countMembers(FIX_AT, NOW)],
      ['Skrivelse skickad', '2026-03-01', 'Samtycke mellan kommun och region', await countMembers(new Date('2025-03-01T09:00:00Z'), sentAt), await countMembers(sentAt, NOW)],
    ]);
    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const page = await client.get('/oversikt');
    expect(page.text).toContain(`Samtycke saknas vid överlämning (lokal åtgärd ${FIX_DAY})`);
    expect(page.text).toContain('Samtycke saknas vid överlämning (skrivelse skickad 2026-03-01)');
  });

  it('a merged barrier keeps the other’s local fix when it has none of its own', async () => {
    const api = new HttpClient(t.baseUrl);
    // A new barrier takes at least two reports.
    const one = [await report('Tyresö', '2026-01-10T09:00:00+01:00'), await report('Haninge', '2026-01-12T09:00:00+01:00')];
    const two = [await report('Nynäshamn', '2026-02-10T09:00:00+01:00'), await report('Botkyrka', '2026-02-12T09:00:00+01:00')];
    const a = (await api.api('POST', '/api/barriers', { deviationIds: one.map((r) => r.id), name: 'Hinder med åtgärd' }, analystToken)).json<BarrierDetail>();
    const b = (await api.api('POST', '/api/barriers', { deviationIds: two.map((r) => r.id), name: 'Hinder utan åtgärd' }, analystToken)).json<BarrierDetail>();
    expect((await api.api('PUT', `/api/barriers/${a.id}/local-fix`, { date: '2026-04-01', note: 'Gemensam mottagning införd' }, analystToken)).status).toBe(200);
    const merged = await api.api('POST', `/api/barriers/${b.id}/merge`, { otherBarrierId: a.id }, analystToken);
    expect(merged.status).toBe(200);
    expect(merged.json<BarrierDetail>().localFix).toMatchObject({ date: '2026-04-01', note: 'Gemensam mottagning införd' });
    // The merged-away barrier cannot be changed any more.
    expect((await api.api('DELETE', `/api/barriers/${a.id}/local-fix`, undefined, analystToken)).status).toBe(409);
  });

  it('the barrier page shows its reports 50 at a time with Föregående and Nästa', async () => {
    const many: Array<{ id: string; reference: string }> = [];
    for (let i = 0; i < 120; i++) many.push(await report(i % 2 ? 'Täby' : 'Österåker', `2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00+01:00`));
    const created = await new HttpClient(t.baseUrl).api('POST', '/api/barriers', { deviationIds: many.map((r) => r.id), name: 'Stort hinder' }, analystToken);
    expect(created.status).toBe(201);
    const id = created.json<BarrierDetail>().id;
    // The API still gives them all.
    expect(created.json<BarrierDetail>().members).toHaveLength(120);

    const client = new HttpClient(t.baseUrl);
    await client.login(analyst.email, TEST_PASSWORD);
    const rows = (html: string): number => (html.match(/name="deviationIds" value=/g) ?? []).length;
    const first = await client.get(`/hinder/${id}`);
    expect(rows(first.text)).toBe(50);
    expect(first.text).toContain('Visar rapport 1–50 av 120, 50 per sida, i datumordning.');
    expect(first.text).toContain('<nav class="pager" aria-label="Sidor med rapporter i hindret">');
    expect(first.text).toContain(`<a href="/hinder/${id}?sida=2#rapporter" rel="next">Nästa<span class="visually-hidden"> sida med rapporter</span> →</a>`);
    expect(first.text).not.toContain('rel="prev"');
    const last = await client.get(`/hinder/${id}?sida=3`);
    expect(rows(last.text)).toBe(20);
    expect(last.text).toContain('Visar rapport 101–120 av 120');
    expect(last.text).toContain(`<a href="/hinder/${id}?sida=2#rapporter" rel="prev">← Föregående`);
    expect(last.text).not.toContain('rel="next"');
    // Pages together show every report once, in date order.
    const middle = await client.get(`/hinder/${id}?sida=2`);
    const ids = [first, middle, last].flatMap((p) => [...p.text.matchAll(/name="deviationIds" value="([0-9a-f-]{36})"/g)].map((m) => m[1]));
    expect(new Set(ids).size).toBe(120);
    const ordered = (await db.query(
      `SELECT d.id FROM barrier_member bm JOIN deviation d ON d.id = bm.deviation_id WHERE bm.barrier_id = $1 ORDER BY d.occurred_on, d.reference_number`,
      [id],
    )) as Array<{ id: string }>;
    expect(ids).toEqual(ordered.map((r) => r.id));
    // Past the end or nonsense: the last page, or the first.
    expect((await client.get(`/hinder/${id}?sida=99`)).text).toContain('Visar rapport 101–120 av 120');
    expect((await client.get(`/hinder/${id}?sida=abc`)).text).toContain('Visar rapport 1–50 av 120');
    // A barrier that fits on one page has no pager.
    expect((await client.get(`/hinder/${barrierId}`)).text).not.toContain('Sidor med rapporter i hindret');
  });
});

/** A fresh, migrated database of its own for a migration test, dropped afterwards. */
async function withOwnDatabase(poolSize: number, work: (dataSource: DataSource) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  const dataSource = new DataSource(buildDataSourceOptions({ url: database.url, poolSize }));
  await dataSource.initialize();
  try {
    await work(dataSource);
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

describe('migration 1763900000800 (barrier local fix)', () => {
  it('goes down and up again, keeping the barriers, and the database refuses half a local fix', async () => {
    await withOwnDatabase(2, async (dataSource) => {
      const columns = async (): Promise<string[]> =>
        ((await dataSource.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'barrier' AND column_name LIKE 'local_fix%' ORDER BY 1`)) as Array<{
          column_name: string;
        }>).map((c) => c.column_name);
      expect(await columns()).toEqual(['local_fix_at', 'local_fix_by_id', 'local_fix_note', 'local_fix_recorded_at']);
      await expect(dataSource.query(`INSERT INTO barrier (name, local_fix_at) VALUES ('Halv', now())`)).rejects.toThrow(/barrier_local_fix_complete/);
      await dataSource.query(`INSERT INTO barrier (name, local_fix_at, local_fix_note, local_fix_recorded_at) VALUES ('Hel', now(), 'Ny rutin', now())`);

      const migration = new BarrierLocalFix1763900000800();
      const runner = dataSource.createQueryRunner();
      try {
        await migration.down(runner);
        expect(await columns()).toEqual([]);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      expect(await columns()).toEqual(['local_fix_at', 'local_fix_by_id', 'local_fix_note', 'local_fix_recorded_at']);
      expect(await dataSource.query(`SELECT name, local_fix_at FROM barrier`)).toEqual([{ name: 'Hel', local_fix_at: null }]);
    });
  });

  it('every migration goes down in reverse order and up again', async () => {
    await withOwnDatabase(1, async (dataSource) => {
      const tables = async (): Promise<string[]> =>
        ((await dataSource.query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`)) as Array<{ tablename: string }>).map((r) => r.tablename);
      const before = await tables();
      for (let i = 0; i < ALL_MIGRATIONS.length; i++) await revertLastMigration(dataSource);
      expect(await tables()).toEqual(['schema_migration']);
      expect(await runMigrations(dataSource)).toHaveLength(ALL_MIGRATIONS.length);
      expect(await tables()).toEqual(before);
    });
  });
});

describe('migration 1763900000900 (memberships without foreign keys)', () => {
  it('drops both keys; down puts them back, and refuses while a membership points at nothing', async () => {
    await withOwnDatabase(2, async (dataSource) => {
      const foreignKeys = async (): Promise<string[]> =>
        ((await dataSource.query(`SELECT conname FROM pg_constraint WHERE conrelid = 'barrier_member'::regclass AND contype = 'f' ORDER BY 1`)) as Array<{
          conname: string;
        }>).map((row) => row.conname);
      const migration = new BarrierMemberWithoutForeignKeys1763900000900();
      const runner = dataSource.createQueryRunner();
      try {
        expect(await foreignKeys()).toEqual([]);
        const [{ id: barrierId }] = (await dataSource.query(`INSERT INTO barrier (name) VALUES ('Hinder') RETURNING id`)) as Array<{ id: string }>;
        await dataSource.query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, gen_random_uuid(), 'engine')`, [barrierId]);
        await expect(migration.down(runner)).rejects.toThrow(/barrier_member_deviation_id_fkey/);
        await dataSource.query(`DELETE FROM barrier_member`);
        await migration.down(runner);
        expect(await foreignKeys()).toEqual(['barrier_member_barrier_id_fkey', 'barrier_member_deviation_id_fkey']);
        await expect(dataSource.query(`INSERT INTO barrier_member (barrier_id, deviation_id, source) VALUES ($1, gen_random_uuid(), 'engine')`, [barrierId])).rejects.toThrow(
          /barrier_member_deviation_id_fkey/,
        );
        await migration.up(runner);
        expect(await foreignKeys()).toEqual([]);
      } finally {
        await runner.release();
      }
    });
  });
});
