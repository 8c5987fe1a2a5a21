/* authenta-emulator: the test controls (stats, config, reset), the request
 * log, the command line and clean shutdown, over real HTTP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

static TestEmulator *emu;

static void
setup (void)
{
  test_emulator_reset (emu);
}

static HttpReply *
control (TestEmulator *e, const char *method, const char *what,
         const char *body)
{
  g_autofree char *url
      = g_strconcat (test_emulator_get_root_url (e), "/_emulator/", what, NULL);

  return http_do (method, url, NULL, body, -1);
}

static char *
storage_dir (TestEmulator *e)
{
  g_autofree char *line = find_log_line (e, "storing uploads in ");
  char *dir, *end;

  g_assert_nonnull (line);
  dir = strstr (line, " in ") + 4;
  end = strstr (dir, " (");
  return end ? g_strndup (dir, end - dir) : g_strdup (dir);
}

static void
test_stats_count_each_route (void)
{
  g_autofree char *mid = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HttpReply) stats = NULL;
  JsonObject *obj;

  setup ();
  g_free (create_media (emu, "one", "video/mp4", 4, NULL));
  mid = create_and_upload (emu, "two", "video/mp4", 4);
  path = g_strdup_printf ("/media/%s", mid);
  for (guint i = 0; i < 3; i++)
    http_reply_free (api_call (emu, TEST_KEY, "GET", path, NULL));
  http_reply_free (api_call (emu, TEST_KEY, "GET", "/media", NULL));
  http_reply_free (api_call (emu, TEST_KEY, "DELETE", path, NULL));
  /* Refused requests count too. */
  http_reply_free (api_call (emu, NULL, "GET", "/media", NULL));

  stats = control (emu, "GET", "stats", NULL);
  g_assert_cmpint (stats->status, ==, 200);
  obj = http_reply_json (stats);
  g_assert_cmpint (json_object_get_int_member (obj, "create"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (obj, "list"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (obj, "get"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (obj, "delete"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "upload"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
}

static void
test_reset_forgets_everything (void)
{
  g_autoptr (HttpReply) list = NULL;
  g_autoptr (HttpReply) create = NULL;

  setup ();
  g_free (create_media (emu, "one", "video/mp4", 4, NULL));
  test_emulator_add_fault (
      emu, "{\"route\":\"list\",\"action\":\"status\",\"status\":500}");
  test_emulator_configure (emu, "{\"balance\":0}");

  test_emulator_reset (emu);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 0);
  list = api_call (emu, TEST_KEY, "GET", "/media", NULL);
  g_assert_cmpint (list->status, ==, 200); /* the fault is gone */
  g_assert_cmpint (json_object_get_int_member (http_reply_json (list), "total"),
                   ==, 0);
  create = api_call (emu, TEST_KEY, "POST", "/media",
                     "{\"name\":\"a\",\"contentType\":\"video/mp4\","
                     "\"size\":1,\"modelType\":\"DF-1\"}");
  g_assert_cmpint (create->status, ==, 201); /* the balance is back */
}

static void
test_config_processing_time (void)
{
  g_autofree char *slow = NULL;
  g_autofree char *fast = NULL;

  setup ();
  test_emulator_configure (emu, "{\"processing_time_ms\":600000}");
  slow = create_and_upload (emu, "slow", "video/mp4", 4);
  g_assert_cmpstr (get_status (emu, slow), ==, "UPLOADED");
  test_emulator_configure (emu, "{\"processing_time_ms\":0}");
  fast = create_and_upload (emu, "fast", "video/mp4", 4);
  g_assert_cmpstr (get_status (emu, fast), ==, "PROCESSED");
  /* A record keeps the processing time in force at its upload. */
  g_assert_cmpstr (get_status (emu, slow), ==, "UPLOADED");
}

/* Polls @mid every 20 ms until PROCESSED (within 10 s) and returns the
 * statuses it went through, each once, in order.  *first_ms (optional)
 * gets the time from @since to the first GET that showed @watch. */
static GPtrArray *
status_sequence (TestEmulator *e, const char *mid, gint64 since,
                 const char *watch, gint64 *first_ms)
{
  GPtrArray *seen = g_ptr_array_new ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  for (;;)
    {
      const char *status = get_status (e, mid); /* interned */

      if (seen->len == 0
          || g_ptr_array_index (seen, seen->len - 1) != (gpointer)status)
        {
          if (first_ms && g_strcmp0 (status, watch) == 0)
            *first_ms = (g_get_monotonic_time () - since) / 1000;
          g_ptr_array_add (seen, (gpointer)status);
        }
      if (g_str_equal (status, "PROCESSED"))
        return seen;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s still %s after 10 s", mid, status);
      /* Polling, as a client does: the emulator has no push channel. */
      g_usleep (20 * 1000);
    }
}

static gboolean
seen_has (GPtrArray *seen, const char *status)
{
  return g_ptr_array_find (seen, g_intern_string (status), NULL);
}

/* Statuses never go back: each seen one comes later in @order than the
 * one before it. */
static void
assert_in_order (GPtrArray *seen, const char *const *order)
{
  gint last = -1;

  for (guint i = 0; i < seen->len; i++)
    {
      gint at = -1;

      for (gint j = 0; order[j]; j++)
        if (g_str_equal (order[j], g_ptr_array_index (seen, i)))
          at = j;
      if (at <= last)
        g_error ("status %s out of order",
                 (const char *)g_ptr_array_index (seen, i));
      last = at;
    }
}

static void
test_config_intermediate_status (void)
{
  static const char *const order[]
      = { "UPLOADED", "ANALYZING", "PROCESSED", NULL };
  g_autofree char *url = NULL;
  g_autofree char *slow = NULL;
  g_autofree char *mid = NULL;
  g_autofree char *json = NULL;
  g_autofree char *data = g_malloc0 (16);
  g_autoptr (HttpReply) put = NULL;
  g_autoptr (HttpReply) list = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  JsonArray *records;

  setup ();
  test_emulator_configure (emu, "{\"intermediate_status\":\"ANALYZING\","
                                "\"processing_time_ms\":600000}");
  /* The first third of the processing time is still UPLOADED. */
  slow = create_and_upload (emu, "slow", "video/mp4", 4);
  g_assert_cmpstr (get_status (emu, slow), ==, "UPLOADED");

  /* 1.5 s: UPLOADED for 0.5 s, then ANALYZING for 1 s, then PROCESSED. */
  test_emulator_configure (emu, "{\"processing_time_ms\":1500}");
  mid = create_media (emu, "clip", "video/mp4", 16, &url);
  put = put_bytes (url, "video/mp4", data, 16, NULL);
  g_assert_cmpint (put->status, ==, 200);
  /* The status is fixed at the upload: turning it off now changes
   * nothing for this record. */
  test_emulator_configure (emu, "{\"intermediate_status\":null}");

  json = wait_for_status (emu, mid, "ANALYZING", 5000);
  /* Still processing: no verdict yet, and the list shows it too. */
  g_assert_null (strstr (json, "\"faces\""));
  g_assert_null (strstr (json, "resultURL"));
  list = api_call (emu, TEST_KEY, "GET", "/media?limit=1&offset=0", NULL);
  records = json_object_get_array_member (http_reply_json (list), "data");
  g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (records, 0), "status"),
                   ==, "ANALYZING");

  /* From there on only forward, to the verdict. */
  seen = status_sequence (emu, mid, 0, NULL, NULL);
  assert_in_order (seen, order);
  g_assert_false (seen_has (seen, "UPLOADED"));
}

static void
test_config_intermediate_status_timing (void)
{
  static const char *const order[]
      = { "UPLOADED", "PROCESSING", "PROCESSED", NULL };
  g_autofree char *url = NULL;
  g_autofree char *mid = NULL;
  g_autofree char *data = g_malloc0 (16);
  g_autoptr (HttpReply) put = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  gint64 start, first_ms = -1;

  setup ();
  test_emulator_configure (emu, "{\"intermediate_status\":\"PROCESSING\","
                                "\"processing_time_ms\":1200}");
  mid = create_media (emu, "clip", "video/mp4", 16, &url);
  /* Taken before the PUT, so before processing starts: a lower bound. */
  start = g_get_monotonic_time ();
  put = put_bytes (url, "video/mp4", data, 16, NULL);
  g_assert_cmpint (put->status, ==, 200);

  seen = status_sequence (emu, mid, start, "PROCESSING", &first_ms);
  assert_in_order (seen, order);
  g_assert_true (seen_has (seen, "PROCESSING"));
  /* Not before a third of the processing time. */
  g_assert_cmpint (first_ms, >=, 400);
}

static void
test_reset_turns_intermediate_status_off (void)
{
  g_autoptr (GPtrArray) seen = NULL;
  g_autofree char *mid = NULL;

  setup ();
  test_emulator_configure (emu, "{\"intermediate_status\":\"ANALYZING\"}");
  test_emulator_reset (emu);
  test_emulator_configure (emu, "{\"processing_time_ms\":600}");
  mid = create_and_upload (emu, "clip", "video/mp4", 4);
  seen = status_sequence (emu, mid, 0, NULL, NULL);
  g_assert_false (seen_has (seen, "ANALYZING"));
  for (guint i = 0; i < seen->len; i++)
    g_assert_true (g_str_equal (g_ptr_array_index (seen, i), "UPLOADED")
                   || g_str_equal (g_ptr_array_index (seen, i), "PROCESSED"));
}

static void
test_intermediate_status_option (void)
{
  TestEmulator *e = test_emulator_start ("--intermediate-status", "PROCESSING",
                                         "--processing-time", "0.6", NULL);
  g_autofree char *mid = create_and_upload (e, "clip", "video/mp4", 4);
  g_autoptr (GPtrArray) seen = status_sequence (e, mid, 0, NULL, NULL);
  g_autofree char *line = find_log_line (e, "records show status PROCESSING");

  g_assert_true (seen_has (seen, "PROCESSING"));
  g_assert_nonnull (line);
  /* A reset restores the command line's status. */
  test_emulator_configure (e, "{\"intermediate_status\":\"\"}");
  test_emulator_reset (e);
  g_clear_pointer (&mid, g_free);
  g_clear_pointer (&seen, g_ptr_array_unref);
  mid = create_and_upload (e, "clip", "video/mp4", 4);
  seen = status_sequence (e, mid, 0, NULL, NULL);
  g_assert_true (seen_has (seen, "PROCESSING"));
  test_emulator_stop (e);
}

static void
test_config_upload_expiry (void)
{
  g_autoptr (HttpReply) create = NULL;

  setup ();
  test_emulator_configure (emu, "{\"upload_expiry\":60}");
  create = api_call (emu, TEST_KEY, "POST", "/media",
                     "{\"name\":\"a\",\"contentType\":\"video/mp4\","
                     "\"size\":1,\"modelType\":\"DF-1\"}");
  g_assert_cmpint (
      json_object_get_int_member (http_reply_json (create), "expiresIn"), ==,
      60);
  g_assert_nonnull (strstr (
      json_object_get_string_member (http_reply_json (create), "uploadUrl"),
      "X-Amz-Expires=60&"));
}

static void
test_bad_controls_are_refused (void)
{
  static const char *const configs[]
      = { "nope",
          "{\"balance\":-1}",
          "{\"balance\":\"5\"}",
          "{\"processing_time\":5}",
          "{\"upload_expiry\":99999999}",
          "{\"intermediate_status\":\"PROCESSED\"}",
          "{\"intermediate_status\":\"failed\"}",
          "{\"intermediate_status\":\"ERROR\"}",
          "{\"intermediate_status\":5}",
          "{\"intermediate_status\":\"two words\"}",
          ("{\"intermediate_status\":"
           "\"A_STATUS_NAME_LONGER_THAN_32_CHARS\"}") };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (configs); i++)
    {
      g_autoptr (HttpReply) reply = control (emu, "POST", "config", configs[i]);

      assert_api_error (reply, 400, "BAD_REQUEST");
    }
  {
    g_autoptr (HttpReply) unknown = control (emu, "POST", "explode", "{}");
    g_autoptr (HttpReply) get_faults = control (emu, "GET", "faults", NULL);

    assert_api_error (unknown, 404, "NOT_FOUND");
    assert_api_error (get_faults, 404, "NOT_FOUND");
  }
}

/* Both controls that take JSON refuse a body nested deeper than 64 levels
 * with their usual 400, before json-glib recurses through it (100,000
 * levels once killed the emulator: the faults control needs no key). */
static void
test_deep_nesting_is_refused (void)
{
  static const char *const controls[] = { "faults", "config" };
  static const struct
  {
    const char *what;
    guint depth;
    gboolean objects, unclosed;
  } cases[] = {
    { "100,000 arrays", 100000, FALSE, FALSE },
    { "100,000 objects", 100000, TRUE, FALSE },
    { "100,000 unclosed arrays", 100000, FALSE, TRUE },
    { "65 arrays", 65, FALSE, FALSE },
  };

  setup ();
  for (guint c = 0; c < G_N_ELEMENTS (controls); c++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *body = nested_json (cases[i].depth, cases[i].objects,
                                             NULL, cases[i].unclosed);
        g_autoptr (HttpReply) reply = NULL;
        g_autoptr (HttpReply) alive = NULL;

        g_test_message ("%s: %s", controls[c], cases[i].what);
        reply = control (emu, "POST", controls[c], body);
        assert_api_error (reply, 400, "BAD_REQUEST");
        g_assert_nonnull (strstr (
            json_object_get_string_member (http_reply_json (reply), "message"),
            "nests too deep"));
        alive = control (emu, "GET", "stats", NULL);
        g_assert_cmpint (alive->result, ==, CURLE_OK);
        g_assert_cmpint (alive->status, ==, 200);
      }
  /* A string of brackets is no nesting: the fault is taken. */
  {
    g_autofree char *deep = nested_json (100000, FALSE, NULL, FALSE);
    g_autofree char *fault = g_strdup_printf (
        "{\"route\":\"get\",\"action\":\"status\",\"message\":\"%s\"}", deep);
    g_autoptr (HttpReply) reply = control (emu, "POST", "faults", fault);

    g_assert_cmpint (reply->status, ==, 200);
  }
}

static void
test_log_line_per_request (void)
{
  g_autoptr (GRegex) re = g_regex_new ("^GET /api/media 401 [0-9]+ms$",
                                       G_REGEX_MULTILINE, 0, NULL);
  g_autofree char *log = NULL;
  g_autoptr (HttpReply) reply = NULL;

  setup ();
  reply = api_call (emu, NULL, "GET", "/media?limit=3&offset=0", NULL);
  log = test_emulator_dup_log (emu);
  g_assert_true (g_regex_match (re, log, 0, NULL));
  g_assert_null (strstr (log, "limit=3"));
}

static void
test_key_never_logged (void)
{
  TestEmulator *e
      = test_emulator_start ("--api-key", "api_s3cr3t_k3y:rw", NULL);
  g_autofree char *log = NULL;
  g_autoptr (HttpReply) create = NULL;
  g_autoptr (HttpReply) denied = NULL;

  create = api_call (e, "api_s3cr3t_k3y", "POST", "/media",
                     "{\"name\":\"a\",\"contentType\":\"video/mp4\","
                     "\"size\":1,\"modelType\":\"DF-1\"}");
  g_assert_cmpint (create->status, ==, 201);
  denied = api_call (e, "api_s3cr3t_k3y", "DELETE",
                     "/media/0123456789abcdef01234567", NULL);
  g_assert_cmpint (denied->status, ==, 403);
  g_assert_null (strstr (denied->body->str, "s3cr3t"));
  log = test_emulator_dup_log (e);
  g_assert_nonnull (strstr (log, "POST /api/media 201 "));
  g_assert_null (strstr (log, "s3cr3t"));
  g_assert_null (strstr (log, "Bearer"));
  test_emulator_stop (e);
}

static void
test_default_key_announced (void)
{
  g_autofree char *log = test_emulator_dup_log (emu);

  g_assert_nonnull (strstr (log, "default key api_emulator_key"));
}

static void
test_balance_option (void)
{
  TestEmulator *e = test_emulator_start ("--balance", "0", NULL);
  g_autoptr (HttpReply) create = NULL;

  create = api_call (e, TEST_KEY, "POST", "/media",
                     "{\"name\":\"a\",\"contentType\":\"video/mp4\","
                     "\"size\":1,\"modelType\":\"DF-1\"}");
  assert_api_error (create, 402, "INSUFFICIENT_BALANCE");
  test_emulator_stop (e);
}

static void
test_sigterm_removes_private_storage (void)
{
  TestEmulator *e = test_emulator_start (NULL, NULL);
  g_autofree char *dir = storage_dir (e);

  /* Something stored, so that there is something to remove. */
  g_free (create_and_upload (e, "clip", "video/mp4", 64));
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  test_emulator_stop (e); /* asserts exit status 0 */
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static void
test_storage_dir_is_kept (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("emu-test-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (tmp, "store", NULL);
  TestEmulator *e = test_emulator_start ("--storage-dir", dir, NULL);
  g_autofree char *mid = create_and_upload (e, "clip", "video/mp4", 64);
  g_autofree char *file = g_strdup_printf ("%s/%s.media", dir, mid);

  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  test_emulator_stop (e);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_remove (file);
  g_rmdir (dir);
  g_rmdir (tmp);
}

static gpointer
slow_list (gpointer data)
{
  return api_call (data, TEST_KEY, "GET", "/media", NULL);
}

static void
test_sigterm_during_delay_is_prompt (void)
{
  TestEmulator *e = test_emulator_start (NULL, NULL);
  g_autoptr (HttpReply) reply = NULL;
  GThread *thread;
  gint64 start;

  test_emulator_add_fault (
      e, "{\"route\":\"list\",\"action\":\"delay\",\"delay_ms\":60000}");
  thread = g_thread_new ("slow", slow_list, e);
  while (test_emulator_get_count (e, "list") == 0)
    g_usleep (5 * 1000);
  start = g_get_monotonic_time ();
  test_emulator_stop (e);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  reply = g_thread_join (thread);
  g_assert_cmpint (reply->result, !=, CURLE_OK);
}

static void
test_sigint_exits_cleanly (void)
{
  const char *path = g_getenv ("AUTHENTA_EMULATOR");
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                               | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, path, "--port", "0", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (line, "/api"));
  g_subprocess_send_signal (proc, SIGINT);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
}

static void
test_bad_options_exit_2 (void)
{
  const char *path = g_getenv ("AUTHENTA_EMULATOR");
  static const char *const bad[][2] = { { "--processing-time", "-1" },
                                        { "--balance", "-3" },
                                        { "--port", "70000" },
                                        { "--api-key", ":rw" },
                                        { "--api-key", "api_k:RW" },
                                        { "--api-key", "api_k:xyz" },
                                        { "--intermediate-status", "FAILED" },
                                        { "--intermediate-status", "" },
                                        { "--header-timeout", "0" },
                                        { "--max-connections-per-ip", "-1" } };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSubprocess) proc = g_subprocess_new (
          G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
          &error, path, bad[i][0], bad[i][1], NULL);

      g_assert_no_error (error);
      g_assert_true (g_subprocess_wait (proc, NULL, &error));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
    }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start ("--processing-time", "0.1", NULL);

  g_test_add_func ("/emulator/controls/stats-count-each-route",
                   test_stats_count_each_route);
  g_test_add_func ("/emulator/controls/reset-forgets-everything",
                   test_reset_forgets_everything);
  g_test_add_func ("/emulator/controls/config/processing-time",
                   test_config_processing_time);
  g_test_add_func ("/emulator/controls/config/intermediate-status",
                   test_config_intermediate_status);
  g_test_add_func ("/emulator/controls/config/intermediate-status-timing",
                   test_config_intermediate_status_timing);
  g_test_add_func ("/emulator/controls/reset-turns-intermediate-status-off",
                   test_reset_turns_intermediate_status_off);
  g_test_add_func ("/emulator/options/intermediate-status",
                   test_intermediate_status_option);
  g_test_add_func ("/emulator/controls/config/upload-expiry",
                   test_config_upload_expiry);
  g_test_add_func ("/emulator/controls/bad-controls-are-refused",
                   test_bad_controls_are_refused);
  g_test_add_func ("/emulator/controls/deep-nesting-is-refused",
                   test_deep_nesting_is_refused);
  g_test_add_func ("/emulator/log/one-line-per-request",
                   test_log_line_per_request);
  g_test_add_func ("/emulator/log/key-never-logged", test_key_never_logged);
  g_test_add_func ("/emulator/log/default-key-announced",
                   test_default_key_announced);
  g_test_add_func ("/emulator/options/balance", test_balance_option);
  g_test_add_func ("/emulator/options/bad-values-exit-2",
                   test_bad_options_exit_2);
  g_test_add_func ("/emulator/options/storage-dir-is-kept",
                   test_storage_dir_is_kept);
  g_test_add_func ("/emulator/shutdown/sigterm-removes-private-storage",
                   test_sigterm_removes_private_storage);
  g_test_add_func ("/emulator/shutdown/sigterm-during-delay-is-prompt",
                   test_sigterm_during_delay_is_prompt);
  g_test_add_func ("/emulator/shutdown/sigint-exits-cleanly",
                   test_sigint_exits_cleanly);

  ret = g_test_run ();
  test_emulator_stop (emu);
  return ret;
}
