// API keys: mint (the key is shown once, with a copy button), list, revoke; and copy-paste setup for
// OTLP exporters and the GuardOps Python library, filled in with this server's address and the project.
import { html, useState, api, useApi, fmtTime, useProject } from './lib.mjs';
import { ErrorBox, Loading, Empty, CopyBlock, Form } from './ui.mjs';

function serverBase() {
  return new URL('.', document.baseURI).toString().replace(/\/$/, '');
}

export function snippets(key, project, userId) {
  const base = serverBase();
  const k = key || '<your API key>';
  const projectHeader = project ? ',x-guardops-project=' + project : '';
  return [
    { id: 'env', title: 'Any OpenTelemetry SDK (environment variables)', text:
`export OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf
export OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${base}/v1/traces
export OTEL_EXPORTER_OTLP_TRACES_HEADERS="x-guardops-api-key=${k}${projectHeader}"` },
    { id: 'python', title: 'Python (opentelemetry-sdk, opentelemetry-exporter-otlp-proto-http; works with OpenLLMetry and OpenInference)', text:
`from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

exporter = OTLPSpanExporter(
    endpoint="${base}/v1/traces",
    headers={"x-guardops-api-key": "${k}"${project ? `, "x-guardops-project": "${project}"` : ''}},
)
provider = TracerProvider()
provider.add_span_processor(BatchSpanProcessor(exporter))
trace.set_tracer_provider(provider)` },
    { id: 'java', title: 'Java (io.opentelemetry:opentelemetry-exporter-otlp)', text:
`OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
    .setEndpoint("${base}/v1/traces")
    .addHeader("x-guardops-api-key", "${k}")${project ? `
    .addHeader("x-guardops-project", "${project}")` : ''}
    .build();
SdkTracerProvider provider = SdkTracerProvider.builder()
    .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
    .build();` },
    { id: 'library', title: 'The GuardOps Python library: the values it is configured with', text:
`server:     ${base}        (it posts to /api/store_trace/)
user id:    ${userId || '<your user id>'}
project id: ${project || '<a project id>'}
key:        ${k}          (the library sends its SHA-256 as key_hash)` },
  ];
}

function KeysPage({ config }) {
  const project = useProject();
  const keys = useApi(() => api('GET', 'api/get_keys').then(r => r.keys), []);
  const [minted, setMinted] = useState(null);
  const [revokeError, setRevokeError] = useState(null);
  const mint = async () => {
    setMinted(await api('POST', 'api/create_key'));
    keys.reload();
  };
  const revoke = async hash => {
    setRevokeError(null);
    try {
      await api('DELETE', 'api/delete_key', { params: { key_hash: hash } });
      keys.reload();
    } catch (e) {
      setRevokeError(e);
    }
  };
  return html`<section>
    <h1>API keys</h1>
    <p>Applications send traces with an API key. A key acts for you and can write to your projects; it cannot read anything.</p>
    <${Form} onSubmit=${mint} submitLabel="Create a key" busyLabel="Creating" testid="mint-form" />
    ${minted && html`<div class="notice" role="status" data-testid="minted">
      <p><strong>Your new key.</strong> Copy it now: it is shown only this once and cannot be read back.</p>
      <${CopyBlock} text=${minted} label="Copy key" testid="new-key" /></div>`}
    <h2>Your keys</h2>
    <${ErrorBox} error=${keys.error || revokeError} onRetry=${keys.reload} />
    ${keys.loading && !keys.data && html`<${Loading} />`}
    ${keys.data && keys.data.length === 0 && html`<${Empty} title="No keys yet"><p>Create a key, then use one of the setups below to send traces.</p></${Empty}>`}
    ${keys.data && keys.data.length > 0 && html`<div class="table-wrap"><table data-testid="keys">
      <thead><tr><th>Key</th><th>Created</th><th>Last used</th><th><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>${keys.data.map(k => html`<tr data-testid="key-row"><td><code>${k.hint}</code></td><td>${fmtTime(k.created)}</td>
        <td>${k.lastused ? fmtTime(k.lastused) : 'never'}</td>
        <td><button type="button" class="danger" onClick=${() => revoke(k.hash)} aria-label=${'Revoke key ' + k.hint}>Revoke</button></td></tr>`)}
      </tbody></table></div>`}
    <h2>Send traces</h2>
    <p class="muted">Spans go to ${project ? 'the project selected above' : "your Default Project"} (the <code>x-guardops-project</code> header), or to the key owner's Default Project without it.</p>
    ${snippets(minted, project, config.caller.user_id).map(s => html`<h3>${s.title}</h3><${CopyBlock} text=${s.text} testid=${'snippet-' + s.id} />`)}
  </section>`;
}

export const pages = { keys: KeysPage };
