/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: what both API flows share: reading answers, the checks
 * made before any request, the poll loop, and the scan (sync, from a
 * descriptor, and async on the scan pool), which picks the flow by task. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-poll-private.h"
#include "authenta-util-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The answer's JSON, or AUTHENTA_ERROR_PROTOCOL saying what was wrong and
 * carrying the answer's HTTP status. */
JsonNode *
authenta_client_parse_answer (const char *what, const char *mid, guint status,
                              GBytes *body, GError **error)
{
  gsize length = 0;
  const char *data = body ? g_bytes_get_data (body, &length) : NULL;
  GError *local_error = NULL;
  JsonNode *root = authenta_json_parse (data, length, &local_error);

  if (root == NULL)
    {
      authenta_error_add_context (local_error, what, mid);
      authenta_error_set_http_status (local_error, status);
      g_propagate_error (error, local_error);
    }
  return root;
}

/* Adds what, mid and the answer's HTTP status to an error about an
 * answer's content: the answer arrived (a 200), it is just wrong. */
void
authenta_client_set_answer_error (GError **error, GError *local_error,
                                  const char *what, const char *mid,
                                  guint status)
{
  authenta_error_add_context (local_error, what, mid);
  authenta_error_set_http_status (local_error, status);
  g_propagate_error (error, local_error);
}

AuthentaMedia *
authenta_client_media_from_answer (const char *what, const char *mid,
                                   guint status, GBytes *body,
                                   const char *content_type, guint64 size,
                                   GError **error)
{
  g_autoptr (JsonNode) root
      = authenta_client_parse_answer (what, mid, status, body, error);
  g_autofree char *raw = NULL;
  GError *local_error = NULL;
  AuthentaMedia *media;
  gsize length;
  const char *data;

  if (root == NULL)
    return NULL;
  data = g_bytes_get_data (body, &length);
  raw = g_strndup (data, length);
  media = authenta_media_new_from_node (root, raw, content_type, size,
                                        &local_error);
  if (media == NULL)
    authenta_client_set_answer_error (error, local_error, what, mid, status);
  return media;
}

/* Storage takes at most 5 GiB in one PUT (S3 answers 400 EntityTooLarge
 * only after the body has started): refuse before any request, so no
 * record is made for a file that can never be uploaded. */
gboolean
authenta_client_check_size (guint64 size, const char *mid, GError **error)
{
  GError *too_large;

  if (size <= AUTHENTA_MAX_UPLOAD_SIZE)
    return TRUE;
  too_large = authenta_error_new_full (
      AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
      "The file is %" G_GUINT64_FORMAT
      " bytes, larger than 5 GiB (%" G_GUINT64_FORMAT
      " bytes), the most storage accepts in one upload",
      size, (guint64)AUTHENTA_MAX_UPLOAD_SIZE);
  authenta_error_add_context (too_large, NULL, mid);
  g_propagate_error (error, too_large);
  return FALSE;
}

/* Every content type a caller gives goes into a header (the PUT's
 * Content-Type) and a request body: a bare type/subtype token only. */
gboolean
authenta_client_check_content_type (const char *content_type, GError **error)
{
  g_autofree char *shown = NULL;

  if (authenta_content_type_is_valid (content_type))
    return TRUE;
  shown = authenta_sanitize_service_text (content_type, 64, NULL);
  g_propagate_error (error,
                     authenta_error_new_full (
                         AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                         "“%s” is not a content type: give a bare type/subtype "
                         "such as video/mp4, with no parameters or spaces",
                         shown));
  return FALSE;
}

/* Whether a failed poll may be followed by another: the request could not
 * be made or answered properly (network, 5xx, 429, an unreadable answer),
 * after its own retries.  The file is uploaded and the service goes on
 * processing it, and GET is safe to repeat, so a short outage must not end
 * a long wait.  Never a refusal (400, 401, 402, 403, 404), a failed
 * processing or a cancellation: polling again cannot change those. */
static gboolean
poll_error_is_transient (const GError *error)
{
  /* The library's transient kinds, less the two a poll cannot outwait: its
   * own time-out, and a base URL that is not the API. */
  return authenta_error_is_transient (error)
         && error->code != AUTHENTA_ERROR_TIMEOUT
         && error->code != AUTHENTA_ERROR_NO_SERVICE;
}

static char *
describe_duration (guint ms)
{
  if (ms >= 1000 && ms % 1000 == 0)
    return g_strdup_printf ("%u s", ms / 1000);
  return g_strdup_printf ("%u ms", ms);
}

/* The poll loop both flows share: flow->get until the record is
 * processed, with the client's poll policy.  See
 * authenta_client_wait_for_result() for the rules. */
AuthentaMedia *
authenta_client_poll (AuthentaClient *self, const AuthentaPollFlow *flow,
                      const char *mid, AuthentaProgressFunc progress,
                      gpointer progress_data, GCancellable *cancellable,
                      GError **error)
{
  g_autoptr (GError) last_error = NULL;
  g_autofree char *last_status = NULL;
  AuthentaPollSchedule schedule;
  guint interval_ms, timeout_ms, seen_timeout_ms;
  gint64 start, deadline;
  guint polls = 0, failed_polls = 0;
  gboolean seen = FALSE; /* a status past INITED */

  g_mutex_lock (&self->lock);
  schedule.first_ms = self->poll_interval_ms;
  schedule.growth = self->poll_growth;
  schedule.max_ms = self->poll_max_interval_ms;
  schedule.fast_ms = self->poll_fast_period_ms;
  timeout_ms = self->poll_timeout_ms;
  seen_timeout_ms = self->upload_seen_timeout_ms;
  g_mutex_unlock (&self->lock);

  start = g_get_monotonic_time ();
  deadline = timeout_ms ? start + (gint64)timeout_ms * 1000 : G_MAXINT64;
  interval_ms = 0;

  for (;;)
    {
      g_autoptr (AuthentaMedia) media = NULL;
      g_autoptr (GError) poll_error = NULL;
      const char *status = NULL;
      gint64 now, left_ms;

      /* A poll that hangs (or retries) may not outlast poll-timeout. */
      media = flow->get (self, mid, timeout_ms ? deadline : 0, cancellable,
                         &poll_error);
      polls++;
      if (media == NULL)
        {
          if (!poll_error_is_transient (poll_error))
            {
              g_propagate_error (error, g_steal_pointer (&poll_error));
              return NULL;
            }
          failed_polls++;
          g_debug ("%s %s: poll %u failed, polling on: %s", flow->noun, mid,
                   polls, poll_error->message);
          g_clear_error (&last_error);
          last_error = g_steal_pointer (&poll_error);
        }
      else
        {
          g_clear_error (&last_error);
          status = authenta_media_get_status (media);
          g_free (last_status);
          last_status = g_strdup (status);
          if (progress)
            progress (AUTHENTA_SCAN_STAGE_PROCESSING, media,
                      authenta_media_get_size (media),
                      authenta_media_get_size (media), progress_data);

          if (authenta_media_is_processed (media))
            {
              g_debug ("%s %s processed after %u polls (%u failed)", flow->noun,
                       mid, polls, failed_polls);
              return g_steal_pointer (&media);
            }
          if (authenta_media_is_terminal (media))
            {
              g_propagate_error (error, flow->failure (self, media));
              return NULL;
            }
          seen |= g_strcmp0 (status, "INITED") != 0;
          if (!seen && seen_timeout_ms
              && g_get_monotonic_time () - start
                     >= (gint64)seen_timeout_ms * 1000)
            {
              g_autofree char *after = describe_duration (seen_timeout_ms);

              g_propagate_error (
                  error, authenta_error_new_full (
                             AUTHENTA_ERROR_SERVER, 0, status, mid,
                             "The service never saw the upload of %s %s: "
                             "storage accepted it, but the record was still "
                             "%s %s later; scan the file again",
                             flow->noun, mid, status, after));
              return NULL;
            }
        }

      now = g_get_monotonic_time ();
      if (now >= deadline)
        {
          g_autofree char *within = describe_duration (timeout_ms);
          g_autoptr (GString) message = g_string_new (NULL);

          g_string_append_printf (
              message, "No verdict for %s %s within %s (%u %s", flow->noun, mid,
              within, polls, polls == 1 ? "poll" : "polls");
          if (failed_polls)
            g_string_append_printf (message, ", %u failed", failed_polls);
          if (last_status)
            g_string_append_printf (message, ", last status %s", last_status);
          g_string_append (message, "); the file was uploaded and the "
                                    "service may still finish it");
          if (last_error)
            g_string_append_printf (message, "; last error: %s",
                                    last_error->message);
          g_propagate_error (
              error, authenta_error_new_full (AUTHENTA_ERROR_TIMEOUT, 0, NULL,
                                              mid, "%s", message->str));
          return NULL;
        }
      left_ms = (deadline - now + 999) / 1000;
      interval_ms = authenta_poll_next_delay (&schedule, (now - start) / 1000,
                                              interval_ms);
      if (media)
        g_debug ("%s %s is %s; next poll in %u ms", flow->noun, mid,
                 status ? status : "without status",
                 (guint)MIN ((gint64)interval_ms, left_ms));
      else
        g_debug ("%s %s: next poll in %u ms", flow->noun, mid,
                 (guint)MIN ((gint64)interval_ms, left_ms));
      if (!authenta_wait (MIN ((gint64)interval_ms, left_ms), cancellable,
                          error))
        return NULL;
    }
}

/**
 * authenta_client_scan_file:
 * @self: a #AuthentaClient
 * @path: (type filename): the file to scan
 * @name: (nullable): the record's name; %NULL: the file's basename
 * @content_type: (nullable): the file's type; %NULL: sniffed from its first
 *   bytes
 * @model_type: (nullable): the task: a Media API model such as "DF-1" or
 *   (since 0.4) a Jobs API task such as "ai-audio-detection" or its number;
 *   %NULL: the default for the type (authenta_task_default_for_content_type())
 * @progress: (nullable) (scope call): called at each stage
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The whole flow: creates a record, uploads the file and waits for the
 * verdict.  With a Jobs API task (since 0.4; audio files by default) the
 * flow is the Jobs API's: creates a job, uploads the file, finalizes the
 * job and waits for it; the result is a job (authenta_media_get_api()).
 * An unknown task is %AUTHENTA_ERROR_INVALID_ARGUMENT and a content type
 * the task does not take %AUTHENTA_ERROR_UNSUPPORTED_MEDIA, before any
 * request.  A job given up before its finalize is deleted, or cancelled
 * when the scan was.
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set;
 *   the error's mid (authenta_error_get_mid()) names the record when one
 *   was made.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_scan_file (AuthentaClient *self, const char *path,
                           const char *name, const char *content_type,
                           const char *model_type,
                           AuthentaProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable,
                           GError **error)
{
  AuthentaMedia *verdict;
  int fd;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* One descriptor from first look to last byte: the bytes judged are the
   * bytes of the file that was sized and typed, whatever happens to its
   * path meanwhile. */
  fd = authenta_open_for_reading (path, error);
  if (fd < 0)
    return NULL;
  verdict
      = authenta_client_scan_fd (self, fd, path, name, content_type, model_type,
                                 progress, progress_data, cancellable, error);
  close (fd);
  return verdict;
}

/**
 * authenta_client_scan_fd:
 * @self: a #AuthentaClient
 * @fd: a readable descriptor of a regular file; read with pread(), so its
 *   offset is left alone; not closed
 * @path: (type filename) (nullable): the file's name, for messages and the
 *   default record name
 * @name: (nullable): the record's name; %NULL: the basename of @path
 *   ("upload" without @path)
 * @content_type: (nullable): the file's type; %NULL: sniffed from its first
 *   bytes
 * @model_type: (nullable): the task: a Media API model such as "DF-1" or
 *   (since 0.4) a Jobs API task such as "ai-audio-detection" or its number;
 *   %NULL: the default for the type (authenta_task_default_for_content_type())
 * @progress: (nullable) (scope call): called at each stage
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * As authenta_client_scan_file(), from a descriptor the caller holds, such
 * as the one it recorded or spooled the file through: sized, typed and
 * uploaded from the same bytes.  A record the scan makes and then gives up
 * on (other than by cancellation) is deleted.
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set.
 *
 * Since: 0.2
 */
AuthentaMedia *
authenta_client_scan_fd (AuthentaClient *self, int fd, const char *path,
                         const char *name, const char *content_type,
                         const char *model_type, AuthentaProgressFunc progress,
                         gpointer progress_data, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autofree char *basename = NULL;
  const char *shown = path ? path : "the file";
  const char *task;
  GError *local_error = NULL;
  struct stat st;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (fstat (fd, &st) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot read “%s”: %s", shown, g_strerror (errsv));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", shown);
      return NULL;
    }
  /* An unknown task is refused before the file is even looked at. */
  if (model_type != NULL
      && !authenta_client_check_task (self, model_type, NULL, error))
    return NULL;
  if (content_type == NULL)
    {
      content_type = authenta_content_type_sniff_fd (fd, path, error);
      if (content_type == NULL)
        return NULL;
      /* An M4A file written by mp4mux carries the brand of any MP4
       * ("mp42"): its first bytes cannot tell it from a video.  For a task
       * that takes M4A and no MP4 video, it is M4A. */
      if (model_type != NULL && g_str_equal (content_type, "video/mp4")
          && !authenta_task_accepts (model_type, content_type)
          && authenta_task_accepts (model_type, "audio/mp4"))
        content_type = "audio/mp4";
    }
  if (name == NULL)
    name = basename = path ? g_path_get_basename (path) : g_strdup ("upload");

  /* A Jobs API task, named or the default for the type (audio), takes the
   * Jobs flow; the Media API's models, and no task for video and images,
   * the Media flow as before. */
  task = model_type ? model_type
                    : authenta_task_default_for_content_type (content_type);
  if (model_type != NULL
      && !authenta_client_check_task (self, model_type, content_type, error))
    return NULL;
  if (task != NULL && authenta_task_get_api (task) == AUTHENTA_TASK_API_JOBS)
    return authenta_client_scan_job_fd (
        self, fd, path, name, content_type, authenta_task_get_name (task),
        st.st_size, progress, progress_data, cancellable, error);

  created = authenta_client_create_media (self, name, content_type, st.st_size,
                                          model_type, cancellable, error);
  if (created == NULL)
    return NULL;
  if (progress)
    progress (AUTHENTA_SCAN_STAGE_CREATED, created, 0, st.st_size,
              progress_data);

  uploaded
      = authenta_client_upload_fd (self, created, fd, path, progress,
                                   progress_data, cancellable, &local_error);
  if (uploaded == NULL)
    {
      /* This scan made the record and gives up on it: delete it rather
       * than leave it INITED.  Not after a cancel, which must be prompt. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        authenta_client_delete_abandoned (self,
                                          authenta_media_get_mid (created));
      g_propagate_error (error, local_error);
      return NULL;
    }

  return authenta_client_wait_for_result (
      self, authenta_media_get_mid (uploaded), progress, progress_data,
      cancellable, error);
}

typedef struct
{
  char *path;
  char *name;
  char *content_type;
  char *model_type;
  AuthentaProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  if (data->progress_destroy)
    data->progress_destroy (data->progress_data);
  g_free (data->path);
  g_free (data->name);
  g_free (data->content_type);
  g_free (data->model_type);
  g_free (data);
}

static void
scan_thread (GTask *task, gpointer source_object, gpointer task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  GError *error = NULL;
  AuthentaMedia *media;

  media = authenta_client_scan_file (AUTHENTA_CLIENT (source_object),
                                     data->path, data->name, data->content_type,
                                     data->model_type, data->progress,
                                     data->progress_data, cancellable, &error);
  if (media)
    g_task_return_pointer (task, media, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
scan_pool_run (gpointer data, gpointer user_data)
{
  GTask *task = data;

  scan_thread (task, g_task_get_source_object (task),
               g_task_get_task_data (task), g_task_get_cancellable (task));
  g_object_unref (task);
}

/* A scan spends most of its life waiting for the service, not computing.
 * On GLib's shared GTask pool (10 threads, then only about 10 more per
 * second of blocking) all but ten of many concurrent scans would queue:
 * 32 scans took 3.2 times as long as one (docs/performance.md).  They run
 * in a pool of their own instead, bounded by MAX_SCAN_THREADS; its idle
 * threads return to GLib's shared idle threads, which end after a while. */
#define MAX_SCAN_THREADS 64

static GThreadPool *
get_scan_pool (void)
{
  static GThreadPool *pool = NULL;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *p = g_thread_pool_new (scan_pool_run, NULL, MAX_SCAN_THREADS,
                                          FALSE, NULL);
      g_once_init_leave (&pool, p);
    }
  return pool;
}

/**
 * authenta_client_scan_file_async:
 * @self: a #AuthentaClient
 * @path: (type filename): the file to scan
 * @name: (nullable): the record's name
 * @content_type: (nullable): the file's type; %NULL: sniffed
 * @model_type: (nullable): the task: a Media API model such as "DF-1" or
 *   (since 0.4) a Jobs API task such as "ai-audio-detection" or its number;
 *   %NULL: the default for the type (authenta_task_default_for_content_type())
 * @progress: (nullable) (scope notified): called from the worker thread
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the scan is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * authenta_client_scan_file() in a worker thread (from a pool of at most 64
 * shared by all clients; more scans at once wait for a free thread).
 * Finish with authenta_client_scan_file_finish().
 *
 * Since: 0.1
 */
void
authenta_client_scan_file_async (
    AuthentaClient *self, const char *path, const char *name,
    const char *content_type, const char *model_type,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ScanData *data;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  data = g_new0 (ScanData, 1);
  data->path = g_strdup (path);
  data->name = g_strdup (name);
  data->content_type = g_strdup (content_type);
  data->model_type = g_strdup (model_type);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_scan_file_async);
  g_task_set_name (task, "authenta scan");
  g_task_set_task_data (task, data, (GDestroyNotify)scan_data_free);
  /* The flow reports cancellation itself, as G_IO_ERROR_CANCELLED. */
  g_task_set_return_on_cancel (task, FALSE);
  g_thread_pool_push (get_scan_pool (), g_object_ref (task), NULL);
}

/**
 * authenta_client_scan_file_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes a scan started with authenta_client_scan_file_async().
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_scan_file_finish (AuthentaClient *self, GAsyncResult *result,
                                  GError **error)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
