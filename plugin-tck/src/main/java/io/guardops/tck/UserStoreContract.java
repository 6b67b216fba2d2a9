package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.User;
import org.junit.jupiter.api.Test;

/** {@link io.guardops.api.store.UserStore}. */
public abstract class UserStoreContract extends StoreContractSupport {
  @Test
  void createIsIdempotent() {
    assertThat(store.users().create(new User("u1", NOW))).isTrue();
    assertThat(store.users().create(new User("u1", NOW.plusSeconds(60)))).isFalse();
    assertThat(store.users().find("u1")).contains(new User("u1", NOW));
    assertThat(store.users().find("nobody")).isEmpty();
    assertThat(store.users().listIds()).containsExactly("u1");
  }

  @Test
  void idsAreListedByCreationTimeThenId() {
    store.users().create(new User("zed", NOW));
    store.users().create(new User("github|42", NOW.minusSeconds(5)));
    store.users().create(new User("0", NOW.plusSeconds(5)));
    store.users().create(new User("abe", NOW));
    store.users().create(new User("zed", NOW));
    // abe and zed were created at the same instant: the id breaks the tie, not the arrival order
    assertThat(store.users().listIds()).containsExactly("github|42", "abe", "zed", "0");
  }

  @Test
  void oddUserIdsRoundTrip() {
    String id = "auth0|5f7c8ec7c33c6c004bbafe82 \u00e9 'quote' \"dq\" $x.y";
    store.users().create(new User(id, NOW));
    assertThat(store.users().find(id)).contains(new User(id, NOW));
  }
}
