package io.guardops.api.dataset;

import io.guardops.api.ComponentProvider;
import java.util.List;

/**
 * Creates the {@link DatasetFormat}s of one plugin (a plugin has one public provider, so it hands
 * out all its formats at once). Every installed format is offered, by its {@link DatasetFormat#name()}.
 */
public interface DatasetFormatProvider extends ComponentProvider<List<DatasetFormat>> {}
