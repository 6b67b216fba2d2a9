package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.Project;
import io.guardops.api.RetentionPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link RetentionPolicy} passes: the promises users rely on whatever
 * the policy (a project with retention 0 keeps everything; nothing newer than "now" is ever cut;
 * time moving forward never brings data back), plus statelessness.
 */
public abstract class RetentionPolicyContract {
  protected static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

  protected RetentionPolicy policy;

  /** A fresh policy. */
  protected abstract RetentionPolicy newPolicy() throws Exception;

  @BeforeEach
  void openPolicy() throws Exception {
    policy = newPolicy();
  }

  protected static Project project(int retentionDays) {
    return Project.builder().projectId("p-" + retentionDays).ownerId("u").name("p").retentionDays(retentionDays)
        .createdAt(NOW.minus(Duration.ofDays(400))).build();
  }

  private static final int[] RETENTIONS = {0, 1, 2, 7, 30, 90, 365, Project.MAX_RETENTION_DAYS};

  @Test
  void aProjectWithRetentionZeroKeepsEverything() {
    for (Instant now : List.of(NOW, NOW.plus(Duration.ofDays(10_000)), Instant.EPOCH.plusSeconds(1))) {
      assertThat(policy.cutoff(project(0), now)).as("at %s", now).isEmpty();
    }
  }

  @Test
  void theCutoffIsNeverAfterNow() {
    for (int days : RETENTIONS) {
      Optional<Instant> cutoff = policy.cutoff(project(days), NOW);
      assertThat(cutoff).isNotNull();
      cutoff.ifPresent(c -> assertThat(c).as("%d days", days).isBeforeOrEqualTo(NOW));
    }
  }

  @Test
  void timeMovingForwardNeverMovesTheCutoffBack() {
    for (int days : RETENTIONS) {
      Optional<Instant> earlier = policy.cutoff(project(days), NOW);
      Optional<Instant> later = policy.cutoff(project(days), NOW.plus(Duration.ofHours(7)));
      if (earlier.isPresent()) {
        assertThat(later).as("%d days", days).isPresent();
        assertThat(later.get()).isAfterOrEqualTo(earlier.get());
      }
    }
  }

  @Test
  void itIsStatelessAndThreadSafe() throws Exception {
    List<Optional<Instant>> expected = new ArrayList<>();
    for (int days : RETENTIONS) {
      expected.add(policy.cutoff(project(days), NOW));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Optional<Instant>>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          List<Optional<Instant>> seen = new ArrayList<>();
          for (int i = 0; i < 500; i++) {
            seen.clear();
            for (int days : RETENTIONS) {
              seen.add(policy.cutoff(project(days), NOW));
            }
          }
          return seen;
        }));
      }
      for (Future<List<Optional<Instant>>> f : runs) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
