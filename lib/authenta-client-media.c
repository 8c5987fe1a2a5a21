/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the Media API flow (/media): create, get, list, delete
 * and the wait for a record's verdict. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-util-private.h"

#include <string.h>

#define DEFAULT_PAGE_SIZE 50

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
gboolean
authenta_client_reclaim_lost_create (AuthentaClient *self, const char *name,
                                     const char *content_type, guint64 size,
                                     gint64 not_before,
                                     GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) page = NULL;

  page = authenta_client_list_media (self, 50, 0, NULL, cancellable, error);
  if (page == NULL)
    return FALSE;
  for (guint i = 0; i < page->len; i++)
    {
      AuthentaMedia *m = page->pdata[i];

      if (g_strcmp0 (authenta_media_get_status (m), "INITED") != 0
          || g_strcmp0 (authenta_media_get_name (m), name) != 0
          || g_strcmp0 (authenta_media_get_content_type (m), content_type) != 0
          || authenta_media_get_size (m) != size)
        continue;
      if (not_before > 0)
        {
          g_autoptr (GDateTime) at = authenta_media_dup_created_at_datetime (m);

          if (at != NULL && g_date_time_to_unix (at) < not_before)
            continue;
        }
      g_debug ("deleting mid %s, left INITED by a create whose answer was "
               "lost",
               authenta_media_get_mid (m));
      authenta_client_delete_abandoned (self, authenta_media_get_mid (m));
    }
  return TRUE;
}

static gboolean
reclaim_lost_create (AuthentaClient *self, const char *name,
                     const char *content_type, guint64 size,
                     GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  if (authenta_client_reclaim_lost_create (self, name, content_type, size, 0,
                                           cancellable, &error))
    return TRUE;
  g_debug ("cannot look for the record of a lost create: %s", error->message);
  return FALSE;
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
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body_node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;
  AuthentaMedia *media = NULL;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!authenta_client_check_size (size, NULL, error)
      || !authenta_client_check_content_type (content_type, error))
    return NULL;
  if (model_type == NULL)
    {
      model_type = authenta_content_type_default_model (content_type);
      if (model_type == NULL)
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
  else if (authenta_task_get_api (model_type) == AUTHENTA_TASK_API_JOBS)
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "“%s” is a task of the Jobs API, not a Media API "
                             "model: use authenta_client_create_job()",
                             authenta_task_get_name (model_type)));
      return NULL;
    }
  else if (!model_is_known (model_type))
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "Unknown model type “%s” (expected DF-1, "
                             "AC-1, FD-1 or FI-1)",
                             model_type));
      return NULL;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64)size);
  json_builder_set_member_name (builder, "modelType");
  json_builder_add_string_value (builder, model_type);
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  body = json_to_string (body_node, FALSE);

  url = g_strconcat (self->base_url, "/media", NULL);
  what = authenta_describe_request ("POST", url);
  for (guint attempt = 1;; attempt++)
    {
      GError *local_error = NULL;
      gboolean lost;

      authenta_http_response_clear (&response);
      if (authenta_client_call (self, "POST", url, body, NULL, &response,
                                cancellable, &local_error))
        media = authenta_client_media_from_answer (what, NULL, response.status,
                                                   response.body, content_type,
                                                   size, &local_error);
      else
        media = NULL;
      if (media != NULL)
        break;
      /* The request reached the service but its answer did not reach us
       * whole: a record may exist that nobody knows the mid of.  Find it
       * and delete it before asking again, so that a lost answer never
       * leaves a record behind nor makes two. */
      lost = response.maybe_delivered
             || g_error_matches (local_error, AUTHENTA_ERROR,
                                 AUTHENTA_ERROR_PROTOCOL);
      if (!lost
          || !reclaim_lost_create (self, name, content_type, size, cancellable)
          || attempt
                 >= MAX (authenta_client_get_policy (self).retry_attempts, 1))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_debug ("%s: answer lost (%s); asking again", what,
               local_error->message);
      g_clear_error (&local_error);
    }
  if (authenta_media_get_mid (media) == NULL
      || authenta_media_get_upload_url (media) == NULL
      || authenta_media_get_size (media) != size)
    {
      const char *mid = authenta_media_get_mid (media);

      if (mid == NULL || authenta_media_get_upload_url (media) == NULL)
        g_propagate_error (error,
                           authenta_error_new_full (
                               AUTHENTA_ERROR_PROTOCOL, response.status, NULL,
                               mid, "%s: the new record has no “%s”", what,
                               mid == NULL ? "mid" : "uploadUrl"));
      else
        g_propagate_error (
            error, authenta_error_new_full (
                       AUTHENTA_ERROR_PROTOCOL, response.status, NULL, mid,
                       "%s: the service recorded %" G_GUINT64_FORMAT
                       " bytes for a file of %" G_GUINT64_FORMAT
                       " (mid %s): storage would refuse the upload",
                       what, authenta_media_get_size (media), size, mid));
      /* Unusable: not left behind INITED. */
      authenta_client_delete_abandoned (self, mid);
      g_object_unref (media);
      return NULL;
    }
  g_debug ("created mid %s (%s, %" G_GUINT64_FORMAT " bytes, %s)",
           authenta_media_get_mid (media), content_type, size, model_type);
  return media;
}

static AuthentaMedia *get_media_until (AuthentaClient *self, const char *mid,
                                       gint64 deadline_us,
                                       GCancellable *cancellable,
                                       GError **error);

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
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (mid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_mid (mid, error))
    return NULL;
  return get_media_until (self, mid, 0, cancellable, error);
}

/* GET /media/{mid}, giving up at deadline_us (monotonic; 0: none). */
static AuthentaMedia *
get_media_until (AuthentaClient *self, const char *mid, gint64 deadline_us,
                 GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;

  url = g_strconcat (self->base_url, "/media/", mid, NULL);
  if (!authenta_client_call_until (self, "GET", url, NULL, mid, deadline_us,
                                   &response, cancellable, error))
    return NULL;
  what = authenta_describe_request ("GET", url);
  return authenta_client_media_from_answer (what, mid, response.status,
                                            response.body, NULL, 0, error);
}

static GPtrArray *
list_page (AuthentaClient *self, guint limit, guint offset, gint64 *out_total,
           guint *out_limit, GCancellable *cancellable, GError **error)
{
  return authenta_client_list_page (self, NULL, limit, offset, out_total,
                                    out_limit, cancellable, error);
}

/**
 * authenta_client_list_media:
 * @self: a #AuthentaClient
 * @limit: records per page (0: the service's default)
 * @offset: records to skip
 * @out_total: (out) (optional): the service's total number of records
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fetches one page of the caller's records (`GET /media`).
 *
 * Returns: (transfer container) (element-type AuthentaMedia): the records,
 *   or %NULL with @error set.  The array holds a reference to each record
 *   and drops it when freed: free it with g_ptr_array_unref() (bindings
 *   take their own references to the records).
 *
 * Since: 0.1
 */
GPtrArray *
authenta_client_list_media (AuthentaClient *self, guint limit, guint offset,
                            guint *out_total, GCancellable *cancellable,
                            GError **error)
{
  GPtrArray *records;
  gint64 total = -1;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  records = list_page (self, limit, offset, &total, NULL, cancellable, error);
  if (records && out_total)
    *out_total
        = total >= 0 ? (guint)MIN (total, G_MAXUINT) : offset + records->len;
  return records;
}

GPtrArray *
authenta_client_list_page (AuthentaClient *self,
                           const AuthentaHttpPolicy *policy, guint limit,
                           guint offset, gint64 *out_total, guint *out_limit,
                           GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  AuthentaHttpPolicy own_policy;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;
  GError *local_error = NULL;
  JsonNode *data;
  JsonArray *array;
  gint64 total = -1;
  gint64 answer_limit = 0;

  if (limit > 0)
    url = g_strdup_printf ("%s/media?limit=%u&offset=%u", self->base_url, limit,
                           offset);
  else
    url = g_strdup_printf ("%s/media?offset=%u", self->base_url, offset);
  if (policy == NULL)
    {
      own_policy = authenta_client_get_policy (self);
      policy = &own_policy;
    }
  if (!authenta_client_api_call (self, policy, "GET", url, NULL, NULL,
                                 &response, cancellable, error))
    return NULL;
  what = authenta_describe_request ("GET", url);
  root = authenta_client_parse_answer (what, NULL, response.status,
                                       response.body, error);
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    data = root; /* a bare array is understood too */
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      data = json_object_get_member (obj, "data");
      if (!authenta_json_get_int (obj, "total", &total, -1, &local_error))
        {
          authenta_client_set_answer_error (error, local_error, what, NULL,
                                            response.status);
          return NULL;
        }
      /* Only a hint for paging without a total: never an error. */
      if (!authenta_json_get_int (obj, "limit", &answer_limit, 0, NULL))
        answer_limit = 0;
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
  records = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AuthentaMedia *media = authenta_media_new_from_node (
          json_array_get_element (array, i), NULL, NULL, 0, &local_error);
      if (media == NULL)
        {
          g_autofree char *where = g_strdup_printf ("%s: record %u", what, i);
          authenta_client_set_answer_error (error, local_error, where, NULL,
                                            response.status);
          return NULL;
        }
      g_ptr_array_add (records, media);
    }
  *out_total = total;
  if (out_limit)
    *out_limit = answer_limit > 0 ? (guint)MIN (answer_limit, G_MAXUINT) : 0;
  return g_steal_pointer (&records);
}

/**
 * authenta_client_foreach_media:
 * @self: a #AuthentaClient
 * @page_size: records per request (0: 50)
 * @func: (scope call): called for each record
 * @user_data: data for @func
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Walks every page of `GET /media`, calling @func for each record until it
 * returns %FALSE or the records run out: past the answer's `total`, or, when
 * the service sends no `total`, at the first page shorter than @page_size
 * (or than the `limit` the service says it used, if smaller).
 *
 * Returns: %TRUE when the walk ended without error (also when @func
 *   stopped it).
 *
 * Since: 0.1
 */
gboolean
authenta_client_foreach_media (AuthentaClient *self, guint page_size,
                               AuthentaMediaFunc func, gpointer user_data,
                               GCancellable *cancellable, GError **error)
{
  guint offset = 0;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (page_size == 0)
    page_size = DEFAULT_PAGE_SIZE;
  for (;;)
    {
      g_autoptr (GPtrArray) page = NULL;
      gint64 total = -1;
      guint used_limit = 0;

      page = list_page (self, page_size, offset, &total, &used_limit,
                        cancellable, error);
      if (page == NULL)
        return FALSE;
      for (guint i = 0; i < page->len; i++)
        if (!func (g_ptr_array_index (page, i), user_data))
          return TRUE;
      offset += page->len;
      if (page->len == 0)
        return TRUE;
      if (total >= 0)
        {
          if (offset >= total)
            return TRUE;
        }
      else if (page->len
               < (used_limit ? MIN (used_limit, page_size) : page_size))
        {
          /* No total: only a short page says it was the last. */
          return TRUE;
        }
    }
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
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (mid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_mid (mid, error))
    return FALSE;
  url = g_strconcat (self->base_url, "/media/", mid, NULL);
  if (authenta_client_call (self, "DELETE", url, NULL, mid, &response,
                            cancellable, &local_error))
    return TRUE;
  /* A DELETE whose answer was lost was most likely done: the 404 of its
   * retry says the record is gone, which is what was asked. */
  if (response.maybe_delivered
      && g_error_matches (local_error, AUTHENTA_ERROR,
                          AUTHENTA_ERROR_NOT_FOUND))
    {
      g_debug ("mid %s: the retried DELETE found it gone: deleted", mid);
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

/* Deletes a record this client made and will not finish; best effort
 * (logged), as the failure that led here is what the caller must hear. */
void
authenta_client_delete_abandoned (AuthentaClient *self, const char *mid)
{
  g_autoptr (GError) error = NULL;

  if (mid == NULL)
    return;
  if (authenta_client_delete_media (self, mid, NULL, &error))
    g_debug ("deleted mid %s, which this scan gave up on", mid);
  else
    g_debug ("could not delete mid %s, which this scan gave up on: %s", mid,
             error->message);
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

static const AuthentaPollFlow media_flow
    = { "mid", get_media_until, media_failure };

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
  return authenta_client_poll (self, &media_flow, mid, progress, progress_data,
                               cancellable, error);
}
