package io.guardops.plugins.datasets;

import io.guardops.api.dataset.DatasetFormat;
import io.guardops.tck.DatasetFormatContract;
import java.nio.charset.StandardCharsets;
import java.util.List;

class JsonlFormatContractTest extends DatasetFormatContract {
  @Override
  protected DatasetFormat newFormat() {
    return CsvFormatContractTest.format("jsonl");
  }

  @Override
  protected Malformed malformed() {
    String jsonl = "{\"id\": \"a\", \"input\": \"first\"}\n"   // 1
        + "{\"id\": \"b\", \"input\": \n"                     // 2: invalid JSON
        + "\n"                                                // 3: blank, skipped
        + "[\"not\", \"an object\"]\n"                        // 4: not an object
        + "{\"id\": \"c\", \"input\": \"ok\"}\n"              // 5
        + "{\"id\": \"d\", \"input\": 42}\n"                  // 6: wrong type
        + "{\"id\": \"e\", \"input\": \"last\"}\n";           // 7
    return new Malformed(jsonl.getBytes(StandardCharsets.UTF_8), List.of(2L, 4L, 6L), List.of("a", "c", "e"));
  }
}
