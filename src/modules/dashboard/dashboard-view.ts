import type { TopLevelSpec } from 'vega-lite';
import { toCsvLine } from '../../common/csv/csv';
import { formatNumber, heatmapSpec, horizontalBarSpec, monthlyBarSpec, pairedBarSpec, PairedValue } from '../../common/charts/chart-specs';
import { barrierDisplayName } from '../barrier/barrier-wording';
import { CATEGORY_LABELS, DEVIATION_PARTIES, DeviationCategory, PARTY_LABELS } from '../deviation/deviation.constants';
import { DashboardData } from './dashboard.types';
import { PARTY_SHORT_LABELS } from './dashboard.service';

/**
 * What the page shows for each chart: the Vega-Lite spec, a Swedish summary for screen readers,
 * and the table of exactly the numbers drawn, which is also the chart's CSV file. Pure.
 */

export const DASHBOARD_CHARTS = ['kommun-kategori', 'manad', 'parter', 'handlaggningstid', 'forsenade', 'hinder', 'effekt'] as const;
export type DashboardChartKey = (typeof DASHBOARD_CHARTS)[number];

export function isDashboardChart(value: string): value is DashboardChartKey {
  return (DASHBOARD_CHARTS as readonly string[]).includes(value);
}

export interface TableView {
  caption: string;
  /** Column headings; the first one heads the row headings. */
  columns: string[];
  rows: Array<{ header: string; cells: string[] }>;
}

export interface ChartView {
  key: DashboardChartKey;
  heading: string;
  /** The chart's accessible name. */
  title: string;
  summary: string;
  /** null: nothing to draw (then `empty` says why). */
  spec: TopLevelSpec | null;
  empty: string | null;
  /** Explains how to read the chart, shown under the heading. */
  intro: string;
  table: TableView;
  /**
   * A matrix whose labels would shrink past reading on a phone: there it keeps a readable width and
   * scrolls sideways in a keyboard-reachable region instead (WCAG 1.4.10 allows that for diagrams).
   */
  scrollOnPhone?: boolean;
}

/** Short category names for the heatmap's columns; the table uses the full ones. */
export const CATEGORY_SHORT_LABELS: Record<DeviationCategory, string> = {
  gransnitt: 'Gränssnitt',
  regelverk: 'Regelverk',
  informationsdelning: 'Informationsdelning',
  insats_saknas: 'Insats saknas',
  forsorjning: 'Försörjning',
  intern: 'Intern rutin',
  ovrigt: 'Övrigt',
};

const MONTH_NAMES = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

function monthName(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** Decimals with a comma, as Swedish Excel reads them; "–" where there is no value. */
function decimal(value: number | null): string {
  return value === null ? '–' : formatNumber(value).replace(/\s/g, '');
}

/** "1 dag", "1,5 dagar". */
function dayCount(value: number | null): string {
  return `${decimal(value)} ${value === 1 ? 'dag' : 'dagar'}`;
}

function count(value: number): string {
  return String(value);
}

function plural(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

function heatmapView(data: DashboardData): ChartView {
  const heat = data.byMunicipalityAndCategory;
  const rowTotals = heat.municipalities.map((m) => heat.cells.filter((c) => c.municipalityId === m.id).reduce((sum, c) => sum + c.count, 0));
  const columnTotals = heat.categories.map((cat) => heat.cells.filter((c) => c.category === cat.value).reduce((sum, c) => sum + c.count, 0));
  const top = [...heat.cells].sort((a, b) => b.count - a.count)[0];
  const total = rowTotals.reduce((sum, n) => sum + n, 0);
  const summary =
    total === 0
      ? 'Inga avvikelser med de valda filtren.'
      : `${plural(total, 'avvikelse', 'avvikelser')} fördelade på ${plural(heat.municipalities.length, 'kommun', 'kommuner')} och ${plural(heat.categories.length, 'kategori', 'kategorier')}. ` +
        `Flest i ${top.municipality}, kategori ${CATEGORY_LABELS[top.category].toLowerCase()}: ${top.count}.`;
  return {
    key: 'kommun-kategori',
    scrollOnPhone: true,
    heading: 'Avvikelser per kommun och kategori',
    title: 'Avvikelser per kommun och kategori',
    intro: 'Varje ruta visar antalet avvikelser för en kommun och en kategori. Mörkare ruta betyder fler avvikelser; antalet står i rutan.',
    summary,
    spec:
      heat.municipalities.length && heat.categories.length
        ? heatmapSpec({
            rows: heat.municipalities.map((m) => m.name),
            columns: heat.categories.map((c) => CATEGORY_SHORT_LABELS[c.value]),
            cells: heat.cells.map((c) => ({ row: c.municipality, column: CATEGORY_SHORT_LABELS[c.category], value: c.count })),
            rowTitle: 'Kommun',
            columnTitle: 'Kategori',
          })
        : null,
    empty: heat.municipalities.length ? null : 'Inga kommuner med de valda filtren.',
    table: {
      caption: 'Antal avvikelser per kommun (rader) och kategori (kolumner)',
      columns: ['Kommun', ...heat.categories.map((c) => c.label), 'Totalt'],
      rows: [
        ...heat.municipalities.map((m, i) => ({
          header: m.name,
          cells: [...heat.categories.map((cat) => count(heat.cells.find((c) => c.municipalityId === m.id && c.category === cat.value)?.count ?? 0)), count(rowTotals[i])],
        })),
        { header: 'Totalt', cells: [...columnTotals.map(count), count(total)] },
      ],
    },
  };
}

function monthView(data: DashboardData): ChartView {
  const months = data.byMonth;
  const total = months.reduce((sum, m) => sum + m.count, 0);
  const top = [...months].sort((a, b) => b.count - a.count || a.month.localeCompare(b.month))[0];
  const summary = months.length
    ? `Avvikelser per månad från ${monthName(months[0].month)} till ${monthName(months[months.length - 1].month)}: totalt ${formatNumber(total)}, ` +
      `i genomsnitt ${formatNumber(total / months.length)} per månad. Flest i ${monthName(top.month)}: ${top.count}.`
    : 'Inga avvikelser med de valda filtren.';
  return {
    key: 'manad',
    heading: 'Avvikelser per månad',
    title: 'Avvikelser per månad',
    intro: 'Antal rapporterade avvikelser per kalendermånad (svensk tid). En stapel per månad.',
    summary,
    spec: months.length ? monthlyBarSpec({ months: months.map((m) => ({ month: m.month, value: m.count })), valueTitle: 'Antal avvikelser' }) : null,
    empty: months.length ? null : 'Inga avvikelser med de valda filtren.',
    table: {
      caption: 'Antal avvikelser per månad',
      columns: ['Månad', 'Antal avvikelser'],
      rows: months.map((m) => ({ header: m.month, cells: [count(m.count)] })),
    },
  };
}

function pairsView(data: DashboardData): ChartView {
  const pairs = data.partyPairs;
  const perSubproject = data.subprojects.length > 1;
  const sorted = [...pairs].sort((a, b) => b.count - a.count);
  const topThree = sorted.filter((p) => p.count > 0).slice(0, 3);
  const summary =
    (topThree.length
      ? `Vanligaste parterna i avvikelserna: ${topThree.map((p) => `${p.label} (${p.count})`).join(', ')}.`
      : 'Inga avvikelser med angivna parter med de valda filtren.') +
    (data.totals.withoutParties ? ` ${plural(data.totals.withoutParties, 'avvikelse saknar', 'avvikelser saknar')} angiven part.` : '');
  const labels = DEVIATION_PARTIES.map((p) => PARTY_SHORT_LABELS[p]);
  return {
    key: 'parter',
    scrollOnPhone: true,
    heading: 'Gränssnitt: vilka parter möts i avvikelserna',
    title: 'Avvikelser per par av berörda parter',
    intro:
      'Varje ruta ovanför diagonalen räknar avvikelser där båda parterna är berörda; en avvikelse med tre parter räknas i alla tre paren. ' +
      'Rutorna på diagonalen räknar avvikelser där bara den parten är angiven.',
    summary,
    spec: heatmapSpec({
      rows: labels,
      columns: labels,
      cells: pairs.map((p) => ({ row: PARTY_SHORT_LABELS[p.parties[0]], column: PARTY_SHORT_LABELS[p.parties[1]], value: p.count })),
      rowTitle: 'Part',
      columnTitle: 'Part',
      cellWidth: 76,
    }),
    empty: null,
    table: {
      caption: perSubproject ? 'Antal avvikelser per par av parter och delprojekt' : 'Antal avvikelser per par av parter',
      columns: ['Parter', ...(perSubproject ? data.subprojects.map((s) => s.name) : []), perSubproject ? 'Totalt' : 'Antal avvikelser'],
      rows: sorted.map((p) => ({
        header: p.label,
        cells: [...(perSubproject ? p.bySubproject.map((s) => count(s.count)) : []), count(p.count)],
      })),
    },
  };
}

function handlingTimeView(data: DashboardData): ChartView {
  const rows = data.handlingTimes;
  const panels = ['Tid till mottagen', 'Tid till åtgärd'] as const;
  const series = ['Median', '90:e percentilen'] as const;
  const values: PairedValue[] = rows.flatMap((r) => [
    { panel: panels[0], category: r.subproject, series: series[0], value: r.accept.medianDays },
    { panel: panels[0], category: r.subproject, series: series[1], value: r.accept.p90Days },
    { panel: panels[1], category: r.subproject, series: series[0], value: r.resolve.medianDays },
    { panel: panels[1], category: r.subproject, series: series[1], value: r.resolve.p90Days },
  ]);
  const slowest = [...rows].filter((r) => r.resolve.medianDays !== null).sort((a, b) => (b.resolve.medianDays ?? 0) - (a.resolve.medianDays ?? 0))[0];
  const fastest = [...rows].filter((r) => r.accept.medianDays !== null).sort((a, b) => (a.accept.medianDays ?? 0) - (b.accept.medianDays ?? 0))[0];
  const anyData = rows.some((r) => r.accept.count > 0 || r.resolve.count > 0);
  const summary = anyData
    ? [
        fastest ? `Kortast mediantid till mottagen: ${fastest.subproject}, ${dayCount(fastest.accept.medianDays)}.` : '',
        slowest ? `Längst mediantid till åtgärd: ${slowest.subproject}, ${dayCount(slowest.resolve.medianDays)} (90:e percentilen ${dayCount(slowest.resolve.p90Days)}).` : '',
      ]
        .filter(Boolean)
        .join(' ')
    : 'Inga mottagna eller åtgärdade avvikelser med de valda filtren.';
  return {
    key: 'handlaggningstid',
    heading: 'Handläggningstid per delprojekt',
    title: 'Tid till mottagen och till åtgärd per delprojekt, i dagar',
    intro:
      'Dagar från att avvikelsen rapporterades till att den togs emot, och till att den åtgärdades lokalt, eskalerades eller avslutades. ' +
      'Medianen är den typiska tiden; 90:e percentilen visar hur lång tid de långsammaste tio procenten tar.',
    summary,
    spec: anyData
      ? pairedBarSpec({
          values,
          panels,
          categories: rows.map((r) => r.subproject),
          series,
          categoryTitle: 'Delprojekt',
          valueTitle: 'Dagar',
          valueSuffix: ' d',
        })
      : null,
    empty: anyData ? null : 'Inga mottagna eller åtgärdade avvikelser med de valda filtren.',
    table: {
      caption: 'Tid i dagar från rapport till mottagen och till åtgärd, per delprojekt',
      columns: [
        'Delprojekt',
        'Avvikelser',
        'Mottagna',
        'Median till mottagen (dagar)',
        '90:e percentilen till mottagen (dagar)',
        'Åtgärdade',
        'Median till åtgärd (dagar)',
        '90:e percentilen till åtgärd (dagar)',
      ],
      rows: rows.map((r) => ({
        header: r.subproject,
        cells: [
          count(r.reports),
          count(r.accept.count),
          decimal(r.accept.medianDays),
          decimal(r.accept.p90Days),
          count(r.resolve.count),
          decimal(r.resolve.medianDays),
          decimal(r.resolve.p90Days),
        ],
      })),
    },
  };
}

function overdueView(data: DashboardData, acceptDays: number, resolveDays: number): ChartView {
  const rows = data.overdue;
  const series = ['Ej mottagna i tid', 'Ej åtgärdade i tid'] as const;
  const notAccepted = rows.reduce((sum, r) => sum + r.notAccepted, 0);
  const notResolved = rows.reduce((sum, r) => sum + r.notResolved, 0);
  const worst = [...rows].sort((a, b) => b.notResolved - a.notResolved)[0];
  const summary =
    notAccepted + notResolved === 0
      ? 'Inga försenade avvikelser med de valda filtren.'
      : `${plural(notAccepted, 'avvikelse', 'avvikelser')} har inte tagits emot i tid och ${plural(notResolved, 'avvikelse', 'avvikelser')} har inte åtgärdats i tid.` +
        (worst && worst.notResolved ? ` Flest ej åtgärdade i tid: ${worst.subproject} (${worst.notResolved}).` : '');
  return {
    key: 'forsenade',
    heading: 'Försenade avvikelser per delprojekt',
    title: 'Försenade avvikelser per delprojekt',
    intro:
      `En avvikelse ska tas emot inom ${acceptDays} arbetsdagar och åtgärdas, eskaleras eller avslutas inom ${resolveDays} dagar. ` +
      'Här räknas de som i dag har passerat gränsen; för importerade avvikelser räknas fristerna från importen. Väntar på åtgärd: ny, mottagen eller under utredning.',
    summary,
    spec: rows.length
      ? pairedBarSpec({
          values: rows.flatMap((r) => [
            { panel: 'Försenade i dag', category: r.subproject, series: series[0], value: r.notAccepted },
            { panel: 'Försenade i dag', category: r.subproject, series: series[1], value: r.notResolved },
          ]),
          panels: ['Försenade i dag'],
          categories: rows.map((r) => r.subproject),
          series,
          categoryTitle: 'Delprojekt',
          valueTitle: 'Antal avvikelser',
          valueSuffix: '',
          wholeNumbers: true,
        })
      : null,
    empty: rows.length ? null : 'Inga delprojekt med de valda filtren.',
    table: {
      caption: 'Avvikelser som väntar på åtgärd och försenade, per delprojekt',
      // Not "Öppna": elsewhere (start page, queue, API status=open) that is everything not yet avslutad.
      columns: ['Delprojekt', 'Väntar på åtgärd', 'Ej mottagna i tid', 'Ej åtgärdade i tid'],
      rows: rows.map((r) => ({ header: r.subproject, cells: [count(r.open), count(r.notAccepted), count(r.notResolved)] })),
    },
  };
}

const TREND_LABELS = { okar: 'ökar', minskar: 'minskar', oforandrad: 'oförändrad', tyst: 'tyst' } as const;

function quarterText(quarter: { label: string; count: number } | undefined): string {
  return quarter ? `${quarter.label}: ${quarter.count}` : '–';
}

function barrierView(data: DashboardData): ChartView {
  const section = data.barriers;
  // Pages and CSV name a barrier as the barrier page does (the API keeps the stored name).
  const items = (section.available ? section.items : []).map((b) => ({ ...b, title: barrierDisplayName(b.title) }));
  return {
    key: 'hinder',
    heading: 'Strukturella hinder: storlek och trend',
    title: 'Avvikelser per strukturellt hinder',
    intro: 'Antal avvikelser som hör till varje hinder med de valda filtren, och trenden efter när det hände, som på sidan Hinder: det senaste hela kvartalet jämfört med kvartalet före, ökar redan om innevarande kvartal har fler, tyst om varken innevarande eller förra kvartalet har någon.',
    summary: items.length
      ? `Störst: ${items[0].title} med ${plural(items[0].reports, 'avvikelse', 'avvikelser')} i ${plural(items[0].municipalities, 'kommun', 'kommuner')}, ${TREND_LABELS[items[0].trend]}.`
      : section.available
        ? 'Inga hinder ännu.'
        : section.reason,
    spec: items.length
      ? horizontalBarSpec({
          bars: items.map((b) => ({ label: b.title, value: b.reports, text: `${b.reports} (${TREND_LABELS[b.trend]})` })),
          categoryTitle: 'Hinder',
          valueTitle: 'Antal avvikelser',
        })
      : null,
    empty: items.length ? null : section.available ? 'Inga hinder ännu.' : section.reason,
    table: {
      caption: 'Avvikelser per strukturellt hinder',
      // The three quarters the trend reads (see the intro): the running one, the last whole one and the one before.
      // Showing only the running quarter and the last whole one read as "K4: 0, K3: 1, ökar", which the trend is not.
      columns: ['Hinder', 'Avvikelser', 'Kommuner', 'Innevarande kvartal (hittills)', 'Senaste hela kvartalet', 'Kvartalet före', 'Trend'],
      rows: items.map((b) => ({
        header: b.title,
        cells: [
          count(b.reports),
          count(b.municipalities),
          quarterText(b.quarters[b.quarters.length - 1]),
          quarterText(b.quarters[b.quarters.length - 2]),
          quarterText(b.quarters[b.quarters.length - 3]),
          TREND_LABELS[b.trend],
        ],
      })),
    },
  };
}

function effectView(data: DashboardData): ChartView {
  const section = data.effect;
  const items = (section.available ? section.items : []).map((e) => ({ ...e, title: barrierDisplayName(e.title) }));
  const label = (e: (typeof items)[number]): string => `${e.title} (${e.actionLabel.toLowerCase()} ${e.date})`;
  return {
    key: 'effekt',
    heading: 'Effekt av skrivelser och lokala åtgärder',
    title: 'Avvikelser per månad före och efter en skrivelse eller lokal åtgärd',
    intro:
      'För hinder med en skickad skrivelse eller en lokal åtgärd: avvikelser per månad under tolv månader före datumet och efter det (högst tolv månader, fram till i dag). ' +
      'Periodfiltret gäller inte här; de övriga filtren gäller.',
    summary: items.length
      ? items
          .slice(0, 3)
          .map((e) => `${label(e)}: ${decimal(e.ratePerMonthBefore)} per månad före, ${e.ratePerMonthAfter === null ? 'för tidigt att säga efter' : `${decimal(e.ratePerMonthAfter)} per månad efter`}.`)
          .join(' ')
      : section.available
        ? 'Inga skrivelser eller lokala åtgärder ännu.'
        : section.reason,
    spec: items.length
      ? pairedBarSpec({
          values: items.flatMap((e) => [
            { panel: 'Avvikelser per månad', category: label(e), series: 'Före', value: e.ratePerMonthBefore },
            { panel: 'Avvikelser per månad', category: label(e), series: 'Efter', value: e.ratePerMonthAfter },
          ]),
          panels: ['Avvikelser per månad'],
          categories: items.map(label),
          series: ['Före', 'Efter'],
          categoryTitle: 'Hinder',
          valueTitle: 'Avvikelser per månad',
          valueSuffix: '',
        })
      : null,
    empty: items.length ? null : section.available ? 'Inga skrivelser eller lokala åtgärder ännu.' : section.reason,
    table: {
      caption: 'Avvikelser före och efter en skrivelse eller lokal åtgärd',
      columns: ['Hinder', 'Åtgärd', 'Datum', 'Vad', 'Avvikelser 12 månader före', 'Per månad före', 'Månader efter', 'Avvikelser efter', 'Per månad efter'],
      rows: items.map((e) => ({
        header: e.title,
        cells: [e.actionLabel, e.date, e.note ?? '–', count(e.reportsBefore), decimal(e.ratePerMonthBefore), decimal(e.monthsAfter), count(e.reportsAfter), decimal(e.ratePerMonthAfter)],
      })),
    },
  };
}

export interface ViewOptions {
  acceptWithinWorkingDays: number;
  resolveWithinDays: number;
}

export function buildChartViews(data: DashboardData, options: ViewOptions): ChartView[] {
  return [
    heatmapView(data),
    monthView(data),
    pairsView(data),
    handlingTimeView(data),
    overdueView(data, options.acceptWithinWorkingDays, options.resolveWithinDays),
    barrierView(data),
    effectView(data),
  ];
}

/** The table as a file Swedish Excel opens as it is: BOM, semicolons, CRLF, decimal commas. */
export function tableToCsv(table: TableView): string {
  return '\ufeff' + toCsvLine(table.columns, ';') + table.rows.map((row) => toCsvLine([row.header, ...row.cells], ';')).join('');
}

/** Full party names, for the filter form. */
export const PARTY_OPTIONS = DEVIATION_PARTIES.map((value) => ({ value, label: PARTY_LABELS[value] }));
