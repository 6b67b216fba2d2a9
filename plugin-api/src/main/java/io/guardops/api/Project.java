package io.guardops.api;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A project groups traces. {@code retentionDays} 0 keeps data forever. The latency thresholds
 * (seconds) drive the monitoring charts' warning and critical lines.
 */
public record Project(
    String projectId,
    String ownerId,
    String name,
    String description,
    List<String> tags,
    int retentionDays,
    double latencyWarningSeconds,
    double latencyCriticalSeconds,
    Instant createdAt) {

  /** Name of the project every user gets at provisioning. */
  public static final String DEFAULT_NAME = "Default Project";
  /** Description of the default project, as the original backend wrote it. */
  public static final String DEFAULT_DESCRIPTION =
      "This is the coai default project created after registration";
  public static final double DEFAULT_LATENCY_WARNING_SECONDS = 5.0;
  public static final double DEFAULT_LATENCY_CRITICAL_SECONDS = 10.0;
  /** Upper bound for retention: 100 years. */
  public static final int MAX_RETENTION_DAYS = 36_500;

  public Project {
    Checks.notBlank(projectId, "projectId");
    Checks.notBlank(ownerId, "ownerId");
    Checks.notBlank(name, "name");
    if (name.length() > 200) {
      throw new IllegalArgumentException("name must be at most 200 characters");
    }
    description = description == null ? "" : description;
    if (description.length() > 10_000) {
      throw new IllegalArgumentException("description must be at most 10000 characters");
    }
    tags = List.copyOf(tags == null ? List.of() : tags);
    Checks.noBlank(tags, "tags");
    if (retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS) {
      throw new IllegalArgumentException(
          "retention must be between 0 (keep forever) and " + MAX_RETENTION_DAYS + " days, was " + retentionDays);
    }
    if (!(latencyWarningSeconds > 0) || !(latencyCriticalSeconds > 0) || Double.isInfinite(latencyWarningSeconds)
        || Double.isInfinite(latencyCriticalSeconds)) {
      throw new IllegalArgumentException("latency thresholds must be positive numbers of seconds");
    }
    if (latencyCriticalSeconds < latencyWarningSeconds) {
      throw new IllegalArgumentException("the critical latency threshold must not be below the warning threshold");
    }
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** A new builder with default thresholds, no tags and retention 0. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this project's values. */
  public Builder toBuilder() {
    return new Builder()
        .projectId(projectId).ownerId(ownerId).name(name).description(description).tags(tags)
        .retentionDays(retentionDays).latencyWarningSeconds(latencyWarningSeconds)
        .latencyCriticalSeconds(latencyCriticalSeconds).createdAt(createdAt);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private String projectId;
    private String ownerId;
    private String name;
    private String description = "";
    private List<String> tags = List.of();
    private int retentionDays;
    private double latencyWarningSeconds = DEFAULT_LATENCY_WARNING_SECONDS;
    private double latencyCriticalSeconds = DEFAULT_LATENCY_CRITICAL_SECONDS;
    private Instant createdAt;

    private Builder() {}

    public Builder projectId(String v) { this.projectId = v; return this; }
    public Builder ownerId(String v) { this.ownerId = v; return this; }
    public Builder name(String v) { this.name = v; return this; }
    public Builder description(String v) { this.description = v; return this; }
    public Builder tags(List<String> v) { this.tags = v; return this; }
    public Builder retentionDays(int v) { this.retentionDays = v; return this; }
    public Builder latencyWarningSeconds(double v) { this.latencyWarningSeconds = v; return this; }
    public Builder latencyCriticalSeconds(double v) { this.latencyCriticalSeconds = v; return this; }
    public Builder createdAt(Instant v) { this.createdAt = v; return this; }

    public Project build() {
      return new Project(projectId, ownerId, name, description, tags, retentionDays,
          latencyWarningSeconds, latencyCriticalSeconds, createdAt);
    }
  }
}
