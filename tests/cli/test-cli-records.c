/* authenta get, list and delete, against the emulator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#define UNKNOWN_MID "0123456789abcdef01234567"

/* Create n processed records named PREFIX-0.mp4 … and return their mids
 * (in no particular order). */
static GStrv
make_records (guint n, const char *prefix)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (CliResult) r = NULL;
  g_auto (GStrv) lines = NULL;
  GStrv mids = g_new0 (char *, n + 1);

  g_ptr_array_add (argv, g_strdup ("scan"));
  g_ptr_array_add (argv, g_strdup ("--json"));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u.mp4", prefix, i);
      g_ptr_array_add (argv, cli_test_write_media (name, "mp4", 2048));
    }
  g_ptr_array_add (argv, NULL);
  r = cli_runv (NULL, NULL, (const char *const *)argv->pdata);
  g_assert_true (r->status == 0 || r->status == 1);
  lines = cli_result_lines (r);
  g_assert_cmpuint (g_strv_length (lines), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      mids[i] = g_strdup (json_object_get_string_member (
          json_node_get_object (json_parser_get_root (parser)), "mid"));
    }
  return mids;
}

static guint
count_rows (CliResult *r)
{
  g_auto (GStrv) lines = cli_result_lines (r);
  guint rows = 0;

  g_assert_nonnull (lines[0]);
  g_assert_true (g_str_has_prefix (lines[0], "MID "));
  for (guint i = 1; lines[i]; i++)
    if (!g_str_has_prefix (lines[i], "records ")
        && !g_str_has_prefix (lines[i], "no records")
        && !g_str_has_suffix (lines[i], " records")
        && !g_str_has_suffix (lines[i], " record"))
      rows++;
  return rows;
}

static void
test_get_shows_record (void)
{
  g_auto (GStrv) mids = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  mids = make_records (1, "clip");
  r = cli_run (NULL, NULL, "get", mids[0], NULL);
  cli_assert_status (r, 0);
  g_assert_nonnull (strstr (r->out, mids[0]));
  g_assert_nonnull (strstr (r->out, "PROCESSED"));
  g_assert_nonnull (strstr (r->out, "verdict:"));
  g_assert_nonnull (strstr (r->out, "AUTHENTIC"));
  g_assert_nonnull (strstr (r->out, "clip-0.mp4"));
  /* Pre-signed links only with --json. */
  g_assert_null (strstr (r->out, "http"));
  g_assert_cmpstr (r->err, ==, "");
}

static void
test_get_fake_exits_1 (void)
{
  g_auto (GStrv) mids = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  mids = make_records (1, "fake");
  r = cli_run (CLI_TEST_KEY_READ_ONLY, NULL, "get", mids[0], NULL);
  cli_assert_status (r, 1);
  g_assert_nonnull (strstr (r->out, "FAKE"));
}

static void
test_get_failed_exits_7 (void)
{
  g_autoptr (CliResult) upload = NULL;
  g_autofree char *clip = NULL;
  g_autofree char *mid = NULL;
  gint64 deadline;

  cli_test_reset ();
  clip = cli_test_write_media ("fail.mp4", "mp4", 2048);
  upload = cli_run (NULL, NULL, "scan", "--no-wait", clip, NULL);
  cli_assert_status (upload, 0);
  mid = g_strstrip (g_strdup (upload->out));
  /* Processing takes a tenth of a second: wait (bounded) for its end. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr (CliResult) r = cli_run (NULL, NULL, "get", mid, NULL);

      if (r->status == 7)
        {
          g_assert_nonnull (strstr (r->out, "FAILED"));
          break;
        }
      cli_assert_status (r, 0);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
test_get_unknown_exits_8 (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run (NULL, NULL, "get", UNKNOWN_MID, NULL);
  cli_assert_status (r, 8);
  g_assert_nonnull (strstr (r->err, UNKNOWN_MID));
  g_assert_nonnull (strstr (r->err, "authenta list"));
  g_assert_cmpstr (r->out, ==, "");
}

/* The hint of a get fits get: an id to check, never --model-type or
 * --content-type, which get does not have. */
static void
test_get_hints_fit_the_command (void)
{
  cli_test_reset ();
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "get", UNKNOWN_MID, NULL);
    cli_assert_status (r, 8);
    g_assert_nonnull (strstr (r->err, "check the id with 'authenta list'"));
    g_assert_null (strstr (r->err, "--model-type"));
    g_assert_null (strstr (r->err, "--content-type"));
  }
  {
    /* The emulator refuses an id that is not 24 hex digits with 400. */
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "get", "0123", NULL);
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "authenta list"));
    g_assert_null (strstr (r->err, "--model-type"));
    g_assert_null (strstr (r->err, "--content-type"));
  }
  {
    g_autoptr (CliResult) r
        = cli_run (CLI_TEST_KEY_READ_ONLY, NULL, "delete", UNKNOWN_MID, NULL);
    cli_assert_status (r, 4);
    g_assert_nonnull (strstr (r->err, "delete permission"));
  }
}

/* A base URL without its /api: a 404 on the listing is no missing record
 * but a missing API. */
static void
test_list_without_api_exits_5 (void)
{
  g_auto (GStrv) env = cli_test_environ (NULL);
  const char *root = test_emulator_get_root_url (cli_test_emulator ());
  g_autofree char *expected = g_strdup_printf ("Authenta API at %s", root);

  cli_test_reset ();
  env = g_environ_setenv (env, "AUTHENTA_BASE_URL", root, TRUE);
  {
    g_autoptr (CliResult) r
        = cli_runv (env, NULL, (const char *const[]){ "list", NULL });
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, expected));
    g_assert_nonnull (strstr (r->err, "AUTHENTA_BASE_URL"));
    g_assert_nonnull (strstr (r->err, "/api"));
    g_assert_null (strstr (r->err, "authenta list"));
    g_assert_cmpstr (r->out, ==, "");
  }
  {
    g_autoptr (CliResult) r
        = cli_runv (env, NULL, (const char *const[]){ "list", "--all", NULL });
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, expected));
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "--base-url", root, "list", "--json", NULL);
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "check --base-url"));
  }
}

static void
test_list_table (void)
{
  g_auto (GStrv) mids = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  mids = make_records (3, "rec");
  r = cli_run (CLI_TEST_KEY_READ_ONLY, NULL, "list", NULL);
  cli_assert_status (r, 0);
  g_assert_cmpuint (count_rows (r), ==, 3);
  for (guint i = 0; mids[i]; i++)
    g_assert_nonnull (strstr (r->out, mids[i]));
  g_assert_nonnull (strstr (r->out, "rec-1.mp4"));
  g_assert_nonnull (strstr (r->out, "records 1 to 3 of 3"));
}

static void
test_list_limit_offset (void)
{
  g_auto (GStrv) mids = NULL;

  cli_test_reset ();
  mids = make_records (5, "page");
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "list", "--limit", "2", NULL);
    cli_assert_status (r, 0);
    g_assert_cmpuint (count_rows (r), ==, 2);
    g_assert_nonnull (strstr (r->out, "records 1 to 2 of 5"));
    g_assert_nonnull (strstr (r->out, "--offset 2"));
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "list", "--limit", "2", "--offset", "4", NULL);
    cli_assert_status (r, 0);
    g_assert_cmpuint (count_rows (r), ==, 1);
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "list", "--json", "--limit", "3", NULL);
    g_auto (GStrv) lines = NULL;

    cli_assert_status (r, 0);
    lines = cli_result_lines (r);
    g_assert_cmpuint (g_strv_length (lines), ==, 3);
  }
}

static void
test_list_all_walks_every_page (void)
{
  g_auto (GStrv) mids = NULL;
  g_autoptr (CliResult) r = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) seen
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  cli_test_reset ();
  mids = make_records (5, "all");
  r = cli_run (NULL, NULL, "list", "--all", "--json", "--limit", "2", NULL);
  cli_assert_status (r, 0);
  lines = cli_result_lines (r);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonObject *record;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      record = json_node_get_object (json_parser_get_root (parser));
      g_hash_table_add (
          seen, g_strdup (json_object_get_string_member (record, "mid")));
    }
  for (guint i = 0; mids[i]; i++)
    g_assert_true (g_hash_table_contains (seen, mids[i]));
  /* Pages of two: at least three requests. */
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "list"), >=,
                    3);
  {
    g_autoptr (CliResult) table = cli_run (NULL, NULL, "list", "--all", NULL);
    cli_assert_status (table, 0);
    g_assert_cmpuint (count_rows (table), ==, 5);
    g_assert_nonnull (strstr (table->out, "5 records"));
  }
}

/* A name is the caller's text, echoed by the service: it must not reach the
 * terminal as escape sequences. */
static void
test_list_sanitizes_names (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) scan = NULL;
  g_autoptr (CliResult) list = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 2048);
  scan = cli_run (NULL, NULL, "scan", "--no-wait", "--name",
                  "evil\033[2J\033]0;title\007name", clip, NULL);
  cli_assert_status (scan, 0);
  list = cli_run (NULL, NULL, "list", NULL);
  cli_assert_status (list, 0);
  g_assert_null (strchr (list->out, '\033'));
  g_assert_null (strchr (list->out, '\007'));
  g_assert_nonnull (strstr (list->out, "evil?[2J?]0;title?name"));
}

/* A listing that could not be written is not a success. */
static void
test_list_to_full_disk_exits_3 (void)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = cli_test_environ (NULL);
  g_auto (GStrv) mids = NULL;
  const char *cli = g_getenv ("AUTHENTA_CLI");
  const char *argv[] = { cli && *cli ? cli : AUTHENTA_CLI_PATH, "list", NULL };

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full");
      return;
    }
  cli_test_reset ();
  mids = make_records (1, "full");
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/full");
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 3);
}

/* No records: only a message, no table header. */
static void
test_list_empty (void)
{
  g_auto (GStrv) mids = NULL;

  cli_test_reset ();
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "list", NULL);
    cli_assert_status (r, 0);
    g_assert_cmpstr (r->out, ==, "no records\n");
  }
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "list", "--all", NULL);
    cli_assert_status (r, 0);
    g_assert_cmpstr (r->out, ==, "no records\n");
  }
  mids = make_records (2, "few");
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "list", "--offset", "1000", NULL);
    cli_assert_status (r, 0);
    g_assert_true (g_str_has_prefix (r->out, "no records from 1000 ("));
    g_assert_null (strstr (r->out, "MID"));
    g_assert_null (strchr (r->out, '\n') + 1 < r->out + strlen (r->out)
                       ? "more than one line"
                       : NULL);
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "list", "--json", "--offset", "1000", NULL);
    cli_assert_status (r, 0);
    g_assert_cmpstr (r->out, ==, "");
  }
}

static void
test_delete_removes_record (void)
{
  g_auto (GStrv) mids = NULL;

  cli_test_reset ();
  mids = make_records (2, "del");
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "delete", mids[0], NULL);
    g_autofree char *expected = g_strdup_printf ("deleted %s\n", mids[0]);

    cli_assert_status (r, 0);
    g_assert_cmpstr (r->out, ==, expected);
  }
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "get", mids[0], NULL);
    cli_assert_status (r, 8);
  }
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "delete", mids[0], NULL);
    cli_assert_status (r, 8);
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "--json", "delete", mids[1], NULL);
    g_autoptr (JsonParser) parser = json_parser_new ();
    g_autoptr (GError) error = NULL;

    cli_assert_status (r, 0);
    json_parser_load_from_data (parser, r->out, -1, &error);
    g_assert_no_error (error);
  }
}

static void
test_delete_without_permission_exits_4 (void)
{
  g_auto (GStrv) mids = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  mids = make_records (1, "keep");
  r = cli_run (CLI_TEST_KEY_READ_ONLY, NULL, "delete", mids[0], NULL);
  cli_assert_status (r, 4);
  g_assert_nonnull (strstr (r->err, "FORBIDDEN"));
  g_assert_nonnull (strstr (r->err, "permission"));
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/get/shows-record", test_get_shows_record);
  g_test_add_func ("/cli/get/fake-record-exits-1", test_get_fake_exits_1);
  g_test_add_func ("/cli/get/failed-record-exits-7", test_get_failed_exits_7);
  g_test_add_func ("/cli/get/unknown-mid-exits-8", test_get_unknown_exits_8);
  g_test_add_func ("/cli/get/hints-fit-the-command",
                   test_get_hints_fit_the_command);
  g_test_add_func ("/cli/list/base-url-without-api-exits-5",
                   test_list_without_api_exits_5);
  g_test_add_func ("/cli/list/table", test_list_table);
  g_test_add_func ("/cli/list/limit-and-offset", test_list_limit_offset);
  g_test_add_func ("/cli/list/all-walks-every-page",
                   test_list_all_walks_every_page);
  g_test_add_func ("/cli/list/sanitizes-names", test_list_sanitizes_names);
  g_test_add_func ("/cli/list/empty-prints-only-a-message", test_list_empty);
  g_test_add_func ("/cli/list/unwritable-output-exits-3",
                   test_list_to_full_disk_exits_3);
  g_test_add_func ("/cli/delete/removes-record", test_delete_removes_record);
  g_test_add_func ("/cli/delete/without-permission-exits-4",
                   test_delete_without_permission_exits_4);
  return cli_test_finish (g_test_run ());
}
