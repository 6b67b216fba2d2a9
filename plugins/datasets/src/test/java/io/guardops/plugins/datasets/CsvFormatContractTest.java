package io.guardops.plugins.datasets;

import io.guardops.api.ComponentConfig;
import io.guardops.api.dataset.DatasetFormat;
import io.guardops.tck.DatasetFormatContract;
import io.guardops.tck.TestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

class CsvFormatContractTest extends DatasetFormatContract {
  static DatasetFormat format(String name) {
    return new CsvJsonlFormatProvider().create(ComponentConfig.empty(Path.of(".")), TestContext.empty()).stream()
        .filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  @Override
  protected DatasetFormat newFormat() {
    return format("csv");
  }

  @Override
  protected Malformed malformed() {
    String csv = "id,input,expected\r\n"          // line 1
        + "a,first,1\r\n"                          // 2
        + "b,too,many,fields\r\n"                  // 3: wrong column count
        + "c,\"multi\nline\",ok\r\n"               // 4-5
        + "d,\"bad\"x,2\r\n"                       // 6: text after a closing quote
        + "e,last good,3\r\n";                     // 7
    return new Malformed(csv.getBytes(StandardCharsets.UTF_8), List.of(3L, 6L), List.of("a", "c", "e"));
  }
}
