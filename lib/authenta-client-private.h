/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of AuthentaClient share: the instance and the helpers
 * every call goes through.  authenta-client.c holds the object, its
 * properties and the API call; authenta-client-media.c the Media API flow
 * (/media), authenta-client-media-list.c its listing;
 * authenta-client-jobs.c the Jobs API flow (/v1/jobs),
 * authenta-client-jobs-manage.c its list, cancel and delete;
 * authenta-client-poll.c the wait both share; authenta-client-scan.c the
 * answers, checks and the scan; authenta-client-upload.c the upload;
 * authenta-client-access.c the start-time set-up check.  Every call is
 * written once, asynchronously (a GTask on the thread-default main
 * context); its blocking form runs it on a private context
 * (AuthentaSync, authenta-http-loop-private.h). */
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
  double task_timeout_scale; /* 1 but in tests */
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
/* The same, asynchronous (on the thread-default context); the finish
 * fills response (maybe_delivered on failure too). */
G_GNUC_INTERNAL
void authenta_client_api_call_async (AuthentaClient *self,
                                     const AuthentaHttpPolicy *policy,
                                     const char *method, const char *url,
                                     const char *body, const char *mid,
                                     GCancellable *cancellable,
                                     GAsyncReadyCallback callback,
                                     gpointer user_data);
G_GNUC_INTERNAL
gboolean authenta_client_api_call_finish (AuthentaClient *self,
                                          GAsyncResult *result,
                                          AuthentaHttpResponse *response,
                                          GError **error);
/* authenta_client_api_call_async() under the client's policy, giving up
 * at deadline_us (monotonic; 0: none). */
G_GNUC_INTERNAL
void authenta_client_call_until_async (AuthentaClient *self, const char *method,
                                       const char *url, const char *body,
                                       const char *mid, gint64 deadline_us,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
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

/* What a flow gives the shared poll loop (authenta-client-poll.c). */
typedef struct
{
  const char *noun; /* "mid" or "job", in messages */
  /* The record's URL; free with g_free(). */
  char *(*url) (AuthentaClient *self, const char *id);
  /* The record from a GET's answer. */
  AuthentaMedia *(*parse) (const char *what, const char *id, guint status,
                           GBytes *body, GError **error);
  /* The error for a terminal record that is not processed. */
  GError *(*failure) (AuthentaClient *self, AuthentaMedia *media);
  /* The wait is bounded by the task's time-out (the Jobs API's). */
  gboolean bounded_by_task;
} AuthentaPollFlow;
/* GET of one record, giving up at deadline_us (monotonic; 0: none). */
G_GNUC_INTERNAL
void authenta_client_get_record_async (AuthentaClient *self,
                                       const AuthentaPollFlow *flow,
                                       const char *id, gint64 deadline_us,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
G_GNUC_INTERNAL
AuthentaMedia *authenta_client_get_record_finish (AuthentaClient *self,
                                                  GAsyncResult *result,
                                                  GError **error);
/* Polls with the client's poll policy until the record is processed (see
 * authenta_client_wait_for_result()); id is checked by the caller.  For a
 * flow bounded by its task, task_name (or, when NULL, the task the first
 * answer names) bounds the wait by the task's time-out.  progress_data
 * must live until the callback. */
G_GNUC_INTERNAL
void
authenta_client_poll_async (AuthentaClient *self, const AuthentaPollFlow *flow,
                            const char *id, const char *task_name,
                            AuthentaProgressFunc progress,
                            gpointer progress_data, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
G_GNUC_INTERNAL
AuthentaMedia *authenta_client_poll_finish (AuthentaClient *self,
                                            GAsyncResult *result,
                                            GError **error);
/* The blocking wait: authenta_client_poll_async() on a private context. */
G_GNUC_INTERNAL
AuthentaMedia *authenta_client_poll (AuthentaClient *self,
                                     const AuthentaPollFlow *flow,
                                     const char *id,
                                     AuthentaProgressFunc progress,
                                     gpointer progress_data,
                                     GCancellable *cancellable, GError **error);
/* The flows (authenta-client-media.c, authenta-client-jobs.c). */
G_GNUC_INTERNAL
extern const AuthentaPollFlow authenta_media_flow;
G_GNUC_INTERNAL
extern const AuthentaPollFlow authenta_job_flow;
/* The service's time-out for a Jobs task, in ms (0: not known), scaled by
 * the client's test scale; and a margin, scaled the same. */
G_GNUC_INTERNAL
guint64 authenta_client_task_timeout_ms (AuthentaClient *self,
                                         const char *task);
G_GNUC_INTERNAL
guint64 authenta_client_scale_task_margin (AuthentaClient *self,
                                           guint64 margin_ms);
/* For tests: scales the task time-outs (and their margin), so that a
 * bound of minutes is tested in a fraction of a second. */
G_GNUC_INTERNAL
void authenta_client_set_task_timeout_scale (AuthentaClient *self,
                                             double scale);

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
/* The URL of one page of GET /media, and the records of its answer (as
 * authenta_client_list_page()). */
G_GNUC_INTERNAL
char *authenta_client_list_url (AuthentaClient *self, guint limit,
                                guint offset);
G_GNUC_INTERNAL
GPtrArray *authenta_client_list_parse (const char *url,
                                       const AuthentaHttpResponse *response,
                                       gint64 *out_total, guint *out_limit,
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

/* The Jobs API (authenta-client-jobs.c, authenta-client-jobs-manage.c). */
/* FALSE, with INVALID_ARGUMENT, for a job id that may not go into a path. */
G_GNUC_INTERNAL
gboolean authenta_client_check_job_id (const char *job_id, GError **error);
/* …/v1/jobs/{id}[/action]; free with g_free(). */
G_GNUC_INTERNAL
char *authenta_client_job_url (AuthentaClient *self, const char *job_id,
                               const char *action);
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
/* The asynchronous clean-ups (best effort, not cancellable; they always
 * complete, with TRUE): the blocking ones above run these. */
G_GNUC_INTERNAL
void authenta_client_delete_abandoned_async (AuthentaClient *self,
                                             const char *mid,
                                             GAsyncReadyCallback callback,
                                             gpointer user_data);
G_GNUC_INTERNAL
void authenta_client_delete_abandoned_finish (AuthentaClient *self,
                                              GAsyncResult *result);
G_GNUC_INTERNAL
void authenta_client_delete_abandoned_job_async (AuthentaClient *self,
                                                 const char *job_id,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
G_GNUC_INTERNAL
void authenta_client_cancel_abandoned_job_async (AuthentaClient *self,
                                                 const char *job_id,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
G_GNUC_INTERNAL
void authenta_client_reclaim_lost_create_async (
    AuthentaClient *self, const char *name, const char *content_type,
    guint64 size, gint64 not_before, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
G_GNUC_INTERNAL
gboolean authenta_client_reclaim_lost_create_finish (AuthentaClient *self,
                                                     GAsyncResult *result,
                                                     GError **error);
/* A GAsyncReadyCallback whose data is a GTask (a reference it takes): returns
 * to it the AuthentaMedia (or the error) of the GTask that completed. */
G_GNUC_INTERNAL
void authenta_client_return_media_cb (GObject *source, GAsyncResult *result,
                                      gpointer user_data);

G_END_DECLS
