package io.guardops.plugins.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The output is JSON that validates against the {@code schema} parameter (see {@link JsonSchema} for the subset). */
final class JsonSchemaMatch extends BaseEvaluator {
  private static final int MAX_ERRORS = 20;
  private static final int CACHE_SIZE = 64;
  /** Compiled schemas by their text: a run scores many items against one schema. */
  private final Map<String, JsonSchema> cache = new ConcurrentHashMap<>();

  JsonSchemaMatch() {
    super(info("json_schema", "1 when the output is JSON valid against the 'schema' parameter (a subset of JSON "
        + "Schema draft 2020-12), else 0; the details list what failed", false, false, false,
        required("schema", "the JSON Schema (draft 2020-12 subset: type, properties, required, items, enum, const, "
            + "minimum/maximum, minLength/maxLength, pattern, additionalProperties, anyOf/oneOf/allOf, local $ref, ...)"),
        param("extract", "true to read the JSON inside a Markdown code fence (```json ... ```) when there is one",
            "false")));
  }

  @Override
  void check(Map<String, String> p) {
    schema(p);
    bool(p, "extract", false);
  }

  private JsonSchema schema(Map<String, String> p) {
    String text = p.get("schema");
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(name() + " needs the parameter 'schema'");
    }
    JsonSchema cached = cache.get(text);
    if (cached != null) {
      return cached;
    }
    JsonNode node;
    try {
      node = StrictJson.parse(text);
    } catch (StrictJson.Invalid e) {
      throw new IllegalArgumentException(name() + ": parameter 'schema' is not valid JSON: " + e.getMessage());
    }
    JsonSchema compiled;
    try {
      compiled = JsonSchema.compile(node);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name() + ": parameter 'schema': " + e.getMessage());
    }
    if (cache.size() >= CACHE_SIZE) {
      cache.clear();
    }
    cache.put(text, compiled);
    return compiled;
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    JsonSchema schema = schema(parameters);
    String text = bool(parameters, "extract", false) ? StrictJson.unfence(item.output()) : item.output();
    JsonNode node;
    try {
      node = StrictJson.parse(text);
    } catch (StrictJson.Invalid e) {
      return passFail(false, "the output is not valid JSON: " + e.getMessage(), Map.of("json", false));
    }
    List<String> errors = schema.validate(node, MAX_ERRORS);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("json", true);
    details.put("errors", new ArrayList<Object>(errors));
    if (errors.isEmpty()) {
      return passFail(true, "the output is valid against the schema", details);
    }
    return passFail(false, "the output breaks the schema: " + String.join("; ", errors.subList(0,
        Math.min(5, errors.size()))) + (errors.size() > 5 ? "; ..." : ""), details);
  }
}
