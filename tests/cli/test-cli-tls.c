/* authenta against a TLS endpoint on loopback whose certificate the test
 * makes (the library tests' tls-server.py): an untrusted certificate exits 5
 * with the fix and no talk of the network; --ca-file and AUTHENTA_CA_FILE
 * make it trusted; a CA file that cannot be used is reported before any
 * connection, naming the file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

static char *tls_dir;
static char *tls_cert;
static char *tls_key;
static char *tls_log;
static GSubprocess *tls_server;
static char *tls_base_url;

static gboolean
run_quietly (const char *const *argv)
{
  int status = 0;

  if (!g_spawn_sync (NULL, (char **)argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL
                         | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* The server and its certificate, once for the program; FALSE when
 * openssl or python3 is missing (the tests are then skipped). */
static gboolean
ensure_tls_server (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *port = NULL;
  g_autofree char *openssl = NULL;
  g_autofree char *python = NULL;

  if (tls_server)
    return TRUE;
  openssl = g_find_program_in_path ("openssl");
  python = g_find_program_in_path ("python3");
  if (!openssl || !python)
    return FALSE;
  tls_dir = g_dir_make_tmp ("authenta-cli-tls-XXXXXX", &error);
  g_assert_no_error (error);
  tls_cert = g_build_filename (tls_dir, "cert.pem", NULL);
  tls_key = g_build_filename (tls_dir, "key.pem", NULL);
  tls_log = g_build_filename (tls_dir, "connections.log", NULL);
  {
    const char *argv[] = {
      "openssl",  "req",           "-x509",   "-newkey",
      "rsa:2048", "-nodes",        "-keyout", tls_key,
      "-out",     tls_cert,        "-days",   "1",
      "-subj",    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      NULL
    };
    g_assert_true (run_quietly (argv));
  }
  g_assert_true (g_file_set_contents (tls_log, "", 0, NULL));
  tls_server = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
      "python3", TLS_SERVER_PY, tls_cert, tls_key, tls_log, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (tls_server));
  /* The server prints its port at once, or dies and gives EOF. */
  port = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  tls_base_url = g_strdup_printf ("https://127.0.0.1:%s/api", port);
  return TRUE;
}

static void
stop_tls_server (void)
{
  if (!tls_server)
    return;
  /* Closing its stdin ends the server. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (tls_server), NULL, NULL);
  g_subprocess_wait (tls_server, NULL, NULL);
  g_clear_object (&tls_server);
  g_unlink (tls_cert);
  g_unlink (tls_key);
  g_unlink (tls_log);
  g_rmdir (tls_dir);
  g_free (tls_cert);
  g_free (tls_key);
  g_free (tls_log);
  g_free (tls_dir);
  g_free (tls_base_url);
}

static guint
connections (void)
{
  g_autofree char *text = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (tls_log, &text, NULL, NULL));
  for (const char *p = text; (p = strchr (p, '\n')) != NULL; p++)
    n++;
  return n;
}

/* cli_run's environment with the base URL at the TLS server and none of
 * the CA variables, unless var names one to set to value. */
static char **
tls_environ (const char *var, const char *value)
{
  char **env = cli_test_environ (NULL);

  env = g_environ_setenv (env, "AUTHENTA_BASE_URL", tls_base_url, TRUE);
  env = g_environ_unsetenv (env, "AUTHENTA_CA_FILE");
  env = g_environ_unsetenv (env, "CURL_CA_BUNDLE");
  env = g_environ_unsetenv (env, "SSL_CERT_FILE");
  if (var)
    env = g_environ_setenv (env, var, value, TRUE);
  return env;
}

static void
assert_no_key (const CliResult *r)
{
  g_assert_null (strstr (r->out, CLI_TEST_KEY));
  g_assert_null (strstr (r->err, CLI_TEST_KEY));
}

/* The system's CAs only: the test's certificate is not among them.  Exit 5
 * with the fix, on one connection although retries are allowed. */
static void
test_untrusted_certificate_exits_5 (void)
{
  g_auto (GStrv) env = NULL;
  guint before;

  if (!ensure_tls_server ())
    {
      g_test_skip ("needs openssl and python3");
      return;
    }
  cli_test_reset ();
  env = tls_environ (NULL, NULL);
  before = connections ();
  {
    g_autoptr (CliResult) r = cli_runv (
        env, NULL,
        (const char *const[]){ "--retries", "3", "get", "abc", NULL });

    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "127.0.0.1"));
    g_assert_nonnull (strstr (r->err, "not trusted"));
    g_assert_nonnull (strstr (r->err, "--ca-file"));
    g_assert_nonnull (strstr (r->err, "AUTHENTA_CA_FILE"));
    g_assert_null (strstr (r->err, "check the network"));
    g_assert_null (strstr (r->err, "--help"));
    g_assert_cmpstr (r->out, ==, "");
    assert_no_key (r);
  }
  g_assert_cmpuint (connections () - before, ==, 1);
}

/* Trusted by --ca-file or by any of the variables: the request reaches the
 * server, whose 404 (exit 8) says it was answered over TLS. */
static void
test_ca_file_makes_it_trusted (void)
{
  static const char *const vars[]
      = { NULL, "AUTHENTA_CA_FILE", "CURL_CA_BUNDLE", "SSL_CERT_FILE" };

  if (!ensure_tls_server ())
    {
      g_test_skip ("needs openssl and python3");
      return;
    }
  cli_test_reset ();
  for (gsize i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_auto (GStrv) env = tls_environ (vars[i], tls_cert);
      g_autoptr (CliResult) r = NULL;

      if (vars[i])
        r = cli_runv (env, NULL, (const char *const[]){ "get", "abc", NULL });
      else
        r = cli_runv (
            env, NULL,
            (const char *const[]){ "--ca-file", tls_cert, "get", "abc", NULL });
      g_test_message ("%s: %s", vars[i] ? vars[i] : "--ca-file", r->err);
      cli_assert_status (r, 8);
      g_assert_null (strstr (r->err, "not trusted"));
      assert_no_key (r);
    }
  {
    /* The flag wins over the environment. */
    g_auto (GStrv) env = tls_environ ("AUTHENTA_CA_FILE", "/nonexistent");
    g_autoptr (CliResult) r = cli_runv (
        env, NULL,
        (const char *const[]){ "get", "--ca-file", tls_cert, "abc", NULL });
    cli_assert_status (r, 8);
  }
}

/* A CA file that cannot be used is reported before any connection (the
 * library checks it when the client is made) or at the handshake (not a
 * PEM file): exit 5, naming the file or the fix, never the key. */
static void
test_unusable_ca_file_exits_5 (void)
{
  g_autofree char *junk = NULL;
  guint before;

  if (!ensure_tls_server ())
    {
      g_test_skip ("needs openssl and python3");
      return;
    }
  cli_test_reset ();
  before = connections ();
  {
    g_auto (GStrv) env = tls_environ (NULL, NULL);
    g_autoptr (CliResult) r
        = cli_runv (env, NULL,
                    (const char *const[]){ "--ca-file", "/nonexistent/ca.pem",
                                           "get", "abc", NULL });

    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "/nonexistent/ca.pem"));
    g_assert_nonnull (strstr (r->err, "PEM"));
    g_assert_nonnull (strstr (r->err, "--ca-file"));
    g_assert_null (strstr (r->err, "check the network"));
    g_assert_null (strstr (r->err, "--help"));
    assert_no_key (r);
  }
  {
    g_auto (GStrv) env
        = tls_environ ("AUTHENTA_CA_FILE", "/nonexistent/ca.pem");
    g_autoptr (CliResult) r
        = cli_runv (env, NULL, (const char *const[]){ "list", NULL });

    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "/nonexistent/ca.pem"));
    g_assert_nonnull (strstr (r->err, "AUTHENTA_CA_FILE"));
    assert_no_key (r);
  }
  g_assert_cmpuint (connections () - before, ==, 0);
  {
    g_auto (GStrv) env = tls_environ (NULL, NULL);
    g_autoptr (CliResult) r = NULL;

    junk = g_build_filename (cli_test_files_dir (), "junk.pem", NULL);
    g_assert_true (g_file_set_contents (junk, "not a certificate\n", -1, NULL));
    r = cli_runv (
        env, NULL,
        (const char *const[]){ "--ca-file", junk, "get", "abc", NULL });
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "CA"));
    g_assert_nonnull (strstr (r->err, "--ca-file"));
    g_assert_null (strstr (r->err, "check the network"));
    g_assert_null (strstr (r->err, "--help"));
    assert_no_key (r);
  }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

int
main (int argc, char **argv)
{
  int status;

  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/tls/untrusted-certificate-exits-5",
                   test_untrusted_certificate_exits_5);
  g_test_add_func ("/cli/tls/ca-file-makes-it-trusted",
                   test_ca_file_makes_it_trusted);
  g_test_add_func ("/cli/tls/unusable-ca-file-exits-5",
                   test_unusable_ca_file_exits_5);
  status = g_test_run ();
  stop_tls_server ();
  return cli_test_finish (status);
}
