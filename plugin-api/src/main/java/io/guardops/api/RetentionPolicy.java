package io.guardops.api;

import java.time.Instant;
import java.util.Optional;

/** Decides, per project, which data leaves. Stateless and thread-safe. */
public interface RetentionPolicy {
  /**
   * The cutoff for {@code project} at {@code now}: whole traces that started before it are
   * deleted. Empty keeps everything.
   *
   * @param project never {@code null}
   * @param now     the engine clock's current instant
   */
  Optional<Instant> cutoff(Project project, Instant now);

  /** The default policy: a project's {@code retention} in days, 0 = keep forever. */
  static RetentionPolicy retentionDays() {
    return (project, now) -> project.retentionDays() <= 0
        ? Optional.empty()
        : Optional.of(now.minus(java.time.Duration.ofDays(project.retentionDays())));
  }
}
