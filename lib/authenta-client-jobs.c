/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the Jobs API flow (/v1/jobs): create a job, upload its
 * file (authenta-client-upload.c, as for the Media API), finalize it, poll
 * it, within the task's time-out.  Listing, cancelling and deleting jobs
 * are authenta-client-jobs-manage.c. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-task-private.h"
#include "authenta-util-private.h"

#include <string.h>

gboolean
authenta_client_check_job_id (const char *job_id, GError **error)
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

char *
authenta_client_job_url (AuthentaClient *self, const char *job_id,
                         const char *action)
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

typedef struct
{
  char *name;
  char *content_type;
  guint64 size;
  GPtrArray *matches; /* ids to delete */
  guint next;
} Reclaim;

static void
reclaim_free (Reclaim *r)
{
  g_free (r->name);
  g_free (r->content_type);
  g_clear_pointer (&r->matches, g_ptr_array_unref);
  g_free (r);
}

static void reclaim_delete_next (GTask *task);

static void
on_reclaim_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;

  g_task_propagate_boolean (G_TASK (result), NULL);
  reclaim_delete_next (task);
}

static void
reclaim_delete_next (GTask *task)
{
  Reclaim *r = g_task_get_task_data (task);
  const char *id;

  if (r->matches == NULL || r->next >= r->matches->len)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  id = r->matches->pdata[r->next++];
  g_debug ("deleting job %s, left by a create whose answer was lost", id);
  authenta_client_delete_abandoned_job_async (g_task_get_source_object (task),
                                              id, on_reclaim_deleted,
                                              g_object_ref (task));
}

static void
on_reclaim_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Reclaim *r = g_task_get_task_data (task);
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GError) error = NULL;

  page = authenta_client_list_jobs_finish (AUTHENTA_CLIENT (source), result,
                                           NULL, &error);
  if (page == NULL)
    {
      g_debug ("cannot look for the job of a lost create: %s", error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }
  r->matches = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < page->len; i++)
    {
      AuthentaMedia *job = page->pdata[i];

      if (g_strcmp0 (authenta_media_get_name (job), r->name) != 0
          || g_strcmp0 (authenta_media_get_content_type (job), r->content_type)
                 != 0
          || authenta_media_get_size (job) != r->size)
        continue;
      g_ptr_array_add (r->matches, g_strdup (authenta_media_get_id (job)));
    }
  reclaim_delete_next (task);
}

/* After a create whose answer was lost: deletes the jobs it may have made,
 * those still waiting for their file with its name, type and size among
 * the newest.  As authenta_client_reclaim_lost_create() for records, a job
 * of another client making the same at the same moment matches too.  Best
 * effort: always completes with TRUE. */
static void
reclaim_lost_job_async (AuthentaClient *self, const char *name,
                        const char *content_type, guint64 size,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Reclaim *r = g_new0 (Reclaim, 1);

  r->name = g_strdup (name);
  r->content_type = g_strdup (content_type);
  r->size = size;
  g_task_set_task_data (task, r, (GDestroyNotify)reclaim_free);
  authenta_client_list_jobs_async (self, 1, 20, "waiting_for_finalize",
                                   cancellable, on_reclaim_listed, task);
}

void
authenta_client_reclaim_lost_job (AuthentaClient *self, const char *name,
                                  const char *content_type, guint64 size,
                                  GCancellable *cancellable)
{
  AuthentaSync sync;

  authenta_sync_begin (&sync);
  reclaim_lost_job_async (self, name, content_type, size, cancellable,
                          authenta_sync_done, &sync);
  g_task_propagate_boolean (G_TASK (authenta_sync_wait (&sync)), NULL);
  authenta_sync_end (&sync);
}

/* The body of POST /v1/jobs, after the checks made before any request;
 * *task becomes the task's name. */
static char *
create_job_body (AuthentaClient *self, const char *name,
                 const char *content_type, guint64 size, const char **task,
                 GError **error)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body_node = NULL;

  if (!authenta_client_check_size (size, NULL, error)
      || !authenta_client_check_content_type (content_type, error)
      || !authenta_client_check_task (self, *task, content_type, error))
    return NULL;
  if (authenta_task_get_api (*task) != AUTHENTA_TASK_API_JOBS)
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "“%s” is a model of the Media API, not a Jobs "
                             "API task: use authenta_client_create_media()",
                             *task));
      return NULL;
    }
  *task = authenta_task_get_name (*task);

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
  return json_to_string (body_node, FALSE);
}

typedef struct
{
  char *name;
  char *content_type;
  const char *task; /* static */
  guint64 size;
  char *url;
  char *what;
  GError *error; /* kept during a clean-up */
} CreateJob;

static void
create_job_free (CreateJob *c)
{
  g_free (c->name);
  g_free (c->content_type);
  g_free (c->url);
  g_free (c->what);
  g_clear_error (&c->error);
  g_free (c);
}

static void
on_create_job_cleaned (GObject *source, GAsyncResult *result,
                       gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  CreateJob *c = g_task_get_task_data (task);

  g_task_propagate_boolean (G_TASK (result), NULL);
  g_task_return_error (task, g_steal_pointer (&c->error));
}

static void
on_job_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  CreateJob *c = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (AuthentaMedia) job = NULL;
  GError *local_error = NULL;
  const char *id;

  if (authenta_client_api_call_finish (self, result, &response, &local_error))
    job = job_from_answer (c->what, NULL, response.status, response.body,
                           c->task, c->content_type, c->size, &local_error);
  if (job == NULL)
    {
      /* The request reached the service but its answer did not reach us
       * whole: a job may exist that nobody knows the id of. */
      if (response.maybe_delivered
          || g_error_matches (local_error, AUTHENTA_ERROR,
                              AUTHENTA_ERROR_PROTOCOL))
        {
          c->error = local_error;
          reclaim_lost_job_async (self, c->name, c->content_type, c->size,
                                  g_task_get_cancellable (task),
                                  on_create_job_cleaned, g_object_ref (task));
          return;
        }
      g_task_return_error (task, local_error);
      return;
    }
  id = authenta_media_get_id (job);
  if (id == NULL || authenta_media_get_upload_url (job) == NULL
      || authenta_media_get_size (job) != c->size)
    {
      if (id == NULL || authenta_media_get_upload_url (job) == NULL)
        c->error = authenta_error_new_full (
            AUTHENTA_ERROR_PROTOCOL, response.status, NULL, id,
            "%s: the new job has no “%s”", c->what,
            id == NULL ? "jobId" : "inputs[0].uploadUrl");
      else
        c->error = authenta_error_new_full (
            AUTHENTA_ERROR_PROTOCOL, response.status, NULL, id,
            "%s: the service recorded %" G_GUINT64_FORMAT
            " bytes for a file of %" G_GUINT64_FORMAT
            " (job %s): storage would refuse the upload",
            c->what, authenta_media_get_size (job), c->size, id);
      /* Unusable: not left behind. */
      authenta_client_delete_abandoned_job_async (
          self, id, on_create_job_cleaned, g_object_ref (task));
      return;
    }
  g_debug ("created job %s (%s, %" G_GUINT64_FORMAT " bytes, %s)", id,
           c->content_type, c->size, c->task);
  g_task_return_pointer (task, g_steal_pointer (&job), g_object_unref);
}

/**
 * authenta_client_create_job_async:
 * @self: a #AuthentaClient
 * @name: the file's name, as the job records it (`fileName`)
 * @content_type: the file's content type, such as "audio/mpeg"
 * @size: the exact size in bytes of the file that will be uploaded
 * @task: a Jobs API task: its slug or its number
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_create_job() on the thread-default main context.
 * Finish with authenta_client_create_job_finish().
 *
 * Since: 0.4
 */
void
authenta_client_create_job_async (AuthentaClient *self, const char *name,
                                  const char *content_type, guint64 size,
                                  const char *task, GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GTask) gtask = NULL;
  GError *error = NULL;
  CreateJob *c;
  g_autofree char *body = NULL;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (content_type != NULL);
  g_return_if_fail (task != NULL);

  gtask = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (gtask, authenta_client_create_job_async);
  body = create_job_body (self, name, content_type, size, &task, &error);
  if (body == NULL)
    {
      g_task_return_error (gtask, error);
      return;
    }
  c = g_new0 (CreateJob, 1);
  c->name = g_strdup (name);
  c->content_type = g_strdup (content_type);
  c->task = task;
  c->size = size;
  c->url = g_strdup_printf ("%s/v1/jobs?taskTypeId=%u", self->base_url,
                            authenta_task_get_id (task));
  c->what = authenta_describe_request ("POST", c->url);
  g_task_set_task_data (gtask, c, (GDestroyNotify)create_job_free);
  authenta_client_call_until_async (self, "POST", c->url, body, NULL, 0,
                                    cancellable, on_job_created,
                                    g_object_ref (gtask));
}

/**
 * authenta_client_create_job_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_create_job_async().
 *
 * Returns: (transfer full): the new job, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_create_job_finish (AuthentaClient *self, GAsyncResult *result,
                                   GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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
  AuthentaSync sync;
  AuthentaMedia *job;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (task != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_create_job_async (self, name, content_type, size, task,
                                    cancellable, authenta_sync_done, &sync);
  job = authenta_client_create_job_finish (self, authenta_sync_wait (&sync),
                                           error);
  authenta_sync_end (&sync);
  return job;
}

static char *
job_record_url (AuthentaClient *self, const char *job_id)
{
  return authenta_client_job_url (self, job_id, NULL);
}

static AuthentaMedia *
job_parse (const char *what, const char *job_id, guint status, GBytes *body,
           GError **error)
{
  return job_from_answer (what, job_id, status, body, NULL, NULL, 0, error);
}

static GError *job_failure (AuthentaClient *self, AuthentaMedia *job);

const AuthentaPollFlow authenta_job_flow
    = { "job", job_record_url, job_parse, job_failure, TRUE };

/* The task's time-out on the service, from the task table, scaled for the
 * tests. */
guint64
authenta_client_task_timeout_ms (AuthentaClient *self, const char *task)
{
  if (task == NULL || authenta_task_get_api (task) != AUTHENTA_TASK_API_JOBS)
    return 0;
  return (guint64)(authenta_task_get_server_timeout_s (task) * 1000.0
                   * self->task_timeout_scale);
}

guint64
authenta_client_scale_task_margin (AuthentaClient *self, guint64 margin_ms)
{
  return (guint64)(margin_ms * self->task_timeout_scale);
}

void
authenta_client_set_task_timeout_scale (AuthentaClient *self, double scale)
{
  self->task_timeout_scale = scale;
}

/* An operation refused before any request: its error, in the callback. */
static void
return_early_error (AuthentaClient *self, GAsyncReadyCallback callback,
                    gpointer user_data, gpointer tag, GError *error)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/**
 * authenta_client_get_job_async:
 * @self: a #AuthentaClient
 * @job_id: a job id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_get_job() on the thread-default main context.
 * Finish with authenta_client_get_job_finish().
 *
 * Since: 0.4
 */
void
authenta_client_get_job_async (AuthentaClient *self, const char *job_id,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GError *error = NULL;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  if (!authenta_client_check_job_id (job_id, &error))
    {
      return_early_error (self, callback, user_data,
                          authenta_client_get_record_async, error);
      return;
    }
  authenta_client_get_record_async (self, &authenta_job_flow, job_id, 0,
                                    cancellable, callback, user_data);
}

/**
 * authenta_client_get_job_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_get_job_async().
 *
 * Returns: (transfer full): the job, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_get_job_finish (AuthentaClient *self, GAsyncResult *result,
                                GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return authenta_client_get_record_finish (self, result, error);
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
  AuthentaSync sync;
  AuthentaMedia *job;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (job_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_get_job_async (self, job_id, cancellable, authenta_sync_done,
                                 &sync);
  job = authenta_client_get_job_finish (self, authenta_sync_wait (&sync),
                                        error);
  authenta_sync_end (&sync);
  return job;
}

typedef struct
{
  char *job_id;
  GError *error; /* kept while the job's status is looked at */
} Finalize;

static void
finalize_free (Finalize *f)
{
  g_free (f->job_id);
  g_clear_error (&f->error);
  g_free (f);
}

/* A job whose finalize failed may have been finalized all the same (a lost
 * answer, a retry told "already finalized"): its status says. */
static void
on_finalize_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Finalize *f = g_task_get_task_data (task);
  g_autoptr (AuthentaMedia) job = NULL;
  const char *status;

  job = authenta_client_get_record_finish (AUTHENTA_CLIENT (source), result,
                                           NULL);
  status = job ? authenta_media_get_status (job) : NULL;
  if (status != NULL && g_strcmp0 (status, "INITED") != 0
      && g_strcmp0 (status, "CANCELLED") != 0)
    {
      g_debug ("job %s: the finalize failed (%s), but the job is finalized",
               f->job_id, f->error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_return_error (task, g_steal_pointer (&f->error));
}

static void
on_finalized (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Finalize *f = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  GError *local_error = NULL;

  if (authenta_client_api_call_finish (AUTHENTA_CLIENT (source), result,
                                       &response, &local_error))
    {
      g_debug ("finalized job %s", f->job_id);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && (response.maybe_delivered
          || g_error_matches (local_error, AUTHENTA_ERROR,
                              AUTHENTA_ERROR_BAD_REQUEST)
          || authenta_error_is_transient (local_error)))
    {
      f->error = local_error;
      authenta_client_get_record_async (
          AUTHENTA_CLIENT (source), &authenta_job_flow, f->job_id, 0,
          g_task_get_cancellable (task), on_finalize_checked,
          g_object_ref (task));
      return;
    }
  g_task_return_error (task, local_error);
}

/**
 * authenta_client_finalize_job_async:
 * @self: a #AuthentaClient
 * @job_id: a job id whose file was uploaded
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_finalize_job() on the thread-default main
 * context.  Finish with authenta_client_finalize_job_finish().
 *
 * Since: 0.4
 */
void
authenta_client_finalize_job_async (AuthentaClient *self, const char *job_id,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autofree char *url = NULL;
  GError *error = NULL;
  GTask *task;
  Finalize *f;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_finalize_job_async);
  if (!authenta_client_check_job_id (job_id, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  f = g_new0 (Finalize, 1);
  f->job_id = g_strdup (job_id);
  g_task_set_task_data (task, f, (GDestroyNotify)finalize_free);
  url = authenta_client_job_url (self, job_id, "finalize");
  authenta_client_call_until_async (self, "POST", url, NULL, job_id, 0,
                                    cancellable, on_finalized, task);
}

/**
 * authenta_client_finalize_job_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_finalize_job_async().
 *
 * Returns: %TRUE when the job is queued.
 *
 * Since: 0.4
 */
gboolean
authenta_client_finalize_job_finish (AuthentaClient *self, GAsyncResult *result,
                                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
  AuthentaSync sync;
  gboolean ok;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (job_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  authenta_sync_begin (&sync);
  authenta_client_finalize_job_async (self, job_id, cancellable,
                                      authenta_sync_done, &sync);
  ok = authenta_client_finalize_job_finish (self, authenta_sync_wait (&sync),
                                            error);
  authenta_sync_end (&sync);
  return ok;
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

  if (job_id != NULL && authenta_client_check_job_id (job_id, NULL))
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

/**
 * authenta_client_wait_for_job_async:
 * @self: a #AuthentaClient
 * @job_id: a job id, finalized
 * @progress: (nullable) (scope notified): called at each successful poll,
 *   in the thread-default main context of the caller
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the wait is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_wait_for_job() on the thread-default main
 * context, holding no thread between polls.  Finish with
 * authenta_client_wait_for_job_finish().
 *
 * Since: 0.4
 */
void
authenta_client_wait_for_job_async (
    AuthentaClient *self, const char *job_id, AuthentaProgressFunc progress,
    gpointer progress_data, GDestroyNotify progress_destroy,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (job_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_wait_for_job_async);
  if (progress_destroy)
    g_task_set_task_data (task, progress_data, progress_destroy);
  if (!authenta_client_check_job_id (job_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  authenta_client_poll_async (
      self, &authenta_job_flow, job_id, NULL, progress, progress_data,
      cancellable, authenta_client_return_media_cb, g_object_ref (task));
}

/**
 * authenta_client_wait_for_job_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_wait_for_job_async().
 *
 * Returns: (transfer full): the completed job, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_wait_for_job_finish (AuthentaClient *self, GAsyncResult *result,
                                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

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
 * The wait is also bounded by the task's time-out on the service (300 s
 * to 1800 s, see authenta_task_list()) plus a margin, whatever the
 * poll-timeout (since 0.4): the service gives up on a job by then.
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

  if (!authenta_client_check_job_id (job_id, error))
    return NULL;
  return authenta_client_poll (self, &authenta_job_flow, job_id, progress,
                               progress_data, cancellable, error);
}
