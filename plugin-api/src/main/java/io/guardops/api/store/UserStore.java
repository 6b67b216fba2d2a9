package io.guardops.api.store;

import io.guardops.api.User;
import java.util.List;
import java.util.Optional;

/** Users. See {@link Store} for the rules every part follows. */
public interface UserStore {
  /**
   * Adds a user.
   *
   * @return {@code true} if created, {@code false} if a user with that id already existed (then
   *     nothing changes); exactly one of several concurrent calls for one id returns {@code true},
   *     also across store instances
   */
  boolean create(User user);

  /** The user with this id. */
  Optional<User> find(String userId);

  /** Every user id, ordered by (creation time, user id). */
  List<String> listIds();
}
