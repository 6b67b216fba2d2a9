/**
 * Read-side helpers, internal to the engine: the GuardOps span document that the original web app
 * and library read ({@link io.guardops.engine.query.GuardOpsSpanView}) and metrics computed in the
 * engine for stores that cannot aggregate ({@link io.guardops.engine.query.MetricsCalculator}).
 */
package io.guardops.engine.query;
