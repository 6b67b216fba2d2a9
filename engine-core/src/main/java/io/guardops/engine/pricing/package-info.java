/**
 * Model prices and the cost rule, internal to the engine: a bundled, dated table
 * ({@code prices.json}) that users can extend or override, see
 * {@link io.guardops.engine.pricing.PriceTable}.
 */
package io.guardops.engine.pricing;
