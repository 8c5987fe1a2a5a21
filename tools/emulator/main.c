/* authenta-emulator: a local stand-in for the Authenta service and its S3
 * uploads, for tests and demos.  See docs/emulator.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-faults.h"
#include "emu-server.h"
#include "emu-signer.h"
#include "emu-store.h"

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_KEY "api_emulator_key"

static gint opt_port = 0;
static char **opt_keys = NULL;
static gint64 opt_balance = 1000;
static double opt_processing_time = 3.0;
static gint opt_upload_expiry = 3600;
static char *opt_storage_dir = NULL;
static gint opt_idle_timeout = 20;
static gint opt_header_timeout = EMU_SERVER_DEFAULT_HEADER_TIMEOUT;
static gint opt_per_ip_limit = EMU_SERVER_DEFAULT_PER_IP_LIMIT;
static char *opt_intermediate_status = NULL;

static const GOptionEntry entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &opt_port,
    "Port on 127.0.0.1 (0, the default: any free port)", "N" },
  { "api-key", 'k', 0, G_OPTION_ARG_STRING_ARRAY, &opt_keys,
    "Accept this API key, with permissions from rwd (default all); "
    "repeatable",
    "KEY[:PERMS]" },
  { "balance", 'b', 0, G_OPTION_ARG_INT64, &opt_balance,
    "Credits: one is spent per processed upload; 0 refuses creates with 402 "
    "(default 1000)",
    "N" },
  { "processing-time", 't', 0, G_OPTION_ARG_DOUBLE, &opt_processing_time,
    "Seconds from a complete upload to the verdict, fractions allowed "
    "(default 3)",
    "SECONDS" },
  { "upload-expiry", 'e', 0, G_OPTION_ARG_INT, &opt_upload_expiry,
    "Seconds the upload URL stays valid (default 3600)", "SECONDS" },
  { "storage-dir", 's', 0, G_OPTION_ARG_FILENAME, &opt_storage_dir,
    "Keep uploads in DIR (default: a private temporary folder, removed at "
    "exit)",
    "DIR" },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
    "Close a connection idle this long, e.g. a stalled upload (default 20, "
    "as S3)",
    "SECONDS" },
  { "header-timeout", 0, 0, G_OPTION_ARG_INT, &opt_header_timeout,
    "Close a connection idle this long before its request's headers are "
    "complete (default 10)",
    "SECONDS" },
  { "max-connections-per-ip", 0, 0, G_OPTION_ARG_INT, &opt_per_ip_limit,
    "Accept at most N connections at a time from one client address; more "
    "are closed at once (default 64, 0: no limit)",
    "N" },
  { "intermediate-status", 0, 0, G_OPTION_ARG_STRING, &opt_intermediate_status,
    "After an upload, show STATUS instead of UPLOADED for the last two thirds "
    "of the processing time (default: none)",
    "STATUS" },
  { NULL }
};

static gboolean
parse_key (GHashTable *keys, const char *arg, GError **error)
{
  const char *colon = strrchr (arg, ':');
  guint perms = EMU_PERM_ALL;
  g_autofree char *key = NULL;

  if (colon != NULL)
    {
      const char *letters = colon + 1;

      /* A mistyped PERMS ("RW", "xyz") must not silently become part of a
       * key with every permission. */
      if (strspn (letters, "rwd") != strlen (letters))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--api-key KEY:PERMS: PERMS may hold only the letters "
                       "r (read), w (write) and d (delete), not \"%s\"",
                       letters);
          return FALSE;
        }
      key = g_strndup (arg, colon - arg);
      perms = 0;
      if (strchr (letters, 'r'))
        perms |= EMU_PERM_READ;
      if (strchr (letters, 'w'))
        perms |= EMU_PERM_WRITE;
      if (strchr (letters, 'd'))
        perms |= EMU_PERM_DELETE;
    }
  else
    key = g_strdup (arg);
  if (*key == '\0')
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--api-key: empty key");
      return FALSE;
    }
  g_hash_table_insert (keys, g_steal_pointer (&key), GUINT_TO_POINTER (perms));
  return TRUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  /* Our private folder holds only files we wrote. */
  while (d && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) keys = NULL;
  g_autoptr (EmuSigner) signer = NULL;
  g_autoptr (EmuStore) store = NULL;
  g_autoptr (EmuFaults) faults = NULL;
  g_autoptr (EmuServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *storage_dir = NULL;
  gboolean private_storage = FALSE;
  EmuStoreConfig config;

  /* GOption's help is UTF-8 ("OPTION…"): the locale says how to print it. */
  setlocale (LC_ALL, "");
  context = g_option_context_new ("- local stand-in for the Authenta service");
  g_option_context_set_summary (
      context, "Serves the Authenta media API under /api and the S3 upload "
               "endpoint under /s3 on 127.0.0.1,\nwith test controls under "
               "/_emulator.  The first line on stdout is the base URL.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("authenta-emulator: %s\n", error->message);
      return 2;
    }
  {
    /* Name the option that is out of range, not just "an option". */
    const char *bad = NULL;

    if (opt_port < 0 || opt_port > 65535)
      bad = "--port must be 0 (any free port) to 65535";
    else if (opt_balance < 0)
      bad = "--balance must be 0 or more";
    else if (opt_processing_time < 0 || opt_processing_time > 86400)
      bad = "--processing-time must be 0 to 86400 seconds";
    else if (opt_upload_expiry < 0 || opt_upload_expiry > 604800)
      bad = "--upload-expiry must be 0 to 604800 seconds (S3's limit)";
    else if (opt_idle_timeout < 1)
      bad = "--idle-timeout must be at least 1 second";
    else if (opt_header_timeout < 1 || opt_header_timeout > 3600)
      bad = "--header-timeout must be 1 to 3600 seconds";
    else if (opt_per_ip_limit < 0 || opt_per_ip_limit > 100000)
      bad = "--max-connections-per-ip must be 0 (no limit) to 100000";
    if (bad != NULL)
      {
        g_printerr ("authenta-emulator: %s\n", bad);
        return 2;
      }
  }
  if (opt_intermediate_status
      && !emu_intermediate_status_is_valid (opt_intermediate_status))
    {
      g_printerr ("authenta-emulator: --intermediate-status: 1 to 32 of "
                  "A-Z a-z 0-9 _ -, and not PROCESSED, FAILED or ERROR\n");
      return 2;
    }

  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; opt_keys && opt_keys[i]; i++)
    if (!parse_key (keys, opt_keys[i], &error))
      {
        g_printerr ("authenta-emulator: %s\n", error->message);
        return 2;
      }
  if (g_hash_table_size (keys) == 0)
    {
      g_hash_table_insert (keys, g_strdup (DEFAULT_KEY),
                           GUINT_TO_POINTER (EMU_PERM_ALL));
      g_printerr ("authenta-emulator: no --api-key given: accepting the "
                  "default key " DEFAULT_KEY " with all permissions\n");
    }

  if (opt_storage_dir)
    {
      storage_dir = g_strdup (opt_storage_dir);
      if (g_mkdir_with_parents (storage_dir, 0700) != 0)
        {
          g_printerr ("authenta-emulator: cannot create %s: %s\n", storage_dir,
                      g_strerror (errno));
          return 2;
        }
    }
  else
    {
      storage_dir = g_dir_make_tmp ("authenta-emulator-XXXXXX", &error);
      if (storage_dir == NULL)
        {
          g_printerr ("authenta-emulator: %s\n", error->message);
          return 2;
        }
      private_storage = TRUE;
    }

  /* Catch the signals before anyone can know where we listen. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);

  /* A client closing early must not kill us. */
  signal (SIGPIPE, SIG_IGN);

  config.balance = opt_balance;
  config.processing_time_ms = (gint64)(opt_processing_time * 1000 + 0.5);
  config.upload_expiry = opt_upload_expiry;
  config.intermediate_status = opt_intermediate_status;
  signer = emu_signer_new ();
  store = emu_store_new (storage_dir, signer, &config);
  faults = emu_faults_new ();
  server = emu_server_new (store, faults, signer, keys, &config);
  emu_server_set_limits (server, (guint)opt_header_timeout,
                         (guint)opt_per_ip_limit);
  if (!emu_server_start (server, (guint)opt_port, (guint)opt_idle_timeout,
                         &error))
    {
      g_printerr ("authenta-emulator: %s\n", error->message);
      if (private_storage)
        remove_tree (storage_dir);
      return 1;
    }

  /* The start-up lines go to stderr before the URL goes to stdout, so
   * that whoever waits for the URL finds them already written. */
  g_printerr (
      "authenta-emulator: listening on %s/api; balance %" G_GINT64_FORMAT
      ", processing time %.3g s, upload expiry %d s\n",
      emu_server_get_root_url (server), opt_balance, opt_processing_time,
      opt_upload_expiry);
  if (opt_intermediate_status)
    g_printerr ("authenta-emulator: records show status %s for the last two "
                "thirds of the processing time\n",
                opt_intermediate_status);
  g_printerr ("authenta-emulator: storing uploads in %s%s\n", storage_dir,
              private_storage ? " (removed at exit)" : "");
  /* The contract with scripts and tests: the base URL, first, alone. */
  printf ("%s/api\n", emu_server_get_root_url (server));
  fflush (stdout);

  g_main_loop_run (loop);

  g_printerr ("authenta-emulator: shutting down\n");
  emu_server_stop (server);
  if (private_storage)
    {
      emu_store_clear (store);
      remove_tree (storage_dir);
    }
  g_strfreev (opt_keys);
  g_free (opt_storage_dir);
  g_free (opt_intermediate_status);
  return 0;
}
