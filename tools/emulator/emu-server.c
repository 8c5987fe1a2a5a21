/* authenta-emulator: the HTTP server, request routing and the request log.
 *
 * libmicrohttpd in thread-per-connection mode: a handler may take its time
 * (a "delay" fault, a large upload) without holding up other clients.  It
 * listens on 127.0.0.1 only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-server.h"

#include "emu-api.h"
#include "emu-controls.h"
#include "emu-request.h"
#include "emu-response.h"
#include "emu-upload.h"

#include "authenta-json-depth.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* API and control bodies are small JSON documents... */
#define MAX_BODY (1024 * 1024)
/* ...except a fault, whose "body" may carry a large hostile answer. */
#define MAX_FAULT_BODY (16 * 1024 * 1024)
/* Per connection: also the size of the pieces an upload is read in. */
#define CONNECTION_MEMORY (256 * 1024)

struct _EmuServer
{
  GObject parent_instance;

  EmuStore *store;
  EmuFaults *faults;
  EmuSigner *signer;
  GHashTable *keys;
  EmuStoreConfig initial;
  char *initial_intermediate; /* initial.intermediate_status points here */

  struct MHD_Daemon *daemon;
  char *root_url;

  guint idle_timeout;   /* seconds, once a request's headers are in */
  guint header_timeout; /* seconds, until then */
  guint per_ip_limit;   /* connections per client address; 0: none */

  GMutex lock;
  GCond cond;
  gboolean stopping;
};

G_DEFINE_FINAL_TYPE (EmuServer, emu_server, G_TYPE_OBJECT)

static void
emu_server_finalize (GObject *object)
{
  EmuServer *self = EMU_SERVER (object);

  emu_server_stop (self);
  g_clear_object (&self->store);
  g_clear_object (&self->faults);
  g_hash_table_unref (self->keys);
  g_free (self->root_url);
  g_free (self->initial_intermediate);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (emu_server_parent_class)->finalize (object);
}

static void
emu_server_class_init (EmuServerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = emu_server_finalize;
}

static void
emu_server_init (EmuServer *self)
{
  self->header_timeout = EMU_SERVER_DEFAULT_HEADER_TIMEOUT;
  self->per_ip_limit = EMU_SERVER_DEFAULT_PER_IP_LIMIT;
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
}

EmuServer *
emu_server_new (EmuStore *store, EmuFaults *faults, EmuSigner *signer,
                GHashTable *keys, const EmuStoreConfig *initial)
{
  EmuServer *self = g_object_new (EMU_TYPE_SERVER, NULL);

  self->store = g_object_ref (store);
  self->faults = g_object_ref (faults);
  self->signer = signer;
  self->keys = g_hash_table_ref (keys);
  self->initial = *initial;
  /* "" rather than NULL, so that a reset also turns off an intermediate
   * status set through the config control. */
  self->initial_intermediate = g_strdup (
      initial->intermediate_status ? initial->intermediate_status : "");
  self->initial.intermediate_status = self->initial_intermediate;
  return self;
}

void
emu_server_set_limits (EmuServer *self, guint header_timeout,
                       guint per_ip_limit)
{
  g_return_if_fail (self->daemon == NULL);

  self->header_timeout = header_timeout;
  self->per_ip_limit = per_ip_limit;
}

EmuStore *
emu_server_get_store (EmuServer *self)
{
  return self->store;
}

EmuFaults *
emu_server_get_faults (EmuServer *self)
{
  return self->faults;
}

EmuSigner *
emu_server_get_signer (EmuServer *self)
{
  return self->signer;
}

const char *
emu_server_get_root_url (EmuServer *self)
{
  return self->root_url;
}

gboolean
emu_server_lookup_key (EmuServer *self, const char *key, EmuPerms *perms)
{
  gpointer value;

  if (!g_hash_table_lookup_extended (self->keys, key, NULL, &value))
    return FALSE;
  *perms = GPOINTER_TO_UINT (value);
  return TRUE;
}

void
emu_server_reset (EmuServer *self)
{
  emu_faults_reset (self->faults);
  emu_store_clear (self->store);
  emu_store_configure (self->store, &self->initial);
}

gboolean
emu_server_sleep (EmuServer *self, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)ms * 1000;
  gboolean stopping;

  g_mutex_lock (&self->lock);
  while (!self->stopping)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  return !stopping;
}

/* Requests */

const char *
emu_request_header (EmuRequest *req, const char *name)
{
  return MHD_lookup_connection_value (req->connection, MHD_HEADER_KIND, name);
}

const char *
emu_request_query (EmuRequest *req, const char *name)
{
  return MHD_lookup_connection_value (req->connection, MHD_GET_ARGUMENT_KIND,
                                      name);
}

static void
write_log (EmuRequest *req, const char *status, const char *note)
{
  gint64 ms = (g_get_monotonic_time () - req->start_us) / 1000;
  g_autofree char *line = NULL;

  /* Method, path without its query, status, time: never a header, so never
   * the key, and never a pre-signed URL's query string. */
  line = g_strdup_printf ("%s %s %s %" G_GINT64_FORMAT "ms%s%s%s\n",
                          req->method, req->path, status, ms, note ? " (" : "",
                          note ? note : "", note ? ")" : "");
  fputs (line, stderr);
  fflush (stderr);
  req->logged = TRUE;
}

void
emu_request_log (EmuRequest *req, guint status, const char *note)
{
  char code[8];

  g_snprintf (code, sizeof code, "%03u", status);
  write_log (req, code, note);
}

void
emu_request_answer (EmuRequest *req, guint status,
                    struct MHD_Response *response, const char *note)
{
  g_return_if_fail (!req->answered);

  if (req->fault && req->fault->retry_after >= 0)
    {
      char value[16];

      g_snprintf (value, sizeof value, "%d", req->fault->retry_after);
      MHD_add_response_header (response, MHD_HTTP_HEADER_RETRY_AFTER, value);
    }
  req->answered = TRUE;
  emu_request_log (req, status, note);
  if (MHD_queue_response (req->connection, status, response) != MHD_YES)
    g_printerr ("authenta-emulator: could not queue the answer to %s %s\n",
                req->method, req->path);
  MHD_destroy_response (response);
}

static EmuRequest *
request_new (EmuServer *self, struct MHD_Connection *connection,
             const char *url, const char *method)
{
  EmuRequest *req = g_new0 (EmuRequest, 1);

  req->server = self;
  req->connection = connection;
  req->method = g_strdup (method);
  req->path = g_strdup (url);
  req->start_us = g_get_monotonic_time ();
  req->route = emu_api_classify (method, url);
  req->s3 = g_str_has_prefix (url, "/s3/");
  req->body = g_string_new (NULL);
  return req;
}

static void
request_free (EmuRequest *req)
{
  emu_fault_free (req->fault);
  g_string_free (req->body, TRUE);
  emu_upload_free (req->upload);
  g_free (req->method);
  g_free (req->path);
  g_free (req);
}

/* The list answer without its "total" member, as some services page. */
static char *
without_total (const char *body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  /* Our own answer, but parsed all the same only when shallow. */
  if (!authenta_json_depth_ok (body, strlen (body), AUTHENTA_JSON_MAX_DEPTH)
      || !json_parser_load_from_data (parser, body, -1, NULL))
    return g_strdup (body);
  root = json_parser_get_root (parser);
  if (root && JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      JsonNode *pagination = json_object_get_member (obj, "pagination");

      json_object_remove_member (obj, "total");
      /* The Jobs API's list keeps its total in "pagination". */
      if (pagination && JSON_NODE_HOLDS_OBJECT (pagination))
        json_object_remove_member (json_node_get_object (pagination), "total");
    }
  return json_to_string (root, FALSE);
}

/* An API request, with the fault it consumed applied. */
static void
handle_api (EmuRequest *req)
{
  EmuFault *fault = req->fault;
  g_autofree char *body = NULL;
  g_autofree char *note = NULL;
  guint status;

  /* Outside /api the site's web front end answers, as on the real host: an
   * HTML page, not the API's JSON error, so that a client given a base URL
   * without /api can tell it reached no API. */
  if (!g_str_equal (req->path, "/api")
      && !g_str_has_prefix (req->path, "/api/"))
    {
      emu_request_answer (req, 404, emu_response_site_not_found (),
                          "not the API: the site's HTML page");
      return;
    }

  if (fault == NULL)
    {
      status = emu_api_handle (req, &body);
      /* 204 (a deleted job) has no body at all. */
      emu_request_answer (req, status,
                          status == 204 ? emu_response_empty ()
                                        : emu_response_json (body),
                          NULL);
      return;
    }

  note = g_strdup_printf ("fault: %s", emu_fault_action_name (fault->action));
  if (fault->delay_ms > 0 && !emu_server_sleep (req->server, fault->delay_ms))
    return; /* shutting down: the connection is closed unanswered */

  /* "body": the given text, type and status, and nothing done. */
  if (fault->action == EMU_FAULT_BODY)
    {
      emu_request_answer (req, fault->status,
                          emu_response_raw (fault->body, fault->content_type),
                          note);
      return;
    }
  if (fault->action == EMU_FAULT_STATUS)
    {
      body = emu_error_json (fault->status, fault->code, fault->message);
      emu_request_answer (req, fault->status, emu_response_json (body), note);
      return;
    }

  /* The other actions mangle the real answer: the request has its
   * effects (a record is created, deleted) but the client cannot tell. */
  status = emu_api_handle (req, &body);
  if (body == NULL) /* a 204: nothing to mangle but nothing */
    body = g_strdup ("");
  switch (fault->action)
    {
    case EMU_FAULT_DROP:
      emu_request_answer (req, status, emu_response_dropped (body), note);
      break;
    case EMU_FAULT_TRUNCATE:
      emu_request_answer (req, 200, emu_response_truncated (body), note);
      break;
    case EMU_FAULT_MALFORMED:
      emu_request_answer (req, 200, emu_response_malformed (), note);
      break;
    case EMU_FAULT_WRONG_TYPE:
      {
        g_autofree char *wrong = emu_wrong_type_json (req->route);

        emu_request_answer (req, 200, emu_response_json (wrong), note);
        break;
      }
    case EMU_FAULT_OVERSIZE:
      emu_request_answer (req, 200, emu_response_oversize (body), note);
      break;
    case EMU_FAULT_NO_TOTAL:
      {
        g_autofree char *trimmed = without_total (body);

        emu_request_answer (req, status, emu_response_json (trimmed), note);
        break;
      }
    default:
      emu_request_answer (req, status,
                          status == 204 ? emu_response_empty ()
                                        : emu_response_json (body),
                          note);
      break;
    }
}

static gsize
body_cap (EmuRequest *req)
{
  return g_str_equal (req->path, "/_emulator/faults") ? MAX_FAULT_BODY
                                                      : MAX_BODY;
}

/* 413 for a body over the cap, in the error shape of the API (which the
 * controls share); the connection is closed after it, unread. */
static void
answer_too_large (EmuRequest *req, const char *note)
{
  g_autofree char *msg = g_strdup_printf (
      "Request body too large: at most %" G_GSIZE_FORMAT " bytes",
      body_cap (req));
  g_autofree char *text = emu_error_json (413, NULL, msg);
  struct MHD_Response *response = emu_response_json (text);

  MHD_add_response_header (response, MHD_HTTP_HEADER_CONNECTION, "close");
  emu_request_answer (req, 413, response, note);
}

/* Set by a connection thread that closes its connection on purpose, so
 * that libmicrohttpd's "internal error" line is not logged for it. */
static GPrivate aborting_on_purpose;

/* How long, and how much, a refused body is still read after the 413, so
 * that the client (which may still be sending) gets the answer rather than
 * a reset: a lingering close, bounded. */
#define LINGER_MS 2000
#define LINGER_BYTES (4 * 1024 * 1024)

static gboolean
wait_fd (int fd, short events, gint64 deadline)
{
  for (;;)
    {
      struct pollfd pfd = { fd, events, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      int n;

      if (left <= 0)
        return FALSE;
      n = poll (&pfd, 1, (int)left);
      if (n > 0)
        return TRUE;
      if (n == 0 || errno != EINTR)
        return FALSE;
    }
}

/* libmicrohttpd 0.9 cannot queue an answer while a body is arriving, so
 * the 413 for a chunked body over the cap is written on the socket here,
 * before the connection is closed (the caller then returns MHD_NO). */
static void
answer_too_large_raw (EmuRequest *req)
{
  const union MHD_ConnectionInfo *info = MHD_get_connection_info (
      req->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
  g_autofree char *msg = g_strdup_printf (
      "Request body too large: at most %" G_GSIZE_FORMAT " bytes",
      body_cap (req));
  g_autofree char *text = emu_error_json (413, NULL, msg);
  g_autofree char *answer = g_strdup_printf (
      "HTTP/1.1 413 Content Too Large\r\nConnection: close\r\n"
      "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT
      "\r\n\r\n%s",
      strlen (text), text);
  gint64 deadline = g_get_monotonic_time () + LINGER_MS * 1000;
  const char *p = answer;
  gsize left = strlen (answer), drained = 0;
  char buf[16384];
  int fd;

  req->answered = TRUE;
  emu_request_log (req, 413,
                   "chunked body over the cap: the rest not read, "
                   "connection closed");
  if (info == NULL)
    return;
  fd = info->connect_fd;
  while (left > 0 && wait_fd (fd, POLLOUT, deadline))
    {
      ssize_t n = send (fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);

      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        return;
      p += n;
      left -= (gsize)n;
    }
  shutdown (fd, SHUT_WR);
  while (drained < LINGER_BYTES && wait_fd (fd, POLLIN, deadline))
    {
      ssize_t n = recv (fd, buf, sizeof buf, MSG_DONTWAIT);

      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        break;
      drained += (gsize)n;
    }
}

/* A Content-Length over the cap is refused at the headers, before any of
 * the body is read, as a front end does. */
static gboolean
declared_too_large (EmuRequest *req)
{
  const char *cl = emu_request_header (req, MHD_HTTP_HEADER_CONTENT_LENGTH);
  guint64 length = 0;

  return cl != NULL
         && g_ascii_string_to_unsigned (cl, 10, 0, G_MAXUINT64, &length, NULL)
         && length > body_cap (req);
}

static enum MHD_Result
access_cb (void *cls, struct MHD_Connection *connection, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
  EmuServer *self = cls;
  EmuRequest *req = *con_cls;

  if (req == NULL)
    {
      req = request_new (self, connection, url, method);
      *con_cls = req;
      /* The headers are in: from now on the connection may be idle as long
       * as a stalled upload may (the header timeout was for getting here). */
      MHD_set_connection_option (connection, MHD_CONNECTION_OPTION_TIMEOUT,
                                 self->idle_timeout);
      /* Counted as soon as the headers are in, faulted or not. */
      if (req->route != EMU_ROUTE_NONE)
        req->fault = emu_faults_hit (self->faults, req->route);
      if (req->s3)
        return emu_upload_handle (req, NULL, upload_data_size, TRUE);
      if (declared_too_large (req))
        {
          req->body_too_large = TRUE;
          answer_too_large (req, "Content-Length over the cap: body not read");
        }
      return MHD_YES;
    }

  if (req->s3)
    return emu_upload_handle (req, upload_data, upload_data_size, FALSE);

  if (*upload_data_size > 0)
    {
      if (req->body_too_large)
        {
          *upload_data_size = 0;
          return MHD_YES;
        }
      if (req->body->len + *upload_data_size <= body_cap (req))
        {
          g_string_append_len (req->body, upload_data, *upload_data_size);
          *upload_data_size = 0;
          return MHD_YES;
        }
      /* A chunked body (its length unknown at the headers) over the cap:
       * refuse it now and read no more of it. */
      req->body_too_large = TRUE;
      *upload_data_size = 0;
      answer_too_large_raw (req);
      g_private_set (&aborting_on_purpose, GINT_TO_POINTER (TRUE));
      return MHD_NO;
    }
  if (req->answered)
    return MHD_YES;

  if (g_str_has_prefix (req->path, "/_emulator/"))
    emu_controls_handle (req);
  else
    handle_api (req);
  return req->answered ? MHD_YES : MHD_NO;
}

static void
completed_cb (void *cls, struct MHD_Connection *connection, void **con_cls,
              enum MHD_RequestTerminationCode toe)
{
  EmuRequest *req = *con_cls;

  if (req == NULL)
    return;
  if (req->s3)
    emu_upload_finish (req, toe);
  if (!req->logged)
    emu_request_log (req, 0,
                     toe == MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN
                         ? "unanswered: shutting down"
                         : "unanswered: connection closed");
  request_free (req);
  *con_cls = NULL;
}

/* libmicrohttpd hands over its own format string: not a literal, but not
 * outside input either. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void
mhd_log_cb (void *cls, const char *fmt, va_list ap)
{
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);

  /* The connection a handler closed on purpose, and said why. */
  if (g_private_get (&aborting_on_purpose))
    {
      g_private_set (&aborting_on_purpose, NULL);
      if (g_str_has_prefix (msg, "Application reported internal error"))
        return;
    }
  g_strchomp (msg);
  g_printerr ("authenta-emulator: libmicrohttpd: %s\n", msg);
}
#pragma GCC diagnostic pop

gboolean
emu_server_start (EmuServer *self, guint port, guint idle_timeout,
                  GError **error)
{
  struct sockaddr_in addr;
  const union MHD_DaemonInfo *info;

  memset (&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons ((guint16)port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  self->idle_timeout = idle_timeout;
  /* The logger goes first, so that MHD uses it for every message.  The
   * daemon's timeout is the one for headers, as a front end's: each
   * connection gets the idle timeout once its request's headers are in
   * (access_cb).  Connections per client address are capped, so that slow
   * or half-open connections from one client cannot take every thread. */
  self->daemon = MHD_start_daemon (
      MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD
          | MHD_USE_AUTO | MHD_USE_ERROR_LOG,
      0, NULL, NULL, access_cb, self, MHD_OPTION_EXTERNAL_LOGGER, mhd_log_cb,
      self, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      (size_t)CONNECTION_MEMORY, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned int)self->header_timeout, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      (unsigned int)self->per_ip_limit, MHD_OPTION_NOTIFY_COMPLETED,
      completed_cb, self, MHD_OPTION_END);
  if (self->daemon == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cannot listen on 127.0.0.1:%u", port);
      return FALSE;
    }
  info = MHD_get_daemon_info (self->daemon, MHD_DAEMON_INFO_BIND_PORT);
  if (info == NULL || info->port == 0)
    {
      MHD_stop_daemon (self->daemon);
      self->daemon = NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cannot tell which port the server listens on");
      return FALSE;
    }
  self->root_url = g_strdup_printf ("http://127.0.0.1:%u", info->port);
  emu_store_set_root_url (self->store, self->root_url);
  return TRUE;
}

void
emu_server_stop (EmuServer *self)
{
  if (self->daemon == NULL)
    return;
  /* Wake delayed handlers first: MHD joins every connection thread. */
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  MHD_stop_daemon (self->daemon);
  self->daemon = NULL;
}
