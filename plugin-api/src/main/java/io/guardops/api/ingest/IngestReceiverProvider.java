package io.guardops.api.ingest;

import io.guardops.api.ComponentProvider;

/**
 * Creates an {@link IngestReceiver}. Every installed receiver runs unless {@code guardops.receivers}
 * lists the ones to run ({@code none} for none); its context holds the {@link IngestService}.
 */
public interface IngestReceiverProvider extends ComponentProvider<IngestReceiver> {}
