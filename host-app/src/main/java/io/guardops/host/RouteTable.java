package io.guardops.host;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.api.store.StoreException;
import io.guardops.engine.Callers;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.otlp.OtlpReplies;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every HTTP route of the host, in one table: method, path, who may call it, and its handler. A
 * route cannot be registered without saying who may call it: a {@link Role} (user-facing routes),
 * an API key (ingestion) or {@link #publicRoute public}. The table authenticates and authorises each
 * request in one place, before any handler runs, and renders every failure in the route's error
 * style: {@code {"detail": "..."}} for the GuardOps API, {@code google.rpc.Status} for OTLP.
 */
final class RouteTable {
  private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);

  /** Who may call a route. */
  enum Guard {
    /** Anyone (health). */
    PUBLIC,
    /** An authenticated caller holding the route's role. */
    ROLE,
    /** An API key in {@code Authorization: Bearer} or {@code x-guardops-api-key} (OTLP). */
    API_KEY_HEADER,
    /** The GuardOps Python library's {@code user_id} and {@code key_hash} query parameters. */
    API_KEY_LIBRARY,
    /**
     * A caller holding the route's role, or the static scrape token ({@code guardops.metrics.token}) as
     * a bearer token (Prometheus).
     */
    ROLE_OR_SCRAPE_TOKEN
  }

  /** How a route's failures are written. */
  enum ErrorStyle {
    /** {@code {"detail": "..."}}, as every GuardOps client expects. */
    DETAIL,
    /** A {@code google.rpc.Status} in the request's OTLP encoding. */
    OTLP
  }

  /** Handles an authenticated, authorised request; returns a {@link Reply} or a value to render as JSON. */
  @FunctionalInterface
  interface Handler {
    Object handle(Request request, Caller caller) throws Exception;
  }

  /**
   * What the OpenAPI document says about a route beyond its method, path, access and summary: its
   * parameters, its request body (description and content types, none when null) and the content
   * types of its success reply (JSON when empty).
   */
  record Doc(List<Param> params, String body, List<String> bodyTypes, List<String> produces) {
    static final Doc NONE = new Doc(List.of(), null, List.of(), List.of());

    Doc {
      params = List.copyOf(params);
      bodyTypes = List.copyOf(bodyTypes);
      produces = List.copyOf(produces);
    }
  }

  /**
   * One route. {@code role} is set exactly when {@code guard} is {@link Guard#ROLE} or
   * {@link Guard#ROLE_OR_SCRAPE_TOKEN}. A path may end in one template segment ({@code /docs/{asset}}).
   */
  record Route(String method, String path, Guard guard, Role role, Callers.UserPolicy users, ErrorStyle errors,
      String summary, Handler handler, Doc doc, boolean streamedBody) {
    Route(String method, String path, Guard guard, Role role, Callers.UserPolicy users, ErrorStyle errors,
        String summary, Handler handler, Doc doc) {
      this(method, path, guard, role, users, errors, summary, handler, doc, false);
    }

    Route {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(guard, "guard");
      if ((guard == Guard.ROLE || guard == Guard.ROLE_OR_SCRAPE_TOKEN) != (role != null)) {
        throw new IllegalArgumentException(method + " " + path + ": a role is required exactly for role-guarded routes");
      }
      int brace = path.indexOf('{');
      if (brace >= 0 && (brace != path.lastIndexOf('/') + 1 || !path.endsWith("}"))) {
        throw new IllegalArgumentException(method + " " + path + ": only the last path segment may be a template");
      }
      Objects.requireNonNull(doc, "doc");
      Objects.requireNonNull(users, "users");
      Objects.requireNonNull(errors, "errors");
      Objects.requireNonNull(summary, "summary");
      Objects.requireNonNull(handler, "handler");
    }

    /** What the role table in the README shows for this route. */
    String access() {
      return switch (guard) {
        case PUBLIC -> "public";
        case ROLE -> role.claimName();
        case ROLE_OR_SCRAPE_TOKEN -> role.claimName() + " or scrape token";
        case API_KEY_HEADER, API_KEY_LIBRARY -> "API key";
      };
    }

    Route with(Doc d) {
      return new Route(method, path, guard, role, users, errors, summary, handler, d, streamedBody);
    }

    /** The fixed part of a template path ({@code /docs/}), or null for a plain path. */
    String templatePrefix() {
      int brace = path.indexOf('{');
      return brace < 0 ? null : path.substring(0, brace);
    }
  }

  /** A registered route, to declare what the OpenAPI document says about it. */
  final class Declaration {
    private final String method;
    private final String path;

    private Declaration(String method, String path) {
      this.method = method;
      this.path = path;
    }

    /** The parameters the route reads. */
    Declaration params(Param... params) {
      Doc d = current().doc();
      List<Param> all = new ArrayList<>(d.params());
      all.addAll(List.of(params));
      return replace(new Doc(all, d.body(), d.bodyTypes(), d.produces()));
    }

    /** The request body the route reads. */
    Declaration body(String description, String... contentTypes) {
      Doc d = current().doc();
      return replace(new Doc(d.params(), description, List.of(contentTypes), d.produces()));
    }

    /** The content types of the success reply (default JSON). */
    Declaration produces(String... contentTypes) {
      Doc d = current().doc();
      return replace(new Doc(d.params(), d.body(), d.bodyTypes(), List.of(contentTypes)));
    }

    private Route current() {
      return byPath.get(path).get(method);
    }

    private Declaration replace(Doc d) {
      byPath.get(path).put(method, current().with(d));
      return this;
    }
  }

  private static final long STORE_TRACE_EVERY_NANOS = 30_000_000_000L;

  private final Engine engine;
  private final ObjectMapper json;
  private final java.util.concurrent.atomic.AtomicLong lastStoreTrace =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - STORE_TRACE_EVERY_NANOS - 1);
  /** path -> method -> route, in registration order. */
  private final Map<String, Map<String, Route>> byPath = new LinkedHashMap<>();
  /** {@code guardops.metrics.token}: a bearer token that may scrape /metrics; never logged. */
  private final ScrapeToken scrapeToken;

  RouteTable(Engine engine, ObjectMapper json) {
    this.engine = engine;
    this.json = json;
    this.scrapeToken = new ScrapeToken(engine.config().get("metrics.token").orElse(null));
  }

  // ------------------------------------------------------------------ registration

  /** A user-facing route that needs {@code role}; the acting user must exist. */
  Declaration route(String method, String path, Role role, String summary, Handler handler) {
    return add(new Route(method, path, Guard.ROLE, Objects.requireNonNull(role, "role"), Callers.UserPolicy.EXISTING,
        ErrorStyle.DETAIL, summary, handler, Doc.NONE));
  }

  /** A user-facing route that needs {@code role} and may name a user that does not exist yet. */
  Declaration routeForAnyUser(String method, String path, Role role, String summary, Handler handler) {
    return add(new Route(method, path, Guard.ROLE, Objects.requireNonNull(role, "role"), Callers.UserPolicy.ANY,
        ErrorStyle.DETAIL, summary, handler, Doc.NONE));
  }

  /**
   * A user-facing route that needs {@code role} and reads its body as a stream
   * ({@link Request#bodyStream()}), under the larger limit for uploads.
   */
  Declaration streamingRoute(String method, String path, Role role, String summary, Handler handler) {
    return add(new Route(method, path, Guard.ROLE, Objects.requireNonNull(role, "role"), Callers.UserPolicy.EXISTING,
        ErrorStyle.DETAIL, summary, handler, Doc.NONE, true));
  }

  /** A route anyone may call. */
  Declaration publicRoute(String method, String path, String summary, Handler handler) {
    return add(new Route(method, path, Guard.PUBLIC, null, Callers.UserPolicy.ANY, ErrorStyle.DETAIL, summary, handler,
        Doc.NONE));
  }

  /** A route for a caller with {@code role} or for a scraper with the static scrape token. */
  Declaration roleOrScrapeTokenRoute(String method, String path, Role role, String summary, Handler handler) {
    return add(new Route(method, path, Guard.ROLE_OR_SCRAPE_TOKEN, Objects.requireNonNull(role, "role"),
        Callers.UserPolicy.EXISTING, ErrorStyle.DETAIL, summary, handler, Doc.NONE));
  }

  /** An ingestion route authenticated by an API key. */
  Declaration keyRoute(String method, String path, Guard keyGuard, ErrorStyle errors, String summary, Handler handler) {
    if (keyGuard != Guard.API_KEY_HEADER && keyGuard != Guard.API_KEY_LIBRARY) {
      throw new IllegalArgumentException("not an API-key guard: " + keyGuard);
    }
    return add(new Route(method, path, keyGuard, null, Callers.UserPolicy.ANY, errors, summary, handler, Doc.NONE));
  }

  private Declaration add(Route r) {
    Route previous = byPath.computeIfAbsent(r.path(), p -> new LinkedHashMap<>()).putIfAbsent(r.method(), r);
    if (previous != null) {
      throw new IllegalStateException("two routes for " + r.method() + " " + r.path());
    }
    return new Declaration(r.method(), r.path());
  }

  /** Every route, in registration order. */
  List<Route> routes() {
    List<Route> out = new ArrayList<>();
    byPath.values().forEach(m -> out.addAll(m.values()));
    return Collections.unmodifiableList(out);
  }

  // ------------------------------------------------------------------ dispatch

  /**
   * Finds the route, authenticates, authorises, runs the handler, renders the outcome, and times it
   * per route template and status class for {@code /metrics}. Never throws.
   */
  Reply dispatch(Request r) {
    long t0 = System.nanoTime();
    Map<String, Route> methods = methodsFor(r.path());
    Route route = methods == null ? null : methods.get(r.method());
    Reply reply;
    if (methods == null) {
      reply = detail(404, "no such endpoint: " + r.method() + " " + r.path());
    } else if (route == null) {
      reply = detail(405, "method " + r.method() + " is not allowed on " + r.path() + "; use "
          + String.join(" or ", methods.keySet()));
    } else {
      reply = run(route, r);
    }
    engine.metrics().httpRequest(r.method(), route == null ? "unmatched" : route.path(), reply.status(),
        System.nanoTime() - t0);
    return reply;
  }

  /** The routes of a path: exact, with or without a trailing slash, else a template's. */
  private Map<String, Route> methodsFor(String path) {
    Map<String, Route> methods = byPath.get(path);
    if (methods == null && path.endsWith("/") && path.length() > 1) {
      methods = byPath.get(path.substring(0, path.length() - 1));
    } else if (methods == null) {
      methods = byPath.get(path + "/");
    }
    if (methods != null) {
      return methods;
    }
    for (Map<String, Route> candidate : byPath.values()) {
      String prefix = candidate.values().iterator().next().templatePrefix();
      if (prefix != null && path.startsWith(prefix) && path.length() > prefix.length()
          && path.indexOf('/', prefix.length()) < 0) {
        return candidate;
      }
    }
    return null;
  }

  private Reply run(Route route, Request r) {
    try {
      r.checkDeclaredLength(route.streamedBody());
      Caller caller = authenticate(route, r);
      Object result = route.handler().handle(r, caller);
      if (result instanceof Reply reply) {
        return reply;
      }
      return new Reply(200, Reply.JSON, json.writeValueAsBytes(result));
    } catch (EngineException e) {
      if (e.kind().httpStatus() >= 500) {
        LOG.warn("{} {} -> {}: {}", r.method(), r.path(), e.kind().httpStatus(), e.getMessage());
      }
      return error(route, r, e.kind().httpStatus(), e.getMessage());
    } catch (IllegalArgumentException e) {
      return error(route, r, 400, e.getMessage());
    } catch (UncheckedIOException e) {
      return error(route, r, 400, "could not read the request body: " + e.getCause().getMessage());
    } catch (StoreException e) {
      logStoreFailure(r, e);
      return error(route, r, 503, "the store (" + engine.config().getString("store", "sqlite")
          + ") is unavailable; retry later");
    } catch (Exception e) {
      LOG.error("{} {} failed: {}", r.method(), r.path(), e.toString(), e);
      return error(route, r, 500, "internal error");
    }
  }

  /**
   * An outage fails every request: the first failure in a while is logged with its stack trace, the
   * others as one line each, so the log shows the cause without a trace per request.
   */
  private void logStoreFailure(Request r, StoreException e) {
    long now = System.nanoTime();
    long last = lastStoreTrace.get();
    if (now - last > STORE_TRACE_EVERY_NANOS && lastStoreTrace.compareAndSet(last, now)) {
      LOG.error("{} {} failed in the store: {}", r.method(), r.path(), e.toString(), e);
    } else {
      LOG.warn("{} {} failed in the store: {}", r.method(), r.path(), e.getMessage());
    }
  }

  private Caller authenticate(Route route, Request r) {
    switch (route.guard()) {
      case PUBLIC:
        return Caller.anonymous();
      case ROLE_OR_SCRAPE_TOKEN:
        if (scrapeToken.matches(bearer(r))) {
          return Caller.anonymous(java.util.Set.of(route.role()));
        }
        return authorised(route, r);
      case API_KEY_HEADER: {
        String key = r.header("x-guardops-api-key");
        if (key == null) {
          key = bearer(r);
        }
        return engine.callers().apiKey(key);
      }
      case API_KEY_LIBRARY:
        return engine.callers().libraryKey(r.param("user_id"), r.param("key_hash"));
      default:
        return authorised(route, r);
    }
  }

  /** A caller the authenticator accepts and who holds the route's role. */
  private Caller authorised(Route route, Request r) {
    Caller caller = engine.callers().authenticate(new Credentials(bearer(r), r.param("user_id"), r.remoteAddress()),
        route.users());
    if (!caller.has(route.role())) {
      if (!caller.actsForUser() && caller.roles().isEmpty()) {
        throw EngineException.unauthorized("this call needs an authenticated user with the role '"
            + route.role().claimName() + "'" + (route.guard() == Guard.ROLE_OR_SCRAPE_TOKEN ? " or the scrape token" : ""));
      }
      throw EngineException.forbidden("this call needs the role '" + route.role().claimName()
          + "' (or Full_Access); you have " + describe(caller));
    }
    return caller;
  }

  private static String describe(Caller caller) {
    if (caller.roles().isEmpty()) {
      return "no roles";
    }
    List<String> names = new ArrayList<>();
    caller.roles().forEach(role -> names.add(role.claimName()));
    Collections.sort(names);
    return "the role" + (names.size() > 1 ? "s " : " ") + String.join(", ", names);
  }

  static String bearer(Request r) {
    String auth = r.header("authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    return null;
  }

  private Reply error(Route route, Request r, int status, String message) {
    if (route.guard() == Guard.API_KEY_HEADER || route.guard() == Guard.API_KEY_LIBRARY) {
      // a refused ingestion request, whatever refused it (key, project, body, store)
      engine.metrics().ingest(route.guard() == Guard.API_KEY_HEADER ? "http" : "library")
          .refused(io.guardops.engine.metrics.EngineMetrics.Reason.ofHttpStatus(status));
    }
    if (route.errors() == ErrorStyle.OTLP) {
      OtlpReplies.Encoding enc = OtlpReplies.Encoding.ofContentType(r.header("content-type"));
      OtlpReplies.Reply o = OtlpReplies.failed(status, message, enc == null ? OtlpReplies.Encoding.JSON : enc);
      return new Reply(o.httpStatus(), o.contentType(), o.body());
    }
    return detail(status, message);
  }

  Reply detail(int status, String message) {
    try {
      return new Reply(status, Reply.JSON, json.writeValueAsBytes(Map.of("detail", message == null ? "" : message)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The route table as a Markdown table (method, path, access, summary), for the README. */
  String markdown() {
    StringBuilder sb = new StringBuilder("| method | path | access | what |\n|---|---|---|---|\n");
    for (Route r : routes()) {
      sb.append("| ").append(r.method()).append(" | `").append(r.path()).append("` | ").append(r.access())
          .append(" | ").append(r.summary()).append(" |\n");
    }
    return sb.toString();
  }
}
