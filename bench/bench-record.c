/* Figure 1, recording throughput: the same pipeline into authentasink and
 * into filesink, in the same folder, bytes per second from the first
 * buffer at the sink's pad to the EOS event at that pad.  What authentasink
 * does after EOS (the scan) is not part of it: the pipeline is stopped as
 * soon as EOS reaches the sink.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#include <glib/gstdio.h>
#include <gst/gst.h>

#define BUFFER_SIZE (1024 * 1024)

typedef struct
{
  GstElement *pipeline;
  gint64 first_us;
  gint64 eos_us;
  guint64 bytes;
} Probe;

static GstPadProbeReturn
on_sink_pad (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Probe *p = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      if (p->first_us == 0)
        p->first_us = g_get_monotonic_time ();
      p->bytes += gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
    }
  else if (info->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM
           && GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    {
      p->eos_us = g_get_monotonic_time ();
      /* The scan that follows is not measured: tell the main thread to
       * stop the pipeline now. */
      gst_element_post_message (
          p->pipeline, gst_message_new_application (
                           GST_OBJECT (p->pipeline),
                           gst_structure_new_empty ("bench-eos-at-sink")));
    }
  return GST_PAD_PROBE_OK;
}

/* One run; bytes per second. */
static double
run_once (const char *sink, const char *dir, guint n_buffers)
{
  g_autofree char *file = g_build_filename (dir, "filesink.out", NULL);
  g_autofree char *desc = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink_el = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstBus) bus = NULL;
  Probe probe = { 0 };
  gboolean done = FALSE;

  if (g_str_equal (sink, "filesink"))
    desc = g_strdup_printf ("fakesrc num-buffers=%u sizetype=fixed "
                            "sizemax=%u filltype=zero "
                            "! filesink name=sink location=\"%s\"",
                            n_buffers, BUFFER_SIZE, file);
  else
    desc = g_strdup_printf ("fakesrc num-buffers=%u sizetype=fixed "
                            "sizemax=%u filltype=zero "
                            "! authentasink name=sink temp-dir=\"%s\" "
                            "keep-file=never",
                            n_buffers, BUFFER_SIZE, dir);

  pipeline = gst_parse_launch (desc, &error);
  if (pipeline == NULL)
    g_error ("%s: %s", desc, error->message);
  probe.pipeline = pipeline;
  sink_el = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink_el, "sink");
  gst_pad_add_probe (
      pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      on_sink_pad, &probe, NULL);

  bus = gst_element_get_bus (pipeline);
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING)
      == GST_STATE_CHANGE_FAILURE)
    g_error ("%s: cannot start", sink);
  while (!done)
    {
      g_autoptr (GstMessage) msg = gst_bus_timed_pop_filtered (
          bus, 300 * GST_SECOND,
          GST_MESSAGE_ERROR | GST_MESSAGE_EOS | GST_MESSAGE_APPLICATION);

      if (msg == NULL)
        g_error ("%s: no EOS after 300 s", sink);
      switch (GST_MESSAGE_TYPE (msg))
        {
        case GST_MESSAGE_ERROR:
          {
            g_autoptr (GError) err = NULL;
            gst_message_parse_error (msg, &err, NULL);
            /* After EOS the recording (zeros) is not a video the service
             * takes: that error is expected and not measured. */
            if (probe.eos_us == 0)
              g_error ("%s: %s", sink, err->message);
            done = TRUE;
            break;
          }
        default:
          done = probe.eos_us != 0;
          break;
        }
    }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_unlink (file);

  if (probe.bytes != (guint64)n_buffers * BUFFER_SIZE
      || probe.eos_us <= probe.first_us)
    g_error ("%s: saw %" G_GUINT64_FORMAT " bytes", sink, probe.bytes);
  return probe.bytes / ((probe.eos_us - probe.first_us) / 1e6);
}

int
main (int argc, char **argv)
{
  guint rounds = bench_quick () ? 3 : 7;
  guint n_buffers = bench_quick () ? 128 : 1024;
  g_autofree double *ours = g_new0 (double, rounds);
  g_autofree double *ratios = g_new0 (double, rounds);
  g_autofree double *theirs = g_new0 (double, rounds);
  g_autofree char *dir = NULL;
  g_autofree char *value = NULL, *baseline = NULL, *ratio = NULL;
  g_autofree char *figure = NULL;
  double r;

  gst_init (&argc, &argv);
  if (gst_element_factory_find ("authentasink") == NULL)
    {
      bench_row_skipped ("recording throughput",
                         "authentasink not found (plugin not built?)",
                         ">= 0.95");
      return 0;
    }
  dir = bench_make_tmpdir ("bench-record");

  /* Warm-up: load the plugins, fault in the allocator's pages. */
  run_once ("filesink", dir, 32);
  run_once ("authentasink", dir, 32);
  for (guint i = 0; i < rounds; i++)
    {
      /* Alternate which goes first, so that neither always inherits the
       * other's dirty pages. */
      if (i % 2 == 0)
        {
          theirs[i] = run_once ("filesink", dir, n_buffers);
          ours[i] = run_once ("authentasink", dir, n_buffers);
        }
      else
        {
          ours[i] = run_once ("authentasink", dir, n_buffers);
          theirs[i] = run_once ("filesink", dir, n_buffers);
        }
      ratios[i] = ours[i] / theirs[i];
      g_printerr ("record round %u: authentasink %.0f MiB/s, filesink %.0f "
                  "MiB/s\n",
                  i + 1, ours[i] / BENCH_MIB, theirs[i] / BENCH_MIB);
    }
  bench_remove_tmpdir (dir);

  /* The median of the rounds' ratios: each round pairs two runs made a
   * moment apart, so a slow moment of the machine weighs on both. */
  r = bench_median (ratios, rounds);
  figure = g_strdup_printf ("recording throughput (%u MiB, 1 MiB buffers, "
                            "median of %u)",
                            n_buffers, rounds);
  value = bench_format_rate (bench_median (ours, rounds));
  baseline = bench_format_rate (bench_median (theirs, rounds));
  ratio = g_strdup_printf ("%.2f", r);
  bench_row (figure, value, baseline, ratio, ">= 0.95 of filesink", r >= 0.95);
  return 0;
}
