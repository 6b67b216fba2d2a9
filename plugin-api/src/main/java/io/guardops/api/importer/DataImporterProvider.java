package io.guardops.api.importer;

import io.guardops.api.ComponentProvider;

/**
 * Creates a {@link DataImporter}; its {@link #name()} is the command's suffix ({@code mongo} for
 * {@code guardops import-mongo}). Created only when the command runs.
 */
public interface DataImporterProvider extends ComponentProvider<DataImporter> {}
