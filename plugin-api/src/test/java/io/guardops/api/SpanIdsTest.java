package io.guardops.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SpanIdsTest {
  @Test
  void hexOfBytes() {
    assertThat(SpanIds.hexOrNull(new byte[] {0x01, (byte) 0xab, (byte) 0xff, 0})).isEqualTo("01abff00");
    assertThat(SpanIds.hexOrNull(new byte[8])).isNull();
    assertThat(SpanIds.hexOrNull(new byte[0])).isNull();
  }

  @Test
  void parsesPrefixedMixedCaseAndShortHex() {
    assertThat(SpanIds.parseHex("0xEEE19B7EC3C1B174", 16)).isEqualTo("eee19b7ec3c1b174");
    assertThat(SpanIds.parseHex("abc", 16)).as("wrong length is malformed, not padded").isNull();
    assertThat(SpanIds.parseHex("0x0000000000000abc", 16)).isEqualTo("0000000000000abc");
    assertThat(SpanIds.parseHex("0x", 16)).isNull();
    assertThat(SpanIds.parseHex("0x0000", 16)).isNull();
    assertThat(SpanIds.parseHex("xyz", 16)).isNull();
    assertThat(SpanIds.parseHex("0x" + "1".repeat(17), 16)).isNull();
  }

  @Test
  void otlpJsonIdsAreHexWithBase64Tolerated() {
    assertThat(SpanIds.parseOtlpJsonId("5B8EFFF798038103D269B633813FC60C", 32))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    // proto3 JSON's base64 of the same 16 bytes
    assertThat(SpanIds.parseOtlpJsonId("W47/95gDgQPSabYzgT/GDA==", 32))
        .isEqualTo("5b8efff798038103d269b633813fc60c");
    assertThat(SpanIds.parseOtlpJsonId("abc", 32)).isNull();
    assertThat(SpanIds.parseOtlpJsonId("0".repeat(32), 32)).isNull();
    assertThat(SpanIds.parseOtlpJsonId("g".repeat(32), 32)).isNull();
  }
}
