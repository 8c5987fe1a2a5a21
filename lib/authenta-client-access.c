/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* authenta_client_check_access(): the cheap set-up check made before a
 * recording starts.  One request per permission, each tried once: a
 * set-up error must be reported at once, not after a retry schedule. */
#include "config-private.h"

#include <authenta/authenta-client.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-http-private.h"
#include "authenta-util-private.h"

/* The longest one probe may take, its connection included. */
#define PROBE_TIMEOUT_MS 10000
/* A well-formed mid that no record can have (all zeros). */
#define PROBE_MID "000000000000000000000000"

#define ALL_PERMISSIONS                                                        \
  (AUTHENTA_PERMISSION_READ | AUTHENTA_PERMISSION_WRITE                        \
   | AUTHENTA_PERMISSION_DELETE)

/* The client's time-outs, one attempt, at most PROBE_TIMEOUT_MS in all. */
static AuthentaHttpPolicy
probe_policy (AuthentaClient *self)
{
  AuthentaHttpPolicy policy = authenta_client_get_policy (self);

  policy.retry_attempts = 1;
  if (policy.connect_timeout_ms == 0
      || policy.connect_timeout_ms > PROBE_TIMEOUT_MS)
    policy.connect_timeout_ms = PROBE_TIMEOUT_MS;
  /* Cuts the request time-out of the one attempt to what is left. */
  policy.deadline_us
      = g_get_monotonic_time () + (gint64)PROBE_TIMEOUT_MS * 1000;
  return policy;
}

/* Replaces error's message with one that says what to do, keeping the
 * original (already free of the key) in parentheses. */
static void
explain_forbidden (GError *error, const char *permission)
{
  char *message = g_strdup_printf (
      "The API key lacks the %s permission (%s): give the key the Read, "
      "Write and Delete permissions in the Authenta dashboard, or use "
      "another key",
      permission, error->message);

  g_free (error->message);
  error->message = message;
}

/* What a failed Read probe means for the set-up. */
static GError *
explain_read_error (AuthentaClient *self, GError *local_error)
{
  if (g_error_matches (local_error, AUTHENTA_ERROR, AUTHENTA_ERROR_FORBIDDEN))
    explain_forbidden (local_error, "Read");
  else if (g_error_matches (local_error, AUTHENTA_ERROR,
                            AUTHENTA_ERROR_NOT_FOUND))
    {
      /* The list route itself was not found, even in the service's error
       * shape (an API under another path, such as …/api/v2): whatever
       * answered, it is not the Media API the base URL should point at. */
      GError *no_service = authenta_error_new_full (
          AUTHENTA_ERROR_NO_SERVICE,
          authenta_error_get_http_status (local_error),
          authenta_error_get_service_code (local_error), NULL,
          "No Authenta Media API at %s (%s); check the base URL — it usually "
          "ends in /api",
          self->base_url, local_error->message);

      g_error_free (local_error);
      local_error = no_service;
    }
  else if (g_error_matches (local_error, AUTHENTA_ERROR,
                            AUTHENTA_ERROR_PROTOCOL)
           && authenta_error_get_http_status (local_error) >= 200
           && authenta_error_get_http_status (local_error) < 300)
    {
      /* A 2xx that is not a list: most often a web page at a wrong URL. */
      char *message = g_strdup_printf (
          "%s; the base URL %s is probably wrong — it usually ends in /api",
          local_error->message, self->base_url);

      g_free (local_error->message);
      local_error->message = message;
    }
  return local_error;
}

/* The probes, in order: GET /media?limit=1&offset=0 through the list
 * parser (the key is accepted, has Read, and an Authenta API answers at
 * the base URL); POST /media with `{}` (no name, no size), a body the
 * service must refuse as invalid (400) and can never turn into a record;
 * DELETE /media/000000000000000000000000: 404 (no such record) or 2xx. */
typedef enum
{
  PROBE_READ,
  PROBE_WRITE,
  PROBE_DELETE,
  PROBE_DONE,
} Probe;

typedef struct
{
  AuthentaPermissions needed;
  Probe probe;
  char *url;
  char *mid; /* of a record the Write probe made, to delete */
} Access;

static void
access_free (Access *a)
{
  g_free (a->url);
  g_free (a->mid);
  g_free (a);
}

static void access_next (GTask *task);

static void
on_unexpected_deleted (GObject *source, GAsyncResult *result,
                       gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Access *a = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (GError) error = NULL;

  if (authenta_client_api_call_finish (AUTHENTA_CLIENT (source), result,
                                       &response, &error))
    g_message ("access check: POST /media with an empty body made record "
               "%s; deleted it",
               a->mid);
  else if (g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND))
    g_message ("access check: POST /media with an empty body answered as if "
               "it made record %s, which does not exist",
               a->mid);
  else
    g_message ("access check: POST /media with an empty body made record "
               "%s, which could not be deleted: %s",
               a->mid, error->message);
  access_next (task);
}

/* A 2xx to the Write probe: the service made a record of an empty body,
 * which it should never do.  Delete it, once, if its mid can be read. */
static void
delete_unexpected_record (GTask *task, GBytes *body)
{
  AuthentaClient *self = g_task_get_source_object (task);
  Access *a = g_task_get_task_data (task);
  AuthentaHttpPolicy policy = probe_policy (self);
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *url = NULL;
  const char *data = NULL;
  gsize length = 0;

  if (body)
    data = g_bytes_get_data (body, &length);
  root = authenta_json_parse (data, length, NULL);
  if (root && JSON_NODE_HOLDS_OBJECT (root))
    authenta_json_get_string (json_node_get_object (root), "mid", &a->mid,
                              NULL);
  if (!authenta_mid_is_valid (a->mid))
    {
      g_message ("access check: POST /media with an empty body was "
                 "accepted, and the answer names no valid mid to delete");
      access_next (task);
      return;
    }
  url = g_strconcat (self->base_url, "/media/", a->mid, NULL);
  authenta_client_api_call_async (self, &policy, "DELETE", url, NULL, a->mid,
                                  NULL, on_unexpected_deleted,
                                  g_object_ref (task));
}

static void
on_probed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Access *a = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (GPtrArray) page = NULL;
  GError *local_error = NULL;
  gboolean ok;
  gint64 total = -1;

  ok = authenta_client_api_call_finish (self, result, &response, &local_error);
  switch (a->probe)
    {
    case PROBE_READ:
      if (ok)
        page = authenta_client_list_parse (a->url, &response, &total, NULL,
                                           &local_error);
      if (page == NULL)
        {
          g_task_return_error (task, explain_read_error (self, local_error));
          return;
        }
      g_debug ("access check: the key can list records");
      break;
    case PROBE_WRITE:
      if (ok)
        {
          delete_unexpected_record (task, response.body);
          return;
        }
      if (g_error_matches (local_error, AUTHENTA_ERROR,
                           AUTHENTA_ERROR_BAD_REQUEST)
          && authenta_error_get_http_status (local_error) == 400)
        {
          g_debug ("access check: the empty create was refused as invalid "
                   "(400): the key was accepted for it");
          g_clear_error (&local_error);
          break;
        }
      if (g_error_matches (local_error, AUTHENTA_ERROR,
                           AUTHENTA_ERROR_FORBIDDEN))
        explain_forbidden (local_error, "Write");
      g_task_return_error (task, local_error);
      return;
    case PROBE_DELETE:
      if (ok)
        break;
      if (g_error_matches (local_error, AUTHENTA_ERROR,
                           AUTHENTA_ERROR_NOT_FOUND))
        {
          g_debug ("access check: deleting a record that cannot exist gave "
                   "404: the key was accepted for it");
          g_clear_error (&local_error);
          break;
        }
      if (g_error_matches (local_error, AUTHENTA_ERROR,
                           AUTHENTA_ERROR_FORBIDDEN))
        explain_forbidden (local_error, "Delete");
      g_task_return_error (task, local_error);
      return;
    case PROBE_DONE:
      g_assert_not_reached ();
    }
  access_next (task);
}

static void
access_next (GTask *task)
{
  AuthentaClient *self = g_task_get_source_object (task);
  Access *a = g_task_get_task_data (task);
  AuthentaHttpPolicy policy;
  const char *method = "GET", *body = NULL, *mid = NULL;

  /* Read always; the others when needed. */
  do
    a->probe++;
  while ((a->probe == PROBE_WRITE && !(a->needed & AUTHENTA_PERMISSION_WRITE))
         || (a->probe == PROBE_DELETE
             && !(a->needed & AUTHENTA_PERMISSION_DELETE)));
  g_clear_pointer (&a->url, g_free);
  switch (a->probe)
    {
    case PROBE_READ:
      a->url = authenta_client_list_url (self, 1, 0);
      break;
    case PROBE_WRITE:
      a->url = g_strconcat (self->base_url, "/media", NULL);
      method = "POST";
      body = "{}";
      break;
    case PROBE_DELETE:
      a->url = g_strconcat (self->base_url, "/media/", PROBE_MID, NULL);
      method = "DELETE";
      mid = PROBE_MID;
      break;
    case PROBE_DONE:
      g_task_return_boolean (task, TRUE);
      return;
    }
  /* Each probe's bound starts with it. */
  policy = probe_policy (self);
  authenta_client_api_call_async (self, &policy, method, a->url, body, mid,
                                  g_task_get_cancellable (task), on_probed,
                                  g_object_ref (task));
}

/**
 * authenta_client_check_access_async:
 * @self: a #AuthentaClient
 * @needed: the permissions the caller will use; Read is always checked
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the thread-default main context of
 *   the caller
 * @user_data: data for @callback
 *
 * Starts authenta_client_check_access() on the thread-default main
 * context.  Finish with authenta_client_check_access_finish().
 *
 * Since: 0.4
 */
void
authenta_client_check_access_async (AuthentaClient *self,
                                    AuthentaPermissions needed,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GError *error = NULL;
  Access *a;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail ((needed & ~ALL_PERMISSIONS) == 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_check_access_async);
  if (!authenta_client_check_ready (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  a = g_new0 (Access, 1);
  a->needed = needed;
  a->probe = (Probe)-1;
  g_task_set_task_data (task, a, (GDestroyNotify)access_free);
  access_next (task);
}

/**
 * authenta_client_check_access_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes authenta_client_check_access_async().
 *
 * Returns: %TRUE when every probe passed, else %FALSE with @error set.
 *
 * Since: 0.4
 */
gboolean
authenta_client_check_access_finish (AuthentaClient *self, GAsyncResult *result,
                                     GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * authenta_client_check_access:
 * @self: a #AuthentaClient
 * @needed: the permissions the caller will use; Read is always checked
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Finds out cheaply, before a recording starts, whether the API key, the
 * base URL and the key's permissions will work, without creating a record
 * or spending a credit.  It sends one request per permission, each tried
 * once (no retries), each bounded by #AuthentaClient:connect-timeout,
 * #AuthentaClient:request-timeout and at most 10 s in all:
 *
 * - always: `GET /media?limit=1&offset=0`, which must answer 200 with a
 *   list of records;
 * - for %AUTHENTA_PERMISSION_WRITE: `POST /media` with the body `{}` (no
 *   name, no size), which the service refuses as invalid: a 400 passes.
 *   Should the service ever make a record of it (a 2xx), the check passes
 *   and the record is deleted;
 * - for %AUTHENTA_PERMISSION_DELETE: `DELETE /media/000000000000000000000000`,
 *   a mid no record has: a 404 (or a 2xx) passes.
 *
 * The errors are those of the other calls: %AUTHENTA_ERROR_INVALID_API_KEY
 * for a refused key (401); %AUTHENTA_ERROR_FORBIDDEN, whose message names the
 * missing permission (Read, Write or Delete), for a 403;
 * %AUTHENTA_ERROR_NO_SERVICE when no Authenta API answers at the base URL
 * (an HTML page, or a 404 to the list), and %AUTHENTA_ERROR_PROTOCOL for a
 * list answer that is not one (both say the base URL is probably wrong);
 * %AUTHENTA_ERROR_NETWORK when nothing answers; %AUTHENTA_ERROR_SERVER for
 * a 5xx; %G_IO_ERROR_CANCELLED.
 *
 * What it proves is limited: the real service's order of checks is not
 * documented, so a 400 to the Write probe proves only that the key was
 * accepted, most likely, but not certainly, with the Write permission
 * (the emulator checks the key, then the permission, then the request),
 * and likewise a 404 to the Delete probe.  Nor does it prove there are
 * credits left: the balance cannot be read without spending one.
 *
 * Returns: %TRUE when every probe passed, else %FALSE with @error set.
 *
 * Since: 0.3
 */
gboolean
authenta_client_check_access (AuthentaClient *self, AuthentaPermissions needed,
                              GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  gboolean ok;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail ((needed & ~ALL_PERMISSIONS) == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  authenta_sync_begin (&sync);
  authenta_client_check_access_async (self, needed, cancellable,
                                      authenta_sync_done, &sync);
  ok = authenta_client_check_access_finish (self, authenta_sync_wait (&sync),
                                            error);
  authenta_sync_end (&sync);
  return ok;
}
