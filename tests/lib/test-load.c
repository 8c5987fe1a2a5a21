/* A load test under faults: 240 scans, 24 at a time, while about 10 % of
 * the requests to every route get a 5xx and 5 % a dropped connection.
 * Asserts what a user must be able to count on: no scan lost (each ends
 * with a verdict), none hung (all end within the deadline), no wrong
 * verdict, and no record left behind unfinished or duplicated.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include "test-emulator.h"

#include <glib/gstdio.h>
#include <string.h>

#define KEY "api_emulator_key"
#define SCANS 240
#define WAVE 24
#define DEADLINE_S 240
/* Queued faults hit a route's next requests, whoever makes them, so one
 * scan's retries can meet several in a row.  With at most this many per
 * route and wave, and one attempt more than that, no scan can be failed by
 * timing alone: the test is deterministic in its outcome. */
#define MAX_FAULTS_PER_ROUTE 5
#define ATTEMPTS (MAX_FAULTS_PER_ROUTE + 1)

static const char *const routes[]
    = { "create", "upload", "get", "list", "delete" };
/* Requests a wave makes to each route, to size the faults to the rates. */
static const guint per_wave[] = { WAVE, WAVE, 3 * WAVE, 2, 2 };

typedef struct
{
  GMainLoop *loop;
  guint pending;
  guint verdicts, wrong, failed;
  GPtrArray *failures;
} Load;

typedef struct
{
  Load *load;
  gboolean expect_fake;
} Scan;

static void
on_scanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Scan *scan = user_data;
  Load *load = scan->load;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) verdict = authenta_client_scan_file_finish (
      AUTHENTA_CLIENT (source), result, &error);

  if (verdict == NULL)
    {
      load->failed++;
      g_ptr_array_add (load->failures, g_strdup (error->message));
    }
  else
    {
      load->verdicts++;
      if (authenta_media_is_fake (verdict) != scan->expect_fake)
        load->wrong++;
    }
  g_free (scan);
  if (--load->pending == 0)
    g_main_loop_quit (load->loop);
}

static gboolean
on_deadline (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* Queues this wave's faults: each request has a 10 % chance of a 5xx and a
 * 5 % chance of a drop (at most MAX_FAULTS_PER_ROUTE a route). */
static void
queue_faults (TestEmulator *emu, GRand *rand, guint *injected)
{
  static const guint statuses[] = { 500, 502, 503, 504 };

  for (guint r = 0; r < G_N_ELEMENTS (routes); r++)
    for (guint i = 0, queued = 0; i < per_wave[r]; i++)
      {
        double roll = g_rand_double (rand);
        g_autofree char *fault = NULL;

        if (queued == MAX_FAULTS_PER_ROUTE)
          break;

        if (roll < 0.10)
          fault = g_strdup_printf (
              "{\"route\":\"%s\",\"action\":\"status\",\"status\":%u}",
              routes[r], statuses[g_rand_int_range (rand, 0, 4)]);
        else if (roll < 0.15)
          fault = g_strdup_printf ("{\"route\":\"%s\",\"action\":\"drop\"}",
                                   routes[r]);
        if (fault)
          {
            test_emulator_add_fault (emu, fault);
            (*injected)++;
            queued++;
          }
      }
}

static void
test_load_under_faults (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261201);
  g_autofree char *dir = g_dir_make_tmp ("authenta-load-XXXXXX", NULL);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) records = NULL;
  TestEmulator *emu;
  Load load = { loop, 0, 0, 0, 0, g_ptr_array_new_with_free_func (g_free) };
  guint injected = 0, total = 0, unfinished = 0;
  guint deadline;

  emu = test_emulator_start ("--processing-time", "0.05", NULL);
  client = authenta_client_new (test_emulator_get_base_url (emu), KEY, &error);
  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, ATTEMPTS, 5, 40, 0.5);
  authenta_client_set_poll_policy (client, 20, 1.5, 100, 60000);
  authenta_client_set_timeouts (client, 2000, 5000, 10000);
  deadline = g_timeout_add_seconds (DEADLINE_S, on_deadline, loop);

  for (guint wave = 0; wave < SCANS / WAVE; wave++)
    {
      queue_faults (emu, rand, &injected);
      for (guint i = 0; i < WAVE; i++)
        {
          guint n = wave * WAVE + i;
          Scan *scan = g_new0 (Scan, 1);
          g_autofree char *name = g_strdup_printf ("load-%s-%03u.mp4",
                                                   n % 2 ? "fake" : "real", n);
          char *path = g_build_filename (dir, name, NULL);
          /* Distinct sizes: an MP4 head, then n bytes more. */
          g_autofree guint8 *data = g_malloc0 (1000 + n);

          memcpy (data,
                  "\0\0\0\x18"
                  "ftypmp42\0\0\0\0mp42isom",
                  24);
          g_assert_true (
              g_file_set_contents (path, (char *)data, 1000 + n, NULL));
          g_ptr_array_add (paths, path);
          scan->load = &load;
          scan->expect_fake = n % 2;
          load.pending++;
          authenta_client_scan_file_async (client, path, NULL, NULL, NULL, NULL,
                                           NULL, NULL, NULL, on_scanned, scan);
        }
      /* The wave ends before the next one's faults are queued. */
      g_main_loop_run (loop);
      if (load.pending > 0)
        break; /* the deadline */
    }
  if (load.pending == 0)
    g_source_remove (deadline);

  for (guint i = 0; i < load.failures->len; i++)
    g_test_message ("failed: %s", (char *)load.failures->pdata[i]);
  g_test_message ("%u faults injected; %u verdicts, %u failed, %u wrong, "
                  "%u hung",
                  injected, load.verdicts, load.failed, load.wrong,
                  load.pending);
  g_assert_cmpuint (injected, >, 0);
  g_assert_cmpuint (load.pending, ==, 0); /* none hung */
  g_assert_cmpuint (load.failed, ==, 0);  /* none lost */
  g_assert_cmpuint (load.wrong, ==, 0);
  g_assert_cmpuint (load.verdicts, ==, SCANS);

  /* No record left INITED, none made twice. */
  records = authenta_client_list_media (client, 100, 0, &total, NULL, &error);
  g_assert_no_error (error);
  for (guint offset = 0; offset < total; offset += 100)
    {
      g_autoptr (GPtrArray) page = authenta_client_list_media (
          client, 100, offset, NULL, NULL, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < page->len; i++)
        if (!authenta_media_is_processed (page->pdata[i]))
          unfinished++;
    }
  g_test_message ("%u records, %u unfinished", total, unfinished);
  g_assert_cmpuint (unfinished, ==, 0);
  g_assert_cmpuint (total, ==, SCANS);

  for (guint i = 0; i < paths->len; i++)
    g_unlink (paths->pdata[i]);
  g_rmdir (dir);
  g_ptr_array_unref (load.failures);
  test_emulator_stop (emu);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/load/240-scans-under-5xx-and-drops",
                   test_load_under_faults);
  return g_test_run ();
}
