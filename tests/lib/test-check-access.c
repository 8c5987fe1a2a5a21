/* authenta_client_check_access(): every case as one table and one runner,
 * against the emulator with keys of different permissions.  Each row says
 * what the caller must see and how many requests each route received:
 * one per probe, never a retry, although the client's own policy would
 * retry a 503 four times.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include "test-emulator.h"

#include <string.h>

#define KEY_ALL "api_check_all"
#define KEY_R "api_check_read_only"
#define KEY_RW "api_check_no_delete"
#define KEY_WD "api_check_no_read"
#define KEY_NONE "api_check_nothing"
#define KEY_WRONG "api_check_unknown_key"

#define OK -1         /* the call succeeds */
#define CANCELLED -2  /* G_IO_ERROR_CANCELLED */
#define ANY G_MAXUINT /* requests not counted (none reach the API) */

#define R AUTHENTA_PERMISSION_READ
#define W AUTHENTA_PERMISSION_WRITE
#define D AUTHENTA_PERMISSION_DELETE

static TestEmulator *emu;

typedef enum
{
  URL_API,        /* the emulator's …/api */
  URL_ROOT,       /* the emulator's root: its web site's HTML 404 */
  URL_WRONG_PATH, /* …/api/v2: the API's JSON 404 for an unknown route */
  URL_CLOSED,     /* a loopback port nothing listens on */
} Url;

typedef struct
{
  const char *name;
  const char *key;
  Url url;
  AuthentaPermissions needed;
  const char *fault_route; /* a fault queued before the call, or NULL */
  const char *fault;       /* its members after route */
  int expected;            /* an AuthentaError, OK or CANCELLED */
  const char *text;        /* the message must contain it, or NULL */
  guint list, create, del; /* requests each route received */
} Row;

static const Row table[] = {
  { "all-permissions", KEY_ALL, URL_API, R | W | D, NULL, NULL, OK, NULL, 1, 1,
    1 },
  { "read-only-needed", KEY_ALL, URL_API, R, NULL, NULL, OK, NULL, 1, 0, 0 },
  /* Read is checked even when not asked for. */
  { "none-needed-still-lists", KEY_ALL, URL_API, 0, NULL, NULL, OK, NULL, 1, 0,
    0 },
  { "wrong-key", KEY_WRONG, URL_API, R | W | D, NULL, NULL,
    AUTHENTA_ERROR_INVALID_API_KEY, NULL, 1, 0, 0 },
  { "read-only-key-needing-write", KEY_R, URL_API, R | W, NULL, NULL,
    AUTHENTA_ERROR_FORBIDDEN, "lacks the Write permission", 1, 1, 0 },
  { "key-without-read", KEY_WD, URL_API, W, NULL, NULL,
    AUTHENTA_ERROR_FORBIDDEN, "lacks the Read permission", 1, 0, 0 },
  { "key-without-any-permission", KEY_NONE, URL_API, 0, NULL, NULL,
    AUTHENTA_ERROR_FORBIDDEN, "lacks the Read permission", 1, 0, 0 },
  { "key-without-delete-needing-delete", KEY_RW, URL_API, R | W | D, NULL, NULL,
    AUTHENTA_ERROR_FORBIDDEN, "lacks the Delete permission", 1, 1, 1 },
  { "key-without-delete-not-needing-it", KEY_RW, URL_API, R | W, NULL, NULL, OK,
    NULL, 1, 1, 0 },
  { "base-url-at-root", KEY_ALL, URL_ROOT, R | W | D, NULL, NULL,
    AUTHENTA_ERROR_NO_SERVICE, "check the base URL", 0, 0, 0 },
  { "base-url-wrong-path", KEY_ALL, URL_WRONG_PATH, R | W | D, NULL, NULL,
    AUTHENTA_ERROR_NO_SERVICE, "check the base URL", 0, 0, 0 },
  /* A web page answering 200 where the list should be. */
  { "list-answers-html", KEY_ALL, URL_API, R | W | D, "list",
    "\"action\":\"body\",\"status\":200,\"content_type\":\"text/html\","
    "\"body\":\"<html><body>Welcome</body></html>\"",
    AUTHENTA_ERROR_PROTOCOL, "base URL", 1, 0, 0 },
  { "nothing-listening", KEY_ALL, URL_CLOSED, R | W | D, NULL, NULL,
    AUTHENTA_ERROR_NETWORK, NULL, ANY, ANY, ANY },
  { "list-503-not-retried", KEY_ALL, URL_API, R | W | D, "list",
    "\"action\":\"status\",\"status\":503", AUTHENTA_ERROR_SERVER, NULL, 1, 0,
    0 },
  { "create-503-not-retried", KEY_ALL, URL_API, R | W | D, "create",
    "\"action\":\"status\",\"status\":503", AUTHENTA_ERROR_SERVER, NULL, 1, 1,
    0 },
  { "delete-503-not-retried", KEY_ALL, URL_API, R | W | D, "delete",
    "\"action\":\"status\",\"status\":503", AUTHENTA_ERROR_SERVER, NULL, 1, 1,
    1 },
  /* Were a record ever made of the empty create, it is deleted. */
  { "create-2xx-deletes-the-record", KEY_ALL, URL_API, R | W, "create",
    "\"action\":\"body\",\"status\":201,"
    "\"body\":\"{\\\"mid\\\":\\\"0123456789abcdef01234567\\\"}\"",
    OK, NULL, 1, 1, 1 },
  { "cancelled", KEY_ALL, URL_API, R | W | D, NULL, NULL, CANCELLED, NULL, 0, 0,
    0 },
};

/* A loopback port that was free a moment ago and is now closed. */
static char *
closed_port_url (void)
{
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return g_strdup_printf ("http://127.0.0.1:%u/api", port);
}

static char *
row_base_url (const Row *row)
{
  switch (row->url)
    {
    case URL_API:
      return g_strdup (test_emulator_get_base_url (emu));
    case URL_ROOT:
      return g_strdup (test_emulator_get_root_url (emu));
    case URL_WRONG_PATH:
      return g_strconcat (test_emulator_get_base_url (emu), "/v2", NULL);
    case URL_CLOSED:
      return closed_port_url ();
    }
  g_assert_not_reached ();
}

static void
assert_count (const Row *row, const char *route, guint expected)
{
  guint seen;

  if (expected == ANY)
    return;
  seen = test_emulator_get_count (emu, route);
  if (seen != expected)
    g_error ("%s: %u requests to %s, expected %u", row->name, seen, route,
             expected);
}

static void
run_row (gconstpointer data)
{
  const Row *row = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) admin_error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaClient) admin = NULL;
  g_autoptr (GCancellable) cancellable = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *base_url = row_base_url (row);
  guint total = G_MAXUINT;
  gint64 start, elapsed_ms;
  gboolean ok;

  test_emulator_reset (emu);
  client = authenta_client_new (base_url, row->key, &error);
  g_assert_no_error (error);
  /* A policy that would retry a 503 or a refused connection four times,
   * 5 s in all: the check must not. */
  authenta_client_set_retry_policy (client, 4, 1000, 2000, 0.0);
  authenta_client_set_timeouts (client, 2000, 2000, 5000);
  if (row->fault_route)
    {
      g_autofree char *fault = g_strdup_printf ("{\"route\":\"%s\",%s}",
                                                row->fault_route, row->fault);
      test_emulator_add_fault (emu, fault);
    }
  if (row->expected == CANCELLED)
    {
      cancellable = g_cancellable_new ();
      g_cancellable_cancel (cancellable);
    }

  start = g_get_monotonic_time ();
  ok = authenta_client_check_access (client, row->needed, cancellable, &error);
  elapsed_ms = (g_get_monotonic_time () - start) / 1000;

  g_test_message ("%s: %s after %" G_GINT64_FORMAT " ms", row->name,
                  error ? error->message : "ok", elapsed_ms);
  if (row->expected == OK)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      if (row->expected == CANCELLED)
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      else
        g_assert_error (error, AUTHENTA_ERROR, row->expected);
      if (row->text && strstr (error->message, row->text) == NULL)
        g_error ("%s: “%s” not in the message: %s", row->name, row->text,
                 error->message);
      g_assert_null (strstr (error->message, row->key));
    }
  /* A bound, not a speed target: no retries and no back-off. */
  g_assert_cmpint (elapsed_ms, <, 3000);

  assert_count (row, "list", row->list);
  assert_count (row, "create", row->create);
  assert_count (row, "delete", row->del);
  /* Nothing uploaded, so no credit spent. */
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 0);

  /* No record was made (or one made was deleted). */
  admin = authenta_client_new (test_emulator_get_base_url (emu), KEY_ALL,
                               &admin_error);
  g_assert_no_error (admin_error);
  records
      = authenta_client_list_media (admin, 10, 0, &total, NULL, &admin_error);
  g_assert_no_error (admin_error);
  g_assert_cmpuint (records->len, ==, 0);
  g_assert_cmpuint (total, ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start ("--api-key", KEY_ALL ":rwd", "--api-key",
                             KEY_R ":r", "--api-key", KEY_RW ":rw", "--api-key",
                             KEY_WD ":wd", "--api-key", KEY_NONE ":", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autofree char *path
          = g_strdup_printf ("/client/check-access/%s", table[i].name);
      g_test_add_data_func (path, &table[i], run_row);
    }
  status = g_test_run ();
  test_emulator_stop (emu);
  return status;
}
