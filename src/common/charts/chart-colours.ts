/**
 * Chart colours chosen for WCAG 2.1 AA: text on a chart reaches 4.5:1 against what it sits on,
 * bars and lines 3:1 against the white background. Values are always written out as well,
 * so no chart depends on colour alone.
 */

export const CHART_BACKGROUND = '#ffffff';
/** Body text on white: 17.4:1. */
export const CHART_TEXT = '#1a1a1a';
/** Axis lines and ticks on white: 7:1. */
export const CHART_AXIS = '#595959';
/** Bars and lines: dark blue on white, 8.7:1. */
export const CHART_PRIMARY = '#1f4e79';
/** A second series, told apart by shape and label too, never by colour alone: 6.1:1. */
export const CHART_SECONDARY = '#a34700';

/** Light to dark (sequential blues); index 0 is the colour of an empty cell. */
export const HEAT_SCALE: readonly string[] = ['#ffffff', '#deebf7', '#9ecae1', '#4a98c9', '#2171b5', '#08519c', '#08306b'];

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of #rrggbb. */
export function relativeLuminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new RangeError(`Ogiltig färg: ${hex}`);
  const [r, g, b] = match.slice(1).map((part) => channel(parseInt(part, 16)));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** Dark text on light fills, white on dark ones: whichever reads better. */
export function textColourOn(fill: string): string {
  return contrastRatio(fill, CHART_TEXT) >= contrastRatio(fill, '#ffffff') ? CHART_TEXT : '#ffffff';
}

/** The heat colour of a count: 0 is white, the largest count the darkest step. */
export function heatColour(value: number, max: number): string {
  if (value <= 0 || max <= 0) return HEAT_SCALE[0];
  const steps = HEAT_SCALE.length - 1;
  return HEAT_SCALE[Math.min(steps, Math.max(1, Math.ceil((value / max) * steps)))];
}
