/** Elo ratings of the model arena and their bootstrap confidence intervals. Internal: not API. */
package io.guardops.engine.arena;
