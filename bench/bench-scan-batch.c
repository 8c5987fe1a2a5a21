/* A batch of scans at once (see bench-scan-batch.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-scan-batch.h"
#include "bench-common.h"

typedef struct
{
  GMainLoop *loop;
  const char *what;
  guint pending;
  guint failed;
} Batch;

static void
on_scanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Batch *batch = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = authenta_client_scan_file_finish (
      AUTHENTA_CLIENT (source), result, &error);

  if (media == NULL && batch->failed++ < 5)
    g_printerr ("%s: scan failed: %s\n", batch->what, error->message);
  if (--batch->pending == 0)
    g_main_loop_quit (batch->loop);
}

typedef struct
{
  gint stop;
  gint64 peak;
} Sampler;

static gpointer
sample_threads (gpointer data)
{
  Sampler *s = data;

  while (!g_atomic_int_get (&s->stop))
    {
      gint64 n = bench_proc_status ("Threads");
      if (n > s->peak)
        s->peak = n;
      g_usleep (2000);
    }
  return NULL;
}

double
bench_scan_batch (AuthentaClient *client, char **paths, guint n,
                  const char *what, gint64 *peak_threads)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Batch batch = { loop, what, n, 0 };
  Sampler sampler = { 0, 0 };
  GThread *thread = NULL;
  gint64 start;
  double seconds;

  if (peak_threads)
    thread = g_thread_new ("bench-sampler", sample_threads, &sampler);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    authenta_client_scan_file_async (client, paths[i], NULL, NULL, NULL, NULL,
                                     NULL, NULL, NULL, on_scanned, &batch);
  g_main_loop_run (loop);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  if (thread)
    {
      g_atomic_int_set (&sampler.stop, 1);
      g_thread_join (thread);
      /* The sampler itself is not the library's. */
      *peak_threads = sampler.peak - 1;
    }
  if (batch.failed)
    g_error ("%s: %u of %u scans failed", what, batch.failed, n);
  return seconds;
}
