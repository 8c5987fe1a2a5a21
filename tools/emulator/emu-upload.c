/* authenta-emulator: the S3 endpoint the pre-signed upload URLs point at.
 *
 * It answers as S3 does for each case the client may meet (see
 * docs/emulator.md): 200 with a quoted MD5 ETag, SignatureDoesNotMatch for
 * another type or length, AccessDenied once expired, NotImplemented for
 * chunked bodies, MissingContentLength, EntityTooLarge, IncompleteBody, and
 * InvalidArgument for an Authorization header on a pre-signed URL.
 *
 * The body streams to a part file in the storage folder, its MD5 computed
 * as it goes; only a complete body is renamed into place.  An error known
 * from the headers is answered at once when the client waits for
 * "100 Continue" (it then sends no body); otherwise the body is read and
 * dropped first, so that the client is not reset while still sending.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-upload.h"

#include "emu-response.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_PUT_SIZE G_GUINT64_CONSTANT (5368709120) /* 5 GiB, as S3 */

struct _EmuUpload
{
  char *mid;
  char *part_path;
  int fd;
  GChecksum *md5;
  guint64 expected;
  guint64 received;
  gboolean dropped;
  gboolean committed;

  /* An error decided on the headers, answered once the body is drained. */
  guint pending_status;
  char *pending_code;
  char *pending_message;
  char *pending_extra;
};

static EmuUpload *
upload_new (void)
{
  EmuUpload *up = g_new0 (EmuUpload, 1);

  up->fd = -1;
  return up;
}

static void
discard_part (EmuUpload *up)
{
  if (up->fd >= 0)
    {
      close (up->fd);
      up->fd = -1;
    }
  if (up->part_path && !up->committed)
    g_unlink (up->part_path);
  g_clear_pointer (&up->part_path, g_free);
}

void
emu_upload_free (EmuUpload *up)
{
  if (up == NULL)
    return;
  discard_part (up);
  if (up->md5)
    g_checksum_free (up->md5);
  g_free (up->mid);
  g_free (up->pending_code);
  g_free (up->pending_message);
  g_free (up->pending_extra);
  g_free (up);
}

static void
set_error (EmuUpload *up, guint status, const char *code, const char *message,
           char *extra_xml)
{
  up->pending_status = status;
  up->pending_code = g_strdup (code);
  up->pending_message = g_strdup (message);
  up->pending_extra = extra_xml; /* taken */
}

static void
answer_error (EmuRequest *req, guint status, const char *code,
              const char *message, const char *extra_xml)
{
  g_autofree char *note = NULL;

  if (req->fault
      && (req->fault->action == EMU_FAULT_STATUS
          || req->fault->action == EMU_FAULT_EXPIRE))
    note = g_strdup_printf ("%s; fault: %s", code,
                            emu_fault_action_name (req->fault->action));
  else
    note = g_strdup (code);
  emu_request_answer (req, status,
                      emu_response_s3_error (code, message, extra_xml), note);
}

static void
answer_pending (EmuRequest *req)
{
  EmuUpload *up = req->upload;

  /* A fault's delay_ms holds back whatever answer the upload gets. */
  if (req->fault && req->fault->delay_ms > 0
      && !emu_server_sleep (req->server, req->fault->delay_ms))
    return;

  if (req->fault && req->fault->action == EMU_FAULT_BODY)
    {
      emu_request_answer (
          req, req->fault->status,
          emu_response_raw (req->fault->body, req->fault->content_type),
          "fault: body");
      return;
    }
  answer_error (req, up->pending_status, up->pending_code, up->pending_message,
                up->pending_extra);
}

static char *
iso8601_utc (gint64 secs)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (secs);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static void
get_params (EmuRequest *req, EmuPresignParams *params)
{
  params->algorithm = emu_request_query (req, "X-Amz-Algorithm");
  params->credential = emu_request_query (req, "X-Amz-Credential");
  params->date = emu_request_query (req, "X-Amz-Date");
  params->expires = emu_request_query (req, "X-Amz-Expires");
  params->signed_headers = emu_request_query (req, "X-Amz-SignedHeaders");
  params->signature = emu_request_query (req, "X-Amz-Signature");
}

/* The signature check's verdict as S3 words it; FALSE if not OK. */
static gboolean
check_signature (EmuRequest *req, EmuUpload *up, const char *method,
                 const char *content_type, const char *size)
{
  EmuPresignParams params;
  gint64 expired_at = 0;

  get_params (req, &params);
  switch (emu_signer_check (emu_server_get_signer (req->server), &params,
                            method, req->path, content_type, size, &expired_at))
    {
    case EMU_SIGN_OK:
      return TRUE;
    case EMU_SIGN_MISSING:
      set_error (up, 400, "AuthorizationQueryParametersError",
                 "Query-string authentication version 4 requires the "
                 "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, "
                 "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires "
                 "parameters.",
                 NULL);
      return FALSE;
    case EMU_SIGN_EXPIRED:
      {
        g_autofree char *expires = iso8601_utc (expired_at);
        g_autofree char *now
            = iso8601_utc (g_get_real_time () / G_USEC_PER_SEC);

        set_error (up, 403, "AccessDenied", "Request has expired",
                   g_strdup_printf ("<X-Amz-Expires>%s</X-Amz-Expires>"
                                    "<Expires>%s</Expires>"
                                    "<ServerTime>%s</ServerTime>",
                                    params.expires, expires, now));
        return FALSE;
      }
    case EMU_SIGN_MISMATCH:
    default:
      set_error (up, 403, "SignatureDoesNotMatch",
                 "The request signature we calculated does not match the "
                 "signature you provided. Check your key and signing method.",
                 NULL);
      return FALSE;
    }
}

/* S3 takes one way of authenticating per request: a pre-signed URL that
 * also carries an Authorization header (say, a client that sent its API
 * key to storage too) is refused before the signature is even looked at.
 * S3 echoes the header in <ArgumentValue>; the emulator does not, so that
 * an API key sent by mistake never shows up in an answer or a log. */
static gboolean
check_one_auth_mechanism (EmuRequest *req, EmuUpload *up)
{
  const char *auth = emu_request_header (req, MHD_HTTP_HEADER_AUTHORIZATION);

  if (auth == NULL || *auth == '\0'
      || (emu_request_query (req, "X-Amz-Algorithm") == NULL
          && emu_request_query (req, "X-Amz-Signature") == NULL))
    return TRUE;
  set_error (up, 400, "InvalidArgument",
             "Only one auth mechanism allowed; only the X-Amz-Algorithm "
             "query parameter, Signature query string parameter or the "
             "Authorization header should be specified",
             g_strdup ("<ArgumentName>Authorization</ArgumentName>"));
  return FALSE;
}

/* ".../media/{mid}/{object}" → mid and object, or FALSE. */
static gboolean
parse_object_path (const char *path, char **mid, const char **object)
{
  const char *rest, *slash;

  if (!g_str_has_prefix (path, EMU_S3_PREFIX))
    return FALSE;
  rest = path + strlen (EMU_S3_PREFIX);
  slash = strchr (rest, '/');
  if (slash == NULL || strchr (slash + 1, '/') != NULL)
    return FALSE;
  *mid = g_strndup (rest, slash - rest);
  *object = slash + 1;
  if (!emu_mid_is_valid (*mid))
    {
      g_clear_pointer (mid, g_free);
      return FALSE;
    }
  return TRUE;
}

static void
answer_no_such_key (EmuRequest *req)
{
  answer_error (req, 404, "NoSuchKey", "The specified key does not exist.",
                NULL);
}

/* GET on the verdict's links: the uploaded original and result.json are
 * served; heatmaps are not (NoSuchKey). */
static void
handle_download (EmuRequest *req)
{
  EmuStore *store = emu_server_get_store (req->server);
  g_autoptr (EmuUpload) up = upload_new ();
  g_autofree char *mid = NULL;
  const char *object;

  if (!check_one_auth_mechanism (req, up)
      || !check_signature (req, up, "GET", NULL, NULL))
    {
      answer_error (req, up->pending_status, up->pending_code,
                    up->pending_message, up->pending_extra);
      return;
    }
  if (!parse_object_path (req->path, &mid, &object))
    {
      answer_no_such_key (req);
      return;
    }
  if (g_str_equal (object, "original.media"))
    {
      g_autofree char *path = emu_store_dup_media_path (store, mid);
      struct MHD_Response *resp;
      GStatBuf st;
      int fd;

      fd = path ? g_open (path, O_RDONLY | O_CLOEXEC, 0) : -1;
      if (fd < 0 || fstat (fd, &st) != 0)
        {
          if (fd >= 0)
            close (fd);
          answer_no_such_key (req);
          return;
        }
      /* Streamed from the file by MHD, which closes it. */
      resp = MHD_create_response_from_fd64 ((uint64_t)st.st_size, fd);
      MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                               "application/octet-stream");
      emu_request_answer (req, 200, resp, NULL);
      return;
    }
  if (g_str_equal (object, "result.json"))
    {
      g_autofree char *json = emu_store_dup_result (store, mid);

      if (json)
        {
          emu_request_answer (req, 200, emu_response_json (json), NULL);
          return;
        }
    }
  answer_no_such_key (req);
}

static gboolean
wants_continue (EmuRequest *req)
{
  const char *expect = emu_request_header (req, MHD_HTTP_HEADER_EXPECT);

  return expect && g_ascii_strcasecmp (expect, "100-continue") == 0;
}

static gboolean
body_expected (EmuRequest *req)
{
  const char *cl = emu_request_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
  guint64 length = 0;

  if (emu_request_header (req, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL)
    return TRUE;
  return cl != NULL
         && g_ascii_string_to_unsigned (cl, 10, 0, G_MAXUINT64, &length, NULL)
         && length > 0;
}

/* Everything that can be judged on the headers; FALSE with the error set
 * in @up when the PUT is to be refused. */
static gboolean
check_put (EmuRequest *req, EmuUpload *up)
{
  const char *te = emu_request_header (req, MHD_HTTP_HEADER_TRANSFER_ENCODING);
  const char *cl = emu_request_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
  const char *ct = emu_request_header (req, MHD_HTTP_HEADER_CONTENT_TYPE);
  EmuFault *fault = req->fault;
  const char *object;

  if (fault && fault->action == EMU_FAULT_STATUS)
    {
      set_error (up, fault->status,
                 fault->code ? fault->code
                             : emu_default_s3_code (fault->status),
                 fault->message ? fault->message
                                : emu_default_s3_message (fault->status),
                 NULL);
      return FALSE;
    }
  if (fault && fault->action == EMU_FAULT_BODY)
    {
      /* Answered with the fault's body by answer_pending. */
      set_error (up, fault->status, "", "", NULL);
      return FALSE;
    }
  if (fault && fault->action == EMU_FAULT_EXPIRE)
    {
      set_error (up, 403, "AccessDenied", "Request has expired", NULL);
      return FALSE;
    }
  if (!check_one_auth_mechanism (req, up))
    return FALSE;
  if (te != NULL && g_ascii_strcasecmp (te, "identity") != 0)
    {
      set_error (up, 501, "NotImplemented",
                 "A header you provided implies functionality that is not "
                 "implemented",
                 g_strdup ("<Header>Transfer-Encoding</Header>"));
      return FALSE;
    }
  if (cl == NULL)
    {
      set_error (up, 411, "MissingContentLength",
                 "You must provide the Content-Length HTTP header.", NULL);
      return FALSE;
    }
  if (!g_ascii_string_to_unsigned (cl, 10, 0, G_MAXUINT64, &up->expected, NULL))
    {
      set_error (up, 400, "BadRequest", "Invalid Content-Length", NULL);
      return FALSE;
    }
  if (up->expected > MAX_PUT_SIZE)
    {
      set_error (up, 400, "EntityTooLarge",
                 "Your proposed upload exceeds the maximum allowed size",
                 g_strdup_printf ("<ProposedSize>%s</ProposedSize>"
                                  "<MaxSizeAllowed>%" G_GUINT64_FORMAT
                                  "</MaxSizeAllowed>",
                                  cl, MAX_PUT_SIZE));
      return FALSE;
    }
  /* Content type and length are covered by the signature, as in S3. */
  if (!check_signature (req, up, "PUT", ct ? ct : "", cl))
    return FALSE;
  if (!parse_object_path (req->path, &up->mid, &object)
      || !g_str_equal (object, "original.media"))
    {
      set_error (up, 403, "AccessDenied", "Access Denied", NULL);
      return FALSE;
    }
  return TRUE;
}

static enum MHD_Result
handle_headers (EmuRequest *req)
{
  EmuStore *store = emu_server_get_store (req->server);
  EmuUpload *up;

  if (g_str_equal (req->method, "GET") || g_str_equal (req->method, "HEAD"))
    {
      handle_download (req);
      return MHD_YES;
    }

  up = req->upload = upload_new ();
  if (!g_str_equal (req->method, "PUT"))
    set_error (up, 405, "MethodNotAllowed",
               "The specified method is not allowed against this resource.",
               NULL);
  else if (check_put (req, up))
    {
      up->part_path = emu_store_new_part_path (store, up->mid);
      up->fd = g_open (up->part_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                       0600);
      if (up->fd < 0)
        {
          g_printerr ("authenta-emulator: cannot create a part file: %s\n",
                      g_strerror (errno));
          g_clear_pointer (&up->part_path, g_free);
          set_error (up, 500, "InternalError", emu_default_s3_message (500),
                     NULL);
        }
      else
        {
          up->md5 = g_checksum_new (G_CHECKSUM_MD5);
          up->dropped = req->fault && req->fault->action == EMU_FAULT_DROP;
        }
    }

  /* With no body to come, or a client waiting for 100 Continue, the
   * error goes now, before any body (MHD then reads none). */
  if (up->pending_status != 0 && (wants_continue (req) || !body_expected (req)))
    {
      answer_pending (req);
      return req->answered ? MHD_YES : MHD_NO; /* NO: shutting down */
    }
  return MHD_YES;
}

static gboolean
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (size_t)n;
    }
  return TRUE;
}

static enum MHD_Result
handle_body (EmuRequest *req, const char *data, size_t *size)
{
  EmuUpload *up = req->upload;
  size_t len = *size;

  *size = 0;
  if (up == NULL || req->answered || up->pending_status != 0)
    return MHD_YES; /* drained */

  if (up->dropped)
    {
      /* Some of the body has arrived: close without an answer. */
      discard_part (up);
      return MHD_NO;
    }
  if (!write_all (up->fd, data, len))
    {
      g_printerr ("authenta-emulator: cannot write an upload: %s\n",
                  g_strerror (errno));
      discard_part (up);
      set_error (up, 500, "InternalError", emu_default_s3_message (500), NULL);
      return MHD_YES;
    }
  g_checksum_update (up->md5, (const guchar *)data, len);
  up->received += len;
  return MHD_YES;
}

static enum MHD_Result
handle_end (EmuRequest *req)
{
  EmuUpload *up = req->upload;
  g_autofree char *etag = NULL;
  g_autofree char *note = NULL;
  struct MHD_Response *resp;

  if (req->answered || up == NULL)
    return MHD_YES;
  if (up->pending_status != 0)
    {
      answer_pending (req);
      return req->answered ? MHD_YES : MHD_NO; /* NO: shutting down */
    }
  if (close (up->fd) != 0)
    {
      up->fd = -1;
      discard_part (up);
      answer_error (req, 500, "InternalError", emu_default_s3_message (500),
                    NULL);
      return MHD_YES;
    }
  up->fd = -1;

  etag = g_strdup_printf ("\"%s\"", g_checksum_get_string (up->md5));
  up->committed = TRUE; /* the store now owns (or removed) the part file */
  emu_store_commit_upload (emu_server_get_store (req->server), up->mid,
                           up->part_path, g_checksum_get_string (up->md5));

  /* "delay": stored, but the answer comes late. */
  if (req->fault && req->fault->delay_ms > 0)
    {
      note = g_strdup_printf ("fault: %s",
                              emu_fault_action_name (req->fault->action));
      if (!emu_server_sleep (req->server, req->fault->delay_ms))
        return MHD_NO;
    }
  resp = emu_response_empty ();
  MHD_add_response_header (resp, MHD_HTTP_HEADER_ETAG, etag);
  emu_request_answer (req, 200, resp, note);
  return MHD_YES;
}

enum MHD_Result
emu_upload_handle (EmuRequest *req, const char *data, size_t *size,
                   gboolean first)
{
  if (first)
    return handle_headers (req);
  if (*size > 0)
    return handle_body (req, data, size);
  return handle_end (req);
}

void
emu_upload_finish (EmuRequest *req, enum MHD_RequestTerminationCode toe)
{
  EmuUpload *up = req->upload;
  g_autofree char *note = NULL;

  if (up == NULL)
    return;
  discard_part (up);
  if (req->logged)
    return;

  /* No answer went out: say in the log what S3 would have answered. */
  if (up->dropped)
    emu_request_log (req, 0, "fault: drop; connection closed, nothing stored");
  else if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED)
    {
      note = g_strdup_printf ("RequestTimeout: idle after %" G_GUINT64_FORMAT
                              " of %" G_GUINT64_FORMAT
                              " bytes; connection closed, nothing stored",
                              up->received, up->expected);
      emu_request_log (req, 400, note);
    }
  else if (toe == MHD_REQUEST_TERMINATED_CLIENT_ABORT
           || toe == MHD_REQUEST_TERMINATED_READ_ERROR)
    {
      note = g_strdup_printf ("IncompleteBody: %" G_GUINT64_FORMAT
                              " of %" G_GUINT64_FORMAT
                              " bytes, then the client closed; nothing stored",
                              up->received, up->expected);
      emu_request_log (req, 400, note);
    }
}
