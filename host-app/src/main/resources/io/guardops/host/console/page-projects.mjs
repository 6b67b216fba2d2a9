// Projects: the list with trace counts; create, edit (retention, latency thresholds), delete with or
// without traces, share codes and members, import by code, and the retention sweeps' history.
import { html, useState, api, useApi, fmtInt, fmtTime, session, link, canCall } from './lib.mjs';
import { ErrorBox, Loading, Empty, Dialog, Field, Form, CopyBlock } from './ui.mjs';

function changed() {
  dispatchEvent(new Event('guardops:projects-changed'));
}

function num(v) {
  return v === '' || v === null || v === undefined ? undefined : v;
}

function ProjectForm({ project, onDone }) {
  const [name, setName] = useState(project ? project.name : '');
  const [description, setDescription] = useState(project ? project.description || '' : '');
  const [tags, setTags] = useState(project ? (project.tags || []).join(', ') : '');
  const [retention, setRetention] = useState(project ? String(project.retention ?? 0) : '0');
  const [warning, setWarning] = useState(project && project.latency_warning_thresholds != null ? String(project.latency_warning_thresholds) : '');
  const [critical, setCritical] = useState(project && project.latency_critical_thresholds != null ? String(project.latency_critical_thresholds) : '');
  const submit = async () => {
    const params = {
      project_name: name, project_description: description, project_tags: tags, project_retention: retention,
      latency_warning_thresholds: num(warning), latency_critical_thresholds: num(critical),
    };
    const saved = project
      ? await api('PATCH', 'api/update_project', { params: { ...params, project_id: project.project_id } })
      : await api('POST', 'api/create_project', { params });
    changed();
    onDone(saved);
  };
  return html`<${Form} onSubmit=${submit} submitLabel=${project ? 'Save' : 'Create project'} busyLabel="Saving" testid="project-form">
    <${Field} label="Name" name="project_name" value=${name} onInput=${setName} required autofocus />
    <${Field} label="Description" name="project_description" type="textarea" rows="2" value=${description} onInput=${setDescription} />
    <${Field} label="Tags" name="project_tags" value=${tags} onInput=${setTags} hint="Comma-separated, such as prod, chatbot" />
    <${Field} label="Retention (days)" name="project_retention" type="number" min="0" value=${retention} onInput=${setRetention}
      hint="Traces older than this are deleted by the retention sweep; 0 keeps them forever." />
    <div class="row">
      <${Field} label="Latency warning (s)" name="latency_warning_thresholds" type="number" min="0" step="any" value=${warning} onInput=${setWarning} />
      <${Field} label="Latency critical (s)" name="latency_critical_thresholds" type="number" min="0" step="any" value=${critical} onInput=${setCritical} />
    </div>
  </${Form}>`;
}

function DeleteForm({ project, onDone }) {
  const [cascade, setCascade] = useState(false);
  const count = project.stats ? project.stats.trace_count : 0;
  const submit = async () => {
    await api('DELETE', 'api/delete_project', { params: { project_id: project.project_id, cascade: cascade ? 'true' : 'false' } });
    if (session.project === project.project_id) session.setProject(null);
    changed();
    onDone();
  };
  return html`<${Form} onSubmit=${submit} submitLabel="Delete project" busyLabel="Deleting" testid="delete-form">
    <p>Delete <strong>${project.name}</strong>? This cannot be undone.</p>
    <${Field} type="checkbox" label=${'Also delete its ' + fmtInt(count) + ' traces'} name="cascade" value=${cascade} onInput=${setCascade}
      hint="Without this, the traces stay in the store (datasets keep their own copies either way)." />
  </${Form}>`;
}

function Sharing({ project }) {
  const [issued, setIssued] = useState(null);
  const members = useApi(() => api('GET', 'api/get_project_members', { params: { project_id: project.project_id } }), [project.project_id]);
  const share = async () => {
    setIssued(await api('GET', 'api/share_project', { params: { project_id: project.project_id } }));
    members.reload();
  };
  const revoke = async code => {
    await api('DELETE', 'api/revoke_share_code', { params: { project_id: project.project_id, code_id: code } });
    members.reload();
  };
  const remove = async user => {
    await api('DELETE', 'api/remove_project_member', { params: { project_id: project.project_id, member_id: user } });
    members.reload();
  };
  return html`<div>
    <p>A share code lets one other user add this project to their list. It is shown once, works once, and expires.</p>
    <${Form} onSubmit=${share} submitLabel="Create a share code" busyLabel="Creating" testid="share-form" />
    ${issued && html`<div class="notice" role="status"><p>Share code (copy it now, it is not shown again; expires ${fmtTime(issued.expires_at)}):</p>
      <${CopyBlock} text=${issued.share_code} testid="share-code" /></div>`}
    <${ErrorBox} error=${members.error} />
    ${members.data && html`<h3>Members</h3>
      ${members.data.members.length === 0 ? html`<p class="muted">Nobody else has this project yet.</p>` : html`<ul>
        ${members.data.members.map(m => html`<li>${m.user_id} <span class="muted">since ${fmtTime(m.since)}</span>
          <button type="button" class="link" onClick=${() => remove(m.user_id)}>Remove</button></li>`)}</ul>`}
      <h3>Share codes</h3>
      ${members.data.share_codes.length === 0 ? html`<p class="muted">No codes yet.</p>` : html`<ul>
        ${members.data.share_codes.map(c => html`<li><code>${c.hint}</code> <span class="badge">${c.status}</span>
          <span class="muted"> expires ${fmtTime(c.expires_at)}</span>
          ${c.status === 'open' && html` <button type="button" class="link" onClick=${() => revoke(c.code_id)}>Revoke</button>`}</li>`)}</ul>`}`}
  </div>`;
}

function History({ project }) {
  const h = useApi(() => api('GET', 'api/get_cleanup_records', { params: { project_id: project.project_id } }), [project.project_id]);
  if (h.loading) return html`<${Loading} />`;
  if (h.error) return html`<${ErrorBox} error=${h.error} />`;
  if (!h.data.cleanups.length) {
    return html`<${Empty} title="No retention sweeps yet">${project.retention > 0
      ? html`<p>The sweep deletes traces older than ${project.retention} days; its runs will show here.</p>`
      : html`<p>This project keeps its traces forever. Set a retention in days to have old traces deleted.</p>`}</${Empty}>`;
  }
  return html`<div class="table-wrap"><table><thead><tr><th>Ran</th><th>Cut-off</th><th class="num">Traces</th>
    <th class="num">Spans</th><th class="num">Took</th></tr></thead><tbody>
    ${h.data.cleanups.map(c => html`<tr><td>${fmtTime(c.Execution_time)}</td><td>${fmtTime(c.cutoff)}</td>
      <td class="num">${fmtInt(c.deleted_traces)}</td><td class="num">${fmtInt(c.deleted_spans)}</td>
      <td class="num">${fmtInt(c.duration_ms)} ms</td></tr>`)}</tbody></table></div>`;
}

function ImportForm({ onDone }) {
  const [code, setCode] = useState('');
  const submit = async () => {
    const r = await api('POST', 'api/import_project', { params: { share_code: code.trim() } });
    changed();
    onDone(r.project);
  };
  return html`<${Form} onSubmit=${submit} submitLabel="Import" busyLabel="Importing" testid="import-form">
    <${Field} label="Share code" name="share_code" value=${code} onInput=${setCode} required autofocus hint="The code the project's owner gave you (gsp-…)." />
  </${Form}>`;
}

function ProjectsPage({ config }) {
  const list = useApi(() => api('GET', 'api/get_projects').then(r => r.projects), []);
  const [dialog, setDialog] = useState(null); // {kind, project}
  const close = () => setDialog(null);
  const done = () => { close(); list.reload(); };
  const canSeeTraces = canCall(config, 'GET /api/search_traces');
  const titles = { create: 'New project', edit: 'Edit project', delete: 'Delete project', share: 'Share project', history: 'Retention history', import: 'Import a shared project' };
  return html`<section>
    <div class="actions"><h1>Projects</h1>
      <button type="button" onClick=${() => setDialog({ kind: 'create' })} data-testid="new-project">New project</button>
      <button type="button" class="secondary" onClick=${() => setDialog({ kind: 'import' })} data-testid="import-project">Import with a share code</button>
    </div>
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && list.data.length === 0 && html`<${Empty} title="No projects yet"><p>Create a project to collect traces, or import one someone shared with you.</p></${Empty}>`}
    ${list.data && list.data.length > 0 && html`<div class="table-wrap"><table data-testid="projects">
      <thead><tr><th>Name</th><th class="num">Traces</th><th class="hide-narrow">Retention</th><th class="hide-narrow">Latency thresholds</th>
        <th class="hide-narrow">Created</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${list.data.map(p => html`<tr data-testid="project-row">
        <td><strong>${p.name}</strong>${p.role !== 'owner' && html` <span class="badge">shared by ${p.owner}</span>`}
          ${p.description && html`<div class="muted">${p.description}</div>`}
          ${p.tags && p.tags.length > 0 && html`<div>${p.tags.map(t => html`<span class="badge">${t}</span> `)}</div>`}</td>
        <td class="num">${canSeeTraces ? html`<a href=${link('traces')} onClick=${() => session.setProject(p.project_id)}>${fmtInt(p.stats && p.stats.trace_count)}</a>` : fmtInt(p.stats && p.stats.trace_count)}</td>
        <td class="hide-narrow">${p.retention ? p.retention + ' days' : 'forever'}</td>
        <td class="hide-narrow">${p.latency_warning_thresholds != null ? p.latency_warning_thresholds + ' s' : '–'} / ${p.latency_critical_thresholds != null ? p.latency_critical_thresholds + ' s' : '–'}</td>
        <td class="hide-narrow">${fmtTime(p.created)}</td>
        <td><div class="actions">
          ${p.role === 'owner' ? html`
            <button type="button" class="secondary" onClick=${() => setDialog({ kind: 'edit', project: p })} aria-label=${'Edit ' + p.name} data-testid="edit">Edit</button>
            <button type="button" class="secondary" onClick=${() => setDialog({ kind: 'share', project: p })} aria-label=${'Share ' + p.name}>Share</button>
            <button type="button" class="secondary" onClick=${() => setDialog({ kind: 'history', project: p })} aria-label=${'Retention history of ' + p.name}>History</button>
            <button type="button" class="danger" onClick=${() => setDialog({ kind: 'delete', project: p })} aria-label=${'Delete ' + p.name} data-testid="delete">Delete</button>`
          : html`<button type="button" class="secondary" onClick=${async () => {
              await api('DELETE', 'api/leave_project', { params: { project_id: p.project_id } }); changed(); list.reload();
            }} aria-label=${'Leave ' + p.name}>Leave</button>`}
        </div></td></tr>`)}</tbody></table></div>`}
    <${Dialog} title=${dialog ? titles[dialog.kind] : ''} open=${!!dialog} onClose=${close} testid="dialog">
      ${dialog && dialog.kind === 'create' && html`<${ProjectForm} onDone=${done} />`}
      ${dialog && dialog.kind === 'edit' && html`<${ProjectForm} project=${dialog.project} onDone=${done} />`}
      ${dialog && dialog.kind === 'delete' && html`<${DeleteForm} project=${dialog.project} onDone=${done} />`}
      ${dialog && dialog.kind === 'share' && html`<${Sharing} project=${dialog.project} />`}
      ${dialog && dialog.kind === 'history' && html`<${History} project=${dialog.project} />`}
      ${dialog && dialog.kind === 'import' && html`<${ImportForm} onDone=${done} />`}
    </${Dialog}>
  </section>`;
}

export const pages = { projects: ProjectsPage };
