/* Helpers for the tests of the authenta command-line tool.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>

static TestEmulator *emulator;
static char *test_dir;
static char *spool_dir;
static char *files_dir;

void
cli_result_free (CliResult *result)
{
  g_free (result->out);
  g_free (result->err);
  g_free (result);
}

void
cli_test_init (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;

  g_test_init (argc, argv, NULL);
  /* A command that exits before reading its standard input (a refused
   * option) closes the pipe the test is still writing: EPIPE, which
   * g_subprocess_communicate() ignores, rather than SIGPIPE, which would
   * kill the test when it happens to write late (under valgrind). */
  signal (SIGPIPE, SIG_IGN);
  test_dir = g_dir_make_tmp ("authenta-cli-test-XXXXXX", &error);
  g_assert_no_error (error);
  spool_dir = g_build_filename (test_dir, "spool", NULL);
  files_dir = g_build_filename (test_dir, "files", NULL);
  g_assert_cmpint (g_mkdir (spool_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (files_dir, 0700), ==, 0);
}

/* Started on first use, so that listing the tests (-l) starts nothing. */
static void
ensure_emulator (void)
{
  if (emulator)
    return;
  /* Fast processing keeps each scan well under a second. */
  emulator = test_emulator_start ("--processing-time", "0.1", "--api-key",
                                  CLI_TEST_KEY ":rwd", "--api-key",
                                  CLI_TEST_KEY_READ_ONLY ":r", "--api-key",
                                  CLI_TEST_KEY_NO_DELETE ":rw", NULL);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir)
    while ((name = g_dir_read_name (dir)))
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
  g_remove (path);
}

int
cli_test_finish (int status)
{
  if (emulator)
    test_emulator_stop (emulator);
  remove_tree (test_dir);
  g_free (test_dir);
  g_free (spool_dir);
  g_free (files_dir);
  return status;
}

TestEmulator *
cli_test_emulator (void)
{
  ensure_emulator ();
  return emulator;
}

static void
empty_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir)
    while ((name = g_dir_read_name (dir)))
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        remove_tree (child);
      }
}

void
cli_test_reset (void)
{
  test_emulator_reset (cli_test_emulator ());
  empty_dir (spool_dir);
  empty_dir (files_dir);
}

const char *
cli_test_spool_dir (void)
{
  return spool_dir;
}

guint
cli_test_count_spool_files (void)
{
  g_autoptr (GDir) dir = g_dir_open (spool_dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir))
    n++;
  return n;
}

GBytes *
cli_test_media_bytes (const char *kind, gsize size)
{
  /* Just the signatures the sniffer looks at; the emulator does not
   * decode media. */
  static const guint8 mp4[]
      = { 0x00, 0x00, 0x00, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm',
          0x00, 0x00, 0x02, 0x00, 'i', 's', 'o', 'm', 'm', 'p', '4', '1' };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
                                 'F',  'I',  'F',  0x00, 0x01, 0x01, 0x00 };
  static const guint8 png[] = { 0x89, 'P',  'N',  'G',  0x0d, 0x0a, 0x1a, 0x0a,
                                0x00, 0x00, 0x00, 0x0d, 'I',  'H',  'D',  'R' };
  /* An ID3v2 tag (MP3) and a RIFF WAVE header. */
  static const guint8 mp3[]
      = { 'I', 'D', '3', 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
  static const guint8 wav[]
      = { 'R', 'I', 'F', 'F', 0x24, 0x00, 0x00, 0x00, 'W', 'A', 'V', 'E' };
  static const guint8 junk[] = "this is not a media file at all\n";
  const guint8 *head;
  gsize head_len;
  guint8 *data;

  if (g_str_equal (kind, "mp4"))
    head = mp4, head_len = sizeof mp4;
  else if (g_str_equal (kind, "jpeg"))
    head = jpeg, head_len = sizeof jpeg;
  else if (g_str_equal (kind, "png"))
    head = png, head_len = sizeof png;
  else if (g_str_equal (kind, "mp3"))
    head = mp3, head_len = sizeof mp3;
  else if (g_str_equal (kind, "wav"))
    head = wav, head_len = sizeof wav;
  else
    head = junk, head_len = sizeof junk - 1;

  size = MAX (size, head_len);
  data = g_malloc (size);
  memcpy (data, head, head_len);
  for (gsize i = head_len; i < size; i++)
    data[i] = (guint8)(i * 31 + 7);
  if (g_str_equal (kind, "mp4") && size >= head_len + 8)
    {
      /* The rest as one 'free' box, so the file stays well formed. */
      guint32 box = (guint32)(size - head_len);

      data[head_len] = (guint8)(box >> 24);
      data[head_len + 1] = (guint8)(box >> 16);
      data[head_len + 2] = (guint8)(box >> 8);
      data[head_len + 3] = (guint8)box;
      memcpy (data + head_len + 4, "free", 4);
    }
  return g_bytes_new_take (data, size);
}

char *
cli_test_write_media (const char *name, const char *kind, gsize size)
{
  g_autoptr (GBytes) bytes = cli_test_media_bytes (kind, size);
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (files_dir, name, NULL);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  g_file_set_contents (path, data, (gssize)len, &error);
  g_assert_no_error (error);
  return path;
}

char **
cli_test_environ (const char *key)
{
  char **env = g_get_environ ();

  env = g_environ_setenv (env, "AUTHENTA_API_KEY", key ? key : CLI_TEST_KEY,
                          TRUE);
  env = g_environ_setenv (env, "AUTHENTA_BASE_URL",
                          test_emulator_get_base_url (cli_test_emulator ()),
                          TRUE);
  env = g_environ_setenv (env, "TMPDIR", spool_dir, TRUE);
  env = g_environ_unsetenv (env, "G_MESSAGES_DEBUG");
  /* Keep messages in English and numbers with a dot. */
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  return env;
}

static const char *
cli_path (void)
{
  const char *path = g_getenv ("AUTHENTA_CLI");

  return path && *path ? path : AUTHENTA_CLI_PATH;
}

CliResult *
cli_runv (char **envp, GBytes *input, const char *const *argv)
{
  return cli_runv_in (NULL, envp, input, argv);
}

const char *
cli_test_files_dir (void)
{
  return files_dir;
}

CliResult *
cli_runv_in (const char *cwd, char **envp, GBytes *input,
             const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GPtrArray) full_argv = g_ptr_array_new ();
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) err = NULL;
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) default_env = NULL;
  CliResult *result = g_new0 (CliResult, 1);
  gsize len;
  const char *data;

  if (!envp)
    envp = default_env = cli_test_environ (NULL);

  g_ptr_array_add (full_argv, (char *)cli_path ());
  for (guint i = 0; argv[i]; i++)
    {
      g_ptr_array_add (full_argv, (char *)argv[i]);
      /* Poll the emulator's short processing often: a scan then takes a
       * tenth of a second rather than the default first second. */
      if (g_str_equal (argv[i], "scan"))
        g_ptr_array_add (full_argv, (char *)"--poll-interval=0.05");
    }
  g_ptr_array_add (full_argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_set_environ (launcher, envp);
  if (cwd)
    g_subprocess_launcher_set_cwd (launcher, cwd);
  proc = g_subprocess_launcher_spawnv (
      launcher, (const char *const *)full_argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, input ? input : empty, NULL, &out, &err,
                            &error);
  g_assert_no_error (error);

  if (g_subprocess_get_if_exited (proc))
    result->status = g_subprocess_get_exit_status (proc);
  else
    result->status = 128 + g_subprocess_get_term_sig (proc);
  /* Empty output gives NULL data: keep "" so that tests compare text. */
  data = g_bytes_get_data (out, &len);
  result->out = len ? g_strndup (data, len) : g_strdup ("");
  data = g_bytes_get_data (err, &len);
  result->err = len ? g_strndup (data, len) : g_strdup ("");
  if (g_test_verbose ())
    g_printerr ("# authenta exited %d\n# stdout: %s# stderr: %s",
                result->status, result->out, result->err);
  return result;
}

CliResult *
cli_run (const char *key, GBytes *input, const char *first_arg, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) env = cli_test_environ (key);
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  return cli_runv (env, input, (const char *const *)argv->pdata);
}

guint
cli_test_total_requests (void)
{
  static const char *routes[] = { "create", "list", "get", "delete", "upload" };
  guint total = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (routes); i++)
    total += test_emulator_get_count (cli_test_emulator (), routes[i]);
  return total;
}

char **
cli_result_lines (CliResult *result)
{
  g_autofree char *text = g_strdup (result->out);
  gsize len = strlen (text);

  if (len > 0 && text[len - 1] == '\n')
    text[len - 1] = '\0';
  if (*text == '\0')
    return g_new0 (char *, 1);
  return g_strsplit (text, "\n", -1);
}

GBytes *
cli_test_http_get (const char *url)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, &error);
  g_autoptr (GByteArray) answer = g_byte_array_new ();
  g_autofree char *request = NULL;
  const char *query;
  const guint8 *body;
  guint8 buf[16384];
  gssize n;

  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "http");
  g_socket_client_set_timeout (client, 30);
  conn = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                          (guint16)g_uri_get_port (uri), NULL,
                                          &error);
  g_assert_no_error (error);
  query = g_uri_get_query (uri);
  /* HTTP/1.0: no chunks, the body ends with the connection. */
  request = g_strdup_printf ("GET %s%s%s HTTP/1.0\r\nHost: %s\r\n\r\n",
                             g_uri_get_path (uri), query ? "?" : "",
                             query ? query : "", g_uri_get_host (uri));
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((n = g_input_stream_read (
              g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf,
              sizeof buf, NULL, &error))
         > 0)
    g_byte_array_append (answer, buf, (guint)n);
  g_assert_no_error (error);
  g_byte_array_append (answer, (const guint8 *)"", 1);
  if (!g_str_has_prefix ((const char *)answer->data, "HTTP/1.1 200")
      && !g_str_has_prefix ((const char *)answer->data, "HTTP/1.0 200"))
    g_error ("GET %s: %.200s", g_uri_get_path (uri), answer->data);
  body = (const guint8 *)strstr ((const char *)answer->data, "\r\n\r\n");
  g_assert_nonnull (body);
  body += 4;
  return g_bytes_new (body, answer->len - 1 - (gsize)(body - answer->data));
}

GSubprocess *
cli_spawn (char **envp, const char *out_path, const char *err_path,
           const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) full_argv = g_ptr_array_new ();
  g_auto (GStrv) default_env = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *proc;
  GSubprocessFlags flags = G_SUBPROCESS_FLAGS_STDIN_INHERIT;

  if (!envp)
    envp = default_env = cli_test_environ (NULL);
  g_ptr_array_add (full_argv, (char *)cli_path ());
  for (guint i = 0; argv[i]; i++)
    {
      g_ptr_array_add (full_argv, (char *)argv[i]);
      if (g_str_equal (argv[i], "scan"))
        g_ptr_array_add (full_argv, (char *)"--poll-interval=0.05");
    }
  g_ptr_array_add (full_argv, NULL);
  if (!out_path)
    flags |= G_SUBPROCESS_FLAGS_STDOUT_SILENCE;
  if (!err_path)
    flags |= G_SUBPROCESS_FLAGS_STDERR_SILENCE;
  launcher = g_subprocess_launcher_new (flags);
  g_subprocess_launcher_set_environ (launcher, envp);
  if (out_path)
    g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  if (err_path)
    g_subprocess_launcher_set_stderr_file_path (launcher, err_path);
  proc = g_subprocess_launcher_spawnv (
      launcher, (const char *const *)full_argv->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

static void
on_waited (GObject *source, GAsyncResult *result, gpointer data)
{
  gboolean *done = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

int
cli_wait (GSubprocess *proc, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  gboolean done = FALSE;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();

  g_subprocess_wait_async (proc, cancel, on_waited, &done);
  while (!done && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
  if (!done)
    {
      g_cancellable_cancel (cancel);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
      return -1;
    }
  if (g_subprocess_get_if_exited (proc))
    return g_subprocess_get_exit_status (proc);
  return 128 + g_subprocess_get_term_sig (proc);
}

gboolean
cli_wait_until (gboolean (*cond) (gpointer), gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () >= deadline)
        return FALSE;
      g_usleep (10000);
    }
  return TRUE;
}

void
cli_test_count_records (const char *name, guint *processed, guint *inited)
{
  g_autoptr (CliResult) r
      = cli_run (NULL, NULL, "list", "--all", "--json", NULL);
  g_auto (GStrv) lines = NULL;

  cli_assert_status (r, 0);
  lines = cli_result_lines (r);
  *processed = *inited = 0;
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) node = json_from_string (lines[i], &error);
      JsonObject *obj;

      g_assert_no_error (error);
      obj = json_node_get_object (node);
      if (g_strcmp0 (
              json_object_get_string_member_with_default (obj, "name", ""),
              name)
          != 0)
        continue;
      if (g_str_equal (
              json_object_get_string_member_with_default (obj, "status", ""),
              "PROCESSED"))
        (*processed)++;
      else if (g_str_equal (json_object_get_string_member_with_default (
                                obj, "status", ""),
                            "INITED"))
        (*inited)++;
    }
}
