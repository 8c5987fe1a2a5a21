/* libauthenta against a TLS endpoint on loopback whose certificate the test
 * makes: an untrusted certificate is a TLS error that says how to fix it
 * and is never retried; ca-file and AUTHENTA_CA_FILE make it trusted.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

typedef struct
{
  char *dir;
  char *cert;
  char *log;
  GSubprocess *server;
  char *base_url;
} Fixture;

static void
run_or_die (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *port = NULL;
  g_autoptr (GDataInputStream) out = NULL;

  f->dir = g_dir_make_tmp ("authenta-tls-XXXXXX", &error);
  g_assert_no_error (error);
  f->cert = g_build_filename (f->dir, "cert.pem", NULL);
  key = g_build_filename (f->dir, "key.pem", NULL);
  f->log = g_build_filename (f->dir, "connections.log", NULL);
  {
    const char *argv[] = {
      "openssl",  "req",           "-x509",   "-newkey",
      "rsa:2048", "-nodes",        "-keyout", key,
      "-out",     f->cert,         "-days",   "1",
      "-subj",    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
      NULL
    };
    run_or_die (argv);
  }
  g_assert_true (g_file_set_contents (f->log, "", 0, NULL));
  f->server = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
      "python3", TLS_SERVER_PY, f->cert, key, f->log, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  /* The server prints its port at once, or dies and gives EOF. */
  port = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  f->base_url = g_strdup_printf ("https://127.0.0.1:%s/api", port);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *key = g_build_filename (f->dir, "key.pem", NULL);

  /* Closing its stdin ends the server. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (f->server), NULL, NULL);
  g_subprocess_wait (f->server, NULL, NULL);
  g_object_unref (f->server);
  g_unlink (f->cert);
  g_unlink (key);
  g_unlink (f->log);
  g_rmdir (f->dir);
  g_free (f->cert);
  g_free (f->log);
  g_free (f->dir);
  g_free (f->base_url);
}

static guint
connections (Fixture *f)
{
  g_autofree char *text = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (f->log, &text, NULL, NULL));
  for (const char *p = text; (p = strchr (p, '\n')) != NULL; p++)
    n++;
  return n;
}

static AuthentaClient *
make_client (Fixture *f, const char *ca_file)
{
  g_autoptr (GError) error = NULL;
  AuthentaClient *client = g_initable_new (
      AUTHENTA_TYPE_CLIENT, NULL, &error, "base-url", f->base_url, "api-key",
      "api_tls_test_key", "ca-file", ca_file, "retry-base-delay", 1,
      "retry-max-delay", 2, NULL);

  g_assert_no_error (error);
  return client;
}

static void
test_untrusted (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GError) error = NULL;

  /* The system's CAs only: our certificate is not among them. */
  g_unsetenv ("AUTHENTA_CA_FILE");
  g_unsetenv ("CURL_CA_BUNDLE");
  g_unsetenv ("SSL_CERT_FILE");
  client = make_client (f, NULL);
  media = authenta_client_get_media (client, "abc", NULL, &error);
  g_assert_null (media);
  g_test_message ("%s", error->message);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "certificate of 127.0.0.1"));
  g_assert_nonnull (strstr (error->message, "not trusted"));
  g_assert_nonnull (strstr (error->message, "AUTHENTA_CA_FILE"));
  g_assert_null (strstr (error->message, "api_tls_test_key"));
  /* Never retried: one connection, although retries are allowed. */
  g_assert_cmpuint (connections (f), ==, 1);
}

/* Trusted by the property or the environment: the request gets through
 * to the server, whose 404 says it was answered over TLS. */
static void
test_trusted (Fixture *f, gconstpointer data)
{
  static const char *const how[]
      = { "property", "AUTHENTA_CA_FILE", "CURL_CA_BUNDLE", "SSL_CERT_FILE" };

  for (guint i = 0; i < G_N_ELEMENTS (how); i++)
    {
      g_autoptr (AuthentaClient) client = NULL;
      g_autoptr (AuthentaMedia) media = NULL;
      g_autoptr (GError) error = NULL;

      g_unsetenv ("AUTHENTA_CA_FILE");
      g_unsetenv ("CURL_CA_BUNDLE");
      g_unsetenv ("SSL_CERT_FILE");
      if (i > 0)
        g_setenv (how[i], f->cert, TRUE);
      client = make_client (f, i == 0 ? f->cert : NULL);
      media = authenta_client_get_media (client, "abc", NULL, &error);
      g_test_message ("%s: %s", how[i], error ? error->message : "ok");
      g_assert_null (media);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
    }
  g_unsetenv ("AUTHENTA_CA_FILE");
  g_unsetenv ("CURL_CA_BUNDLE");
  g_unsetenv ("SSL_CERT_FILE");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/tls/untrusted-certificate-is-a-tls-error-not-retried", Fixture,
              NULL, fixture_set_up, test_untrusted, fixture_tear_down);
  g_test_add ("/tls/ca-file-and-environment-make-it-trusted", Fixture, NULL,
              fixture_set_up, test_trusted, fixture_tear_down);
  return g_test_run ();
}
