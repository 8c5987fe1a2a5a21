/* Figure 6, recording continuity (issue 10): a live 30 fps H.264 stream cut
 * into fragments by authentasplitmuxsink while each fragment's scan takes
 * 4 s in the emulator, against the same stream into
 * `splitmuxsink async-finalize=true muxer-factory=mp4mux
 * sink-factory=filesink`, in the same run.  The figure is the largest gap
 * (wall clock, g_get_monotonic_time) between two consecutive video buffers
 * arriving at the muxers: splitmuxsink makes one mp4mux per fragment, each
 * caught with the pipeline's deep-element-added and its pad-added, with a
 * buffer probe on its video sink pad; the gaps are taken across all the
 * muxers in arrival order, fragment switches included.  A second row counts
 * frames dropped (never reached a muxer) and late (reached it more than two
 * frame intervals behind the median frame, in running time).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#define FPS 30
#define PROCESSING_MS 4000
/* Two frame intervals: 66.7 ms. */
#define MAX_GAP_US (2.0 * G_USEC_PER_SEC / FPS)
#define NO_LATENESS G_MININT64

typedef struct
{
  GMutex lock;
  GstElement *pipeline;
  GstClock *clock;
  GstClockTime base_time;
  /* One per video buffer at a muxer, in arrival order. */
  GArray *arrival_us;  /* gint64 */
  GArray *lateness_ns; /* gint64: running time at arrival minus PTS */
  guint n_muxers;
  guint n_verdicts;
  guint n_warnings;
} Run;

typedef struct
{
  gint64 max_gap_us;
  guint frames;
  guint dropped;
  guint late;
  gint64 max_lateness_us;
  guint fragments;
  guint verdicts;
  guint warnings;
  double first_to_last_s;
} Result;

static GstPadProbeReturn
on_muxer_buffer (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Run *run = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  gint64 now_us = g_get_monotonic_time ();
  gint64 lateness = NO_LATENESS;

  g_mutex_lock (&run->lock);
  /* The pipeline chose its clock and base time before its elements went
   * to PLAYING, so before the live source made its first frame. */
  if (run->clock == NULL)
    {
      run->clock = gst_element_get_clock (run->pipeline);
      run->base_time = gst_element_get_base_time (run->pipeline);
    }
  if (run->clock && GST_BUFFER_PTS_IS_VALID (buf))
    lateness = (gint64)(gst_clock_get_time (run->clock) - run->base_time)
               - (gint64)GST_BUFFER_PTS (buf);
  g_array_append_val (run->arrival_us, now_us);
  g_array_append_val (run->lateness_ns, lateness);
  g_mutex_unlock (&run->lock);
  return GST_PAD_PROBE_OK;
}

static void
watch_pad (Run *run, GstPad *pad)
{
  if (GST_PAD_DIRECTION (pad) != GST_PAD_SINK
      || !g_str_has_prefix (GST_PAD_NAME (pad), "video"))
    return;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_muxer_buffer, run,
                     NULL);
}

static void
on_pad_added (GstElement *muxer, GstPad *pad, gpointer user_data)
{
  watch_pad (user_data, pad);
}

static void
watch_muxer (Run *run, GstElement *element)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  GstIterator *it;
  GValue item = G_VALUE_INIT;

  if (factory == NULL
      || !g_str_equal (gst_plugin_feature_get_name (factory), "mp4mux"))
    return;
  g_mutex_lock (&run->lock);
  run->n_muxers++;
  g_mutex_unlock (&run->lock);
  g_signal_connect (element, "pad-added", G_CALLBACK (on_pad_added), run);
  /* Pads requested before the signal was connected: the first muxer's,
   * requested when gst_parse_launch() linked the encoder to splitmuxsink. */
  it = gst_element_iterate_sink_pads (element);
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      watch_pad (run, g_value_get_object (&item));
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);
}

static void
on_deep_element_added (GstBin *bin, GstBin *sub_bin, GstElement *element,
                       gpointer user_data)
{
  watch_muxer (user_data, element);
}

static void
watch_existing (const GValue *item, gpointer user_data)
{
  watch_muxer (user_data, g_value_get_object (item));
}

/* @key_int_max: x264enc's (0: its default, a key frame only where
 * splitmuxsink asks for one, at each fragment). */
static Result
run_once (const char *kind, const char *dir, guint seconds, guint fragment_s,
          guint key_int_max)
{
  guint n_frames = seconds * FPS;
  g_autofree char *desc = NULL;
  g_autofree char *pattern = g_strdup_printf ("%s/%s-%%05d.mp4", dir, kind);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  gboolean ours = g_str_equal (kind, "authentasplitmuxsink");
  g_autofree char *src = g_strdup_printf (
      "videotestsrc is-live=true num-buffers=%u "
      "! video/x-raw,width=320,height=240,framerate=30/1 "
      "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%u ",
      n_frames, key_int_max);
  guint64 max_size_time = (guint64)fragment_s * GST_SECOND;
  /* The recording, then at most the last scans (4 s each) and margin. */
  gint64 deadline
      = g_get_monotonic_time () + (gint64)(seconds + 60) * G_USEC_PER_SEC;
  g_autofree double *lateness = NULL;
  guint n_lateness = 0;
  gint64 max_lateness = 0;
  gboolean done = FALSE;
  Result r = { 0 };
  Run run = { 0 };

  if (ours)
    desc = g_strdup_printf ("%s ! authentasplitmuxsink name=sink "
                            "max-size-time=%" G_GUINT64_FORMAT " "
                            "temp-dir=\"%s\" keep-file=never",
                            src, max_size_time, dir);
  else
    desc = g_strdup_printf ("%s ! splitmuxsink name=sink async-finalize=true "
                            "muxer-factory=mp4mux sink-factory=filesink "
                            "send-keyframe-requests=true "
                            "max-size-time=%" G_GUINT64_FORMAT " "
                            "location=\"%s\"",
                            src, max_size_time, pattern);

  g_mutex_init (&run.lock);
  run.arrival_us = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_frames);
  run.lateness_ns = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_frames);
  pipeline = gst_parse_launch (desc, &error);
  if (pipeline == NULL)
    g_error ("%s: %s", desc, error->message);
  run.pipeline = pipeline;
  g_signal_connect (pipeline, "deep-element-added",
                    G_CALLBACK (on_deep_element_added), &run);
  {
    GstIterator *it = gst_bin_iterate_recurse (GST_BIN (pipeline));

    /* Nothing runs yet: no resync to expect. */
    gst_iterator_foreach (it, watch_existing, &run);
    gst_iterator_free (it);
  }

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    g_error ("%s: cannot start", kind);
  while (!done)
    {
      gint64 left = deadline - g_get_monotonic_time ();
      g_autoptr (GstMessage) msg = NULL;

      if (left <= 0)
        g_error ("%s: no EOS after %u s", kind, seconds + 60);
      msg = gst_bus_timed_pop_filtered (bus, left * GST_USECOND,
                                        GST_MESSAGE_ERROR | GST_MESSAGE_WARNING
                                            | GST_MESSAGE_EOS
                                            | GST_MESSAGE_ELEMENT);
      if (msg == NULL)
        continue;
      switch (GST_MESSAGE_TYPE (msg))
        {
        case GST_MESSAGE_ERROR:
          {
            g_autoptr (GError) err = NULL;
            g_autofree char *dbg = NULL;
            gst_message_parse_error (msg, &err, &dbg);
            g_error ("%s: %s (%s)", kind, err->message, dbg ? dbg : "");
          }
        case GST_MESSAGE_WARNING:
          {
            g_autoptr (GError) err = NULL;
            gst_message_parse_warning (msg, &err, NULL);
            g_printerr ("continuity %s: warning: %s\n", kind, err->message);
            run.n_warnings++;
            break;
          }
        case GST_MESSAGE_ELEMENT:
          if (gst_message_has_name (msg, "authenta-verdict"))
            run.n_verdicts++;
          else if (gst_message_has_name (msg, "authenta-pending"))
            g_printerr ("continuity %s: scans still pending at EOS\n", kind);
          break;
        case GST_MESSAGE_EOS:
          done = TRUE;
          break;
        default:
          break;
        }
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  r.frames = run.arrival_us->len;
  r.dropped = n_frames > r.frames ? n_frames - r.frames : 0;
  lateness = g_new (double, MAX (r.frames, 1));
  for (guint i = 0; i < r.frames; i++)
    {
      gint64 l = g_array_index (run.lateness_ns, gint64, i);

      if (i > 0)
        r.max_gap_us = MAX (
            r.max_gap_us, g_array_index (run.arrival_us, gint64, i)
                              - g_array_index (run.arrival_us, gint64, i - 1));
      if (l != NO_LATENESS)
        lateness[n_lateness++] = l;
    }
  /* Lateness relative to the median frame's: the constant delay of the
   * encoder and splitmuxsink (which holds each frame until the next one)
   * is not lateness. */
  if (n_lateness > 0)
    {
      double median = bench_median (lateness, n_lateness);

      for (guint i = 0; i < n_lateness; i++)
        {
          max_lateness = MAX (max_lateness, (gint64)(lateness[i] - median));
          if (lateness[i] - median > MAX_GAP_US * 1000)
            r.late++;
        }
    }
  else
    r.late = r.frames;
  r.max_lateness_us = max_lateness / 1000;
  if (r.frames > 1)
    r.first_to_last_s = (g_array_index (run.arrival_us, gint64, r.frames - 1)
                         - g_array_index (run.arrival_us, gint64, 0))
                        / 1e6;
  r.fragments = run.n_muxers;
  r.verdicts = run.n_verdicts;
  r.warnings = run.n_warnings;

  g_clear_object (&run.clock);
  g_array_unref (run.arrival_us);
  g_array_unref (run.lateness_ns);
  g_mutex_clear (&run.lock);
  /* keep-file=never removes ours; the baseline's are removed here. */
  for (guint i = 0; i <= r.fragments + 1; i++)
    {
      g_autofree char *file = g_strdup_printf ("%s/%s-%05u.mp4", dir, kind, i);
      g_remove (file);
    }
  g_printerr ("continuity %s, key-int-max=%u: %u s, %u s fragments: largest "
              "gap %.1f ms, "
              "%u/%u frames at the muxers in %.2f s, %u dropped, %u late "
              "(at most %.1f ms behind the median), %u fragments, %u verdicts, "
              "%u warnings\n",
              kind, key_int_max, seconds, fragment_s, r.max_gap_us / 1000.0,
              r.frames, n_frames, r.first_to_last_s, r.dropped, r.late,
              r.max_lateness_us / 1000.0, r.fragments, r.verdicts, r.warnings);
  return r;
}

/* Rounds of both pipelines, alternating which goes first; the worst of
 * the rounds for each.  Returns how many of ours lacked verdicts. */
static guint
measure (const char *dir, guint seconds, guint fragment_s, guint key_int_max,
         guint rounds, Result *ours, Result *theirs)
{
  guint bad_verdicts = 0;

  for (guint i = 0; i < rounds; i++)
    {
      Result a, b;

      if (i % 2 == 0)
        {
          b = run_once ("splitmuxsink", dir, seconds, fragment_s, key_int_max);
          a = run_once ("authentasplitmuxsink", dir, seconds, fragment_s,
                        key_int_max);
        }
      else
        {
          a = run_once ("authentasplitmuxsink", dir, seconds, fragment_s,
                        key_int_max);
          b = run_once ("splitmuxsink", dir, seconds, fragment_s, key_int_max);
        }
      ours->max_gap_us = MAX (ours->max_gap_us, a.max_gap_us);
      theirs->max_gap_us = MAX (theirs->max_gap_us, b.max_gap_us);
      ours->dropped += a.dropped;
      ours->late += a.late;
      theirs->dropped += b.dropped;
      theirs->late += b.late;
      ours->max_lateness_us = MAX (ours->max_lateness_us, a.max_lateness_us);
      theirs->max_lateness_us
          = MAX (theirs->max_lateness_us, b.max_lateness_us);
      if (a.verdicts != a.fragments || a.warnings > 0)
        bad_verdicts++;
    }
  return bad_verdicts;
}

int
main (int argc, char **argv)
{
  gboolean quick = bench_quick ();
  guint seconds = quick ? 6 : 18;
  guint fragment_s = quick ? 2 : 3;
  guint rounds = quick ? 1 : 2;
  Result ours = { 0 }, theirs = { 0 };
  Result gop_ours = { 0 }, gop_theirs = { 0 };
  g_autofree char *dir = NULL;
  g_autofree char *figure = NULL, *figure2 = NULL;
  g_autofree char *value = NULL, *baseline = NULL, *ratio = NULL;
  g_autofree char *value2 = NULL, *baseline2 = NULL;
  const char *missing = NULL;
  guint bad_verdicts = 0;
  double r;

  gst_init (&argc, &argv);
  if (gst_element_factory_find ("authentasplitmuxsink") == NULL)
    missing = "authentasplitmuxsink not found (plugin not built?)";
  else
    {
      static const char *const needed[]
          = { "x264enc", "mp4mux", "splitmuxsink", "videotestsrc" };
      for (guint i = 0; i < G_N_ELEMENTS (needed) && !missing; i++)
        if (gst_element_factory_find (needed[i]) == NULL)
          missing = needed[i];
    }
  if (missing)
    {
      g_autofree char *reason = g_strdup_printf ("%s not found", missing);
      bench_row_skipped ("recording continuity", reason,
                         "<= 1.10 of splitmuxsink, <= 66.7 ms");
      return 0;
    }
  dir = bench_make_tmpdir ("bench-continuity");
  bench_emulator_set_processing_ms (PROCESSING_MS);

  /* Warm-up: the encoder's and the muxer's libraries. */
  run_once ("splitmuxsink", dir, 1, 1, 1);
  bad_verdicts = measure (dir, seconds, fragment_s, 1, rounds, &ours, &theirs);
  if (!quick)
    measure (dir, seconds, fragment_s, 0, 1, &gop_ours, &gop_theirs);
  /* The shared emulator goes back to its command line's settings. */
  bench_emulator_post ("reset", NULL);
  bench_remove_tmpdir (dir);

  r = (double)ours.max_gap_us / MAX (theirs.max_gap_us, 1);
  figure
      = g_strdup_printf ("continuity: largest gap between frames at the "
                         "muxer (live 30 fps, all key frames, %u s, "
                         "%u s fragments, scans 4 s%s)",
                         seconds, fragment_s, rounds > 1 ? ", worst of 2" : "");
  value = g_strdup_printf ("%.1f ms", ours.max_gap_us / 1000.0);
  baseline = g_strdup_printf ("splitmuxsink + filesink: %.1f ms",
                              theirs.max_gap_us / 1000.0);
  ratio = g_strdup_printf ("%.2f", r);
  bench_row (figure, value, baseline, ratio,
             "<= 1.10 of splitmuxsink, <= 66.7 ms",
             r <= 1.10 && ours.max_gap_us <= MAX_GAP_US);

  figure2 = g_strdup_printf ("continuity: frames dropped / late (> 66.7 ms) "
                             "at the muxer (%u frames%s)",
                             seconds * FPS, rounds > 1 ? " x 2" : "");
  value2 = g_strdup_printf (
      "%u / %u (worst %.1f ms behind median)%s", ours.dropped, ours.late,
      ours.max_lateness_us / 1000.0, bad_verdicts ? ", verdicts missing" : "");
  baseline2 = g_strdup_printf ("%u / %u (worst %.1f ms behind median)",
                               theirs.dropped, theirs.late,
                               theirs.max_lateness_us / 1000.0);
  bench_row (figure2, value2, baseline2, "-", "0 / 0",
             ours.dropped == 0 && ours.late == 0 && bad_verdicts == 0);
  if (!quick)
    {
      g_autofree char *figure3 = NULL, *value3 = NULL, *baseline3 = NULL;
      g_autofree char *ratio3 = NULL;
      double r3 = (double)gop_ours.max_gap_us / MAX (gop_theirs.max_gap_us, 1);

      figure3 = g_strdup_printf (
          "continuity with one GOP per fragment (key frames only at "
          "fragment starts; %u s, %u s fragments)",
          seconds, fragment_s);
      value3 = g_strdup_printf ("%.1f ms", gop_ours.max_gap_us / 1000.0);
      baseline3 = g_strdup_printf ("splitmuxsink + filesink: %.1f ms",
                                   gop_theirs.max_gap_us / 1000.0);
      ratio3 = g_strdup_printf ("%.2f", r3);
      bench_row (figure3, value3, baseline3, ratio3, "<= 1.10 of splitmuxsink",
                 r3 <= 1.10);
    }
  return 0;
}
