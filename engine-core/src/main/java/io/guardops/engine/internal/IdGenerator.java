package io.guardops.engine.internal;

import java.util.UUID;

/** Mints ids for projects, keys and records; injected so tests can make them predictable. Internal: not API. */
@FunctionalInterface
public interface IdGenerator {
  String newId();

  /** Random UUID4 strings, as the original backend minted. */
  static IdGenerator uuid4() {
    return () -> UUID.randomUUID().toString();
  }
}
