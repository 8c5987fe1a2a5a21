/* authenta scan --spool-dir killed (SIGKILL) at each stage of a scan, then
 * authenta spool run: exactly one verdict, one PROCESSED record, no INITED
 * orphan, exactly one upload (one credit), the file kept.  Each stage three
 * times, at random offsets within it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <signal.h>
#include <string.h>

typedef struct
{
  const char *name;
  const char *fault; /* held there by the emulator; NULL: none */
  const char *route; /* the request that shows the stage is reached */
  guint min_count;   /* … once it has been counted this often */
  guint processing_ms;
  guint window_ms; /* the kill comes within this after the stage */
} KillCase;

static const KillCase kill_cases[] = {
  { "while creating",
    "{\"route\":\"create\",\"action\":\"delay\",\"delay_ms\":1500}", "create",
    1, 100, 1000 },
  /* The emulator stores the body, then holds the answer: the journal is at
   * "created", the upload unacknowledged (the resume finds the record has
   * its file and does not send it again). */
  { "mid-upload",
    "{\"route\":\"upload\",\"action\":\"delay\",\"delay_ms\":1500}", "upload",
    1, 100, 1000 },
  { "after the upload, before the first poll",
    "{\"route\":\"get\",\"action\":\"delay\",\"delay_ms\":1500}", "get", 1, 100,
    1000 },
  { "while polling", NULL, "get", 2, 2500, 1000 },
};

typedef struct
{
  const char *route;
  guint count;
} Seen;

static gboolean
route_seen (gpointer data)
{
  Seen *seen = data;

  return test_emulator_get_count (cli_test_emulator (), seen->route)
         >= seen->count;
}

static guint
count_delay_lines (void)
{
  g_autofree char *log = test_emulator_dup_log (cli_test_emulator ());
  guint n = 0;

  for (const char *p = log; (p = strstr (p, "fault: delay")); p++)
    n++;
  return n;
}

static gboolean
delay_done (gpointer data)
{
  return count_delay_lines () > GPOINTER_TO_UINT (data);
}

static void
run_kill_case (gconstpointer data)
{
  const KillCase *kc = data;
  guint32 seed = g_test_rand_int ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  g_test_message ("%s: seed %u", kc->name, seed);
  for (guint round = 0; round < 3; round++)
    {
      g_autofree char *dir
          = g_build_filename (cli_test_files_dir (), "journal", NULL);
      g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
      g_autofree char *file = NULL;
      g_autofree char *config = NULL;
      const char *argv[] = { "scan", opt, NULL, NULL };
      g_autoptr (GSubprocess) scan = NULL;
      g_autoptr (CliResult) run = NULL;
      g_auto (GStrv) lines = NULL;
      Seen seen = { kc->route, kc->min_count };
      guint offset = g_rand_int_range (rand, 0, (gint32)kc->window_ms);
      guint processed, inited;
      int status;

      guint delays;

      cli_test_reset ();
      delays = count_delay_lines ();
      argv[2] = file = cli_test_write_media ("kill.mp4", "mp4", 200000);
      config
          = g_strdup_printf ("{\"processing_time_ms\":%u}", kc->processing_ms);
      test_emulator_configure (cli_test_emulator (), config);
      if (kc->fault)
        test_emulator_add_fault (cli_test_emulator (), kc->fault);
      scan = cli_spawn (NULL, NULL, NULL, argv);
      g_assert_true (cli_wait_until (route_seen, &seen, 20000));
      g_usleep ((gulong)offset * 1000);
      g_subprocess_send_signal (scan, SIGKILL);
      status = cli_wait (scan, 10000);
      if (status == 0)
        {
          /* Finished before the kill landed: no kill to recover from. */
          g_test_message ("%s round %u: offset %u ms: the scan finished first",
                          kc->name, round, offset);
          continue;
        }
      g_assert_cmpint (status, ==, 128 + SIGKILL);

      /* The emulator finishes a request its client abandoned once the
       * delay is over (a create then makes its record): wait for it, so
       * that the figures below are this round's. */
      if (kc->fault)
        g_assert_true (
            cli_wait_until (delay_done, GUINT_TO_POINTER (delays), 10000));
      run = cli_run (NULL, NULL, "spool", "run", opt, NULL);
      cli_assert_status (run, 0);
      lines = cli_result_lines (run);
      g_assert_cmpuint (g_strv_length (lines), ==, 1);
      g_assert_nonnull (strstr (lines[0], "kill.mp4: AUTHENTIC"));
      cli_test_count_records ("kill.mp4", &processed, &inited);
      g_test_message ("%s round %u: offset %u ms: %u processed, %u inited, "
                      "%u creates, %u uploads",
                      kc->name, round, offset, processed, inited,
                      test_emulator_get_count (cli_test_emulator (), "create"),
                      test_emulator_get_count (cli_test_emulator (), "upload"));
      g_assert_cmpuint (processed, ==, 1);
      /* A create killed before its answer was journaled: the resume
       * deleted the record it made. */
      g_assert_cmpuint (inited, ==, 0);
      /* One upload: a second would be a second credit. */
      g_assert_cmpuint (
          test_emulator_get_count (cli_test_emulator (), "upload"), ==, 1);
      /* keep: a file the user gave is never deleted. */
      g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
      /* Nothing left to do. */
      {
        g_autoptr (CliResult) again
            = cli_run (NULL, NULL, "spool", "run", opt, NULL);
        cli_assert_status (again, 0);
        g_assert_cmpstr (again->out, ==, "");
      }
    }
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  for (gsize i = 0; i < G_N_ELEMENTS (kill_cases); i++)
    {
      g_autofree char *path = g_strdup_printf (
          "/cli/spool/kill/%s/one-verdict-one-record", kill_cases[i].name);

      g_strdelimit (path, " ,", '-');
      g_test_add_data_func (path, &kill_cases[i], run_kill_case);
    }
  return cli_test_finish (g_test_run ());
}
