package io.guardops.plugins.ingest.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * What a request's metadata says, as OTLP/HTTP reads its headers: the API key
 * ({@code x-guardops-api-key}, else {@code authorization: Bearer <key>}) and the project
 * ({@code x-guardops-project}). Never logged.
 */
record RequestMetadata(String apiKey, String project) {
  static final Context.Key<RequestMetadata> KEY = Context.key("guardops-request-metadata");
  static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-guardops-api-key", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> PROJECT = Metadata.Key.of("x-guardops-project", Metadata.ASCII_STRING_MARSHALLER);

  static RequestMetadata of(Metadata headers) {
    String key = headers.get(API_KEY);
    if (key == null) {
      String auth = headers.get(AUTHORIZATION);
      if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        key = auth.substring(7).trim();
      }
    }
    return new RequestMetadata(key, headers.get(PROJECT));
  }

  /** The metadata of the request being handled (empty outside a call). */
  static RequestMetadata current() {
    RequestMetadata m = KEY.get();
    return m == null ? new RequestMetadata(null, null) : m;
  }

  @Override
  public String toString() {
    return "RequestMetadata{project=" + project + "}"; // never the key
  }

  /** Puts each call's metadata into its gRPC context, where the handler reads it. */
  static final class Interceptor implements ServerInterceptor {
    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
        ServerCallHandler<Q, A> next) {
      return Contexts.interceptCall(Context.current().withValue(KEY, of(headers)), call, headers, next);
    }
  }
}
