package io.guardops.plugins.evaluation;

import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.eval.EvaluatorInfo;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What every evaluator here shares: its info, parameter parsing with messages that name the parameter. */
abstract class BaseEvaluator implements Evaluator {
  private final EvaluatorInfo info;

  BaseEvaluator(EvaluatorInfo info) {
    this.info = info;
  }

  @Override
  public final EvaluatorInfo info() {
    return info;
  }

  final String name() {
    return info.name();
  }

  @Override
  public void validate(Map<String, String> parameters) {
    Evaluator.super.validate(parameters);
    check(parameters);
  }

  /** Evaluator-specific checks of the run parameters (types, ranges, patterns). */
  void check(Map<String, String> parameters) {}

  static EvaluatorInfo.Parameter param(String name, String description, String defaultValue) {
    return new EvaluatorInfo.Parameter(name, description, false, defaultValue);
  }

  static EvaluatorInfo.Parameter required(String name, String description) {
    return new EvaluatorInfo.Parameter(name, description, true, null);
  }

  static EvaluatorInfo info(String name, String description, boolean needsExpected, boolean needsContext,
      boolean usesModel, EvaluatorInfo.Parameter... parameters) {
    return new EvaluatorInfo(name, description, needsExpected, needsContext, usesModel, List.of(parameters));
  }

  /** The item's expected answer, or an {@link IllegalArgumentException} that says it is missing. */
  final String expected(EvalItem item) {
    if (item.expected() == null) {
      throw new IllegalArgumentException(name() + " needs an expected answer and the item has none");
    }
    return item.expected();
  }

  final String string(Map<String, String> p, String key, String def) {
    String v = p.get(key);
    return v == null || v.isBlank() ? def : v;
  }

  final boolean bool(Map<String, String> p, String key, boolean def) {
    String v = p.get(key);
    if (v == null || v.isBlank()) {
      return def;
    }
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true": case "yes": case "1": case "on": return true;
      case "false": case "no": case "0": case "off": return false;
      default: throw new IllegalArgumentException(name() + ": parameter '" + key + "' must be true or false, was '"
          + v + "'");
    }
  }

  /** A number parameter, or {@code null} when absent. */
  final Double number(Map<String, String> p, String key) {
    String v = p.get(key);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name() + ": parameter '" + key + "' must be a number, was '" + v + "'");
    }
  }

  /** One of {@code allowed} (case-insensitive), or the default. */
  final String choice(Map<String, String> p, String key, String def, String... allowed) {
    String v = string(p, key, def).trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(v)) {
        return a;
      }
    }
    throw new IllegalArgumentException(name() + ": parameter '" + key + "' must be one of " + List.of(allowed)
        + ", was '" + p.get(key) + "'");
  }

  /** A pass/fail score: value 1 or 0 with the label. */
  final EvalScore passFail(boolean pass, String explanation, Map<String, Object> details) {
    return new EvalScore(name(), pass ? 1.0 : 0.0, pass ? "pass" : "fail", explanation, null, details);
  }

  /** A similarity score in [0, 1]; clamps rounding noise. */
  final EvalScore similarity(double value, String explanation, Map<String, Object> details) {
    return new EvalScore(name(), Math.max(0, Math.min(1, value)), null, explanation, null, details);
  }
}
