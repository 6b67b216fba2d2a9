package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.ApiKey;
import org.junit.jupiter.api.Test;

/** {@link io.guardops.api.store.ApiKeyStore}. */
public abstract class ApiKeyStoreContract extends StoreContractSupport {
  @Test
  void keysAreFoundByHash() {
    ApiKey k = key("k1", "u1", 1, NOW);
    store.apiKeys().create(k);
    assertThat(store.apiKeys().findByHash(hash(1))).contains(k);
    assertThat(store.apiKeys().findByHash(hash(2))).isEmpty();
  }

  @Test
  void duplicateKeyIdOrHashIsRejected() {
    store.apiKeys().create(key("k1", "u1", 1, NOW));
    assertThatThrownBy(() -> store.apiKeys().create(key("k1", "u1", 2, NOW)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.apiKeys().create(key("k2", "u2", 1, NOW)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.apiKeys().listOwnedBy("u2")).isEmpty();
    assertThat(store.apiKeys().findByHash(hash(2))).isEmpty();
  }

  @Test
  void listedByOwnerByCreationTimeThenId() {
    store.apiKeys().create(key("k-new", "u1", 1, NOW.plusSeconds(10)));
    store.apiKeys().create(key("k-other", "u2", 2, NOW));
    store.apiKeys().create(key("k-old-b", "u1", 3, NOW));
    store.apiKeys().create(key("k-old-a", "u1", 4, NOW));
    assertThat(store.apiKeys().listOwnedBy("u1")).extracting(ApiKey::keyId)
        .containsExactly("k-old-a", "k-old-b", "k-new");
    assertThat(store.apiKeys().listOwnedBy("u3")).isEmpty();
  }

  @Test
  void deleteOnlyDeletesTheOwnersKey() {
    store.apiKeys().create(key("k1", "u1", 1, NOW));
    assertThat(store.apiKeys().delete("u2", "k1")).isFalse();
    assertThat(store.apiKeys().findByHash(hash(1))).isPresent();
    assertThat(store.apiKeys().delete("u1", "k1")).isTrue();
    assertThat(store.apiKeys().findByHash(hash(1))).isEmpty();
    assertThat(store.apiKeys().delete("u1", "k1")).isFalse();
  }

  @Test
  void touchRecordsLastUse() {
    store.apiKeys().create(key("k1", "u1", 1, NOW));
    store.apiKeys().touch("k1", NOW.plusSeconds(30));
    store.apiKeys().touch("missing", NOW);
    assertThat(store.apiKeys().findByHash(hash(1)).orElseThrow().lastUsedAt()).isEqualTo(NOW.plusSeconds(30));
    assertThat(store.apiKeys().listOwnedBy("u1").get(0).lastUsedAt()).isEqualTo(NOW.plusSeconds(30));
  }
}
