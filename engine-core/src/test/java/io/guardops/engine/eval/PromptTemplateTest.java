package io.guardops.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.dataset.DatasetItem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {
  static final DatasetItem ITEM = new DatasetItem("i1", "What is 2+2?", "4", "four",
      List.of("Arithmetic is fun.", "2+2=4"), Map.of("audience", "children", "level", 3L, "tags", List.of("a", "b")),
      null, null);

  @Test
  void fillsInputExpectedOutputContextAndMetadata() {
    PromptTemplate t = PromptTemplate.parse("For {{ audience }} (level {{metadata.level}}, {{tags}}):\n"
        + "{{input}}\nExpected: {{expected}}\nContext:\n{{context}}\nWas: {{output}}");
    assertThat(t.variables()).containsExactly("audience", "metadata.level", "tags", "input", "expected", "context",
        "output");
    assertThat(t.render(PromptTemplate.variables(ITEM))).isEqualTo("For children (level 3, [\"a\",\"b\"]):\n"
        + "What is 2+2?\nExpected: four\nContext:\n[1] Arithmetic is fun.\n[2] 2+2=4\nWas: 4");
  }

  @Test
  void aVariableTheItemCannotFillIsAnErrorNotAnEmptyString() {
    DatasetItem bare = new DatasetItem("i2", "hi", null, null, List.of(), Map.of(), null, null);
    assertThatThrownBy(() -> PromptTemplate.parse("{{input}} vs {{expected}}").render(PromptTemplate.variables(bare)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{{expected}}")
        .hasMessageContaining("no expected answer");
    assertThatThrownBy(() -> PromptTemplate.parse("{{nope}}").render(PromptTemplate.variables(bare)))
        .hasMessageContaining("{{nope}}");
  }

  @Test
  void metadataNeverShadowsTheItemsOwnFields() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("input", "from metadata");
    DatasetItem i = new DatasetItem("i3", "the real input", null, null, List.of(), meta, null, null);
    assertThat(PromptTemplate.parse("{{input}} / {{metadata.input}}").render(PromptTemplate.variables(i)))
        .isEqualTo("the real input / the real input");
  }

  @Test
  void malformedTemplatesAreRefusedWithTheLine() {
    assertThatThrownBy(() -> PromptTemplate.parse("ok\n{{ input")).hasMessageContaining("line 2");
    assertThatThrownBy(() -> PromptTemplate.parse("{{1abc}}")).hasMessageContaining("not a variable");
    assertThatThrownBy(() -> PromptTemplate.parse("  ")).hasMessageContaining("empty");
    assertThat(PromptTemplate.parse("no variables, {single} braces").render(Map.of()))
        .isEqualTo("no variables, {single} braces");
  }
}
