package io.guardops.engine;

import io.guardops.api.Span;
import io.guardops.api.auth.Caller;
import io.guardops.api.ingest.IngestException;
import io.guardops.api.ingest.IngestService;
import io.guardops.api.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The engine's ingestion as receiver plugins see it ({@link IngestService}): the same callers, routing
 * and writes as OTLP/HTTP, with the engine's refusals translated into {@link IngestException}s (plugins
 * see only plugin-api types).
 */
final class IngestServices implements IngestService {
  private final Callers callers;
  private final Ingest ingest;
  private final long maxMessageBytes;

  IngestServices(Callers callers, Ingest ingest, long maxMessageBytes) {
    this.callers = callers;
    this.ingest = ingest;
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public Caller apiKey(String rawKey) {
    return translate(() -> callers.apiKey(rawKey));
  }

  @Override
  public Routing routing(Caller caller, String projectHeader) {
    Ingest.Routing r = translate(() -> ingest.routing(caller, projectHeader));
    return new Routing() {
      @Override
      public String projectFor(Map<String, Object> resourceAttributes) {
        return r.projectFor(resourceAttributes);
      }

      @Override
      public String noProjectReason() {
        return r.noProjectReason();
      }
    };
  }

  @Override
  public void write(Caller caller, List<Span> spans) {
    translate(() -> {
      ingest.write(caller, spans);
      return null;
    });
  }

  @Override
  public long maxMessageBytes() {
    return maxMessageBytes;
  }

  private static <T> T translate(Supplier<T> call) {
    try {
      return call.get();
    } catch (EngineException e) {
      throw new IngestException(switch (e.kind()) {
        case UNAUTHORIZED -> IngestException.Kind.UNAUTHENTICATED;
        case NOT_FOUND, FORBIDDEN -> IngestException.Kind.NOT_FOUND;
        case TOO_LARGE -> IngestException.Kind.TOO_LARGE;
        case UNAVAILABLE -> IngestException.Kind.UNAVAILABLE;
        default -> IngestException.Kind.INVALID;
      }, e.getMessage(), e);
    } catch (StoreException e) {
      throw new IngestException(IngestException.Kind.UNAVAILABLE, "the store is unavailable; retry later", e);
    } catch (IllegalArgumentException e) {
      throw new IngestException(IngestException.Kind.INVALID, e.getMessage(), e);
    }
  }
}
