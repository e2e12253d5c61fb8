/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Install, defaults, get and set, each generated from the rows of
 * gstrealtimeproperties.def. Every row expands into a call of the helper
 * named after its KIND, with its FIELD as an ordinary member expression: a
 * field of the wrong type for its kind does not compile. */

#include "gstrealtimeproperties.h"

#include "gstrealtimeprices.h"

#include <type_traits>

/* Strings: a NULL default is "unset", stored as "". */
static void
init_value (std::string & field, const char * def)
{
  field = def;
}

static void
init_value (std::string & field, std::nullptr_t)
{
  field.clear ();
}

/* The key comes from OPENAI_API_KEY; prices start unset. */
static void
init_value (GstRealtimeApiKey &, std::nullptr_t)
{}

static void
init_value (GstRealtimePrices &, std::nullptr_t)
{}

template<typename T, typename D>
static void
init_value (T & field, D def)
{
  field = def;
}

GstRealtimeSettings::GstRealtimeSettings ()
{
#define REALTIME_PROPERTY(id, group, kind, field, name, nick, blurb, min, max, \
    def, mutable_at, apply)                                                    \
  init_value (field, def);
#define REALTIME_STATUS(...)
#include "gstrealtimeproperties.def"
#undef REALTIME_PROPERTY
#undef REALTIME_STATUS

  if (const gchar * key = g_getenv ("OPENAI_API_KEY"))
    api_key.value = key;
}

/* ---- GParamSpecs, one maker per KIND ---- */

static GParamSpec *
pspec_STRING (const char * name, const char * nick, const char * blurb, int,
    int, const char * def, GParamFlags flags)
{
  return g_param_spec_string (name, nick, blurb, def, flags);
}

#define pspec_OPTIONAL_STRING pspec_STRING

/* Write-only; the default shown is never the key. */
static GParamSpec *
pspec_SECRET (const char * name, const char * nick, const char * blurb, int,
    int, std::nullptr_t, GParamFlags flags)
{
  return g_param_spec_string (name, nick, blurb, nullptr,
      (GParamFlags) (flags & ~G_PARAM_READABLE));
}

static GParamSpec *
pspec_BOOLEAN (const char * name, const char * nick, const char * blurb, int,
    int, bool def, GParamFlags flags)
{
  return g_param_spec_boolean (name, nick, blurb, def, flags);
}

static GParamSpec *
pspec_UINT (const char * name, const char * nick, const char * blurb, guint min,
    guint max, guint def, GParamFlags flags)
{
  return g_param_spec_uint (name, nick, blurb, min, max, def, flags);
}

static GParamSpec *
pspec_INT (const char * name, const char * nick, const char * blurb, gint min,
    gint max, gint def, GParamFlags flags)
{
  return g_param_spec_int (name, nick, blurb, min, max, def, flags);
}

static GParamSpec *
pspec_DOUBLE (const char * name, const char * nick, const char * blurb,
    double min, double max, double def, GParamFlags flags)
{
  return g_param_spec_double (name, nick, blurb, min, max, def, flags);
}

/* The enum types are registered from the very enums the settings hold
 * (gstrealtimeenums.cpp), so a value converts as is. */
template<typename E>
static GParamSpec *
pspec_ENUM (const char * name, const char * nick, const char * blurb,
    GType type, int, E def, GParamFlags flags)
{
  static_assert (std::is_enum<E>::value, "an ENUM row's DEFAULT is an enum");
  gst_type_mark_as_plugin_api (type, (GstPluginAPIFlags) 0);
  return g_param_spec_enum (name, nick, blurb, type, static_cast<gint> (def),
      flags);
}

static GParamSpec *
pspec_FLAGS (const char * name, const char * nick, const char * blurb,
    GType type, int, guint def, GParamFlags flags)
{
  gst_type_mark_as_plugin_api (type, (GstPluginAPIFlags) 0);
  return g_param_spec_flags (name, nick, blurb, type, def, flags);
}

static GParamSpec *
pspec_PRICES (const char * name, const char * nick, const char * blurb, int,
    int, std::nullptr_t, GParamFlags flags)
{
  return g_param_spec_boxed (name, nick, blurb, GST_TYPE_STRUCTURE, flags);
}

static GParamSpec *
status_pspec (GType type, const char * name, const char * nick,
    const char * blurb)
{
  GParamFlags flags = (GParamFlags) (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  if (type == G_TYPE_STRING)
    return g_param_spec_string (name, nick, blurb, nullptr, flags);
  return g_param_spec_boxed (name, nick, blurb, type, flags);
}

void
gst_realtime_properties_install (GObjectClass * klass, guint groups)
{
#define REALTIME_PROPERTY(id, group, kind, field, name, nick, blurb, min, max, \
    def, mutable_at, apply)                                                    \
  if (groups & GST_REALTIME_PROPERTY_GROUP_##group)                            \
    g_object_class_install_property (klass, GST_REALTIME_PROP_##id,            \
        pspec_##kind (name, nick, blurb, min, max, def,                        \
            (GParamFlags) (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |        \
                GST_PARAM_MUTABLE_##mutable_at)));
#define REALTIME_STATUS(id, group, type, name, nick, blurb)                    \
  if (groups & GST_REALTIME_PROPERTY_GROUP_##group)                            \
    g_object_class_install_property (klass, GST_REALTIME_PROP_##id,            \
        status_pspec (type, name, nick, blurb));
#include "gstrealtimeproperties.def"
#undef REALTIME_PROPERTY
#undef REALTIME_STATUS
}

/* ---- set_property, one setter per KIND ---- */

static void
set_STRING (const GValue * value, std::string & field, const char * def)
{
  const gchar * s = g_value_get_string (value);
  field = s ? s : (def ? def : "");
}

template<typename D>
static void
set_OPTIONAL_STRING (const GValue * value, std::string & field, D)
{
  const gchar * s = g_value_get_string (value);
  field = s ? s : "";
}

static void
set_SECRET (const GValue * value, GstRealtimeApiKey & field, std::nullptr_t)
{
  const gchar * s = g_value_get_string (value);
  field.value = s ? s : "";
  field.set_on_element = true;
}

static void
set_BOOLEAN (const GValue * value, bool & field, bool)
{
  field = g_value_get_boolean (value);
}

template<typename T>
static void
set_UINT (const GValue * value, T & field, guint)
{
  field = g_value_get_uint (value);
}

static void
set_INT (const GValue * value, int & field, int)
{
  field = g_value_get_int (value);
}

static void
set_DOUBLE (const GValue * value, double & field, double)
{
  field = g_value_get_double (value);
}

/* GObject has checked the value against the enum type, which lists exactly
 * E's values. */
template<typename E>
static void
set_ENUM (const GValue * value, E & field, E)
{
  field = static_cast<E> (g_value_get_enum (value));
}

static void
set_FLAGS (const GValue * value, guint & field, guint)
{
  field = g_value_get_flags (value);
}

static void
set_PRICES (const GValue * value, GstRealtimePrices & field, std::nullptr_t)
{
  field.structure = realtime_prices_share (gst_value_get_structure (value));
}

/* A prices structure with unknown fields or negative prices is refused;
 * the warning goes on the bus when there is one, else it waits for the
 * element's start (a launch line sets properties before the pipeline has
 * a bus). */
static gboolean
prices_accepted (GstElement * element, GstRealtimeSettings & st,
    const GValue * value)
{
  std::string problem;
  const GstStructure * prices = gst_value_get_structure (value);
  if (prices == nullptr || realtime_prices_valid (prices, problem))
    return TRUE;

  GST_WARNING_OBJECT (element, "prices refused: %s", problem.c_str ());
  GstBus * bus = gst_element_get_bus (element);
  if (bus != nullptr) {
    gst_object_unref (bus);
    GST_ELEMENT_WARNING (element, LIBRARY, SETTINGS,
        ("The prices property was not changed: %s.", problem.c_str ()),
        (nullptr));
  } else {
    std::lock_guard<std::mutex> lk (st.lock);
    st.prices.problem = problem;
  }
  return FALSE;
}

GstRealtimeApply
gst_realtime_properties_set (GstElement * element, GstRealtimeSettings & st,
    guint prop_id, const GValue * value)
{
  if (prop_id == GST_REALTIME_PROP_PRICES &&
      !prices_accepted (element, st, value))
    return GstRealtimeApply::NONE;

  std::lock_guard<std::mutex> lk (st.lock);
  switch (prop_id) {
#define REALTIME_PROPERTY(id, group, kind, field, name, nick, blurb, min, max, \
    def, mutable_at, apply)                                                    \
  case GST_REALTIME_PROP_##id:                                                 \
    set_##kind (value, st.field, def);                                         \
    return GstRealtimeApply::apply;
#define REALTIME_STATUS(...)
#include "gstrealtimeproperties.def"
#undef REALTIME_PROPERTY
#undef REALTIME_STATUS
    default:
      return GstRealtimeApply::NONE;
  }
}

/* ---- get_property, one getter per KIND ---- */

static void
get_STRING (GValue * value, const std::string & field,
    const GstRealtimeSettings &)
{
  g_value_set_string (value, field.c_str ());
}

/* Empty reads back as NULL, the GLib way of "not set". */
static void
get_OPTIONAL_STRING (GValue * value, const std::string & field,
    const GstRealtimeSettings &)
{
  g_value_set_string (value, field.empty () ? nullptr : field.c_str ());
}

/* Never reached: GObject does not read a write-only property. */
static void
get_SECRET (GValue *, const GstRealtimeApiKey &, const GstRealtimeSettings &)
{}

static void
get_BOOLEAN (GValue * value, bool field, const GstRealtimeSettings &)
{
  g_value_set_boolean (value, field);
}

template<typename T>
static void
get_UINT (GValue * value, T field, const GstRealtimeSettings &)
{
  g_value_set_uint (value, field);
}

static void
get_INT (GValue * value, int field, const GstRealtimeSettings &)
{
  g_value_set_int (value, field);
}

static void
get_DOUBLE (GValue * value, double field, const GstRealtimeSettings &)
{
  g_value_set_double (value, field);
}

template<typename E>
static void
get_ENUM (GValue * value, E field, const GstRealtimeSettings &)
{
  g_value_set_enum (value, static_cast<gint> (field));
}

static void
get_FLAGS (GValue * value, guint field, const GstRealtimeSettings &)
{
  g_value_set_flags (value, field);
}

/* The effective prices for the model property (published ones under the
 * override). */
static void
get_PRICES (GValue * value, const GstRealtimePrices & field,
    const GstRealtimeSettings & st)
{
  g_value_take_boxed (value,
      realtime_prices_structure (st.model, field.structure.get ()));
}

gboolean
gst_realtime_properties_get (GstRealtimeSettings & st, guint prop_id,
    GValue * value)
{
  std::lock_guard<std::mutex> lk (st.lock);
  switch (prop_id) {
#define REALTIME_PROPERTY(id, group, kind, field, name, nick, blurb, min, max, \
    def, mutable_at, apply)                                                    \
  case GST_REALTIME_PROP_##id:                                                 \
    get_##kind (value, st.field, st);                                          \
    return TRUE;
#define REALTIME_STATUS(...)
#include "gstrealtimeproperties.def"
#undef REALTIME_PROPERTY
#undef REALTIME_STATUS
    default:
      return FALSE;
  }
}
