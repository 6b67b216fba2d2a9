// Monitoring: latency p50/p95/p99 with the project's warning and critical thresholds drawn in,
// requests and errors, tokens, and cost per model, over a chosen range and bucket.
import { html, useState, useMemo, api, useApi, useProject, link, fmtInt, fmtCost, fmtMs, fmtNum, canCall } from './lib.mjs';
import { ErrorBox, Loading, Empty, Field } from './ui.mjs';
import { Chart } from './charts.mjs';

const RANGES = [
  { value: '1h', label: 'Last hour', seconds: 3600, bucket: 'minute' },
  { value: '6h', label: 'Last 6 hours', seconds: 6 * 3600, bucket: 'minute' },
  { value: '24h', label: 'Last 24 hours', seconds: 24 * 3600, bucket: 'hour' },
  { value: '7d', label: 'Last 7 days', seconds: 7 * 86400, bucket: 'hour' },
  { value: '30d', label: 'Last 30 days', seconds: 30 * 86400, bucket: 'day' },
];

/** Rows (bucket x model) into aligned columns: x (epoch seconds), and per model the rows by bucket. */
export function pivot(rows) {
  const buckets = [...new Set(rows.map(r => r.bucket_start))].sort();
  const index = new Map(buckets.map((b, i) => [b, i]));
  const models = new Map();
  rows.forEach(r => {
    const m = r.model || '(unknown model)';
    if (!models.has(m)) models.set(m, new Array(buckets.length).fill(null));
    models.get(m)[index.get(r.bucket_start)] = r;
  });
  return { x: buckets.map(b => new Date(b).getTime() / 1000), buckets, models };
}

function sumBy(p, f) {
  return p.x.map((_, i) => {
    let s = 0;
    let any = false;
    p.models.forEach(col => { if (col[i]) { s += f(col[i]); any = true; } });
    return any ? s : null;
  });
}

function MonitoringPage({ config }) {
  const project = useProject();
  const [range, setRange] = useState('24h');
  const r = RANGES.find(x => x.value === range);
  const [bucket, setBucket] = useState(null);
  const b = bucket || r.bucket;
  const [model, setModel] = useState('');
  const metrics = useApi(() => {
    if (!project) return Promise.resolve(null);
    const to = new Date();
    const from = new Date(to.getTime() - r.seconds * 1000);
    return api('GET', 'api/get_metrics', { params: { project_id: project, from: from.toISOString(), to: to.toISOString(), bucket: b } })
      .then(m => ({ ...m, range: [from.getTime() / 1000, to.getTime() / 1000] }));
  }, [project, range, b]);
  const thresholds = useApi(() => project ? api('GET', 'api/get_thresholds_for_viz', { params: { project_id: project } }).catch(() => null)
    : Promise.resolve(null), [project]);
  const p = useMemo(() => metrics.data ? pivot(metrics.data.metrics) : null, [metrics.data]);
  const models = p ? [...p.models.keys()] : [];
  const byRequests = models.slice().sort((a, c) => sumCol(p, c) - sumCol(p, a));
  const chosen = models.includes(model) ? model : byRequests[0];
  const latency = useMemo(() => {
    if (!p || !chosen) return null;
    const col = p.models.get(chosen);
    const s = [
      { label: 'p50', values: col.map(c => c && c.latency_p50_ms) },
      { label: 'p95', values: col.map(c => c && c.latency_p95_ms) },
      { label: 'p99', values: col.map(c => c && c.latency_p99_ms) },
    ];
    return s;
  }, [p, chosen]);
  const lines = useMemo(() => {
    const t = thresholds.data;
    const out = [];
    if (t && t.latency_warning_thresholds != null) out.push({ label: 'warning', colour: '#e67700', value: t.latency_warning_thresholds * 1000 });
    if (t && t.latency_critical_thresholds != null) out.push({ label: 'critical', colour: '#e03131', value: t.latency_critical_thresholds * 1000 });
    return out;
  }, [thresholds.data]);
  const counts = useMemo(() => p && [
    { label: 'requests', values: sumBy(p, c => c.requests) },
    { label: 'errors', colour: '#e03131', values: sumBy(p, c => c.errors) }], [p]);
  const tokens = useMemo(() => p && [
    { label: 'input tokens', values: sumBy(p, c => c.input_tokens || 0) },
    { label: 'output tokens', values: sumBy(p, c => c.output_tokens || 0) }], [p]);
  const cost = useMemo(() => p && models.map(m => ({ label: m, values: p.models.get(m).map(c => c && (c.cost || 0)) })), [p]);
  if (!project) return html`<h1>Monitoring</h1><${Empty} title="No project selected"><p>Pick a project at the top of the page.</p></${Empty}>`;
  const total = p ? { requests: sumCol(p, null), errors: sumAll(p, c => c.errors), cost: sumAll(p, c => c.cost || 0),
    tokens: sumAll(p, c => (c.input_tokens || 0) + (c.output_tokens || 0)) } : null;
  return html`<section>
    <h1>Monitoring</h1>
    <form class="row panel" onSubmit=${e => e.preventDefault()} aria-label="Chart range">
      <${Field} label="Range" name="range" type="select" value=${range} onInput=${v => { setRange(v); setBucket(null); }} options=${RANGES} />
      <${Field} label="Bucket" name="bucket" type="select" value=${b} onInput=${setBucket}
        options=${[{ value: 'minute', label: 'Minute' }, { value: 'hour', label: 'Hour' }, { value: 'day', label: 'Day' }]} />
      ${models.length > 1 && html`<${Field} label="Latency of model" name="model" type="select" value=${chosen} onInput=${setModel}
        options=${models.map(m => ({ value: m, label: m }))} />`}
    </form>
    <${ErrorBox} error=${metrics.error} onRetry=${metrics.reload} />
    ${metrics.loading && !metrics.data && html`<${Loading} what="Loading metrics" />`}
    ${p && p.x.length === 0 && html`<${Empty} title="No traces in this range"><p>Choose a longer range, or send traces
      ${canCall(config, 'POST /api/create_key') ? html`(see <a href=${link('keys')}>API keys</a>)` : 'with an API key'}.</p></${Empty}>`}
    ${p && p.x.length > 0 && html`
      <div class="cards" data-testid="totals">
        <div class="card"><div class="label">Requests</div><div class="value">${fmtInt(total.requests)}</div></div>
        <div class="card"><div class="label">Errors</div><div class="value">${fmtInt(total.errors)} (${fmtNum(total.requests ? total.errors / total.requests * 100 : 0)} %)</div></div>
        <div class="card"><div class="label">Tokens</div><div class="value">${fmtInt(total.tokens)}</div></div>
        <div class="card"><div class="label">Cost</div><div class="value">${fmtCost(total.cost)}</div></div>
      </div>
      <${Chart} title=${'Latency of ' + chosen} testid="chart-latency" x=${p.x} series=${latency} format=${fmtMs} range=${metrics.data.range} lines=${lines}
        summary=${'p95 up to ' + fmtMs(Math.max(...latency[1].values.filter(v => v != null)))} />
      <${Chart} title="Requests and errors" testid="chart-requests" x=${p.x} series=${counts} format=${fmtInt} axisFormat=${fmtNum} range=${metrics.data.range}
        summary=${fmtInt(total.requests) + ' requests, ' + fmtInt(total.errors) + ' errors'} />
      <${Chart} title="Tokens" testid="chart-tokens" x=${p.x} series=${tokens} format=${fmtInt} axisFormat=${fmtNum} range=${metrics.data.range} summary=${fmtInt(total.tokens) + ' tokens'} />
      <${Chart} title="Cost per model" testid="chart-cost" x=${p.x} series=${cost} format=${fmtCost} range=${metrics.data.range} summary=${fmtCost(total.cost) + ' in total'} />`}
  </section>`;
}

function sumCol(p, model) {
  let s = 0;
  p.models.forEach((col, m) => { if (model === null || m === model) col.forEach(c => { if (c) s += c.requests; }); });
  return s;
}

function sumAll(p, f) {
  let s = 0;
  p.models.forEach(col => col.forEach(c => { if (c) s += f(c); }));
  return s;
}

export const pages = { monitoring: MonitoringPage };
