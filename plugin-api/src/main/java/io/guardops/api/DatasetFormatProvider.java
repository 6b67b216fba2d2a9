package io.guardops.api;

/** Creates one {@link DatasetFormat}; keyed by its provider's name ({@code csv}, {@code jsonl}). */
public interface DatasetFormatProvider extends ComponentProvider<DatasetFormat> {}
