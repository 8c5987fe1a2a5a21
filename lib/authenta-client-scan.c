/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: what both API flows share: reading answers, the checks
 * made before any request, the poll loop, and the scan (sync, from a
 * descriptor, and async as a state machine on the caller's main context),
 * which picks the flow by task.  The wait is authenta-client-poll.c. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
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

/* What a scan works on, once the checks made before any request pass. */
typedef struct
{
  int fd;
  gboolean own_fd; /* scan_file_async's: closed at the end */
  char *path;
  char *name;
  char *content_type;
  char *model_type;
  const char *job_task; /* a Jobs API task's name, or NULL: the Media API */
  guint64 size;
  AuthentaProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;

  AuthentaMedia *created;
  char *uploaded_id;
  GError *error; /* kept during a clean-up */
  /* Held for the whole scan, so that its requests reuse its connections. */
  AuthentaHttpLoop *loop;
} Scan;

static void
scan_free (Scan *scan)
{
  if (scan->own_fd && scan->fd >= 0)
    close (scan->fd);
  g_free (scan->path);
  g_free (scan->name);
  g_free (scan->content_type);
  g_free (scan->model_type);
  g_clear_object (&scan->created);
  g_free (scan->uploaded_id);
  g_clear_error (&scan->error);
  if (scan->progress_destroy)
    scan->progress_destroy (scan->progress_data);
  authenta_http_loop_unref (scan->loop);
  g_free (scan);
}

/* The checks made before any request, and what they decide: the content
 * type, the name, the flow. */
static gboolean
scan_prepare (AuthentaClient *self, Scan *scan, const char *name,
              const char *content_type, const char *model_type, GError **error)
{
  const char *shown = scan->path ? scan->path : "the file";
  const char *task;
  struct stat st;

  if (fstat (scan->fd, &st) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot read “%s”: %s", shown, g_strerror (errsv));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", shown);
      return FALSE;
    }
  /* An unknown task is refused before the file is even looked at. */
  if (model_type != NULL
      && !authenta_client_check_task (self, model_type, NULL, error))
    return FALSE;
  if (content_type == NULL)
    {
      content_type
          = authenta_content_type_sniff_fd (scan->fd, scan->path, error);
      if (content_type == NULL)
        return FALSE;
      /* An MP4 for a task that takes M4A and no MP4 video is M4A. */
      if (model_type != NULL)
        content_type
            = authenta_content_type_for_task (content_type, model_type);
    }
  scan->name = name         ? g_strdup (name)
               : scan->path ? g_path_get_basename (scan->path)
                            : g_strdup ("upload");
  scan->content_type = g_strdup (content_type);
  scan->model_type = g_strdup (model_type);
  scan->size = st.st_size;

  /* A Jobs API task, named or the default for the type (audio), takes the
   * Jobs flow; the Media API's models, and no task for video and images,
   * the Media flow as before. */
  task = model_type ? model_type
                    : authenta_task_default_for_content_type (content_type);
  if (model_type != NULL
      && !authenta_client_check_task (self, model_type, content_type, error))
    return FALSE;
  if (task != NULL && authenta_task_get_api (task) == AUTHENTA_TASK_API_JOBS)
    scan->job_task = authenta_task_get_name (task);
  return TRUE;
}

void
authenta_client_return_media_cb (GObject *source, GAsyncResult *result,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  AuthentaMedia *media = g_task_propagate_pointer (G_TASK (result), &error);

  if (media)
    g_task_return_pointer (task, media, g_object_unref);
  else
    g_task_return_error (task, error);
}

static const char *
scan_id (Scan *scan, AuthentaMedia *media)
{
  return scan->job_task ? authenta_media_get_id (media)
                        : authenta_media_get_mid (media);
}

/* After a clean-up: the error that led to it. */
static void
on_scan_cleaned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Scan *scan = g_task_get_task_data (task);

  g_task_propagate_boolean (G_TASK (result), NULL);
  g_task_return_error (task, g_steal_pointer (&scan->error));
}

/* This scan made the record (or job) and gives up on it: delete it rather
 * than leave it behind; a job given up before its finalize is cancelled
 * when the scan was.  A record is left after a cancel, which must be
 * prompt. */
static void
scan_abandon (GTask *task, const char *id, GError *error)
{
  AuthentaClient *self = g_task_get_source_object (task);
  Scan *scan = g_task_get_task_data (task);
  gboolean cancelled
      = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  scan->error = error;
  if (scan->job_task && cancelled)
    authenta_client_cancel_abandoned_job_async (self, id, on_scan_cleaned,
                                                g_object_ref (task));
  else if (scan->job_task)
    authenta_client_delete_abandoned_job_async (self, id, on_scan_cleaned,
                                                g_object_ref (task));
  else if (!cancelled)
    authenta_client_delete_abandoned_async (self, id, on_scan_cleaned,
                                            g_object_ref (task));
  else
    g_task_return_error (task, g_steal_pointer (&scan->error));
}

static void
scan_wait (GTask *task)
{
  AuthentaClient *self = g_task_get_source_object (task);
  Scan *scan = g_task_get_task_data (task);

  authenta_client_poll_async (
      self, scan->job_task ? &authenta_job_flow : &authenta_media_flow,
      scan->uploaded_id, scan->job_task, scan->progress, scan->progress_data,
      g_task_get_cancellable (task), authenta_client_return_media_cb,
      g_object_ref (task));
}

static void
on_scan_finalized (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Scan *scan = g_task_get_task_data (task);
  GError *error = NULL;

  if (!authenta_client_finalize_job_finish (AUTHENTA_CLIENT (source), result,
                                            &error))
    {
      scan_abandon (task, scan->uploaded_id, error);
      return;
    }
  scan_wait (task);
}

static void
on_scan_uploaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Scan *scan = g_task_get_task_data (task);
  g_autoptr (AuthentaMedia) uploaded = NULL;
  GError *error = NULL;

  uploaded = authenta_client_upload_fd_finish (self, result, &error);
  if (uploaded == NULL)
    {
      scan_abandon (task, scan_id (scan, scan->created), error);
      return;
    }
  scan->uploaded_id = g_strdup (scan_id (scan, uploaded));
  /* The descriptor is not needed to wait: 1,000 waiting scans do not hold
   * 1,000 files open. */
  if (scan->own_fd)
    {
      close (scan->fd);
      scan->fd = -1;
    }
  if (scan->job_task)
    authenta_client_finalize_job_async (self, scan->uploaded_id,
                                        g_task_get_cancellable (task),
                                        on_scan_finalized, g_object_ref (task));
  else
    scan_wait (task);
}

static void
on_scan_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Scan *scan = g_task_get_task_data (task);
  GError *error = NULL;

  scan->created = g_task_propagate_pointer (G_TASK (result), &error);
  if (scan->created == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (scan->progress)
    scan->progress (AUTHENTA_SCAN_STAGE_CREATED, scan->created, 0, scan->size,
                    scan->progress_data);
  authenta_client_upload_fd_async (self, scan->created, scan->fd, scan->path,
                                   scan->progress, scan->progress_data, NULL,
                                   g_task_get_cancellable (task),
                                   on_scan_uploaded, g_object_ref (task));
}

/* The scan as a state machine on the thread-default main context: create,
 * upload, [finalize,] then polls with timer waits between them; no thread
 * of its own at any stage. */
static void
scan_start (AuthentaClient *self, int fd, gboolean own_fd, const char *path,
            const char *name, const char *content_type, const char *model_type,
            AuthentaProgressFunc progress, gpointer progress_data,
            GDestroyNotify progress_destroy, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  Scan *scan = g_new0 (Scan, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, tag);
  g_task_set_name (task, "authenta scan");
  scan->loop = authenta_http_loop_get (g_task_get_context (task));
  scan->fd = fd;
  scan->own_fd = own_fd;
  scan->path = g_strdup (path);
  scan->progress = progress;
  scan->progress_data = progress_data;
  scan->progress_destroy = progress_destroy;
  g_task_set_task_data (task, scan, (GDestroyNotify)scan_free);
  if (!scan_prepare (self, scan, name, content_type, model_type, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (scan->job_task)
    authenta_client_create_job_async (self, scan->name, scan->content_type,
                                      scan->size, scan->job_task, cancellable,
                                      on_scan_created, g_object_ref (task));
  else
    authenta_client_create_media_async (
        self, scan->name, scan->content_type, scan->size, scan->model_type,
        cancellable, on_scan_created, g_object_ref (task));
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
  AuthentaSync sync;
  AuthentaMedia *verdict;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_scan_fd_async (self, fd, path, name, content_type, model_type,
                                 progress, progress_data, NULL, cancellable,
                                 authenta_sync_done, &sync);
  verdict = authenta_client_scan_fd_finish (self, authenta_sync_wait (&sync),
                                            error);
  authenta_sync_end (&sync);
  return verdict;
}

/**
 * authenta_client_scan_fd_async:
 * @self: a #AuthentaClient
 * @fd: a readable descriptor of a regular file; read with pread(); not
 *   closed, and it must stay open until @callback
 * @path: (type filename) (nullable): the file's name, for messages and the
 *   default record name
 * @name: (nullable): the record's name
 * @content_type: (nullable): the file's type; %NULL: sniffed
 * @model_type: (nullable): the task, as for authenta_client_scan_fd()
 * @progress: (nullable) (scope notified): called at each stage, in the
 *   thread-default main context of the caller
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the scan is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * authenta_client_scan_fd() on the thread-default main context, as
 * authenta_client_scan_file_async().  Finish with
 * authenta_client_scan_fd_finish().
 *
 * Since: 0.4
 */
void
authenta_client_scan_fd_async (AuthentaClient *self, int fd, const char *path,
                               const char *name, const char *content_type,
                               const char *model_type,
                               AuthentaProgressFunc progress,
                               gpointer progress_data,
                               GDestroyNotify progress_destroy,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (fd >= 0);

  scan_start (self, fd, FALSE, path, name, content_type, model_type, progress,
              progress_data, progress_destroy, cancellable, callback, user_data,
              authenta_client_scan_fd_async);
}

/**
 * authenta_client_scan_fd_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes a scan started with authenta_client_scan_fd_async().
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_scan_fd_finish (AuthentaClient *self, GAsyncResult *result,
                                GError **error)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
 * @progress: (nullable) (scope notified): called at each stage, in the
 *   thread-default main context of the caller (since 0.4; before, from a
 *   worker thread)
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the scan is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * authenta_client_scan_file() as a state machine on the thread-default
 * main context of the caller (since 0.4): its requests are transfers on
 * that context's curl multi handle, the waits between polls are timer
 * sources, and no thread is held at any stage, so that thousands of scans
 * may run at once (at most 32 connections are open at a time; more
 * requests queue).  The context must be iterated (a running #GMainLoop).
 * Cancelling @cancellable ends the scan at once.  Finish with
 * authenta_client_scan_file_finish().
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
  GError *error = NULL;
  int fd;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  /* One descriptor from first look to last byte, as for the blocking
   * scan. */
  fd = authenta_open_for_reading (path, &error);
  if (fd < 0)
    {
      g_task_report_error (self, callback, user_data,
                           authenta_client_scan_file_async, error);
      if (progress_destroy)
        progress_destroy (progress_data);
      return;
    }
  scan_start (self, fd, TRUE, path, name, content_type, model_type, progress,
              progress_data, progress_destroy, cancellable, callback, user_data,
              authenta_client_scan_file_async);
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
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
