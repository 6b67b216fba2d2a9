package io.guardops.api;

/**
 * Creates one {@link AttributeMapper}. Every loaded mapper runs, in ascending
 * {@link AttributeMapper#order()}; {@code guardops.mappers} may list the names to enable.
 */
public interface AttributeMapperProvider extends ComponentProvider<AttributeMapper> {}
