package io.guardops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.store.TraceCursor;
import io.guardops.api.store.TraceQuery;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records validate in their constructors, with messages that name the field. */
class ModelTest {
  private static final long T0 = 1_700_000_000_000_000_000L;

  private static Span.Builder span() {
    return Span.builder().projectId("p").traceId("0af7651916cd43dd8448eb211c80319c").spanId("b7ad6b7169203331")
        .startEpochNanos(T0).endEpochNanos(T0 + 10);
  }

  @Test
  void spanIdsMustBeLowercaseHexOfTheRightLengthAndNotZero() {
    assertThat(span().build().isRoot()).isTrue();
    assertThat(span().parentSpanId("").build().parentSpanId()).isNull();
    assertThatThrownBy(() -> span().traceId("0AF7651916CD43DD8448EB211C80319C").build()).hasMessageContaining("traceId");
    assertThatThrownBy(() -> span().traceId("abc").build()).hasMessageContaining("32 lowercase hex");
    assertThatThrownBy(() -> span().spanId("0000000000000000").build()).hasMessageContaining("all zeros");
    assertThatThrownBy(() -> span().spanId("b7ad6b716920333z").build()).hasMessageContaining("spanId");
    assertThatThrownBy(() -> span().parentSpanId("12").build()).hasMessageContaining("parentSpanId");
    assertThatThrownBy(() -> span().projectId(" ").build()).hasMessageContaining("projectId");
  }

  @Test
  void spanTimesMustBeInRangeAndOrdered() {
    assertThatThrownBy(() -> span().startEpochNanos(0).build()).hasMessageContaining("start time");
    assertThatThrownBy(() -> span().endEpochNanos(T0 - 1).build()).hasMessageContaining("end time");
    assertThatThrownBy(() -> span().startEpochNanos(Span.MAX_EPOCH_NANOS + 1).build())
        .hasMessageContaining("out of range");
  }

  @Test
  void spanDefaultsAndImmutableAttributes() {
    Span s = span().attributes(Map.of("n", 3, "f", 1.5f, "list", List.of(1, 2))).build();
    assertThat(s.name()).isEmpty();
    assertThat(s.kind()).isEqualTo(SpanKind.UNSPECIFIED);
    assertThat(s.status()).isEqualTo(StatusCode.UNSET);
    assertThat(s.llm()).isEqualTo(LlmFields.EMPTY);
    assertThat(s.attributes()).containsEntry("n", 3L).containsEntry("f", 1.5).containsEntry("list", List.of(1L, 2L));
    assertThatThrownBy(() -> s.attributes().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void llmFieldsRejectNegativeTokensAndBadCosts() {
    assertThatThrownBy(() -> LlmFields.builder().inputTokens(-1L).build()).hasMessageContaining("inputTokens");
    assertThatThrownBy(() -> LlmFields.builder().cost(Double.NaN).build()).hasMessageContaining("cost");
    assertThatThrownBy(() -> LlmFields.builder().cost(-0.1).build()).hasMessageContaining("cost");
    assertThat(LlmFields.builder().cost(0.5).build().currency()).isEqualTo("USD");
    assertThat(LlmFields.builder().inputTokens(3L).build().effectiveTotalTokens()).isEqualTo(3L);
    assertThat(LlmFields.EMPTY.effectiveTotalTokens()).isNull();
    assertThat(LlmFields.builder().requestModel("a").responseModel("b").build().model()).isEqualTo("b");
  }

  @Test
  void projectsValidateNameRetentionAndThresholds() {
    Project.Builder ok = Project.builder().projectId("p").ownerId("u").name("n").createdAt(Instant.EPOCH);
    assertThat(ok.build().retentionDays()).isZero();
    assertThatThrownBy(() -> ok.name(" ").build()).hasMessageContaining("name");
    assertThatThrownBy(() -> ok.name("n").retentionDays(-1).build()).hasMessageContaining("retention");
    assertThatThrownBy(() -> ok.retentionDays(Project.MAX_RETENTION_DAYS + 1).build())
        .hasMessageContaining("retention");
    assertThatThrownBy(() -> ok.retentionDays(1).latencyWarningSeconds(10).latencyCriticalSeconds(5).build())
        .hasMessageContaining("critical");
    assertThatThrownBy(() -> ok.latencyWarningSeconds(0).build()).hasMessageContaining("positive");
    assertThatThrownBy(() -> ok.latencyWarningSeconds(1).latencyCriticalSeconds(5).tags(List.of("a", " ")).build())
        .hasMessageContaining("tags");
  }

  @Test
  void apiKeysHoldOnlyAHash() {
    assertThatThrownBy(() -> new ApiKey("k", "u", "not-a-hash", "", Instant.EPOCH, null))
        .hasMessageContaining("hashOfHash");
    assertThat(new ApiKey("k", "u", "a".repeat(64), null, Instant.EPOCH, null).hint()).isEmpty();
  }

  @Test
  void traceQueriesValidatePagingAndFilters() {
    assertThatThrownBy(() -> TraceQuery.page("p", -1, 10)).hasMessageContaining("offset");
    assertThatThrownBy(() -> TraceQuery.page("p", 0, 0)).hasMessageContaining("limit");
    assertThatThrownBy(() -> TraceQuery.page("p", 0, TraceQuery.MAX_LIMIT + 1)).hasMessageContaining("limit");
    assertThatThrownBy(() -> TraceQuery.builder("p").from(10L).to(5L).build())
        .hasMessageContaining("time range");
    assertThatThrownBy(() -> TraceQuery.builder("p").attribute("k", null).build())
        .hasMessageContaining("attribute");
    assertThatThrownBy(() -> TraceQuery.builder("p").after(new TraceCursor(1, "a".repeat(32))).offset(5).build())
        .hasMessageContaining("not both");
    assertThat(TraceQuery.page("p", 0, 10).isUnfiltered()).isTrue();
    assertThat(TraceQuery.builder("p").text("").build().text()).isNull();
  }
}
