package io.guardops.engine.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static String newKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return Base64.getEncoder().encodeToString(k);
  }

  @Test
  void sealsWithAFreshNonceAndOpensForTheSameContextOnly() {
    SecretBox box = SecretBox.of(newKey(), List.of(), "guardops.secrets.key", RANDOM);
    String a = box.seal("sk-live-123", "model:m1:api_key");
    String b = box.seal("sk-live-123", "model:m1:api_key");
    assertThat(a).startsWith("gs1:" + box.currentKeyId() + ":").doesNotContain("sk-live-123").isNotEqualTo(b);
    assertThat(box.open(a, "model:m1:api_key")).isEqualTo("sk-live-123");
    assertThat(box.open(b, "model:m1:api_key")).isEqualTo("sk-live-123");
    assertThatThrownBy(() -> box.open(a, "model:m2:api_key")).isInstanceOf(SecretBox.UnopenableException.class)
        .hasMessageContaining("another record");
  }

  @Test
  void anAlteredValueDoesNotOpen() {
    SecretBox box = SecretBox.of(newKey(), List.of(), "k", RANDOM);
    String sealed = box.seal("secret", "c");
    byte[] raw = Base64.getDecoder().decode(sealed.substring(sealed.lastIndexOf(':') + 1));
    raw[raw.length - 1] ^= 1;
    String altered = sealed.substring(0, sealed.lastIndexOf(':') + 1) + Base64.getEncoder().encodeToString(raw);
    assertThatThrownBy(() -> box.open(altered, "c")).isInstanceOf(SecretBox.UnopenableException.class);
    assertThatThrownBy(() -> box.open("plain text", "c")).isInstanceOf(SecretBox.UnopenableException.class);
  }

  @Test
  void previousKeysOpenOldValuesAndNewValuesUseTheCurrentKey() {
    String oldKey = newKey();
    SecretBox before = SecretBox.of(oldKey, List.of(), "k", RANDOM);
    String sealed = before.seal("rotate me", "c");
    SecretBox after = SecretBox.of(newKey(), List.of(oldKey), "k", RANDOM);
    assertThat(after.open(sealed, "c")).isEqualTo("rotate me");
    assertThat(after.seal("x", "c")).contains(":" + after.currentKeyId() + ":").doesNotContain(before.currentKeyId());
    SecretBox forgot = SecretBox.of(newKey(), List.of(), "k", RANDOM);
    assertThatThrownBy(() -> forgot.open(sealed, "c")).hasMessageContaining(before.currentKeyId())
        .hasMessageContaining("not configured");
  }

  @Test
  void keysMustBe32BytesOfBase64() {
    assertThatThrownBy(() -> SecretBox.of("not base64!", List.of(), "guardops.secrets.key", RANDOM))
        .hasMessageContaining("guardops.secrets.key").hasMessageContaining("openssl rand -base64 32");
    assertThatThrownBy(() -> SecretBox.of(Base64.getEncoder().encodeToString(new byte[16]), List.of(),
        "guardops.secrets.key", RANDOM)).hasMessageContaining("32 bytes").hasMessageContaining("was 16");
  }
}
