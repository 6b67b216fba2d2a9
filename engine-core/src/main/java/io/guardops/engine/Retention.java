package io.guardops.engine;

import io.guardops.api.CleanupRecord;
import io.guardops.api.Project;
import io.guardops.api.RetentionPolicy;
import io.guardops.api.auth.Caller;
import io.guardops.api.store.PurgeResult;
import io.guardops.api.store.Store;
import io.guardops.engine.internal.IdGenerator;
import io.guardops.engine.internal.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-project retention: a sweep asks the {@link RetentionPolicy} for each project's cutoff and
 * deletes whole traces older than it, in bounded batches (each trace atomically, so ingestion
 * interleaves and a crash never leaves half a trace), then writes one {@link CleanupRecord} per
 * project. A lease in the store lets only one engine sweep at a time when several share a store.
 * Thread-safe. Obtain from {@link Engine#retention()}.
 */
@Singleton
public final class Retention {
  private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
  /** The lease every engine competes for. */
  static final String LEASE = "retention-sweep";

  private final Store store;
  private final Access access;
  private final RetentionPolicy policy;
  private final Clock clock;
  private final IdGenerator ids;
  private final Settings settings;
  private final String holder;
  private ScheduledExecutorService scheduler;
  private final List<java.util.function.Consumer<SweepReport>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Reports progress of a running sweep; called on the sweeping thread. */
  @FunctionalInterface
  public interface Progress {
    /** After each batch: the project, and its totals so far. */
    void deleted(Project project, long tracesSoFar, long spansSoFar);

    /** A listener that ignores progress. */
    static Progress none() {
      return (p, t, s) -> { };
    }
  }

  /**
   * What one sweep did.
   *
   * @param ran false when another engine held the lease, so this one did nothing
   */
  public record SweepReport(Instant startedAt, boolean ran, List<CleanupRecord> records) {
    public long deletedTraces() {
      return records.stream().mapToLong(CleanupRecord::deletedTraces).sum();
    }

    public long deletedSpans() {
      return records.stream().mapToLong(CleanupRecord::deletedSpans).sum();
    }
  }

  @Inject
  Retention(Store store, Access access, RetentionPolicy policy, Clock clock, IdGenerator ids, Settings settings) {
    this.store = store;
    this.access = access;
    this.policy = policy;
    this.clock = clock;
    this.ids = ids;
    this.settings = settings;
    this.holder = "engine-" + ids.newId();
  }

  /** Calls {@code listener} with the report of every sweep, on the sweeping thread (the engine's metrics). */
  public void onSweep(java.util.function.Consumer<SweepReport> listener) {
    listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
  }

  /** Runs one sweep now on the calling thread. Never throws for one project's failure: it logs and goes on. */
  public SweepReport sweep(Progress progress) {
    SweepReport report = runSweep(progress);
    for (java.util.function.Consumer<SweepReport> l : listeners) {
      try {
        l.accept(report);
      } catch (RuntimeException e) {
        LOG.warn("a retention sweep listener failed: {}", e.toString());
      }
    }
    return report;
  }

  private SweepReport runSweep(Progress progress) {
    Instant started = clock.instant();
    Duration ttl = settings.retentionLeaseTtl();
    if (!store.retention().tryAcquireLease(LEASE, holder, started, ttl)) {
      LOG.info("retention sweep skipped: another instance holds the lease");
      return new SweepReport(started, false, List.of());
    }
    List<CleanupRecord> records = new ArrayList<>();
    try {
      for (Project project : store.projects().listWithRetention()) {
        Optional<Instant> cutoff = policy.cutoff(project, started);
        if (cutoff.isEmpty()) {
          continue;
        }
        long t0 = System.nanoTime();
        long traces = 0;
        long spans = 0;
        long cutoffNanos = toEpochNanos(cutoff.get());
        try {
          while (true) {
            PurgeResult r = store.spans().purgeTraces(project.projectId(), cutoffNanos, settings.retentionBatchSize());
            traces += r.deletedTraces();
            spans += r.deletedSpans();
            progress.deleted(project, traces, spans);
            if (r.complete() || r.deletedTraces() == 0 || Thread.currentThread().isInterrupted()) {
              break;
            }
            if (!store.retention().tryAcquireLease(LEASE, holder, clock.instant(), ttl)) {
              LOG.warn("retention lease lost during the sweep of project {}: stopping", project.projectId());
              return new SweepReport(started, true, records);
            }
          }
          // scores leave with their traces (they carry the trace's start)
          Scores.purge(store, project.projectId(), cutoffNanos, settings.retentionBatchSize());
        } catch (RuntimeException e) {
          LOG.error("retention sweep of project {} failed after deleting {} traces: {}",
              project.projectId(), traces, e.toString(), e);
        }
        // an interrupt (engine shutdown) stops the sweep, but what was deleted is still recorded
        boolean interrupted = Thread.currentThread().isInterrupted();
        CleanupRecord record = new CleanupRecord(ids.newId(), clock.instant(), project.projectId(), cutoff.get(),
            traces, spans, Duration.ofNanos(System.nanoTime() - t0));
        despiteInterrupt(() -> store.retention().addCleanupRecord(record));
        records.add(record);
        if (traces > 0) {
          LOG.info("retention: project {} lost {} traces ({} spans) older than {}",
              project.projectId(), traces, spans, cutoff.get());
        }
        if (interrupted) {
          LOG.info("retention sweep interrupted: stopping after project {}", project.projectId());
          break;
        }
      }
    } finally {
      try {
        despiteInterrupt(() -> store.retention().releaseLease(LEASE, holder));
      } catch (RuntimeException e) {
        LOG.warn("could not release the retention lease (it expires by itself): {}", e.toString());
      }
    }
    return new SweepReport(started, true, records);
  }

  /**
   * Runs a store call that must happen even when the thread was interrupted (a store may refuse to
   * wait while the flag is set), then sets the flag again so the caller still sees the interrupt.
   */
  private static void despiteInterrupt(Runnable call) {
    boolean interrupted = Thread.interrupted();
    try {
      call.run();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The cleanup records of a project the caller may see, newest first. */
  public List<CleanupRecord> history(Caller caller, String projectId, int limit) {
    Project p = access.readable(caller, projectId).project();
    return store.retention().listCleanupRecords(p.projectId(), Math.max(1, Math.min(limit, 1000)));
  }

  /** Starts the periodic sweep if enabled. Called by the engine. */
  synchronized void startSchedule() {
    if (!settings.retentionEnabled() || scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "guardops-retention");
      t.setDaemon(true);
      return t;
    });
    long interval = settings.retentionInterval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        sweep(Progress.none());
      } catch (RuntimeException e) {
        LOG.error("retention sweep failed: {}", e.toString(), e);
      }
    }, settings.retentionInitialDelay().toMillis(), interval, TimeUnit.MILLISECONDS);
    LOG.info("retention sweeps every {}", settings.retentionInterval());
  }

  /** Whether periodic sweeps are scheduled (retention enabled and the engine started them). */
  public synchronized boolean scheduled() {
    return scheduler != null;
  }

  /** Stops the periodic sweep, waiting briefly for a running one. */
  synchronized void stopSchedule() {
    if (scheduler == null) {
      return;
    }
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler = null;
  }

  static long toEpochNanos(Instant i) {
    return Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L) + i.getNano();
  }
}
