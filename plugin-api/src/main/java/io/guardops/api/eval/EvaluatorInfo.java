package io.guardops.api.eval;

import io.guardops.api.Checks;
import java.util.List;

/**
 * What an evaluator is, for listing and validation: its name, what it needs of an item, whether it
 * calls a model, and the run parameters it accepts.
 */
public record EvaluatorInfo(String name, String description, boolean needsExpected, boolean needsContext,
    boolean usesModel, List<Parameter> parameters) {
  public EvaluatorInfo {
    Checks.notBlank(name, "name");
    if (!name.matches("[a-z][a-z0-9_]{0,63}")) {
      throw new IllegalArgumentException("an evaluator's name is lowercase letters, digits and _, was '" + name + "'");
    }
    description = description == null ? "" : description;
    parameters = List.copyOf(parameters == null ? List.of() : parameters);
  }

  /** One run parameter. */
  public record Parameter(String name, String description, boolean required, String defaultValue) {
    public Parameter {
      Checks.notBlank(name, "name");
      description = description == null ? "" : description;
    }
  }
}
