package io.guardops.plugins.store.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.guardops.api.Health;
import io.guardops.api.Span;
import io.guardops.api.SpanKind;
import io.guardops.api.User;
import io.guardops.api.store.StoreException;
import io.guardops.api.store.TraceQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MongoDB goes away and comes back under one store instance: health turns down within its timeout,
 * operations fail fast with {@link StoreException} instead of hanging, and once a server listens on
 * the same port again the same store works without being reopened (the driver reconnects; the store
 * caches nothing). Needs the in-process server, which the test can stop; it is skipped against a
 * real MongoDB ({@code GUARDOPS_TEST_MONGO_URI}), which a test must not stop.
 */
class MongoOutageTest {
  private static final long T0 = 1_700_000_000_000_000_000L;
  private TestMongo mongo;
  private MongoStore store;

  @BeforeEach
  void start() {
    mongo = TestMongo.start();
    assumeThat(mongo.isTestServer()).as("stopping a real MongoDB is not a test's business").isTrue();
    // shorter than the suites' timeouts, so the many failing calls below stay quick
    store = mongo.open(Map.of("server-selection-timeout", "1s", "health-timeout", "500ms"));
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    mongo.close();
  }

  private static Span span(int n) {
    return Span.builder().projectId("p1").traceId(String.format("a%031x", n)).spanId(String.format("b%015x", n))
        .name("call " + n).kind(SpanKind.CLIENT).startEpochNanos(T0 + n).endEpochNanos(T0 + n + 1_000_000).build();
  }

  @Test
  void anOutageFailsFastAndTheSameStoreRecoversWhenMongoIsBack() {
    store.spans().write(List.of(span(1)));
    assertThat(store.check().healthy()).isTrue();
    int port = mongo.port();

    mongo.stop();

    long t = System.nanoTime();
    Health down = store.check();
    Duration checkTook = Duration.ofNanos(System.nanoTime() - t);
    assertThat(down.healthy()).isFalse();
    assertThat(down.detail()).contains("127.0.0.1:" + port).contains("does not answer");
    // health-timeout is 500ms here; allow for a slow machine, but nothing like a hang
    assertThat(checkTook).isLessThan(Duration.ofSeconds(5));

    t = System.nanoTime();
    assertThatThrownBy(() -> store.spans().write(List.of(span(2))))
        .isInstanceOf(StoreException.class).hasMessageContaining("span write");
    // server-selection-timeout is 1s here
    assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(8));
    assertThatThrownBy(() -> store.users().create(new User("u1", Instant.EPOCH))).isInstanceOf(StoreException.class);
    assertThatThrownBy(() -> store.spans().findTraces(TraceQuery.page("p1", 0, 10))).isInstanceOf(StoreException.class);
    assertThat(store.check().healthy()).isFalse();

    // a fresh in-memory server on the same port: like a MongoDB restored empty (a real one keeps its data)
    mongo.restart(port);

    store.spans().write(List.of(span(3)));
    assertThat(store.spans().findTrace("p1", span(3).traceId())).isPresent();
    assertThat(store.users().create(new User("u1", Instant.EPOCH))).isTrue();
    Health up = store.check();
    assertThat(up.healthy()).as(up.detail()).isTrue();
  }

  @Test
  void aStoreCannotStartWithoutMongoAndSaysWhatToCheck() {
    int port = mongo.port();
    store.close();
    store = null;
    mongo.stop();
    long t = System.nanoTime();
    assertThatThrownBy(() -> mongo.open(Map.of("server-selection-timeout", "1s"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot reach MongoDB at mongodb://127.0.0.1:" + port)
        .hasMessageContaining("guardops.store.mongo.uri");
    assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(8));
    mongo.restart(port);
  }
}
