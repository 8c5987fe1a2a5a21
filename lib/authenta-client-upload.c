/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the upload to the pre-signed storage URL. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
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

typedef struct
{
  AuthentaProgressFunc func;
  gpointer data;
  AuthentaMedia *media;
} UploadProgress;

static void
on_upload_progress (guint64 sent, guint64 total, gpointer user_data)
{
  UploadProgress *p = user_data;
  p->func (AUTHENTA_SCAN_STAGE_UPLOADING, p->media, sent, total, p->data);
}

static gboolean
is_expired_error (const GError *error)
{
  const char *code;

  if (!g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED))
    return FALSE;
  code = authenta_error_get_service_code (error);
  if (g_strcmp0 (code, "ExpiredToken") == 0
      || g_strcmp0 (code, "RequestExpired") == 0)
    return TRUE;
  /* S3 says it as 403 AccessDenied, "Request has expired". */
  return g_strcmp0 (code, "AccessDenied") == 0
         && strstr (error->message, "xpired") != NULL;
}

static gboolean
put_file (AuthentaClient *self, AuthentaMedia *media, int fd, const char *path,
          const char *content_type, guint64 size, AuthentaProgressFunc progress,
          gpointer progress_data, GCancellable *cancellable, GError **error)
{
  AuthentaHttpPolicy policy = authenta_client_get_policy (self);
  AuthentaHttpRequest request = AUTHENTA_HTTP_REQUEST_INIT;
  g_auto (AuthentaHttpResponse) response = { 0 };
  UploadProgress p = { progress, progress_data, media };

  if (!authenta_client_check_ready (self, error))
    return FALSE;
  request.method = "PUT";
  request.url = authenta_media_get_upload_url (media);
  request.origin = AUTHENTA_ORIGIN_STORAGE;
  request.api_key = NULL; /* the URL is the credential */
  request.secret = self->api_key;
  request.content_type = content_type;
  request.upload_fd = fd;
  request.upload_size = size;
  request.upload_path = path;
  request.mid = authenta_media_get_mid (media);
  if (progress)
    {
      request.progress = on_upload_progress;
      request.progress_data = &p;
      progress (AUTHENTA_SCAN_STAGE_UPLOADING, media, 0, size, progress_data);
    }
  if (!authenta_http_send (self->http, &policy, &request, &response,
                           cancellable, error))
    return FALSE;
  if (progress)
    progress (AUTHENTA_SCAN_STAGE_UPLOADED, media, size, size, progress_data);
  return TRUE;
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
  g_autoptr (AuthentaMedia) fresh = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *shown_path = NULL;
  const char *content_type;
  const char *mid;
  guint64 size;
  struct stat st;
  gboolean ok;
  gboolean is_job;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (media), NULL);
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  shown_path = path ? g_strdup (path) : g_strdup_printf ("descriptor %d", fd);
  path = shown_path;
  mid = authenta_media_get_mid (media);
  is_job = authenta_media_is_job (media);
  if (authenta_media_get_upload_url (media) == NULL)
    {
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, mid,
                     "The record (mid %s) has no upload URL", mid ? mid : "?"));
      return NULL;
    }
  if (!check_upload_url (self, media, error))
    return NULL;

  if (fstat (fd, &st) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot read “%s”: %s", path, g_strerror (errsv));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", path);
      return NULL;
    }
#ifdef POSIX_FADV_SEQUENTIAL
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif

  size = authenta_media_get_size (media);
  if (size == 0)
    size = st.st_size;
  if (!authenta_client_check_size (size, mid, error))
    return NULL;
  content_type = authenta_media_get_content_type (media);
  if (content_type == NULL)
    {
      content_type = authenta_content_type_sniff_fd (fd, path, error);
      if (content_type == NULL)
        return NULL;
    }

  ok = put_file (self, media, fd, path, content_type, size, progress,
                 progress_data, cancellable, &local_error);
  if (!ok && is_expired_error (local_error))
    {
      const char *name = authenta_media_get_name (media);
      g_autofree char *basename = g_path_get_basename (path);

      if (is_job)
        {
          g_debug ("upload URL of job %s expired: creating a fresh job", mid);
          fresh = authenta_client_create_job (
              self, name ? name : basename, content_type, size,
              authenta_media_get_task (media), cancellable, error);
        }
      else
        {
          g_debug ("upload URL of mid %s expired: creating a fresh record",
                   mid);
          fresh = authenta_client_create_media (
              self, name ? name : basename, content_type, size,
              authenta_media_get_model_type (media), cancellable, error);
        }
      if (fresh == NULL)
        return NULL;
      /* The old record can never receive its file: left alone it would
       * stay INITED in the caller's list.  Best effort: the upload matters
       * more than the clean-up. */
      if (is_job)
        authenta_client_delete_abandoned_job (self, mid);
      else
        authenta_client_delete_abandoned (self, mid);
      g_debug ("uploading again to %s %s (was %s)", is_job ? "job" : "mid",
               authenta_media_get_mid (fresh), mid ? mid : "none");
      if (progress)
        progress (AUTHENTA_SCAN_STAGE_CREATED, fresh, 0, size, progress_data);
      g_clear_error (&local_error);
      ok = put_file (self, fresh, fd, path, content_type, size, progress,
                     progress_data, cancellable, &local_error);
    }
  if (!ok)
    {
      /* The caller knows only the first job, gone: the fresh one is
       * cleaned up here (a fresh record is left, as it always was). */
      if (fresh != NULL && is_job)
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            authenta_client_cancel_abandoned_job (
                self, authenta_media_get_mid (fresh));
          else
            authenta_client_delete_abandoned_job (
                self, authenta_media_get_mid (fresh));
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return fresh ? g_steal_pointer (&fresh) : g_object_ref (media);
}
