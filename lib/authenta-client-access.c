/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* authenta_client_check_access(): the cheap set-up check made before a
 * recording starts.  One request per permission, each tried once: a
 * set-up error must be reported at once, not after a retry schedule. */
#include "config-private.h"

#include <authenta/authenta-client.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
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

/* GET /media?limit=1&offset=0, through the list parser: proves the key is
 * accepted, has Read, and that an Authenta API answers at the base URL. */
static gboolean
probe_read (AuthentaClient *self, GCancellable *cancellable, GError **error)
{
  AuthentaHttpPolicy policy = probe_policy (self);
  g_autoptr (GPtrArray) page = NULL;
  GError *local_error = NULL;
  gint64 total = -1;

  page = authenta_client_list_page (self, &policy, 1, 0, &total, NULL,
                                    cancellable, &local_error);
  if (page != NULL)
    {
      g_debug ("access check: the key can list records");
      return TRUE;
    }

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
  g_propagate_error (error, local_error);
  return FALSE;
}

/* A 2xx to the Write probe: the service made a record of an empty body,
 * which it should never do.  Delete it, once, if its mid can be read. */
static void
delete_unexpected_record (AuthentaClient *self, GBytes *body)
{
  AuthentaHttpPolicy policy = probe_policy (self);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  const char *data = NULL;
  g_autofree char *mid = NULL;
  gsize length = 0;

  if (body)
    data = g_bytes_get_data (body, &length);
  root = authenta_json_parse (data, length, NULL);
  if (root && JSON_NODE_HOLDS_OBJECT (root))
    authenta_json_get_string (json_node_get_object (root), "mid", &mid, NULL);
  if (!authenta_mid_is_valid (mid))
    {
      g_message ("access check: POST /media with an empty body was "
                 "accepted, and the answer names no valid mid to delete");
      return;
    }
  url = g_strconcat (self->base_url, "/media/", mid, NULL);
  if (authenta_client_api_call (self, &policy, "DELETE", url, NULL, mid,
                                &response, NULL, &error))
    g_message ("access check: POST /media with an empty body made record "
               "%s; deleted it",
               mid);
  else if (g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND))
    g_message ("access check: POST /media with an empty body answered as if "
               "it made record %s, which does not exist",
               mid);
  else
    g_message ("access check: POST /media with an empty body made record "
               "%s, which could not be deleted: %s",
               mid, error->message);
}

/* POST /media with `{}` (no name, no size): a body the service must refuse
 * as invalid (400) and can never turn into a record. */
static gboolean
probe_write (AuthentaClient *self, GCancellable *cancellable, GError **error)
{
  AuthentaHttpPolicy policy = probe_policy (self);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = g_strconcat (self->base_url, "/media", NULL);
  GError *local_error = NULL;

  if (authenta_client_api_call (self, &policy, "POST", url, "{}", NULL,
                                &response, cancellable, &local_error))
    {
      delete_unexpected_record (self, response.body);
      return TRUE;
    }
  if (g_error_matches (local_error, AUTHENTA_ERROR, AUTHENTA_ERROR_BAD_REQUEST)
      && authenta_error_get_http_status (local_error) == 400)
    {
      g_debug ("access check: the empty create was refused as invalid (400): "
               "the key was accepted for it");
      g_error_free (local_error);
      return TRUE;
    }
  if (g_error_matches (local_error, AUTHENTA_ERROR, AUTHENTA_ERROR_FORBIDDEN))
    explain_forbidden (local_error, "Write");
  g_propagate_error (error, local_error);
  return FALSE;
}

/* DELETE /media/000000000000000000000000: 404 (no such record) or 2xx. */
static gboolean
probe_delete (AuthentaClient *self, GCancellable *cancellable, GError **error)
{
  AuthentaHttpPolicy policy = probe_policy (self);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url
      = g_strconcat (self->base_url, "/media/", PROBE_MID, NULL);
  GError *local_error = NULL;

  if (authenta_client_api_call (self, &policy, "DELETE", url, NULL, PROBE_MID,
                                &response, cancellable, &local_error))
    return TRUE;
  if (g_error_matches (local_error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND))
    {
      g_debug ("access check: deleting a record that cannot exist gave 404: "
               "the key was accepted for it");
      g_error_free (local_error);
      return TRUE;
    }
  if (g_error_matches (local_error, AUTHENTA_ERROR, AUTHENTA_ERROR_FORBIDDEN))
    explain_forbidden (local_error, "Delete");
  g_propagate_error (error, local_error);
  return FALSE;
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
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail ((needed & ~ALL_PERMISSIONS) == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!probe_read (self, cancellable, error))
    return FALSE;
  if ((needed & AUTHENTA_PERMISSION_WRITE)
      && !probe_write (self, cancellable, error))
    return FALSE;
  if ((needed & AUTHENTA_PERMISSION_DELETE)
      && !probe_delete (self, cancellable, error))
    return FALSE;
  return TRUE;
}
