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
          return CLI_EXIT_LOCAL_FILE;
        case AUTHENTA_ERROR_BAD_REQUEST:
        case AUTHENTA_ERROR_SERVER:
        case AUTHENTA_ERROR_NETWORK:
        case AUTHENTA_ERROR_PROTOCOL:
        case AUTHENTA_ERROR_UPLOAD_REJECTED:
        case AUTHENTA_ERROR_RATE_LIMITED:
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

static const char *
hint_for (const GError *error)
{
  if (error->domain == AUTHENTA_ERROR)
    {
      switch ((AuthentaError)error->code)
        {
        case AUTHENTA_ERROR_INVALID_API_KEY:
          return "check the key in AUTHENTA_API_KEY (or --api-key-file): "
                 "it may be mistyped, revoked or for another deployment";
        case AUTHENTA_ERROR_FORBIDDEN:
          return "the key lacks the permission this needs (read for get and "
                 "list, write for scan, delete for delete): use a key that "
                 "has it";
        case AUTHENTA_ERROR_INSUFFICIENT_BALANCE:
          return "no credits left: top up or enable pay-as-you-go billing";
        case AUTHENTA_ERROR_NOT_FOUND:
          return "check the id with 'authenta list'";
        case AUTHENTA_ERROR_BAD_REQUEST:
          return "the service refused the request: check --model-type and "
                 "--content-type";
        case AUTHENTA_ERROR_SERVER:
          return "the service is failing: try again later";
        case AUTHENTA_ERROR_NETWORK:
          return "check the network, and that AUTHENTA_BASE_URL (or "
                 "--base-url) names the service";
        case AUTHENTA_ERROR_TIMEOUT:
          return "try again, or allow more time with --timeout";
        case AUTHENTA_ERROR_PROTOCOL:
          return "the answer was not what the Authenta API sends: check "
                 "AUTHENTA_BASE_URL (or --base-url), then try again";
        case AUTHENTA_ERROR_UPLOAD_REJECTED:
          return "storage refused the upload: try again; if it persists, "
                 "give the right --content-type";
        case AUTHENTA_ERROR_PROCESSING_FAILED:
          return "the service could not analyse the file: check that it "
                 "plays, and that --model-type suits it";
        case AUTHENTA_ERROR_RATE_LIMITED:
          return "too many requests: wait a little and try again";
        case AUTHENTA_ERROR_INVALID_ARGUMENT:
          return "see 'authenta --help'";
        case AUTHENTA_ERROR_UNSUPPORTED_MEDIA:
          return "the service takes MP4, QuickTime, WebM, JPEG and PNG; give "
                 "--content-type if the file is one of those";
        default:
          return NULL;
        }
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return "check the path";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR))
    return "give a file, not a directory";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_ACCES))
    return "check the file's permissions";
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
      || g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
    return "standard input is spooled to $TMPDIR first: free some space "
           "there or point TMPDIR elsewhere";
  return NULL;
}

/* "authenta: WHAT: MESSAGE (code X, HTTP N, mid M)\n  HINT". */
void
cli_report_error (const char *what, const GError *error)
{
  cli_report_error_with_hint (what, error, NULL);
}

/* The same, with a hint of the caller's rather than the one for the
 * error's class. */
void
cli_report_error_with_hint (const char *what, const GError *error,
                            const char *hint)
{
  g_autoptr (GString) line = g_string_new ("authenta: ");
  g_autofree char *message = cli_sanitize (error->message);

  if (!hint)
    hint = hint_for (error);

  if (what)
    g_string_append_printf (line, "%s: ", what);
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
  g_printerr ("%s\n", line->str);
}
