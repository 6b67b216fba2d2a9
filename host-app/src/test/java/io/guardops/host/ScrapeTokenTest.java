package io.guardops.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScrapeTokenTest {
  @Test
  void matchesOnlyTheConfiguredTokenAndNeverShowsIt() {
    ScrapeToken t = new ScrapeToken("0123456789abcdef-secret");
    assertThat(t.matches("0123456789abcdef-secret")).isTrue();
    assertThat(t.matches("0123456789abcdef-secreT")).isFalse();
    assertThat(t.matches("0123456789abcdef-secret ")).isFalse();
    assertThat(t.matches("")).isFalse();
    assertThat(t.matches(null)).isFalse();
    assertThat(t.toString()).doesNotContain("secret");
  }

  @Test
  void noTokenMatchesNothingAndAShortOneIsRefused() {
    assertThat(new ScrapeToken(null).matches("anything")).isFalse();
    assertThatThrownBy(() -> new ScrapeToken("short")).hasMessageContaining("guardops.metrics.token")
        .hasMessageContaining("at least 16");
  }
}
