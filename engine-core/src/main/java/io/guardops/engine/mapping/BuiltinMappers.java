package io.guardops.engine.mapping;

import io.guardops.api.AttributeMapper;
import io.guardops.api.AttributeMapperProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The attribute mappers that ship with the engine. Internal: not API.
 *
 * <p>Names and orders (lower runs first, and with the builder's {@code IfAbsent} setters the first
 * mapper to set a field wins): {@code otel-genai} 10, {@code openinference} 20, {@code openllmetry}
 * 30, {@code vercel-ai} 40, {@code guardops-library} 50. The standard convention goes first; the
 * GuardOps library's derived {@code prompt}/{@code output}/{@code model} attributes last.
 *
 * <p>Usage rule shared by all of them: a span that wraps other LLM calls (an agent, workflow,
 * chain or task span, or Vercel's outer {@code ai.generateText}) gets
 * {@code usageIsAggregate = true}, because its token counts repeat those of its children and must
 * not be summed into trace totals a second time. Mappers only ever set the flag, never clear it.
 */
public final class BuiltinMappers {
  private BuiltinMappers() {}

  /** New instances of every built-in provider, in mapper order. Never {@code null}. */
  public static List<AttributeMapperProvider> providers() {
    return List.of(new OtelGenAiMapper.Provider(), new OpenInferenceMapper.Provider(),
        new OpenLlmetryMapper.Provider(), new VercelAiMapper.Provider(), new GuardOpsLibraryMapper.Provider());
  }

  /** The built-in mappers themselves, sorted by {@link AttributeMapper#order()}. */
  public static List<AttributeMapper> mappers() {
    List<AttributeMapper> out = new ArrayList<>();
    for (AttributeMapperProvider p : providers()) {
      out.add(((MapperProvider) p).mapper());
    }
    out.sort(Comparator.comparingInt(AttributeMapper::order));
    return List.copyOf(out);
  }
}
