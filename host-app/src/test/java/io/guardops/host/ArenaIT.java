package io.guardops.host;

import static io.guardops.host.PlaygroundFixtures.addModel;
import static io.guardops.host.PlaygroundFixtures.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.host.PlaygroundFixtures.Event;
import io.guardops.host.PlaygroundFixtures.EventReader;
import io.guardops.tck.OpenAiCompatibleServer.Behaviour;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The arena over HTTP: anonymous answers, votes that reveal the models and move their Elo ratings by
 * hand-computed amounts, concurrent votes, the leaderboard with intervals, and the refusals.
 */
class ArenaIT extends WithLocalModels {
  @BeforeEach
  void models() throws Exception {
    // each model says who it is, so the test can tell the positions apart; the replies themselves must not
    server.answer(r -> "answer from " + r.model());
    addModel(host, "alice", model("model-x", server, 1, 1));
    addModel(host, "alice", model("model-y", server, 1, 1));
  }

  /** Starts a match of model-x and model-y; returns it with the position of each model. */
  private Map<String, String> match(String user) throws Exception {
    TestHost.Reply r = host.json("POST", "/api/run_arena?user_id=" + user, Map.of("prompt", "Which is better?",
        "model_a", "model-x", "model_b", "model-y"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    Map<String, String> out = new HashMap<>();
    out.put("match", r.json().get("match_id").asText());
    for (JsonNode a : r.json().get("answers")) {
      assertThat(a.has("model")).isFalse();
      assertThat(a.has("model_id")).isFalse();
      out.put(a.get("output").asText().replace("answer from ", ""), a.get("position").asText());
    }
    return out;
  }

  private JsonNode score(String user, String match, String winner) throws Exception {
    TestHost.Reply r = host.send("POST", "/api/score_arena?user_id=" + user + "&match_id=" + match + "&winner="
        + winner);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  private static JsonNode side(JsonNode verdict, String model) {
    return verdict.at("/a/model").asText().equals(model) ? verdict.get("a") : verdict.get("b");
  }

  @Test
  void votesRevealTheModelsAndMoveTheirRatingsByTheEloRule() throws Exception {
    Map<String, String> first = match("alice");
    assertThat(first.keySet()).contains("model-x", "model-y");
    JsonNode pending = host.send("GET", "/api/get_arena_match?user_id=alice&match_id=" + first.get("match")).json();
    assertThat(pending.get("status").asText()).isEqualTo("open");
    assertThat(pending.toString()).doesNotContain("model_id");

    // 1000 vs 1000, x wins: expected 0.5, K 32 -> x 1016, y 984
    JsonNode v1 = score("alice", first.get("match"), first.get("model-x"));
    assertThat(v1.get("leaderboard").asText()).isEqualTo("mine");
    assertThat(side(v1, "model-x").get("rating_before").asDouble()).isEqualTo(1000.0);
    assertThat(side(v1, "model-x").get("rating_after").asDouble()).isEqualTo(1016.0);
    assertThat(side(v1, "model-y").get("rating_after").asDouble()).isEqualTo(984.0);

    // 984 beats 1016: expected 1 / (1 + 10^(32/400)) = 0.454078, so y gains 32 * 0.545922 = 17.47
    Map<String, String> second = match("alice");
    JsonNode v2 = score("alice", second.get("match"), second.get("model-y"));
    assertThat(side(v2, "model-y").get("rating_after").asDouble()).isEqualTo(1001.47);
    assertThat(side(v2, "model-x").get("rating_after").asDouble()).isEqualTo(998.53);

    // a tie between 998.53 and 1001.47: x expected 0.495770, gains 32 * 0.004230 = 0.14
    Map<String, String> third = match("alice");
    JsonNode v3 = score("alice", third.get("match"), "tie");
    assertThat(side(v3, "model-x").get("rating_after").asDouble()).isEqualTo(998.67);
    assertThat(side(v3, "model-y").get("rating_after").asDouble()).isEqualTo(1001.33);

    JsonNode board = host.send("GET", "/api/get_arena_leaderboard?user_id=alice&scope=mine").json();
    assertThat(board.get("k_factor").asDouble()).isEqualTo(32.0);
    assertThat(board.get("initial_rating").asDouble()).isEqualTo(1000.0);
    assertThat(board.get("matches").asLong()).isEqualTo(3);
    JsonNode top = board.at("/models/0");
    assertThat(top.get("model").asText()).isEqualTo("model-y");
    assertThat(top.get("rating").asDouble()).isEqualTo(1001.33);
    assertThat(top.get("matches").asLong()).isEqualTo(3);
    assertThat(top.get("wins").asLong()).isEqualTo(1);
    assertThat(top.get("losses").asLong()).isEqualTo(1);
    assertThat(top.get("ties").asLong()).isEqualTo(1);
    assertThat(top.get("ci_low").asDouble()).isLessThanOrEqualTo(top.get("ci_high").asDouble());
    assertThat(host.send("GET", "/api/get_arena_leaderboard?user_id=alice").json().get("models"))
        .as("alice's own models are not on the global board").isEmpty();

    // the same vote again changes nothing; another winner is refused
    JsonNode again = score("alice", third.get("match"), "tie");
    assertThat(side(again, "model-x").get("rating_after").asDouble()).isEqualTo(998.67);
    TestHost.Reply other = host.send("POST", "/api/score_arena?user_id=alice&match_id=" + third.get("match")
        + "&winner=a");
    assertThat(other.status()).isEqualTo(409);
    assertThat(host.send("GET", "/api/get_arena_leaderboard?user_id=alice&scope=mine").json().get("matches").asLong())
        .isEqualTo(3);
  }

  @Test
  void concurrentVotesAreEachCountedOnceAndRatingsStayZeroSum() throws Exception {
    int n = 12;
    List<Map<String, String>> matches = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      matches.add(match("alice"));
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> votes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Map<String, String> m = matches.get(i);
        String winner = i % 3 == 0 ? "tie" : m.get(i % 3 == 1 ? "model-x" : "model-y");
        votes.add(pool.submit(() -> {
          go.await();
          return host.send("POST", "/api/score_arena?user_id=alice&match_id=" + m.get("match") + "&winner=" + winner)
              .status();
        }));
      }
      // two different votes on one match at once: exactly one wins
      Map<String, String> contested = match("alice");
      List<Future<Integer>> rivals = new ArrayList<>();
      for (String w : List.of("a", "b")) {
        rivals.add(pool.submit(() -> {
          go.await();
          return host.send("POST", "/api/score_arena?user_id=alice&match_id=" + contested.get("match") + "&winner=" + w)
              .status();
        }));
      }
      go.countDown();
      for (Future<Integer> f : votes) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
      }
      List<Integer> rivalStatuses = new ArrayList<>();
      for (Future<Integer> f : rivals) {
        rivalStatuses.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(rivalStatuses).containsExactlyInAnyOrder(200, 409);
    } finally {
      pool.shutdownNow();
    }
    JsonNode board = host.send("GET", "/api/get_arena_leaderboard?user_id=alice&scope=mine").json();
    assertThat(board.get("matches").asLong()).isEqualTo(n + 1);
    double sum = 0;
    for (JsonNode m : board.get("models")) {
      assertThat(m.get("matches").asLong()).isEqualTo(n + 1);
      assertThat(m.get("wins").asLong() + m.get("losses").asLong() + m.get("ties").asLong()).isEqualTo(n + 1);
      sum += m.get("rating").asDouble();
    }
    assertThat(sum).as("Elo moves points from one model to the other").isCloseTo(2000, within(0.02));
    assertThat(board.at("/models/0/ties").asLong()).isEqualTo(4);
  }

  @Test
  void globalModelsCountOnTheGlobalBoardAndRandomPairsNeedTwoModels() throws Exception {
    // in unprotected mode every caller holds Full_Access: bob registers two global models
    Map<String, Object> g1 = model("global-1", server, 1, 1);
    g1.put("global", true);
    Map<String, Object> g2 = model("global-2", server, 1, 1);
    g2.put("global", true);
    addModel(host, "bob", g1);
    addModel(host, "bob", g2);
    TestHost.Reply r = host.json("POST", "/api/run_arena?user_id=carol", Map.of("prompt", "hi"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String match = r.json().get("match_id").asText();
    JsonNode verdict = score("carol", match, "a");
    assertThat(verdict.get("leaderboard").asText()).isEqualTo("global");
    assertThat(List.of(verdict.at("/a/model").asText(), verdict.at("/b/model").asText()))
        .containsExactlyInAnyOrder("global-1", "global-2");
    JsonNode board = host.send("GET", "/api/get_arena_leaderboard?user_id=alice&scope=global").json();
    assertThat(board.get("models")).hasSize(2);
    assertThat(board.at("/models/0/rating").asDouble()).isEqualTo(1016.0);

    // carol's match is not alice's
    assertThat(host.send("POST", "/api/score_arena?user_id=alice&match_id=" + match + "&winner=a").status())
        .isEqualTo(404);
    assertThat(host.send("GET", "/api/get_arena_match?user_id=alice&match_id=" + match).status()).isEqualTo(404);
    TestHost.Reply alone = host.json("POST", "/api/run_arena?user_id=carol", Map.of("prompt", "hi", "model_a",
        "global-1"));
    assertThat(alone.status()).isEqualTo(400);
    assertThat(alone.json().get("detail").asText()).contains("both");
    TestHost.Reply badWinner = host.send("POST", "/api/score_arena?user_id=carol&match_id=" + match + "&winner=c");
    assertThat(badWinner.status()).isEqualTo(400);
  }

  @Test
  void aStreamedMatchTagsDeltasByPositionOnly() throws Exception {
    try (EventReader events = new EventReader(host, "/api/run_arena?user_id=alice&stream=true",
        Map.of("prompt", "hi", "model_a", "model-x", "model_b", "model-y"))) {
      List<Event> all = events.rest();
      assertThat(all.get(0).name()).isEqualTo("start");
      assertThat(all.get(0).data().get("positions")).hasSize(2);
      assertThat(all.get(0).data().toString()).doesNotContain("model-x").doesNotContain("model_id");
      for (Event e : all) {
        if (e.name().equals("delta") || e.name().equals("result")) {
          assertThat(e.data().get("position").asText()).isIn("a", "b");
          assertThat(e.data().has("model")).isFalse();
        }
      }
      Event done = all.get(all.size() - 1);
      assertThat(done.name()).isEqualTo("done");
      String match = done.data().get("match_id").asText();
      JsonNode m = host.send("GET", "/api/get_arena_match?user_id=alice&match_id=" + match).json();
      assertThat(m.get("status").asText()).isEqualTo("open");
      assertThat(m.get("answers")).hasSize(2);
    }
  }

  @Test
  void aMatchWithAFailedAnswerCannotBeScored() throws Exception {
    server.enqueue(Behaviour.error(400, "model not found"));
    TestHost.Reply r = host.json("POST", "/api/run_arena?user_id=alice", Map.of("prompt", "hi", "model_a", "model-x",
        "model_b", "model-y"));
    assertThat(r.status()).as("one answer is still given").isEqualTo(200);
    assertThat(r.json().get("answers")).anySatisfy(a -> assertThat(a.at("/error/status").asInt()).isEqualTo(502));
    TestHost.Reply vote = host.send("POST", "/api/score_arena?user_id=alice&match_id=" + r.json().get("match_id")
        .asText() + "&winner=a");
    assertThat(vote.status()).isEqualTo(409);
    assertThat(vote.json().get("detail").asText()).contains("failed");
  }
}
