import type { TopLevelSpec } from 'vega-lite';
import { CHART_AXIS, CHART_PRIMARY, CHART_SECONDARY, CHART_TEXT, heatColour, textColourOn } from './chart-colours';

/**
 * Vega-Lite specs for the chart shapes the app draws, data inline. Every mark carries its value as
 * text, so a reader never has to decode a colour or measure a bar.
 */

export interface HeatCell {
  row: string;
  column: string;
  value: number;
}

export interface HeatmapOptions {
  /** Row and column labels in display order. */
  rows: readonly string[];
  columns: readonly string[];
  cells: readonly HeatCell[];
  rowTitle: string;
  columnTitle: string;
  /** Width of one cell in pixels. */
  cellWidth?: number;
  /** Written in a cell with no value (e.g. "–" for a combination that cannot occur). */
  emptyLabel?: string;
}

/** Mark names: they become CSS classes in the SVG, which the specs' tests count. */
export const MARK_NAMES = { cell: 'cell', cellLabel: 'cell_label', bar: 'bar', barLabel: 'bar_label', point: 'point' } as const;

/** A matrix of counts: one coloured, labelled rectangle per cell. */
export function heatmapSpec(options: HeatmapOptions): TopLevelSpec {
  const max = Math.max(0, ...options.cells.map((cell) => cell.value));
  const values = options.cells.map((cell) => {
    const fill = heatColour(cell.value, max);
    return { row: cell.row, column: cell.column, value: cell.value, label: String(cell.value), fill, ink: textColourOn(fill) };
  });
  const cellWidth = options.cellWidth ?? 64;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    width: { step: cellWidth },
    height: { step: 28 },
    encoding: {
      x: {
        field: 'column',
        type: 'nominal',
        sort: [...options.columns],
        title: options.columnTitle,
        axis: { orient: 'top', labelAngle: -40, labelAlign: 'left', labelLimit: 180, domain: false, ticks: false },
        scale: { domain: [...options.columns] },
      },
      y: {
        field: 'row',
        type: 'nominal',
        sort: [...options.rows],
        title: options.rowTitle,
        axis: { labelLimit: 200, domain: false, ticks: false },
        scale: { domain: [...options.rows] },
      },
    },
    layer: [
      {
        name: MARK_NAMES.cell,
        mark: { type: 'rect', stroke: CHART_AXIS, strokeWidth: 0.5 },
        encoding: { fill: { field: 'fill', type: 'nominal', scale: null, legend: null } },
      },
      {
        name: MARK_NAMES.cellLabel,
        mark: { type: 'text', fontSize: 12, fontWeight: 'bold' },
        encoding: { text: { field: 'label', type: 'nominal' }, color: { field: 'ink', type: 'nominal', scale: null, legend: null } },
      },
    ],
  };
}

export interface Bar {
  label: string;
  value: number;
  /** Written at the end of the bar instead of the bare value, e.g. "12 (ökar)". */
  text?: string;
}

export interface BarChartOptions {
  bars: readonly Bar[];
  categoryTitle: string;
  valueTitle: string;
  /** Text after the value in the label, e.g. " d". */
  valueSuffix?: string;
  width?: number;
}

/** Horizontal bars, each with its value written at its end. */
export function horizontalBarSpec(options: BarChartOptions): TopLevelSpec {
  const suffix = options.valueSuffix ?? '';
  const values = options.bars.map((bar) => ({ category: bar.label, value: bar.value, label: bar.text ?? `${formatNumber(bar.value)}${suffix}` }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    width: options.width ?? 420,
    height: { step: 26 },
    encoding: {
      y: { field: 'category', type: 'nominal', sort: options.bars.map((bar) => bar.label), title: options.categoryTitle, axis: { labelLimit: 220 } },
      x: { field: 'value', type: 'quantitative', title: options.valueTitle, axis: { tickMinStep: 1, format: 'd' } },
    },
    layer: [
      { name: MARK_NAMES.bar, mark: { type: 'bar', color: CHART_PRIMARY } },
      {
        name: MARK_NAMES.barLabel,
        mark: { type: 'text', align: 'left', dx: 4, color: CHART_TEXT },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}

export interface MonthCount {
  /** YYYY-MM. */
  month: string;
  value: number;
}

/** Counts per month as bars over a time axis; each bar labelled when there is room (up to 36 months). */
export function monthlyBarSpec(options: { months: readonly MonthCount[]; valueTitle: string }): TopLevelSpec {
  const values = options.months.map((entry) => ({ month: `${entry.month}-01`, value: entry.value, label: String(entry.value) }));
  const labelled = values.length <= 36;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    width: Math.max(320, Math.min(900, values.length * 22)),
    height: 220,
    encoding: {
      x: {
        field: 'month',
        type: 'ordinal',
        timeUnit: 'utcyearmonth',
        title: 'Månad',
        axis: { format: '%b %Y', labelAngle: -50, labelOverlap: true },
      },
      y: { field: 'value', type: 'quantitative', title: options.valueTitle, axis: { tickMinStep: 1, format: 'd' } },
    },
    layer: [
      { name: MARK_NAMES.bar, mark: { type: 'bar', color: CHART_PRIMARY } },
      ...(labelled
        ? [
            {
              name: MARK_NAMES.barLabel,
              mark: { type: 'text' as const, baseline: 'bottom' as const, dy: -2, color: CHART_TEXT, fontSize: 10 },
              encoding: { text: { field: 'label', type: 'nominal' as const } },
            },
          ]
        : []),
    ],
  };
}

export interface PairedValue {
  /** The panel, e.g. "Tid till mottagen". */
  panel: string;
  category: string;
  /** The series, e.g. "Median" or "90:e percentilen". */
  series: string;
  value: number | null;
}

/**
 * Two series per category, side by side in each panel, e.g. the median and 90th percentile per
 * delprojekt. The series differ in shape (bar and a thinner, darker bar) and every bar carries
 * "<series>: <value>", so colour is never the only cue.
 */
export function pairedBarSpec(options: {
  values: readonly PairedValue[];
  panels: readonly string[];
  categories: readonly string[];
  series: readonly [string, string];
  categoryTitle: string;
  valueTitle: string;
  valueSuffix: string;
  /** Counts: ticks at whole numbers only, never "0,5 avvikelser". */
  wholeNumbers?: boolean;
}): TopLevelSpec {
  const values = options.values.map((entry) => ({
    ...entry,
    value: entry.value ?? 0,
    label: entry.value === null ? `${entry.series}: –` : `${entry.series}: ${formatNumber(entry.value)}${options.valueSuffix}`,
  }));
  // All zeros: Vega would make the domain [0, 0], put a lone 0 tick mid-panel and start the bars there.
  const allZero = values.every((entry) => entry.value === 0);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    facet: { column: { field: 'panel', type: 'nominal', sort: [...options.panels], title: null, header: { labelFontSize: 13 } } },
    spec: {
      width: 300,
      height: { step: 22 },
      encoding: {
        y: { field: 'category', type: 'nominal', sort: [...options.categories], title: options.categoryTitle, axis: { labelLimit: 260 } },
        yOffset: { field: 'series', type: 'nominal', sort: [...options.series] },
        x: {
          field: 'value',
          type: 'quantitative',
          title: options.valueTitle,
          ...(options.wholeNumbers ? { axis: allZero ? { values: [0, 1], format: 'd' } : { tickMinStep: 1, format: 'd' } } : {}),
          ...(allZero ? { scale: { domain: [0, 1] } } : {}),
        },
      },
      layer: [
        {
          name: MARK_NAMES.bar,
          mark: { type: 'bar' },
          encoding: {
            color: {
              field: 'series',
              type: 'nominal',
              scale: { domain: [...options.series], range: [CHART_PRIMARY, CHART_SECONDARY] },
              legend: { orient: 'bottom', title: null, labelLimit: 320 },
            },
          },
        },
        {
          name: MARK_NAMES.barLabel,
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: CHART_TEXT },
          encoding: { text: { field: 'label', type: 'nominal' } },
        },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}

/** 1 234,5 with a non-breaking thin space: as the charts' own axes write numbers. */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return rounded.toLocaleString('sv-SE', { maximumFractionDigits: 1 }).replace(/\u2212/g, '-');
}
