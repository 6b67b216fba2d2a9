package io.guardops.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.engine.Engine;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OpenAPI 3.1 document of this server ({@code GET /openapi.json}), generated from the route table:
 * every route with its summary, parameters, request body, who may call it (a security requirement and
 * {@code x-guardops-role}) and its replies. Security follows the auth mode: single-user and
 * unprotected modes need no credentials on role routes. Built once, on first request.
 */
final class OpenApi {
  private final RouteTable table;
  private final Engine engine;
  private final ObjectMapper mapper;
  private volatile byte[] bytes;

  OpenApi(RouteTable table, Engine engine, ObjectMapper mapper) {
    this.table = table;
    this.engine = engine;
    this.mapper = mapper;
  }

  byte[] bytes() {
    byte[] b = bytes;
    if (b == null) {
      try {
        b = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(document());
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
      bytes = b;
    }
    return b;
  }

  Map<String, Object> document() {
    boolean noLogin = List.of("single-user", "unprotected").contains(engine.authMode());
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.1.0");
    doc.put("info", map("title", "GuardOps", "version", Engine.version(), "description",
        "The GuardOps HTTP API: projects, traces, metrics and ingestion. Parameters travel in the query string;"
            + " replies are JSON; errors are `{\"detail\": \"...\"}` (OTLP routes: `google.rpc.Status`). This server"
            + " runs in `" + engine.authMode() + "` mode" + (noLogin ? ", where calls need no credentials"
            : ", where every call needs a bearer token holding the role in `x-guardops-role`") + "; ingestion takes"
            + " an API key."));
    Map<String, Object> paths = new LinkedHashMap<>();
    Set<String> tags = new LinkedHashSet<>();
    for (RouteTable.Route r : table.routes()) {
      String tag = tag(r);
      tags.add(tag);
      @SuppressWarnings("unchecked")
      Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(r.path(), p -> new LinkedHashMap<>());
      item.put(r.method().toLowerCase(Locale.ROOT), operation(r, tag, noLogin));
    }
    List<Object> tagList = new ArrayList<>();
    tags.forEach(t -> tagList.add(map("name", t)));
    doc.put("tags", tagList);
    doc.put("paths", paths);
    doc.put("components", components());
    return doc;
  }

  private static String tag(RouteTable.Route r) {
    return switch (r.guard()) {
      case ROLE -> r.role() == io.guardops.api.auth.Role.FULL_ACCESS ? "Users" : r.role().claimName();
      case API_KEY_HEADER, API_KEY_LIBRARY -> "Ingestion";
      case PUBLIC, ROLE_OR_SCRAPE_TOKEN -> "Operations";
    };
  }

  private Map<String, Object> operation(RouteTable.Route r, String tag, boolean noLogin) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("operationId", (r.method() + "_" + r.path()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
        .replaceAll("^_|_$", ""));
    op.put("summary", r.summary());
    op.put("tags", List.of(tag));
    List<Object> params = new ArrayList<>();
    for (Param p : r.doc().params()) {
      params.add(parameter(p));
    }
    if (r.guard() == RouteTable.Guard.ROLE && r.doc().params().stream().noneMatch(p -> p.name().equals("user_id"))) {
      params.add(parameter(Param.USER_ID));
    }
    if (!params.isEmpty()) {
      op.put("parameters", params);
    }
    if (r.doc().body() != null) {
      Map<String, Object> content = new LinkedHashMap<>();
      for (String type : r.doc().bodyTypes()) {
        content.put(type, type.contains("json") ? map("schema", map("type", "object")) : map());
      }
      op.put("requestBody", map("description", r.doc().body(), "required", true, "content", content));
    }
    op.put("security", security(r, noLogin));
    op.put("x-guardops-access", r.access());
    if (r.role() != null) {
      op.put("x-guardops-role", r.role().claimName());
    }
    Map<String, Object> responses = new LinkedHashMap<>();
    Map<String, Object> content = new LinkedHashMap<>();
    List<String> produces = r.doc().produces().isEmpty() ? List.of(Reply.JSON) : r.doc().produces();
    for (String type : produces) {
      content.put(type, type.equals(Reply.JSON) ? map("schema", map("description", "the result, as JSON")) : map());
    }
    if (r.errors() == RouteTable.ErrorStyle.OTLP) {
      content = new LinkedHashMap<>(Map.of("application/x-protobuf", map(),
          "application/json", map("schema", map("$ref", "#/components/schemas/ExportTraceServiceResponse"))));
    }
    responses.put("200", map("description", "success", "content", content));
    String error = r.errors() == RouteTable.ErrorStyle.OTLP ? "#/components/responses/OtlpError"
        : "#/components/responses/Error";
    responses.put("4XX", map("$ref", error));
    responses.put("503", map("$ref", error));
    op.put("responses", responses);
    return op;
  }

  private static List<Object> security(RouteTable.Route r, boolean noLogin) {
    return switch (r.guard()) {
      case PUBLIC -> List.of();
      case ROLE -> noLogin ? List.of() : List.of(map("bearerAuth", List.of()));
      case ROLE_OR_SCRAPE_TOKEN -> noLogin ? List.of(map(), map("scrapeToken", List.of()))
          : List.of(map("bearerAuth", List.of()), map("scrapeToken", List.of()));
      case API_KEY_HEADER -> List.of(map("apiKey", List.of()), map("apiKeyBearer", List.of()));
      case API_KEY_LIBRARY -> List.of(map("libraryKeyHash", List.of()));
    };
  }

  private static Map<String, Object> parameter(Param p) {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("type", p.type());
    if (p.format() != null) {
      schema.put("format", p.format());
    }
    if (!p.allowed().isEmpty()) {
      schema.put("enum", p.allowed());
    }
    return map("name", p.name(), "in", p.in(), "required", p.mandatory(), "description", p.description(),
        "schema", schema);
  }

  private static Map<String, Object> components() {
    Map<String, Object> schemes = new LinkedHashMap<>();
    schemes.put("bearerAuth", map("type", "http", "scheme", "bearer", "bearerFormat", "JWT",
        "description", "an access token of the configured issuer (auth0 mode), holding the route's role"));
    schemes.put("apiKey", map("type", "apiKey", "in", "header", "name", "x-guardops-api-key",
        "description", "an API key minted with create_key"));
    schemes.put("apiKeyBearer", map("type", "http", "scheme", "bearer",
        "description", "an API key minted with create_key, as `Authorization: Bearer <key>`"));
    schemes.put("libraryKeyHash", map("type", "apiKey", "in", "query", "name", "key_hash",
        "description", "the GuardOps Python library's credential: hex SHA-256 of an API key of `user_id`"));
    schemes.put("scrapeToken", map("type", "http", "scheme", "bearer",
        "description", "the static scrape token `guardops.metrics.token` (Prometheus `authorization` credentials)"));
    Map<String, Object> schemas = new LinkedHashMap<>();
    schemas.put("Error", map("type", "object", "required", List.of("detail"),
        "properties", map("detail", map("type", "string", "description", "what is wrong, and what to do"))));
    schemas.put("OtlpStatus", map("type", "object", "description", "google.rpc.Status",
        "properties", map("code", map("type", "integer", "description", "the gRPC status code"),
            "message", map("type", "string"))));
    schemas.put("ExportTraceServiceResponse", map("type", "object", "properties", map("partialSuccess",
        map("type", "object", "properties", map("rejectedSpans", map("type", "string", "description",
            "how many spans were rejected (a 64-bit integer, written as a string)"), "errorMessage",
            map("type", "string"))))));
    Map<String, Object> responses = new LinkedHashMap<>();
    responses.put("Error", map("description", "refused: 400 invalid, 401 no or bad credentials, 403 missing role,"
        + " 404 not found (also for what the caller may not see), 413 too large, 503 a backend is down (retry)",
        "content", map(Reply.JSON, map("schema", map("$ref", "#/components/schemas/Error")))));
    responses.put("OtlpError", map("description", "refused, as OTLP/HTTP says: a google.rpc.Status in the request's"
        + " encoding", "content", map("application/x-protobuf", map(),
            "application/json", map("schema", map("$ref", "#/components/schemas/OtlpStatus")))));
    return map("securitySchemes", schemes, "schemas", schemas, "responses", responses);
  }

  /** An ordered map of key/value pairs. */
  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
