package io.guardops.plugins.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of work on one connection. */
@FunctionalInterface
interface SqlWork<T> {
  T run(Connection c) throws SQLException;
}
