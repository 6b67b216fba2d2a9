package io.guardops.engine;

import io.guardops.api.Project;
import io.guardops.api.Store;
import io.guardops.api.User;
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

  /** Every user id, in creation order. */
  public List<String> listIds() {
    return store.listUserIds();
  }

  /** Whether the user exists. */
  public boolean exists(String userId) {
    return store.findUser(userId).isPresent();
  }

  /**
   * Creates the user and their "Default Project" if the user is new; idempotent. The default
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
    if (store.findUser(userId).isPresent()) {
      return false;
    }
    String projectId = defaultProjectId(userId);
    if (store.findProject(projectId).isEmpty()) {
      try {
        store.createProject(Project.builder()
            .projectId(projectId).ownerId(userId).name(Project.DEFAULT_NAME)
            .description(Project.DEFAULT_DESCRIPTION).tags(List.of("coai")).retentionDays(0)
            .createdAt(clock.instant()).build());
      } catch (IllegalArgumentException raced) {
        // another request provisioned the same user at the same moment: its project is ours
      }
    }
    return store.createUser(new User(userId, clock.instant()));
  }

  /** The id of a user's default project (a name-based UUID of the user id). */
  static String defaultProjectId(String userId) {
    return UUID.nameUUIDFromBytes(("guardops-default-project:" + userId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
