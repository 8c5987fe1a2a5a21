/* authentasink and the Jobs API: audio and the other Jobs API tasks, in real
 * pipelines against authenta-emulator on loopback.
 *
 * Each check function runs as its own meson test (GST_CHECKS=name); see
 * tests/plugin/meson.build.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sink-test-util.h"

#include <authenta/authenta.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* Small, quick audio for every pipeline: a quarter of a second. */
#define RAW_AUDIO "audiotestsrc num-buffers=12 ! "
#define MP3_PIPELINE RAW_AUDIO "lamemp3enc ! "
#define WAV_PIPELINE RAW_AUDIO "wavenc ! "
#define M4A_PIPELINE RAW_AUDIO "opusenc ! mp4mux ! "

/* The content type the job was created with, from the job's JSON. */
static const char *
job_content_type (JsonNode *root)
{
  JsonObject *job = json_node_get_object (root);
  JsonArray *inputs = json_object_get_array_member (job, "inputs");

  fail_unless (inputs != NULL && json_array_get_length (inputs) == 1);
  return json_object_get_string_member (
      json_array_get_object_element (inputs, 0), "contentType");
}

/* ------------------------------------------------------------------------ */
/* Verdicts through the Jobs flow */

typedef struct
{
  const char *upstream;
  const char *extra;
  const char *task;         /* the task the verdict names */
  const char *content_type; /* the job's */
  gboolean fake;
} JobVerdictCase;

static const JobVerdictCase job_verdict_cases[] = {
  { MP3_PIPELINE, "task=ai-audio-detection", "ai-audio-detection", "audio/mpeg",
    FALSE },
  /* No task: audio's default. */
  { WAV_PIPELINE, NULL, "ai-audio-detection", "audio/wav", FALSE },
  /* A task by its number. */
  { WAV_PIPELINE, "task=2 media-name=fake-voice.wav", "ai-audio-detection",
    "audio/wav", TRUE },
  /* mp4mux's audio-only file has an MP4 brand: M4A for an audio task,
   * and with no task its tracks say it is audio. */
  { M4A_PIPELINE, "task=ai-audio-detection", "ai-audio-detection", "audio/mp4",
    FALSE },
  { M4A_PIPELINE, NULL, "ai-audio-detection", "audio/mp4", FALSE },
  /* Video on the Jobs API. */
  { MP4_PIPELINE, "task=ai-video-detection", "ai-video-detection", "video/mp4",
    FALSE },
  { WEBM_PIPELINE, "task=faceswap-detection media-name=fake-face.webm",
    "faceswap-detection", "video/webm", TRUE },
};

static void
run_job_verdict_case (const JobVerdictCase *c)
{
  Fixture f = { .check_at_start = TRUE };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (JsonNode) json = NULL;
  const GstStructure *verdict;
  gboolean fake = !c->fake;

  GST_INFO ("case: %s%s", c->upstream, c->extra ? c->extra : "");
  fixture_setup (&f, "--processing-time", "0.2", NULL);
  pipeline = make_pipeline (&f, c->upstream, c->extra);
  messages = run_pipeline (pipeline, 30);
  verdict = check_verdict_run (messages);

  fail_unless_equals_string (gst_structure_get_string (verdict, "api"), "jobs");
  fail_unless_equals_string (gst_structure_get_string (verdict, "task"),
                             c->task);
  fail_unless_equals_string (gst_structure_get_string (verdict, "status"),
                             "PROCESSED");
  fail_unless (gst_structure_get_boolean (verdict, "fake", &fake));
  fail_unless_equals_int (fake, c->fake);
  json = json_from_string (gst_structure_get_string (verdict, "json"), NULL);
  fail_unless (json != NULL);
  fail_unless_equals_string (job_content_type (json), c->content_type);
  /* One job, finalized once; on the Media API only the start-time check's
   * probe (which the emulator counts as a create, and which makes no
   * record). */
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-create"), 1);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-finalize"), 1);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "upload"), 1);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "create"), 1);
  /* keep-file=on-failure: a verdict deletes the recording. */
  fail_unless_equals_int (count_files (f.dir), 0);
  fixture_teardown (&f);
}

GST_START_TEST (test_jobs_verdicts)
{
  for (guint i = 0; i < G_N_ELEMENTS (job_verdict_cases); i++)
    run_job_verdict_case (&job_verdict_cases[i]);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Refused at caps time, naming the task to use */

/* MP3 stands for audio here: wavenc, refused, loses a buffer of its source
 * (GStreamer 1.22; memcheck counts it), whatever the sink does. */
static const RefusedCase refused_cases[] = {
  { MP3_PIPELINE, "model-type=DF-1", "set task=ai-audio-detection" },
  { MP3_PIPELINE, "task=DF-1", "this stream is audio only" },
  { MP3_PIPELINE, "task=ai-video-detection",
    "The task ai-video-detection checks AI-generated video in MP4, "
    "QuickTime files" },
  { JPEG_PIPELINE, "task=ai-audio-detection", "this stream is an image" },
  { WEBM_PIPELINE, "task=ai-image-detection", "this stream is a video" },
  { RAW_AUDIO "opusenc ! webmmux ! ", "task=ai-audio-detection",
    "does not take audio alone in WebM" },
  /* Audio not in a file: which encoder makes one. */
  { RAW_AUDIO "opusenc ! ", "task=ai-audio-detection", "lamemp3enc for MP3" },
};

GST_START_TEST (test_jobs_refused_at_caps)
{
  for (guint i = 0; i < G_N_ELEMENTS (refused_cases); i++)
    run_refused_case (&refused_cases[i]);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Failures, retries and renewal */

/* A job the service fails: an ERROR with its errorMessage, the recording
 * kept. */
GST_START_TEST (test_jobs_failed_job)
{
  Fixture f = { 0 };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GError) err = NULL;
  int index;

  fixture_setup (&f, "--processing-time", "0.1", NULL);
  pipeline = make_pipeline (&f, MP3_PIPELINE,
                            "task=ai-audio-detection media-name=fail-voice");
  messages = run_pipeline (pipeline, 30);
  check_error_run (messages, "FAILED", 0, TRUE, TRUE);
  index = find_message (messages, "error", 0);
  gst_message_parse_error (messages->pdata[index], &err, NULL);
  fail_unless (strstr (err->message, "Processing failed") != NULL, "%s",
               err->message);
  fail_unless_equals_int (count_files (f.dir), 1);
  fixture_teardown (&f);
}
GST_END_TEST;

/* Audio alone in an MP4 (its caps say MP4) for a video model: at EOS its
 * tracks say M4A, and the library refuses it before any request, naming
 * the task that takes it; the recording is kept. */
GST_START_TEST (test_jobs_m4a_into_video_model)
{
  Fixture f = { 0 };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GError) err = NULL;

  fixture_setup (&f, NULL);
  pipeline = make_pipeline (&f, M4A_PIPELINE, "model-type=DF-1");
  messages = run_pipeline (pipeline, 30);
  check_error_run (messages, "UNSUPPORTED_MEDIA", 0, FALSE, TRUE);
  gst_message_parse_error (messages->pdata[find_message (messages, "error", 0)],
                           &err, NULL);
  fail_unless (strstr (err->message, "use task “ai-audio-detection”") != NULL,
               "%s", err->message);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "create"), 0);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-create"), 0);
  fixture_teardown (&f);
}
GST_END_TEST;

typedef struct
{
  const char *fault;
  guint job_creates; /* a fresh job after an expired upload URL */
} RetryCase;

static const RetryCase retry_cases[] = {
  { "{\"route\":\"job-create\",\"action\":\"status\",\"status\":503}", 2 },
  { "{\"route\":\"job-finalize\",\"action\":\"status\",\"status\":503}", 1 },
  { "{\"route\":\"job-get\",\"action\":\"status\",\"status\":503,"
    "\"count\":2}",
    1 },
  { "{\"route\":\"upload\",\"action\":\"status\",\"status\":503}", 1 },
  { "{\"route\":\"upload\",\"action\":\"expire\"}", 2 },
};

static void
run_retry_case (const RetryCase *c)
{
  Fixture f = { 0 };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  const GstStructure *verdict;

  GST_INFO ("case: %s", c->fault);
  fixture_setup (&f, "--processing-time", "0.1", NULL);
  test_emulator_add_fault (f.emu, c->fault);
  pipeline = make_pipeline (&f, WAV_PIPELINE, NULL);
  messages = run_pipeline (pipeline, 30);
  verdict = check_verdict_run (messages);
  fail_unless_equals_string (gst_structure_get_string (verdict, "api"), "jobs");
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-create"),
                          c->job_creates);
  fixture_teardown (&f);
}

GST_START_TEST (test_jobs_retries_and_renewal)
{
  for (guint i = 0; i < G_N_ELEMENTS (retry_cases); i++)
    run_retry_case (&retry_cases[i]);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* A stop before the finalize cancels the job */

static char *
wait_for_stage (GstBus *bus, const char *stage)
{
  for (;;)
    {
      g_autoptr (GstMessage) msg = gst_bus_timed_pop_filtered (
          bus, 20 * GST_SECOND,
          GST_MESSAGE_ELEMENT | GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
      const GstStructure *s;

      fail_unless (msg != NULL, "no %s progress within 20 s", stage);
      fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT);
      s = gst_message_get_structure (msg);
      if (gst_structure_has_name (s, "authenta-progress")
          && g_str_equal (gst_structure_get_string (s, "stage"), stage))
        return g_strdup (gst_structure_get_string (s, "mid"));
    }
}

GST_START_TEST (test_jobs_null_before_finalize_cancels)
{
  Fixture f = { 0 };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) job = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;
  gint64 start, elapsed;

  fixture_setup (&f, NULL);
  /* The upload hangs: the stop comes while it is under way. */
  test_emulator_add_fault (f.emu, "{\"route\":\"upload\",\"action\":\"delay\","
                                  "\"delay_ms\":20000}");
  pipeline = make_pipeline (&f, MP3_PIPELINE, "task=ai-audio-detection");
  bus = gst_element_get_bus (pipeline);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
               != GST_STATE_CHANGE_FAILURE);
  id = wait_for_stage (bus, "uploading");
  fail_unless (id != NULL);

  start = g_get_monotonic_time ();
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  elapsed = g_get_monotonic_time () - start;
  fail_unless (elapsed < G_USEC_PER_SEC * slowdown (),
               "NULL took %" G_GINT64_FORMAT " us", elapsed);

  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-cancel"), 1);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-finalize"), 0);
  client = authenta_client_new (test_emulator_get_base_url (f.emu),
                                EMULATOR_KEY, &error);
  fail_unless (client != NULL, "%s", error ? error->message : "");
  job = authenta_client_get_job (client, id, NULL, &error);
  fail_unless (job != NULL, "%s", error ? error->message : "");
  fail_unless_equals_string (authenta_media_get_status (job), "CANCELLED");
  /* Stopped before a verdict: the recording is kept. */
  fail_unless_equals_int (count_files (f.dir), 1);
  fixture_teardown (&f);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Journaled: spool-dir with a Jobs API task */

typedef struct
{
  const char *what;
  /* Faults that make the scan fail for a passing reason, or NULL. */
  const char *fault;
} JobSpoolCase;

static const JobSpoolCase job_spool_cases[] = {
  { "verdict", NULL },
  /* The finalize fails past the retries: spooled at UPLOADED, and
   * finished later, finalized once. */
  { "finalize fails",
    "{\"route\":\"job-finalize\",\"action\":\"status\",\"status\":503,"
    "\"count\":2}" },
};

static void
run_job_spool_case (const JobSpoolCase *c)
{
  Fixture f = { 0 };
  g_autofree char *spool = NULL;
  g_autofree char *extra = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (AuthentaJournalEntry) e = NULL;
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GError) error = NULL;
  gint64 id;

  GST_INFO ("case: %s", c->what);
  fixture_setup (&f, "--processing-time", "0.1", NULL);
  if (c->fault)
    test_emulator_add_fault (f.emu, c->fault);
  spool = spool_dir_of (&f);
  /* Two tries, which the fault's two 503s use up. */
  extra = g_strdup_printf ("task=ai-audio-detection retry-attempts=2 "
                           "spool-dir=%s",
                           spool);
  pipeline = make_pipeline (&f, MP3_PIPELINE, extra);
  messages = run_pipeline (pipeline, 30);
  dump_messages (messages);
  journal = open_spool_journal (&f);
  e = only_journal_entry (journal);
  id = authenta_journal_entry_get_id (e);
  fail_unless_equals_string (authenta_journal_entry_get_model_type (e),
                             "ai-audio-detection");

  if (c->fault == NULL)
    {
      const GstStructure *verdict = check_verdict_run (messages);
      gint64 journal_id = 0;

      fail_unless_equals_string (gst_structure_get_string (verdict, "api"),
                                 "jobs");
      fail_unless (
          gst_structure_get_int64 (verdict, "journal-id", &journal_id));
      fail_unless_equals_int64 (journal_id, id);
      fail_unless_equals_int (authenta_journal_entry_get_stage (e),
                              AUTHENTA_JOURNAL_STAGE_DONE);
      fail_unless_equals_string (authenta_journal_entry_get_mid (e),
                                 gst_structure_get_string (verdict, "mid"));
    }
  else
    {
      /* Spooled: a WARNING and authenta-spooled, the EOS let through. */
      fail_unless (find_message (messages, "authenta-spooled", 0) >= 0);
      fail_unless (find_message (messages, "error", 0) < 0);
      fail_unless (find_message (messages, "eos", 0) >= 0);
      fail_unless_equals_int (authenta_journal_entry_get_stage (e),
                              AUTHENTA_JOURNAL_STAGE_UPLOADED);
      /* The service is back (the faults are used up): `authenta spool run`
       * would do this. */
      client = emulator_client (&f);
      g_clear_pointer (&e, authenta_journal_entry_unref);
      e = authenta_journal_claim (journal, id, FALSE, &error);
      fail_unless (e != NULL, "%s", error ? error->message : "not claimable");
      media = authenta_client_scan_journaled (client, journal, e, NULL, NULL,
                                              NULL, &error);
      fail_unless (media != NULL, "%s", error ? error->message : "");
      authenta_journal_release (journal, id);
      after = authenta_journal_lookup (journal, id, &error);
      fail_unless_equals_int (authenta_journal_entry_get_stage (after),
                              AUTHENTA_JOURNAL_STAGE_DONE);
      fail_unless_equals_string (authenta_journal_entry_get_mid (after),
                                 authenta_media_get_mid (media));
    }
  /* One job, whatever happened. */
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-create"), 1);
  g_clear_object (&journal);
  remove_spool_dir (&f);
  fixture_teardown (&f);
}

GST_START_TEST (test_jobs_spool)
{
  for (guint i = 0; i < G_N_ELEMENTS (job_spool_cases); i++)
    run_job_spool_case (&job_spool_cases[i]);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Both APIs in one pipeline */

GST_START_TEST (test_both_apis_in_one_pipeline)
{
  Fixture f = { .check_at_start = TRUE };
  g_autofree char *video_sink = NULL;
  g_autofree char *audio_sink = NULL;
  g_autofree char *desc = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GError) error = NULL;
  gboolean saw_media = FALSE, saw_jobs = FALSE;

  fixture_setup (&f, "--processing-time", "0.2", NULL);
  video_sink = sink_args (&f, EMULATOR_KEY);
  audio_sink = sink_args (&f, EMULATOR_KEY);
  desc = g_strdup_printf ("%s%s name=video %s%s name=audio", MP4_PIPELINE,
                          video_sink, MP3_PIPELINE, audio_sink);
  pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL && error == NULL, "%s",
               error ? error->message : "");
  messages = run_pipeline (pipeline, 30);
  dump_messages (messages);
  fail_unless (find_message (messages, "error", 0) < 0);
  for (int i = find_message (messages, "authenta-verdict", 0); i >= 0;
       i = find_message (messages, "authenta-verdict", i + 1))
    {
      const GstStructure *s = message_structure (messages, i);
      const char *api = gst_structure_get_string (s, "api");
      const char *source = GST_OBJECT_NAME (
          GST_MESSAGE_SRC (GST_MESSAGE (messages->pdata[i])));

      if (g_str_equal (source, "video"))
        {
          fail_unless_equals_string (api, "media");
          fail_unless_equals_string (gst_structure_get_string (s, "task"),
                                     "DF-1");
          saw_media = TRUE;
        }
      else
        {
          fail_unless_equals_string (source, "audio");
          fail_unless_equals_string (api, "jobs");
          saw_jobs = TRUE;
        }
    }
  fail_unless (saw_media && saw_jobs);
  /* The video's record and the two sinks' start-time probes. */
  fail_unless_equals_int (test_emulator_get_count (f.emu, "create"), 3);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-create"), 1);
  fixture_teardown (&f);
}
GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* The property */

static void
count_warnings (GstDebugCategory *category, GstDebugLevel level,
                const char *file, const char *function, gint line,
                GObject *object, GstDebugMessage *message, gpointer user_data)
{
  guint *warnings = user_data;

  if (level == GST_LEVEL_WARNING
      && g_str_equal (gst_debug_category_get_name (category), "authentasink")
      && strstr (gst_debug_message_get (message), "refused") != NULL)
    (*warnings)++;
}

GST_START_TEST (test_task_property)
{
  static const struct
  {
    const char *set;
    const char *reads; /* NULL: unset */
    gboolean refused;
  } cases[] = {
    { "ai-audio-detection", "ai-audio-detection", FALSE },
    { "2", "ai-audio-detection", FALSE },
    { "11", "ekyc-deepfake", FALSE },
    { "DF-1", "DF-1", FALSE },
    { NULL, NULL, FALSE },
    /* Refused: the value before stays. */
    { "faceswap-detection", "faceswap-detection", FALSE },
    { "no-such-task", "faceswap-detection", TRUE },
    { "9", "faceswap-detection", TRUE }, /* face-embedding: no verdict */
    { "", "faceswap-detection", TRUE },
    { "ai-audio-detection\r\nX: 1", "faceswap-detection", TRUE },
  };
  g_autoptr (GstElement) sink = gst_element_factory_make ("authentasink", NULL);
  guint warnings = 0, refusals = 0;

  fail_unless (sink != NULL);
  gst_debug_set_threshold_for_name ("authentasink", GST_LEVEL_WARNING);
  gst_debug_add_log_function (count_warnings, &warnings, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *task = NULL;

      g_object_set (sink, "task", cases[i].set, NULL);
      g_object_get (sink, "task", &task, NULL);
      fail_unless_equals_string (task, cases[i].reads);
      refusals += cases[i].refused;
      fail_unless_equals_int (warnings, refusals);
    }
  gst_debug_remove_log_function (count_warnings);
}
GST_END_TEST;

static Suite *
authentasink_jobs_suite (void)
{
  Suite *s = suite_create ("authentasink-jobs");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_jobs_verdicts);
  tcase_add_test (tc, test_jobs_refused_at_caps);
  tcase_add_test (tc, test_jobs_failed_job);
  tcase_add_test (tc, test_jobs_m4a_into_video_model);
  tcase_add_test (tc, test_jobs_retries_and_renewal);
  tcase_add_test (tc, test_jobs_null_before_finalize_cancels);
  tcase_add_test (tc, test_jobs_spool);
  tcase_add_test (tc, test_both_apis_in_one_pipeline);
  tcase_add_test (tc, test_task_property);
  return s;
}

GST_CHECK_MAIN (authentasink_jobs);
