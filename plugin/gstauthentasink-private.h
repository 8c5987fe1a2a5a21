/* authentasink's insides, shared by its two files: gstauthentasink.c (the
 * element: properties, recording, life cycle) and gstauthentasinkscan.c
 * (the scan at EOS and the messages it posts).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gstauthentaerrors.h"
#include "gstauthentarecording.h"
#include "gstauthentaresume.h"
#include "gstauthentasink.h"

#include <authenta/authenta.h>

G_BEGIN_DECLS

GST_DEBUG_CATEGORY_EXTERN (gst_authenta_sink_debug);

/* A copy of the properties, taken when a scan starts so that it runs with
 * one consistent set of them. */
typedef struct
{
  char *api_key;
  char *base_url;
  GstAuthentaSinkModelType model_type;
  /* A task by its canonical name (authenta_task_get_name()), or NULL:
   * model-type's model, or the default for what is recorded. */
  char *task;
  char *media_name;
  char *content_type;
  GstAuthentaSinkKeepFile keep_file;
  GstAuthentaSinkOnError on_error;
  gboolean delete_remote;
  guint timeout;
  guint retry_attempts;
  guint retry_base_delay;
  guint retry_max_delay;
  guint poll_interval;
  guint poll_max_interval;
  gboolean allow_insecure;
  char *ca_file;
  gboolean check_at_start;
  char *spool_dir;
  gboolean spool_resume;
} GstAuthentaSinkSettings;

struct _GstAuthentaSink
{
  GstBaseSink parent;

  /* Properties, under the object lock. */
  GstAuthentaSinkSettings settings;
  char *temp_dir;
  /* The file to record to (NULL: a temporary file in temp-dir). */
  char *location;
  /* The file the last recording was written to, for recorded-location. */
  char *recorded_location;

  /* Under the object lock: unlock() cancels it from any thread; the
   * streaming thread takes a reference for each blocking call. */
  GCancellable *cancellable;

  /* Under the object lock: the client start() made, used by every scan
   * until base-url or api-key change (only in READY or NULL). */
  AuthentaClient *client;
  /* Under the object lock: spool-dir's journal, opened by start() (or by
   * the next scan after spool-dir changed). */
  AuthentaJournal *journal;
  /* spool-resume's pass over spool-dir's older entries: made by start(),
   * stopped by stop(); the EOS waits for it. */
  GstAuthentaResume *resume;

  /* Streaming thread only (and start/stop, when it does not run). */
  GstAuthentaRecording *recording;
  GstCaps *caps;
  AuthentaScanStage last_stage;
  gboolean posted_stage;
  char *mid;
  /* The journal entry of the scan under way (0: not journaled). */
  gint64 journal_id;
  /* A write failed, or the stream was refused: the partial recording is
   * kept where the message said, never scanned, renamed nor deleted; later
   * buffers get @refused_flow. */
  gboolean keep_partial;
  GstFlowReturn refused_flow;
  /* The ERROR for caps that are not a file was posted: upstream sends them
   * again with its next buffer, and once is enough. */
  gboolean refused_caps;
};

/* gstauthentasink.c */
G_GNUC_INTERNAL
void gst_authenta_sink_settings_copy (GstAuthentaSinkSettings *dest,
                                      const GstAuthentaSinkSettings *src);
G_GNUC_INTERNAL
void gst_authenta_sink_settings_clear (GstAuthentaSinkSettings *s);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (GstAuthentaSinkSettings,
                                  gst_authenta_sink_settings_clear)
/* task, else model-type's model; NULL: the default of what is recorded. */
G_GNUC_INTERNAL
const char *gst_authenta_sink_settings_task (const GstAuthentaSinkSettings *s);
/* The key without surrounding white space; wiped when freed. */
G_GNUC_INTERNAL
char *gst_authenta_sink_dup_trimmed_key (const char *key);
G_GNUC_INTERNAL
void gst_authenta_sink_free_secret (char *secret);
/* Ends the recording: keeps the file (@keep) or deletes it. */
G_GNUC_INTERNAL
void gst_authenta_sink_drop_recording (GstAuthentaSink *self, gboolean keep);

/* gstauthentasinkscan.c */
/* The EOS: scan the recording, post the verdict or an ERROR (streaming
 * thread, PREROLL lock held). */
G_GNUC_INTERNAL
gboolean gst_authenta_sink_handle_eos (GstAuthentaSink *self);
G_GNUC_INTERNAL
AuthentaClient *gst_authenta_sink_new_client (GstAuthentaSink *self,
                                              const GstAuthentaSinkSettings *s,
                                              GError **error);
/* start()'s client, or a new one if base-url or api-key changed since. */
G_GNUC_INTERNAL
AuthentaClient *gst_authenta_sink_dup_client (GstAuthentaSink *self,
                                              const GstAuthentaSinkSettings *s,
                                              GError **error);
G_GNUC_INTERNAL
GCancellable *gst_authenta_sink_dup_cancellable (GstAuthentaSink *self);
G_GNUC_INTERNAL
GstAuthentaErrorSettings
gst_authenta_sink_error_settings (const GstAuthentaSinkSettings *s);
G_GNUC_INTERNAL
void gst_authenta_sink_post_stopped (GstAuthentaSink *self, const char *what,
                                     const char *stage, const char *location);

G_END_DECLS
