/* libauthenta's asynchronous API against authenta-emulator on loopback:
 * each kind of call, cancellation during a poll wait and during a transfer
 * (prompt), many scans on one main context with few threads, and the
 * blocking calls from inside a running main loop (a private context).
 * Every wait is on a condition with a deadline, never a fixed sleep.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include "test-emulator.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define KEY "api_emulator_key"
/* No single wait of a test may take longer. */
#define DEADLINE_US (20 * G_USEC_PER_SEC)

static TestEmulator *emu;
static char *tmpdir;

typedef struct
{
  AuthentaClient *client;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  test_emulator_reset (emu);
  f->client
      = authenta_client_new (test_emulator_get_base_url (emu), KEY, &error);
  g_assert_no_error (error);
  authenta_client_set_retry_policy (f->client, 4, 5, 20, 0.5);
  authenta_client_set_poll_policy (f->client, 10, 1.5, 40, 10000);
  authenta_client_set_timeouts (f->client, 2000, 5000, 5000);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->client);
}

static char *
make_file (const char *name, const char *head, gsize head_length)
{
  char *path = g_build_filename (tmpdir, name, NULL);
  gsize size = 4000;
  g_autofree guint8 *bytes = g_malloc0 (size);

  memcpy (bytes, head, head_length);
  g_assert_true (g_file_set_contents (path, (char *)bytes, size, NULL));
  return path;
}

static char *
make_mp4 (const char *name)
{
  return make_file (name,
                    "\0\0\0\x18"
                    "ftypmp42\0\0\0\0mp42isom",
                    24);
}

static char *
make_mp3 (const char *name)
{
  return make_file (name, "ID3\x04\0\0\0\0\0\0\xff\xfb\x90\x64", 14);
}

/* ---- the library's debug lines, counted ------------------------------- */

static gint new_connections; /* "…, new connection)" lines seen */

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
            gpointer user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0
        && g_str_has_suffix (fields[i].value, ", new connection)"))
      g_atomic_int_inc (&new_connections);
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* ---- waiting for a result on the thread-default context --------------- */

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  g_assert_null (*out);
  *out = g_object_ref (result);
}

/* Iterates the thread-default context until *result is set; fails the
 * test past the deadline.  The caller owns the result. */
static GAsyncResult *
await (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static gint64
thread_count (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (
      g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "\nThreads:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("\nThreads:"), NULL, 10);
}

/* ---- each kind of call ------------------------------------------------ */

static void
test_media_calls (Fixture *f, gconstpointer data)
{
  g_autofree char *path = make_mp4 ("calls.mp4");
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) created = NULL, uploaded = NULL, done = NULL;
  g_autoptr (AuthentaMedia) got = NULL;
  g_autoptr (GPtrArray) page = NULL;
  const char *mid;
  guint total = 0;

  authenta_client_create_media_async (f->client, "calls.mp4", "video/mp4", 4000,
                                      NULL, NULL, on_result, &result);
  created = authenta_client_create_media_finish (f->client, await (&result),
                                                 &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  mid = authenta_media_get_mid (created);

  authenta_client_upload_file_async (f->client, created, path, NULL, NULL, NULL,
                                     NULL, on_result, &result);
  uploaded
      = authenta_client_upload_file_finish (f->client, await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (authenta_media_get_mid (uploaded), ==, mid);

  authenta_client_wait_for_result_async (f->client, mid, NULL, NULL, NULL, NULL,
                                         on_result, &result);
  done = authenta_client_wait_for_result_finish (f->client, await (&result),
                                                 &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (authenta_media_is_processed (done));

  authenta_client_get_media_async (f->client, mid, NULL, on_result, &result);
  got = authenta_client_get_media_finish (f->client, await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (authenta_media_get_status (got), ==, "PROCESSED");

  authenta_client_list_media_async (f->client, 10, 0, NULL, on_result, &result);
  page = authenta_client_list_media_finish (f->client, await (&result), &total,
                                            &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (page->len, ==, 1);
  g_assert_cmpuint (total, ==, 1);

  authenta_client_delete_media_async (f->client, mid, NULL, on_result, &result);
  g_assert_true (
      authenta_client_delete_media_finish (f->client, await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* An error comes through the callback too. */
  authenta_client_get_media_async (f->client, mid, NULL, on_result, &result);
  g_assert_null (
      authenta_client_get_media_finish (f->client, await (&result), &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
  g_clear_object (&result);
}

static void
test_job_calls (Fixture *f, gconstpointer data)
{
  g_autofree char *path = make_mp3 ("calls.mp3");
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) created = NULL, uploaded = NULL, done = NULL;
  g_autoptr (AuthentaMedia) got = NULL, other = NULL;
  g_autoptr (GPtrArray) page = NULL;
  const char *id;
  int fd;

  authenta_client_create_job_async (f->client, "calls.mp3", "audio/mpeg", 4000,
                                    "ai-audio-detection", NULL, on_result,
                                    &result);
  created
      = authenta_client_create_job_finish (f->client, await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  id = authenta_media_get_id (created);

  fd = g_open (path, O_RDONLY, 0);
  g_assert_cmpint (fd, >=, 0);
  authenta_client_upload_fd_async (f->client, created, fd, path, NULL, NULL,
                                   NULL, NULL, on_result, &result);
  uploaded
      = authenta_client_upload_fd_finish (f->client, await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  close (fd);

  authenta_client_finalize_job_async (f->client, id, NULL, on_result, &result);
  g_assert_true (
      authenta_client_finalize_job_finish (f->client, await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  authenta_client_wait_for_job_async (f->client, id, NULL, NULL, NULL, NULL,
                                      on_result, &result);
  done = authenta_client_wait_for_job_finish (f->client, await (&result),
                                              &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (authenta_media_is_processed (done));

  authenta_client_get_job_async (f->client, id, NULL, on_result, &result);
  got = authenta_client_get_job_finish (f->client, await (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (authenta_media_get_id (got), ==, id);

  authenta_client_list_jobs_async (f->client, 1, 10, NULL, NULL, on_result,
                                   &result);
  page = authenta_client_list_jobs_finish (f->client, await (&result), NULL,
                                           &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (page->len, ==, 1);

  /* A job not yet finalized can be cancelled. */
  other = authenta_client_create_job (f->client, "other.mp3", "audio/mpeg",
                                      4000, "ai-audio-detection", NULL, &error);
  g_assert_no_error (error);
  authenta_client_cancel_job_async (f->client, authenta_media_get_id (other),
                                    NULL, on_result, &result);
  g_assert_true (
      authenta_client_cancel_job_finish (f->client, await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  authenta_client_delete_job_async (f->client, id, NULL, on_result, &result);
  g_assert_true (
      authenta_client_delete_job_finish (f->client, await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
}

static void
test_check_access (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GAsyncResult *result = NULL;

  authenta_client_check_access_async (
      f->client, AUTHENTA_PERMISSION_WRITE | AUTHENTA_PERMISSION_DELETE, NULL,
      on_result, &result);
  g_assert_true (
      authenta_client_check_access_finish (f->client, await (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "delete"), ==, 1);
}

/* The scan of each flow, from a descriptor and from a path. */
static const struct
{
  const char *name;
  gboolean audio;
  gboolean from_fd;
} scan_cases[] = {
  { "media-file", FALSE, FALSE },
  { "media-fd", FALSE, TRUE },
  { "jobs-file", TRUE, FALSE },
  { "jobs-fd", TRUE, TRUE },
};

static void
count_stage (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
             guint64 total, gpointer user_data)
{
  guint *stages = user_data;

  stages[stage]++;
}

static void
test_scan (Fixture *f, gconstpointer data)
{
  const __typeof__ (scan_cases[0]) *c = data;
  g_autofree char *path
      = c->audio ? make_mp3 ("scan.mp3") : make_mp4 ("scan.mp4");
  guint stages[AUTHENTA_SCAN_STAGE_PROCESSING + 1] = { 0 };
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  int fd = -1;

  g_atomic_int_set (&new_connections, 0);
  if (c->from_fd)
    {
      fd = g_open (path, O_RDONLY, 0);
      g_assert_cmpint (fd, >=, 0);
      authenta_client_scan_fd_async (f->client, fd, path, NULL, NULL, NULL,
                                     count_stage, stages, NULL, NULL, on_result,
                                     &result);
      verdict
          = authenta_client_scan_fd_finish (f->client, await (&result), &error);
      close (fd);
    }
  else
    {
      authenta_client_scan_file_async (f->client, path, NULL, NULL, NULL,
                                       count_stage, stages, NULL, NULL,
                                       on_result, &result);
      verdict = authenta_client_scan_file_finish (f->client, await (&result),
                                                  &error);
    }
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_cmpint (authenta_media_get_api (verdict), ==,
                   c->audio ? AUTHENTA_TASK_API_JOBS : AUTHENTA_TASK_API_MEDIA);
  g_assert_cmpuint (stages[AUTHENTA_SCAN_STAGE_CREATED], ==, 1);
  g_assert_cmpuint (stages[AUTHENTA_SCAN_STAGE_UPLOADED], ==, 1);
  g_assert_cmpuint (stages[AUTHENTA_SCAN_STAGE_PROCESSING], >=, 2);
  /* Every POST on a fresh connection (create, and finalize for a job);
   * the upload and the polls reuse one, waits between polls included. */
  g_assert_cmpint (g_atomic_int_get (&new_connections), >=, 1);
  g_assert_cmpint (g_atomic_int_get (&new_connections), <=, (c->audio ? 2 : 1));
}

/* ---- cancellation ----------------------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  gint64 cancelled_at;
} Canceller;

static gboolean
cancel_now (gpointer user_data)
{
  Canceller *c = user_data;

  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return G_SOURCE_REMOVE;
}

/* At the first poll's answer, the wait for the next poll (5 s away)
 * begins: cancel from an idle, once the timer is set. */
static void
cancel_in_wait (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
                guint64 total, gpointer user_data)
{
  Canceller *c = user_data;

  if (stage == AUTHENTA_SCAN_STAGE_PROCESSING && c->cancelled_at == 0)
    {
      c->cancelled_at = -1;
      g_idle_add (cancel_now, c);
    }
}

static void
test_cancel_in_poll_wait (Fixture *f, gconstpointer data)
{
  g_autofree char *path = make_mp4 ("wait.mp4");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { cancellable, 0 };
  GAsyncResult *result = NULL;
  g_autoptr (GError) error = NULL;
  gint64 latency;
  guint gets;

  test_emulator_configure (emu, "{\"processing_time_ms\":60000}");
  authenta_client_set_poll_policy (f->client, 5000, 1, 5000, 0);
  authenta_client_scan_file_async (f->client, path, NULL, NULL, NULL,
                                   cancel_in_wait, &c, NULL, cancellable,
                                   on_result, &result);
  g_assert_null (
      authenta_client_scan_file_finish (f->client, await (&result), &error));
  latency = g_get_monotonic_time () - c.cancelled_at;
  g_clear_object (&result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (latency, <, G_USEC_PER_SEC / 2);
  gets = test_emulator_get_count (emu, "get");
  g_assert_cmpuint (gets, ==, 1);
}

static void
test_cancel_in_transfer (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { cancellable, 0 };
  GAsyncResult *result = NULL;
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;

  created = authenta_client_create_media (f->client, "slow.mp4", "video/mp4",
                                          4000, NULL, NULL, &error);
  g_assert_no_error (error);
  test_emulator_add_fault (
      emu, "{\"route\":\"get\",\"action\":\"delay\",\"delay_ms\":15000}");
  authenta_client_get_media_async (f->client, authenta_media_get_mid (created),
                                   cancellable, on_result, &result);
  /* Until the request is at the emulator, held by the delay. */
  while (test_emulator_get_count (emu, "get") == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
    }
  cancel_now (&c);
  g_assert_null (
      authenta_client_get_media_finish (f->client, await (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - c.cancelled_at, <,
                   G_USEC_PER_SEC / 2);
  g_clear_object (&result);
}

/* ---- many scans on one context ---------------------------------------- */

#define MANY 200

typedef struct
{
  guint pending;
  guint verdicts;
  gint64 peak_threads;
} Many;

static void
on_many_scanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Many *many = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) verdict = authenta_client_scan_file_finish (
      AUTHENTA_CLIENT (source), result, &error);

  g_assert_no_error (error);
  many->verdicts++;
  many->pending--;
  many->peak_threads = MAX (many->peak_threads, thread_count ());
}

static void
sample_threads (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
                guint64 total, gpointer user_data)
{
  Many *many = user_data;

  many->peak_threads = MAX (many->peak_threads, thread_count ());
}

static void
test_many_scans_few_threads (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  gint64 deadline = g_get_monotonic_time () + DEADLINE_US;
  gint64 idle = thread_count ();
  Many many = { MANY, 0, 0 };

  test_emulator_configure (emu, "{\"processing_time_ms\":300}");
  for (guint i = 0; i < MANY; i++)
    {
      g_autofree char *name = g_strdup_printf ("many-%03u.mp4", i);
      g_ptr_array_add (paths, make_mp4 (name));
    }
  for (guint i = 0; i < MANY; i++)
    authenta_client_scan_file_async (f->client, paths->pdata[i], NULL, NULL,
                                     NULL, sample_threads, &many, NULL, NULL,
                                     on_many_scanned, &many);
  while (many.pending > 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (many.verdicts, ==, MANY);
  g_test_message ("%u scans: %" G_GINT64_FORMAT
                  " threads idle, peak %" G_GINT64_FORMAT,
                  MANY, idle, many.peak_threads);
  /* No thread per scan: at most a few of GLib's own. */
  g_assert_cmpint (many.peak_threads, <=, idle + 4);
  for (guint i = 0; i < MANY; i++)
    g_unlink (paths->pdata[i]);
}

/* ---- the blocking calls inside a running main loop -------------------- */

typedef struct
{
  AuthentaClient *client;
  char *path;
  GMainLoop *loop;
  gboolean canary_fired_during_call;
  gboolean in_call;
  AuthentaMedia *verdict;
} Inside;

static gboolean
canary (gpointer user_data)
{
  Inside *in = user_data;

  if (in->in_call)
    in->canary_fired_during_call = TRUE;
  return G_SOURCE_CONTINUE;
}

static gboolean
scan_blocking (gpointer user_data)
{
  Inside *in = user_data;
  g_autoptr (GError) error = NULL;

  in->in_call = TRUE;
  in->verdict = authenta_client_scan_file (in->client, in->path, NULL, NULL,
                                           NULL, NULL, NULL, NULL, &error);
  in->in_call = FALSE;
  g_assert_no_error (error);
  g_main_loop_quit (in->loop);
  return G_SOURCE_REMOVE;
}

static void
test_blocking_inside_main_loop (Fixture *f, gconstpointer data)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autofree char *path = make_mp4 ("inside.mp4");
  Inside in = { f->client, path, loop, FALSE, FALSE, NULL };
  guint canary_id;

  /* A source of the caller's context that would fire at every iteration:
   * a blocking call that iterated the caller's context would run it. */
  canary_id = g_timeout_add (1, canary, &in);
  g_idle_add (scan_blocking, &in);
  g_main_loop_run (loop);
  g_source_remove (canary_id);
  g_assert_nonnull (in.verdict);
  g_assert_true (authenta_media_is_processed (in.verdict));
  g_assert_false (in.canary_fired_during_call);
  g_object_unref (in.verdict);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);
  g_log_set_debug_enabled (TRUE);
  tmpdir = g_dir_make_tmp ("authenta-async-test-XXXXXX", NULL);
  emu = test_emulator_start ("--processing-time", "0.05", NULL);

#define ADD(path, fn, data)                                                    \
  g_test_add ("/async/" path, Fixture, data, fixture_setup, fn,                \
              fixture_teardown)

  ADD ("calls/media-create-upload-wait-get-list-delete", test_media_calls,
       NULL);
  ADD ("calls/jobs-create-upload-finalize-wait-get-list-cancel-delete",
       test_job_calls, NULL);
  ADD ("calls/check-access-probes-read-write-delete", test_check_access, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (scan_cases); i++)
    {
      g_autofree char *name
          = g_strdup_printf ("/async/scan/%s", scan_cases[i].name);
      g_test_add (name, Fixture, &scan_cases[i], fixture_setup, test_scan,
                  fixture_teardown);
    }
  ADD ("cancel/during-a-poll-wait-is-prompt", test_cancel_in_poll_wait, NULL);
  ADD ("cancel/during-a-transfer-is-prompt", test_cancel_in_transfer, NULL);
  ADD ("scale/200-scans-on-one-context-few-threads",
       test_many_scans_few_threads, NULL);
  ADD ("blocking/inside-a-running-main-loop-uses-a-private-context",
       test_blocking_inside_main_loop, NULL);

  ret = g_test_run ();
  test_emulator_stop (emu);
  {
    g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *entry;

    while (dir && (entry = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmpdir, entry, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
