// Traces: newest first, filtered by time range, model, status, latency, text and attribute (kept in the
// address, so a filtered list can be bookmarked), paged by keyset cursors, with a live mode that
// polls for new traces.
import { html, useState, useEffect, useRef, api, useApi, useProject, link, go, fmtShortTime, fmtMs, fmtInt, fmtCost,
  localInputToIso, isoToLocalInput, canCall } from './lib.mjs';
import { ErrorBox, Loading, Empty, Field } from './ui.mjs';

const PAGE = 50;
const FILTERS = ['from', 'to', 'model', 'status', 'min_latency', 'text', 'attribute', 'value'];

export function latencyClass(ms, thresholds) {
  if (!thresholds) return '';
  const s = ms / 1000;
  if (thresholds.latency_critical_thresholds != null && s >= thresholds.latency_critical_thresholds) return 'critical';
  if (thresholds.latency_warning_thresholds != null && s >= thresholds.latency_warning_thresholds) return 'warning';
  return '';
}

function Filters({ query, onApply }) {
  const [f, setF] = useState(() => ({ ...query, from: isoToLocalInput(query.from), to: isoToLocalInput(query.to) }));
  const set = k => v => setF(s => ({ ...s, [k]: v }));
  const apply = e => {
    e.preventDefault();
    onApply({ ...f, from: localInputToIso(f.from), to: localInputToIso(f.to) });
  };
  const clear = () => {
    setF({});
    onApply({});
  };
  // folded on a phone, where eight fields would hide the list
  const [open] = useState(() => Object.keys(query).length > 0 || matchMedia('(min-width: 761px)').matches);
  return html`<details class="panel" open=${open}><summary>Filters${Object.keys(query).length ? ' (' + Object.keys(query).length + ' set)' : ''}</summary>
    <form onSubmit=${apply} aria-label="Filter traces" data-testid="filters">
    <div class="filters">
      <${Field} label="From" name="from" type="datetime-local" value=${f.from || ''} onInput=${set('from')} />
      <${Field} label="To" name="to" type="datetime-local" value=${f.to || ''} onInput=${set('to')} />
      <${Field} label="Model" name="model" value=${f.model || ''} onInput=${set('model')} placeholder="gpt-4o-mini" />
      <${Field} label="Status" name="status" type="select" value=${f.status || 'any'} onInput=${set('status')}
        options=${[{ value: 'any', label: 'Any' }, { value: 'error', label: 'With errors' }, { value: 'ok', label: 'Without errors' }]} />
      <${Field} label="Slower than (s)" name="min_latency" type="number" min="0" step="any" value=${f.min_latency || ''} onInput=${set('min_latency')} />
      <${Field} label="Text" name="text" value=${f.text || ''} onInput=${set('text')} placeholder="in names, prompts, outputs" />
      <${Field} label="Attribute" name="attribute" value=${f.attribute || ''} onInput=${set('attribute')} placeholder="user.id" />
      <${Field} label="Value" name="value" value=${f.value || ''} onInput=${set('value')} />
    </div>
    <div class="actions"><button type="submit" data-testid="apply-filters">Apply filters</button>
      <button type="button" class="secondary" onClick=${clear}>Clear</button></div>
  </form></details>`;
}

function TracesPage({ route, config }) {
  const project = useProject();
  const query = {};
  FILTERS.forEach(k => { if (route.query[k]) query[k] = route.query[k]; });
  const key = project + '|' + JSON.stringify(query);
  const [cursors, setCursors] = useState([null]); // the cursor of each page seen: back and forth
  const [live, setLive] = useState(false);
  const [fresh, setFresh] = useState(0);
  useEffect(() => setCursors([null]), [key]);
  const cursor = cursors[cursors.length - 1];
  const list = useApi(() => project ? api('GET', 'api/search_traces', { params: { project_id: project, limit: PAGE, ...query, cursor: cursor || undefined } })
    : Promise.resolve(null), [key, cursor]);
  const thresholds = useApi(() => project ? api('GET', 'api/get_thresholds_for_viz', { params: { project_id: project } }).catch(() => null)
    : Promise.resolve(null), [project]);
  const seen = useRef(new Set());
  const first = cursors.length === 1;
  // live mode: the first page again every 2 s while nothing newer than "to" is excluded
  useEffect(() => {
    if (!live || !first || query.to) return undefined;
    const t = setInterval(async () => {
      try {
        const r = await api('GET', 'api/search_traces', { params: { project_id: project, limit: PAGE, ...query } });
        const added = r.traces.filter(x => !seen.current.has(x.trace_id)).length;
        if (added) {
          setFresh(added);
          list.reload();
        }
      } catch (e) { /* the next poll tries again; the list shows its own errors */ }
    }, 2000);
    return () => clearInterval(t);
  }, [live, first, key]);
  useEffect(() => {
    if (!list.data) return;
    list.data.traces.forEach(t => seen.current.add(t.trace_id));
    // user timing for the first-render measurement (docs/console.md); effects run once the rows are drawn
    if (!performance.getEntriesByName('guardops:traces-rendered').length) performance.mark('guardops:traces-rendered');
  }, [list.data]);
  const apply = q => go('traces', [], q);
  if (!project) return html`<h1>Traces</h1><${Empty} title="No project selected"><p>Pick a project at the top of the page.</p></${Empty}>`;
  const data = list.data;
  const filtered = Object.keys(query).length > 0;
  return html`<section>
    <div class="actions"><h1>Traces</h1>
      <label class="live"><input type="checkbox" checked=${live} onChange=${e => setLive(e.currentTarget.checked)} data-testid="live" />
        Live ${live && html`<span class="dot" aria-hidden="true"></span>`}</label>
      <span class="sr-only" aria-live="polite">${fresh ? fresh + ' new traces' : ''}</span>
    </div>
    <${Filters} key=${key} query=${query} onApply=${apply} />
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    ${list.loading && !data && html`<${Loading} what="Loading traces" />`}
    ${data && data.traces.length === 0 && (filtered
      ? html`<${Empty} title="No trace matches these filters"><p>Widen the time range or clear a filter.</p></${Empty}>`
      : html`<${Empty} title="No traces in this project yet"><p>${canCall(config, 'POST /api/create_key')
          ? html`Create an API key on the <a href=${link('keys')}>API keys</a> page and point` : 'Ask for an API key and point'} an
          OpenTelemetry exporter at this server; traces show up here as they arrive (turn on Live to watch).</p></${Empty}>`)}
    ${data && data.traces.length > 0 && html`<div class="table-wrap"><table data-testid="traces">
      <caption class="sr-only">Traces, newest first</caption>
      <thead><tr><th>Started</th><th>Name</th><th class="hide-narrow">Model</th><th class="num">Latency</th>
        <th class="num hide-narrow">Tokens</th><th class="num">Cost</th><th class="num hide-narrow">Spans</th></tr></thead>
      <tbody>${data.traces.map(t => {
        const lc = latencyClass(t.duration_ms, thresholds.data);
        return html`<tr class=${t.error_count > 0 ? 'error-row' : ''} data-testid="trace-row">
          <td><a href=${link('trace', [project, t.trace_id])}>${fmtShortTime(t.start_time)}</a></td>
          <td>${t.name}${t.error_count > 0 && html` <span class="badge error">${t.error_count} error${t.error_count > 1 ? 's' : ''}</span>`}</td>
          <td class="hide-narrow">${t.model || '–'}</td>
          <td class="num">${lc ? html`<span class=${'badge ' + lc} title=${lc + ' latency'}>${fmtMs(t.duration_ms)}</span>` : fmtMs(t.duration_ms)}</td>
          <td class="num hide-narrow">${fmtInt(t.total_tokens)}</td><td class="num">${fmtCost(t.cost)}</td>
          <td class="num hide-narrow">${fmtInt(t.span_count)}</td></tr>`;
      })}</tbody></table></div>
      <nav class="pager" aria-label="Pages of traces">
        <button type="button" class="secondary" disabled=${first} onClick=${() => setCursors(c => c.slice(0, -1))}>Newer</button>
        <span class="muted">Page ${cursors.length}</span>
        <button type="button" class="secondary" disabled=${!data.has_more} data-testid="older"
          onClick=${() => setCursors(c => [...c, data.next_cursor])}>Older</button>
      </nav>`}
  </section>`;
}

export const pages = { traces: TracesPage };
