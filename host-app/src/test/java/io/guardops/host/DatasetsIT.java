package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.engine.ApiKeys;
import io.guardops.engine.Retention;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets over HTTP with several users (unprotected mode): the wire contract's routes and the item
 * routes, ownership and sharing, traces as snapshots that survive retention, streamed imports that
 * publish all or nothing, exports.
 */
class DatasetsIT {
  @TempDir
  Path dir;

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static TestHost host(Path dir, SharingIT.TestClock clock, Map<String, String> settings) throws Exception {
    TestHost.pluginsDir(dir);
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("guardops.auth", "unprotected"));
    all.putAll(settings);
    TestHost host = new TestHost(dir, all, b -> b.clock(clock));
    for (String u : new String[] {"alice", "bob", "carol"}) {
      assertThat(host.send("POST", "/api/create_user?user_id=" + u).status()).isEqualTo(200);
    }
    return host;
  }

  static String dataset(TestHost host, String user, String name) throws Exception {
    TestHost.Reply r = host.send("POST", "/api/create_dataset?user_id=" + user + "&dataset_name=" + enc(name)
        + "&dataset_description=" + enc("about " + name));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("dataset_id").asText();
  }

  static TestHost.Reply addItems(TestHost host, String user, String dataset, List<Map<String, Object>> items)
      throws Exception {
    return host.json("POST", "/api/add_dataset_items?user_id=" + user + "&dataset_id=" + dataset, Map.of("items", items));
  }

  static Map<String, Object> item(String id, String input, String output, String expected) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("id", id);
    m.put("input", input);
    m.put("output", output);
    m.put("expected", expected);
    m.put("context", List.of("doc about " + input));
    m.put("metadata", Map.of("topic", "math", "level", 2));
    return m;
  }

  /** A span sent the way the GuardOps Python library sends it, starting at {@code start}. */
  static TestHost.Reply librarySpan(TestHost host, String user, String key, String project, String traceId,
      Instant start, String prompt, String output) throws Exception {
    String body = "{\"span\": {\"name\": \"openai.chat\", \"context\": {\"trace_id\": \"0x" + traceId
        + "\", \"span_id\": \"0xeee19b7ec3c1b174\", \"trace_state\": \"[]\"}, \"kind\": \"SpanKind.CLIENT\","
        + " \"parent_id\": null, \"start_time\": \"" + start + "\", \"end_time\": \"" + start.plusMillis(900) + "\","
        + " \"status\": {\"status_code\": \"OK\"}, \"attributes\": {\"prompt\": " + TestHost.JSON.writeValueAsString(prompt)
        + ", \"output\": " + TestHost.JSON.writeValueAsString(output) + ", \"model\": \"gpt-4o-mini\","
        + " \"llm_usage_prompt_tokens\": 12, \"llm_usage_completion_tokens\": 3}, \"events\": [], \"links\": [],"
        + " \"resource\": {\"attributes\": {\"service_name\": \"llm-tracing\"}, \"schema_url\": \"\"}}}";
    return host.send("POST", "/api/store_trace/?user_id=" + user + "&project_id=" + project + "&key_hash="
        + ApiKeys.sha256Hex(key), "application/json", body.getBytes(StandardCharsets.UTF_8));
  }

  static List<String> itemIds(TestHost host, String user, String dataset) throws Exception {
    TestHost.Reply r = host.send("GET", "/api/get_dataset_items?user_id=" + user + "&dataset_id=" + dataset
        + "&limit=1000");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> ids = new ArrayList<>();
    r.json().get("items").forEach(n -> ids.add(n.get("item_id").asText()));
    return ids;
  }

  @Test
  void outsidersSeeNothingMembersReadAndOnlyTheOwnerChanges() throws Exception {
    SharingIT.TestClock clock = new SharingIT.TestClock();
    try (TestHost host = host(dir, clock, Map.of())) {
      String d = dataset(host, "alice", "QA set");
      assertThat(addItems(host, "alice", d, List.of(item("q1", "2+2?", "4", "4"), item("q2", "3+3?", "7", "6")))
          .status()).isEqualTo(200);
      JsonNode list = host.send("GET", "/api/get_datasets?user_id=alice").json().get("datasets");
      assertThat(list).singleElement().satisfies(n -> {
        assertThat(n.get("dataset_id").asText()).isEqualTo(d);
        assertThat(n.get("name").asText()).isEqualTo("QA set");
        assertThat(n.get("description").asText()).isEqualTo("about QA set");
        assertThat(n.get("version").asLong()).isEqualTo(1);
        assertThat(n.get("item_count").asLong()).isEqualTo(2);
      });
      JsonNode forEval = host.send("GET", "/api/get_datasets_for_eval?user_id=alice").json();
      assertThat(forEval.at("/datasets/0/shared").asBoolean()).isFalse();
      assertThat(forEval.at("/datasets/0").size()).isEqualTo(4);
      String before = host.send("GET", "/api/get_dataset_items?user_id=alice&dataset_id=" + d).body();

      // bob, an outsider: every way in is a 404 that changes nothing
      String b = "user_id=bob&dataset_id=" + d;
      String[][] refused = {
          {"GET", "/api/get_dataset_items?" + b},
          {"GET", "/api/get_dataset_for_eval?" + b},
          {"GET", "/api/get_dataset_traces?" + b},
          {"GET", "/api/get_dataset_versions?" + b},
          {"GET", "/api/export_dataset?" + b},
          {"PATCH", "/api/update_dataset?" + b + "&dataset_name=mine"},
          {"PATCH", "/api/add_traces_to_dataset?" + b + "&trace_ids=0x" + "1".repeat(32)},
          {"DELETE", "/api/delete_dataset?" + b},
          {"GET", "/api/share_dataset?" + b},
          {"DELETE", "/api/delete_dataset_items?" + b + "&item_ids=q1"},
          {"GET", "/api/get_experiments?" + b},
      };
      for (String[] c : refused) {
        TestHost.Reply r = host.send(c[0], c[1]);
        assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(404);
        assertThat(r.json().get("detail").asText()).contains("not found");
      }
      assertThat(addItems(host, "bob", d, List.of(item("x", "x", "x", "x"))).status()).isEqualTo(404);
      assertThat(host.json("PATCH", "/api/update_dataset_item?" + b + "&item_id=q1", Map.of("output", "8")).status())
          .isEqualTo(404);
      assertThat(host.send("POST", "/api/import_dataset_file?" + b + "&format=jsonl", "application/jsonl",
          "{\"input\": \"x\"}\n".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/get_datasets?user_id=bob").json().get("datasets")).isEmpty();
      assertThat(host.send("GET", "/api/get_dataset_items?user_id=alice&dataset_id=" + d).body()).isEqualTo(before);

      // alice shares; bob imports and reads
      TestHost.Reply share = host.send("GET", "/api/share_dataset?user_id=alice&dataset_id=" + d);
      assertThat(share.status()).isEqualTo(200);
      String code = share.json().get("share_code").asText();
      assertThat(code).startsWith("gsd-").hasSizeGreaterThan(40);
      TestHost.Reply imported = host.send("POST", "/api/import_dataset?user_id=bob&share_code=" + enc(code));
      assertThat(imported.status()).as(imported.body()).isEqualTo(200);
      assertThat(imported.json().at("/dataset/role").asText()).isEqualTo("member");
      JsonNode bobs = host.send("GET", "/api/get_datasets_for_eval?user_id=bob").json().get("datasets");
      assertThat(bobs).singleElement().satisfies(n -> assertThat(n.get("shared").asBoolean()).isTrue());
      assertThat(host.send("GET", "/api/get_dataset_items?" + b).body()).isEqualTo(before);
      JsonNode data = host.send("GET", "/api/get_dataset_for_eval?" + b).json().get("data");
      assertThat(data).hasSize(2);
      assertThat(data.get(0).get("prompt").asText()).isEqualTo("2+2?");
      assertThat(data.get(0).get("response").asText()).isEqualTo("4");
      assertThat(host.send("GET", "/api/export_dataset?" + b).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_dataset_versions?" + b).json().get("versions")).hasSize(1);
      // ... but cannot change, delete or re-share it
      String[][] forbidden = {
          {"PATCH", "/api/update_dataset?" + b + "&dataset_name=mine"},
          {"PATCH", "/api/add_traces_to_dataset?" + b + "&trace_ids=0x" + "1".repeat(32)},
          {"DELETE", "/api/delete_dataset?" + b},
          {"GET", "/api/share_dataset?" + b},
          {"DELETE", "/api/delete_dataset_items?" + b + "&item_ids=q1"},
      };
      for (String[] c : forbidden) {
        TestHost.Reply r = host.send(c[0], c[1]);
        assertThat(r.status()).as("%s %s -> %s", c[0], c[1], r.body()).isEqualTo(403);
        assertThat(r.json().get("detail").asText()).contains("only its owner");
      }
      assertThat(addItems(host, "bob", d, List.of(item("x", "x", "x", "x"))).status()).isEqualTo(403);
      assertThat(host.json("PATCH", "/api/update_dataset_item?" + b + "&item_id=q1", Map.of("output", "8")).status())
          .isEqualTo(403);
      assertThat(host.send("POST", "/api/import_dataset_file?" + b + "&format=jsonl", "application/jsonl",
          "{\"input\": \"x\"}\n".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(403);
      assertThat(host.send("GET", "/api/get_dataset_items?user_id=alice&dataset_id=" + d).body()).isEqualTo(before);

      // codes: used, of another kind, unknown, malformed, expired
      TestHost.Reply used = host.send("POST", "/api/import_dataset?user_id=carol&share_code=" + enc(code));
      assertThat(used.status()).isEqualTo(410);
      assertThat(used.json().get("detail").asText()).contains("already used");
      String projectCode = host.send("GET", "/api/share_project?user_id=alice&project_id="
          + host.send("GET", "/api/get_projects?user_id=alice").json().at("/projects/0/project_id").asText()).json()
          .get("share_code").asText();
      TestHost.Reply wrongKind = host.send("POST", "/api/import_dataset?user_id=carol&share_code=" + enc(projectCode));
      assertThat(wrongKind.status()).isEqualTo(400);
      assertThat(wrongKind.json().get("detail").asText()).contains("import_project");
      assertThat(host.send("POST", "/api/import_dataset?user_id=carol&share_code=gsd-nonsense").status()).isEqualTo(404);
      assertThat(host.send("POST", "/api/import_dataset?user_id=carol&share_code=hello").status()).isEqualTo(400);
      String expiring = host.send("GET", "/api/share_dataset?user_id=alice&dataset_id=" + d).json()
          .get("share_code").asText();
      clock.advance(Duration.ofDays(8));
      TestHost.Reply expired = host.send("POST", "/api/import_dataset?user_id=carol&share_code=" + enc(expiring));
      assertThat(expired.status()).isEqualTo(410);
      assertThat(expired.json().get("detail").asText()).contains("expired");
      assertThat(host.send("GET", "/api/get_datasets?user_id=carol").json().get("datasets")).isEmpty();

      // the owner renames, then deletes: the member loses it too
      TestHost.Reply renamed = host.send("PATCH", "/api/update_dataset?user_id=alice&dataset_id=" + d
          + "&dataset_name=" + enc("QA v2") + "&dataset_description=new");
      assertThat(renamed.json().get("name").asText()).isEqualTo("QA v2");
      assertThat(renamed.json().get("version").asLong()).as("renaming is not an item change").isEqualTo(1);
      assertThat(host.send("DELETE", "/api/delete_dataset?user_id=alice&dataset_id=" + d).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_datasets?user_id=bob").json().get("datasets")).isEmpty();
      assertThat(host.send("GET", "/api/get_dataset_items?" + b).status()).isEqualTo(404);
      assertThat(host.send("DELETE", "/api/delete_dataset?user_id=alice&dataset_id=" + d).status()).isEqualTo(404);
    }
  }

  @Test
  void tracesBecomeSnapshotsThatOutliveARetentionSweep() throws Exception {
    SharingIT.TestClock clock = new SharingIT.TestClock();
    try (TestHost host = host(dir, clock, Map.of())) {
      String p = host.send("POST", "/api/create_project?user_id=alice&project_name=bot&project_retention=1").json()
          .get("project_id").asText();
      String key = host.send("POST", "/api/create_key?user_id=alice").json().asText();
      String t1 = "5b8efff798038103d269b633813fc60c";
      String t2 = "6b8efff798038103d269b633813fc60d";
      assertThat(librarySpan(host, "alice", key, p, t1, clock.instant(), "What is 2+2?", "4").status()).isEqualTo(200);
      assertThat(librarySpan(host, "alice", key, p, t2, clock.instant(), "Capital of France?", "Paris").status())
          .isEqualTo(200);
      host.json("POST", "/api/create_trace_score?user_id=alice&project_id=" + p,
          Map.of("trace_id", "0x" + t1, "name", "helpful", "value", true, "comment", "good"));
      String d = dataset(host, "alice", "from traces");
      String q = "user_id=alice&dataset_id=" + d;

      // unknown ids: 404 naming them, nothing added
      TestHost.Reply unknown = host.send("PATCH", "/api/add_traces_to_dataset?" + q + "&trace_ids=0x" + t1
          + "&trace_ids=0x" + "a".repeat(32));
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().get("detail").asText()).contains("0x" + "a".repeat(32)).doesNotContain(t1)
          .contains("nothing was added");
      assertThat(host.send("PATCH", "/api/add_traces_to_dataset?" + q + "&trace_ids=nothex").status()).isEqualTo(400);
      assertThat(itemIds(host, "alice", d)).isEmpty();
      // bob cannot take alice's traces into his own dataset
      String bobs = dataset(host, "bob", "bob's");
      TestHost.Reply stolen = host.send("PATCH", "/api/add_traces_to_dataset?user_id=bob&dataset_id=" + bobs
          + "&trace_ids=0x" + t1);
      assertThat(stolen.status()).isEqualTo(404);
      assertThat(host.send("PATCH", "/api/add_traces_to_dataset?user_id=bob&dataset_id=" + bobs + "&trace_ids=0x" + t1
          + "&project_id=" + p).status()).isEqualTo(404);

      // found among alice's projects, or in the project named
      assertThat(host.send("PATCH", "/api/add_traces_to_dataset?" + q + "&trace_ids=0x" + t1).status()).isEqualTo(200);
      TestHost.Reply second = host.send("PATCH", "/api/add_traces_to_dataset?" + q + "&trace_ids=0x" + t2
          + "&trace_ids=0x" + t1 + "&project_id=" + p);
      assertThat(second.status()).as(second.body()).isEqualTo(200);
      assertThat(second.json().get("version").asLong()).isEqualTo(2);
      assertThat(second.json().get("item_count").asLong()).as("adding a trace again refreshes its item").isEqualTo(2);

      String snapshotBefore = host.send("GET", "/api/get_dataset_items?" + q).body();
      JsonNode items = TestHost.JSON.readTree(snapshotBefore).get("items");
      assertThat(items.get(0).get("input").asText()).isEqualTo("What is 2+2?");
      assertThat(items.get(0).get("output").asText()).isEqualTo("4");
      assertThat(items.get(0).get("source_trace_id").asText()).isEqualTo("0x" + t1);
      assertThat(items.get(0).at("/metadata/model").asText()).isEqualTo("gpt-4o-mini");
      JsonNode traces = host.send("GET", "/api/get_dataset_traces?" + q + "&page=1&limit=1").json();
      assertThat(traces.get("traces")).hasSize(1);
      JsonNode span = traces.at("/traces/0/0");
      assertThat(span.get("parent_id").isNull()).isTrue();
      assertThat(span.at("/context/trace_id").asText()).isEqualTo("0x" + t1);
      assertThat(span.at("/attributes/prompt").asText()).isEqualTo("What is 2+2?");
      assertThat(span.at("/attributes/output").asText()).isEqualTo("4");
      assertThat(span.at("/attributes/model").asText()).isEqualTo("gpt-4o-mini");
      assertThat(span.at("/attributes/prompt_tokens").asLong()).isEqualTo(12);
      assertThat(host.send("GET", "/api/get_dataset_traces?" + q + "&page=2&limit=1").json()
          .at("/traces/0/0/attributes/output").asText()).isEqualTo("Paris");
      assertThat(host.send("GET", "/api/get_dataset_traces?" + q + "&page=3&limit=1").json().get("traces")).isEmpty();

      // the retention sweep (1 day) purges the traces and their scores; the items stay as they were
      clock.advance(Duration.ofDays(2));
      Retention.SweepReport sweep = host.engine.retention().sweep(Retention.Progress.none());
      assertThat(sweep.deletedTraces()).isEqualTo(2);
      assertThat(host.send("GET", "/api/get_trace?user_id=alice&project_id=" + p + "&trace_id=0x" + t1).status())
          .isEqualTo(404);
      assertThat(host.send("GET", "/api/get_trace_scores?user_id=alice&project_id=" + p + "&trace_id=0x" + t1).json()
          .get("scores")).as("scores leave with their trace").isEmpty();
      assertThat(host.send("GET", "/api/get_dataset_items?" + q).body()).isEqualTo(snapshotBefore);
      assertThat(host.send("GET", "/api/get_dataset_traces?" + q).json().at("/traces/1/0/attributes/output").asText())
          .isEqualTo("Paris");
      assertThat(host.send("GET", "/api/get_dataset_for_eval?" + q).json().at("/data/0/prompt").asText())
          .isEqualTo("What is 2+2?");
      // deleting the dataset leaves the project alone
      assertThat(host.send("DELETE", "/api/delete_dataset?" + q).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_projects?user_id=alice").body()).contains(p);
    }
  }

  @Test
  void itemsArePagedAndEveryChangeIsAVersion() throws Exception {
    try (TestHost host = host(dir, new SharingIT.TestClock(), Map.of())) {
      String d = dataset(host, "alice", "paged");
      String q = "user_id=alice&dataset_id=" + d;
      List<Map<String, Object>> many = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        many.add(item(String.format("i%02d", i), "in " + i, "out " + i, "exp " + i));
      }
      assertThat(addItems(host, "alice", d, many).json().at("/dataset/item_count").asLong()).isEqualTo(25);
      List<String> seen = new ArrayList<>();
      String cursor = null;
      do {
        JsonNode page = host.send("GET", "/api/get_dataset_items?" + q + "&limit=10"
            + (cursor == null ? "" : "&cursor=" + cursor)).json();
        page.get("items").forEach(n -> seen.add(n.get("item_id").asText()));
        cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      } while (cursor != null);
      assertThat(seen).hasSize(25).isSorted().doesNotHaveDuplicates();
      assertThat(host.send("GET", "/api/get_dataset_items?" + q + "&cursor=bogus").status()).isEqualTo(400);
      JsonNode first = host.send("GET", "/api/get_dataset_items?" + q + "&limit=1").json().at("/items/0");
      assertThat(first.get("context").get(0).asText()).isEqualTo("doc about in 0");
      assertThat(first.at("/metadata/level").asLong()).isEqualTo(2);
      assertThat(first.get("expected").asText()).isEqualTo("exp 0");

      TestHost.Reply updated = host.json("PATCH", "/api/update_dataset_item?" + q + "&item_id=i00",
          Map.of("output", "changed"));
      assertThat(updated.status()).as(updated.body()).isEqualTo(200);
      assertThat(updated.json().get("version").asLong()).isEqualTo(2);
      assertThat(host.json("PATCH", "/api/update_dataset_item?" + q + "&item_id=nope", Map.of("output", "x"))
          .status()).isEqualTo(404);
      TestHost.Reply missing = host.send("DELETE", "/api/delete_dataset_items?" + q + "&item_ids=i01&item_ids=zz");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.json().get("detail").asText()).contains("zz").contains("nothing was removed");
      assertThat(host.send("DELETE", "/api/delete_dataset_items?" + q + "&item_ids=i01,i02").json()
          .get("item_count").asLong()).isEqualTo(23);
      JsonNode versions = host.send("GET", "/api/get_dataset_versions?" + q).json().get("versions");
      assertThat(versions).extracting(v -> v.get("version").asLong()).containsExactly(1L, 2L, 3L);
      assertThat(versions).extracting(v -> v.get("item_count").asLong()).containsExactly(25L, 25L, 23L);
      assertThat(versions.get(2).get("note").asText()).isEqualTo("removed 2 items");
      // old versions stay readable
      assertThat(host.send("GET", "/api/get_dataset_items?" + q + "&version=1&limit=1").json()
          .at("/items/0/output").asText()).isEqualTo("out 0");
      assertThat(host.send("GET", "/api/get_dataset_items?" + q + "&limit=1").json().at("/items/0/output").asText())
          .isEqualTo("changed");
      assertThat(host.send("GET", "/api/get_dataset_items?" + q + "&version=9").status()).isEqualTo(404);
      // bad items: 400 naming the item, nothing added
      TestHost.Reply bad = host.json("POST", "/api/add_dataset_items?" + q, Map.of("items",
          List.of(Map.of("input", "fine"), Map.of("input", "x".repeat(10), "id", "y".repeat(300)))));
      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.json().get("detail").asText()).contains("item 1").contains("itemId");
      assertThat(host.json("POST", "/api/add_dataset_items?" + q, Map.of("rows", List.of())).status()).isEqualTo(400);
      assertThat(itemIds(host, "alice", d)).hasSize(23);

      // another change in progress (an import on another instance holds the lease): 409, nothing changes
      host.engine.store().retention().tryAcquireLease("dataset:" + d, "another-instance", host.engine.clock().instant(),
          Duration.ofMinutes(5));
      TestHost.Reply conflict = addItems(host, "alice", d, List.of(item("new", "n", "n", "n")));
      assertThat(conflict.status()).isEqualTo(409);
      assertThat(conflict.json().get("detail").asText()).contains("in progress");
      host.engine.store().retention().releaseLease("dataset:" + d, "another-instance");
      assertThat(addItems(host, "alice", d, List.of(item("new", "n", "n", "n"))).status()).isEqualTo(200);
    }
  }

  @Test
  void importsStreamAndPublishAllOrNothingWithEveryBadLine() throws Exception {
    try (TestHost host = host(dir, new SharingIT.TestClock(), Map.of("guardops.http.max-body-bytes", "65536",
        "guardops.http.max-import-bytes", "2000000"))) {
      String d = dataset(host, "alice", "imports");
      String q = "user_id=alice&dataset_id=" + d;
      String csv = "id,question,answer,expected,context,metadata\r\n"
          + "c1,\"What is 2+2?\",4,4,\"[\"\"math\"\"]\",\"{\"\"level\"\": 1}\"\r\n"
          + "c2,\"Multi\nline\",yes,yes,,\r\n";
      TestHost.Reply ok = host.send("POST", "/api/import_dataset_file?" + q + "&format=csv&map_input=question"
          + "&map_output=answer", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
      assertThat(ok.status()).as(ok.body()).isEqualTo(200);
      assertThat(ok.json().get("imported").asLong()).isEqualTo(2);
      assertThat(ok.json().at("/dataset/version").asLong()).isEqualTo(1);
      JsonNode c1 = host.send("GET", "/api/get_dataset_items?" + q).json().at("/items/0");
      assertThat(c1.get("input").asText()).isEqualTo("What is 2+2?");
      assertThat(c1.get("context").get(0).asText()).isEqualTo("math");
      assertThat(c1.at("/metadata/level").asLong()).isEqualTo(1);
      String before = host.send("GET", "/api/get_dataset_items?" + q).body();

      // malformed CSV: 400 with each line, nothing imported
      String badCsv = "id,input,output\nb1,fine,ok\nb2,\"too\",many,fields\nb3,ok,ok\nb4,\"never closed,x\n";
      TestHost.Reply badC = host.send("POST", "/api/import_dataset_file?" + q + "&format=csv", "text/csv",
          badCsv.getBytes(StandardCharsets.UTF_8));
      assertThat(badC.status()).isEqualTo(400);
      assertThat(badC.json().get("detail").asText()).contains("nothing was imported");
      assertThat(badC.json().get("errors")).extracting(e -> e.get("line").asLong()).containsExactly(3L, 5L);
      assertThat(badC.json().at("/errors/0/reason").asText()).isNotBlank();
      // malformed JSONL: the same, by line
      String badJsonl = "{\"input\": \"ok\"}\n{\"input\": \"broken\"\n\n{\"input\": 42}\n{\"input\": \"ok too\"}\n";
      TestHost.Reply badJ = host.send("POST", "/api/import_dataset_file?" + q, "application/jsonl",
          badJsonl.getBytes(StandardCharsets.UTF_8));
      assertThat(badJ.status()).isEqualTo(400);
      assertThat(badJ.json().get("errors")).extracting(e -> e.get("line").asLong()).containsExactly(2L, 4L);
      assertThat(host.send("GET", "/api/get_dataset_items?" + q).body()).isEqualTo(before);
      assertThat(host.send("GET", "/api/get_dataset_versions?" + q).json().get("versions")).hasSize(1);
      assertThat(host.send("POST", "/api/import_dataset_file?" + q, "text/plain", "x".getBytes()).status())
          .isEqualTo(400);
      assertThat(host.send("POST", "/api/import_dataset_file?" + q + "&format=xml", "text/xml", "x".getBytes())
          .json().get("detail").asText()).contains("csv, jsonl");

      // a streamed upload larger than the ordinary body limit, sent chunked: replaces every item
      StringBuilder big = new StringBuilder();
      for (int i = 0; i < 3000; i++) {
        big.append("{\"id\": \"s").append(String.format("%05d", i)).append("\", \"input\": \"question number ")
            .append(i).append(" with some padding to make the file larger than the body limit\", \"expected\": \"")
            .append(i).append("\"}\n");
      }
      byte[] bigBytes = big.toString().getBytes(StandardCharsets.UTF_8);
      assertThat(bigBytes.length).isGreaterThan(65536).isLessThan(2_000_000);
      HttpResponse<String> chunked = host.http.send(HttpRequest.newBuilder(host.uri("/api/import_dataset_file?" + q
          + "&format=jsonl&replace=true")).header("Content-Type", "application/jsonl")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bigBytes))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(200);
      assertThat(TestHost.JSON.readTree(chunked.body()).at("/dataset/item_count").asLong()).isEqualTo(3000);
      // over the import limit: 413
      byte[] tooBig = new byte[2_100_000];
      java.util.Arrays.fill(tooBig, (byte) '\n');
      TestHost.Reply large = host.send("POST", "/api/import_dataset_file?" + q + "&format=jsonl", "application/jsonl",
          tooBig);
      assertThat(large.status()).isEqualTo(413);
      // other routes keep the ordinary limit
      assertThat(host.send("POST", "/api/add_dataset_items?" + q, "application/json", bigBytes).status())
          .isEqualTo(413);

      // export streams a version; importing it into another dataset gives the same items
      HttpResponse<String> exported = host.http.send(HttpRequest.newBuilder(host.uri("/api/export_dataset?" + q
          + "&format=jsonl")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(exported.statusCode()).isEqualTo(200);
      assertThat(exported.headers().firstValue("content-disposition").orElse("")).contains("imports-v2.jsonl");
      assertThat(exported.body().lines()).hasSize(3000);
      String copy = dataset(host, "alice", "copy");
      assertThat(host.send("POST", "/api/import_dataset_file?user_id=alice&dataset_id=" + copy + "&format=jsonl",
          "application/jsonl", exported.body().getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
      assertThat(host.send("GET", "/api/get_dataset_items?user_id=alice&dataset_id=" + copy + "&limit=1000").json()
          .get("items")).isEqualTo(host.send("GET", "/api/get_dataset_items?" + q + "&limit=1000").json().get("items"));
      HttpResponse<String> v1 = host.http.send(HttpRequest.newBuilder(host.uri("/api/export_dataset?" + q
          + "&format=csv&version=1")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(v1.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
      assertThat(v1.body()).startsWith("id,input,output,expected,context,metadata").contains("What is 2+2?");
      assertThat(host.send("GET", "/api/export_dataset?" + q + "&version=7").status()).isEqualTo(404);
      assertThat(host.send("GET", "/api/export_dataset?" + q + "&format=xml").status()).isEqualTo(400);
    }
  }
}
