package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.guardops.api.AuthResult;
import io.guardops.api.Authenticator;
import io.guardops.api.Credentials;
import io.guardops.api.Health;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link Authenticator} passes. An implementation's test says which
 * credentials it must accept (and as whom) and which it must reject; the suite adds hostile input,
 * concurrency and lifecycle checks that hold for every authenticator.
 */
public abstract class AuthenticatorContract {
  /** Credentials the authenticator must accept, and the user id the principal must carry. */
  public record Accepted(Credentials credentials, String userId) {}

  protected Authenticator auth;

  /** A fresh authenticator. */
  protected abstract Authenticator newAuthenticator() throws Exception;

  /** At least one set of credentials it accepts. */
  protected abstract List<Accepted> accepted();

  /** Credentials it must reject (wrong user, bad or missing token, ...). */
  protected abstract List<Credentials> rejected();

  @BeforeEach
  void openAuthenticator() throws Exception {
    auth = newAuthenticator();
  }

  @AfterEach
  void closeAuthenticator() {
    if (auth != null) {
      auth.close();
    }
  }

  @Test
  void acceptsWhatItShouldAsTheRightUser() {
    assertThat(accepted()).as("the test names credentials to accept").isNotEmpty();
    for (Accepted a : accepted()) {
      AuthResult r = auth.authenticate(a.credentials());
      assertThat(r).as("%s", a.credentials()).isNotNull();
      assertThat(r.isAccepted()).as("%s: %s", a.credentials(), r).isTrue();
      assertThat(r.principal().userId()).isEqualTo(a.userId());
      assertThat(r.principal().roles()).isNotNull();
      assertThat(r.rejection()).isNull();
    }
  }

  @Test
  void rejectsWithAReasonThatNeverEchoesTheCredential() {
    for (Credentials c : rejected()) {
      AuthResult r = auth.authenticate(c);
      assertThat(r).as("%s", c).isNotNull();
      assertThat(r.isAccepted()).as("%s", c).isFalse();
      assertThat(r.rejection()).as("%s", c).isNotBlank();
      if (c.bearerToken() != null && c.bearerToken().length() >= 8) {
        assertThat(r.rejection()).as("reason of %s", c).doesNotContain(c.bearerToken());
      }
    }
  }

  @Test
  void hostileInputIsAnswerNotAnException() {
    String huge = "x".repeat(200_000);
    Credentials[] hostile = {
        new Credentials(null, null, null),
        new Credentials("", "", ""),
        new Credentials("a.b.c", null, "10.0.0.1"),
        new Credentials("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.", "admin", null),
        new Credentials(huge, huge, huge),
        new Credentials("\u0000\n\r\t", "\u0000", "::1"),
        new Credentials("Bearer Bearer", "github|\u00e9\u6f22\ud83d\ude00", null),
    };
    for (Credentials c : hostile) {
      AuthResult[] out = new AuthResult[1];
      assertThatCode(() -> out[0] = auth.authenticate(c)).doesNotThrowAnyException();
      assertThat(out[0]).isNotNull();
      if (out[0].isAccepted()) {
        assertThat(out[0].principal().userId()).isNotBlank();
      }
    }
  }

  @Test
  void aTrustedUserIdIsTheIdentityOrARejectionNeverSomeoneElse() {
    if (!auth.trustsClaimedUserId()) {
      return; // token-based authenticators: the engine checks user_id against the token's subject
    }
    for (String claimed : new String[] {"0", "alice", "github|149702207", "someone-else"}) {
      AuthResult r = auth.authenticate(new Credentials(null, claimed, null));
      if (r.isAccepted()) {
        assertThat(r.principal().userId()).as("claimed %s", claimed).isEqualTo(claimed);
      }
    }
  }

  @Test
  void concurrentCallsGetTheSameAnswers() throws Exception {
    List<Credentials> all = new ArrayList<>();
    accepted().forEach(a -> all.add(a.credentials()));
    all.addAll(rejected());
    List<String> expected = new ArrayList<>();
    for (Credentials c : all) {
      expected.add(String.valueOf(auth.authenticate(c)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<String>>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        runs.add(pool.submit(() -> {
          List<String> seen = new ArrayList<>();
          for (int i = 0; i < 200; i++) {
            seen.clear();
            for (Credentials c : all) {
              seen.add(String.valueOf(auth.authenticate(c)));
            }
          }
          return seen;
        }));
      }
      for (Future<List<String>> f : runs) {
        assertThat(f.get()).isEqualTo(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void healthIsDataAndCloseIsIdempotent() {
    Health[] h = new Health[1];
    assertThatCode(() -> h[0] = auth.check()).doesNotThrowAnyException();
    assertThat(h[0]).isNotNull();
    auth.close();
    assertThatCode(auth::close).doesNotThrowAnyException();
    auth = null;
  }
}
