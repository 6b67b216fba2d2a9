package io.guardops.api;

/** Creates the {@link Authenticator}; selected by {@code guardops.auth} (default {@code single-user}). */
public interface AuthProvider extends ComponentProvider<Authenticator> {}
