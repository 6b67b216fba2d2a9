package io.guardops.tck;

import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/**
 * Every store contract suite at once: a store implementation's test extends this class and says
 * once how to open its backend; JUnit runs each suite as a nested class.
 *
 * <pre>{@code
 * class SqliteStoreContractsTest extends StoreContracts {
 *   @Override protected StoreBackend backend(Path dir) { return new SqliteBackend(dir); }
 * }
 * }</pre>
 */
public abstract class StoreContracts {
  /** The backend to test over {@code dir}, a fresh empty directory per test. */
  protected abstract StoreBackend backend(Path dir) throws Exception;

  @Nested
  class Lifecycle extends StoreLifecycleContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Users extends UserStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Projects extends ProjectStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Sharing extends SharingStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class ApiKeys extends ApiKeyStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Spans extends SpanStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Retention extends RetentionStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Meta extends MetaStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class TwoInstances extends MultiInstanceContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Datasets extends DatasetStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Evaluations extends EvaluationStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Experiments extends ExperimentStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Scores extends ScoreStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }

  @Nested
  class Records extends RecordStoreContract {
    @Override
    protected StoreBackend backend(Path dir) throws Exception {
      return StoreContracts.this.backend(dir);
    }
  }
}
