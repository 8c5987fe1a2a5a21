/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include "authenta-http-private.h"

#include "authenta-http-loop-private.h"

#include "authenta-util-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-version.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Big enough that a fast link is not limited by read() calls: curl's
 * default of 64 KiB costs measurable CPU on a 1 GiB upload. */
#define UPLOAD_BUFFER_SIZE (512 * 1024)
/* Idle easy handles kept for the next transfers (connections belong to the
 * loops' multi handles, not to these). */
#define MAX_IDLE_HANDLES 32
/* How often an upload reports progress, at most. */
#define PROGRESS_INTERVAL_US (100 * G_TIME_SPAN_MILLISECOND)
/* A Retry-After beyond this is not waited for: the call fails instead. */
#define MAX_RETRY_AFTER_MS (120 * 1000)

struct _AuthentaHttp
{
  CURLSH *share;
  GMutex share_locks[CURL_LOCK_DATA_LAST];
  GMutex pool_lock;
  GQueue idle; /* of CURL*: easy handles kept for the next transfers */
  char *user_agent;
  char *ca_file;        /* NULL: curl's default bundle */
  const char *no_proxy; /* shared by all clients, never freed */
};

static void
global_init (void)
{
  static gsize done = 0;

  /* curl_global_init() is not thread-safe before 7.84; run it once. */
  if (g_once_init_enter (&done))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&done, 1);
    }
}

static void
share_lock (CURL *handle, curl_lock_data data, curl_lock_access access,
            void *user_data)
{
  AuthentaHttp *http = user_data;
  g_mutex_lock (&http->share_locks[data]);
}

static void
share_unlock (CURL *handle, curl_lock_data data, void *user_data)
{
  AuthentaHttp *http = user_data;
  g_mutex_unlock (&http->share_locks[data]);
}

/* The caller's no_proxy list plus loopback.  Read once, the first time a
 * client is made, and never again: getenv() races with a setenv() in
 * another thread, and clients may be made (and requests run) from any
 * thread. */
static gpointer
read_no_proxy (gpointer unused)
{
  const char *env = g_getenv ("no_proxy");

  if (env == NULL || *env == '\0')
    env = g_getenv ("NO_PROXY");
  /* Loopback never goes through a proxy; the caller's own list still
   * counts, as CURLOPT_NOPROXY replaces it. */
  return g_strconcat (env && *env ? env : "", env && *env ? "," : "",
                      "localhost,127.0.0.1,::1", NULL);
}

static const char *
get_no_proxy (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, read_no_proxy, NULL);
}

void
authenta_http_wipe_headers (struct curl_slist *headers)
{
  for (struct curl_slist *h = headers; h != NULL; h = h->next)
    if (g_ascii_strncasecmp (h->data, "Authorization:", 14) == 0)
      authenta_secret_wipe (h->data);
}

AuthentaHttp *
authenta_http_new (const char *ca_file)
{
  AuthentaHttp *http = g_new0 (AuthentaHttp, 1);
  curl_version_info_data *info;

  global_init ();
  for (guint i = 0; i < G_N_ELEMENTS (http->share_locks); i++)
    g_mutex_init (&http->share_locks[i]);
  g_mutex_init (&http->pool_lock);
  g_queue_init (&http->idle);

  http->share = curl_share_init ();
  curl_share_setopt (http->share, CURLSHOPT_LOCKFUNC, share_lock);
  curl_share_setopt (http->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
  curl_share_setopt (http->share, CURLSHOPT_USERDATA, http);
  curl_share_setopt (http->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt (http->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
  /* Not CURL_LOCK_DATA_CONNECT: a connection cache shared between threads
   * is a known libcurl bug (KNOWN_BUGS 11.11, curl#4915).  Connections are
   * reused through each main context's multi handle instead
   * (authenta-http-loop.c). */

  http->no_proxy = get_no_proxy ();
  http->ca_file = g_strdup (ca_file);

  info = curl_version_info (CURLVERSION_NOW);
  http->user_agent = g_strdup_printf ("libauthenta/%s libcurl/%s",
                                      authenta_get_version (), info->version);
  return http;
}

void
authenta_http_free (AuthentaHttp *http)
{
  CURL *easy;

  if (http == NULL)
    return;
  while ((easy = g_queue_pop_head (&http->idle)) != NULL)
    curl_easy_cleanup (easy);
  curl_share_cleanup (http->share);
  for (guint i = 0; i < G_N_ELEMENTS (http->share_locks); i++)
    g_mutex_clear (&http->share_locks[i]);
  g_mutex_clear (&http->pool_lock);
  g_free (http->user_agent);
  g_free (http->ca_file);
  g_free (http);
}

const char *
authenta_http_get_user_agent (AuthentaHttp *http)
{
  return http->user_agent;
}

const char *
authenta_http_get_no_proxy (AuthentaHttp *http)
{
  return http->no_proxy;
}

static CURL *
easy_take (AuthentaHttp *http)
{
  CURL *easy;

  g_mutex_lock (&http->pool_lock);
  easy = g_queue_pop_head (&http->idle);
  g_mutex_unlock (&http->pool_lock);
  if (easy == NULL)
    return curl_easy_init ();
  /* Forgets the previous request's options. */
  curl_easy_reset (easy);
  return easy;
}

static void
easy_give_back (AuthentaHttp *http, CURL *easy)
{
  g_mutex_lock (&http->pool_lock);
  if (g_queue_get_length (&http->idle) < MAX_IDLE_HANDLES)
    {
      g_queue_push_head (&http->idle, easy);
      easy = NULL;
    }
  g_mutex_unlock (&http->pool_lock);
  if (easy)
    curl_easy_cleanup (easy);
}

void
authenta_http_response_clear (AuthentaHttpResponse *response)
{
  g_clear_pointer (&response->body, g_bytes_unref);
  response->status = 0;
}

guint64
authenta_http_backoff_delay (const AuthentaHttpPolicy *policy, guint retry,
                             double random01)
{
  double delay = policy->retry_base_delay_ms;
  double jitter = CLAMP (policy->retry_jitter, 0.0, 1.0);

  for (guint i = 1; i < retry && delay < policy->retry_max_delay_ms; i++)
    delay *= 2;
  delay = MIN (delay, (double)policy->retry_max_delay_ms);
  /* "Equal jitter": a fixed part keeps a floor under the back-off, the
   * random part spreads many clients' retries apart. */
  return (guint64)(delay * (1.0 - jitter) + delay * jitter * random01);
}

gint64
authenta_http_parse_retry_after (const char *value, gint64 now_unix)
{
  char *end = NULL;
  gint64 seconds;
  time_t when;

  if (value == NULL)
    return -1;
  while (g_ascii_isspace (*value))
    value++;
  if (g_ascii_isdigit (*value))
    {
      seconds = g_ascii_strtoll (value, &end, 10);
      while (end && g_ascii_isspace (*end))
        end++;
      if (end && *end == '\0' && seconds >= 0)
        return MIN (seconds, G_MAXINT32) * 1000;
      return -1;
    }
  when = curl_getdate (value, NULL);
  if (when < 0)
    return -1;
  /* A far-future date must not overflow the multiplication. */
  return MIN (MAX (0, (gint64)when - now_unix), G_MAXINT32) * 1000;
}

/* What one attempt saw. */
typedef struct
{
  const AuthentaHttpRequest *request;
  GCancellable *cancellable;

  GByteArray *body;
  gboolean too_large;
  gint64 retry_after_ms;

  guint64 offset; /* of the upload */
  gboolean file_short;
  int read_errno;
  gint64 last_progress;

  /* Our own stall detection: curl's LOW_SPEED_TIME averages over a window
   * and fired after ~37 s for a 30 s setting. */
  gint64 stall_timeout_us; /* 0: none */
  curl_off_t moved;        /* bytes up and down so far */
  gint64 last_moved;
  gboolean stalled;

  /* Request heads curl put on the wire: more than one when it silently
   * resent on a reused connection that turned out dead. */
  guint heads_sent;

  char errbuf[CURL_ERROR_SIZE];
} Transfer;

static int
on_debug (CURL *easy, curl_infotype type, char *data, size_t size,
          void *user_data)
{
  Transfer *t = user_data;

  /* Only counted, never logged: the head holds the key. */
  if (type == CURLINFO_HEADER_OUT)
    t->heads_sent++;
  return 0;
}

static size_t
on_body (char *data, size_t size, size_t nmemb, void *user_data)
{
  Transfer *t = user_data;
  gsize n = size * nmemb;

  /* Stop reading at the bound: returning short makes curl fail the
   * transfer with CURLE_WRITE_ERROR, which is reported as too large. */
  if (t->body->len + n > AUTHENTA_MAX_ANSWER_SIZE)
    {
      t->too_large = TRUE;
      return 0;
    }
  g_byte_array_append (t->body, (const guint8 *)data, n);
  return n;
}

static gboolean
header_is (const char *line, gsize n, const char *name, const char **value)
{
  gsize len = strlen (name);

  if (n <= len || g_ascii_strncasecmp (line, name, len) != 0
      || line[len] != ':')
    return FALSE;
  *value = line + len + 1;
  return TRUE;
}

static size_t
on_header (char *data, size_t size, size_t nmemb, void *user_data)
{
  Transfer *t = user_data;
  gsize n = size * nmemb;
  g_autofree char *line = g_strndup (data, n);
  const char *value;

  g_strchomp (line);
  if (g_str_has_prefix (line, "HTTP/"))
    {
      /* A new status line (after a 100 Continue): forget the last one's
       * headers. */
      t->retry_after_ms = -1;
    }
  else if (header_is (line, strlen (line), "Retry-After", &value))
    {
      t->retry_after_ms = authenta_http_parse_retry_after (
          value, g_get_real_time () / G_USEC_PER_SEC);
    }
  else if (header_is (line, strlen (line), "Content-Length", &value))
    {
      guint64 length = g_ascii_strtoull (value, NULL, 10);
      /* Refuse before reading a byte of an answer that will not fit. */
      if (length > AUTHENTA_MAX_ANSWER_SIZE)
        {
          t->too_large = TRUE;
          return 0;
        }
    }
  return n;
}

static size_t
on_read (char *buffer, size_t size, size_t nitems, void *user_data)
{
  Transfer *t = user_data;
  guint64 left = t->request->upload_size - t->offset;
  gsize want = MIN ((guint64)size * nitems, left);
  gssize got;

  if (want == 0)
    return 0;
  do
    got = pread (t->request->upload_fd, buffer, want, (off_t)t->offset);
  while (got < 0 && errno == EINTR);
  if (got < 0)
    {
      t->read_errno = errno;
      return CURL_READFUNC_ABORT;
    }
  if (got == 0)
    {
      /* The file shrank under us: sending fewer bytes than announced would
       * only make storage wait, then refuse. */
      t->file_short = TRUE;
      return CURL_READFUNC_ABORT;
    }
  t->offset += got;
  return got;
}

static int
on_seek (void *user_data, curl_off_t offset, int origin)
{
  Transfer *t = user_data;

  if (origin != SEEK_SET || offset < 0
      || (guint64)offset > t->request->upload_size)
    return CURL_SEEKFUNC_CANTSEEK;
  t->offset = offset;
  return CURL_SEEKFUNC_OK;
}

static int
on_progress (void *user_data, curl_off_t dltotal, curl_off_t dlnow,
             curl_off_t ultotal, curl_off_t ulnow)
{
  Transfer *t = user_data;
  gint64 now = g_get_monotonic_time ();

  if (g_cancellable_is_cancelled (t->cancellable))
    return 1;
  if (t->request->progress && t->request->upload_fd >= 0)
    {
      if (now - t->last_progress >= PROGRESS_INTERVAL_US)
        {
          t->last_progress = now;
          t->request->progress ((guint64)ulnow, t->request->upload_size,
                                t->request->progress_data);
        }
    }
  return 0;
}

static void
setup_easy (AuthentaHttp *http, CURL *easy, const AuthentaHttpPolicy *policy,
            const AuthentaHttpRequest *request, Transfer *t,
            struct curl_slist **headers)
{
  g_autofree char *content_type = NULL;

  curl_easy_setopt (easy, CURLOPT_URL, request->url);
  curl_easy_setopt (easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (easy, CURLOPT_SHARE, http->share);
  curl_easy_setopt (easy, CURLOPT_USERAGENT, http->user_agent);
  curl_easy_setopt (easy, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt (easy, CURLOPT_NOPROXY, http->no_proxy);
  if (http->ca_file)
    curl_easy_setopt (easy, CURLOPT_CAINFO, http->ca_file);
#if LIBCURL_VERSION_NUM >= 0x075500
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt (easy, CURLOPT_PROTOCOLS,
                    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  /* Never follow redirects: the bearer token must not travel elsewhere. */
  curl_easy_setopt (easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt (easy, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
  /* Without it, removing a transfer cancelled during DNS resolution joins
   * the resolver thread, i.e. waits for getaddrinfo() to end (seconds with
   * an unanswering DNS server).  With it the thread is detached and left
   * to finish its lookup on its own. */
  curl_easy_setopt (easy, CURLOPT_QUICK_EXIT, 1L);
#endif
  if (policy->connect_timeout_ms)
    curl_easy_setopt (easy, CURLOPT_CONNECTTIMEOUT_MS,
                      (long)policy->connect_timeout_ms);
  /* The stall time-out is kept by a timer of the send (on_stall_check):
   * with the multi socket interface curl calls on_progress only when
   * something happens. */
  t->stall_timeout_us = (gint64)policy->stall_timeout_ms * 1000;
  t->last_moved = g_get_monotonic_time ();
  if (policy->request_timeout_ms && request->upload_fd < 0)
    curl_easy_setopt (easy, CURLOPT_TIMEOUT_MS,
                      (long)policy->request_timeout_ms);

  curl_easy_setopt (easy, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt (easy, CURLOPT_WRITEDATA, t);
  curl_easy_setopt (easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt (easy, CURLOPT_HEADERDATA, t);
  curl_easy_setopt (easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt (easy, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt (easy, CURLOPT_XFERINFODATA, t);
  /* The debug callback only runs with VERBOSE; it prints nothing. */
  curl_easy_setopt (easy, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt (easy, CURLOPT_DEBUGDATA, t);
  curl_easy_setopt (easy, CURLOPT_VERBOSE, 1L);
  /* A POST is not idempotent: never sent on a reused connection, which
   * curl would silently resend on if it turned out dead, making a second
   * record. */
  curl_easy_setopt (easy, CURLOPT_FRESH_CONNECT,
                    g_str_equal (request->method, "POST") ? 1L : 0L);

  if (request->api_key)
    {
      g_autofree char *auth
          = g_strconcat ("Authorization: Bearer ", request->api_key, NULL);
      *headers = curl_slist_append (*headers, auth);
      /* The header holds the key: wipe our copy. */
      authenta_secret_wipe (auth);
      *headers = curl_slist_append (*headers, "Accept: application/json");
    }
  if (request->content_type)
    {
      content_type
          = g_strconcat ("Content-Type: ", request->content_type, NULL);
      *headers = curl_slist_append (*headers, content_type);
    }

  if (request->upload_fd >= 0)
    {
      /* A known length: curl sends Content-Length, never chunked.  Expect:
       * 100-continue stays (curl adds it for large bodies): storage then
       * refuses an expired or mismatched URL before the body is sent. */
      curl_easy_setopt (easy, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt (easy, CURLOPT_INFILESIZE_LARGE,
                        (curl_off_t)request->upload_size);
      curl_easy_setopt (easy, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt (easy, CURLOPT_READDATA, t);
      curl_easy_setopt (easy, CURLOPT_SEEKFUNCTION, on_seek);
      curl_easy_setopt (easy, CURLOPT_SEEKDATA, t);
      curl_easy_setopt (easy, CURLOPT_UPLOAD_BUFFERSIZE,
                        (long)UPLOAD_BUFFER_SIZE);
      if (g_strcmp0 (request->method, "PUT") != 0)
        curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, request->method);
    }
  else if (g_strcmp0 (request->method, "POST") == 0)
    {
      curl_easy_setopt (easy, CURLOPT_POSTFIELDS,
                        request->body ? request->body : "");
      curl_easy_setopt (easy, CURLOPT_POSTFIELDSIZE_LARGE,
                        (curl_off_t)(request->body ? request->body_length : 0));
    }
  else if (g_strcmp0 (request->method, "GET") != 0)
    {
      curl_easy_setopt (easy, CURLOPT_CUSTOMREQUEST, request->method);
    }
  curl_easy_setopt (easy, CURLOPT_HTTPHEADER, *headers);
}

static char *
describe_ms (guint ms)
{
  if (ms >= 1000 && ms % 1000 == 0)
    return g_strdup_printf ("%u s", ms / 1000);
  return g_strdup_printf ("%u ms", ms);
}

/* Which of the three transfer time-outs fired, in words, so that it cannot
 * be mistaken for the wait for a verdict (AUTHENTA_ERROR_TIMEOUT).  curl
 * reports all three as CURLE_OPERATION_TIMEDOUT; its error buffer and
 * whether the request got as far as being sent tell them apart. */
static char *
describe_timeout (const AuthentaHttpPolicy *policy,
                  const AuthentaHttpRequest *request, const char *errbuf,
                  curl_off_t pretransfer_us)
{
  g_autofree char *value = NULL;
  long stall_s = MAX (1, (policy->stall_timeout_ms + 999) / 1000);
  gboolean has_request_timeout
      = policy->request_timeout_ms && request->upload_fd < 0;

  if (g_str_has_prefix (errbuf, "Operation too slow"))
    return g_strdup_printf ("no answer within the %ld s stall time-out",
                            stall_s);
  if (g_str_has_prefix (errbuf, "Resolving timed out")
      || g_str_has_prefix (errbuf, "Connection timed out")
      || pretransfer_us == 0)
    {
      value = describe_ms (policy->connect_timeout_ms);
      return g_strdup_printf ("no connection within the %s connect time-out",
                              value);
    }
  if (has_request_timeout)
    {
      value = describe_ms (policy->request_timeout_ms);
      return g_strdup_printf (
          "no complete answer within the %s request time-out", value);
    }
  return g_strdup_printf ("no answer within the %ld s stall time-out", stall_s);
}

static gboolean
is_retryable_curl (CURLcode code)
{
  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: /* the connection closed mid-answer */
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether an attempt that failed with code may have reached the server
 * whole, so that it may have done what was asked: its answer was lost. */
static gboolean
may_have_been_delivered (CURLcode code, curl_off_t pretransfer_us)
{
  switch (code)
    {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
      return FALSE;
    case CURLE_OPERATION_TIMEDOUT:
      return pretransfer_us > 0;
    default:
      return TRUE;
    }
}

static gboolean
is_retryable_status (guint status)
{
  /* 408 is the server giving up on a slow request: safe to resend.  Of the
   * 5xx only the transient ones: S3's 501 NotImplemented or a 505 say the
   * request itself is unsupported, and resending cannot change that, no
   * more than for 400, 401, 402, 403, 404. */
  switch (status)
    {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return TRUE;
    default:
      return FALSE;
    }
}

/* One send: its attempts, the back-off waits between them, and the
 * transfer under way.  Runs in the loop of the context that started it. */
typedef struct
{
  AuthentaHttp *http;
  AuthentaHttpLoop *loop;
  AuthentaHttpPolicy policy;
  AuthentaHttpRequest request; /* its strings are the copies below */
  char *strings[8];
  char *what;
  guint attempts; /* allowed */
  guint attempt;  /* under way */
  AuthentaHttpResponse response;

  /* The attempt under way (easy != NULL while on the wire). */
  CURL *easy;
  Transfer t;
  struct curl_slist *headers;
  AuthentaHttpPolicy attempt_policy;
  gint64 start;
  GSource *stall_source;
  AuthentaCancelWatch *cancel_watch; /* for the whole send */
} Send;

static void
send_free (Send *send)
{
  g_warn_if_fail (send->easy == NULL);
  g_clear_pointer (&send->cancel_watch, authenta_cancel_watch_stop);
  authenta_http_loop_unref (send->loop);
  authenta_http_response_clear (&send->response);
  /* The key travelled in the request: not left in freed memory. */
  if (send->request.api_key)
    authenta_secret_wipe ((char *)send->request.api_key);
  if (send->request.secret)
    authenta_secret_wipe ((char *)send->request.secret);
  for (guint i = 0; i < G_N_ELEMENTS (send->strings); i++)
    g_free (send->strings[i]);
  g_free (send->what);
  g_free (send);
}

/* Ends the attempt's transfer and lets go of what it used. */
static void
attempt_clear (Send *send)
{
  if (send->stall_source)
    g_source_destroy (send->stall_source);
  g_clear_pointer (&send->stall_source, g_source_unref);
  if (send->easy)
    {
      /* The handle refers to t and headers: detach before they go. */
      curl_easy_setopt (send->easy, CURLOPT_HTTPHEADER, NULL);
      curl_easy_setopt (send->easy, CURLOPT_ERRORBUFFER, NULL);
      easy_give_back (send->http, send->easy);
      send->easy = NULL;
    }
  /* curl_slist_append() copied the header that holds the key. */
  authenta_http_wipe_headers (send->headers);
  g_clear_pointer (&send->headers, curl_slist_free_all);
  g_clear_pointer (&send->t.body, g_byte_array_unref);
}

static void attempt_start (GTask *task);

static void
on_backoff_over (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!authenta_wait_finish (result, &error))
    g_task_return_error (task, error);
  else
    attempt_start (task);
}

/* What the attempt's end means: the answer, the error, or another attempt
 * after a back-off.  The one place the retry decisions are made. */
static void
attempt_done (GTask *task, CURLcode code, gboolean cancelled)
{
  Send *send = g_task_get_task_data (task);
  const AuthentaHttpRequest *request = &send->request;
  const AuthentaHttpPolicy *policy = &send->policy;
  Transfer *t = &send->t;
  const char *what = send->what;
  long status = 0, new_connections = 0;
  curl_off_t pretransfer_us = 0;
  g_autofree char *timeout_detail = NULL;
  gint64 elapsed_ms;
  GError *attempt_error = NULL;
  gboolean retry, delivered;
  guint64 delay;

  if (t->stalled)
    {
      code = CURLE_OPERATION_TIMEDOUT;
      g_strlcpy (t->errbuf, "Operation too slow", sizeof t->errbuf);
    }
  if (code == CURLE_ABORTED_BY_CALLBACK
      && g_cancellable_is_cancelled (t->cancellable))
    cancelled = TRUE;
  /* What went on the wire counts against the attempts, curl's own
   * resends included. */
  if (t->heads_sent > 1)
    send->attempt += t->heads_sent - 1;
  send->response.attempts = send->attempt;
  elapsed_ms = (g_get_monotonic_time () - send->start) / 1000;
  curl_easy_getinfo (send->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_getinfo (send->easy, CURLINFO_NUM_CONNECTS, &new_connections);
  curl_easy_getinfo (send->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);

  if (cancelled)
    {
      g_debug ("%s: cancelled after %" G_GINT64_FORMAT " ms", what, elapsed_ms);
      attempt_clear (send);
      g_task_return_error (task, g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              "%s: cancelled", what));
      return;
    }

  if (code == CURLE_OK)
    g_debug ("%s: HTTP %ld in %" G_GINT64_FORMAT
             " ms (attempt %u/%u, %s connection)",
             what, status, elapsed_ms, send->attempt, send->attempts,
             new_connections > 0 ? "new" : "reused");
  else
    g_debug ("%s: %s after %" G_GINT64_FORMAT " ms (attempt %u/%u)", what,
             curl_easy_strerror (code), elapsed_ms, send->attempt,
             send->attempts);

  if (t->too_large)
    {
      attempt_clear (send);
      g_task_return_error (
          task, authenta_error_new_full (
                    AUTHENTA_ERROR_PROTOCOL, status, NULL, request->mid,
                    "%s: the answer is larger than %u bytes; not "
                    "reading it",
                    what, AUTHENTA_MAX_ANSWER_SIZE));
      return;
    }
  if (t->file_short || t->read_errno)
    {
      GError *error;

      if (t->file_short)
        error = authenta_error_new_full (
            AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, request->mid,
            "“%s” shrank during the upload (at byte %" G_GUINT64_FORMAT
            " of %" G_GUINT64_FORMAT ")",
            request->upload_path ? request->upload_path : "file", t->offset,
            request->upload_size);
      else
        error
            = g_error_new (G_IO_ERROR, g_io_error_from_errno (t->read_errno),
                           "Cannot read “%s”: %s",
                           request->upload_path ? request->upload_path : "file",
                           g_strerror (t->read_errno));
      attempt_clear (send);
      g_task_return_error (task, error);
      return;
    }

  if (code == CURLE_OK && status >= 200 && status < 300)
    {
      send->response.status = status;
      send->response.body = g_byte_array_free_to_bytes (t->body);
      t->body = NULL;
      attempt_clear (send);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (code == CURLE_OPERATION_TIMEDOUT)
    timeout_detail = describe_timeout (&send->attempt_policy, request,
                                       t->errbuf, pretransfer_us);
  if (authenta_error_curl_is_tls (code))
    {
      g_autoptr (GUri) uri
          = g_uri_parse (request->url, G_URI_FLAGS_ENCODED, NULL);
      attempt_error
          = authenta_error_new_tls (what, uri ? g_uri_get_host (uri) : NULL,
                                    code, t->errbuf, request->mid);
    }
  else
    attempt_error = authenta_error_from_response (
        what, request->origin, code,
        timeout_detail ? timeout_detail : t->errbuf,
        code == CURLE_OK ? status : 0, (const char *)t->body->data,
        t->body->len, request->mid,
        request->secret ? request->secret : request->api_key);
  /* Only the answer's body went: t's other findings stay for below. */
  attempt_clear (send);

  delivered
      = code != CURLE_OK && may_have_been_delivered (code, pretransfer_us);
  send->response.maybe_delivered |= delivered;
  retry = code == CURLE_OK ? is_retryable_status (status)
                           : is_retryable_curl (code);
  /* A create whose answer was lost may have made a record: resending
   * it would make a second one, left behind INITED. */
  if (retry && delivered && g_str_equal (request->method, "POST"))
    {
      char *message = g_strdup_printf (
          "%s; not resent, as the lost answer may have been to a new "
          "record (listing the records shows it)",
          attempt_error->message);

      g_debug ("%s: not resending a POST whose answer was lost", what);
      g_free (attempt_error->message);
      attempt_error->message = message;
      retry = FALSE;
    }
  if (!retry)
    {
      g_debug ("%s: not retrying (%s)", what, attempt_error->message);
      g_task_return_error (task, attempt_error);
      return;
    }
  if (send->attempt >= send->attempts)
    {
      g_debug ("%s: giving up after %u attempts", what, send->attempt);
      if (send->attempts > 1)
        {
          char *message = g_strdup_printf (
              "%s, after %u attempts", attempt_error->message, send->attempt);
          g_free (attempt_error->message);
          attempt_error->message = message;
        }
      g_task_return_error (task, attempt_error);
      return;
    }
  delay
      = authenta_http_backoff_delay (policy, send->attempt, g_random_double ());
  if (t->retry_after_ms >= 0)
    {
      if (t->retry_after_ms
          > MAX (MAX_RETRY_AFTER_MS, (gint64)policy->retry_max_delay_ms))
        {
          g_debug ("%s: not retrying: Retry-After of %" G_GINT64_FORMAT
                   " ms is too long",
                   what, t->retry_after_ms);
          g_task_return_error (task, attempt_error);
          return;
        }
      delay = MAX (delay, (guint64)t->retry_after_ms);
    }
  if (policy->deadline_us > 0
      && g_get_monotonic_time () + (gint64)delay * 1000 >= policy->deadline_us)
    {
      g_debug ("%s: not retrying: the deadline comes first", what);
      g_task_return_error (task, attempt_error);
      return;
    }
  g_debug ("%s: retrying in %" G_GUINT64_FORMAT " ms%s (%s)", what, delay,
           t->retry_after_ms >= 0 ? " as Retry-After asks" : "",
           attempt_error->message);
  g_clear_error (&attempt_error);
  send->attempt++;
  /* A timer on the context: the wait holds no thread. */
  authenta_wait_async (delay, g_task_get_cancellable (task), on_backoff_over,
                       g_object_ref (task));
}

static void
on_transfer_done (CURL *easy, CURLcode result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  attempt_done (task, result, FALSE);
}

/* The stall time-out, our own: curl's LOW_SPEED_TIME averages over a
 * window (it fired after ~37 s for a 30 s setting), and with the multi
 * socket interface its progress callback runs only when data moves. */
static gboolean
on_stall_check (gpointer user_data)
{
  GTask *task = user_data;
  Send *send = g_task_get_task_data (task);
  Transfer *t = &send->t;
  curl_off_t up = 0, down = 0;
  gint64 now = g_get_monotonic_time ();

  curl_easy_getinfo (send->easy, CURLINFO_SIZE_UPLOAD_T, &up);
  curl_easy_getinfo (send->easy, CURLINFO_SIZE_DOWNLOAD_T, &down);
  if (up + down != t->moved)
    {
      t->moved = up + down;
      t->last_moved = now;
      return G_SOURCE_CONTINUE;
    }
  if (now - t->last_moved < t->stall_timeout_us)
    return G_SOURCE_CONTINUE;
  t->stalled = TRUE;
  authenta_http_loop_remove (send->loop, send->easy);
  /* The transfer's reference to the task, given back by hand, as its done
   * callback will not run. */
  g_object_ref (task);
  attempt_done (task, CURLE_OPERATION_TIMEDOUT, FALSE);
  g_object_unref (task); /* the transfer's */
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

/* The cancel source: ends the transfer under way at once (a back-off
 * wait watches the cancellable itself). */
static gboolean
on_send_cancelled (gpointer user_data)
{
  GTask *task = user_data;
  Send *send = g_task_get_task_data (task);

  /* Called once; a cancel that finds no transfer under way (a back-off,
   * the time before the first attempt) is seen by the next step. */
  if (send->easy == NULL)
    return G_SOURCE_REMOVE;
  authenta_http_loop_remove (send->loop, send->easy);
  g_object_ref (task);
  attempt_done (task, CURLE_ABORTED_BY_CALLBACK, TRUE);
  g_object_unref (task); /* the transfer's */
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
attempt_start (GTask *task)
{
  Send *send = g_task_get_task_data (task);
  const AuthentaHttpRequest *request = &send->request;
  GCancellable *cancellable = g_task_get_cancellable (task);
  GError *error = NULL;
  Transfer *t = &send->t;

  if (g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (request->upload_fd >= 0)
    {
      struct stat st;
      /* Checked before every attempt: a file that changed size since
       * the record was made can only be refused by storage. */
      if (fstat (request->upload_fd, &st) != 0)
        {
          int errsv = errno;
          g_task_return_error (
              task,
              g_error_new (G_IO_ERROR, g_io_error_from_errno (errsv),
                           "Cannot read “%s”: %s",
                           request->upload_path ? request->upload_path : "file",
                           g_strerror (errsv)));
          return;
        }
      if ((guint64)st.st_size != request->upload_size)
        {
          g_task_return_error (
              task, authenta_error_new_full (
                        AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, request->mid,
                        "“%s” is now %" G_GUINT64_FORMAT
                        " bytes, but the record (mid %s) was created for "
                        "%" G_GUINT64_FORMAT " bytes: not uploading it",
                        request->upload_path ? request->upload_path : "file",
                        (guint64)st.st_size, request->mid ? request->mid : "?",
                        request->upload_size));
          return;
        }
    }

  /* Within a deadline, this attempt may take only what is left. */
  send->attempt_policy = send->policy;
  if (send->policy.deadline_us > 0 && request->upload_fd < 0)
    {
      gint64 left_ms
          = (send->policy.deadline_us - g_get_monotonic_time () + 999) / 1000;
      left_ms = CLAMP (left_ms, 1, G_MAXUINT);
      if (send->attempt_policy.request_timeout_ms == 0
          || send->attempt_policy.request_timeout_ms > left_ms)
        send->attempt_policy.request_timeout_ms = (guint)left_ms;
    }

  memset (t, 0, sizeof *t);
  t->request = request;
  t->cancellable = cancellable;
  t->body = g_byte_array_new ();
  t->retry_after_ms = -1;
  t->last_progress = g_get_monotonic_time ();

  send->easy = easy_take (send->http);
  setup_easy (send->http, send->easy, &send->attempt_policy, request, t,
              &send->headers);
  send->start = g_get_monotonic_time ();
  if (!authenta_http_loop_add (send->loop, send->easy, on_transfer_done,
                               g_object_ref (task)))
    {
      g_object_unref (task);
      attempt_clear (send);
      g_task_return_error (task,
                           authenta_error_new_full (AUTHENTA_ERROR_NETWORK, 0,
                                                    NULL, request->mid,
                                                    "%s: cannot start the "
                                                    "transfer",
                                                    send->what));
      return;
    }
  if (t->stall_timeout_us > 0)
    {
      guint every = CLAMP (send->policy.stall_timeout_ms / 10, 50, 1000);

      send->stall_source = g_timeout_source_new (every);
      g_source_set_callback (send->stall_source, on_stall_check, task, NULL);
      g_source_attach (send->stall_source, g_task_get_context (task));
    }
}

static gboolean
send_begin (gpointer user_data)
{
  attempt_start (user_data);
  return G_SOURCE_REMOVE;
}

void
authenta_http_send_async (AuthentaHttp *http, const AuthentaHttpPolicy *policy,
                          const AuthentaHttpRequest *request,
                          GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  Send *send;
  guint n = 0;

  g_return_if_fail (request->url != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_http_send_async);
  g_task_set_name (task, "authenta http send");
  send = g_new0 (Send, 1);
  send->http = http;
  send->loop = authenta_http_loop_get (g_task_get_context (task));
  send->policy = *policy;
  send->request = *request;
  /* The caller's request may be on its stack: the send keeps copies. */
#define KEEP(field)                                                            \
  send->request.field = send->strings[n++] = g_strdup (request->field)
  KEEP (method);
  KEEP (url);
  KEEP (api_key);
  KEEP (secret);
  KEEP (content_type);
  KEEP (upload_path);
  KEEP (mid);
#undef KEEP
  if (request->body)
    send->request.body = send->strings[n++]
        = g_strndup (request->body, request->body_length);
  send->what = authenta_describe_request (request->method, request->url);
  send->attempts = MAX (policy->retry_attempts, 1);
  send->attempt = 1;
  g_task_set_task_data (task, send, (GDestroyNotify)send_free);
  if (cancellable)
    {
      send->cancel_watch
          = authenta_cancel_watch_new (cancellable, g_task_get_context (task),
                                       on_send_cancelled, task, NULL);
    }
  /* The loop's multi is only touched by the context's owner. */
  g_main_context_invoke_full (g_task_get_context (task), G_PRIORITY_DEFAULT,
                              send_begin, task, g_object_unref);
}

gboolean
authenta_http_send_finish (GAsyncResult *result, AuthentaHttpResponse *response,
                           GError **error)
{
  Send *send;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  send = g_task_get_task_data (G_TASK (result));
  *response = send->response;
  send->response.body = NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
authenta_http_send (AuthentaHttp *http, const AuthentaHttpPolicy *policy,
                    const AuthentaHttpRequest *request,
                    AuthentaHttpResponse *response, GCancellable *cancellable,
                    GError **error)
{
  AuthentaSync sync;
  gboolean ok;

  authenta_sync_begin (&sync);
  authenta_http_send_async (http, policy, request, cancellable,
                            authenta_sync_done, &sync);
  ok = authenta_http_send_finish (authenta_sync_wait (&sync), response, error);
  authenta_sync_end (&sync);
  return ok;
}
