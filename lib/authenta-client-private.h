/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of AuthentaClient share: the instance and the helpers
 * every call goes through.  authenta-client.c holds the object, its
 * properties and the API call; authenta-client-media.c the Media API flow
 * (/media); authenta-client-jobs.c the Jobs API flow (/v1/jobs);
 * authenta-client-scan.c what both share (answers, checks, the poll loop,
 * the scan); authenta-client-upload.c the upload; authenta-client-access.c
 * the start-time set-up check. */
#include <authenta/authenta-client.h>

#include "authenta-http-private.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

struct _AuthentaClient
{
  GObject parent_instance;

  char *base_url; /* validated, without a trailing slash */
  char *api_key;
  gboolean allow_insecure;
  char *ca_file;
  AuthentaHttp *http;

  /* The policies may be changed from any thread; each call works on a
   * copy taken under the lock when it starts. */
  GMutex lock;
  AuthentaHttpPolicy policy;
  guint poll_interval_ms;
  double poll_growth;
  guint poll_max_interval_ms;
  guint poll_fast_period_ms;
  guint poll_timeout_ms;
  guint upload_seen_timeout_ms;
};

/* FALSE, with an error, for a client that was never initialised. */
G_GNUC_INTERNAL
gboolean authenta_client_check_ready (AuthentaClient *self, GError **error);
/* A copy of the HTTP policy, taken under the lock. */
G_GNUC_INTERNAL
AuthentaHttpPolicy authenta_client_get_policy (AuthentaClient *self);
/* FALSE, with INVALID_ARGUMENT, for more than storage takes in one PUT. */
G_GNUC_INTERNAL
gboolean authenta_client_check_size (guint64 size, const char *mid,
                                     GError **error);
/* The one rule for where anything is sent: https, or plain http to a
 * loopback host or with allow-insecure. */
G_GNUC_INTERNAL
gboolean authenta_client_transport_is_private (AuthentaClient *self,
                                               const char *scheme,
                                               const char *host);
/* An API call (bearer token, JSON body) under the given policy; a
 * NO_SERVICE error names the base URL.  See authenta_http_send(). */
G_GNUC_INTERNAL
gboolean authenta_client_api_call (AuthentaClient *self,
                                   const AuthentaHttpPolicy *policy,
                                   const char *method, const char *url,
                                   const char *body, const char *mid,
                                   AuthentaHttpResponse *response,
                                   GCancellable *cancellable, GError **error);
/* authenta_client_api_call() under the client's policy, giving up at
 * deadline_us (monotonic; 0: none). */
G_GNUC_INTERNAL
gboolean authenta_client_call_until (AuthentaClient *self, const char *method,
                                     const char *url, const char *body,
                                     const char *mid, gint64 deadline_us,
                                     AuthentaHttpResponse *response,
                                     GCancellable *cancellable, GError **error);
/* The same without a deadline. */
G_GNUC_INTERNAL
gboolean authenta_client_call (AuthentaClient *self, const char *method,
                               const char *url, const char *body,
                               const char *mid, AuthentaHttpResponse *response,
                               GCancellable *cancellable, GError **error);

/* The answer's JSON, or AUTHENTA_ERROR_PROTOCOL saying what was wrong
 * (what: the request, such as "GET …/media/x") and carrying the answer's
 * HTTP status. */
G_GNUC_INTERNAL
JsonNode *authenta_client_parse_answer (const char *what, const char *mid,
                                        guint status, GBytes *body,
                                        GError **error);
/* Adds what, mid and status to local_error and propagates it. */
G_GNUC_INTERNAL
void authenta_client_set_answer_error (GError **error, GError *local_error,
                                       const char *what, const char *mid,
                                       guint status);
/* A Media API record from an answer (see authenta_media_new_from_node()). */
G_GNUC_INTERNAL
AuthentaMedia *authenta_client_media_from_answer (const char *what,
                                                  const char *mid, guint status,
                                                  GBytes *body,
                                                  const char *content_type,
                                                  guint64 size, GError **error);
/* FALSE, with INVALID_ARGUMENT, for a content type that is not a bare
 * type/subtype token. */
G_GNUC_INTERNAL
gboolean authenta_client_check_content_type (const char *content_type,
                                             GError **error);

/* One poll: the record, giving up at deadline_us (monotonic; 0: none). */
typedef AuthentaMedia *(*AuthentaPollGetFunc) (AuthentaClient *self,
                                               const char *id,
                                               gint64 deadline_us,
                                               GCancellable *cancellable,
                                               GError **error);
/* What a flow gives the shared poll loop. */
typedef struct
{
  const char *noun; /* "mid" or "job", in messages */
  AuthentaPollGetFunc get;
  /* The error for a terminal record that is not processed. */
  GError *(*failure) (AuthentaClient *self, AuthentaMedia *media);
} AuthentaPollFlow;
/* Polls flow->get with the client's poll policy until the record is
 * processed (see authenta_client_wait_for_result()); id is checked. */
G_GNUC_INTERNAL
AuthentaMedia *authenta_client_poll (AuthentaClient *self,
                                     const AuthentaPollFlow *flow,
                                     const char *id,
                                     AuthentaProgressFunc progress,
                                     gpointer progress_data,
                                     GCancellable *cancellable, GError **error);

/* One page of GET /media under policy (NULL: the client's); *out_total is
 * the service's total, -1 when it sent none, and *out_limit (optional) the
 * page size it says it used, 0 when it said none. */
G_GNUC_INTERNAL
GPtrArray *authenta_client_list_page (AuthentaClient *self,
                                      const AuthentaHttpPolicy *policy,
                                      guint limit, guint offset,
                                      gint64 *out_total, guint *out_limit,
                                      GCancellable *cancellable,
                                      GError **error);
/* After a create whose answer was lost: deletes the INITED records with
 * this name, type and size among the newest, made no earlier than
 * not_before (unix s; 0: any).  FALSE with error when they cannot be
 * listed.  See authenta-client.c. */
G_GNUC_INTERNAL
gboolean authenta_client_reclaim_lost_create (
    AuthentaClient *self, const char *name, const char *content_type,
    guint64 size, gint64 not_before, GCancellable *cancellable, GError **error);
/* Deletes a record this client made and gives up on; best effort. */
G_GNUC_INTERNAL
void authenta_client_delete_abandoned (AuthentaClient *self, const char *mid);

/* The Jobs API (authenta-client-jobs.c). */
/* FALSE, with INVALID_ARGUMENT naming every task, for an unknown task;
 * with UNSUPPORTED_MEDIA for a content type (NULL: not checked) a Jobs
 * API task does not take, or for audio given to a Media API model.  The
 * task is quoted with the client's key redacted. */
G_GNUC_INTERNAL
gboolean authenta_client_check_task (AuthentaClient *self, const char *task,
                                     const char *content_type, GError **error);
/* After a create whose answer was lost: deletes the jobs it may have made,
 * those still waiting for their file with its name, type and size among
 * the newest.  Best effort: a job never finalized is never processed. */
G_GNUC_INTERNAL
void authenta_client_reclaim_lost_job (AuthentaClient *self, const char *name,
                                       const char *content_type, guint64 size,
                                       GCancellable *cancellable);
/* Deletes a job this client made and gives up on; best effort. */
G_GNUC_INTERNAL
void authenta_client_delete_abandoned_job (AuthentaClient *self,
                                           const char *job_id);
/* Cancels a job whose scan was cancelled before its finalize: a request
 * of its own, not cancellable, bounded to a few seconds; best effort. */
G_GNUC_INTERNAL
void authenta_client_cancel_abandoned_job (AuthentaClient *self,
                                           const char *job_id);
/* The scan's Jobs flow: create, upload, finalize, wait. */
G_GNUC_INTERNAL
AuthentaMedia *authenta_client_scan_job_fd (
    AuthentaClient *self, int fd, const char *path, const char *name,
    const char *content_type, const char *task, guint64 size,
    AuthentaProgressFunc progress, gpointer progress_data,
    GCancellable *cancellable, GError **error);

G_END_DECLS
