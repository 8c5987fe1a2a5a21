/* libauthenta client tests against authenta-emulator over real HTTP on
 * loopback: the flow, error mapping, retries (counted by the emulator),
 * storage refusals, URL renewal, protocol errors, cancellation, threads and
 * what the logs may hold.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include "test-emulator.h"

#include <curl/curl.h>
#include <json-glib/json-glib.h>

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define KEY "api_emulator_key"

static TestEmulator *emu; /* shared; reset before each test */
static char *tmpdir;

/* ---- log capture ------------------------------------------------------ */

static GMutex log_lock;
static GPtrArray *log_lines; /* non-NULL while capturing */

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
            gpointer user_data)
{
  const char *domain = NULL, *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
    }
  g_mutex_lock (&log_lock);
  if (log_lines)
    g_ptr_array_add (log_lines, g_strdup_printf ("%s: %s", domain ? domain : "",
                                                 message ? message : ""));
  g_mutex_unlock (&log_lock);
  /* Debug lines go to the default writer only when asked for. */
  if (level & G_LOG_LEVEL_DEBUG && log_lines)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
capture_start (void)
{
  g_log_set_debug_enabled (TRUE);
  g_mutex_lock (&log_lock);
  log_lines = g_ptr_array_new_with_free_func (g_free);
  g_mutex_unlock (&log_lock);
}

static GPtrArray *
capture_stop (void)
{
  GPtrArray *lines;

  g_mutex_lock (&log_lock);
  lines = g_steal_pointer (&log_lines);
  g_mutex_unlock (&log_lock);
  g_log_set_debug_enabled (FALSE);
  return lines;
}

/* ---- helpers ---------------------------------------------------------- */

typedef struct
{
  AuthentaClient *client;
} Fixture;

static AuthentaClient *
make_client_for (TestEmulator *e, const char *key)
{
  g_autoptr (GError) error = NULL;
  AuthentaClient *client
      = authenta_client_new (test_emulator_get_base_url (e), key, &error);

  g_assert_no_error (error);
  /* Short delays keep the suite fast; the behaviour is the same. */
  authenta_client_set_retry_policy (client, 4, 5, 20, 0.5);
  authenta_client_set_poll_policy (client, 10, 1.5, 40, 10000);
  authenta_client_set_timeouts (client, 2000, 5000, 5000);
  return client;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  test_emulator_reset (emu);
  f->client = make_client_for (emu, KEY);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->client);
}

/* An MP4-looking file of `size` bytes (at least 24). */
static char *
make_file (const char *name, gsize size)
{
  static const char head[] = "\0\0\0\x18"
                             "ftypmp42\0\0\0\0mp42isom";
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree guint8 *data = g_malloc (size);

  g_assert_cmpuint (size, >=, sizeof head - 1);
  for (gsize i = 0; i < size; i++)
    data[i] = (guint8)(i * 7 + 3);
  memcpy (data, head, sizeof head - 1);
  g_assert_true (g_file_set_contents (path, (char *)data, size, NULL));
  return path;
}

static AuthentaMedia *
create_for_file (Fixture *f, const char *path, const char *name)
{
  g_autoptr (GError) error = NULL;
  GStatBuf st;
  AuthentaMedia *media;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  media = authenta_client_create_media (f->client, name, "video/mp4",
                                        st.st_size, NULL, NULL, &error);
  g_assert_no_error (error);
  return media;
}

static void
add_fault (const char *route, const char *action, guint count,
           const char *extra)
{
  g_autofree char *json = g_strdup_printf (
      "{\"route\":\"%s\",\"action\":\"%s\",\"count\":%u%s%s}", route, action,
      count, extra ? "," : "", extra ? extra : "");
  test_emulator_add_fault (emu, json);
}

typedef struct
{
  GMutex lock;
  GArray *stages;  /* AuthentaScanStage */
  GArray *times;   /* gint64, of UPLOADING reports */
  GArray *sent;    /* guint64, of UPLOADING reports */
  GPtrArray *mids; /* char*, per report */
  guint64 last_total;
} Progress;

static void
progress_init (Progress *p)
{
  g_mutex_init (&p->lock);
  p->stages = g_array_new (FALSE, FALSE, sizeof (AuthentaScanStage));
  p->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  p->sent = g_array_new (FALSE, FALSE, sizeof (guint64));
  p->mids = g_ptr_array_new_with_free_func (g_free);
}

static void
progress_clear (Progress *p)
{
  g_array_unref (p->stages);
  g_array_unref (p->times);
  g_array_unref (p->sent);
  g_ptr_array_unref (p->mids);
  g_mutex_clear (&p->lock);
}

static void
on_progress (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
             guint64 total, gpointer user_data)
{
  Progress *p = user_data;

  g_mutex_lock (&p->lock);
  g_array_append_val (p->stages, stage);
  g_ptr_array_add (p->mids, g_strdup (authenta_media_get_mid (media)));
  if (stage == AUTHENTA_SCAN_STAGE_UPLOADING)
    {
      gint64 now = g_get_monotonic_time ();
      g_array_append_val (p->times, now);
      g_array_append_val (p->sent, sent);
    }
  p->last_total = total;
  g_mutex_unlock (&p->lock);
}

/* ---- the flow --------------------------------------------------------- */

static void
test_scan_authentic (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("holiday.mp4", 100000);
  g_autoptr (AuthentaMedia) media = NULL;
  Progress p;
  AuthentaScanStage last = AUTHENTA_SCAN_STAGE_CREATED;

  progress_init (&p);
  media = authenta_client_scan_file (f->client, path, NULL, NULL, NULL,
                                     on_progress, &p, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (media));
  g_assert_false (authenta_media_is_fake (media));
  g_assert_cmpstr (authenta_media_get_name (media), ==, "holiday.mp4");
  g_assert_cmpstr (authenta_media_get_model_type (media), ==, "DF-1");
  g_assert_cmpstr (authenta_media_get_media_type (media), ==, "Video");
  g_assert_nonnull (authenta_media_get_json (media));

  /* Stages come in order: created, uploading…, uploaded, processing…. */
  g_assert_cmpuint (p.stages->len, >=, 4);
  g_assert_cmpint (g_array_index (p.stages, AuthentaScanStage, 0), ==,
                   AUTHENTA_SCAN_STAGE_CREATED);
  for (guint i = 0; i < p.stages->len; i++)
    {
      AuthentaScanStage s = g_array_index (p.stages, AuthentaScanStage, i);
      g_assert_cmpint (s, >=, last);
      last = s;
    }
  g_assert_cmpint (last, ==, AUTHENTA_SCAN_STAGE_PROCESSING);
  g_assert_cmpuint (p.last_total, ==, 100000);
  /* One record, one upload. */
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
  progress_clear (&p);
}

static void
test_scan_fake (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("interview.mp4", 5000);
  g_autoptr (AuthentaMedia) media = NULL;

  media = authenta_client_scan_file (f->client, path, "a fake interview",
                                     "video/mp4", "DF-1", NULL, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (media));
  g_assert_true (authenta_media_is_fake (media));
}

static void
test_scan_processing_failed (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("clip.mp4", 5000);
  g_autoptr (AuthentaMedia) media = NULL;

  media = authenta_client_scan_file (f->client, path, "will fail", NULL, NULL,
                                     NULL, NULL, NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROCESSING_FAILED);
  g_assert_nonnull (authenta_error_get_mid (error));
  g_assert_nonnull (strstr (error->message, authenta_error_get_mid (error)));
}

static void
test_scan_unsupported (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, "notes.txt", NULL);
  g_autoptr (AuthentaMedia) media = NULL;

  g_assert_true (g_file_set_contents (path, "plain text", -1, NULL));
  media = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                     NULL, NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UNSUPPORTED_MEDIA);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 0);
}

static void
on_scan_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthentaMedia **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = authenta_client_scan_file_finish (AUTHENTA_CLIENT (source), result,
                                           &error);
  g_assert_no_error (error);
}

static void
count_destroy (gpointer data)
{
  (*(guint *)data)++;
}

static void
on_progress_count (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
                   guint64 total, gpointer user_data)
{
}

static void
test_scan_async (Fixture *f, gconstpointer data)
{
  g_autofree char *path = make_file ("async.mp4", 20000);
  AuthentaMedia *media = NULL;
  guint destroyed = 0;

  authenta_client_scan_file_async (f->client, path, NULL, NULL, NULL,
                                   on_progress_count, &destroyed, count_destroy,
                                   NULL, on_scan_done, &media);
  while (media == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (authenta_media_is_processed (media));
  /* The task (and its data) may be freed just after the callback. */
  while (destroyed == 0)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (destroyed, ==, 1);
  g_object_unref (media);
}

static gboolean
collect_mid (AuthentaMedia *media, gpointer user_data)
{
  g_ptr_array_add (user_data, g_strdup (authenta_media_get_mid (media)));
  return TRUE;
}

static void
test_list_and_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AuthentaMedia) gone = NULL;
  char *mids[5];
  guint total = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autoptr (AuthentaMedia) m = authenta_client_create_media (
          f->client, "listed", "image/png", 10 + i, NULL, NULL, &error);
      g_assert_no_error (error);
      mids[i] = g_strdup (authenta_media_get_mid (m));
      g_assert_cmpstr (authenta_media_get_content_type (m), ==, "image/png");
      g_assert_cmpuint (authenta_media_get_size (m), ==, 10 + i);
    }

  page = authenta_client_list_media (f->client, 2, 0, &total, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpuint (total, ==, 5);

  g_assert_true (authenta_client_foreach_media (f->client, 2, collect_mid, seen,
                                                NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_true (
        g_ptr_array_find_with_equal_func (seen, mids[i], g_str_equal, NULL));
  /* Three pages of at most two. */
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 1 + 3);

  g_assert_true (
      authenta_client_delete_media (f->client, mids[0], NULL, &error));
  g_assert_no_error (error);
  gone = authenta_client_get_media (f->client, mids[0], NULL, &error);
  g_assert_null (gone);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 404);
  g_assert_cmpstr (authenta_error_get_mid (error), ==, mids[0]);

  for (guint i = 0; i < 5; i++)
    g_free (mids[i]);
}

/* Without a total in the answer, the walk goes on until a short page. */
static void
test_foreach_without_total (Fixture *f, gconstpointer data)
{
  for (guint n = 4; n <= 5; n++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);

      test_emulator_reset (emu);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (AuthentaMedia) m = authenta_client_create_media (
              f->client, "listed", "image/png", 10 + i, NULL, NULL, &error);
          g_assert_no_error (error);
          g_assert_nonnull (m);
        }
      add_fault ("list", "no-total", 10, NULL);
      g_assert_true (authenta_client_foreach_media (f->client, 2, collect_mid,
                                                    seen, NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (seen->len, ==, n);
      /* 2+2+1 for five; 2+2+0 for four (no short page before the empty
       * one). */
      g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 3);
    }
}

/* ---- properties ------------------------------------------------------- */

static void
count_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  GPtrArray *seen = user_data;
  g_ptr_array_add (seen, g_strdup (g_param_spec_get_name (pspec)));
}

static guint
count_name (GPtrArray *seen, const char *name)
{
  guint n = 0;
  for (guint i = 0; i < seen->len; i++)
    n += g_strcmp0 (g_ptr_array_index (seen, i), name) == 0;
  return n;
}

static void
test_properties_notify (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  guint stall = 0;

  g_signal_connect (f->client, "notify", G_CALLBACK (count_notify), seen);
  g_object_set (f->client, "stall-timeout", 7000, NULL);
  g_assert_cmpuint (count_name (seen, "stall-timeout"), ==, 1);
  g_object_get (f->client, "stall-timeout", &stall, NULL);
  g_assert_cmpuint (stall, ==, 7000);
  /* The same value again: no change, no notification. */
  g_object_set (f->client, "stall-timeout", 7000, NULL);
  g_assert_cmpuint (count_name (seen, "stall-timeout"), ==, 1);

  /* make_client_for() set 2000, 7000 (above), 5000: only connect changes. */
  authenta_client_set_timeouts (f->client, 2500, 7000, 5000);
  g_assert_cmpuint (count_name (seen, "connect-timeout"), ==, 1);
  g_assert_cmpuint (count_name (seen, "stall-timeout"), ==, 1);
  g_assert_cmpuint (count_name (seen, "request-timeout"), ==, 0);

  g_object_set (f->client, "retry-jitter", 0.25, "poll-growth", 2.0,
                "poll-timeout", 1234, NULL);
  g_assert_cmpuint (count_name (seen, "retry-jitter"), ==, 1);
  g_assert_cmpuint (count_name (seen, "poll-growth"), ==, 1);
  g_assert_cmpuint (count_name (seen, "poll-timeout"), ==, 1);
  g_assert_cmpuint (seen->len, ==, 5);
}

/* ---- error mapping ---------------------------------------------------- */

static void
test_wrong_key (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = make_client_for (emu, "api_wrong_key");
  g_autoptr (AuthentaMedia) media = NULL;

  media = authenta_client_create_media (client, "x", "video/mp4", 10, NULL,
                                        NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_API_KEY);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 401);
  g_assert_cmpstr (authenta_error_get_service_code (error), ==,
                   "INVALID_API_KEY");
  g_assert_null (strstr (error->message, "api_wrong_key"));
  /* Never retried. */
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
}

static void
test_forbidden_key (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  TestEmulator *own
      = test_emulator_start ("--api-key", "api_read_only:r", NULL);
  g_autoptr (AuthentaClient) client = make_client_for (own, "api_read_only");
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GPtrArray) page = NULL;

  page = authenta_client_list_media (client, 10, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  media = authenta_client_create_media (client, "x", "video/mp4", 10, NULL,
                                        NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_FORBIDDEN);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 403);
  g_assert_cmpuint (test_emulator_get_count (own, "create"), ==, 1);
  g_clear_object (&client);
  test_emulator_stop (own);
}

static void
test_insufficient_balance (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autofree char *path = make_file ("broke.mp4", 1000);

  test_emulator_configure (emu, "{\"balance\":0}");
  media = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                     NULL, NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INSUFFICIENT_BALANCE);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 402);
  g_assert_cmpstr (authenta_error_get_service_code (error), ==,
                   "INSUFFICIENT_BALANCE");
}

/* Every documented status, injected on GET, maps to its code and is tried
 * exactly once. */
static void
test_status_mapping (Fixture *f, gconstpointer data)
{
  static const struct
  {
    guint status;
    const char *code;
    AuthentaError error;
  } cases[] = {
    { 400, "BAD_REQUEST", AUTHENTA_ERROR_BAD_REQUEST },
    { 401, "INVALID_API_KEY", AUTHENTA_ERROR_INVALID_API_KEY },
    { 402, "INSUFFICIENT_BALANCE", AUTHENTA_ERROR_INSUFFICIENT_BALANCE },
    { 403, "FORBIDDEN", AUTHENTA_ERROR_FORBIDDEN },
    { 404, "NOT_FOUND", AUTHENTA_ERROR_NOT_FOUND },
  };
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (GError) error = NULL;

  created = authenta_client_create_media (f->client, "m", "video/mp4", 10, NULL,
                                          NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *extra = g_strdup_printf (
          "\"status\":%u,\"code\":\"%s\",\"message\":\"injected %u\"",
          cases[i].status, cases[i].code, cases[i].status);
      g_autoptr (AuthentaMedia) media = NULL;
      g_autofree char *needle
          = g_strdup_printf ("injected %u", cases[i].status);
      guint before = test_emulator_get_count (emu, "get");

      add_fault ("get", "status", 1, extra);
      media = authenta_client_get_media (
          f->client, authenta_media_get_mid (created), NULL, &error);
      g_assert_null (media);
      g_assert_error (error, AUTHENTA_ERROR, (int)cases[i].error);
      g_assert_cmpuint (authenta_error_get_http_status (error), ==,
                        cases[i].status);
      g_assert_cmpstr (authenta_error_get_service_code (error), ==,
                       cases[i].code);
      g_assert_cmpstr (authenta_error_get_mid (error), ==,
                       authenta_media_get_mid (created));
      g_assert_nonnull (strstr (error->message, needle));
      g_assert_nonnull (strstr (error->message, cases[i].code));
      g_assert_nonnull (
          strstr (error->message, authenta_media_get_mid (created)));
      g_assert_cmpuint (test_emulator_get_count (emu, "get") - before, ==, 1);
      g_clear_error (&error);
    }
}

/* The service's message goes into errors and logs cut to about 512 bytes,
 * on one line, without the key even when the service repeats it. */
static void
test_service_message_sanitized (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GString) fault = g_string_new (NULL);
  g_autoptr (GPtrArray) lines = NULL;
  const char *p;

  created = authenta_client_create_media (f->client, "m", "video/mp4", 10, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  g_string_append (fault, "{\"route\":\"get\",\"action\":\"status\","
                          "\"status\":400,\"message\":\"bad key " KEY
                          "\\n\\u001b[2Jfake line\\r");
  for (guint i = 0; i < 200; i++)
    g_string_append (fault, "0123456789");
  g_string_append (fault, "END\"}");
  test_emulator_add_fault (emu, fault->str);

  capture_start ();
  media = authenta_client_get_media (
      f->client, authenta_media_get_mid (created), NULL, &error);
  lines = capture_stop ();
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_BAD_REQUEST);
  g_test_message ("%s", error->message);
  g_assert_null (strstr (error->message, KEY));
  g_assert_nonnull (strstr (error->message, "bad key [redacted]"));
  for (p = error->message; *p; p++)
    g_assert_cmpint ((guchar)*p, >=, 0x20);
  g_assert_null (strstr (error->message, "END"));
  g_assert_cmpuint (strlen (error->message), <, 512 + 200);
  /* The mid and status still follow the cut message. */
  g_assert_nonnull (strstr (error->message, "HTTP status 400"));
  g_assert_nonnull (strstr (error->message, authenta_media_get_mid (created)));
  for (guint i = 0; i < lines->len; i++)
    g_assert_null (strstr (g_ptr_array_index (lines, i), KEY));
}

/* ---- retries ---------------------------------------------------------- */

/* A base URL without /api reaches the web site, whose 404 is not the
 * service's: that is no Authenta API, not "no such record". */
static void
test_base_url_without_api (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autofree char *lead = g_strdup_printf ("No Authenta API at %s (",
                                           test_emulator_get_root_url (emu));
  const char *mid = "0123456789abcdef01234567";

  client = authenta_client_new (test_emulator_get_root_url (emu), KEY, &error);
  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, 4, 5, 20, 0.5);
  authenta_client_set_poll_policy (client, 10, 1.5, 40, 2000);

  created = authenta_client_create_media (client, "x", "video/mp4", 100, NULL,
                                          NULL, &error);
  g_assert_null (created);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NO_SERVICE);
  g_test_message ("create: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, lead));
  g_assert_nonnull (strstr (error->message, "POST /media"));
  g_assert_nonnull (strstr (error->message, "it usually ends in /api"));
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 404);
  g_clear_error (&error);

  page = authenta_client_list_media (client, 10, 0, NULL, NULL, &error);
  g_assert_null (page);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NO_SERVICE);
  g_assert_true (g_str_has_prefix (error->message, lead));
  g_clear_error (&error);

  media = authenta_client_get_media (client, mid, NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NO_SERVICE);
  g_test_message ("get: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, lead));
  g_assert_cmpstr (authenta_error_get_mid (error), ==, mid);
  g_clear_error (&error);

  /* Not a failure to poll through: the wait ends at once. */
  media
      = authenta_client_wait_for_result (client, mid, NULL, NULL, NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NO_SERVICE);
  g_clear_error (&error);

  /* Not retried, and nothing reached the API. */
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 0);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 0);
  g_assert_cmpuint (test_emulator_get_count (emu, "get"), ==, 0);

  /* The API's own 404 for an unknown record is still NOT_FOUND. */
  media = authenta_client_get_media (f->client, mid, NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 404);
  g_assert_cmpstr (authenta_error_get_service_code (error), ==, "NOT_FOUND");
}

static void
test_retry_two_503 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) media = NULL;

  created = authenta_client_create_media (f->client, "m", "video/mp4", 10, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  add_fault ("get", "status", 2, "\"status\":503");
  media = authenta_client_get_media (
      f->client, authenta_media_get_mid (created), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (media);
  g_assert_cmpuint (test_emulator_get_count (emu, "get"), ==, 3);
}

static void
test_retry_create_500 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = NULL;

  add_fault ("create", "status", 1, "\"status\":500");
  media = authenta_client_create_media (f->client, "m", "video/mp4", 10, NULL,
                                        NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 2);
}

static void
test_retry_exhausted (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;

  add_fault ("list", "status", 10, "\"status\":502");
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_null (page);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_SERVER);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 502);
  g_assert_nonnull (strstr (error->message, "after 4 attempts"));
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 4);
}

static void
test_retry_401_once (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;

  add_fault ("list", "status", 5, "\"status\":401");
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_API_KEY);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 1);
}

/* 501 (S3's NotImplemented) and 505 say the request is unsupported:
 * resending cannot help, unlike 500, 502, 503 and 504. */
static void
test_retry_501_once (Fixture *f, gconstpointer data)
{
  static const guint statuses[] = { 501, 505 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) page = NULL;
      g_autofree char *extra = g_strdup_printf ("\"status\":%u", statuses[i]);
      guint before = test_emulator_get_count (emu, "list");

      add_fault ("list", "status", 5, extra);
      page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
      g_assert_null (page);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_SERVER);
      g_assert_cmpuint (authenta_error_get_http_status (error), ==,
                        statuses[i]);
      g_assert_cmpuint (test_emulator_get_count (emu, "list") - before, ==, 1);
      test_emulator_reset (emu);
    }
}

static void
test_retry_after (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  gint64 start = g_get_monotonic_time (), elapsed;

  /* The client's own back-off is 5–20 ms: a wait of a second can only be
   * the Retry-After. */
  add_fault ("list", "status", 1, "\"status\":429,\"retry_after\":1");
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 2);
  g_test_message ("Retry-After: 1 -> retried after %" G_GINT64_FORMAT " ms",
                  elapsed / 1000);
  g_assert_cmpint (elapsed, >=, 950 * G_TIME_SPAN_MILLISECOND);
}

static void
test_retry_after_too_long (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  gint64 start = g_get_monotonic_time ();

  /* Ten minutes is not worth waiting for inside one call: fail at once. */
  add_fault ("list", "status", 1, "\"status\":503,\"retry_after\":600");
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_SERVER);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_rate_limited (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;

  add_fault ("list", "status", 10, "\"status\":429");
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_RATE_LIMITED);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 4);
}

static void
test_retry_dropped (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;

  add_fault ("list", "drop", 2, NULL);
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 3);
}

static void
test_retry_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;

  authenta_client_set_timeouts (f->client, 2000, 5000, 200);
  authenta_client_set_retry_policy (f->client, 2, 5, 20, 0.5);
  add_fault ("list", "delay", 2, "\"delay_ms\":3000");
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  /* Not AUTHENTA_ERROR_TIMEOUT: that is the wait for a verdict. */
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "200 ms request time-out"));
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 0);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 2);
}

static void
test_stall_timeout_named (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;

  authenta_client_set_timeouts (f->client, 2000, 1000, 0);
  authenta_client_set_retry_policy (f->client, 1, 5, 20, 0.5);
  /* On a reused connection too: it was connected, this is a stall. */
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&page, g_ptr_array_unref);
  add_fault ("list", "delay", 1, "\"delay_ms\":4000");
  page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "1 s stall time-out"));
}

static void
test_retry_connection_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (GPtrArray) page = NULL;

  /* Port 9 (discard) is closed on loopback. */
  client = authenta_client_new ("http://127.0.0.1:9/api", KEY, &error);
  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, 3, 5, 10, 0);
  page = authenta_client_list_media (client, 10, 0, NULL, NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "after 3 attempts"));
}

static void
test_retry_upload_503 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("retry-upload.mp4", 300000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "r");
  g_autoptr (AuthentaMedia) uploaded = NULL;

  add_fault ("upload", "status", 2, "\"status\":503");
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  g_assert_true (uploaded == created);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 3);
}

/* ---- protocol errors -------------------------------------------------- */

static void
check_protocol_fault (Fixture *f, const char *action, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) media = NULL;

  created = authenta_client_create_media (f->client, "m", "video/mp4", 10, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  add_fault ("get", action, 1, NULL);
  media = authenta_client_get_media (
      f->client, authenta_media_get_mid (created), NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
  g_test_message ("%s: %s", action, error->message);
  g_assert_cmpstr (authenta_error_get_mid (error), ==,
                   authenta_media_get_mid (created));
  g_assert_nonnull (strstr (error->message, authenta_media_get_mid (created)));
  if (strstr (error->message, needle) == NULL)
    g_error ("“%s” not in “%s”", needle, error->message);
  /* Not retried: the answer arrived, it is just wrong; and its status is
   * kept. */
  g_assert_cmpuint (test_emulator_get_count (emu, "get"), ==, 1);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 200);
}

static void
test_protocol_truncated (Fixture *f, gconstpointer data)
{
  check_protocol_fault (f, "truncate", "not valid JSON");
}

static void
test_protocol_malformed (Fixture *f, gconstpointer data)
{
  check_protocol_fault (f, "malformed", "not valid JSON");
}

static void
test_protocol_wrong_type (Fixture *f, gconstpointer data)
{
  check_protocol_fault (f, "wrong-type", "“mid” is an integer");
}

static void
test_protocol_oversize (Fixture *f, gconstpointer data)
{
  check_protocol_fault (f, "oversize", "larger than");
}

static void
test_protocol_create_wrong_type (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = NULL;

  g_autoptr (GPtrArray) left = NULL;

  /* Every answer unreadable: asked once per attempt, and each record an
   * unreadable answer made is found and deleted. */
  add_fault ("create", "wrong-type", 10, NULL);
  media = authenta_client_create_media (f->client, "m", "video/mp4", 10, NULL,
                                        NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "POST /api/media"));
  /* The fault answers 200 where the service would say 201. */
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 200);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 4);
  g_clear_error (&error);
  left = authenta_client_list_media (f->client, 100, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 0);
}

/* A list answer that is not what it should be keeps its HTTP status too,
 * whether the JSON is broken or of the wrong shape. */
static void
test_protocol_list_keeps_status (Fixture *f, gconstpointer data)
{
  static const char *const actions[] = { "truncate", "wrong-type" };

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaMedia) m = NULL;
      g_autoptr (GPtrArray) page = NULL;

      m = authenta_client_create_media (f->client, "listed", "image/png", 10,
                                        NULL, NULL, &error);
      g_assert_no_error (error);
      add_fault ("list", actions[i], 1, NULL);
      page = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
      g_assert_null (page);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
      g_test_message ("%s: %s", actions[i], error->message);
      g_assert_cmpuint (authenta_error_get_http_status (error), ==, 200);
    }
}

/* ---- storage ---------------------------------------------------------- */

/* A record like `media`, with some fields replaced (what a forged or
 * stale record would carry). */
static AuthentaMedia *
forge (AuthentaMedia *media, const char *content_type, gint64 size,
       const char *upload_url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  AuthentaMedia *forged;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mid");
  json_builder_add_string_value (b, authenta_media_get_mid (media));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, authenta_media_get_name (media));
  json_builder_set_member_name (b, "modelType");
  json_builder_add_string_value (b, authenta_media_get_model_type (media));
  json_builder_set_member_name (b, "contentType");
  json_builder_add_string_value (b, content_type);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, size);
  json_builder_set_member_name (b, "uploadUrl");
  json_builder_add_string_value (b, upload_url);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  forged = authenta_media_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  return forged;
}

static void
test_upload_wrong_type (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("type.mp4", 4000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "t");
  g_autoptr (AuthentaMedia) forged = forge (
      created, "video/webm", 4000, authenta_media_get_upload_url (created));
  g_autoptr (AuthentaMedia) uploaded = NULL;

  uploaded = authenta_client_upload_file (f->client, forged, path, NULL, NULL,
                                          NULL, &error);
  g_assert_null (uploaded);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 403);
  g_assert_cmpstr (authenta_error_get_service_code (error), ==,
                   "SignatureDoesNotMatch");
  g_assert_cmpstr (authenta_error_get_mid (error), ==,
                   authenta_media_get_mid (created));
  /* The URL's query (its credential) is not in the message. */
  g_assert_null (strstr (error->message, "X-Amz-Signature"));
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
}

static void
test_upload_forged_length (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *small = make_file ("small.mp4", 4000);
  g_autofree char *big = make_file ("big.mp4", 4001);
  g_autoptr (AuthentaMedia) created = create_for_file (f, small, "l");
  g_autoptr (AuthentaMedia) forged = forge (
      created, "video/mp4", 4001, authenta_media_get_upload_url (created));
  g_autoptr (AuthentaMedia) uploaded = NULL;

  /* The record claims 4001 bytes, the URL was signed for 4000. */
  uploaded = authenta_client_upload_file (f->client, forged, big, NULL, NULL,
                                          NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED);
  g_assert_cmpstr (authenta_error_get_service_code (error), ==,
                   "SignatureDoesNotMatch");
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
}

static void
test_upload_forged_url (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("url.mp4", 4000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "u");
  g_autofree char *url = g_strdup (authenta_media_get_upload_url (created));
  g_autoptr (AuthentaMedia) forged = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;
  char *last = url + strlen (url) - 1;

  /* Flip the last hex digit of the signature. */
  *last = *last == '0' ? '1' : '0';
  forged = forge (created, "video/mp4", 4000, url);
  uploaded = authenta_client_upload_file (f->client, forged, path, NULL, NULL,
                                          NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED);
  g_assert_cmpuint (authenta_error_get_http_status (error), ==, 403);
  g_assert_cmpstr (authenta_error_get_service_code (error), ==,
                   "SignatureDoesNotMatch");
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
}

static void
test_upload_file_changed_size (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("grows.mp4", 4000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "g");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autofree char *again = make_file ("grows.mp4", 4100);

  g_assert_cmpstr (again, ==, path); /* the same file, now larger */
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_null (uploaded);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "4100"));
  g_assert_nonnull (strstr (error->message, "4000"));
  /* Refused locally: storage never saw it. */
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 0);
}

static void
test_upload_sends_length (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("length.mp4", 3 * 1024 * 1024 + 17);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "len");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (AuthentaMedia) after = NULL;

  /* The emulator, like S3, refuses chunked bodies (501) and bodies without
   * a length (411): success means Content-Length was sent and matched. */
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
  after = authenta_client_get_media (
      f->client, authenta_media_get_mid (created), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_status (after), !=, "INITED");
}

static size_t
collect_body (char *data, size_t size, size_t nmemb, void *user_data)
{
  g_string_append_len (user_data, data, (gssize)(size * nmemb));
  return size * nmemb;
}

/* PUT @path's bytes to @url as a careless client would: with the API key
 * in an Authorization header as well.  Returns the HTTP status. */
static long
put_with_authorization (const char *url, const char *path, GString *answer)
{
  g_autofree char *body = NULL;
  gsize len = 0;
  struct curl_slist *headers = NULL;
  CURL *curl = curl_easy_init ();
  long status = 0;

  g_assert_true (g_file_get_contents (path, &body, &len, NULL));
  headers = curl_slist_append (headers, "Authorization: Bearer " KEY);
  headers = curl_slist_append (headers, "Content-Type: video/mp4");
  headers = curl_slist_append (headers, "Expect:");
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, "PUT");
  curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt (curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, answer);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all (headers);
  curl_easy_cleanup (curl);
  return status;
}

static void
test_upload_sends_no_authorization (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("noauth.mp4", 300000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "noauth");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (AuthentaMedia) after = NULL;
  g_autoptr (GString) answer = g_string_new (NULL);

  /* Storage, like S3, refuses a pre-signed PUT that also carries an
   * Authorization header: the check has teeth. */
  g_assert_cmpint (put_with_authorization (
                       authenta_media_get_upload_url (created), path, answer),
                   ==, 400);
  g_assert_nonnull (strstr (answer->str, "<Code>InvalidArgument</Code>"));
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);

  /* The library's upload of the same file to the same URL goes through,
   * first time: it sends storage no Authorization header. */
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uploaded);
  g_assert_cmpstr (authenta_media_get_mid (uploaded), ==,
                   authenta_media_get_mid (created));
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 2);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
  after = authenta_client_get_media (
      f->client, authenta_media_get_mid (created), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_status (after), !=, "INITED");
}

static void
test_upload_expired_renews (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("expired.mp4", 50000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "exp");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (AuthentaMedia) result = NULL;
  Progress p;

  progress_init (&p);
  add_fault ("upload", "expire", 1, NULL);
  uploaded = authenta_client_upload_file (f->client, created, path, on_progress,
                                          &p, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uploaded);
  /* A fresh record, and the caller learns its mid. */
  g_assert_cmpstr (authenta_media_get_mid (uploaded), !=,
                   authenta_media_get_mid (created));
  g_assert_cmpstr (authenta_media_get_name (uploaded), ==, "exp");
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 2);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 2);
  /* The old record, which can never get its file, is gone. */
  g_assert_cmpuint (test_emulator_get_count (emu, "delete"), ==, 1);
  {
    g_autoptr (AuthentaMedia) old = authenta_client_get_media (
        f->client, authenta_media_get_mid (created), NULL, &error);
    g_assert_null (old);
    g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  /* The renewal was reported as a new "created" stage with the new mid. */
  {
    gboolean found = FALSE;
    for (guint i = 0; i < p.stages->len; i++)
      if (g_array_index (p.stages, AuthentaScanStage, i)
              == AUTHENTA_SCAN_STAGE_CREATED
          && g_strcmp0 (g_ptr_array_index (p.mids, i),
                        authenta_media_get_mid (uploaded))
                 == 0)
        found = TRUE;
    g_assert_true (found);
  }

  result = authenta_client_wait_for_result (
      f->client, authenta_media_get_mid (uploaded), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (result));
  progress_clear (&p);
}

/* Deleting the expired record is best effort: its failure does not fail
 * the upload. */
static void
test_upload_expired_delete_fails (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("expired-nodel.mp4", 5000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "exp-nodel");
  g_autoptr (AuthentaMedia) uploaded = NULL;

  add_fault ("upload", "expire", 1, NULL);
  add_fault ("delete", "status", 1, "\"status\":403");
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_mid (uploaded), !=,
                   authenta_media_get_mid (created));
  g_assert_cmpuint (test_emulator_get_count (emu, "delete"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 2);
}

static void
test_upload_expired_twice (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("expired2.mp4", 5000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "exp2");
  g_autoptr (AuthentaMedia) uploaded = NULL;

  add_fault ("upload", "expire", 2, NULL);
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_null (uploaded);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED);
  g_assert_cmpstr (authenta_error_get_service_code (error), ==, "AccessDenied");
  /* One renewal only. */
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 2);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 2);
}

static void
test_upload_real_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("stale.mp4", 5000);
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;

  /* URLs valid for one second; the first one is used after it expired. */
  test_emulator_configure (emu, "{\"upload_expiry\":1}");
  created = create_for_file (f, path, "stale");
  {
    gint64 end = g_get_monotonic_time () + 2100 * G_TIME_SPAN_MILLISECOND;
    while (g_get_monotonic_time () < end)
      g_usleep (50000);
  }
  test_emulator_configure (emu, "{\"upload_expiry\":3600}");
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_mid (uploaded), !=,
                   authenta_media_get_mid (created));
}

static void
test_upload_progress_rate (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("progress.mp4", 8 * 1024 * 1024);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "p");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  Progress p;

  progress_init (&p);
  uploaded = authenta_client_upload_file (f->client, created, path, on_progress,
                                          &p, NULL, &error);
  g_assert_no_error (error);
  /* The first report is the start (0 bytes); then at most every 100 ms. */
  g_assert_cmpuint (p.sent->len, >=, 1);
  g_assert_cmpuint (g_array_index (p.sent, guint64, 0), ==, 0);
  for (guint i = 2; i < p.times->len; i++)
    g_assert_cmpint (g_array_index (p.times, gint64, i)
                         - g_array_index (p.times, gint64, i - 1),
                     >=, 99 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (
      g_array_index (p.stages, AuthentaScanStage, p.stages->len - 1), ==,
      AUTHENTA_SCAN_STAGE_UPLOADED);
  g_assert_cmpuint (p.last_total, ==, 8 * 1024 * 1024);
  progress_clear (&p);
}

/* Storage takes at most 5 GiB in one PUT: a larger size is refused before
 * any request, with a message that says the limit. */
static void
test_create_over_5gib_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) big = NULL;
  g_autoptr (AuthentaMedia) limit = NULL;

  big = authenta_client_create_media (f->client, "big", "video/mp4",
                                      AUTHENTA_MAX_UPLOAD_SIZE + 1, NULL, NULL,
                                      &error);
  g_assert_null (big);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "5 GiB"));
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 0);
  g_clear_error (&error);

  /* Exactly 5 GiB is allowed. */
  limit = authenta_client_create_media (f->client, "limit", "video/mp4",
                                        AUTHENTA_MAX_UPLOAD_SIZE, NULL, NULL,
                                        &error);
  g_assert_no_error (error);
  g_assert_cmpuint (authenta_media_get_size (limit), ==,
                    AUTHENTA_MAX_UPLOAD_SIZE);
}

static void
test_upload_over_5gib_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("huge.mp4", 1000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "huge");
  g_autoptr (AuthentaMedia) forged = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;
  guint64 huge = AUTHENTA_MAX_UPLOAD_SIZE + 1;
  int fd;

  /* A sparse file just over the limit: no disk space needed. */
  fd = g_open (path, O_WRONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, (off_t)huge), ==, 0);
  g_assert_cmpint (close (fd), ==, 0);

  /* A record that matches the file (as a forged or hand-made one might). */
  forged = forge (created, "video/mp4", (gint64)huge,
                  authenta_media_get_upload_url (created));
  uploaded = authenta_client_upload_file (f->client, forged, path, NULL, NULL,
                                          NULL, &error);
  g_assert_null (uploaded);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "5 GiB"));
  g_assert_cmpstr (authenta_error_get_mid (error), ==,
                   authenta_media_get_mid (created));
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 0);
  g_clear_error (&error);

  /* The whole flow refuses it before making a record. */
  uploaded = authenta_client_scan_file (f->client, path, NULL, "video/mp4",
                                        NULL, NULL, NULL, NULL, &error);
  g_assert_null (uploaded);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 0);
  g_unlink (path);
}

/* ---- waiting ---------------------------------------------------------- */

static void
test_wait_timeout (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("slow.mp4", 5000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "slow");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (AuthentaMedia) result = NULL;
  const char *mid = authenta_media_get_mid (created);
  guint polls;

  test_emulator_configure (emu, "{\"processing_time_ms\":60000}");
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  authenta_client_set_poll_policy (f->client, 10, 2.0, 80, 300);
  result = authenta_client_wait_for_result (f->client, mid, NULL, NULL, NULL,
                                            &error);
  g_assert_null (result);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TIMEOUT);
  g_assert_cmpstr (authenta_error_get_mid (error), ==, mid);
  g_assert_nonnull (strstr (error->message, mid));
  /* Growing intervals 10, 20, 40, 80, 80…: a handful of polls, not 30. */
  polls = test_emulator_get_count (emu, "get");
  g_test_message ("%u polls in 300 ms", polls);
  g_assert_cmpuint (polls, >=, 4);
  g_assert_cmpuint (polls, <=, 9);
}

static void
on_progress_status (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
                    guint64 total, gpointer user_data)
{
  GPtrArray *statuses = user_data;

  if (stage == AUTHENTA_SCAN_STAGE_PROCESSING)
    g_ptr_array_add (statuses, g_strdup (authenta_media_get_status (media)));
}

static void
test_wait_unknown_status (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("analyzed.mp4", 20000);
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GPtrArray) statuses = g_ptr_array_new_with_free_func (g_free);
  gboolean unknown_seen = FALSE;
  guint gets;

  /* UPLOADED for 300 ms, then ANALYZING, a status the library has never
   * heard of, for 600 ms, then PROCESSED: polls every 10..40 ms meet it. */
  test_emulator_configure (emu, "{\"intermediate_status\":\"ANALYZING\","
                                "\"processing_time_ms\":900}");
  media
      = authenta_client_scan_file (f->client, path, NULL, NULL, NULL,
                                   on_progress_status, statuses, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (media);
  g_assert_true (authenta_media_is_processed (media));
  g_assert_cmpstr (authenta_media_get_status (media), ==, "PROCESSED");
  g_assert_false (authenta_media_is_fake (media));

  gets = test_emulator_get_count (emu, "get");
  g_test_message ("%u polls: %u progress reports", gets, statuses->len);
  g_assert_cmpuint (gets, >, 1);
  /* Every poll was reported, the last one with the verdict. */
  g_assert_cmpuint (statuses->len, ==, gets);
  g_assert_cmpstr (g_ptr_array_index (statuses, statuses->len - 1), ==,
                   "PROCESSED");
  /* Before it: UPLOADED…, then ANALYZING…; the unknown status did not end
   * the wait, and polling went on through it to the verdict. */
  for (guint i = 0; i + 1 < statuses->len; i++)
    {
      const char *status = g_ptr_array_index (statuses, i);

      if (g_str_equal (status, "ANALYZING"))
        unknown_seen = TRUE;
      else
        {
          g_assert_false (unknown_seen);
          g_assert_cmpstr (status, ==, "UPLOADED");
        }
    }
  g_assert_true (unknown_seen);
}

static void
test_wait_reuses_connection (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("reuse.mp4", 5000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "reuse");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (AuthentaMedia) result = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  g_autofree char *prefix = NULL;
  guint polls = 0, reused = 0;

  test_emulator_configure (emu, "{\"processing_time_ms\":300}");
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  prefix = g_strdup_printf ("Authenta: GET /api/media/%s: HTTP 200",
                            authenta_media_get_mid (created));
  capture_start ();
  result = authenta_client_wait_for_result (
      f->client, authenta_media_get_mid (created), NULL, NULL, NULL, &error);
  lines = capture_stop ();
  g_assert_no_error (error);
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      if (!g_str_has_prefix (line, prefix))
        continue;
      polls++;
      if (strstr (line, "reused connection"))
        reused++;
    }
  g_test_message ("%u polls, %u on a reused connection", polls, reused);
  g_assert_cmpuint (polls, >=, 3);
  /* The one before the wait (the upload's) may or may not be reusable; all
   * polls after the first are. */
  g_assert_cmpuint (reused, >=, polls - 1);
}

/* A short outage while waiting for the verdict: the file is uploaded and
 * the service keeps processing, so failed polls (after their own retries)
 * do not end the wait. */
static void
test_wait_survives_outage (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("outage.mp4", 5000);
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  guint failed = 0;

  /* In this order on GET: six 503s (one poll's four tries, then two more),
   * three dropped answers, two 200s that are not JSON.  Polls of kind
   * SERVER, NETWORK and PROTOCOL fail in turn. */
  add_fault ("get", "status", 6, "\"status\":503");
  add_fault ("get", "drop", 3, NULL);
  add_fault ("get", "malformed", 2, NULL);
  capture_start ();
  media = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                     NULL, NULL, &error);
  lines = capture_stop ();
  g_assert_no_error (error);
  g_assert_nonnull (media);
  g_assert_true (authenta_media_is_processed (media));
  g_assert_cmpuint (test_emulator_get_count (emu, "get"), >=, 6 + 3 + 2 + 1);
  for (guint i = 0; i < lines->len; i++)
    if (strstr (g_ptr_array_index (lines, i), "failed, polling on"))
      failed++;
  g_test_message ("%u failed polls logged", failed);
  /* 4×503; 2×503 + 2 drops; 1 drop + malformed; malformed. */
  g_assert_cmpuint (failed, ==, 4);
}

/* The service gone for good after the upload: the wait ends at
 * poll-timeout with TIMEOUT naming the mid and the last error. */
static void
test_wait_outage_times_out (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (AuthentaMedia) result = NULL;
  g_autofree char *path = make_file ("gone.mp4", 5000);
  g_autofree char *mid = NULL;
  TestEmulator *own = test_emulator_start ("--processing-time", "60", NULL);
  gint64 start, elapsed_ms;

  client = make_client_for (own, KEY);
  authenta_client_set_retry_policy (client, 2, 5, 10, 0);
  authenta_client_set_poll_policy (client, 20, 2.0, 100, 600);
  created = authenta_client_create_media (client, "gone", "video/mp4", 5000,
                                          NULL, NULL, &error);
  g_assert_no_error (error);
  mid = g_strdup (authenta_media_get_mid (created));
  uploaded = authenta_client_upload_file (client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  test_emulator_stop (own);

  start = g_get_monotonic_time ();
  result
      = authenta_client_wait_for_result (client, mid, NULL, NULL, NULL, &error);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_null (result);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TIMEOUT);
  g_test_message ("after %" G_GINT64_FORMAT " ms: %s", elapsed_ms,
                  error->message);
  g_assert_cmpstr (authenta_error_get_mid (error), ==, mid);
  g_assert_true (g_str_has_prefix (error->message, "No verdict for mid "));
  g_assert_nonnull (strstr (error->message, mid));
  g_assert_nonnull (strstr (error->message, "within 600 ms"));
  g_assert_nonnull (strstr (error->message, "the file was uploaded"));
  g_assert_nonnull (strstr (error->message, "last error: GET /api/media/"));
  /* Polling went on for the whole poll-timeout, not one poll's retries. */
  g_assert_cmpint (elapsed_ms, >=, 600);
  g_assert_cmpint (elapsed_ms, <, 5000);
}

/* A poll that hangs may not outlast poll-timeout: the last request is cut
 * to what is left of the wait. */
static void
test_wait_hanging_poll_cut (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("hang.mp4", 5000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "hang");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (AuthentaMedia) result = NULL;
  gint64 start, elapsed_ms;

  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  /* Every answer to GET waits 5 s, the client's request time-out. */
  add_fault ("get", "delay", 1000, "\"delay_ms\":5000");
  authenta_client_set_poll_policy (f->client, 10, 1.5, 40, 600);
  start = g_get_monotonic_time ();
  result = authenta_client_wait_for_result (
      f->client, authenta_media_get_mid (created), NULL, NULL, NULL, &error);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;
  g_assert_null (result);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TIMEOUT);
  g_test_message ("after %" G_GINT64_FORMAT " ms: %s", elapsed_ms,
                  error->message);
  g_assert_nonnull (strstr (error->message, "last error: "));
  g_assert_nonnull (strstr (error->message, "request time-out"));
  g_assert_cmpint (elapsed_ms, >=, 600);
  g_assert_cmpint (elapsed_ms, <, 2000);
}

/* Refusals end the wait at the first poll: polling again cannot change
 * them. */
static void
test_wait_refusal_ends_at_once (Fixture *f, gconstpointer data)
{
  static const struct
  {
    guint status;
    gint code;
  } cases[] = {
    { 400, AUTHENTA_ERROR_BAD_REQUEST },
    { 401, AUTHENTA_ERROR_INVALID_API_KEY },
    { 402, AUTHENTA_ERROR_INSUFFICIENT_BALANCE },
    { 403, AUTHENTA_ERROR_FORBIDDEN },
    { 404, AUTHENTA_ERROR_NOT_FOUND },
  };
  g_autofree char *path = make_file ("refused.mp4", 5000);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "refused");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (GError) error = NULL;

  test_emulator_configure (emu, "{\"processing_time_ms\":60000}");
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) wait_error = NULL;
      g_autoptr (AuthentaMedia) result = NULL;
      g_autofree char *extra
          = g_strdup_printf ("\"status\":%u", cases[i].status);
      guint before = test_emulator_get_count (emu, "get");

      add_fault ("get", "status", 1, extra);
      result = authenta_client_wait_for_result (
          f->client, authenta_media_get_mid (created), NULL, NULL, NULL,
          &wait_error);
      g_assert_null (result);
      g_assert_error (wait_error, AUTHENTA_ERROR, cases[i].code);
      g_assert_cmpuint (test_emulator_get_count (emu, "get") - before, ==, 1);
    }
}

/* ---- cancellation ----------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  guint after_ms;
  gint64 cancelled_at;
} Canceller;

static gpointer
cancel_later (gpointer data)
{
  Canceller *c = data;

  /* A fixed delay is the point here: to cancel in the middle of a wait. */
  g_usleep (c->after_ms * 1000);
  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

static void
assert_prompt (Canceller *c, const char *what)
{
  gint64 latency = g_get_monotonic_time () - c->cancelled_at;

  g_test_message ("%s: returned %" G_GINT64_FORMAT " us after cancel", what,
                  latency);
  /* The goal is 100 ms; the assertion leaves room for a loaded machine. */
  g_assert_cmpint (latency, <, G_USEC_PER_SEC);
}

static void
test_cancel_upload (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("cancel.mp4", 2 * 1024 * 1024);
  g_autoptr (AuthentaMedia) created = create_for_file (f, path, "c");
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { cancellable, 300, 0 };
  GThread *thread;

  /* Storage holds its answer for 10 s: the upload is in progress when the
   * cancel comes. */
  add_fault ("upload", "delay", 1, "\"delay_ms\":10000");
  thread = g_thread_new ("canceller", cancel_later, &c);
  uploaded = authenta_client_upload_file (f->client, created, path, NULL, NULL,
                                          cancellable, &error);
  assert_prompt (&c, "upload");
  g_thread_join (thread);
  g_assert_null (uploaded);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancel_poll (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("cancel-poll.mp4", 5000);
  g_autoptr (AuthentaMedia) result = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { cancellable, 400, 0 };
  GThread *thread;

  test_emulator_configure (emu, "{\"processing_time_ms\":60000}");
  /* A long interval: the cancel comes during the wait between polls. */
  authenta_client_set_poll_policy (f->client, 5000, 1.5, 10000, 0);
  thread = g_thread_new ("canceller", cancel_later, &c);
  result = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                      NULL, cancellable, &error);
  assert_prompt (&c, "poll wait");
  g_thread_join (thread);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancel_during_outage (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("cancel-outage.mp4", 5000);
  g_autoptr (AuthentaMedia) result = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { cancellable, 300, 0 };
  GThread *thread;

  /* Every poll fails and there is no bound on the wait: only the cancel
   * ends it. */
  add_fault ("get", "status", 100000, "\"status\":503");
  authenta_client_set_poll_policy (f->client, 10, 1.5, 40, 0);
  thread = g_thread_new ("canceller", cancel_later, &c);
  result = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                      NULL, cancellable, &error);
  assert_prompt (&c, "outage");
  g_thread_join (thread);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (test_emulator_get_count (emu, "get"), >, 1);
}

/* Lists while another thread cancels 300 ms in; asserts that the call ends
 * promptly (in the stage named by what) with G_IO_ERROR_CANCELLED. */
static void
assert_list_cancelled_promptly (Fixture *f, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { cancellable, 300, 0 };
  GThread *thread;

  thread = g_thread_new ("canceller", cancel_later, &c);
  page = authenta_client_list_media (f->client, 10, 0, NULL, cancellable,
                                     &error);
  assert_prompt (&c, what);
  g_thread_join (thread);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancel_request (Fixture *f, gconstpointer data)
{
  /* The service is slow to answer: cancel while curl waits on the socket. */
  add_fault ("list", "delay", 1, "\"delay_ms\":10000");
  assert_list_cancelled_promptly (f, "request");
}

static void
test_cancel_backoff (Fixture *f, gconstpointer data)
{
  add_fault ("list", "status", 1, "\"status\":503,\"retry_after\":30");
  assert_list_cancelled_promptly (f, "back-off");
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 1);
}

/* ---- threads ---------------------------------------------------------- */

typedef struct
{
  AuthentaClient *client;
  char *path;
  AuthentaMedia *result;
  GError *error;
} ScanJob;

static gpointer
scan_job (gpointer data)
{
  ScanJob *job = data;

  job->result = authenta_client_scan_file (job->client, job->path, NULL, NULL,
                                           NULL, NULL, NULL, NULL, &job->error);
  return NULL;
}

static void
test_sixteen_threads (Fixture *f, gconstpointer data)
{
  ScanJob jobs[16];
  GThread *threads[16];
  g_autoptr (GHashTable) mids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *name = g_strdup_printf ("thread-%u.mp4", i);
      jobs[i].client = f->client;
      jobs[i].path = make_file (name, 20000 + i * 1000);
      jobs[i].result = NULL;
      jobs[i].error = NULL;
    }
  for (guint i = 0; i < 16; i++)
    threads[i] = g_thread_new ("scan", scan_job, &jobs[i]);
  for (guint i = 0; i < 16; i++)
    {
      g_thread_join (threads[i]);
      g_assert_no_error (jobs[i].error);
      g_assert_true (authenta_media_is_processed (jobs[i].result));
      g_hash_table_add (mids,
                        (gpointer)authenta_media_get_mid (jobs[i].result));
    }
  g_assert_cmpuint (g_hash_table_size (mids), ==, 16);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 16);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 16);
  for (guint i = 0; i < 16; i++)
    {
      g_object_unref (jobs[i].result);
      g_free (jobs[i].path);
    }
}

/* ---- secrets in logs -------------------------------------------------- */

static void
test_key_not_logged (Fixture *f, gconstpointer data)
{
  static const char secret[] = "api_very_secret_key_4711";
  g_autoptr (GError) error = NULL;
  TestEmulator *own = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaClient) wrong = NULL;
  g_autoptr (AuthentaMedia) result = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autofree char *path = make_file ("secret.mp4", 10000);
  g_autofree char *query = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  guint ours = 0;

  own = test_emulator_start ("--api-key", secret, "--processing-time", "0.05",
                             NULL);
  capture_start ();
  client = make_client_for (own, secret);
  /* A scan, retries, a renewal, a refusal and an error: every path that
   * logs. */
  test_emulator_add_fault (own, "{\"route\":\"create\",\"action\":\"status\","
                                "\"count\":1,\"status\":503}");
  test_emulator_add_fault (own, "{\"route\":\"upload\",\"action\":\"expire\","
                                "\"count\":1}");
  result = authenta_client_scan_file (client, path, NULL, NULL, NULL, NULL,
                                      NULL, NULL, &error);
  g_assert_no_error (error);
  created = authenta_client_create_media (client, "again", "video/mp4", 10000,
                                          NULL, NULL, &error);
  g_assert_no_error (error);
  query = g_strdup (strchr (authenta_media_get_upload_url (created), '?'));
  g_assert_nonnull (query);
  test_emulator_add_fault (own, "{\"route\":\"upload\",\"action\":\"status\","
                                "\"count\":9,\"status\":403}");
  uploaded = authenta_client_upload_file (client, created, path, NULL, NULL,
                                          NULL, &error);
  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, secret));
  g_assert_null (strstr (error->message, query));
  g_clear_error (&error);

  wrong = make_client_for (own, "api_wrong_but_also_secret");
  g_assert_null (authenta_client_get_media (
      wrong, authenta_media_get_mid (created), NULL, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_API_KEY);
  g_assert_null (strstr (error->message, "api_wrong_but_also_secret"));
  g_clear_error (&error);

  lines = capture_stop ();
  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      if (g_str_has_prefix (line, "Authenta: "))
        ours++;
      g_assert_null (strstr (line, secret));
      g_assert_null (strstr (line, "api_wrong_but_also_secret"));
      g_assert_null (strstr (line, "X-Amz-"));
      g_assert_null (strstr (line, query));
    }
  g_test_message ("%u log lines checked, %u from libauthenta", lines->len,
                  ours);
  /* The check means something only if the library did log. */
  g_assert_cmpuint (ours, >=, 10);

  g_clear_object (&client);
  g_clear_object (&wrong);
  test_emulator_stop (own);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  tmpdir = g_dir_make_tmp ("authenta-lib-test-XXXXXX", NULL);
  emu = test_emulator_start ("--processing-time", "0.05", NULL);

#define ADD(path, fn)                                                          \
  g_test_add ("/client/" path, Fixture, NULL, fixture_setup, fn,               \
              fixture_teardown)

  ADD ("scan/authentic-video", test_scan_authentic);
  ADD ("scan/fake-video", test_scan_fake);
  ADD ("scan/processing-failed", test_scan_processing_failed);
  ADD ("scan/unsupported-file-refused-before-create", test_scan_unsupported);
  ADD ("scan/async", test_scan_async);
  ADD ("list/pages-and-delete", test_list_and_delete);
  ADD ("list/foreach-without-total-pages-to-a-short-page",
       test_foreach_without_total);
  ADD ("properties/notify-on-change-only", test_properties_notify);
  ADD ("errors/wrong-key-is-invalid-api-key", test_wrong_key);
  ADD ("errors/read-only-key-is-forbidden", test_forbidden_key);
  ADD ("errors/no-balance-is-insufficient-balance", test_insufficient_balance);
  ADD ("errors/each-status-maps-to-its-code", test_status_mapping);
  ADD ("errors/service-message-cut-cleaned-and-key-redacted",
       test_service_message_sanitized);
  ADD ("errors/base-url-without-api-is-no-service", test_base_url_without_api);
  ADD ("retry/two-503-then-success", test_retry_two_503);
  ADD ("retry/create-retried-on-500", test_retry_create_500);
  ADD ("retry/gives-up-after-attempts", test_retry_exhausted);
  ADD ("retry/401-not-retried", test_retry_401_once);
  ADD ("retry/501-and-505-not-retried", test_retry_501_once);
  ADD ("retry/retry-after-respected", test_retry_after);
  ADD ("retry/429-exhausted-is-rate-limited", test_rate_limited);
  ADD ("retry/too-long-retry-after-fails-at-once", test_retry_after_too_long);
  ADD ("retry/dropped-connection", test_retry_dropped);
  ADD ("retry/timeout", test_retry_timeout);
  ADD ("errors/stall-timeout-is-network-and-named", test_stall_timeout_named);
  ADD ("retry/connection-refused", test_retry_connection_refused);
  ADD ("retry/upload-503", test_retry_upload_503);
  ADD ("protocol/truncated-json", test_protocol_truncated);
  ADD ("protocol/malformed-json", test_protocol_malformed);
  ADD ("protocol/wrong-type", test_protocol_wrong_type);
  ADD ("protocol/oversized-answer", test_protocol_oversize);
  ADD ("protocol/create-wrong-type", test_protocol_create_wrong_type);
  ADD ("protocol/list-errors-keep-http-status",
       test_protocol_list_keeps_status);
  ADD ("upload/wrong-content-type-rejected", test_upload_wrong_type);
  ADD ("upload/forged-length-rejected", test_upload_forged_length);
  ADD ("upload/forged-url-rejected", test_upload_forged_url);
  ADD ("upload/file-changed-size-refused-locally",
       test_upload_file_changed_size);
  ADD ("upload/sends-content-length", test_upload_sends_length);
  ADD ("upload/sends-no-authorization-to-storage",
       test_upload_sends_no_authorization);
  ADD ("upload/expired-url-renewed-once", test_upload_expired_renews);
  ADD ("upload/expired-twice-fails", test_upload_expired_twice);
  ADD ("upload/expired-record-delete-failure-ignored",
       test_upload_expired_delete_fails);
  ADD ("upload/really-expired-url-renewed", test_upload_real_expiry);
  ADD ("upload/progress-at-most-every-100ms", test_upload_progress_rate);
  ADD ("upload/create-over-5-gib-refused-before-request",
       test_create_over_5gib_refused);
  ADD ("upload/file-over-5-gib-refused-before-request",
       test_upload_over_5gib_refused);
  ADD ("wait/total-timeout-names-mid", test_wait_timeout);
  ADD ("wait/polls-reuse-the-connection", test_wait_reuses_connection);
  ADD ("wait/unknown-status-keeps-polling", test_wait_unknown_status);
  ADD ("wait/survives-503-drops-and-malformed-answers",
       test_wait_survives_outage);
  ADD ("wait/service-gone-times-out-naming-mid-and-last-error",
       test_wait_outage_times_out);
  ADD ("wait/refusal-ends-at-once", test_wait_refusal_ends_at_once);
  ADD ("wait/hanging-poll-cut-at-poll-timeout", test_wait_hanging_poll_cut);
  ADD ("cancel/during-upload", test_cancel_upload);
  ADD ("cancel/during-poll-wait", test_cancel_poll);
  ADD ("cancel/during-outage-while-waiting", test_cancel_during_outage);
  ADD ("cancel/during-request", test_cancel_request);
  ADD ("cancel/during-back-off", test_cancel_backoff);
  ADD ("threads/sixteen-scans-at-once", test_sixteen_threads);
  ADD ("log/key-and-signed-query-never-logged", test_key_not_logged);

  ret = g_test_run ();

  test_emulator_stop (emu);
  {
    g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *name;
    while (dir && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *p = g_build_filename (tmpdir, name, NULL);
        g_unlink (p);
      }
  }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
