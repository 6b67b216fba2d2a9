// Shared by every page: rendering (preact + htm), the API client, routing and formatting.
// Text is only ever rendered as text: no page writes markup from strings (WebConsoleTest checks).
import { h, render, Fragment } from './vendor/preact.mjs';
import { useState, useEffect, useRef, useCallback, useMemo } from './vendor/hooks.mjs';
import htm from './vendor/htm.mjs';
import { auth } from './auth.mjs';

export const html = htm.bind(h);
export { h, render, Fragment, useState, useEffect, useRef, useCallback, useMemo };

// ---------------------------------------------------------------- API

/** An API failure: the HTTP status and the server's `detail`. */
export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

/** The URL of an API path (`api/get_projects`), relative to the page, so the console works under a root path. */
export function apiUrl(path, params) {
  const u = new URL(path.replace(/^\//, ''), document.baseURI);
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(one));
  }
  return u;
}

/**
 * Calls the API: `params` as query parameters (arrays repeat), `json` as a JSON body or `body` as is.
 * Credentials come from auth.mjs (a bearer token, or unprotected mode's user id); never cookies.
 * Resolves to the parsed JSON (or the Response with `raw`); rejects with an ApiError carrying `detail`.
 */
export async function api(method, path, { params, json, body, contentType, raw } = {}) {
  const p = { ...(params || {}) };
  const headers = {};
  auth.decorate(p, headers);
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  } else if (contentType) {
    headers['Content-Type'] = contentType;
  }
  let res;
  try {
    res = await fetch(apiUrl(path, p), { method, headers, body, credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached (' + e.message + ')');
  }
  if (res.status === 401) auth.unauthorized();
  if (!res.ok) {
    let detail = res.status + ' ' + res.statusText;
    try {
      const j = await res.json();
      if (j && typeof j.detail === 'string') detail = j.detail;
    } catch (e) { /* not JSON: the status says enough */ }
    throw new ApiError(res.status, detail);
  }
  if (raw) return res;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/**
 * Calls a route that answers with server-sent events (`stream=true`), handing each event to
 * `onEvent(name, data)` as it arrives (fetch streaming: EventSource cannot send a bearer token or a
 * body). Resolves when the stream ends; an `error` event rejects with its ApiError.
 */
export async function apiEvents(method, path, options, onEvent) {
  const res = await api(method, path, { ...options, params: { ...(options.params || {}), stream: true }, raw: true });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let failure = null;
  const dispatch = block => {
    let name = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) name = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length === 0) return;
    const value = JSON.parse(data.join('\n'));
    if (name === 'error') failure = new ApiError(value.status || 500, value.detail || 'the run failed');
    else onEvent(name, value);
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      dispatch(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
  if (buffer.trim()) dispatch(buffer);
  if (failure) throw failure;
}

/** Runs `load` when `deps` change: {data, error, loading, reload}. */
export function useApi(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const seq = useRef(0);
  const run = useCallback(() => {
    const n = ++seq.current;
    setState(s => ({ ...s, loading: true, error: null }));
    Promise.resolve().then(load).then(
      data => { if (n === seq.current) setState({ data, error: null, loading: false }); },
      error => { if (n === seq.current) setState({ data: undefined, error, loading: false }); });
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

/** Whether the caller may call one route (to show or hide an action). */
export function canCall(config, route) {
  const r = config.routes.find(x => x.method + ' ' + x.path === route);
  if (!r) return false;
  const roles = config.caller ? config.caller.roles : [];
  return r.role === null || roles.includes('Full_Access') || roles.includes(r.role);
}

// ---------------------------------------------------------------- routing (hash based: API paths stay free)

/** The current route: `#/traces?x=1` -> {page: 'traces', rest: [], query: {x: '1'}}. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, qs] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] || '', rest: parts.slice(1), query: Object.fromEntries(new URLSearchParams(qs || '')) };
}

/** A hash link: link('trace', [project, id], {x: 1}) -> '#/trace/p/id?x=1'. */
export function link(page, rest = [], query = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return '#/' + [page, ...rest].map(encodeURIComponent).join('/') + (s ? '?' + s : '');
}

export function go(page, rest, query) {
  location.hash = link(page, rest, query);
}

// ---------------------------------------------------------------- the selected project (not a secret)

const listeners = new Set();
const PROJECT_KEY = 'guardops.project';
const stored = JSON.parse(sessionStorage.getItem(PROJECT_KEY) || 'null');
export const session = {
  user: stored ? stored.user : null,
  project: stored ? stored.project : null,
  /** The project picked by `user` in this tab; another user starts afresh. */
  forUser(user) {
    if (this.user !== user) {
      this.user = user;
      this.setProject(null);
    }
  },
  setProject(id) {
    this.project = id || null;
    sessionStorage.setItem(PROJECT_KEY, JSON.stringify({ user: this.user, project: this.project }));
    listeners.forEach(f => f(this.project));
  },
};

export function useProject() {
  const [p, setP] = useState(session.project);
  useEffect(() => {
    listeners.add(setP);
    return () => listeners.delete(setP);
  }, []);
  return p;
}

// ---------------------------------------------------------------- formatting (the browser's locale and time zone)

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : dateTime.format(d);
}

export function fmtShortTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : shortTime.format(d);
}

export function fmtInt(n) {
  return n === null || n === undefined || n === '' ? '–' : integer.format(Number(n));
}

export function fmtNum(n) {
  return n === null || n === undefined || n === '' || Number.isNaN(Number(n)) ? '–' : decimal.format(Number(n));
}

/** Costs in US dollars: small amounts keep their significant digits ($0.000123). */
export function fmtCost(c) {
  if (c === null || c === undefined) return '–';
  const v = Number(c);
  const digits = v !== 0 && Math.abs(v) < 0.01 ? 6 : 2;
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: digits }).format(v);
}

/** A duration in milliseconds: "850 ms", "1.25 s", "2 min 5 s". */
export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '–';
  const v = Number(ms);
  if (v < 1) return decimal.format(v) + ' ms';
  if (v < 1000) return integer.format(v) + ' ms';
  if (v < 60000) return decimal.format(v / 1000) + ' s';
  return integer.format(Math.floor(v / 60000)) + ' min ' + integer.format(Math.round(v % 60000 / 1000)) + ' s';
}

/** A value for display as text: strings as they are, anything else as JSON. */
export function asText(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/** ISO-8601 in UTC of a local `datetime-local` input value, or null. */
export function localInputToIso(v) {
  if (!v) return null;
  const d = new Date(v);
  return isNaN(d) ? null : d.toISOString();
}

/** A `datetime-local` input value (the browser's time zone) of an instant. */
export function isoToLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}
