package io.guardops.engine;

import io.guardops.api.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an experiment runs: a dataset version through a task and a set of evaluators with parameters
 * and optional pass thresholds. Stored with the experiment as JSON ({@link #toJson}), so a run can be
 * read back and compared later exactly as it was defined.
 *
 * @param datasetVersion the version to run, or null for the current one
 * @param projectId where the run's model calls are traced, or null for the caller's Default Project
 * @param concurrency items scored at once, or null for {@code guardops.eval.max-concurrency}
 */
public record ExperimentDefinition(String name, String datasetId, Long datasetVersion, String projectId, Task task,
    List<EvaluatorRun> evaluators, Integer concurrency) {

  public ExperimentDefinition {
    task = task == null ? Task.existing() : task;
    evaluators = List.copyOf(evaluators == null ? List.of() : evaluators);
  }

  /**
   * The task that produces each item's output: {@code existing} (the item's own output) or
   * {@code prompt} (a template sent to {@code model}).
   */
  public record Task(String type, String prompt, String system, String model, Double temperature, Integer maxTokens,
      Double topP) {
    public static final String EXISTING = "existing";
    public static final String PROMPT = "prompt";

    public Task {
      type = type == null || type.isBlank() ? (prompt == null ? EXISTING : PROMPT) : type.trim().toLowerCase(Locale.ROOT);
    }

    public static Task existing() {
      return new Task(EXISTING, null, null, null, null, null, null);
    }

    public static Task prompt(String prompt, String model) {
      return new Task(PROMPT, prompt, null, model, null, null, null);
    }

    public boolean usesModel() {
      return PROMPT.equals(type);
    }
  }

  /** One evaluator of the run, its parameters, and the mean score it must reach (or null). */
  public record EvaluatorRun(String name, Map<String, String> params, Double threshold) {
    public EvaluatorRun {
      params = params == null ? Map.of() : Map.copyOf(params);
    }
  }

  /** The definition as stored. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("dataset_id", datasetId);
    m.put("dataset_version", datasetVersion);
    m.put("project_id", projectId);
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", task.type());
    putIf(t, "prompt", task.prompt());
    putIf(t, "system", task.system());
    putIf(t, "model", task.model());
    putIf(t, "temperature", task.temperature());
    putIf(t, "max_tokens", task.maxTokens() == null ? null : (long) task.maxTokens());
    putIf(t, "top_p", task.topP());
    m.put("task", t);
    List<Object> evs = new ArrayList<>();
    for (EvaluatorRun e : evaluators) {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("name", e.name());
      em.put("params", new LinkedHashMap<>(e.params()));
      putIf(em, "threshold", e.threshold());
      evs.add(em);
    }
    m.put("evaluators", evs);
    putIf(m, "concurrency", concurrency == null ? null : (long) concurrency);
    return Json.write(m);
  }

  private static void putIf(Map<String, Object> m, String key, Object v) {
    if (v != null) {
      m.put(key, v);
    }
  }

  /** A stored definition read back. */
  public static ExperimentDefinition fromJson(String json) {
    return fromMap(Json.readObject(json));
  }

  /**
   * A definition from parsed JSON (the request body of {@code create_experiment}, or a stored one).
   *
   * @throws IllegalArgumentException naming the field that has the wrong type
   */
  public static ExperimentDefinition fromMap(Map<String, Object> m) {
    Object task = m.get("task");
    Task t;
    if (task == null) {
      t = Task.existing();
    } else if (task instanceof String s) {
      t = new Task(s, null, null, null, null, null, null);
    } else if (task instanceof Map<?, ?> tm) {
      t = new Task(string(tm, "type", "task.type"), firstString(tm, "task.prompt", "prompt", "template"),
          string(tm, "system", "task.system"), string(tm, "model", "task.model"), number(tm, "temperature", "task"),
          integer(tm, "max_tokens", "task"), number(tm, "top_p", "task"));
    } else {
      throw new IllegalArgumentException("'task' must be \"existing\" or an object {\"type\": \"prompt\", \"prompt\","
          + " \"model\", ...}");
    }
    List<EvaluatorRun> runs = new ArrayList<>();
    Object evs = m.get("evaluators");
    if (evs instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          runs.add(new EvaluatorRun(s, Map.of(), null));
        } else if (o instanceof Map<?, ?> em) {
          Map<String, String> params = new LinkedHashMap<>();
          Object p = em.get("params");
          if (p instanceof Map<?, ?> pm) {
            pm.forEach((k, v) -> params.put(String.valueOf(k), v == null ? null : v instanceof String s ? s
                : Json.write(v)));
            params.values().removeIf(java.util.Objects::isNull);
          } else if (p != null) {
            throw new IllegalArgumentException("an evaluator's 'params' must be an object of strings");
          }
          runs.add(new EvaluatorRun(string(em, "name", "evaluators[].name"), params,
              number(em, "threshold", "evaluators[]")));
        } else {
          throw new IllegalArgumentException("'evaluators' lists names or objects {\"name\", \"params\", \"threshold\"}");
        }
      }
    } else if (evs != null) {
      throw new IllegalArgumentException("'evaluators' must be a list");
    }
    Long version = integerLong(m, "dataset_version");
    Integer concurrency = integer(m, "concurrency", "");
    return new ExperimentDefinition(string(m, "name", "name"), string(m, "dataset_id", "dataset_id"), version,
        string(m, "project_id", "project_id"), t, runs, concurrency);
  }

  private static String string(Map<?, ?> m, String key, String what) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("'" + what + "' must be a string");
  }

  private static String firstString(Map<?, ?> m, String what, String... keys) {
    for (String k : keys) {
      String v = string(m, k, what);
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  private static Double number(Map<?, ?> m, String key, String where) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("'" + (where.isEmpty() ? "" : where + ".") + key + "' must be a number");
  }

  private static Integer integer(Map<?, ?> m, String key, String where) {
    Long v = integerLong(m, key);
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("'" + (where.isEmpty() ? "" : where + ".") + key + "' is out of range");
    }
    return v.intValue();
  }

  private static Long integerLong(Map<?, ?> m, String key) {
    Object v = m.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Long l) {
      return l;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.longValue();
    }
    throw new IllegalArgumentException("'" + key + "' must be a whole number");
  }
}
