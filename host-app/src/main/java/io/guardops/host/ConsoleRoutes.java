package io.guardops.host;

import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
import io.guardops.api.auth.Role;
import io.guardops.engine.Callers;
import io.guardops.engine.Engine;
import io.guardops.engine.EngineException;
import io.guardops.engine.Users;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the web console needs to know before it draws anything: the auth mode, how to log in (auth0
 * mode), who the request's credentials are (roles), and which routes this host has, so that a page
 * whose API is missing or whose role the caller lacks is not shown. Public: a console that has not
 * logged in yet must learn where to log in; the route list is what {@code /openapi.json} publishes too.
 *
 * <p>Settings (keys relative to {@code guardops.}): {@code console.oidc.client-id} (the console's OAuth
 * client at the issuer: a single-page application with the authorization code flow and PKCE, no
 * secret), {@code console.oidc.audience} (default {@code auth.auth0.audience}), {@code console.oidc.scope}
 * (default {@code openid profile email offline_access}), {@code console.oidc.issuer} (default the auth0
 * plugin's {@code issuer}, or {@code https://<domain>/}).
 */
final class ConsoleRoutes {
  static final String DEFAULT_SCOPE = "openid profile email offline_access";

  private ConsoleRoutes() {}

  static void register(RouteTable t, Engine engine) {
    t.publicRoute("GET", "/api/console_config",
        "the web console's settings: auth mode, how to log in, the caller's roles (when the request is"
            + " authenticated) and the routes this host has",
        (q, c) -> config(t, engine, q))
        .params(Param.query("user_id", "unprotected mode: the user the console acts for"));
  }

  /** The OIDC issuer the console logs in with, or null when the host does not use one. */
  static String issuer(Engine engine) {
    String issuer = engine.config().get("console.oidc.issuer").orElse(null);
    if (issuer == null && "auth0".equals(engine.authMode())) {
      issuer = engine.config().get("auth.auth0.issuer")
          .orElse(engine.config().get("auth.auth0.domain").map(d -> "https://" + d + "/").orElse(null));
    }
    return issuer == null || issuer.isBlank() ? null : issuer.trim();
  }

  private static Map<String, Object> config(RouteTable t, Engine engine, Request q) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("version", Engine.version());
    out.put("mode", engine.authMode());
    String issuer = issuer(engine);
    if (issuer != null) {
      Map<String, Object> login = new LinkedHashMap<>();
      login.put("issuer", issuer);
      login.put("client_id", engine.config().get("console.oidc.client-id").orElse(null));
      login.put("audience", engine.config().get("console.oidc.audience")
          .orElse(engine.config().get("auth.auth0.audience").orElse(null)));
      login.put("scope", engine.config().getString("console.oidc.scope", DEFAULT_SCOPE));
      out.put("login", login);
    } else {
      out.put("login", null);
    }
    Caller caller = null;
    String error = null;
    try {
      caller = engine.callers().authenticate(new Credentials(RouteTable.bearer(q), q.param("user_id"),
          q.remoteAddress()), Callers.UserPolicy.EXISTING);
    } catch (EngineException e) {
      error = e.getMessage();
    }
    if (caller != null && caller.actsForUser()) {
      Map<String, Object> who = new LinkedHashMap<>();
      who.put("user_id", caller.userId());
      who.put("kind", caller.kind().name().toLowerCase(java.util.Locale.ROOT));
      // where a caller without the Projects role (who cannot list projects) starts
      who.put("default_project_id", Users.defaultProjectId(caller.userId()));
      List<String> roles = new ArrayList<>();
      for (Role r : Role.values()) {
        if (caller.roles().contains(r)) {
          roles.add(r.claimName());
        }
      }
      who.put("roles", roles);
      out.put("caller", who);
      out.put("caller_error", null);
    } else {
      out.put("caller", null);
      out.put("caller_error", error != null ? error : "these credentials do not act for a user");
    }
    List<Map<String, Object>> routes = new ArrayList<>();
    for (RouteTable.Route r : t.routes()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", r.method());
      m.put("path", r.path());
      m.put("role", r.role() == null ? null : r.role().claimName());
      routes.add(m);
    }
    out.put("routes", routes);
    return out;
  }
}
