/* Three authenta spool run processes at once over 50 journaled scans:
 * each entry is scanned by one of them, once.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define N_ENTRIES 50
#define N_RUNNERS 3

static void
test_three_runners_fifty_entries (void)
{
  g_autofree char *dir
      = g_build_filename (cli_test_files_dir (), "journal", NULL);
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_auto (GStrv) offline = cli_test_environ (NULL);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) seen
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (CliResult) spooled = NULL;
  g_autoptr (CliResult) left = NULL;
  GSubprocess *runners[N_RUNNERS];
  char *outs[N_RUNNERS];
  guint verdicts = 0;

  cli_test_reset ();
  /* Journaled with the service out of reach: all 50 stay "recorded". */
  offline = g_environ_setenv (offline, "AUTHENTA_BASE_URL",
                              "http://127.0.0.1:1/api", TRUE);
  g_ptr_array_add (argv, g_strdup ("scan"));
  g_ptr_array_add (argv, g_strdup ("--retries=0"));
  g_ptr_array_add (argv, g_strdup (opt));
  for (guint i = 0; i < N_ENTRIES; i++)
    {
      g_autofree char *name = g_strdup_printf ("c-%02u.jpg", i);
      g_ptr_array_add (argv, cli_test_write_media (name, "jpeg", 1000));
    }
  g_ptr_array_add (argv, NULL);
  spooled = cli_runv (offline, NULL, (const char *const *)argv->pdata);
  cli_assert_status (spooled, 9);
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);

  for (guint i = 0; i < N_RUNNERS; i++)
    {
      const char *run_argv[] = { "spool", "run", opt, NULL };

      outs[i] = g_strdup_printf ("%s/run-%u.out", cli_test_spool_dir (), i);
      runners[i] = cli_spawn (NULL, outs[i], NULL, run_argv);
    }
  for (guint i = 0; i < N_RUNNERS; i++)
    {
      g_autofree char *text = NULL;
      g_auto (GStrv) lines = NULL;

      g_assert_cmpint (cli_wait (runners[i], 60000), ==, 0);
      g_assert_true (g_file_get_contents (outs[i], &text, NULL, NULL));
      lines = g_strsplit (text, "\n", -1);
      for (guint j = 0; lines[j]; j++)
        {
          char *colon;

          if (!*lines[j])
            continue;
          g_assert_nonnull (strstr (lines[j], ": AUTHENTIC"));
          colon = strstr (lines[j], ": AUTHENTIC");
          *colon = '\0';
          /* No file twice, across all outputs. */
          g_assert_true (g_hash_table_add (seen, g_strdup (lines[j])));
          verdicts++;
        }
      g_test_message ("runner %u: %u verdicts so far", i, verdicts);
      g_object_unref (runners[i]);
      g_free (outs[i]);
    }
  g_assert_cmpuint (verdicts, ==, N_ENTRIES);
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_ENTRIES);
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, N_ENTRIES);
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "upload"),
                    ==, N_ENTRIES);
  left = cli_run (NULL, NULL, "spool", "list", opt, NULL);
  cli_assert_status (left, 0);
  g_assert_cmpstr (left->out, ==, "");
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/spool/concurrent/each-entry-scanned-once",
                   test_three_runners_fifty_entries);
  return cli_test_finish (g_test_run ());
}
