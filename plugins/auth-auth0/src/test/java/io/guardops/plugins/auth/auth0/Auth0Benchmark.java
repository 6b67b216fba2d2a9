package io.guardops.plugins.auth.auth0;

import io.guardops.api.auth.AuthResult;
import io.guardops.api.auth.Authenticator;
import io.guardops.api.auth.Credentials;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How many requests a second the authenticator answers, per path, against a local issuer. Not a
 * test: run it by hand (see the README for the command). Arguments: seconds per measurement
 * (default 3).
 */
public final class Auth0Benchmark {
  private Auth0Benchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    Clock clock = Clock.systemUTC();
    try (FakeIssuer issuer = new FakeIssuer(clock)) {
      Map<String, String> settings = Fixtures.auth0(issuer);
      issuer.addUser("github|1", "Projects", "Monitoring");
      try (Authenticator auth = Fixtures.authenticator(settings, clock, new MapTokenCache(clock))) {
        String user = issuer.userToken("github|1", "Projects", "Monitoring");
        String machine = issuer.machineToken(Fixtures.WEB_APP_CLIENT);
        String forged = issuer.userToken("github|1").replaceAll(".{10}$", "AAAAAAAAAA");
        measure("user token (RS256 verify, roles claim)", auth, new Credentials(user, null, null), seconds, true);
        measure("machine token for a user (roles cached)", auth, new Credentials(machine, "github|1", null), seconds,
            true);
        measure("bad signature (refused)", auth, new Credentials(forged, null, null), seconds, false);
        measure("garbage (refused before any crypto)", auth, new Credentials("x.y.z", null, null), seconds, false);
      }
    }
  }

  private static void measure(String name, Authenticator auth, Credentials c, int seconds, boolean accepted)
      throws Exception {
    AuthResult first = auth.authenticate(c);
    if (first.isAuthenticated() != accepted) {
      throw new IllegalStateException(name + ": " + first);
    }
    for (int threads : new int[] {1, 2}) {
      run(auth, c, threads, 1); // warm-up
      long ops = run(auth, c, threads, seconds);
      System.out.printf("%-45s %d thread(s): %,10d requests/s%n", name, threads, ops / seconds);
    }
  }

  private static long run(Authenticator auth, Credentials c, int threads, int seconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Future<Long>> runs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      runs.add(pool.submit(() -> {
        long n = 0;
        while (System.nanoTime() < end) {
          auth.authenticate(c);
          n++;
        }
        return n;
      }));
    }
    long total = 0;
    for (Future<Long> f : runs) {
      total += f.get();
    }
    pool.shutdown();
    return total;
  }
}
