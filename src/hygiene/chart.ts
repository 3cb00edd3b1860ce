/**
 * A small bar chart of open findings per digest, as PNG: vega-lite → vega (headless, SVG) → resvg. No
 * system libraries, no browser; the libraries are loaded on first use.
 */
export async function openFindingsChart(series: { at: Date; open: number }[]): Promise<Buffer> {
  // Loaded when a chart is drawn, once a week: about 25 MB the running bot need not hold otherwise.
  const [{ Resvg }, { parse, View }, { compile }] = await Promise.all([
    import('@resvg/resvg-js'),
    import('vega'),
    import('vega-lite'),
  ]);
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 480,
    height: 180,
    title: 'Open IAM findings per weekly digest',
    data: { values: series.map((s) => ({ week: s.at.toISOString().slice(0, 10), open: s.open })) },
    mark: { type: 'bar', color: '#e8710a' },
    encoding: {
      x: { field: 'week', type: 'ordinal', title: null, axis: { labelAngle: -30 } },
      y: { field: 'open', type: 'quantitative', title: 'open findings' },
    },
    config: { background: 'white' },
  }).spec;
  const view = new View(parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } })
    .render()
    .asPng();
}
