package io.guardops.plugins.store.sqlite;

import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.Function;

/**
 * The SQL functions the trace filters call on stored span bodies (which are {@link SpanCodec} blobs, not
 * JSON SQLite could look into): registered on every read connection.
 *
 * <ul>
 *   <li>{@code guardops_attr_eq(body, keyId, key, value)}: 1 when the span has the attribute {@code key}
 *       (dictionary number {@code keyId}, -1 if none) whose string form is {@code value};</li>
 *   <li>{@code guardops_text_has(body, needle)}: 1 when the span's prompt or output contains {@code
 *       needle} (the substring fallback of a search text without words).</li>
 * </ul>
 */
final class SqlFunctions {
  private SqlFunctions() {}

  static void register(Connection c) throws SQLException {
    Function.create(c, "guardops_attr_eq", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        byte[] body = value_blob(0);
        result(body != null && SpanCodec.attributeEquals(body, value_int(1), value_text(2), value_text(3)) ? 1 : 0);
      }
    }, 4, Function.FLAG_DETERMINISTIC);
    Function.create(c, "guardops_text_has", new Function() {
      @Override
      protected void xFunc() throws SQLException {
        byte[] body = value_blob(0);
        result(body != null && SpanCodec.textContains(body, value_text(1)) ? 1 : 0);
      }
    }, 2, Function.FLAG_DETERMINISTIC);
  }
}
