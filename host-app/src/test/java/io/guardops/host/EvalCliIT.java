package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.engine.Engine;
import io.guardops.tck.OpenAiCompatibleServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code guardops eval run} and {@code guardops eval compare} in-process with the real plugins: progress,
 * summary, the threshold gate's exit code, usage errors, a prompt task on a local OpenAI-compatible server.
 * Each command builds its own engine on the test run's store (the SQLite file of the data directory, or
 * the test's MongoDB database), one after another, as separate invocations would.
 */
class EvalCliIT {
  @TempDir
  Path dir;

  final OpenAiCompatibleServer server = OpenAiCompatibleServer.start("test-key");
  Path data;

  @BeforeEach
  void files() throws Exception {
    TestHost.pluginsDir(dir);
    data = dir.resolve("qa.jsonl");
    Files.writeString(data, String.join("\n",
        "{\"id\": \"a\", \"input\": \"What is 2+2?\", \"output\": \"The answer is 4\", \"expected\": \"The answer is 4\"}",
        "{\"id\": \"b\", \"input\": \"Capital of France?\", \"output\": \"Paris\", \"expected\": \"Paris\"}",
        "{\"id\": \"c\", \"input\": \"Largest planet?\", \"output\": \"Saturn is the largest planet\","
            + " \"expected\": \"Jupiter is the largest planet\"}", ""));
  }

  /**
   * The OTLP/gRPC port a running server would hold: a CLI command is not a server and must not try to
   * listen on it (taken here when free; when something else holds it, that proves the same).
   */
  java.net.ServerSocket grpcPortOfARunningServer;

  @BeforeEach
  void aServerRunsBeside() {
    try {
      grpcPortOfARunningServer = new java.net.ServerSocket(4317, 50, java.net.InetAddress.getLoopbackAddress());
    } catch (java.io.IOException inUse) {
      grpcPortOfARunningServer = null;
    }
  }

  @AfterEach
  void stop() throws java.io.IOException {
    server.close();
    if (grpcPortOfARunningServer != null) {
      grpcPortOfARunningServer.close();
    }
  }

  record Run(int exit, String out, String err) {
    /** The id the run printed ("Experiment <id>: ..."). */
    String experimentId() {
      Matcher m = Pattern.compile("Experiment ([0-9a-f-]{36}):").matcher(out);
      assertThat(m.find()).as(out).isTrue();
      return m.group(1);
    }

    String datasetId() {
      Matcher m = Pattern.compile("into dataset ([0-9a-f-]{36})").matcher(out);
      assertThat(m.find()).as(out).isTrue();
      return m.group(1);
    }
  }

  Run eval(String... args) {
    List<String> all = new ArrayList<>(List.of("eval"));
    all.addAll(List.of(args));
    all.addAll(List.of("--data-dir", dir.resolve("data").toString(), "--plugins-dir", dir.resolve("plugins").toString(),
        "--set", "guardops.store=" + TestHost.STORE));
    all.addAll(TestHost.storeArgs(dir));
    ModelServer.settings(server).forEach((k, v) -> all.addAll(List.of("--set", k + "=" + v)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Consumer<Engine.Builder> customize = b -> {
      b.environment(Map.of()).systemProperties(Map.of()).workingDirectory(dir);
    };
    int exit = args[0].equals("--help") ? Main.run(all.toArray(new String[0]), new PrintStream(out, true,
        StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
        : EvalCommand.run(all.subList(1, all.size()).toArray(new String[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            customize);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aRunPrintsProgressAndTheSummaryAndItsExitCodeGatesOnThresholds() {
    Run ok = eval("run", "--dataset-file", data.toString(), "--evaluators", "exact_match,rouge_l:measure=f",
        "--threshold", "rouge_l=0.5");
    assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
    assertThat(ok.out()).contains("Imported 3 items from " + data).contains("\r  [").contains("3/3 done, 0 failed")
        .contains("SUCCEEDED: 3 of 3 items done, 0 failed");
    assertThat(ok.out()).containsPattern("exact_match\\s+3\\s+0\\.6667\\s+-")
        .containsPattern("rouge_l\\s+3\\s+0\\.\\d{4}\\s+>= 0\\.500\\s+ok");

    Run missed = eval("run", "--dataset", ok.datasetId(), "--evaluators", "exact_match", "--threshold",
        "exact_match=0.9");
    assertThat(missed.exit()).as(missed.out() + missed.err()).isEqualTo(1);
    assertThat(missed.out()).containsPattern("exact_match\\s+3\\s+0\\.6667\\s+>= 0\\.900\\s+MISSED")
        .contains("A threshold was missed");
    // items the evaluator cannot score (no latency in these items) fail the gate whatever the threshold
    Run unscored = eval("run", "--dataset", ok.datasetId(), "--evaluators", "latency_threshold:max_ms=10",
        "--threshold", "latency_threshold=0");
    assertThat(unscored.exit()).as(unscored.out()).isEqualTo(1);
    assertThat(unscored.out()).contains("3 failed").containsPattern("latency_threshold\\s+0\\s+-");
  }

  @Test
  void usageErrorsExitWith2AndSayWhatIsWrong() {
    assertThat(eval("run", "--dataset-file", data.toString()).err()).contains("--evaluators is required");
    assertThat(eval("run", "--dataset-file", data.toString()).exit()).isEqualTo(2);
    assertThat(eval("run", "--dataset", "x", "--dataset-file", data.toString(), "--evaluators", "rouge_l").exit())
        .isEqualTo(2);
    assertThat(eval("run", "--datasett", "x").err()).contains("unknown option --datasett");
    Run threshold = eval("run", "--dataset-file", data.toString(), "--evaluators", "rouge_l", "--threshold",
        "bleu=0.3");
    assertThat(threshold.exit()).isEqualTo(2);
    assertThat(threshold.err()).contains("'bleu', which --evaluators does not list");
    assertThat(eval("run", "--dataset-file", data.toString(), "--evaluators", "rouge_l", "--model", "m").err())
        .contains("--model belongs to a prompt task");
    Run unknown = eval("run", "--dataset-file", data.toString(), "--evaluators", "rouge_9");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("no evaluator 'rouge_9'").contains("rouge_l");
    Run noDataset = eval("run", "--dataset", "no-such-dataset", "--evaluators", "rouge_l");
    assertThat(noDataset.exit()).isEqualTo(2);
    assertThat(noDataset.err()).contains("dataset 'no-such-dataset' not found");
    assertThat(eval("compare", "only-one").exit()).isEqualTo(2);
    assertThat(eval("frobnicate").exit()).isEqualTo(2);
    Run help = eval("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("guardops eval run").contains("Exit codes");
  }

  @Test
  void aPromptTaskRunsOnTheModelAndTwoRunsCompare() throws Exception {
    Run imported = eval("run", "--dataset-file", data.toString(), "--evaluators", "rouge_l");
    String dataset = imported.datasetId();
    Path prompt = dir.resolve("prompt.txt");
    Files.writeString(prompt, "Answer in one sentence: {{input}}");
    server.answer(ModelServer.answers(ExperimentsIT.task(Map.of("What is 2+2?", "The answer is 4",
        "Capital of France?", "Paris", "Largest planet?", "Jupiter is the largest planet")), 1.0, "correct"));
    Run good = eval("run", "--dataset", dataset, "--prompt-file", prompt.toString(), "--model", "gpt-4o-mini",
        "--evaluators", "rouge_l,correctness", "--param", "correctness.temperature=0", "--threshold", "rouge_l=0.9",
        "--name", "good prompt");
    assertThat(good.exit()).as(good.out() + good.err()).isZero();
    assertThat(good.out()).contains("good prompt").containsPattern("cost \\$0\\.\\d{6}")
        .containsPattern("correctness\\s+3\\s+1\\.0000");
    assertThat(server.chatRequests()).hasSize(6);
    assertThat(server.chatRequests().get(0).lastUserMessage()).startsWith("Answer in one sentence: ");
    Run before = new Run(0, imported.out(), "");
    Run cmp = eval("compare", before.experimentId(), good.experimentId());
    assertThat(cmp.exit()).as(cmp.out() + cmp.err()).isZero();
    assertThat(cmp.out()).contains("3 items in both, 0 only in A, 0 only in B")
        .containsPattern("rouge_l\\s+0\\.\\d{4}\\s+1\\.0000\\s+\\+0\\.\\d{4}\\s+1\\s+0\\s+2");
    Run back = eval("compare", good.experimentId(), before.experimentId());
    assertThat(back.out()).contains("Largest regressions:").contains("c: rouge_l 1.0000 -> ");
  }
}
