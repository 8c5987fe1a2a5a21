/* Figure 3, memory: the peak RSS (VmHWM) of a process that scans a small
 * file, of one that scans a large (sparse) file, and of the idle process
 * (the same program with an initialised client, no scan).  Each is its own
 * child process, which reports its VmHWM on stdout.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#include <authenta/authenta.h>
#include <stdio.h>

static int
child_main (const char *what, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = authenta_client_new (NULL, NULL, &error);

  if (client == NULL)
    {
      g_printerr ("bench-memory child: %s\n", error->message);
      return 1;
    }
  if (g_str_equal (what, "scan"))
    {
      g_autoptr (AuthentaMedia) media = authenta_client_scan_file (
          client, path, NULL, NULL, NULL, NULL, NULL, NULL, &error);

      if (media == NULL)
        {
          g_printerr ("bench-memory child: %s\n", error->message);
          return 1;
        }
    }
  printf ("%" G_GINT64_FORMAT "\n", bench_proc_status ("VmHWM"));
  return 0;
}

/* Peak RSS of one child, in KiB. */
static gint64
child_peak (const char *self, const char *what, const char *path)
{
  const char *argv[] = { self, "--child", what, path, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("memory child (%s): %s", what, error->message);
  return g_ascii_strtoll (out, NULL, 10);
}

static gint64
median_peak (const char *self, const char *what, const char *path, guint runs)
{
  g_autofree double *v = g_new0 (double, runs);

  for (guint i = 0; i < runs; i++)
    v[i] = (double)child_peak (self, what, path);
  return (gint64)bench_median (v, runs);
}

/* One table row: the peak of a scan of `size` bytes against a baseline
 * peak (both in KiB).  Takes baseline_name. */
static void
memory_row (guint64 size, char *baseline_name, gint64 peak,
            gint64 baseline_peak, const char *target, gboolean met)
{
  g_autofree char *name = baseline_name;
  g_autofree char *figure = g_strdup_printf (
      "memory: peak RSS, %" G_GUINT64_FORMAT " MiB scan vs %s",
      size / BENCH_MIB, name);
  g_autofree char *value = g_strdup_printf ("%.1f MiB", peak / 1024.0);
  g_autofree char *baseline = g_strdup_printf (
      "%s%.1f MiB", g_str_equal (name, "idle") ? "idle: " : "",
      baseline_peak / 1024.0);
  g_autofree char *ratio
      = g_strdup_printf ("%+.1f MiB", (peak - baseline_peak) / 1024.0);

  bench_row (figure, value, baseline, ratio, target, met);
}

int
main (int argc, char **argv)
{
  guint64 small = 64 * BENCH_MIB;
  guint64 large = bench_quick () ? 256 * BENCH_MIB : 2 * BENCH_GIB;
  g_autoptr (GError) error = NULL;
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *small_path = NULL, *large_path = NULL;
  gint64 idle, small_peak, large_peak;
  double d_small, d_large, d_between;

  if (argc >= 3 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argc > 3 ? argv[3] : NULL);

  self = g_file_read_link ("/proc/self/exe", &error);
  if (self == NULL)
    g_error ("%s", error->message);
  bench_emulator_post ("reset", NULL);
  bench_emulator_set_processing_ms (0);

  dir = bench_make_tmpdir ("bench-memory");
  small_path = bench_make_mp4 (dir, "small.mp4", small, TRUE);
  large_path = bench_make_mp4 (dir, "large.mp4", large, TRUE);

  idle = median_peak (self, "idle", "-", 3);
  small_peak = median_peak (self, "scan", small_path, bench_quick () ? 1 : 3);
  large_peak = median_peak (self, "scan", large_path, 1);
  bench_remove_tmpdir (dir);
  bench_emulator_post ("reset", NULL);
  g_printerr ("memory: idle %" G_GINT64_FORMAT " KiB, %" G_GUINT64_FORMAT
              " MiB scan %" G_GINT64_FORMAT " KiB, %" G_GUINT64_FORMAT
              " MiB scan %" G_GINT64_FORMAT " KiB\n",
              idle, small / BENCH_MIB, small_peak, large / BENCH_MIB,
              large_peak);

  d_small = (small_peak - idle) / 1024.0;
  d_large = (large_peak - idle) / 1024.0;
  d_between = (large_peak - small_peak) / 1024.0;

  memory_row (
      large,
      g_strdup_printf ("%" G_GUINT64_FORMAT " MiB scan", small / BENCH_MIB),
      large_peak, small_peak, "within 4 MiB", ABS (d_between) <= 4.0);
  memory_row (large, g_strdup ("idle"), large_peak, idle, "< 32 MiB above idle",
              d_large < 32.0);
  memory_row (small, g_strdup ("idle"), small_peak, idle, "< 32 MiB above idle",
              d_small < 32.0);
  return 0;
}
