package io.guardops.engine.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesTest {
  @Test
  void plainAndStructured() {
    assertThat(Messages.text("hello")).isEqualTo("hello");
    assertThat(Messages.text("[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]"))
        .isEqualTo("a\nb");
    assertThat(Messages.text("[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{}},"
        + "{\"type\":\"text\",\"text\":\"what is this?\"}]}]")).isEqualTo("what is this?");
    assertThat(Messages.text(List.of(Map.of("parts", List.of(Map.of("type", "text", "content", "x"))))))
        .isEqualTo("x");
    assertThat(Messages.text("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"system\":\"s\"}"))
        .isEqualTo("s\nq");
  }

  @Test
  void jsonWithoutTextIsKeptAsSent() {
    assertThat(Messages.text("{\"city\":\"Paris\"}")).isEqualTo("{\"city\":\"Paris\"}");
    assertThat(Messages.text("[1, 2")).isEqualTo("[1, 2");
    assertThat(Messages.text(5L)).isNull();
  }
}
