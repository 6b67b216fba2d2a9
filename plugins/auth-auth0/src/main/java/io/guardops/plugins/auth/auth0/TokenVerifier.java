package io.guardops.plugins.auth.auth0;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Verifies a bearer JWT against the issuer's keys: the algorithm is pinned to the configured
 * asymmetric ones before anything else is read (so neither {@code none} nor HMAC keyed with a public
 * key ever reaches a verifier), only keys from the issuer's JWKS are used (never a key or key URL the
 * token names itself), then {@code iss}, {@code aud}, {@code exp}, {@code nbf} and {@code iat} are
 * checked with the configured skew against the engine's clock.
 *
 * <p>Every refusal says what is wrong in words a client developer can act on and never repeats the
 * token.
 */
final class TokenVerifier {
  /** Auth0 access tokens are a few kilobytes even with many permissions; anything far larger is not one. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  /** Access token types we accept in the {@code typ} header (absent is fine too). */
  private static final Set<String> ACCESS_TOKEN_TYPES = Set.of("jwt", "at+jwt", "application/at+jwt",
      "application/jwt");

  /** The claims of a verified token, or why it was refused. */
  record Outcome(JWTClaimsSet claims, String refusal, boolean issuerUnavailable) {
    static Outcome refused(String why) {
      return new Outcome(null, why, false);
    }

    /** The token could not be checked because the issuer's keys were never fetched: retry later. */
    static Outcome unavailable(String why) {
      return new Outcome(null, why, true);
    }

    boolean verified() {
      return claims != null;
    }
  }

  private final Auth0Settings settings;
  private final IssuerKeys keys;
  private final Clock clock;
  private final String accepted;

  TokenVerifier(Auth0Settings settings, IssuerKeys keys, Clock clock) {
    this.settings = settings;
    this.keys = keys;
    this.clock = clock;
    this.accepted = settings.algorithms().stream().map(JWSAlgorithm::getName).sorted()
        .collect(Collectors.joining(", "));
  }

  Outcome verify(String token) {
    if (token == null || token.isBlank()) {
      return Outcome.refused("no bearer token: send the access token as Authorization: Bearer <token>");
    }
    if (token.length() > MAX_TOKEN_LENGTH) {
      return Outcome.refused("the bearer token is longer than " + MAX_TOKEN_LENGTH + " characters: not an access token");
    }
    JWT jwt;
    try {
      jwt = JWTParser.parse(token.trim());
    } catch (ParseException | RuntimeException e) {
      return Outcome.refused(token.trim().endsWith(".") && token.chars().filter(c -> c == '.').count() == 2
          ? "the token is not signed (its signature part is empty)"
          : "the bearer token is not a JWT (expected three base64url parts separated by dots)");
    }
    if (jwt instanceof PlainJWT) {
      return Outcome.refused("unsigned tokens (alg none) are not accepted");
    }
    if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT)) {
      return Outcome.refused("encrypted tokens are not accepted: send the signed access token");
    }
    SignedJWT signed = (SignedJWT) jwt;
    JWSHeader header = signed.getHeader();
    // pinned before any key is looked at: the token does not choose how it is verified
    if (!settings.algorithms().contains(header.getAlgorithm())) {
      return Outcome.refused("token algorithm " + shorten(header.getAlgorithm().getName(), 16)
          + " is not accepted; this server accepts " + accepted);
    }
    JOSEObjectType type = header.getType();
    if (type != null && !ACCESS_TOKEN_TYPES.contains(type.getType().toLowerCase(Locale.ROOT))) {
      return Outcome.refused("token type " + shorten(type.getType(), 32) + " is not an access token");
    }
    if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
      return Outcome.refused("the token has critical header parameters this server does not understand");
    }

    List<IssuerKeys.Key> candidates = candidates(header);
    if (candidates.isEmpty()) {
      keys.refreshForUnknownKey();
      candidates = candidates(header);
      if (candidates.isEmpty()) {
        return keys.hasKeys()
            ? Outcome.refused("the token is signed with a key the issuer does not publish (unknown key id)")
            : Outcome.unavailable("the issuer's signing keys could not be fetched: try again later");
      }
    }
    if (!signatureVerifies(signed, candidates)) {
      return Outcome.refused("the token signature is not valid");
    }
    return checkClaims(signed);
  }

  private Outcome checkClaims(SignedJWT signed) {
    JWTClaimsSet claims;
    String subject;
    List<String> audience;
    Date expires;
    Date notBefore;
    Date issuedAt;
    String issuer;
    try {
      claims = signed.getJWTClaimsSet();
      issuer = claims.getIssuer();
      audience = claims.getAudience();
      expires = claims.getExpirationTime();
      notBefore = claims.getNotBeforeTime();
      issuedAt = claims.getIssueTime();
      subject = claims.getSubject();
    } catch (ParseException | RuntimeException e) {
      return Outcome.refused("the token's claims are malformed");
    }
    if (!settings.issuer().equals(issuer)) {
      return Outcome.refused("the token was not issued by " + settings.issuer());
    }
    if (audience == null || !audience.contains(settings.audience())) {
      return Outcome.refused("the token audience does not include " + settings.audience()
          + ": request the token for that API (audience)");
    }
    Instant now = clock.instant();
    Instant earliest = now.minus(settings.clockSkew());
    Instant latest = now.plus(settings.clockSkew());
    if (expires == null) {
      return Outcome.refused("the token has no expiry (exp)");
    }
    if (expires.toInstant().isBefore(earliest)) {
      return Outcome.refused("the token expired at " + expires.toInstant() + ": get a new one");
    }
    if (notBefore != null && notBefore.toInstant().isAfter(latest)) {
      return Outcome.refused("the token is not valid yet (nbf " + notBefore.toInstant() + "): check the clocks");
    }
    if (issuedAt != null && issuedAt.toInstant().isAfter(latest)) {
      return Outcome.refused("the token was issued in the future (iat " + issuedAt.toInstant() + "): check the clocks");
    }
    if (subject == null || subject.isBlank()) {
      return Outcome.refused("the token has no subject (sub)");
    }
    if (subject.length() > 256) {
      return Outcome.refused("the token subject is longer than 256 characters");
    }
    return new Outcome(claims, null, false);
  }

  /** The issuer's keys that could have signed a token with this header: same id, family and curve. */
  private List<IssuerKeys.Key> candidates(JWSHeader header) {
    JWSAlgorithm alg = header.getAlgorithm();
    String kid = header.getKeyID();
    List<IssuerKeys.Key> out = new ArrayList<>(2);
    for (IssuerKeys.Key k : keys.keys()) {
      JWK jwk = k.jwk();
      if (kid != null && !kid.equals(jwk.getKeyID())) {
        continue;
      }
      if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName())) {
        continue;
      }
      boolean family = jwk instanceof RSAKey ? JWSAlgorithm.Family.RSA.contains(alg)
          : jwk instanceof ECKey ec && JWSAlgorithm.Family.EC.contains(alg)
              && Curve.forJWSAlgorithm(alg).contains(ec.getCurve());
      if (family) {
        out.add(k);
      }
    }
    return out;
  }

  private static boolean signatureVerifies(SignedJWT signed, List<IssuerKeys.Key> candidates) {
    for (IssuerKeys.Key k : candidates) {
      try {
        if (signed.verify(k.verifier())) {
          return true;
        }
      } catch (JOSEException | RuntimeException e) {
        // a malformed signature for this key type: try the next key, then refuse
      }
    }
    return false;
  }

  private static String shorten(String s, int max) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() <= max ? clean : clean.substring(0, max) + "...";
  }
}
