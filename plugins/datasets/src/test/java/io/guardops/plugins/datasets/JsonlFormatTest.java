package io.guardops.plugins.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.ComponentConfig;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.api.dataset.DatasetItem;
import io.guardops.api.dataset.ImportOptions;
import io.guardops.tck.DatasetFormatContract.Collected;
import io.guardops.tck.TestContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonlFormatTest {
  private final DatasetFormat jsonl = CsvFormatContractTest.format("jsonl");

  private static Collected read(DatasetFormat f, String text, ImportOptions options) throws IOException {
    Collected c = new Collected();
    f.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), options, c);
    return c;
  }

  @Test
  void wrongTypesAreReportedPerLine() throws IOException {
    Collected c = read(jsonl, "{\"input\": \"ok\", \"context\": [\"a\", \"b\"]}\r\n"   // 1
        + "{\"input\": \"x\", \"context\": [1, 2]}\n"                                   // 2
        + "{\"input\": \"x\", \"metadata\": [1]}\n"                                     // 3
        + "{\"input\": \"x\", \"id\": 1.5}\n"                                           // 4
        + "{\"input\": \"x\", \"output\": {\"a\": 1}}\n"                                // 5
        + "{\"input\": \"x\", \"input\": \"twice\"}\n"                                  // 6
        + "{\"input\": \"x\"} trailing\n"                                               // 7
        + "   \n"                                                                       // 8 blank
        + "{\"id\": 12, \"input\": \"last\", \"context\": \"one doc\"}", ImportOptions.defaults());

    assertThat(c.errorLines()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(c.errors.get(0).reason()).contains("'context' must be an array of strings");
    assertThat(c.errors.get(1).reason()).contains("'metadata' must be an object, found an array");
    assertThat(c.errors.get(2).reason()).contains("'id' must be a string or a whole number");
    assertThat(c.errors.get(3).reason()).contains("'output' must be a string, found an object");
    assertThat(c.errors.get(4).reason()).contains("invalid JSON").contains("Duplicate field");
    assertThat(c.errors.get(5).reason()).contains("invalid JSON");
    assertThat(c.items).extracting(DatasetItem::itemId).element(1).isEqualTo("12");
    assertThat(c.items.get(0).context()).containsExactly("a", "b");
    assertThat(c.items.get(1).context()).containsExactly("one doc");
    assertThat(c.lines).containsExactly(1L, 9L);
  }

  @Test
  void mappedAndUnmappedFields() throws IOException {
    Collected c = read(jsonl, "{\"q\": \"question\", \"a\": \"answer\", \"score\": 0.5, \"tags\": [\"x\"], "
        + "\"metadata\": {\"src\": \"web\"}}\n", new ImportOptions(Map.of("input", "q", "expected", "a"), 5));

    assertThat(c.errors).isEmpty();
    DatasetItem i = c.items.get(0);
    assertThat(i.input()).isEqualTo("question");
    assertThat(i.expected()).isEqualTo("answer");
    assertThat(i.metadata()).isEqualTo(Map.of("src", "web", "score", 0.5, "tags", List.of("x")));
  }

  @Test
  void aLineOverTheLimitIsRefusedAndReadingGoesOn() throws IOException {
    DatasetFormat small = new CsvJsonlFormatProvider().create(ComponentConfig.empty(Path.of("."))
        .with("jsonl-max-line-bytes", "64"), TestContext.empty()).get(1);
    String longLine = "{\"input\": \"" + "x".repeat(10_000) + "\"}";
    Collected c = read(small, "{\"input\": \"a\"}\n" + longLine + "\n{\"input\": \"b\"}\n", ImportOptions.defaults());

    assertThat(c.items).extracting(DatasetItem::input).containsExactly("a", "b");
    assertThat(c.errorLines()).containsExactly(2L);
    assertThat(c.errors.get(0).reason()).contains("longer than 64 bytes");
  }

  @Test
  void invalidUtf8IsAnError() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("{\"input\": \"ok\"}\n{\"input\": \"".getBytes(StandardCharsets.UTF_8));
    b.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
    b.writeBytes("\"}\n{\"input\": \"fine\"}\n".getBytes(StandardCharsets.UTF_8));
    Collected c = new Collected();
    jsonl.read(new ByteArrayInputStream(b.toByteArray()), ImportOptions.defaults(), c);

    assertThat(c.items).extracting(DatasetItem::input).containsExactly("ok", "fine");
    assertThat(c.errorLines()).containsExactly(2L);
    assertThat(c.errors.get(0).reason()).contains("UTF-8");
  }

  @Test
  void writesOneObjectPerLineWithoutAbsentFields() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    jsonl.write(List.of(new DatasetItem("1", "in\nput", null, "", List.of(), Map.of("k", List.of(1L)), null, null))
        .iterator(), out);
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"id\":\"1\",\"input\":\"in\\nput\",\"expected\":\"\",\"metadata\":{\"k\":[1]}}\n");
  }
}
