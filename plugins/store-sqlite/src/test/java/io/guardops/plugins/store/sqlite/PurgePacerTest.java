package io.guardops.plugins.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The purge pacing rule, on a hand-driven ticker. */
class PurgePacerTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * MS);

  @Test
  void anIdleStorePurgesAtFullSpeed() {
    PurgePacer pacer = new PurgePacer(0.5, now::get);
    assertThat(pacer.waitBeforeChunk(7)).isZero(); // first chunk ever
    pacer.chunkDone(7, 30 * MS);
    // no span batch submitted since that chunk began: no wait
    assertThat(pacer.waitBeforeChunk(7)).isZero();
  }

  @Test
  void whileSpansArriveAChunkIsFollowedByAPauseOfItsShareOfTheWriter() {
    PurgePacer pacer = new PurgePacer(0.5, now::get);
    pacer.chunkDone(7, 30 * MS);
    // batches were submitted during or after the chunk: wait the chunk's own time at duty 0.5
    assertThat(pacer.waitBeforeChunk(9)).isEqualTo(30 * MS);
    now.addAndGet(10 * MS);
    assertThat(pacer.waitBeforeChunk(9)).isEqualTo(20 * MS);
    now.addAndGet(25 * MS);
    assertThat(pacer.waitBeforeChunk(9)).isZero();

    PurgePacer quarter = new PurgePacer(0.25, now::get);
    quarter.chunkDone(0, 10 * MS);
    assertThat(quarter.waitBeforeChunk(1)).isEqualTo(30 * MS); // 10 ms of every 40
  }

  @Test
  void dutyCycleOneNeverWaitsAndBadValuesAreRefused() {
    PurgePacer pacer = new PurgePacer(1.0, now::get);
    pacer.chunkDone(0, 30 * MS);
    assertThat(pacer.waitBeforeChunk(5)).isZero();
    assertThatThrownBy(() -> new PurgePacer(0, now::get)).hasMessageContaining("duty cycle");
    assertThatThrownBy(() -> new PurgePacer(1.5, now::get)).hasMessageContaining("duty cycle");
    assertThatThrownBy(() -> new PurgePacer(Double.NaN, now::get)).hasMessageContaining("duty cycle");
  }
}
