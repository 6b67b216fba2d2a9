// Datasets: the list (create, rename, delete, share, import by code) and one dataset's items (add,
// remove, import a CSV or JSONL file, export a version, versions).
import { html, useState, api, useApi, link, fmtInt, fmtTime, asText } from './lib.mjs';
import { ErrorBox, Loading, Empty, Dialog, Field, Form, CopyBlock } from './ui.mjs';

function DatasetForm({ dataset, onDone }) {
  const [name, setName] = useState(dataset ? dataset.name : '');
  const [description, setDescription] = useState(dataset ? dataset.description || '' : '');
  const submit = async () => {
    const params = { dataset_name: name, dataset_description: description };
    const r = dataset ? await api('PATCH', 'api/update_dataset', { params: { ...params, dataset_id: dataset.dataset_id } })
      : await api('POST', 'api/create_dataset', { params });
    onDone(r);
  };
  return html`<${Form} onSubmit=${submit} submitLabel=${dataset ? 'Save' : 'Create dataset'} busyLabel="Saving" testid="dataset-form">
    <${Field} label="Name" name="dataset_name" value=${name} onInput=${setName} required autofocus />
    <${Field} label="Description" name="dataset_description" type="textarea" rows="2" value=${description} onInput=${setDescription} />
  </${Form}>`;
}

function ShareDataset({ dataset }) {
  const [issued, setIssued] = useState(null);
  return html`<div><p>A share code lets one other user add this dataset to their list; it is shown once.</p>
    <${Form} submitLabel="Create a share code" onSubmit=${async () => setIssued(await api('GET', 'api/share_dataset', { params: { dataset_id: dataset.dataset_id } }))} />
    ${issued && html`<${CopyBlock} text=${issued.share_code} testid="dataset-share-code" />`}</div>`;
}

function ImportCode({ onDone }) {
  const [code, setCode] = useState('');
  return html`<${Form} submitLabel="Import" onSubmit=${async () => { await api('POST', 'api/import_dataset', { params: { share_code: code.trim() } }); onDone(); }}>
    <${Field} label="Share code" name="share_code" value=${code} onInput=${setCode} required autofocus /></${Form}>`;
}

function DatasetList() {
  const list = useApi(() => api('GET', 'api/get_datasets').then(r => r.datasets), []);
  const [dialog, setDialog] = useState(null);
  const close = () => setDialog(null);
  const done = () => { close(); list.reload(); };
  const titles = { create: 'New dataset', edit: 'Edit dataset', delete: 'Delete dataset', share: 'Share dataset', import: 'Import a shared dataset' };
  return html`<section>
    <div class="actions"><h1>Datasets</h1>
      <button type="button" onClick=${() => setDialog({ kind: 'create' })} data-testid="new-dataset">New dataset</button>
      <button type="button" class="secondary" onClick=${() => setDialog({ kind: 'import' })}>Import with a share code</button></div>
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data && list.data.length === 0 && html`<${Empty} title="No datasets yet"><p>Create a dataset, then add traces to it from a trace's page,
      add items by hand, or import a CSV or JSONL file.</p></${Empty}>`}
    ${list.data && list.data.length > 0 && html`<div class="table-wrap"><table data-testid="datasets"><thead><tr><th>Name</th>
      <th class="num">Items</th><th class="num hide-narrow">Version</th><th class="hide-narrow">Updated</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${list.data.map(d => html`<tr data-testid="dataset-row"><td><a href=${link('datasets', [d.dataset_id])}>${d.name}</a>
        ${d.shared && html` <span class="badge">shared by ${d.owner}</span>`}${d.description && html`<div class="muted">${d.description}</div>`}</td>
        <td class="num">${fmtInt(d.item_count)}</td><td class="num hide-narrow">${d.version}</td><td class="hide-narrow">${fmtTime(d.updated)}</td>
        <td>${d.role === 'owner' && html`<div class="actions">
          <button type="button" class="secondary" onClick=${() => setDialog({ kind: 'edit', dataset: d })} aria-label=${'Edit ' + d.name}>Edit</button>
          <button type="button" class="secondary" onClick=${() => setDialog({ kind: 'share', dataset: d })} aria-label=${'Share ' + d.name}>Share</button>
          <button type="button" class="danger" onClick=${() => setDialog({ kind: 'delete', dataset: d })} aria-label=${'Delete ' + d.name}>Delete</button></div>`}</td>
      </tr>`)}</tbody></table></div>`}
    <${Dialog} title=${dialog ? titles[dialog.kind] : ''} open=${!!dialog} onClose=${close}>
      ${dialog && dialog.kind === 'create' && html`<${DatasetForm} onDone=${done} />`}
      ${dialog && dialog.kind === 'edit' && html`<${DatasetForm} dataset=${dialog.dataset} onDone=${done} />`}
      ${dialog && dialog.kind === 'share' && html`<${ShareDataset} dataset=${dialog.dataset} />`}
      ${dialog && dialog.kind === 'import' && html`<${ImportCode} onDone=${done} />`}
      ${dialog && dialog.kind === 'delete' && html`<${Form} submitLabel="Delete dataset" onSubmit=${async () => {
        await api('DELETE', 'api/delete_dataset', { params: { dataset_id: dialog.dataset.dataset_id } }); done(); }}>
        <p>Delete <strong>${dialog.dataset.name}</strong> and its experiments? The traces it was made from stay.</p></${Form}>`}
    </${Dialog}>
  </section>`;
}

function ItemForm({ datasetId, onDone }) {
  const [input, setInput] = useState('');
  const [expected, setExpected] = useState('');
  const [output, setOutput] = useState('');
  const submit = async () => {
    const item = { input };
    if (expected) item.expected = expected;
    if (output) item.output = output;
    await api('POST', 'api/add_dataset_items', { params: { dataset_id: datasetId }, json: { items: [item] } });
    onDone();
  };
  return html`<${Form} onSubmit=${submit} submitLabel="Add item" busyLabel="Adding">
    <${Field} label="Input" name="input" type="textarea" value=${input} onInput=${setInput} required autofocus />
    <${Field} label="Expected output" name="expected" type="textarea" rows="2" value=${expected} onInput=${setExpected} />
    <${Field} label="Output" name="output" type="textarea" rows="2" value=${output} onInput=${setOutput} />
  </${Form}>`;
}

function ImportFile({ datasetId, onDone }) {
  const [file, setFile] = useState(null);
  const [replace, setReplace] = useState(false);
  const [result, setResult] = useState(null);
  const submit = async () => {
    if (!file) throw new Error('choose a CSV or JSONL file first');
    const format = /\.csv$/i.test(file.name) ? 'csv' : 'jsonl';
    const r = await api('POST', 'api/import_dataset_file', { params: { dataset_id: datasetId, format, replace: replace ? 'true' : undefined },
      body: file, contentType: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
    setResult(r);
    onDone();
  };
  return html`<${Form} onSubmit=${submit} submitLabel="Import file" busyLabel="Importing">
    <div class="field"><label for="import-file">CSV or JSONL file</label>
      <input id="import-file" type="file" accept=".csv,.jsonl,.ndjson,.json" onChange=${e => setFile(e.currentTarget.files[0])} aria-describedby="import-hint" />
      <small id="import-hint">Columns or keys: input, output, expected, context, metadata, id.</small></div>
    <${Field} type="checkbox" label="Replace the current items" name="replace" value=${replace} onInput=${setReplace} />
    ${result && html`<p class="notice" role="status">Imported ${fmtInt(result.imported)} items: the dataset is now at version ${result.dataset.version}.</p>`}
  </${Form}>`;
}

async function download(datasetId, version, format, name) {
  const res = await api('GET', 'api/export_dataset', { params: { dataset_id: datasetId, version, format }, raw: true });
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name + '-v' + version + '.' + format;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

function DatasetDetail({ id }) {
  const datasets = useApi(() => api('GET', 'api/get_datasets').then(r => r.datasets.find(d => d.dataset_id === id)), [id]);
  const [cursors, setCursors] = useState([null]);
  const cursor = cursors[cursors.length - 1];
  const items = useApi(() => api('GET', 'api/get_dataset_items', { params: { dataset_id: id, limit: 50, cursor: cursor || undefined } }), [id, cursor]);
  const versions = useApi(() => api('GET', 'api/get_dataset_versions', { params: { dataset_id: id } }), [id]);
  const [dialog, setDialog] = useState(null);
  const [error, setError] = useState(null);
  const reload = () => { setDialog(null); setCursors([null]); items.reload(); datasets.reload(); versions.reload(); };
  const d = datasets.data;
  if (datasets.error) return html`<${ErrorBox} error=${datasets.error} />`;
  if (!datasets.loading && !d) return html`<h1>Dataset</h1><p>This dataset does not exist or is not yours. <a href=${link('datasets')}>All datasets</a></p>`;
  const owner = d && d.role === 'owner';
  const remove = async itemId => {
    setError(null);
    try {
      await api('DELETE', 'api/delete_dataset_items', { params: { dataset_id: id, item_ids: [itemId] } });
      reload();
    } catch (e) { setError(e); }
  };
  const exportAs = async format => {
    setError(null);
    try { await download(id, d.version, format, d.name); } catch (e) { setError(e); }
  };
  return html`<section>
    <p><a href=${link('datasets')}>← Datasets</a></p>
    <h1>${d ? d.name : 'Dataset'}</h1>
    ${d && html`<p class="muted">${fmtInt(d.item_count)} items · version ${d.version} · updated ${fmtTime(d.updated)}</p>
    <div class="actions">
      ${owner && html`<button type="button" onClick=${() => setDialog('item')}>Add item</button>
        <button type="button" class="secondary" onClick=${() => setDialog('import')}>Import file</button>`}
      <button type="button" class="secondary" onClick=${() => exportAs('csv')}>Export CSV</button>
      <button type="button" class="secondary" onClick=${() => exportAs('jsonl')}>Export JSONL</button>
      <a class="button secondary" href=${link('experiments', [], { dataset: id })}>Experiments</a>
    </div>`}
    <${ErrorBox} error=${items.error || error} />
    ${items.data && items.data.items.length === 0 && html`<${Empty} title="This dataset has no items">
      <p>Add traces from a trace's page, add items here, or import a CSV or JSONL file.</p></${Empty}>`}
    ${items.data && items.data.items.length > 0 && html`<div class="table-wrap"><table data-testid="items"><thead><tr><th>Input</th><th>Output</th>
      <th class="hide-narrow">Expected</th><th class="hide-narrow">Source</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${items.data.items.map(i => html`<tr data-testid="item-row"><td><div class="content">${asText(i.input)}</div></td>
        <td>${asText(i.output)}</td><td class="hide-narrow">${asText(i.expected)}</td>
        <td class="hide-narrow">${i.source_trace_id ? html`<code>${i.source_trace_id.slice(0, 10)}…</code>` : '–'}</td>
        <td>${owner && html`<button type="button" class="secondary" onClick=${() => remove(i.item_id)} aria-label="Remove this item">Remove</button>`}</td></tr>`)}
      </tbody></table></div>
      <nav class="pager" aria-label="Pages of items">
        <button type="button" class="secondary" disabled=${cursors.length === 1} onClick=${() => setCursors(c => c.slice(0, -1))}>Previous</button>
        <button type="button" class="secondary" disabled=${!items.data.next_cursor} onClick=${() => setCursors(c => [...c, items.data.next_cursor])}>Next</button>
      </nav>`}
    ${versions.data && versions.data.versions && versions.data.versions.length > 0 && html`<h2>Versions</h2><ul>
      ${versions.data.versions.map(v => html`<li>v${v.version}: ${fmtInt(v.item_count)} items, ${fmtTime(v.published)} ${v.note && html`<span class="muted">${v.note}</span>`}</li>`)}</ul>`}
    <${Dialog} title=${dialog === 'item' ? 'Add an item' : 'Import a file'} open=${!!dialog} onClose=${() => setDialog(null)}>
      ${dialog === 'item' && html`<${ItemForm} datasetId=${id} onDone=${reload} />`}
      ${dialog === 'import' && html`<${ImportFile} datasetId=${id} onDone=${() => { items.reload(); datasets.reload(); versions.reload(); }} />`}
    </${Dialog}>
  </section>`;
}

function DatasetsPage({ route }) {
  return route.rest[0] ? html`<${DatasetDetail} id=${route.rest[0]} />` : html`<${DatasetList} />`;
}

export const pages = { datasets: DatasetsPage };
