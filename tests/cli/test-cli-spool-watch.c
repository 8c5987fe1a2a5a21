/* authenta spool run --watch: a scan that failed for a passing reason is
 * journaled, and the watcher delivers its verdict once the service works;
 * SIGTERM ends it promptly with status 0.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <signal.h>
#include <string.h>

typedef struct
{
  const char *path;
  const char *needle;
} FileHas;

static gboolean
file_has (gpointer data)
{
  FileHas *fh = data;
  g_autofree char *text = NULL;

  return g_file_get_contents (fh->path, &text, NULL, NULL)
         && strstr (text, fh->needle) != NULL;
}

static void
test_watch_delivers_then_stops (void)
{
  g_autofree char *dir
      = g_build_filename (cli_test_files_dir (), "journal", NULL);
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autofree char *out
      = g_build_filename (cli_test_spool_dir (), "watch.out", NULL);
  g_autofree char *file = NULL;
  const char *watch_argv[] = { "spool", "run", "--watch", opt, NULL };
  g_autoptr (GSubprocess) watcher = NULL;
  g_autoptr (CliResult) scan = NULL;
  FileHas verdict = { out, "watched.mp4: AUTHENTIC" };
  gint64 start;
  int status;

  cli_test_reset ();
  file = cli_test_write_media ("watched.mp4", "mp4", 5000);
  watcher = cli_spawn (NULL, out, NULL, watch_argv);

  /* The service fails this create (a 503, with no retry): journaled. */
  test_emulator_add_fault (
      cli_test_emulator (),
      "{\"route\":\"create\",\"action\":\"status\",\"status\":503}");
  scan = cli_run (NULL, NULL, "scan", "--retries=0", opt, file, NULL);
  cli_assert_status (scan, 9);
  g_assert_nonnull (strstr (scan->err, "spooled as entry 1: "));
  g_assert_cmpstr (scan->out, ==, "");

  /* The fault is spent: the watcher finds the entry and finishes it. */
  g_assert_true (cli_wait_until (file_has, &verdict, 20000));
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, 2);

  start = g_get_monotonic_time ();
  g_subprocess_send_signal (watcher, SIGTERM);
  status = cli_wait (watcher, 5000);
  g_test_message ("the watcher exited %d after %" G_GINT64_FORMAT " ms", status,
                  (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpint (status, ==, 0);
  {
    g_autofree char *text = NULL;
    g_auto (GStrv) lines = NULL;

    g_assert_true (g_file_get_contents (out, &text, NULL, NULL));
    lines = g_strsplit (g_strchomp (text), "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 1);
  }
}

/* SIGTERM in the middle of a scan: the claim is given back, and the next
 * run finishes the entry. */
static void
test_watch_sigterm_mid_scan_releases (void)
{
  g_autofree char *dir
      = g_build_filename (cli_test_files_dir (), "journal", NULL);
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autofree char *file = NULL;
  g_auto (GStrv) offline = cli_test_environ (NULL);
  const char *watch_argv[] = { "spool", "run", "--watch", opt, NULL };
  g_autoptr (GSubprocess) watcher = NULL;
  g_autoptr (CliResult) scan = NULL;
  g_autoptr (CliResult) list = NULL;
  g_autoptr (CliResult) run = NULL;

  cli_test_reset ();
  file = cli_test_write_media ("slow.mp4", "mp4", 5000);
  offline = g_environ_setenv (offline, "AUTHENTA_BASE_URL",
                              "http://127.0.0.1:1/api", TRUE);
  {
    const char *argv[] = { "scan", "--retries=0", opt, file, NULL };
    scan = cli_runv (offline, NULL, argv);
  }
  cli_assert_status (scan, 9);
  test_emulator_configure (cli_test_emulator (),
                           "{\"processing_time_ms\":3000}");
  watcher = cli_spawn (NULL, NULL, NULL, watch_argv);
  {
    /* Polling now: the upload is in. */
    while (test_emulator_get_count (cli_test_emulator (), "get") < 1)
      g_assert_cmpint (cli_wait (watcher, 10), ==, -1);
  }
  g_subprocess_send_signal (watcher, SIGTERM);
  g_assert_cmpint (cli_wait (watcher, 5000), ==, 0);
  /* Released: a forget is not refused, and a run may take it (here it
   * only checks the list shows it unfinished). */
  list = cli_run (NULL, NULL, "spool", "list", opt, NULL);
  g_assert_nonnull (strstr (list->out, "slow.mp4"));
  test_emulator_configure (cli_test_emulator (), "{\"processing_time_ms\":0}");
  run = cli_run (NULL, NULL, "spool", "run", opt, NULL);
  cli_assert_status (run, 0);
  g_assert_nonnull (strstr (run->out, "slow.mp4: AUTHENTIC"));
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, 1);
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/spool/watch/delivers-spooled-verdict-exits-0-on-term",
                   test_watch_delivers_then_stops);
  g_test_add_func ("/cli/spool/watch/sigterm-mid-scan-releases-claim",
                   test_watch_sigterm_mid_scan_releases);
  return cli_test_finish (g_test_run ());
}
