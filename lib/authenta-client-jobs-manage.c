/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the Jobs API's calls on jobs made: list them, cancel and
 * delete them, and the clean-ups of a scan that gives one up. */
#include "config-private.h"

#include <authenta/authenta-client.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-util-private.h"

#include <string.h>

/* The most the service serves in one page of GET /v1/jobs. */
#define MAX_JOBS_PAGE 100
/* A clean-up after a cancelled scan may not hold the caller up longer. */
#define CLEANUP_TIMEOUT_MS 5000

/* A status filter goes into the query: lower-case words only. */
static gboolean
check_status_filter (const char *status, GError **error)
{
  if (status == NULL)
    return TRUE;
  for (const char *p = status; *p; p++)
    if (!g_ascii_islower (*p) && *p != '_')
      goto bad;
  if (*status != '\0' && strlen (status) <= 32)
    return TRUE;
bad:
  g_propagate_error (error, authenta_error_new_full (
                                AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                                "Invalid job status filter: expected a status "
                                "such as “completed”"));
  return FALSE;
}

static char *
list_jobs_url (AuthentaClient *self, guint page, guint limit,
               const char *status)
{
  GString *url = g_string_new (NULL);

  g_string_printf (url, "%s/v1/jobs?page=%u", self->base_url, page);
  if (limit > 0)
    g_string_append_printf (url, "&limit=%u", limit);
  if (status != NULL)
    g_string_append_printf (url, "&status=%s", status);
  return g_string_free (url, FALSE);
}

/* The jobs of a GET /v1/jobs answer. */
static GPtrArray *
list_jobs_parse (const char *url, const AuthentaHttpResponse *response,
                 gint64 *out_total, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autofree char *what = authenta_describe_request ("GET", url);
  GError *local_error = NULL;
  JsonNode *data;
  JsonArray *array;
  gint64 total = -1;

  root = authenta_client_parse_answer (what, NULL, response->status,
                                       response->body, error);
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    data = root; /* a bare array is understood too */
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      JsonNode *pagination = json_object_get_member (obj, "pagination");

      data = json_object_get_member (obj, "data");
      if (pagination != NULL && JSON_NODE_HOLDS_OBJECT (pagination)
          && !authenta_json_get_int (json_node_get_object (pagination), "total",
                                     &total, -1, &local_error))
        {
          authenta_client_set_answer_error (error, local_error, what, NULL,
                                            response->status);
          return NULL;
        }
      if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
        {
          g_propagate_error (
              error, authenta_error_new_full (
                         AUTHENTA_ERROR_PROTOCOL, response->status, NULL, NULL,
                         "%s: unexpected answer: “data” is %s, expected an "
                         "array",
                         what, authenta_json_describe (data)));
          return NULL;
        }
    }
  else
    {
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_PROTOCOL, response->status, NULL, NULL,
                     "%s: unexpected answer: %s, expected an object", what,
                     authenta_json_describe (root)));
      return NULL;
    }

  array = json_node_get_array (data);
  jobs = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AuthentaMedia *job = authenta_media_new_from_job_node (
          json_array_get_element (array, i), NULL, NULL, NULL, 0, &local_error);
      if (job == NULL)
        {
          g_autofree char *where = g_strdup_printf ("%s: job %u", what, i);
          authenta_client_set_answer_error (error, local_error, where, NULL,
                                            response->status);
          return NULL;
        }
      g_ptr_array_add (jobs, job);
    }
  *out_total = total;
  return g_steal_pointer (&jobs);
}

typedef struct
{
  char *url;
  guint page, limit;
  guint total;
} ListJobs;

static void
list_jobs_free (ListJobs *l)
{
  g_free (l->url);
  g_free (l);
}

static void
on_jobs_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ListJobs *l = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  GError *error = NULL;
  GPtrArray *jobs = NULL;
  gint64 total = -1;

  if (authenta_client_api_call_finish (AUTHENTA_CLIENT (source), result,
                                       &response, &error))
    jobs = list_jobs_parse (l->url, &response, &total, &error);
  if (jobs == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  l->total = total >= 0
                 ? (guint)MIN (total, G_MAXUINT)
                 : (l->page - 1) * (l->limit ? l->limit : 10) + jobs->len;
  g_task_return_pointer (task, jobs, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * authenta_client_list_jobs_async:
 * @self: a #AuthentaClient
 * @page: the page, from 1 (0 is taken as 1)
 * @limit: jobs per page, at most 100 (0: the service's default, 10)
 * @status: (nullable): only jobs of this status
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_list_jobs() on the thread-default main context.
 * Finish with authenta_client_list_jobs_finish().
 *
 * Since: 0.4
 */
void
authenta_client_list_jobs_async (AuthentaClient *self, guint page, guint limit,
                                 const char *status, GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GError *error = NULL;
  GTask *task;
  ListJobs *l;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_list_jobs_async);
  if (!check_status_filter (status, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  l = g_new0 (ListJobs, 1);
  l->page = MAX (page, 1);
  l->limit = MIN (limit, MAX_JOBS_PAGE);
  l->url = list_jobs_url (self, l->page, l->limit, status);
  g_task_set_task_data (task, l, (GDestroyNotify)list_jobs_free);
  authenta_client_call_until_async (self, "GET", l->url, NULL, NULL, 0,
                                    cancellable, on_jobs_listed, task);
}

/**
 * authenta_client_list_jobs_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @out_total: (out) (optional): the service's total number of jobs
 * @error: return location for a #GError
 *
 * Finishes authenta_client_list_jobs_async().
 *
 * Returns: (transfer container) (element-type AuthentaMedia): the jobs, or
 *   %NULL with @error set; free with g_ptr_array_unref().
 *
 * Since: 0.4
 */
GPtrArray *
authenta_client_list_jobs_finish (AuthentaClient *self, GAsyncResult *result,
                                  guint *out_total, GError **error)
{
  GPtrArray *jobs;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  jobs = g_task_propagate_pointer (G_TASK (result), error);
  if (jobs && out_total)
    *out_total = ((ListJobs *)g_task_get_task_data (G_TASK (result)))->total;
  return jobs;
}

/**
 * authenta_client_list_jobs:
 * @self: a #AuthentaClient
 * @page: the page, from 1 (0 is taken as 1)
 * @limit: jobs per page, at most 100 (more is taken as 100; 0: the
 *   service's default, 10)
 * @status: (nullable): only jobs of this status, as the service spells it
 *   ("completed", "failed", "waiting_for_finalize", …)
 * @out_total: (out) (optional): the service's total number of jobs
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fetches one page of the caller's jobs (`GET /v1/jobs`), newest first.
 *
 * Returns: (transfer container) (element-type AuthentaMedia): the jobs, or
 *   %NULL with @error set.  The array holds a reference to each job and
 *   drops it when freed: free it with g_ptr_array_unref().
 *
 * Since: 0.4
 */
GPtrArray *
authenta_client_list_jobs (AuthentaClient *self, guint page, guint limit,
                           const char *status, guint *out_total,
                           GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  GPtrArray *jobs;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_list_jobs_async (self, page, limit, status, cancellable,
                                   authenta_sync_done, &sync);
  jobs = authenta_client_list_jobs_finish (self, authenta_sync_wait (&sync),
                                           out_total, error);
  authenta_sync_end (&sync);
  return jobs;
}

typedef struct
{
  char *job_id;
  char *method;
} JobCall;

static void
job_call_free (JobCall *j)
{
  g_free (j->job_id);
  g_free (j->method);
  g_free (j);
}

static void
on_job_called (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  JobCall *j = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  GError *error = NULL;

  if (authenta_client_api_call_finish (AUTHENTA_CLIENT (source), result,
                                       &response, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* A DELETE whose answer was lost was most likely done: the 404 of its
   * retry says the job is gone, which is what was asked. */
  if (g_str_equal (j->method, "DELETE") && response.maybe_delivered
      && g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND))
    {
      g_debug ("job %s: the retried DELETE found it gone: deleted", j->job_id);
      g_error_free (error);
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_return_error (task, error);
}

/* POST …/cancel or DELETE …, under policy (NULL: the client's). */
static void
job_call_async (AuthentaClient *self, const AuthentaHttpPolicy *policy,
                const char *method, const char *job_id, const char *action,
                gpointer tag, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  AuthentaHttpPolicy own_policy;
  g_autofree char *url = NULL;
  GError *error = NULL;
  JobCall *j;

  g_task_set_source_tag (task, tag);
  if (!authenta_client_check_job_id (job_id, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  j = g_new0 (JobCall, 1);
  j->job_id = g_strdup (job_id);
  j->method = g_strdup (method);
  g_task_set_task_data (task, j, (GDestroyNotify)job_call_free);
  if (policy == NULL)
    {
      own_policy = authenta_client_get_policy (self);
      policy = &own_policy;
    }
  url = authenta_client_job_url (self, job_id, action);
  authenta_client_api_call_async (self, policy, method, url, NULL, job_id,
                                  cancellable, on_job_called, task);
}

/**
 * authenta_client_cancel_job_async:
 * @self: a #AuthentaClient
 * @job_id: a job id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_cancel_job() on the thread-default main context.
 * Finish with authenta_client_cancel_job_finish().
 *
 * Since: 0.4
 */
void
authenta_client_cancel_job_async (AuthentaClient *self, const char *job_id,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (job_id != NULL);
  job_call_async (self, NULL, "POST", job_id, "cancel",
                  authenta_client_cancel_job_async, cancellable, callback,
                  user_data);
}

/**
 * authenta_client_cancel_job_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_cancel_job_async().
 *
 * Returns: %TRUE when the job is cancelled.
 *
 * Since: 0.4
 */
gboolean
authenta_client_cancel_job_finish (AuthentaClient *self, GAsyncResult *result,
                                   GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * authenta_client_cancel_job:
 * @self: a #AuthentaClient
 * @job_id: a job id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Cancels a job not yet processing (`POST /v1/jobs/{id}/cancel`).  A job
 * already processing or done cannot be cancelled: the service answers 409
 * (%AUTHENTA_ERROR_BAD_REQUEST, service code `CONFLICT`), or 422 when it
 * was cancelled already.
 *
 * Returns: %TRUE when the job is cancelled.
 *
 * Since: 0.4
 */
gboolean
authenta_client_cancel_job (AuthentaClient *self, const char *job_id,
                            GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  gboolean ok;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  authenta_sync_begin (&sync);
  authenta_client_cancel_job_async (self, job_id, cancellable,
                                    authenta_sync_done, &sync);
  ok = authenta_client_cancel_job_finish (self, authenta_sync_wait (&sync),
                                          error);
  authenta_sync_end (&sync);
  return ok;
}

/**
 * authenta_client_delete_job_async:
 * @self: a #AuthentaClient
 * @job_id: a job id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_delete_job() on the thread-default main context.
 * Finish with authenta_client_delete_job_finish().
 *
 * Since: 0.4
 */
void
authenta_client_delete_job_async (AuthentaClient *self, const char *job_id,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (job_id != NULL);
  job_call_async (self, NULL, "DELETE", job_id, NULL,
                  authenta_client_delete_job_async, cancellable, callback,
                  user_data);
}

/**
 * authenta_client_delete_job_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_delete_job_async().
 *
 * Returns: %TRUE when the service accepted.
 *
 * Since: 0.4
 */
gboolean
authenta_client_delete_job_finish (AuthentaClient *self, GAsyncResult *result,
                                   GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * authenta_client_delete_job:
 * @self: a #AuthentaClient
 * @job_id: a job id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deletes a job and its media (`DELETE /v1/jobs/{id}`, answered 204).
 *
 * Returns: %TRUE when the service accepted.
 *
 * Since: 0.4
 */
gboolean
authenta_client_delete_job (AuthentaClient *self, const char *job_id,
                            GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  gboolean ok;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  authenta_sync_begin (&sync);
  authenta_client_delete_job_async (self, job_id, cancellable,
                                    authenta_sync_done, &sync);
  ok = authenta_client_delete_job_finish (self, authenta_sync_wait (&sync),
                                          error);
  authenta_sync_end (&sync);
  return ok;
}

static void
on_abandoned_job_done (GObject *source, GAsyncResult *result,
                       gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  JobCall *j = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  gboolean cancel = g_str_equal (j->method, "POST");

  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_debug (cancel ? "cancelled job %s, as its scan was cancelled"
                    : "deleted job %s, which this scan gave up on",
             j->job_id);
  else
    g_debug (cancel ? "could not cancel job %s, whose scan was cancelled: %s"
                    : "could not delete job %s, which this scan gave up on: "
                      "%s",
             j->job_id, error->message);
  g_task_return_boolean (task, TRUE);
}

/* Deletes (or, for a scan that was cancelled, cancels) a job this client
 * made and gives up on; best effort, not cancellable.  A cancel has a
 * bound of its own instead, so that a cancelled scan stays prompt. */
static void
abandon_job_async (AuthentaClient *self, const char *job_id, gboolean cancel,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  AuthentaHttpPolicy policy = authenta_client_get_policy (self);

  g_task_set_source_tag (task, abandon_job_async);
  if (job_id == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  if (cancel)
    {
      policy.deadline_us = g_get_monotonic_time () + CLEANUP_TIMEOUT_MS * 1000;
      policy.retry_attempts = MIN (MAX (policy.retry_attempts, 1), 2);
    }
  job_call_async (self, &policy, cancel ? "POST" : "DELETE", job_id,
                  cancel ? "cancel" : NULL, abandon_job_async, NULL,
                  on_abandoned_job_done, task);
}

void
authenta_client_delete_abandoned_job_async (AuthentaClient *self,
                                            const char *job_id,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  abandon_job_async (self, job_id, FALSE, callback, user_data);
}

void
authenta_client_cancel_abandoned_job_async (AuthentaClient *self,
                                            const char *job_id,
                                            GAsyncReadyCallback callback,
                                            gpointer user_data)
{
  abandon_job_async (self, job_id, TRUE, callback, user_data);
}

static void
abandon_job (AuthentaClient *self, const char *job_id, gboolean cancel)
{
  AuthentaSync sync;

  authenta_sync_begin (&sync);
  abandon_job_async (self, job_id, cancel, authenta_sync_done, &sync);
  g_task_propagate_boolean (G_TASK (authenta_sync_wait (&sync)), NULL);
  authenta_sync_end (&sync);
}

void
authenta_client_delete_abandoned_job (AuthentaClient *self, const char *job_id)
{
  abandon_job (self, job_id, FALSE);
}

void
authenta_client_cancel_abandoned_job (AuthentaClient *self, const char *job_id)
{
  abandon_job (self, job_id, TRUE);
}
