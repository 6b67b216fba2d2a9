package io.guardops.plugins.datasets;

import io.guardops.api.ComponentConfig;
import io.guardops.api.ComponentContext;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetFormatProvider;
import java.util.List;
import org.pf4j.Extension;

/**
 * The dataset formats {@code csv} and {@code jsonl}. Settings (under this provider's scope,
 * {@code guardops.dataset-format.builtin.}): {@code csv-max-field-chars} (default 4,194,304: the
 * longest CSV field), {@code jsonl-max-line-bytes} (default 16 MiB: the longest JSONL line).
 */
@Extension
public final class CsvJsonlFormatProvider implements DatasetFormatProvider {
  static final int DEFAULT_MAX_FIELD_CHARS = 4 << 20;
  static final int DEFAULT_MAX_LINE_BYTES = 16 << 20;

  @Override
  public String name() {
    return "builtin";
  }

  @Override
  public String pluginId() {
    return "datasets";
  }

  @Override
  public List<DatasetFormat> create(ComponentConfig config, ComponentContext context) {
    int field = positive(config, "csv-max-field-chars", DEFAULT_MAX_FIELD_CHARS);
    int line = positive(config, "jsonl-max-line-bytes", DEFAULT_MAX_LINE_BYTES);
    return List.of(new CsvFormat(field), new JsonlFormat(line));
  }

  private static int positive(ComponentConfig config, String key, int def) {
    int v = config.getInt(key, def);
    if (v < 1) {
      throw new IllegalArgumentException(config.fullKey(key) + " must be at least 1, was " + v);
    }
    return v;
  }
}
