/* Scale (issue 12): 1, 32, 256 and 1,000 scans of small files started at
 * once in one process with authenta_client_scan_file_async(), on one main
 * context, the emulator's processing time 5 s; wall time from the first
 * call to the last callback against one scan alone, measured in the same
 * run.  Also the peak number of threads above the idle process
 * (/proc/self/status, sampled every 2 ms by a thread not counted) and the
 * process's peak RSS (VmHWM).  --quick: 1, 16 and 64 scans, 1 s.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"
#include "bench-scan-batch.h"

#include <authenta/authenta.h>

#include <sys/resource.h>

#define FILE_SIZE (16 * 1024)

/* 1,000 scans hold 1,000 files open until their uploads are done. */
static void
raise_file_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      setrlimit (RLIMIT_NOFILE, &rl);
    }
}

int
main (int argc, char **argv)
{
  static const guint full[] = { 32, 256, 1000 };
  static const guint quick[] = { 16, 64 };
  gboolean is_quick = bench_quick ();
  const guint *sizes = is_quick ? quick : full;
  guint n_sizes = is_quick ? G_N_ELEMENTS (quick) : G_N_ELEMENTS (full);
  guint most = sizes[n_sizes - 1];
  gint64 processing_ms = is_quick ? 1000 : 5000;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *one_text = NULL;
  char **paths;
  gint64 threads_idle, peak_threads = 0, rss_before;
  double one_s;
  guint64 rss_peak_kib;
  gboolean threads_ok, rss_ok;

  raise_file_limit ();
  client = authenta_client_new (NULL, NULL, &error);
  if (client == NULL)
    g_error ("%s", error->message);
  bench_emulator_post ("reset", NULL);
  bench_emulator_set_processing_ms (processing_ms);

  dir = bench_make_tmpdir ("bench-scale");
  paths = g_new0 (char *, most + 1);
  for (guint i = 0; i < most; i++)
    {
      g_autofree char *name = g_strdup_printf ("clip-%04u.mp4", i);
      paths[i] = bench_make_mp4 (dir, name, FILE_SIZE, FALSE);
    }

  threads_idle = bench_proc_status ("Threads");
  one_s = bench_scan_batch (client, paths, 1, "scale", NULL);
  rss_before = bench_proc_status ("VmHWM");
  one_text = g_strdup_printf ("one scan: %.2f s", one_s);
  g_printerr ("scale: one scan %.3f s, %" G_GINT64_FORMAT
              " threads idle, VmHWM %" G_GINT64_FORMAT " KiB\n",
              one_s, threads_idle, rss_before);

  for (guint k = 0; k < n_sizes; k++)
    {
      guint n = sizes[k];
      gint64 peak = 0;
      g_autofree char *figure = NULL, *value = NULL, *ratio = NULL;
      double all_s, r;

      bench_emulator_post ("reset", NULL);
      bench_emulator_set_processing_ms (processing_ms);
      all_s = bench_scan_batch (client, paths, n, "scale", &peak);
      peak = MAX (peak - threads_idle, 0);
      peak_threads = MAX (peak_threads, peak);
      r = all_s / one_s;
      g_printerr ("scale: %u at once %.3f s (%.2fx), +%" G_GINT64_FORMAT
                  " threads, VmHWM %" G_GINT64_FORMAT " KiB\n",
                  n, all_s, r, peak, bench_proc_status ("VmHWM"));
      figure = g_strdup_printf ("scale: %u scans at once vs one "
                                "(processing %.0f s)",
                                n, processing_ms / 1000.0);
      value = g_strdup_printf ("%.2f s, +%" G_GINT64_FORMAT " threads", all_s,
                               peak);
      ratio = g_strdup_printf ("%.2f", r);
      bench_row (figure, value, one_text, ratio, "<= 1.5 of one scan",
                 r <= 1.5);
    }
  rss_peak_kib = bench_proc_status ("VmHWM");

  {
    g_autofree char *figure = NULL, *value = NULL, *baseline = NULL;

    figure = g_strdup_printf ("scale: peak threads above idle, %u scans", most);
    value = g_strdup_printf ("+%" G_GINT64_FORMAT, peak_threads);
    baseline
        = g_strdup_printf ("idle: %" G_GINT64_FORMAT " threads", threads_idle);
    threads_ok = peak_threads <= 16;
    bench_row (figure, value, baseline, "-", "<= 16", threads_ok);

    g_free (figure);
    g_free (value);
    g_free (baseline);
    figure = g_strdup_printf ("scale: peak RSS, %u scans", most);
    value = g_strdup_printf ("%.1f MiB", rss_peak_kib / 1024.0);
    baseline
        = g_strdup_printf ("after one scan: %.1f MiB", rss_before / 1024.0);
    rss_ok = rss_peak_kib <= 64 * 1024;
    bench_row (figure, value, baseline, "-", "<= 64 MiB", rss_ok);
  }

  for (guint i = 0; i < most; i++)
    g_free (paths[i]);
  g_free (paths);
  bench_remove_tmpdir (dir);
  bench_emulator_post ("reset", NULL);
  return 0;
}
