/* Helpers for the tests of the authenta command-line tool: one emulator
 * per test program, the tool run as a child process with its own
 * environment, and small media files that look right to a sniffer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <glib.h>

#include "test-emulator.h"

G_BEGIN_DECLS

/* Keys the emulator knows: full permissions, read-only, and no delete. */
#define CLI_TEST_KEY "api_emulator_key"
#define CLI_TEST_KEY_READ_ONLY "api_cli_read_only"
#define CLI_TEST_KEY_NO_DELETE "api_cli_no_delete"

typedef struct
{
  int status; /* the exit status, or 128 + the signal */
  char *out;
  char *err;
} CliResult;

void cli_result_free (CliResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

/* g_test_init(), a fresh temporary folder and the emulator (fast
 * processing); cli_test_finish() stops it and removes the folder. */
void cli_test_init (int *argc, char ***argv);
int cli_test_finish (int status);

TestEmulator *cli_test_emulator (void);
/* At the start of every test: forget the emulator's records, faults and
 * counters, and empty the spool folder. */
void cli_test_reset (void);

/* The folder the tool gets as TMPDIR, where standard input is spooled. */
const char *cli_test_spool_dir (void);
/* Number of entries in the spool folder. */
guint cli_test_count_spool_files (void);

/* Write a small file of the kind "mp4", "jpeg", "png", "mp3", "wav" or
 * "junk" (no known signature), of at least size bytes, named name in the
 * test folder.
 * Returns its path (free it). */
char *cli_test_write_media (const char *name, const char *kind, gsize size);
/* The same bytes in memory. */
GBytes *cli_test_media_bytes (const char *kind, gsize size);

/* Run the tool with argv (NULL-terminated), AUTHENTA_API_KEY set to key
 * (NULL: the emulator's full key; "": empty), AUTHENTA_BASE_URL to the
 * emulator, and input on standard input (NULL: empty). */
CliResult *cli_run (const char *key, GBytes *input, const char *first_arg,
                    ...) G_GNUC_NULL_TERMINATED;
/* Run with an explicit environment (NULL: the same as cli_run's). */
CliResult *cli_runv (char **envp, GBytes *input, const char *const *argv);
/* The same, in the folder cwd (NULL: this process's). */
CliResult *cli_runv_in (const char *cwd, char **envp, GBytes *input,
                        const char *const *argv);
/* The folder cli_test_write_media() writes to. */
const char *cli_test_files_dir (void);
/* The environment cli_run() uses; free with g_strfreev(). */
char **cli_test_environ (const char *key);

/* Total requests the emulator got on every route. */
guint cli_test_total_requests (void);

/* GET an http:// URL on loopback (a pre-signed link the emulator gave);
 * asserts a 200 and returns the body. */
GBytes *cli_test_http_get (const char *url);

/* Split stdout into its lines (no trailing empty one). */
char **cli_result_lines (CliResult *result);

#define cli_assert_status(result, expected)                                    \
  G_STMT_START                                                                 \
  {                                                                            \
    if ((result)->status != (expected))                                        \
      g_error ("exit status %d, expected %d\n--- stdout:\n%s--- stderr:\n%s",  \
               (result)->status, (expected), (result)->out, (result)->err);    \
  }                                                                            \
  G_STMT_END

G_END_DECLS

G_BEGIN_DECLS

/* Start the tool in the background, stdout and stderr to the given files
 * (NULL: discarded); envp NULL: cli_test_environ (NULL). */
GSubprocess *cli_spawn (char **envp, const char *out_path, const char *err_path,
                        const char *const *argv);
/* Wait for proc to exit, at most timeout_ms; returns its status as
 * CliResult does, or -1 when it is still running. */
int cli_wait (GSubprocess *proc, guint timeout_ms);
/* Poll cond (every 10 ms) until it is TRUE or timeout_ms passes. */
gboolean cli_wait_until (gboolean (*cond) (gpointer), gpointer data,
                         guint timeout_ms);
/* The emulator's records named name: how many are PROCESSED, how many
 * INITED (read with 'authenta list --all --json'). */
void cli_test_count_records (const char *name, guint *processed, guint *inited);

G_END_DECLS
