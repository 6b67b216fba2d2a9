package io.guardops.plugins.store.sqlite;

import io.guardops.api.StatusCode;
import io.guardops.api.TraceSummary.SpanFacts;
import io.guardops.api.store.LatencySketch;
import io.guardops.api.store.MetricsAggregation;
import io.guardops.api.store.MetricsQuery;
import io.guardops.api.store.MetricsRow;
import io.guardops.api.store.SpanStat;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metrics pushed down: one row per (project, minute, model) in {@code metric_rollups} with the
 * model calls that started in that minute (requests, errors, tokens, the sum and the number of
 * known costs, and a {@link LatencySketch} of their durations), kept in the same transaction as the
 * spans they come from. A write subtracts what a re-sent span contributed before and adds what it
 * contributes now; a purge subtracts the deleted spans. {@link #aggregate} merges the whole minutes
 * of a range and computes its partial edge minutes exactly from the spans, so counts, tokens and
 * costs are exact and only percentiles are approximate (within {@link LatencySketch#RELATIVE_ACCURACY}).
 *
 * <p>A model call is exactly what {@code spanStats} selects: a span with a model whose usage is its
 * own ({@code usage_is_aggregate = 0}).
 */
final class MetricRollups {
  private static final Logger LOG = LoggerFactory.getLogger(MetricRollups.class);
  private static final long MINUTE = MetricsQuery.Bucket.MINUTE.nanos();
  /**
   * Most rollup rows one query reads (a year of minutes of a project with four busy models, some
   * seconds of work): more is refused rather than holding a reader for minutes.
   */
  static final int MAX_ROWS = 2_000_000;
  private static final int ERROR = StatusCode.ERROR.ordinal();

  /** The columns of a v3-v6 {@code spans} row {@link #readLegacyStat} reads, in its order (the v4 rebuild). */
  static final String LEGACY_STAT_COLUMNS = "start_ns, end_ns, model, status, input_tokens, output_tokens, cost";
  /** Which v3-v6 spans are model calls (the condition of {@code spanStats}). */
  static final String LEGACY_MODEL_CALL = "model IS NOT NULL AND usage_is_aggregate = 0";
  /** The {@code model_calls} columns {@link #readStat} reads, in its order. */
  static final String STAT_COLUMNS = "start_ns, duration_ns, model, error, input_tokens, output_tokens, cost";

  private static final String ROLLUP_COLUMNS =
      "minute, model, requests, errors, input_tokens, output_tokens, cost, cost_count, latency";
  private static final String UPSERT = "INSERT INTO metric_rollups (project_id, " + ROLLUP_COLUMNS + ")"
      + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, minute, model) DO UPDATE SET"
      + " requests = excluded.requests, errors = excluded.errors, input_tokens = excluded.input_tokens,"
      + " output_tokens = excluded.output_tokens, cost = excluded.cost, cost_count = excluded.cost_count,"
      + " latency = excluded.latency";
  private static final String DELETE = "DELETE FROM metric_rollups WHERE project_id = ? AND minute = ? AND model = ?";
  /** Rollups of whole minutes of a range: one range of the primary key. */
  static final String RANGE = "SELECT " + ROLLUP_COLUMNS + " FROM metric_rollups"
      + " WHERE project_id = ? AND minute >= ? AND minute < ?";
  /** Model calls of a time range: one range of {@code model_calls}' primary key (project_ref, start_ns). */
  static final String CALLS = "SELECT " + STAT_COLUMNS + " FROM model_calls"
      + " WHERE project_ref = ? AND start_ns >= ? AND start_ns < ?";

  private MetricRollups() {}

  /** A span's model call, or {@code null} if it is not one. */
  static SpanStat call(SpanFacts f) {
    if (f.model() == null || f.usageIsAggregate()) {
      return null;
    }
    return new SpanStat(f.startEpochNanos(), f.endEpochNanos() - f.startEpochNanos(), f.model(), f.error(),
        f.inputTokens(), f.outputTokens(), f.cost());
  }

  /** Reads a model call selected with {@link #STAT_COLUMNS}. */
  static SpanStat readStat(ResultSet rs) throws SQLException {
    return new SpanStat(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4) != 0, rs.getLong(5),
        rs.getLong(6), Sql.getDouble(rs, 7));
  }

  /** Reads a model call of a v3-v6 spans row selected with {@link #LEGACY_STAT_COLUMNS} (tokens 0 and cost null when unknown). */
  static SpanStat readLegacyStat(ResultSet rs) throws SQLException {
    long start = rs.getLong(1);
    return new SpanStat(start, rs.getLong(2) - start, rs.getString(3), rs.getInt(4) == ERROR, rs.getLong(5),
        rs.getLong(6), Sql.getDouble(rs, 7));
  }

  /** The group of a model name, as the engine's reference names it. */
  private static String modelKey(String model) {
    return model == null || model.isBlank() ? MetricsAggregation.UNKNOWN_MODEL : model;
  }

  // ------------------------------------------------------------------------------- totals

  /** Sums of model calls: a stored rollup row, a pending change, or an output bucket. Not thread-safe. */
  private static final class Totals {
    long requests;
    long errors;
    long input;
    long output;
    double cost;
    long costCount;
    LatencySketch latency = new LatencySketch();

    void add(SpanStat s) {
      requests++;
      errors += s.error() ? 1 : 0;
      input += s.inputTokens();
      output += s.outputTokens();
      if (s.cost() != null) {
        cost += s.cost();
        costCount++;
      }
      latency.add(s.durationNanos());
    }

    void merge(Totals o) {
      requests += o.requests;
      errors += o.errors;
      input += o.input;
      output += o.output;
      cost += o.cost;
      costCount += o.costCount;
      latency.merge(o.latency);
    }

    /** Adds a stored row's numbers (requests to cost_count, from column {@code at}), not its sketch. */
    void addNumbers(ResultSet rs, int at) throws SQLException {
      requests += rs.getLong(at);
      errors += rs.getLong(at + 1);
      input += rs.getLong(at + 2);
      output += rs.getLong(at + 3);
      cost += rs.getDouble(at + 4);
      costCount += rs.getLong(at + 5);
    }

    /** A stored row (requests to latency, from column {@code at}). */
    static Totals read(ResultSet rs, int at) throws SQLException {
      Totals t = new Totals();
      t.addNumbers(rs, at);
      t.latency = LatencySketch.decode(rs.getBytes(at + 6));
      return t;
    }
  }

  /** What one transaction adds to and removes from one rollup row. */
  private static final class Delta {
    final Totals added = new Totals();
    final Totals removed = new Totals();
    long[] removedDurations = new long[0];
    int removedCount;

    void remove(SpanStat s) {
      removed.requests++;
      removed.errors += s.error() ? 1 : 0;
      removed.input += s.inputTokens();
      removed.output += s.outputTokens();
      if (s.cost() != null) {
        removed.cost += s.cost();
        removed.costCount++;
      }
      if (removedCount == removedDurations.length) {
        removedDurations = Arrays.copyOf(removedDurations, Math.max(4, removedCount * 2));
      }
      removedDurations[removedCount++] = s.durationNanos();
    }

    /** {@code stored} (possibly empty) with this change applied. */
    Totals applyTo(Totals stored) {
      stored.merge(added);
      stored.requests -= removed.requests;
      stored.errors -= removed.errors;
      stored.input -= removed.input;
      stored.output -= removed.output;
      stored.costCount -= removed.costCount;
      // a sum of doubles that has lost every term is 0, not the rounding residue of adding and subtracting
      stored.cost = stored.costCount == 0 ? 0 : stored.cost - removed.cost;
      for (int i = 0; i < removedCount; i++) {
        stored.latency.remove(removedDurations[i]);
      }
      return stored;
    }
  }

  private record Key(String projectId, long minute, String model) {}

  // ------------------------------------------------------------------------------- write side

  /**
   * The rollup changes of one write or purge transaction, applied with {@link #apply}: one read of
   * the touched rows per project (an IN list of minutes) and one batched upsert and delete, so the
   * statements grow with the rollup rows touched, not with the spans. Not thread-safe.
   */
  static final class Changes {
    private final Map<Key, Delta> deltas = new LinkedHashMap<>();

    /** Counts a model call of {@code projectId}. */
    void add(String projectId, SpanStat call) {
      delta(projectId, call).added.add(call);
    }

    /** Takes back a model call counted before (a replaced or purged span). */
    void remove(String projectId, SpanStat call) {
      delta(projectId, call).remove(call);
    }

    int size() {
      return deltas.size();
    }

    private Delta delta(String projectId, SpanStat call) {
      return deltas.computeIfAbsent(new Key(projectId, Math.floorDiv(call.startEpochNanos(), MINUTE),
          modelKey(call.model())), k -> new Delta());
    }

    /** Applies the changes inside the caller's write transaction, then forgets them. */
    void apply(Statements statements) throws SQLException {
      if (deltas.isEmpty()) {
        return;
      }
      Map<String, TreeSet<Long>> minutes = new LinkedHashMap<>();
      for (Key k : deltas.keySet()) {
        minutes.computeIfAbsent(k.projectId(), p -> new TreeSet<>()).add(k.minute());
      }
      Map<Key, Totals> stored = new HashMap<>();
      for (Map.Entry<String, TreeSet<Long>> e : minutes.entrySet()) {
        statements.forEachIn(MetricRollups::touchedSql, new ArrayList<>(e.getValue()), rs -> {
          Key k = new Key(e.getKey(), rs.getLong(1), rs.getString(2));
          if (deltas.containsKey(k)) {
            stored.put(k, Totals.read(rs, 3));
          }
        }, e.getKey());
      }
      PreparedStatement upsert = statements.get(UPSERT);
      PreparedStatement delete = null;
      boolean upserts = false;
      for (Map.Entry<Key, Delta> e : deltas.entrySet()) {
        Key k = e.getKey();
        Totals before = stored.get(k);
        Totals t = e.getValue().applyTo(before == null ? new Totals() : before);
        if (t.requests < 0 || t.requests != t.latency.count()) {
          // cannot happen while every change goes through here; say so rather than serve wrong numbers quietly
          LOG.warn("metric rollup of project {} minute {} model {} is inconsistent ({} requests, {} durations);"
              + " metrics of that minute may be off", k.projectId(), k.minute(), k.model(), t.requests,
              t.latency.count());
        }
        if (t.requests <= 0) {
          if (before != null) {
            delete = delete == null ? statements.get(DELETE) : delete;
            Sql.bind(delete, k.projectId(), k.minute(), k.model());
            delete.addBatch();
          }
          continue;
        }
        Sql.bind(upsert, k.projectId(), k.minute(), k.model(), t.requests, t.errors, t.input, t.output, t.cost,
            t.costCount, t.latency.encode());
        upsert.addBatch();
        upserts = true;
      }
      if (upserts) {
        upsert.executeBatch();
      }
      if (delete != null) {
        delete.executeBatch();
      }
      deltas.clear();
    }
  }

  /** The rollup rows of one project in {@code n} given minutes, through the primary key. */
  static String touchedSql(int n) {
    return "SELECT " + ROLLUP_COLUMNS + " FROM metric_rollups WHERE project_id = ? AND minute IN ("
        + Sql.placeholders(n) + ")";
  }

  /**
   * Builds the rollups of every stored model call (the v4 migration), reading spans in table order
   * and applying in rounds so that memory stays bounded on a large database.
   */
  static void rebuild(Connection c) throws SQLException {
    try (Statements statements = new Statements(c)) {
      rebuild(statements);
    }
  }

  private static void rebuild(Statements statements) throws SQLException {
    Connection c = statements.connection();
    Changes changes = new Changes();
    long calls = 0;
    try (PreparedStatement ps = c.prepareStatement("SELECT " + LEGACY_STAT_COLUMNS + ", project_id FROM spans WHERE "
        + LEGACY_MODEL_CALL); ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        changes.add(rs.getString(8), readLegacyStat(rs));
        calls++;
        if (changes.size() >= 20_000) {
          changes.apply(statements);
        }
      }
    }
    changes.apply(statements);
    LOG.info("metric rollups built for {} stored model calls", calls);
  }

  // ------------------------------------------------------------------------------- read side

  private record BucketKey(long bucket, String model) {}

  /** One output row in the making: whole minutes' sketches summed encoded, edge calls added one by one. */
  private static final class BucketTotals {
    final Totals totals = new Totals();
    final LatencySketch.Sum minutes = new LatencySketch.Sum();

    LatencySketch latency() {
      return minutes.toSketch().merge(totals.latency);
    }
  }

  /**
   * The metrics of {@code q}: whole minutes from the rollups, the partial minutes at either edge of a
   * range that is not minute-aligned from the spans themselves (at most a minute each), all in the
   * caller's read transaction so that both parts come from one snapshot.
   */
  static List<MetricsRow> aggregate(Connection c, MetricsQuery q, Integer projectRef) throws SQLException {
    return aggregate(c, q, projectRef, MAX_ROWS);
  }

  /** As above; {@code projectRef} is the project's dictionary number, null when it never had spans. */
  static List<MetricsRow> aggregate(Connection c, MetricsQuery q, Integer projectRef, int maxRows)
      throws SQLException {
    MetricsQuery.Bucket bucket = q.bucket();
    long from = q.fromEpochNanos();
    long to = q.toEpochNanos();
    long firstWhole = Math.floorDiv(from, MINUTE) + (Math.floorMod(from, MINUTE) == 0 ? 0 : 1);
    long endWhole = Math.floorDiv(to, MINUTE);
    Map<BucketKey, BucketTotals> buckets = new HashMap<>();
    if (firstWhole >= endWhole) {
      addCalls(c, projectRef, from, to, bucket, buckets);
    } else {
      addCalls(c, projectRef, from, firstWhole * MINUTE, bucket, buckets);
      try (PreparedStatement ps = c.prepareStatement(RANGE)) {
        Sql.bind(ps, q.projectId(), firstWhole, endWhole);
        try (ResultSet rs = ps.executeQuery()) {
          for (int rows = 1; rs.next(); rows++) {
            if (rows > maxRows) {
              throw new IllegalArgumentException("the range holds more than " + maxRows + " minute rollups of"
                  + " project " + q.projectId() + "; ask for a shorter range (from/to)");
            }
            BucketTotals b = buckets.computeIfAbsent(
                new BucketKey(bucket.startOf(rs.getLong(1) * MINUTE), rs.getString(2)), k -> new BucketTotals());
            b.totals.addNumbers(rs, 3);
            b.minutes.addEncoded(rs.getBytes(9));
          }
        }
      }
      addCalls(c, projectRef, endWhole * MINUTE, to, bucket, buckets);
    }
    List<Map.Entry<BucketKey, BucketTotals>> entries = new ArrayList<>(buckets.entrySet());
    entries.sort(Comparator.comparingLong((Map.Entry<BucketKey, BucketTotals> e) -> e.getKey().bucket())
        .thenComparing(e -> e.getKey().model()));
    List<MetricsRow> out = new ArrayList<>(entries.size());
    for (Map.Entry<BucketKey, BucketTotals> e : entries) {
      Totals t = e.getValue().totals;
      LatencySketch latency = e.getValue().latency();
      if (t.requests < 1 || latency.isEmpty()) {
        continue;
      }
      out.add(new MetricsRow(e.getKey().bucket(), e.getKey().model(), t.requests, t.errors, latency.quantile(50),
          latency.quantile(95), latency.quantile(99), t.input, t.output, t.costCount == 0 ? null : t.cost));
    }
    return out;
  }

  /** Adds the model calls of {@code [from, to)} one by one (an edge of the range). */
  private static void addCalls(Connection c, Integer projectRef, long from, long to, MetricsQuery.Bucket bucket,
      Map<BucketKey, BucketTotals> buckets) throws SQLException {
    if (to <= from || projectRef == null) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(CALLS)) {
      Sql.bind(ps, projectRef, from, to);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          SpanStat s = readStat(rs);
          buckets.computeIfAbsent(new BucketKey(bucket.startOf(s.startEpochNanos()), modelKey(s.model())),
              k -> new BucketTotals()).totals.add(s);
        }
      }
    }
  }
}
