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
    API_KEY_LIBRARY
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

  /** One route. {@code role} is set exactly when {@code guard} is {@link Guard#ROLE}. */
  record Route(String method, String path, Guard guard, Role role, Callers.UserPolicy users, ErrorStyle errors,
      String summary, Handler handler, boolean streamedBody) {
    Route(String method, String path, Guard guard, Role role, Callers.UserPolicy users, ErrorStyle errors,
        String summary, Handler handler) {
      this(method, path, guard, role, users, errors, summary, handler, false);
    }

    Route {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(guard, "guard");
      if ((guard == Guard.ROLE) != (role != null)) {
        throw new IllegalArgumentException(method + " " + path + ": a role is required exactly for role-guarded routes");
      }
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
        case API_KEY_HEADER, API_KEY_LIBRARY -> "API key";
      };
    }
  }

  private static final long STORE_TRACE_EVERY_NANOS = 30_000_000_000L;

  private final Engine engine;
  private final ObjectMapper json;
  private final java.util.concurrent.atomic.AtomicLong lastStoreTrace =
      new java.util.concurrent.atomic.AtomicLong(System.nanoTime() - STORE_TRACE_EVERY_NANOS - 1);
  /** path -> method -> route, in registration order. */
  private final Map<String, Map<String, Route>> byPath = new LinkedHashMap<>();

  RouteTable(Engine engine, ObjectMapper json) {
    this.engine = engine;
    this.json = json;
  }

  // ------------------------------------------------------------------ registration

  /** A user-facing route that needs {@code role}; the acting user must exist. */
  void route(String method, String path, Role role, String summary, Handler handler) {
    add(new Route(method, path, Guard.ROLE, Objects.requireNonNull(role, "role"), Callers.UserPolicy.EXISTING,
        ErrorStyle.DETAIL, summary, handler));
  }

  /** A user-facing route that needs {@code role} and may name a user that does not exist yet. */
  void routeForAnyUser(String method, String path, Role role, String summary, Handler handler) {
    add(new Route(method, path, Guard.ROLE, Objects.requireNonNull(role, "role"), Callers.UserPolicy.ANY,
        ErrorStyle.DETAIL, summary, handler));
  }

  /**
   * A user-facing route that needs {@code role} and reads its body as a stream
   * ({@link Request#bodyStream()}), under the larger limit for uploads.
   */
  void streamingRoute(String method, String path, Role role, String summary, Handler handler) {
    add(new Route(method, path, Guard.ROLE, Objects.requireNonNull(role, "role"), Callers.UserPolicy.EXISTING,
        ErrorStyle.DETAIL, summary, handler, true));
  }

  /** A route anyone may call. */
  void publicRoute(String method, String path, String summary, Handler handler) {
    add(new Route(method, path, Guard.PUBLIC, null, Callers.UserPolicy.ANY, ErrorStyle.DETAIL, summary, handler));
  }

  /** An ingestion route authenticated by an API key. */
  void keyRoute(String method, String path, Guard keyGuard, ErrorStyle errors, String summary, Handler handler) {
    if (keyGuard != Guard.API_KEY_HEADER && keyGuard != Guard.API_KEY_LIBRARY) {
      throw new IllegalArgumentException("not an API-key guard: " + keyGuard);
    }
    add(new Route(method, path, keyGuard, null, Callers.UserPolicy.ANY, errors, summary, handler));
  }

  private void add(Route r) {
    Route previous = byPath.computeIfAbsent(r.path(), p -> new LinkedHashMap<>()).putIfAbsent(r.method(), r);
    if (previous != null) {
      throw new IllegalStateException("two routes for " + r.method() + " " + r.path());
    }
  }

  /** Every route, in registration order. */
  List<Route> routes() {
    List<Route> out = new ArrayList<>();
    byPath.values().forEach(m -> out.addAll(m.values()));
    return Collections.unmodifiableList(out);
  }

  // ------------------------------------------------------------------ dispatch

  /** Finds the route, authenticates, authorises, runs the handler, renders the outcome. Never throws. */
  Reply dispatch(Request r) {
    Map<String, Route> methods = byPath.get(r.path());
    if (methods == null && r.path().endsWith("/") && r.path().length() > 1) {
      methods = byPath.get(r.path().substring(0, r.path().length() - 1));
    } else if (methods == null) {
      methods = byPath.get(r.path() + "/");
    }
    if (methods == null) {
      return detail(404, "no such endpoint: " + r.method() + " " + r.path());
    }
    Route route = methods.get(r.method());
    if (route == null) {
      return detail(405, "method " + r.method() + " is not allowed on " + r.path() + "; use "
          + String.join(" or ", methods.keySet()));
    }
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
      case API_KEY_HEADER: {
        String key = r.header("x-guardops-api-key");
        if (key == null) {
          key = bearer(r);
        }
        return engine.callers().apiKey(key);
      }
      case API_KEY_LIBRARY:
        return engine.callers().libraryKey(r.param("user_id"), r.param("key_hash"));
      default: {
        Caller caller = engine.callers().authenticate(new Credentials(bearer(r), r.param("user_id"), r.remoteAddress()),
            route.users());
        if (!caller.has(route.role())) {
          if (!caller.actsForUser() && caller.roles().isEmpty()) {
            throw EngineException.unauthorized("this call needs an authenticated user with the role '"
                + route.role().claimName() + "'");
          }
          throw EngineException.forbidden("this call needs the role '" + route.role().claimName()
              + "' (or Full_Access); you have " + describe(caller));
        }
        return caller;
      }
    }
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
