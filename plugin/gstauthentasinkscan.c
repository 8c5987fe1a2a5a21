/* authentasink's scan: at EOS, the recording is checked (create, upload,
 * finalize for a job, wait), through the journal with spool-dir, and the
 * outcome posted: progress, verdict, or an ERROR that says what to do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstauthentasink-private.h"
#include "gstauthentamedia.h"
#include "gstauthentaspool.h"
#include "gstauthentaverdict.h"

#include <string.h>

#define GST_CAT_DEFAULT gst_authenta_sink_debug

/* S3's limit for a single PUT, which is how the recording is uploaded: the
 * library's, refused here before a record is made. */
#define MAX_UPLOAD_SIZE AUTHENTA_MAX_UPLOAD_SIZE

/* ------------------------------------------------------------------------ */
/* Bus messages */

static void
post_progress (GstAuthentaSink *self, AuthentaScanStage stage,
               AuthentaMedia *media, guint64 bytes_sent, guint64 bytes_total)
{
  const char *mid = media ? authenta_media_get_mid (media) : NULL;
  const char *location = self->recording
                             ? gst_authenta_recording_get_path (self->recording)
                             : NULL;
  GstStructure *s;

  if (mid == NULL)
    mid = self->mid;

  /* location: the file being scanned (the recording's name after the
   * rename at EOS, or the location property). */
  s = gst_structure_new ("authenta-progress", "stage", G_TYPE_STRING,
                         authenta_scan_stage_to_string (stage), "mid",
                         G_TYPE_STRING, mid, "bytes-sent", G_TYPE_UINT64,
                         bytes_sent, "bytes-total", G_TYPE_UINT64, bytes_total,
                         "location", G_TYPE_STRING, location, NULL);
  if (self->journal_id > 0)
    gst_structure_set (s, "journal-id", G_TYPE_INT64, self->journal_id, NULL);
  self->last_stage = stage;
  self->posted_stage = TRUE;
  gst_element_post_message (
      GST_ELEMENT_CAST (self),
      gst_message_new_element (GST_OBJECT_CAST (self), s));
}

static void
on_progress (AuthentaScanStage stage, AuthentaMedia *media, guint64 bytes_sent,
             guint64 bytes_total, gpointer user_data)
{
  GstAuthentaSink *self = user_data;
  const char *mid = media ? authenta_media_get_mid (media) : NULL;

  /* The journaled scan makes its records itself (again after an expired
   * upload URL): the messages and errors name the latest. */
  if (mid != NULL && g_strcmp0 (mid, self->mid) != 0)
    {
      g_free (self->mid);
      self->mid = g_strdup (mid);
    }
  /* Only the first poll is news: later ones repeat "processing". */
  if (stage == AUTHENTA_SCAN_STAGE_PROCESSING && self->posted_stage
      && self->last_stage == AUTHENTA_SCAN_STAGE_PROCESSING)
    return;
  GST_LOG_OBJECT (self, "%s: %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                  authenta_scan_stage_to_string (stage), bytes_sent,
                  bytes_total);
  post_progress (self, stage, media, bytes_sent, bytes_total);
}

static void
post_verdict (GstAuthentaSink *self, AuthentaMedia *media, const char *task,
              const char *location)
{
  GstStructure *s = gst_authenta_verdict_structure_new (media, task, location);

  if (self->journal_id > 0)
    gst_structure_set (s, "journal-id", G_TYPE_INT64, self->journal_id, NULL);

  GST_INFO_OBJECT (
      self, "verdict for %s: %s, fake %d", authenta_media_get_mid (media),
      authenta_media_get_status (media), authenta_media_is_fake (media));
  gst_element_post_message (
      GST_ELEMENT_CAST (self),
      gst_message_new_element (GST_OBJECT_CAST (self), s));
}

/* The settings the error texts name, borrowed from @s. */
GstAuthentaErrorSettings
gst_authenta_sink_error_settings (const GstAuthentaSinkSettings *s)
{
  GstAuthentaErrorSettings es
      = { s->api_key, s->base_url, s->retry_attempts, s->timeout };

  return es;
}

/* Posts the ERROR for a failed scan, with a message that says what to do
 * (gstauthentaerrors.c words it); with on-error=warning, a WARNING with the
 * same details and an authenta-failed element message instead. */
static void
post_scan_error (GstAuthentaSink *self, const GError *error,
                 const GstAuthentaSinkSettings *settings, const char *location)
{
  GstAuthentaErrorSettings es = gst_authenta_sink_error_settings (settings);
  GQuark domain;
  int code;
  g_autofree char *text
      = gst_authenta_error_describe_scan (error, &es, location, &domain, &code);
  g_autofree char *service_code = gst_authenta_error_dup_code (error);
  const char *mid = authenta_error_get_mid (error);

  if (mid == NULL)
    mid = self->mid;

  GST_WARNING_OBJECT (self, "%s: %s",
                      settings->on_error == GST_AUTHENTA_SINK_ON_ERROR_WARNING
                          ? "warning"
                          : "error",
                      text);
  if (settings->on_error == GST_AUTHENTA_SINK_ON_ERROR_WARNING)
    {
      gst_authenta_post_failure (GST_ELEMENT_CAST (self), GST_MESSAGE_WARNING,
                                 domain, code, g_strdup (text),
                                 g_strdup (error->message), service_code,
                                 authenta_error_get_http_status (error), mid,
                                 location, __FILE__, GST_FUNCTION, __LINE__);
      gst_authenta_post_failed_message (
          GST_ELEMENT_CAST (self), mid, service_code,
          authenta_error_get_http_status (error), location, text);
      return;
    }
  gst_authenta_post_failure (GST_ELEMENT_CAST (self), GST_MESSAGE_ERROR, domain,
                             code, g_steal_pointer (&text),
                             g_strdup (error->message), service_code,
                             authenta_error_get_http_status (error), mid,
                             location, __FILE__, GST_FUNCTION, __LINE__);
}

/* Where the scan is: "creating" until the record exists. */
static const char *
current_stage (GstAuthentaSink *self)
{
  return self->posted_stage ? authenta_scan_stage_to_string (self->last_stage)
                            : "creating";
}

/* NULL @stage: the scan's (current_stage()). */
void
gst_authenta_sink_post_stopped (GstAuthentaSink *self, const char *what,
                                const char *stage, const char *location)
{
  if (stage == NULL)
    stage = current_stage (self);
  gst_authenta_post_stopped (GST_ELEMENT_CAST (self), what, stage, self->mid,
                             location);
}

/* The caps first, then the data, then the content-type property. */
static char *
pick_content_type (GstAuthentaSink *self,
                   const GstAuthentaSinkSettings *settings, GError **error)
{
  const char *type = gst_authenta_content_type_from_caps (self->caps);
  int fd = gst_authenta_recording_get_fd (self->recording);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *sniff_error = NULL;
  g_autofree char *caps_str = NULL;

  /* mp4mux's caps say MP4 for audio alone too: its tracks tell M4A. */
  if (g_strcmp0 (type, "video/mp4") == 0
      && g_strcmp0 (authenta_content_type_sniff_fd (fd, NULL, NULL),
                    "audio/mp4")
             == 0)
    type = "audio/mp4";
  if (type != NULL)
    {
      GST_DEBUG_OBJECT (self, "content type %s from the caps", type);
      return g_strdup (type);
    }

  /* From the descriptor, as the upload: the recording, whatever its path
   * names now. */
  type = authenta_content_type_sniff_fd (fd, NULL, &local_error);
  if (type != NULL)
    {
      GST_DEBUG_OBJECT (self, "content type %s from the data", type);
      return g_strdup (type);
    }
  sniff_error = g_strdup (local_error->message);
  GST_DEBUG_OBJECT (self, "data not recognised: %s", sniff_error);

  if (settings->content_type != NULL)
    {
      GST_DEBUG_OBJECT (self, "content type %s from the property",
                        settings->content_type);
      return g_strdup (settings->content_type);
    }

  caps_str = self->caps ? gst_caps_to_string (self->caps) : NULL;
  g_set_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UNSUPPORTED_MEDIA,
               "Neither the caps (%s) nor the data (%s) tell a content type "
               "that Authenta accepts, and content-type is not set",
               caps_str ? caps_str : "none", sniff_error);
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* The scan */

AuthentaClient *
gst_authenta_sink_new_client (GstAuthentaSink *self,
                              const GstAuthentaSinkSettings *s, GError **error)
{
  char *key;
  AuthentaClient *client;

  GST_DEBUG_OBJECT (self, "creating a client");
  /* The environment's key is trimmed as the property's is. */
  key = s->api_key
            ? g_strdup (s->api_key)
            : gst_authenta_sink_dup_trimmed_key (g_getenv ("AUTHENTA_API_KEY"));
  client = g_initable_new (AUTHENTA_TYPE_CLIENT, NULL, error, "base-url",
                           s->base_url, "api-key", key, "allow-insecure",
                           s->allow_insecure, "ca-file", s->ca_file, NULL);
  gst_authenta_sink_free_secret (key);
  return client;
}

/* The tunable settings, applied to the client before each scan. */
static void
apply_settings (AuthentaClient *client, const GstAuthentaSinkSettings *s)
{
  /* Jitter and poll growth keep the library's defaults. */
  g_object_set (client, "retry-attempts", s->retry_attempts, "retry-base-delay",
                s->retry_base_delay, "retry-max-delay", s->retry_max_delay,
                "poll-interval", s->poll_interval, "poll-max-interval",
                MAX (s->poll_max_interval, s->poll_interval), "poll-timeout",
                s->timeout * 1000, NULL);
}

AuthentaClient *
gst_authenta_sink_make_client (GstAuthentaSink *self, GError **error)
{
  g_auto (GstAuthentaSinkSettings) settings = { 0 };
  AuthentaClient *client;

  GST_OBJECT_LOCK (self);
  gst_authenta_sink_settings_copy (&settings, &self->settings);
  GST_OBJECT_UNLOCK (self);
  client = gst_authenta_sink_new_client (self, &settings, error);
  if (client != NULL)
    apply_settings (client, &settings);
  return client;
}

/* start()'s client, or a new one if base-url or api-key changed since. */
AuthentaClient *
gst_authenta_sink_dup_client (GstAuthentaSink *self,
                              const GstAuthentaSinkSettings *s, GError **error)
{
  AuthentaClient *client = NULL;

  GST_OBJECT_LOCK (self);
  if (self->client != NULL)
    client = g_object_ref (self->client);
  GST_OBJECT_UNLOCK (self);
  if (client == NULL)
    {
      client = gst_authenta_sink_new_client (self, s, error);
      if (client == NULL)
        return NULL;
      GST_OBJECT_LOCK (self);
      g_set_object (&self->client, client);
      GST_OBJECT_UNLOCK (self);
    }
  apply_settings (client, s);
  return client;
}

GCancellable *
gst_authenta_sink_dup_cancellable (GstAuthentaSink *self)
{
  GCancellable *cancellable;

  GST_OBJECT_LOCK (self);
  cancellable = g_object_ref (self->cancellable);
  GST_OBJECT_UNLOCK (self);
  return cancellable;
}

typedef struct
{
  AuthentaMedia *media;
  gboolean uploaded;
  gboolean checked_path;
  /* Jobs API: the job was finalized, so it is processed (and charged)
   * whatever becomes of this scan. */
  gboolean finalized;
} ScanState;

/* The upload reads the descriptor, so what was recorded is what is
 * scanned; but a file put at the recording's path (by someone who can
 * write to its folder) is worth a warning: it is not the recording, and is
 * neither uploaded nor deleted. */
static void
warn_if_replaced (GstAuthentaSink *self)
{
  const char *path = gst_authenta_recording_get_path (self->recording);

  if (gst_authenta_recording_path_is_ours (self->recording))
    return;
  GST_ELEMENT_WARNING (
      self, RESOURCE, FAILED,
      ("The recording at %s was removed or replaced by another file after "
       "it was written. The recording as written is uploaded (from the file "
       "descriptor held since); the file now at that path is not it and is "
       "left alone. Keep the temp-dir private (chmod 700).",
       path),
      ("fstat() of the descriptor and lstat() of the path differ"));
}

static void
scan_state_clear (ScanState *state)
{
  g_clear_object (&state->media);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ScanState, scan_state_clear)

static gboolean
is_jobs_task (const char *task)
{
  return authenta_task_get_api (task) == AUTHENTA_TASK_API_JOBS;
}

/* Runs what is left of the scan: create, upload, (for a Jobs API task)
 * finalize, wait.  Resumable: after a cancel by a pause it goes on from the
 * step that was interrupted. */
static AuthentaMedia *
run_scan (GstAuthentaSink *self, AuthentaClient *client, const char *path,
          const char *name, const char *content_type, const char *task,
          guint64 size, ScanState *state, GError **error)
{
  g_autoptr (GCancellable) cancellable
      = gst_authenta_sink_dup_cancellable (self);
  gboolean jobs = is_jobs_task (task);

  if (state->media == NULL)
    {
      state->media
          = jobs
                ? authenta_client_create_job (client, name, content_type, size,
                                              task, cancellable, error)
                : authenta_client_create_media (client, name, content_type,
                                                size, task, cancellable, error);
      if (state->media == NULL)
        return NULL;
      g_free (self->mid);
      self->mid = g_strdup (authenta_media_get_mid (state->media));
      GST_INFO_OBJECT (self, "created record %s", self->mid);
      post_progress (self, AUTHENTA_SCAN_STAGE_CREATED, state->media, 0, size);
    }

  if (!state->uploaded)
    {
      AuthentaMedia *uploaded;

      /* From the descriptor held since the recording began, never reopened
       * by its path: another file may have been put there since. */
      if (!state->checked_path)
        {
          state->checked_path = TRUE;
          warn_if_replaced (self);
        }
      uploaded = authenta_client_upload_fd (
          client, state->media, gst_authenta_recording_get_fd (self->recording),
          path, on_progress, self, cancellable, error);
      if (uploaded == NULL)
        return NULL;
      g_object_unref (state->media);
      state->media = uploaded;
      state->uploaded = TRUE;
      /* A record made again after an expired upload URL has its own mid. */
      g_free (self->mid);
      self->mid = g_strdup (authenta_media_get_mid (state->media));
      if (self->last_stage != AUTHENTA_SCAN_STAGE_UPLOADED)
        post_progress (self, AUTHENTA_SCAN_STAGE_UPLOADED, state->media, size,
                       size);
    }

  if (jobs && !state->finalized)
    {
      /* A finalize whose answer was lost is found out by the library. */
      if (!authenta_client_finalize_job (client, self->mid, cancellable, error))
        return NULL;
      state->finalized = TRUE;
      GST_INFO_OBJECT (self, "finalized job %s", self->mid);
    }

  if (jobs)
    return authenta_client_wait_for_job (client, self->mid, on_progress, self,
                                         cancellable, error);
  return authenta_client_wait_for_result (client, self->mid, on_progress, self,
                                          cancellable, error);
}

/* A scan stopped before its job was finalized: cancel the job, which would
 * otherwise wait for a finalize until the service drops it.  Bounded (the
 * library's), so that the stop stays quick. */
static void
abandon_unfinalized_job (GstAuthentaSink *self, AuthentaClient *client,
                         const char *task, const ScanState *state)
{
  if (!is_jobs_task (task) || state->media == NULL || state->finalized)
    return;
  GST_INFO_OBJECT (self, "cancelling job %s, stopped before its finalize",
                   self->mid);
  authenta_client_abandon_job (client, self->mid);
}

/* spool-dir's journal: start()'s, or one opened now if spool-dir changed
 * since.  NULL without spool-dir (and without @error set). */
static AuthentaJournal *
dup_journal (GstAuthentaSink *self, const GstAuthentaSinkSettings *s,
             GError **error)
{
  AuthentaJournal *journal = NULL;

  if (s->spool_dir == NULL)
    return NULL;
  GST_OBJECT_LOCK (self);
  if (self->journal != NULL)
    journal = g_object_ref (self->journal);
  GST_OBJECT_UNLOCK (self);
  if (journal == NULL)
    {
      journal = authenta_journal_open (s->spool_dir, error);
      if (journal == NULL)
        return NULL;
      GST_OBJECT_LOCK (self);
      g_set_object (&self->journal, journal);
      GST_OBJECT_UNLOCK (self);
    }
  return journal;
}

/* The scan through the journal: each stage is committed before the next
 * request, and a second call (after a pause) goes on from the stage the
 * journal holds. */
static AuthentaMedia *
run_journaled_scan (GstAuthentaSink *self, AuthentaClient *client,
                    AuthentaJournal *journal, AuthentaJournalEntry *entry,
                    GError **error)
{
  g_autoptr (GCancellable) cancellable
      = gst_authenta_sink_dup_cancellable (self);

  return authenta_client_scan_journaled (client, journal, entry, on_progress,
                                         self, cancellable, error);
}

static gboolean
is_cancelled (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The EOS: scan the recording, post the verdict or an ERROR.  Runs on the
 * streaming thread with the PREROLL lock held, so unlock() is what ends any
 * wait here. */
gboolean
gst_authenta_sink_handle_eos (GstAuthentaSink *self)
{
  g_auto (GstAuthentaSinkSettings) settings = { 0 };
  g_auto (ScanState) state = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) result = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (AuthentaJournalEntry) entry = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *name = NULL;
  const char *task;
  const char *path;
  guint64 size;
  gboolean keep;

  GST_OBJECT_LOCK (self);
  gst_authenta_sink_settings_copy (&settings, &self->settings);
  GST_OBJECT_UNLOCK (self);

  if (self->keep_partial)
    {
      /* A write failed or the stream was refused: its message named the
       * file, which stays as it is (truncated, unscanned). */
      GST_INFO_OBJECT (self, "not scanned: the stream was refused or failed");
      gst_authenta_sink_drop_recording (self, TRUE);
      return self->refused_flow == GST_FLOW_OK;
    }

  size
      = self->recording ? gst_authenta_recording_get_size (self->recording) : 0;
  if (size == 0)
    {
      GST_ELEMENT_WARNING (self, STREAM, FAILED,
                           ("Nothing was recorded: the stream ended before "
                            "any data, so nothing was uploaded."),
                           (NULL));
      gst_authenta_sink_drop_recording (self, FALSE);
      return TRUE;
    }

  content_type = pick_content_type (self, &settings, &error);
  if (content_type == NULL)
    {
      const char *kept;

      keep = settings.keep_file != GST_AUTHENTA_SINK_KEEP_FILE_NEVER;
      kept = keep ? gst_authenta_recording_get_path (self->recording) : NULL;
      POST_ERROR (
          self, STREAM, WRONG_TYPE,
          gst_info_strdup_printf (
              "Could not tell the content type of the recording. Set the "
              "content-type property (video/mp4, video/quicktime, video/webm, "
              "image/jpeg or image/png) if it is one of these; otherwise put "
              "an encoder and a muxer in front (e.g. x264enc ! mp4mux). %s%s%s",
              kept ? "The recording is kept at "
                   : "The recording was deleted "
                     "(keep-file=never)",
              kept ? kept : "", "."),
          gst_info_strdup_printf ("%s", error->message), "UNSUPPORTED_MEDIA", 0,
          NULL, kept);
      gst_authenta_sink_drop_recording (self, keep);
      return FALSE;
    }

  /* A muxer that saw no frame still writes its headers (623 bytes from
   * mp4mux, about 400 from webmmux): a file with nothing to check, not
   * worth a credit. */
  if (((g_str_equal (content_type, "video/mp4")
        || g_str_equal (content_type, "audio/mp4")
        || g_str_equal (content_type, "video/quicktime"))
       && gst_authenta_mp4_has_no_media (
           gst_authenta_recording_get_fd (self->recording), size))
      || ((g_str_equal (content_type, "video/webm")
           || g_str_equal (content_type, "video/x-matroska"))
          && gst_authenta_matroska_has_no_frame (
              gst_authenta_recording_get_fd (self->recording), size)))
    {
      GST_ELEMENT_WARNING (self, STREAM, FAILED,
                           ("Nothing was recorded: the stream ended before "
                            "its first frame (the file holds only the "
                            "muxer's headers), so nothing was uploaded."),
                           ("%" G_GUINT64_FORMAT " bytes of %s, no media data",
                            size, content_type));
      gst_authenta_sink_drop_recording (self, FALSE);
      return TRUE;
    }

  g_clear_error (&error);
  if (!gst_authenta_recording_finish (
          self->recording, gst_authenta_suffix_for_content_type (content_type),
          &error))
    {
      GST_WARNING_OBJECT (self, "%s", error->message);
      g_clear_error (&error);
    }
  path = gst_authenta_recording_get_path (self->recording);
  GST_OBJECT_LOCK (self);
  g_free (self->recorded_location);
  self->recorded_location = g_strdup (path);
  GST_OBJECT_UNLOCK (self);

  /* Storage takes the file in one PUT, which S3 caps at 5 GiB: refuse now
   * rather than create a record and send gigabytes that will be refused.
   * The file is kept whatever keep-file says: nothing of it was scanned. */
  if (size > MAX_UPLOAD_SIZE)
    {
      POST_ERROR (
          self, RESOURCE, FAILED,
          gst_info_strdup_printf (
              "The recording is %" G_GUINT64_FORMAT " bytes, more than the "
              "5 GiB that one upload to Authenta can take, so it was not "
              "uploaded. Record shorter pieces (for example with "
              "splitmuxsink). The recording is kept at %s.",
              size, path),
          gst_info_strdup_printf ("%" G_GUINT64_FORMAT " > %" G_GUINT64_FORMAT
                                  " bytes",
                                  size, MAX_UPLOAD_SIZE),
          "FILE_TOO_LARGE", 0, NULL, path);
      gst_authenta_sink_drop_recording (self, TRUE);
      return FALSE;
    }

  /* The task asked for, else the default for what was recorded; the
   * library refuses a content type the task does not take, saying why. */
  task = gst_authenta_sink_settings_task (&settings);
  if (task != NULL)
    {
      const char *declared
          = authenta_content_type_for_task (content_type, task);

      if (declared != content_type)
        {
          g_free (content_type);
          content_type = g_strdup (declared);
        }
    }
  else
    task = authenta_task_default_for_content_type (content_type);

  name = settings.media_name ? g_strdup (settings.media_name)
                             : g_path_get_basename (path);

  GST_INFO_OBJECT (self,
                   "scanning %s (%" G_GUINT64_FORMAT " bytes, %s, task %s)",
                   path, size, content_type, task);

  g_clear_pointer (&self->mid, g_free);
  self->posted_stage = FALSE;
  self->journal_id = 0;
  client = gst_authenta_sink_dup_client (self, &settings, &error);
  if (client != NULL && settings.spool_dir != NULL)
    {
      /* Journaled before the first request: from now on a kill, an outage
       * or a stop leaves the scan for `authenta spool run`.  The journal
       * deletes the file after the verdict unless keep-file=always. */
      journal = dup_journal (self, &settings, &error);
      if (journal != NULL)
        entry = authenta_journal_add (
            journal, path, name, content_type, task,
            settings.keep_file != GST_AUTHENTA_SINK_KEEP_FILE_ALWAYS, &error);
      if (entry != NULL)
        {
          self->journal_id = authenta_journal_entry_get_id (entry);
          GST_INFO_OBJECT (self, "journal entry %" G_GINT64_FORMAT,
                           self->journal_id);
        }
    }
  while (client != NULL && (settings.spool_dir == NULL || entry != NULL)
         && result == NULL)
    {
      GstFlowReturn flow;

      if (entry != NULL)
        result = run_journaled_scan (self, client, journal, entry, &error);
      else
        result = run_scan (self, client, path, name, content_type, task, size,
                           &state, &error);
      if (result != NULL || !is_cancelled (error))
        break;

      /* unlock() came: a pause, a flush or a stop.  Wait (releasing the
       * PREROLL lock, which the state change or flush needs) to know which:
       * after a pause the scan goes on where it was, once PLAYING again. */
      GST_DEBUG_OBJECT (self, "scan interrupted");
      g_clear_error (&error);
      flow = gst_base_sink_wait_preroll (GST_BASE_SINK_CAST (self));
      if (flow != GST_FLOW_OK)
        {
          if (entry != NULL)
            {
              /* The journal holds the stage it reached, and needs the file
               * to finish it, whatever keep-file says. */
              GST_INFO_OBJECT (self, "journaled scan left (%s)",
                               gst_flow_get_name (flow));
              authenta_journal_release (journal, self->journal_id);
              gst_authenta_spool_post_stopped (
                  GST_ELEMENT_CAST (self),
                  "The scan was stopped before a verdict.",
                  current_stage (self), self->mid, path, self->journal_id,
                  settings.spool_dir);
              gst_authenta_sink_drop_recording (self, TRUE);
              return FALSE;
            }
          keep = settings.keep_file != GST_AUTHENTA_SINK_KEEP_FILE_NEVER;
          GST_INFO_OBJECT (self, "scan abandoned (%s)",
                           gst_flow_get_name (flow));
          abandon_unfinalized_job (self, client, task, &state);
          gst_authenta_sink_post_stopped (
              self, "The scan was stopped before a verdict.", NULL,
              keep ? path : NULL);
          gst_authenta_sink_drop_recording (self, keep);
          return FALSE;
        }
      GST_DEBUG_OBJECT (self, "resuming the scan");
    }

  if (entry != NULL)
    authenta_journal_release (journal, self->journal_id);
  if (result == NULL && entry != NULL && authenta_error_is_transient (error))
    {
      GstAuthentaErrorSettings es
          = gst_authenta_sink_error_settings (&settings);
      const char *mid = authenta_error_get_mid (error);

      /* Not an ERROR, whatever on-error says: nothing is lost, the journal
       * finishes it later, and the recording (and the pipeline) go on. */
      GST_WARNING_OBJECT (self, "scan spooled: %s", error->message);
      gst_authenta_spool_post_spooled (
          GST_ELEMENT_CAST (self), error, &es, journal, self->journal_id,
          mid ? mid : self->mid, path, settings.spool_dir);
      gst_authenta_sink_drop_recording (self, TRUE);
      return TRUE;
    }

  if (result == NULL)
    {
      /* on-error=warning keeps the file whatever keep-file says: the
       * pipeline goes on, and the recording is all that is left of it. */
      keep = settings.keep_file != GST_AUTHENTA_SINK_KEEP_FILE_NEVER
             || settings.on_error == GST_AUTHENTA_SINK_ON_ERROR_WARNING;
      /* Never a silent failure, even if a call broke its contract. */
      if (error == NULL)
        g_set_error_literal (&error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL,
                             "The scan failed without saying why");
      GST_WARNING_OBJECT (self, "scan failed: %s", error->message);
      post_scan_error (self, error, &settings, keep ? path : NULL);
      gst_authenta_sink_drop_recording (self, keep);
      /* With on-error=warning the EOS goes on downstream of the bus. */
      return settings.on_error == GST_AUTHENTA_SINK_ON_ERROR_WARNING;
    }

  keep = settings.keep_file == GST_AUTHENTA_SINK_KEEP_FILE_ALWAYS;
  g_free (self->mid);
  self->mid = g_strdup (authenta_media_get_mid (result));
  post_verdict (self, result, task, keep ? path : NULL);

  if (settings.delete_remote)
    {
      g_autoptr (GCancellable) cancellable
          = gst_authenta_sink_dup_cancellable (self);

      gboolean deleted = is_jobs_task (task)
                             ? authenta_client_delete_job (client, self->mid,
                                                           cancellable, &error)
                             : authenta_client_delete_media (
                                 client, self->mid, cancellable, &error);

      if (!deleted && !is_cancelled (error))
        {
          g_autofree char *reason = gst_authenta_error_dup_code (error);
          guint status = authenta_error_get_http_status (error);
          g_autofree char *http
              = status ? g_strdup_printf (", HTTP %u", status) : NULL;

          /* Why, in the text itself: most users read only that. */
          GST_ELEMENT_WARNING_WITH_DETAILS (
              self, RESOURCE, FAILED,
              ("Could not delete the media record %s from the service "
               "(%s%s).%s",
               self->mid, reason, http ? http : "",
               g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_FORBIDDEN)
                   ? " The API key lacks the delete permission."
                   : ""),
              ("%s", error->message),
              ("authenta-code", G_TYPE_STRING,
               authenta_error_get_service_code (error), "http-status-code",
               G_TYPE_UINT, status, "mid", G_TYPE_STRING, self->mid, NULL));
        }
    }

  gst_authenta_sink_drop_recording (self, keep);
  return TRUE;
}
