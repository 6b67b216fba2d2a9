package io.guardops.api;

/** Creates one {@link Evaluator}; every loaded evaluator is offered, keyed by its provider's name. */
public interface EvaluatorProvider extends ComponentProvider<Evaluator> {}
