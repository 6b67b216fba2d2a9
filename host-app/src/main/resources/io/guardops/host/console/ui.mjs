// Small accessible building blocks shared by the pages.
import { html, useState, useEffect, useRef } from './lib.mjs';

let idCounter = 0;
export function useId(prefix = 'f') {
  const ref = useRef(null);
  if (ref.current === null) ref.current = prefix + '-' + (++idCounter);
  return ref.current;
}

/** A labelled input; `hint` is read by screen readers with the field. */
export function Field({ label, hint, type = 'text', value, onInput, name, required, min, max, step, placeholder, rows, options, autofocus, testid }) {
  const id = useId(name || 'field');
  const hintId = hint ? id + '-hint' : undefined;
  const common = { id, name, required, 'aria-describedby': hintId, 'data-testid': testid || name, autofocus };
  let control;
  if (type === 'textarea') {
    control = html`<textarea ...${common} rows=${rows || 4} value=${value} placeholder=${placeholder}
      onInput=${e => onInput(e.currentTarget.value)}></textarea>`;
  } else if (type === 'select') {
    control = html`<select ...${common} value=${value} onChange=${e => onInput(e.currentTarget.value)}>
      ${options.map(o => html`<option value=${o.value}>${o.label}</option>`)}</select>`;
  } else if (type === 'checkbox') {
    return html`<div class="field check"><input type="checkbox" ...${common} checked=${value}
      onChange=${e => onInput(e.currentTarget.checked)} /><label for=${id}>${label}</label>
      ${hint && html`<small id=${hintId}>${hint}</small>`}</div>`;
  } else {
    control = html`<input ...${common} type=${type} value=${value ?? ''} min=${min} max=${max} step=${step}
      placeholder=${placeholder} onInput=${e => onInput(e.currentTarget.value)} />`;
  }
  return html`<div class="field"><label for=${id}>${label}</label>${control}
    ${hint && html`<small id=${hintId}>${hint}</small>`}</div>`;
}

/** An error from the API, as the server's `detail` says it. */
export function ErrorBox({ error, onRetry }) {
  if (!error) return null;
  return html`<div class="error" role="alert" data-testid="error">
    <strong>${error.status ? 'Error ' + error.status : 'Error'}:</strong> ${error.message}
    ${onRetry && html` <button type="button" class="link" onClick=${onRetry}>Try again</button>`}
  </div>`;
}

export function Loading({ what = 'Loading' }) {
  return html`<p class="muted" role="status" aria-live="polite">${what}…</p>`;
}

/** What to do when a list is empty. */
export function Empty({ title, children }) {
  return html`<div class="empty" data-testid="empty"><p><strong>${title}</strong></p>${children}</div>`;
}

/** A modal dialog (the native <dialog>: focus trapped, Escape closes). */
export function Dialog({ title, open, onClose, children, testid }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const id = useId('dialog');
  return html`<dialog ref=${ref} aria-labelledby=${id} onClose=${onClose} data-testid=${testid}>
    <div class="dialog-head"><h2 id=${id}>${title}</h2>
      <button type="button" class="icon" aria-label="Close" onClick=${onClose}>×</button></div>
    ${open && children}
  </dialog>`;
}

/** Copies `text` to the clipboard, saying so for screen readers. */
export function CopyButton({ text, label = 'Copy', testid }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
    } catch (e) {
      // no clipboard permission (an insecure origin): select the text instead
      setDone(false);
      const sel = window.getSelection();
      const pre = document.querySelector('[data-copy-source="' + CSS.escape(testid || '') + '"]');
      if (pre && sel) { sel.selectAllChildren(pre); }
    }
    setTimeout(() => setDone(false), 2000);
  };
  return html`<button type="button" class="secondary" onClick=${copy} data-testid=${testid}>
    ${done ? 'Copied' : label}<span class="sr-only" aria-live="polite">${done ? ' copied to the clipboard' : ''}</span></button>`;
}

/** A block of text to copy, with its button. */
export function CopyBlock({ text, label, testid }) {
  return html`<div class="copy-block"><pre data-copy-source=${testid} data-testid=${testid && testid + '-text'}>${text}</pre>
    <${CopyButton} text=${text} label=${label || 'Copy'} testid=${testid} /></div>`;
}

/** A form whose submit runs `onSubmit` with a busy state and shows its error. */
export function Form({ onSubmit, children, submitLabel, busyLabel, testid, secondary }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const submit = async e => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form onSubmit=${submit} data-testid=${testid}>
    ${children}
    <${ErrorBox} error=${error} />
    <div class="actions"><button type="submit" disabled=${busy}>${busy ? (busyLabel || 'Working') + '…' : submitLabel}</button>${secondary}</div>
  </form>`;
}

/** A progress bar with its numbers as text. */
export function Progress({ done, total, label }) {
  const pct = total > 0 ? Math.round(done / total * 100) : 0;
  return html`<div class="progress-wrap"><progress max=${total || 1} value=${done} aria-label=${label}
    data-testid="progress"></progress><span>${done} / ${total} (${pct} %)</span></div>`;
}
