/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The simulator's JSON Schema validator, keyword by keyword, on small
 * hand-written schemas; then the three real conformance schemas load. */
#include <gst/check/gstcheck.h>
#include <gst/realtime/json-util.h>
#include <tools/simulator/json-schema.h>
#include <tools/simulator/strict-json.h>

#include <string>
#include <vector>

using namespace realtime;
using namespace realtime::sim;

static std::unique_ptr<JsonSchema>
load_ok (const char * text)
{
  g_autoptr (GError) error = nullptr;
  std::unique_ptr<JsonSchema> schema =
      JsonSchema::load_from_data (text, &error);
  fail_unless (schema != nullptr, "schema %s did not load: %s", text,
      error ? error->message : "");
  fail_unless (error == nullptr);
  return schema;
}

/* Loading @text fails with @code and a message containing @part. */
static void
load_fails (const char * text, gint code, const char * part)
{
  g_autoptr (GError) error = nullptr;
  std::unique_ptr<JsonSchema> schema =
      JsonSchema::load_from_data (text, &error);
  fail_unless (schema == nullptr, "schema %s loaded", text);
  fail_unless (error != nullptr);
  fail_unless (g_error_matches (error, REALTIME_SCHEMA_ERROR, code),
      "%s: wrong error %d: %s", text, error->code, error->message);
  fail_unless (strstr (error->message, part) != nullptr,
      "%s: \"%s\" does not mention \"%s\"", text, error->message, part);
}

static JsonNodePtr
instance (const char * text)
{
  g_autoptr (GError) error = nullptr;
  JsonNodePtr node = parse_strict_json (text, &error);
  fail_unless (node != nullptr, "instance %s: %s", text,
      error ? error->message : "");
  return node;
}

/* The verdict, after checking that both modes of validate() agree and
 * that an invalid instance always comes with errors. */
static bool
valid (const JsonSchema & schema, const char * text)
{
  JsonNodePtr node = instance (text);
  bool quick = schema.validate (node.get ());
  std::vector<ValidationError> errors;
  bool slow = schema.validate (node.get (), &errors);
  fail_unless_equals_int (quick, slow);
  fail_unless_equals_int (errors.empty (), slow);
  return quick;
}

static std::vector<ValidationError>
errors_of (const JsonSchema & schema, const char * text)
{
  JsonNodePtr node = instance (text);
  std::vector<ValidationError> errors;
  fail_if (schema.validate (node.get (), &errors), "%s is valid", text);
  fail_if (errors.empty ());
  return errors;
}

/* The single error of @text, which must be at @pointer with @keyword. */
static ValidationError
only_error (const JsonSchema & schema, const char * text, const char * pointer,
    const char * keyword)
{
  std::vector<ValidationError> errors = errors_of (schema, text);
  std::string all;
  for (const ValidationError & e : errors)
    all += json_pointer (e.path) + " " + e.keyword + " " + e.message + "; ";
  fail_unless_equals_int (errors.size (), 1);
  const std::string where = json_pointer (errors[0].path);
  fail_unless_equals_string (where.c_str (), pointer);
  fail_unless_equals_string (errors[0].keyword.c_str (), keyword);
  return errors[0];
}

GST_START_TEST (test_type)
{
  auto integer = load_ok (R"({"type":"integer"})");
  fail_unless (valid (*integer, "1500"));
  fail_unless (valid (*integer, "1500.0")); /* JSON Schema: still 1500 */
  fail_unless (valid (*integer, "1.5e3"));
  fail_unless (valid (*integer, "-0"));
  fail_unless (valid (*integer, "99999999999999999999")); /* > gint64 */
  fail_if (valid (*integer, "1500.5"));
  fail_if (valid (*integer, "\"1500\""));
  fail_if (valid (*integer, "1e400")); /* Infinity: not a number */
  fail_if (valid (*integer, "null"));
  fail_if (valid (*integer, "true"));

  auto number = load_ok (R"({"type":"number"})");
  fail_unless (valid (*number, "1"));
  fail_unless (valid (*number, "0.25"));
  fail_if (valid (*number, "-1e400"));
  fail_if (valid (*number, "\"1\""));

  auto each = load_ok (R"({"properties":{"s":{"type":"string"},
      "b":{"type":"boolean"},"n":{"type":"null"},"o":{"type":"object"},
      "a":{"type":"array"}}})");
  fail_unless (valid (*each, R"({"s":"x","b":false,"n":null,"o":{},"a":[]})"));
  fail_if (valid (*each, R"({"s":1})"));
  fail_if (valid (*each, R"({"b":0})"));
  fail_if (valid (*each, R"({"n":false})"));
  fail_if (valid (*each, R"({"o":[]})"));
  fail_if (valid (*each, R"({"a":{}})"));

  auto several = load_ok (R"({"type":["string","null"]})");
  fail_unless (valid (*several, "\"x\""));
  fail_unless (valid (*several, "null"));
  ValidationError e = only_error (*several, "3", "", "type");
  fail_unless_equals_int (e.expected_types.size (), 2);
  fail_unless_equals_string (e.expected_types[1].c_str (), "null");
  fail_unless_equals_string (e.message.c_str (), "must be string,null");
  fail_unless_equals_string (e.schema_path.c_str (), "#/type");
}
GST_END_TEST;

GST_START_TEST (test_enum_and_const)
{
  auto e = load_ok (R"({"enum":["audio/pcm",24000,null,[1,{"a":true}]]})");
  fail_unless (valid (*e, "\"audio/pcm\""));
  fail_unless (valid (*e, "24000"));
  fail_unless (valid (*e, "24000.0")); /* numbers compare as numbers */
  fail_unless (valid (*e, "null"));
  fail_unless (valid (*e, R"([1.0,{"a":true}])"));
  fail_if (valid (*e, "\"audio/PCM\""));
  fail_if (valid (*e, "\"24000\""));
  fail_if (valid (*e, R"([1,{"a":false}])"));
  fail_if (valid (*e, R"([1,{"a":true,"b":1}])"));
  fail_if (valid (*e, "false"));
  ValidationError err = only_error (*e, "16000", "", "enum");
  fail_unless_equals_int (err.allowed.size (), 4);
  fail_unless_equals_string (err.allowed[0].c_str (), "\"audio/pcm\"");
  fail_unless_equals_string (err.allowed[1].c_str (), "24000");

  auto c = load_ok (R"({"const":"server_vad"})");
  fail_unless (valid (*c, "\"server_vad\""));
  err = only_error (*c, "\"semantic_vad\"", "", "const");
  fail_unless_equals_int (err.allowed.size (), 1);
  fail_unless_equals_string (err.allowed[0].c_str (), "\"server_vad\"");

  auto object_const = load_ok (R"({"const":{"a":[1,2]}})");
  fail_unless (valid (*object_const, R"({"a":[1,2.0]})"));
  fail_if (valid (*object_const, R"({"a":[2,1]})"));
  fail_if (valid (*object_const, R"({})"));
}
GST_END_TEST;

GST_START_TEST (test_numeric_bounds)
{
  auto range = load_ok (R"({"minimum":0.25,"maximum":1.5})");
  fail_unless (valid (*range, "0.25"));
  fail_unless (valid (*range, "1.5"));
  fail_unless (valid (*range, "1"));
  fail_unless (valid (*range, "\"not a number: bounds do not apply\""));
  ValidationError e = only_error (*range, "1.50001", "", "maximum");
  fail_unless (e.limit == 1.5);
  fail_unless_equals_string (e.message.c_str (), "must be <= 1.5");
  e = only_error (*range, "0.2", "", "minimum");
  fail_unless_equals_string (e.message.c_str (), "must be >= 0.25");

  auto exclusive = load_ok (R"({"exclusiveMinimum":0,"exclusiveMaximum":1})");
  fail_unless (valid (*exclusive, "0.5"));
  only_error (*exclusive, "0", "", "exclusiveMinimum");
  only_error (*exclusive, "1", "", "exclusiveMaximum");

  auto big = load_ok (R"({"minimum":0})");
  fail_unless (valid (*big, "99999999999999999999"));
  fail_if (valid (*big, "-99999999999999999999"));
  fail_unless (valid (*big, "-0"));
}
GST_END_TEST;

GST_START_TEST (test_string_length_and_pattern)
{
  auto length = load_ok (R"({"minLength":2,"maxLength":3})");
  fail_unless (valid (*length, "\"ab\""));
  fail_unless (valid (*length, "\"\u00e9\U0001F600\"")); /* 2 code points */
  fail_unless (valid (*length, "\"\\ud83d\\ude00\\u00e9\\u00e9\""));
  fail_unless (valid (*length, "5"));
  ValidationError e = only_error (*length, "\"abcd\"", "", "maxLength");
  fail_unless (e.limit == 3);
  fail_unless_equals_string (e.message.c_str (),
      "must NOT have more than 3 characters");
  only_error (*length, "\"a\"", "", "minLength");

  auto tunnel =
      load_ok (R"({"type":"string","pattern":"^tunnel_[a-z0-9]{32}$"})");
  fail_unless (valid (*tunnel, "\"tunnel_0123456789abcdef0123456789abcdef\""));
  fail_if (valid (*tunnel, "\"tunnel_0123456789abcdef0123456789abcdeF\""));
  fail_if (valid (*tunnel, "\"tunnel_0123456789abcdef0123456789abcde\""));
  /* JavaScript's $ is the end of the string, not "before a final newline". */
  fail_if (valid (*tunnel, "\"tunnel_0123456789abcdef0123456789abcdef\\n\""));
  e = only_error (*tunnel, "\"x\"", "", "pattern");
  fail_unless_equals_string (e.pattern.c_str (), "^tunnel_[a-z0-9]{32}$");

  /* Unanchored patterns search, as RegExp.test() does. */
  auto search = load_ok (R"({"pattern":"b+c|\\$"})");
  fail_unless (valid (*search, "\"aabbbcc\""));
  fail_unless (valid (*search, "\"price: $\""));
  fail_if (valid (*search, "\"abd\""));

  /* Constructs JavaScript and PCRE read differently are refused. */
  load_fails (R"({"pattern":"^\\d+$"})", REALTIME_SCHEMA_ERROR_UNSUPPORTED,
      "\\d");
  load_fails (R"({"pattern":"a.b"})", REALTIME_SCHEMA_ERROR_UNSUPPORTED, "'.'");
  load_fails (R"j({"pattern":"(?=x)"})j", REALTIME_SCHEMA_ERROR_UNSUPPORTED,
      "(?...)");
  load_fails (R"({"pattern":"a{x"})", REALTIME_SCHEMA_ERROR_UNSUPPORTED,
      "quantifier");
  load_fails (R"({"pattern":"[a-"})", REALTIME_SCHEMA_ERROR_UNSUPPORTED,
      "unterminated");
}
GST_END_TEST;

GST_START_TEST (test_arrays)
{
  auto list = load_ok (R"({"type":"array","minItems":1,"maxItems":2,
      "items":{"type":"string","enum":["text","audio"]}})");
  fail_unless (valid (*list, R"(["audio"])"));
  fail_unless (valid (*list, R"(["text","audio"])"));
  only_error (*list, "[]", "", "minItems");
  only_error (*list, R"(["text","audio","text"])", "", "maxItems");
  ValidationError e = only_error (*list, R"(["text",5])", "/1", "type");
  const std::string dotted = dotted_path (e.path);
  fail_unless_equals_string (dotted.c_str (), "[1]");
  std::vector<ValidationError> errors = errors_of (*list, R"(["x","y"])");
  fail_unless_equals_int (errors.size (), 2); /* every bad item */

  auto none = load_ok (R"({"items":false})");
  fail_unless (valid (*none, "[]"));
  only_error (*none, "[1]", "/0", "false");

  /* The pre-2020-12 tuple form would mean something else. */
  load_fails (R"({"items":[{"type":"string"}]})",
      REALTIME_SCHEMA_ERROR_UNSUPPORTED, "tuple");
}
GST_END_TEST;

GST_START_TEST (test_objects)
{
  auto closed = load_ok (R"({"type":"object","required":["type","rate"],
      "properties":{"type":{"type":"string"},"rate":{"type":"integer"}},
      "additionalProperties":false})");
  fail_unless (valid (*closed, R"({"type":"audio/pcm","rate":24000})"));
  ValidationError e =
      only_error (*closed, R"({"type":"audio/pcm"})", "", "required");
  fail_unless_equals_string (e.property.c_str (), "rate");
  fail_unless_equals_string (e.message.c_str (),
      "must have required property 'rate'");
  e = only_error (*closed, R"({"type":"a","rate":1,"temperature":0.8})", "",
      "additionalProperties");
  fail_unless_equals_string (e.property.c_str (), "temperature");
  e = only_error (*closed, R"({"type":"a","rate":"1"})", "/rate", "type");
  fail_unless_equals_string (e.schema_path.c_str (), "#/properties/rate/type");
  /* All problems are reported (allErrors). */
  std::vector<ValidationError> errors =
      errors_of (*closed, R"({"type":1,"x":1,"y":2})");
  fail_unless_equals_int (errors.size (), 4);

  auto map =
      load_ok (R"({"type":"object","additionalProperties":{"type":"string"}})");
  fail_unless (valid (*map, R"({"a":"1","b":"2"})"));
  e = only_error (*map, R"({"a":"1","b/c~":2})", "/b~1c~0", "type");
  const std::string dotted = dotted_path (e.path);
  fail_unless_equals_string (dotted.c_str (), "b/c~");

  auto open = load_ok (R"({"properties":{"a":{"type":"string"}}})");
  fail_unless (valid (*open, R"({"a":"x","anything":[1]})"));
  fail_unless (valid (*open, "\"properties only apply to objects\""));

  auto explicit_true = load_ok (R"({"additionalProperties":true})");
  fail_unless (valid (*explicit_true, R"({"x":1})"));
}
GST_END_TEST;

GST_START_TEST (test_combinators)
{
  auto all = load_ok (R"({"allOf":[{"minimum":1},{"maximum":3}]})");
  fail_unless (valid (*all, "2"));
  fail_if (valid (*all, "0"));
  fail_if (valid (*all, "4"));

  auto any = load_ok (
      R"({"anyOf":[{"type":"integer"},{"type":"string","enum":["inf"]}]})");
  fail_unless (valid (*any, "4096"));
  fail_unless (valid (*any, "\"inf\""));
  fail_if (valid (*any, "\"infinite\""));
  fail_if (valid (*any, "1.5"));

  auto one = load_ok (R"({"oneOf":[{"type":"integer"},{"minimum":10}]})");
  fail_unless (valid (*one, "5"));      /* integer only */
  fail_unless (valid (*one, "10.5"));   /* minimum only */
  only_error (*one, "12", "", "oneOf"); /* both */
  fail_if (valid (*one, "5.5"));        /* neither */

  auto no = load_ok (R"({"not":{"type":"null"}})");
  fail_unless (valid (*no, "0"));
  only_error (*no, "null", "", "not");

  auto cond = load_ok (R"({"if":{"properties":{"type":{"const":"server_vad"}},
      "required":["type"]},"then":{"properties":{"threshold":{"type":"number"}}},
      "else":{"properties":{"eagerness":{"enum":["low","high"]}}}})");
  fail_unless (valid (*cond, R"({"type":"server_vad","threshold":0.5})"));
  fail_if (valid (*cond, R"({"type":"server_vad","threshold":"high"})"));
  fail_unless (valid (*cond, R"({"type":"semantic_vad","eagerness":"low"})"));
  fail_if (valid (*cond, R"({"type":"semantic_vad","eagerness":"x"})"));
  /* A failing `if` is no error by itself. */
  only_error (*cond, R"({"type":"semantic_vad","eagerness":"x"})", "/eagerness",
      "enum");

  auto then_only =
      load_ok (R"({"if":{"type":"string"},"then":{"minLength":2}})");
  fail_unless (valid (*then_only, "5"));
  fail_if (valid (*then_only, "\"a\""));

  load_fails (R"({"then":{}})", REALTIME_SCHEMA_ERROR_INVALID, "without if");
  load_fails (R"({"if":{}})", REALTIME_SCHEMA_ERROR_INVALID, "without then");
  load_fails (R"({"anyOf":[]})", REALTIME_SCHEMA_ERROR_INVALID, "non-empty");
}
GST_END_TEST;

GST_START_TEST (test_refs)
{
  auto tree = load_ok (R"({"$defs":{"node":{"type":"object",
      "properties":{"value":{"type":"integer"},
      "children":{"type":"array","items":{"$ref":"#/$defs/node"}}},
      "additionalProperties":false}},"$ref":"#/$defs/node"})");
  fail_unless (
      valid (*tree, R"({"value":1,"children":[{"value":2,"children":[]}]})"));
  ValidationError e =
      only_error (*tree, R"({"children":[{"children":[{"value":"3"}]}]})",
          "/children/0/children/0/value", "type");
  fail_unless_equals_string (e.schema_path.c_str (),
      "#/$defs/node/properties/value/type");

  auto root = load_ok (R"({"type":["array","integer"],"items":{"$ref":"#"}})");
  fail_unless (valid (*root, "[1,[2,[3]]]"));
  fail_if (valid (*root, "[1,[2,[\"3\"]]]"));

  /* $ref siblings apply too (2020-12), annotations are ignored. */
  auto sibling = load_ok (R"({"$defs":{"s":{"type":"string"}},
      "$ref":"#/$defs/s","maxLength":2,"default":"alloy","description":"d",
      "title":"t","examples":["x"],"$comment":"c","deprecated":false,
      "readOnly":false,"writeOnly":false})");
  fail_unless (valid (*sibling, "\"ab\""));
  only_error (*sibling, "\"abc\"", "", "maxLength");
  only_error (*sibling, "1", "", "type");

  load_fails (R"({"$ref":"#/$defs/missing"})", REALTIME_SCHEMA_ERROR_INVALID,
      "missing");
  load_fails (R"({"$ref":"other.json#/x"})", REALTIME_SCHEMA_ERROR_UNSUPPORTED,
      "other.json");
  load_fails (
      R"({"$defs":{"a":{"properties":{"b":{}}}},"$ref":"#/$defs/a/properties/b"})",
      REALTIME_SCHEMA_ERROR_UNSUPPORTED, "#/$defs/a/properties/b");
  /* Would recurse forever on any instance. */
  load_fails (R"({"$defs":{"a":{"anyOf":[{"$ref":"#/$defs/b"}]},
      "b":{"allOf":[{"$ref":"#/$defs/a"}]}},"$ref":"#/$defs/a"})",
      REALTIME_SCHEMA_ERROR_INVALID, "refers to itself");
}
GST_END_TEST;

GST_START_TEST (test_boolean_schemas)
{
  auto yes = load_ok ("true");
  fail_unless (valid (*yes, R"({"anything":[1,"2",null]})"));
  auto no = load_ok ("false");
  only_error (*no, "{}", "", "false");
  auto prop = load_ok (R"({"properties":{"gone":false,"any":true}})");
  fail_unless (valid (*prop, R"({"any":1})"));
  only_error (*prop, R"({"gone":1})", "/gone", "false");
}
GST_END_TEST;

/* A keyword the validator does not implement must stop loading, wherever it
 * hides: otherwise a schema update would silently validate less. */
GST_START_TEST (test_unknown_keywords_refused)
{
  const char * unknown[][2] = {
      {R"({"unevaluatedProperties":false})", "unevaluatedProperties"},
      {R"({"format":"uri"})", "format"},
      {R"({"requried":["type"]})", "requried"},
      {R"({"properties":{"a":{"minProperties":1}}})", "minProperties"},
      {R"({"$defs":{"x":{"uniqueItems":true}}})", "uniqueItems"},
      {R"({"items":{"contains":{}}})", "contains"},
      {R"({"anyOf":[{"patternProperties":{}}]})", "patternProperties"},
      {R"({"additionalProperties":{"dependentRequired":{}}})",
          "dependentRequired"},
      {R"({"if":{"multipleOf":2},"then":{}})", "multipleOf"},
      {R"({"not":{"prefixItems":[]}})", "prefixItems"},
      {R"({"oneOf":[{"nullable":true}]})", "nullable"},
      {R"({"discriminator":{"propertyName":"type"}})", "discriminator"},
  };
  for (const auto & u : unknown)
    load_fails (u[0], REALTIME_SCHEMA_ERROR_UNSUPPORTED, u[1]);

  /* The message says where. */
  load_fails (R"({"$defs":{"Audio":{"properties":{"rate":{"x-rate":1}}}}})",
      REALTIME_SCHEMA_ERROR_UNSUPPORTED, "#/$defs/Audio/properties/rate");

  /* Root-only keywords elsewhere, and other drafts. */
  load_fails (R"({"properties":{"a":{"$id":"x"}}})",
      REALTIME_SCHEMA_ERROR_UNSUPPORTED, "$id");
  load_fails (R"({"properties":{"a":{"$defs":{}}}})",
      REALTIME_SCHEMA_ERROR_UNSUPPORTED, "$defs");
  load_fails (R"({"$schema":"http://json-schema.org/draft-07/schema#"})",
      REALTIME_SCHEMA_ERROR_UNSUPPORTED, "2020-12");
  load_ok (R"({"$schema":"https://json-schema.org/draft/2020-12/schema",
      "$id":"urn:x","$comment":"c"})");

  /* Malformed keyword values. */
  load_fails (R"({"type":"strin"})", REALTIME_SCHEMA_ERROR_INVALID, "type");
  load_fails (R"({"type":["string","string"]})", REALTIME_SCHEMA_ERROR_INVALID,
      "twice");
  load_fails (R"({"required":"type"})", REALTIME_SCHEMA_ERROR_INVALID,
      "required");
  load_fails (R"({"minimum":"1"})", REALTIME_SCHEMA_ERROR_INVALID, "number");
  load_fails (R"({"exclusiveMinimum":true})", REALTIME_SCHEMA_ERROR_INVALID,
      "number");
  load_fails (R"({"maxLength":1.5})", REALTIME_SCHEMA_ERROR_INVALID,
      "non-negative integer");
  load_fails (R"({"enum":"a"})", REALTIME_SCHEMA_ERROR_INVALID, "enum");
  load_fails (R"({"properties":{"a":3}})", REALTIME_SCHEMA_ERROR_INVALID,
      "#/properties/a");
  load_fails (R"({"pattern":"("})", REALTIME_SCHEMA_ERROR_INVALID, "pattern");
  load_fails ("[]", REALTIME_SCHEMA_ERROR_INVALID, "neither");
  load_fails ("{'type':'string'}", REALTIME_SCHEMA_ERROR_INVALID, "not JSON");
}
GST_END_TEST;

/* anyOf: the errors of the branch the sender most plausibly meant. */
GST_START_TEST (test_any_of_error_selection)
{
  /* RealtimeAudioFormats: the pcm branch fails only on `rate`; the pcmu and
   * pcma branches fail on their `type` discriminator and the extra `rate`. */
  auto formats = load_ok (R"({"properties":{"format":{"anyOf":[
      {"type":"object","properties":{"type":{"type":"string","enum":["audio/pcm"]},
        "rate":{"type":"integer","enum":[24000]}},"additionalProperties":false},
      {"type":"object","properties":{"type":{"type":"string","enum":["audio/pcmu"]}},
        "additionalProperties":false},
      {"type":"object","properties":{"type":{"type":"string","enum":["audio/pcma"]}},
        "additionalProperties":false}]}}})");
  ValidationError e =
      only_error (*formats, R"({"format":{"type":"audio/pcm","rate":16000}})",
          "/format/rate", "enum");
  fail_unless_equals_string (e.allowed[0].c_str (), "24000");
  e = only_error (*formats, R"({"format":{"type":"audio/pcmu","rate":8000}})",
      "/format", "additionalProperties");
  fail_unless_equals_string (e.property.c_str (), "rate");
  /* Every branch wants an object: one type error, not three. */
  e = only_error (*formats, R"({"format":"pcm16"})", "/format", "type");
  fail_unless_equals_int (e.expected_types.size (), 1);
  fail_unless_equals_string (e.expected_types[0].c_str (), "object");

  /* Every branch has another type: the union of what they accept. */
  auto nullable = load_ok (R"({"anyOf":[{"anyOf":[
      {"type":"object","required":["type"],"properties":{"type":{"const":"server_vad"},
        "idle_timeout_ms":{"anyOf":[{"type":"integer","minimum":5000},{"type":"null"}]}},
        "additionalProperties":false},
      {"type":"object","required":["type"],"properties":{"type":{"const":"semantic_vad"},
        "eagerness":{"enum":["low","high"]}},"additionalProperties":false}]},
      {"type":"null"}]})");
  e = only_error (*nullable, "\"server_vad\"", "", "type");
  fail_unless_equals_int (e.expected_types.size (), 2);
  fail_unless_equals_string (e.expected_types[0].c_str (), "object");
  fail_unless_equals_string (e.expected_types[1].c_str (), "null");
  /* Deeper beats shallower: the server_vad branch gets to idle_timeout_ms. */
  only_error (*nullable, R"({"type":"server_vad","idle_timeout_ms":1000})",
      "/idle_timeout_ms", "minimum");
  /* The `type` discriminator picks the branch, even for a shallow error. */
  e = only_error (*nullable, R"({"type":"server_vad","eagerness":"low"})", "",
      "additionalProperties");
  fail_unless_equals_string (e.property.c_str (), "eagerness");
  e = only_error (*nullable,
      R"({"type":"semantic_vad","idle_timeout_ms":6000})", "",
      "additionalProperties");
  fail_unless_equals_string (e.property.c_str (), "idle_timeout_ms");

  /* Messages: `role` is the discriminator; the user branch fails only on an
   * unknown member, the system branch deeper but on its discriminator. */
  auto messages = load_ok (R"({"anyOf":[
      {"type":"object","properties":{"role":{"enum":["system"]},
        "content":{"type":"array"}},"additionalProperties":false},
      {"type":"object","properties":{"role":{"enum":["user"]},
        "content":{"type":"array"}},"additionalProperties":false}]})");
  e = only_error (*messages, R"({"role":"user","content":[],"bogus":1})", "",
      "additionalProperties");
  fail_unless_equals_string (e.property.c_str (), "bogus");
  /* A role no branch has: all the roles, not just the first branch's. */
  e = only_error (*messages, R"({"role":"tool","content":[]})", "/role",
      "enum");
  fail_unless_equals_int (e.allowed.size (), 2);
  fail_unless_equals_string (e.allowed[0].c_str (), "\"system\"");
  fail_unless_equals_string (e.allowed[1].c_str (), "\"user\"");

  /* Fewer errors break a tie. */
  auto tie =
      load_ok (R"({"anyOf":[{"required":["a","b"]},{"required":["c"]}]})");
  e = only_error (*tie, "{}", "", "required");
  fail_unless_equals_string (e.property.c_str (), "c");

  /* oneOf with no match explains the same way. */
  auto one = load_ok (R"({"oneOf":[{"type":"string"},{"type":"object",
      "properties":{"a":{"type":"integer"}}}]})");
  only_error (*one, R"({"a":"x"})", "/a", "type");
}
GST_END_TEST;

GST_START_TEST (test_paths)
{
  InstancePath path;
  PathStep member;
  member.member = "item";
  path.push_back (member);
  member.member = "content";
  path.push_back (member);
  PathStep index;
  index.is_index = true;
  index.index = 0;
  path.push_back (index);
  member.member = "a/b~c";
  path.push_back (member);
  const std::string pointer = json_pointer (path);
  fail_unless_equals_string (pointer.c_str (), "/item/content/0/a~1b~0c");
  const std::string dotted = dotted_path (path);
  fail_unless_equals_string (dotted.c_str (), "item.content[0].a/b~c");
  const std::string root = json_pointer (InstancePath ());
  fail_unless_equals_string (root.c_str (), "");

  const std::string n1 = format_number (24000);
  fail_unless_equals_string (n1.c_str (), "24000");
  const std::string n2 = format_number (1.5);
  fail_unless_equals_string (n2.c_str (), "1.5");
  const std::string n3 = format_number (0.1);
  fail_unless_equals_string (n3.c_str (), "0.1");
  const std::string n4 = format_number (1e20);
  fail_unless_equals_string (n4.c_str (), "1e+20");
}
GST_END_TEST;

/* The validator's keyword set covers the three schemas in
 * tests/conformance/. */
GST_START_TEST (test_conformance_schemas_load)
{
  const char * files[] = {
      "realtime-client-events.schema.json",
      "realtime-client-events.strict.schema.json",
      "realtime-server-events.schema.json",
  };
  for (const char * name : files) {
    g_autofree gchar * path = g_build_filename (CONFORMANCE_DIR, name, nullptr);
    g_autofree gchar * text = nullptr;
    gsize size = 0;
    fail_unless (g_file_get_contents (path, &text, &size, nullptr),
        "cannot read %s", path);
    g_autoptr (GError) error = nullptr;
    std::unique_ptr<JsonSchema> schema =
        JsonSchema::load_from_data (std::string_view (text, size), &error);
    fail_unless (schema != nullptr, "%s: %s", name,
        error ? error->message : "");
  }
}
GST_END_TEST;

static Suite *
sim_json_schema_suite (void)
{
  Suite * s = suite_create ("sim-json-schema");
  TCase * tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_type);
  tcase_add_test (tc, test_enum_and_const);
  tcase_add_test (tc, test_numeric_bounds);
  tcase_add_test (tc, test_string_length_and_pattern);
  tcase_add_test (tc, test_arrays);
  tcase_add_test (tc, test_objects);
  tcase_add_test (tc, test_combinators);
  tcase_add_test (tc, test_refs);
  tcase_add_test (tc, test_boolean_schemas);
  tcase_add_test (tc, test_unknown_keywords_refused);
  tcase_add_test (tc, test_any_of_error_selection);
  tcase_add_test (tc, test_paths);
  tcase_add_test (tc, test_conformance_schemas_load);
  return s;
}

GST_CHECK_MAIN (sim_json_schema);
