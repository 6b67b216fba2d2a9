// Playground, arena and templates: shown once the host has their routes (see app.mjs).
import { html } from './lib.mjs';

function Pending({ title }) {
  return html`<h1>${title}</h1><p>This page is not available on this server yet.</p>`;
}

export const pages = {
  playground: () => html`<${Pending} title="Playground" />`,
  arena: () => html`<${Pending} title="Arena" />`,
  templates: () => html`<${Pending} title="Templates" />`,
};
