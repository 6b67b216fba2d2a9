package io.guardops.api.auth;

import java.util.Locale;

/**
 * The six roles of the original deployment, a fixed vocabulary. {@link #FULL_ACCESS} implies every
 * other role. Each HTTP route names the one role it needs (see the role table in the README); a
 * caller without it gets 403.
 */
public enum Role {
  /** Projects, their sharing and retention, API keys. */
  PROJECTS("Projects"),
  /** Datasets and their items. */
  DATASETS("Datasets"),
  /** Evaluations, experiments and scores. */
  EVALUATION("Evaluation"),
  /** Reading traces, searching them, metrics and charts. */
  MONITORING("Monitoring"),
  /** Playgrounds, the model registry, the arena, prompt templates. */
  PLAYGROUND("Playground"),
  /** Every role, plus administration (listing and creating users). */
  FULL_ACCESS("Full_Access");

  private final String claimName;

  Role(String claimName) {
    this.claimName = claimName;
  }

  /** The role's name as the original deployment (and an Auth0 token) spells it, such as {@code Full_Access}. */
  public String claimName() {
    return claimName;
  }

  /**
   * The role for a claim value, or {@code null}. Case-insensitive; {@code Full_Access},
   * {@code full-access} and {@code FULL ACCESS} are one role.
   */
  public static Role fromClaim(String value) {
    if (value == null) {
      return null;
    }
    String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
    for (Role r : values()) {
      if (r.claimName.toLowerCase(Locale.ROOT).equals(v)) {
        return r;
      }
    }
    return null;
  }
}
