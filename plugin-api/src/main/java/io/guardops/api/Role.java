package io.guardops.api;

/** The RBAC roles of the original deployment; {@link #FULL_ACCESS} implies every other. */
public enum Role {
  PROJECTS("Projects"),
  DATASETS("Datasets"),
  EVALUATION("Evaluation"),
  MONITORING("Monitoring"),
  PLAYGROUND("Playground"),
  FULL_ACCESS("Full_Access");

  private final String claimName;

  Role(String claimName) {
    this.claimName = claimName;
  }

  /** The role's name as Auth0 sends it in a token. */
  public String claimName() {
    return claimName;
  }

  /** The role for a claim value (case-insensitive), or {@code null}. */
  public static Role fromClaim(String value) {
    for (Role r : values()) {
      if (r.claimName.equalsIgnoreCase(value)) {
        return r;
      }
    }
    return null;
  }
}
