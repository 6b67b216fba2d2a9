package io.guardops.engine.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.guardops.api.AttributeMapper;
import io.guardops.api.AttributeMapperProvider;
import io.guardops.api.ComponentConfig;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuiltinMappersTest {
  @Test
  void providersHaveStableUniqueNamesAndCreateOrderedMappers() throws Exception {
    List<AttributeMapperProvider> providers = BuiltinMappers.providers();
    assertThat(providers).extracting(AttributeMapperProvider::name).containsExactlyElementsOf(MapperTesting.NAMES);
    int last = Integer.MIN_VALUE;
    for (AttributeMapperProvider p : providers) {
      AttributeMapper m = p.create(ComponentConfig.empty(Path.of(".")), io.guardops.tck.TestContext.empty());
      assertThat(m).isNotNull();
      assertThat(m.order()).isGreaterThan(last);
      last = m.order();
    }
    assertThat(BuiltinMappers.mappers()).hasSize(5);
  }

  @Test
  void mappersLeaveUnrelatedSpansEmpty() {
    assertThat(MapperTesting.mapAll(MapperTesting.attrs("http.method", "GET", "http.status_code", 200L,
        "db.statement", "select 1")).isEmpty()).isTrue();
  }
}
