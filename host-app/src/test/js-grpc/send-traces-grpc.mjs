// Sends one LLM trace with the OpenTelemetry JS SDK's OTLP/gRPC exporter, then exits.
// Usage: node send-traces-grpc.mjs <host:port> <api-key> [gzip]; prints the trace id on success, exits 1 on
// an export failure (with the gRPC status on stderr).
import { Metadata } from '@grpc/grpc-js';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { Resource } from '@opentelemetry/resources';
import { trace, context, SpanKind, SpanStatusCode } from '@opentelemetry/api';

const [address, key, compression] = process.argv.slice(2);
const metadata = new Metadata();
metadata.set('x-guardops-api-key', key);
const exporter = new OTLPTraceExporter({ url: `http://${address}`, metadata,
  compression: compression === 'gzip' ? 'gzip' : 'none' });
let failed = null;
const processor = new SimpleSpanProcessor({
  export(spans, done) {
    exporter.export(spans, (result) => {
      if (result.code !== 0) {
        failed = result.error;
      }
      done(result);
    });
  },
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush(),
});
const provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': 'js-grpc-chat' }) });
provider.addSpanProcessor(processor);
const tracer = provider.getTracer('guardops-it');

const root = tracer.startSpan('invoke_agent support', { attributes: { 'gen_ai.operation.name': 'invoke_agent' } });
const ctx = trace.setSpan(context.active(), root);
const call = tracer.startSpan('chat claude-3-5-haiku-20241022', { kind: SpanKind.CLIENT,
  attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic',
    'gen_ai.request.model': 'claude-3-5-haiku-20241022', 'gen_ai.usage.input_tokens': 120,
    'gen_ai.usage.output_tokens': 30, 'gen_ai.prompt': 'Name a colour.', 'gen_ai.completion': 'Blue.' } }, ctx);
call.setStatus({ code: SpanStatusCode.OK });
call.end();
root.end();
await provider.forceFlush();
await provider.shutdown();
if (failed) {
  console.error(`export failed: ${failed.message ?? failed}`);
  process.exit(1);
}
console.log(root.spanContext().traceId);
