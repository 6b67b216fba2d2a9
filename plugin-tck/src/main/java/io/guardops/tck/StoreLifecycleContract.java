package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.guardops.api.Health;
import io.guardops.api.User;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store component itself: health, close, persistence across instances. */
public abstract class StoreLifecycleContract extends StoreContractSupport {
  @Test
  void checkReportsHealthy() {
    Health h = store.check();
    assertThat(h.healthy()).as(h.detail()).isTrue();
  }

  @Test
  void closeIsIdempotent() {
    store.close();
    store.close();
    store = null;
  }

  @Test
  void everyPartIsThere() {
    assertThat(store.users()).isNotNull();
    assertThat(store.projects()).isNotNull();
    assertThat(store.sharing()).isNotNull();
    assertThat(store.apiKeys()).isNotNull();
    assertThat(store.spans()).isNotNull();
    assertThat(store.retention()).isNotNull();
    assertThat(store.meta()).isNotNull();
  }

  @Test
  void dataSurvivesReopen() throws Exception {
    assumeThat(backend.persistent()).as("store is not persistent").isTrue();
    store.users().create(new User("u1", NOW));
    store.projects().create(project("p1", "u1", NOW));
    store.spans().write(List.of(root("p1", 1, 0, 100)));
    store.meta().put("mode", "single-user");
    reopen();
    assertThat(store.users().find("u1")).isPresent();
    assertThat(store.projects().find("p1")).isPresent();
    assertThat(store.spans().findTrace("p1", traceId(1))).isPresent();
    assertThat(store.spans().findSpans("p1", List.of(traceId(1)))).hasSize(1);
    assertThat(store.meta().get("mode")).contains("single-user");
  }
}
