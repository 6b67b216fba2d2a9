package io.guardops.engine.internal;

import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.eval.Evaluator;
import io.guardops.api.model.ModelClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The components evaluation works with: the model client (or none), the evaluators and the dataset
 * formats, each by its unique name. Internal: not API.
 *
 * @param modelClientName the configured provider's name, {@code (given)} for one given in code, or
 *     {@code none}
 */
public record EvalComponents(String modelClientName, ModelClient modelClient, Map<String, Evaluator> evaluators,
    Map<String, DatasetFormat> formats) {
  public EvalComponents {
    Objects.requireNonNull(modelClientName, "modelClientName");
    evaluators = Collections.unmodifiableMap(new TreeMap<>(evaluators));
    formats = Collections.unmodifiableMap(new TreeMap<>(formats));
  }

  /** The model client, if one is configured. */
  public Optional<ModelClient> model() {
    return Optional.ofNullable(modelClient);
  }

  /**
   * Collects named things from several sources, refusing a name two sources give: which one should
   * win is not ours to guess, so start-up stops naming both.
   */
  public static final class Collector<T> {
    private final String what;
    private final java.util.function.Function<T, String> name;
    private final Map<String, T> byName = new LinkedHashMap<>();
    private final Map<String, String> source = new LinkedHashMap<>();

    public Collector(String what, java.util.function.Function<T, String> name) {
      this.what = what;
      this.name = name;
    }

    /** Adds every item of {@code items} from {@code from}. */
    public Collector<T> addAll(List<? extends T> items, String from) {
      for (T item : new ArrayList<>(items)) {
        String n = name.apply(item);
        String previous = source.putIfAbsent(n, from);
        if (previous != null) {
          throw new IllegalStateException("two " + what + "s are named '" + n + "': one from " + previous
              + ", one from " + from + ". Names must be unique: remove one of them (uninstall a plugin or drop"
              + " the one given in code).");
        }
        byName.put(n, item);
      }
      return this;
    }

    public Map<String, T> byName() {
      return byName;
    }
  }
}
