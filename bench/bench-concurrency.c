/* Figure 5, concurrency: 32 scans of small files started at once in one
 * process with authenta_client_scan_file_async(), against one scan alone,
 * wall time from the first call to the last callback; and the peak number
 * of threads of the process meanwhile (/proc/self/status, sampled every
 * 2 ms).  The emulator's processing time is 1 s, so a scan spends most of
 * its time waiting for the verdict, as real scans do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"
#include "bench-scan-batch.h"

#include <authenta/authenta.h>

#define N_SCANS 32
#define PROCESSING_MS 1000

int
main (int argc, char **argv)
{
  guint singles = bench_quick () ? 1 : 3;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autofree char *dir = NULL;
  g_autofree double *one = g_new0 (double, singles);
  char *paths[N_SCANS + 1] = { NULL };
  g_autofree char *figure = NULL, *value = NULL, *baseline = NULL;
  g_autofree char *ratio = NULL;
  gint64 threads_before;
  gint64 peak = 0;
  double one_s, all_s, r;

  client = authenta_client_new (NULL, NULL, &error);
  if (client == NULL)
    g_error ("%s", error->message);
  bench_emulator_post ("reset", NULL);
  bench_emulator_set_processing_ms (PROCESSING_MS);

  dir = bench_make_tmpdir ("bench-concurrency");
  for (guint i = 0; i < N_SCANS; i++)
    {
      g_autofree char *name = g_strdup_printf ("clip-%02u.mp4", i);
      paths[i] = bench_make_mp4 (dir, name, 256 * 1024, FALSE);
    }

  for (guint i = 0; i < singles; i++)
    one[i] = bench_scan_batch (client, paths, 1, "concurrency", NULL);
  one_s = bench_median (one, singles);

  threads_before = bench_proc_status ("Threads");
  all_s = bench_scan_batch (client, paths, N_SCANS, "concurrency", &peak);

  g_printerr ("concurrency: one scan %.3f s, %d at once %.3f s, threads "
              "%" G_GINT64_FORMAT " before, peak %" G_GINT64_FORMAT "\n",
              one_s, N_SCANS, all_s, threads_before, peak);
  for (guint i = 0; i < N_SCANS; i++)
    g_free (paths[i]);
  bench_remove_tmpdir (dir);
  bench_emulator_post ("reset", NULL);

  r = all_s / one_s;
  figure = g_strdup_printf ("concurrency: %d scans at once vs one "
                            "(processing %.0f s)",
                            N_SCANS, PROCESSING_MS / 1000.0);
  value = g_strdup_printf ("%.2f s, peak %" G_GINT64_FORMAT " threads", all_s,
                           peak);
  baseline = g_strdup_printf ("one scan: %.2f s", one_s);
  ratio = g_strdup_printf ("%.2f", r);
  bench_row (figure, value, baseline, ratio, "<= 1.5 of one scan", r <= 1.5);
  return 0;
}
