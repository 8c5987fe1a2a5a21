/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "authenta-error-private.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* The transport under AuthentaClient: libcurl easy handles on the multi
 * handle of the caller's thread-default main context (authenta-http-loop.c),
 * so that a transfer holds no thread and a cancel ends it at once; a pool
 * of idle easy handles; DNS and TLS sessions shared between them through a
 * locked CURLSH. */
typedef struct _AuthentaHttp AuthentaHttp;

typedef struct
{
  guint connect_timeout_ms;
  guint stall_timeout_ms;
  guint request_timeout_ms; /* API calls only; an upload is bounded by the
                               stall time-out instead */
  guint retry_attempts;     /* tries in all, at least 1 */
  guint retry_base_delay_ms;
  guint retry_max_delay_ms;
  double retry_jitter; /* 0–1: the share of each delay that is random */
  /* Monotonic time (µs) past which an API request gives up: each attempt's
   * request time-out is cut to what is left, and no retry waits past it.
   * 0: none.  Set by the wait for a verdict, bounded by poll-timeout. */
  gint64 deadline_us;
} AuthentaHttpPolicy;

typedef void (*AuthentaHttpProgressFunc) (guint64 sent, guint64 total,
                                          gpointer user_data);

typedef struct
{
  const char *method; /* "GET", "POST", "PUT", "DELETE" */
  const char *url;
  AuthentaOrigin origin;
  const char *api_key; /* sent as a bearer token; NULL for storage */
  const char *secret;  /* never shown: redacted from the service's words */
  const char *content_type;
  /* An in-memory body (POST) … */
  const char *body;
  gsize body_length;
  /* … or a file streamed from disk (PUT): upload_fd >= 0. */
  int upload_fd;
  guint64 upload_size;
  const char *upload_path; /* for messages */
  const char *mid;         /* for messages and errors */
  AuthentaHttpProgressFunc progress;
  gpointer progress_data;
} AuthentaHttpRequest;

#define AUTHENTA_HTTP_REQUEST_INIT                                             \
  {                                                                            \
    .upload_fd = -1                                                            \
  }

typedef struct
{
  guint status;
  GBytes *body;
  guint attempts; /* requests on the wire, set on failure too */
  /* An earlier attempt failed after the request may have reached the
   * server: a 404 to a retried DELETE then means it was done. */
  gboolean maybe_delivered;
} AuthentaHttpResponse;

G_GNUC_INTERNAL
/* ca_file: the CA bundle to verify servers with (NULL: the system's). */
AuthentaHttp *authenta_http_new (const char *ca_file);
G_GNUC_INTERNAL
void authenta_http_free (AuthentaHttp *http);
G_GNUC_INTERNAL
const char *authenta_http_get_user_agent (AuthentaHttp *http);
/* The CURLOPT_NOPROXY list: no_proxy (or NO_PROXY) as it was when the first
 * client was made, plus loopback. */
G_GNUC_INTERNAL
const char *authenta_http_get_no_proxy (AuthentaHttp *http);

/* Overwrites with NULs every "Authorization:" header in the list (before it
 * is freed: the header holds the key). */
struct curl_slist;
G_GNUC_INTERNAL
void authenta_http_wipe_headers (struct curl_slist *headers);

/* Sends the request, retrying where it is safe.  TRUE with a 2xx answer in
 * response (clear it with authenta_http_response_clear()); FALSE with an
 * AUTHENTA_ERROR from authenta_error_from_response(), G_IO_ERROR_CANCELLED,
 * or a local error about the upload file. */
G_GNUC_INTERNAL
gboolean authenta_http_send (AuthentaHttp *http,
                             const AuthentaHttpPolicy *policy,
                             const AuthentaHttpRequest *request,
                             AuthentaHttpResponse *response,
                             GCancellable *cancellable, GError **error);
/* The same on the thread-default main context, the one place the retry
 * decisions are made: transfers on its loop, back-off waits on its
 * timers.  The request is copied; request->upload_fd and
 * request->progress_data must stay valid until the callback.  The finish
 * fills response (attempts and maybe_delivered on failure too). */
G_GNUC_INTERNAL
void authenta_http_send_async (AuthentaHttp *http,
                               const AuthentaHttpPolicy *policy,
                               const AuthentaHttpRequest *request,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
G_GNUC_INTERNAL
gboolean authenta_http_send_finish (GAsyncResult *result,
                                    AuthentaHttpResponse *response,
                                    GError **error);
G_GNUC_INTERNAL
void authenta_http_response_clear (AuthentaHttpResponse *response);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AuthentaHttpResponse,
                                  authenta_http_response_clear)

/* The delay before retry number `retry` (1 for the first retry):
 * base·2^(retry-1) capped at max, of which the jitter share is random.
 * random01 in [0, 1). */
G_GNUC_INTERNAL
guint64 authenta_http_backoff_delay (const AuthentaHttpPolicy *policy,
                                     guint retry, double random01);

/* Retry-After as seconds or an HTTP date; -1 when unparsable. */
G_GNUC_INTERNAL
gint64 authenta_http_parse_retry_after (const char *value, gint64 now_unix);

G_END_DECLS
