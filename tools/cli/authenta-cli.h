/* authenta: the command-line tool.  Declarations shared by its parts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <authenta/authenta.h>

G_BEGIN_DECLS

/**
 * CliExit:
 *
 * The exit statuses, one per class of outcome (the clamscan convention:
 * 0 clean, 1 found, 2 and up errors).  Documented in docs/cli.md and in
 * `authenta --help`; scripts depend on them, so values are only appended.
 */
typedef enum
{
  CLI_EXIT_AUTHENTIC = 0, /* also: get/list/delete succeeded */
  CLI_EXIT_FAKE = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_LOCAL_FILE = 3,
  CLI_EXIT_AUTH = 4,    /* key refused, permission missing, no credits */
  CLI_EXIT_SERVICE = 5, /* service, network or protocol failure */
  CLI_EXIT_TIMEOUT = 6,
  CLI_EXIT_PROCESSING_FAILED = 7,
  CLI_EXIT_NOT_FOUND = 8,
  CLI_EXIT_SPOOLED = 9, /* --spool-dir: a passing failure left it journaled */
  /* Processed, but the service's answer says neither authentic nor fake (a
   * result shape the library does not know). */
  CLI_EXIT_NO_VERDICT = 10,
  CLI_EXIT_INTERRUPTED = 130, /* 128 + SIGINT, as shells report it */
} CliExit;

/* The options every subcommand accepts, before or after its name. */
typedef struct
{
  char *api_key;
  char *api_key_file;
  char *base_url;
  char *ca_file; /* NULL: the library's (AUTHENTA_CA_FILE, …, the system's) */
  gboolean json;
  gboolean quiet;
  gboolean verbose;
  gboolean insecure;
  int retries; /* -1: the library's default */
  /* Set by cli_make_client(): where the key came from, for hints
   * ("--api-key", "the file FILE", "AUTHENTA_API_KEY"). */
  char *key_origin;
} CliGlobal;

extern CliGlobal cli_global;

/* main.c */
GOptionContext *cli_subcommand_context (const char *parameter,
                                        const char *summary,
                                        const char *description,
                                        const GOptionEntry *entries);
int cli_parse_subcommand (GOptionContext *context, const char *command,
                          int *argc, char ***argv);
AuthentaClient *cli_make_client (int *out_exit);
void cli_usage_error (const char *command, const char *format, ...)
    G_GNUC_PRINTF (2, 3);
gboolean cli_check_mid (const char *command, const char *mid);

/* cli-error.c */

/* What a failed call was part of, so that the hint fits the command and
 * what the user gave it. */
typedef struct
{
  const char *command;      /* "scan", "get", "list" or "delete" */
  AuthentaClient *client;   /* for the base URL; may be NULL */
  const char *mid;          /* the record concerned, when known */
  gboolean uploaded;        /* scan: the file is on the service */
  const char *model_type;   /* scan: the task (--task or --model-type) */
  const char *task_option;  /* scan: "--task" or "--model-type", as given */
  const char *content_type; /* scan: --content-type as given, or NULL */
} CliErrorContext;

CliExit cli_error_exit_code (const GError *error);
/* Report error with a hint for ctx; returns the exit status, which for a
 * 404 on a listing or a new record is 5 (no API at the base URL), not 8. */
CliExit cli_report_failure (const CliErrorContext *ctx, const char *what,
                            const GError *error);
void cli_report_error (const char *what, const GError *error);
void cli_report_error_with_hint (const char *what, const GError *error,
                                 const char *hint);

/* cli-output.c */
char *cli_sanitize (const char *text);
const char *cli_verdict_word (AuthentaMedia *media);
void cli_print_scan_result (const char *file, AuthentaMedia *media);
void cli_print_record (AuthentaMedia *media);
void cli_print_json_line (AuthentaMedia *media);
void cli_print_json_line_without_upload_url (AuthentaMedia *media);
void cli_print_table_header (void);
void cli_print_table_row (AuthentaMedia *media);
CliExit cli_exit_for_record (AuthentaMedia *media);

/* cli-spool.c */
char *cli_spool_to_temp_file (int fd, const char *dir, const char *what,
                              int *out_fd, GError **error);
void cli_spool_forget (const char *path);
void cli_spool_keep (const char *path);
void cli_install_signal_cleanup (void);
void cli_note_progress_line (gboolean drawn);

/* Subcommands; each returns the process exit status. */
int cli_cmd_scan (int argc, char **argv);
int cli_cmd_get (int argc, char **argv);
int cli_cmd_list (int argc, char **argv);
int cli_cmd_delete (int argc, char **argv);
int cli_cmd_spool (int argc, char **argv);
int cli_cmd_tasks (int argc, char **argv);

/* cli-records.c: deletes a record of @api, or with AUTHENTA_TASK_API_NONE
 * an id of either API (the one it most likely belongs to first). */
gboolean cli_delete_record (AuthentaClient *client, const char *id,
                            AuthentaTaskApi api, GCancellable *cancellable,
                            GError **error);

/* cli-journal.c: --spool-dir, shared by scan and spool. */
const char *cli_spool_dir_setting (const char *option_value);
AuthentaJournal *cli_open_journal (const char *command, const char *dir,
                                   gboolean must_exist, int *out_exit);
void cli_report_spooled (const char *label, gint64 id, const GError *error);

G_END_DECLS
