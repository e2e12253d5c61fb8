/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "json-schema.h"

#include "strict-json.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace realtime::sim {

/* G_DEFINE_QUARK turns its first argument into the quark's name, so
 * the formatter must not put spaces into it. */
/* clang-format off */
G_DEFINE_QUARK (realtime-schema-error-quark, schema_error)
/* clang-format on */

namespace {

enum TypeBit : guint {
  T_NULL = 1 << 0,
  T_BOOLEAN = 1 << 1,
  T_OBJECT = 1 << 2,
  T_ARRAY = 1 << 3,
  T_NUMBER = 1 << 4,
  T_STRING = 1 << 5,
  T_INTEGER = 1 << 6,
};

const struct
{
  const char * name;
  guint bit;
} kTypeNames[] = {
    {"null", T_NULL},
    {"boolean", T_BOOLEAN},
    {"object", T_OBJECT},
    {"array", T_ARRAY},
    {"number", T_NUMBER},
    {"string", T_STRING},
    {"integer", T_INTEGER},
};

/* Keywords that only annotate; they never change a verdict. */
const char * const kAnnotations[] = {
    "$comment",
    "default",
    "description",
    "title",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
};

const char kDraft202012[] = "https://json-schema.org/draft/2020-12/schema";

struct RegexUnref
{
  void operator() (GRegex * regex) const { g_regex_unref (regex); }
};

bool
is_number (JsonNode * node)
{
  if (!JSON_NODE_HOLDS_VALUE (node))
    return false;
  GType t = json_node_get_value_type (node);
  return t == G_TYPE_INT64 || t == G_TYPE_DOUBLE;
}

/* JavaScript's view of a JSON number: always a double. */
double
number_value (JsonNode * node)
{
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return json_node_get_double (node);
}

bool
is_string (JsonNode * node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING;
}

bool
is_boolean (JsonNode * node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_BOOLEAN;
}

bool
has_type (JsonNode * node, guint bit)
{
  switch (bit) {
    case T_NULL:
      return JSON_NODE_HOLDS_NULL (node);
    case T_BOOLEAN:
      return is_boolean (node);
    case T_OBJECT:
      return JSON_NODE_HOLDS_OBJECT (node);
    case T_ARRAY:
      return JSON_NODE_HOLDS_ARRAY (node);
    case T_STRING:
      return is_string (node);
    case T_NUMBER:
      /* ajv strict mode (strictNumbers): Infinity is not a number. */
      return is_number (node) && std::isfinite (number_value (node));
    case T_INTEGER:
      if (!is_number (node))
        return false;
      if (json_node_get_value_type (node) == G_TYPE_INT64)
        return true;
      return std::isfinite (json_node_get_double (node)) &&
          std::floor (json_node_get_double (node)) ==
          json_node_get_double (node);
    default:
      return false;
  }
}

/* ajv's fast-deep-equal over JSON: numbers compare as doubles. */
bool
json_equal (JsonNode * a, JsonNode * b)
{
  if (is_number (a) || is_number (b))
    return is_number (a) && is_number (b) &&
        number_value (a) == number_value (b);
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    return false;
  switch (JSON_NODE_TYPE (a)) {
    case JSON_NODE_NULL:
      return true;
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        return false;
      if (is_string (a))
        return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) ==
            0;
      if (is_boolean (a))
        return json_node_get_boolean (a) == json_node_get_boolean (b);
      return false;
    case JSON_NODE_ARRAY: {
      JsonArray * x = json_node_get_array (a);
      JsonArray * y = json_node_get_array (b);
      guint n = json_array_get_length (x);
      if (n != json_array_get_length (y))
        return false;
      for (guint i = 0; i < n; i++)
        if (!json_equal (json_array_get_element (x, i),
                json_array_get_element (y, i)))
          return false;
      return true;
    }
    case JSON_NODE_OBJECT: {
      JsonObject * x = json_node_get_object (a);
      JsonObject * y = json_node_get_object (b);
      if (json_object_get_size (x) != json_object_get_size (y))
        return false;
      JsonObjectIter iter;
      const gchar * name;
      JsonNode * value;
      json_object_iter_init (&iter, x);
      while (json_object_iter_next (&iter, &name, &value)) {
        JsonNode * other = json_object_get_member (y, name);
        if (other == nullptr || !json_equal (value, other))
          return false;
      }
      return true;
    }
  }
  return false;
}

std::string
escape_pointer_token (std::string_view token)
{
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out.push_back (c);
  }
  return out;
}

std::string
unescape_pointer_token (std::string_view token)
{
  std::string out;
  for (size_t i = 0; i < token.size (); i++) {
    if (token[i] == '~' && i + 1 < token.size () && token[i + 1] == '1') {
      out.push_back ('/');
      i++;
    } else if (token[i] == '~' && i + 1 < token.size () &&
        token[i + 1] == '0') {
      out.push_back ('~');
      i++;
    } else {
      out.push_back (token[i]);
    }
  }
  return out;
}

/* Patterns are matched with GRegex (PCRE2) but written for JavaScript
 * (ajv compiles them with the `u` flag). Only the part of the syntax both
 * read the same way is accepted: literals, classes of literals and ranges,
 * groups, alternation, quantifiers, ^ and $ (with DOLLAR_ENDONLY), and
 * escaped syntax characters. \d, \w, \b, `.`, (?...) and friends differ
 * between the two (Unicode classes, line terminators) and are refused. */
bool
pattern_is_portable (const std::string & p, std::string & why)
{
  bool in_class = false;
  for (size_t i = 0; i < p.size (); i++) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 >= p.size ()) {
        why = "ends with a backslash";
        return false;
      }
      char e = p[i + 1];
      if (strchr ("^$\\.*+?()[]{}|/", e) == nullptr &&
          !(in_class && e == '-')) {
        why = std::string ("uses the escape \\") + e;
        return false;
      }
      i++;
      continue;
    }
    if (in_class) {
      if (c == ']')
        in_class = false;
      continue;
    }
    switch (c) {
      case '[':
        in_class = true;
        if (i + 1 < p.size () && p[i + 1] == '^')
          i++;
        if (i + 1 < p.size () && p[i + 1] == ']') {
          why = "has a class starting with ']'";
          return false;
        }
        break;
      case '(':
        if (i + 1 < p.size () && p[i + 1] == '?') {
          why = "uses a (?...) group";
          return false;
        }
        break;
      case '.':
        why = "uses '.' (JavaScript and PCRE disagree on line terminators)";
        return false;
      case '{': {
        /* A quantifier {n}, {n,} or {n,m}; JavaScript's `u` mode refuses a
         * stray brace that PCRE would take literally. */
        size_t j = i + 1;
        size_t digits = 0;
        while (j < p.size () && g_ascii_isdigit (p[j])) {
          j++;
          digits++;
        }
        if (digits > 0 && j < p.size () && p[j] == ',') {
          j++;
          while (j < p.size () && g_ascii_isdigit (p[j]))
            j++;
        }
        if (digits == 0 || j >= p.size () || p[j] != '}') {
          why = "has a '{' that is not a quantifier";
          return false;
        }
        i = j;
        break;
      }
      case '}':
      case ']':
        why = std::string ("has a stray '") + c + "'";
        return false;
      default:
        break;
    }
  }
  if (in_class) {
    why = "has an unterminated class";
    return false;
  }
  return true;
}

} // namespace

std::string
format_number (double value)
{
  if (std::floor (value) == value && std::fabs (value) < 1e15) {
    char buf[32];
    g_snprintf (buf, sizeof buf, "%.0f", value);
    return buf;
  }
  /* Shortest text that reads back as the same double, as JavaScript prints. */
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  for (int precision = 15; precision <= 17; precision++) {
    g_ascii_formatd (buf, sizeof buf,
        precision == 15       ? "%.15g"
            : precision == 16 ? "%.16g"
                              : "%.17g",
        value);
    if (g_ascii_strtod (buf, nullptr) == value)
      break;
  }
  return buf;
}

std::string
json_pointer (const InstancePath & path)
{
  std::string out;
  for (const PathStep & step : path) {
    out.push_back ('/');
    if (step.is_index)
      out += std::to_string (step.index);
    else
      out += escape_pointer_token (step.member);
  }
  return out;
}

std::string
dotted_path (const InstancePath & path)
{
  std::string out;
  for (const PathStep & step : path) {
    if (step.is_index) {
      out += "[" + std::to_string (step.index) + "]";
    } else {
      if (!out.empty ())
        out.push_back ('.');
      out += step.member;
    }
  }
  return out;
}

struct JsonSchema::Node
{
  std::string location; /* schema pointer, "#/$defs/X/properties/y" */

  bool is_boolean = false; /* a `true` / `false` schema */
  bool boolean_value = true;

  guint types = 0;
  std::vector<std::string> type_names;
  bool has_enum = false;
  std::vector<JsonNodePtr> enum_values;
  JsonNodePtr const_value; /* set when `const` is present */

  std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;
  std::optional<guint64> min_length, max_length, min_items, max_items;
  std::unique_ptr<GRegex, RegexUnref> pattern;
  std::string pattern_source;

  std::vector<std::pair<std::string, const Node *>> properties;
  std::map<std::string, const Node *> property_index;
  std::vector<std::string> required;
  const Node * additional = nullptr;
  const Node * items = nullptr;

  std::vector<const Node *> all_of, any_of, one_of;
  const Node * not_ = nullptr;
  const Node * if_ = nullptr;
  const Node * then_ = nullptr;
  const Node * else_ = nullptr;

  std::string ref;
  const Node * ref_target = nullptr;
};

/* Turns a schema document into JsonSchema::Node trees, refusing anything
 * it does not fully understand. */
class SchemaCompiler
{
public:
  using Node = JsonSchema::Node;

  SchemaCompiler (JsonSchema & schema, GError ** error)
      : schema_ (schema), error_ (error)
  {}

  bool compile_document (JsonNode * document)
  {
    Node * root = compile (document, "#", true);
    if (root == nullptr)
      return false;
    schema_.root_ = root;
    return resolve_refs () && check_cycles ();
  }

private:
  JsonSchema & schema_;
  GError ** error_;
  std::map<std::string, Node *> defs_;
  std::vector<Node *> refs_;

  G_GNUC_PRINTF (3, 4)
  std::nullptr_t fail (RealtimeSchemaError code, const char * format, ...)
  {
    va_list args;
    va_start (args, format);
    g_autofree gchar * message = g_strdup_vprintf (format, args);
    va_end (args);
    if (error_ != nullptr && *error_ == nullptr)
      g_set_error_literal (error_, REALTIME_SCHEMA_ERROR, code, message);
    return nullptr;
  }

  Node * new_node (const std::string & location)
  {
    schema_.nodes_.push_back (std::make_unique<Node> ());
    schema_.nodes_.back ()->location = location;
    return schema_.nodes_.back ().get ();
  }

  bool get_number (JsonNode * value, const std::string & where, double & out)
  {
    if (!is_number (value)) {
      fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be a number",
          where.c_str ());
      return false;
    }
    out = number_value (value);
    return true;
  }

  bool get_count (JsonNode * value, const std::string & where, guint64 & out)
  {
    if (!is_number (value) || !has_type (value, T_INTEGER) ||
        number_value (value) < 0) {
      fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be a non-negative integer",
          where.c_str ());
      return false;
    }
    out = (guint64) number_value (value);
    return true;
  }

  bool compile_list (JsonNode * value, const std::string & where,
      std::vector<const Node *> & out)
  {
    if (!JSON_NODE_HOLDS_ARRAY (value) ||
        json_array_get_length (json_node_get_array (value)) == 0) {
      fail (REALTIME_SCHEMA_ERROR_INVALID,
          "%s must be a non-empty array of "
          "schemas",
          where.c_str ());
      return false;
    }
    JsonArray * array = json_node_get_array (value);
    for (guint i = 0; i < json_array_get_length (array); i++) {
      Node * sub = compile (json_array_get_element (array, i),
          where + "/" + std::to_string (i), false);
      if (sub == nullptr)
        return false;
      out.push_back (sub);
    }
    return true;
  }

  bool compile_type (Node * node, JsonNode * value, const std::string & where)
  {
    std::vector<JsonNode *> names;
    if (JSON_NODE_HOLDS_ARRAY (value)) {
      JsonArray * array = json_node_get_array (value);
      for (guint i = 0; i < json_array_get_length (array); i++)
        names.push_back (json_array_get_element (array, i));
    } else {
      names.push_back (value);
    }
    if (names.empty ()) {
      fail (REALTIME_SCHEMA_ERROR_INVALID, "%s is an empty array",
          where.c_str ());
      return false;
    }
    for (JsonNode * name : names) {
      guint bit = 0;
      if (is_string (name)) {
        for (const auto & t : kTypeNames)
          if (g_strcmp0 (json_node_get_string (name), t.name) == 0)
            bit = t.bit;
      }
      if (bit == 0) {
        fail (REALTIME_SCHEMA_ERROR_INVALID, "%s: not a JSON Schema type name",
            where.c_str ());
        return false;
      }
      if (node->types & bit) {
        fail (REALTIME_SCHEMA_ERROR_INVALID, "%s lists \"%s\" twice",
            where.c_str (), json_node_get_string (name));
        return false;
      }
      node->types |= bit;
      node->type_names.push_back (json_node_get_string (name));
    }
    return true;
  }

  Node * compile (JsonNode * json, const std::string & location, bool is_root)
  {
    Node * node = new_node (location);
    if (is_boolean (json)) {
      node->is_boolean = true;
      node->boolean_value = json_node_get_boolean (json);
      return node;
    }
    if (!JSON_NODE_HOLDS_OBJECT (json))
      return fail (REALTIME_SCHEMA_ERROR_INVALID,
          "the schema at %s is neither an object nor a boolean",
          location.c_str ());

    JsonObject * object = json_node_get_object (json);
    JsonObjectIter iter;
    const gchar * keyword;
    JsonNode * value;
    json_object_iter_init_ordered (&iter, object);
    while (json_object_iter_next_ordered (&iter, &keyword, &value)) {
      const std::string k = keyword;
      const std::string where = location + "/" + escape_pointer_token (k);

      bool annotation = false;
      for (const char * a : kAnnotations)
        annotation = annotation || k == a;
      if (annotation)
        continue;

      if (k == "$schema") {
        if (!is_root)
          return fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
              "$schema inside a schema (%s) is not supported", where.c_str ());
        if (!is_string (value) ||
            g_strcmp0 (json_node_get_string (value), kDraft202012) != 0)
          return fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
              "only draft 2020-12 (%s) is supported", kDraft202012);
      } else if (k == "$id") {
        /* An $id below the root would move the base of $ref resolution. */
        if (!is_root)
          return fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
              "$id inside a schema (%s) is not supported", where.c_str ());
        if (!is_string (value))
          return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be a string",
              where.c_str ());
      } else if (k == "$defs") {
        if (!is_root)
          return fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
              "$defs below the root (%s) is not supported", where.c_str ());
        if (!JSON_NODE_HOLDS_OBJECT (value))
          return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be an object",
              where.c_str ());
        JsonObjectIter defs;
        const gchar * name;
        JsonNode * def;
        json_object_iter_init_ordered (&defs, json_node_get_object (value));
        while (json_object_iter_next_ordered (&defs, &name, &def)) {
          Node * sub =
              compile (def, where + "/" + escape_pointer_token (name), false);
          if (sub == nullptr)
            return nullptr;
          defs_[name] = sub;
        }
      } else if (k == "$ref") {
        if (!is_string (value))
          return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be a string",
              where.c_str ());
        node->ref = json_node_get_string (value);
        refs_.push_back (node);
      } else if (k == "type") {
        if (!compile_type (node, value, where))
          return nullptr;
      } else if (k == "enum") {
        if (!JSON_NODE_HOLDS_ARRAY (value))
          return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be an array",
              where.c_str ());
        node->has_enum = true;
        JsonArray * array = json_node_get_array (value);
        for (guint i = 0; i < json_array_get_length (array); i++)
          node->enum_values.emplace_back (
              json_node_copy (json_array_get_element (array, i)));
      } else if (k == "const") {
        node->const_value.reset (json_node_copy (value));
      } else if (k == "properties") {
        if (!JSON_NODE_HOLDS_OBJECT (value))
          return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be an object",
              where.c_str ());
        JsonObjectIter props;
        const gchar * name;
        JsonNode * sub_json;
        json_object_iter_init_ordered (&props, json_node_get_object (value));
        while (json_object_iter_next_ordered (&props, &name, &sub_json)) {
          Node * sub = compile (sub_json,
              where + "/" + escape_pointer_token (name), false);
          if (sub == nullptr)
            return nullptr;
          node->properties.emplace_back (name, sub);
          node->property_index[name] = sub;
        }
      } else if (k == "required") {
        if (!JSON_NODE_HOLDS_ARRAY (value))
          return fail (REALTIME_SCHEMA_ERROR_INVALID,
              "%s must be an array "
              "of strings",
              where.c_str ());
        JsonArray * array = json_node_get_array (value);
        std::set<std::string> seen;
        for (guint i = 0; i < json_array_get_length (array); i++) {
          JsonNode * name = json_array_get_element (array, i);
          if (!is_string (name) ||
              !seen.insert (json_node_get_string (name)).second)
            return fail (REALTIME_SCHEMA_ERROR_INVALID,
                "%s must be an array "
                "of distinct strings",
                where.c_str ());
          node->required.push_back (json_node_get_string (name));
        }
      } else if (k == "additionalProperties") {
        if (!(node->additional = compile (value, where, false)))
          return nullptr;
      } else if (k == "items") {
        if (JSON_NODE_HOLDS_ARRAY (value))
          return fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
              "%s is an array (the pre-2020-12 tuple form)", where.c_str ());
        if (!(node->items = compile (value, where, false)))
          return nullptr;
      } else if (k == "allOf") {
        if (!compile_list (value, where, node->all_of))
          return nullptr;
      } else if (k == "anyOf") {
        if (!compile_list (value, where, node->any_of))
          return nullptr;
      } else if (k == "oneOf") {
        if (!compile_list (value, where, node->one_of))
          return nullptr;
      } else if (k == "not") {
        if (!(node->not_ = compile (value, where, false)))
          return nullptr;
      } else if (k == "if") {
        if (!(node->if_ = compile (value, where, false)))
          return nullptr;
      } else if (k == "then") {
        if (!(node->then_ = compile (value, where, false)))
          return nullptr;
      } else if (k == "else") {
        if (!(node->else_ = compile (value, where, false)))
          return nullptr;
      } else if (k == "minimum" || k == "maximum" || k == "exclusiveMinimum" ||
          k == "exclusiveMaximum") {
        double limit;
        if (!get_number (value, where, limit))
          return nullptr;
        (k == "minimum"                   ? node->minimum
                : k == "maximum"          ? node->maximum
                : k == "exclusiveMinimum" ? node->exclusive_minimum
                                          : node->exclusive_maximum) = limit;
      } else if (k == "minLength" || k == "maxLength" || k == "minItems" ||
          k == "maxItems") {
        guint64 limit;
        if (!get_count (value, where, limit))
          return nullptr;
        (k == "minLength"          ? node->min_length
                : k == "maxLength" ? node->max_length
                : k == "minItems"  ? node->min_items
                                   : node->max_items) = limit;
      } else if (k == "pattern") {
        if (!is_string (value))
          return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s must be a string",
              where.c_str ());
        node->pattern_source = json_node_get_string (value);
        std::string why;
        if (!pattern_is_portable (node->pattern_source, why))
          return fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
              "%s \"%s\" %s, which this validator does not support",
              where.c_str (), node->pattern_source.c_str (), why.c_str ());
        g_autoptr (GError) regex_error = nullptr;
        node->pattern.reset (g_regex_new (node->pattern_source.c_str (),
            G_REGEX_DOLLAR_ENDONLY, (GRegexMatchFlags) 0, &regex_error));
        if (!node->pattern)
          return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s: %s", where.c_str (),
              regex_error->message);
      } else {
        return fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
            "unsupported keyword \"%s\" at %s", keyword, location.c_str ());
      }
    }

    /* ajv's strict mode refuses these as silently ignored, and so do we. */
    if ((node->then_ || node->else_) && !node->if_)
      return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s has then/else without if",
          location.c_str ());
    if (node->if_ && !node->then_ && !node->else_)
      return fail (REALTIME_SCHEMA_ERROR_INVALID, "%s has if without then/else",
          location.c_str ());
    return node;
  }

  bool resolve_refs ()
  {
    for (Node * node : refs_) {
      const std::string & ref = node->ref;
      if (ref == "#") {
        node->ref_target = schema_.root_;
      } else if (g_str_has_prefix (ref.c_str (), "#/$defs/") &&
          ref.find ('/', strlen ("#/$defs/")) == std::string::npos) {
        std::string name =
            unescape_pointer_token (ref.substr (strlen ("#/$defs/")));
        auto it = defs_.find (name);
        if (it == defs_.end ()) {
          fail (REALTIME_SCHEMA_ERROR_INVALID,
              "%s/$ref: \"%s\" is not in $defs", node->location.c_str (),
              ref.c_str ());
          return false;
        }
        node->ref_target = it->second;
      } else {
        fail (REALTIME_SCHEMA_ERROR_UNSUPPORTED,
            "%s/$ref: \"%s\" (only \"#\" "
            "and \"#/$defs/NAME\" are supported)",
            node->location.c_str (), ref.c_str ());
        return false;
      }
    }
    return true;
  }

  /* A loop of $ref / allOf / anyOf / ... that stays on the same instance
   * value would recurse forever at validation time. */
  bool check_cycles ()
  {
    std::map<const Node *, int> state; /* 1: on the stack, 2: done */
    for (const auto & node : schema_.nodes_)
      if (!visit (node.get (), state))
        return false;
    return true;
  }

  bool visit (const Node * node, std::map<const Node *, int> & state)
  {
    int & s = state[node];
    if (s == 2)
      return true;
    if (s == 1) {
      fail (REALTIME_SCHEMA_ERROR_INVALID,
          "%s refers to itself without "
          "descending into the instance",
          node->location.c_str ());
      return false;
    }
    s = 1;
    std::vector<const Node *> next = {node->ref_target, node->not_, node->if_,
        node->then_, node->else_};
    next.insert (next.end (), node->all_of.begin (), node->all_of.end ());
    next.insert (next.end (), node->any_of.begin (), node->any_of.end ());
    next.insert (next.end (), node->one_of.begin (), node->one_of.end ());
    for (const Node * n : next)
      if (n != nullptr && !visit (n, state))
        return false;
    state[node] = 2;
    return true;
  }
};

namespace {

using Node = JsonSchema::Node;

/* How plausible a failed anyOf/oneOf branch is as "the one the sender
 * meant"; smaller is better, compared in this order. */
struct BranchScore
{
  /* The value is not even of this branch's JSON type. */
  bool wrong_type = false;
  /* Members whose single allowed value (a `const` or one-value `enum`, as
   * in {"type":{"enum":["realtime"]}}) differs: a discriminator says the
   * sender meant another branch. */
  size_t discriminators = 0;
  /* Deepest offending path (negated: deeper is better); `required` and
   * `additionalProperties` count at the member's depth. */
  long depth = 0;
  size_t errors = 0;

  bool operator== (const BranchScore & o) const
  {
    return wrong_type == o.wrong_type && discriminators == o.discriminators &&
        depth == o.depth && errors == o.errors;
  }

  bool operator<(const BranchScore & o) const
  {
    if (wrong_type != o.wrong_type)
      return !wrong_type;
    if (discriminators != o.discriminators)
      return discriminators < o.discriminators;
    if (depth != o.depth)
      return depth > o.depth;
    return errors < o.errors;
  }
};

BranchScore
score_branch (const std::vector<ValidationError> & errors, size_t base_depth)
{
  BranchScore score;
  score.errors = errors.size ();
  for (const ValidationError & e : errors) {
    if (e.keyword == "type" && e.path.size () == base_depth)
      score.wrong_type = true;
    if ((e.keyword == "enum" || e.keyword == "const") &&
        e.allowed.size () == 1 && e.path.size () == base_depth + 1)
      score.discriminators++;
    long depth = (long) e.path.size () +
        (e.keyword == "required" || e.keyword == "additionalProperties");
    score.depth = std::max (score.depth, depth);
  }
  return score;
}

class Validator
{
public:
  explicit Validator (std::vector<ValidationError> * errors) : errors_ (errors)
  {}

  InstancePath path;

  bool check (const Node * s, JsonNode * v)
  {
    if (s->is_boolean) {
      if (!s->boolean_value && !fast ())
        report (s, "false", "boolean schema is false");
      return s->boolean_value;
    }

    bool ok = true;
    if (s->ref_target != nullptr && !check (s->ref_target, v)) {
      if (fast ())
        return false;
      ok = false;
    }

    if (s->types != 0 && !type_ok (s->types, v)) {
      if (!fast ()) {
        ValidationError & e =
            report (s, "type", "must be " + join (s->type_names, ","));
        e.expected_types = s->type_names;
      }
      /* Nothing else about this value is worth saying. */
      return false;
    }

    if (s->const_value && !json_equal (s->const_value.get (), v)) {
      if (fast ())
        return false;
      ValidationError & e = report (s, "const", "must be equal to constant");
      e.allowed.push_back (json_to_string (s->const_value.get ()));
      ok = false;
    }
    if (s->has_enum) {
      bool found = false;
      for (const JsonNodePtr & allowed : s->enum_values)
        found = found || json_equal (allowed.get (), v);
      if (!found) {
        if (fast ())
          return false;
        ValidationError & e =
            report (s, "enum", "must be equal to one of the allowed values");
        for (const JsonNodePtr & allowed : s->enum_values)
          e.allowed.push_back (json_to_string (allowed.get ()));
        ok = false;
      }
    }

    if (is_number (v) && !check_number (s, number_value (v))) {
      if (fast ())
        return false;
      ok = false;
    }
    if (is_string (v) && !check_string (s, json_node_get_string (v))) {
      if (fast ())
        return false;
      ok = false;
    }
    if (JSON_NODE_HOLDS_ARRAY (v) &&
        !check_array (s, json_node_get_array (v))) {
      if (fast ())
        return false;
      ok = false;
    }
    if (JSON_NODE_HOLDS_OBJECT (v) &&
        !check_object (s, json_node_get_object (v))) {
      if (fast ())
        return false;
      ok = false;
    }

    for (const Node * sub : s->all_of) {
      if (!check (sub, v)) {
        if (fast ())
          return false;
        ok = false;
      }
    }
    if (!s->any_of.empty () && !check_any_of (s, s->any_of, v, "anyOf")) {
      if (fast ())
        return false;
      ok = false;
    }
    if (!s->one_of.empty () && !check_one_of (s, v)) {
      if (fast ())
        return false;
      ok = false;
    }
    if (s->not_ != nullptr && matches (s->not_, v)) {
      if (fast ())
        return false;
      report (s, "not", "must NOT be valid");
      ok = false;
    }
    if (s->if_ != nullptr) {
      const Node * branch = matches (s->if_, v) ? s->then_ : s->else_;
      if (branch != nullptr && !check (branch, v)) {
        if (fast ())
          return false;
        ok = false;
      }
    }
    return ok;
  }

private:
  std::vector<ValidationError> * errors_;

  bool fast () const { return errors_ == nullptr; }

  static std::string join (const std::vector<std::string> & parts,
      const char * separator)
  {
    std::string out;
    for (const std::string & p : parts) {
      if (!out.empty ())
        out += separator;
      out += p;
    }
    return out;
  }

  static bool type_ok (guint types, JsonNode * v)
  {
    for (const auto & t : kTypeNames)
      if ((types & t.bit) && has_type (v, t.bit))
        return true;
    return false;
  }

  ValidationError & report (const Node * s, const char * keyword,
      std::string message)
  {
    ValidationError e;
    e.path = path;
    e.keyword = keyword;
    e.schema_path = s->location + "/" + keyword;
    e.message = std::move (message);
    errors_->push_back (std::move (e));
    return errors_->back ();
  }

  static bool matches (const Node * s, JsonNode * v)
  {
    Validator quiet (nullptr);
    return quiet.check (s, v);
  }

  bool bound (const Node * s, const std::optional<double> & limit, bool failed,
      const char * keyword, const char * op)
  {
    if (!limit || !failed)
      return true;
    if (!fast ()) {
      ValidationError & e = report (s, keyword,
          std::string ("must be ") + op + " " + format_number (*limit));
      e.limit = *limit;
    }
    return false;
  }

  bool check_number (const Node * s, double x)
  {
    bool ok = true;
    ok &= bound (s, s->minimum, s->minimum && x < *s->minimum, "minimum", ">=");
    if (!ok && fast ())
      return false;
    ok &= bound (s, s->maximum, s->maximum && x > *s->maximum, "maximum", "<=");
    if (!ok && fast ())
      return false;
    ok &= bound (s, s->exclusive_minimum,
        s->exclusive_minimum && x <= *s->exclusive_minimum, "exclusiveMinimum",
        ">");
    if (!ok && fast ())
      return false;
    ok &= bound (s, s->exclusive_maximum,
        s->exclusive_maximum && x >= *s->exclusive_maximum, "exclusiveMaximum",
        "<");
    return ok;
  }

  bool count_bound (const Node * s, const std::optional<guint64> & limit,
      bool failed, const char * keyword, const char * message,
      const char * unit)
  {
    if (!limit || !failed)
      return true;
    if (!fast ()) {
      ValidationError & e = report (s, keyword,
          std::string (message) + " " + std::to_string (*limit) + " " + unit);
      e.limit = (double) *limit;
    }
    return false;
  }

  bool check_string (const Node * s, const char * text)
  {
    bool ok = true;
    if (s->min_length || s->max_length) {
      /* Code points, as ajv counts (a surrogate pair is one). */
      guint64 length = (guint64) g_utf8_strlen (text, -1);
      ok &= count_bound (s, s->min_length,
          s->min_length && length < *s->min_length, "minLength",
          "must NOT have fewer than", "characters");
      if (!ok && fast ())
        return false;
      ok &= count_bound (s, s->max_length,
          s->max_length && length > *s->max_length, "maxLength",
          "must NOT have more than", "characters");
      if (!ok && fast ())
        return false;
    }
    if (s->pattern &&
        !g_regex_match (s->pattern.get (), text, (GRegexMatchFlags) 0,
            nullptr)) {
      if (fast ())
        return false;
      ValidationError & e = report (s, "pattern",
          "must match pattern \"" + s->pattern_source + "\"");
      e.pattern = s->pattern_source;
      ok = false;
    }
    return ok;
  }

  bool check_array (const Node * s, JsonArray * array)
  {
    bool ok = true;
    guint64 length = json_array_get_length (array);
    ok &= count_bound (s, s->min_items, s->min_items && length < *s->min_items,
        "minItems", "must NOT have fewer than", "items");
    if (!ok && fast ())
      return false;
    ok &= count_bound (s, s->max_items, s->max_items && length > *s->max_items,
        "maxItems", "must NOT have more than", "items");
    if (!ok && fast ())
      return false;
    if (s->items != nullptr) {
      for (guint i = 0; i < length; i++) {
        PathStep step;
        step.is_index = true;
        step.index = i;
        path.push_back (std::move (step));
        bool item_ok = check (s->items, json_array_get_element (array, i));
        path.pop_back ();
        if (!item_ok) {
          if (fast ())
            return false;
          ok = false;
        }
      }
    }
    return ok;
  }

  bool check_object (const Node * s, JsonObject * object)
  {
    bool ok = true;
    for (const std::string & name : s->required) {
      if (!json_object_has_member (object, name.c_str ())) {
        if (fast ())
          return false;
        ValidationError & e = report (s, "required",
            "must have required property '" + name + "'");
        e.property = name;
        ok = false;
      }
    }

    if (s->properties.empty () && s->additional == nullptr)
      return ok;

    JsonObjectIter iter;
    const gchar * name;
    JsonNode * value;
    json_object_iter_init_ordered (&iter, object);
    while (json_object_iter_next_ordered (&iter, &name, &value)) {
      auto it = s->property_index.find (name);
      const Node * sub =
          it != s->property_index.end () ? it->second : s->additional;
      if (sub == nullptr)
        continue;
      if (it == s->property_index.end () && sub->is_boolean &&
          !sub->boolean_value) {
        /* additionalProperties: false, reported on the object as ajv does. */
        if (fast ())
          return false;
        ValidationError & e = report (s, "additionalProperties",
            "must NOT have additional properties");
        e.property = name;
        ok = false;
        continue;
      }
      PathStep step;
      step.member = name;
      path.push_back (std::move (step));
      bool member_ok = check (sub, value);
      path.pop_back ();
      if (!member_ok) {
        if (fast ())
          return false;
        ok = false;
      }
    }
    return ok;
  }

  /* No branch matched: keep the errors of the most plausible one. */
  void explain_branches (const Node * s,
      const std::vector<const Node *> & branches, JsonNode * v,
      const char * keyword)
  {
    std::vector<std::vector<ValidationError>> per_branch (branches.size ());
    std::vector<BranchScore> scores;
    size_t best = 0;
    bool all_wrong_type = true;
    for (size_t i = 0; i < branches.size (); i++) {
      Validator sub (&per_branch[i]);
      sub.path = path;
      sub.check (branches[i], v);
      scores.push_back (score_branch (per_branch[i], path.size ()));
      all_wrong_type = all_wrong_type && scores[i].wrong_type;
      if (scores[i] < scores[best])
        best = i;
    }

    if (all_wrong_type) {
      /* "expected an object or null": every type some branch accepts. */
      std::vector<std::string> types;
      for (const auto & errors : per_branch)
        for (const ValidationError & e : errors)
          if (e.keyword == "type" && e.path.size () == path.size ())
            for (const std::string & t : e.expected_types)
              if (std::find (types.begin (), types.end (), t) == types.end ())
                types.push_back (t);
      ValidationError & e = report (s, "type", "must be " + join (types, ","));
      e.schema_path = s->location + "/" + keyword;
      e.expected_types = types;
      return;
    }

    /* Branches that only differ in the one value they allow, e.g. an item
     * whose `role` is none of the message roles: list them all. */
    std::vector<size_t> tied;
    for (size_t i = 0; i < branches.size (); i++)
      if (scores[i] == scores[best])
        tied.push_back (i);
    bool merge = tied.size () > 1 && !per_branch[best].empty ();
    for (size_t i : tied) {
      const std::vector<ValidationError> & errors = per_branch[i];
      merge = merge && errors.size () == 1 &&
          (errors[0].keyword == "enum" || errors[0].keyword == "const") &&
          json_pointer (errors[0].path) ==
              json_pointer (per_branch[best][0].path);
    }
    if (merge) {
      ValidationError e = per_branch[best][0];
      e.keyword = "enum";
      e.schema_path = s->location + "/" + keyword;
      e.message = "must be equal to one of the allowed values";
      e.allowed.clear ();
      for (size_t i : tied)
        for (const std::string & v : per_branch[i][0].allowed)
          if (std::find (e.allowed.begin (), e.allowed.end (), v) ==
              e.allowed.end ())
            e.allowed.push_back (v);
      errors_->push_back (std::move (e));
      return;
    }

    for (ValidationError & e : per_branch[best])
      errors_->push_back (std::move (e));
  }

  bool check_any_of (const Node * s, const std::vector<const Node *> & branches,
      JsonNode * v, const char * keyword)
  {
    for (const Node * b : branches)
      if (matches (b, v))
        return true;
    if (!fast ())
      explain_branches (s, branches, v, keyword);
    return false;
  }

  bool check_one_of (const Node * s, JsonNode * v)
  {
    size_t matched = 0;
    for (const Node * b : s->one_of)
      matched += matches (b, v) ? 1 : 0;
    if (matched == 1)
      return true;
    if (fast ())
      return false;
    if (matched == 0)
      explain_branches (s, s->one_of, v, "oneOf");
    else
      report (s, "oneOf", "must match exactly one schema in oneOf");
    return false;
  }
};

} // namespace

JsonSchema::JsonSchema () = default;
JsonSchema::~JsonSchema () = default;

std::unique_ptr<JsonSchema>
JsonSchema::load (JsonNode * document, GError ** error)
{
  std::unique_ptr<JsonSchema> schema (new JsonSchema ());
  SchemaCompiler compiler (*schema, error);
  if (!compiler.compile_document (document))
    return nullptr;
  return schema;
}

std::unique_ptr<JsonSchema>
JsonSchema::load_from_data (std::string_view text, GError ** error)
{
  g_autoptr (GError) parse_error = nullptr;
  JsonNodePtr document = parse_strict_json (text, &parse_error);
  if (!document) {
    g_set_error (error, REALTIME_SCHEMA_ERROR, REALTIME_SCHEMA_ERROR_INVALID,
        "the schema is not JSON: %s", parse_error->message);
    return nullptr;
  }
  return load (document.get (), error);
}

bool
JsonSchema::validate (JsonNode * instance,
    std::vector<ValidationError> * errors) const
{
  if (Validator (nullptr).check (root_, instance))
    return true;
  if (errors != nullptr) {
    Validator explain (errors);
    explain.check (root_, instance);
  }
  return false;
}

} // namespace realtime::sim
