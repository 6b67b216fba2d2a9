package io.guardops.engine.pii;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.LlmFields;
import io.guardops.api.Span;
import io.guardops.api.SpanEvent;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PiiDetectorTest {
  private final PiiDetector detector = PiiDetector.standard();

  @Test
  void masksLeaveTheTypeInPlaceAndTextWithoutFindingsUntouched() {
    String text = "Mail ann@example.org, call +44 20 7946 0958, pay 4111 1111 1111 1111.";
    assertThat(detector.mask(text, PiiType.DEFAULT)).isEqualTo("Mail [EMAIL], call [PHONE], pay [CREDIT_CARD].");
    String clean = "Summarise this article in three sentences.";
    assertThat(detector.mask(clean, PiiType.DEFAULT)).isSameAs(clean);
  }

  @Test
  void onlyTheAskedTypesAreFound() {
    String text = "ann@example.org from 10.0.0.1";
    assertThat(detector.detect(text, EnumSet.of(PiiType.IP_ADDRESS))).singleElement()
        .satisfies(e -> assertThat(e.in(text)).isEqualTo("10.0.0.1"));
    assertThat(detector.detect(text, Set.of())).isEmpty();
    assertThat(detector.detect("Dr. Ann Lee", PiiType.DEFAULT)).as("names are opt-in").isEmpty();
    assertThat(detector.detect("Dr. Ann Lee", EnumSet.of(PiiType.PERSON))).hasSize(1);
  }

  @Test
  void aTokenInsideAnAddressWinsOverTheAddress() {
    String url = "https://ghp_cXgGCJbW56eCuNGMGmSrCGIZEG8pSH4487q7@github.com/org/repo.git";
    assertThat(detector.detect(url, PiiType.DEFAULT)).singleElement().satisfies(e -> {
      assertThat(e.type()).isEqualTo(PiiType.API_KEY);
      assertThat(e.in(url)).startsWith("ghp_").endsWith("4487q7");
    });
  }

  @Test
  void checksumsDecide() {
    assertThat(PiiDetector.luhn("4111111111111111")).isTrue();
    assertThat(PiiDetector.luhn("4111111111111112")).isFalse();
    assertThat(PiiDetector.mod97("GB82WEST12345698765432")).isTrue();
    assertThat(PiiDetector.mod97("GB82WEST12345698765433")).isFalse();
    assertThat(PiiDetector.ipv4("255.255.255.255")).isTrue();
    assertThat(PiiDetector.ipv4("256.1.1.1")).isFalse();
    assertThat(PiiDetector.validIpv6("2001:db8::1")).isTrue();
    assertThat(PiiDetector.validIpv6("1:2:3:4:5:6:7:8")).isTrue();
    assertThat(PiiDetector.validIpv6("1:2:3:4:5:6:7")).isFalse();
    assertThat(PiiDetector.validIpv6("1::2::3")).isFalse();
    assertThat(PiiDetector.validIpv6("::ffff:10.0.0.1")).isTrue();
  }

  @Test
  void typesParseCaseInsensitivelyAndNameTheKnownOnes() {
    assertThat(PiiType.parse(List.of("email, phone", "IBAN"))).containsExactly(PiiType.EMAIL, PiiType.PHONE,
        PiiType.IBAN);
    assertThatThrownBy(() -> PiiType.parse(List.of("passport"))).hasMessageContaining("passport")
        .hasMessageContaining("CREDIT_CARD");
  }

  @Test
  void aSpanIsMaskedInItsTextAttributesEventsAndStatusAndKeptWhenClean() {
    SpanMasker masker = new SpanMasker(detector);
    Span span = Span.builder().projectId("p").traceId("0af7651916cd43dd8448eb211c80319c").spanId("00f067aa0ba902b7")
        .name("chat").startEpochNanos(1).endEpochNanos(2).statusMessage("no reply from bob@example.com")
        .attributes(Map.of("gen_ai.prompt", "write to bob@example.com", "tokens", 12L,
            "nested", Map.of("list", List.of("ok", "ip 10.1.2.3"))))
        .events(List.of(new SpanEvent("message", 1, Map.of("content", "bob@example.com"))))
        .llm(LlmFields.builder().prompt("write to bob@example.com").output("done").requestModel("gpt-4o").build())
        .build();
    Span m = masker.mask(span, PiiType.DEFAULT);
    assertThat(m.llm().prompt()).isEqualTo("write to [EMAIL]");
    assertThat(m.llm().output()).isEqualTo("done");
    assertThat(m.llm().requestModel()).isEqualTo("gpt-4o");
    assertThat(m.attributes()).containsEntry("gen_ai.prompt", "write to [EMAIL]").containsEntry("tokens", 12L)
        .containsEntry("nested", Map.of("list", List.of("ok", "ip [IP_ADDRESS]")));
    assertThat(m.events().get(0).attributes()).containsEntry("content", "[EMAIL]");
    assertThat(m.statusMessage()).isEqualTo("no reply from [EMAIL]");
    assertThat(m.traceId()).isEqualTo(span.traceId());

    Span clean = Span.builder().projectId("p").traceId("0af7651916cd43dd8448eb211c80319c").spanId("00f067aa0ba902b7")
        .name("chat").startEpochNanos(1).endEpochNanos(2).attributes(Map.of("gen_ai.prompt", "hello")).build();
    assertThat(masker.mask(clean, PiiType.DEFAULT)).isSameAs(clean);
  }
}
