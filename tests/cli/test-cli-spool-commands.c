/* authenta spool list, forget and the journal's own failures: each a clear
 * message and its exit status (docs/cli.md, "authenta spool").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>

static char *
journal_dir (void)
{
  return g_build_filename (cli_test_files_dir (), "journal", NULL);
}

/* n entries left at "recorded" by a scan against a closed port (exit 9). */
static void
spool_offline (const char *dir, guint n)
{
  g_auto (GStrv) env = cli_test_environ (NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (CliResult) r = NULL;

  env = g_environ_setenv (env, "AUTHENTA_BASE_URL", "http://127.0.0.1:1/api",
                          TRUE);
  g_ptr_array_add (argv, g_strdup ("scan"));
  g_ptr_array_add (argv, g_strdup ("--retries=0"));
  g_ptr_array_add (argv, g_strdup ("--jobs=1")); /* ids in argument order */
  g_ptr_array_add (argv, g_strdup_printf ("--spool-dir=%s", dir));
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("clip-%u.mp4", i);
      g_ptr_array_add (argv, cli_test_write_media (name, "mp4", 2000));
    }
  g_ptr_array_add (argv, NULL);
  r = cli_runv (env, NULL, (const char *const *)argv->pdata);
  cli_assert_status (r, 9);
  g_assert_nonnull (strstr (r->err, "spooled as entry 1: "));
  g_assert_nonnull (strstr (r->err, "'authenta spool run' will finish it"));
}

static void
test_list_and_forget (void)
{
  g_autofree char *dir = journal_dir ();
  g_autofree char *opt = NULL;
  g_autoptr (CliResult) list = NULL;
  g_autoptr (CliResult) json = NULL;
  g_autoptr (CliResult) forget = NULL;
  g_autoptr (CliResult) again = NULL;
  g_autoptr (CliResult) run = NULL;
  g_autoptr (CliResult) all = NULL;
  g_auto (GStrv) lines = NULL;

  cli_test_reset ();
  spool_offline (dir, 3);
  opt = g_strdup_printf ("--spool-dir=%s", dir);

  list = cli_run (NULL, NULL, "spool", "list", opt, NULL);
  cli_assert_status (list, 0);
  lines = cli_result_lines (list);
  g_assert_cmpuint (g_strv_length (lines), ==, 4); /* header + 3 */
  g_assert_true (g_str_has_prefix (lines[1], "1 "));
  g_assert_nonnull (strstr (lines[1], "recorded"));
  g_assert_nonnull (strstr (lines[1], "clip-0.mp4"));
  g_assert_nonnull (strstr (lines[1], "[network"));
  g_assert_null (strstr (list->out, CLI_TEST_KEY));

  json = cli_run (NULL, NULL, "spool", "list", "--json", opt, NULL);
  cli_assert_status (json, 0);
  {
    g_auto (GStrv) jl = cli_result_lines (json);
    g_autoptr (JsonNode) node = NULL;
    JsonObject *o;

    g_assert_cmpuint (g_strv_length (jl), ==, 3);
    node = json_from_string (jl[2], NULL);
    g_assert_nonnull (node);
    o = json_node_get_object (node);
    g_assert_cmpint (json_object_get_int_member (o, "id"), ==, 3);
    g_assert_cmpstr (json_object_get_string_member (o, "stage"), ==,
                     "recorded");
    g_assert_cmpint (json_object_get_int_member (o, "attempts"), ==, 1);
    g_assert_false (json_object_get_boolean_member (o, "deleteAfterVerdict"));
    g_assert_cmpstr (
        json_object_get_string_member (
            json_object_get_object_member (o, "lastError"), "code"),
        ==, "network");
  }

  forget = cli_run (NULL, NULL, "spool", "forget", opt, "2", NULL);
  cli_assert_status (forget, 0);
  again = cli_run (NULL, NULL, "spool", "forget", opt, "2", NULL);
  cli_assert_status (again, 8);
  g_assert_nonnull (strstr (again->err, "no entry 2"));

  /* The two left are finished; done entries show with --all only. */
  run = cli_run (NULL, NULL, "spool", "run", opt, NULL);
  cli_assert_status (run, 0);
  g_assert_nonnull (strstr (run->out, "clip-0.mp4: AUTHENTIC"));
  g_assert_nonnull (strstr (run->out, "clip-2.mp4: AUTHENTIC"));
  g_assert_null (strstr (run->out, "clip-1.mp4"));
  g_clear_pointer (&list, cli_result_free);
  list = cli_run (NULL, NULL, "spool", "list", opt, NULL);
  cli_assert_status (list, 0);
  g_assert_cmpstr (list->out, ==, "");
  all = cli_run (NULL, NULL, "spool", "list", "--all", opt, NULL);
  cli_assert_status (all, 0);
  g_assert_nonnull (strstr (all->out, " done "));
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, 2);
}

static gboolean
create_seen (gpointer data)
{
  return test_emulator_get_count (cli_test_emulator (), "create") >= 1;
}

static void
test_forget_held_refused (void)
{
  g_autofree char *dir = journal_dir ();
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autofree char *file = NULL;
  const char *argv[] = { "scan", opt, NULL, NULL };
  g_autoptr (GSubprocess) scan = NULL;
  g_autoptr (CliResult) forget = NULL;
  g_autoptr (CliResult) list = NULL;

  cli_test_reset ();
  argv[2] = file = cli_test_write_media ("held.mp4", "mp4", 2000);
  test_emulator_add_fault (
      cli_test_emulator (),
      "{\"route\":\"create\",\"action\":\"delay\",\"delay_ms\":20000}");
  scan = cli_spawn (NULL, NULL, NULL, argv);
  g_assert_true (cli_wait_until (create_seen, NULL, 10000));
  forget = cli_run (NULL, NULL, "spool", "forget", opt, "1", NULL);
  cli_assert_status (forget, 3);
  g_assert_nonnull (
      strstr (forget->err, "entry 1 is being scanned by process"));
  list = cli_run (NULL, NULL, "spool", "list", opt, NULL);
  g_assert_nonnull (strstr (list->out, "held.mp4"));
  g_subprocess_force_exit (scan);
  g_assert_cmpint (cli_wait (scan, 10000), ==, 128 + SIGKILL);
  /* Its owner dead, the entry may go. */
  g_clear_pointer (&forget, cli_result_free);
  forget = cli_run (NULL, NULL, "spool", "forget", opt, "1", NULL);
  cli_assert_status (forget, 0);
}

static void
test_missing_dir (void)
{
  g_auto (GStrv) env = cli_test_environ (NULL);
  const char *list[] = { "spool", "list", NULL };
  const char *run[] = { "spool", "run", NULL };
  const char *forget[] = { "spool", "forget", "1", NULL };
  const char *prune[] = { "spool", "prune", NULL };
  const char *const *cases[] = { list, run, forget, prune };
  g_autofree char *nowhere
      = g_build_filename (cli_test_files_dir (), "nowhere", NULL);
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", nowhere);
  g_autoptr (CliResult) absent = NULL;

  cli_test_reset ();
  env = g_environ_unsetenv (env, "AUTHENTA_SPOOL_DIR");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CliResult) r = cli_runv (env, NULL, cases[i]);

      cli_assert_status (r, 2);
      g_assert_nonnull (strstr (r->err, "give --spool-dir DIR or set "
                                        "AUTHENTA_SPOOL_DIR"));
    }
  /* A folder with no journal is not made by list. */
  absent = cli_run (NULL, NULL, "spool", "list", opt, NULL);
  cli_assert_status (absent, 3);
  g_assert_nonnull (strstr (absent->err, "no journal in"));
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
}

static void
test_corrupt_journal (void)
{
  g_autofree char *dir = journal_dir ();
  g_autofree char *db = g_build_filename (dir, "authenta-journal.sqlite", NULL);
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autofree char *file = NULL;
  g_autofree char *garbage = g_strnfill (8192, 'x');
  const char *commands[][4] = { { "spool", "list", NULL },
                                { "spool", "run", NULL },
                                { "scan", NULL, NULL } };

  cli_test_reset ();
  commands[2][1] = file = cli_test_write_media ("c.mp4", "mp4", 2000);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (db, garbage, -1, NULL));
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *argv[]
          = { commands[i][0], commands[i][1], commands[i][2], opt, NULL };
      g_autoptr (CliResult) r = NULL;
      g_autofree char *after = NULL;

      if (!argv[2])
        argv[2] = opt, argv[3] = NULL;
      r = cli_runv (NULL, NULL, argv);
      cli_assert_status (r, 3);
      g_assert_nonnull (strstr (r->err, db));
      g_assert_nonnull (strstr (r->err, "not a journal"));
      g_assert_true (g_file_get_contents (db, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, garbage);
    }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_newer_schema (void)
{
  g_autofree char *dir = journal_dir ();
  g_autofree char *db = g_build_filename (dir, "authenta-journal.sqlite", NULL);
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autoptr (CliResult) r = NULL;
  sqlite3 *handle;

  cli_test_reset ();
  spool_offline (dir, 1);
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_exec (handle, "PRAGMA user_version = 99", NULL, NULL, NULL), ==,
      SQLITE_OK);
  sqlite3_close (handle);
  r = cli_run (NULL, NULL, "spool", "run", opt, NULL);
  cli_assert_status (r, 3);
  g_assert_nonnull (strstr (r->err, db));
  g_assert_nonnull (strstr (r->err, "newer"));
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static guint
count_stdin_copies (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)))
    if (g_str_has_prefix (name, "authenta-stdin-"))
      n++;
  return n;
}

/* Standard input is copied into the spool folder, not $TMPDIR, and that
 * copy is deleted once its verdict is journaled. */
static void
test_stdin_copy_in_spool_dir (void)
{
  g_autofree char *dir = journal_dir ();
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autoptr (GBytes) input = cli_test_media_bytes ("mp4", 3000);
  g_auto (GStrv) offline = cli_test_environ (NULL);
  const char *argv[] = { "scan", "--retries=0", opt, "-", NULL };
  g_autoptr (CliResult) spooled = NULL;
  g_autoptr (CliResult) run = NULL;

  cli_test_reset ();
  offline = g_environ_setenv (offline, "AUTHENTA_BASE_URL",
                              "http://127.0.0.1:1/api", TRUE);
  spooled = cli_runv (offline, input, argv);
  cli_assert_status (spooled, 9);
  g_assert_nonnull (strstr (spooled->err, "stdin: spooled as entry 1"));
  g_assert_cmpuint (count_stdin_copies (dir), ==, 1);
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
  run = cli_run (NULL, NULL, "spool", "run", opt, NULL);
  cli_assert_status (run, 0);
  g_assert_nonnull (strstr (run->out, ": AUTHENTIC"));
  g_assert_cmpuint (count_stdin_copies (dir), ==, 0);
}

/* Moves every entry's last change @days into the past. */
static void
age_entries (const char *dir, const char *ids, int days)
{
  g_autofree char *db = g_build_filename (dir, "authenta-journal.sqlite", NULL);
  g_autofree char *sql = g_strdup_printf (
      "UPDATE entries SET updated = updated - %d WHERE id IN (%s)",
      days * 24 * 3600, ids);
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

/* The ids `spool list --all` shows, as "1 3 4". */
static char *
listed_ids (const char *opt)
{
  g_autoptr (CliResult) all
      = cli_run (NULL, NULL, "spool", "list", "--all", "--json", opt, NULL);
  g_auto (GStrv) lines = NULL;
  GString *ids = g_string_new (NULL);

  cli_assert_status (all, 0);
  lines = cli_result_lines (all);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr (JsonNode) node = json_from_string (lines[i], NULL);

      g_assert_nonnull (node);
      g_string_append_printf (
          ids, "%s%" G_GINT64_FORMAT, ids->len ? " " : "",
          json_object_get_int_member (json_node_get_object (node), "id"));
    }
  return g_string_free (ids, FALSE);
}

/* Done entries are forgotten once older than the retention (spool run's
 * --retention, after each pass; spool prune's --older-than); entries not
 * done are kept whatever their age. */
static void
test_prune (void)
{
  g_autofree char *dir = journal_dir ();
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autoptr (CliResult) run = NULL;
  g_autoptr (CliResult) idle = NULL;
  g_autoptr (CliResult) prune = NULL;
  g_autoptr (CliResult) bad = NULL;
  char *ids;

  cli_test_reset ();
  spool_offline (dir, 4);
  run = cli_run (NULL, NULL, "spool", "run", opt, "1", "2", "3", NULL);
  cli_assert_status (run, 0);
  /* Done 40, 10 and 0 days ago; entry 4, never scanned, 100 days old. */
  age_entries (dir, "1", 40);
  age_entries (dir, "2", 10);
  age_entries (dir, "4", 100);
  ids = listed_ids (opt);
  g_assert_cmpstr (ids, ==, "1 2 3 4");
  g_free (ids);

  /* A pass with nothing to scan (entry 3 is done) still prunes, unless
   * --retention=0; the default keeps 30 days. */
  idle = cli_run (NULL, NULL, "spool", "run", opt, "3", "--retention=0", NULL);
  cli_assert_status (idle, 0);
  ids = listed_ids (opt);
  g_assert_cmpstr (ids, ==, "1 2 3 4");
  g_free (ids);
  g_clear_pointer (&idle, cli_result_free);
  idle = cli_run (NULL, NULL, "spool", "run", opt, "3", NULL);
  cli_assert_status (idle, 0);
  ids = listed_ids (opt);
  g_assert_cmpstr (ids, ==, "2 3 4");
  g_free (ids);

  prune = cli_run (NULL, NULL, "spool", "prune", "--older-than=5", opt, NULL);
  cli_assert_status (prune, 0);
  g_assert_nonnull (strstr (prune->err, "forgot 1 done entry"));
  ids = listed_ids (opt);
  g_assert_cmpstr (ids, ==, "3 4");
  g_free (ids);

  g_clear_pointer (&prune, cli_result_free);
  prune = cli_run (NULL, NULL, "spool", "prune", "--older-than=0", opt, NULL);
  cli_assert_status (prune, 0);
  g_assert_nonnull (strstr (prune->err, "forgot 1 done entry"));
  ids = listed_ids (opt);
  g_assert_cmpstr (ids, ==, "4");
  g_free (ids);

  bad = cli_run (NULL, NULL, "spool", "prune", "--older-than=-1", opt, NULL);
  cli_assert_status (bad, 2);
  g_assert_nonnull (strstr (bad->err, "number of days"));
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/spool/list-json-forget", test_list_and_forget);
  g_test_add_func ("/cli/spool/forget-refuses-held-entry",
                   test_forget_held_refused);
  g_test_add_func ("/cli/spool/needs-spool-dir", test_missing_dir);
  g_test_add_func ("/cli/spool/corrupt-journal-exit-3", test_corrupt_journal);
  g_test_add_func ("/cli/spool/newer-schema-exit-3", test_newer_schema);
  g_test_add_func ("/cli/spool/stdin-copied-into-spool-dir",
                   test_stdin_copy_in_spool_dir);
  g_test_add_func ("/cli/spool/prune-keeps-retention", test_prune);
  return cli_test_finish (g_test_run ());
}
