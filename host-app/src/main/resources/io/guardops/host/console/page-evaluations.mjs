// Evaluations of the selected project (results exported by evaluation frameworks), and the evaluators
// this server has installed.
import { html, useState, api, useApi, useProject, fmtTime, fmtNum, canCall } from './lib.mjs';
import { ErrorBox, Loading, Empty, Dialog, Field, Form } from './ui.mjs';

function score(entry) {
  const d = entry.data && entry.data.eval_data;
  return d && typeof d.total_score === 'number' ? fmtNum(d.total_score) : '–';
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
