package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.engine.ApiKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant isolation and project sharing, with two users in unprotected mode over HTTP: an outsider
 * cannot read, change, share or send to another user's project (404, nothing changes); a member who
 * redeemed a share code reads and sends with their own key but cannot change, delete or re-share
 * (403); used, expired and revoked codes are refused; the owner ends access.
 */
class SharingIT {
  @TempDir
  Path dir;

  /** A clock the test moves, so codes can expire without sleeping. */
  static final class TestClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Sends one span with the Java SDK's OTLP exporter to {@code project}; true when the export succeeded. */
  private static boolean otlp(TestHost host, String key, String project) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + host.server.port() + "/v1/traces")
        .addHeader("Authorization", "Bearer " + key).addHeader("x-guardops-project", project).build();
    SdkTracerProvider provider = SdkTracerProvider.builder()
        .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "sharing-it")))
        .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    provider.get("it").spanBuilder("chat").setAttribute("gen_ai.request.model", "gpt-4o").startSpan().end();
    CompletableResultCode flushed = provider.forceFlush().join(10, TimeUnit.SECONDS);
    provider.shutdown().join(10, TimeUnit.SECONDS);
    return flushed.isSuccess();
  }

  /** The GuardOps library's store_trace with {@code key}'s hash. */
  private static TestHost.Reply library(TestHost host, String user, String key, String project, String traceId)
      throws Exception {
    String body = "{\"span\": {\"name\": \"openai.chat\", \"context\": {\"trace_id\": \"0x" + traceId
        + "\", \"span_id\": \"0xeee19b7ec3c1b174\", \"trace_state\": \"[]\"}, \"kind\": \"SpanKind.CLIENT\","
        + " \"parent_id\": null, \"start_time\": \"2026-11-27T14:25:32.873460Z\","
        + " \"end_time\": \"2026-11-27T14:25:33.780150Z\", \"status\": {\"status_code\": \"OK\"},"
        + " \"attributes\": {\"prompt\": \"hi\", \"output\": \"hello\", \"model\": \"gpt-4o\"}, \"events\": [],"
        + " \"links\": [], \"resource\": {\"attributes\": {\"service_name\": \"llm-tracing\"}, \"schema_url\": \"\"}}}";
    return host.send("POST", "/api/store_trace/?user_id=" + user + "&project_id=" + project + "&key_hash="
        + ApiKeys.sha256Hex(key), "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  private static int traces(TestHost host, String user, String project) throws Exception {
    TestHost.Reply r = host.send("GET", "/api/get_project_traces?user_id=" + user + "&project_id=" + project
        + "&limit=100");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("traces").size();
  }

  @Test
  void outsidersSeeNothingMembersReadAndSendOwnersDecide() throws Exception {
    TestHost.pluginsDir(dir);
    TestClock clock = new TestClock();
    try (TestHost host = new TestHost(dir, Map.of("guardops.auth", "unprotected"), b -> b.clock(clock))) {
      for (String u : new String[] {"alice", "bob", "carol"}) {
        assertThat(host.send("POST", "/api/create_user?user_id=" + u).status()).isEqualTo(200);
      }
      String p = host.send("POST", "/api/create_project?user_id=alice&project_name=" + enc("Support bot")).json()
          .get("project_id").asText();
      String aliceKey = host.send("POST", "/api/create_key?user_id=alice").json().asText();
      String bobKey = host.send("POST", "/api/create_key?user_id=bob").json().asText();
      assertThat(otlp(host, aliceKey, p)).isTrue();
      String before = host.send("GET", "/api/get_project_traces?user_id=alice&project_id=" + p).body();
      String aliceProjects = host.send("GET", "/api/get_projects?user_id=alice").body();

      // bob, an outsider: every way in is a 404 that changes nothing
      String b = "user_id=bob&project_id=" + p;
      String[][] refused = {
          {"GET", "/api/get_project_traces?" + b},
          {"GET", "/api/search_traces?" + b},
          {"GET", "/api/get_trace?" + b + "&trace_id=0x" + "1".repeat(32)},
          {"GET", "/api/get_metrics?" + b},
          {"GET", "/api/get_data_for_traces_viz?" + b},
          {"GET", "/api/get_thresholds_for_viz?" + b},
          {"GET", "/api/get_cleanup_records?" + b},
          {"PATCH", "/api/update_project?" + b + "&project_name=mine"},
          {"DELETE", "/api/delete_project?" + b + "&cascade=true"},
          {"GET", "/api/share_project?" + b},
          {"GET", "/api/get_project_members?" + b},
          {"DELETE", "/api/leave_project?" + b},
      };
      for (String[] c : refused) {
        TestHost.Reply r = host.send(c[0], c[1]);
        assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(404);
        assertThat(r.json().get("detail").asText()).contains("not found");
      }
      assertThat(otlp(host, bobKey, p)).as("bob's key may not send to alice's project").isFalse();
      TestHost.Reply viaLibrary = library(host, "bob", bobKey, p, "a".repeat(32));
      assertThat(viaLibrary.status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_projects?user_id=bob").body()).doesNotContain(p);
      assertThat(host.send("GET", "/api/get_project_traces?user_id=alice&project_id=" + p).body()).isEqualTo(before);
      assertThat(host.send("GET", "/api/get_projects?user_id=alice").body()).isEqualTo(aliceProjects);

      // alice shares; bob imports
      TestHost.Reply share = host.send("GET", "/api/share_project?user_id=alice&project_id=" + p);
      assertThat(share.status()).isEqualTo(200);
      String code = share.json().get("share_code").asText();
      assertThat(code).startsWith("gsp-").hasSizeGreaterThan(40);
      assertThat(share.json().get("expires_at").asText()).isNotBlank();
      TestHost.Reply members = host.send("GET", "/api/get_project_members?user_id=alice&project_id=" + p);
      assertThat(members.body()).doesNotContain(code);
      assertThat(members.json().at("/share_codes/0/status").asText()).isEqualTo("open");
      TestHost.Reply imported = host.send("POST", "/api/import_project?user_id=bob&share_code=" + enc(code));
      assertThat(imported.status()).as(imported.body()).isEqualTo(200);
      JsonNode bobs = host.send("GET", "/api/get_projects?user_id=bob").json().get("projects");
      JsonNode shared = null;
      for (JsonNode n : bobs) {
        if (n.get("project_id").asText().equals(p)) {
          shared = n;
        }
      }
      assertThat(shared).as("the shared project is in bob's list").isNotNull();
      assertThat(shared.get("role").asText()).isEqualTo("member");
      assertThat(shared.get("owner").asText()).isEqualTo("alice");
      assertThat(shared.at("/stats/trace_count").asLong()).isEqualTo(1);

      // a member reads and sends with their own key
      assertThat(traces(host, "bob", p)).isEqualTo(1);
      assertThat(otlp(host, bobKey, p)).isTrue();
      assertThat(library(host, "bob", bobKey, p, "b".repeat(32)).status()).isEqualTo(200);
      assertThat(traces(host, "alice", p)).isEqualTo(3);
      assertThat(host.send("GET", "/api/search_traces?" + b).json().get("traces")).hasSize(3);
      // ... but does not change, delete or re-share it
      for (String[] c : new String[][] {
          {"PATCH", "/api/update_project?" + b + "&project_name=mine"},
          {"DELETE", "/api/delete_project?" + b + "&cascade=true"},
          {"GET", "/api/share_project?" + b},
          {"GET", "/api/get_project_members?" + b},
          {"DELETE", "/api/remove_project_member?" + b + "&member_id=alice"}}) {
        TestHost.Reply r = host.send(c[0], c[1]);
        assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(403);
        assertThat(r.json().get("detail").asText()).contains("owner");
      }
      // bob's keys are his own: alice does not see them, and cannot revoke them
      assertThat(host.send("GET", "/api/get_keys?user_id=alice").json().get("keys")).hasSize(1);
      String bobHash = host.send("GET", "/api/get_keys?user_id=bob").json().at("/keys/0/hash").asText();
      assertThat(host.send("DELETE", "/api/delete_key?user_id=alice&key_hash=" + bobHash).status()).isEqualTo(404);

      // the used code is refused for anyone else; importing it again as bob is harmless
      TestHost.Reply used = host.send("POST", "/api/import_project?user_id=carol&share_code=" + enc(code));
      assertThat(used.status()).isEqualTo(410);
      assertThat(used.json().get("detail").asText()).contains("already used");
      assertThat(host.send("POST", "/api/import_project?user_id=bob&share_code=" + enc(code)).status())
          .isEqualTo(200);
      // a revoked code and an expired code
      JsonNode revoked = host.send("GET", "/api/share_project?user_id=alice&project_id=" + p).json();
      String revokedCode = revoked.get("share_code").asText();
      String revokedId = revoked.get("code_id").asText();
      assertThat(host.send("DELETE", "/api/revoke_share_code?user_id=alice&project_id=" + p + "&code_id=" + revokedId)
          .status()).isEqualTo(200);
      TestHost.Reply r1 = host.send("POST", "/api/import_project?user_id=carol&share_code=" + enc(revokedCode));
      assertThat(r1.status()).isEqualTo(410);
      assertThat(r1.json().get("detail").asText()).contains("revoked");
      String expiring = host.send("GET", "/api/share_project?user_id=alice&project_id=" + p).json()
          .get("share_code").asText();
      clock.advance(Duration.ofDays(8));
      TestHost.Reply r2 = host.send("POST", "/api/import_project?user_id=carol&share_code=" + enc(expiring));
      assertThat(r2.status()).isEqualTo(410);
      assertThat(r2.json().get("detail").asText()).contains("expired");
      TestHost.Reply r3 = host.send("POST", "/api/import_project?user_id=carol&share_code=gsp-nonsense");
      assertThat(r3.status()).isEqualTo(404);
      TestHost.Reply r4 = host.send("POST", "/api/import_project?user_id=carol&share_code=hello");
      assertThat(r4.status()).isEqualTo(400);
      assertThat(host.send("GET", "/api/get_projects?user_id=carol").body()).doesNotContain(p);
      JsonNode codes = host.send("GET", "/api/get_project_members?user_id=alice&project_id=" + p).json()
          .get("share_codes");
      assertThat(codes).extracting(n -> n.get("status").asText())
          .containsExactlyInAnyOrder("used", "revoked", "expired");

      // the owner ends bob's access: reads and sends stop at once
      assertThat(host.send("GET", "/api/get_project_members?user_id=alice&project_id=" + p).json()
          .at("/members/0/user_id").asText()).isEqualTo("bob");
      assertThat(host.send("DELETE", "/api/remove_project_member?user_id=alice&project_id=" + p + "&member_id=bob")
          .status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_project_traces?" + b).status()).isEqualTo(404);
      assertThat(otlp(host, bobKey, p)).isFalse();
      assertThat(library(host, "bob", bobKey, p, "c".repeat(32)).status()).isEqualTo(404);
      assertThat(traces(host, "alice", p)).isEqualTo(3);
      assertThat(host.send("GET", "/api/get_projects?user_id=bob").body()).doesNotContain(p);
    }
  }

  @Test
  void aMemberCanLeaveAndDeletingAProjectEndsEveryMembership() throws Exception {
    TestHost.pluginsDir(dir);
    try (TestHost host = new TestHost(dir, Map.of("guardops.auth", "unprotected"))) {
      host.send("POST", "/api/create_user?user_id=alice");
      host.send("POST", "/api/create_user?user_id=bob");
      String p = host.send("POST", "/api/create_project?user_id=alice&project_name=x").json().get("project_id").asText();
      String code = host.send("GET", "/api/share_project?user_id=alice&project_id=" + p).json().get("share_code")
          .asText();
      assertThat(host.send("POST", "/api/import_project?user_id=alice&share_code=" + enc(code)).status())
          .as("owners need no code").isEqualTo(400);
      host.send("POST", "/api/import_project?user_id=bob&share_code=" + enc(code));
      assertThat(host.send("DELETE", "/api/leave_project?user_id=alice&project_id=" + p).status()).isEqualTo(400);
      assertThat(host.send("DELETE", "/api/leave_project?user_id=bob&project_id=" + p).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_projects?user_id=bob").body()).doesNotContain(p);
      String again = host.send("GET", "/api/share_project?user_id=alice&project_id=" + p).json().get("share_code")
          .asText();
      host.send("POST", "/api/import_project?user_id=bob&share_code=" + enc(again));
      assertThat(host.send("GET", "/api/get_projects?user_id=bob").body()).contains(p);
      assertThat(host.send("DELETE", "/api/delete_project?user_id=alice&project_id=" + p + "&cascade=true").status())
          .isEqualTo(200);
      assertThat(host.send("GET", "/api/get_projects?user_id=bob").body()).doesNotContain(p);
      assertThat(host.send("GET", "/api/get_project_traces?user_id=bob&project_id=" + p).status()).isEqualTo(404);
    }
  }
}
