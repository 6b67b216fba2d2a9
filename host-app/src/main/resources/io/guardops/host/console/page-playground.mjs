// Playground (prompts run on several models side by side, each call traced), the arena (two anonymous
// models, a vote, Elo ratings) and prompt templates (versions, labels, rendering). Shown once the host
// has their routes (app.mjs reads them from api/console_config).
import { html, useState, api, apiEvents, useApi, useProject, link, go, fmtTime, fmtCost, fmtMs, fmtInt, fmtNum, asText, canCall } from './lib.mjs';
import { ErrorBox, Loading, Empty, Dialog, Field, Form } from './ui.mjs';

function splitList(s) {
  return s.split(',').map(x => x.trim()).filter(Boolean);
}

/** Registered models as a datalist, so a model can be picked or typed (a name for the server's own client). */
function ModelList({ id }) {
  const models = useApi(() => api('GET', 'api/get_models').then(r => r.models).catch(() => []), []);
  return html`<datalist id=${id}>${(models.data || []).map(m => html`<option value=${m.model_id}>${m.name}${m.global ? ' (global)' : ''}</option>`)}</datalist>`;
}

function NewPlayground({ onDone }) {
  const project = useProject();
  const [type, setType] = useState('prompt');
  const [name, setName] = useState('');
  const [models, setModels] = useState('');
  const [prompt, setPrompt] = useState('');
  const [system, setSystem] = useState('');
  const submit = async () => {
    const json = { system: system || undefined, models: splitList(models) };
    if (type === 'prompt') json.prompt = prompt;
    const id = await api('POST', type === 'prompt' ? 'api/create_prompt_playground' : 'api/create_chat_playground',
      { params: { name, project_id: project || undefined }, json });
    onDone(id);
  };
  return html`<${Form} onSubmit=${submit} submitLabel="Create playground" busyLabel="Creating" testid="playground-form">
    <${Field} label="Kind" name="type" type="select" value=${type} onInput=${setType}
      options=${[{ value: 'prompt', label: 'Prompt: one prompt with {{variables}}' }, { value: 'chat', label: 'Chat: a conversation' }]} />
    <${Field} label="Name" name="name" value=${name} onInput=${setName} required autofocus />
    <div class="field"><label for="pg-models">Models</label>
      <input id="pg-models" list="pg-model-list" value=${models} onInput=${e => setModels(e.currentTarget.value)} required
        data-testid="models" aria-describedby="pg-models-hint" />
      <small id="pg-models-hint">Comma-separated: registered models or names the server's model client knows (gpt-4o-mini).</small>
      <${ModelList} id="pg-model-list" /></div>
    <${Field} label="System message" name="system" type="textarea" rows="2" value=${system} onInput=${setSystem} />
    ${type === 'prompt' && html`<${Field} label="Prompt" name="prompt" type="textarea" value=${prompt} onInput=${setPrompt} required
      hint="{{variables}} are filled in at each run." />`}
  </${Form}>`;
}

/** One model's answer: streamed text while it arrives, then its tokens, cost, latency and trace. */
function Result({ r, project, config }) {
  const final = r.result;
  return html`<div class="panel" data-testid=${final ? 'playground-result' : 'playground-streaming'} aria-busy=${final ? 'false' : 'true'}>
    <h3>${r.model}</h3>
    ${final && final.error ? html`<div class="error" role="alert">${final.error.detail}</div>`
      : html`<div class="msg assistant"><div class="content">${asText(final ? final.output : r.text)}${!final && html`<span class="muted"> …</span>`}</div></div>`}
    ${final && html`<p class="muted">${fmtInt(final.usage && final.usage.total_tokens)} tokens · ${fmtCost(final.cost)} · ${fmtMs(final.latency_ms)}
      ${canCall(config, 'GET /api/get_trace') && project && html` · <a href=${link('trace', [project, final.trace_id])}>trace</a>`}</p>`}
  </div>`;
}

/**
 * Runs a playground with server-sent events: each model's answer shows as it is generated, then its
 * result (usage, cost, trace). `onDone` gets the finished run.
 */
async function runStreaming(path, id, json, setRun) {
  let run = { slots: [], project: null, cost: null, done: false };
  const update = f => { run = f(run); setRun(run); };
  await apiEvents('POST', path, { params: { playground_id: id }, json }, (name, data) => {
    if (name === 'start') {
      update(r => ({ ...r, project: data.project_id, slots: data.models.map(m => ({ index: m.index, model: m.model, text: '', result: null })) }));
    } else if (name === 'delta') {
      update(r => ({ ...r, slots: r.slots.map(x => x.index === data.index ? { ...x, text: x.text + data.text } : x) }));
    } else if (name === 'result') {
      update(r => ({ ...r, slots: r.slots.map(x => x.index === data.index ? { ...x, result: data } : x) }));
    } else if (name === 'done') {
      update(r => ({ ...r, cost: data.cost, done: true }));
    }
  });
  return run;
}

function RunResults({ run, config }) {
  if (!run) return null;
  const n = run.slots.length;
  return html`${run.done && html`<p class="muted" role="status">Ran on ${n} model${n > 1 ? 's' : ''}, ${fmtCost(run.cost)} in total.</p>`}
    <div class="cards">${run.slots.map(r => html`<${Result} r=${r} project=${run.project} config=${config} />`)}</div>`;
}

function PlaygroundRun({ p, config, reload }) {
  const [prompt, setPrompt] = useState(null);
  const [vars, setVars] = useState({});
  const [run, setRun] = useState(null);
  const text = prompt ?? p.prompt ?? '';
  const names = [...new Set([...(text.match(/\{\{\s*([\w.-]+)\s*}}/g) || []).map(v => v.replace(/[{}\s]/g, ''))])];
  const submit = async () => {
    setRun(null);
    const variables = {};
    names.forEach(n => { variables[n] = vars[n] ?? (p.variables || {})[n] ?? ''; });
    await runStreaming('api/trace_playground', p.playground_id, { prompt: text, variables }, setRun);
    reload();
  };
  return html`<${Form} onSubmit=${submit} submitLabel="Run" busyLabel="Running" testid="run-playground">
      <${Field} label="Prompt" name="prompt" type="textarea" value=${text} onInput=${setPrompt} required />
      ${names.length > 0 && html`<div class="row">${names.map(n => html`<${Field} label=${n} name=${'var-' + n}
        value=${vars[n] ?? (p.variables || {})[n] ?? ''} onInput=${v => setVars(s => ({ ...s, [n]: v }))} />`)}</div>`}
    </${Form}>
    <${RunResults} run=${run} config=${config} />`;
}

/** A chat playground: its history, and the next message sent to every model (the first one's answer is kept). */
function ChatRun({ p, config, reload }) {
  const [message, setMessage] = useState('');
  const [run, setRun] = useState(null);
  const submit = async () => {
    setRun(null);
    await runStreaming('api/trace_playground_chat', p.playground_id, { message }, setRun);
    setMessage('');
    reload();
  };
  return html`<div class="chat" data-testid="chat-history">
      ${p.messages.length === 0 && html`<p class="muted">No messages yet: the first one starts the conversation.</p>`}
      ${p.messages.map(m => html`<div class=${'msg ' + m.role}><div class="role">${m.role}</div><div class="content">${asText(m.content)}</div></div>`)}
    </div>
    <${Form} onSubmit=${submit} submitLabel="Send" busyLabel="Waiting for the models" testid="run-chat">
      <${Field} label="Message" name="message" type="textarea" rows="3" value=${message} onInput=${setMessage} required />
    </${Form}>
    <${RunResults} run=${run} config=${config} />`;
}

function PlaygroundDetail({ id, config }) {
  const pg = useApi(() => api('GET', 'api/get_playground', { params: { playground_id: id } }), [id]);
  if (pg.error) return html`<${ErrorBox} error=${pg.error} />`;
  if (!pg.data) return html`<${Loading} />`;
  const p = pg.data;
  return html`<section>
    <p><a href=${link('playground')}>← Playgrounds</a></p>
    <h1>${p.name}</h1>
    <p class="muted">${p.type === 'chat' ? 'Chat' : 'Prompt'} playground · models: ${p.models.join(', ')}${p.system && html` · system: ${p.system}`}</p>
    ${p.type === 'chat' ? html`<${ChatRun} p=${p} config=${config} reload=${pg.reload} />`
      : html`<${PlaygroundRun} p=${p} config=${config} reload=${pg.reload} />`}
  </section>`;
}

function PlaygroundPage({ route, config }) {
  const chats = canCall(config, 'GET /api/get_chat_playgrounds');
  const list = useApi(() => route.rest[0] ? Promise.resolve(null) : Promise.all([
    api('GET', 'api/get_prompt_playgrounds').then(r => r.playgrounds),
    chats ? api('GET', 'api/get_chat_playgrounds').then(r => r.playgrounds) : Promise.resolve([])])
    .then(([a, b]) => [...a, ...b].sort((x, y) => (y.updated_at || '').localeCompare(x.updated_at || ''))), [route.rest[0]]);
  const [creating, setCreating] = useState(false);
  if (route.rest[0]) return html`<${PlaygroundDetail} id=${route.rest[0]} config=${config} />`;
  const remove = async id => {
    await api('DELETE', 'api/delete_playground', { params: { playground_id: id } });
    list.reload();
  };
  return html`<section>
    <div class="actions"><h1>Playground</h1><button type="button" onClick=${() => setCreating(true)} data-testid="new-playground">New playground</button></div>
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && list.data.length === 0 && html`<${Empty} title="No playgrounds yet"><p>Create one to try a prompt or a conversation on several
      models side by side; every run is traced into the project selected above.</p></${Empty}>`}
    ${list.data && list.data.length > 0 && html`<div class="table-wrap"><table data-testid="playgrounds"><thead><tr><th>Name</th><th>Kind</th><th>Models</th>
      <th class="num">Runs</th><th class="hide-narrow">Updated</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${list.data.map(p => html`<tr data-testid="playground-row"><td><a href=${link('playground', [p.playground_id])}>${p.name}</a></td>
        <td>${p.type}</td><td>${p.models.join(', ')}</td><td class="num">${fmtInt(p.trace_count)}</td><td class="hide-narrow">${fmtTime(p.updated_at)}</td>
        <td><button type="button" class="danger" onClick=${() => remove(p.playground_id)} aria-label=${'Delete ' + p.name}>Delete</button></td></tr>`)}
      </tbody></table></div>`}
    <${Dialog} title="New playground" open=${creating} onClose=${() => setCreating(false)}>
      <${NewPlayground} onDone=${id => { setCreating(false); go('playground', [id]); }} />
    </${Dialog}>
  </section>`;
}

function ArenaPage() {
  const board = useApi(() => api('GET', 'api/get_arena_leaderboard'), []);
  const [prompt, setPrompt] = useState('');
  const [match, setMatch] = useState(null);
  const [verdict, setVerdict] = useState(null);
  const [error, setError] = useState(null);
  const vote = async winner => {
    setError(null);
    try {
      setVerdict(await api('POST', 'api/score_arena', { params: { match_id: match.match_id, winner } }));
      board.reload();
    } catch (e) { setError(e); }
  };
  return html`<section>
    <h1>Arena</h1>
    <p>Two models answer anonymously; vote for the better answer to see which they were. Votes update the Elo ratings below.</p>
    <${Form} onSubmit=${async () => { setVerdict(null); setMatch(await api('POST', 'api/run_arena', { json: { prompt } })); }}
      submitLabel="Ask two models" busyLabel="Asking" testid="arena-form">
      <${Field} label="Prompt" name="prompt" type="textarea" value=${prompt} onInput=${setPrompt} required />
    </${Form}>
    ${match && html`<div class="split">${match.answers.map(a => html`<div class="panel" data-testid="arena-answer"><h2>Model ${a.position.toUpperCase()}</h2>
      ${a.error ? html`<div class="error">${a.error.detail}</div>` : html`<div class="msg assistant"><div class="content">${asText(a.output)}</div></div>`}
      ${verdict && html`<p><strong>${verdict[a.position].model}</strong>: ${fmtNum(verdict[a.position].rating_before)} → ${fmtNum(verdict[a.position].rating_after)}</p>`}</div>`)}</div>
      ${!verdict && html`<div class="actions" role="group" aria-label="Vote">
        <button type="button" onClick=${() => vote('a')}>A is better</button><button type="button" class="secondary" onClick=${() => vote('tie')}>Tie</button>
        <button type="button" onClick=${() => vote('b')}>B is better</button></div>`}`}
    <${ErrorBox} error=${error || board.error} />
    <h2>Leaderboard</h2>
    ${board.data && (board.data.models.length === 0 ? html`<p class="muted">No votes yet.</p>` : html`<div class="table-wrap"><table data-testid="leaderboard">
      <thead><tr><th class="num">#</th><th>Model</th><th class="num">Elo</th><th class="num hide-narrow">95% interval</th><th class="num">Matches</th></tr></thead>
      <tbody>${board.data.models.map(m => html`<tr><td class="num">${m.rank}</td><td>${m.model}</td><td class="num">${fmtNum(m.rating)}</td>
        <td class="num hide-narrow">${m.ci_low != null ? fmtNum(m.ci_low) + ' – ' + fmtNum(m.ci_high) : '–'}</td><td class="num">${m.matches}</td></tr>`)}</tbody></table></div>`)}
  </section>`;
}

function TemplateDetail({ id }) {
  const versions = useApi(() => api('GET', 'api/get_template_versions', { params: { template_id: id } }).then(r => r.versions), [id]);
  const [text, setText] = useState(null);
  const [vars, setVars] = useState({});
  const [rendered, setRendered] = useState(null);
  if (versions.error) return html`<${ErrorBox} error=${versions.error} />`;
  if (!versions.data) return html`<${Loading} />`;
  const latest = versions.data[0];
  const body = text ?? latest.text;
  return html`<section>
    <p><a href=${link('templates')}>← Templates</a></p>
    <h1>${latest.name}</h1>
    <${Form} submitLabel="Save as a new version" onSubmit=${async () => {
      await api('PATCH', 'api/update_template', { params: { template_id: id }, json: { text: body } }); setText(null); versions.reload(); }}>
      <${Field} label="Text" name="text" type="textarea" rows="6" value=${body} onInput=${setText} />
    </${Form}>
    <h2>Render</h2>
    <${Form} submitLabel="Render" onSubmit=${async () => setRendered(await api('POST', 'api/render_template',
      { params: { template_id: id }, json: { variables: vars } }))}>
      <div class="row">${latest.variables.map(n => html`<${Field} label=${n} name=${'var-' + n} value=${vars[n] || ''}
        onInput=${v => setVars(s => ({ ...s, [n]: v }))} />`)}</div>
      ${rendered && html`<pre data-testid="rendered">${rendered.text}</pre>`}
    </${Form}>
    <h2>Versions</h2>
    <ul>${versions.data.map(v => html`<li>v${v.version} ${v.labels.map(l => html`<span class="badge">${l}</span> `)}
      <span class="muted">${fmtTime(v.created_at)} ${v.comment || ''}</span></li>`)}</ul>
  </section>`;
}

function TemplatesPage({ route }) {
  const list = useApi(() => route.rest[0] ? Promise.resolve(null) : api('GET', 'api/get_templates').then(r => r.templates), [route.rest[0]]);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  if (route.rest[0]) return html`<${TemplateDetail} id=${route.rest[0]} />`;
  return html`<section>
    <div class="actions"><h1>Templates</h1><button type="button" onClick=${() => setCreating(true)}>New template</button></div>
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    ${list.data && list.data.length === 0 && html`<${Empty} title="No templates yet"><p>A template keeps a prompt's versions; applications
      fetch the version a label (such as production) points at.</p></${Empty}>`}
    ${list.data && list.data.length > 0 && html`<div class="table-wrap"><table><thead><tr><th>Name</th><th class="num">Latest</th><th>Labels</th><th class="hide-narrow">Updated</th></tr></thead>
      <tbody>${list.data.map(t => html`<tr><td><a href=${link('templates', [t.template_id])}>${t.name}</a>${t.description && html`<div class="muted">${t.description}</div>`}</td>
        <td class="num">v${t.latest_version}</td><td>${Object.entries(t.labels || {}).map(([l, v]) => html`<span class="badge">${l}: v${v}</span> `)}</td>
        <td class="hide-narrow">${fmtTime(t.updated_at)}</td></tr>`)}</tbody></table></div>`}
    <${Dialog} title="New template" open=${creating} onClose=${() => setCreating(false)}>
      <${Form} submitLabel="Create template" onSubmit=${async () => {
        const v = await api('POST', 'api/create_template', { params: { name }, json: { text } }); setCreating(false); go('templates', [v.template_id]); }}>
        <${Field} label="Name" name="name" value=${name} onInput=${setName} required autofocus />
        <${Field} label="Text" name="text" type="textarea" rows="5" value=${text} onInput=${setText} required hint="Use {{variables}} for the parts that change." />
      </${Form}>
    </${Dialog}>
  </section>`;
}

export const pages = { playground: PlaygroundPage, arena: ArenaPage, templates: TemplatesPage };
