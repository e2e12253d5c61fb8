/* gst-realtime
 * Copyright (C) 2026 gst-realtime developers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "process-usage.h"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

double
cpu_seconds_self ()
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
      ru.ru_stime.tv_usec / 1e6;
}

/* utime + stime from /proc/PID/stat (fields 14 and 15, counted after the
 * command name, which may hold spaces and parentheses). */
double
cpu_seconds_of (int pid)
{
  if (pid <= 0)
    return 0;
  std::ifstream f ("/proc/" + std::to_string (pid) + "/stat");
  std::string text ((std::istreambuf_iterator<char> (f)),
      std::istreambuf_iterator<char> ());
  size_t close = text.rfind (')');
  if (close == std::string::npos)
    return 0;
  std::istringstream rest (text.substr (close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; i++) {
    if (i == 14)
      utime = std::stoull (field);
    if (i == 15)
      stime = std::stoull (field);
  }
  return (double) (utime + stime) / sysconf (_SC_CLK_TCK);
}

long
rss_kb ()
{
  std::ifstream f ("/proc/self/status");
  std::string line;
  while (std::getline (f, line))
    if (line.rfind ("VmRSS:", 0) == 0)
      return std::stol (line.substr (6));
  return 0;
}

long
peak_rss_kb ()
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss; /* KB on Linux */
}
