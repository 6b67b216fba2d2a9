package io.guardops.host;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Calls the auth0 integration tests make: a request with a bearer token, an OTLP export with an API key. */
final class AuthCalls {
  private AuthCalls() {}

  /** {@code method pathAndQuery} with {@code Authorization: Bearer token} ({@code null}: no header). */
  static TestHost.Reply call(TestHost host, String method, String pathAndQuery, String token) throws Exception {
    return host.send(method, pathAndQuery, null, null,
        token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
  }

  /** The {@code detail} of a refusal, or {@code ""}. */
  static String detail(TestHost.Reply r) {
    return r.json() == null || r.json().get("detail") == null ? "" : r.json().get("detail").asText();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /**
   * Sends one chat span with the OpenTelemetry Java SDK's OTLP/HTTP exporter and API key {@code key}, to
   * {@code project} ({@code null}: the key owner's Default Project); true when the export succeeded.
   */
  static boolean otlp(TestHost host, String key, String project) {
    OtlpHttpSpanExporterBuilder b = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + host.server.port() + "/v1/traces")
        .addHeader("Authorization", "Bearer " + key);
    if (project != null) {
      b.addHeader("x-guardops-project", project);
    }
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "auth0-it")))
        .addSpanProcessor(SimpleSpanProcessor.create(b.build())).build();
    provider.get("it").spanBuilder("chat gpt-4o").setAttribute("gen_ai.request.model", "gpt-4o")
        .setAttribute("gen_ai.usage.input_tokens", 12L).startSpan().end();
    CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return flushed.isSuccess();
  }
}
