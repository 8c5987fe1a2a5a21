/* The fault matrix: every call of a scan (create, PUT, poll) and delete,
 * against each fault the service or the network can produce, as one table
 * and one runner.  Each row says what the caller must see, how many
 * requests reach the route (retries and curl's own resends counted), and
 * how many records are left behind unfinished (orphans).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include "test-emulator.h"

#include <glib/gstdio.h>
#include <string.h>

#define KEY "api_emulator_key"
#define OK -1 /* the call succeeds */

static TestEmulator *emu;
static char *tmpdir;

typedef enum
{
  CALL_SCAN,   /* create, PUT, poll: the whole flow */
  CALL_DELETE, /* delete a record made before the fault */
} Call;

typedef struct
{
  const char *name;
  Call call;
  const char *route;
  const char *fault; /* the fault's members after route and count */
  int expected;      /* an AuthentaError, or OK */
  guint min_requests, max_requests; /* on the route */
  guint orphans;                    /* INITED records left */
} Row;

/* The retry policy below allows 4 attempts; a stall is a 4 s delay
 * against a 1 s stall time-out. */
static const Row matrix[] = {
  { "create/500", CALL_SCAN, "create", "\"action\":\"status\",\"status\":500",
    OK, 2, 2, 0 },
  { "create/503", CALL_SCAN, "create", "\"action\":\"status\",\"status\":503",
    OK, 2, 2, 0 },
  { "create/429-retry-after", CALL_SCAN, "create",
    "\"action\":\"status\",\"status\":429,\"retry_after\":0", OK, 2, 2, 0 },
  /* The record is made and its answer lost: the client finds it among
   * the newest (INITED, same name, type and size), deletes it, and asks
   * again; never two records, none left behind. */
  { "create/drop", CALL_SCAN, "create", "\"action\":\"drop\"", OK, 2, 2, 0 },
  { "create/truncated", CALL_SCAN, "create", "\"action\":\"truncate\"", OK, 2,
    2, 0 },
  { "create/malformed", CALL_SCAN, "create", "\"action\":\"malformed\"", OK, 2,
    2, 0 },
  /* A stall (a 503 after 4 s, past the 1 s stall time-out). */
  { "create/stall", CALL_SCAN, "create",
    "\"action\":\"status\",\"status\":503,\"delay_ms\":4000", OK, 2, 2, 0 },
  { "create/401", CALL_SCAN, "create", "\"action\":\"status\",\"status\":401",
    AUTHENTA_ERROR_INVALID_API_KEY, 1, 1, 0 },
  { "create/402", CALL_SCAN, "create", "\"action\":\"status\",\"status\":402",
    AUTHENTA_ERROR_INSUFFICIENT_BALANCE, 1, 1, 0 },
  { "create/403", CALL_SCAN, "create", "\"action\":\"status\",\"status\":403",
    AUTHENTA_ERROR_FORBIDDEN, 1, 1, 0 },

  { "put/500", CALL_SCAN, "upload", "\"action\":\"status\",\"status\":500", OK,
    2, 2, 0 },
  { "put/503", CALL_SCAN, "upload", "\"action\":\"status\",\"status\":503", OK,
    2, 2, 0 },
  { "put/drop", CALL_SCAN, "upload", "\"action\":\"drop\"", OK, 2, 2, 0 },
  { "put/stall", CALL_SCAN, "upload", "\"action\":\"delay\",\"delay_ms\":4000",
    OK, 2, 2, 0 },
  /* Refused for good: the scan gives the record up and deletes it. */
  { "put/403-access-denied", CALL_SCAN, "upload",
    "\"action\":\"status\",\"status\":403,\"code\":\"AccessDenied\","
    "\"message\":\"Access Denied\"",
    AUTHENTA_ERROR_UPLOAD_REJECTED, 1, 1, 0 },
  /* One fresh record, one more PUT; the expired one is deleted. */
  { "put/expired-url", CALL_SCAN, "upload", "\"action\":\"expire\"", OK, 2, 2,
    0 },

  /* Polls: a failed poll does not end the wait. */
  { "poll/500", CALL_SCAN, "get", "\"action\":\"status\",\"status\":500", OK, 2,
    1000, 0 },
  { "poll/drop", CALL_SCAN, "get", "\"action\":\"drop\"", OK, 2, 1000, 0 },
  { "poll/truncated", CALL_SCAN, "get", "\"action\":\"truncate\"", OK, 2, 1000,
    0 },
  { "poll/malformed", CALL_SCAN, "get", "\"action\":\"malformed\"", OK, 2, 1000,
    0 },
  { "poll/stall", CALL_SCAN, "get", "\"action\":\"delay\",\"delay_ms\":4000",
    OK, 2, 1000, 0 },
  { "poll/401", CALL_SCAN, "get", "\"action\":\"status\",\"status\":401",
    AUTHENTA_ERROR_INVALID_API_KEY, 1, 1, 0 },
  { "poll/404", CALL_SCAN, "get", "\"action\":\"status\",\"status\":404",
    AUTHENTA_ERROR_NOT_FOUND, 1, 1, 0 },

  /* Hostile and broken answers ("body" answers the text and does nothing
   * else).  @DEEP@ is 100,000 opening brackets: json-glib would overflow
   * its stack on them.  An unreadable create answer is treated as lost:
   * looked for, then asked again. */
  { "create/nested-100000-deep", CALL_SCAN, "create",
    "\"action\":\"body\",\"body\":\"@DEEP@\"", OK, 2, 2, 0 },
  { "create/empty-body", CALL_SCAN, "create",
    "\"action\":\"body\",\"body\":\"\"", OK, 2, 2, 0 },
  { "create/html", CALL_SCAN, "create",
    "\"action\":\"body\",\"body\":\"<html>Bad gateway</html>\","
    "\"content_type\":\"text/html\"",
    OK, 2, 2, 0 },
  { "create/injected-content-type", CALL_SCAN, "create",
    "\"action\":\"body\",\"body\":\"{\\\"mid\\\":"
    "\\\"0123456789abcdef01234567\\\","
    "\\\"uploadUrl\\\":\\\"http://127.0.0.1:9/x\\\",\\\"contentType\\\":"
    "\\\"video/mp4\\\\r\\\\nX-Injected: 1\\\"}\"",
    OK, 2, 2, 0 },
  /* A record echoing another size could never take the upload: refused,
   * and deleted (the mid is known). */
  { "create/size-echoed-wrong", CALL_SCAN, "create",
    "\"action\":\"body\",\"body\":\"{\\\"mid\\\":"
    "\\\"0123456789abcdef01234567\\\","
    "\\\"uploadUrl\\\":\\\"http://127.0.0.1:9/x\\\",\\\"size\\\":1}\"",
    AUTHENTA_ERROR_PROTOCOL, 1, 1, 0 },
  { "poll/nested-100000-deep", CALL_SCAN, "get",
    "\"action\":\"body\",\"body\":\"@DEEP@\"", OK, 2, 1000, 0 },
  { "poll/html", CALL_SCAN, "get",
    "\"action\":\"body\",\"body\":\"<html>oops</html>\","
    "\"content_type\":\"text/html\"",
    OK, 2, 1000, 0 },

  { "delete/500", CALL_DELETE, "delete", "\"action\":\"status\",\"status\":500",
    OK, 2, 2, 0 },
  /* Deleted, answer lost: the retry's 404 means it is gone, as asked. */
  { "delete/drop", CALL_DELETE, "delete", "\"action\":\"drop\"", OK, 2, 2, 0 },
  { "delete/404", CALL_DELETE, "delete", "\"action\":\"status\",\"status\":404",
    AUTHENTA_ERROR_NOT_FOUND, 1, 1, 1 },
  { "delete/403", CALL_DELETE, "delete", "\"action\":\"status\",\"status\":403",
    AUTHENTA_ERROR_FORBIDDEN, 1, 1, 1 },
};

static char *
make_file (const char *name)
{
  static const char head[] = "\0\0\0\x18"
                             "ftypmp42\0\0\0\0mp42isom";
  char *path = g_build_filename (tmpdir, name, NULL);
  g_autofree guint8 *data = g_malloc0 (20000);

  memcpy (data, head, sizeof head - 1);
  g_assert_true (g_file_set_contents (path, (char *)data, 20000, NULL));
  return path;
}

/* Records still INITED: made and never given their file. */
static guint
count_orphans (AuthentaClient *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) page = NULL;
  guint n = 0;

  page = authenta_client_list_media (client, 100, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < page->len; i++)
    if (g_strcmp0 (authenta_media_get_status (page->pdata[i]), "INITED") == 0)
      n++;
  return n;
}

static void
run_row (gconstpointer data)
{
  const Row *row = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autofree char *fault = NULL;
  g_autofree char *path = make_file ("matrix.mp4");
  gboolean ok;
  guint requests;

  test_emulator_reset (emu);
  client = authenta_client_new (test_emulator_get_base_url (emu), KEY, &error);
  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, 4, 5, 20, 0.5);
  authenta_client_set_poll_policy (client, 20, 1.5, 100, 20000);
  authenta_client_set_timeouts (client, 2000, 1000, 5000);

  {
    g_autofree char *deep = g_strnfill (100000, '[');
    g_autoptr (GString) members = g_string_new (row->fault);

    g_string_replace (members, "@DEEP@", deep, 0);
    fault = g_strdup_printf ("{\"route\":\"%s\",\"count\":1,%s}", row->route,
                             members->str);
  }
  if (row->call == CALL_SCAN)
    {
      g_autoptr (AuthentaMedia) verdict = NULL;

      test_emulator_add_fault (emu, fault);
      verdict = authenta_client_scan_file (client, path, NULL, NULL, NULL, NULL,
                                           NULL, NULL, &error);
      ok = verdict != NULL;
      if (ok)
        g_assert_true (authenta_media_is_processed (verdict));
    }
  else
    {
      g_autoptr (AuthentaMedia) created = authenta_client_create_media (
          client, "matrix", "video/mp4", 20000, NULL, NULL, &error);

      g_assert_no_error (error);
      test_emulator_add_fault (emu, fault);
      ok = authenta_client_delete_media (
          client, authenta_media_get_mid (created), NULL, &error);
    }

  g_test_message ("%s: %s", row->name, error ? error->message : "ok");
  if (row->expected == OK)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, AUTHENTA_ERROR, row->expected);
      g_assert_null (strstr (error->message, KEY));
    }
  requests = test_emulator_get_count (emu, row->route);
  if (requests < row->min_requests || requests > row->max_requests)
    g_error ("%s: %u requests to %s, expected %u to %u", row->name, requests,
             row->route, row->min_requests, row->max_requests);
  g_assert_cmpuint (count_orphans (client), ==, row->orphans);
  /* The library never touches the caller's file. */
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_unlink (path);
}

/* A record whose upload storage took but the service never saw stays
 * INITED: the wait ends after upload-seen-timeout, not poll-timeout. */
static void
test_upload_never_seen (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;

  test_emulator_reset (emu);
  client = authenta_client_new (test_emulator_get_base_url (emu), KEY, &error);
  g_assert_no_error (error);
  authenta_client_set_poll_policy (client, 20, 1.5, 50, 600000);
  g_object_set (client, "upload-seen-timeout", 300, NULL);
  /* Never uploaded, so INITED for ever, as after a lost upload. */
  created = authenta_client_create_media (client, "lost", "video/mp4", 100,
                                          NULL, NULL, &error);
  g_assert_no_error (error);
  verdict = authenta_client_wait_for_result (
      client, authenta_media_get_mid (created), NULL, NULL, NULL, &error);
  g_assert_null (verdict);
  g_test_message ("%s", error->message);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "never saw the upload"));
  g_assert_cmpstr (authenta_error_get_mid (error), ==,
                   authenta_media_get_mid (created));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("authenta-matrix-XXXXXX", NULL);
  emu = test_emulator_start ("--processing-time", "0.05", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (matrix); i++)
    {
      g_autofree char *path
          = g_strdup_printf ("/fault-matrix/%s", matrix[i].name);
      g_test_add_data_func (path, &matrix[i], run_row);
    }
  g_test_add_func ("/waits/upload-never-seen-ends-the-wait",
                   test_upload_never_seen);
  status = g_test_run ();
  test_emulator_stop (emu);
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return status;
}
