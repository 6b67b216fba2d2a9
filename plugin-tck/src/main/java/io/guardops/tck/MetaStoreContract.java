package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link io.guardops.api.store.MetaStore}. */
public abstract class MetaStoreContract extends StoreContractSupport {
  @Test
  void putIfAbsentKeepsTheFirstValue() {
    assertThat(store.meta().get("auth.mode")).isEmpty();
    assertThat(store.meta().putIfAbsent("auth.mode", "auth0")).isEqualTo("auth0");
    assertThat(store.meta().putIfAbsent("auth.mode", "single-user")).isEqualTo("auth0");
    assertThat(store.meta().get("auth.mode")).contains("auth0");
  }

  @Test
  void putReplaces() {
    store.meta().put("k", "one");
    store.meta().put("k", "two");
    assertThat(store.meta().get("k")).contains("two");
    assertThat(store.meta().get("other")).isEmpty();
  }

  @Test
  void keysWithDotsAndDollarsRoundTrip() {
    store.meta().put("$weird.key", "v\u00e9");
    assertThat(store.meta().get("$weird.key")).contains("v\u00e9");
  }
}
