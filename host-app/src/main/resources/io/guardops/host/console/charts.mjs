// Time-series charts on uPlot (loaded with the first chart), sized to their container, in the theme's
// colours, with a text summary for screen readers.
import { html, useEffect, useRef } from './lib.mjs';

let uplot = null;
function loadUplot() {
  if (!uplot) {
    const css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = new URL('./vendor/uplot.css', import.meta.url).toString();
    document.head.appendChild(css);
    uplot = import('./vendor/uplot.mjs').then(m => m.default);
  }
  return uplot;
}

export const PALETTE = ['#2f6fde', '#d9480f', '#2b8a3e', '#ae3ec9', '#e67700', '#0c8599', '#c2255c', '#5c940d'];

function themeColour(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

/**
 * A line chart: `x` in seconds since the epoch, `series` = [{label, values, colour?, dash?}], `format`
 * for the y values. Threshold lines are ordinary series with a constant value and a dash.
 */
export function Chart({ title, x, series, format, axisFormat, range, testid, summary }) {
  const box = useRef(null);
  useEffect(() => {
    let plot = null;
    let observer = null;
    let live = true;
    loadUplot().then(UPlot => {
      if (!live || !box.current) return;
      const text = themeColour('--text');
      const grid = themeColour('--border');
      const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
      const opts = {
        width: Math.max(box.current.clientWidth, 280),
        height: 220,
        series: [{}, ...series.map((s, i) => ({
          label: s.label, stroke: s.colour || PALETTE[i % PALETTE.length], width: s.dash ? 1.5 : 2, dash: s.dash,
          points: { show: x.length < 40 }, value: (u, v) => v == null ? '–' : format(v),
        }))],
        axes: [axis, { ...axis, size: 70, values: (u, vals) => vals.map(v => (axisFormat || format)(v)) }],
        // the chosen range, not just the buckets that have data
        scales: { x: { time: true, range: range ? () => range : undefined } },
        legend: { live: true },
      };
      plot = new UPlot(opts, [x, ...series.map(s => s.values)], box.current);
      observer = new ResizeObserver(() => {
        if (box.current) plot.setSize({ width: Math.max(box.current.clientWidth, 280), height: 220 });
      });
      observer.observe(box.current);
    });
    return () => {
      live = false;
      if (observer) observer.disconnect();
      if (plot) plot.destroy();
    };
  }, [x, series, range && range[0]]);
  return html`<figure class="chart" data-testid=${testid}>
    <figcaption class="chart-title">${title}</figcaption>
    <div ref=${box} role="img" aria-label=${title + ': ' + (summary || '')}></div>
  </figure>`;
}
