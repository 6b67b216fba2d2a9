package io.guardops.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.guardops.api.Health;
import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Caller;
import io.guardops.api.auth.Credentials;
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
 * credentials it must accept (and as which caller), which it must refuse as unauthenticated (401)
 * and which as forbidden (403); the suite adds hostile input, concurrency and lifecycle checks that
 * hold for every authenticator.
 */
public abstract class AuthenticatorContract {
  /** Credentials the authenticator must accept, and the caller's kind and acting user. */
  public record Accepted(Credentials credentials, Caller.Kind kind, String userId) {}

  protected Authenticator auth;

  /** A fresh authenticator. */
  protected abstract Authenticator newAuthenticator() throws Exception;

  /** At least one set of credentials it accepts. */
  protected abstract List<Accepted> accepted();

  /** Credentials it must refuse as unauthenticated: missing, malformed, expired, unknown (401). */
  protected abstract List<Credentials> unauthenticated();

  /** Valid credentials that may not act as they ask (a user_id naming someone else, ...) (403). */
  protected abstract List<Credentials> forbidden();

  private List<Credentials> refused() {
    List<Credentials> all = new ArrayList<>(unauthenticated());
    all.addAll(forbidden());
    return all;
  }

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
      assertThat(r.isAuthenticated()).as("%s: %s", a.credentials(), r).isTrue();
      assertThat(r.status()).isEqualTo(AuthResult.Status.AUTHENTICATED);
      assertThat(r.caller().kind()).as("%s", a.credentials()).isEqualTo(a.kind());
      assertThat(r.caller().userId()).as("%s", a.credentials()).isEqualTo(a.userId());
      assertThat(r.caller().roles()).isNotNull();
      assertThat(r.reason()).isNull();
    }
  }

  @Test
  void refusesAsUnauthenticatedOrForbiddenWithAReasonThatNeverEchoesTheCredential() {
    for (Credentials c : unauthenticated()) {
      assertRefused(c, AuthResult.Status.UNAUTHENTICATED);
    }
    for (Credentials c : forbidden()) {
      assertRefused(c, AuthResult.Status.FORBIDDEN);
    }
  }

  private void assertRefused(Credentials c, AuthResult.Status expected) {
    AuthResult r = auth.authenticate(c);
    assertThat(r).as("%s", c).isNotNull();
    assertThat(r.status()).as("%s: %s", c, r).isEqualTo(expected);
    assertThat(r.isAuthenticated()).as("%s", c).isFalse();
    assertThat(r.reason()).as("%s", c).isNotBlank();
    if (c.bearerToken() != null && c.bearerToken().length() >= 8) {
      assertThat(r.reason()).as("reason of %s", c).doesNotContain(c.bearerToken());
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
      if (out[0].isAuthenticated()) {
        assertThat(out[0].caller().subject()).isNotBlank();
      } else {
        assertThat(out[0].reason()).isNotBlank().hasSizeLessThan(1000);
      }
    }
  }

  @Test
  void aCallerActsForTheUserItNamesOrIsRefusedNeverForSomeoneElse() {
    for (Credentials a : accepted().stream().map(Accepted::credentials).toList()) {
      for (String claimed : new String[] {"0", "alice", "github|149702207", "someone-else"}) {
        Credentials c = new Credentials(a.bearerToken(), claimed, a.remoteAddress());
        AuthResult r = auth.authenticate(c);
        if (r.isAuthenticated()) {
          assertThat(r.caller().userId()).as("claimed %s", claimed).isEqualTo(claimed);
        }
      }
    }
  }

  @Test
  void concurrentCallsGetTheSameAnswers() throws Exception {
    List<Credentials> all = new ArrayList<>();
    accepted().forEach(a -> all.add(a.credentials()));
    all.addAll(refused());
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
