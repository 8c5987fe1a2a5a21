/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the Jobs API flow (/v1/jobs): create a job, upload its
 * file (authenta-client-upload.c, as for the Media API), finalize it, poll
 * it; cancel, delete and list. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-task-private.h"
#include "authenta-util-private.h"

#include <string.h>

/* The most the service serves in one page of GET /v1/jobs. */
#define MAX_JOBS_PAGE 100
/* A clean-up after a cancelled scan may not hold the caller up longer. */
#define CLEANUP_TIMEOUT_MS 5000

static gboolean
check_job_id (const char *job_id, GError **error)
{
  if (authenta_mid_is_valid (job_id))
    return TRUE;
  /* Not quoted whole: it may be anything, even the key by mistake. */
  g_propagate_error (error, authenta_error_new_full (
                                AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                                "Invalid job id: expected 1 to 64 letters, "
                                "digits, “_” or “-”"));
  return FALSE;
}

static char *
job_url (AuthentaClient *self, const char *job_id, const char *action)
{
  return g_strconcat (self->base_url, "/v1/jobs/", job_id, action ? "/" : NULL,
                      action, NULL);
}

static AuthentaMedia *
job_from_answer (const char *what, const char *job_id, guint status,
                 GBytes *body, const char *task, const char *content_type,
                 guint64 size, GError **error)
{
  g_autoptr (JsonNode) root
      = authenta_client_parse_answer (what, job_id, status, body, error);
  g_autofree char *raw = NULL;
  GError *local_error = NULL;
  AuthentaMedia *job;
  gsize length;
  const char *data;

  if (root == NULL)
    return NULL;
  data = g_bytes_get_data (body, &length);
  raw = g_strndup (data, length);
  job = authenta_media_new_from_job_node (root, raw, task, content_type, size,
                                          &local_error);
  if (job == NULL)
    authenta_client_set_answer_error (error, local_error, what, job_id, status);
  return job;
}

gboolean
authenta_client_check_task (AuthentaClient *self, const char *task,
                            const char *content_type, GError **error)
{
  g_autofree char *shown = NULL;
  g_autofree char *all = NULL;
  g_autofree char *takes = NULL;
  const char *instead;

  if (authenta_task_get_api (task) == AUTHENTA_TASK_API_NONE)
    {
      /* Quoted, but cleaned first: it may be anything, even the key by
       * mistake. */
      shown = authenta_sanitize_service_text (task, 64, self->api_key);
      all = authenta_task_describe_all ();
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "Unknown task “%s”: the tasks are %s (or a Jobs "
                             "API task's number)",
                             shown, all));
      return FALSE;
    }
  if (content_type == NULL)
    return TRUE;
  /* The Media API's models are not held to the table (the service
   * decides, as before 0.4), but none takes sound. */
  if (authenta_task_get_api (task) == AUTHENTA_TASK_API_MEDIA
      && g_ascii_strncasecmp (content_type, "audio/", 6) != 0)
    return TRUE;
  if (authenta_task_get_api (task) == AUTHENTA_TASK_API_JOBS
      && authenta_task_accepts (task, content_type))
    return TRUE;
  shown = authenta_sanitize_service_text (content_type, 128, NULL);
  takes = g_strjoinv (", ", (char **)authenta_task_get_content_types (task));
  instead = authenta_task_default_for_content_type (content_type);
  g_propagate_error (error,
                     authenta_error_new_full (
                         AUTHENTA_ERROR_UNSUPPORTED_MEDIA, 0, NULL, NULL,
                         "Task “%s” does not take %s files: it takes %s%s%s%s",
                         authenta_task_get_name (task), shown, takes,
                         instead ? "; for this file use task “" : "",
                         instead ? instead : "", instead ? "”" : ""));
  return FALSE;
}

/* As authenta_client_reclaim_lost_create() for records, a job of another
 * client making the same at the same moment matches too. */
void
authenta_client_reclaim_lost_job (AuthentaClient *self, const char *name,
                                  const char *content_type, guint64 size,
                                  GCancellable *cancellable)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GError) error = NULL;

  page = authenta_client_list_jobs (self, 1, 20, "waiting_for_finalize", NULL,
                                    cancellable, &error);
  if (page == NULL)
    {
      g_debug ("cannot look for the job of a lost create: %s", error->message);
      return;
    }
  for (guint i = 0; i < page->len; i++)
    {
      AuthentaMedia *job = page->pdata[i];

      if (g_strcmp0 (authenta_media_get_name (job), name) != 0
          || g_strcmp0 (authenta_media_get_content_type (job), content_type)
                 != 0
          || authenta_media_get_size (job) != size)
        continue;
      g_debug ("deleting job %s, left by a create whose answer was lost",
               authenta_media_get_id (job));
      authenta_client_delete_abandoned_job (self, authenta_media_get_id (job));
    }
}

/**
 * authenta_client_create_job:
 * @self: a #AuthentaClient
 * @name: the file's name, as the job records it (`fileName`)
 * @content_type: the file's content type, such as "audio/mpeg"
 * @size: the exact size in bytes of the file that will be uploaded
 * @task: a Jobs API task: its slug, such as "ai-audio-detection", or its
 *   number, such as "2" (see authenta_task_list())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates a job of the Jobs API (`POST /v1/jobs?taskTypeId=N`), which
 * carries the pre-signed URL to upload the file to; upload it with
 * authenta_client_upload_fd(), then authenta_client_finalize_job().  An
 * unknown task or a Media API model is %AUTHENTA_ERROR_INVALID_ARGUMENT, a
 * content type the task does not take %AUTHENTA_ERROR_UNSUPPORTED_MEDIA,
 * and a @size over %AUTHENTA_MAX_UPLOAD_SIZE
 * %AUTHENTA_ERROR_INVALID_ARGUMENT, all before any request (no credit is
 * spent).  The service spends a credit per job once it is finalized.
 *
 * Returns: (transfer full): the new job, whose id is authenta_media_get_id(),
 *   or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_create_job (AuthentaClient *self, const char *name,
                            const char *content_type, guint64 size,
                            const char *task, GCancellable *cancellable,
                            GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body_node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;
  g_autoptr (AuthentaMedia) job = NULL;
  GError *local_error = NULL;
  const char *id;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (task != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!authenta_client_check_size (size, NULL, error)
      || !authenta_client_check_content_type (content_type, error)
      || !authenta_client_check_task (self, task, content_type, error))
    return NULL;
  if (authenta_task_get_api (task) != AUTHENTA_TASK_API_JOBS)
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "“%s” is a model of the Media API, not a Jobs "
                             "API task: use authenta_client_create_media()",
                             task));
      return NULL;
    }
  task = authenta_task_get_name (task);

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "inputs");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "slotName");
  json_builder_add_string_value (builder, "original");
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, content_type);
  json_builder_set_member_name (builder, "fileName");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "sizeBytes");
  json_builder_add_int_value (builder, (gint64)size);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  body = json_to_string (body_node, FALSE);

  url = g_strdup_printf ("%s/v1/jobs?taskTypeId=%u", self->base_url,
                         authenta_task_get_id (task));
  what = authenta_describe_request ("POST", url);
  if (authenta_client_call (self, "POST", url, body, NULL, &response,
                            cancellable, &local_error))
    job = job_from_answer (what, NULL, response.status, response.body, task,
                           content_type, size, &local_error);
  if (job == NULL)
    {
      /* The request reached the service but its answer did not reach us
       * whole: a job may exist that nobody knows the id of. */
      if (response.maybe_delivered
          || g_error_matches (local_error, AUTHENTA_ERROR,
                              AUTHENTA_ERROR_PROTOCOL))
        authenta_client_reclaim_lost_job (self, name, content_type, size,
                                          cancellable);
      g_propagate_error (error, local_error);
      return NULL;
    }
  id = authenta_media_get_id (job);
  if (id == NULL || authenta_media_get_upload_url (job) == NULL
      || authenta_media_get_size (job) != size)
    {
      if (id == NULL || authenta_media_get_upload_url (job) == NULL)
        g_propagate_error (error,
                           authenta_error_new_full (
                               AUTHENTA_ERROR_PROTOCOL, response.status, NULL,
                               id, "%s: the new job has no “%s”", what,
                               id == NULL ? "jobId" : "inputs[0].uploadUrl"));
      else
        g_propagate_error (
            error, authenta_error_new_full (
                       AUTHENTA_ERROR_PROTOCOL, response.status, NULL, id,
                       "%s: the service recorded %" G_GUINT64_FORMAT
                       " bytes for a file of %" G_GUINT64_FORMAT
                       " (job %s): storage would refuse the upload",
                       what, authenta_media_get_size (job), size, id));
      /* Unusable: not left behind. */
      authenta_client_delete_abandoned_job (self, id);
      return NULL;
    }
  g_debug ("created job %s (%s, %" G_GUINT64_FORMAT " bytes, %s)", id,
           content_type, size, task);
  return g_steal_pointer (&job);
}

/* A job whose finalize failed may have been finalized all the same (a lost
 * answer, a retry told "already finalized"): its status says. */
static gboolean
job_was_finalized (AuthentaClient *self, const char *job_id,
                   GCancellable *cancellable)
{
  g_autoptr (AuthentaMedia) job = NULL;
  const char *status;

  job = authenta_client_get_job (self, job_id, cancellable, NULL);
  if (job == NULL)
    return FALSE;
  status = authenta_media_get_status (job);
  return status != NULL && g_strcmp0 (status, "INITED") != 0
         && g_strcmp0 (status, "CANCELLED") != 0;
}

/**
 * authenta_client_finalize_job:
 * @self: a #AuthentaClient
 * @job_id: a job id whose file was uploaded
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Finalizes a job (`POST /v1/jobs/{id}/finalize`): queues it for
 * processing.  Required once its file is uploaded: a job that is never
 * finalized is never processed.  A finalize that fails although the job
 * was finalized (its answer lost, then a retry refused) is a success.
 *
 * Returns: %TRUE when the job is queued.
 *
 * Since: 0.4
 */
gboolean
authenta_client_finalize_job (AuthentaClient *self, const char *job_id,
                              GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_job_id (job_id, error))
    return FALSE;
  url = job_url (self, job_id, "finalize");
  if (authenta_client_call (self, "POST", url, NULL, job_id, &response,
                            cancellable, &local_error))
    {
      g_debug ("finalized job %s", job_id);
      return TRUE;
    }
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && (response.maybe_delivered
          || g_error_matches (local_error, AUTHENTA_ERROR,
                              AUTHENTA_ERROR_BAD_REQUEST)
          || authenta_error_is_transient (local_error))
      && job_was_finalized (self, job_id, cancellable))
    {
      g_debug ("job %s: the finalize failed (%s), but the job is finalized",
               job_id, local_error->message);
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

static AuthentaMedia *
get_job_until (AuthentaClient *self, const char *job_id, gint64 deadline_us,
               GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = job_url (self, job_id, NULL);
  g_autofree char *what = NULL;

  if (!authenta_client_call_until (self, "GET", url, NULL, job_id, deadline_us,
                                   &response, cancellable, error))
    return NULL;
  what = authenta_describe_request ("GET", url);
  return job_from_answer (what, job_id, response.status, response.body, NULL,
                          NULL, 0, error);
}

/**
 * authenta_client_get_job:
 * @self: a #AuthentaClient
 * @job_id: a job id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fetches one job (`GET /v1/jobs/{id}`), with its result once completed.
 * @job_id is checked as a mid is (1 to 64 letters, digits, “_” or “-”)
 * before it goes into the request's path.
 *
 * Returns: (transfer full): the job, or %NULL with @error set
 *   (%AUTHENTA_ERROR_NOT_FOUND for an unknown job,
 *   %AUTHENTA_ERROR_INVALID_ARGUMENT for a malformed @job_id).
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_get_job (AuthentaClient *self, const char *job_id,
                         GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_job_id (job_id, error))
    return NULL;
  return get_job_until (self, job_id, 0, cancellable, error);
}

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
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autoptr (GString) url = NULL;
  g_autofree char *what = NULL;
  GError *local_error = NULL;
  JsonNode *data;
  JsonArray *array;
  gint64 total = -1;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_status_filter (status, error))
    return NULL;
  page = MAX (page, 1);
  limit = MIN (limit, MAX_JOBS_PAGE);
  url = g_string_new (NULL);
  g_string_printf (url, "%s/v1/jobs?page=%u", self->base_url, page);
  if (limit > 0)
    g_string_append_printf (url, "&limit=%u", limit);
  if (status != NULL)
    g_string_append_printf (url, "&status=%s", status);
  if (!authenta_client_call (self, "GET", url->str, NULL, NULL, &response,
                             cancellable, error))
    return NULL;
  what = authenta_describe_request ("GET", url->str);
  root = authenta_client_parse_answer (what, NULL, response.status,
                                       response.body, error);
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
                                            response.status);
          return NULL;
        }
      if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
        {
          g_propagate_error (
              error, authenta_error_new_full (
                         AUTHENTA_ERROR_PROTOCOL, response.status, NULL, NULL,
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
                     AUTHENTA_ERROR_PROTOCOL, response.status, NULL, NULL,
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
                                            response.status);
          return NULL;
        }
      g_ptr_array_add (jobs, job);
    }
  if (out_total)
    *out_total = total >= 0 ? (guint)MIN (total, G_MAXUINT)
                            : (page - 1) * (limit ? limit : 10) + jobs->len;
  return g_steal_pointer (&jobs);
}

/* POST …/cancel or DELETE …, under policy. */
static gboolean
job_call (AuthentaClient *self, const AuthentaHttpPolicy *policy,
          const char *method, const char *job_id, const char *action,
          GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = job_url (self, job_id, action);
  GError *local_error = NULL;

  if (authenta_client_api_call (self, policy, method, url, NULL, job_id,
                                &response, cancellable, &local_error))
    return TRUE;
  /* A DELETE whose answer was lost was most likely done: the 404 of its
   * retry says the job is gone, which is what was asked. */
  if (g_str_equal (method, "DELETE") && response.maybe_delivered
      && g_error_matches (local_error, AUTHENTA_ERROR,
                          AUTHENTA_ERROR_NOT_FOUND))
    {
      g_debug ("job %s: the retried DELETE found it gone: deleted", job_id);
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
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
  AuthentaHttpPolicy policy;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_job_id (job_id, error))
    return FALSE;
  policy = authenta_client_get_policy (self);
  return job_call (self, &policy, "POST", job_id, "cancel", cancellable, error);
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
  AuthentaHttpPolicy policy;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_job_id (job_id, error))
    return FALSE;
  policy = authenta_client_get_policy (self);
  return job_call (self, &policy, "DELETE", job_id, NULL, cancellable, error);
}

void
authenta_client_delete_abandoned_job (AuthentaClient *self, const char *job_id)
{
  g_autoptr (GError) error = NULL;

  if (job_id == NULL)
    return;
  if (authenta_client_delete_job (self, job_id, NULL, &error))
    g_debug ("deleted job %s, which this scan gave up on", job_id);
  else
    g_debug ("could not delete job %s, which this scan gave up on: %s", job_id,
             error->message);
}

void
authenta_client_cancel_abandoned_job (AuthentaClient *self, const char *job_id)
{
  g_autoptr (GError) error = NULL;
  AuthentaHttpPolicy policy;

  if (job_id == NULL)
    return;
  /* The caller's cancellable is cancelled: this request has its own
   * bound instead, so that a cancel stays prompt. */
  policy = authenta_client_get_policy (self);
  policy.deadline_us = g_get_monotonic_time () + CLEANUP_TIMEOUT_MS * 1000;
  policy.retry_attempts = MIN (MAX (policy.retry_attempts, 1), 2);
  if (job_call (self, &policy, "POST", job_id, "cancel", NULL, &error))
    g_debug ("cancelled job %s, as its scan was cancelled", job_id);
  else
    g_debug ("could not cancel job %s, whose scan was cancelled: %s", job_id,
             error->message);
}

/**
 * authenta_client_abandon_job:
 * @self: a #AuthentaClient
 * @job_id: a job whose scan is given up before its finalize
 *
 * Cancels a job that will never be finalized, once its scan was stopped
 * (its own #GCancellable cancelled): one request, bounded to a few seconds
 * whatever the client's retry settings, so that a stop stays quick.  A
 * failure is only logged: a job that is not finalized is never processed.
 *
 * Since: 0.4
 */
void
authenta_client_abandon_job (AuthentaClient *self, const char *job_id)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));

  if (job_id != NULL && check_job_id (job_id, NULL))
    authenta_client_cancel_abandoned_job (self, job_id);
}

static GError *
job_failure (AuthentaClient *self, AuthentaMedia *job)
{
  const char *id = authenta_media_get_id (job);
  const char *status = authenta_media_get_status (job);
  g_autofree char *why = NULL;

  if (g_strcmp0 (status, "CANCELLED") == 0)
    return authenta_error_new_full (AUTHENTA_ERROR_PROCESSING_FAILED, 0, status,
                                    id,
                                    "Job %s was cancelled before it was "
                                    "processed",
                                    id);
  why = authenta_sanitize_service_text (authenta_media_get_error_message (job),
                                        AUTHENTA_MAX_SERVICE_TEXT,
                                        self->api_key);
  return authenta_error_new_full (
      AUTHENTA_ERROR_PROCESSING_FAILED, 0, status, id,
      "The service could not process job %s (status %s)%s%s", id, status,
      why ? ": " : "", why ? why : "");
}

static const AuthentaPollFlow job_flow = { "job", get_job_until, job_failure };

/**
 * authenta_client_wait_for_job:
 * @self: a #AuthentaClient
 * @job_id: a job id, finalized
 * @progress: (nullable) (scope call): called at each successful poll
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Polls `GET /v1/jobs/{id}` as authenta_client_wait_for_result() polls a
 * record (the same intervals, #AuthentaClient:poll-timeout and transient
 * errors), until the job is `completed`.  A completed job without a
 * verdict in its result is returned: see authenta_media_has_verdict().
 *
 * Returns: (transfer full): the completed job; or %NULL with
 *   %AUTHENTA_ERROR_PROCESSING_FAILED (`failed`, with the service's
 *   `errorMessage`, or `cancelled`), %AUTHENTA_ERROR_TIMEOUT or another
 *   error.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_wait_for_job (AuthentaClient *self, const char *job_id,
                              AuthentaProgressFunc progress,
                              gpointer progress_data, GCancellable *cancellable,
                              GError **error)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_job_id (job_id, error))
    return NULL;
  return authenta_client_poll (self, &job_flow, job_id, progress, progress_data,
                               cancellable, error);
}

/* The Jobs flow of a scan: create, upload, finalize, wait.  A job given up
 * before its finalize is cancelled when the scan was, else deleted. */
AuthentaMedia *
authenta_client_scan_job_fd (AuthentaClient *self, int fd, const char *path,
                             const char *name, const char *content_type,
                             const char *task, guint64 size,
                             AuthentaProgressFunc progress,
                             gpointer progress_data, GCancellable *cancellable,
                             GError **error)
{
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;
  GError *local_error = NULL;
  const char *id;

  created = authenta_client_create_job (self, name, content_type, size, task,
                                        cancellable, error);
  if (created == NULL)
    return NULL;
  if (progress)
    progress (AUTHENTA_SCAN_STAGE_CREATED, created, 0, size, progress_data);

  uploaded
      = authenta_client_upload_fd (self, created, fd, path, progress,
                                   progress_data, cancellable, &local_error);
  if (uploaded == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        authenta_client_cancel_abandoned_job (self,
                                              authenta_media_get_id (created));
      else
        authenta_client_delete_abandoned_job (self,
                                              authenta_media_get_id (created));
      g_propagate_error (error, local_error);
      return NULL;
    }
  id = authenta_media_get_id (uploaded);
  if (!authenta_client_finalize_job (self, id, cancellable, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        authenta_client_cancel_abandoned_job (self, id);
      else
        authenta_client_delete_abandoned_job (self, id);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return authenta_client_poll (self, &job_flow, id, progress, progress_data,
                               cancellable, error);
}
