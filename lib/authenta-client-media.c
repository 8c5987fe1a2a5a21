/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the Media API flow (/media): create, get, delete and the
 * wait for a record's verdict.  Listing is authenta-client-media-list.c. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-util-private.h"

#include <string.h>

static gboolean
check_mid (const char *mid, GError **error)
{
  if (authenta_mid_is_valid (mid))
    return TRUE;
  /* Not quoted whole: it may be anything, even the key by mistake. */
  g_propagate_error (error, authenta_error_new_full (
                                AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                                "Invalid media id: expected 1 to 64 letters, "
                                "digits, “_” or “-”"));
  return FALSE;
}

static gboolean
model_is_known (const char *model)
{
  static const char *const known[] = { "DF-1", "AC-1", "FD-1", "FI-1" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (model, known[i]) == 0)
      return TRUE;
  return FALSE;
}

/* After a create whose answer was lost (here, or in a scan killed between
 * its POST and the journal's commit): deletes the records it may have
 * made, those still INITED with its name, type and size among the 50
 * newest, and, with not_before (unix s; 0: any), made no earlier than that
 * (a record without a readable createdAt is taken to match).  They are
 * deleted, not adopted: a listing carries no upload URL, so such a record
 * could never get its file.  A record of another client scanning a file
 * of the same name and size at the same moment would match too; that
 * client's upload then fails and is reported, which is better than a
 * record left for ever.  FALSE with error when the listing itself fails:
 * the record, if any, stays (the caller says so). */
typedef struct
{
  char *name;
  char *content_type;
  guint64 size;
  gint64 not_before;
  GPtrArray *matches; /* mids to delete */
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

  authenta_client_delete_abandoned_finish (AUTHENTA_CLIENT (source), result);
  reclaim_delete_next (task);
}

static void
reclaim_delete_next (GTask *task)
{
  Reclaim *r = g_task_get_task_data (task);
  const char *mid;

  if (r->next >= r->matches->len)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  mid = r->matches->pdata[r->next++];
  g_debug ("deleting mid %s, left INITED by a create whose answer was lost",
           mid);
  authenta_client_delete_abandoned_async (g_task_get_source_object (task), mid,
                                          on_reclaim_deleted,
                                          g_object_ref (task));
}

static void
on_reclaim_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Reclaim *r = g_task_get_task_data (task);
  g_autoptr (GPtrArray) page = NULL;
  GError *error = NULL;

  page = authenta_client_list_media_finish (AUTHENTA_CLIENT (source), result,
                                            NULL, &error);
  if (page == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  r->matches = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < page->len; i++)
    {
      AuthentaMedia *m = page->pdata[i];

      if (g_strcmp0 (authenta_media_get_status (m), "INITED") != 0
          || g_strcmp0 (authenta_media_get_name (m), r->name) != 0
          || g_strcmp0 (authenta_media_get_content_type (m), r->content_type)
                 != 0
          || authenta_media_get_size (m) != r->size)
        continue;
      if (r->not_before > 0)
        {
          g_autoptr (GDateTime) at = authenta_media_dup_created_at_datetime (m);

          if (at != NULL && g_date_time_to_unix (at) < r->not_before)
            continue;
        }
      g_ptr_array_add (r->matches, g_strdup (authenta_media_get_mid (m)));
    }
  reclaim_delete_next (task);
}

/* After a create whose answer was lost (here, or in a scan killed between
 * its POST and the journal's commit): deletes the records it may have
 * made, those still INITED with its name, type and size among the 50
 * newest, and, with not_before (unix s; 0: any), made no earlier than that
 * (a record without a readable createdAt is taken to match).  They are
 * deleted, not adopted: a listing carries no upload URL, so such a record
 * could never get its file.  A record of another client scanning a file
 * of the same name and size at the same moment would match too; that
 * client's upload then fails and is reported, which is better than a
 * record left for ever.  FALSE with error when the listing itself fails:
 * the record, if any, stays (the caller says so). */
void
authenta_client_reclaim_lost_create_async (
    AuthentaClient *self, const char *name, const char *content_type,
    guint64 size, gint64 not_before, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Reclaim *r = g_new0 (Reclaim, 1);

  g_task_set_source_tag (task, authenta_client_reclaim_lost_create_async);
  r->name = g_strdup (name);
  r->content_type = g_strdup (content_type);
  r->size = size;
  r->not_before = not_before;
  g_task_set_task_data (task, r, (GDestroyNotify)reclaim_free);
  authenta_client_list_media_async (self, 50, 0, cancellable, on_reclaim_listed,
                                    task);
}

gboolean
authenta_client_reclaim_lost_create_finish (AuthentaClient *self,
                                            GAsyncResult *result,
                                            GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
authenta_client_reclaim_lost_create (AuthentaClient *self, const char *name,
                                     const char *content_type, guint64 size,
                                     gint64 not_before,
                                     GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  gboolean ok;

  authenta_sync_begin (&sync);
  authenta_client_reclaim_lost_create_async (self, name, content_type, size,
                                             not_before, cancellable,
                                             authenta_sync_done, &sync);
  ok = authenta_client_reclaim_lost_create_finish (
      self, authenta_sync_wait (&sync), error);
  authenta_sync_end (&sync);
  return ok;
}

/* The body of POST /media, after the checks made before any request. */
static char *
create_media_body (AuthentaClient *self, const char *name,
                   const char *content_type, guint64 size,
                   const char **model_type, GError **error)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body_node = NULL;

  if (!authenta_client_check_size (size, NULL, error)
      || !authenta_client_check_content_type (content_type, error))
    return NULL;
  if (*model_type == NULL)
    {
      *model_type = authenta_content_type_default_model (content_type);
      if (*model_type == NULL)
        {
          g_propagate_error (error, authenta_error_new_full (
                                        AUTHENTA_ERROR_UNSUPPORTED_MEDIA, 0,
                                        NULL, NULL,
                                        "No model for content type “%s”: "
                                        "the service takes video and image "
                                        "files",
                                        content_type));
          return NULL;
        }
    }
  else if (authenta_task_get_api (*model_type) == AUTHENTA_TASK_API_JOBS)
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "“%s” is a task of the Jobs API, not a Media API "
                             "model: use authenta_client_create_job()",
                             authenta_task_get_name (*model_type)));
      return NULL;
    }
  else if (!model_is_known (*model_type))
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "Unknown model type “%s” (expected DF-1, "
                             "AC-1, FD-1 or FI-1)",
                             *model_type));
      return NULL;
    }
  /* No model takes sound: refused before any request, naming the task
   * that does. */
  if (!authenta_client_check_task (self, *model_type, content_type, error))
    return NULL;

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64)size);
  json_builder_set_member_name (builder, "modelType");
  json_builder_add_string_value (builder, *model_type);
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  return json_to_string (body_node, FALSE);
}

typedef struct
{
  char *name;
  char *content_type;
  char *model_type;
  guint64 size;
  char *body;
  char *url;
  char *what;
  guint attempt;
  GError *error; /* kept while a lost answer is looked for */
} Create;

static void
create_free (Create *c)
{
  g_free (c->name);
  g_free (c->content_type);
  g_free (c->model_type);
  g_free (c->body);
  g_free (c->url);
  g_free (c->what);
  g_clear_error (&c->error);
  g_free (c);
}

static void on_create_posted (GObject *source, GAsyncResult *result,
                              gpointer user_data);

static void
create_post (GTask *task)
{
  Create *c = g_task_get_task_data (task);

  authenta_client_call_until_async (
      g_task_get_source_object (task), "POST", c->url, c->body, NULL, 0,
      g_task_get_cancellable (task), on_create_posted, g_object_ref (task));
}

static void
on_create_reclaimed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Create *c = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!authenta_client_reclaim_lost_create_finish (self, result, &error))
    g_debug ("cannot look for the record of a lost create: %s", error->message);
  if (error != NULL
      || c->attempt
             >= MAX (authenta_client_get_policy (self).retry_attempts, 1))
    {
      g_task_return_error (task, g_steal_pointer (&c->error));
      return;
    }
  g_debug ("%s: answer lost (%s); asking again", c->what, c->error->message);
  g_clear_error (&c->error);
  c->attempt++;
  create_post (task);
}

static void
on_unusable_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Create *c = g_task_get_task_data (task);

  authenta_client_delete_abandoned_finish (AUTHENTA_CLIENT (source), result);
  g_task_return_error (task, g_steal_pointer (&c->error));
}

static void
on_create_posted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Create *c = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (AuthentaMedia) media = NULL;
  GError *local_error = NULL;
  const char *mid;

  if (authenta_client_api_call_finish (self, result, &response, &local_error))
    media = authenta_client_media_from_answer (c->what, NULL, response.status,
                                               response.body, c->content_type,
                                               c->size, &local_error);
  if (media == NULL)
    {
      /* The request reached the service but its answer did not reach us
       * whole: a record may exist that nobody knows the mid of.  Find it
       * and delete it before asking again, so that a lost answer never
       * leaves a record behind nor makes two. */
      if (!response.maybe_delivered
          && !g_error_matches (local_error, AUTHENTA_ERROR,
                               AUTHENTA_ERROR_PROTOCOL))
        {
          g_task_return_error (task, local_error);
          return;
        }
      c->error = local_error;
      authenta_client_reclaim_lost_create_async (
          self, c->name, c->content_type, c->size, 0,
          g_task_get_cancellable (task), on_create_reclaimed,
          g_object_ref (task));
      return;
    }
  mid = authenta_media_get_mid (media);
  if (mid == NULL || authenta_media_get_upload_url (media) == NULL
      || authenta_media_get_size (media) != c->size)
    {
      if (mid == NULL || authenta_media_get_upload_url (media) == NULL)
        c->error = authenta_error_new_full (
            AUTHENTA_ERROR_PROTOCOL, response.status, NULL, mid,
            "%s: the new record has no “%s”", c->what,
            mid == NULL ? "mid" : "uploadUrl");
      else
        c->error = authenta_error_new_full (
            AUTHENTA_ERROR_PROTOCOL, response.status, NULL, mid,
            "%s: the service recorded %" G_GUINT64_FORMAT
            " bytes for a file of %" G_GUINT64_FORMAT
            " (mid %s): storage would refuse the upload",
            c->what, authenta_media_get_size (media), c->size, mid);
      /* Unusable: not left behind INITED. */
      authenta_client_delete_abandoned_async (self, mid, on_unusable_deleted,
                                              g_object_ref (task));
      return;
    }
  g_debug ("created mid %s (%s, %" G_GUINT64_FORMAT " bytes, %s)", mid,
           c->content_type, c->size, c->model_type);
  g_task_return_pointer (task, g_steal_pointer (&media), g_object_unref);
}

/**
 * authenta_client_create_media_async:
 * @self: a #AuthentaClient
 * @name: the record's name
 * @content_type: the file's content type, such as "video/mp4"
 * @size: the exact size in bytes of the file that will be uploaded
 * @model_type: (nullable): "DF-1", "AC-1", "FD-1" or "FI-1"; %NULL: the
 *   default for @content_type
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller when the record is made
 * @user_data: data for @callback
 *
 * Starts authenta_client_create_media() on the thread-default main context,
 * holding no thread.  Finish with authenta_client_create_media_finish().
 *
 * Since: 0.4
 */
void
authenta_client_create_media_async (AuthentaClient *self, const char *name,
                                    const char *content_type, guint64 size,
                                    const char *model_type,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;
  Create *c;
  char *body;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (name != NULL);
  g_return_if_fail (content_type != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_create_media_async);
  body
      = create_media_body (self, name, content_type, size, &model_type, &error);
  if (body == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  c = g_new0 (Create, 1);
  c->name = g_strdup (name);
  c->content_type = g_strdup (content_type);
  c->model_type = g_strdup (model_type);
  c->size = size;
  c->body = body;
  c->url = g_strconcat (self->base_url, "/media", NULL);
  c->what = authenta_describe_request ("POST", c->url);
  c->attempt = 1;
  g_task_set_task_data (task, c, (GDestroyNotify)create_free);
  create_post (task);
}

/**
 * authenta_client_create_media_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_create_media_async().
 *
 * Returns: (transfer full): the new record, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_create_media_finish (AuthentaClient *self, GAsyncResult *result,
                                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * authenta_client_create_media:
 * @self: a #AuthentaClient
 * @name: the record's name
 * @content_type: the file's content type, such as "video/mp4"
 * @size: the exact size in bytes of the file that will be uploaded
 * @model_type: (nullable): "DF-1", "AC-1", "FD-1" or "FI-1"; %NULL: the
 *   default for @content_type (see authenta_content_type_default_model())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates a media record (`POST /media`), which carries the pre-signed URL
 * to upload the file to.  A @size over %AUTHENTA_MAX_UPLOAD_SIZE (5 GiB,
 * storage's limit for one upload) is refused before any request
 * (%AUTHENTA_ERROR_INVALID_ARGUMENT).
 *
 * Returns: (transfer full): the new record, or %NULL with @error set.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_create_media (AuthentaClient *self, const char *name,
                              const char *content_type, guint64 size,
                              const char *model_type, GCancellable *cancellable,
                              GError **error)
{
  AuthentaSync sync;
  AuthentaMedia *media;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_create_media_async (self, name, content_type, size,
                                      model_type, cancellable,
                                      authenta_sync_done, &sync);
  media = authenta_client_create_media_finish (self, authenta_sync_wait (&sync),
                                               error);
  authenta_sync_end (&sync);
  return media;
}

static char *
media_url (AuthentaClient *self, const char *mid)
{
  return g_strconcat (self->base_url, "/media/", mid, NULL);
}

static AuthentaMedia *
media_parse (const char *what, const char *mid, guint status, GBytes *body,
             GError **error)
{
  return authenta_client_media_from_answer (what, mid, status, body, NULL, 0,
                                            error);
}

static GError *media_failure (AuthentaClient *self, AuthentaMedia *media);

const AuthentaPollFlow authenta_media_flow
    = { "mid", media_url, media_parse, media_failure, FALSE };

/* An operation refused before any request: its error, in the callback. */
static void
return_early_error (gpointer self, GAsyncReadyCallback callback,
                    gpointer user_data, gpointer tag, GError *error)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, tag);
  g_task_return_error (task, error);
  g_object_unref (task);
}

/**
 * authenta_client_get_media_async:
 * @self: a #AuthentaClient
 * @mid: a media id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_get_media() on the thread-default main context.
 * Finish with authenta_client_get_media_finish().
 *
 * Since: 0.4
 */
void
authenta_client_get_media_async (AuthentaClient *self, const char *mid,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  GError *error = NULL;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (mid != NULL);

  if (!check_mid (mid, &error))
    {
      return_early_error (self, callback, user_data,
                          authenta_client_get_record_async, error);
      return;
    }
  authenta_client_get_record_async (self, &authenta_media_flow, mid, 0,
                                    cancellable, callback, user_data);
}

/**
 * authenta_client_get_media_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_get_media_async().
 *
 * Returns: (transfer full): the record, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_get_media_finish (AuthentaClient *self, GAsyncResult *result,
                                  GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return authenta_client_get_record_finish (self, result, error);
}

/**
 * authenta_client_get_media:
 * @self: a #AuthentaClient
 * @mid: a media id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fetches one record (`GET /media/{mid}`), with its verdict once processed.
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 *   (%AUTHENTA_ERROR_NOT_FOUND for an unknown @mid).
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_get_media (AuthentaClient *self, const char *mid,
                           GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  AuthentaMedia *media;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (mid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_get_media_async (self, mid, cancellable, authenta_sync_done,
                                   &sync);
  media = authenta_client_get_media_finish (self, authenta_sync_wait (&sync),
                                            error);
  authenta_sync_end (&sync);
  return media;
}

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  const char *mid = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  GError *error = NULL;

  if (authenta_client_api_call_finish (AUTHENTA_CLIENT (source), result,
                                       &response, &error))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* A DELETE whose answer was lost was most likely done: the 404 of its
   * retry says the record is gone, which is what was asked. */
  if (response.maybe_delivered
      && g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND))
    {
      g_debug ("mid %s: the retried DELETE found it gone: deleted", mid);
      g_error_free (error);
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_task_return_error (task, error);
}

/**
 * authenta_client_delete_media_async:
 * @self: a #AuthentaClient
 * @mid: a media id
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_delete_media() on the thread-default main context.
 * Finish with authenta_client_delete_media_finish().
 *
 * Since: 0.4
 */
void
authenta_client_delete_media_async (AuthentaClient *self, const char *mid,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autofree char *url = NULL;
  GError *error = NULL;
  GTask *task;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (mid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_delete_media_async);
  if (!check_mid (mid, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_strdup (mid), g_free);
  url = media_url (self, mid);
  authenta_client_call_until_async (self, "DELETE", url, NULL, mid, 0,
                                    cancellable, on_deleted, task);
}

/**
 * authenta_client_delete_media_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_delete_media_async().
 *
 * Returns: %TRUE when the service accepted.
 *
 * Since: 0.4
 */
gboolean
authenta_client_delete_media_finish (AuthentaClient *self, GAsyncResult *result,
                                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * authenta_client_delete_media:
 * @self: a #AuthentaClient
 * @mid: a media id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deletes a record (`DELETE /media/{mid}`).
 *
 * Returns: %TRUE when the service accepted.
 *
 * Since: 0.1
 */
gboolean
authenta_client_delete_media (AuthentaClient *self, const char *mid,
                              GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  gboolean ok;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (mid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  authenta_sync_begin (&sync);
  authenta_client_delete_media_async (self, mid, cancellable,
                                      authenta_sync_done, &sync);
  ok = authenta_client_delete_media_finish (self, authenta_sync_wait (&sync),
                                            error);
  authenta_sync_end (&sync);
  return ok;
}

static void
on_abandoned_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  const char *mid = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (authenta_client_delete_media_finish (AUTHENTA_CLIENT (source), result,
                                           &error))
    g_debug ("deleted mid %s, which this scan gave up on", mid);
  else
    g_debug ("could not delete mid %s, which this scan gave up on: %s", mid,
             error->message);
  g_task_return_boolean (task, TRUE);
}

/* Deletes a record this client made and will not finish; best effort
 * (logged), as the failure that led here is what the caller must hear.
 * Not cancellable: it runs after a failure, to its end. */
void
authenta_client_delete_abandoned_async (AuthentaClient *self, const char *mid,
                                        GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, authenta_client_delete_abandoned_async);
  if (mid == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  g_task_set_task_data (task, g_strdup (mid), g_free);
  authenta_client_delete_media_async (self, mid, NULL, on_abandoned_deleted,
                                      task);
}

void
authenta_client_delete_abandoned_finish (AuthentaClient *self,
                                         GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

void
authenta_client_delete_abandoned (AuthentaClient *self, const char *mid)
{
  AuthentaSync sync;

  authenta_sync_begin (&sync);
  authenta_client_delete_abandoned_async (self, mid, authenta_sync_done, &sync);
  authenta_client_delete_abandoned_finish (self, authenta_sync_wait (&sync));
  authenta_sync_end (&sync);
}

static GError *
media_failure (AuthentaClient *self, AuthentaMedia *media)
{
  const char *mid = authenta_media_get_mid (media);
  const char *status = authenta_media_get_status (media);

  return authenta_error_new_full (AUTHENTA_ERROR_PROCESSING_FAILED, 0, status,
                                  mid,
                                  "The service could not process mid %s "
                                  "(status %s)",
                                  mid, status);
}

/**
 * authenta_client_wait_for_result_async:
 * @self: a #AuthentaClient
 * @mid: a media id whose file was uploaded
 * @progress: (nullable) (scope notified): called at each successful poll,
 *   in the thread-default main context of the caller
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the wait is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_wait_for_result() on the thread-default main
 * context: each poll is a request on its loop, the waits between polls are
 * timer sources, and no thread is held meanwhile.  Cancelling
 * @cancellable ends the wait at once.  Finish with
 * authenta_client_wait_for_result_finish().
 *
 * Since: 0.4
 */
void
authenta_client_wait_for_result_async (
    AuthentaClient *self, const char *mid, AuthentaProgressFunc progress,
    gpointer progress_data, GDestroyNotify progress_destroy,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (mid != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_wait_for_result_async);
  if (progress_destroy)
    g_task_set_task_data (task, progress_data, progress_destroy);
  if (!check_mid (mid, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  authenta_client_poll_async (
      self, &authenta_media_flow, mid, NULL, progress, progress_data,
      cancellable, authenta_client_return_media_cb, g_object_ref (task));
}

/**
 * authenta_client_wait_for_result_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_wait_for_result_async().
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_wait_for_result_finish (AuthentaClient *self,
                                        GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * authenta_client_wait_for_result:
 * @self: a #AuthentaClient
 * @mid: a media id whose file was uploaded
 * @progress: (nullable) (scope call): called at each successful poll
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Polls `GET /media/{mid}` with growing intervals (see
 * authenta_client_set_poll_policy()) until the status is `PROCESSED`.  An
 * unknown status keeps it polling.
 *
 * A poll that fails with %AUTHENTA_ERROR_NETWORK, %AUTHENTA_ERROR_SERVER,
 * %AUTHENTA_ERROR_RATE_LIMITED or %AUTHENTA_ERROR_PROTOCOL (once its own
 * retries are spent) does not end the wait either: it is logged and polling
 * goes on, on the same schedule, until #AuthentaClient:poll-timeout runs out
 * (with a poll-timeout of 0, until cancelled).  Any other error (401, 402,
 * 403, 404, 400) ends the wait at once, as does cancellation.
 *
 * Returns: (transfer full): the processed record, with its verdict; or
 *   %NULL with %AUTHENTA_ERROR_PROCESSING_FAILED (`FAILED` or `ERROR`),
 *   %AUTHENTA_ERROR_TIMEOUT (no verdict within #AuthentaClient:poll-timeout;
 *   its message names the mid, says the file was uploaded and gives the
 *   last error seen, if the last poll failed) or another error.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_wait_for_result (AuthentaClient *self, const char *mid,
                                 AuthentaProgressFunc progress,
                                 gpointer progress_data,
                                 GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (mid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_mid (mid, error))
    return NULL;
  return authenta_client_poll (self, &authenta_media_flow, mid, progress,
                               progress_data, cancellable, error);
}
