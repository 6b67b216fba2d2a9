package io.guardops.plugins.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import io.guardops.api.eval.EvalContext;
import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import java.util.Map;

/** The output is one valid JSON value (RFC 8259, strict), optionally of a given kind. */
final class JsonValid extends BaseEvaluator {
  JsonValid() {
    super(info("json_valid", "1 when the output is valid JSON (strict RFC 8259: one value, no trailing text, no "
        + "duplicate keys), else 0", false, false, false,
        param("type", "any, object or array: the kind of value required", "any"),
        param("extract", "true to read the JSON inside a Markdown code fence (```json ... ```) when there is one",
            "false")));
  }

  @Override
  void check(Map<String, String> p) {
    choice(p, "type", "any", "any", "object", "array");
    bool(p, "extract", false);
  }

  @Override
  public EvalScore evaluate(EvalItem item, Map<String, String> parameters, EvalContext context) {
    String type = choice(parameters, "type", "any", "any", "object", "array");
    String text = bool(parameters, "extract", false) ? StrictJson.unfence(item.output()) : item.output();
    JsonNode node;
    try {
      node = StrictJson.parse(text);
    } catch (StrictJson.Invalid e) {
      return passFail(false, "the output is not valid JSON: " + e.getMessage(), Map.of());
    }
    String kind = node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    if (type.equals("object") && !node.isObject() || type.equals("array") && !node.isArray()) {
      return passFail(false, "the output is valid JSON but a " + kind + ", not an " + type, Map.of("kind", kind));
    }
    return passFail(true, "the output is valid JSON (" + kind + ")", Map.of("kind", kind));
  }
}
