package io.guardops.engine.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets for storage with AES-256-GCM: a fresh random 96-bit nonce per value, a 128-bit tag,
 * and the value's context (which record and field it belongs to) as associated data, so a sealed value
 * copied into another record does not open. A sealed value reads {@code gs1:<key id>:<base64(nonce ||
 * ciphertext || tag)>}; the key id (the first 8 hex digits of the key's SHA-256) lets previous keys open
 * old values while new ones are sealed with the current key (rotation). Internal: not API. Thread-safe.
 */
public final class SecretBox {
  private static final String VERSION = "gs1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final String currentId;
  private final Map<String, SecretKey> keys;
  private final SecureRandom random;

  private SecretBox(String currentId, Map<String, SecretKey> keys, SecureRandom random) {
    this.currentId = currentId;
    this.keys = keys;
    this.random = random;
  }

  /**
   * A box sealing with {@code currentKey} and opening with it and {@code previousKeys}, each the
   * base64 of 32 random bytes.
   *
   * @param setting the setting's name, for error messages
   * @throws IllegalArgumentException naming the setting when a key is not 32 bytes of base64
   */
  public static SecretBox of(String currentKey, List<String> previousKeys, String setting, SecureRandom random) {
    Map<String, SecretKey> keys = new LinkedHashMap<>();
    List<String> all = new ArrayList<>();
    all.add(currentKey);
    all.addAll(previousKeys);
    String current = null;
    for (String k : all) {
      byte[] raw = decode(k, setting);
      String id = keyId(raw);
      keys.putIfAbsent(id, new SecretKeySpec(raw, "AES"));
      if (current == null) {
        current = id;
      }
    }
    return new SecretBox(current, Map.copyOf(keys), Objects.requireNonNull(random, "random"));
  }

  private static byte[] decode(String key, String setting) {
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(key.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + " is not base64; generate a key with: openssl rand -base64 32");
    }
    if (raw.length != 32) {
      throw new IllegalArgumentException(setting + " must be 32 bytes (256 bits) in base64, was " + raw.length
          + " bytes; generate one with: openssl rand -base64 32");
    }
    return raw;
  }

  /** The first 8 hex digits of the key's SHA-256: names the key without revealing it. */
  static String keyId(byte[] key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key), 0, 4);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The id of the key new values are sealed with. */
  public String currentKeyId() {
    return currentId;
  }

  /** {@code plaintext} sealed for {@code context} (such as {@code model:<id>:api_key}). */
  public String seal(String plaintext, String context) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, keys.get(currentId), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return VERSION + ":" + currentId + ":" + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM: " + e.getMessage(), e);
    }
  }

  /**
   * The plaintext of a value {@link #seal} made for {@code context}.
   *
   * @throws UnopenableException when the value was sealed with a key this box does not have, for another
   *     context, or was altered (the message says which, never the value)
   */
  public String open(String sealed, String context) {
    String[] parts = sealed.split(":", 3);
    if (parts.length != 3 || !parts[0].equals(VERSION)) {
      throw new UnopenableException("the value is not a sealed secret of this version");
    }
    SecretKey key = keys.get(parts[1]);
    if (key == null) {
      throw new UnopenableException("the value was sealed with key " + parts[1] + ", which is not configured (the"
          + " current key is " + currentId + ")");
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new UnopenableException("the sealed value is not base64");
    }
    if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new UnopenableException("the sealed value is too short");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
      return new String(c.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new UnopenableException("the sealed value does not authenticate (altered, or sealed for another record)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable in this JVM: " + e.getMessage(), e);
    }
  }

  /** A sealed value that cannot be opened with the configured keys. */
  public static final class UnopenableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnopenableException(String message) {
      super(message);
    }
  }
}
