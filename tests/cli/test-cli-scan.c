/* authenta scan, against the emulator: verdicts and their exit statuses,
 * standard input, several files, JSON output, and each class of error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define WRONG_KEY "api_this_key_is_wrong_0123456789"

static JsonObject *
parse_object (const char *line)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  json_parser_load_from_data (parser, line, -1, &error);
  g_assert_no_error (error);
  root = json_parser_get_root (parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_object_ref (json_node_get_object (root));
}

/* "…; model DF-1, mid 0123…)" → the mid. */
static char *
mid_from_summary (const char *line)
{
  const char *start = strstr (line, "mid ");
  const char *end;

  g_assert_nonnull (start);
  start += 4;
  end = strchr (start, ')');
  g_assert_nonnull (end);
  return g_strndup (start, end - start);
}

/* "stdin-20251202-203927.jpg": the prefix, a local date and time, the
 * extension of the type recognised. */
static void
assert_unnamed_input_name (const char *name, const char *prefix,
                           const char *extension)
{
  g_autofree char *pattern
      = g_strdup_printf ("^%s-[0-9]{8}-[0-9]{6}\\%s$", prefix, extension);

  g_assert_nonnull (name);
  if (!g_regex_match_simple (pattern, name, 0, 0))
    g_error ("record name '%s' does not match %s", name, pattern);
}

static void
test_authentic_video_exits_0 (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *expected = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", clip, NULL);
  cli_assert_status (r, 0);
  expected = g_strdup_printf ("%s: AUTHENTIC (", clip);
  g_assert_true (g_str_has_prefix (r->out, expected));
  g_assert_nonnull (strstr (r->out, "model DF-1, mid "));
  g_assert_nonnull (strstr (r->out, "deepfakes"));
  /* Exactly one line, and no progress when stderr is not a terminal. */
  g_assert_cmpint (strchr (r->out, '\n') - r->out + 1, ==, strlen (r->out));
  g_assert_cmpstr (r->err, ==, "");
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, 1);
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "upload"),
                    ==, 1);
}

static void
test_fake_video_exits_1 (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("fake-clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", clip, NULL);
  cli_assert_status (r, 1);
  g_assert_nonnull (strstr (r->out, ": FAKE ("));
}

static void
test_images (void)
{
  g_autofree char *photo = NULL;
  g_autofree char *fake = NULL;

  cli_test_reset ();
  photo = cli_test_write_media ("photo.jpg", "jpeg", 2048);
  fake = cli_test_write_media ("fake.png", "png", 2048);
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "scan", photo, NULL);
    cli_assert_status (r, 0);
    g_assert_nonnull (strstr (r->out, ": AUTHENTIC ("));
    g_assert_nonnull (strstr (r->out, "model AC-1"));
  }
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "scan", fake, NULL);
    cli_assert_status (r, 1);
    g_assert_nonnull (strstr (r->out, ": FAKE ("));
  }
}

static void
test_processing_failed_exits_7 (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("fail.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", clip, NULL);
  cli_assert_status (r, 7);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_nonnull (strstr (r->err, clip));
  g_assert_nonnull (strstr (r->err, "mid "));
}

static void
test_stdin_is_spooled_and_removed (void)
{
  g_autoptr (GBytes) input = NULL;
  g_autoptr (JsonObject) record = NULL;

  cli_test_reset ();
  input = cli_test_media_bytes ("mp4", 300 * 1024);
  {
    g_autoptr (CliResult) r = cli_run (NULL, input, "scan", "-", NULL);
    cli_assert_status (r, 0);
    g_assert_true (g_str_has_prefix (r->out, "stdin: AUTHENTIC ("));
  }
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, input, "scan", "--json", "-", NULL);
    cli_assert_status (r, 0);
    record = parse_object (r->out);
    assert_unnamed_input_name (json_object_get_string_member (record, "name"),
                               "stdin", ".mp4");
  }
  /* --name names the record; the emulator judges by name. */
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, input, "scan", "--name", "fake-from-pipe", "-", NULL);
    cli_assert_status (r, 1);
  }
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
}

/* Standard input goes to disk a buffer at a time: the tool's memory does not
 * grow with the input. */
static void
test_stdin_memory_stays_flat (void)
{
  const guint n_chunks = 48;
  g_autoptr (GBytes) chunk = NULL;
  g_autofree char *input = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = cli_test_environ (NULL);
  const char *cli = g_getenv ("AUTHENTA_CLI");
  const char *argv[] = { cli && *cli ? cli : AUTHENTA_CLI_PATH, "scan",
                         "--poll-interval=0.05", "-", NULL };
  struct rusage usage;
  glong baseline_kib;
  FILE *f;

#if defined(__SANITIZE_ADDRESS__)
  g_test_skip ("AddressSanitizer's shadow memory makes RSS meaningless");
  return;
#endif
  cli_test_reset ();
  /* Written a MiB at a time and given as a file on standard input, so that
   * this process stays small too: a child's peak RSS counts the image it
   * was forked from. */
  input = cli_test_write_media ("input.mp4", "mp4", 1024 * 1024);
  chunk = cli_test_media_bytes ("junk", 1024 * 1024);
  f = fopen (input, "ab");
  g_assert_nonnull (f);
  for (guint i = 1; i < n_chunks; i++)
    g_assert_cmpuint (
        fwrite (g_bytes_get_data (chunk, NULL), 1, g_bytes_get_size (chunk), f),
        ==, g_bytes_get_size (chunk));
  g_assert_cmpint (fclose (f), ==, 0);

  /* A child's peak RSS includes the image it was forked from, which is
   * large when this program runs under valgrind: measure a run that reads
   * nothing first. */
  {
    g_autoptr (CliResult) version = cli_run (NULL, NULL, "--version", NULL);
    cli_assert_status (version, 0);
  }
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  baseline_kib = usage.ru_maxrss;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_stdin_file_path (launcher, input);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  /* The largest resident size of any child waited for so far: the tool's
   * runs (the emulator is waited for only at the end). */
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  g_test_message ("largest child RSS: %ld KiB (before: %ld KiB)",
                  usage.ru_maxrss, baseline_kib);
  g_assert_cmpint (usage.ru_maxrss, <,
                   MAX (baseline_kib, 8 * 1024) + 16 * 1024);
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
}

static void
test_stdin_empty_exits_3 (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run (NULL, NULL, "scan", "-", NULL);
  cli_assert_status (r, 3);
  g_assert_nonnull (strstr (r->err, "empty"));
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

/* Not media on standard input: the message names standard input (not the
 * temporary copy) and says what to do once. */
static void
test_stdin_not_media_names_standard_input (void)
{
  g_autoptr (GBytes) input = g_bytes_new_static ("hello\n", 6);
  g_autoptr (CliResult) r = NULL;
  const char *first;

  cli_test_reset ();
  r = cli_run (NULL, input, "scan", "-", NULL);
  cli_assert_status (r, 3);
  g_assert_nonnull (strstr (r->err, "standard input is not a recognised"));
  g_assert_null (strstr (r->err, "authenta-stdin"));
  g_assert_null (strstr (r->err, cli_test_spool_dir ()));
  first = strstr (r->err, "--content-type");
  g_assert_nonnull (first);
  g_assert_null (strstr (first + 1, "--content-type"));
  g_assert_null (strstr (r->err, "MP4, QuickTime, WebM, Matroska, JPEG or "
                                 "PNG); "));
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

/* <(…) gives /dev/fd/N: its number is no name for a record. */
static void
test_fd_path_named_by_kind_and_time (void)
{
  g_autoptr (GBytes) input = cli_test_media_bytes ("png", 4096);

  cli_test_reset ();
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, input, "scan", "--json", "/dev/fd/0", NULL);
    g_autoptr (JsonObject) record = NULL;

    cli_assert_status (r, 0);
    record = parse_object (r->out);
    assert_unnamed_input_name (json_object_get_string_member (record, "name"),
                               "pipe", ".png");
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, input, "scan", "--json", "/dev/stdin", NULL);
    g_autoptr (JsonObject) record = NULL;

    cli_assert_status (r, 0);
    record = parse_object (r->out);
    assert_unnamed_input_name (json_object_get_string_member (record, "name"),
                               "stdin", ".png");
  }
  {
    /* --name still wins. */
    g_autoptr (CliResult) r = cli_run (NULL, input, "scan", "--json", "--name",
                                       "door", "/dev/fd/0", NULL);
    g_autoptr (JsonObject) record = NULL;

    cli_assert_status (r, 0);
    record = parse_object (r->out);
    g_assert_cmpstr (json_object_get_string_member (record, "name"), ==,
                     "door");
  }
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
}

static gpointer
write_fifo (gpointer data)
{
  const char *path = data;
  g_autoptr (GBytes) bytes = cli_test_media_bytes ("mp4", 100 * 1024);
  gsize len;
  const guint8 *p = g_bytes_get_data (bytes, &len);
  int fd = open (path, O_WRONLY);

  g_assert_cmpint (fd, >=, 0);
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      g_assert_cmpint (n, >, 0);
      p += n;
      len -= (gsize)n;
    }
  close (fd);
  return NULL;
}

/* Like `authenta scan <(ffmpeg … -f mp4 -)`. */
static void
test_pipe_path_is_spooled (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *fifo = NULL;
  g_autoptr (CliResult) r = NULL;
  GThread *writer;

  cli_test_reset ();
  /* Only to learn the files folder. */
  clip = cli_test_write_media ("unused.mp4", "mp4", 64);
  dir = g_path_get_dirname (clip);
  fifo = g_build_filename (dir, "pipe", NULL);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  writer = g_thread_new ("fifo-writer", write_fifo, fifo);
  r = cli_run (NULL, NULL, "scan", fifo, NULL);
  g_thread_join (writer);
  cli_assert_status (r, 0);
  g_assert_nonnull (strstr (r->out, "pipe: AUTHENTIC ("));
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
}

static void
test_several_files_report_each (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr (CliResult) r = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean seen[3] = { FALSE };

  cli_test_reset ();
  a = cli_test_write_media ("a.mp4", "mp4", 8192);
  b = cli_test_write_media ("fake-b.mp4", "mp4", 8192);
  c = cli_test_write_media ("c.jpg", "jpeg", 8192);
  r = cli_run (NULL, NULL, "scan", a, b, c, NULL);
  /* Any fake: 1. */
  cli_assert_status (r, 1);
  lines = cli_result_lines (r);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *pa = g_strdup_printf ("%s: AUTHENTIC (", a);
      g_autofree char *pb = g_strdup_printf ("%s: FAKE (", b);
      g_autofree char *pc = g_strdup_printf ("%s: AUTHENTIC (", c);

      if (g_str_has_prefix (lines[i], pa))
        seen[0] = TRUE;
      else if (g_str_has_prefix (lines[i], pb))
        seen[1] = TRUE;
      else if (g_str_has_prefix (lines[i], pc))
        seen[2] = TRUE;
      else
        g_error ("unexpected line: %s", lines[i]);
    }
  g_assert_true (seen[0] && seen[1] && seen[2]);
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, 3);
}

/* Three files whose processing takes 1.5 s each: one after the other they
 * would take at least 4.5 s; at the same time, about 1.6 s.  The bound
 * leaves room for a loaded machine. */
static void
test_several_files_run_concurrently (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr (CliResult) r = NULL;
  g_auto (GStrv) lines = NULL;
  gint64 start;

  cli_test_reset ();
  test_emulator_configure (cli_test_emulator (),
                           "{\"processing_time_ms\": 1500}");
  a = cli_test_write_media ("a.mp4", "mp4", 4096);
  b = cli_test_write_media ("b.mp4", "mp4", 4096);
  c = cli_test_write_media ("c.mp4", "mp4", 4096);
  start = g_get_monotonic_time ();
  r = cli_run (NULL, NULL, "scan", a, b, c, NULL);
  cli_assert_status (r, 0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 4400 * 1000);
  lines = cli_result_lines (r);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
}

static void
test_several_files_json_lines (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr (GBytes) input = NULL;
  g_autoptr (CliResult) r = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) mids
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  cli_test_reset ();
  a = cli_test_write_media ("one.mp4", "mp4", 4096);
  b = cli_test_write_media ("two.png", "png", 4096);
  input = cli_test_media_bytes ("jpeg", 4096);
  r = cli_run (NULL, input, "--json", "scan", a, "-", b, NULL);
  cli_assert_status (r, 0);
  lines = cli_result_lines (r);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr (JsonObject) record = parse_object (lines[i]);

      g_assert_cmpstr (json_object_get_string_member (record, "status"), ==,
                       "PROCESSED");
      g_hash_table_add (names,
                        (gpointer)g_intern_string (
                            json_object_get_string_member (record, "name")));
      g_hash_table_add (
          mids, g_strdup (json_object_get_string_member (record, "mid")));
    }
  g_assert_true (g_hash_table_contains (names, "one.mp4"));
  g_assert_true (g_hash_table_contains (names, "two.png"));
  g_assert_cmpuint (g_hash_table_size (names), ==, 3);
  g_assert_cmpuint (g_hash_table_size (mids), ==, 3);
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
}

static void
test_json_is_the_record_as_sent (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;
  g_autoptr (JsonObject) record = NULL;
  const char *mid;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", "--json", clip, NULL);
  cli_assert_status (r, 0);
  g_assert_cmpint (strchr (r->out, '\n') - r->out + 1, ==, strlen (r->out));
  record = parse_object (r->out);
  mid = json_object_get_string_member (record, "mid");
  g_assert_nonnull (mid);
  g_assert_true (json_object_has_member (record, "deepFakes"));
  g_assert_true (json_object_has_member (record, "faces"));
  {
    /* `get --json` gives the same record, as the service sends it. */
    g_autoptr (CliResult) get
        = cli_run (NULL, NULL, "get", "--json", mid, NULL);
    g_autoptr (JsonObject) again = NULL;

    cli_assert_status (get, 0);
    again = parse_object (get->out);
    g_assert_cmpstr (json_object_get_string_member (again, "mid"), ==, mid);
    g_assert_cmpint (json_object_get_int_member (again, "deepFakes"), ==,
                     json_object_get_int_member (record, "deepFakes"));
  }
}

static void
test_no_wait_prints_mid (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;
  g_auto (GStrv) lines = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("fake-later.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", "--no-wait", clip, NULL);
  cli_assert_status (r, 0);
  lines = cli_result_lines (r);
  g_assert_cmpuint (g_strv_length (lines), ==, 1);
  g_assert_cmpuint (strspn (lines[0], "0123456789abcdefABCDEF-_"), ==,
                    strlen (lines[0]));
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "upload"),
                    ==, 1);
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "get"), ==,
                    0);
  {
    /* The record exists; `get` tells its state (fake once processed). */
    g_autoptr (CliResult) get = cli_run (NULL, NULL, "get", lines[0], NULL);
    g_assert_true (get->status == 0 || get->status == 1);
    g_assert_nonnull (strstr (get->out, lines[0]));
  }
}

/* "--" ends the options: a file whose name starts with '-' can follow. */
static void
test_double_dash_ends_options (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (GBytes) input = cli_test_media_bytes ("mp4", 2048);

  cli_test_reset ();
  clip = cli_test_write_media ("-weird.mp4", "mp4", 2048);
  {
    g_autoptr (CliResult) r = cli_runv_in (
        cli_test_files_dir (), NULL, NULL,
        (const char *const[]){ "scan", "--", "-weird.mp4", NULL });
    cli_assert_status (r, 0);
    g_assert_true (g_str_has_prefix (r->out, "-weird.mp4: AUTHENTIC ("));
    g_assert_cmpstr (r->err, ==, "");
  }
  {
    /* Also before '-' (standard input), and with a file before it. */
    g_autoptr (CliResult) r = cli_runv_in (
        cli_test_files_dir (), NULL, input,
        (const char *const[]){ "scan", "-weird.mp4", "--", "-", NULL });
    cli_assert_status (r, 2);
  }
  {
    g_autoptr (CliResult) r
        = cli_runv_in (cli_test_files_dir (), NULL, input,
                       (const char *const[]){ "scan", "--quiet", "--", "-",
                                              "-weird.mp4", NULL });
    cli_assert_status (r, 0);
    g_assert_cmpstr (r->err, ==, "");
  }
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, 3);
}

/* --no-wait --json: the record as it stands after the upload, never the
 * create answer's INITED status and pre-signed upload URL. */
static void
test_no_wait_json_is_record_after_upload (void)
{
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "--json", "scan", "--no-wait", clip, NULL);
    g_autoptr (JsonObject) record = NULL;

    cli_assert_status (r, 0);
    record = parse_object (r->out);
    g_assert_nonnull (json_object_get_string_member (record, "mid"));
    g_assert_cmpstr (json_object_get_string_member (record, "status"), !=,
                     "INITED");
    g_assert_false (json_object_has_member (record, "uploadUrl"));
    g_assert_null (strstr (r->out, "X-Amz-"));
    g_assert_cmpstr (r->err, ==, "");
    g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "get"), ==,
                      1);
  }
  /* The record cannot be read back: the upload is done all the same, and
   * the create answer is printed without its upload URL. */
  test_emulator_add_fault (cli_test_emulator (),
                           "{\"route\": \"get\", \"action\": \"status\", "
                           "\"status\": 503}");
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "--retries", "0", "--json",
                                       "scan", "--no-wait", clip, NULL);
    g_autoptr (JsonObject) record = NULL;

    cli_assert_status (r, 0);
    record = parse_object (r->out);
    g_assert_nonnull (json_object_get_string_member (record, "mid"));
    g_assert_false (json_object_has_member (record, "uploadUrl"));
    g_assert_false (json_object_has_member (record, "expiresIn"));
    g_assert_null (strstr (r->out, "X-Amz-"));
    g_assert_nonnull (strstr (r->err, "could not be read back"));
  }
}

static void
test_delete_after_verdict (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *mid = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", "--delete", clip, NULL);
  cli_assert_status (r, 0);
  mid = mid_from_summary (r->out);
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "delete"),
                    ==, 1);
  {
    g_autoptr (CliResult) get = cli_run (NULL, NULL, "get", mid, NULL);
    cli_assert_status (get, 8);
  }
}

static void
test_delete_refused_keeps_verdict (void)
{
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("fake.mp4", "mp4", 4096);
  {
    /* The key may scan but not delete: the fake verdict still decides. */
    g_autoptr (CliResult) r = cli_run (CLI_TEST_KEY_NO_DELETE, NULL, "scan",
                                       "--delete", clip, NULL);
    cli_assert_status (r, 1);
    g_assert_nonnull (strstr (r->out, ": FAKE ("));
    g_assert_nonnull (strstr (r->err, "deleting the record failed"));
    g_assert_nonnull (strstr (r->err, "FORBIDDEN"));
  }
}

static void
test_timeout_exits_6 (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  test_emulator_configure (cli_test_emulator (),
                           "{\"processing_time_ms\": 60000}");
  clip = cli_test_write_media ("slow.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", "--timeout", "0.5", clip, NULL);
  cli_assert_status (r, 6);
  g_assert_nonnull (strstr (r->err, "--timeout"));
  g_assert_cmpstr (r->out, ==, "");
  {
    /* The real mid, in the command to run later. */
    g_autofree char *mid = mid_from_summary (r->err);
    g_autofree char *later = g_strdup_printf ("'authenta get %s'", mid);

    g_assert_nonnull (strstr (r->err, later));
    g_assert_null (strstr (r->err, "MID"));
    g_assert_nonnull (strstr (r->err, "uploaded"));
  }
}

/* --timeout while the upload is still going: the record has no file, so
 * 'authenta get' would not help. */
static void
test_timeout_during_upload (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  test_emulator_add_fault (cli_test_emulator (),
                           "{\"route\": \"upload\", \"action\": \"delay\", "
                           "\"delay_ms\": 3000}");
  clip = cli_test_write_media ("slow-upload.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", "--timeout", "0.5", clip, NULL);
  cli_assert_status (r, 6);
  g_assert_nonnull (strstr (r->err, "the upload did not finish within 0.5 s"));
  g_assert_nonnull (strstr (r->err, "authenta delete "));
  g_assert_null (strstr (r->err, "authenta get"));
}

/* The service fails on every poll while the verdict is awaited (the
 * library polls on through such failures): the file is there, and the
 * message says how to get the verdict later. */
static void
test_failure_after_upload_names_the_mid (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *mid = NULL;
  g_autoptr (CliResult) r = NULL;
  const char *at;

  cli_test_reset ();
  test_emulator_add_fault (cli_test_emulator (),
                           "{\"route\": \"get\", \"action\": \"status\", "
                           "\"status\": 503, \"count\": 1000}");
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "--retries", "0", "scan", "--timeout", "1", clip,
               NULL);
  cli_assert_status (r, 6);
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "get"), >,
                    0);
  g_assert_nonnull (strstr (r->err, "the file was uploaded"));
  at = strstr (r->err, "'authenta get ");
  g_assert_nonnull (at);
  at += strlen ("'authenta get ");
  mid = g_strndup (at, strcspn (at, "'"));
  {
    g_autoptr (CliResult) list = cli_run (NULL, NULL, "list", NULL);
    cli_assert_status (list, 0);
    g_assert_nonnull (strstr (list->out, mid));
  }
}

static void
test_missing_file_exits_3 (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run (NULL, NULL, "scan", "/nonexistent/clip.mp4", NULL);
  cli_assert_status (r, 3);
  g_assert_nonnull (strstr (r->err, "/nonexistent/clip.mp4"));
  g_assert_nonnull (strstr (r->err, "check the path"));
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_directory_exits_3 (void)
{
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  r = cli_run (NULL, NULL, "scan", cli_test_spool_dir (), NULL);
  cli_assert_status (r, 3);
  g_assert_nonnull (strstr (r->err, "directory"));
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

static void
test_missing_among_several (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", clip, "/nonexistent/x.mp4", NULL);
  /* The file that exists is still scanned; the status tells the error. */
  cli_assert_status (r, 3);
  g_assert_nonnull (strstr (r->out, ": AUTHENTIC ("));
  g_assert_nonnull (strstr (r->err, "/nonexistent/x.mp4"));
}

static void
test_unrecognised_content_exits_3 (void)
{
  g_autofree char *junk = NULL;

  cli_test_reset ();
  junk = cli_test_write_media ("notes.txt", "junk", 1024);
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "scan", junk, NULL);
    cli_assert_status (r, 3);
    g_assert_nonnull (strstr (r->err, "--content-type"));
    g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                      ==, 0);
  }
  {
    /* Told the type, the tool does not second-guess it. */
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "scan", "--content-type",
                                       "video/mp4", junk, NULL);
    cli_assert_status (r, 0);
  }
}

static void
test_bad_key_exits_4 (void)
{
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  {
    g_autoptr (CliResult) r = cli_run (WRONG_KEY, NULL, "scan", clip, NULL);
    cli_assert_status (r, 4);
    g_assert_nonnull (strstr (r->err, "INVALID_API_KEY"));
    g_assert_nonnull (strstr (r->err, "AUTHENTA_API_KEY"));
    g_assert_null (strstr (r->err, WRONG_KEY));
    g_assert_null (strstr (r->out, WRONG_KEY));
  }
  {
    g_autoptr (CliResult) r
        = cli_run (WRONG_KEY, NULL, "--verbose", "scan", clip, NULL);
    cli_assert_status (r, 4);
    /* --verbose shows the library's log, and still not the key. */
    g_assert_nonnull (strstr (r->err, "Authenta-DEBUG"));
    g_assert_null (strstr (r->err, WRONG_KEY));
    g_assert_null (strstr (r->out, WRONG_KEY));
  }
  /* Never retried. */
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "create"),
                    ==, 2);
}

static void
test_flags_override_environment (void)
{
  g_autofree char *clip = NULL;
  g_auto (GStrv) env = NULL;
  g_autoptr (CliResult) r = NULL;
  const char *argv[] = { "scan",
                         "--api-key",
                         CLI_TEST_KEY,
                         "--base-url",
                         test_emulator_get_base_url (cli_test_emulator ()),
                         NULL,
                         NULL };

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  argv[5] = clip;
  env = cli_test_environ (WRONG_KEY);
  env = g_environ_setenv (env, "AUTHENTA_BASE_URL", "http://127.0.0.1:9/api",
                          TRUE);
  r = cli_runv (env, NULL, argv);
  cli_assert_status (r, 0);

  {
    /* A key file, so that the key is on no command line. */
    g_autofree char *key_file = cli_test_write_media ("key", "junk", 0);
    g_autofree char *missing = g_strconcat (key_file, ".missing", NULL);
    g_autoptr (CliResult) from_file = NULL;
    g_autoptr (CliResult) no_file = NULL;

    g_assert_true (g_file_set_contents (key_file, CLI_TEST_KEY "\n", -1, NULL));
    from_file = cli_run (WRONG_KEY, NULL, "scan", "--api-key-file", key_file,
                         clip, NULL);
    cli_assert_status (from_file, 0);
    no_file
        = cli_run (NULL, NULL, "scan", "--api-key-file", missing, clip, NULL);
    cli_assert_status (no_file, 3);
  }
}

static void
test_permission_and_credit_exit_4 (void)
{
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  {
    g_autoptr (CliResult) r
        = cli_run (CLI_TEST_KEY_READ_ONLY, NULL, "scan", clip, NULL);
    cli_assert_status (r, 4);
    g_assert_nonnull (strstr (r->err, "FORBIDDEN"));
    g_assert_nonnull (strstr (r->err, "403"));
  }
  test_emulator_configure (cli_test_emulator (), "{\"balance\": 0}");
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "scan", clip, NULL);
    cli_assert_status (r, 4);
    g_assert_nonnull (strstr (r->err, "INSUFFICIENT_BALANCE"));
  }
}

static void
test_service_failure_exits_5 (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  test_emulator_add_fault (cli_test_emulator (),
                           "{\"route\": \"create\", \"action\": "
                           "\"malformed\", \"count\": 100}");
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", clip, NULL);
  cli_assert_status (r, 5);
  g_assert_cmpstr (r->out, ==, "");
}

static void
test_network_failure_exits_5 (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  /* Port 9 (discard) on loopback: nothing listens there.  No retries, to
   * keep the test fast (the library's back-off is its own tests' matter). */
  r = cli_run (NULL, NULL, "--base-url", "http://127.0.0.1:9/api", "--retries",
               "0", "scan", clip, NULL);
  cli_assert_status (r, 5);
  g_assert_nonnull (strstr (r->err, "check the network, and that --base-url"));
}

static void
test_base_url_without_api_exits_5 (void)
{
  g_autofree char *clip = NULL;
  const char *root = test_emulator_get_root_url (cli_test_emulator ());

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "--base-url", root, "scan", clip, NULL);
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "Authenta API at "));
    g_assert_nonnull (strstr (r->err, "--base-url"));
    g_assert_nonnull (strstr (r->err, "/api"));
    g_assert_null (strstr (r->err, "authenta list"));
  }
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "--base-url", root, "scan",
                                       "--no-wait", clip, NULL);
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "Authenta API at "));
    g_assert_cmpstr (r->out, ==, "");
  }
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "upload"),
                    ==, 0);
}

/* The models and types this tool can use are checked before any request:
 * FI-1 needs a metadata object the tool cannot send. */
static void
test_model_and_type_checked_first (void)
{
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "scan", "-m", "XX-9", clip, NULL);
    cli_assert_status (r, 2);
    g_assert_nonnull (strstr (r->err, "XX-9"));
    g_assert_nonnull (strstr (r->err, "DF-1"));
    g_assert_nonnull (strstr (r->err, "FD-1"));
    g_assert_null (strstr (r->err, "FI-1"));
    g_assert_nonnull (strstr (r->err, "'authenta scan --help'"));
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "scan", "--model-type", "FI-1", clip, NULL);
    cli_assert_status (r, 2);
    g_assert_nonnull (strstr (r->err, "metadata"));
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "scan", "-t", "text/plain", clip, NULL);
    cli_assert_status (r, 2);
    g_assert_nonnull (strstr (r->err, "text/plain"));
    g_assert_nonnull (strstr (r->err, "video/x-matroska"));
    g_assert_null (strstr (r->err, "if the file is one of those"));
  }
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
  {
    /* Spelt otherwise, they are taken as the service spells them. */
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "scan", "-m", "df-1", "-t",
                                       "Video/MP4", clip, NULL);
    cli_assert_status (r, 0);
    g_assert_nonnull (strstr (r->out, "model DF-1"));
  }
}

/* A refusal names the options that were given, and only those. */
static void
test_hints_follow_what_was_given (void)
{
  g_autofree char *clip = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  test_emulator_add_fault (cli_test_emulator (),
                           "{\"route\": \"create\", \"action\": "
                           "\"status\", \"status\": 400, \"count\": 2}");
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "scan", clip, NULL);
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "400"));
    g_assert_null (strstr (r->err, "--model-type"));
    g_assert_null (strstr (r->err, "--content-type"));
  }
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "scan", "-m", "DF-1", clip, NULL);
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "--model-type"));
    g_assert_null (strstr (r->err, "--content-type"));
  }
  test_emulator_add_fault (cli_test_emulator (),
                           "{\"route\": \"upload\", \"action\": "
                           "\"status\", \"status\": 403}");
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "--retries", "0", "scan", clip, NULL);
    cli_assert_status (r, 5);
    g_assert_nonnull (strstr (r->err, "storage refused the upload"));
    g_assert_null (strstr (r->err, "--content-type"));
  }
}

/* An upload URL that expires (again, after the library's renewal) is
 * said to have expired, not blamed on a --content-type never given. */
static void
test_expired_upload_url_hint (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  test_emulator_configure (cli_test_emulator (), "{\"upload_expiry\": 0}");
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", clip, NULL);
  cli_assert_status (r, 5);
  g_assert_nonnull (strstr (r->err, "upload link expired"));
  g_assert_null (strstr (r->err, "--content-type"));
}

static void
test_quiet_prints_nothing (void)
{
  g_autofree char *clip = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("fake.mp4", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", "--quiet", clip, NULL);
  cli_assert_status (r, 1);
  g_assert_cmpstr (r->out, ==, "");
  g_assert_cmpstr (r->err, ==, "");
}

/* Run the tool with stderr on a pseudo-terminal; returns what it drew. */
static char *
run_with_terminal_stderr (const char *const *argv, int *out_status)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = cli_test_environ (NULL);
  g_autoptr (GPtrArray) full = g_ptr_array_new ();
  g_autoptr (GString) drawn = g_string_new (NULL);
  const char *cli = g_getenv ("AUTHENTA_CLI");
  int master, slave;
  char buf[4096];
  ssize_t n;

  g_assert_cmpint (openpty (&master, &slave, NULL, NULL, NULL), ==, 0);
  g_ptr_array_add (full, (char *)(cli && *cli ? cli : AUTHENTA_CLI_PATH));
  for (guint i = 0; argv[i]; i++)
    g_ptr_array_add (full, (char *)argv[i]);
  g_ptr_array_add (full, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_take_stderr_fd (launcher, slave);
  proc = g_subprocess_launcher_spawnv (
      launcher, (const char *const *)full->pdata, &error);
  g_assert_no_error (error);
  /* The launcher keeps its copy of the slave until it is freed; without
   * that, the master would never see the end of the output. */
  g_clear_object (&launcher);

  /* Read as it comes, so the terminal's buffer never fills. */
  while ((n = read (master, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_string_append_len (drawn, buf, n);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  close (master);
  *out_status = g_subprocess_get_exit_status (proc);
  return g_string_free (g_steal_pointer (&drawn), FALSE);
}

static void
test_progress_on_terminal_only (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *drawn = NULL;
  g_autofree char *quiet = NULL;
  int status;

  cli_test_reset ();
  /* Long enough processing for several redraws. */
  test_emulator_configure (cli_test_emulator (),
                           "{\"processing_time_ms\": 700}");
  clip = cli_test_write_media ("clip.mp4", "mp4", 64 * 1024);
  drawn = run_with_terminal_stderr (
      (const char *const[]){ "scan", "--poll-interval=0.1", clip, NULL },
      &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (drawn, "\r\033[K"));
  g_assert_nonnull (strstr (drawn, "clip.mp4: "));
  g_assert_nonnull (strstr (drawn, "processing"));

  quiet = run_with_terminal_stderr (
      (const char *const[]){ "scan", "--quiet", "--poll-interval=0.1", clip,
                             NULL },
      &status);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (quiet, ==, "");
}

/* SIGINT while standard input is still being spooled removes the file. */
static void
test_interrupt_removes_spool (void)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = cli_test_environ (NULL);
  g_autoptr (GBytes) head = cli_test_media_bytes ("mp4", 8192);
  const char *cli = g_getenv ("AUTHENTA_CLI");
  const char *argv[]
      = { cli && *cli ? cli : AUTHENTA_CLI_PATH, "scan", "-", NULL };
  GOutputStream *in;
  gint64 deadline;

  cli_test_reset ();
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_environ (launcher, env);
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (proc);
  g_output_stream_write_all (in, g_bytes_get_data (head, NULL),
                             g_bytes_get_size (head), NULL, NULL, &error);
  g_assert_no_error (error);

  /* Wait (bounded) for the spool file to appear, then interrupt. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (cli_test_count_spool_files () == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
  g_subprocess_send_signal (proc, SIGINT);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGINT);
  g_assert_cmpuint (cli_test_count_spool_files (), ==, 0);
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

/* The only file in the spool folder, waited for (bounded). */
static char *
wait_for_spool_file (void)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (GDir) dir = g_dir_open (cli_test_spool_dir (), 0, NULL);
      const char *name = dir ? g_dir_read_name (dir) : NULL;

      if (name)
        return g_build_filename (cli_test_spool_dir (), name, NULL);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10 * 1000);
    }
}

/* The record's srcURL once it is processed (polled, bounded). */
static char *
src_url_of (const char *mid)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (CliResult) r
          = cli_run (NULL, NULL, "--json", "get", mid, NULL);
      g_autoptr (JsonObject) record = NULL;

      cli_assert_status (r, 0);
      record = parse_object (r->out);
      if (json_object_has_member (record, "srcURL"))
        return g_strdup (json_object_get_string_member (record, "srcURL"));
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

/* Standard input is uploaded from the descriptor its spool copy was
 * written through: another user replacing the copy at its path (a shared
 * $TMPDIR) while the record is created changes nothing that is uploaded.
 * The replacement is the same size, so only the bytes could tell. */
static void
test_stdin_spool_replaced_by_path_is_not_uploaded (void)
{
  static const char *const modes[] = { "--no-wait", "--jobs=1" };

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr (GSubprocessLauncher) launcher = NULL;
      g_autoptr (GSubprocess) proc = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) original = cli_test_media_bytes ("mp4", 64 * 1024);
      g_autoptr (GBytes) out = NULL;
      g_autoptr (GBytes) uploaded = NULL;
      g_autoptr (JsonObject) record = NULL;
      g_autofree char *spool = NULL;
      g_autofree char *other = NULL;
      g_autofree char *url = NULL;
      g_autofree char *mid = NULL;
      g_autofree guint8 *replacement = NULL;
      g_auto (GStrv) env = cli_test_environ (NULL);
      const char *cli = g_getenv ("AUTHENTA_CLI");
      const char *argv[] = { cli && *cli ? cli : AUTHENTA_CLI_PATH,
                             "--json",
                             "scan",
                             "--poll-interval=0.05",
                             modes[i],
                             "-",
                             NULL };
      gsize size = g_bytes_get_size (original);
      gint64 deadline;

      cli_test_reset ();
      /* Time to swap the file while the create is in flight. */
      test_emulator_add_fault (cli_test_emulator (),
                               "{\"route\":\"create\",\"action\":\"delay\","
                               "\"delay_ms\":1500}");
      launcher = g_subprocess_launcher_new (
          G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
          | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_subprocess_launcher_set_environ (launcher, env);
      proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (g_subprocess_get_stdin_pipe (proc),
                                 g_bytes_get_data (original, NULL), size, NULL,
                                 NULL, &error);
      g_assert_no_error (error);
      g_output_stream_close (g_subprocess_get_stdin_pipe (proc), NULL, &error);
      g_assert_no_error (error);

      spool = wait_for_spool_file ();
      deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
      while (test_emulator_get_count (cli_test_emulator (), "create") == 0)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (10 * 1000);
        }
      /* Same size and signature, other bytes, renamed over the path. */
      replacement = g_memdup2 (g_bytes_get_data (original, NULL), size);
      for (gsize j = 64; j < size; j++)
        replacement[j] ^= 0x5a;
      other = g_strconcat (spool, ".other", NULL);
      g_assert_true (g_file_set_contents (other, (const char *)replacement,
                                          (gssize)size, NULL));
      g_assert_cmpint (g_rename (other, spool), ==, 0);

      {
        g_autoptr (GOutputStream) sink
            = g_memory_output_stream_new_resizable ();

        /* stdout to its end (the exit), then the status. */
        g_output_stream_splice (sink, g_subprocess_get_stdout_pipe (proc),
                                G_OUTPUT_STREAM_SPLICE_NONE, NULL, &error);
        g_assert_no_error (error);
        /* A NUL, so that the text can be parsed as a string. */
        g_output_stream_write (sink, "", 1, NULL, NULL);
        g_output_stream_close (sink, NULL, NULL);
        out = g_memory_output_stream_steal_as_bytes (
            G_MEMORY_OUTPUT_STREAM (sink));
        g_subprocess_wait (proc, NULL, &error);
        g_assert_no_error (error);
      }
      g_assert_true (g_subprocess_get_if_exited (proc));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
      record = parse_object (g_bytes_get_data (out, NULL));
      mid = g_strdup (json_object_get_string_member (record, "mid"));
      if (json_object_has_member (record, "srcURL"))
        url = g_strdup (json_object_get_string_member (record, "srcURL"));
      else
        url = src_url_of (mid);
      uploaded = cli_test_http_get (url);
      if (!g_bytes_equal (uploaded, original))
        g_error ("%s: the bytes uploaded are not the bytes spooled "
                 "(%" G_GSIZE_FORMAT " bytes, replacement: %s)",
                 modes[i], g_bytes_get_size (uploaded),
                 memcmp (g_bytes_get_data (uploaded, NULL), replacement,
                         MIN (size, g_bytes_get_size (uploaded)))
                         == 0
                     ? "yes"
                     : "no");
      /* The CLI's own copy is gone; the attacker's file is the test's. */
      g_unlink (spool);
    }
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/scan/authentic-video-exits-0",
                   test_authentic_video_exits_0);
  g_test_add_func ("/cli/scan/fake-video-exits-1", test_fake_video_exits_1);
  g_test_add_func ("/cli/scan/images-use-ac1", test_images);
  g_test_add_func ("/cli/scan/processing-failed-exits-7",
                   test_processing_failed_exits_7);
  g_test_add_func ("/cli/scan/stdin-is-spooled-and-removed",
                   test_stdin_is_spooled_and_removed);
  g_test_add_func ("/cli/scan/stdin-memory-stays-flat",
                   test_stdin_memory_stays_flat);
  g_test_add_func ("/cli/scan/stdin-empty-exits-3", test_stdin_empty_exits_3);
  g_test_add_func ("/cli/scan/stdin-spool-replaced-by-path-is-not-uploaded",
                   test_stdin_spool_replaced_by_path_is_not_uploaded);
  g_test_add_func ("/cli/scan/pipe-path-is-spooled", test_pipe_path_is_spooled);
  g_test_add_func ("/cli/scan/stdin-not-media-names-standard-input",
                   test_stdin_not_media_names_standard_input);
  g_test_add_func ("/cli/scan/fd-path-named-by-kind-and-time",
                   test_fd_path_named_by_kind_and_time);
  g_test_add_func ("/cli/scan/several-files-report-each",
                   test_several_files_report_each);
  g_test_add_func ("/cli/scan/several-files-run-concurrently",
                   test_several_files_run_concurrently);
  g_test_add_func ("/cli/scan/several-files-json-lines",
                   test_several_files_json_lines);
  g_test_add_func ("/cli/scan/json-is-the-record-as-sent",
                   test_json_is_the_record_as_sent);
  g_test_add_func ("/cli/scan/no-wait-prints-mid", test_no_wait_prints_mid);
  g_test_add_func ("/cli/scan/no-wait-json-is-record-after-upload",
                   test_no_wait_json_is_record_after_upload);
  g_test_add_func ("/cli/scan/double-dash-ends-options",
                   test_double_dash_ends_options);
  g_test_add_func ("/cli/scan/delete-after-verdict", test_delete_after_verdict);
  g_test_add_func ("/cli/scan/delete-refused-keeps-verdict",
                   test_delete_refused_keeps_verdict);
  g_test_add_func ("/cli/scan/timeout-exits-6", test_timeout_exits_6);
  g_test_add_func ("/cli/scan/timeout-during-upload",
                   test_timeout_during_upload);
  g_test_add_func ("/cli/scan/failure-after-upload-names-the-mid",
                   test_failure_after_upload_names_the_mid);
  g_test_add_func ("/cli/scan/missing-file-exits-3", test_missing_file_exits_3);
  g_test_add_func ("/cli/scan/directory-exits-3", test_directory_exits_3);
  g_test_add_func ("/cli/scan/missing-among-several-still-scans-others",
                   test_missing_among_several);
  g_test_add_func ("/cli/scan/unrecognised-content-exits-3",
                   test_unrecognised_content_exits_3);
  g_test_add_func ("/cli/scan/bad-key-exits-4-and-is-never-shown",
                   test_bad_key_exits_4);
  g_test_add_func ("/cli/scan/flags-override-environment",
                   test_flags_override_environment);
  g_test_add_func ("/cli/scan/permission-and-credit-exit-4",
                   test_permission_and_credit_exit_4);
  g_test_add_func ("/cli/scan/service-failure-exits-5",
                   test_service_failure_exits_5);
  g_test_add_func ("/cli/scan/network-failure-exits-5",
                   test_network_failure_exits_5);
  g_test_add_func ("/cli/scan/base-url-without-api-exits-5",
                   test_base_url_without_api_exits_5);
  g_test_add_func ("/cli/scan/model-and-type-checked-before-requests",
                   test_model_and_type_checked_first);
  g_test_add_func ("/cli/scan/hints-follow-what-was-given",
                   test_hints_follow_what_was_given);
  g_test_add_func ("/cli/scan/expired-upload-url-hint",
                   test_expired_upload_url_hint);
  g_test_add_func ("/cli/scan/quiet-prints-nothing", test_quiet_prints_nothing);
  g_test_add_func ("/cli/scan/progress-on-terminal-only",
                   test_progress_on_terminal_only);
  g_test_add_func ("/cli/scan/interrupt-removes-spool",
                   test_interrupt_removes_spool);
  return cli_test_finish (g_test_run ());
}
