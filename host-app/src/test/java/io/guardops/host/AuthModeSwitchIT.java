package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.engine.Users;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory created in single-user mode (everything belongs to user "0") refuses to serve in
 * auth0 mode, where users are the identity provider's: {@code guardops serve} exits with 2 and names
 * {@code guardops.auth.allow-mode-change}, changing nothing. With the flag it starts, and the data is
 * auth0 mode's from then on.
 */
class AuthModeSwitchIT {
  static OidcIssuer issuer;

  @TempDir
  Path dir;

  @BeforeAll
  static void startIssuer() throws Exception {
    issuer = new OidcIssuer();
  }

  @AfterAll
  static void stopIssuer() {
    issuer.close();
  }

  @Test
  void singleUserDataRefusesAuth0ModeUnlessTheSwitchIsAllowed() throws Exception {
    TestHost.pluginsDir(dir);
    String project;
    String shareCode;
    try (TestHost single = new TestHost(dir, Map.of())) {
      project = single.send("POST", "/api/create_project?user_id=0&project_name=local").json().get("project_id")
          .asText();
      // the hand-over the README describes: a share code made before the switch
      shareCode = single.send("GET", "/api/share_project?user_id=0&project_id=" + project).json().get("share_code")
          .asText();
    }
    Map<String, String> auth0 = new HashMap<>();
    auth0.put("guardops.auth", "auth0");
    auth0.put("guardops.auth.auth0.issuer", issuer.issuer());
    auth0.put("guardops.auth.auth0.audience", OidcIssuer.AUDIENCE);

    List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--data-dir",
        dir.resolve("data").toString(), "--plugins-dir", dir.resolve("plugins").toString(), "--set",
        "guardops.receivers.grpc.port=0"));
    auth0.forEach((k, v) -> args.addAll(List.of("--set", k + "=" + v)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot start")
        .contains("created in 'single-user' mode").contains("guardops.auth.allow-mode-change=true");
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("serving on");

    // nothing changed: the data still opens in single-user mode, with its project
    try (TestHost single = new TestHost(dir, Map.of())) {
      assertThat(single.send("GET", "/api/get_projects?user_id=0").json().get("projects")).hasSize(2);
    }

    // with the flag, guardops serve (a process of its own) starts in auth0 mode and serves token users
    String user = "auth0|switched";
    issuer.addUser(user);
    auth0.put("guardops.auth.allow-mode-change", "true");
    try (HostProcess switched = HostProcess.start(dir, auth0)) {
      String token = issuer.userToken(user, "Projects");
      TestHost.Reply r = switched.call("GET", "/api/get_projects", token);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(r.json().at("/projects/0/project_id").asText()).isEqualTo(Users.defaultProjectId(user));
      TestHost.Reply imported = switched.call("POST", "/api/import_project?share_code=" + AuthCalls.enc(shareCode), token);
      assertThat(imported.status()).as(imported.body()).isEqualTo(200);
      JsonNode projects = switched.call("GET", "/api/get_projects", token).json().get("projects");
      assertThat(projects).extracting(p -> p.get("project_id").asText()).contains(project);
    }
    // from now on the data is auth0 mode's: single-user mode is the one refused
    assertThatThrownBy(() -> new TestHost(dir, Map.of())).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("created in 'auth0' mode").hasMessageContaining("guardops.auth.allow-mode-change");
  }
}
