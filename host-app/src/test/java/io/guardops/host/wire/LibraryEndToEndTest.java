package io.guardops.host.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.Span;
import io.guardops.engine.ingest.SpanNormalizer;
import io.guardops.engine.mapping.BuiltinMappers;
import io.guardops.engine.pricing.PriceTable;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A library span decoded, normalised and rendered back the way the web app reads it. */
class LibraryEndToEndTest {
  private final SpanNormalizer normalizer = new SpanNormalizer(BuiltinMappers.mappers(), PriceTable.bundled());

  @Test
  void tokensModelAndCostAppearInTheRenderedAttributes() {
    Span decoded = new GuardOpsLibraryDecoder()
        .decode(GuardOpsLibraryDecoderTest.BODY.getBytes(StandardCharsets.UTF_8), "proj-1").span();
    Span normalised = normalizer.normalize(decoded);
    assertThat(normalised.llm().cost()).isNotNull().isPositive();
    Map<String, Object> doc = GuardOpsSpanView.render(normalised);
    @SuppressWarnings("unchecked")
    Map<String, Object> attrs = (Map<String, Object>) doc.get("attributes");
    assertThat(attrs).containsEntry("prompt", "Tell me a joke")
        .containsEntry("output", "Why did ...")
        .containsEntry("model", "gpt-3.5-turbo-0613")
        .containsEntry("prompt_tokens", 12L)
        .containsEntry("completion_tokens", 23L)
        .containsEntry("total_tokens", 35L)
        .containsKey("cost");
    assertThat(doc.toString()).doesNotContain(GuardOpsLibraryDecoderTest.TOKEN);
  }

  @Test
  void trailingGarbageIsRejected() {
    assertThatThrownBy(() -> new GuardOpsLibraryDecoder()
        .decode((GuardOpsLibraryDecoderTest.BODY + " x").getBytes(StandardCharsets.UTF_8), "p"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON");
  }
}
