package io.guardops.engine.ingest;

import io.guardops.api.AttributeMapper;
import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.engine.pricing.PriceTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a span's normalised {@link LlmFields}: runs the mappers in ascending
 * {@link AttributeMapper#order()}, then prices the result. Internal: not API.
 *
 * <p>Fields already present on the span are kept (mappers only fill gaps through the builder's
 * {@code IfAbsent} setters); a cost already set is kept, otherwise the price table decides, and an
 * unknown model leaves the cost {@code null}. A mapper that throws despite its contract is logged
 * (rate-limited to its first failure) and skipped for that span, so one bad mapper never loses a
 * span. Immutable and thread-safe if the mappers are.
 */
public final class SpanNormalizer {
  private static final Logger LOG = LoggerFactory.getLogger(SpanNormalizer.class);

  private final AttributeMapper[] mappers;
  private final PriceTable prices;
  private final boolean[] warned;

  /**
   * @param mappers the mappers to run; sorted here by order (stable for equal orders); never null
   * @param prices the price table, or {@code null} to leave costs as the mappers set them
   */
  public SpanNormalizer(List<? extends AttributeMapper> mappers, PriceTable prices) {
    List<AttributeMapper> sorted = new ArrayList<>(Objects.requireNonNull(mappers, "mappers"));
    sorted.sort(Comparator.comparingInt(AttributeMapper::order));
    this.mappers = sorted.toArray(new AttributeMapper[0]);
    this.prices = prices;
    this.warned = new boolean[this.mappers.length];
  }

  /** The span with its LLM fields filled; the same instance when nothing changed. */
  public Span normalize(Span span) {
    LlmFields before = span.llm();
    LlmFields.Builder b = before.toBuilder();
    for (int i = 0; i < mappers.length; i++) {
      try {
        mappers[i].map(span.name(), span.attributes(), span.resource(), b);
      } catch (RuntimeException e) {
        if (!warned[i]) {
          // benign race: at worst a second warning
          warned[i] = true;
          LOG.warn("attribute mapper {} failed on span '{}' and is skipped for such spans; first failure",
              mappers[i].getClass().getName(), span.name(), e);
        }
      }
    }
    LlmFields llm;
    try {
      llm = b.build();
    } catch (IllegalArgumentException e) {
      // a mapper produced something the model refuses (cannot happen with the built-ins' count checks)
      LOG.debug("normalised fields of span '{}' rejected: {}", span.name(), e.getMessage());
      return span;
    }
    if (prices != null && llm.cost() == null) {
      Double cost = prices.cost(llm);
      if (cost != null) {
        llm = llm.toBuilder().cost(cost).currency("USD").build();
      }
    }
    return llm.equals(before) ? span : span.withLlm(llm);
  }

  /** Normalises every span of a batch, in order. */
  public List<Span> normalizeAll(List<Span> spans) {
    List<Span> out = new ArrayList<>(spans.size());
    for (Span s : spans) {
      out.add(normalize(s));
    }
    return out;
  }
}
