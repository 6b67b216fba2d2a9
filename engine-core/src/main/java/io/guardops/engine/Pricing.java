package io.guardops.engine;

import io.guardops.engine.internal.Settings;
import io.guardops.engine.pricing.PriceTable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * The one price table of the engine (bundled, plus {@code guardops.pricing.file}): ingestion prices
 * spans with it and experiments price their model calls with it, so a run's cost is what its traces
 * show.
 */
@Singleton
final class Pricing {
  private final PriceTable table;

  @Inject
  Pricing(Settings settings) {
    PriceTable prices = PriceTable.bundled();
    Optional<Path> overrides = settings.pricingFile();
    if (overrides.isPresent()) {
      try {
        prices = prices.withOverrides(overrides.get());
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException("guardops.pricing.file " + overrides.get() + " cannot be read: "
            + e.getMessage(), e);
      }
    }
    this.table = prices;
  }

  PriceTable table() {
    return table;
  }
}
