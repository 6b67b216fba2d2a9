// One trace: the span tree with a timeline waterfall, and for the selected span its prompt and output
// as chat messages, tokens, cost, latency, errors and raw attributes; add the trace to a dataset.
import { html, useState, useMemo, api, useApi, link, fmtTime, fmtMs, fmtInt, fmtCost, asText, canCall } from './lib.mjs';
import { ErrorBox, Loading, Form, Field } from './ui.mjs';

/** Spans as a depth-first list with depths, roots first; orphans (parent not in the trace) count as roots. */
export function flatten(spans) {
  const ids = new Set(spans.map(s => s.context.span_id));
  const children = new Map();
  spans.forEach(s => {
    const p = s.parent_id && ids.has(s.parent_id) ? s.parent_id : null;
    if (!children.has(p)) children.set(p, []);
    children.get(p).push(s);
  });
  children.forEach(list => list.sort((a, b) => a.start_time < b.start_time ? -1 : a.start_time > b.start_time ? 1 : 0));
  const out = [];
  const walk = (parent, depth) => (children.get(parent) || []).forEach(s => {
    out.push({ span: s, depth });
    walk(s.context.span_id, depth + 1);
  });
  walk(null, 0);
  return out;
}

const t = iso => new Date(iso).getTime() + (Number((iso.match(/\.\d{3}(\d*)Z$/) || [0, ''])[1].padEnd(3, '0').slice(0, 3)) / 1000);

/** Chat messages from a span's attributes: indexed GenAI/OpenLLMetry keys, a JSON message list, or plain prompt/output. */
export function messages(attrs) {
  const indexed = (kind) => {
    const found = new Map();
    for (const [k, v] of Object.entries(attrs)) {
      const m = k.match(new RegExp('^(?:gen_ai|llm)[._]' + kind + '[._](\\d+)[._](role|content)$'));
      if (m) {
        const i = Number(m[1]);
        if (!found.has(i)) found.set(i, {});
        found.get(i)[m[2]] = v;
      }
    }
    return [...found.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]).filter(m => m.content !== undefined);
  };
  const fromJson = (v, role) => {
    if (typeof v !== 'string') return null;
    const s = v.trim();
    if (!s.startsWith('[')) return null;
    try {
      const list = JSON.parse(s);
      if (Array.isArray(list) && list.every(m => m && typeof m === 'object' && 'content' in m)) {
        return list.map(m => ({ role: m.role || role, content: asText(m.content) }));
      }
    } catch (e) { /* plain text that starts with a bracket */ }
    return null;
  };
  let prompt = indexed('prompts?');
  if (!prompt.length) prompt = fromJson(attrs.prompt, 'user') || (attrs.prompt !== undefined ? [{ role: 'user', content: asText(attrs.prompt) }] : []);
  let output = indexed('completions?');
  if (!output.length) output = fromJson(attrs.output, 'assistant') || (attrs.output !== undefined ? [{ role: 'assistant', content: asText(attrs.output) }] : []);
  return [...prompt.map(m => ({ role: m.role || 'user', content: asText(m.content) })),
    ...output.map(m => ({ role: m.role || 'assistant', content: asText(m.content) }))];
}

function Chat({ attrs }) {
  const msgs = messages(attrs);
  if (!msgs.length) return html`<p class="muted">This span has no prompt or output.</p>`;
  return html`<div class="chat" data-testid="chat">${msgs.map(m => {
    const role = String(m.role).toLowerCase();
    return html`<div class=${'msg ' + (['user', 'assistant', 'system'].includes(role) ? role : '')}>
      <div class="role">${m.role}</div><div class="content">${m.content}</div></div>`;
  })}</div>`;
}

function SpanDetail({ span }) {
  const a = span.attributes || {};
  const ms = t(span.end_time) - t(span.start_time);
  const errors = (span.events || []).filter(e => e.name === 'exception');
  const [tab, setTab] = useState('chat');
  const tabs = [['chat', 'Messages'], ['attributes', 'Attributes'], ['events', 'Events (' + (span.events || []).length + ')']];
  return html`<div class="panel" data-testid="span-detail">
    <h2>${span.name}</h2>
    <div class="cards">
      <div class="card"><div class="label">Latency</div><div class="value">${fmtMs(ms)}</div></div>
      <div class="card"><div class="label">Model</div><div class="value">${a.model || '–'}</div></div>
      <div class="card"><div class="label">Tokens in / out</div><div class="value">${fmtInt(a.prompt_tokens)} / ${fmtInt(a.completion_tokens)}</div></div>
      <div class="card"><div class="label">Cost</div><div class="value">${fmtCost(a.cost)}</div></div>
      <div class="card"><div class="label">Status</div><div class="value"><span class=${'badge ' + (span.status.status_code === 'ERROR' ? 'error' : 'ok')}>${span.status.status_code}</span></div></div>
    </div>
    ${span.status.status_code === 'ERROR' && html`<div class="error" role="note"><strong>Error:</strong> ${span.status.description || 'the span ended with an error'}
      ${errors.map(e => html`<pre>${asText(e.attributes['exception.type'] || '')} ${asText(e.attributes['exception.message'] || '')}</pre>`)}</div>`}
    <div class="tabs" role="tablist" aria-label="Span details">${tabs.map(([id, label]) => html`<button type="button" role="tab"
      aria-selected=${tab === id} aria-controls=${'tab-' + id} onClick=${() => setTab(id)}>${label}</button>`)}</div>
    <div id=${'tab-' + tab} role="tabpanel">
      ${tab === 'chat' && html`<${Chat} attrs=${a} />`}
      ${tab === 'attributes' && html`<dl class="kv" data-testid="attributes">
        <dt>span id</dt><dd>${span.context.span_id}</dd><dt>kind</dt><dd>${span.kind}</dd>
        <dt>started</dt><dd>${fmtTime(span.start_time)}</dd>
        ${Object.entries(a).map(([k, v]) => html`<dt>${k}</dt><dd>${asText(v)}</dd>`)}
        ${Object.entries((span.resource && span.resource.attributes) || {}).map(([k, v]) => html`<dt>resource ${k}</dt><dd>${asText(v)}</dd>`)}</dl>`}
      ${tab === 'events' && ((span.events || []).length === 0 ? html`<p class="muted">No events.</p>` : html`<ul>
        ${span.events.map(e => html`<li><strong>${e.name}</strong> <span class="muted">${fmtTime(e.timestamp)}</span><pre>${asText(e.attributes)}</pre></li>`)}</ul>`)}
    </div>
  </div>`;
}

function AddToDataset({ project, traceId }) {
  const datasets = useApi(() => api('GET', 'api/get_datasets').then(r => r.datasets.filter(d => d.role === 'owner')), []);
  const [dataset, setDataset] = useState('');
  const [added, setAdded] = useState(null);
  if (datasets.error) return html`<${ErrorBox} error=${datasets.error} />`;
  if (!datasets.data) return null;
  if (!datasets.data.length) return html`<p class="muted">Create a dataset on the <a href=${link('datasets')}>Datasets</a> page to collect traces like this one.</p>`;
  const chosen = dataset || datasets.data[0].dataset_id;
  const submit = async () => {
    await api('PATCH', 'api/add_traces_to_dataset', { params: { dataset_id: chosen, trace_ids: [traceId], project_id: project } });
    setAdded(datasets.data.find(d => d.dataset_id === chosen));
  };
  return html`<${Form} onSubmit=${submit} submitLabel="Add to dataset" busyLabel="Adding" testid="add-to-dataset">
    <${Field} label="Dataset" name="dataset" type="select" value=${chosen} onInput=${setDataset}
      options=${datasets.data.map(d => ({ value: d.dataset_id, label: d.name }))} />
    ${added && html`<p class="notice" role="status">Added to <a href=${link('datasets', [added.dataset_id])}>${added.name}</a>.</p>`}
  </${Form}>`;
}

function TracePage({ route, config }) {
  const [project, traceId] = route.rest;
  const trace = useApi(() => api('GET', 'api/get_trace', { params: { project_id: project, trace_id: traceId } }), [project, traceId]);
  const [selected, setSelected] = useState(null);
  const rows = useMemo(() => trace.data ? flatten(trace.data.spans) : [], [trace.data]);
  if (trace.loading && !trace.data) return html`<${Loading} what="Loading the trace" />`;
  if (trace.error) return html`<h1>Trace</h1><${ErrorBox} error=${trace.error} onRetry=${trace.reload} />`;
  const s = trace.data.summary;
  const start = t(s.start_time);
  const total = Math.max(t(s.end_time) - start, 0.001);
  const current = rows.find(r => r.span.context.span_id === selected) || rows.find(r => r.span.attributes && r.span.attributes.prompt !== undefined) || rows[0];
  const onKey = (e, i) => {
    const next = e.key === 'ArrowDown' ? i + 1 : e.key === 'ArrowUp' ? i - 1 : -1;
    if (next >= 0 && next < rows.length) {
      e.preventDefault();
      setSelected(rows[next].span.context.span_id);
      document.getElementById('span-' + next).focus();
    }
  };
  return html`<section>
    <p><a href=${link('traces')}>← Traces</a></p>
    <h1>${s.name}</h1>
    <div class="cards" data-testid="trace-summary">
      <div class="card"><div class="label">Started</div><div class="value">${fmtTime(s.start_time)}</div></div>
      <div class="card"><div class="label">Latency</div><div class="value">${fmtMs(total)}</div></div>
      <div class="card"><div class="label">Model</div><div class="value">${s.model || '–'}</div></div>
      <div class="card"><div class="label">Tokens</div><div class="value">${fmtInt(s.total_tokens)}</div></div>
      <div class="card"><div class="label">Cost</div><div class="value">${fmtCost(s.cost)}</div></div>
      <div class="card"><div class="label">Spans / errors</div><div class="value">${fmtInt(s.span_count)} / ${fmtInt(s.error_count)}</div></div>
    </div>
    <div class="split">
      <div class="panel"><h2>Spans</h2>
        <ul class="tree" aria-label="Span tree and timeline">${rows.map((r, i) => {
          const sp = r.span;
          const left = (t(sp.start_time) - start) / total * 100;
          const width = Math.max((t(sp.end_time) - t(sp.start_time)) / total * 100, 0.5);
          const err = sp.status.status_code === 'ERROR';
          return html`<li><button type="button" class="span" id=${'span-' + i} aria-pressed=${current === r}
            onClick=${() => setSelected(sp.context.span_id)} onKeyDown=${e => onKey(e, i)} data-testid="span">
            <span class="name" style=${{ paddingLeft: (r.depth * 0.9) + 'rem' }}>${sp.name}</span>
            <span class="bar-track" aria-hidden="true"><span class=${'bar' + (err ? ' error' : '')} style=${{ left: left + '%', width: Math.min(width, 100 - left) + '%' }}></span></span>
            <span class="num muted">${fmtMs(t(sp.end_time) - t(sp.start_time))}</span></button></li>`;
        })}</ul>
      </div>
      <div>${current && html`<${SpanDetail} key=${current.span.context.span_id} span=${current.span} />`}
        ${trace.data.scores && trace.data.scores.length > 0 && html`<div class="panel"><h2>Scores</h2><ul>
          ${trace.data.scores.map(sc => html`<li><strong>${sc.name}</strong>: ${sc.value ?? sc.label} <span class="muted">${sc.source} ${sc.comment || ''}</span></li>`)}</ul></div>`}
        ${canCall(config, 'PATCH /api/add_traces_to_dataset') && canCall(config, 'GET /api/get_datasets') && html`<div class="panel"><h2>Add to a dataset</h2>
          <${AddToDataset} project=${project} traceId=${s.trace_id} /></div>`}
      </div>
    </div>
  </section>`;
}

export const pages = { trace: TracePage };
