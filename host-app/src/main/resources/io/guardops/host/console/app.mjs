// The console's shell: settings and sign-in, the navigation (only pages whose API exists and whose
// role the caller holds), the project picker, and the router that loads each page's module on demand.
import { html, render, useState, useEffect, useApi, api, currentRoute, link, session, useProject, canCall } from './lib.mjs';
import { auth } from './auth.mjs';
import { ErrorBox, Loading, Form, Field } from './ui.mjs';

/**
 * Every page: the routes it needs (it is shown only when the host has all of them and the caller holds
 * their roles) and the module that draws it.
 */
const PAGES = [
  { id: 'projects', title: 'Projects', needs: ['GET /api/get_projects'], load: () => import('./page-projects.mjs') },
  { id: 'keys', title: 'API keys', needs: ['GET /api/get_keys', 'POST /api/create_key'], load: () => import('./page-keys.mjs') },
  { id: 'traces', title: 'Traces', needs: ['GET /api/search_traces'], project: true, load: () => import('./page-traces.mjs') },
  { id: 'trace', title: 'Trace', hidden: true, needs: ['GET /api/get_trace'], load: () => import('./page-trace.mjs') },
  { id: 'monitoring', title: 'Monitoring', needs: ['GET /api/get_metrics'], project: true, load: () => import('./page-monitoring.mjs') },
  { id: 'datasets', title: 'Datasets', needs: ['GET /api/get_datasets'], load: () => import('./page-datasets.mjs') },
  { id: 'evaluations', title: 'Evaluations', needs: ['GET /api/get_evaluation_list'], project: true, load: () => import('./page-evaluations.mjs') },
  { id: 'experiments', title: 'Experiments', needs: ['GET /api/get_experiments', 'GET /api/get_datasets'], load: () => import('./page-experiments.mjs') },
  { id: 'experiment', title: 'Experiment', hidden: true, needs: ['GET /api/get_experiment'], load: () => import('./page-experiments.mjs') },
  { id: 'compare', title: 'Compare runs', hidden: true, needs: ['GET /api/compare_experiments'], load: () => import('./page-experiments.mjs') },
  { id: 'playground', title: 'Playground', needs: ['GET /api/get_prompt_playgrounds'], load: () => import('./page-playground.mjs') },
  { id: 'arena', title: 'Arena', needs: ['POST /api/run_arena', 'POST /api/score_arena', 'GET /api/get_arena_leaderboard'], load: () => import('./page-playground.mjs') },
  { id: 'templates', title: 'Templates', needs: ['GET /api/get_templates'], load: () => import('./page-playground.mjs') },
];

/** Which pages the caller may open on this host: computed from the server's route table and the caller's roles. */
export function visiblePages(config) {
  const routes = new Map(config.routes.map(r => [r.method + ' ' + r.path, r.role]));
  const roles = new Set(config.caller ? config.caller.roles : []);
  const may = role => role === null || roles.has('Full_Access') || roles.has(role);
  return PAGES.filter(p => p.needs.every(n => routes.has(n) && may(routes.get(n))));
}

function useRoute() {
  const [route, setRoute] = useState(currentRoute());
  useEffect(() => {
    const f = () => setRoute(currentRoute());
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return route;
}

/** The project every project-scoped page works on: the caller's list, or their Default Project without Projects. */
function ProjectPicker({ config }) {
  session.forUser(config.caller && config.caller.user_id);
  const project = useProject();
  const listable = canCall(config, 'GET /api/get_projects');
  const projects = useApi(() => listable ? api('GET', 'api/get_projects').then(r => r.projects) : Promise.resolve(null),
    [listable, config.caller && config.caller.user_id]);
  useEffect(() => {
    const list = projects.data;
    if (list && list.length && !list.some(p => p.project_id === session.project)) session.setProject(list[0].project_id);
    if (!listable && !session.project && config.caller) session.setProject(config.caller.default_project_id);
  }, [projects.data]);
  useEffect(() => {
    const f = () => projects.reload();
    addEventListener('guardops:projects-changed', f);
    return () => removeEventListener('guardops:projects-changed', f);
  }, [projects.reload]);
  if (!listable) {
    return html`<label class="picker">Project <input value=${project || ''} size="20" data-testid="project-id"
      aria-label="Project id" onChange=${e => session.setProject(e.currentTarget.value.trim())} /></label>`;
  }
  if (!projects.data) return null;
  return html`<label class="picker">Project
    <select value=${project || ''} data-testid="project-picker" onChange=${e => session.setProject(e.currentTarget.value)}>
      ${projects.data.map(p => html`<option value=${p.project_id}>${p.name}</option>`)}
    </select></label>`;
}

function Nav({ pages, current, config, onSignOut }) {
  const [open, setOpen] = useState(false);
  const who = config.caller;
  return html`<header class="top">
    <a class="brand" href="#/">GuardOps</a>
    <button type="button" class="icon menu" aria-expanded=${open} aria-controls="nav" onClick=${() => setOpen(!open)}>
      <span aria-hidden="true">☰</span><span class="sr-only">Menu</span></button>
    <nav id="nav" class=${open ? 'open' : ''} aria-label="Pages" onClick=${() => setOpen(false)}>
      ${pages.filter(p => !p.hidden).map(p => html`<a href=${link(p.id)} data-testid=${'nav-' + p.id}
        aria-current=${current === p.id ? 'page' : undefined}>${p.title}</a>`)}
    </nav>
    <div class="who">
      ${pages.some(p => p.project) && html`<${ProjectPicker} config=${config} />`}
      ${who && html`<span class="muted user" title=${'Roles: ' + who.roles.join(', ')} data-testid="user">${config.mode === 'single-user' ? 'single-user mode' : who.user_id}</span>`}
      ${(config.login || config.mode === 'unprotected') && html`<button type="button" class="secondary"
        onClick=${onSignOut} data-testid="sign-out">Sign out</button>`}
    </div>
  </header>`;
}

let firstPage = true;

function PageHost({ page, config, route }) {
  const [mod, setMod] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    let live = true;
    setMod(null);
    page.load().then(m => { if (live) setMod(m); }, e => { if (live) setError(e); });
    return () => { live = false; };
  }, [page.id]);
  useEffect(() => {
    document.title = page.title + ' · GuardOps';
    // after moving to another page, start reading (and tabbing) at its content; the first page keeps
    // the document's order, so that the skip link comes first
    const main = document.getElementById('main');
    if (!firstPage && main && (document.activeElement === document.body || !main.contains(document.activeElement))) {
      main.focus({ preventScroll: true });
    }
    firstPage = false;
  }, [page.id]);
  if (error) return html`<${ErrorBox} error=${error} />`;
  if (!mod) return html`<${Loading} />`;
  const Page = mod.pages[page.id];
  return html`<${Page} config=${config} route=${route} />`;
}

function Shell({ config, onSignOut }) {
  const route = useRoute();
  const pages = visiblePages(config);
  if (!pages.length) {
    return html`<main id="main" tabindex="-1"><h1>Nothing to show</h1>
      <p>Your account (${config.caller ? config.caller.user_id : 'unknown'}) holds no role that this console has pages for
      (${config.caller && config.caller.roles.length ? config.caller.roles.join(', ') : 'no roles'}). Ask an administrator for a role.</p>
      <button type="button" onClick=${onSignOut}>Sign out</button></main>`;
  }
  const preferred = pages.find(p => p.id === 'traces') || pages.find(p => !p.hidden);
  const page = pages.find(p => p.id === route.page) || (route.page ? null : preferred);
  return html`<a class="skip" href="#main" onClick=${e => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <${Nav} pages=${pages} current=${page && page.id} config=${config} onSignOut=${onSignOut} />
    <main id="main" tabindex="-1">
      ${page ? html`<${PageHost} key=${page.id} page=${page} config=${config} route=${route} />`
        : html`<h1>Not available</h1><p>This page does not exist on this server, or your roles do not include it.
          <a href=${link(preferred.id)}>Go to ${preferred.title}</a>.</p>`}
    </main>`;
}

function SignIn({ config, error, expired }) {
  const login = config.login;
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(error);
  if (!login.client_id) {
    return html`<main id="main" class="narrow"><h1>GuardOps</h1><div class="error" role="alert">This server runs in auth0 mode but
      has no client for the console: set <code>guardops.console.oidc.client-id</code> to a single-page application of the
      issuer ${login.issuer} (authorization code with PKCE, callback URL ${location.origin + location.pathname}).</div></main>`;
  }
  const go = async () => {
    setBusy(true);
    try { await auth.signIn(); } catch (e) { setErr(e); setBusy(false); }
  };
  return html`<main id="main" class="narrow"><h1>GuardOps</h1>
    ${expired && html`<p role="status">Your session ended. Sign in again to continue.</p>`}
    <p>Sign in with ${new URL(login.issuer).host} to see your projects and traces.</p>
    <${ErrorBox} error=${err} />
    <button type="button" onClick=${go} disabled=${busy} data-testid="sign-in">${busy ? 'Redirecting…' : 'Sign in'}</button></main>`;
}

function ChooseUser({ onChosen, error }) {
  const [user, setUser] = useState('');
  return html`<main id="main" class="narrow"><h1>GuardOps</h1>
    <p>This server runs in <strong>unprotected</strong> mode: it trusts the user id a client names. Enter the user to act as.</p>
    <${ErrorBox} error=${error} />
    <${Form} submitLabel="Continue" onSubmit=${() => { auth.useUser(user.trim()); onChosen(); }}>
      <${Field} label="User id" name="user_id" value=${user} onInput=${setUser} required autofocus />
    </${Form}></main>`;
}

function App() {
  const [state, setState] = useState({ config: null, error: null, expired: false });
  const load = (promise, expired) => promise.then(config => setState({ config, error: null, expired }),
    error => setState(s => ({ ...s, error })));
  useEffect(() => { load(auth.start()); }, []);
  useEffect(() => auth.onChange(reason => {
    if (reason === 'renewed') return;
    load(auth.refreshConfig(), reason === 'expired');
  }), []);
  const { config, error, expired } = state;
  if (!config) {
    return error ? html`<main id="main" class="narrow"><h1>GuardOps</h1><${ErrorBox} error=${error} /></main>` : html`<${Loading} what="Starting" />`;
  }
  if (config.login && (!auth.signedIn || !config.caller)) {
    return html`<${SignIn} config=${config} error=${error || auth.signInError || (auth.signedIn ? new Error(config.caller_error) : null)}
      expired=${expired} />`;
  }
  if (config.mode === 'unprotected' && (!auth.signedIn || !config.caller)) {
    return html`<${ChooseUser} error=${auth.signedIn && config.caller_error ? new Error(config.caller_error) : null}
      onChosen=${() => load(auth.refreshConfig())} />`;
  }
  if (!config.caller) {
    return html`<main id="main" class="narrow"><h1>GuardOps</h1><div class="error" role="alert">${config.caller_error}</div></main>`;
  }
  return html`<${Shell} config=${config} onSignOut=${() => auth.signOut()} />`;
}

render(html`<${App} />`, document.getElementById('app'));
