/**
 * Evaluation helpers of the engine: prompt templates, deterministic sampling, and the model client
 * that traces every call it makes into a project. Internal: not API.
 */
package io.guardops.engine.eval;
