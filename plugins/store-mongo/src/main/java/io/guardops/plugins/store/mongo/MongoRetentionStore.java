package io.guardops.plugins.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lte;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.guardops.api.CleanupRecord;
import io.guardops.api.store.RetentionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.Document;

/**
 * {@code Cleanup} records ({@code {_id: record id, project_id, Execution_time, executed_ns, cutoff_ns,
 * deleted_traces, deleted_spans, duration_ns}}: the original's field names where it had them) and
 * {@code Leases} ({@code {_id: name, holder, expires_ns}}). A lease name is any string (the retention
 * sweep's, {@code dataset:<id>}, {@code experiment:<id>}): it is the {@code _id} value, never a field
 * name. A free lease has no document: release deletes it, so documents do not pile up with names.
 * Expiry is judged by the caller's clock only (no TTL index, whose server clock could free a lease
 * the caller still holds); a document left by a holder that crashed is taken over at the name's next
 * acquisition.
 */
final class MongoRetentionStore implements RetentionStore {
  private final MongoCollection<Document> cleanup;
  private final MongoCollection<Document> leases;

  MongoRetentionStore(MongoCollection<Document> cleanup, MongoCollection<Document> leases) {
    this.cleanup = cleanup;
    this.leases = leases;
  }

  @Override
  public void addCleanupRecord(CleanupRecord r) {
    Document d = new Document("_id", r.recordId()).append("project_id", r.projectId())
        .append("Execution_time", Date.from(r.executedAt())).append("executed_ns", Mongo.nanos(r.executedAt()))
        .append("cutoff_ns", Mongo.nanos(r.cutoff())).append("deleted_traces", r.deletedTraces())
        .append("deleted_spans", r.deletedSpans()).append("duration_ns", r.duration().toNanos());
    Mongo.run("cleanup record write",
        () -> cleanup.replaceOne(eq("_id", r.recordId()), d, new ReplaceOptions().upsert(true)));
  }

  @Override
  public List<CleanupRecord> listCleanupRecords(String projectId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
    return Mongo.call("cleanup record list", () -> {
      List<CleanupRecord> out = new ArrayList<>();
      for (Document d : cleanup.find(projectId == null ? new Document() : eq("project_id", projectId))
          .sort(Sorts.descending("executed_ns", "_id")).limit(limit)) {
        out.add(new CleanupRecord(d.getString("_id"), Mongo.instant(Mongo.longOf(d, "executed_ns")),
            d.getString("project_id"), Mongo.instant(Mongo.longOf(d, "cutoff_ns")), Mongo.longOf(d, "deleted_traces"),
            Mongo.longOf(d, "deleted_spans"), Duration.ofNanos(Mongo.longOf(d, "duration_ns"))));
      }
      return out;
    });
  }

  /**
   * One conditional upsert: its filter admits the lease only if this holder has it or it expired; a
   * free lease does not exist, so the upsert inserts it. When another holder has it, the filter
   * matches nothing and the insert fails on {@code _id}: that duplicate key is the "no".
   */
  @Override
  public boolean tryAcquireLease(String name, String holder, Instant now, Duration ttl) {
    long t = Mongo.nanos(now);
    long until = Mongo.saturatedNanos(now, ttl);
    return Mongo.call("lease acquisition", () -> Mongo.unlessDuplicate(() -> leases.updateOne(
        and(eq("_id", name), or(eq("holder", holder), lte("expires_ns", t))),
        Updates.combine(Updates.set("holder", holder), Updates.set("expires_ns", until)),
        new UpdateOptions().upsert(true))));
  }

  @Override
  public void releaseLease(String name, String holder) {
    Mongo.run("lease release", () -> leases.deleteOne(and(eq("_id", name), eq("holder", holder))));
  }
}
