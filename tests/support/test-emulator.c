/* Test support: run authenta-emulator on a free loopback port for a test
 * program, and drive its test controls over HTTP with libcurl.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-emulator.h"

#include <curl/curl.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

struct _TestEmulator
{
  GSubprocess *proc;
  GDataInputStream *out;
  char *base_url;
  char *root_url;
  /* The extra arguments it was started with, for test_emulator_resume(). */
  GStrv args;

  /* stderr is drained by a thread into @log, so that the emulator never
   * blocks on a full pipe and tests can read its request log. */
  GThread *err_thread;
  GInputStream *err;
  GMutex lock;
  GCond cond;
  GString *log;
  guint next_mark;
};

static gsize
collect_cb (char *data, gsize size, gsize nmemb, gpointer user_data)
{
  g_string_append_len (user_data, data, size * nmemb);
  return size * nmemb;
}

/* One HTTP request to the emulator; returns the body, sets @status. */
static char *
http_request (TestEmulator *emu, const char *method, const char *path,
              const char *body, long *status)
{
  static gsize curl_ready = 0;
  g_autofree char *url = g_strconcat (emu->root_url, path, NULL);
  GString *answer = g_string_new (NULL);
  struct curl_slist *headers = NULL;
  CURLcode res;
  CURL *curl;

  if (g_once_init_enter (&curl_ready))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&curl_ready, 1);
    }

  curl = curl_easy_init ();
  g_assert_nonnull (curl);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  /* Loopback only: a developer's proxy settings must not interfere. */
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
  if (body != NULL)
    {
      headers = curl_slist_append (headers, "Content-Type: application/json");
      curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
    }
  res = curl_easy_perform (curl);
  if (res != CURLE_OK)
    g_error ("test-emulator: %s %s failed: %s", method, path,
             curl_easy_strerror (res));
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return g_string_free (answer, FALSE);
}

static void
control (TestEmulator *emu, const char *method, const char *path,
         const char *body)
{
  long status = 0;
  g_autofree char *answer = http_request (emu, method, path, body, &status);

  if (status != 200)
    g_error ("test-emulator: %s %s answered %ld: %s", method, path, status,
             answer);
}

static gpointer
drain_stderr (gpointer data)
{
  TestEmulator *emu = data;
  char buf[4096];
  gssize n;

  while ((n = g_input_stream_read (emu->err, buf, sizeof buf, NULL, NULL)) > 0)
    {
      if (g_test_verbose ())
        fwrite (buf, 1, n, stderr);
      g_mutex_lock (&emu->lock);
      g_string_append_len (emu->log, buf, n);
      g_cond_broadcast (&emu->cond);
      g_mutex_unlock (&emu->lock);
    }
  return NULL;
}

static void
child_setup (gpointer data)
{
  /* If the test program dies, the emulator must not outlive it. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Spawns the emulator on @port (0: a free one) with emu->args; NULL and
 * @error when it exited without its base URL line (e.g. the port is
 * taken). */
static gboolean
spawn (TestEmulator *emu, guint port, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autofree char *line = NULL;
  const char *path = g_getenv ("AUTHENTA_EMULATOR");

  if (path == NULL || *path == '\0')
    g_error ("test-emulator: AUTHENTA_EMULATOR is not set (run through meson "
             "test)");

  g_ptr_array_add (argv, (char *)path);
  g_ptr_array_add (argv, (char *)"--port");
  g_ptr_array_add (argv, port_text);
  for (guint i = 0; emu->args[i] != NULL; i++)
    g_ptr_array_add (argv, emu->args[i]);
  g_ptr_array_add (argv, NULL);

  g_string_truncate (emu->log, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  emu->proc = g_subprocess_launcher_spawnv (
      launcher, (const char *const *)argv->pdata, error);
  if (emu->proc == NULL)
    g_error ("test-emulator: cannot start %s: %s", path, (*error)->message);

  emu->err = g_object_ref (g_subprocess_get_stderr_pipe (emu->proc));
  emu->err_thread = g_thread_new ("emulator-stderr", drain_stderr, emu);

  emu->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (emu->proc));
  line = g_data_input_stream_read_line (emu->out, NULL, NULL, NULL);
  if (line == NULL || !g_str_has_prefix (line, "http://127.0.0.1:")
      || !g_str_has_suffix (line, "/api"))
    {
      g_subprocess_wait (emu->proc, NULL, NULL);
      g_thread_join (emu->err_thread);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "no base URL from the emulator (got '%s'): %s",
                   line ? line : "(nothing)", emu->log->str);
      g_clear_object (&emu->out);
      g_clear_object (&emu->err);
      g_clear_object (&emu->proc);
      return FALSE;
    }
  if (emu->base_url == NULL)
    {
      emu->base_url = g_strdup (line);
      emu->root_url = g_strndup (line, strlen (line) - strlen ("/api"));
    }
  else
    g_assert_cmpstr (line, ==, emu->base_url);
  return TRUE;
}

TestEmulator *
test_emulator_start (const char *first_arg, ...)
{
  g_autoptr (GStrvBuilder) args = g_strv_builder_new ();
  g_autoptr (GError) error = NULL;
  const char *arg;
  TestEmulator *emu;
  va_list ap;

  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_strv_builder_add (args, arg);
  va_end (ap);

  emu = g_new0 (TestEmulator, 1);
  g_mutex_init (&emu->lock);
  g_cond_init (&emu->cond);
  emu->log = g_string_new (NULL);
  emu->args = g_strv_builder_end (args);
  if (!spawn (emu, 0, &error))
    g_error ("test-emulator: %s", error->message);
  return emu;
}

/* SIGTERM, wait for exit, assert a clean exit status. */
static void
terminate (TestEmulator *emu)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_send_signal (emu->proc, SIGTERM);
  if (!g_subprocess_wait (emu->proc, NULL, &error))
    g_error ("test-emulator: waiting for the emulator: %s", error->message);
  g_thread_join (emu->err_thread);
  if (!g_subprocess_get_if_exited (emu->proc)
      || g_subprocess_get_exit_status (emu->proc) != 0)
    g_error ("test-emulator: the emulator did not exit cleanly "
             "(exited %d, status %d); its log:\n%s",
             g_subprocess_get_if_exited (emu->proc),
             g_subprocess_get_if_exited (emu->proc)
                 ? g_subprocess_get_exit_status (emu->proc)
                 : g_subprocess_get_term_sig (emu->proc),
             emu->log->str);
  g_clear_object (&emu->out);
  g_clear_object (&emu->err);
  g_clear_object (&emu->proc);
}

void
test_emulator_pause (TestEmulator *emu)
{
  g_return_if_fail (emu != NULL && emu->proc != NULL);
  terminate (emu);
}

void
test_emulator_resume (TestEmulator *emu)
{
  g_autoptr (GError) error = NULL;
  guint port;
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_return_if_fail (emu != NULL && emu->proc == NULL);
  port = (guint)g_ascii_strtoull (emu->root_url + strlen ("http://127.0.0.1:"),
                                  NULL, 10);
  /* The port may be in use for a moment yet. */
  while (!spawn (emu, port, &error))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("test-emulator: cannot restart on port %u: %s", port,
                 error->message);
      g_clear_error (&error);
      g_usleep (50 * G_TIME_SPAN_MILLISECOND);
    }
}

void
test_emulator_stop (TestEmulator *emu)
{
  g_return_if_fail (emu != NULL);

  if (emu->proc != NULL)
    terminate (emu);
  g_strfreev (emu->args);
  g_free (emu->base_url);
  g_free (emu->root_url);
  g_string_free (emu->log, TRUE);
  g_mutex_clear (&emu->lock);
  g_cond_clear (&emu->cond);
  g_free (emu);
}

const char *
test_emulator_get_base_url (TestEmulator *emu)
{
  g_return_val_if_fail (emu != NULL, NULL);
  return emu->base_url;
}

const char *
test_emulator_get_root_url (TestEmulator *emu)
{
  g_return_val_if_fail (emu != NULL, NULL);
  return emu->root_url;
}

void
test_emulator_add_fault (TestEmulator *emu, const char *json_fault)
{
  g_return_if_fail (emu != NULL && json_fault != NULL);
  control (emu, "POST", "/_emulator/faults", json_fault);
}

void
test_emulator_configure (TestEmulator *emu, const char *json_config)
{
  g_return_if_fail (emu != NULL && json_config != NULL);
  control (emu, "POST", "/_emulator/config", json_config);
}

void
test_emulator_reset (TestEmulator *emu)
{
  g_return_if_fail (emu != NULL);
  control (emu, "POST", "/_emulator/reset", "{}");
}

guint
test_emulator_get_count (TestEmulator *emu, const char *route)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  JsonObject *stats;
  long status = 0;

  g_return_val_if_fail (emu != NULL && route != NULL, 0);

  answer = http_request (emu, "GET", "/_emulator/stats", NULL, &status);
  if (status != 200 || !json_parser_load_from_data (parser, answer, -1, &error)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    g_error ("test-emulator: bad stats answer %ld: %s", status, answer);
  stats = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (stats, route))
    g_error ("test-emulator: unknown route '%s'", route);
  return (guint)json_object_get_int_member (stats, route);
}

char *
test_emulator_dup_log (TestEmulator *emu)
{
  g_autofree char *path = NULL;
  g_autofree char *needle = NULL;
  g_autofree char *answer = NULL;
  g_auto (GStrv) lines = NULL;
  GString *result;
  gint64 deadline;
  long status = 0;
  guint mark;

  g_return_val_if_fail (emu != NULL, NULL);

  /* The emulator writes a request's log line before it sends the answer,
   * but our reader thread may not have caught up yet: request a marker
   * and wait until its line arrives, so that every request the test has
   * seen answered is in the copy. */
  g_mutex_lock (&emu->lock);
  mark = ++emu->next_mark;
  g_mutex_unlock (&emu->lock);
  path = g_strdup_printf ("/_emulator/log-mark/%u", mark);
  needle = g_strdup_printf ("%s ", path);
  answer = http_request (emu, "GET", path, NULL, &status);

  deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;
  g_mutex_lock (&emu->lock);
  while (strstr (emu->log->str, needle) == NULL)
    if (!g_cond_wait_until (&emu->cond, &emu->lock, deadline))
      break;
  lines = g_strsplit (emu->log->str, "\n", -1);
  g_mutex_unlock (&emu->lock);

  result = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], "/_emulator/log-mark/") != NULL)
        continue;
      g_string_append (result, lines[i]);
      if (lines[i + 1] != NULL)
        g_string_append_c (result, '\n');
    }
  return g_string_free (result, FALSE);
}
