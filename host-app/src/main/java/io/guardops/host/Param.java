package io.guardops.host;

import java.util.List;
import java.util.Objects;

/**
 * A parameter a route reads, declared beside the route so that the OpenAPI document
 * ({@code GET /openapi.json}) says what each route takes.
 *
 * @param mandatory whether the route refuses a request without it
 * @param in {@code query}, {@code path} or {@code header}
 * @param type the JSON Schema type: {@code string}, {@code integer}, {@code number} or {@code boolean}
 * @param format a JSON Schema format ({@code date-time}) or null
 * @param allowed the values it may take (an enum), empty for any
 */
record Param(String name, String in, boolean mandatory, String type, String format, List<String> allowed,
    String description) {
  Param {
    Objects.requireNonNull(name, "name");
    if (!List.of("query", "path", "header").contains(in)) {
      throw new IllegalArgumentException(name + ": 'in' is query, path or header, was " + in);
    }
    if (!List.of("string", "integer", "number", "boolean").contains(type)) {
      throw new IllegalArgumentException(name + ": not a JSON Schema type: " + type);
    }
    allowed = List.copyOf(allowed);
    Objects.requireNonNull(description, "description");
  }

  /** An optional query parameter. */
  static Param query(String name, String type, String description) {
    return new Param(name, "query", false, type, null, List.of(), description);
  }

  /** An optional string query parameter. */
  static Param query(String name, String description) {
    return query(name, "string", description);
  }

  /** An optional request header. */
  static Param header(String name, String description) {
    return new Param(name, "header", false, "string", null, List.of(), description);
  }

  /** A path parameter (the last segment of a route's path, {@code /docs/{asset}}). */
  static Param path(String name, String description, String... allowed) {
    return new Param(name, "path", true, "string", null, List.of(allowed), description);
  }

  /** This parameter, required. */
  Param required() {
    return new Param(name, in, true, type, format, allowed, description);
  }

  Param oneOf(String... values) {
    return new Param(name, in, mandatory, type, format, List.of(values), description);
  }

  Param withDescription(String d) {
    return new Param(name, in, mandatory, type, format, allowed, d);
  }

  Param format(String f) {
    return new Param(name, in, mandatory, type, f, allowed, description);
  }

  // parameters several routes share
  static final Param PROJECT_ID = query("project_id", "the project's id").required();
  static final Param PAGE = query("page", "integer", "page number, from 1 (with `limit`); or page with `cursor`");
  static final Param LIMIT = query("limit", "integer", "items per page, 1 to 100 (default 20)");
  static final Param CURSOR = query("cursor", "the `next_cursor` of the previous page (instead of `page`)");
  static final Param FROM = query("from", "start of the range, ISO-8601 (`2026-01-31T12:00:00Z`)").format("date-time");
  static final Param TO = query("to", "end of the range, ISO-8601").format("date-time");
  /** Added to every role-guarded route by the OpenAPI document. */
  static final Param USER_ID = query("user_id", "the user the call acts for: must be the caller's own user (a token"
      + " user or single-user mode's \"0\"); in unprotected mode it names the user");
}
