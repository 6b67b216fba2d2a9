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
 * A line chart: `x` in seconds since the epoch, `series` = [{label, values, colour?}], `format` for the
 * y values; `lines` = [{label, value, colour}] are drawn across the whole plot (thresholds), dashed.
 */
const NO_LINES = [];

export function Chart({ title, x, series, format, axisFormat, range, lines = NO_LINES, testid, summary }) {
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
          label: s.label, stroke: s.colour || PALETTE[i % PALETTE.length], width: 2,
          points: { show: x.length < 40 }, value: (u, v) => v == null ? '–' : format(v),
        }))],
        hooks: { draw: [u => lines.forEach(l => {
          const y = u.valToPos(l.value, 'y', true);
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = l.colour;
          ctx.lineWidth = 1.5 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(u.bbox.left, y);
          ctx.lineTo(u.bbox.left + u.bbox.width, y);
          ctx.stroke();
          ctx.restore();
        })] },
        axes: [axis, { ...axis, size: 70, values: (u, vals) => vals.map(v => (axisFormat || format)(v)) }],
        // the chosen range, not just the buckets that have data
        scales: {
          x: { time: true, range: range ? () => range : undefined },
          // room for the threshold lines above the data
          y: { range: (u, min, max) => [0, Math.max(max || 0, ...lines.map(l => l.value)) * 1.1 || 1] },
        },
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
  }, [x, series, range && range[0], lines]);
  return html`<figure class="chart" data-testid=${testid}>
    <figcaption class="chart-title">${title}</figcaption>
    <div ref=${box} role="img" aria-label=${title + ': ' + (summary || '')}></div>
    ${lines.length > 0 && html`<p class="muted chart-lines">${lines.map(l => html`<span class="line-key" data-colour=${l.label}>${l.label} ${format(l.value)}</span> `)}</p>`}
  </figure>`;
}
