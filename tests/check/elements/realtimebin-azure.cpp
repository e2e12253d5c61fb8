/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Azure OpenAI (docs/realtimebin.md, "Azure OpenAI"): the GA endpoint
 * /openai/v1/realtime, the key in an `api-key` header (auth=api-key, or auto
 * for Azure hosts), an Entra token as Bearer (auth=bearer). Against the
 * simulator's Azure mode; host detection and the headers themselves are checked
 * directly. */
#include "realtimebin-helpers.h"

#include <gst/realtime/endpoint.h>

#include <atomic>

using namespace rtb;

static const std::string kLogDir =
    std::string (SIM_LOG_DIR) + "/realtimebin-azure";

static const char * kScenario = R"({"turns":[
  {"user":"Hello?","assistant":"Hello from Azure.",
   "audio":{"type":"tone","frequency":440,"duration_ms":500}}]})";

/* ---- a resolver for host names that stay on this machine ---------------- */

/* Resolves the host names it was given to 127.0.0.1 and nothing else (every
 * other name is "not found"), so that realtimebin can be pointed at an
 * Azure host name while its traffic stays on the loopback simulator. Set
 * as the process's default resolver (g_resolver_set_default), which
 * GNetworkAddress, and so libsoup, asks. */
typedef struct
{
  GResolver parent;
  GPtrArray * names;         /* gchar*: the names it knows */
  std::atomic<guint> * hits; /* lookups of those names */
} TestResolver;

typedef struct
{
  GResolverClass parent_class;
} TestResolverClass;

GType test_resolver_get_type (void);
G_DEFINE_TYPE (TestResolver, test_resolver, G_TYPE_RESOLVER)

static GList *
test_resolver_resolve (TestResolver * self, const gchar * hostname,
    GError ** error)
{
  for (guint i = 0; i < self->names->len; i++)
    if (g_ascii_strcasecmp (hostname,
            (const gchar *) g_ptr_array_index (self->names, i)) == 0) {
      (*self->hits)++;
      return g_list_append (nullptr,
          g_inet_address_new_from_string ("127.0.0.1"));
    }
  g_set_error (error, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
      "the test resolver does not know %s", hostname);
  return nullptr;
}

static GList *
test_resolver_lookup_by_name (GResolver * resolver, const gchar * hostname,
    GCancellable *, GError ** error)
{
  return test_resolver_resolve ((TestResolver *) resolver, hostname, error);
}

static GList *
test_resolver_lookup_by_name_with_flags (GResolver * resolver,
    const gchar * hostname, GResolverNameLookupFlags, GCancellable *,
    GError ** error)
{
  return test_resolver_resolve ((TestResolver *) resolver, hostname, error);
}

static void
test_resolver_lookup_by_name_with_flags_async (GResolver * resolver,
    const gchar * hostname, GResolverNameLookupFlags,
    GCancellable * cancellable, GAsyncReadyCallback callback,
    gpointer user_data)
{
  GTask * task = g_task_new (resolver, cancellable, callback, user_data);
  GError * error = nullptr;
  GList * addresses =
      test_resolver_resolve ((TestResolver *) resolver, hostname, &error);
  if (addresses != nullptr)
    g_task_return_pointer (task, addresses,
        (GDestroyNotify) g_resolver_free_addresses);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static void
test_resolver_lookup_by_name_async (GResolver * resolver,
    const gchar * hostname, GCancellable * cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  test_resolver_lookup_by_name_with_flags_async (resolver, hostname,
      G_RESOLVER_NAME_LOOKUP_FLAGS_DEFAULT, cancellable, callback, user_data);
}

static GList *
test_resolver_lookup_by_name_finish (GResolver *, GAsyncResult * result,
    GError ** error)
{
  return (GList *) g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_resolver_finalize (GObject * object)
{
  g_ptr_array_unref (((TestResolver *) object)->names);
  G_OBJECT_CLASS (test_resolver_parent_class)->finalize (object);
}

static void
test_resolver_init (TestResolver * self)
{
  self->names = g_ptr_array_new_with_free_func (g_free);
}

static void
test_resolver_class_init (TestResolverClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_resolver_finalize;
  GResolverClass * r = G_RESOLVER_CLASS (klass);
  r->lookup_by_name = test_resolver_lookup_by_name;
  r->lookup_by_name_async = test_resolver_lookup_by_name_async;
  r->lookup_by_name_finish = test_resolver_lookup_by_name_finish;
  r->lookup_by_name_with_flags = test_resolver_lookup_by_name_with_flags;
  r->lookup_by_name_with_flags_async =
      test_resolver_lookup_by_name_with_flags_async;
  r->lookup_by_name_with_flags_finish = test_resolver_lookup_by_name_finish;
}

/* While alive, @names resolve to 127.0.0.1 and nothing else resolves; the
 * previous default resolver comes back after. */
class LoopbackNames
{
public:
  explicit LoopbackNames (std::initializer_list<const char *> names)
  {
    previous_ = g_resolver_get_default ();
    resolver_ =
        (TestResolver *) g_object_new (test_resolver_get_type (), nullptr);
    resolver_->hits = &hits;
    for (const char * n : names)
      g_ptr_array_add (resolver_->names, g_strdup (n));
    g_resolver_set_default (G_RESOLVER (resolver_));
  }
  ~LoopbackNames ()
  {
    g_resolver_set_default (previous_);
    g_object_unref (previous_);
    g_object_unref (resolver_);
  }
  std::atomic<guint> hits{0};

private:
  GResolver * previous_;
  TestResolver * resolver_;
};

/* ---- a turn ------------------------------------------------------------ */

/* A push-to-talk turn (committed at EOS) against an Azure-mode simulator
 * that requires kTestKey; returns how the key arrived ("api-key" or
 * "bearer", from the simulator's log). With @host, realtimebin's url names
 * that host instead of 127.0.0.1 (a LoopbackNames must map it back). */
static std::string
azure_turn (const char * name, const char * auth, const char * host = nullptr)
{
  SimulatorOptions o = sim_options (kLogDir, name, kScenario, 0);
  o.azure = true;
  o.api_key = kTestKey;
  auto sim = start_simulator (std::move (o));
  std::string url = sim->url ();
  fail_unless (g_str_has_suffix (url.c_str (), "/openai/v1/realtime"));
  if (host != nullptr) {
    const std::string local = "ws://127.0.0.1:";
    fail_unless (g_str_has_prefix (url.c_str (), local.c_str ()), "%s",
        url.c_str ());
    url = std::string ("ws://") + host + ":" + url.substr (local.size ());
  }
  {
    Run run (pipeline_text (*sim, "appsrc name=src",
        "url=" + url + " turn-detection=none auth=" + auth));
    push_to_talk_turn (run);
  }
  sim->stop ();
  std::string how;
  guint auth_notes = 0;
  for (const LogLine & l : SimLog (kLogDir + "/" + name + ".jsonl").lines)
    if (l.note == "auth") {
      auth_notes++;
      how = json_object_get_string_member (json_node_get_object (l.root.get ()),
          "detail");
    }
  fail_unless_equals_int (auth_notes, 1);
  return how;
}

/* An Azure key goes in the api-key header; the conversation works. */
GST_START_TEST (test_azure_api_key_header)
{
  std::string how = azure_turn ("api-key", "api-key");
  fail_unless_equals_string (how.c_str (), "api-key");
}
GST_END_TEST;

/* A Microsoft Entra token goes as Authorization: Bearer. */
GST_START_TEST (test_azure_entra_bearer)
{
  std::string how = azure_turn ("bearer", "bearer");
  fail_unless_equals_string (how.c_str (), "bearer");
}
GST_END_TEST;

/* auth=auto picks the api-key header for Azure hosts only. */
GST_START_TEST (test_azure_hosts_detected)
{
  using realtime::is_azure_endpoint;
  fail_unless (is_azure_endpoint (
      "wss://my-res.openai.azure.com/openai/v1/realtime?model=dep"));
  fail_unless (is_azure_endpoint (
      "wss://MY-RES.cognitiveservices.azure.com/openai/v1/realtime"));
  fail_unless (
      is_azure_endpoint ("wss://x.services.ai.azure.com/openai/v1/realtime"));
  fail_if (is_azure_endpoint ("wss://api.openai.com/v1/realtime"));
  fail_if (is_azure_endpoint ("wss://openai.azure.com.evil.example/v1"));
  fail_if (is_azure_endpoint ("ws://127.0.0.1:8765/openai/v1/realtime"));
  fail_if (is_azure_endpoint ("not a url"));

  auto h = realtime::auth_header ("k1", true);
  fail_unless_equals_string (h.first.c_str (), "api-key");
  fail_unless_equals_string (h.second.c_str (), "k1");
  h = realtime::auth_header ("k1", false);
  fail_unless_equals_string (h.first.c_str (), "Authorization");
  fail_unless_equals_string (h.second.c_str (), "Bearer k1");
}
GST_END_TEST;

/* auth=auto with a non-Azure url stays Bearer (the loopback simulator is
 * not an Azure host); the property reads back as set. */
GST_START_TEST (test_auto_is_bearer_off_azure)
{
  std::string how = azure_turn ("auto", "auto");
  fail_unless_equals_string (how.c_str (), "bearer");
  GstElement * bin = gst_element_factory_make ("realtimebin", nullptr);
  gint auth = -1;
  g_object_get (bin, "auth", &auth, nullptr);
  fail_unless_equals_int (auth, 0);
  gst_util_set_object_arg (G_OBJECT (bin), "auth", "api-key");
  g_object_get (bin, "auth", &auth, nullptr);
  fail_unless_equals_int (auth, 2);
  gst_object_unref (bin);
}
GST_END_TEST;

/* auth=auto through the element: the same simulator on 127.0.0.1, reached
 * by an Azure host name (myres.openai.azure.com, resolved to 127.0.0.1 by
 * a resolver of the test's), gets the key in the api-key header; reached
 * by a host name that is not Azure's, as Bearer. An explicit auth=bearer
 * wins over the Azure host name. The resolver saw each lookup, so the
 * connections did go through those names. */
GST_START_TEST (test_auto_on_azure_host_name)
{
  /* No proxy may take the connection elsewhere. */
  g_setenv ("no_proxy", "*", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  LoopbackNames names ({"myres.openai.azure.com", "realtime.example.test"});

  std::string how =
      azure_turn ("auto-azure-host", "auto", "myres.openai.azure.com");
  fail_unless_equals_str (how, "api-key");
  guint hits = names.hits;
  fail_unless (hits >= 1, "the Azure host name was not looked up");

  how = azure_turn ("auto-other-host", "auto", "realtime.example.test");
  fail_unless_equals_str (how, "bearer");
  fail_unless (names.hits > hits, "the other host name was not looked up");

  how = azure_turn ("bearer-azure-host", "bearer", "myres.openai.azure.com");
  fail_unless_equals_str (how, "bearer");
}
GST_END_TEST;

static Suite *
realtimebin_azure_suite (void)
{
  Suite * s = suite_create ("realtimebin-azure");
  clear_log_dir (kLogDir);
  TCase * tc = tcase_create ("azure");
  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_azure_api_key_header);
  tcase_add_test (tc, test_azure_entra_bearer);
  tcase_add_test (tc, test_azure_hosts_detected);
  tcase_add_test (tc, test_auto_is_bearer_off_azure);
  tcase_add_test (tc, test_auto_on_azure_host_name);
  return s;
}

GST_CHECK_MAIN (realtimebin_azure);
