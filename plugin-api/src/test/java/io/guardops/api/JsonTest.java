package io.guardops.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void escapesWhatJsonRequiresAndRoundTrips() {
    String nasty = "quote \" backslash \\ newline \n tab \t cr \r bs \b ff \f nul \u0000 us \u001f"
        + " ls \u2028 ps \u2029 unicode é 漢字 emoji 😀 end";
    String json = Json.write(nasty);
    assertThat(json).startsWith("\"").endsWith("\"")
        .contains("\\\"", "\\\\", "\\n", "\\t", "\\r", "\\b", "\\f", "\\u0000", "\\u001f", "\\u2028", "\\u2029")
        .doesNotContain("\n", "\u0000", "\u2028");
    assertThat(Json.read(json)).isEqualTo(nasty);
    assertThat(Json.write("plain")).isEqualTo("\"plain\"");
    assertThat(Json.write("")).isEqualTo("\"\"");
  }

  @Test
  void writesAndReadsNestedValues() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "x");
    m.put("l", 42L);
    m.put("d", 1.5);
    m.put("b", true);
    m.put("list", List.of(1L, "two", List.of(3.25)));
    m.put("map", Map.of("k", "v"));
    String json = Json.write(m);
    assertThat(json).isEqualTo("{\"s\":\"x\",\"l\":42,\"d\":1.5,\"b\":true,\"list\":[1,\"two\",[3.25]],\"map\":{\"k\":\"v\"}}");
    assertThat(Json.readObject(json)).isEqualTo(m);
    assertThat(Json.write(Double.NaN)).isEqualTo("\"NaN\"");
    assertThat(Json.readObject("")).isEmpty();
  }

  @Test
  void rejectsMalformedInputWithTheOffset() {
    assertThatThrownBy(() -> Json.read("{\"a\": }")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset");
    assertThatThrownBy(() -> Json.read("[1, 2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.read("\"unterminated")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.read("{} trailing")).hasMessageContaining("trailing");
    assertThatThrownBy(() -> Json.read("[".repeat(300) + "]".repeat(300))).hasMessageContaining("deeply");
    assertThatThrownBy(() -> Json.readObject("[1]")).hasMessageContaining("object");
  }
}
