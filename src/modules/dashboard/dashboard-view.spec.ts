import { ChartRenderer } from '../../common/charts/chart-renderer';
import { parseCsv } from '../../common/csv/csv';
import { barrierSchemaFrom } from './dashboard-barrier.query';
import { filterQuery } from './dashboard.controller';
import { monthRange, sumCounts } from './dashboard.service';
import { DashboardData } from './dashboard.types';
import { buildChartViews, tableToCsv } from './dashboard-view';

function data(overrides: Partial<DashboardData> = {}): DashboardData {
  return {
    generatedAt: '2026-11-23T10:00:00.000Z',
    filters: { from: null, to: null, subproject: null, municipality: null, category: null, party: null },
    subprojects: [{ id: 's1', name: 'MIA Södertälje' }],
    totals: { reports: 3, withoutParties: 1 },
    byMunicipalityAndCategory: {
      municipalities: [{ id: 'm1', name: 'Södertälje' }],
      categories: [{ value: 'gransnitt', label: 'Gränssnitt mellan huvudmän' }],
      cells: [{ municipalityId: 'm1', municipality: 'Södertälje', category: 'gransnitt', count: 3 }],
    },
    byMonth: [{ month: '2026-10', count: 1 }, { month: '2026-11', count: 2 }],
    partyPairs: [],
    handlingTimes: [
      {
        subprojectId: 's1',
        subproject: 'MIA Södertälje',
        reports: 3,
        accept: { count: 2, medianDays: 1.5, p90Days: 1234.5 },
        resolve: { count: 0, medianDays: null, p90Days: null },
      },
    ],
    overdue: [{ subprojectId: 's1', subproject: 'MIA Södertälje', open: 2, notAccepted: 1, notResolved: 0 }],
    barriers: { available: false, reason: 'Inga hinder ännu.' },
    effect: { available: false, reason: 'Inga hinder ännu.' },
    ...overrides,
  };
}

describe('tableToCsv', () => {
  it('writes a file Swedish Excel opens: BOM, semicolons, CRLF, decimal commas, Swedish headings', () => {
    const view = buildChartViews(data(), { acceptWithinWorkingDays: 2, resolveWithinDays: 30 }).find((v) => v.key === 'handlaggningstid');
    const csv = tableToCsv(view?.table ?? { caption: '', columns: [], rows: [] });
    expect(csv.startsWith('\ufeffDelprojekt;Avvikelser;Mottagna;Median till mottagen (dagar);')).toBe(true);
    expect(csv).toContain('\r\nMIA Södertälje;3;2;1,5;1234,5;0;–;–\r\n');
    expect(parseCsv(csv, ';').map((record) => record.fields)).toEqual([view?.table.columns, ['MIA Södertälje', ...(view?.table.rows[0].cells ?? [])]]);
  });

  it('defuses a barrier name that looks like a formula', () => {
    expect(tableToCsv({ caption: '', columns: ['Hinder'], rows: [{ header: '=HYPERLINK("x")', cells: [] }] })).toContain(`"'=HYPERLINK(""x"")"`);
  });
});

describe('buildChartViews', () => {
  it('says in Swedish when there are no barriers, and draws nothing for them', () => {
    const views = buildChartViews(data(), { acceptWithinWorkingDays: 2, resolveWithinDays: 30 });
    const barriers = views.find((v) => v.key === 'hinder');
    expect(barriers?.spec).toBeNull();
    expect(barriers?.empty).toBe('Inga hinder ännu.');
    expect(views.find((v) => v.key === 'handlaggningstid')?.summary).toBe('Kortast mediantid till mottagen: MIA Södertälje, 1,5 dagar.');
    expect(views.find((v) => v.key === 'forsenade')?.intro).toContain('inom 2 arbetsdagar');
  });
});

describe('sumCounts', () => {
  it('adds up the grouping sets: kommun × category, party sets, reports per delprojekt and months', () => {
    const raw = sumCounts([
      { kind: 'cell', municipality_id: 'm1', subproject_id: 's1', category: 'gransnitt', parties: ['AF', 'FK'], month: null, n: 2 },
      { kind: 'cell', municipality_id: 'm1', subproject_id: 's1', category: 'gransnitt', parties: [], month: null, n: 1 },
      { kind: 'cell', municipality_id: 'm2', subproject_id: 's2', category: 'ovrigt', parties: ['AF', 'FK'], month: null, n: 4 },
      { kind: 'month', municipality_id: null, subproject_id: null, category: null, parties: null, month: '2026-11', n: 2 },
      { kind: 'month', municipality_id: null, subproject_id: null, category: null, parties: null, month: '2026-10', n: 5 },
    ]);
    expect(raw.heat).toEqual([
      { municipality_id: 'm1', category: 'gransnitt', n: 3 },
      { municipality_id: 'm2', category: 'ovrigt', n: 4 },
    ]);
    expect(raw.monthly).toEqual([{ month: '2026-10', n: 5 }, { month: '2026-11', n: 2 }]);
    expect(raw.party_sets).toHaveLength(3);
    expect(raw.reports).toEqual(new Map([['s1', 3], ['s2', 4]]));
  });
});

describe('monthRange', () => {
  it('runs over year ends, inclusive', () => {
    expect(monthRange('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-03', '2026-02')).toEqual([]);
  });
});

describe('barrierSchemaFrom', () => {
  const column = (table_name: string, column_name: string): { table_name: string; column_name: string } => ({ table_name, column_name });

  it('is null while the barrier module is not installed, or has no link to reports', () => {
    expect(barrierSchemaFrom([])).toBeNull();
    expect(barrierSchemaFrom([column('barrier', 'id'), column('barrier', 'name')])).toBeNull();
  });

  it('reads the barrier module’s tables: name, barrier_member, letter.sent_at, status', () => {
    expect(
      barrierSchemaFrom([
        column('barrier', 'id'),
        column('barrier', 'name'),
        column('barrier', 'status'),
        column('barrier_member', 'barrier_id'),
        column('barrier_member', 'deviation_id'),
        column('barrier_exclusion', 'barrier_id'),
        column('barrier_exclusion', 'deviation_id'),
        column('letter', 'barrier_id'),
        column('letter', 'sent_at'),
      ]),
    ).toEqual({
      titleColumn: 'name',
      hasStatus: true,
      link: { kind: 'table', table: 'barrier_member' },
      letterSentColumn: 'sent_at',
      letterSubjectColumn: null,
      fixColumn: null,
      fixNoteColumn: null,
    });
  });

  it('finds the local fix (migration 1763900000800) and the letter’s subject when they are there', () => {
    expect(
      barrierSchemaFrom([
        column('barrier', 'id'),
        column('barrier', 'name'),
        column('barrier', 'local_fix_at'),
        column('barrier', 'local_fix_note'),
        column('barrier_member', 'barrier_id'),
        column('barrier_member', 'deviation_id'),
        column('letter', 'barrier_id'),
        column('letter', 'sent_at'),
        column('letter', 'subject'),
      ]),
    ).toMatchObject({ letterSentColumn: 'sent_at', letterSubjectColumn: 'subject', fixColumn: 'local_fix_at', fixNoteColumn: 'local_fix_note' });
  });
});

describe('the effect chart', () => {
  it('names the event of each row in Swedish, and shows a letter and a local fix of one barrier as two rows', () => {
    const effect = (action: 'skrivelse' | 'lokal_atgard', date: string, note: string) => ({
      barrierId: 'b1',
      title: 'Samtycke saknas',
      action,
      actionLabel: action === 'skrivelse' ? 'Skrivelse skickad' : 'Lokal åtgärd',
      date,
      note,
      monthsBefore: 12,
      reportsBefore: 24,
      ratePerMonthBefore: 2,
      monthsAfter: 6.5,
      reportsAfter: 3,
      ratePerMonthAfter: 0.5,
    });
    const views = buildChartViews(
      data({ effect: { available: true, items: [effect('lokal_atgard', '2026-05-10', 'Rutin för gemensamt samtycke införd i Haninge'), effect('skrivelse', '2026-03-01', 'Samtycke')] } }),
      { acceptWithinWorkingDays: 2, resolveWithinDays: 30 },
    );
    const view = views.find((v) => v.key === 'effekt');
    expect(view?.summary).toContain('Samtycke saknas (lokal åtgärd 2026-05-10): 2 per månad före, 0,5 per månad efter.');
    expect(view?.summary).toContain('Samtycke saknas (skrivelse skickad 2026-03-01)');
    expect(view?.table.rows.map((row) => [row.header, ...row.cells])).toEqual([
      ['Samtycke saknas', 'Lokal åtgärd', '2026-05-10', 'Rutin för gemensamt samtycke införd i Haninge', '24', '2', '6,5', '3', '0,5'],
      ['Samtycke saknas', 'Skrivelse skickad', '2026-03-01', 'Samtycke', '24', '2', '6,5', '3', '0,5'],
    ]);
    expect(JSON.stringify(view?.spec)).toContain('Samtycke saknas (lokal åtgärd 2026-05-10)');
  });
});

describe('filterQuery', () => {
  it('keeps only the filters that are set, for links that keep the view', () => {
    expect(filterQuery({ from: '2026-01-01', category: 'gransnitt', party: undefined })).toBe('?from=2026-01-01&category=gransnitt');
    expect(filterQuery({})).toBe('');
  });
});

describe('the overdue chart with nothing overdue', () => {
  it('starts its axis at 0 on the left with whole-number ticks, instead of a lone 0 mid-panel', async () => {
    const overdue = ['MIA Östra Södertörn', 'MIA HBS'].map((name, i) => ({ subprojectId: `s${i}`, subproject: name, open: 3, notAccepted: 0, notResolved: 0 }));
    const view = buildChartViews(data({ overdue }), { acceptWithinWorkingDays: 2, resolveWithinDays: 30 }).find((v) => v.key === 'forsenade');
    if (!view?.spec) throw new Error('inget diagram');
    const svg = await new ChartRenderer().render({ id: 'forsenade', title: view.title, summary: view.summary, spec: view.spec });
    const ticks = [...svg.matchAll(/<text text-anchor="\w+" transform="translate\(([\d.]+),16\)"[^>]*>([^<]*)<\/text>/g)].map((m) => [Number(m[1]), m[2]]);
    expect(ticks).toEqual([
      [0, '0'],
      [300, '1'],
    ]);
    // Every bar label starts at the left edge of the panel.
    const labelX = [...svg.matchAll(/<text text-anchor="start" transform="translate\(([\d.]+),[\d.]+\)"[^>]*>Ej [^<]*: 0<\/text>/g)].map((m) => Number(m[1]));
    expect(labelX).toHaveLength(4);
    for (const x of labelX) expect(x).toBeLessThan(10);
  });
});
