/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: listing the Media API's records (GET /media): one page,
 * asynchronous or blocking, and the walk over every page. */
#include "config-private.h"

#include <authenta/authenta-client.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-util-private.h"

#define DEFAULT_PAGE_SIZE 50

static GPtrArray *
list_page (AuthentaClient *self, guint limit, guint offset, gint64 *out_total,
           guint *out_limit, GCancellable *cancellable, GError **error)
{
  return authenta_client_list_page (self, NULL, limit, offset, out_total,
                                    out_limit, cancellable, error);
}

char *
authenta_client_list_url (AuthentaClient *self, guint limit, guint offset)
{
  if (limit > 0)
    return g_strdup_printf ("%s/media?limit=%u&offset=%u", self->base_url,
                            limit, offset);
  return g_strdup_printf ("%s/media?offset=%u", self->base_url, offset);
}

/* The records of a GET /media answer. */
GPtrArray *
authenta_client_list_parse (const char *url,
                            const AuthentaHttpResponse *response,
                            gint64 *out_total, guint *out_limit, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *what = authenta_describe_request ("GET", url);
  GError *local_error = NULL;
  JsonNode *data;
  JsonArray *array;
  gint64 total = -1;
  gint64 answer_limit = 0;

  root = authenta_client_parse_answer (what, NULL, response->status,
                                       response->body, error);
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
                                            response->status);
          return NULL;
        }
      /* Only a hint for paging without a total: never an error. */
      if (!authenta_json_get_int (obj, "limit", &answer_limit, 0, NULL))
        answer_limit = 0;
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
  records = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AuthentaMedia *media = authenta_media_new_from_node (
          json_array_get_element (array, i), NULL, NULL, 0, &local_error);
      if (media == NULL)
        {
          g_autofree char *where = g_strdup_printf ("%s: record %u", what, i);
          authenta_client_set_answer_error (error, local_error, where, NULL,
                                            response->status);
          return NULL;
        }
      g_ptr_array_add (records, media);
    }
  *out_total = total;
  if (out_limit)
    *out_limit = answer_limit > 0 ? (guint)MIN (answer_limit, G_MAXUINT) : 0;
  return g_steal_pointer (&records);
}

typedef struct
{
  char *url;
  guint offset;
  guint total;
} List;

static void
list_free (List *l)
{
  g_free (l->url);
  g_free (l);
}

static void
on_listed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  List *l = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  GError *error = NULL;
  GPtrArray *records = NULL;
  gint64 total = -1;

  if (authenta_client_api_call_finish (AUTHENTA_CLIENT (source), result,
                                       &response, &error))
    records
        = authenta_client_list_parse (l->url, &response, &total, NULL, &error);
  if (records == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  l->total
      = total >= 0 ? (guint)MIN (total, G_MAXUINT) : l->offset + records->len;
  g_task_return_pointer (task, records, (GDestroyNotify)g_ptr_array_unref);
}

/**
 * authenta_client_list_media_async:
 * @self: a #AuthentaClient
 * @limit: records per page (0: the service's default)
 * @offset: records to skip
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_list_media() on the thread-default main context.
 * Finish with authenta_client_list_media_finish().
 *
 * Since: 0.4
 */
void
authenta_client_list_media_async (AuthentaClient *self, guint limit,
                                  guint offset, GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  GTask *task;
  List *l;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_list_media_async);
  l = g_new0 (List, 1);
  l->url = authenta_client_list_url (self, limit, offset);
  l->offset = offset;
  g_task_set_task_data (task, l, (GDestroyNotify)list_free);
  authenta_client_call_until_async (self, "GET", l->url, NULL, NULL, 0,
                                    cancellable, on_listed, task);
}

/**
 * authenta_client_list_media_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @out_total: (out) (optional): the service's total number of records
 * @error: return location for a #GError
 *
 * Finishes authenta_client_list_media_async().
 *
 * Returns: (transfer container) (element-type AuthentaMedia): the records,
 *   or %NULL with @error set; free with g_ptr_array_unref().
 *
 * Since: 0.4
 */
GPtrArray *
authenta_client_list_media_finish (AuthentaClient *self, GAsyncResult *result,
                                   guint *out_total, GError **error)
{
  GPtrArray *records;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  records = g_task_propagate_pointer (G_TASK (result), error);
  if (records && out_total)
    *out_total = ((List *)g_task_get_task_data (G_TASK (result)))->total;
  return records;
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
  AuthentaSync sync;
  GPtrArray *records;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  authenta_sync_begin (&sync);
  authenta_client_list_media_async (self, limit, offset, cancellable,
                                    authenta_sync_done, &sync);
  records = authenta_client_list_media_finish (self, authenta_sync_wait (&sync),
                                               out_total, error);
  authenta_sync_end (&sync);
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
  g_autofree char *url = authenta_client_list_url (self, limit, offset);

  if (policy == NULL)
    {
      own_policy = authenta_client_get_policy (self);
      policy = &own_policy;
    }
  if (!authenta_client_api_call (self, policy, "GET", url, NULL, NULL,
                                 &response, cancellable, error))
    return NULL;
  return authenta_client_list_parse (url, &response, out_total, out_limit,
                                     error);
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
