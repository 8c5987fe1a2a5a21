/* Figure 4, verdict latency: the time from the end of the upload (the
 * UPLOADED progress stage) to the verdict, minus the emulator's processing
 * time, and the number of GET requests it took; with the client's default
 * poll policy and, side by side in the same run, with a fixed 5-second
 * poll (the vendor SDKs' default).  The two scans of a pair run at the same
 * time in two threads; polls are counted at the client (one PROCESSING
 * progress call per GET) and checked against the emulator's GET counter.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#include <authenta/authenta.h>
#include <stdlib.h>

typedef struct
{
  AuthentaClient *client;
  const char *path;
  gint64 uploaded_us;
  gint64 verdict_us;
  guint polls;
  GError *error;
} Scan;

static void
on_progress (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
             guint64 total, gpointer user_data)
{
  Scan *s = user_data;

  if (stage == AUTHENTA_SCAN_STAGE_UPLOADED)
    s->uploaded_us = g_get_monotonic_time ();
  else if (stage == AUTHENTA_SCAN_STAGE_PROCESSING)
    s->polls++;
}

static gpointer
scan_thread (gpointer data)
{
  Scan *s = data;
  AuthentaMedia *media = authenta_client_scan_file (
      s->client, s->path, NULL, NULL, NULL, on_progress, s, NULL, &s->error);

  s->verdict_us = g_get_monotonic_time ();
  g_clear_object (&media);
  return NULL;
}

typedef struct
{
  double overhead;
  guint gets;
} Result;

static int
compare_results (const void *a, const void *b)
{
  double x = ((const Result *)a)->overhead, y = ((const Result *)b)->overhead;
  return (x > y) - (x < y);
}

static Result
finish (Scan *s, double processing_s)
{
  Result r;

  if (s->error)
    g_error ("scan: %s", s->error->message);
  if (s->uploaded_us == 0)
    g_error ("scan: no UPLOADED stage reported");
  r.overhead = (s->verdict_us - s->uploaded_us) / 1e6 - processing_s;
  r.gets = s->polls;
  return r;
}

int
main (int argc, char **argv)
{
  static const guint full_times[] = { 1, 5, 30 };
  static const guint full_reps[] = { 3, 3, 1 };
  static const guint quick_times[] = { 1 };
  static const guint quick_reps[] = { 1 };
  const guint *times = bench_quick () ? quick_times : full_times;
  const guint *reps = bench_quick () ? quick_reps : full_reps;
  guint n_times
      = bench_quick () ? G_N_ELEMENTS (quick_times) : G_N_ELEMENTS (full_times);
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) ours = NULL;
  g_autoptr (AuthentaClient) fixed = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  ours = authenta_client_new (NULL, NULL, &error);
  fixed = authenta_client_new (NULL, NULL, &error);
  if (ours == NULL || fixed == NULL)
    g_error ("%s", error->message);
  authenta_client_set_poll_policy (fixed, 5000, 1.0, 5000, 600000);
  bench_emulator_post ("reset", NULL);

  dir = bench_make_tmpdir ("bench-latency");
  path = bench_make_mp4 (dir, "clip.mp4", 256 * 1024, FALSE);

  for (guint t = 0; t < n_times; t++)
    {
      double p = times[t];
      g_autofree Result *a = g_new0 (Result, reps[t]);
      g_autofree Result *b = g_new0 (Result, reps[t]);
      g_autofree char *figure = NULL, *value = NULL, *baseline = NULL;
      g_autofree char *ratio = NULL, *target = NULL;
      double allowed = MAX (0.3, 0.2 * p);
      Result ma, mb;
      gboolean met;

      bench_emulator_set_processing_ms ((gint64)times[t] * 1000);
      for (guint i = 0; i < reps[t]; i++)
        {
          Scan sa = { ours, path }, sb = { fixed, path };
          gint64 gets_before = bench_emulator_count ("get");
          gint64 gets;
          GThread *ta = g_thread_new ("bench-ours", scan_thread, &sa);
          GThread *tb = g_thread_new ("bench-fixed", scan_thread, &sb);

          g_thread_join (ta);
          g_thread_join (tb);
          a[i] = finish (&sa, p);
          b[i] = finish (&sb, p);
          gets = bench_emulator_count ("get") - gets_before;
          if (gets != (gint64)(a[i].gets + b[i].gets))
            g_printerr ("latency: the emulator counted %" G_GINT64_FORMAT
                        " GETs, the clients %u + %u (retries?)\n",
                        gets, a[i].gets, b[i].gets);
          g_printerr ("latency %.0f s, run %u: default policy +%.3f s in %u "
                      "GETs; fixed 5 s +%.3f s in %u GETs\n",
                      p, i + 1, a[i].overhead, a[i].gets, b[i].overhead,
                      b[i].gets);
        }
      qsort (a, reps[t], sizeof *a, compare_results);
      qsort (b, reps[t], sizeof *b, compare_results);
      ma = a[reps[t] / 2];
      mb = b[reps[t] / 2];

      met = ma.overhead <= allowed;
      if (times[t] == 30)
        met = met && ma.gets <= 15;
      figure = g_strdup_printf ("verdict latency, processing %u s%s", times[t],
                                reps[t] > 1 ? " (median of 3)" : "");
      value = g_strdup_printf ("+%.2f s, %u GETs", ma.overhead, ma.gets);
      baseline = g_strdup_printf ("fixed 5 s poll: +%.2f s, %u GETs",
                                  mb.overhead, mb.gets);
      ratio = g_strdup_printf ("%.2f x p", ma.overhead / p);
      target = g_strdup_printf ("<= %.1f s%s", allowed,
                                times[t] == 30 ? ", <= 15 GETs" : "");
      bench_row (figure, value, baseline, ratio, target, met);
    }
  bench_remove_tmpdir (dir);
  bench_emulator_post ("reset", NULL);
  return 0;
}
