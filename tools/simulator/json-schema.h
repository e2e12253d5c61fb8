/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gst/realtime/json-util.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace realtime::sim {

/* Errors loading a schema. */
#define REALTIME_SCHEMA_ERROR (realtime::sim::schema_error_quark ())
GQuark schema_error_quark (void);

typedef enum {
  REALTIME_SCHEMA_ERROR_INVALID,     /* not a well-formed JSON Schema */
  REALTIME_SCHEMA_ERROR_UNSUPPORTED, /* a keyword or form this validator lacks */
} RealtimeSchemaError;

/* One step into a JSON instance: an object member or an array index. */
struct PathStep
{
  std::string member; /* when !is_index */
  guint index = 0;    /* when is_index */
  bool is_index = false;
};
using InstancePath = std::vector<PathStep>;

/* RFC 6901 pointer: "/session/audio/0" ("" for the root). */
std::string json_pointer (const InstancePath & path);
/* The service's parameter notation: "session.audio.input.format.rate",
 * "item.content[0].text" ("" for the root). */
std::string dotted_path (const InstancePath & path);

/* @value as JavaScript prints it: "24000", "1.5", "1e+21". */
std::string format_number (double value);

/* One failed keyword. */
struct ValidationError
{
  /* The value the keyword checked; for `required` and `additionalProperties`
   * the object, with the member in @property. */
  InstancePath path;
  /* "type", "enum", "const", "required", "additionalProperties", "minimum",
   * "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
   * "maxLength", "minItems", "maxItems", "pattern", "oneOf", "not", or
   * "false" (a `false` schema, e.g. `items: false`). */
  std::string keyword;
  std::string schema_path; /* "#/$defs/X/properties/rate/enum" */
  std::string property;    /* required / additionalProperties */
  std::vector<std::string> expected_types; /* type: in schema order */
  std::vector<std::string> allowed; /* enum / const: compact JSON of each */
  double limit = 0;                 /* bounds and length limits */
  std::string pattern;              /* pattern */
  std::string message;              /* ajv-like: "must be integer" */
};

/* A compiled JSON Schema (draft 2020-12) restricted to the keywords the GA
 * conformance schemas use:
 *   type (name or array of names), enum, const, properties, required,
 *   additionalProperties (boolean or schema), items (one schema), allOf,
 *   anyOf, oneOf, not, if/then/else, $ref ("#" or "#/$defs/NAME"), minimum,
 *   maximum, exclusiveMinimum, exclusiveMaximum, minLength, maxLength,
 *   minItems, maxItems, pattern (a JavaScript-compatible subset),
 *   boolean schemas; $schema, $id and $defs at the root only; annotations
 *   (default, description, title, examples, $comment, deprecated,
 *   readOnly, writeOnly) are ignored.
 * Any other keyword, including `format`, makes loading fail with
 * REALTIME_SCHEMA_ERROR_UNSUPPORTED: a schema update that needs more must
 * not be validated half-way without anyone noticing.
 *
 * Semantics follow ajv 8 in strict mode (the reference the schemas are
 * checked with): numbers compare as doubles, 1500.0 is an integer, ±inf is
 * no number, string lengths count code points. */
class JsonSchema
{
public:
  /* Compiles @document (not kept). Null and @error set on failure. */
  static std::unique_ptr<JsonSchema> load (JsonNode * document,
      GError ** error);
  static std::unique_ptr<JsonSchema> load_from_data (std::string_view text,
      GError ** error);

  ~JsonSchema ();
  JsonSchema (const JsonSchema &) = delete;
  JsonSchema & operator= (const JsonSchema &) = delete;

  /* True when @instance is valid. When not and @errors is given, it gets
   * the errors found (never none), in schema order: all of them, except
   * that a failed anyOf/oneOf contributes only the errors of its most
   * plausible branch (the value's JSON type fits, no mismatched
   * discriminator, deepest error, fewest errors; see BranchScore), or one
   * merged error when that says more: a `type` error listing every type
   * the branches accept when none fits, an `enum` error listing every
   * value when the best branches differ only in the one value they allow.
   * Thread-safe. */
  bool validate (JsonNode * instance,
      std::vector<ValidationError> * errors = nullptr) const;

  struct Node;

private:
  JsonSchema ();
  std::vector<std::unique_ptr<Node>> nodes_;
  const Node * root_ = nullptr;
  friend class SchemaCompiler;
};

} // namespace realtime::sim
