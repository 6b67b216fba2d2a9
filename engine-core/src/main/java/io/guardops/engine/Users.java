package io.guardops.engine;

import io.guardops.api.Project;
import io.guardops.api.User;
import io.guardops.api.store.Store;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import javax.inject.Inject;
import javax.inject.Singleton;

/** Users and their provisioning. Thread-safe. Obtain from {@link Engine#users()}. */
@Singleton
public final class Users {
  private final Store store;
  private final Clock clock;

  @Inject
  Users(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Every user id, by (creation time, id). Administrators only (the route needs Full_Access). */
  public List<String> listIds() {
    return store.users().listIds();
  }

  /** Whether the user exists. */
  public boolean exists(String userId) {
    return store.users().find(userId).isPresent();
  }

  /**
   * Creates the user and their "Default Project" if the user is new; idempotent, also when several
   * host instances provision one user at once (exactly one call returns {@code true}). The default
   * project's id is derived from the user id, so a crash between the two writes cannot leave two
   * default projects: the retry finds the project and only adds the user.
   *
   * @return whether the user was created by this call
   * @throws EngineException BAD_REQUEST for an invalid user id
   */
  public boolean provision(String userId) {
    if (userId == null || userId.isBlank() || userId.length() > 256) {
      throw EngineException.badRequest("user_id must be 1 to 256 characters");
    }
    if (store.users().find(userId).isPresent()) {
      return false;
    }
    String projectId = defaultProjectId(userId);
    if (store.projects().find(projectId).isEmpty()) {
      try {
        store.projects().create(Project.builder()
            .projectId(projectId).ownerId(userId).name(Project.DEFAULT_NAME)
            .description(Project.DEFAULT_DESCRIPTION).tags(List.of("coai")).retentionDays(0)
            .createdAt(clock.instant()).build());
      } catch (IllegalArgumentException raced) {
        // another request (or instance) provisioned the same user at the same moment: its project is ours
      }
    }
    return store.users().create(new User(userId, clock.instant()));
  }

  /** The id of a user's default project (a name-based UUID of the user id). */
  public static String defaultProjectId(String userId) {
    return UUID.nameUUIDFromBytes(("guardops-default-project:" + userId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
