/* authenta: the command-line tool.  Global options, subcommand dispatch
 * and the client every subcommand shares.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

CliGlobal cli_global;

#define CLI_EXIT_TEXT                                                          \
  "Exit status:\n"                                                             \
  "  0    authentic (scan, get), or the command succeeded\n"                   \
  "  1    fake detected (scan: in any of the files; get: in the record)\n"     \
  "  2    usage: unknown option or command, bad argument, malformed mid\n"     \
  "  3    local file: missing, a directory, unreadable, unsupported type;\n"   \
  "       or the output could not be written\n"                                \
  "  4    authentication: key missing or refused, permission, credits\n"       \
  "  5    the service or the connection: a service failure or an answer\n"     \
  "       the API does not give, network, TLS (certificate not trusted,\n"     \
  "       CA file unusable), upload refused, no API at the base URL\n"         \
  "  6    time-out (--timeout, or the service took too long)\n"                \
  "  7    processing failed on the service\n"                                  \
  "  8    no such record (spool: no such entry)\n"                             \
  "  9    --spool-dir, spool run: a passing failure (network, service,\n"      \
  "       time-out); the scan stays journaled for 'authenta spool run'\n"      \
  "  10   processed, but the answer holds no verdict (UNKNOWN)\n"              \
  "  130  interrupted"

#define CLI_ENV_TEXT                                                           \
  "Environment:\n"                                                             \
  "  AUTHENTA_API_KEY   the API key (preferred over --api-key, which other\n"  \
  "                     users can see in `ps`)\n"                              \
  "  AUTHENTA_BASE_URL  the service, default " AUTHENTA_DEFAULT_BASE_URL "\n"  \
  "  AUTHENTA_CA_FILE   a PEM file of the CAs to trust instead of the\n"       \
  "                     system's (also CURL_CA_BUNDLE, SSL_CERT_FILE)\n"       \
  "  AUTHENTA_SPOOL_DIR the journal's folder (scan --spool-dir, spool)"

static gboolean
parse_retries (const char *option_name, const char *value, gpointer data,
               GError **error)
{
  guint64 n;

  /* Parsed here rather than as an int so that -1, the "not given" mark,
   * cannot be given. */
  if (!g_ascii_string_to_unsigned (value, 10, 0, 99, &n, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s must be a whole number from 0 to 99", option_name);
      return FALSE;
    }
  cli_global.retries = (int)n;
  return TRUE;
}

static const GOptionEntry global_entries[] = {
  { "api-key", 0, 0, G_OPTION_ARG_STRING, &cli_global.api_key,
    "The API key (default: $AUTHENTA_API_KEY, which is safer: other users "
    "can read a command line)",
    "KEY" },
  { "api-key-file", 0, 0, G_OPTION_ARG_FILENAME, &cli_global.api_key_file,
    "Read the API key from FILE", "FILE" },
  { "base-url", 0, 0, G_OPTION_ARG_STRING, &cli_global.base_url,
    "The service (default: $AUTHENTA_BASE_URL, else " AUTHENTA_DEFAULT_BASE_URL
    ")",
    "URL" },
  { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &cli_global.ca_file,
    "Trust the CA certificates in FILE (PEM) instead of the system's, for a "
    "service with a private CA (default: $AUTHENTA_CA_FILE, else "
    "$CURL_CA_BUNDLE, else $SSL_CERT_FILE)",
    "FILE" },
  { "json", 'j', 0, G_OPTION_ARG_NONE, &cli_global.json,
    "Print records as the service sent them, one JSON document per line",
    NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &cli_global.quiet,
    "No progress, and no summary from scan and delete (errors are still "
    "reported)",
    NULL },
  { "verbose", 'v', 0, G_OPTION_ARG_NONE, &cli_global.verbose,
    "Log the library's requests on stderr (the key is never shown)", NULL },
  { "insecure", 0, 0, G_OPTION_ARG_NONE, &cli_global.insecure,
    "Allow plain http to a host that is not loopback", NULL },
  { "retries", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)parse_retries,
    "Retry a request that failed for a passing reason (HTTP 408, 429, 500, "
    "502, 503, 504, a failed connection or a transfer time-out) N times, 0 to "
    "99, with growing "
    "delays (default 3)",
    "N" },
  { NULL }
};

GOptionContext *
cli_subcommand_context (const char *parameter, const char *summary,
                        const char *description, const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter);
  g_autofree char *full_description = NULL;

  g_option_context_set_summary (context, summary);
  full_description
      = g_strconcat (description ? description : "", description ? "\n\n" : "",
                     CLI_EXIT_TEXT, "\n\n", CLI_ENV_TEXT, NULL);
  g_option_context_set_description (context, full_description);
  if (entries)
    g_option_context_add_main_entries (context, entries, NULL);
  /* The global options are accepted after the subcommand's name too, and
   * listed in its --help, so they sit in the main group. */
  g_option_context_add_main_entries (context, global_entries, NULL);
  return context;
}

static void
enable_verbose (void)
{
  const char *current = g_getenv ("G_MESSAGES_DEBUG");
  g_autofree char *domains = NULL;

  if (!cli_global.verbose)
    return;
  /* The library logs under "Authenta"; GLib's default writer reads this
   * variable at each message.  Still single-threaded here. */
  domains = g_strjoin (" ", current && *current ? current : "Authenta",
                       "Authenta", G_LOG_DOMAIN, NULL);
  g_setenv ("G_MESSAGES_DEBUG", domains, TRUE);
}

void
cli_usage_error (const char *command, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (command)
    g_printerr ("authenta %s: %s\nRun 'authenta %s --help' for usage.\n",
                command, message, command);
  else
    g_printerr ("authenta: %s\nRun 'authenta --help' for usage.\n", message);
}

/* Returns -1 when parsing went well and the command should run, else the
 * exit status. */
int
cli_parse_subcommand (GOptionContext *context, const char *command, int *argc,
                      char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("authenta %s", command);

  /* So that --help says "authenta scan [OPTION…] FILE…". */
  g_set_prgname (prgname);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      cli_usage_error (command, "%s", error->message);
      return CLI_EXIT_USAGE;
    }
  /* GOption keeps a "--" when an argument after it starts with '-' (or
   * when arguments come before it too); whatever it kept, the first "--"
   * is the separator, never a file or an id. */
  for (int i = 1; i < *argc; i++)
    if (g_str_equal ((*argv)[i], "--"))
      {
        memmove (&(*argv)[i], &(*argv)[i + 1],
                 (gsize)(*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }
  enable_verbose ();
  return -1;
}

gboolean
cli_check_mid (const char *command, const char *mid)
{
  gsize len = strlen (mid);

  /* The library refuses such ids as well; checking here gives a message
   * about the command line rather than about an API call.  A mid goes into
   * a URL path, so '/', '?', '%', '.' and friends are never sent. */
  if (len == 0 || len > 64)
    goto bad;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (mid[i]) && mid[i] != '-' && mid[i] != '_')
      goto bad;
  return TRUE;

bad:
  {
    g_autofree char *shown = cli_sanitize (mid);
    cli_usage_error (
        command,
        "'%s' is not a media id or job id: an id is 1 to 64 letters, "
        "digits, '-' or '_' (see 'authenta list')",
        shown);
  }
  return FALSE;
}

static char *
read_key_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return g_strdup (g_strstrip (contents));
}

/* Why g_initable_new() refused the base URL, as something to do.  The
 * library's message says what is wrong; this names the setting to fix. */
static char *
base_url_hint (const char *base_url)
{
  g_autoptr (GUri) uri = NULL;
  const char *origin = cli_global.base_url ? "--base-url" : "AUTHENTA_BASE_URL";
  const char *scheme;
  const char *host;

  if (base_url)
    uri = g_uri_parse (base_url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri ? g_uri_get_scheme (uri) : NULL;
  host = uri ? g_uri_get_host (uri) : NULL;
  if (!uri || !host || !*host
      || (g_ascii_strcasecmp (scheme, "https") != 0
          && g_ascii_strcasecmp (scheme, "http") != 0))
    return g_strdup_printf ("check %s: it should look like "
                            "%s",
                            origin, AUTHENTA_DEFAULT_BASE_URL);
  if (g_uri_get_query (uri) || g_uri_get_fragment (uri)
      || g_uri_get_userinfo (uri))
    return g_strdup_printf ("give %s without a user name, '?' query or '#' "
                            "fragment, e.g. %s",
                            origin, AUTHENTA_DEFAULT_BASE_URL);
  /* Well formed: the one other refusal is plain http to another host. */
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !cli_global.insecure)
    return g_strdup ("use an https URL; --insecure allows plain http for a "
                     "test set-up (the key then travels in clear text)");
  return g_strdup_printf ("check %s", origin);
}

/* A key pasted from the dashboard or a password manager often brings a
 * stray space or line break at either end; inside, it would be a mistake,
 * which the library refuses. */
static char *
trimmed_key (const char *key)
{
  return key ? g_strstrip (g_strdup (key)) : NULL;
}

AuthentaClient *
cli_make_client (int *out_exit)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;
  const char *base_url = cli_global.base_url;
  AuthentaClient *client;

  g_clear_pointer (&cli_global.key_origin, g_free);
  if (cli_global.api_key)
    {
      key = trimmed_key (cli_global.api_key);
      cli_global.key_origin = g_strdup ("--api-key");
    }
  else if (cli_global.api_key_file)
    {
      g_autofree char *shown = cli_sanitize (cli_global.api_key_file);

      key = read_key_file (cli_global.api_key_file, &error);
      if (!key)
        {
          g_autofree char *message = cli_sanitize (error->message);

          g_printerr ("authenta: cannot read the API key file: %s\n"
                      "  check the path given with --api-key-file\n",
                      message);
          *out_exit = CLI_EXIT_LOCAL_FILE;
          return NULL;
        }
      cli_global.key_origin = g_strdup_printf ("the file %s", shown);
    }
  else
    {
      key = trimmed_key (g_getenv ("AUTHENTA_API_KEY"));
      cli_global.key_origin = g_strdup ("AUTHENTA_API_KEY");
    }
  if (!key || !*key)
    {
      if (cli_global.api_key || cli_global.api_key_file)
        g_printerr ("authenta: the API key given with %s is empty\n"
                    "  give the key from the Authenta dashboard\n",
                    cli_global.api_key ? "--api-key" : "--api-key-file");
      else
        g_printerr ("authenta: no API key: set AUTHENTA_API_KEY to your key "
                    "(create one in the Authenta dashboard), or give "
                    "--api-key-file FILE\n");
      *out_exit = CLI_EXIT_AUTH;
      return NULL;
    }
  if (!base_url)
    {
      base_url = g_getenv ("AUTHENTA_BASE_URL");
      if (base_url && !*base_url)
        base_url = NULL;
    }

  g_debug ("using the service at %s",
           base_url ? base_url : AUTHENTA_DEFAULT_BASE_URL);
  client = g_initable_new (AUTHENTA_TYPE_CLIENT, NULL, &error, "base-url",
                           base_url, "api-key", key, "allow-insecure",
                           cli_global.insecure, "ca-file", cli_global.ca_file,
                           NULL);
  /* Our copy of the key is not needed any more. */
  authenta_secret_wipe (key);
  if (!client)
    {
      g_autofree char *hint = NULL;

      /* Each refusal its own hint: the library checks the URL first, then
       * the key. */
      if (g_error_matches (error, AUTHENTA_ERROR,
                           AUTHENTA_ERROR_INVALID_API_KEY))
        hint = g_strdup_printf ("a key is one word, as the dashboard shows "
                                "it: check %s for a space or line break "
                                "inside it",
                                cli_global.key_origin);
      else if (g_error_matches (error, AUTHENTA_ERROR,
                                AUTHENTA_ERROR_INVALID_ARGUMENT))
        hint = base_url_hint (base_url);
      /* Before any request, the one TLS refusal is the CA file; the
       * library's message names the file and the variable it came from. */
      else if (g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TLS))
        hint = g_strdup (cli_global.ca_file
                             ? "check the path given with --ca-file"
                             : "fix or unset that variable, or give "
                               "--ca-file FILE");
      cli_report_error_with_hint (NULL, error, hint);
      *out_exit = cli_error_exit_code (error);
      return NULL;
    }
  if (cli_global.retries >= 0)
    g_object_set (client, "retry-attempts", (guint)cli_global.retries + 1,
                  NULL);
  return client;
}

static void
print_main_help (GOptionContext *context, gboolean to_stderr)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  if (to_stderr)
    g_printerr ("%s", help);
  else
    g_print ("%s", help);
}

static int
run_command (const char *command, int argc, char **argv)
{
  if (g_str_equal (command, "scan"))
    return cli_cmd_scan (argc, argv);
  if (g_str_equal (command, "get"))
    return cli_cmd_get (argc, argv);
  if (g_str_equal (command, "list"))
    return cli_cmd_list (argc, argv);
  if (g_str_equal (command, "delete"))
    return cli_cmd_delete (argc, argv);
  if (g_str_equal (command, "spool"))
    return cli_cmd_spool (argc, argv);
  if (g_str_equal (command, "tasks"))
    return cli_cmd_tasks (argc, argv);
  return -1;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  gboolean version = FALSE;
  const GOptionEntry main_entries[]
      = { { "version", 0, 0, G_OPTION_ARG_NONE, &version,
            "Print the version and exit", NULL },
          { NULL } };
  int status;

  setlocale (LC_ALL, "");
  cli_global.retries = -1; /* the library's default */
  /* stdout carries results (and JSON); every log line goes to stderr. */
  g_log_writer_default_set_use_stderr (TRUE);
  g_set_prgname ("authenta");

  context = g_option_context_new ("COMMAND [OPTION…] [ARGUMENT…]");
  g_option_context_set_summary (
      context,
      "Check video, image and audio files for deepfakes with the Authenta "
      "service.\n"
      "\n"
      "Commands:\n"
      "  scan FILE…|-   upload files (or standard input) and print the "
      "verdicts\n"
      "  get ID         print one record (mid) or job (job id) and its "
      "verdict\n"
      "  list           list your records (--jobs: your jobs; --limit, "
      "--offset, --all)\n"
      "  delete ID      delete a record or a job\n"
      "  tasks          what the service can check for, and in which files\n"
      "  spool list|run|forget|prune\n"
      "                 the journal of scans --spool-dir keeps\n"
      "  help COMMAND   the options of COMMAND (also: authenta COMMAND "
      "--help)");
  g_option_context_set_description (context, CLI_EXIT_TEXT "\n\n" CLI_ENV_TEXT);
  /* Options after the command name belong to the command. */
  g_option_context_set_strict_posix (context, TRUE);
  g_option_context_add_main_entries (context, main_entries, NULL);
  g_option_context_add_main_entries (context, global_entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      cli_usage_error (NULL, "%s", error->message);
      return CLI_EXIT_USAGE;
    }
  if (version)
    {
      g_print ("authenta %s (libauthenta %s)\n", AUTHENTA_VERSION_STRING,
               authenta_get_version ());
      return 0;
    }
  if (argc < 2)
    {
      print_main_help (context, TRUE);
      return CLI_EXIT_USAGE;
    }

  if (g_str_equal (argv[1], "help"))
    {
      char *help_argv[] = { argc > 2 ? argv[2] : NULL, (char *)"--help", NULL };

      if (argc < 3)
        {
          print_main_help (context, FALSE);
          return 0;
        }
      status = run_command (argv[2], 2, help_argv);
      if (status < 0)
        {
          g_autofree char *shown = cli_sanitize (argv[2]);
          cli_usage_error (NULL, "unknown command '%s'", shown);
          return CLI_EXIT_USAGE;
        }
      return status;
    }

  status = run_command (argv[1], argc - 1, argv + 1);
  if (status < 0)
    {
      g_autofree char *shown = cli_sanitize (argv[1]);
      cli_usage_error (NULL,
                       "unknown command '%s' (commands: scan, get, list, "
                       "delete, tasks, spool)",
                       shown);
      return CLI_EXIT_USAGE;
    }
  /* Results that could not be written (a full disk, a closed pipe) must
   * not pass for success. */
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      g_printerr ("authenta: cannot write the output: %s\n",
                  g_strerror (errno));
      if (status == CLI_EXIT_AUTHENTIC)
        status = CLI_EXIT_LOCAL_FILE;
    }
  return status;
}
