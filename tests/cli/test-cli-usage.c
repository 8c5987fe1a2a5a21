/* authenta: the command line itself — help, usage errors and the checks
 * made before any request.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <gio/gio.h>
#include <pty.h>
#include <string.h>
#include <unistd.h>

static void
test_help_lists_commands_and_exit_statuses (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run (NULL, NULL, "--help", NULL);
  cli_assert_status (r, 0);
  for (const char *const *word
       = (const char *const[]){ "scan", "get ID", "list", "delete ID", "tasks",
                                "Exit status", "AUTHENTA_API_KEY",
                                "AUTHENTA_BASE_URL", "--api-key", "--json",
                                "--ca-file", "AUTHENTA_CA_FILE", "TLS", "130",
                                NULL };
       *word; word++)
    g_assert_nonnull (strstr (r->out, *word));
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_help_for_each_command (void)
{
  static const struct
  {
    const char *command;
    const char *options[4];
  } cases[] = {
    { "scan", { "--task", "--model-type", "--no-wait", "--content-type" } },
    { "get", { "ID", "job id", "pre-signed", "Exit status" } },
    { "list", { "--limit", "--offset", "--jobs", "--status" } },
    { "delete", { "ID", "job", "--base-url", "Exit status" } },
    { "tasks", { "--task", "ai-audio-detection", "--json", "Exit status" } },
  };

  cli_test_reset ();
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CliResult) r
          = cli_run (NULL, NULL, cases[i].command, "--help", NULL);
      g_autoptr (CliResult) via_help
          = cli_run (NULL, NULL, "help", cases[i].command, NULL);
      g_autofree char *usage
          = g_strdup_printf ("authenta %s", cases[i].command);

      cli_assert_status (r, 0);
      cli_assert_status (via_help, 0);
      g_assert_cmpstr (r->out, ==, via_help->out);
      g_assert_nonnull (strstr (r->out, usage));
      for (gsize j = 0; j < G_N_ELEMENTS (cases[i].options); j++)
        if (!strstr (r->out, cases[i].options[j]))
          g_error ("'%s --help' does not mention %s:\n%s", cases[i].command,
                   cases[i].options[j], r->out);
    }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_no_command_is_usage_error (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_runv (NULL, NULL, (const char *const[]){ NULL });
  cli_assert_status (r, 2);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_nonnull (strstr (r->err, "scan"));
}

static void
test_unknown_command_is_usage_error (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run (NULL, NULL, "frobnicate", NULL);
  cli_assert_status (r, 2);
  g_assert_nonnull (strstr (r->err, "unknown command 'frobnicate'"));
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_unknown_flag_is_usage_error (void)
{
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 1024);
  {
    g_autoptr (CliResult) before
        = cli_run (NULL, NULL, "--frobnicate", "scan", clip, NULL);
    g_autoptr (CliResult) after
        = cli_run (NULL, NULL, "scan", "--frobnicate", clip, NULL);
    g_autoptr (CliResult) list = cli_run (NULL, NULL, "list", "--bogus", NULL);

    cli_assert_status (before, 2);
    cli_assert_status (after, 2);
    cli_assert_status (list, 2);
    g_assert_nonnull (strstr (after->err, "--frobnicate"));
    g_assert_nonnull (strstr (after->err, "authenta scan --help"));
    g_assert_cmpstr (after->out, ==, "");
  }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_mid_with_slash_makes_no_request (void)
{
  static const char *const bad_mids[] = {
    "abc/def", "../media", "a?b", "", "%2e%2e", "x y",
  };

  cli_test_reset ();
  for (gsize i = 0; i < G_N_ELEMENTS (bad_mids); i++)
    {
      g_autoptr (CliResult) get
          = cli_run (NULL, NULL, "get", bad_mids[i], NULL);
      g_autoptr (CliResult) del
          = cli_run (NULL, NULL, "delete", bad_mids[i], NULL);

      cli_assert_status (get, 2);
      cli_assert_status (del, 2);
      g_assert_nonnull (strstr (get->err, "not a media id"));
      g_assert_cmpstr (get->out, ==, "");
    }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_missing_arguments (void)
{
  cli_test_reset ();
  {
    g_autoptr (CliResult) scan = cli_run (NULL, NULL, "scan", NULL);
    g_autoptr (CliResult) get = cli_run (NULL, NULL, "get", NULL);
    g_autoptr (CliResult) two = cli_run (NULL, NULL, "delete", "a", "b", NULL);
    g_autoptr (CliResult) list = cli_run (NULL, NULL, "list", "extra", NULL);
    g_autoptr (CliResult) limit
        = cli_run (NULL, NULL, "list", "--limit", "0", NULL);
    g_autoptr (CliResult) stdin_twice
        = cli_run (NULL, NULL, "scan", "-", "-", NULL);
    g_autoptr (CliResult) no_wait_delete
        = cli_run (NULL, NULL, "scan", "--no-wait", "--delete", "x.mp4", NULL);

    cli_assert_status (scan, 2);
    cli_assert_status (get, 2);
    cli_assert_status (two, 2);
    cli_assert_status (list, 2);
    cli_assert_status (limit, 2);
    cli_assert_status (stdin_twice, 2);
    cli_assert_status (no_wait_delete, 2);
  }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

/* `authenta scan -` typed at a prompt would wait for input forever. */
static void
test_stdin_terminal_exits_2 (void)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) err = NULL;
  g_auto (GStrv) env = cli_test_environ (NULL);
  const char *cli = g_getenv ("AUTHENTA_CLI");
  const char *argv[]
      = { cli && *cli ? cli : AUTHENTA_CLI_PATH, "scan", "-", NULL };
  int master, slave;

  cli_test_reset ();
  g_assert_cmpint (openpty (&master, &slave, NULL, NULL, NULL), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_take_stdin_fd (launcher, slave);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  close (master);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (err, NULL),
                                  g_bytes_get_size (err), "terminal"));
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_no_key_is_auth_error (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run ("", NULL, "list", NULL);
  cli_assert_status (r, 4);
  g_assert_nonnull (strstr (r->err, "AUTHENTA_API_KEY"));
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_plain_http_needs_insecure (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run (NULL, NULL, "--base-url", "http://authenta.invalid/api", "list",
               NULL);
  cli_assert_status (r, 2);
  g_assert_nonnull (strstr (r->err, "--insecure"));
  g_assert_null (strstr (r->err, CLI_TEST_KEY));
}

/* The help says 0 to 99; -1 (the "not given" mark inside) is no value a
 * user can give. */
static void
test_retries_out_of_range_exits_2 (void)
{
  static const char *const bad[] = { "-1", "100", "abc", "" };

  cli_test_reset ();
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (CliResult) before
          = cli_run (NULL, NULL, "--retries", bad[i], "list", NULL);
      g_autoptr (CliResult) after
          = cli_run (NULL, NULL, "list", "--retries", bad[i], NULL);

      cli_assert_status (before, 2);
      cli_assert_status (after, 2);
      g_assert_nonnull (strstr (after->err, "0 to 99"));
    }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
  {
    g_autoptr (CliResult) zero
        = cli_run (NULL, NULL, "--retries", "0", "list", NULL);
    cli_assert_status (zero, 0);
  }
}

/* --timeout is a positive number of seconds; --poll-interval at least
 * 0.05: 0 (their "not given" mark inside) is refused like any other bad
 * value. */
static void
test_timeout_and_poll_interval_checked (void)
{
  static const char *const cases[][2]
      = { { "--timeout", "0" },         { "--timeout", "-1" },
          { "--timeout", "soon" },      { "--timeout", "1e12" },
          { "--poll-interval", "0" },   { "--poll-interval", "0.01" },
          { "--poll-interval", "4000" } };
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 1024);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CliResult) r
          = cli_run (NULL, NULL, "scan", cases[i][0], cases[i][1], clip, NULL);

      cli_assert_status (r, 2);
      g_assert_nonnull (strstr (r->err, cases[i][0]));
      g_assert_nonnull (strstr (r->err, "seconds"));
    }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

/* A key pasted with a stray space or line break at either end works, from
 * the environment and from --api-key as from a key file. */
static void
test_key_white_space_is_trimmed (void)
{
  g_auto (GStrv) env = cli_test_environ (" \t" CLI_TEST_KEY "\r\n");

  cli_test_reset ();
  {
    g_autoptr (CliResult) r
        = cli_runv (env, NULL, (const char *const[]){ "list", NULL });
    cli_assert_status (r, 0);
  }
  {
    g_autoptr (CliResult) r = cli_run ("api_wrong_key", NULL, "--api-key",
                                       CLI_TEST_KEY " \n", "list", NULL);
    cli_assert_status (r, 0);
  }
  {
    /* Only white space: no key, before any request. */
    g_autoptr (CliResult) r = cli_run (" \n", NULL, "list", NULL);
    cli_assert_status (r, 4);
    g_assert_nonnull (strstr (r->err, "no API key"));
  }
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "list"), ==,
                    2);
}

/* Each refusal before any request has its own hint: a key with a space
 * inside is not told about https, even with a plain-http URL. */
static void
test_setup_failures_have_own_hints (void)
{
  cli_test_reset ();
  {
    g_autoptr (CliResult) r = cli_run ("api_two words", NULL, "list", NULL);
    cli_assert_status (r, 4);
    g_assert_nonnull (strstr (r->err, "space"));
    g_assert_nonnull (strstr (r->err, "AUTHENTA_API_KEY"));
    g_assert_null (strstr (r->err, "--insecure"));
    g_assert_null (strstr (r->err, "api_two"));
  }
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "--base-url",
                                       "ftp://example.com/api", "list", NULL);
    cli_assert_status (r, 2);
    g_assert_nonnull (strstr (r->err, "--base-url"));
    g_assert_nonnull (strstr (r->err, "should look like https://"));
    g_assert_null (strstr (r->err, "--insecure"));
  }
  {
    g_autoptr (CliResult) r = cli_run (
        NULL, NULL, "--base-url", "http://127.0.0.1:9/api?x=1", "list", NULL);
    cli_assert_status (r, 2);
    g_assert_nonnull (strstr (r->err, "query"));
    g_assert_null (strstr (r->err, "--insecure"));
  }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

/* A --content-type that is no media type at all (it would go into the
 * upload's Content-Type header) is refused before any request, with what a
 * valid one looks like, and is not echoed whole: no control character, no
 * 100 KB line. */
static void
test_content_type_not_a_media_type_exits_2 (void)
{
  g_autofree char *huge = NULL;
  g_autofree char *clip = NULL;
  const char *cases[] = {
    "video/mp4\r\nX-Injected: 1",
    "video/mp4; codecs=avc1",
    "video mp4",
    "video/",
    "/mp4",
    "video",
    "video/mp4/x",
    "",
    NULL, /* the huge one */
  };

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 1024);
  huge = g_strnfill (100 * 1024, 'v');
  memcpy (huge + 100 * 1024 - 4, "/mp4", 4);
  cases[G_N_ELEMENTS (cases) - 1] = huge;
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (CliResult) file = cli_run (
          NULL, NULL, "scan", "--content-type", cases[i], clip, NULL);
      g_autoptr (GBytes) input = cli_test_media_bytes ("mp4", 1024);
      g_autoptr (CliResult) piped
          = cli_run (NULL, input, "scan", "-t", cases[i], "-", NULL);

      cli_assert_status (file, 2);
      cli_assert_status (piped, 2);
      g_assert_cmpstr (file->out, ==, "");
      g_assert_cmpstr (file->err, ==, piped->err);
      if (!strstr (file->err, "type/subtype")
          || !strstr (file->err, "video/mp4")
          || !strstr (file->err, "--content-type"))
        g_error ("no hint at a valid --content-type for case %" G_GSIZE_FORMAT
                 ":\n%s",
                 i, file->err);
      g_assert_null (strchr (file->err, '\r'));
      g_assert_null (strstr (file->err, "\nX-Injected"));
      g_assert_cmpuint (strlen (file->err), <, 1024);
    }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
}

static void
test_version (void)
{
  g_autoptr (CliResult) r = NULL;

  r = cli_run (NULL, NULL, "--version", NULL);
  cli_assert_status (r, 0);
  g_assert_true (g_str_has_prefix (r->out, "authenta "));
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/usage/help-lists-commands-and-exit-statuses",
                   test_help_lists_commands_and_exit_statuses);
  g_test_add_func ("/cli/usage/help-for-each-command",
                   test_help_for_each_command);
  g_test_add_func ("/cli/usage/no-command-exits-2",
                   test_no_command_is_usage_error);
  g_test_add_func ("/cli/usage/unknown-command-exits-2",
                   test_unknown_command_is_usage_error);
  g_test_add_func ("/cli/usage/unknown-flag-exits-2-without-requests",
                   test_unknown_flag_is_usage_error);
  g_test_add_func ("/cli/usage/mid-with-slash-exits-2-without-requests",
                   test_mid_with_slash_makes_no_request);
  g_test_add_func ("/cli/usage/missing-or-extra-arguments-exit-2",
                   test_missing_arguments);
  g_test_add_func ("/cli/usage/stdin-terminal-exits-2",
                   test_stdin_terminal_exits_2);
  g_test_add_func ("/cli/usage/no-key-exits-4-without-requests",
                   test_no_key_is_auth_error);
  g_test_add_func ("/cli/usage/plain-http-needs-insecure",
                   test_plain_http_needs_insecure);
  g_test_add_func ("/cli/usage/retries-out-of-range-exits-2",
                   test_retries_out_of_range_exits_2);
  g_test_add_func ("/cli/usage/timeout-and-poll-interval-checked",
                   test_timeout_and_poll_interval_checked);
  g_test_add_func ("/cli/usage/key-white-space-is-trimmed",
                   test_key_white_space_is_trimmed);
  g_test_add_func ("/cli/usage/setup-failures-have-own-hints",
                   test_setup_failures_have_own_hints);
  g_test_add_func ("/cli/usage/content-type-not-a-media-type-exits-2",
                   test_content_type_not_a_media_type_exits_2);
  g_test_add_func ("/cli/usage/version", test_version);
  return cli_test_finish (g_test_run ());
}
