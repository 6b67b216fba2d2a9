// Sends one LLM trace with the OpenTelemetry JS SDK's OTLP/HTTP JSON exporter, then exits.
// Usage: node send-traces.mjs <endpoint> <api-key>; prints the trace id on success.
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { trace, context, SpanKind, SpanStatusCode } from '@opentelemetry/api';

const [endpoint, key] = process.argv.slice(2);
const exporter = new OTLPTraceExporter({ url: endpoint, headers: { Authorization: `Bearer ${key}` } });
const provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': 'js-chat' }) });
provider.addSpanProcessor(new SimpleSpanProcessor(exporter));
const tracer = provider.getTracer('guardops-it');

const root = tracer.startSpan('ai.generateText', {
  attributes: { 'ai.operationId': 'ai.generateText', 'ai.model.id': 'claude-3-5-haiku-20241022',
    'ai.model.provider': 'anthropic.messages', 'ai.usage.promptTokens': 120, 'ai.usage.completionTokens': 30,
    'ai.prompt': '{"prompt":"Name a colour."}', 'ai.response.text': 'Blue.' } });
const ctx = trace.setSpan(context.active(), root);
const call = tracer.startSpan('ai.generateText.doGenerate', { kind: SpanKind.CLIENT,
  attributes: { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'claude-3-5-haiku-20241022',
    'ai.model.provider': 'anthropic.messages', 'ai.usage.promptTokens': 120, 'ai.usage.completionTokens': 30,
    'ai.prompt.messages': '[{"role":"user","content":[{"type":"text","text":"Name a colour."}]}]',
    'ai.response.text': 'Blue.', 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-3-5-haiku-20241022' } }, ctx);
call.setStatus({ code: SpanStatusCode.OK });
call.end();
root.end();
await provider.forceFlush();
await provider.shutdown();
console.log(root.spanContext().traceId);
