package io.guardops.plugins.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.guardops.api.eval.EvalItem;
import io.guardops.api.eval.EvalScore;
import io.guardops.api.eval.Evaluator;
import io.guardops.tck.EvaluatorContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The JSON Schema subset, keyword by keyword (cases after the JSON-Schema-Test-Suite's draft2020-12 ones). */
class JsonSchemaTest {
  private static final Evaluator SCHEMA = new BuiltinEvaluatorProvider().create(null, null).stream()
      .filter(e -> e.info().name().equals("json_schema")).findFirst().orElseThrow();

  private static EvalScore check(String schema, String output) {
    Map<String, String> p = Map.of("schema", schema);
    SCHEMA.validate(p);
    return SCHEMA.evaluate(EvalItem.of("", output, null), p, EvaluatorContract.withoutModel());
  }

  @ParameterizedTest(name = "{0} | {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "{\"type\": \"integer\"}|1|true", "{\"type\": \"integer\"}|1.0|true", "{\"type\": \"integer\"}|1.5|false",
      "{\"type\": \"integer\"}|\"1\"|false", "{\"type\": [\"string\", \"null\"]}|null|true",
      "{\"type\": \"number\"}|-2e3|true", "{\"type\": \"boolean\"}|0|false",
      "{\"enum\": [1, \"a\", null]}|1.0|true", "{\"enum\": [1, \"a\", null]}|\"b\"|false",
      "{\"const\": {\"a\": [1, 2]}}|{\"a\": [1.0, 2]}|true", "{\"const\": {\"a\": [1, 2]}}|{\"a\": [2, 1]}|false",
      "{\"minimum\": 1.1, \"maximum\": 3}|1.1|true", "{\"minimum\": 1.1}|1.09|false", "{\"maximum\": 3}|3.0001|false",
      "{\"exclusiveMinimum\": 1}|1|false", "{\"exclusiveMaximum\": 1}|0.99|true", "{\"multipleOf\": 0.01}|19.99|true",
      "{\"multipleOf\": 0.01}|19.991|false", "{\"minimum\": 1}|\"not a number\"|true",
      "{\"minLength\": 2}|\"🌍\"|false", "{\"maxLength\": 2}|\"🌍🌍\"|true", "{\"pattern\": \"^a*$\"}|\"aaa\"|true",
      "{\"pattern\": \"b\"}|\"abc\"|true", "{\"pattern\": \"^b\"}|\"abc\"|false",
      "{\"items\": {\"type\": \"integer\"}}|[1, 2, \"3\"]|false", "{\"items\": {\"type\": \"integer\"}}|[]|true",
      "{\"prefixItems\": [{\"type\": \"string\"}], \"items\": {\"type\": \"integer\"}}|[\"a\", 1, 2]|true",
      "{\"prefixItems\": [{\"type\": \"string\"}], \"items\": false}|[\"a\", 1]|false",
      "{\"minItems\": 2, \"maxItems\": 3}|[1]|false", "{\"uniqueItems\": true}|[1, 1.0]|false",
      "{\"uniqueItems\": true}|[{\"a\": 1}, {\"a\": 2}]|true",
      "{\"contains\": {\"const\": 5}}|[1, 5]|true", "{\"contains\": {\"const\": 5}, \"minContains\": 2}|[5, 1]|false",
      "{\"required\": [\"a\", \"b\"]}|{\"a\": 1}|false", "{\"required\": [\"a\"]}|{\"a\": null}|true",
      "{\"properties\": {\"a\": {\"type\": \"string\"}}}|{\"a\": 1}|false",
      "{\"properties\": {\"a\": {}}, \"additionalProperties\": false}|{\"a\": 1, \"b\": 2}|false",
      "{\"properties\": {\"a\": {}}, \"additionalProperties\": {\"type\": \"integer\"}}|{\"a\": \"x\", \"b\": 2}|true",
      "{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, \"additionalProperties\": false}|{\"x-a\": \"s\"}|true",
      "{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, \"additionalProperties\": false}|{\"y\": \"s\"}|false",
      "{\"propertyNames\": {\"maxLength\": 3}}|{\"abcd\": 1}|false", "{\"minProperties\": 1}|{}|false",
      "{\"dependentRequired\": {\"a\": [\"b\"]}}|{\"a\": 1}|false",
      "{\"anyOf\": [{\"type\": \"string\"}, {\"minimum\": 2}]}|1|false",
      "{\"anyOf\": [{\"type\": \"string\"}, {\"minimum\": 2}]}|3|true",
      "{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}|3|false",
      "{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}|1.5|false",
      "{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}|2.5|true",
      "{\"allOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}|1|false", "{\"not\": {\"type\": \"null\"}}|null|false",
      "{\"if\": {\"minimum\": 10}, \"then\": {\"multipleOf\": 5}, \"else\": {\"maximum\": 3}}|15|true",
      "{\"if\": {\"minimum\": 10}, \"then\": {\"multipleOf\": 5}, \"else\": {\"maximum\": 3}}|12|false",
      "{\"if\": {\"minimum\": 10}, \"then\": {\"multipleOf\": 5}, \"else\": {\"maximum\": 3}}|4|false",
      "true|{\"anything\": 1}|true", "false|1|false", "{\"title\": \"annotations only\", \"format\": \"email\"}|\"x\"|true"})
  void keywords(String schema, String instance, boolean valid) {
    EvalScore s = check(schema, instance);
    assertThat(s.value()).as(s.explanation()).isEqualTo(valid ? 1.0 : 0.0);
  }

  @Test
  void localReferencesAndRecursion() {
    String tree = "{\"$defs\": {\"node\": {\"type\": \"object\", \"required\": [\"value\"], \"properties\": {"
        + "\"value\": {\"type\": \"integer\"}, \"children\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/node\"}}},"
        + " \"additionalProperties\": false}}, \"$ref\": \"#/$defs/node\"}";
    assertThat(check(tree, "{\"value\": 1, \"children\": [{\"value\": 2, \"children\": [{\"value\": 3}]}]}").value())
        .isEqualTo(1.0);
    EvalScore bad = check(tree, "{\"value\": 1, \"children\": [{\"value\": 2, \"children\": [{\"value\": \"x\"}]}]}");
    assertThat(bad.value()).isEqualTo(0.0);
    assertThat(bad.details().get("errors")).asList()
        .containsExactly("/children/0/children/0/value: expected integer, found string");
  }

  @Test
  void errorsSayWhereAndWhat() {
    EvalScore s = check("{\"type\": \"object\", \"required\": [\"name\", \"age\"], \"properties\": {\"age\": "
        + "{\"type\": \"integer\", \"minimum\": 0}}, \"additionalProperties\": false}", "{\"age\": -1, \"x\": 1}");
    assertThat(s.label()).isEqualTo("fail");
    assertThat(s.details().get("errors")).asList().containsExactlyInAnyOrder(
        "/: the required property 'name' is missing",
        "/age: -1 is less than the minimum 0",
        "/: the property 'x' is not allowed (additionalProperties is false)");
    assertThat(check("{\"type\": \"object\"}", "not json").explanation()).startsWith("the output is not valid JSON");
  }

  @Test
  void unsupportedOrInvalidSchemasAreRefusedUpFront() {
    for (String schema : List.of("{\"unevaluatedProperties\": false}", "{\"$ref\": \"https://example.com/s.json\"}",
        "{\"$ref\": \"#/$defs/missing\"}", "{\"type\": \"text\"}", "{\"minLength\": -1}", "{\"pattern\": \"(\"}",
        "{\"properties\": []}", "not json", "[1]")) {
      assertThatThrownBy(() -> SCHEMA.validate(Map.of("schema", schema))).as(schema)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
    }
  }
}
