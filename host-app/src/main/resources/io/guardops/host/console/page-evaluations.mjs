// Evaluations of the selected project (results exported by evaluation frameworks), and the evaluators
// this server has installed.
import { html, useState, api, useApi, useProject, fmtTime, fmtNum, canCall } from './lib.mjs';
import { ErrorBox, Loading, Empty, Dialog, Field, Form } from './ui.mjs';

function score(entry) {
  const d = entry.data && entry.data.eval_data;
  return d && typeof d.total_score === 'number' ? fmtNum(d.total_score) : '–';
}

/**
 * Online evaluation: the project's rules (an evaluator scoring a sampled share of incoming model calls in
 * the background); their scores appear on the traces and in the monitoring page.
 */
function OnlineRules({ project, evaluators }) {
  const rules = useApi(() => api('GET', 'api/get_online_rules', { params: { project_id: project } }).then(r => r.rules), [project]);
  // an incoming call has no expected answer and no context: evaluators that need them cannot run online
  const usable = (evaluators || []).filter(v => !v.needs.includes('expected') && !v.needs.includes('context'));
  const [evaluator, setEvaluator] = useState('');
  const [rate, setRate] = useState('0.1');
  const [params, setParams] = useState('');
  const [error, setError] = useState(null);
  const act = async f => {
    setError(null);
    try { await f(); rules.reload(); } catch (e) { setError(e); }
  };
  const create = () => act(async () => {
    const p = {};
    for (const pair of params.split(',').map(x => x.trim()).filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new Error('parameters are name=value pairs separated by commas: ' + pair);
      p[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    await api('POST', 'api/create_online_rule', { params: { project_id: project },
      json: { evaluator: evaluator || usable[0].name, sample_rate: Number(rate), params: p } });
    setParams('');
  });
  return html`<h2>Online evaluation</h2>
    <p class="muted">Scores a sampled share of this project's incoming model calls in the background, without slowing
      ingestion; the scores show on the traces and in Monitoring. Only the project's owner changes rules.</p>
    <${ErrorBox} error=${rules.error || error} onRetry=${rules.reload} />
    ${rules.data && rules.data.length === 0 && html`<p class="muted" data-testid="no-online-rules">No rules yet.</p>`}
    ${rules.data && rules.data.length > 0 && html`<div class="table-wrap"><table data-testid="online-rules">
      <thead><tr><th>Evaluator</th><th class="num">Sample rate</th><th class="hide-narrow">Parameters</th><th>State</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${rules.data.map(r => html`<tr data-testid="online-rule"><td><code>${r.evaluator}</code></td><td class="num">${fmtNum(r.sample_rate * 100)}%</td>
        <td class="hide-narrow">${Object.entries(r.params).map(([k, v]) => k + '=' + v).join(', ') || '–'}</td>
        <td>${r.enabled ? 'on' : 'paused'}</td>
        <td><button type="button" class="secondary" onClick=${() => act(() => api('PATCH', 'api/update_online_rule',
            { params: { project_id: project, rule_id: r.rule_id }, json: { enabled: !r.enabled } }))}
            aria-label=${(r.enabled ? 'Pause ' : 'Resume ') + r.evaluator}>${r.enabled ? 'Pause' : 'Resume'}</button>
          <button type="button" class="danger" onClick=${() => act(() => api('DELETE', 'api/delete_online_rule',
            { params: { project_id: project, rule_id: r.rule_id } }))} aria-label=${'Delete the rule of ' + r.evaluator}>Delete</button></td></tr>`)}
      </tbody></table></div>`}
    ${usable.length > 0 && html`<${Form} onSubmit=${create} submitLabel="Add rule" busyLabel="Adding" testid="online-rule-form">
      <div class="row">
        <${Field} label="Evaluator" name="evaluator" type="select" value=${evaluator || usable[0].name} onInput=${setEvaluator}
          options=${usable.map(v => ({ value: v.name, label: v.name }))} />
        <${Field} label="Sample rate" name="sample_rate" type="number" min="0.001" max="1" step="0.001" value=${rate} onInput=${setRate} required
          hint="Share of calls scored, from 0.001 to 1." />
        <${Field} label="Parameters" name="rule_params" value=${params} onInput=${setParams} placeholder="min=1, max=2000"
          hint="Optional name=value pairs, comma-separated." />
      </div>
    </${Form}>`}`;
}

function EvaluationsPage({ config }) {
  const project = useProject();
  const list = useApi(() => project ? api('GET', 'api/get_evaluation_list', { params: { project_id: project } }).then(r => r.evaluation_list)
    : Promise.resolve(null), [project]);
  const evaluators = useApi(() => canCall(config, 'GET /api/get_evaluators') ? api('GET', 'api/get_evaluators').then(r => r.evaluators)
    : Promise.resolve(null), []);
  const [creating, setCreating] = useState(false);
  const [title, setTitle] = useState('');
  const [desc, setDesc] = useState('');
  const [error, setError] = useState(null);
  if (!project) return html`<h1>Evaluations</h1><${Empty} title="No project selected"><p>Pick a project at the top of the page.</p></${Empty}>`;
  const create = async () => {
    await api('POST', 'api/create_evaluation', { params: { project_id: project, evaluation_title: title, evaluation_desc: desc } });
    setCreating(false);
    setTitle('');
    setDesc('');
    list.reload();
  };
  const remove = async id => {
    setError(null);
    try {
      await api('DELETE', 'api/delete_evaluation', { params: { evaluation_id: id } });
      list.reload();
    } catch (e) { setError(e); }
  };
  return html`<section>
    <div class="actions"><h1>Evaluations</h1><button type="button" onClick=${() => setCreating(true)}>New evaluation</button></div>
    <${ErrorBox} error=${list.error || error} onRetry=${list.reload} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && list.data.length === 0 && html`<${Empty} title="No evaluations in this project">
      <p>Create one here, or export results into it from an evaluation framework (POST api/export_evaluations); to score a dataset
      with this server's evaluators, run an experiment.</p></${Empty}>`}
    ${list.data && list.data.map(e => html`<div class="panel" data-testid="evaluation">
      <div class="actions"><h2>${e.name}</h2><span class="muted">${fmtTime(e.date)}</span>
        <button type="button" class="danger" onClick=${() => remove(e.evaluation_id)} aria-label=${'Delete ' + e.name}>Delete</button></div>
      ${e.description && html`<p>${e.description}</p>`}
      ${e.evaluations.length === 0 ? html`<p class="muted">No results yet.</p>` : html`<div class="table-wrap"><table>
        <thead><tr><th>Result</th><th>Framework</th><th>Date</th><th class="num">Total score</th></tr></thead>
        <tbody>${e.evaluations.map(r => html`<tr><td>${r.name}</td><td>${r.framework}</td><td>${fmtTime(r.date)}</td><td class="num">${score(r)}</td></tr>`)}</tbody>
      </table></div>`}
    </div>`)}
    ${canCall(config, 'GET /api/get_online_rules') && html`<${OnlineRules} project=${project} evaluators=${evaluators.data} />`}
    ${evaluators.data && html`<h2>Installed evaluators</h2><div class="table-wrap"><table data-testid="evaluators">
      <thead><tr><th>Name</th><th>What it measures</th><th class="hide-narrow">Needs</th></tr></thead>
      <tbody>${evaluators.data.map(v => html`<tr><td><code>${v.name}</code></td><td>${v.description}</td><td class="hide-narrow">${v.needs.join(', ') || '–'}</td></tr>`)}</tbody>
    </table></div>`}
    <${Dialog} title="New evaluation" open=${creating} onClose=${() => setCreating(false)}>
      <${Form} onSubmit=${create} submitLabel="Create evaluation">
        <${Field} label="Title" name="evaluation_title" value=${title} onInput=${setTitle} required autofocus />
        <${Field} label="Description" name="evaluation_desc" type="textarea" rows="2" value=${desc} onInput=${setDesc} />
      </${Form}>
    </${Dialog}>
  </section>`;
}

export const pages = { evaluations: EvaluationsPage };
