package io.guardops.api.eval;

import io.guardops.api.ComponentProvider;
import java.util.List;

/**
 * Creates the {@link Evaluator}s of one plugin (a plugin has one public provider, so it hands out
 * all its evaluators at once). Every installed evaluator is offered, by its
 * {@link EvaluatorInfo#name()}.
 */
public interface EvaluatorProvider extends ComponentProvider<List<Evaluator>> {}
