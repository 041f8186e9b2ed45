import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { FixedClock } from '../src/common/clock/clock';
import { parseCsv } from '../src/common/csv/csv';
import { deadlinesFor } from '../src/modules/deviation/deviation-deadlines';
import { CATEGORY_LABELS, DEVIATION_CATEGORIES, DEVIATION_PARTIES, DeviationCategory, DeviationParty } from '../src/modules/deviation/deviation.constants';
import { DeviationStatus } from '../src/modules/deviation/deviation-workflow';
import { DashboardData } from '../src/modules/dashboard/dashboard.types';
import { ImportExportService } from '../src/modules/import-export/import-export.service';
import { OrganisationService } from '../src/modules/organisation/organisation.service';
import { createApiToken, createUser, TEST_PASSWORD } from './support/factories';
import { HttpClient } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

/**
 * The overview's numbers against independent counts: the sample file itself (read here, in plain
 * TypeScript), the reports' timestamps read back row by row, and separate SQL. Never the
 * dashboard's own query.
 */

const SAMPLES = resolve(__dirname, '..', '..', 'shared', 'samples');
const LEAD_SUBPROJECT = 'MIA Södertälje';
/** A Wednesday: reports of Monday 2020-05-25 are still within the two working days to accept. */
const NOW = new Date('2020-05-27T10:00:00Z');

interface Sample {
  externalId: string;
  kommun: string;
  reportedAt: string;
  category: DeviationCategory;
  parties: DeviationParty[];
}

interface Truth {
  externalId: string;
  barrier: string | null;
}

interface Row {
  external_id: string;
  municipality: string;
  subproject: string;
  subproject_id: string;
  status: DeviationStatus;
  reported_at: Date;
  imported_at: Date;
  accepted_at: Date | null;
  resolved_at: Date | null;
  escalated_at: Date | null;
  closed_at: Date | null;
}

interface Filter {
  from?: string;
  to?: string;
  subprojectId?: string;
  municipalityId?: string;
  category?: DeviationCategory;
  party?: DeviationParty;
}

const samples: Sample[] = readFileSync(resolve(SAMPLES, 'reports.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Sample);
const truth: Truth[] = readFileSync(resolve(SAMPLES, 'truth.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line) as Truth);

const stockholm = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });
const swedishDay = (instant: string | Date): string => stockholm.format(new Date(instant));

function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

const round1 = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);
const days = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 86_400_000);

/** "1,5" as the CSV writes decimals; "–" for none. */
const csvDecimal = (value: number | null): string => (value === null ? '–' : String(value).replace('.', ','));

function pairsOf(parties: DeviationParty[]): string[] {
  const distinct = DEVIATION_PARTIES.filter((party) => parties.includes(party));
  if (distinct.length === 1) return [`${distinct[0]}|${distinct[0]}`];
  const pairs: string[] = [];
  distinct.forEach((a, i) => distinct.slice(i + 1).forEach((b) => pairs.push(`${a}|${b}`)));
  return pairs;
}

function tally<T>(items: T[], key: (item: T) => string[] | string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const keys = key(item);
    for (const k of Array.isArray(keys) ? keys : [keys]) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

function query(filter: Filter): string {
  const params = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== undefined) as Array<[string, string]>);
  const text = params.toString();
  return text ? `?${text}` : '';
}

describe('översikten (dashboard) against independent counts', () => {
  const clock = new FixedClock(NOW);
  let t: TestApp;
  let db: DataSource;
  let analyst: HttpClient;
  let lead: HttpClient;
  let analystToken: string;
  let leadToken: string;
  let subprojectByKommun: Map<string, { id: string; name: string }>;
  let municipalityIds: Map<string, string>;
  let leadSubprojectId: string;

  beforeAll(async () => {
    t = await startTestApp({ clock });
    db = t.app.get(DataSource);

    const summary = await t.app.get(ImportExportService).importText(readFileSync(resolve(SAMPLES, 'reports.jsonl'), 'utf8'), 'jsonl');
    expect(summary.rejected).toEqual([]);
    expect(summary.created).toBe(samples.length);

    // Give the reports a history: statuses and times that differ per report, set straight in the table.
    await db.query(`
      UPDATE deviation d SET
        status = (ARRAY['ny','mottagen','under_utredning','atgardad_lokalt','strukturellt_hinder','avslutad'])[1 + x.n % 6],
        accepted_at = CASE WHEN x.n % 6 >= 1 THEN d.reported_at + (x.n % 5) * interval '1 day' + (x.n % 7) * interval '3 hours' END,
        resolved_at = CASE WHEN x.n % 6 IN (3, 5) THEN d.reported_at + (x.n % 41) * interval '1 day' + interval '2 hours' END,
        escalated_at = CASE WHEN x.n % 6 = 4 THEN d.reported_at + (x.n % 23) * interval '1 day' END,
        closed_at = CASE WHEN x.n % 6 = 5 THEN d.reported_at + (x.n % 41 + 4) * interval '1 day' END,
        resolution = CASE WHEN x.n % 6 IN (3, 5) THEN 'Löst lokalt.' END,
        -- Deadlines count from the import: every fourth stays imported today (on time however old), the rest
        -- as if imported earlier, some on the day they were reported, some days later.
        imported_at = CASE WHEN x.n % 4 = 0 THEN d.imported_at ELSE least(d.reported_at + (x.n % 3) * interval '1 day', d.imported_at) END
      FROM (SELECT id, substring(external_id FROM 3)::int AS n FROM deviation) x
      WHERE x.id = d.id`);

    const organisation = t.app.get(OrganisationService);
    const [subprojects, municipalities] = await Promise.all([organisation.listSubprojects(), organisation.listMunicipalities()]);
    subprojectByKommun = new Map(
      municipalities.map((m) => {
        const s = subprojects.find((candidate) => candidate.id === m.subprojectId);
        return [m.name, { id: m.subprojectId, name: s?.name ?? '' }];
      }),
    );
    municipalityIds = new Map(municipalities.map((m) => [m.name, m.id]));
    leadSubprojectId = subprojects.find((s) => s.name === LEAD_SUBPROJECT)?.id ?? '';

    const analystUser = await createUser(t.app, 'analyst');
    const leadUser = await createUser(t.app, 'lead', { subproject: LEAD_SUBPROJECT });
    analystToken = await createApiToken(t.app, analystUser);
    leadToken = await createApiToken(t.app, leadUser);
    analyst = new HttpClient(t.baseUrl);
    lead = new HttpClient(t.baseUrl);
    expect((await analyst.login(analystUser.email, TEST_PASSWORD)).status).toBe(303);
    expect((await lead.login(leadUser.email, TEST_PASSWORD)).status).toBe(303);
  });

  afterAll(async () => {
    await t.close();
  });

  function expectedSamples(filter: Filter): Sample[] {
    return samples.filter((s) => {
      const day = swedishDay(s.reportedAt);
      const subproject = subprojectByKommun.get(s.kommun);
      return (
        (!filter.from || day >= filter.from) &&
        (!filter.to || day <= filter.to) &&
        (!filter.subprojectId || subproject?.id === filter.subprojectId) &&
        (!filter.municipalityId || municipalityIds.get(s.kommun) === filter.municipalityId) &&
        (!filter.category || s.category === filter.category) &&
        (!filter.party || s.parties.includes(filter.party))
      );
    });
  }

  async function rowsFor(filter: Filter): Promise<Row[]> {
    const wanted = new Set(expectedSamples(filter).map((s) => s.externalId));
    const rows = (await db.query(
      `SELECT d.external_id, m.name AS municipality, s.name AS subproject, d.subproject_id, d.status, d.reported_at, d.imported_at,
              d.accepted_at, d.resolved_at, d.escalated_at, d.closed_at
         FROM deviation d JOIN municipality m ON m.id = d.municipality_id JOIN subproject s ON s.id = d.subproject_id`,
    )) as Row[];
    return rows.filter((row) => wanted.has(row.external_id));
  }

  async function dashboard(token: string, filter: Filter): Promise<DashboardData> {
    const response = await new HttpClient(t.baseUrl).api('GET', `/api/dashboard${query(filter)}`, undefined, token);
    expect(response.status).toBe(200);
    return response.json<DashboardData>();
  }

  async function csv(token: string, chart: string, filter: Filter): Promise<{ header: string[]; rows: string[][]; raw: Buffer; type: string | null }> {
    const response = await fetch(`${t.baseUrl}/oversikt/${chart}.csv${query(filter)}`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const raw = Buffer.from(await response.arrayBuffer());
    const records = parseCsv(raw.toString('utf8'), ';').map((record) => record.fields);
    return { header: records[0], rows: records.slice(1), raw, type: response.headers.get('content-type') };
  }

  /** Every chart's numbers and every CSV, for one user and one set of filters. */
  async function checkEverything(token: string, filter: Filter, scope: Filter): Promise<DashboardData> {
    const effective = { ...filter, ...scope };
    const expected = expectedSamples(effective);
    const data = await dashboard(token, filter);

    // Totals, also by plain SQL.
    expect(data.totals.reports).toBe(expected.length);
    expect(data.totals.withoutParties).toBe(expected.filter((s) => s.parties.length === 0).length);
    const sqlTotal = (await db.query(
      `SELECT count(*)::int AS n FROM deviation WHERE external_id = ANY($1)`,
      [expected.map((s) => s.externalId)],
    )) as Array<{ n: number }>;
    expect(sqlTotal[0].n).toBe(expected.length);

    // Kommun × category.
    const heat = tally(expected, (s) => `${s.kommun}|${s.category}`);
    for (const cell of data.byMunicipalityAndCategory.cells) {
      expect([cell.municipality, cell.category, cell.count]).toEqual([cell.municipality, cell.category, heat.get(`${cell.municipality}|${cell.category}`) ?? 0]);
    }
    for (const [key, n] of heat) {
      const [kommun, category] = key.split('|');
      expect(data.byMunicipalityAndCategory.cells.find((c) => c.municipality === kommun && c.category === category)?.count).toBe(n);
    }
    const heatCsv = await csv(token, 'kommun-kategori', filter);
    expect(heatCsv.type).toBe('text/csv; charset=utf-8');
    expect(heatCsv.raw.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const categories = effective.category ? [effective.category] : [...DEVIATION_CATEGORIES];
    expect(heatCsv.header).toEqual(['Kommun', ...categories.map((c) => CATEGORY_LABELS[c]), 'Totalt']);
    for (const row of heatCsv.rows) {
      const [kommun, ...cells] = row;
      if (kommun === 'Totalt') {
        expect(cells.map(Number)).toEqual([...categories.map((c) => expected.filter((s) => s.category === c).length), expected.length]);
        continue;
      }
      expect(cells.map(Number)).toEqual([...categories.map((c) => heat.get(`${kommun}|${c}`) ?? 0), expected.filter((s) => s.kommun === kommun).length]);
    }
    expect(heatCsv.rows.map((row) => row[0])).toEqual([...data.byMunicipalityAndCategory.municipalities.map((m) => m.name), 'Totalt']);

    // Per month (Swedish time), contiguous, zeros included.
    const months = tally(expected, (s) => swedishDay(s.reportedAt).slice(0, 7));
    const apiMonths = data.byMonth.map((m) => m.month);
    expect(apiMonths).toEqual([...apiMonths].sort());
    for (const [month, n] of months) expect(data.byMonth.find((m) => m.month === month)?.count).toBe(n);
    for (const m of data.byMonth) expect(m.count).toBe(months.get(m.month) ?? 0);
    if (effective.from) expect(apiMonths[0]).toBe(effective.from.slice(0, 7));
    if (effective.to) expect(apiMonths[apiMonths.length - 1]).toBe(effective.to.slice(0, 7));
    const monthCsv = await csv(token, 'manad', filter);
    expect(monthCsv.header).toEqual(['Månad', 'Antal avvikelser']);
    expect(monthCsv.rows).toEqual(data.byMonth.map((m) => [m.month, String(months.get(m.month) ?? 0)]));

    // Pairs of parties, per delprojekt.
    const pairs = tally(expected, (s) => pairsOf(s.parties));
    const pairsBySubproject = tally(expected, (s) => pairsOf(s.parties).map((p) => `${p}|${subprojectByKommun.get(s.kommun)?.name}`));
    expect(data.partyPairs).toHaveLength(15);
    for (const pair of data.partyPairs) {
      const key = pair.parties.join('|');
      expect([key, pair.count]).toEqual([key, pairs.get(key) ?? 0]);
      for (const s of pair.bySubproject) expect([key, s.subproject, s.count]).toEqual([key, s.subproject, pairsBySubproject.get(`${key}|${s.subproject}`) ?? 0]);
    }
    const sqlPair = (await db.query(
      `SELECT count(*)::int AS n FROM deviation WHERE external_id = ANY($1) AND parties @> ARRAY['AF','FK']::text[]`,
      [expected.map((s) => s.externalId)],
    )) as Array<{ n: number }>;
    expect(data.partyPairs.find((p) => p.parties.join('|') === 'AF|FK')?.count).toBe(sqlPair[0].n);
    const pairCsv = await csv(token, 'parter', filter);
    const several = data.subprojects.length > 1;
    expect(pairCsv.header).toEqual(['Parter', ...(several ? data.subprojects.map((s) => s.name) : []), several ? 'Totalt' : 'Antal avvikelser']);
    expect(pairCsv.rows).toHaveLength(15);
    for (const row of pairCsv.rows) {
      const pair = data.partyPairs.find((p) => p.label === row[0]);
      const key = pair?.parties.join('|') ?? 'okänt';
      const perSubproject = several ? data.subprojects.map((s) => String(pairsBySubproject.get(`${key}|${s.name}`) ?? 0)) : [];
      expect(row.slice(1)).toEqual([...perSubproject, String(pairs.get(key) ?? 0)]);
    }

    // Handling times and overdue, from the rows' own timestamps.
    const rows = await rowsFor(effective);
    const timesCsv = await csv(token, 'handlaggningstid', filter);
    const overdueCsv = await csv(token, 'forsenade', filter);
    expect(timesCsv.header).toEqual([
      'Delprojekt',
      'Avvikelser',
      'Mottagna',
      'Median till mottagen (dagar)',
      '90:e percentilen till mottagen (dagar)',
      'Åtgärdade',
      'Median till åtgärd (dagar)',
      '90:e percentilen till åtgärd (dagar)',
    ]);
    // Not "Öppna": the start page and the queue call every report not yet avslutad öppen; this column is only
    // those the resolve deadline still applies to (ny, mottagen, under utredning), as the reminders say.
    expect(overdueCsv.header).toEqual(['Delprojekt', 'Väntar på åtgärd', 'Ej mottagna i tid', 'Ej åtgärdade i tid']);
    expect(data.handlingTimes.map((h) => h.subproject)).toEqual(data.subprojects.map((s) => s.name));
    for (const h of data.handlingTimes) {
      const own = rows.filter((r) => r.subproject_id === h.subprojectId);
      const accept = own.filter((r) => r.accepted_at).map((r) => days(r.reported_at, r.accepted_at as Date));
      const resolve = own
        .filter((r) => ['atgardad_lokalt', 'strukturellt_hinder', 'avslutad'].includes(r.status))
        .map((r) => days(r.reported_at, new Date(Math.min(...[r.resolved_at, r.escalated_at, r.closed_at].filter((d): d is Date => d !== null).map((d) => d.getTime())))));
      const want = {
        reports: own.length,
        accept: { count: accept.length, medianDays: round1(percentile(accept, 0.5)), p90Days: round1(percentile(accept, 0.9)) },
        resolve: { count: resolve.length, medianDays: round1(percentile(resolve, 0.5)), p90Days: round1(percentile(resolve, 0.9)) },
      };
      expect({ subproject: h.subproject, reports: h.reports, accept: h.accept, resolve: h.resolve }).toEqual({ subproject: h.subproject, ...want });
      expect(timesCsv.rows.find((row) => row[0] === h.subproject)).toEqual([
        h.subproject,
        String(want.reports),
        String(want.accept.count),
        csvDecimal(want.accept.medianDays),
        csvDecimal(want.accept.p90Days),
        String(want.resolve.count),
        csvDecimal(want.resolve.medianDays),
        csvDecimal(want.resolve.p90Days),
      ]);

      // The deviation module's rule, report by report; and the resolve deadline once more in SQL.
      const policy = { acceptWithinWorkingDays: 2, resolveWithinDays: 30 };
      const open = own.filter((r) => ['ny', 'mottagen', 'under_utredning'].includes(r.status));
      const flags = open.map((r) => deadlinesFor({ status: r.status, reportedAt: r.reported_at, importedAt: r.imported_at }, NOW, policy));
      const overdue = data.overdue.find((o) => o.subprojectId === h.subprojectId);
      const wantOverdue = {
        open: open.length,
        notAccepted: flags.filter((f) => f.notAcceptedInTime).length,
        notResolved: flags.filter((f) => f.notResolvedInTime).length,
      };
      expect({ subproject: h.subproject, open: overdue?.open, notAccepted: overdue?.notAccepted, notResolved: overdue?.notResolved }).toEqual({
        subproject: h.subproject,
        ...wantOverdue,
      });
      const sqlLate = (await db.query(
        `SELECT count(*)::int AS n FROM deviation
          WHERE external_id = ANY($1) AND subproject_id = $2 AND status IN ('ny', 'mottagen', 'under_utredning')
            AND (imported_at AT TIME ZONE 'Europe/Stockholm')::date + 30 < ($3::timestamptz AT TIME ZONE 'Europe/Stockholm')::date`,
        [own.map((r) => r.external_id), h.subprojectId, NOW.toISOString()],
      )) as Array<{ n: number }>;
      expect(overdue?.notResolved).toBe(sqlLate[0].n);
      expect(overdueCsv.rows.find((row) => row[0] === h.subproject)).toEqual([
        h.subproject,
        String(wantOverdue.open),
        String(wantOverdue.notAccepted),
        String(wantOverdue.notResolved),
      ]);
    }
    expect(timesCsv.rows).toHaveLength(data.subprojects.length);
    expect(overdueCsv.rows).toHaveLength(data.subprojects.length);
    return data;
  }

  it('counts every chart and CSV right for the analyst, across all kommuner', async () => {
    const data = await checkEverything(analystToken, {}, {});
    expect(data.totals.reports).toBe(120);
    expect(data.subprojects).toHaveLength(6);
    // The overdue figures are not trivial: some open reports are late, one is still in time.
    expect(data.overdue.reduce((sum, o) => sum + o.notResolved, 0)).toBeGreaterThan(0);
    expect(data.overdue.reduce((sum, o) => sum + o.open, 0)).toBeGreaterThan(data.overdue.reduce((sum, o) => sum + o.notAccepted, 0));
  });

  it('changes the numbers as the filters say: period, delprojekt, kommun, category and party', async () => {
    const filters: Filter[] = [
      { from: '2018-01-01', to: '2018-12-31' },
      { subprojectId: leadSubprojectId },
      { municipalityId: municipalityIds.get('Haninge') },
      { category: 'gransnitt' },
      { party: 'FK' },
      { from: '2018-03-15', to: '2019-06-30', category: 'ovrigt', party: 'REGION' },
    ];
    const totals: number[] = [];
    for (const filter of filters) totals.push((await checkEverything(analystToken, filter, {})).totals.reports);
    // Each filter really narrows the 120 reports, and by different amounts.
    for (const total of totals) expect(total).toBeLessThan(120);
    expect(new Set(totals).size).toBeGreaterThan(3);
  });

  it('shows a lead only their own delprojekt, whatever they ask for', async () => {
    const data = await checkEverything(leadToken, {}, { subprojectId: leadSubprojectId });
    expect(data.subprojects.map((s) => s.name)).toEqual([LEAD_SUBPROJECT]);
    expect(data.byMunicipalityAndCategory.municipalities.map((m) => m.name).sort()).toEqual(['Nykvarn', 'Södertälje']);
    expect(data.totals.reports).toBe(samples.filter((s) => ['Södertälje', 'Nykvarn'].includes(s.kommun)).length);
    await checkEverything(leadToken, { category: 'ovrigt', from: '2018-01-01' }, { subprojectId: leadSubprojectId });
    // A kommun of another delprojekt gives nothing of theirs away.
    const other = await dashboard(leadToken, { municipalityId: municipalityIds.get('Haninge') });
    expect(other.totals.reports).toBe(0);

    const otherSubproject = subprojectByKommun.get('Haninge')?.id ?? '';
    const api = await new HttpClient(t.baseUrl).api('GET', `/api/dashboard?subprojectId=${otherSubproject}`, undefined, leadToken);
    expect(api.status).toBe(403);
    expect(api.json<{ error: { message: string } }>().error.message).toBe('Du kan bara se översikten för ditt eget delprojekt.');
    expect((await lead.get(`/oversikt?subprojectId=${otherSubproject}`)).status).toBe(403);
    expect((await fetch(`${t.baseUrl}/oversikt/manad.csv?subprojectId=${otherSubproject}`, { headers: { authorization: `Bearer ${leadToken}` } })).status).toBe(403);

    const page = await lead.get('/oversikt');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<th scope="col">Väntar på åtgärd</th>');
    expect(page.text).not.toMatch(/>Öppna</);
    expect(page.text).not.toContain('MIA Östra Södertörn');
    expect(page.text).not.toContain('Haninge');
  });

  it('is closed to staff and administrators, and to anyone not signed in', async () => {
    for (const role of ['staff', 'admin'] as const) {
      const token = await createApiToken(t.app, await createUser(t.app, role));
      expect((await new HttpClient(t.baseUrl).api('GET', '/api/dashboard', undefined, token)).status).toBe(403);
      expect((await fetch(`${t.baseUrl}/oversikt`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
    }
    expect((await new HttpClient(t.baseUrl).get('/api/dashboard')).status).toBe(401);
    const anonymous = await new HttpClient(t.baseUrl).get('/oversikt');
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toContain('/logga-in');
  });

  it('refuses bad filters in Swedish: on the API as 400, on the page beside the field', async () => {
    const api = await new HttpClient(t.baseUrl).api('GET', '/api/dashboard?from=2020-02-30&party=XX', undefined, analystToken);
    expect(api.status).toBe(400);
    const fields = api.json<{ error: { fields: Array<{ field: string; message: string }> } }>().error.fields;
    expect(fields).toEqual(
      expect.arrayContaining([
        { field: 'from', message: 'Ange från-datum som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01.' },
        { field: 'party', message: 'Välj en part i listan: AF, FK, KOMMUN, REGION eller ANNAN.' },
      ]),
    );
    const reversed = await new HttpClient(t.baseUrl).api('GET', '/api/dashboard?from=2020-02-01&to=2020-01-01', undefined, analystToken);
    expect(reversed.status).toBe(400);
    const unknownKommun = await new HttpClient(t.baseUrl).api('GET', '/api/dashboard?municipalityId=00000000-0000-4000-8000-000000000000', undefined, analystToken);
    expect(unknownKommun.status).toBe(400);

    const page = await analyst.get('/oversikt?from=2020-02-01&to=2020-01-01');
    expect(page.status).toBe(400);
    expect(page.text).toContain('Det finns fel att rätta');
    expect(page.text).toContain('id="fel-to"');
    expect(page.text).toContain('Till-datum kan inte vara före från-datum.');
    expect((await analyst.get('/oversikt/okand.csv')).status).toBe(404);
  });

  it('draws each chart as an accessible SVG image with its table and a CSV link that keeps the filters', async () => {
    const filter = `?from=2018-01-01&category=gransnitt`;
    const page = await analyst.get(`/oversikt${filter}`);
    expect(page.status).toBe(200);
    const html = page.text;
    expect(html).toContain('<form method="get" action="/oversikt"');
    expect(html).toMatch(/<label for="falt-from">Rapporterad från och med/);
    expect(html).toMatch(/<input id="falt-from" name="from" type="date" value="2018-01-01"/);
    expect(html).toMatch(/<option value="gransnitt" selected>/);
    expect(html).toContain('<a href="/oversikt" aria-current="page">Översikt</a>');

    for (const key of ['kommun-kategori', 'manad', 'parter', 'handlaggningstid', 'forsenade']) {
      const section = html.slice(html.indexOf(`<section class="dashboard-chart" id="${key}"`), html.indexOf('</section>', html.indexOf(`id="${key}"`)));
      expect(section).toMatch(new RegExp(`<svg[^>]* role="img"[^>]* aria-labelledby="diagram-${key}-titel"`));
      expect(section).toMatch(new RegExp(`<title id="diagram-${key}-titel">[^<]+</title><desc id="diagram-${key}-beskrivning">[^<]+</desc>`));
      expect(section).toMatch(/<details class="chart-data">\s*<summary>Visa siffrorna som tabell/);
      expect(section).toMatch(/<table>\s*<caption id="tabell-[^"]+">[^<]+<\/caption>/);
      expect(section).toContain('<th scope="col">');
      expect(section).toContain('<th scope="row">');
      expect(section).toContain(`href="/oversikt/${key}.csv?from=2018-01-01&amp;category=gransnitt"`);
    }
    // The heatmap writes its value in every cell.
    const expected = expectedSamples({ from: '2018-01-01', category: 'gransnitt' });
    const heatSection = html.slice(html.indexOf('id="kommun-kategori"'), html.indexOf('</section>', html.indexOf('id="kommun-kategori"')));
    const svg = heatSection.slice(heatSection.indexOf('<svg'), heatSection.indexOf('</svg>'));
    const labelGroup = svg.slice(svg.indexOf('cell_label_marks'));
    const labels = [...labelGroup.slice(0, labelGroup.indexOf('</g>')).matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => Number(m[1]));
    expect(labels).toHaveLength(12);
    expect(labels.reduce((sum, n) => sum + n, 0)).toBe(expected.length);
    expect(html).toContain(`<strong>${expected.length}</strong> avvikelser`);
  });

  it('shows barriers and the effect of a skrivelse when the barrier tables have them, and "Inga hinder ännu" otherwise', async () => {
    // No barrier table at all (the barrier module not installed): the sections stay, empty.
    await db.query(`ALTER TABLE barrier RENAME TO barrier_bortflyttad_i_test`);
    try {
      const without = await dashboard(analystToken, {});
      expect(without.barriers).toEqual({ available: false, reason: 'Inga hinder ännu.' });
      expect(without.effect.available).toBe(false);
      expect((await analyst.get('/oversikt')).text).toContain('Inga hinder ännu.');
    } finally {
      await db.query(`ALTER TABLE barrier_bortflyttad_i_test RENAME TO barrier`);
    }
    // The table there but empty.
    expect((await dashboard(analystToken, {})).barriers.available).toBe(false);
    expect((await analyst.get('/oversikt')).text).toContain('Inga hinder ännu.');

    // The sample barriers, linked as truth.jsonl says; a letter about B01 sent 2019-01-15.
    const ids = new Map<string, string>();
    for (const code of [...new Set(truth.map((x) => x.barrier).filter((b): b is string => b !== null))].sort()) {
      const [row] = (await db.query(`INSERT INTO barrier (name, status) VALUES ($1, 'bekraftad') RETURNING id`, [`Hinder ${code}`])) as Array<{ id: string }>;
      ids.set(code, row.id);
    }
    await db.query(
      `INSERT INTO barrier_member (barrier_id, deviation_id, source)
       SELECT ($1::jsonb ->> t.code)::uuid, d.id, 'analyst'
         FROM jsonb_each_text($2::jsonb) AS t(external_id, code) JOIN deviation d ON d.external_id = t.external_id`,
      [JSON.stringify(Object.fromEntries(ids)), JSON.stringify(Object.fromEntries(truth.filter((x) => x.barrier).map((x) => [x.externalId, x.barrier])))],
    );
    const sentAt = new Date('2019-01-15T09:00:00Z');
    await db.query(
      `INSERT INTO letter (barrier_id, status, recipient, subject, evidence_snapshot, evidence_refreshed_at, reviewed_at, sent_at)
       VALUES ($1, 'skickad', 'Nationella rådet', 'Glapp mellan FK och AF', '{}'::jsonb, $2, $2, $2)`,
      [ids.get('B01'), sentAt],
    );

    const byBarrier = tally(
      truth.filter((x) => x.barrier),
      (x) => x.barrier as string,
    );
    const kommunOf = new Map(samples.map((s) => [s.externalId, s.kommun]));
    for (const [scope, token, filter] of [
      ['analyst', analystToken, {}],
      ['lead', leadToken, { subprojectId: leadSubprojectId }],
    ] as const) {
      const data = await dashboard(token, {});
      expect(data.barriers.available).toBe(true);
      if (!data.barriers.available) continue;
      const inScope = new Set(expectedSamples(filter).map((s) => s.externalId));
      const members = truth.filter((x) => x.barrier && inScope.has(x.externalId));
      const sizes = tally(members, (x) => x.barrier as string);
      expect(new Map(data.barriers.items.map((b) => [b.title, b.reports]))).toEqual(new Map([...sizes].map(([code, n]) => [`Hinder ${code}`, n])));
      for (const item of data.barriers.items) {
        const code = item.title.replace('Hinder ', '');
        const kommuner = new Set(members.filter((x) => x.barrier === code).map((x) => kommunOf.get(x.externalId)));
        expect([scope, item.title, item.municipalities]).toEqual([scope, item.title, kommuner.size]);
      }
      if (scope === 'analyst') expect(new Map(data.barriers.items.map((b) => [b.title, b.reports]))).toEqual(new Map([...byBarrier].map(([code, n]) => [`Hinder ${code}`, n])));

      const barrierCsv = await csv(token, 'hinder', {});
      expect(barrierCsv.header).toEqual(['Hinder', 'Avvikelser', 'Kommuner', 'Innevarande kvartal (hittills)', 'Senaste hela kvartalet', 'Kvartalet före', 'Trend']);
      // The three quarters the trend reads, newest first, each right under its heading.
      for (const item of data.barriers.items) {
        const row = barrierCsv.rows.find((r) => r[0] === item.title) as string[];
        const [current, lastWhole, before] = item.quarters.slice(-3).reverse().map((q) => `${q.label}: ${q.count}`);
        expect(row.slice(3, 6)).toEqual([current, lastWhole ?? '–', before ?? '–']);
      }
      expect(new Map(barrierCsv.rows.map((row) => [row[0], Number(row[1])]))).toEqual(new Map([...sizes].map(([code, n]) => [`Hinder ${code}`, n])));

      // Effect: B01's reports in the 12 months before the letter, and from it up to now (at most 12 months).
      // A lead whose delprojekt has none of B01's reports does not see it.
      if (!members.some((x) => x.barrier === 'B01')) {
        expect(scope).toBe('lead');
        expect(data.effect).toEqual({ available: false, reason: 'Inga hinder med skickad skrivelse eller lokal åtgärd har avvikelser med de valda filtren.' });
        expect((await csv(token, 'effekt', {})).rows).toEqual([]);
        continue;
      }
      expect(data.effect.available).toBe(true);
      if (!data.effect.available) continue;
      const b01 = members.filter((x) => x.barrier === 'B01').map((x) => samples.find((s) => s.externalId === x.externalId) as Sample);
      const yearBefore = new Date('2018-01-15T09:00:00Z');
      const yearAfter = new Date('2020-01-15T09:00:00Z');
      const before = b01.filter((s) => new Date(s.reportedAt) >= yearBefore && new Date(s.reportedAt) < sentAt).length;
      const after = b01.filter((s) => new Date(s.reportedAt) >= sentAt && new Date(s.reportedAt) < yearAfter).length;
      const [effect] = data.effect.items;
      if (scope === 'analyst') expect(Math.min(before, after)).toBeGreaterThan(0);
      expect(data.effect.items).toHaveLength(1);
      expect(effect).toMatchObject({ title: 'Hinder B01', action: 'skrivelse', date: '2019-01-15', note: 'Glapp mellan FK och AF', reportsBefore: before, reportsAfter: after, monthsAfter: 12 });
      const months = (from: Date, to: Date): number => (to.getTime() - from.getTime()) / 86_400_000 / (365.25 / 12);
      expect(effect.ratePerMonthBefore).toBe(Math.round((before / months(yearBefore, sentAt)) * 10) / 10);
      expect(effect.ratePerMonthAfter).toBe(Math.round((after / months(sentAt, yearAfter)) * 10) / 10);

      const effectCsv = await csv(token, 'effekt', {});
      expect(effectCsv.rows).toEqual([
        ['Hinder B01', 'Skrivelse skickad', '2019-01-15', 'Glapp mellan FK och AF', String(before), csvDecimal(effect.ratePerMonthBefore), '12', String(after), csvDecimal(effect.ratePerMonthAfter)],
      ]);
    }
    const page = await analyst.get('/oversikt');
    expect(page.text).not.toContain('Inga hinder ännu.');
    expect(page.text).toContain('aria-labelledby="diagram-hinder-titel"');
    expect(page.text).toContain('aria-labelledby="diagram-effekt-titel"');
  });
});
