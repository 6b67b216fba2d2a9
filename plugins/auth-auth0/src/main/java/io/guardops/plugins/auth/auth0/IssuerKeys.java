package io.guardops.plugins.auth.auth0;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import io.guardops.api.Health;
import java.io.IOException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys: found through OIDC discovery (or a configured JWKS URI), fetched with a
 * bounded timeout, and kept until a fetch succeeds again, so an issuer outage never drops good keys.
 *
 * <p>Refreshes run one at a time on a thread of their own. A token signed with an unknown key id
 * starts one (at most once per {@code jwks-refresh-min-interval}) and waits for it, bounded, so a key
 * rotation needs no restart; a key set older than {@code jwks-max-age} is refreshed in the background
 * (so a key the issuer withdrew stops being accepted) while requests go on with the current keys.
 */
final class IssuerKeys implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);

  /** One usable public key and its verifier. */
  record Key(JWK jwk, JWSVerifier verifier) {}

  /** The keys of one successful fetch. */
  record KeySet(List<Key> keys, Instant fetchedAt, URI source) {}

  private final Auth0Settings settings;
  private final IssuerHttp http;
  private final Clock clock;
  private final ExecutorService refresher;
  private volatile KeySet current;
  private volatile URI jwksUri;
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  // guarded by this
  private CompletableFuture<KeySet> inFlight;
  private Instant lastAttempt;
  private boolean closed;

  IssuerKeys(Auth0Settings settings, IssuerHttp http, Clock clock) {
    this.settings = settings;
    this.http = http;
    this.clock = clock;
    this.jwksUri = settings.jwksUri();
    this.refresher = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "guardops-auth0-keys");
      t.setDaemon(true);
      return t;
    });
  }

  /** Fetches the keys once at start-up, waiting (bounded); an issuer that is down is reported, not fatal. */
  void load() {
    awaitRefresh(startRefresh(false));
    KeySet ks = current;
    if (ks == null) {
      LOG.warn("no signing keys from issuer {} yet ({}); every token is refused until they can be fetched,"
          + " tried again at most every {}", settings.issuer(), lastError, settings.jwksRefreshMinInterval());
    }
  }

  /** The current keys; empty until a fetch succeeded. */
  List<Key> keys() {
    KeySet ks = current;
    return ks == null ? List.of() : ks.keys();
  }

  boolean hasKeys() {
    return current != null;
  }

  /**
   * For a token whose key is not among the current ones: refreshes the keys, unless that was done
   * less than {@code jwks-refresh-min-interval} ago, and waits for the refresh (bounded). A refresh
   * already running is joined instead.
   */
  void refreshForUnknownKey() {
    awaitRefresh(startRefresh(true));
  }

  /** Starts a background refresh when the keys are older than {@code jwks-max-age}; never waits. */
  void refreshIfStale() {
    KeySet ks = current;
    if (ks != null && clock.instant().isAfter(ks.fetchedAt().plus(settings.jwksMaxAge()))) {
      startRefresh(true);
    }
  }

  Health check() {
    KeySet ks = current;
    if (ks == null) {
      // nobody may be sending tokens: let health polling notice a recovered issuer too
      startRefresh(true);
      return Health.down("no signing keys from issuer " + settings.issuer() + " could be fetched"
          + (lastError == null ? "" : ": " + lastError));
    }
    String detail = "issuer " + settings.issuer() + ", " + ks.keys().size() + " signing key"
        + (ks.keys().size() == 1 ? "" : "s") + " fetched at " + ks.fetchedAt() + " from " + ks.source();
    Instant failedAt = lastErrorAt;
    if (failedAt != null && failedAt.isAfter(ks.fetchedAt())) {
      detail += "; degraded: the key refresh at " + failedAt + " failed (" + lastError + "), using the keys of "
          + ks.fetchedAt();
    }
    return Health.up(detail);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    refresher.shutdownNow();
  }

  private synchronized CompletableFuture<KeySet> startRefresh(boolean rateLimited) {
    if (closed) {
      return null;
    }
    if (inFlight != null) {
      return inFlight;
    }
    Instant now = clock.instant();
    if (rateLimited && lastAttempt != null && now.isBefore(lastAttempt.plus(settings.jwksRefreshMinInterval()))) {
      return null;
    }
    lastAttempt = now;
    CompletableFuture<KeySet> f;
    try {
      f = CompletableFuture.supplyAsync(this::fetchAndKeep, refresher);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return null;
    }
    inFlight = f;
    f.whenComplete((k, e) -> {
      synchronized (this) {
        if (inFlight == f) {
          inFlight = null;
        }
      }
    });
    return f;
  }

  private void awaitRefresh(CompletableFuture<KeySet> f) {
    if (f == null) {
      return;
    }
    // discovery and the JWKS each take at most one timeout
    long waitMillis = settings.httpTimeout().multipliedBy(2).plusSeconds(1).toMillis();
    try {
      f.get(waitMillis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the refresh records its own failure; go on with the keys there are
    }
  }

  private KeySet fetchAndKeep() {
    try {
      KeySet fetched = fetch();
      KeySet previous = current;
      current = fetched;
      if (previous == null || !kids(previous).equals(kids(fetched))) {
        LOG.info("signing keys of issuer {} from {}: {}", settings.issuer(), fetched.source(), kids(fetched));
      }
      return fetched;
    } catch (IOException | ParseException | RuntimeException e) {
      lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      lastErrorAt = clock.instant();
      if (current != null) {
        LOG.warn("refreshing the signing keys of issuer {} failed ({}); keeping the {} keys fetched at {}",
            settings.issuer(), lastError, current.keys().size(), current.fetchedAt());
      } else {
        LOG.warn("fetching the signing keys of issuer {} failed: {}", settings.issuer(), lastError);
      }
      return current;
    }
  }

  private KeySet fetch() throws IOException, ParseException {
    URI uri = jwksUri != null ? jwksUri : discover();
    IssuerHttp.Response r = http.get(uri, null);
    if (r.status() != 200) {
      throw new IOException("GET " + uri + " answered " + r.status());
    }
    JWKSet set = JWKSet.parse(r.body());
    List<Key> usable = new ArrayList<>();
    for (JWK jwk : set.getKeys()) {
      Key k = usable(jwk);
      if (k != null) {
        usable.add(k);
      }
    }
    if (usable.isEmpty()) {
      throw new IOException("the JWKS at " + uri + " has no usable signing key (RSA of at least 2048 bits or EC"
          + " P-256/384/521 for " + settings.algorithms() + ")");
    }
    return new KeySet(List.copyOf(usable), clock.instant(), uri);
  }

  /** OIDC discovery: the document must name our issuer, and tells where its keys are. */
  private URI discover() throws IOException, ParseException {
    String base = settings.issuer().endsWith("/") ? settings.issuer().substring(0, settings.issuer().length() - 1)
        : settings.issuer();
    URI wellKnown = URI.create(base + "/.well-known/openid-configuration");
    IssuerHttp.Response r = http.get(wellKnown, null);
    if (r.status() != 200) {
      throw new IOException("GET " + wellKnown + " answered " + r.status() + "; set guardops.auth.auth0.jwks-uri if"
          + " the issuer has no OIDC discovery");
    }
    Map<String, Object> doc = JSONObjectUtils.parse(r.body());
    Object iss = doc.get("issuer");
    if (!(iss instanceof String) || !Auth0Settings.withSlash((String) iss).equals(Auth0Settings.withSlash(settings.issuer()))) {
      throw new IOException("the discovery document at " + wellKnown + " names another issuer than "
          + settings.issuer() + ": check guardops.auth.auth0.issuer");
    }
    Object jwks = doc.get("jwks_uri");
    if (!(jwks instanceof String)) {
      throw new IOException("the discovery document at " + wellKnown + " has no jwks_uri");
    }
    URI uri;
    try {
      uri = URI.create((String) jwks);
    } catch (IllegalArgumentException e) {
      throw new IOException("the discovery document at " + wellKnown + " has an invalid jwks_uri");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme();
    if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && (settings.allowHttp()
        || Auth0Settings.isLoopback(uri.getHost())))) {
      throw new IOException("the discovery document at " + wellKnown + " names a jwks_uri that is not https: " + uri);
    }
    jwksUri = uri;
    return uri;
  }

  /** A key we may verify with: public, for signatures, of a family and size the algorithms allow. */
  private Key usable(JWK jwk) {
    JWK pub = jwk.isPrivate() ? jwk.toPublicJWK() : jwk;
    if (pub.getKeyUse() != null && !KeyUse.SIGNATURE.equals(pub.getKeyUse())) {
      return null;
    }
    Set<KeyOperation> ops = pub.getKeyOperations();
    if (ops != null && !ops.contains(KeyOperation.VERIFY)) {
      return null;
    }
    if (pub.getAlgorithm() != null && !settings.algorithms().contains(JWSAlgorithm.parse(pub.getAlgorithm().getName()))) {
      return null;
    }
    try {
      if (pub instanceof RSAKey rsa && rsa.size() >= 2048
          && settings.algorithms().stream().anyMatch(JWSAlgorithm.Family.RSA::contains)) {
        return new Key(rsa, new RSASSAVerifier(rsa));
      }
      if (pub instanceof ECKey ec && settings.algorithms().stream()
          .anyMatch(a -> JWSAlgorithm.Family.EC.contains(a) && Curve.forJWSAlgorithm(a).contains(ec.getCurve()))) {
        return new Key(ec, new ECDSAVerifier(ec));
      }
    } catch (JOSEException e) {
      LOG.debug("skipping key {} of issuer {}: {}", pub.getKeyID(), settings.issuer(), e.getMessage());
    }
    return null;
  }

  private static List<String> kids(KeySet ks) {
    return ks.keys().stream().map(k -> String.valueOf(k.jwk().getKeyID())).sorted().toList();
  }
}
