import { CHART_TEXT, contrastRatio, HEAT_SCALE, heatColour, textColourOn } from './chart-colours';
import { ChartRenderer, makeAccessible } from './chart-renderer';
import { heatmapSpec, horizontalBarSpec, monthlyBarSpec } from './chart-specs';

/** Well-formed XML, in the small way SVG from Vega needs: every tag closed in order, one root. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  let roots = 0;
  for (const match of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (closing) {
      expect(stack.pop()).toBe(name);
    } else if (!selfClosing) {
      if (stack.length === 0) roots += 1;
      stack.push(name);
    } else if (stack.length === 0) {
      roots += 1;
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  expect(svg.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
}

/** The mark group Vega names after a layer's `name`. */
function markGroup(svg: string, name: string): string {
  return groupWithClass(svg, `${name}_marks`);
}

function groupWithClass(svg: string, className: string): string {
  const start = svg.indexOf(className);
  expect(start).toBeGreaterThan(-1);
  const open = svg.lastIndexOf('<g', start);
  let depth = 0;
  for (const match of svg.slice(open).matchAll(/<(\/?)g\b[^>]*>/g)) {
    depth += match[1] ? -1 : 1;
    if (depth === 0) return svg.slice(open, open + (match.index ?? 0) + match[0].length);
  }
  throw new Error(`Gruppen ${className} slutar aldrig`);
}

function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
}

describe('ChartRenderer', () => {
  const renderer = new ChartRenderer();

  it('draws a bar chart as one accessible SVG image with a Swedish title and description', async () => {
    const svg = await renderer.render({
      id: 'stapel test',
      title: 'Avvikelser per kommun & kategori',
      summary: 'Flest i Haninge: 12.',
      spec: horizontalBarSpec({ bars: [{ label: 'Haninge', value: 12 }, { label: 'Tyresö', value: 1234.5 }], categoryTitle: 'Kommun', valueTitle: 'Antal' }),
    });
    assertWellFormed(svg);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toMatch(/^<svg[^>]* role="img"[^>]* aria-labelledby="stapel-test-titel" aria-describedby="stapel-test-beskrivning"/);
    expect(svg).toContain('<title id="stapel-test-titel">Avvikelser per kommun &amp; kategori</title>');
    expect(svg).toContain('<desc id="stapel-test-beskrivning">Flest i Haninge: 12.</desc>');
    // Swedish numbers on the bars: decimal comma, space between thousands.
    expect(texts(markGroup(svg, 'bar_label'))).toEqual(['12', '1\u00a0234,5']);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Haninge', 'Tyresö', 'Kommun']));
  });

  it('draws a heatmap with one rectangle and one value label per cell, dark text on light cells and white on dark', async () => {
    const rows = ['Haninge', 'Nynäshamn', 'Tyresö'];
    const columns = ['Gränssnitt', 'Regelverk'];
    const values = [0, 1, 2, 5, 9, 14];
    const cells = rows.flatMap((row, i) => columns.map((column, j) => ({ row, column, value: values[i * 2 + j] })));
    const svg = await renderer.render({ id: 'karta', title: 'Karta', summary: 'Sex rutor.', spec: heatmapSpec({ rows, columns, cells, rowTitle: 'Kommun', columnTitle: 'Kategori' }) });
    assertWellFormed(svg);
    const rects = markGroup(svg, 'cell').match(/<path\b/g) ?? [];
    expect(rects).toHaveLength(cells.length);
    const labels = texts(markGroup(svg, 'cell_label'));
    expect(labels.map(Number).sort((a, b) => a - b)).toEqual(values);
    const fills = [...markGroup(svg, 'cell').matchAll(/fill="(#[0-9a-f]{6})"/gi)].map((match) => match[1].toLowerCase());
    expect(new Set(fills).size).toBeGreaterThan(3);
    const inks = [...markGroup(svg, 'cell_label').matchAll(/fill="(#[0-9a-f]{6})"/gi)].map((match) => match[1].toLowerCase());
    expect(inks).toContain('#ffffff');
    expect(inks).toContain(CHART_TEXT);
  });

  it('draws months on a Swedish time axis', async () => {
    const svg = await renderer.render({
      id: 'manad',
      title: 'Per månad',
      summary: 'Tre månader.',
      spec: monthlyBarSpec({ months: [{ month: '2026-05', value: 3 }, { month: '2026-06', value: 0 }, { month: '2026-07', value: 7 }], valueTitle: 'Antal' }),
    });
    assertWellFormed(svg);
    expect(texts(svg)).toEqual(expect.arrayContaining(['maj 2026', 'jun 2026', 'jul 2026']));
    expect(texts(markGroup(svg, 'bar_label'))).toEqual(['3', '0', '7']);
  });

  it('never fetches data over the network', async () => {
    const fetchSpy = jest.spyOn(globalThis, 'fetch');
    try {
      const svg = await renderer.render({
        id: 'natet',
        title: 'Nätet',
        summary: '–',
        spec: { data: { url: 'http://127.0.0.1:9/data.json' }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' } } },
      });
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(groupWithClass(svg, 'mark-rect').match(/<path\b/g)).toBeNull();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it('gives the same SVG for the same chart (served from its cache)', async () => {
    const request = { id: 'samma', title: 'Samma', summary: 'Samma.', spec: horizontalBarSpec({ bars: [{ label: 'A', value: 1 }], categoryTitle: 'K', valueTitle: 'V' }) };
    const first = await renderer.render(request);
    expect(await renderer.render(request)).toBe(first);
  });
});

describe('makeAccessible', () => {
  it('replaces Vega’s own roles on the root and puts title and desc first', () => {
    const svg = makeAccessible('<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="10" height="5" role="graphics-document" aria-label="x"><rect/></svg>', {
      id: 'a',
      title: '<T>',
      summary: 'S "citat"',
    });
    expect(svg).not.toContain('graphics-document');
    expect(svg).not.toContain('aria-label=');
    expect(svg).toContain('><title id="a-titel">&lt;T&gt;</title><desc id="a-beskrivning">S &quot;citat&quot;</desc><rect/>');
  });

  it('drops Vega’s roles inside the image, which would be unnamed images within it', () => {
    const svg = makeAccessible(
      '<svg width="10"><g class="mark-rect role-mark" role="graphics-symbol" aria-roledescription="rect mark container"><text>a role="x"</text></g></svg>',
      { id: 'b', title: 'T', summary: 'S' },
    );
    expect(svg).toContain('<g class="mark-rect role-mark"><text>a role="x"</text></g>');
    expect(svg.match(/<[^>]*\srole="/g)).toHaveLength(1);
  });
});

describe('chart colours', () => {
  it('keeps every value label at WCAG AA contrast (4.5:1) on every heat step', () => {
    for (const fill of HEAT_SCALE) expect(contrastRatio(fill, textColourOn(fill))).toBeGreaterThanOrEqual(4.5);
  });

  it('gives 0 the empty colour and the largest value the darkest', () => {
    expect(heatColour(0, 10)).toBe(HEAT_SCALE[0]);
    expect(heatColour(1, 100)).toBe(HEAT_SCALE[1]);
    expect(heatColour(10, 10)).toBe(HEAT_SCALE[HEAT_SCALE.length - 1]);
  });
});
