package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Project;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link io.guardops.api.store.ProjectStore}. */
public abstract class ProjectStoreContract extends StoreContractSupport {
  @Test
  void createAndFind() {
    Project p = project("p1", "u1", NOW).toBuilder().retentionDays(30).latencyWarningSeconds(2)
        .latencyCriticalSeconds(4).tags(List.of("prod", "chat")).build();
    store.projects().create(p);
    assertThat(store.projects().find("p1")).contains(p);
    assertThat(store.projects().find("p2")).isEmpty();
  }

  @Test
  void createWithExistingIdIsRejected() {
    store.projects().create(project("p1", "u1", NOW));
    assertThatThrownBy(() -> store.projects().create(project("p1", "u2", NOW)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.projects().find("p1").orElseThrow().ownerId()).isEqualTo("u1");
  }

  @Test
  void listOwnedByShowsOnlyTheOwnersByCreationTimeThenId() {
    store.projects().create(project("p-new", "u1", NOW.plusSeconds(10)));
    store.projects().create(project("p-other", "u2", NOW));
    store.projects().create(project("p-old-b", "u1", NOW));
    store.projects().create(project("p-old-a", "u1", NOW));
    assertThat(store.projects().listOwnedBy("u1")).extracting(Project::projectId)
        .containsExactly("p-old-a", "p-old-b", "p-new");
    assertThat(store.projects().listOwnedBy("u2")).extracting(Project::projectId).containsExactly("p-other");
    assertThat(store.projects().listOwnedBy("u3")).isEmpty();
  }

  @Test
  void findAllReturnsThoseThatExistInOrder() {
    store.projects().create(project("b", "u1", NOW));
    store.projects().create(project("a", "u2", NOW));
    store.projects().create(project("c", "u1", NOW.minusSeconds(1)));
    assertThat(store.projects().findAll(List.of("a", "missing", "b", "c", "a"))).extracting(Project::projectId)
        .containsExactly("c", "a", "b");
    assertThat(store.projects().findAll(List.of())).isEmpty();
  }

  @Test
  void listWithRetention() {
    store.projects().create(project("keep", "u1", NOW));
    store.projects().create(project("r30", "u1", NOW).toBuilder().retentionDays(30).build());
    store.projects().create(project("r1", "u2", NOW.plusSeconds(1)).toBuilder().retentionDays(1).build());
    assertThat(store.projects().listWithRetention()).extracting(Project::projectId).containsExactly("r30", "r1");
  }

  @Test
  void updateReplacesMutableFieldsOnly() {
    store.projects().create(project("p1", "u1", NOW));
    Project changed = Project.builder().projectId("p1").ownerId("intruder").name("Renamed").description("new")
        .tags(List.of("x")).retentionDays(7).latencyWarningSeconds(1).latencyCriticalSeconds(3)
        .createdAt(NOW.plusSeconds(999)).build();
    assertThat(store.projects().update(changed)).isTrue();
    Project stored = store.projects().find("p1").orElseThrow();
    assertThat(stored.ownerId()).isEqualTo("u1");
    assertThat(stored.createdAt()).isEqualTo(NOW);
    assertThat(stored.name()).isEqualTo("Renamed");
    assertThat(stored.description()).isEqualTo("new");
    assertThat(stored.tags()).containsExactly("x");
    assertThat(stored.retentionDays()).isEqualTo(7);
    assertThat(stored.latencyWarningSeconds()).isEqualTo(1.0);
    assertThat(stored.latencyCriticalSeconds()).isEqualTo(3.0);
    assertThat(store.projects().listWithRetention()).extracting(Project::projectId).containsExactly("p1");
    assertThat(store.projects().update(project("missing", "u1", NOW))).isFalse();
    assertThat(store.projects().find("missing")).isEmpty();
  }

  @Test
  void deleteRemovesTheRecordOnly() {
    store.projects().create(project("p1", "u1", NOW));
    store.spans().write(List.of(root("p1", 1, 0, 10)));
    assertThat(store.projects().delete("p1")).isTrue();
    assertThat(store.projects().find("p1")).isEmpty();
    assertThat(store.projects().listOwnedBy("u1")).isEmpty();
    assertThat(store.spans().findTrace("p1", traceId(1))).isPresent();
    assertThat(store.projects().delete("p1")).isFalse();
  }

  @Test
  void textFieldsRoundTrip() {
    Project p = project("p1", "u1", NOW).toBuilder().name("Na\u00efve \"quoted\" 'name' $x.y")
        .description("line 1\nline 2 \u4e2d").tags(List.of("a,b", "c.d", "$e")).build();
    store.projects().create(p);
    assertThat(store.projects().find("p1")).contains(p);
  }
}
