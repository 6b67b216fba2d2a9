package io.guardops.plugins.store.sqlite;

import io.guardops.api.User;
import io.guardops.api.store.UserStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Users; listed through {@code users_created (created_at, user_id)}. */
final class SqliteUserStore implements UserStore {
  static final String LIST_IDS = "SELECT user_id FROM users ORDER BY created_at, user_id";

  private final GroupCommitWriter writer;
  private final ReadPool reads;

  SqliteUserStore(GroupCommitWriter writer, ReadPool reads) {
    this.writer = writer;
    this.reads = reads;
  }

  @Override
  public boolean create(User user) {
    Objects.requireNonNull(user, "user");
    // one statement under the write lock: of concurrent creators (also in other processes) one inserts
    return writer.call(c -> Sql.update(c, "INSERT INTO users (user_id, created_at) VALUES (?, ?)"
        + " ON CONFLICT (user_id) DO NOTHING", user.userId(), Sql.nanos(user.createdAt())) == 1);
  }

  @Override
  public Optional<User> find(String userId) {
    Objects.requireNonNull(userId, "userId");
    return reads.read(c -> Sql.first(c, "SELECT created_at FROM users WHERE user_id = ?",
        rs -> new User(userId, Sql.instant(rs.getLong(1))), userId));
  }

  @Override
  public List<String> listIds() {
    return reads.read(c -> Sql.query(c, LIST_IDS, rs -> rs.getString(1)));
  }
}
