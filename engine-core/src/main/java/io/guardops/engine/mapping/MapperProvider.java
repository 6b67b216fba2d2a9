package io.guardops.engine.mapping;

import io.guardops.api.AttributeMapper;
import io.guardops.api.AttributeMapperProvider;
import io.guardops.api.ComponentConfig;

/** A provider for a built-in, stateless mapper: one shared instance, no configuration. */
abstract class MapperProvider implements AttributeMapperProvider {
  private final String name;
  private final AttributeMapper mapper;

  MapperProvider(String name, AttributeMapper mapper) {
    this.name = name;
    this.mapper = mapper;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final AttributeMapper create(ComponentConfig config, io.guardops.api.ComponentContext context) {
    return mapper;
  }

  @Override
  public final String pluginId() {
    return "engine-core";
  }

  /** The mapper itself, for code that does not go through configuration. */
  final AttributeMapper mapper() {
    return mapper;
  }
}
