package io.guardops.plugins.auth.auth0;

import io.guardops.api.ComponentConfig;
import io.guardops.api.TokenCache;
import io.guardops.api.auth.Authenticator;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** Builds authenticators the way the engine does: a scoped config and a context. */
final class Fixtures {
  static final String MANAGEMENT_CLIENT = "mgmt-client";
  static final String MANAGEMENT_SECRET = "mgmt-secret-value-1234";
  static final String WEB_APP_CLIENT = "webapp-m2m";
  static final String OTHER_CLIENT = "some-other-m2m";

  private Fixtures() {}

  static ComponentConfig config(Map<String, String> values, Clock clock) {
    return ComponentConfig.of("guardops.auth.auth0", values, Path.of("."), clock);
  }

  /** The settings of an Auth0 deployment against {@code issuer}, with its management API. */
  static Map<String, String> auth0(FakeIssuer issuer) {
    Map<String, String> s = new HashMap<>();
    s.put("issuer", issuer.issuer());
    s.put("audience", FakeIssuer.AUDIENCE);
    s.put("machine-clients", WEB_APP_CLIENT);
    s.put("management.client-id", MANAGEMENT_CLIENT);
    s.put("management.client-secret", MANAGEMENT_SECRET);
    issuer.registerClient(MANAGEMENT_CLIENT, MANAGEMENT_SECRET);
    issuer.registerClient(WEB_APP_CLIENT, "webapp-secret");
    issuer.registerClient(OTHER_CLIENT, "other-secret");
    return s;
  }

  static Authenticator authenticator(Map<String, String> values, Clock clock, TokenCache cache) {
    return new Auth0AuthProvider().create(config(values, clock), new TestContext(clock, cache));
  }
}
