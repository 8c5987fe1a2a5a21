/* authenta spool: the journal of scans that --spool-dir keeps (list, run,
 * forget), and what scan shares with it.  The library makes every decision
 * about an entry (docs/library.md, "The journal"); this file only runs it
 * and reports.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#include <glib-unix.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

/* How often --watch looks for new entries. */
#define WATCH_INTERVAL_MS 1000

const char *
cli_spool_dir_setting (const char *option_value)
{
  const char *env;

  if (option_value && *option_value)
    return option_value;
  env = g_getenv ("AUTHENTA_SPOOL_DIR");
  return env && *env ? env : NULL;
}

/* must_exist: list and forget look at a journal, and never create one
 * (a mistyped folder is then an error, not an empty list). */
AuthentaJournal *
cli_open_journal (const char *command, const char *dir, gboolean must_exist,
                  int *out_exit)
{
  g_autoptr (GError) error = NULL;
  AuthentaJournal *journal;

  if (must_exist)
    {
      g_autofree char *db
          = g_build_filename (dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);

      if (!g_file_test (db, G_FILE_TEST_EXISTS))
        {
          g_autofree char *shown = cli_sanitize (dir);

          g_printerr ("authenta %s: no journal in %s (nothing was ever "
                      "spooled there)\n  check --spool-dir or "
                      "AUTHENTA_SPOOL_DIR\n",
                      command, shown);
          *out_exit = CLI_EXIT_LOCAL_FILE;
          return NULL;
        }
    }
  journal = authenta_journal_open (dir, &error);
  if (!journal)
    {
      g_autofree char *what = g_strdup_printf ("%s: the journal", command);

      cli_report_error (what, error);
      *out_exit = cli_error_exit_code (error);
      return NULL;
    }
  return journal;
}

void
cli_report_spooled (const char *label, gint64 id, const GError *error)
{
  g_autofree char *message = cli_sanitize (error->message);

  g_printerr ("authenta: %s: spooled as entry %" G_GINT64_FORMAT
              ": %s; 'authenta spool run' will finish it\n",
              label, id, message);
}

/* The options of the spool subcommands. */
static char *opt_spool_dir;
static gboolean opt_all;
static gboolean opt_watch;
static gboolean opt_retry_failed;
/* Days a done entry is kept for `spool list --all` before it is pruned. */
#define DEFAULT_RETENTION_DAYS 30
static int opt_retention_days = DEFAULT_RETENTION_DAYS;
static int opt_older_than_days = DEFAULT_RETENTION_DAYS;

static const GOptionEntry dir_entry[]
    = { { "spool-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_spool_dir,
          "The journal's folder (default: $AUTHENTA_SPOOL_DIR)", "DIR" },
        { NULL } };

static const GOptionEntry list_entries[]
    = { { "spool-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_spool_dir,
          "The journal's folder (default: $AUTHENTA_SPOOL_DIR)", "DIR" },
        { "all", 'a', 0, G_OPTION_ARG_NONE, &opt_all,
          "Also the entries that are done (their verdict journaled)", NULL },
        { NULL } };

static const GOptionEntry run_entries[]
    = { { "spool-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_spool_dir,
          "The journal's folder (default: $AUTHENTA_SPOOL_DIR)", "DIR" },
        { "watch", 'w', 0, G_OPTION_ARG_NONE, &opt_watch,
          "Keep going: look for new entries every second, until SIGINT or "
          "SIGTERM (then exit 0)",
          NULL },
        { "retry-failed", 0, 0, G_OPTION_ARG_NONE, &opt_retry_failed,
          "Also try again the entries that failed for a reason retrying "
          "does not change by itself (a refused key, a changed file)",
          NULL },
        { "retention", 0, 0, G_OPTION_ARG_INT, &opt_retention_days,
          "After each pass, forget the done entries older than DAYS "
          "(default 30; 0: keep them)",
          "DAYS" },
        { NULL } };

static const GOptionEntry prune_entries[]
    = { { "spool-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_spool_dir,
          "The journal's folder (default: $AUTHENTA_SPOOL_DIR)", "DIR" },
        { "older-than", 0, 0, G_OPTION_ARG_INT, &opt_older_than_days,
          "Forget the done entries unchanged for DAYS days or more (default "
          "30; 0: every done entry)",
          "DAYS" },
        { NULL } };

static const char *
require_dir (const char *command)
{
  const char *dir = cli_spool_dir_setting (opt_spool_dir);

  if (!dir)
    cli_usage_error (command, "no journal folder: give --spool-dir DIR or set "
                              "AUTHENTA_SPOOL_DIR");
  return dir;
}

/* "12" → 12; anything else is a usage error. */
static gboolean
parse_ids (const char *command, int argc, char **argv, GArray *ids)
{
  for (int i = 1; i < argc; i++)
    {
      guint64 n;

      if (!g_ascii_string_to_unsigned (argv[i], 10, 1, G_MAXINT64, &n, NULL))
        {
          g_autofree char *shown = cli_sanitize (argv[i]);

          cli_usage_error (command,
                           "'%s' is not an entry id: ids are whole numbers "
                           "from 1 (see 'authenta spool list')",
                           shown);
          return FALSE;
        }
      g_array_append_val (ids, (gint64){ (gint64)n });
    }
  return TRUE;
}

static char *
format_time (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (t);

  return dt ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("-");
}

static void
print_entry_json (AuthentaJournalEntry *e)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *verdict = authenta_journal_entry_get_verdict_json (e);

#define ADD_STRING(key, value)                                                 \
  G_STMT_START                                                                 \
  {                                                                            \
    const char *v_ = (value);                                                  \
    json_builder_set_member_name (b, key);                                     \
    if (v_)                                                                    \
      json_builder_add_string_value (b, v_);                                   \
    else                                                                       \
      json_builder_add_null_value (b);                                         \
  }                                                                            \
  G_STMT_END

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_int_value (b, authenta_journal_entry_get_id (e));
  ADD_STRING ("stage", authenta_journal_stage_to_string (
                           authenta_journal_entry_get_stage (e)));
  ADD_STRING ("mid", authenta_journal_entry_get_mid (e));
  ADD_STRING ("path", authenta_journal_entry_get_path (e));
  ADD_STRING ("name", authenta_journal_entry_get_name (e));
  ADD_STRING ("contentType", authenta_journal_entry_get_content_type (e));
  ADD_STRING ("modelType", authenta_journal_entry_get_model_type (e));
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64)authenta_journal_entry_get_size (e));
  ADD_STRING ("sha256", authenta_journal_entry_get_sha256 (e));
  json_builder_set_member_name (b, "attempts");
  json_builder_add_int_value (b, authenta_journal_entry_get_attempts (e));
  json_builder_set_member_name (b, "lastError");
  if (authenta_journal_entry_get_error_code (e)
      || authenta_journal_entry_get_error_message (e))
    {
      json_builder_begin_object (b);
      ADD_STRING ("code", authenta_journal_entry_get_error_code (e));
      json_builder_set_member_name (b, "httpStatus");
      json_builder_add_int_value (b,
                                  authenta_journal_entry_get_http_status (e));
      ADD_STRING ("message", authenta_journal_entry_get_error_message (e));
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "deleteAfterVerdict");
  json_builder_add_boolean_value (
      b, authenta_journal_entry_get_delete_after_verdict (e));
  json_builder_set_member_name (b, "created");
  json_builder_add_int_value (b, authenta_journal_entry_get_created (e));
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, authenta_journal_entry_get_updated (e));
  /* The verdict's word only: the journaled record holds pre-signed links
   * (credentials until they expire), which a listing never shows; 'authenta
   * get MID' prints the record. */
  json_builder_set_member_name (b, "verdict");
  {
    g_autoptr (AuthentaMedia) media
        = verdict ? authenta_media_new_from_json (verdict, -1, NULL) : NULL;

    if (media)
      json_builder_add_string_value (b, cli_verdict_word (media));
    else
      json_builder_add_null_value (b);
  }
  json_builder_end_object (b);
#undef ADD_STRING

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

/* "ID  STAGE  MID  SIZE  ATTEMPTS  UPDATED  PATH  [LAST ERROR]" */
static void
print_entry_line (AuthentaJournalEntry *e)
{
  g_autofree char *path = cli_sanitize (authenta_journal_entry_get_path (e));
  g_autofree char *mid = cli_sanitize (authenta_journal_entry_get_mid (e));
  g_autofree char *updated
      = format_time (authenta_journal_entry_get_updated (e));
  const char *message = authenta_journal_entry_get_error_message (e);
  g_autofree char *error = NULL;

  if (message)
    {
      g_autofree char *shown = cli_sanitize (message);
      const char *code = authenta_journal_entry_get_error_code (e);
      guint status = authenta_journal_entry_get_http_status (e);

      if (status)
        error = g_strdup_printf ("  [%s, HTTP %u: %s]", code ? code : "?",
                                 status, shown);
      else
        error = g_strdup_printf ("  [%s: %s]", code ? code : "?", shown);
    }
  g_print (
      "%-5" G_GINT64_FORMAT " %-10s %-24s %10" G_GUINT64_FORMAT
      " %3u  %s  %s%s\n",
      authenta_journal_entry_get_id (e),
      authenta_journal_stage_to_string (authenta_journal_entry_get_stage (e)),
      mid && *mid ? mid : "-", authenta_journal_entry_get_size (e),
      authenta_journal_entry_get_attempts (e), updated, path,
      error ? error : "");
}

static int
spool_list (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GError) error = NULL;
  const char *dir;
  int status;

  context = cli_subcommand_context (
      "", "List the journal's entries: the scans not finished yet.",
      "One line per entry, oldest first: id, stage, mid, size, attempts, "
      "last change, path, and the last error in brackets.  Failed entries "
      "are always listed (they need a decision); --all adds the done ones.",
      list_entries);
  status = cli_parse_subcommand (context, "spool list", &argc, &argv);
  if (status >= 0)
    return status;
  if (argc > 1)
    {
      cli_usage_error ("spool list", "no arguments expected");
      return CLI_EXIT_USAGE;
    }
  if (!(dir = require_dir ("spool list")))
    return CLI_EXIT_USAGE;
  journal = cli_open_journal ("spool list", dir, TRUE, &status);
  if (!journal)
    return status;
  entries = authenta_journal_list (journal, opt_all, &error);
  if (!entries)
    {
      cli_report_error ("spool list", error);
      return cli_error_exit_code (error);
    }
  if (!cli_global.json && !cli_global.quiet && entries->len > 0)
    g_print ("%-5s %-10s %-24s %10s %3s  %-19s  %s\n", "ID", "STAGE", "MID",
             "SIZE", "TRY", "UPDATED", "PATH");
  for (guint i = 0; i < entries->len; i++)
    {
      AuthentaJournalEntry *e = g_ptr_array_index (entries, i);

      if (cli_global.json)
        print_entry_json (e);
      else
        print_entry_line (e);
    }
  return CLI_EXIT_AUTHENTIC;
}

static int
spool_forget (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  const char *dir;
  int status;
  int result = CLI_EXIT_AUTHENTIC;

  context = cli_subcommand_context (
      "ID…", "Remove entries from the journal (not their files).",
      "An entry a live process is scanning is not removed.", dir_entry);
  status = cli_parse_subcommand (context, "spool forget", &argc, &argv);
  if (status >= 0)
    return status;
  if (argc < 2)
    {
      cli_usage_error ("spool forget", "no entry id given (see 'authenta "
                                       "spool list')");
      return CLI_EXIT_USAGE;
    }
  if (!parse_ids ("spool forget", argc, argv, ids))
    return CLI_EXIT_USAGE;
  if (!(dir = require_dir ("spool forget")))
    return CLI_EXIT_USAGE;
  journal = cli_open_journal ("spool forget", dir, TRUE, &status);
  if (!journal)
    return status;
  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaJournalEntry) e = NULL;
      CliExit exit;

      e = authenta_journal_lookup (journal, id, &error);
      if (e)
        authenta_journal_forget (journal, id, &error);
      if (!error)
        {
          if (!cli_global.quiet)
            g_printerr ("authenta: forgot entry %" G_GINT64_FORMAT "\n", id);
          continue;
        }
      if (!e)
        {
          g_autofree char *message = cli_sanitize (error->message);

          g_printerr ("authenta spool forget: %s\n", message);
          exit = cli_error_exit_code (error);
        }
      else
        {
          g_autofree char *message = cli_sanitize (error->message);

          g_printerr ("authenta spool forget: %s\n  stop that process (or "
                      "let it finish) first\n",
                      message);
          exit = cli_error_exit_code (error);
        }
      if (result == CLI_EXIT_AUTHENTIC)
        result = exit;
    }
  return result;
}

/* Forgets the done entries older than @days: an exit status (reported). */
static CliExit
prune_done (const char *command, AuthentaJournal *journal, int days,
            guint *out_n)
{
  g_autoptr (GError) error = NULL;
  guint n = authenta_journal_prune (journal, (gint64)days * 24 * 3600, &error);

  if (error)
    {
      cli_report_error (command, error);
      return cli_error_exit_code (error);
    }
  g_debug ("pruned %u done entries older than %d days", n, days);
  if (out_n)
    *out_n = n;
  return CLI_EXIT_AUTHENTIC;
}

static int
spool_prune (int argc, char **argv)
{
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (GOptionContext) context = NULL;
  const char *dir;
  guint n = 0;
  int status;

  context = cli_subcommand_context (
      "", "Forget the done entries (their verdicts) older than the retention.",
      "Entries not done, failed ones included, are never pruned; 'spool run' "
      "prunes after each pass as its --retention says.",
      prune_entries);
  status = cli_parse_subcommand (context, "spool prune", &argc, &argv);
  if (status >= 0)
    return status;
  if (argc > 1)
    {
      cli_usage_error ("spool prune", "no arguments expected");
      return CLI_EXIT_USAGE;
    }
  if (opt_older_than_days < 0)
    {
      cli_usage_error ("spool prune", "--older-than takes a number of days "
                                      "from 0");
      return CLI_EXIT_USAGE;
    }
  if (!(dir = require_dir ("spool prune")))
    return CLI_EXIT_USAGE;
  journal = cli_open_journal ("spool prune", dir, TRUE, &status);
  if (!journal)
    return status;
  status = prune_done ("spool prune", journal, opt_older_than_days, &n);
  if (status != CLI_EXIT_AUTHENTIC)
    return status;
  if (!cli_global.quiet)
    g_printerr ("authenta: forgot %u done entr%s\n", n, n == 1 ? "y" : "ies");
  return CLI_EXIT_AUTHENTIC;
}

/* spool run: passes over the journal on the main loop, one entry at a
 * time, each scanned with authenta_client_scan_journaled_async() (the
 * library's worker thread: SQLite blocks); SIGINT and SIGTERM cancel. */
typedef struct
{
  AuthentaClient *client;
  AuthentaJournal *journal;
  GArray *ids; /* empty: every entry */
  GCancellable *cancellable;
  GMainLoop *loop;
  /* The pass under way: the claims it holds, the next id asked for. */
  GArray *held;
  guint next;
  AuthentaJournalEntry *scanning; /* the entry being scanned, or NULL */
  guint watch_timer;              /* --watch: the wait before a pass */
  gboolean any_fake;
  CliExit status; /* the first failure's */
  gboolean interrupted;
} SpoolRun;

static void
note_exit (SpoolRun *run, CliExit exit)
{
  if (exit == CLI_EXIT_FAKE)
    run->any_fake = TRUE;
  else if (exit != CLI_EXIT_AUTHENTIC && run->status == CLI_EXIT_AUTHENTIC)
    run->status = exit;
}

/* Reports one entry's scan: its verdict, or why it failed. */
static void
report_entry (SpoolRun *run, AuthentaJournalEntry *e, AuthentaMedia *media,
              const GError *error)
{
  gint64 id = authenta_journal_entry_get_id (e);
  g_autofree char *label = cli_sanitize (authenta_journal_entry_get_path (e));

  if (media)
    {
      cli_print_scan_result (label, media);
      fflush (stdout);
      note_exit (run, cli_exit_for_record (media));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      run->interrupted = TRUE;
      return;
    }
  if (authenta_error_is_transient (error))
    {
      cli_report_spooled (label, id, error);
      note_exit (run, CLI_EXIT_SPOOLED);
      return;
    }
  {
    const char *mid = authenta_journal_entry_get_mid (e);
    CliErrorContext ctx
        = { .command = "scan",
            .client = run->client,
            .mid = mid && *mid ? mid : NULL,
            .model_type = authenta_journal_entry_get_model_type (e),
            .task_option = "the entry's task" };
    g_autofree char *what
        = g_strdup_printf ("entry %" G_GINT64_FORMAT " (%s)", id, label);

    note_exit (run, cli_report_failure (&ctx, what, error));
  }
}

/* Why an entry asked for by id was not claimed. */
static void
explain_unclaimed (SpoolRun *run, gint64 id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaJournalEntry) e
      = authenta_journal_lookup (run->journal, id, &error);
  AuthentaJournalStage stage;

  if (!e)
    {
      g_autofree char *message = cli_sanitize (error->message);

      g_printerr ("authenta spool run: %s\n", message);
      /* An unknown id is NOT_FOUND (status 8), a broken journal 3. */
      note_exit (run, cli_error_exit_code (error));
      return;
    }
  stage = authenta_journal_entry_get_stage (e);
  if (stage == AUTHENTA_JOURNAL_STAGE_DONE)
    g_printerr ("authenta spool run: entry %" G_GINT64_FORMAT
                " is done already (see 'authenta spool list --all')\n",
                id);
  else if (stage == AUTHENTA_JOURNAL_STAGE_FAILED && !opt_retry_failed)
    {
      g_printerr ("authenta spool run: entry %" G_GINT64_FORMAT
                  " failed; --retry-failed tries it again\n",
                  id);
      note_exit (run, CLI_EXIT_PROCESSING_FAILED);
    }
  else
    g_printerr ("authenta spool run: entry %" G_GINT64_FORMAT
                " is being scanned by another process; skipped\n",
                id);
}

static void pass_start (SpoolRun *run);

static gboolean
on_watch_timer (gpointer data)
{
  SpoolRun *run = data;

  run->watch_timer = 0;
  pass_start (run);
  return G_SOURCE_REMOVE;
}

/* The pass is over: its claims given back, then (--watch) the next one
 * after a while, or the end. */
static void
pass_end (SpoolRun *run)
{
  for (guint i = 0; i < run->held->len; i++)
    authenta_journal_release (run->journal,
                              g_array_index (run->held, gint64, i));
  g_clear_pointer (&run->held, g_array_unref);
  if (opt_retention_days > 0)
    note_exit (
        run, prune_done ("spool run", run->journal, opt_retention_days, NULL));
  if (opt_watch && !g_cancellable_is_cancelled (run->cancellable))
    run->watch_timer = g_timeout_add (WATCH_INTERVAL_MS, on_watch_timer, run);
  else
    g_main_loop_quit (run->loop);
}

static void next_entry (SpoolRun *run);

static void
on_entry_scanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SpoolRun *run = user_data;
  g_autoptr (AuthentaJournalEntry) e = g_steal_pointer (&run->scanning);
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = authenta_client_scan_journaled_finish (
      AUTHENTA_CLIENT (source), result, &error);

  report_entry (run, e, media, error);
  next_entry (run);
}

/* Claims the next free entry (or the next one asked for) and scans it; the
 * claim stays ours until the pass ends, so that the pass never takes up
 * the same entry again. */
static void
next_entry (SpoolRun *run)
{
  guint n_ids = run->ids->len;

  while (!g_cancellable_is_cancelled (run->cancellable)
         && (n_ids == 0 || run->next < n_ids))
    {
      g_autoptr (GError) error = NULL;
      gint64 want = n_ids ? g_array_index (run->ids, gint64, run->next) : 0;
      AuthentaJournalEntry *e;
      gint64 id;

      run->next++;
      e = authenta_journal_claim (run->journal, want, opt_retry_failed, &error);
      if (!e)
        {
          if (error)
            {
              cli_report_error ("spool run", error);
              note_exit (run, cli_error_exit_code (error));
              break;
            }
          if (n_ids == 0)
            break;
          explain_unclaimed (run, want);
          continue;
        }
      id = authenta_journal_entry_get_id (e);
      g_array_append_val (run->held, id);
      g_debug ("entry %" G_GINT64_FORMAT ": resuming at stage %s", id,
               authenta_journal_stage_to_string (
                   authenta_journal_entry_get_stage (e)));
      run->scanning = e;
      authenta_client_scan_journaled_async (run->client, run->journal, e, NULL,
                                            NULL, NULL, run->cancellable,
                                            on_entry_scanned, run);
      return;
    }
  pass_end (run);
}

/* One pass: claim and scan every free entry (or those asked for), then
 * give the claims back. */
static void
pass_start (SpoolRun *run)
{
  run->held = g_array_new (FALSE, FALSE, sizeof (gint64));
  run->next = 0;
  next_entry (run);
}

static void
on_first_pass (gpointer data)
{
  pass_start (data);
}

static gboolean
on_stop_signal (gpointer data)
{
  SpoolRun *run = data;

  g_debug ("signal received: stopping after releasing the claims");
  run->interrupted = TRUE;
  g_cancellable_cancel (run->cancellable);
  /* Between two passes: nothing to wait for.  A scan under way ends with
   * the cancel, and its pass then ends the loop. */
  if (run->watch_timer)
    {
      g_source_remove (run->watch_timer);
      run->watch_timer = 0;
      g_main_loop_quit (run->loop);
    }
  return G_SOURCE_CONTINUE;
}

static int
spool_run (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  SpoolRun run = { 0 };
  guint sources[2];
  const char *dir;
  int status;

  context = cli_subcommand_context (
      "[ID…]",
      "Finish the journaled scans: resume each at its stage and print its "
      "verdict as 'authenta scan' does.",
      "Entries another live process is scanning are skipped; each entry is "
      "scanned by one process only.  The exit status follows scan's rules "
      "over all entries (9: one failed again for a passing reason and stays "
      "journaled).",
      run_entries);
  status = cli_parse_subcommand (context, "spool run", &argc, &argv);
  if (status >= 0)
    return status;
  if (!parse_ids ("spool run", argc, argv, ids))
    return CLI_EXIT_USAGE;
  if (opt_watch && ids->len > 0)
    {
      cli_usage_error ("spool run", "--watch takes no entry ids: it drains "
                                    "every entry, new ones too");
      return CLI_EXIT_USAGE;
    }
  if (opt_retention_days < 0)
    {
      cli_usage_error ("spool run", "--retention takes a number of days from "
                                    "0 (0: keep the done entries)");
      return CLI_EXIT_USAGE;
    }
  if (!(dir = require_dir ("spool run")))
    return CLI_EXIT_USAGE;
  client = cli_make_client (&status);
  if (!client)
    return status;
  /* --watch may start before anything was spooled: the folder is made. */
  journal = cli_open_journal ("spool run", dir, FALSE, &status);
  if (!journal)
    return status;

  run.client = client;
  run.journal = journal;
  run.ids = ids;
  run.cancellable = cancellable;
  run.loop = loop;
  run.status = CLI_EXIT_AUTHENTIC;
  sources[0] = g_unix_signal_add (SIGINT, on_stop_signal, &run);
  sources[1] = g_unix_signal_add (SIGTERM, on_stop_signal, &run);
  /* From the loop: a pass that ends at once quits a loop that runs. */
  g_idle_add_once (on_first_pass, &run);
  g_main_loop_run (loop);
  g_source_remove (sources[0]);
  g_source_remove (sources[1]);

  /* A service asked to stop has done its job; a one-off run cut short
   * has not. */
  if (run.interrupted)
    return opt_watch ? CLI_EXIT_AUTHENTIC : CLI_EXIT_INTERRUPTED;
  return run.any_fake ? CLI_EXIT_FAKE : (int)run.status;
}

int
cli_cmd_spool (int argc, char **argv)
{
  const char *sub = argc > 1 ? argv[1] : NULL;

  if (sub && g_str_equal (sub, "list"))
    return spool_list (argc - 1, argv + 1);
  if (sub && g_str_equal (sub, "run"))
    return spool_run (argc - 1, argv + 1);
  if (sub && g_str_equal (sub, "forget"))
    return spool_forget (argc - 1, argv + 1);
  if (sub && g_str_equal (sub, "prune"))
    return spool_prune (argc - 1, argv + 1);
  if (sub && (g_str_equal (sub, "--help") || g_str_equal (sub, "-h")))
    {
      g_print ("Usage:\n  authenta spool list|run|forget|prune [OPTION…]\n\n"
               "  list [--all]                the journal's entries\n"
               "  run [ID…] [--watch] [--retry-failed] [--retention DAYS]\n"
               "                              finish the journaled scans\n"
               "  forget ID…                  remove entries\n"
               "  prune [--older-than DAYS]   forget old done entries\n\n"
               "The journal is the folder given with --spool-dir or "
               "AUTHENTA_SPOOL_DIR\n(see 'authenta scan --spool-dir').  "
               "'authenta spool COMMAND --help' for more.\n");
      return CLI_EXIT_AUTHENTIC;
    }
  if (sub)
    {
      g_autofree char *shown = cli_sanitize (sub);
      cli_usage_error (
          "spool", "unknown command '%s' (commands: list, run, forget, prune)",
          shown);
    }
  else
    cli_usage_error ("spool",
                     "a command is needed: list, run, forget or prune");
  return CLI_EXIT_USAGE;
}
