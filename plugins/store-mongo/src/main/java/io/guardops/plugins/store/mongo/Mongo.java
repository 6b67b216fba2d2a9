package io.guardops.plugins.store.mongo;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import io.guardops.api.store.StoreException;
import java.time.Instant;
import java.util.function.Supplier;
import org.bson.BSONException;
import org.bson.Document;

/** Small helpers every part shares: failure translation, time and number conversions. */
final class Mongo {
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
