package io.guardops.engine;

import io.guardops.api.ApiKey;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.Store;
import io.guardops.api.TokenCache;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.Settings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * API keys for tracing clients. A key is {@code BASE_KEY} followed by 43 characters of base64url
 * (256 random bits). Only SHA-256(SHA-256(key)) is stored: the Python library authenticates with
 * SHA-256(key) ({@code key_hash}), so storing that would store a working credential. A plain hash
 * is enough for 256-bit random secrets (no dictionary to attack), and keeps verification one
 * indexed lookup. Keys are never logged. Thread-safe. Obtain from {@link Engine#apiKeys()}.
 */
@Singleton
public final class ApiKeys {
  private static final HexFormat HEX = HexFormat.of();
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final Store store;
  private final Access access;
  private final TokenCache cache;
  private final Clock clock;
  private final IdGenerator ids;
  private final SecureRandom random;
  private final String baseKey;
  private final Duration cacheTtl;

  @Inject
  ApiKeys(Store store, Access access, TokenCache cache, Clock clock, IdGenerator ids, SecureRandom random,
      Settings settings) {
    this.store = store;
    this.access = access;
    this.cache = cache;
    this.clock = clock;
    this.ids = ids;
    this.random = random;
    this.baseKey = settings.baseKey();
    this.cacheTtl = settings.apiKeyCacheTtl();
  }

  /**
   * Mints a key for the caller's user and returns it in the clear: the only time it is ever visible.
   * The key sends traces to its owner's projects and those shared with them.
   */
  public String create(Caller caller) {
    return create(access.userOf(caller));
  }

  /** Mints a key for {@code userId} (embedding code, tests). */
  public String create(String userId) {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String raw = baseKey + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String hint = baseKey + "..." + raw.substring(raw.length() - 4);
    store.apiKeys().create(new ApiKey(ids.newId(), userId, sha256Hex(sha256Hex(raw)), hint, clock.instant(), null));
    return raw;
  }

  /** The caller's keys (hashes and hints only), by (creation time, id). Keys are their owner's alone. */
  public List<ApiKey> list(Caller caller) {
    return store.apiKeys().listOwnedBy(access.userOf(caller));
  }

  /**
   * Revokes one of the caller's keys, named by the {@code hash} that {@link #list} shows or by the
   * library's {@code key_hash}. Takes effect at once on this instance.
   *
   * @throws EngineException BAD_REQUEST for a malformed hash, NOT_FOUND if the user has no such key
   */
  public void delete(Caller caller, String keyHash) {
    String userId = access.userOf(caller);
    String h = normaliseHash(keyHash, "key_hash");
    ApiKey key = store.apiKeys().findByHash(h)
        .or(() -> store.apiKeys().findByHash(sha256Hex(h)))
        .filter(k -> k.ownerId().equals(userId))
        .orElseThrow(() -> EngineException.notFound("no such key for user '" + userId + "'"));
    if (!store.apiKeys().delete(userId, key.keyId())) {
      throw EngineException.notFound("no such key for user '" + userId + "'");
    }
    cache.invalidate(cacheKey(key.hashOfHash()));
  }

  /** Verifies a raw key (from an {@code Authorization} header). */
  public Optional<ApiKey> verifyRawKey(String raw) {
    if (raw == null || raw.isBlank() || raw.length() > 512) {
      return Optional.empty();
    }
    return verifyHashOfHash(sha256Hex(sha256Hex(raw.trim())));
  }

  /** Verifies the Python library's {@code key_hash} (hex SHA-256 of the raw key). */
  public Optional<ApiKey> verifyKeyHash(String keyHash) {
    String h;
    try {
      h = normaliseHash(keyHash, "key_hash");
    } catch (EngineException e) {
      return Optional.empty();
    }
    return verifyHashOfHash(sha256Hex(h));
  }

  private Optional<ApiKey> verifyHashOfHash(String hashOfHash) {
    // the cache holds "keyId owner lastUsedEpochSeconds" for verified keys: ingest does not hit the store per request
    String cached = cache.get(cacheKey(hashOfHash)).orElse(null);
    if (cached != null) {
      String[] parts = cached.split(" ", 3);
      if (parts.length == 3) {
        Instant lastTouch = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        if (clock.instant().isAfter(lastTouch.plus(TOUCH_EVERY))) {
          touch(hashOfHash, parts[0], parts[1]);
        }
        return Optional.of(new ApiKey(parts[0], parts[1], hashOfHash, "", Instant.EPOCH, lastTouch));
      }
    }
    Optional<ApiKey> key = store.apiKeys().findByHash(hashOfHash);
    key.ifPresent(k -> touch(hashOfHash, k.keyId(), k.ownerId()));
    return key;
  }

  private void touch(String hashOfHash, String keyId, String ownerId) {
    Instant now = clock.instant();
    store.apiKeys().touch(keyId, now);
    cache.put(cacheKey(hashOfHash), keyId + " " + ownerId + " " + now.getEpochSecond(), cacheTtl);
  }

  private static String cacheKey(String hashOfHash) {
    return "guardops:apikey:" + hashOfHash;
  }

  private static String normaliseHash(String hash, String name) {
    if (hash == null) {
      throw EngineException.badRequest(name + " is required");
    }
    String h = hash.trim().toLowerCase(Locale.ROOT);
    if (h.length() != 64 || !h.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
      throw EngineException.badRequest(name + " must be 64 hex characters (a SHA-256)");
    }
    return h;
  }

  /** Lowercase hex SHA-256 of the UTF-8 bytes of {@code s}. */
  public static String sha256Hex(String s) {
    try {
      return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
