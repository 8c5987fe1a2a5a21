/* authenta: errors — which exit status a GError means, and a message that
 * says what happened and what to do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#include <string.h>

CliExit
cli_error_exit_code (const GError *error)
{
  if (error->domain == AUTHENTA_ERROR)
    {
      switch ((AuthentaError)error->code)
        {
        case AUTHENTA_ERROR_INVALID_API_KEY:
        case AUTHENTA_ERROR_FORBIDDEN:
        case AUTHENTA_ERROR_INSUFFICIENT_BALANCE:
          return CLI_EXIT_AUTH;
        case AUTHENTA_ERROR_NOT_FOUND:
          return CLI_EXIT_NOT_FOUND;
        case AUTHENTA_ERROR_TIMEOUT:
          return CLI_EXIT_TIMEOUT;
        case AUTHENTA_ERROR_PROCESSING_FAILED:
          return CLI_EXIT_PROCESSING_FAILED;
        case AUTHENTA_ERROR_INVALID_ARGUMENT:
          return CLI_EXIT_USAGE;
        case AUTHENTA_ERROR_UNSUPPORTED_MEDIA:
        /* Both are about local files: the journal's database, or the
         * recording it names. */
        case AUTHENTA_ERROR_JOURNAL:
        case AUTHENTA_ERROR_FILE_CHANGED:
          return CLI_EXIT_LOCAL_FILE;
        case AUTHENTA_ERROR_BAD_REQUEST:
        case AUTHENTA_ERROR_SERVER:
        case AUTHENTA_ERROR_NETWORK:
        case AUTHENTA_ERROR_PROTOCOL:
        case AUTHENTA_ERROR_TLS:
        case AUTHENTA_ERROR_UPLOAD_REJECTED:
        case AUTHENTA_ERROR_RATE_LIMITED:
        case AUTHENTA_ERROR_NO_SERVICE:
        default:
          return CLI_EXIT_SERVICE;
        }
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return CLI_EXIT_INTERRUPTED;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return CLI_EXIT_TIMEOUT;
  /* Whatever else GIO or GLib reports comes from opening, reading or
   * spooling a local file. */
  if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return CLI_EXIT_LOCAL_FILE;
  return CLI_EXIT_SERVICE;
}

#define CLI_TYPES_TEXT                                                         \
  "MP4, QuickTime, WebM, Matroska, JPEG, PNG, MP3, WAV or M4A"

static gboolean
is_command (const CliErrorContext *ctx, const char *command)
{
  return ctx && ctx->command && g_str_equal (ctx->command, command);
}

static const char *
base_url_origin (void)
{
  return cli_global.base_url ? "--base-url" : "AUTHENTA_BASE_URL";
}

/* The permission each command needs, as the emulator and the dashboard
 * name them. */
static const char *
permission_for (const CliErrorContext *ctx)
{
  if (is_command (ctx, "scan"))
    return "write";
  if (is_command (ctx, "delete"))
    return "delete";
  return "read";
}

/* What to do about an error, for the command that met it and what the
 * user gave it; NULL when there is nothing useful to add. */
static char *
hint_for (const CliErrorContext *ctx, const GError *error)
{
  const char *mid = ctx && ctx->mid ? ctx->mid : NULL;

  if (error->domain == AUTHENTA_ERROR)
    {
      switch ((AuthentaError)error->code)
        {
        case AUTHENTA_ERROR_INVALID_API_KEY:
          return g_strdup_printf (
              "check the key in %s: it may be mistyped, revoked or for "
              "another deployment",
              cli_global.key_origin ? cli_global.key_origin
                                    : "AUTHENTA_API_KEY");
        case AUTHENTA_ERROR_FORBIDDEN:
          return g_strdup_printf (
              "%s needs a key with the %s permission: use a key that has "
              "it",
              ctx && ctx->command ? ctx->command : "this",
              permission_for (ctx));
        case AUTHENTA_ERROR_INSUFFICIENT_BALANCE:
          return g_strdup (
              "no credits left: top up or enable pay-as-you-go billing");
        case AUTHENTA_ERROR_NOT_FOUND:
          if (is_command (ctx, "scan"))
            return g_strdup ("the record is gone (deleted while it was "
                             "processed?): scan the file again");
          return g_strdup_printf ("check the id with 'authenta list' (a "
                                  "job's with 'authenta list --jobs'; if "
                                  "that fails too, check %s)",
                                  base_url_origin ());
        case AUTHENTA_ERROR_BAD_REQUEST:
          if (is_command (ctx, "scan"))
            {
              if (ctx->model_type && ctx->content_type)
                return g_strdup_printf ("check %s and --content-type: "
                                        "'authenta tasks' lists the files "
                                        "each task takes",
                                        ctx->task_option);
              if (ctx->model_type)
                return g_strdup_printf ("check %s: 'authenta tasks' lists "
                                        "the files each task takes",
                                        ctx->task_option);
              if (ctx->content_type)
                return g_strdup ("check that --content-type is the file's "
                                 "type");
              return g_strdup ("the service refused the request; "
                               "'authenta --verbose scan …' logs it");
            }
          if (is_command (ctx, "list"))
            return g_strdup ("the service refused the request: check "
                             "--limit and --offset");
          return g_strdup ("the service refused the id: check it with "
                           "'authenta list'");
        case AUTHENTA_ERROR_SERVER:
          return g_strdup ("the service is failing: try again later");
        case AUTHENTA_ERROR_NETWORK:
          return g_strdup_printf ("check the network, and that %s names the "
                                  "service",
                                  base_url_origin ());
        case AUTHENTA_ERROR_TIMEOUT:
          if (mid)
            return g_strdup_printf (
                "allow more time with --timeout, or see the verdict later "
                "with 'authenta get %s'",
                mid);
          return g_strdup ("try again, or allow more time with --timeout");
        case AUTHENTA_ERROR_PROTOCOL:
          /* Never a usage error: nothing the user gave is at fault. */
          return g_strdup_printf ("the service's answer is not one the "
                                  "Authenta API gives: a fault of the "
                                  "service (or %s names something else); "
                                  "try again later",
                                  base_url_origin ());
        case AUTHENTA_ERROR_UPLOAD_REJECTED:
          if (authenta_error_is_upload_expired (error))
            return g_strdup ("the upload link expired before the upload "
                             "(the library renews it once): try again, and "
                             "check this machine's clock");
          if (ctx && ctx->content_type)
            return g_strdup ("storage refused the upload: check that "
                             "--content-type is the file's type, then try "
                             "again");
          return g_strdup ("storage refused the upload: try again; "
                           "'authenta --verbose scan …' logs its answer");
        case AUTHENTA_ERROR_PROCESSING_FAILED:
          if (ctx && ctx->model_type)
            return g_strdup_printf ("the service could not analyse the file: "
                                    "check that it plays, and that "
                                    "%s %s suits it",
                                    ctx->task_option, ctx->model_type);
          return g_strdup ("the service could not analyse the file: check "
                           "that it plays");
        case AUTHENTA_ERROR_RATE_LIMITED:
          return g_strdup ("too many requests: wait a little and try again");
        case AUTHENTA_ERROR_TLS:
          /* The library's message says what to do (give the CA with
           * --ca-file or AUTHENTA_CA_FILE); the network is not at fault. */
          return NULL;
        case AUTHENTA_ERROR_INVALID_ARGUMENT:
          if (ctx && ctx->command)
            return g_strdup_printf ("see 'authenta %s --help'", ctx->command);
          return g_strdup ("see 'authenta --help'");
        case AUTHENTA_ERROR_UNSUPPORTED_MEDIA:
          /* The library's message names the task that takes the file. */
          if (ctx && ctx->model_type)
            return g_strdup ("'authenta tasks' lists the files each task "
                             "takes");
          if (ctx && ctx->content_type)
            return g_strdup ("the service takes " CLI_TYPES_TEXT " files");
          return g_strdup ("the service takes " CLI_TYPES_TEXT
                           " files; give --content-type if the file is one "
                           "of those");
        case AUTHENTA_ERROR_JOURNAL:
          /* The library's message names the file or the entry and what is
           * wrong with it; only the setting to look at is ours. */
          return g_strdup ("check the folder given with --spool-dir or "
                           "AUTHENTA_SPOOL_DIR: it must be writable, and "
                           "hold only this tool's journal");
        case AUTHENTA_ERROR_FILE_CHANGED:
          return g_strdup ("the entry is kept as failed: 'authenta spool "
                           "forget ID' removes it");
        default:
          return NULL;
        }
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return g_strdup ("check the path");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR))
    return g_strdup ("give a file, not a directory");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ACCES))
    return g_strdup ("check the file's permissions");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    return g_strdup ("standard input is spooled to $TMPDIR first: free some "
                     "space there or point TMPDIR elsewhere");
  return NULL;
}

/* A failure that leaves the verdict to come: the file is on the service,
 * and `authenta get` will tell. */
static gboolean
verdict_may_still_come (const CliErrorContext *ctx, const GError *error)
{
  if (!ctx || !ctx->uploaded || !ctx->mid || error->domain != AUTHENTA_ERROR)
    return FALSE;
  switch ((AuthentaError)error->code)
    {
    case AUTHENTA_ERROR_SERVER:
    case AUTHENTA_ERROR_NETWORK:
    case AUTHENTA_ERROR_PROTOCOL:
    case AUTHENTA_ERROR_RATE_LIMITED:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A 404 where no record is named (the listing, or creating one) means the
 * base URL points at something that is not the API: most often one without
 * its /api.  The library reports a 404/405 without the service's error
 * shape as AUTHENTA_ERROR_NO_SERVICE. */
static gboolean
is_missing_api (const CliErrorContext *ctx, const GError *error)
{
  if (error->domain != AUTHENTA_ERROR)
    return FALSE;
  if (error->code == AUTHENTA_ERROR_NOT_FOUND)
    return is_command (ctx, "list")
           || (is_command (ctx, "scan") && !ctx->mid
               && !authenta_error_get_mid (error));
  return error->code == AUTHENTA_ERROR_NO_SERVICE;
}

static void report (const char *what, const char *lead, const GError *error,
                    const char *hint, const char *hint2);

CliExit
cli_report_failure (const CliErrorContext *ctx, const char *what,
                    const GError *error)
{
  g_autofree char *hint = NULL;
  g_autofree char *hint2 = NULL;

  if (is_missing_api (ctx, error))
    {
      const char *url
          = ctx->client ? authenta_client_get_base_url (ctx->client) : NULL;
      g_autofree char *shown
          = cli_sanitize (url ? url : AUTHENTA_DEFAULT_BASE_URL);
      g_autofree char *lead = NULL;
      g_autofree char *fix = g_strdup_printf (
          "check %s (it usually ends in /api)", base_url_origin ());

      /* The library's own diagnosis says so already. */
      if (error->code == AUTHENTA_ERROR_NOT_FOUND)
        lead = g_strdup_printf ("no Authenta API at %s", shown);
      report (what, lead, error, fix, NULL);
      return CLI_EXIT_SERVICE;
    }
  hint = hint_for (ctx, error);
  if (verdict_may_still_come (ctx, error))
    {
      g_autofree char *mid = cli_sanitize (ctx->mid);
      hint2 = g_strdup_printf ("the file was uploaded: see its verdict later "
                               "with 'authenta get %s'",
                               mid);
    }
  report (what, NULL, error, hint, hint2);
  return cli_error_exit_code (error);
}

/* "authenta: WHAT: [LEAD: ]MESSAGE (code X, HTTP N, mid M)\n  HINT". */
void
cli_report_error (const char *what, const GError *error)
{
  g_autofree char *hint = hint_for (NULL, error);

  report (what, NULL, error, hint, NULL);
}

/* The same, with a hint of the caller's rather than the one for the
 * error's class. */
void
cli_report_error_with_hint (const char *what, const GError *error,
                            const char *hint)
{
  g_autofree char *own = hint ? NULL : hint_for (NULL, error);

  report (what, NULL, error, hint ? hint : own, NULL);
}

static void
report (const char *what, const char *lead, const GError *error,
        const char *hint, const char *hint2)
{
  g_autoptr (GString) line = g_string_new ("authenta: ");
  g_autofree char *message = cli_sanitize (error->message);

  if (what)
    g_string_append_printf (line, "%s: ", what);
  if (lead)
    g_string_append_printf (line, "%s: ", lead);
  g_string_append (line, message);

  if (error->domain == AUTHENTA_ERROR)
    {
      const char *code = authenta_error_get_service_code (error);
      guint status = authenta_error_get_http_status (error);
      const char *mid = authenta_error_get_mid (error);
      g_autofree char *status_text = g_strdup_printf ("%u", status);
      const char *sep = " (";

      /* Whatever of the service's code, the HTTP status and the mid the
       * library's message does not already name is added in a fixed form,
       * easy to grep. */
      if (code && !strstr (message, code))
        {
          g_autofree char *shown = cli_sanitize (code);
          g_string_append_printf (line, "%scode %s", sep, shown);
          sep = ", ";
        }
      if (status && !strstr (message, status_text))
        {
          g_string_append_printf (line, "%sHTTP %u", sep, status);
          sep = ", ";
        }
      if (mid && !strstr (message, mid))
        {
          g_autofree char *shown = cli_sanitize (mid);
          g_string_append_printf (line, "%smid %s", sep, shown);
          sep = ", ";
        }
      if (sep[0] == ',')
        g_string_append_c (line, ')');
    }
  if (hint)
    g_string_append_printf (line, "\n  %s", hint);
  if (hint2)
    g_string_append_printf (line, "\n  %s", hint2);
  g_printerr ("%s\n", line->str);
}
