/* authenta and the Jobs API: scan --task, tasks, get, list --jobs and
 * delete for jobs, against the emulator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The one JSON document of r's stdout, as an object (owned by the parser,
 * returned in *parser). */
static JsonObject *
parse_json_line (CliResult *r, JsonParser **parser)
{
  g_autoptr (GError) error = NULL;

  *parser = json_parser_new ();
  json_parser_load_from_data (*parser, r->out, -1, &error);
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (*parser));
}

/* Scans @kind as @name with --json and @task (NULL: none); returns the
 * record's id. */
static char *
scan_for_id (const char *name, const char *kind, const char *task,
             int want_status)
{
  g_autofree char *path = cli_test_write_media (name, kind, 4096);
  g_autoptr (CliResult) r = NULL;
  g_autoptr (JsonParser) parser = NULL;
  JsonObject *o;

  r = task ? cli_run (NULL, NULL, "scan", "--json", "--task", task, path, NULL)
           : cli_run (NULL, NULL, "scan", "--json", path, NULL);
  cli_assert_status (r, want_status);
  o = parse_json_line (r, &parser);
  if (json_object_has_member (o, "jobId"))
    {
      JsonNode *id = json_object_get_member (o, "jobId");

      return json_node_get_value_type (id) == G_TYPE_STRING
                 ? g_strdup (json_node_get_string (id))
                 : g_strdup_printf ("%" G_GINT64_FORMAT,
                                    json_node_get_int (id));
    }
  return g_strdup (json_object_get_string_member (o, "mid"));
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  const char *name;
  const char *kind;
  const char *task; /* --task, or NULL */
  int status;
  const char *says; /* in the verdict line */
} ScanCase;

static const ScanCase scan_cases[] = {
  { "voice.mp3", "mp3", "ai-audio-detection", 0,
    "AUTHENTIC (confidence 0.97; task ai-audio-detection, job " },
  /* No task: audio's default. */
  { "voice.wav", "wav", NULL, 0, "task ai-audio-detection, job " },
  /* By number, and judged fake by the emulator's rule. */
  { "fake-voice.mp3", "mp3", "2", 1, "FAKE" },
  /* An MP4 for an audio task is M4A. */
  { "call.m4a", "mp4", "ai-audio-detection", 0, "task ai-audio-detection" },
  { "clip.mp4", "mp4", "ai-video-detection", 0, "task ai-video-detection" },
  /* The Media API as before. */
  { "clip.mp4", "mp4", NULL, 0, "model DF-1, mid " },
  { "clip.mp4", "mp4", "df-1", 0, "model DF-1, mid " },
};

static void
test_scan_tasks (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (scan_cases); i++)
    {
      const ScanCase *c = &scan_cases[i];
      g_autofree char *path = NULL;
      g_autoptr (CliResult) r = NULL;

      g_test_message ("case %s %s", c->name, c->task ? c->task : "");
      /* The reset empties the files' folder too. */
      cli_test_reset ();
      path = cli_test_write_media (c->name, c->kind, 4096);
      r = c->task ? cli_run (NULL, NULL, "scan", "--task", c->task, path, NULL)
                  : cli_run (NULL, NULL, "scan", path, NULL);
      cli_assert_status (r, c->status);
      if (!strstr (r->out, c->says))
        g_error ("'%s' not in: %s", c->says, r->out);
    }
}

/* The job's content type, as the service recorded it. */
static void
test_scan_m4a_content_type (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CliResult) r = NULL;
  g_autoptr (JsonParser) parser = NULL;
  JsonArray *inputs;

  cli_test_reset ();
  path = cli_test_write_media ("call.m4a", "mp4", 4096);
  r = cli_run (NULL, NULL, "scan", "--json", "--task", "ai-audio-detection",
               path, NULL);
  cli_assert_status (r, 0);
  inputs
      = json_object_get_array_member (parse_json_line (r, &parser), "inputs");
  g_assert_cmpstr (
      json_object_get_string_member (json_array_get_object_element (inputs, 0),
                                     "contentType"),
      ==, "audio/mp4");
}

/* A job that fails: exit 7 and the service's reason. */
static void
test_scan_failed_job (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  path = cli_test_write_media ("fail-voice.mp3", "mp3", 4096);
  r = cli_run (NULL, NULL, "scan", path, NULL);
  cli_assert_status (r, 7);
  g_assert_nonnull (strstr (r->err, "Processing failed"));
}

/* --no-wait with a job: created, uploaded and finalized, its id printed. */
static void
test_scan_no_wait_finalizes (void)
{
  g_autofree char *path = NULL;
  g_autoptr (CliResult) r = NULL;
  g_autoptr (CliResult) get = NULL;

  cli_test_reset ();
  path = cli_test_write_media ("voice.mp3", "mp3", 4096);
  r = cli_run (NULL, NULL, "scan", "--no-wait", "--task", "ai-audio-detection",
               path, NULL);
  cli_assert_status (r, 0);
  g_assert_cmpuint (
      test_emulator_get_count (cli_test_emulator (), "job-create"), ==, 1);
  g_assert_cmpuint (
      test_emulator_get_count (cli_test_emulator (), "job-finalize"), ==, 1);
  g_strstrip (r->out);
  get = cli_run (NULL, NULL, "get", r->out, NULL);
  cli_assert_status (get, 0);
  g_assert_nonnull (strstr (get->out, "task:"));
}

/* A completed job whose answer holds no verdict: UNKNOWN and status 10,
 * never "authentic". */
static void
test_get_no_verdict (void)
{
  g_autofree char *path = NULL;
  g_autofree char *fault = NULL;
  g_autofree char *body = NULL;
  g_autoptr (CliResult) r = NULL;
  g_autoptr (CliResult) get = NULL;

  cli_test_reset ();
  path = cli_test_write_media ("voice.mp3", "mp3", 4096);
  r = cli_run (NULL, NULL, "scan", "--no-wait", path, NULL);
  cli_assert_status (r, 0);
  g_strstrip (r->out);
  body = g_strdup_printf ("{\\\"jobId\\\":%s,\\\"taskTypeId\\\":2,"
                          "\\\"taskTypeSlug\\\":\\\"ai-audio-detection\\\","
                          "\\\"status\\\":\\\"completed\\\","
                          "\\\"result\\\":{\\\"score\\\":3}}",
                          r->out);
  fault = g_strdup_printf ("{\"route\":\"job-get\",\"action\":\"body\","
                           "\"status\":200,\"content_type\":"
                           "\"application/json\",\"body\":\"%s\"}",
                           body);
  test_emulator_add_fault (cli_test_emulator (), fault);
  get = cli_run (NULL, NULL, "get", r->out, NULL);
  cli_assert_status (get, 10);
  g_assert_nonnull (strstr (get->out, "UNKNOWN"));
  g_assert_null (strstr (get->out, "AUTHENTIC"));
}

/* --spool-dir with a Jobs API task: offline, the scan is journaled (status
 * 9); 'spool run' finishes it with the job's verdict. */
static void
test_spool_job (void)
{
  g_autofree char *dir
      = g_build_filename (cli_test_spool_dir (), "journal", NULL);
  g_autofree char *opt = g_strdup_printf ("--spool-dir=%s", dir);
  g_autofree char *path = NULL;
  g_auto (GStrv) env = cli_test_environ (NULL);
  g_autoptr (CliResult) offline = NULL;
  g_autoptr (CliResult) run = NULL;
  const char *argv[] = { "scan", "--retries=0", "--task", "ai-audio-detection",
                         opt,    NULL,          NULL };

  cli_test_reset ();
  path = cli_test_write_media ("voice.mp3", "mp3", 4096);
  argv[5] = path;
  env = g_environ_setenv (env, "AUTHENTA_BASE_URL", "http://127.0.0.1:1/api",
                          TRUE);
  offline = cli_runv (env, NULL, argv);
  cli_assert_status (offline, 9);
  g_assert_nonnull (strstr (offline->err, "spooled as entry 1"));
  run = cli_run (NULL, NULL, "spool", "run", opt, NULL);
  cli_assert_status (run, 0);
  g_assert_nonnull (strstr (run->out, "task ai-audio-detection, job "));
  g_assert_cmpuint (
      test_emulator_get_count (cli_test_emulator (), "job-finalize"), ==, 1);
}

typedef struct
{
  const char *args[6];
  int status;
  const char *says; /* on stderr */
} UsageCase;

static const UsageCase usage_cases[] = {
  { { "scan", "--task", "nope", "@voice.mp3" }, 2, "unknown --task 'nope'" },
  /* face-embedding (9) gives no verdict: not a task here. */
  { { "scan", "--task", "9", "@voice.mp3" }, 2, "'authenta tasks' lists" },
  { { "scan", "--model-type", "ai-audio-detection", "@voice.mp3" },
    2,
    "or --task for the others" },
  { { "scan", "--task", "DF-1", "--model-type", "AC-1", "@voice.mp3" },
    2,
    "name different checks" },
  /* The library names the task that takes the file; nothing is sent. */
  { { "scan", "--task", "DF-1", "@voice.mp3" },
    3,
    "use task “ai-audio-detection”" },
  { { "scan", "--task", "ai-audio-detection", "@clip.jpg" },
    3,
    "does not take image/jpeg" },
  { { "list", "--jobs", "--offset", "3", "--limit", "2" }, 2, "a multiple" },
  { { "list", "--jobs", "--limit", "101" }, 2, "at most 100" },
  { { "list", "--status", "completed" }, 2, "add --jobs" },
  { { "tasks", "extra" }, 2, "unexpected argument" },
};

static void
test_usage (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (usage_cases); i++)
    {
      const UsageCase *c = &usage_cases[i];
      const char *argv[8] = { NULL };
      g_autoptr (CliResult) r = NULL;
      g_autofree char *mp3 = NULL;
      g_autofree char *jpeg = NULL;
      guint n = 0;

      cli_test_reset ();
      mp3 = cli_test_write_media ("voice.mp3", "mp3", 4096);
      jpeg = cli_test_write_media ("clip.jpg", "jpeg", 4096);
      for (; n < G_N_ELEMENTS (c->args) && c->args[n]; n++)
        argv[n] = g_str_equal (c->args[n], "@voice.mp3")  ? mp3
                  : g_str_equal (c->args[n], "@clip.jpg") ? jpeg
                                                          : c->args[n];
      g_test_message ("case %s %s", argv[0], argv[1]);
      r = cli_runv (NULL, NULL, argv);
      cli_assert_status (r, c->status);
      if (!strstr (r->err, c->says))
        g_error ("'%s' not in: %s", c->says, r->err);
      g_assert_cmpuint (
          test_emulator_get_count (cli_test_emulator (), "job-create"), ==, 0);
      g_assert_cmpuint (
          test_emulator_get_count (cli_test_emulator (), "create"), ==, 0);
    }
}

/* ------------------------------------------------------------------------ */

static void
test_tasks_lists_every_task (void)
{
  static const char *const expected[] = { "DF-1",
                                          "AC-1",
                                          "FD-1",
                                          "ai-audio-detection",
                                          "ai-video-detection",
                                          "faceswap-detection",
                                          "ekyc-deepfake" };
  g_autoptr (CliResult) table = NULL;
  g_autoptr (CliResult) json = NULL;
  g_auto (GStrv) lines = NULL;
  guint jobs = 0;

  cli_test_reset ();
  table = cli_run (NULL, NULL, "tasks", NULL);
  json = cli_run (NULL, NULL, "--json", "tasks", NULL);

  cli_assert_status (table, 0);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_nonnull (strstr (table->out, expected[i]));
  g_assert_nonnull (strstr (table->out, "audio/mpeg"));

  cli_assert_status (json, 0);
  lines = cli_result_lines (json);
  g_assert_cmpuint (g_strv_length (lines), ==, 12);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonObject *o;

      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      o = json_node_get_object (json_parser_get_root (parser));
      g_assert_nonnull (json_object_get_string_member (o, "task"));
      g_assert_nonnull (json_object_get_array_member (o, "contentTypes"));
      if (g_str_equal (json_object_get_string_member (o, "api"), "jobs"))
        {
          g_assert_cmpint (json_object_get_int_member (o, "taskTypeId"), >, 0);
          jobs++;
        }
    }
  g_assert_cmpuint (jobs, ==, 8);
  /* No request: the table is the library's. */
  g_assert_cmpuint (cli_test_total_requests (), ==, 0);
}

/* get and delete take a mid or a job id, whichever API has it. */
static void
test_get_and_delete_either_api (void)
{
  g_autofree char *mid = NULL;
  g_autofree char *job = NULL;
  const char *ids[2];

  cli_test_reset ();
  mid = scan_for_id ("clip.mp4", "mp4", NULL, 0);
  job = scan_for_id ("voice.mp3", "mp3", "ai-audio-detection", 0);
  ids[0] = mid;
  ids[1] = job;
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (CliResult) get = cli_run (NULL, NULL, "get", ids[i], NULL);
      g_autoptr (CliResult) del = NULL;
      g_autoptr (CliResult) again = NULL;

      cli_assert_status (get, 0);
      g_assert_nonnull (strstr (get->out, i == 0 ? "mid:" : "job:"));
      g_assert_nonnull (strstr (get->out, ids[i]));
      del = cli_run (NULL, NULL, "delete", ids[i], NULL);
      cli_assert_status (del, 0);
      again = cli_run (NULL, NULL, "get", ids[i], NULL);
      cli_assert_status (again, 8);
      g_assert_nonnull (strstr (again->err, "list --jobs"));
    }
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "delete"),
                    ==, 1);
  g_assert_cmpuint (
      test_emulator_get_count (cli_test_emulator (), "job-delete"), ==, 1);
}

static guint
count_job_rows (CliResult *r)
{
  g_auto (GStrv) lines = cli_result_lines (r);
  guint rows = 0;

  for (guint i = 1; lines[i]; i++)
    if (strstr (lines[i], "ai-audio-detection"))
      rows++;
  return rows;
}

static void
test_list_jobs (void)
{
  g_autoptr (CliResult) page1 = NULL;
  g_autoptr (CliResult) page2 = NULL;
  g_autoptr (CliResult) all = NULL;
  g_autoptr (CliResult) failed = NULL;
  g_autoptr (CliResult) media = NULL;

  cli_test_reset ();
  for (guint i = 0; i < 3; i++)
    g_free (scan_for_id ("voice.mp3", "mp3", NULL, 0));
  g_free (scan_for_id ("clip.mp4", "mp4", NULL, 0));

  page1 = cli_run (NULL, NULL, "list", "--jobs", "--limit", "2", NULL);
  cli_assert_status (page1, 0);
  g_assert_cmpuint (count_job_rows (page1), ==, 2);
  g_assert_nonnull (strstr (page1->out, "records 1 to 2 of 3"));
  page2 = cli_run (NULL, NULL, "list", "--jobs", "--limit", "2", "--offset",
                   "2", NULL);
  cli_assert_status (page2, 0);
  g_assert_cmpuint (count_job_rows (page2), ==, 1);
  all = cli_run (NULL, NULL, "list", "--jobs", "--all", "--limit", "2", NULL);
  cli_assert_status (all, 0);
  g_assert_cmpuint (count_job_rows (all), ==, 3);
  g_assert_nonnull (strstr (all->out, "3 records"));
  failed = cli_run (NULL, NULL, "list", "--jobs", "--status", "failed", NULL);
  cli_assert_status (failed, 0);
  g_assert_nonnull (strstr (failed->out, "no records"));
  /* The Media API's list has the video only. */
  media = cli_run (NULL, NULL, "list", NULL);
  cli_assert_status (media, 0);
  g_assert_null (strstr (media->out, "ai-audio-detection"));
  g_assert_nonnull (strstr (media->out, "clip.mp4"));
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/jobs/scan-tasks", test_scan_tasks);
  g_test_add_func ("/cli/jobs/scan-m4a-content-type",
                   test_scan_m4a_content_type);
  g_test_add_func ("/cli/jobs/scan-failed-job", test_scan_failed_job);
  g_test_add_func ("/cli/jobs/scan-no-wait-finalizes",
                   test_scan_no_wait_finalizes);
  g_test_add_func ("/cli/jobs/usage", test_usage);
  g_test_add_func ("/cli/jobs/get-no-verdict", test_get_no_verdict);
  g_test_add_func ("/cli/jobs/spool-job", test_spool_job);
  g_test_add_func ("/cli/jobs/tasks-lists-every-task",
                   test_tasks_lists_every_task);
  g_test_add_func ("/cli/jobs/get-and-delete-either-api",
                   test_get_and_delete_either_api);
  g_test_add_func ("/cli/jobs/list-jobs", test_list_jobs);
  return cli_test_finish (g_test_run ());
}
