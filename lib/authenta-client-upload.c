/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the upload to the pre-signed storage URL. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-media-private.h"
#include "authenta-util-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The upload URL comes from the service: it is held to the base URL's rule
 * before a byte of the recording is sent.  A bad one is the service's
 * fault (PROTOCOL), not the caller's. */
static gboolean
check_upload_url (AuthentaClient *self, AuthentaMedia *media, GError **error)
{
  const char *url = authenta_media_get_upload_url (media);
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autofree char *redacted = authenta_redact_url (url);
  const char *scheme = uri ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri ? g_uri_get_host (uri) : NULL;
  const char *why = NULL;

  if (scheme == NULL || host == NULL || *host == '\0'
      || (g_ascii_strcasecmp (scheme, "https") != 0
          && g_ascii_strcasecmp (scheme, "http") != 0))
    why = "it is not an http(s) URL";
  else if (!authenta_client_transport_is_private (self, scheme, host))
    why = "it is plain http to a host that is not loopback, so the "
          "recording would travel in clear text";
  if (why == NULL)
    return TRUE;
  g_propagate_error (
      error,
      authenta_error_new_full (
          AUTHENTA_ERROR_PROTOCOL, 0, NULL, authenta_media_get_mid (media),
          "The service gave an upload URL (%s) that the client "
          "refuses: %s (mid %s)",
          redacted, why,
          authenta_media_get_mid (media) ? authenta_media_get_mid (media)
                                         : "none"));
  return FALSE;
}

/* One upload: the PUT, and after an expired URL, the fresh record and a
 * second PUT. */
typedef struct
{
  AuthentaMedia *media;  /* the record the caller gave */
  AuthentaMedia *fresh;  /* after an expired URL */
  AuthentaMedia *put_to; /* the record of the PUT under way */
  int fd;
  gboolean own_fd; /* upload_file's: closed at the end */
  char *path;
  char *content_type;
  guint64 size;
  gboolean is_job;
  AuthentaProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  GError *error; /* kept during a clean-up */
} Upload;

static void
upload_free (Upload *u)
{
  g_clear_object (&u->media);
  g_clear_object (&u->fresh);
  if (u->own_fd && u->fd >= 0)
    close (u->fd);
  g_free (u->path);
  g_free (u->content_type);
  g_clear_error (&u->error);
  if (u->progress_destroy)
    u->progress_destroy (u->progress_data);
  g_free (u);
}

static void
on_upload_progress (guint64 sent, guint64 total, gpointer user_data)
{
  Upload *u = user_data;

  u->progress (AUTHENTA_SCAN_STAGE_UPLOADING, u->put_to, sent, total,
               u->progress_data);
}

static void on_put (GObject *source, GAsyncResult *result, gpointer user_data);

static void
put_file (GTask *task, AuthentaMedia *media)
{
  AuthentaClient *self = g_task_get_source_object (task);
  Upload *u = g_task_get_task_data (task);
  AuthentaHttpPolicy policy = authenta_client_get_policy (self);
  AuthentaHttpRequest request = AUTHENTA_HTTP_REQUEST_INIT;

  u->put_to = media;
  request.method = "PUT";
  request.url = authenta_media_get_upload_url (media);
  request.origin = AUTHENTA_ORIGIN_STORAGE;
  request.api_key = NULL; /* the URL is the credential */
  request.secret = self->api_key;
  request.content_type = u->content_type;
  request.upload_fd = u->fd;
  request.upload_size = u->size;
  request.upload_path = u->path;
  request.mid = authenta_media_get_mid (media);
  if (u->progress)
    {
      request.progress = on_upload_progress;
      request.progress_data = u;
      u->progress (AUTHENTA_SCAN_STAGE_UPLOADING, media, 0, u->size,
                   u->progress_data);
    }
  authenta_http_send_async (self->http, &policy, &request,
                            g_task_get_cancellable (task), on_put,
                            g_object_ref (task));
}

static void
on_fresh_abandoned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *u = g_task_get_task_data (task);

  g_task_propagate_boolean (G_TASK (result), NULL);
  g_task_return_error (task, g_steal_pointer (&u->error));
}

static void
on_old_abandoned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upload *u = g_task_get_task_data (task);
  const char *mid = authenta_media_get_mid (u->media);

  g_task_propagate_boolean (G_TASK (result), NULL);
  g_debug ("uploading again to %s %s (was %s)", u->is_job ? "job" : "mid",
           authenta_media_get_mid (u->fresh), mid ? mid : "none");
  if (u->progress)
    u->progress (AUTHENTA_SCAN_STAGE_CREATED, u->fresh, 0, u->size,
                 u->progress_data);
  put_file (task, u->fresh);
}

static void
on_fresh_made (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Upload *u = g_task_get_task_data (task);
  GError *error = NULL;
  const char *mid = authenta_media_get_mid (u->media);

  u->fresh = g_task_propagate_pointer (G_TASK (result), &error);
  if (u->fresh == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The old record can never receive its file: left alone it would stay
   * INITED in the caller's list.  Best effort: the upload matters more
   * than the clean-up. */
  if (u->is_job)
    authenta_client_delete_abandoned_job_async (self, mid, on_old_abandoned,
                                                g_object_ref (task));
  else
    authenta_client_delete_abandoned_async (self, mid, on_old_abandoned,
                                            g_object_ref (task));
}

static void
on_put (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = g_task_get_source_object (task);
  Upload *u = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  GError *error = NULL;
  const char *name;
  g_autofree char *basename = NULL;

  if (authenta_http_send_finish (result, &response, &error))
    {
      if (u->progress)
        u->progress (AUTHENTA_SCAN_STAGE_UPLOADED, u->put_to, u->size, u->size,
                     u->progress_data);
      g_task_return_pointer (task, g_object_ref (u->put_to), g_object_unref);
      return;
    }
  if (u->fresh == NULL && authenta_error_is_upload_expired (error))
    {
      const char *mid = authenta_media_get_mid (u->media);

      name = authenta_media_get_name (u->media);
      basename = g_path_get_basename (u->path);
      g_clear_error (&error);
      if (u->is_job)
        {
          g_debug ("upload URL of job %s expired: creating a fresh job", mid);
          authenta_client_create_job_async (
              self, name ? name : basename, u->content_type, u->size,
              authenta_media_get_task (u->media), g_task_get_cancellable (task),
              on_fresh_made, g_object_ref (task));
        }
      else
        {
          g_debug ("upload URL of mid %s expired: creating a fresh record",
                   mid);
          authenta_client_create_media_async (
              self, name ? name : basename, u->content_type, u->size,
              authenta_media_get_model_type (u->media),
              g_task_get_cancellable (task), on_fresh_made,
              g_object_ref (task));
        }
      return;
    }
  /* The caller knows only the first job, gone: the fresh one is cleaned
   * up here (a fresh record is left, as it always was). */
  if (u->fresh != NULL && u->is_job)
    {
      gboolean cancelled
          = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

      u->error = error;
      if (cancelled)
        authenta_client_cancel_abandoned_job_async (
            self, authenta_media_get_mid (u->fresh), on_fresh_abandoned,
            g_object_ref (task));
      else
        authenta_client_delete_abandoned_job_async (
            self, authenta_media_get_mid (u->fresh), on_fresh_abandoned,
            g_object_ref (task));
      return;
    }
  g_task_return_error (task, error);
}

/* The checks made before any byte is sent; FALSE with error. */
static gboolean
upload_prepare (AuthentaClient *self, Upload *u, GError **error)
{
  const char *mid = authenta_media_get_mid (u->media);
  struct stat st;

  if (!authenta_client_check_ready (self, error))
    return FALSE;
  if (authenta_media_get_upload_url (u->media) == NULL)
    {
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, mid,
                     "The record (mid %s) has no upload URL", mid ? mid : "?"));
      return FALSE;
    }
  if (!check_upload_url (self, u->media, error))
    return FALSE;

  if (fstat (u->fd, &st) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot read “%s”: %s", u->path, g_strerror (errsv));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", u->path);
      return FALSE;
    }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (u->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  u->size = authenta_media_get_size (u->media);
  if (u->size == 0)
    u->size = st.st_size;
  if (!authenta_client_check_size (u->size, mid, error))
    return FALSE;
  u->content_type = g_strdup (authenta_media_get_content_type (u->media));
  if (u->content_type == NULL)
    {
      const char *sniffed
          = authenta_content_type_sniff_fd (u->fd, u->path, error);
      if (sniffed == NULL)
        return FALSE;
      u->content_type = g_strdup (sniffed);
    }
  return TRUE;
}

static void
upload_start (AuthentaClient *self, AuthentaMedia *media, int fd,
              gboolean own_fd, const char *path, AuthentaProgressFunc progress,
              gpointer progress_data, GDestroyNotify progress_destroy,
              GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data, gpointer tag)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  Upload *u = g_new0 (Upload, 1);
  GError *error = NULL;

  g_task_set_source_tag (task, tag);
  u->media = g_object_ref (media);
  u->fd = fd;
  u->own_fd = own_fd;
  u->path = path ? g_strdup (path) : g_strdup_printf ("descriptor %d", fd);
  u->is_job = authenta_media_is_job (media);
  u->progress = progress;
  u->progress_data = progress_data;
  u->progress_destroy = progress_destroy;
  g_task_set_task_data (task, u, (GDestroyNotify)upload_free);
  if (!upload_prepare (self, u, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  put_file (task, media);
}

/**
 * authenta_client_upload_fd_async:
 * @self: a #AuthentaClient
 * @media: a record made by authenta_client_create_media()
 * @fd: a readable descriptor of the file to upload; read with pread(); not
 *   closed, and it must stay open until @callback
 * @path: (type filename) (nullable): the file's name, for messages only
 * @progress: (nullable) (scope notified): called as the upload goes on, in
 *   the thread-default main context of the caller
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the upload is
 *   over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_upload_fd() on the thread-default main context:
 * the file streams from @fd as the connection takes it, holding no thread.
 * Finish with authenta_client_upload_fd_finish().
 *
 * Since: 0.4
 */
void
authenta_client_upload_fd_async (
    AuthentaClient *self, AuthentaMedia *media, int fd, const char *path,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (AUTHENTA_IS_MEDIA (media));
  g_return_if_fail (fd >= 0);

  upload_start (self, media, fd, FALSE, path, progress, progress_data,
                progress_destroy, cancellable, callback, user_data,
                authenta_client_upload_fd_async);
}

/**
 * authenta_client_upload_fd_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_upload_fd_async() or
 * authenta_client_upload_file_async().
 *
 * Returns: (transfer full): the record the file went to (see
 *   authenta_client_upload_fd()), or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_upload_fd_finish (AuthentaClient *self, GAsyncResult *result,
                                  GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * authenta_client_upload_file_async:
 * @self: a #AuthentaClient
 * @media: a record made by authenta_client_create_media()
 * @path: (type filename): the file to upload
 * @progress: (nullable) (scope notified): called as the upload goes on, in
 *   the thread-default main context of the caller
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the upload is
 *   over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_upload_file() on the thread-default main context.
 * Finish with authenta_client_upload_file_finish().
 *
 * Since: 0.4
 */
void
authenta_client_upload_file_async (
    AuthentaClient *self, AuthentaMedia *media, const char *path,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;
  int fd;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (AUTHENTA_IS_MEDIA (media));
  g_return_if_fail (path != NULL);

  fd = authenta_open_for_reading (path, &error);
  if (fd < 0)
    {
      g_task_report_error (self, callback, user_data,
                           authenta_client_upload_file_async, error);
      if (progress_destroy)
        progress_destroy (progress_data);
      return;
    }
  upload_start (self, media, fd, TRUE, path, progress, progress_data,
                progress_destroy, cancellable, callback, user_data,
                authenta_client_upload_file_async);
}

/**
 * authenta_client_upload_file_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_upload_file_async().
 *
 * Returns: (transfer full): the record the file went to, or %NULL with
 *   @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_upload_file_finish (AuthentaClient *self, GAsyncResult *result,
                                    GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * authenta_client_upload_file:
 * @self: a #AuthentaClient
 * @media: a record made by authenta_client_create_media()
 * @path: (type filename): the file to upload
 * @progress: (nullable) (scope call): called as the upload goes on
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * PUTs the file to the record's pre-signed URL, streamed from disk with the
 * record's content type and a `Content-Length` equal to its size (never
 * chunked, no `Authorization` header).  A file whose size no longer matches
 * the record, or one over %AUTHENTA_MAX_UPLOAD_SIZE (5 GiB), is refused
 * before anything is sent (%AUTHENTA_ERROR_INVALID_ARGUMENT).  If storage says
 * the URL has expired, one fresh record is created and the file uploaded to it;
 * the old record is deleted (best effort: a failure to delete it is only
 * logged).  For a job of the Jobs API (since 0.4) the same, with a fresh
 * job; the job must then be finalized (authenta_client_finalize_job()).
 *
 * Returns: (transfer full): the record the file went to: a new reference
 *   to @media, or, after an expired URL, the fresh record, whose mid is the
 *   one to poll.  %NULL with @error set.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_upload_file (AuthentaClient *self, AuthentaMedia *media,
                             const char *path, AuthentaProgressFunc progress,
                             gpointer progress_data, GCancellable *cancellable,
                             GError **error)
{
  AuthentaMedia *uploaded;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = authenta_open_for_reading (path, error);
  if (fd < 0)
    return NULL;
  uploaded = authenta_client_upload_fd (self, media, fd, path, progress,
                                        progress_data, cancellable, error);
  close (fd);
  return uploaded;
}

/**
 * authenta_client_upload_fd:
 * @self: a #AuthentaClient
 * @media: a record made by authenta_client_create_media()
 * @fd: a readable descriptor of the file to upload; read with pread(), so
 *   its offset is left alone; not closed
 * @path: (type filename) (nullable): the file's name, for messages only
 * @progress: (nullable) (scope call): called as the upload goes on
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * As authenta_client_upload_file(), from a descriptor the caller holds.
 * An application that recorded the file itself uploads from the descriptor
 * it wrote through: the bytes judged are then the bytes recorded, even if
 * another user replaced the file at its path in a shared folder.
 *
 * Returns: (transfer full): the record the file went to, as
 *   authenta_client_upload_file() returns it; %NULL with @error set.
 *
 * Since: 0.2
 */
AuthentaMedia *
authenta_client_upload_fd (AuthentaClient *self, AuthentaMedia *media, int fd,
                           const char *path, AuthentaProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable,
                           GError **error)
{
  AuthentaSync sync;
  AuthentaMedia *uploaded;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (media), NULL);
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_upload_fd_async (self, media, fd, path, progress,
                                   progress_data, NULL, cancellable,
                                   authenta_sync_done, &sync);
  uploaded = authenta_client_upload_fd_finish (self, authenta_sync_wait (&sync),
                                               error);
  authenta_sync_end (&sync);
  return uploaded;
}
