// Experiments: run a dataset through a prompt task on the model and score it with evaluators (with a
// progress bar while it runs), read its results, and compare two runs item by item.
import { html, useState, useEffect, api, useApi, link, go, fmtTime, fmtNum, fmtCost, fmtMs, asText, canCall, useProject } from './lib.mjs';
import { ErrorBox, Loading, Empty, Dialog, Field, Form, Progress } from './ui.mjs';

const RUNNING = ['pending', 'running'];

function RunForm({ datasetId, evaluators, onDone }) {
  const project = useProject();
  const [name, setName] = useState('');
  const [prompt, setPrompt] = useState('Answer briefly: {{input}}');
  const [system, setSystem] = useState('');
  const [model, setModel] = useState('gpt-4o-mini');
  const [temperature, setTemperature] = useState('0');
  const [chosen, setChosen] = useState(() => new Set());
  const [concurrency, setConcurrency] = useState('4');
  const submit = async () => {
    const task = { type: 'prompt', prompt, model, temperature: Number(temperature) };
    if (system) task.system = system;
    const def = { name: name || undefined, dataset_id: datasetId, task, evaluators: [...chosen], concurrency: Number(concurrency) };
    if (project) def.project_id = project;
    onDone(await api('POST', 'api/create_experiment', { json: def }));
  };
  const toggle = n => setChosen(s => { const c = new Set(s); if (c.has(n)) c.delete(n); else c.add(n); return c; });
  return html`<${Form} onSubmit=${submit} submitLabel="Run experiment" busyLabel="Starting" testid="run-form">
    <${Field} label="Name" name="name" value=${name} onInput=${setName} placeholder="baseline" autofocus />
    <${Field} label="Prompt template" name="prompt" type="textarea" rows="3" value=${prompt} onInput=${setPrompt}
      hint="{{input}} is replaced by each item's input." required />
    <${Field} label="System message" name="system" type="textarea" rows="2" value=${system} onInput=${setSystem} />
    <div class="row">
      <${Field} label="Model" name="model" value=${model} onInput=${setModel} required />
      <${Field} label="Temperature" name="temperature" type="number" min="0" max="2" step="0.1" value=${temperature} onInput=${setTemperature} />
      <${Field} label="Parallel calls" name="concurrency" type="number" min="1" max="32" value=${concurrency} onInput=${setConcurrency} />
    </div>
    <fieldset><legend>Evaluators</legend>
      ${evaluators.length === 0 && html`<p class="muted">No evaluators are installed: results will have outputs but no scores.</p>`}
      ${evaluators.map(e => html`<${Field} type="checkbox" name=${'evaluator-' + e.name} label=${e.name} hint=${e.description}
        value=${chosen.has(e.name)} onInput=${() => toggle(e.name)} />`)}
    </fieldset>
  </${Form}>`;
}

function ExperimentList({ config, route }) {
  const datasets = useApi(() => api('GET', 'api/get_datasets').then(r => r.datasets), []);
  const datasetId = route.query.dataset || (datasets.data && datasets.data[0] && datasets.data[0].dataset_id);
  const runs = useApi(() => datasetId ? api('GET', 'api/get_experiments', { params: { dataset_id: datasetId } }).then(r => r.experiments)
    : Promise.resolve(null), [datasetId]);
  const evaluators = useApi(() => canCall(config, 'GET /api/get_evaluators') ? api('GET', 'api/get_evaluators').then(r => r.evaluators)
    : Promise.resolve([]), []);
  const [running, setRunning] = useState(false);
  const [pick, setPick] = useState([]);
  if (datasets.error) return html`<${ErrorBox} error=${datasets.error} />`;
  if (!datasets.data) return html`<${Loading} />`;
  if (!datasets.data.length) {
    return html`<h1>Experiments</h1><${Empty} title="No datasets yet"><p>An experiment runs a dataset through a prompt and scores the answers.
      Create a dataset on the <a href=${link('datasets')}>Datasets</a> page first.</p></${Empty}>`;
  }
  const togglePick = id => setPick(p => p.includes(id) ? p.filter(x => x !== id) : [...p.slice(-1), id]);
  return html`<section>
    <h1>Experiments</h1>
    <div class="row">
      <${Field} label="Dataset" name="dataset" type="select" value=${datasetId} onInput=${v => go('experiments', [], { dataset: v })}
        options=${datasets.data.map(d => ({ value: d.dataset_id, label: d.name + ' (' + d.item_count + ' items)' }))} />
      <div class="actions"><button type="button" onClick=${() => setRunning(true)} data-testid="new-experiment">Run an experiment</button>
        <button type="button" class="secondary" disabled=${pick.length !== 2} data-testid="compare"
          onClick=${() => go('compare', pick)}>Compare the two selected</button></div>
    </div>
    <${ErrorBox} error=${runs.error} onRetry=${runs.reload} />
    ${runs.data && runs.data.length === 0 && html`<${Empty} title="No experiments on this dataset"><p>Run one: choose a prompt, a model and evaluators.</p></${Empty}>`}
    ${runs.data && runs.data.length > 0 && html`<div class="table-wrap"><table data-testid="experiments"><thead><tr>
      <th><span class="sr-only">Select to compare</span></th><th>Name</th><th>Status</th><th class="num">Done</th><th class="num">Cost</th><th class="hide-narrow">Started</th></tr></thead>
      <tbody>${runs.data.map(e => html`<tr data-testid="experiment-row">
        <td><input type="checkbox" checked=${pick.includes(e.experiment_id)} onChange=${() => togglePick(e.experiment_id)} aria-label=${'Select ' + (e.name || e.experiment_id) + ' to compare'} /></td>
        <td><a href=${link('experiment', [e.experiment_id])}>${e.name || e.experiment_id}</a></td>
        <td><span class="badge">${e.status}</span></td><td class="num">${e.progress.done} / ${e.progress.total}</td>
        <td class="num">${fmtCost(e.cost)}</td><td class="hide-narrow">${fmtTime(e.started || e.created)}</td></tr>`)}</tbody></table></div>`}
    <${Dialog} title="Run an experiment" open=${running} onClose=${() => setRunning(false)}>
      ${evaluators.data && html`<${RunForm} datasetId=${datasetId} evaluators=${evaluators.data}
        onDone=${e => { setRunning(false); go('experiment', [e.experiment_id]); }} />`}
    </${Dialog}>
  </section>`;
}

function ExperimentPage({ route }) {
  const id = route.rest[0];
  const exp = useApi(() => api('GET', 'api/get_experiment', { params: { experiment_id: id } }), [id]);
  const results = useApi(() => api('GET', 'api/get_experiment_results', { params: { experiment_id: id, limit: 100 } }), [id]);
  const [error, setError] = useState(null);
  const e = exp.data;
  const live = e && RUNNING.includes(e.status);
  useEffect(() => {
    if (!live) return undefined;
    const t = setTimeout(() => { exp.reload(); results.reload(); }, 1000);
    return () => clearTimeout(t);
  }, [e]);
  if (exp.error) return html`<h1>Experiment</h1><${ErrorBox} error=${exp.error} />`;
  if (!e) return html`<${Loading} />`;
  const cancel = async () => {
    setError(null);
    try { await api('POST', 'api/cancel_experiment', { params: { experiment_id: id } }); exp.reload(); } catch (x) { setError(x); }
  };
  return html`<section>
    <p><a href=${link('experiments', [], { dataset: e.dataset_id })}>← Experiments</a></p>
    <h1>${e.name || 'Experiment'}</h1>
    <div class="actions"><span class="badge" data-testid="experiment-status">${e.status}</span>
      <${Progress} done=${e.progress.done + e.progress.failed} total=${e.progress.total} label="Items done" />
      ${live && html`<button type="button" class="danger" onClick=${cancel}>Cancel</button>`}</div>
    <${ErrorBox} error=${error} />
    ${e.error && html`<div class="error" role="alert">${e.error}</div>`}
    <div class="cards">
      <div class="card"><div class="label">Model</div><div class="value">${e.task && e.task.model || '–'}</div></div>
      <div class="card"><div class="label">Failed items</div><div class="value">${e.progress.failed}</div></div>
      <div class="card"><div class="label">Cost</div><div class="value">${fmtCost(e.cost)}</div></div>
      ${e.summary && e.summary.evaluators.map(s => html`<div class="card" data-testid="mean"><div class="label">${s.name}</div>
        <div class="value">${fmtNum(s.mean)}${s.threshold != null && html` <span class=${'badge ' + (s.met ? 'ok' : 'error')}>${s.met ? 'met' : 'below'} ${s.threshold}</span>`}</div></div>`)}
    </div>
    <h2>Results</h2>
    <${ErrorBox} error=${results.error} />
    ${results.data && results.data.results.length === 0 && html`<p class="muted">No results yet.</p>`}
    ${results.data && results.data.results.length > 0 && html`<div class="table-wrap"><table data-testid="results"><thead><tr><th>Item</th><th>Output</th>
      <th>Scores</th><th class="num hide-narrow">Latency</th><th class="num hide-narrow">Cost</th></tr></thead>
      <tbody>${results.data.results.map(r => html`<tr class=${r.error ? 'error-row' : ''}><td><code>${r.item_id}</code></td>
        <td>${r.error ? html`<span class="badge error">${r.error}</span>` : asText(r.output)}</td>
        <td>${r.scores.map(s => html`<div>${s.name}: ${s.value != null ? fmtNum(s.value) : s.label}</div>`)}</td>
        <td class="num hide-narrow">${fmtMs(r.latency_ms)}</td><td class="num hide-narrow">${fmtCost(r.cost)}</td></tr>`)}</tbody></table></div>`}
  </section>`;
}

function ComparePage({ route }) {
  const [a, b] = route.rest;
  const c = useApi(() => api('GET', 'api/compare_experiments', { params: { experiment_a: a, experiment_b: b } }), [a, b]);
  if (c.error) return html`<h1>Compare runs</h1><${ErrorBox} error=${c.error} />`;
  if (!c.data) return html`<${Loading} />`;
  const d = c.data;
  const delta = v => v == null ? '–' : (v > 0 ? '+' : '') + fmtNum(v);
  return html`<section data-testid="comparison">
    <p><a href=${link('experiments', [], { dataset: d.experiment_a.dataset_id })}>← Experiments</a></p>
    <h1>${d.experiment_a.name || 'A'} vs ${d.experiment_b.name || 'B'}</h1>
    <p class="muted">${d.matched === 1 ? '1 item' : d.matched + ' items'} in both runs; ${d.only_a} only in A, ${d.only_b} only in B.</p>
    <div class="table-wrap"><table><thead><tr><th>Evaluator</th><th class="num">Mean A</th><th class="num">Mean B</th><th class="num">Change</th>
      <th class="num">Better</th><th class="num">Worse</th></tr></thead>
      <tbody>${d.metrics.map(m => html`<tr><td>${m.name}</td><td class="num">${fmtNum(m.mean_a)}</td><td class="num">${fmtNum(m.mean_b)}</td>
        <td class="num">${delta(m.delta)}</td><td class="num">${m.improved}</td><td class="num">${m.regressed}</td></tr>`)}</tbody></table></div>
    <h2>Items, regressions first</h2>
    ${d.items.length === 0 ? html`<p class="muted">No items to compare.</p>` : html`<div class="table-wrap"><table><thead><tr><th>Item</th><th>Output A</th><th>Output B</th><th class="num">Worst change</th></tr></thead>
      <tbody>${d.items.map(i => html`<tr><td><code>${i.item_id}</code></td><td>${i.error_a || asText(i.output_a)}</td><td>${i.error_b || asText(i.output_b)}</td>
        <td class="num">${i.lost_in_b ? 'missing in B' : delta(i.worst_delta)}</td></tr>`)}</tbody></table></div>`}
  </section>`;
}

export const pages = { experiments: ExperimentList, experiment: ExperimentPage, compare: ComparePage };
