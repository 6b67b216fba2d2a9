package io.guardops.plugins.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A validator for a subset of JSON Schema draft 2020-12, written for checking model outputs against
 * the schemas people give structured-output APIs. Supported:
 *
 * <ul>
 *   <li>any value: {@code type} (one or a list; {@code integer} is any number without a fraction),
 *       {@code enum}, {@code const} (numbers compare by value: 1 equals 1.0);</li>
 *   <li>numbers: {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum},
 *       {@code multipleOf} (exact decimal arithmetic);</li>
 *   <li>strings: {@code minLength}, {@code maxLength} (in code points), {@code pattern} (Java regex
 *       syntax, unanchored as in ECMA-262);</li>
 *   <li>arrays: {@code items}, {@code prefixItems}, {@code minItems}, {@code maxItems},
 *       {@code uniqueItems}, {@code contains} with {@code minContains}/{@code maxContains};</li>
 *   <li>objects: {@code properties}, {@code required}, {@code additionalProperties},
 *       {@code patternProperties}, {@code propertyNames}, {@code minProperties}, {@code maxProperties},
 *       {@code dependentRequired};</li>
 *   <li>combinators: {@code allOf}, {@code anyOf}, {@code oneOf}, {@code not}, {@code if}/{@code then}/
 *       {@code else};</li>
 *   <li>references within the document: {@code $ref} to {@code #} or a JSON pointer such as
 *       {@code #/$defs/item}; boolean schemas.</li>
 * </ul>
 *
 * Annotations ({@code title}, {@code description}, {@code default}, {@code examples}, {@code format},
 * {@code $schema}, {@code $id}, {@code $comment}, ...) and unknown keywords are ignored, as the
 * specification says. Keywords whose meaning this validator cannot honour ({@code $dynamicRef},
 * {@code $anchor}, {@code unevaluatedProperties}, {@code unevaluatedItems}, {@code dependentSchemas},
 * remote {@code $ref}s, ...) are refused when the schema is compiled, so a schema is never silently
 * checked less strictly than it says. Immutable and thread-safe once compiled.
 */
final class JsonSchema {
  static final Set<String> UNSUPPORTED = Set.of("$dynamicRef", "$dynamicAnchor", "$anchor", "$recursiveRef",
      "$recursiveAnchor", "$vocabulary", "unevaluatedProperties", "unevaluatedItems", "dependentSchemas",
      "dependencies", "contentSchema");
  private static final Set<String> TYPES = Set.of("null", "boolean", "object", "array", "number", "string",
      "integer");
  private static final int MAX_DEPTH = 512;

  private final JsonNode root;
  private final Map<JsonNode, Pattern> patterns = new IdentityHashMap<>();
  private final Map<JsonNode, JsonNode> refs = new IdentityHashMap<>();

  private JsonSchema(JsonNode root) {
    this.root = root;
  }

  /** Checks a schema and prepares it; {@link IllegalArgumentException} says what is wrong and where. */
  static JsonSchema compile(JsonNode root) {
    JsonSchema s = new JsonSchema(root);
    s.compile(root, "#");
    return s;
  }

  private void compile(JsonNode schema, String at) {
    if (schema.isBoolean()) {
      return;
    }
    if (!schema.isObject()) {
      throw bad(at, "a schema is an object or a boolean, was " + kind(schema));
    }
    Iterator<Map.Entry<String, JsonNode>> fields = schema.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      String here = at + "/" + k;
      if (UNSUPPORTED.contains(k)) {
        throw bad(at, "the keyword '" + k + "' is not supported by this validator");
      }
      switch (k) {
        case "type":
          if (v.isTextual()) {
            checkType(v.asText(), here);
          } else if (v.isArray() && v.size() > 0) {
            v.forEach(t -> checkType(t.isTextual() ? t.asText() : kind(t), here));
          } else {
            throw bad(here, "must be a type name or a non-empty list of them");
          }
          break;
        case "properties": case "patternProperties": case "$defs": case "definitions":
          if (!v.isObject()) {
            throw bad(here, "must be an object of schemas");
          }
          v.fields().forEachRemaining(e -> {
            if (k.equals("patternProperties")) {
              patterns.put(e.getValue(), regex(e.getKey(), here));
            }
            compile(e.getValue(), here + "/" + e.getKey());
          });
          break;
        case "items": case "additionalProperties": case "not": case "contains": case "propertyNames":
        case "if": case "then": case "else":
          compile(v, here);
          break;
        case "prefixItems": case "allOf": case "anyOf": case "oneOf":
          if (!v.isArray() || v.isEmpty()) {
            throw bad(here, "must be a non-empty array of schemas");
          }
          for (int i = 0; i < v.size(); i++) {
            compile(v.get(i), here + "/" + i);
          }
          break;
        case "required":
          if (!v.isArray()) {
            throw bad(here, "must be an array of property names");
          }
          v.forEach(n -> {
            if (!n.isTextual()) {
              throw bad(here, "must be an array of property names");
            }
          });
          break;
        case "dependentRequired":
          if (!v.isObject()) {
            throw bad(here, "must be an object of arrays of property names");
          }
          v.forEach(a -> {
            if (!a.isArray()) {
              throw bad(here, "must be an object of arrays of property names");
            }
          });
          break;
        case "enum":
          if (!v.isArray()) {
            throw bad(here, "must be an array");
          }
          break;
        case "minimum": case "maximum": case "exclusiveMinimum": case "exclusiveMaximum":
          if (!v.isNumber()) {
            throw bad(here, "must be a number");
          }
          break;
        case "multipleOf":
          if (!v.isNumber() || v.decimalValue().signum() <= 0) {
            throw bad(here, "must be a number greater than 0");
          }
          break;
        case "minLength": case "maxLength": case "minItems": case "maxItems": case "minProperties":
        case "maxProperties": case "minContains": case "maxContains":
          if (!isInteger(v) || v.decimalValue().signum() < 0) {
            throw bad(here, "must be a non-negative integer");
          }
          break;
        case "uniqueItems":
          if (!v.isBoolean()) {
            throw bad(here, "must be true or false");
          }
          break;
        case "pattern":
          if (!v.isTextual()) {
            throw bad(here, "must be a regular expression string");
          }
          patterns.put(v, regex(v.asText(), here));
          break;
        case "$ref":
          refs.put(schema, resolve(v, here));
          break;
        default:
          // annotations and unknown keywords: ignored, as draft 2020-12 says
      }
    }
  }

  private JsonNode resolve(JsonNode ref, String at) {
    if (!ref.isTextual() || !ref.asText().startsWith("#")) {
      throw bad(at, "only references within the schema (#, #/$defs/name) are supported, was " + ref);
    }
    String pointer = ref.asText().substring(1);
    JsonNode target;
    try {
      target = pointer.isEmpty() ? root : root.at(decodeUri(pointer));
    } catch (IllegalArgumentException e) {
      throw bad(at, "'" + ref.asText() + "' is not a JSON pointer");
    }
    if (target == null || target.isMissingNode()) {
      throw bad(at, "'" + ref.asText() + "' points to nothing in the schema");
    }
    return target;
  }

  private static String decodeUri(String pointer) {
    return java.net.URLDecoder.decode(pointer.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void checkType(String t, String at) {
    if (!TYPES.contains(t)) {
      throw bad(at, "'" + t + "' is not a JSON Schema type; use one of " + TYPES);
    }
  }

  private static Pattern regex(String p, String at) {
    try {
      return Pattern.compile(p);
    } catch (PatternSyntaxException e) {
      throw bad(at, "'" + p + "' is not a valid regular expression: " + e.getDescription());
    }
  }

  private static IllegalArgumentException bad(String at, String what) {
    return new IllegalArgumentException("invalid schema at " + at + ": " + what);
  }

  // ---- validation

  /** The ways {@code instance} breaks the schema (at most {@code maxErrors} messages); empty when it is valid. */
  List<String> validate(JsonNode instance, int maxErrors) {
    Errors errors = new Errors(maxErrors);
    validate(root, instance, "", errors, 0);
    return errors.list;
  }

  /** Collected errors; counts all but keeps only the first few messages. */
  private static final class Errors {
    final List<String> list = new ArrayList<>();
    final int max;
    int count;

    Errors(int max) {
      this.max = max;
    }

    void add(String path, String message) {
      count++;
      if (list.size() < max) {
        list.add((path.isEmpty() ? "/" : path) + ": " + message);
      }
    }
  }

  private boolean valid(JsonNode schema, JsonNode instance, String path, int depth) {
    return validate(schema, instance, path, new Errors(0), depth);
  }

  private boolean validate(JsonNode schema, JsonNode instance, String path, Errors errors, int depth) {
    if (depth > MAX_DEPTH) {
      errors.add(path, "the schema recurses deeper than " + MAX_DEPTH + " levels");
      return false;
    }
    if (schema.isBoolean()) {
      if (!schema.asBoolean()) {
        errors.add(path, "no value is allowed here");
      }
      return schema.asBoolean();
    }
    int before = errors.count;
    JsonNode ref = refs.get(schema);
    if (ref != null) {
      validate(ref, instance, path, errors, depth + 1);
    }
    JsonNode type = schema.get("type");
    if (type != null && !typeMatches(type, instance)) {
      errors.add(path, "expected " + (type.isArray() ? "one of " + type : type.asText()) + ", found " + kind(instance));
      // the other keywords would only repeat the type mismatch
      return false;
    }
    JsonNode e = schema.get("enum");
    if (e != null && !contains(e, instance)) {
      errors.add(path, "must be one of " + abbreviate(e.toString()));
    }
    JsonNode c = schema.get("const");
    if (c != null && !equal(c, instance)) {
      errors.add(path, "must be " + abbreviate(c.toString()));
    }
    if (instance.isNumber()) {
      numbers(schema, instance, path, errors);
    } else if (instance.isTextual()) {
      strings(schema, instance, path, errors);
    } else if (instance.isArray()) {
      arrays(schema, instance, path, errors, depth);
    } else if (instance.isObject()) {
      objects(schema, instance, path, errors, depth);
    }
    combinators(schema, instance, path, errors, depth);
    return errors.count == before;
  }

  private void numbers(JsonNode s, JsonNode n, String path, Errors errors) {
    BigDecimal v = n.decimalValue();
    JsonNode k;
    if ((k = s.get("minimum")) != null && v.compareTo(k.decimalValue()) < 0) {
      errors.add(path, v.toPlainString() + " is less than the minimum " + k.decimalValue().toPlainString());
    }
    if ((k = s.get("maximum")) != null && v.compareTo(k.decimalValue()) > 0) {
      errors.add(path, v.toPlainString() + " is greater than the maximum " + k.decimalValue().toPlainString());
    }
    if ((k = s.get("exclusiveMinimum")) != null && v.compareTo(k.decimalValue()) <= 0) {
      errors.add(path, v.toPlainString() + " must be greater than " + k.decimalValue().toPlainString());
    }
    if ((k = s.get("exclusiveMaximum")) != null && v.compareTo(k.decimalValue()) >= 0) {
      errors.add(path, v.toPlainString() + " must be less than " + k.decimalValue().toPlainString());
    }
    if ((k = s.get("multipleOf")) != null && v.remainder(k.decimalValue()).signum() != 0) {
      errors.add(path, v.toPlainString() + " is not a multiple of " + k.decimalValue().toPlainString());
    }
  }

  private void strings(JsonNode s, JsonNode n, String path, Errors errors) {
    String v = n.asText();
    int length = v.codePointCount(0, v.length());
    JsonNode k;
    if ((k = s.get("minLength")) != null && length < k.asLong()) {
      errors.add(path, "is " + length + " characters long, shorter than minLength " + k.asLong());
    }
    if ((k = s.get("maxLength")) != null && length > k.asLong()) {
      errors.add(path, "is " + length + " characters long, longer than maxLength " + k.asLong());
    }
    if ((k = s.get("pattern")) != null && !patterns.get(k).matcher(v).find()) {
      errors.add(path, "does not match the pattern " + k.asText());
    }
  }

  private void arrays(JsonNode s, JsonNode a, String path, Errors errors, int depth) {
    int size = a.size();
    JsonNode k;
    if ((k = s.get("minItems")) != null && size < k.asLong()) {
      errors.add(path, "has " + size + " items, fewer than minItems " + k.asLong());
    }
    if ((k = s.get("maxItems")) != null && size > k.asLong()) {
      errors.add(path, "has " + size + " items, more than maxItems " + k.asLong());
    }
    JsonNode prefix = s.get("prefixItems");
    int from = 0;
    if (prefix != null) {
      for (; from < Math.min(prefix.size(), size); from++) {
        validate(prefix.get(from), a.get(from), path + "/" + from, errors, depth + 1);
      }
      from = prefix.size();
    }
    JsonNode items = s.get("items");
    if (items != null) {
      for (int i = from; i < size; i++) {
        validate(items, a.get(i), path + "/" + i, errors, depth + 1);
      }
    }
    if ((k = s.get("uniqueItems")) != null && k.asBoolean()) {
      outer:
      for (int i = 0; i < size; i++) {
        for (int j = i + 1; j < size; j++) {
          if (equal(a.get(i), a.get(j))) {
            errors.add(path, "items " + i + " and " + j + " are equal but uniqueItems is set");
            break outer;
          }
        }
      }
    }
    JsonNode contains = s.get("contains");
    if (contains != null) {
      long matches = 0;
      for (int i = 0; i < size; i++) {
        if (valid(contains, a.get(i), path + "/" + i, depth + 1)) {
          matches++;
        }
      }
      long min = s.has("minContains") ? s.get("minContains").asLong() : 1;
      if (matches < min) {
        errors.add(path, matches + " items match 'contains', fewer than " + min);
      }
      if (s.has("maxContains") && matches > s.get("maxContains").asLong()) {
        errors.add(path, matches + " items match 'contains', more than " + s.get("maxContains").asLong());
      }
    }
  }

  private void objects(JsonNode s, JsonNode o, String path, Errors errors, int depth) {
    int size = o.size();
    JsonNode k;
    if ((k = s.get("minProperties")) != null && size < k.asLong()) {
      errors.add(path, "has " + size + " properties, fewer than minProperties " + k.asLong());
    }
    if ((k = s.get("maxProperties")) != null && size > k.asLong()) {
      errors.add(path, "has " + size + " properties, more than maxProperties " + k.asLong());
    }
    if ((k = s.get("required")) != null) {
      for (JsonNode name : k) {
        if (!o.has(name.asText())) {
          errors.add(path, "the required property '" + name.asText() + "' is missing");
        }
      }
    }
    if ((k = s.get("dependentRequired")) != null) {
      Iterator<Map.Entry<String, JsonNode>> deps = k.fields();
      while (deps.hasNext()) {
        Map.Entry<String, JsonNode> d = deps.next();
        if (o.has(d.getKey())) {
          for (JsonNode name : d.getValue()) {
            if (!o.has(name.asText())) {
              errors.add(path, "'" + d.getKey() + "' is present, so '" + name.asText() + "' is required");
            }
          }
        }
      }
    }
    JsonNode properties = s.get("properties");
    JsonNode patternProperties = s.get("patternProperties");
    JsonNode additional = s.get("additionalProperties");
    JsonNode names = s.get("propertyNames");
    Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String child = path + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
      boolean matched = false;
      if (properties != null && properties.has(f.getKey())) {
        matched = true;
        validate(properties.get(f.getKey()), f.getValue(), child, errors, depth + 1);
      }
      if (patternProperties != null) {
        Iterator<Map.Entry<String, JsonNode>> pps = patternProperties.fields();
        while (pps.hasNext()) {
          Map.Entry<String, JsonNode> pp = pps.next();
          if (patterns.get(pp.getValue()).matcher(f.getKey()).find()) {
            matched = true;
            validate(pp.getValue(), f.getValue(), child, errors, depth + 1);
          }
        }
      }
      if (!matched && additional != null) {
        if (additional.isBoolean() && !additional.asBoolean()) {
          errors.add(path, "the property '" + f.getKey() + "' is not allowed (additionalProperties is false)");
        } else {
          validate(additional, f.getValue(), child, errors, depth + 1);
        }
      }
      if (names != null && !valid(names, com.fasterxml.jackson.databind.node.TextNode.valueOf(f.getKey()), child,
          depth + 1)) {
        errors.add(path, "the property name '" + f.getKey() + "' does not match propertyNames");
      }
    }
  }

  private void combinators(JsonNode s, JsonNode instance, String path, Errors errors, int depth) {
    JsonNode k;
    if ((k = s.get("allOf")) != null) {
      for (JsonNode sub : k) {
        validate(sub, instance, path, errors, depth + 1);
      }
    }
    if ((k = s.get("anyOf")) != null) {
      boolean any = false;
      for (JsonNode sub : k) {
        if (valid(sub, instance, path, depth + 1)) {
          any = true;
          break;
        }
      }
      if (!any) {
        errors.add(path, "matches none of the " + k.size() + " schemas of anyOf");
      }
    }
    if ((k = s.get("oneOf")) != null) {
      int n = 0;
      for (JsonNode sub : k) {
        if (valid(sub, instance, path, depth + 1)) {
          n++;
        }
      }
      if (n != 1) {
        errors.add(path, "matches " + n + " of the " + k.size() + " schemas of oneOf, not exactly one");
      }
    }
    if ((k = s.get("not")) != null && valid(k, instance, path, depth + 1)) {
      errors.add(path, "matches the schema of 'not'");
    }
    if ((k = s.get("if")) != null) {
      JsonNode branch = valid(k, instance, path, depth + 1) ? s.get("then") : s.get("else");
      if (branch != null) {
        validate(branch, instance, path, errors, depth + 1);
      }
    }
  }

  private static boolean typeMatches(JsonNode type, JsonNode instance) {
    if (type.isArray()) {
      for (JsonNode t : type) {
        if (typeMatches(t, instance)) {
          return true;
        }
      }
      return false;
    }
    switch (type.asText()) {
      case "null": return instance.isNull();
      case "boolean": return instance.isBoolean();
      case "object": return instance.isObject();
      case "array": return instance.isArray();
      case "number": return instance.isNumber();
      case "string": return instance.isTextual();
      case "integer": return isInteger(instance);
      default: return false;
    }
  }

  private static boolean isInteger(JsonNode n) {
    return n.isIntegralNumber() || n.isNumber() && n.decimalValue().stripTrailingZeros().scale() <= 0;
  }

  private static boolean contains(JsonNode array, JsonNode v) {
    for (JsonNode e : array) {
      if (equal(e, v)) {
        return true;
      }
    }
    return false;
  }

  /** JSON equality: numbers by value (1 == 1.0), objects regardless of key order. */
  static boolean equal(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!equal(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      Iterator<Map.Entry<String, JsonNode>> it = a.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode other = b.get(e.getKey());
        if (other == null || !equal(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static String kind(JsonNode n) {
    if (n.isIntegralNumber()) {
      return "integer";
    }
    return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 120) + "...";
  }
}
