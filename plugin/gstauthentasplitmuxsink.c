/* authentasplitmuxsink: continuous capture, with a verdict for every
 * fragment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-authentasplitmuxsink
 * @title: authentasplitmuxsink
 *
 * authentasplitmuxsink is the element a live capture pipeline ends in: a bin
 * around splitmuxsink (as hlssink2 is) that cuts the encoded, unmuxed video
 * (H.264, H.265, VP8 or VP9, with optional audio) into fragments at key
 * frames every #GstAuthentaSplitMuxSink:max-size-time, muxes each with
 * #GstAuthentaSplitMuxSink:muxer-factory (MP4 by default) and has each one
 * checked by its own authentasink, in the background: the recording never
 * waits for a scan.
 *
 * Since 0.4 it also takes audio alone (a live call, a radio feed: Opus, MP3
 * or AAC on an `audio_%u` pad and no video): the first audio stream times
 * the fragments, each an M4A file checked by the `task` set here, or by
 * `ai-audio-detection` when neither `task` nor `model-type` is set.
 *
 * Every fragment gets one `authenta-verdict` element message, or with the
 * default `on-error=warning` a WARNING and an `authenta-failed` message
 * when its scan failed (an outage costs that fragment's verdict, never the
 * recording).  Those messages, and the fragment's `authenta-progress`
 * messages, carry the fields authentasink gives them plus `fragment-index`
 * (from 0, as the `location` pattern counts), `running-time-start` and
 * `running-time-end` (nanoseconds of the pipeline's running time: one
 * fragment's end is the next one's start) and `wall-clock-start` (UTC,
 * ISO 8601, when the fragment's first frame was captured).  Their source is
 * the fragment's authentasink.
 *
 * At the final EOS the element waits for the scans still running, at most
 * #GstAuthentaSplitMuxSink:shutdown-timeout seconds; then, if some did not
 * finish, it posts an `authenta-pending` element message whose `fragments`
 * field lists them (`fragment-index`, `mid`, `location`, `stage`), with
 * `reason` "shutdown-timeout", and lets the EOS through.  Those scans go on
 * until the pipeline is set to NULL; each stopped one is reported by its
 * authentasink, with the kept file.  Stopped (set to READY or NULL) before
 * its EOS was posted, the element posts one `authenta-pending` with
 * `reason` "stopped", listing every fragment not judged yet, the one being
 * recorded included (stage "recording").
 *
 * The API key, base URL, model and the other scan settings are set once on
 * this element and given to every fragment's authentasink; the key is
 * write-only here as there, and never shown by `gst-launch-1.0 -v` or a
 * pipeline dump.
 *
 * These properties are authentasink's, with its names, types, ranges and
 * descriptions, set once here and given to every fragment's authentasink
 * (see #GstAuthentaSink for each):
 *
 * - `api-key` (write-only), `base-url`, `model-type`, `task` (since 0.4),
 *   `ca-file`, `allow-insecure`, `timeout`: the service, what it checks
 *   for, and how it is reached;
 * - `keep-file`: what becomes of a fragment's file after its verdict;
 * - `on-error`: `warning` by default here (authentasink's is `error`): a
 *   fragment whose scan failed costs its verdict, never the recording;
 * - `temp-dir`: where fragments are recorded without `location`;
 * - `delete-remote`: delete each fragment's record after its verdict;
 * - `check-at-start`: the first fragment's sink checks the key and the
 *   service when the pipeline starts;
 * - `spool-dir` (since 0.3): every fragment is journaled there before its
 *   first request; a fragment whose scan fails for a transient reason posts
 *   a WARNING and `authenta-spooled` (not `authenta-failed`), and
 *   `authenta spool run --spool-dir DIR` finishes it.
 *
 * With #GstAuthentaSplitMuxSink:spool-dir set, `authenta-pending` also
 * has a `spool-dir` field, and each of its `fragments` a `journal-id`
 * (gint64: the fragment's journal entry, from its sink's messages; 0 when
 * its sink has not posted one yet), so that the listing says what
 * `authenta spool run` will finish.
 *
 * ## Example launch line
 * |[
 * export AUTHENTA_API_KEY=...
 * gst-launch-1.0 -m -e v4l2src ! videoconvert ! x264enc tune=zerolatency ! \
 *     h264parse ! authentasplitmuxsink max-size-time=60000000000 \
 *       location=/srv/camera/door%05d.mp4 keep-file=always
 * ]| A camera that never stops: one-minute MP4 fragments kept in
 * /srv/camera, each with its verdict.
 * |[
 * gst-launch-1.0 -m -e pulsesrc ! audioconvert ! opusenc ! \
 *     authentasplitmuxsink task=ai-audio-detection \
 *       max-size-time=10000000000 location=/srv/calls/call%05d.m4a
 * ]| A live call: a voice-clone verdict every ten seconds.
 *
 * Since: 0.3
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstauthentasplitmuxsink.h"
#include "gstauthentaresume.h"
#include "gstauthentasink.h"

#include <authenta/authenta.h>
#include <gst/pbutils/missing-plugins.h>

GST_DEBUG_CATEGORY_STATIC (gst_authenta_split_mux_sink_debug);
#define GST_CAT_DEFAULT gst_authenta_split_mux_sink_debug

#define DEFAULT_SHUTDOWN_TIMEOUT 30
#define DEFAULT_MAX_SIZE_TIME (60 * GST_SECOND)
#define DEFAULT_MAX_SIZE_BYTES 0
#define DEFAULT_MUXER_FACTORY "mp4mux"
#define DEFAULT_SEND_KEYFRAME_REQUESTS TRUE
/* A camera's recording goes on when one fragment's scan fails. */
#define DEFAULT_ON_ERROR GST_AUTHENTA_SINK_ON_ERROR_WARNING

/* The stage of a fragment whose authentasink has not posted progress yet:
 * still being recorded (its end unknown), or recorded, its record being
 * created. */
#define STAGE_RECORDING "recording"
#define STAGE_NOT_STARTED "creating"

enum
{
  PROP_0,
  PROP_SHUTDOWN_TIMEOUT,
  PROP_LOCATION,
  PROP_START_INDEX,
  PROP_MAX_SIZE_TIME,
  PROP_MAX_SIZE_BYTES,
  PROP_MUXER_FACTORY,
  PROP_MUXER_PROPERTIES,
  PROP_SEND_KEYFRAME_REQUESTS,
  PROP_SPOOL_RESUME,
  /* Then one for each of sink_properties[], in order. */
  PROP_FIRST_SINK_PROPERTY,
};

/* authentasink's properties this element takes and gives to the authentasink
 * of every fragment; their descriptions are authentasink's own. */
static const char *const sink_properties[] = {
  "api-key",       "base-url",       "model-type",     "keep-file",
  "on-error",      "temp-dir",       "timeout",        "ca-file",
  "delete-remote", "allow-insecure", "check-at-start", "spool-dir",
  "task",
};
#define N_SINK_PROPERTIES G_N_ELEMENTS (sink_properties)

/* What the element knows of one fragment, from the authentasink that
 * records it being added until splitmuxsink says that sink is done. */
typedef struct
{
  GstElement *sink;
  guint index;
  GstClockTime start;
  GstClockTime end;
  char *wall_clock_start;
  char *mid;
  char *location;
  char *stage;
  /* The fragment's journal entry (with spool-dir), from its sink's
   * messages; 0 until one said it. */
  gint64 journal_id;
  /* The verdict or authenta-failed message, held until the end is known. */
  GQueue held;
  gboolean closed;
} Fragment;

struct _GstAuthentaSplitMuxSink
{
  GstBin parent;

  GstElement *splitmux;

  /* Properties, under the object lock. */
  guint shutdown_timeout;
  /* Not given to the fragments' sinks: this element resumes, once. */
  gboolean spool_resume;
  /* The values of sink_properties[] set on this element (unset GValues are
   * authentasink's defaults, but on-error, whose default differs). */
  GValue sink_values[N_SINK_PROPERTIES];

  /* Everything below is under lock. */
  GMutex lock;
  /* Fragment *, oldest first; done fragments are dropped. */
  GQueue fragments;
  guint next_index;
  /* The pad whose buffers time the fragments, as splitmuxsink's reference
   * stream: the video pad, else (audio only) the first audio pad.  Not a
   * reference: cleared when the pad is released. */
  GstPad *reference;
  gboolean has_video;
  /* The running time the last reference buffer in ends at. */
  GstClockTime input_end;
  GstSegment segment;
  /* Request pads, and how many of them have seen the final EOS. */
  guint n_pads;
  guint n_pads_eos;
  guint32 eos_seqnum;
  gboolean eos_in;
  gboolean eos_posted;
  GstClockID shutdown_id;
  /* spool-resume's pass is under way: the final EOS waits for it too. */
  gboolean resume_running;

  /* State changes only: spool-resume's pass, READY to PAUSED and back. */
  GstAuthentaResume *resume;
};

#define gst_authenta_split_mux_sink_parent_class parent_class
G_DEFINE_TYPE (GstAuthentaSplitMuxSink, gst_authenta_split_mux_sink,
               GST_TYPE_BIN);
GST_ELEMENT_REGISTER_DEFINE (authentasplitmuxsink, "authentasplitmuxsink",
                             GST_RANK_NONE, GST_TYPE_AUTHENTA_SPLIT_MUX_SINK);

/* The video formats the service's video models take. */
static GstStaticPadTemplate video_template
    = GST_STATIC_PAD_TEMPLATE ("video", GST_PAD_SINK, GST_PAD_REQUEST,
                               GST_STATIC_CAPS ("video/x-h264; video/x-h265; "
                                                "video/x-vp8; video/x-vp9"));
static GstStaticPadTemplate audio_template = GST_STATIC_PAD_TEMPLATE (
    "audio_%u", GST_PAD_SINK, GST_PAD_REQUEST, GST_STATIC_CAPS_ANY);

/* ------------------------------------------------------------------------ */
/* Fragments */

static void
fragment_free (Fragment *f)
{
  GstMessage *msg;

  while ((msg = g_queue_pop_head (&f->held)))
    gst_message_unref (msg);
  gst_clear_object (&f->sink);
  g_free (f->wall_clock_start);
  g_free (f->mid);
  g_free (f->location);
  g_free (f->stage);
  g_free (f);
}

/* Called with lock held. */
static Fragment *
find_fragment (GstAuthentaSplitMuxSink *self, GstObject *sink)
{
  for (GList *l = self->fragments.head; l; l = l->next)
    {
      Fragment *f = l->data;

      if ((GstObject *)f->sink == sink)
        return f;
    }
  return NULL;
}

/* UTC, ISO 8601 with milliseconds, of @real_us (g_get_real_time()). */
static char *
format_wall_clock (gint64 real_us)
{
  g_autoptr (GDateTime) dt
      = g_date_time_new_from_unix_utc (real_us / G_USEC_PER_SEC);
  g_autofree char *seconds = NULL;

  if (dt == NULL)
    return NULL;
  seconds = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
  return g_strdup_printf ("%s.%03dZ", seconds,
                          (int)(real_us % G_USEC_PER_SEC / 1000));
}

/* The wall-clock time at which the pipeline's running time was @running_time:
 * now, less how far the running time has gone on since. */
static gint64
real_time_of (GstAuthentaSplitMuxSink *self, GstClockTime running_time)
{
  gint64 now_us = g_get_real_time ();
  g_autoptr (GstClock) clock = gst_element_get_clock (GST_ELEMENT (self));
  GstClockTime base = gst_element_get_base_time (GST_ELEMENT (self));
  GstClockTime now;

  if (clock == NULL || !GST_CLOCK_TIME_IS_VALID (running_time))
    return now_us;
  now = gst_clock_get_time (clock);
  if (now < base || now - base < running_time)
    return now_us;
  return now_us - (gint64)((now - base - running_time) / GST_USECOND);
}

/* Adds what this element knows of @f to one of its authentasink's
 * messages. */
static GstMessage *
annotate (GstMessage *msg, const Fragment *f)
{
  GstStructure *s;

  msg = gst_message_make_writable (msg);
  s = gst_message_writable_structure (msg);
  gst_structure_set (
      s, "fragment-index", G_TYPE_UINT, f->index, "running-time-start",
      GST_TYPE_CLOCK_TIME, f->start, "running-time-end", GST_TYPE_CLOCK_TIME,
      f->end, "wall-clock-start", G_TYPE_STRING, f->wall_clock_start, NULL);
  return msg;
}

/* Called with lock held: @f's end is known, so its held messages can go;
 * they are added to @out, to be posted once the lock is released. */
static void
release_held (Fragment *f, GQueue *out)
{
  GstMessage *msg;

  while ((msg = g_queue_pop_head (&f->held)))
    g_queue_push_tail (out, annotate (msg, f));
}

/* Posts @messages, then @then (a child's message, or NULL), and this
 * element's EOS, when it is among @messages, last of all: an application
 * that stops at EOS still sees the last fragment's
 * splitmuxsink-fragment-closed. */
static void
post_all (GstAuthentaSplitMuxSink *self, GQueue *messages, GstMessage *then)
{
  GstMessage *msg, *eos = NULL;

  while ((msg = g_queue_pop_head (messages)))
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
      {
        g_assert (eos == NULL);
        eos = msg;
      }
    else
      GST_BIN_CLASS (parent_class)->handle_message (GST_BIN (self), msg);
  if (then)
    GST_BIN_CLASS (parent_class)->handle_message (GST_BIN (self), then);
  /* This element's own EOS goes to its parent: GstBin would count it as
   * the EOS of a child. */
  if (eos)
    gst_element_post_message (GST_ELEMENT (self), eos);
}

/* Called with lock held: drops the fragments splitmuxsink is done with. */
static void
drop_closed_fragments (GstAuthentaSplitMuxSink *self)
{
  GList *l = self->fragments.head;

  while (l)
    {
      GList *next = l->next;
      Fragment *f = l->data;

      if (f->closed && g_queue_is_empty (&f->held))
        {
          g_queue_delete_link (&self->fragments, l);
          fragment_free (f);
        }
      l = next;
    }
}

/* ------------------------------------------------------------------------ */
/* End of stream */

/* Called with lock held. */
static void
cancel_shutdown_timer (GstAuthentaSplitMuxSink *self)
{
  if (self->shutdown_id == NULL)
    return;
  gst_clock_id_unschedule (self->shutdown_id);
  gst_clock_id_unref (self->shutdown_id);
  self->shutdown_id = NULL;
}

static gboolean
all_closed (GstAuthentaSplitMuxSink *self)
{
  for (GList *l = self->fragments.head; l; l = l->next)
    if (!((Fragment *)l->data)->closed)
      return FALSE;
  return TRUE;
}

/* Called with lock held: what the final EOS waits for is over. */
static gboolean
scans_over (GstAuthentaSplitMuxSink *self)
{
  return all_closed (self) && !self->resume_running;
}

/* Called with lock held: the EOS message, once every fragment's scan is
 * over or the shutdown time-out is up; NULL when it was already posted. */
static GstMessage *
take_eos (GstAuthentaSplitMuxSink *self)
{
  GstMessage *eos;

  if (self->eos_posted || !self->eos_in)
    return NULL;
  cancel_shutdown_timer (self);
  self->eos_posted = TRUE;
  eos = gst_message_new_eos (GST_OBJECT (self));
  if (self->eos_seqnum != GST_SEQNUM_INVALID)
    gst_message_set_seqnum (eos, self->eos_seqnum);
  return eos;
}

/* The spool-dir given to the fragments' sinks, or NULL. */
static char *
dup_spool_dir (GstAuthentaSplitMuxSink *self)
{
  char *spool_dir = NULL;

  GST_OBJECT_LOCK (self);
  for (guint i = 0; i < N_SINK_PROPERTIES; i++)
    if (g_str_equal (sink_properties[i], "spool-dir")
        && G_IS_VALUE (&self->sink_values[i]))
      spool_dir = g_value_dup_string (&self->sink_values[i]);
  GST_OBJECT_UNLOCK (self);
  if (spool_dir != NULL && *spool_dir == '\0')
    g_clear_pointer (&spool_dir, g_free);
  return spool_dir;
}

/* Called with lock held: how far @f's scan got. */
static const char *
fragment_stage (GstAuthentaSplitMuxSink *self, const Fragment *f)
{
  if (f->stage != NULL)
    return f->stage;
  /* Its end is known once the next fragment opened, or the final EOS came
   * in for the newest one. */
  if (GST_CLOCK_TIME_IS_VALID (f->end)
      || (self->eos_in && f == g_queue_peek_tail (&self->fragments)))
    return STAGE_NOT_STARTED;
  return STAGE_RECORDING;
}

/* Called with lock held: the authenta-pending message listing the fragments
 * whose scans are still running; @reason says why they stop being waited
 * for ("shutdown-timeout", "stopped"). */
static GstMessage *
make_pending_message (GstAuthentaSplitMuxSink *self, const char *reason)
{
  GValue list = G_VALUE_INIT;
  g_autofree char *spool_dir = dup_spool_dir (self);
  GstStructure *s;

  gst_value_list_init (&list, self->fragments.length);
  for (GList *l = self->fragments.head; l; l = l->next)
    {
      Fragment *f = l->data;
      GValue v = G_VALUE_INIT;

      if (f->closed)
        continue;
      g_value_init (&v, GST_TYPE_STRUCTURE);
      g_value_take_boxed (
          &v, gst_structure_new (
                  "fragment", "fragment-index", G_TYPE_UINT, f->index, "mid",
                  G_TYPE_STRING, f->mid, "location", G_TYPE_STRING, f->location,
                  "stage", G_TYPE_STRING, fragment_stage (self, f), NULL));
      /* 0 for a fragment whose sink has not said its entry yet (it is
       * journaled all the same, before its first request). */
      if (spool_dir != NULL)
        gst_structure_set (g_value_get_boxed (&v), "journal-id", G_TYPE_INT64,
                           f->journal_id, NULL);
      gst_value_list_append_and_take_value (&list, &v);
    }
  s = gst_structure_new ("authenta-pending", "reason", G_TYPE_STRING, reason,
                         NULL);
  gst_structure_take_value (s, "fragments", &list);
  /* Where `authenta spool run --spool-dir DIR` will finish them. */
  if (spool_dir != NULL)
    gst_structure_set (s, "spool-dir", G_TYPE_STRING, spool_dir, NULL);
  return gst_message_new_element (GST_OBJECT (self), s);
}

static gboolean
on_shutdown_timeout (GstClock *clock, GstClockTime time, GstClockID id,
                     gpointer user_data)
{
  GstAuthentaSplitMuxSink *self = user_data;
  GstMessage *pending = NULL, *eos = NULL;

  g_mutex_lock (&self->lock);
  if (self->shutdown_id == id && !self->eos_posted)
    {
      GST_WARNING_OBJECT (self, "scans still running after %u s: EOS anyway",
                          self->shutdown_timeout);
      pending = make_pending_message (self, "shutdown-timeout");
      eos = take_eos (self);
    }
  g_mutex_unlock (&self->lock);
  if (pending)
    gst_element_post_message (GST_ELEMENT (self), pending);
  if (eos)
    gst_element_post_message (GST_ELEMENT (self), eos);
  return TRUE;
}

/* Called with lock held, once the final EOS reached every pad. */
static void
start_shutdown (GstAuthentaSplitMuxSink *self, GQueue *out)
{
  guint timeout;
  GstClock *clock;

  if (scans_over (self))
    {
      GstMessage *eos = take_eos (self);

      if (eos)
        g_queue_push_tail (out, eos);
      return;
    }
  GST_OBJECT_LOCK (self);
  timeout = self->shutdown_timeout;
  GST_OBJECT_UNLOCK (self);
  if (timeout == 0)
    return;
  clock = gst_system_clock_obtain ();
  self->shutdown_id = gst_clock_new_single_shot_id (
      clock, gst_clock_get_time (clock) + timeout * GST_SECOND);
  gst_clock_id_wait_async (self->shutdown_id, on_shutdown_timeout,
                           gst_object_ref (self), gst_object_unref);
  gst_object_unref (clock);
}

/* Whether @pad is the reference stream's. */
static gboolean
is_reference (GstAuthentaSplitMuxSink *self, GstPad *pad)
{
  gboolean is;

  g_mutex_lock (&self->lock);
  is = self->reference == pad;
  g_mutex_unlock (&self->lock);
  return is;
}

/* Watches what comes in: the running time the reference stream ends at,
 * and the final EOS on every pad. */
static GstPadProbeReturn
input_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  GstAuthentaSplitMuxSink *self = user_data;
  GQueue out = G_QUEUE_INIT;

  /* Buffers are watched on the reference pad only. */
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      if (!is_reference (self, pad))
        return GST_PAD_PROBE_OK;
      GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
      GstClockTime ts = GST_BUFFER_PTS_IS_VALID (buf) ? GST_BUFFER_PTS (buf)
                                                      : GST_BUFFER_DTS (buf);
      GstClockTime rt;

      if (!GST_CLOCK_TIME_IS_VALID (ts))
        return GST_PAD_PROBE_OK;
      if (GST_BUFFER_DURATION_IS_VALID (buf))
        ts += GST_BUFFER_DURATION (buf);
      g_mutex_lock (&self->lock);
      rt = gst_segment_to_running_time (&self->segment, GST_FORMAT_TIME, ts);
      if (GST_CLOCK_TIME_IS_VALID (rt)
          && (!GST_CLOCK_TIME_IS_VALID (self->input_end)
              || rt > self->input_end))
        self->input_end = rt;
      g_mutex_unlock (&self->lock);
      return GST_PAD_PROBE_OK;
    }

  switch (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)))
    {
    case GST_EVENT_SEGMENT:
      if (is_reference (self, pad))
        {
          g_mutex_lock (&self->lock);
          gst_event_copy_segment (GST_PAD_PROBE_INFO_EVENT (info),
                                  &self->segment);
          g_mutex_unlock (&self->lock);
        }
      break;
    case GST_EVENT_EOS:
      g_mutex_lock (&self->lock);
      if (++self->n_pads_eos == self->n_pads && !self->eos_in)
        {
          self->eos_in = TRUE;
          self->eos_seqnum
              = gst_event_get_seqnum (GST_PAD_PROBE_INFO_EVENT (info));
          start_shutdown (self, &out);
        }
      g_mutex_unlock (&self->lock);
      post_all (self, &out, NULL);
      break;
    case GST_EVENT_FLUSH_STOP:
      g_mutex_lock (&self->lock);
      self->n_pads_eos = 0;
      self->eos_in = FALSE;
      self->eos_posted = FALSE;
      g_mutex_unlock (&self->lock);
      break;
    default:
      break;
    }
  return GST_PAD_PROBE_OK;
}

/* ------------------------------------------------------------------------ */
/* Messages */

/* splitmuxsink opened a fragment in @s's sink: its start, and the end of
 * the one before. */
static void
on_fragment_opened (GstAuthentaSplitMuxSink *self, const GstStructure *s,
                    GQueue *out)
{
  g_autoptr (GstElement) sink = NULL;
  GstClockTime start = GST_CLOCK_TIME_NONE;
  Fragment *f;

  if (!gst_structure_get (s, "sink", GST_TYPE_ELEMENT, &sink, NULL))
    return;
  gst_structure_get_clock_time (s, "running-time", &start);
  f = find_fragment (self, GST_OBJECT (sink));
  if (f == NULL)
    return;
  f->start = start;
  g_free (f->wall_clock_start);
  f->wall_clock_start = format_wall_clock (real_time_of (self, start));
  g_free (f->location);
  f->location = g_strdup (gst_structure_get_string (s, "location"));
  for (GList *l = self->fragments.head; l && l->data != f; l = l->next)
    {
      Fragment *before = l->data;

      if (!GST_CLOCK_TIME_IS_VALID (before->end))
        before->end = start;
      release_held (before, out);
    }
}

/* splitmuxsink is done with @s's sink: its scan is over. */
static void
on_fragment_closed (GstAuthentaSplitMuxSink *self, const GstStructure *s,
                    GQueue *out)
{
  g_autoptr (GstElement) sink = NULL;
  Fragment *f;

  if (!gst_structure_get (s, "sink", GST_TYPE_ELEMENT, &sink, NULL))
    return;
  f = find_fragment (self, GST_OBJECT (sink));
  if (f == NULL)
    return;
  f->closed = TRUE;
  /* Its messages were held for its end; never for longer than this. */
  release_held (f, out);
  drop_closed_fragments (self);
  if (self->eos_in && scans_over (self))
    {
      GstMessage *eos = take_eos (self);

      if (eos)
        g_queue_push_tail (out, eos);
    }
}

/* One of the fragments' authentasinks posted @msg: returns it annotated,
 * or NULL when it is held until the fragment's end is known. */
static GstMessage *
on_sink_message (GstAuthentaSplitMuxSink *self, Fragment *f, GstMessage *msg)
{
  const GstStructure *s = gst_message_get_structure (msg);
  const char *mid = gst_structure_get_string (s, "mid");
  gint64 journal_id;

  if (gst_structure_get_int64 (s, "journal-id", &journal_id) && journal_id > 0)
    f->journal_id = journal_id;
  if (mid && g_strcmp0 (mid, f->mid) != 0)
    {
      g_free (f->mid);
      f->mid = g_strdup (mid);
    }
  /* A fragment's scan starts when splitmuxsink has opened the next one, so
   * the newest fragment's messages after the final EOS are the last one's:
   * it ends with the last frame in (its progress says so too). */
  if (!GST_CLOCK_TIME_IS_VALID (f->end) && self->eos_in
      && f == g_queue_peek_tail (&self->fragments))
    f->end = self->input_end;
  if (gst_structure_has_name (s, "authenta-progress"))
    {
      g_free (f->stage);
      f->stage = g_strdup (gst_structure_get_string (s, "stage"));
      if (gst_structure_get_string (s, "location"))
        {
          g_free (f->location);
          f->location = g_strdup (gst_structure_get_string (s, "location"));
        }
      return annotate (msg, f);
    }
  if (!GST_CLOCK_TIME_IS_VALID (f->end))
    {
      g_queue_push_tail (&f->held, msg);
      return NULL;
    }
  return annotate (msg, f);
}

static void
gst_authenta_split_mux_sink_handle_message (GstBin *bin, GstMessage *msg)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (bin);
  GQueue out = G_QUEUE_INIT;
  const GstStructure *s;

  switch (GST_MESSAGE_TYPE (msg))
    {
    case GST_MESSAGE_ELEMENT:
      s = gst_message_get_structure (msg);
      g_mutex_lock (&self->lock);
      if (GST_MESSAGE_SRC (msg) == GST_OBJECT (self->splitmux))
        {
          if (gst_structure_has_name (s, "splitmuxsink-fragment-opened"))
            on_fragment_opened (self, s, &out);
          else if (gst_structure_has_name (s, "splitmuxsink-fragment-closed"))
            on_fragment_closed (self, s, &out);
        }
      else if (g_str_has_prefix (gst_structure_get_name (s), "authenta-"))
        {
          Fragment *f = find_fragment (self, GST_MESSAGE_SRC (msg));

          if (f)
            msg = on_sink_message (self, f, msg);
        }
      g_mutex_unlock (&self->lock);
      post_all (self, &out, msg);
      msg = NULL;
      break;
    case GST_MESSAGE_EOS:
      /* This element posts its own EOS, once the scans are over (or the
       * shutdown time-out is up). */
      gst_message_unref (msg);
      msg = NULL;
      break;
    default:
      break;
    }
  if (msg)
    GST_BIN_CLASS (parent_class)->handle_message (bin, msg);
}

/* Unsets a copy of one of sink_properties[], wiping a string first: it
 * may be the API key. */
static void
sink_value_clear (GValue *v)
{
  if (!G_IS_VALUE (v))
    return;
  if (G_VALUE_HOLDS_STRING (v))
    authenta_secret_wipe ((char *)g_value_get_string (v));
  g_value_unset (v);
}

/* ------------------------------------------------------------------------ */
/* Fragment sinks */

/* Audio alone (no video pad) and no task or model named: the fragments
 * are M4A files for the audio task, which their MP4 caps cannot tell. */
static void
give_audio_only_task (GstAuthentaSplitMuxSink *self, GstElement *sink)
{
  g_autofree char *task = NULL;
  int model = 0;
  gboolean audio_only;

  g_mutex_lock (&self->lock);
  audio_only = !self->has_video && self->n_pads > 0;
  g_mutex_unlock (&self->lock);
  if (!audio_only)
    return;
  g_object_get (sink, "task", &task, "model-type", &model, NULL);
  if (task == NULL && model == GST_AUTHENTA_SINK_MODEL_TYPE_AUTO)
    g_object_set (sink, "task", "ai-audio-detection", NULL);
}

/* Sets this element's values of sink_properties[] on @sink. */
static void
give_sink_settings (GstAuthentaSplitMuxSink *self, GstElement *sink)
{
  GValue values[N_SINK_PROPERTIES] = { G_VALUE_INIT };

  /* Copied under the lock, set without it: setting them notifies, and
   * deep-notify takes the locks of the sink's parents, this one too. */
  GST_OBJECT_LOCK (self);
  for (guint i = 0; i < N_SINK_PROPERTIES; i++)
    if (G_IS_VALUE (&self->sink_values[i]))
      {
        g_value_init (&values[i], G_VALUE_TYPE (&self->sink_values[i]));
        g_value_copy (&self->sink_values[i], &values[i]);
      }
  GST_OBJECT_UNLOCK (self);
  for (guint i = 0; i < N_SINK_PROPERTIES; i++)
    if (G_IS_VALUE (&values[i]))
      {
        g_object_set_property (G_OBJECT (sink), sink_properties[i], &values[i]);
        sink_value_clear (&values[i]);
      }
  give_audio_only_task (self, sink);
}

/* splitmuxsink made the authentasink of a new fragment: it gets this
 * element's settings, and a place in the list of fragments. */
static void
gst_authenta_split_mux_sink_deep_element_added (GstBin *bin, GstBin *sub_bin,
                                                GstElement *child)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (bin);
  Fragment *f;

  GST_BIN_CLASS (parent_class)->deep_element_added (bin, sub_bin, child);
  if (!GST_IS_AUTHENTA_SINK (child))
    return;

  give_sink_settings (self, child);
  f = g_new0 (Fragment, 1);
  f->sink = gst_object_ref (child);
  f->start = f->end = GST_CLOCK_TIME_NONE;
  g_queue_init (&f->held);
  g_mutex_lock (&self->lock);
  f->index = self->next_index++;
  g_queue_push_tail (&self->fragments, f);
  g_mutex_unlock (&self->lock);
  GST_DEBUG_OBJECT (self, "fragment %u recorded by %s", f->index,
                    GST_OBJECT_NAME (child));
}

/* ------------------------------------------------------------------------ */
/* Pads */

static GstPad *
gst_authenta_split_mux_sink_request_new_pad (GstElement *element,
                                             GstPadTemplate *templ,
                                             const char *name,
                                             const GstCaps *caps)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (element);
  gboolean is_video = templ
                      == gst_element_class_get_pad_template (
                          GST_ELEMENT_GET_CLASS (element), "video");
  g_autoptr (GstPad) inner = NULL;
  g_autoptr (GstPad) existing = NULL;
  GstPad *pad;

  if (is_video
      && (existing = gst_element_get_static_pad (element, "video")) != NULL)
    {
      GST_WARNING_OBJECT (self, "there is a video pad already");
      return NULL;
    }
  inner = gst_element_request_pad_simple (self->splitmux,
                                          is_video ? "video" : "audio_%u");
  if (inner == NULL)
    return NULL;
  pad = gst_ghost_pad_new_from_template (
      is_video ? "video" : GST_PAD_NAME (inner), inner, templ);
  gst_pad_add_probe (
      pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM,
      input_probe, self, NULL);
  g_mutex_lock (&self->lock);
  self->n_pads++;
  /* As splitmuxsink: the video times the fragments; without video, the
   * first audio stream does (a call or a radio feed). */
  if (is_video || self->reference == NULL)
    self->reference = pad;
  self->has_video |= is_video;
  g_mutex_unlock (&self->lock);
  if (GST_STATE (element) > GST_STATE_READY)
    gst_pad_set_active (pad, TRUE);
  gst_element_add_pad (element, pad);
  return pad;
}

static void
gst_authenta_split_mux_sink_release_pad (GstElement *element, GstPad *pad)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (element);
  g_autoptr (GstPad) inner = gst_ghost_pad_get_target (GST_GHOST_PAD (pad));

  if (inner)
    gst_element_release_request_pad (self->splitmux, inner);
  g_mutex_lock (&self->lock);
  self->n_pads--;
  if (self->reference == pad)
    self->reference = NULL;
  if (g_strcmp0 (GST_PAD_NAME (pad), "video") == 0)
    self->has_video = FALSE;
  g_mutex_unlock (&self->lock);
  gst_pad_set_active (pad, FALSE);
  gst_element_remove_pad (element, pad);
}

/* ------------------------------------------------------------------------ */
/* Life cycle */

/* Called with lock held: forgets the last stream, posting what was held. */
static void
reset (GstAuthentaSplitMuxSink *self, GQueue *out)
{
  Fragment *f;

  cancel_shutdown_timer (self);
  while ((f = g_queue_pop_head (&self->fragments)))
    {
      release_held (f, out);
      fragment_free (f);
    }
  self->next_index = 0;
  self->input_end = GST_CLOCK_TIME_NONE;
  gst_segment_init (&self->segment, GST_FORMAT_TIME);
  self->n_pads_eos = 0;
  self->eos_seqnum = GST_SEQNUM_INVALID;
  self->eos_in = FALSE;
  self->eos_posted = FALSE;
}

/* spool-resume's pass ended: the final EOS may have waited for it. */
static void
on_resume_done (gpointer data)
{
  GstAuthentaSplitMuxSink *self = data;
  GstMessage *eos = NULL;

  g_mutex_lock (&self->lock);
  if (self->resume_running)
    {
      self->resume_running = FALSE;
      if (self->eos_in && scans_over (self))
        eos = take_eos (self);
    }
  g_mutex_unlock (&self->lock);
  if (eos)
    gst_element_post_message (GST_ELEMENT (self), eos);
}

/* With spool-resume and spool-dir: the pass over the journal's older
 * entries, with a client made as the fragments' sinks make theirs. */
static void
start_resume (GstAuthentaSplitMuxSink *self)
{
  g_autofree char *spool_dir = dup_spool_dir (self);
  g_autoptr (GstElement) settings_sink = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (GError) error = NULL;
  gboolean wanted;

  GST_OBJECT_LOCK (self);
  wanted = self->spool_resume;
  GST_OBJECT_UNLOCK (self);
  if (!wanted || spool_dir == NULL)
    return;
  /* An authentasink never added to a pipeline: it only reads the settings
   * as every fragment's sink does. */
  settings_sink = gst_object_ref_sink (
      gst_element_factory_make ("authentasink", "resume-settings"));
  give_sink_settings (self, settings_sink);
  client = gst_authenta_sink_make_client (GST_AUTHENTA_SINK (settings_sink),
                                          &error);
  if (client == NULL)
    {
      /* The first fragment's sink posts the ERROR that says what to fix. */
      GST_WARNING_OBJECT (self, "no resume: %s", error->message);
      return;
    }
  g_mutex_lock (&self->lock);
  self->resume_running = TRUE;
  g_mutex_unlock (&self->lock);
  self->resume = gst_authenta_resume_start (GST_ELEMENT (self), client,
                                            spool_dir, on_resume_done, self);
}

static void
stop_resume (GstAuthentaSplitMuxSink *self)
{
  if (self->resume == NULL)
    return;
  /* Stopped, not over: no EOS comes of it. */
  g_mutex_lock (&self->lock);
  self->resume_running = FALSE;
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&self->resume, gst_authenta_resume_stop);
}

static GstStateChangeReturn
gst_authenta_split_mux_sink_change_state (GstElement *element,
                                          GstStateChange transition)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (element);
  GstStateChangeReturn ret;
  GQueue out = G_QUEUE_INIT;

  if (transition == GST_STATE_CHANGE_NULL_TO_READY && self->splitmux == NULL)
    {
      gst_element_post_message (
          element, gst_missing_element_message_new (element, "splitmuxsink"));
      GST_ELEMENT_ERROR (element, CORE, MISSING_PLUGIN,
                         ("authentasplitmuxsink needs splitmuxsink, from "
                          "GStreamer's good plugins (Debian: "
                          "gstreamer1.0-plugins-good)."),
                         (NULL));
      return GST_STATE_CHANGE_FAILURE;
    }
  /* Fragment sinks are added from NULL to READY already. */
  if (transition == GST_STATE_CHANGE_NULL_TO_READY)
    {
      int start_index = 0;

      g_object_get (self->splitmux, "start-index", &start_index, NULL);
      g_mutex_lock (&self->lock);
      reset (self, &out);
      self->next_index = (guint)MAX (start_index, 0);
      g_mutex_unlock (&self->lock);
    }

  /* Stopped before every fragment was judged (no EOS, or the EOS still
   * waiting for scans): one message lists what is left, before the
   * fragments' sinks stop. */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    {
      GstMessage *pending = NULL;

      g_mutex_lock (&self->lock);
      if (!self->eos_posted && !all_closed (self))
        pending = make_pending_message (self, "stopped");
      g_mutex_unlock (&self->lock);
      if (pending)
        gst_element_post_message (element, pending);
      stop_resume (self);
    }
  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    start_resume (self);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    {
      g_mutex_lock (&self->lock);
      reset (self, &out);
      g_mutex_unlock (&self->lock);
    }
  post_all (self, &out, NULL);
  return ret;
}

/* ------------------------------------------------------------------------ */
/* Properties */

/* A property of authentasink's taken over: the same name, type, range and
 * text; @default_value replaces the default of an enum. */
static GParamSpec *
take_over_pspec (GParamSpec *p, int default_value)
{
  const char *name = g_param_spec_get_name (p);
  const char *nick = g_param_spec_get_nick (p);
  const char *blurb = g_param_spec_get_blurb (p);
  GParamFlags flags = (p->flags
                       & (G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY
                          | GST_PARAM_DOC_SHOW_DEFAULT))
                      | G_PARAM_STATIC_STRINGS;

  if (G_IS_PARAM_SPEC_STRING (p))
    return g_param_spec_string (name, nick, blurb,
                                G_PARAM_SPEC_STRING (p)->default_value, flags);
  if (G_IS_PARAM_SPEC_BOOLEAN (p))
    return g_param_spec_boolean (
        name, nick, blurb, G_PARAM_SPEC_BOOLEAN (p)->default_value, flags);
  if (G_IS_PARAM_SPEC_UINT (p))
    {
      GParamSpecUInt *u = G_PARAM_SPEC_UINT (p);

      return g_param_spec_uint (name, nick, blurb, u->minimum, u->maximum,
                                u->default_value, flags);
    }
  if (G_IS_PARAM_SPEC_ENUM (p))
    return g_param_spec_enum (name, nick, blurb, G_PARAM_SPEC_VALUE_TYPE (p),
                              default_value >= 0
                                  ? default_value
                                  : G_PARAM_SPEC_ENUM (p)->default_value,
                              flags);
  g_return_val_if_reached (NULL);
}

static gboolean
forwarded_to_splitmux (guint prop_id)
{
  return prop_id >= PROP_LOCATION && prop_id < PROP_FIRST_SINK_PROPERTY;
}

static void
gst_authenta_split_mux_sink_set_property (GObject *object, guint prop_id,
                                          const GValue *value,
                                          GParamSpec *pspec)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (object);

  if (prop_id == PROP_SHUTDOWN_TIMEOUT)
    {
      GST_OBJECT_LOCK (self);
      self->shutdown_timeout = g_value_get_uint (value);
      GST_OBJECT_UNLOCK (self);
    }
  else if (prop_id == PROP_SPOOL_RESUME)
    {
      GST_OBJECT_LOCK (self);
      self->spool_resume = g_value_get_boolean (value);
      GST_OBJECT_UNLOCK (self);
    }
  else if (forwarded_to_splitmux (prop_id))
    {
      if (self->splitmux)
        g_object_set_property (G_OBJECT (self->splitmux), pspec->name, value);
    }
  else if (prop_id >= PROP_FIRST_SINK_PROPERTY
           && prop_id < PROP_FIRST_SINK_PROPERTY + N_SINK_PROPERTIES)
    {
      GValue *stored = &self->sink_values[prop_id - PROP_FIRST_SINK_PROPERTY];

      GST_OBJECT_LOCK (self);
      sink_value_clear (stored);
      g_value_init (stored, G_VALUE_TYPE (value));
      g_value_copy (value, stored);
      GST_OBJECT_UNLOCK (self);
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_authenta_split_mux_sink_get_property (GObject *object, guint prop_id,
                                          GValue *value, GParamSpec *pspec)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (object);

  if (prop_id == PROP_SHUTDOWN_TIMEOUT)
    {
      GST_OBJECT_LOCK (self);
      g_value_set_uint (value, self->shutdown_timeout);
      GST_OBJECT_UNLOCK (self);
    }
  else if (prop_id == PROP_SPOOL_RESUME)
    {
      GST_OBJECT_LOCK (self);
      g_value_set_boolean (value, self->spool_resume);
      GST_OBJECT_UNLOCK (self);
    }
  else if (forwarded_to_splitmux (prop_id))
    {
      if (self->splitmux)
        g_object_get_property (G_OBJECT (self->splitmux), pspec->name, value);
    }
  else if (prop_id >= PROP_FIRST_SINK_PROPERTY
           && prop_id < PROP_FIRST_SINK_PROPERTY + N_SINK_PROPERTIES)
    {
      GValue *stored = &self->sink_values[prop_id - PROP_FIRST_SINK_PROPERTY];

      GST_OBJECT_LOCK (self);
      if (G_IS_VALUE (stored))
        g_value_copy (stored, value);
      else
        g_param_value_set_default (pspec, value);
      GST_OBJECT_UNLOCK (self);
    }
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
gst_authenta_split_mux_sink_finalize (GObject *object)
{
  GstAuthentaSplitMuxSink *self = GST_AUTHENTA_SPLIT_MUX_SINK (object);
  GQueue out = G_QUEUE_INIT;
  GstMessage *msg;

  reset (self, &out);
  while ((msg = g_queue_pop_head (&out)))
    gst_message_unref (msg);
  for (guint i = 0; i < N_SINK_PROPERTIES; i++)
    sink_value_clear (&self->sink_values[i]);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_authenta_split_mux_sink_init (GstAuthentaSplitMuxSink *self)
{
  GValue on_error = G_VALUE_INIT;

  g_mutex_init (&self->lock);
  g_queue_init (&self->fragments);
  self->shutdown_timeout = DEFAULT_SHUTDOWN_TIMEOUT;
  self->input_end = GST_CLOCK_TIME_NONE;
  self->eos_seqnum = GST_SEQNUM_INVALID;
  gst_segment_init (&self->segment, GST_FORMAT_TIME);

  /* on-error is the one authentasink setting whose default differs. */
  g_value_init (&on_error, GST_TYPE_AUTHENTA_SINK_ON_ERROR);
  g_value_set_enum (&on_error, DEFAULT_ON_ERROR);
  for (guint i = 0; i < N_SINK_PROPERTIES; i++)
    if (g_str_equal (sink_properties[i], "on-error"))
      {
        g_value_init (&self->sink_values[i], GST_TYPE_AUTHENTA_SINK_ON_ERROR);
        g_value_copy (&on_error, &self->sink_values[i]);
      }
  g_value_unset (&on_error);

  /* Without splitmuxsink the element fails at NULL to READY, saying so. */
  self->splitmux = gst_element_factory_make ("splitmuxsink", "splitmuxsink");
  if (self->splitmux == NULL)
    return;
  /* One authentasink per fragment, each finishing on its own (a single
   * sink would hold the recording for each scan). */
  g_object_set (self->splitmux, "async-finalize", TRUE, "sink-factory",
                "authentasink", "muxer-factory", DEFAULT_MUXER_FACTORY,
                "max-size-time", (guint64)DEFAULT_MAX_SIZE_TIME,
                "send-keyframe-requests", DEFAULT_SEND_KEYFRAME_REQUESTS, NULL);
  gst_bin_add (GST_BIN (self), self->splitmux);
}

static void
gst_authenta_split_mux_sink_class_init (GstAuthentaSplitMuxSinkClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBinClass *bin_class = GST_BIN_CLASS (klass);
  GObjectClass *sink_class = g_type_class_ref (GST_TYPE_AUTHENTA_SINK);
  const GParamFlags rw
      = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;

  gobject_class->set_property = gst_authenta_split_mux_sink_set_property;
  gobject_class->get_property = gst_authenta_split_mux_sink_get_property;
  gobject_class->finalize = gst_authenta_split_mux_sink_finalize;

  /**
   * GstAuthentaSplitMuxSink:shutdown-timeout:
   *
   * At the final EOS, the longest wait for the scans still running, in
   * seconds (0: for ever); then `authenta-pending` lists them and the EOS
   * goes on.
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_SHUTDOWN_TIMEOUT,
      g_param_spec_uint ("shutdown-timeout", "Shutdown time-out",
                         "At the final EOS, the longest wait for the scans "
                         "still running, in seconds (0: for ever); then "
                         "authenta-pending lists them and the EOS goes on",
                         0, G_MAXUINT / 1000, DEFAULT_SHUTDOWN_TIMEOUT, rw));
  /**
   * GstAuthentaSplitMuxSink:location:
   *
   * Where to record the fragments: a pattern with one `%d` for the fragment
   * index, as splitmuxsink's (`frag%05d.mp4`); NULL records temporary
   * files in #GstAuthentaSplitMuxSink:temp-dir.  An existing file is never
   * overwritten.
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_LOCATION,
      g_param_spec_string (
          "location", "File location",
          "Where to record the fragments: a pattern with one %d for the "
          "fragment index, as splitmuxsink's, e.g. frag%05d.mp4 (NULL: "
          "temporary files in temp-dir); an existing file is never "
          "overwritten",
          NULL, rw));
  /**
   * GstAuthentaSplitMuxSink:start-index:
   *
   * The first fragment's index, in the #GstAuthentaSplitMuxSink:location
   * pattern and in `fragment-index`: a restarted recording goes on from
   * where it stopped.
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_START_INDEX,
      g_param_spec_int ("start-index", "Start index",
                        "The first fragment's index, in the location pattern "
                        "and fragment-index (a restarted recording goes on "
                        "from where it stopped)",
                        0, G_MAXINT, 0, rw));
  /**
   * GstAuthentaSplitMuxSink:max-size-time:
   *
   * A new fragment is cut at the first key frame after this much running
   * time, in nanoseconds (0: no limit).
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_MAX_SIZE_TIME,
      g_param_spec_uint64 ("max-size-time", "Maximum fragment duration",
                           "Cut a new fragment at the first key frame after "
                           "this much running time, in nanoseconds (0: no "
                           "limit)",
                           0, G_MAXUINT64, DEFAULT_MAX_SIZE_TIME, rw));
  /**
   * GstAuthentaSplitMuxSink:max-size-bytes:
   *
   * A new fragment is cut at the first key frame after this many bytes
   * (0: no limit).
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_MAX_SIZE_BYTES,
      g_param_spec_uint64 ("max-size-bytes", "Maximum fragment size",
                           "Cut a new fragment at the first key frame after "
                           "this many bytes (0: no limit)",
                           0, G_MAXUINT64, DEFAULT_MAX_SIZE_BYTES, rw));
  /**
   * GstAuthentaSplitMuxSink:muxer-factory:
   *
   * The muxer of each fragment: `mp4mux`, `qtmux`, `webmmux` or
   * `matroskamux`.
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_MUXER_FACTORY,
      g_param_spec_string ("muxer-factory", "Muxer factory",
                           "The muxer of each fragment (mp4mux, qtmux, "
                           "webmmux, matroskamux)",
                           DEFAULT_MUXER_FACTORY, rw));
  /**
   * GstAuthentaSplitMuxSink:muxer-properties:
   *
   * Properties to set on each fragment's muxer, as a #GstStructure
   * (`properties,faststart=true`).
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_MUXER_PROPERTIES,
      g_param_spec_boxed ("muxer-properties", "Muxer properties",
                          "Properties to set on each fragment's muxer",
                          GST_TYPE_STRUCTURE, rw));
  /**
   * GstAuthentaSplitMuxSink:send-keyframe-requests:
   *
   * Ask the encoder for a key frame at each
   * #GstAuthentaSplitMuxSink:max-size-time, so that fragments are not
   * longer (needs #GstAuthentaSplitMuxSink:max-size-bytes to be 0).
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_SEND_KEYFRAME_REQUESTS,
      g_param_spec_boolean ("send-keyframe-requests", "Send key frame requests",
                            "Ask the encoder for a key frame at each "
                            "max-size-time, so fragments are not longer "
                            "(needs max-size-bytes=0)",
                            DEFAULT_SEND_KEYFRAME_REQUESTS, rw));
  /**
   * GstAuthentaSplitMuxSink:spool-resume:
   *
   * With #GstAuthentaSplitMuxSink:spool-dir: when the pipeline starts,
   * finish in the background the scans earlier runs left unfinished in the
   * journal (a crash, a power cut, an outage), as `authenta spool run`
   * does, beside the recording, which never waits for them.  Each verdict
   * is an `authenta-verdict` from this element with `journal-id` and
   * `resumed` (%TRUE), without `fragment-index`; an entry that cannot be
   * finished is a WARNING naming it.  The final EOS waits for them too
   * (within #GstAuthentaSplitMuxSink:shutdown-timeout).
   *
   * Since: 0.4
   */
  g_object_class_install_property (
      gobject_class, PROP_SPOOL_RESUME,
      g_param_spec_boolean (
          "spool-resume", "Resume journaled scans",
          "At start, finish in the background the scans earlier runs left in "
          "spool-dir's journal (verdicts have resumed=true)",
          FALSE, rw));

  for (guint i = 0; i < N_SINK_PROPERTIES; i++)
    {
      GParamSpec *p
          = g_object_class_find_property (sink_class, sink_properties[i]);

      g_assert (p != NULL);
      g_object_class_install_property (
          gobject_class, PROP_FIRST_SINK_PROPERTY + i,
          take_over_pspec (p, g_str_equal (sink_properties[i], "on-error")
                                  ? DEFAULT_ON_ERROR
                                  : -1));
    }
  /* The class stays referenced: the taken-over texts are its strings. */

  element_class->change_state = gst_authenta_split_mux_sink_change_state;
  element_class->request_new_pad = gst_authenta_split_mux_sink_request_new_pad;
  element_class->release_pad = gst_authenta_split_mux_sink_release_pad;
  bin_class->handle_message = gst_authenta_split_mux_sink_handle_message;
  bin_class->deep_element_added
      = gst_authenta_split_mux_sink_deep_element_added;

  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class, &audio_template);
  gst_element_class_set_static_metadata (
      element_class, "Authenta continuous capture sink", "Sink/File",
      "Records a live stream in fragments and has each one checked for "
      "deepfakes by Authenta in the background",
      "Authenta for GStreamer <https://authenta.ai>");

  GST_DEBUG_CATEGORY_INIT (gst_authenta_split_mux_sink_debug,
                           "authentasplitmuxsink", 0,
                           "Authenta continuous capture sink");
}
