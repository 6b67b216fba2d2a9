/**
 * The built-in {@link io.guardops.api.AttributeMapper}s, internal to the engine: OpenTelemetry GenAI
 * ({@code otel-genai}), OpenInference, OpenLLMetry, the Vercel AI SDK and the GuardOps Python
 * library, listed by {@link io.guardops.engine.mapping.BuiltinMappers}. Each reads one naming
 * convention into {@link io.guardops.api.LlmFields}; see {@code BuiltinMappers} for the order and the
 * rule that marks wrapper spans' usage as aggregate.
 */
package io.guardops.engine.mapping;
