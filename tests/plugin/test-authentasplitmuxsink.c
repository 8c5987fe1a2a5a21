/* authentasplitmuxsink tests: live capture pipelines against
 * authenta-emulator on loopback.
 *
 * Each check function runs as its own meson test (GST_CHECKS=name), with
 * its own timeout; see tests/plugin/meson.build.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test-emulator.h"

#include <authenta/authenta.h>

#include <glib/gstdio.h>
#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define EMULATOR_KEY "api_emulator_key"
#define CANARY_KEY "api_SECRET_canary_123"

#define FPS 30
#define FRAME_NS (GST_SECOND / FPS)

/* ------------------------------------------------------------------------ */
/* Helpers */

/* How much slower than usual this build runs: the deadlines of waits are
 * multiplied by it (meson's timeout multiplier is the outer bound). */
static gint64
slowdown (void)
{
  if (RUNNING_ON_VALGRIND)
    return 10;
#if defined(__SANITIZE_ADDRESS__)
  return 2;
#else
  return 1;
#endif
}

typedef struct
{
  TestEmulator *emu;
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, const char *processing_time)
{
  g_autoptr (GError) error = NULL;

  f->emu = test_emulator_start ("--processing-time", processing_time, NULL);
  f->dir = g_dir_make_tmp ("authentasplitmuxsink-test-XXXXXX", &error);
  fail_unless (f->dir != NULL, "%s", error ? error->message : "");
}

/* Removes @dir and the files in it. */
static void
remove_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
fixture_teardown (Fixture *f)
{
  remove_dir (f->dir);
  g_free (f->dir);
  if (f->emu != NULL)
    test_emulator_stop (f->emu);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the files in @dir. */
static GPtrArray *
list_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* Demuxes @path and counts its video frames. */
static guint
count_demuxed_frames (const char *path)
{
  g_autofree char *desc = g_strdup_printf (
      "filesrc location=\"%s\" ! qtdemux ! fakesink name=out "
      "signal-handoffs=true",
      path);
  g_autoptr (GstElement) pipeline = gst_parse_launch (desc, NULL);
  g_autoptr (GstElement) out = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  guint frames = 0;

  fail_unless (pipeline != NULL);
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  g_signal_connect_swapped (out, "handoff", G_CALLBACK (g_atomic_int_inc),
                            &frames);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND * slowdown (),
                                    GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "demuxing %s took over 20 s", path);
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS, "demuxing %s failed",
               path);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return g_atomic_int_get (&frames);
}

/* How many lines of @log start with @prefix. */
static guint
count_lines (const char *log, const char *prefix)
{
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      n++;
  return n;
}

static gboolean
is_authentasink (GstElement *e)
{
  GstElementFactory *factory = gst_element_get_factory (e);

  return factory != NULL
         && g_str_equal (GST_OBJECT_NAME (factory), "authentasink");
}

static const GstStructure *
element_structure (GstMessage *msg, const char *name)
{
  const GstStructure *s;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
    return NULL;
  s = gst_message_get_structure (msg);
  return s && gst_structure_has_name (s, name) ? s : NULL;
}

static void
dump_messages (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    {
      GstMessage *msg = messages->pdata[i];

      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
          || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
        {
          g_autoptr (GError) err = NULL;
          g_autofree char *dbg = NULL;

          if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
            gst_message_parse_error (msg, &err, &dbg);
          else
            gst_message_parse_warning (msg, &err, &dbg);
          GST_INFO ("%s from %s: %s (%s)", GST_MESSAGE_TYPE_NAME (msg),
                    GST_MESSAGE_SRC_NAME (msg), err->message, dbg);
        }
      else if (gst_message_get_structure (msg))
        {
          g_autofree char *s
              = gst_structure_to_string (gst_message_get_structure (msg));

          /* The verdict's json is long: the start says enough. */
          GST_INFO ("%s from %s: %.300s", GST_MESSAGE_TYPE_NAME (msg),
                    GST_MESSAGE_SRC_NAME (msg), s);
        }
      else
        GST_INFO ("%s from %s", GST_MESSAGE_TYPE_NAME (msg),
                  GST_MESSAGE_SRC_NAME (msg));
    }
}

/* ------------------------------------------------------------------------ */
/* A capture run */

typedef struct
{
  Fixture *fixture;
  GMutex lock;
  /* Buffers the source pushed. */
  guint source_buffers;
  /* At the element's video pad: running time of the first frame and the
   * end of the last one, and when the final EOS came (monotonic us). */
  GstSegment segment;
  GstClockTime input_start;
  GstClockTime input_end;
  gint64 playing_us;
  gint64 eos_in_us;
  /* Fragment sinks the element made, and whether each had the element's
   * settings when it was added. */
  guint sinks_added;
  guint sinks_misconfigured;
  /* How often the failing fragment's create is made to fail. */
  guint failed_attempts;
  const char *want_keep_file;
  /* Bus messages in order, with the monotonic time each was popped. */
  GPtrArray *messages;
  GArray *arrivals;
} Capture;

static void
capture_init (Capture *c, Fixture *f)
{
  memset (c, 0, sizeof *c);
  c->fixture = f;
  g_mutex_init (&c->lock);
  gst_segment_init (&c->segment, GST_FORMAT_TIME);
  c->input_start = c->input_end = GST_CLOCK_TIME_NONE;
  c->messages
      = g_ptr_array_new_with_free_func ((GDestroyNotify)gst_message_unref);
  c->arrivals = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
capture_clear (Capture *c)
{
  g_ptr_array_unref (c->messages);
  g_array_unref (c->arrivals);
  g_mutex_clear (&c->lock);
}

static GstPadProbeReturn
count_source_buffers (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Capture *c = user_data;

  (void)pad;
  (void)info;
  g_mutex_lock (&c->lock);
  c->source_buffers++;
  g_mutex_unlock (&c->lock);
  return GST_PAD_PROBE_OK;
}

/* What reaches the element: the recording's running-time span, and when
 * its final EOS arrived. */
static GstPadProbeReturn
watch_input (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  Capture *c = user_data;

  (void)pad;
  g_mutex_lock (&c->lock);
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime start = gst_segment_to_running_time (
          &c->segment, GST_FORMAT_TIME, GST_BUFFER_PTS (buf));
      GstClockTime end = start;

      fail_unless (GST_CLOCK_TIME_IS_VALID (start), "a frame without PTS");
      if (GST_BUFFER_DURATION_IS_VALID (buf))
        end += GST_BUFFER_DURATION (buf);
      if (!GST_CLOCK_TIME_IS_VALID (c->input_start) || start < c->input_start)
        c->input_start = start;
      if (!GST_CLOCK_TIME_IS_VALID (c->input_end) || end > c->input_end)
        c->input_end = end;
    }
  else
    {
      GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);

      if (GST_EVENT_TYPE (event) == GST_EVENT_SEGMENT)
        gst_event_copy_segment (event, &c->segment);
      else if (GST_EVENT_TYPE (event) == GST_EVENT_EOS)
        c->eos_in_us = g_get_monotonic_time ();
    }
  g_mutex_unlock (&c->lock);
  return GST_PAD_PROBE_OK;
}

static gboolean
enum_property_is (GObject *object, const char *name, const char *nick)
{
  GParamSpec *p
      = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
  GValue v = G_VALUE_INIT;
  GEnumValue *ev;
  gboolean same;

  g_value_init (&v, p->value_type);
  g_object_get_property (object, name, &v);
  ev = g_enum_get_value (g_type_class_peek (p->value_type),
                         g_value_get_enum (&v));
  same = ev != NULL && g_str_equal (ev->value_nick, nick);
  g_value_unset (&v);
  return same;
}

/* Connected to the element itself, so it runs after the element's own
 * handler has given the new sink its settings.  Checks those, and makes
 * the sink's retries and polls quick (authentasink's own properties the
 * element does not take over), as the other plugin tests do. */
static void
on_deep_element_added (GstBin *bin, GstBin *sub_bin, GstElement *child,
                       gpointer user_data)
{
  Capture *c = user_data;
  g_autofree char *base_url = NULL;
  gboolean ok;

  (void)bin;
  (void)sub_bin;
  if (!is_authentasink (child))
    return;
  g_object_get (child, "base-url", &base_url, NULL);
  ok = g_strcmp0 (base_url, test_emulator_get_base_url (c->fixture->emu)) == 0
       && enum_property_is (G_OBJECT (child), "on-error", "warning")
       && enum_property_is (G_OBJECT (child), "keep-file", c->want_keep_file);
  g_object_set (child, "retry-base-delay", 10, "retry-max-delay", 50,
                "poll-interval", 50, "poll-max-interval", 100, NULL);
  g_mutex_lock (&c->lock);
  c->sinks_added++;
  if (!ok)
    c->sinks_misconfigured++;
  g_mutex_unlock (&c->lock);
}

/* Called on each message as it arrives; TRUE ends the run there. */
typedef gboolean (*MessageHook) (Capture *c, GstMessage *msg,
                                 gpointer user_data);

/* Plays @pipeline until its EOS or an ERROR, or until @hook (when given)
 * returns TRUE, at most @timeout_s; the pipeline is left as it is. */
static void
capture_run (Capture *c, GstElement *pipeline, guint timeout_s,
             MessageHook hook, gpointer hook_data)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  gint64 deadline
      = g_get_monotonic_time () + timeout_s * G_USEC_PER_SEC * slowdown ();

  c->playing_us = g_get_monotonic_time ();
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
               != GST_STATE_CHANGE_FAILURE);
  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      GstMessage *msg;

      fail_unless (now < deadline, "no EOS within %" G_GINT64_FORMAT " s",
                   timeout_s * slowdown ());
      msg = gst_bus_timed_pop_filtered (bus, (deadline - now) * GST_USECOND,
                                        GST_MESSAGE_EOS | GST_MESSAGE_ERROR
                                            | GST_MESSAGE_WARNING
                                            | GST_MESSAGE_ELEMENT);
      if (msg == NULL)
        continue;
      now = g_get_monotonic_time ();
      g_ptr_array_add (c->messages, msg);
      g_array_append_val (c->arrivals, now);
      if (hook && hook (c, msg, hook_data))
        break;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
          || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        break;
    }
}

/* A live capture of @num_buffers frames into 3 s fragments (@extra can set
 * another max-size-time), @encoder_extra added to x264enc's settings. */
static GstElement *
make_capture_pipeline_full (Capture *c, guint num_buffers,
                            const char *encoder_extra, const char *extra)
{
  Fixture *f = c->fixture;
  g_autofree char *desc = g_strdup_printf (
      "videotestsrc name=src is-live=true num-buffers=%u ! "
      "video/x-raw,width=160,height=120,framerate=%u/1 ! "
      "x264enc tune=zerolatency speed-preset=ultrafast %s ! "
      "authentasplitmuxsink name=smux base-url=%s api-key=%s "
      "max-size-time=3000000000 location=%s/f%%03d.mp4 %s",
      num_buffers, FPS, encoder_extra ? encoder_extra : "",
      test_emulator_get_base_url (f->emu), EMULATOR_KEY, f->dir,
      extra ? extra : "");
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstElement) smux = NULL;
  g_autoptr (GstPad) src_pad = NULL;
  g_autoptr (GstPad) video_pad = NULL;

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
               error ? error->message : "");
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  smux = gst_bin_get_by_name (GST_BIN (pipeline), "smux");
  src_pad = gst_element_get_static_pad (src, "src");
  video_pad = gst_element_get_static_pad (smux, "video");
  fail_unless (video_pad != NULL, "the encoder was not linked to video");
  gst_pad_add_probe (src_pad, GST_PAD_PROBE_TYPE_BUFFER, count_source_buffers,
                     c, NULL);
  gst_pad_add_probe (video_pad,
                     GST_PAD_PROBE_TYPE_BUFFER
                         | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
                     watch_input, c, NULL);
  g_signal_connect (smux, "deep-element-added",
                    G_CALLBACK (on_deep_element_added), c);
  return pipeline;
}

static GstElement *
make_capture_pipeline (Capture *c, guint num_buffers, const char *extra)
{
  return make_capture_pipeline_full (c, num_buffers, NULL, extra);
}

/* @name is the pattern's name for @index: f%03d.mp4. */
static int
index_of_name (const char *name)
{
  unsigned index;
  char tail[8];

  if (sscanf (name, "f%3u%7s", &index, tail) != 2
      || !g_str_equal (tail, ".mp4"))
    return -1;
  return (int)index;
}

static gint64
parse_wall_clock (const char *text)
{
  g_autoptr (GDateTime) dt
      = text ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  fail_unless (dt != NULL, "wall-clock-start %s is not ISO 8601",
               text ? text : "(null)");
  fail_unless (g_str_has_suffix (text, "Z"), "%s is not UTC", text);
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC
         + g_date_time_get_microsecond (dt);
}

/* The outcome the element reported for one fragment. */
typedef struct
{
  int message;
  gboolean failed;
  GstClockTime start, end;
  gint64 wall_us;
} Outcome;

/* ------------------------------------------------------------------------ */
/* Live capture: every frame recorded, one outcome per fragment */

typedef struct
{
  /* The fragment whose create fails past the retries, or -1. */
  int failing_fragment;
} LiveCase;

/* When fragment @failing_fragment - 1 has its record, the next create is
 * @failing_fragment's, 3 s later: fail it as often as it is tried. */
static gboolean
inject_create_fault (Capture *c, GstMessage *msg, gpointer user_data)
{
  const LiveCase *lc = user_data;
  const GstStructure *s = element_structure (msg, "authenta-progress");
  guint index, attempts = 0;
  g_autofree char *fault = NULL;

  if (c->failed_attempts > 0 || s == NULL || lc->failing_fragment < 1
      || !g_str_equal (gst_structure_get_string (s, "stage"), "created")
      || !gst_structure_get_uint (s, "fragment-index", &index)
      || index != (guint)lc->failing_fragment - 1)
    return FALSE;
  g_object_get (GST_MESSAGE_SRC (msg), "retry-attempts", &attempts, NULL);
  fail_unless (attempts >= 1);
  fault = g_strdup_printf ("{\"route\":\"create\",\"action\":\"status\","
                           "\"status\":503,\"count\":%u}",
                           attempts);
  test_emulator_add_fault (c->fixture->emu, fault);
  c->failed_attempts = attempts;
  GST_INFO ("create of fragment %d to fail %u times", lc->failing_fragment,
            attempts);
  return FALSE;
}

static void
run_live_case (const LiveCase *lc)
{
  Fixture f = { 0 };
  Capture c;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GArray) outcomes = NULL;
  gint64 real_start_us, real_end_us;
  guint frames = 0, warnings = 0;
  GstClockTime sum = 0, span;
  int eos;
  guint n;

  fixture_setup (&f, "4");
  capture_init (&c, &f);
  c.want_keep_file = "always";
  pipeline = make_capture_pipeline (&c, 15 * FPS, "keep-file=always");

  real_start_us = g_get_real_time ();
  capture_run (&c, pipeline, 60, inject_create_fault, (gpointer)lc);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  real_end_us = g_get_real_time ();
  dump_messages (c.messages);

  for (guint i = 0; i < c.messages->len; i++)
    fail_unless (GST_MESSAGE_TYPE (c.messages->pdata[i]) != GST_MESSAGE_ERROR,
                 "an ERROR from %s",
                 GST_MESSAGE_SRC_NAME (c.messages->pdata[i]));
  eos = c.messages->len - 1;
  fail_unless (GST_MESSAGE_TYPE (c.messages->pdata[eos]) == GST_MESSAGE_EOS);

  /* Every frame the source made is in a fragment file. */
  fail_unless_equals_int (c.source_buffers, 15 * FPS);
  files = list_files (f.dir);
  n = files->len;
  fail_unless (n >= 4 && n <= 6, "%u fragments of 3 s in 15 s", n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_filename (f.dir, files->pdata[i], NULL);
      guint in_file;

      fail_unless_equals_int (index_of_name (files->pdata[i]), i);
      in_file = count_demuxed_frames (path);
      GST_INFO ("%s: %u frames", (char *)files->pdata[i], in_file);
      fail_unless (in_file > 0, "%s is empty", path);
      frames += in_file;
    }
  fail_unless_equals_int (frames, c.source_buffers);

  /* Every fragment had the element's settings. */
  fail_unless (c.sinks_added >= n, "%u sinks for %u fragments", c.sinks_added,
               n);
  fail_unless_equals_int (c.sinks_misconfigured, 0);

  /* One outcome per fragment, before the EOS: a verdict, or for the
   * failing one a WARNING and authenta-failed from its sink. */
  outcomes = g_array_new (FALSE, TRUE, sizeof (Outcome));
  g_array_set_size (outcomes, n);
  for (guint i = 0; i < n; i++)
    g_array_index (outcomes, Outcome, i).message = -1;
  for (int i = 0; i < eos; i++)
    {
      GstMessage *msg = c.messages->pdata[i];
      const GstStructure *s = gst_message_get_structure (msg);
      gboolean failed = element_structure (msg, "authenta-failed") != NULL;
      const char *location;
      g_autofree char *base = NULL;
      guint index;
      Outcome *o;

      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
        {
          warnings++;
          continue;
        }
      if (element_structure (msg, "authenta-progress"))
        {
          GstClockTime start, end;

          fail_unless (gst_structure_get_uint (s, "fragment-index", &index));
          /* Its start is known.  Its end too for the last fragment (its
           * scan starts after the final EOS came in); a fragment's scan
           * can start before splitmuxsink says the next one opened, so
           * another fragment's progress may still say NONE (its verdict is
           * held until the end is known). */
          fail_unless (
              gst_structure_get_clock_time (s, "running-time-start", &start)
              && gst_structure_get_clock_time (s, "running-time-end", &end));
          fail_unless (GST_CLOCK_TIME_IS_VALID (start));
          fail_unless (GST_CLOCK_TIME_IS_VALID (end) ? end > start
                                                     : index + 1 < n,
                       "fragment %u's progress: %" GST_TIME_FORMAT
                       " to %" GST_TIME_FORMAT,
                       index, GST_TIME_ARGS (start), GST_TIME_ARGS (end));
          location = gst_structure_get_string (s, "location");
          fail_unless (location != NULL, "progress without location");
          base = g_path_get_basename (location);
          fail_unless_equals_int (index_of_name (base), index);
          continue;
        }
      if (!failed && !element_structure (msg, "authenta-verdict"))
        continue;
      fail_unless (is_authentasink (GST_ELEMENT (GST_MESSAGE_SRC (msg))),
                   "the outcome's source is %s", GST_MESSAGE_SRC_NAME (msg));
      fail_unless (gst_structure_get_uint (s, "fragment-index", &index));
      fail_unless (index < n, "fragment-index %u of %u files", index, n);
      o = &g_array_index (outcomes, Outcome, index);
      fail_unless (o->message < 0, "two outcomes for fragment %u", index);
      o->message = i;
      o->failed = failed;
      location = gst_structure_get_string (s, "location");
      fail_unless (location != NULL);
      base = g_path_get_basename (location);
      fail_unless_equals_string (base, files->pdata[index]);
      fail_unless (
          gst_structure_get_clock_time (s, "running-time-start", &o->start));
      fail_unless (
          gst_structure_get_clock_time (s, "running-time-end", &o->end));
      fail_unless (GST_CLOCK_TIME_IS_VALID (o->start)
                       && GST_CLOCK_TIME_IS_VALID (o->end) && o->end > o->start,
                   "fragment %u: %" GST_TIME_FORMAT " to %" GST_TIME_FORMAT,
                   index, GST_TIME_ARGS (o->start), GST_TIME_ARGS (o->end));
      o->wall_us
          = parse_wall_clock (gst_structure_get_string (s, "wall-clock-start"));
      fail_unless (o->wall_us >= real_start_us - G_USEC_PER_SEC
                       && o->wall_us <= real_end_us,
                   "fragment %u started outside the run", index);
      if (failed)
        {
          /* Its WARNING came from the same sink, before it. */
          gboolean warned = FALSE;

          for (int j = 0; j < i; j++)
            if (GST_MESSAGE_TYPE (c.messages->pdata[j]) == GST_MESSAGE_WARNING
                && GST_MESSAGE_SRC (c.messages->pdata[j])
                       == GST_MESSAGE_SRC (msg))
              warned = TRUE;
          fail_unless (warned, "authenta-failed without a WARNING");
        }
    }
  for (guint i = 0; i < n; i++)
    {
      Outcome *o = &g_array_index (outcomes, Outcome, i);

      fail_unless (o->message >= 0, "no outcome for fragment %u", i);
      fail_unless (o->failed == ((int)i == lc->failing_fragment),
                   "fragment %u %s", i, o->failed ? "failed" : "was judged");
      if (i + 1 < n)
        {
          Outcome *next = &g_array_index (outcomes, Outcome, i + 1);

          fail_unless_equals_uint64 (o->end, next->start);
          fail_unless (o->wall_us <= next->wall_us);
        }
      sum += o->end - o->start;
    }
  /* One record per judged fragment; the failing one's create tried as
   * often as authentasink tries (the start-time check's create is a 400). */
  {
    g_autofree char *log = test_emulator_dup_log (f.emu);

    GST_INFO ("%u sinks; the emulator's log:\n%s", c.sinks_added, log);
    fail_unless_equals_int (count_lines (log, "POST /api/media 201 "),
                            lc->failing_fragment >= 0 ? n - 1 : n);
    fail_unless_equals_int (count_lines (log, "POST /api/media 503 "),
                            c.failed_attempts);
  }
  if (lc->failing_fragment >= 0)
    {
      fail_unless (c.failed_attempts > 0, "the fault was never set");
      fail_unless (warnings >= 1, "no WARNING");
    }
  else
    fail_unless_equals_int (warnings, 0);

  /* The fragments' durations add up to what came in. */
  fail_unless (GST_CLOCK_TIME_IS_VALID (c.input_start)
               && GST_CLOCK_TIME_IS_VALID (c.input_end));
  span = c.input_end - c.input_start;
  GST_INFO ("fragments sum to %" GST_TIME_FORMAT
            ", input spans %" GST_TIME_FORMAT,
            GST_TIME_ARGS (sum), GST_TIME_ARGS (span));
  fail_unless (sum + FRAME_NS >= span && sum <= span + FRAME_NS,
               "fragments sum to %" GST_TIME_FORMAT ", input %" GST_TIME_FORMAT,
               GST_TIME_ARGS (sum), GST_TIME_ARGS (span));

  /* The recording was not held up by the 4 s scans: 15 s of live video in
   * at most 17 s.  A bound on stalling, not a speed target; under valgrind
   * the encoder alone cannot keep up with 30 fps, so only this assertion
   * is skipped there. */
  fail_unless (c.eos_in_us > 0, "no EOS at the element's pad");
  GST_INFO ("EOS in %.2f s after PLAYING, EOS message %.2f s",
            (c.eos_in_us - c.playing_us) / 1e6,
            (g_array_index (c.arrivals, gint64, eos) - c.playing_us) / 1e6);
  if (!RUNNING_ON_VALGRIND)
    fail_unless (c.eos_in_us - c.playing_us <= 17 * G_USEC_PER_SEC,
                 "15 s of live video took %.2f s to record",
                 (c.eos_in_us - c.playing_us) / 1e6);

  capture_clear (&c);
  fixture_teardown (&f);
}

GST_START_TEST (test_live_fragments)
{
  const LiveCase lc = { -1 };

  run_live_case (&lc);
}
GST_END_TEST;

GST_START_TEST (test_one_fragment_fails)
{
  /* A middle fragment: the recording goes on after it. */
  const LiveCase lc = { 1 };

  run_live_case (&lc);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Shutdown time-out */

/* Ends a run once the first fragment's record is made and its scan polls
 * (a 30 s scan then waits). */
static gboolean
until_first_processing (Capture *c, GstMessage *msg, gpointer user_data)
{
  const GstStructure *s = element_structure (msg, "authenta-progress");
  const char *stage;
  guint index;

  return s && gst_structure_get_uint (s, "fragment-index", &index) && index == 0
         && (stage = gst_structure_get_string (s, "stage"))
         && g_str_equal (stage, "processing");
}

/* Stopped while the first fragment's scan runs and the second is being
 * recorded: one authenta-pending ("stopped") lists both. */
GST_START_TEST (test_stop_lists_pending)
{
  Fixture f = { 0 };
  Capture c;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) pending_msg = NULL;
  const GstStructure *pending;
  const GValue *list;
  const GstStructure *oldest, *last;
  GstMessage *stopped_at;
  guint n_pending = 0;

  fixture_setup (&f, "30");
  capture_init (&c, &f);
  c.want_keep_file = "always";
  /* 60 s of frames: the recording is still going when it is stopped. */
  pipeline = make_capture_pipeline (&c, 60 * FPS, "keep-file=always");
  bus = gst_element_get_bus (pipeline);
  capture_run (&c, pipeline, 20, until_first_processing, NULL);
  fail_unless (c.messages->len > 0);
  stopped_at = c.messages->pdata[c.messages->len - 1];
  fail_unless (until_first_processing (&c, stopped_at, NULL),
               "the first fragment's record was never made: the run ended "
               "with %s",
               GST_MESSAGE_TYPE_NAME (stopped_at));

  fail_unless (gst_element_set_state (pipeline, GST_STATE_READY)
               == GST_STATE_CHANGE_SUCCESS);
  for (;;)
    {
      g_autoptr (GstMessage) msg
          = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);

      if (msg == NULL)
        break;
      if (element_structure (msg, "authenta-pending"))
        {
          n_pending++;
          gst_message_replace (&pending_msg, msg);
        }
    }
  fail_unless_equals_int (n_pending, 1);
  fail_unless_equals_string (GST_MESSAGE_SRC_NAME (pending_msg), "smux");
  pending = gst_message_get_structure (pending_msg);
  fail_unless_equals_string (gst_structure_get_string (pending, "reason"),
                             "stopped");
  list = gst_structure_get_value (pending, "fragments");
  fail_unless (list != NULL && GST_VALUE_HOLDS_LIST (list));
  fail_unless (gst_value_list_get_size (list) >= 2, "%u fragments listed",
               gst_value_list_get_size (list));
  oldest = gst_value_get_structure (gst_value_list_get_value (list, 0));
  last = gst_value_get_structure (
      gst_value_list_get_value (list, gst_value_list_get_size (list) - 1));
  fail_unless_equals_string (gst_structure_get_string (oldest, "stage"),
                             "processing");
  fail_unless (gst_structure_get_string (oldest, "mid") != NULL);
  fail_unless_equals_string (gst_structure_get_string (last, "stage"),
                             "recording");

  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  capture_clear (&c);
  fixture_teardown (&f);
}
GST_END_TEST;

GST_START_TEST (test_shutdown_timeout_pending)
{
  Fixture f = { 0 };
  Capture c;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) files = NULL;
  const GstStructure *pending = NULL;
  const GValue *list;
  gint64 eos_us, null_us;
  int eos;

  fixture_setup (&f, "30");
  capture_init (&c, &f);
  c.want_keep_file = "always";
  /* 6 s: two fragments, whose scans take 30 s. */
  pipeline = make_capture_pipeline (&c, 6 * FPS,
                                    "keep-file=always shutdown-timeout=1");
  capture_run (&c, pipeline, 25, NULL, NULL);
  dump_messages (c.messages);
  eos = c.messages->len - 1;
  fail_unless (GST_MESSAGE_TYPE (c.messages->pdata[eos]) == GST_MESSAGE_EOS,
               "ended with %s", GST_MESSAGE_TYPE_NAME (c.messages->pdata[eos]));
  fail_unless (c.eos_in_us > 0);
  eos_us = g_array_index (c.arrivals, gint64, eos);
  GST_INFO ("EOS message %.2f s after the EOS came in",
            (eos_us - c.eos_in_us) / 1e6);
  /* About one second: not before the time-out, far from the 30 s scans. */
  fail_unless (eos_us - c.eos_in_us >= G_USEC_PER_SEC * 9 / 10,
               "EOS after %.2f s", (eos_us - c.eos_in_us) / 1e6);
  fail_unless (eos_us - c.eos_in_us < 10 * G_USEC_PER_SEC * slowdown (),
               "EOS after %.2f s", (eos_us - c.eos_in_us) / 1e6);

  files = list_files (f.dir);
  fail_unless (files->len >= 2, "%u fragments", files->len);

  for (int i = 0; i < eos; i++)
    {
      GstMessage *msg = c.messages->pdata[i];

      fail_unless (element_structure (msg, "authenta-verdict") == NULL,
                   "a verdict from a 30 s scan");
      if (element_structure (msg, "authenta-pending"))
        {
          fail_unless (pending == NULL, "two authenta-pending");
          fail_unless (GST_IS_BIN (GST_MESSAGE_SRC (msg))
                       && g_str_equal (GST_MESSAGE_SRC_NAME (msg), "smux"));
          pending = gst_message_get_structure (msg);
        }
    }
  fail_unless (pending != NULL, "no authenta-pending before the EOS");
  fail_unless_equals_string (gst_structure_get_string (pending, "reason"),
                             "shutdown-timeout");
  list = gst_structure_get_value (pending, "fragments");
  fail_unless (list != NULL && GST_VALUE_HOLDS_LIST (list));
  fail_unless_equals_int (gst_value_list_get_size (list), files->len);
  for (guint i = 0; i < gst_value_list_get_size (list); i++)
    {
      const GValue *v = gst_value_list_get_value (list, i);
      const GstStructure *s;
      const char *stage, *location;
      g_autofree char *expected = NULL;
      guint index;

      fail_unless (GST_VALUE_HOLDS_STRUCTURE (v));
      s = gst_value_get_structure (v);
      fail_unless (gst_structure_has_name (s, "fragment"));
      fail_unless (gst_structure_get_uint (s, "fragment-index", &index));
      fail_unless_equals_int (index, i);
      stage = gst_structure_get_string (s, "stage");
      fail_unless (stage != NULL);
      location = gst_structure_get_string (s, "location");
      expected = g_build_filename (f.dir, files->pdata[i], NULL);
      fail_unless_equals_string (location, expected);
      fail_unless (gst_structure_has_field (s, "mid"));
      /* The first fragment's record was made seconds ago; a later one may
       * still be being created. */
      if (i == 0 || !g_str_equal (stage, "creating"))
        fail_unless (gst_structure_get_string (s, "mid") != NULL,
                     "fragment %u (%s) without mid", i, stage);
    }

  /* The scans still running are stopped at once, the files kept. */
  null_us = g_get_monotonic_time ();
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  null_us = g_get_monotonic_time () - null_us;
  GST_INFO ("NULL in %.2f s", null_us / 1e6);
  fail_unless (null_us < 5 * G_USEC_PER_SEC * slowdown (), "NULL took %.2f s",
               null_us / 1e6);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *path = g_build_filename (f.dir, files->pdata[i], NULL);

      fail_unless (g_file_test (path, G_FILE_TEST_IS_REGULAR), "%s", path);
    }
  capture_clear (&c);
  fixture_teardown (&f);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* An outage, recorded offline and finished by `authenta spool run --watch` */

#define OUTAGE_FRAGMENTS 12
#define OUTAGE_FIRST 1
#define OUTAGE_LAST 3

typedef struct
{
  char *spool_dir;
  char *watch_out;
  char *watch_err;
  GSubprocess *watcher;
  gboolean down;
  gboolean back;
  /* "POST /api/media 201" lines the first emulator logged before it went. */
  guint creates_before;
} Outage;

static const char *
cli_path (void)
{
  const char *path = g_getenv ("AUTHENTA_CLI");

  fail_unless (path != NULL && *path != '\0',
               "AUTHENTA_CLI is not set (run through meson test)");
  return path;
}

/* The CLI, with the emulator's key and URL; stdout and stderr to files. */
static GSubprocess *
spawn_cli (Fixture *f, const char *out, const char *err,
           const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;

  g_subprocess_launcher_setenv (launcher, "AUTHENTA_API_KEY", EMULATOR_KEY,
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "AUTHENTA_BASE_URL",
                                test_emulator_get_base_url (f->emu), TRUE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  g_subprocess_launcher_set_stderr_file_path (launcher, err);
  g_ptr_array_add (args, (char *)cli_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (char *)argv[i]);
  g_ptr_array_add (args, NULL);
  proc = g_subprocess_launcher_spawnv (
      launcher, (const char *const *)args->pdata, &error);
  fail_unless (proc != NULL, "cannot run %s: %s", cli_path (),
               error ? error->message : "");
  return proc;
}

static void
wait_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  GAsyncResult **result = user_data;

  (void)source;
  *result = g_object_ref (res);
}

/* Waits at most @timeout_ms for @proc; its exit status, or -1 when it was
 * still running (it is killed then). */
static int
wait_cli (GSubprocess *proc, gint64 timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  GAsyncResult *result = NULL;
  int status;

  g_subprocess_wait_async (proc, NULL, wait_done, &result);
  while (result == NULL && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10000);
  if (result == NULL)
    {
      /* Let the pending wait finish before @proc may go. */
      g_subprocess_force_exit (proc);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_object_unref (result);
      return -1;
    }
  fail_unless (g_subprocess_wait_finish (proc, result, NULL));
  g_object_unref (result);
  status = g_subprocess_get_if_exited (proc)
               ? g_subprocess_get_exit_status (proc)
               : 128 + g_subprocess_get_term_sig (proc);
  return status;
}

/* The verdict lines `spool run` printed: "f001.mp4: AUTHENTIC (…)". */
static GPtrArray *
verdict_lines (const char *path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return found;
  lines = g_strsplit (text, "\n", -1);
  /* The last one may be half written. */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    if (strstr (lines[i], ": AUTHENTIC") || strstr (lines[i], ": FAKE"))
      g_ptr_array_add (found, g_strdup (lines[i]));
  return found;
}

/* The emulator goes when fragment 0 has its verdict (before fragment 1's
 * scan starts, when fragment 2 opens), and the watcher starts; it comes
 * back once fragment OUTAGE_LAST is spooled (before fragment
 * OUTAGE_LAST + 1's scan starts): the scans of fragments OUTAGE_FIRST to
 * OUTAGE_LAST, and those only, find no service. */
static gboolean
drive_outage (Capture *c, GstMessage *msg, gpointer user_data)
{
  Outage *o = user_data;
  Fixture *f = c->fixture;
  const GstStructure *s;
  guint index;

  if ((s = element_structure (msg, "authenta-verdict")) && !o->down
      && gst_structure_get_uint (s, "fragment-index", &index) && index == 0)
    {
      g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", o->spool_dir);
      const char *argv[] = { "spool", "run", "--watch", opt, NULL };
      g_autofree char *log = test_emulator_dup_log (f->emu);

      o->creates_before = count_lines (log, "POST /api/media 201 ");
      test_emulator_pause (f->emu);
      o->down = TRUE;
      GST_INFO ("emulator stopped after fragment 0's verdict");
      o->watcher = spawn_cli (f, o->watch_out, o->watch_err, argv);
      return FALSE;
    }
  if ((s = element_structure (msg, "authenta-spooled")) && o->down && !o->back
      && gst_structure_get_uint (s, "fragment-index", &index)
      && index == OUTAGE_LAST)
    {
      test_emulator_resume (f->emu);
      o->back = TRUE;
      GST_INFO ("emulator back after fragment %u was spooled", index);
    }
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* spool-resume */

/* Records @path: one second of H.264 in MP4, as a fragment would be. */
static void
record_clip (const char *path)
{
  g_autofree char *desc = g_strdup_printf (
      "videotestsrc num-buffers=%u ! video/x-raw,width=160,height=120 ! "
      "x264enc speed-preset=ultrafast ! mp4mux ! filesink location=\"%s\"",
      FPS, path);
  g_autoptr (GstElement) pipeline = gst_parse_launch (desc, NULL);
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;

  fail_unless (pipeline != NULL);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND * slowdown (),
                                    GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* A recording an earlier run journaled and never scanned (a power cut):
 * with spool-resume, this capture's element finishes it beside the live
 * fragments, and its EOS waits for it. */
GST_START_TEST (test_spool_resume)
{
  Fixture f = { 0 };
  Capture c;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (AuthentaJournalEntry) e = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *spool = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *extra = NULL;
  guint resumed = 0, live = 0;
  gint64 id;

  fixture_setup (&f, "0.2");
  spool = g_build_filename (f.dir, "spool", NULL);
  clip = g_build_filename (spool, "left-behind.mp4", NULL);
  journal = authenta_journal_open (spool, &error);
  fail_unless (journal != NULL, "%s", error ? error->message : "");
  record_clip (clip);
  e = authenta_journal_add (journal, clip, NULL, "video/mp4", NULL, FALSE,
                            &error);
  fail_unless (e != NULL, "%s", error ? error->message : "");
  id = authenta_journal_entry_get_id (e);
  /* The earlier run is gone: so is its claim. */
  g_clear_object (&journal);

  capture_init (&c, &f);
  c.want_keep_file = "always";
  /* check-at-start off: its probe of POST /media would count as a create. */
  extra = g_strdup_printf (
      "keep-file=always check-at-start=false spool-dir=%s spool-resume=true",
      spool);
  pipeline = make_capture_pipeline (&c, 2 * FPS, extra);
  capture_run (&c, pipeline, 30, NULL, NULL);
  dump_messages (c.messages);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  fail_unless (
      GST_MESSAGE_TYPE (g_ptr_array_index (c.messages, c.messages->len - 1))
      == GST_MESSAGE_EOS);
  for (guint i = 0; i < c.messages->len; i++)
    {
      GstMessage *msg = c.messages->pdata[i];
      const GstStructure *v = element_structure (msg, "authenta-verdict");
      gboolean was_resumed = FALSE;
      gint64 journal_id = 0;

      fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING, "a WARNING");
      if (v == NULL)
        continue;
      gst_structure_get_boolean (v, "resumed", &was_resumed);
      fail_unless (gst_structure_get_int64 (v, "journal-id", &journal_id));
      if (was_resumed)
        {
          resumed++;
          fail_unless_equals_string (GST_MESSAGE_SRC_NAME (msg), "smux");
          fail_unless_equals_int64 (journal_id, id);
          fail_unless_equals_string (gst_structure_get_string (v, "location"),
                                     clip);
          fail_if (gst_structure_has_field (v, "fragment-index"));
        }
      else
        {
          live++;
          fail_if (journal_id == id);
          fail_unless (gst_structure_has_field (v, "fragment-index"));
        }
    }
  fail_unless_equals_int (resumed, 1);
  fail_unless (live >= 1, "no verdict for the live fragment");
  fail_unless_equals_int (test_emulator_get_count (f.emu, "create"), live + 1);

  journal = authenta_journal_open (spool, &error);
  g_clear_pointer (&e, authenta_journal_entry_unref);
  e = authenta_journal_lookup (journal, id, &error);
  fail_unless (e != NULL);
  fail_unless_equals_int (authenta_journal_entry_get_stage (e),
                          AUTHENTA_JOURNAL_STAGE_DONE);
  g_clear_object (&journal);
  capture_clear (&c);
  fixture_teardown (&f);
}
GST_END_TEST;

GST_START_TEST (test_outage_spooled)
{
  Fixture f = { 0 };
  Capture c;
  Outage o = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GPtrArray) verdicts = NULL;
  g_autofree char *extra = NULL;
  g_autofree char *watch_text = NULL;
  g_autofree int *outcome = NULL;
  g_autofree gint64 *journal_ids = NULL;
  guint frames = 0, n, spooled = 0;
  gint64 deadline, term_us;
  int eos, status;

  fixture_setup (&f, "0.1");
  capture_init (&c, &f);
  c.want_keep_file = "always";
  o.spool_dir = g_dir_make_tmp ("authentasplitmuxsink-spool-XXXXXX", &error);
  fail_unless (o.spool_dir != NULL, "%s", error ? error->message : "");
  o.watch_out = g_build_filename (o.spool_dir, "watch.out", NULL);
  o.watch_err = g_build_filename (o.spool_dir, "watch.err", NULL);
  extra = g_strdup_printf (
      "max-size-time=2000000000 keep-file=always spool-dir=%s", o.spool_dir);
  pipeline = make_capture_pipeline_full (&c, OUTAGE_FRAGMENTS * FPS,
                                         "key-int-max=30", extra);
  capture_run (&c, pipeline, 60, drive_outage, &o);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  dump_messages (c.messages);
  fail_unless (o.down, "fragment 0 had no verdict: the emulator never went");
  fail_unless (o.back, "fragment %d was never spooled", OUTAGE_LAST);
  fail_unless_equals_int (o.creates_before, 1);

  for (guint i = 0; i < c.messages->len; i++)
    fail_unless (GST_MESSAGE_TYPE (c.messages->pdata[i]) != GST_MESSAGE_ERROR,
                 "an ERROR from %s",
                 GST_MESSAGE_SRC_NAME (c.messages->pdata[i]));
  eos = c.messages->len - 1;
  fail_unless (GST_MESSAGE_TYPE (c.messages->pdata[eos]) == GST_MESSAGE_EOS);

  /* The recording went on: every frame is in a fragment file. */
  fail_unless_equals_int (c.source_buffers, OUTAGE_FRAGMENTS * FPS);
  files = list_files (f.dir);
  n = files->len;
  fail_unless (n >= 5 && n <= 7, "%u fragments of 2 s in 12 s", n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_build_filename (f.dir, files->pdata[i], NULL);
      guint in_file;

      fail_unless_equals_int (index_of_name (files->pdata[i]), i);
      in_file = count_demuxed_frames (path);
      GST_INFO ("%s: %u frames", (char *)files->pdata[i], in_file);
      fail_unless (in_file > 0, "%s is empty", path);
      frames += in_file;
    }
  fail_unless_equals_int (frames, c.source_buffers);
  fail_unless_equals_int (c.sinks_misconfigured, 0);

  /* One outcome per fragment before the EOS: the outage's spooled, each
   * after a WARNING from its sink, the others judged; none failed. */
  outcome = g_new (int, n);
  journal_ids = g_new0 (gint64, n);
  for (guint i = 0; i < n; i++)
    outcome[i] = -1;
  for (int i = 0; i < eos; i++)
    {
      GstMessage *msg = c.messages->pdata[i];
      const GstStructure *s = gst_message_get_structure (msg);
      gboolean is_spooled = element_structure (msg, "authenta-spooled") != NULL;
      g_autofree char *base = NULL;
      guint index;

      fail_unless (element_structure (msg, "authenta-failed") == NULL,
                   "authenta-failed from %s", GST_MESSAGE_SRC_NAME (msg));
      fail_unless (element_structure (msg, "authenta-pending") == NULL,
                   "authenta-pending: a scan outlived the shutdown time-out");
      if (!is_spooled && !element_structure (msg, "authenta-verdict"))
        continue;
      fail_unless (is_authentasink (GST_ELEMENT (GST_MESSAGE_SRC (msg))));
      fail_unless (gst_structure_get_uint (s, "fragment-index", &index));
      fail_unless (index < n, "fragment-index %u of %u files", index, n);
      fail_unless (outcome[index] < 0, "two outcomes for fragment %u", index);
      outcome[index] = is_spooled;
      fail_unless (
          gst_structure_get_int64 (s, "journal-id", &journal_ids[index])
              && journal_ids[index] > 0,
          "fragment %u's outcome without journal-id", index);
      base = g_path_get_basename (gst_structure_get_string (s, "location"));
      fail_unless_equals_string (base, files->pdata[index]);
      if (is_spooled)
        {
          gboolean warned = FALSE;

          spooled++;
          /* gstauthentaspool.c posts it just before the WARNING (the
           * element guide says after): either order is taken. */
          for (int j = 0; j < eos; j++)
            if (GST_MESSAGE_TYPE (c.messages->pdata[j]) == GST_MESSAGE_WARNING
                && GST_MESSAGE_SRC (c.messages->pdata[j])
                       == GST_MESSAGE_SRC (msg))
              warned = TRUE;
          fail_unless (warned, "fragment %u spooled without a WARNING", index);
        }
    }
  for (guint i = 0; i < n; i++)
    {
      fail_unless (outcome[i] >= 0, "no outcome for fragment %u", i);
      fail_unless (outcome[i] == (i >= OUTAGE_FIRST && i <= OUTAGE_LAST),
                   "fragment %u %s", i, outcome[i] ? "spooled" : "judged");
      for (guint j = 0; j < i; j++)
        fail_unless (journal_ids[i] != journal_ids[j]);
    }
  fail_unless_equals_int (spooled, OUTAGE_LAST - OUTAGE_FIRST + 1);

  /* The watcher, started while the service was away, delivers the spooled
   * fragments' verdicts, one each, then stops on SIGTERM with status 0. */
  fail_unless (o.watcher != NULL);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC * slowdown ();
  for (;;)
    {
      g_clear_pointer (&verdicts, g_ptr_array_unref);
      verdicts = verdict_lines (o.watch_out);
      if (verdicts->len >= spooled || g_get_monotonic_time () > deadline)
        break;
      /* Its identifier goes once GLib has reaped it. */
      fail_unless (g_subprocess_get_identifier (o.watcher) != NULL,
                   "spool run --watch exited before the verdicts");
      g_usleep (20 * G_TIME_SPAN_MILLISECOND);
    }
  term_us = g_get_monotonic_time ();
  g_subprocess_send_signal (o.watcher, SIGTERM);
  status = wait_cli (o.watcher, 5000 * slowdown ());
  GST_INFO ("the watcher exited %d %.2f s after SIGTERM", status,
            (g_get_monotonic_time () - term_us) / 1e6);
  g_file_get_contents (o.watch_out, &watch_text, NULL, NULL);
  GST_INFO ("spool run --watch printed:\n%s", watch_text ? watch_text : "");
  {
    g_autofree char *err_text = NULL;

    g_file_get_contents (o.watch_err, &err_text, NULL, NULL);
    GST_INFO ("and on stderr:\n%s", err_text ? err_text : "");
  }
  fail_unless_equals_int (status, 0);
  g_clear_pointer (&verdicts, g_ptr_array_unref);
  verdicts = verdict_lines (o.watch_out);
  fail_unless_equals_int (verdicts->len, spooled);
  for (guint i = OUTAGE_FIRST; i <= OUTAGE_LAST; i++)
    {
      /* The journaled path, as `scan` names its file. */
      g_autofree char *prefix
          = g_strdup_printf ("%s/%s: ", f.dir, (char *)files->pdata[i]);
      guint found = 0;

      for (guint j = 0; j < verdicts->len; j++)
        if (g_str_has_prefix (verdicts->pdata[j], prefix))
          found++;
      fail_unless_equals_int (found, 1);
    }

  /* The emulator back (a new process: fragment 0's record went with the
   * old one) holds one PROCESSED record per later fragment, each made
   * once. */
  {
    g_autofree char *out = g_build_filename (o.spool_dir, "list.out", NULL);
    g_autofree char *err = g_build_filename (o.spool_dir, "list.err", NULL);
    g_autofree char *text = NULL;
    g_autofree char *log = test_emulator_dup_log (f.emu);
    g_auto (GStrv) lines = NULL;
    const char *argv[] = { "list", "--all", "--json", NULL };
    g_autoptr (GSubprocess) list = spawn_cli (&f, out, err, argv);
    g_autofree guint *records = g_new0 (guint, n);
    guint total = 0;

    GST_INFO ("the emulator's log since it came back:\n%s", log);
    fail_unless_equals_int (count_lines (log, "POST /api/media 201 "), n - 1);
    fail_unless_equals_int (test_emulator_get_count (f.emu, "create"), n - 1);
    fail_unless_equals_int (wait_cli (list, 10000 * slowdown ()), 0);
    fail_unless (g_file_get_contents (out, &text, NULL, NULL));
    lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      {
        g_autoptr (JsonParser) parser = json_parser_new ();
        JsonObject *record;
        const char *name;

        if (*lines[i] == '\0')
          continue;
        fail_unless (json_parser_load_from_data (parser, lines[i], -1, NULL),
                     "not JSON: %s", lines[i]);
        record = json_node_get_object (json_parser_get_root (parser));
        fail_unless_equals_string (
            json_object_get_string_member (record, "status"), "PROCESSED");
        name = json_object_get_string_member (record, "name");
        fail_unless (name != NULL && index_of_name (name) >= 1
                         && (guint)index_of_name (name) < n,
                     "a record for %s", name ? name : "(null)");
        records[index_of_name (name)]++;
        total++;
      }
    fail_unless_equals_int (total, n - 1);
    for (guint i = 1; i < n; i++)
      fail_unless_equals_int (records[i], 1);
    g_unlink (out);
    g_unlink (err);
  }

  g_clear_object (&o.watcher);
  remove_dir (o.spool_dir);
  g_free (o.spool_dir);
  g_free (o.watch_out);
  g_free (o.watch_err);
  capture_clear (&c);
  fixture_teardown (&f);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Properties */

typedef struct
{
  const char *name;
  /* As on a launch line. */
  const char *value;
  /* Whether each fragment's authentasink gets it. */
  gboolean to_sink;
} PropertyCase;

static const PropertyCase property_cases[] = {
  { "location", "/nonexistent/x%03d.mp4", FALSE },
  { "max-size-time", "5000000000", FALSE },
  { "max-size-bytes", "1000000", FALSE },
  { "muxer-factory", "qtmux", FALSE },
  { "muxer-properties", "properties,faststart=true", FALSE },
  { "send-keyframe-requests", "false", FALSE },
  { "shutdown-timeout", "7", FALSE },
  { "base-url", "http://127.0.0.1:9/api", TRUE },
  { "model-type", "DF-1", TRUE },
  { "keep-file", "always", TRUE },
  { "on-error", "error", TRUE },
  { "temp-dir", "/nonexistent", TRUE },
  { "timeout", "12", TRUE },
  { "ca-file", "/nonexistent/ca.pem", TRUE },
  { "delete-remote", "true", TRUE },
  { "allow-insecure", "true", TRUE },
  { "check-at-start", "false", TRUE },
};

static void
check_property_is (GObject *object, const char *name, const char *value)
{
  GParamSpec *p
      = g_object_class_find_property (G_OBJECT_GET_CLASS (object), name);
  GValue want = G_VALUE_INIT, got = G_VALUE_INIT;

  fail_unless (p != NULL, "%s has no %s", G_OBJECT_TYPE_NAME (object), name);
  fail_unless (p->flags & G_PARAM_READABLE, "%s not readable", name);
  g_value_init (&want, p->value_type);
  g_value_init (&got, p->value_type);
  fail_unless (gst_value_deserialize (&want, value), "%s=%s", name, value);
  g_object_get_property (object, name, &got);
  fail_unless (gst_value_compare (&want, &got) == GST_VALUE_EQUAL,
               "%s of %s is %s, not %s", name, G_OBJECT_TYPE_NAME (object),
               gst_value_serialize (&got), value);
  g_value_unset (&want);
  g_value_unset (&got);
}

/* No readable property of @object holds @secret. */
static void
check_no_property_holds (GObject *object, const char *secret)
{
  guint n;
  g_autofree GParamSpec **specs
      = g_object_class_list_properties (G_OBJECT_GET_CLASS (object), &n);

  for (guint i = 0; i < n; i++)
    {
      GValue v = G_VALUE_INIT;
      g_autofree char *text = NULL;

      if (!(specs[i]->flags & G_PARAM_READABLE))
        continue;
      g_value_init (&v, specs[i]->value_type);
      g_object_get_property (object, specs[i]->name, &v);
      if (G_VALUE_HOLDS_STRING (&v))
        text = g_value_dup_string (&v);
      else if (G_VALUE_HOLDS (&v, GST_TYPE_STRUCTURE)
               && gst_value_get_structure (&v))
        text = gst_structure_to_string (gst_value_get_structure (&v));
      fail_unless (text == NULL || strstr (text, secret) == NULL,
                   "%s's %s shows the key", GST_OBJECT_NAME (object),
                   specs[i]->name);
      g_value_unset (&v);
    }
}

GST_START_TEST (test_properties)
{
  g_autoptr (GstElement) pipeline = gst_pipeline_new (NULL);
  GstElement *smux = gst_element_factory_make ("authentasplitmuxsink", "smux");
  GParamSpec *key;
  GstIterator *it;
  GValue item = G_VALUE_INIT;
  g_autofree char *dot = NULL;
  guint sinks = 0;

  fail_unless (smux != NULL);
  /* Defaults. */
  check_property_is (G_OBJECT (smux), "on-error", "warning");
  check_property_is (G_OBJECT (smux), "max-size-time", "60000000000");
  check_property_is (G_OBJECT (smux), "muxer-factory", "mp4mux");
  check_property_is (G_OBJECT (smux), "shutdown-timeout", "30");
  check_property_is (G_OBJECT (smux), "max-size-bytes", "0");
  check_property_is (G_OBJECT (smux), "send-keyframe-requests", "true");
  check_property_is (G_OBJECT (smux), "keep-file", "on-failure");

  /* The key: write-only. */
  key = g_object_class_find_property (G_OBJECT_GET_CLASS (smux), "api-key");
  fail_unless (key != NULL);
  fail_unless (key->flags & G_PARAM_WRITABLE);
  fail_unless (!(key->flags & G_PARAM_READABLE), "api-key is readable");
  g_object_set (smux, "api-key", CANARY_KEY, NULL);

  /* Round trips. */
  for (guint i = 0; i < G_N_ELEMENTS (property_cases); i++)
    {
      gst_util_set_object_arg (G_OBJECT (smux), property_cases[i].name,
                               property_cases[i].value);
      check_property_is (G_OBJECT (smux), property_cases[i].name,
                         property_cases[i].value);
    }

  /* The first fragment's sink is made at READY: it has the values, and
   * nothing shows the key. */
  fail_unless (gst_bin_add (GST_BIN (pipeline), smux));
  fail_unless (gst_element_set_state (pipeline, GST_STATE_READY)
               == GST_STATE_CHANGE_SUCCESS);
  it = gst_bin_iterate_recurse (GST_BIN (pipeline));
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstElement *e = g_value_get_object (&item);

      check_no_property_holds (G_OBJECT (e), CANARY_KEY);
      if (is_authentasink (e))
        {
          GParamSpec *sink_key = g_object_class_find_property (
              G_OBJECT_GET_CLASS (e), "api-key");

          sinks++;
          fail_unless (!(sink_key->flags & G_PARAM_READABLE));
          for (guint i = 0; i < G_N_ELEMENTS (property_cases); i++)
            if (property_cases[i].to_sink)
              check_property_is (G_OBJECT (e), property_cases[i].name,
                                 property_cases[i].value);
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);
  gst_iterator_free (it);
  fail_unless (sinks >= 1, "no fragment sink at READY");

  dot = gst_debug_bin_to_dot_data (GST_BIN (pipeline),
                                   GST_DEBUG_GRAPH_SHOW_ALL
                                       | GST_DEBUG_GRAPH_SHOW_FULL_PARAMS);
  fail_unless (strstr (dot, "authentasink") != NULL,
               "the dump does not show the fragment sink");
  fail_unless (strstr (dot, CANARY_KEY) == NULL, "the dump shows the key");

  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Location pattern */

typedef struct
{
  const char *pattern;
  const char *muxer;
  /* The names it gives: prefix, index in so many digits, suffix. */
  const char *prefix;
  int digits;
  const char *suffix;
} LocationCase;

static const LocationCase location_cases[] = {
  { "f%03d.mp4", "mp4mux", "f", 3, ".mp4" },
  { "door-%05d.mov", "qtmux", "door-", 5, ".mov" },
};

static void
run_location_case (const LocationCase *lc)
{
  Fixture f = { 0 };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) smux = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *desc = NULL;
  g_autofree gboolean *judged = NULL;
  g_autofree gboolean *closed = NULL;
  Capture c;

  fixture_setup (&f, "0.05");
  capture_init (&c, &f);
  c.want_keep_file = "always";
  desc = g_strdup_printf (
      "videotestsrc num-buffers=60 ! "
      "video/x-raw,width=160,height=120,framerate=30/1 ! "
      "x264enc speed-preset=ultrafast key-int-max=15 ! "
      "authentasplitmuxsink name=smux base-url=%s api-key=%s "
      "max-size-time=1000000000 keep-file=always muxer-factory=%s "
      "location=%s/%s",
      test_emulator_get_base_url (f.emu), EMULATOR_KEY, lc->muxer, f.dir,
      lc->pattern);
  pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
               error ? error->message : "");
  smux = gst_bin_get_by_name (GST_BIN (pipeline), "smux");
  g_signal_connect (smux, "deep-element-added",
                    G_CALLBACK (on_deep_element_added), &c);
  capture_run (&c, pipeline, 60, NULL, NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  dump_messages (c.messages);
  fail_unless (GST_MESSAGE_TYPE (c.messages->pdata[c.messages->len - 1])
               == GST_MESSAGE_EOS);

  /* The files are the pattern's, from 0, and nothing else. */
  files = list_files (f.dir);
  fail_unless (files->len >= 2, "%u fragments", files->len);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *name
          = g_strdup_printf ("%s%0*u%s", lc->prefix, lc->digits, i, lc->suffix);

      fail_unless_equals_string (files->pdata[i], name);
    }
  fail_unless_equals_int (c.sinks_misconfigured, 0);

  /* Each verdict and progress names its fragment's file. */
  judged = g_new0 (gboolean, files->len);
  closed = g_new0 (gboolean, files->len);
  for (guint i = 0; i < c.messages->len; i++)
    {
      GstMessage *msg = c.messages->pdata[i];
      const GstStructure *s = gst_message_get_structure (msg);
      gboolean verdict = element_structure (msg, "authenta-verdict") != NULL;
      g_autofree char *expected = NULL;
      guint index;

      fail_unless (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR
                       && GST_MESSAGE_TYPE (msg) != GST_MESSAGE_WARNING,
                   "a %s", GST_MESSAGE_TYPE_NAME (msg));
      /* splitmuxsink's own messages come through, each fragment's closing
       * before the EOS. */
      if (element_structure (msg, "splitmuxsink-fragment-closed"))
        {
          g_autofree char *base
              = g_path_get_basename (gst_structure_get_string (s, "location"));

          for (guint j = 0; j < files->len; j++)
            if (g_str_equal (base, files->pdata[j]))
              closed[j] = TRUE;
          continue;
        }
      if (!verdict && !element_structure (msg, "authenta-progress"))
        continue;
      fail_unless (gst_structure_get_uint (s, "fragment-index", &index));
      fail_unless (index < files->len);
      expected = g_build_filename (f.dir, files->pdata[index], NULL);
      fail_unless_equals_string (gst_structure_get_string (s, "location"),
                                 expected);
      if (verdict)
        {
          fail_unless (!judged[index], "two verdicts for %u", index);
          judged[index] = TRUE;
        }
    }
  for (guint i = 0; i < files->len; i++)
    {
      fail_unless (judged[i], "no verdict for %s", (char *)files->pdata[i]);
      fail_unless (closed[i], "%s not closed before the EOS",
                   (char *)files->pdata[i]);
    }

  capture_clear (&c);
  fixture_teardown (&f);
}

GST_START_TEST (test_location_pattern)
{
  run_location_case (&location_cases[__i__]);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* Audio alone: a live call or a radio feed, judged every few seconds */

typedef struct
{
  const char *encoder;
  const char *extra; /* the task, or nothing: audio's default */
} AudioCase;

static const AudioCase audio_cases[] = {
  { "opusenc", NULL },
  { "lamemp3enc ! mpegaudioparse", "task=ai-audio-detection" },
};

static void
run_audio_case (const AudioCase *ac)
{
  Fixture f = { 0 };
  Capture c;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *desc = NULL;
  g_autoptr (GstElement) smux = NULL;
  guint verdicts = 0;

  GST_INFO ("case: %s %s", ac->encoder, ac->extra ? ac->extra : "");
  fixture_setup (&f, "0.2");
  capture_init (&c, &f);
  c.want_keep_file = "always";
  /* 6 s of live audio in 100 ms buffers (at 48 kHz, which both encoders
   * take), cut every 2 s. */
  desc = g_strdup_printf (
      "audiotestsrc is-live=true samplesperbuffer=4800 num-buffers=60 ! "
      "audio/x-raw,rate=48000 ! %s ! authentasplitmuxsink name=smux "
      "base-url=%s api-key=%s max-size-time=2000000000 "
      "location=%s/f%%03d.m4a keep-file=always %s",
      ac->encoder, test_emulator_get_base_url (f.emu), EMULATOR_KEY, f.dir,
      ac->extra ? ac->extra : "");
  pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL && error == NULL, "%s: %s", desc,
               error ? error->message : "");
  smux = gst_bin_get_by_name (GST_BIN (pipeline), "smux");
  g_signal_connect (smux, "deep-element-added",
                    G_CALLBACK (on_deep_element_added), &c);
  capture_run (&c, pipeline, 40, NULL, NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  dump_messages (c.messages);

  files = list_files (f.dir);
  fail_unless (files->len >= 2, "%u fragments of 2 s in 6 s", files->len);
  for (guint i = 0; i < c.messages->len; i++)
    {
      GstMessage *msg = c.messages->pdata[i];
      const GstStructure *s = element_structure (msg, "authenta-verdict");
      g_autoptr (JsonNode) json = NULL;
      JsonArray *inputs;
      guint index;

      fail_unless (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR
                       && GST_MESSAGE_TYPE (msg) != GST_MESSAGE_WARNING,
                   "a %s from %s", GST_MESSAGE_TYPE_NAME (msg),
                   GST_MESSAGE_SRC_NAME (msg));
      if (s == NULL)
        continue;
      fail_unless_equals_string (gst_structure_get_string (s, "api"), "jobs");
      fail_unless_equals_string (gst_structure_get_string (s, "task"),
                                 "ai-audio-detection");
      fail_unless (gst_structure_get_uint (s, "fragment-index", &index));
      fail_unless (index < files->len);
      /* The fragment went as M4A, whatever MP4 brand mp4mux gave it. */
      json = json_from_string (gst_structure_get_string (s, "json"), NULL);
      fail_unless (json != NULL);
      inputs = json_object_get_array_member (json_node_get_object (json),
                                             "inputs");
      fail_unless_equals_string (
          json_object_get_string_member (
              json_array_get_object_element (inputs, 0), "contentType"),
          "audio/mp4");
      verdicts++;
    }
  fail_unless_equals_int (verdicts, files->len);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-create"),
                          files->len);
  fail_unless_equals_int (c.sinks_misconfigured, 0);
  capture_clear (&c);
  fixture_teardown (&f);
}

GST_START_TEST (test_audio_only)
{
  for (guint i = 0; i < G_N_ELEMENTS (audio_cases); i++)
    run_audio_case (&audio_cases[i]);
}
GST_END_TEST;

static Suite *
authentasplitmuxsink_suite (void)
{
  Suite *s = suite_create ("authentasplitmuxsink");
  TCase *tc = tcase_create ("general");

  /* meson's per-test timeout is the real bound; this one catches a hang
   * when the program is run by hand. */
  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_live_fragments);
  tcase_add_test (tc, test_one_fragment_fails);
  tcase_add_test (tc, test_shutdown_timeout_pending);
  tcase_add_test (tc, test_stop_lists_pending);
  tcase_add_test (tc, test_outage_spooled);
  tcase_add_test (tc, test_spool_resume);
  tcase_add_test (tc, test_properties);
  tcase_add_test (tc, test_audio_only);
  tcase_add_loop_test (tc, test_location_pattern, 0,
                       G_N_ELEMENTS (location_cases));
  return s;
}

GST_CHECK_MAIN (authentasplitmuxsink);
