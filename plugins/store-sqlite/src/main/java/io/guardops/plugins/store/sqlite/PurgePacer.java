package io.guardops.plugins.store.sqlite;

import java.util.function.LongSupplier;

/**
 * Paces retention purges against ingestion, across calls. While spans are being written (a span
 * batch was submitted since the last purge chunk began), a purge may hold the single writer for at
 * most {@code dutyCycle} of the time: after a chunk that took {@code t} ns the next one waits until
 * {@code t * (1 - d) / d} ns have passed, on the purging thread, so that ingestion gets the writer in
 * between instead of one small group commit per chunk. An idle store purges at full speed.
 * Thread-safe.
 */
final class PurgePacer {
  private final double dutyCycle;
  private final LongSupplier nanoTime;
  /** Submitted span batches when the last chunk began; -1 before the first chunk. */
  private long submittedAtLastChunk = -1;
  /** Ticker value before which the next chunk waits while ingestion runs. */
  private long nextChunkAt;

  /**
   * @param dutyCycle above 0 and at most 1 (1 = never wait)
   * @param nanoTime a monotonic ticker ({@code System::nanoTime})
   */
  PurgePacer(double dutyCycle, LongSupplier nanoTime) {
    if (!(dutyCycle > 0 && dutyCycle <= 1)) {
      throw new IllegalArgumentException("duty cycle must be above 0 and at most 1, was " + dutyCycle);
    }
    this.dutyCycle = dutyCycle;
    this.nanoTime = nanoTime;
  }

  /**
   * How long the next chunk must wait, given the writer's count of submitted span batches now.
   *
   * @return nanoseconds to wait; 0 to go at once
   */
  synchronized long waitBeforeChunk(long submittedNow) {
    if (dutyCycle >= 1.0 || submittedNow == submittedAtLastChunk) {
      return 0;
    }
    return Math.max(0, nextChunkAt - nanoTime.getAsLong());
  }

  /** Records a finished chunk that began when {@code submittedAtStart} batches had been submitted. */
  synchronized void chunkDone(long submittedAtStart, long chunkNanos) {
    submittedAtLastChunk = submittedAtStart;
    nextChunkAt = nanoTime.getAsLong() + (long) (chunkNanos * (1.0 - dutyCycle) / dutyCycle);
  }
}
