package io.guardops.plugins.store.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoIterable;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.WriteModel;
import io.guardops.api.store.StoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.bson.BSONException;
import org.bson.Document;

/** Small helpers every part shares: failure translation, time and number conversions. */
final class Mongo {
  /** Rounds of upserts that lost a duplicate-key race before giving up. */
  private static final int MAX_UPSERT_ROUNDS = 5;

  private Mongo() {}

  /**
   * Runs one store operation, turning driver failures into {@link StoreException} (the host answers
   * 503 and the caller retries). A closed client surfaces the same way.
   */
  static <T> T call(String what, Supplier<T> op) {
    try {
      return op.get();
    } catch (MongoInterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("MongoDB " + what + " was interrupted", e);
    } catch (MongoTimeoutException e) {
      throw new StoreException("MongoDB " + what + " failed: no MongoDB server answered in time (is it running and"
          + " reachable? see guardops.store.mongo.uri and server-selection-timeout): " + e.getMessage(), e);
    } catch (MongoException e) {
      throw new StoreException("MongoDB " + what + " failed: " + e.getMessage(), e);
    } catch (BSONException e) {
      // the driver refuses a document over MongoDB's 16 MB limit before sending it
      throw new IllegalArgumentException("MongoDB " + what + " refused the data: " + e.getMessage(), e);
    } catch (IllegalStateException e) {
      if (String.valueOf(e.getMessage()).contains("open")) {
        throw new StoreException("the MongoDB store is closed", e);
      }
      throw e;
    }
  }

  /** Reads every document of a query (it runs when iterated, so inside {@link #call}) as a list. */
  static <T> List<T> list(String what, MongoIterable<Document> query, Function<Document, T> read) {
    return call(what, () -> {
      List<T> out = new ArrayList<>();
      for (Document d : query) {
        out.add(read.apply(d));
      }
      return out;
    });
  }

  /** Like {@link #call} for operations without a result. */
  static void run(String what, Runnable op) {
    call(what, () -> {
      op.run();
      return null;
    });
  }

  /**
   * Runs a write that a unique index or {@code _id} may refuse.
   *
   * @return {@code false} if it was refused as a duplicate key, {@code true} if it was applied
   */
  static boolean unlessDuplicate(Runnable write) {
    try {
      write.run();
      return true;
    } catch (MongoWriteException e) {
      if (isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  /** Whether a failure is a duplicate key (a unique index or {@code _id} said no). */
  static boolean isDuplicateKey(MongoException e) {
    if (e instanceof MongoWriteException w) {
      return w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
    }
    if (e instanceof MongoCommandException c) {
      return ErrorCategory.fromErrorCode(c.getErrorCode()) == ErrorCategory.DUPLICATE_KEY;
    }
    if (e instanceof MongoBulkWriteException b) {
      return !b.getWriteErrors().isEmpty() && b.getWriteErrors().stream().allMatch(Mongo::isDuplicateKey)
          && b.getWriteConcernError() == null;
    }
    return false;
  }

  static boolean isDuplicateKey(BulkWriteError e) {
    return e.getCategory() == ErrorCategory.DUPLICATE_KEY;
  }

  /**
   * One unordered bulk of writes whose upserts are keyed by a unique index. Two writers inserting the
   * same new key race on that index; MongoDB 4.2+ retries such an upsert itself (its filter is an
   * equality on exactly the index's fields), servers that do not report a duplicate key, and the
   * losing operations are sent again (then they update).
   */
  static void bulkUpsert(MongoCollection<Document> collection, List<? extends WriteModel<Document>> ops) {
    List<? extends WriteModel<Document>> pending = ops;
    for (int round = 1; ; round++) {
      try {
        collection.bulkWrite(pending, new BulkWriteOptions().ordered(false));
        return;
      } catch (MongoBulkWriteException e) {
        if (round == MAX_UPSERT_ROUNDS || !isDuplicateKey(e)) {
          throw e;
        }
        List<WriteModel<Document>> again = new ArrayList<>();
        for (BulkWriteError error : e.getWriteErrors()) {
          again.add(pending.get(error.getIndex()));
        }
        pending = again;
      }
    }
  }

  /** {@code limit} checked as a stream's limit is: negative is refused; 0 gives nothing (unlike MongoDB's 0). */
  static boolean nothingWanted(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, was " + limit);
    }
    return limit == 0;
  }

  /** An instant's nanoseconds, or {@code null}. */
  static Long nanosOrNull(Instant t) {
    return t == null ? null : nanos(t);
  }

  /**
   * An instant as nanoseconds since the epoch, the form every time is stored in (exact, and ordered
   * as a number).
   *
   * @throws IllegalArgumentException outside 1677..2262, which signed nanoseconds cannot hold
   */
  static long nanos(Instant t) {
    try {
      return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("time " + t + " is outside what the store keeps (years 1678 to 2261)");
    }
  }

  /** {@link #nanos} that saturates instead of failing (for expiries computed as now + ttl). */
  static long saturatedNanos(Instant now, java.time.Duration plus) {
    long base = nanos(now);
    long add;
    try {
      add = plus.toNanos();
    } catch (ArithmeticException e) {
      add = plus.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    long sum = base + add;
    // overflow iff both operands have the same sign and the result's sign differs
    if (((base ^ sum) & (add ^ sum)) < 0) {
      return add > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }

  static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** The stored instant of {@code key}, or {@code null}. */
  static Instant instantOrNull(Document d, String key) {
    Object v = d.get(key);
    return v == null ? null : instant(((Number) v).longValue());
  }

  /** A number field as a long; missing or null is 0. */
  static long longOf(Document d, String key) {
    Object v = d.get(key);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** A number field as a Long, or {@code null}. */
  static Long longOrNull(Document d, String key) {
    Object v = d.get(key);
    return v == null ? null : ((Number) v).longValue();
  }

  /** A number field as a Double, or {@code null}. */
  static Double doubleOrNull(Document d, String key) {
    Object v = d.get(key);
    return v == null ? null : ((Number) v).doubleValue();
  }
}
