package io.guardops.plugins.auth.auth0;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.TokenCache;
import io.guardops.api.auth.AuthProvider;
import io.guardops.api.auth.Authenticator;
import org.pf4j.Extension;

/**
 * Auth0, or any OIDC issuer ({@code guardops.auth=auth0}): bearer JWTs verified against the issuer's
 * JWKS, roles from a token claim, and, for machine clients acting for a user, from the issuer's
 * management API. Settings ({@code guardops.auth.auth0.*}) are listed in the plugin's README; the
 * engine maps {@code AUTH0_DOMAIN}, {@code AUTH0_ISSUER}, {@code AUTH0_API_AUDIENCE} and
 * {@code AUTH0_ALGORITHMS} to {@code domain}, {@code issuer}, {@code audience} and
 * {@code algorithms}.
 */
@Extension
public final class Auth0AuthProvider implements AuthProvider {
  @Override
  public String name() {
    return "auth0";
  }

  @Override
  public String pluginId() {
    return "auth-auth0";
  }

  @Override
  public Authenticator create(ComponentConfig config, ComponentContext context) {
    Auth0Settings settings = Auth0Settings.from(config);
    // the management token and role lists are shared through the engine's cache (Redis: across instances)
    TokenCache cache = settings.management() == null ? null : context.tokenCache();
    return OidcAuthenticator.start(settings, context.clock(), cache);
  }
}
