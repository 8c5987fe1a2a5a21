/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bench-common.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

gboolean
bench_quick (void)
{
  return g_strcmp0 (g_getenv ("BENCH_QUICK"), "1") == 0;
}

char *
bench_emulator_root (void)
{
  const char *base = g_getenv ("AUTHENTA_BASE_URL");

  if (base == NULL || !g_str_has_suffix (base, "/api"))
    g_error ("AUTHENTA_BASE_URL must be the emulator's base URL "
             "(http://127.0.0.1:PORT/api); run this through "
             "bench/run-bench.sh");
  return g_strndup (base, strlen (base) - strlen ("/api"));
}

static size_t
collect (char *data, size_t size, size_t nmemb, void *user_data)
{
  g_string_append_len (user_data, data, (gssize)(size * nmemb));
  return size * nmemb;
}

/* One request to the controls; the body of the answer (free it). */
static char *
control (const char *method, const char *what, const char *json)
{
  g_autofree char *root = bench_emulator_root ();
  g_autofree char *url = g_strdup_printf ("%s/_emulator/%s", root, what);
  GString *answer = g_string_new (NULL);
  struct curl_slist *headers = NULL;
  CURL *easy = curl_easy_init ();
  CURLcode code;
  long status = 0;

  curl_easy_setopt (easy, CURLOPT_URL, url);
  curl_easy_setopt (easy, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, answer);
  curl_easy_setopt (easy, CURLOPT_TIMEOUT, 30L);
  if (g_str_equal (method, "POST"))
    {
      headers = curl_slist_append (headers, "Content-Type: application/json");
      curl_easy_setopt (easy, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt (easy, CURLOPT_POSTFIELDS, json ? json : "{}");
    }
  code = curl_easy_perform (easy);
  curl_easy_getinfo (easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup (easy);
  curl_slist_free_all (headers);
  if (code != CURLE_OK || status != 200)
    g_error ("%s /_emulator/%s: %s (HTTP %ld) %s", method, what,
             curl_easy_strerror (code), status, answer->str);
  return g_string_free (answer, FALSE);
}

void
bench_emulator_post (const char *what, const char *json)
{
  g_free (control ("POST", what, json));
}

gint64
bench_emulator_count (const char *route)
{
  g_autofree char *text = control ("GET", "stats", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_error ("/_emulator/stats: %s", error->message);
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    g_error ("/_emulator/stats: not an object");
  return json_object_get_int_member_with_default (json_node_get_object (root),
                                                  route, -1);
}

void
bench_emulator_set_processing_ms (gint64 ms)
{
  g_autofree char *json
      = g_strdup_printf ("{\"processing_time_ms\": %" G_GINT64_FORMAT "}", ms);

  bench_emulator_post ("config", json);
}

char *
bench_make_mp4 (const char *dir, const char *name, guint64 size,
                gboolean sparse)
{
  /* An ISO BMFF ftyp box: "video/mp4" to any sniffer. */
  static const guint8 ftyp[32]
      = { 0,   0,   0,   32,  'f', 't', 'y', 'p', 'i', 's', 'o',
          'm', 0,   0,   2,   0,   'i', 's', 'o', 'm', 'i', 's',
          'o', '2', 'a', 'v', 'c', '1', 'm', 'p', '4', '1' };
  char *path = g_build_filename (dir, name, NULL);
  int fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0 || write (fd, ftyp, sizeof ftyp) != sizeof ftyp)
    g_error ("cannot write %s: %s", path, g_strerror (errno));
  if (sparse)
    {
      if (ftruncate (fd, (off_t)size) != 0)
        g_error ("cannot size %s: %s", path, g_strerror (errno));
    }
  else
    {
      gsize chunk = 4 * BENCH_MIB;
      g_autofree guint8 *zeros = g_malloc0 (chunk);
      guint64 left = size - sizeof ftyp;

      while (left > 0)
        {
          gssize n = write (fd, zeros, MIN (left, chunk));
          if (n <= 0)
            g_error ("cannot write %s: %s", path, g_strerror (errno));
          left -= n;
        }
    }
  close (fd);
  return path;
}

char *
bench_make_tmpdir (const char *prefix)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("%s-XXXXXX", prefix);
  const char *parent = g_getenv ("BENCH_TMPDIR");
  char *dir;

  if (parent && *parent)
    {
      char *path = g_build_filename (parent, tmpl, NULL);
      dir = g_mkdtemp (path);
      if (dir == NULL)
        g_error ("cannot make a folder in %s: %s", parent, g_strerror (errno));
      return dir;
    }
  dir = g_dir_make_tmp (tmpl, &error);
  if (dir == NULL)
    g_error ("%s", error->message);
  return dir;
}

void
bench_remove_tmpdir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double
bench_median (double *values, guint n)
{
  if (n == 0)
    return 0;
  qsort (values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

gint64
bench_proc_status (const char *field)
{
  g_autofree char *text = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *p;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return -1;
  p = strstr (text, key);
  if (p == NULL)
    return -1;
  return g_ascii_strtoll (p + strlen (key), NULL, 10);
}

void
bench_row (const char *figure, const char *value, const char *baseline,
           const char *ratio, const char *target, gboolean met)
{
  printf ("ROW\t%s\t%s\t%s\t%s\t%s\t%s\n", figure, value, baseline, ratio,
          target, met ? "yes" : "NO");
  fflush (stdout);
}

void
bench_row_skipped (const char *figure, const char *reason, const char *target)
{
  printf ("ROW\t%s\t%s\t-\t-\t%s\tnot run\n", figure, reason, target);
  fflush (stdout);
}

char *
bench_format_rate (double bytes_per_second)
{
  return g_strdup_printf ("%.0f MiB/s", bytes_per_second / BENCH_MIB);
}
