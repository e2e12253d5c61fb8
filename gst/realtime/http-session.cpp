/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "http-session.h"

namespace realtime {

SoupSession *
http_session_new (const std::string & ca_file, guint timeout_s, GError ** error)
{
  SoupSession * session = soup_session_new ();
  if (timeout_s != 0)
    soup_session_set_timeout (session, timeout_s);
  if (!ca_file.empty ()) {
    GTlsDatabase * db = g_tls_file_database_new (ca_file.c_str (), error);
    if (db == nullptr) {
      g_object_unref (session);
      return nullptr;
    }
    soup_session_set_tls_database (session, db);
    g_object_unref (db);
  }
  return session;
}

} // namespace realtime
