import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { TopLevelSpec } from 'vega-lite';
import type { Config } from 'vega-lite/build/src/config';
import { CHART_AXIS, CHART_BACKGROUND, CHART_TEXT } from './chart-colours';
import { loadVega, VegaModules } from './vega-loader';

/** One chart to draw: a Vega-Lite spec with its data inline, and the Swedish words that describe it. */
export interface ChartRequest {
  /** Unique on the page: the ids of the chart's <title> and <desc> derive from it. */
  id: string;
  /** Short name, e.g. "Avvikelser per kommun och kategori". */
  title: string;
  /** What the chart shows, in a sentence or two, for screen readers (and as the <desc>). */
  summary: string;
  spec: TopLevelSpec;
}

/** Swedish number and date formats for axes and labels: 1 234,5 and "jan 2026". */
const SWEDISH_LOCALE: NonNullable<Config['locale']> = {
  number: { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', '\u00a0kr'] },
  time: {
    dateTime: '%A %e %B %Y %X',
    date: '%Y-%m-%d',
    time: '%H:%M:%S',
    periods: ['fm', 'em'],
    days: ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'],
    shortDays: ['sön', 'mån', 'tis', 'ons', 'tor', 'fre', 'lör'],
    months: ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'],
    shortMonths: ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'],
  },
};

/** Readable on white (see chart-colours.ts); per-mark ARIA is off because the whole chart is one image with a text alternative. */
const BASE_CONFIG: Config = {
  background: CHART_BACKGROUND,
  aria: false,
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif',
  locale: SWEDISH_LOCALE,
  axis: {
    labelColor: CHART_TEXT,
    titleColor: CHART_TEXT,
    domainColor: CHART_AXIS,
    tickColor: CHART_AXIS,
    gridColor: '#e0e0e0',
    labelFontSize: 12,
    titleFontSize: 12,
  },
  header: { labelColor: CHART_TEXT, titleColor: CHART_TEXT, labelFontSize: 13, labelFontWeight: 'bold' },
  legend: { labelColor: CHART_TEXT, titleColor: CHART_TEXT, labelFontSize: 12 },
  title: { color: CHART_TEXT },
  text: { color: CHART_TEXT, fontSize: 12 },
  view: { stroke: null },
};

const CACHE_SIZE = 200;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** Ids must be safe in an attribute and a CSS/HTML id. */
function safeId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * Turns Vega's SVG into one accessible image: role="img" named by a <title> and described by a
 * <desc>, both first in the element; no hard width, so it shrinks on narrow screens. Vega's roles
 * inside (e.g. an empty mark group's role="graphics-symbol") go too: they would be unnamed images
 * inside the image (axe svg-img-alt).
 */
export function makeAccessible(svg: string, request: Pick<ChartRequest, 'id' | 'title' | 'summary'>): string {
  const id = safeId(request.id);
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error('Vega gav ingen SVG');
  const attributes = open[0]
    .replace(/^<svg|>$/g, '')
    .replace(/\s(role|aria-[a-z]+|focusable|class)="[^"]*"/g, '');
  const width = /\swidth="([\d.]+)"/.exec(attributes)?.[1];
  const head =
    `<svg${attributes} class="chart-svg" role="img" focusable="false" aria-labelledby="${id}-titel" aria-describedby="${id}-beskrivning"` +
    (width ? ` style="max-width:100%;height:auto" data-width="${width}"` : '') +
    `><title id="${id}-titel">${escapeXml(request.title)}</title><desc id="${id}-beskrivning">${escapeXml(request.summary)}</desc>`;
  const body = svg.slice(open[0].length).replace(/<[^>]+>/g, (tag) => tag.replace(/\s(role|aria-[a-z]+)="[^"]*"/g, ''));
  return head + body;
}

/**
 * Draws Vega-Lite charts as SVG on the server: no browser, no fonts, no network (the loader refuses
 * every URL, so data must be inline). The same request gives the same SVG, so results are cached.
 */
@Injectable()
export class ChartRenderer {
  private readonly logger = new Logger(ChartRenderer.name);
  private readonly cache = new Map<string, string>();

  async render(request: ChartRequest): Promise<string> {
    const key = createHash('sha256').update(JSON.stringify(request)).digest('base64url');
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      // Re-insert: the Map's order is the least-recently-used order.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const svg = makeAccessible(await this.toSvg(request.spec), request);
    this.cache.set(key, svg);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return svg;
  }

  /** Loads vega ahead of the first page, so the first visitor does not wait for it. */
  async warmUp(): Promise<void> {
    await loadVega();
  }

  private async toSvg(spec: TopLevelSpec): Promise<string> {
    const modules: VegaModules = await loadVega();
    const { vega, vegaLite } = modules;
    const config = mergeConfig(BASE_CONFIG, spec.config);
    const compiled = vegaLite.compile({ ...spec, config } as TopLevelSpec, {
      logger: this.vegaLogger(modules),
    }).spec;
    const refuse = (): Promise<never> => Promise.reject(new Error('Diagram hämtar inga data över nätet'));
    const loader = { ...vega.loader(), load: refuse, sanitize: refuse, http: refuse, file: refuse };
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader, logger: this.vegaLogger(modules) });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }

  private vegaLogger({ vega }: VegaModules): ReturnType<VegaModules['vega']['logger']> {
    // Vega passes the message parts as an array or as an arguments object, depending on the version.
    return vega.logger(vega.Warn, 'warn', (_method, _level, args) => this.logger.warn(`Vega: ${Array.from(args as ArrayLike<unknown>, String).join(' ')}`));
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The spec's own config wins, key by key one level down (axis, legend …). */
function mergeConfig(base: Config, own: Config | undefined): Config {
  if (!own) return base;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(own)) {
    const current = merged[key];
    merged[key] = isRecord(current) && isRecord(value) ? { ...current, ...value } : value;
  }
  return merged as Config;
}
