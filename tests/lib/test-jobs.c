/* libauthenta and the Jobs API: the task table, jobs read from JSON (ids,
 * statuses, result shapes), and scans with a Jobs task against
 * authenta-emulator on loopback: audio, video and image tasks, failed and
 * verdict-less jobs, refusals before any request, hostile job ids, the
 * finalize, cancel before finalize, an expired upload URL, transient
 * faults, and both APIs in one process.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include "test-emulator.h"

/* authenta_client_set_task_timeout_scale(): the bound of a task's time-out
 * (minutes) tested in a fraction of a second. */
#include "authenta-client-private.h"

#include <glib/gstdio.h>
#include <string.h>

#define KEY "api_emulator_key"

static TestEmulator *emu; /* shared; reset before each test */
static char *tmpdir;

/* ---- log capture ------------------------------------------------------ */

static GMutex log_lock;
static GString *log_text; /* non-NULL while capturing */

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
            gpointer user_data)
{
  gboolean capturing;

  g_mutex_lock (&log_lock);
  capturing = log_text != NULL;
  for (gsize i = 0; capturing && i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      g_string_append_printf (log_text, "%s\n", (const char *)fields[i].value);
  g_mutex_unlock (&log_lock);
  if (level & G_LOG_LEVEL_DEBUG && capturing)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/* ---- helpers ---------------------------------------------------------- */

typedef struct
{
  AuthentaClient *client;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  test_emulator_reset (emu);
  f->client
      = authenta_client_new (test_emulator_get_base_url (emu), KEY, &error);
  g_assert_no_error (error);
  /* Short delays keep the suite fast; the behaviour is the same. */
  authenta_client_set_retry_policy (f->client, 4, 5, 20, 0.5);
  authenta_client_set_poll_policy (f->client, 10, 1.5, 40, 10000);
  authenta_client_set_timeouts (f->client, 2000, 5000, 5000);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->client);
}

typedef enum
{
  FILE_MP3,       /* ID3 tag, then an MPEG audio frame */
  FILE_MP3_FRAME, /* an MPEG audio frame only, as lamemp3enc writes */
  FILE_WAV,
  FILE_M4A,
  FILE_MP4,
  FILE_PNG,
} FileKind;

/* A file of the kind (its first bytes; the emulator does not decode). */
static char *
make_file (const char *name, FileKind kind)
{
  static const struct
  {
    const char *head;
    gsize length;
  } heads[] = {
    [FILE_MP3] = { "ID3\x04\0\0\0\0\0\0\xff\xfb\x90\x64", 14 },
    [FILE_MP3_FRAME] = { "\xff\xfb\x90\x64\0\0\0\0", 8 },
    [FILE_WAV] = { "RIFF\x24\x08\0\0WAVEfmt \x10\0\0\0", 20 },
    [FILE_M4A] = { "\0\0\0\x1c"
                   "ftypM4A \0\0\0\0M4A mp42isom",
                   28 },
    [FILE_MP4] = { "\0\0\0\x18"
                   "ftypmp42\0\0\0\0mp42isom",
                   24 },
    [FILE_PNG] = { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16 },
  };
  char *path = g_build_filename (tmpdir, name, NULL);
  gsize size = 3000;
  g_autofree guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8)(i * 7 + 3);
  memcpy (data, heads[kind].head, heads[kind].length);
  g_assert_true (g_file_set_contents (path, (char *)data, size, NULL));
  return path;
}

static void
add_fault (const char *route, const char *action, guint count,
           const char *extra)
{
  g_autofree char *json = g_strdup_printf (
      "{\"route\":\"%s\",\"action\":\"%s\",\"count\":%u%s%s}", route, action,
      count, extra ? "," : "", extra ? extra : "");
  test_emulator_add_fault (emu, json);
}

static guint
count (const char *route)
{
  return test_emulator_get_count (emu, route);
}

static guint
count_all (void)
{
  static const char *const routes[]
      = { "create",       "list",       "get",       "delete",
          "upload",       "job-create", "job-list",  "job-get",
          "job-finalize", "job-cancel", "job-delete" };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    n += count (routes[i]);
  return n;
}

/* The ids a scan's progress reported, and, optionally, a cancel at a
 * stage: deterministic, with no sleep. */
typedef struct
{
  GPtrArray *ids;
  GCancellable *cancel;
  AuthentaScanStage cancel_at;
} Progress;

static void
on_progress (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
             guint64 total, gpointer user_data)
{
  Progress *p = user_data;
  const char *id = authenta_media_get_id (media);

  g_assert_cmpint (authenta_media_get_api (media), ==, AUTHENTA_TASK_API_JOBS);
  if (p->ids->len == 0
      || g_strcmp0 (g_ptr_array_index (p->ids, p->ids->len - 1), id) != 0)
    g_ptr_array_add (p->ids, g_strdup (id));
  if (p->cancel && stage == p->cancel_at)
    g_cancellable_cancel (p->cancel);
}

/* ---- the task table (no network) -------------------------------------- */

static void
test_task_table (void)
{
  static const struct
  {
    const char *task;
    AuthentaTaskApi api;
    const char *name;
    guint id;
    const char *takes, *refuses;
  } cases[] = {
    { "DF-1", AUTHENTA_TASK_API_MEDIA, "DF-1", 0, "video/mp4", NULL },
    { "AC-1", AUTHENTA_TASK_API_MEDIA, "AC-1", 0, "image/png", NULL },
    { "FD-1", AUTHENTA_TASK_API_MEDIA, "FD-1", 0, "image/jpeg", NULL },
    { "ai-image-detection", AUTHENTA_TASK_API_JOBS, NULL, 1, "image/png",
      "audio/mpeg" },
    { "ai-audio-detection", AUTHENTA_TASK_API_JOBS, NULL, 2, "audio/x-m4a",
      "video/mp4" },
    { "2", AUTHENTA_TASK_API_JOBS, "ai-audio-detection", 2, "audio/wav",
      "image/png" },
    { "ai-video-detection", AUTHENTA_TASK_API_JOBS, NULL, 3, "video/quicktime",
      "video/webm" },
    { "faceswap-detection", AUTHENTA_TASK_API_JOBS, NULL, 4, "video/webm",
      "audio/wav" },
    { "image-forgery-detection", AUTHENTA_TASK_API_JOBS, NULL, 5, "image/jpeg",
      "video/mp4" },
    { "document-intelligence", AUTHENTA_TASK_API_JOBS, NULL, 6,
      "application/pdf", "audio/mpeg" },
    { "face-liveness-detection", AUTHENTA_TASK_API_JOBS, NULL, 7, "image/png",
      "video/mp4" },
    { "11", AUTHENTA_TASK_API_JOBS, "ekyc-deepfake", 11, "video/mp4",
      "image/png" },
    /* No verdict (8, 9, 10), not numbers as the service prints them, or
     * nothing at all. */
    { "9", AUTHENTA_TASK_API_NONE, NULL, 0, NULL, "image/png" },
    { "02", AUTHENTA_TASK_API_NONE, NULL, 0, NULL, "audio/wav" },
    { "0", AUTHENTA_TASK_API_NONE, NULL, 0, NULL, "audio/wav" },
    { "+2", AUTHENTA_TASK_API_NONE, NULL, 0, NULL, "audio/wav" },
    { "99999999999999999999", AUTHENTA_TASK_API_NONE, NULL, 0, NULL, NULL },
    { "AI-AUDIO-DETECTION", AUTHENTA_TASK_API_NONE, NULL, 0, NULL, NULL },
    { "", AUTHENTA_TASK_API_NONE, NULL, 0, NULL, NULL },
  };
  const char *const *all = authenta_task_list ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *t = cases[i].task;
      const char *name = cases[i].api == AUTHENTA_TASK_API_NONE ? NULL
                         : cases[i].name                        ? cases[i].name
                                                                : t;

      g_test_message ("task “%s”", t);
      g_assert_cmpint (authenta_task_get_api (t), ==, cases[i].api);
      g_assert_cmpstr (authenta_task_get_name (t), ==, name);
      g_assert_cmpuint (authenta_task_get_id (t), ==, cases[i].id);
      g_assert_true ((authenta_task_get_description (t) != NULL)
                     == (name != NULL));
      g_assert_true ((authenta_task_get_content_types (t) != NULL)
                     == (name != NULL));
      if (cases[i].takes)
        g_assert_true (authenta_task_accepts (t, cases[i].takes));
      if (cases[i].refuses)
        g_assert_false (authenta_task_accepts (t, cases[i].refuses));
      if (name)
        g_assert_true (g_strv_contains ((const char *const *)all, name));
    }
  g_assert_cmpint (authenta_task_get_api (NULL), ==, AUTHENTA_TASK_API_NONE);
  g_assert_cmpuint (g_strv_length ((char **)all), ==, 12);
}

static void
test_task_defaults (void)
{
  static const struct
  {
    const char *content_type, *task;
  } cases[] = {
    { "video/mp4", "DF-1" },
    { "video/webm", "DF-1" },
    { "image/png", "AC-1" },
    { "image/jpeg", "AC-1" },
    { "audio/mpeg", "ai-audio-detection" },
    { "audio/wav", "ai-audio-detection" },
    { "audio/x-wav", "ai-audio-detection" },
    { "audio/mp4", "ai-audio-detection" },
    { "audio/x-m4a", "ai-audio-detection" },
    { "AUDIO/MPEG", "ai-audio-detection" },
    { "audio/ogg", NULL },
    { "application/pdf", NULL },
    { "text/plain", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (
        authenta_task_default_for_content_type (cases[i].content_type), ==,
        cases[i].task);
  /* The Media API's default is what it always was. */
  g_assert_null (authenta_content_type_default_model ("audio/mpeg"));
}

static void
test_sniff_audio (void)
{
  static const struct
  {
    FileKind kind;
    const char *type;
  } cases[] = {
    { FILE_MP3, "audio/mpeg" }, { FILE_MP3_FRAME, "audio/mpeg" },
    { FILE_WAV, "audio/wav" },  { FILE_M4A, "audio/mp4" },
    { FILE_MP4, "video/mp4" },  { FILE_PNG, "image/png" },
  };
  /* Not audio: a JPEG's marker, a frame header with a reserved layer or
   * a bad bit rate, a RIFF that is not WAVE. */
  static const char *const not_audio[]
      = { "\xff\xd9\x00\x00", "\xff\xf9\x90\x64", "\xff\xfb\xf0\x64",
          "RIFF\0\0\0\0AVI " };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *path = make_file ("sniff", cases[i].kind);

      g_assert_cmpstr (authenta_content_type_sniff_file (path, &error), ==,
                       cases[i].type);
      g_assert_no_error (error);
    }
  for (guint i = 0; i < G_N_ELEMENTS (not_audio); i++)
    g_assert_null (authenta_content_type_sniff_data (
        (const guint8 *)not_audio[i], i == 3 ? 12 : 4));
}

/* ---- jobs from JSON (no network) -------------------------------------- */

static void
test_job_json (void)
{
  static const struct
  {
    const char *json;
    const char *id, *status, *task;
    int verdict; /* -1 unknown */
    double confidence;
  } cases[] = {
    /* jobId as a number and as a string. */
    { "{\"jobId\":469,\"status\":\"completed\",\"taskTypeId\":1,"
      "\"result\":{\"confidence\":0.98,\"isAiGenerated\":true}}",
      "469", "PROCESSED", "ai-image-detection", 1, 0.98 },
    { "{\"jobId\":\"469\",\"status\":\"completed\",\"taskTypeSlug\":"
      "\"ai-audio-detection\",\"result\":{\"isAiGenerated\":false}}",
      "469", "PROCESSED", "ai-audio-detection", 0, -1 },
    /* Each verdict field the vendor's material shows. */
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"isDeepFake\":true,"
      "\"faces\":1,\"deepFakes\":1}}",
      "1", "PROCESSED", NULL, 1, -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"isForged\":false}}",
      "1", "PROCESSED", NULL, 0, -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"isSpoof\":true,"
      "\"isLive\":false}}",
      "1", "PROCESSED", NULL, 1, -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"fake\":true}}", "1",
      "PROCESSED", NULL, 1, -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"deepFakes\":2}}",
      "1", "PROCESSED", NULL, 1, -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"deepFakes\":0}}",
      "1", "PROCESSED", NULL, 0, -1 },
    /* Unknown shapes: unknown fakeness, not an error. */
    { "{\"jobId\":1,\"status\":\"completed\"}", "1", "PROCESSED", NULL, -1,
      -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"dimensions\":8,"
      "\"embedding\":[1,2]}}",
      "1", "PROCESSED", NULL, -1, -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":"
      "\"https://x/result.json\"}",
      "1", "PROCESSED", NULL, -1, -1 },
    { "{\"jobId\":1,\"status\":\"completed\",\"result\":{\"isAiGenerated\":"
      "\"yes\"}}",
      "1", "PROCESSED", NULL, -1, -1 },
    /* Statuses as the Media API's stages. */
    { "{\"jobId\":2,\"status\":\"waiting_for_finalize\"}", "2", "INITED", NULL,
      -1, -1 },
    { "{\"jobId\":2,\"status\":\"created\"}", "2", "INITED", NULL, -1, -1 },
    { "{\"jobId\":2,\"status\":\"queued\"}", "2", "QUEUED", NULL, -1, -1 },
    { "{\"jobId\":2,\"status\":\"processing\"}", "2", "PROCESSING", NULL, -1,
      -1 },
    { "{\"jobId\":2,\"status\":\"failed\",\"errorMessage\":\"bad\"}", "2",
      "FAILED", NULL, -1, -1 },
    { "{\"jobId\":2,\"status\":\"cancelled\"}", "2", "CANCELLED", NULL, -1,
      -1 },
    { "{\"jobId\":2,\"status\":\"sleeping\"}", "2", "SLEEPING", NULL, -1, -1 },
    /* Refused: ids that may not go into a path, ids of another type. */
    { "{\"jobId\":\"../x\",\"status\":\"queued\"}", NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":\"a b\",\"status\":\"queued\"}", NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":\"1234567890123456789012345678901234567890123456789012345"
      "67890123456\"}",
      NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":\"\"}", NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":{\"id\":1},\"status\":1}", NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":1.5}", NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":true}", NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":1,\"status\":7}", NULL, NULL, NULL, 0, 0 },
    { "{\"jobId\":1,\"inputs\":[{\"contentType\":\"audio/mpeg\\r\\nX: "
      "1\"}]}",
      NULL, NULL, NULL, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaMedia) job
          = authenta_media_new_from_json (cases[i].json, -1, &error);

      g_test_message ("%s", cases[i].json);
      if (cases[i].id == NULL)
        {
          g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
          g_assert_null (job);
          continue;
        }
      g_assert_no_error (error);
      g_assert_cmpint (authenta_media_get_api (job), ==,
                       AUTHENTA_TASK_API_JOBS);
      g_assert_cmpstr (authenta_media_get_id (job), ==, cases[i].id);
      g_assert_cmpstr (authenta_media_get_mid (job), ==, cases[i].id);
      g_assert_cmpstr (authenta_media_get_status (job), ==, cases[i].status);
      g_assert_cmpstr (authenta_media_get_task (job), ==, cases[i].task);
      g_assert_true (authenta_media_has_verdict (job)
                     == (cases[i].verdict >= 0));
      g_assert_true (authenta_media_is_fake (job) == (cases[i].verdict == 1));
      g_assert_cmpfloat_with_epsilon (authenta_media_get_confidence (job),
                                      cases[i].confidence, 1e-9);
      g_assert_cmpstr (authenta_media_get_json (job), ==, cases[i].json);
      g_assert_true (authenta_media_is_processed (job)
                     == (g_strcmp0 (cases[i].status, "PROCESSED") == 0));
      g_assert_true (authenta_media_is_terminal (job)
                     == (g_strcmp0 (cases[i].status, "PROCESSED") == 0
                         || g_strcmp0 (cases[i].status, "FAILED") == 0
                         || g_strcmp0 (cases[i].status, "CANCELLED") == 0));
    }
}

static void
test_media_json_unchanged (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) video = authenta_media_new_from_json (
      "{\"mid\":\"m1\",\"status\":\"PROCESSED\",\"modelType\":\"DF-1\","
      "\"faces\":1,\"deepFakes\":0}",
      -1, &error);
  g_autoptr (AuthentaMedia) pending = authenta_media_new_from_json (
      "{\"mid\":\"m2\",\"status\":\"CANCELLED\"}", -1, &error);

  g_assert_no_error (error);
  g_assert_cmpint (authenta_media_get_api (video), ==, AUTHENTA_TASK_API_MEDIA);
  g_assert_cmpstr (authenta_media_get_task (video), ==, "DF-1");
  g_assert_true (authenta_media_has_verdict (video));
  g_assert_false (authenta_media_is_fake (video));
  /* A status the Media API never sends stays what it was: not final. */
  g_assert_false (authenta_media_is_terminal (pending));
  g_assert_false (authenta_media_has_verdict (pending));
}

/* ---- scans ------------------------------------------------------------ */

typedef struct
{
  const char *file_name; /* the emulator judges by the name */
  FileKind kind;
  const char *task; /* NULL: the default for the file */
  const char *task_name;
  gboolean fake;
} ScanCase;

static const ScanCase scan_cases[] = {
  { "voice.mp3", FILE_MP3, NULL, "ai-audio-detection", FALSE },
  { "fake-voice.mp3", FILE_MP3_FRAME, NULL, "ai-audio-detection", TRUE },
  { "fake-voice.wav", FILE_WAV, "ai-audio-detection", "ai-audio-detection",
    TRUE },
  { "voice.m4a", FILE_M4A, "2", "ai-audio-detection", FALSE },
  { "fake-clip.mp4", FILE_MP4, "ai-video-detection", "ai-video-detection",
    TRUE },
  { "clip.mp4", FILE_MP4, "3", "ai-video-detection", FALSE },
  { "fake-swap.mp4", FILE_MP4, "faceswap-detection", "faceswap-detection",
    TRUE },
  { "fake-face.png", FILE_PNG, "face-liveness-detection",
    "face-liveness-detection", TRUE },
  { "photo.png", FILE_PNG, "image-forgery-detection", "image-forgery-detection",
    FALSE },
  { "fake-kyc.mp4", FILE_MP4, "ekyc-deepfake", "ekyc-deepfake", TRUE },
};

static void
test_scan (Fixture *f, gconstpointer data)
{
  const ScanCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file (c->file_name, c->kind);
  g_autoptr (AuthentaMedia) job = NULL;
  g_autoptr (AuthentaMedia) again = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Progress p = { ids, NULL, 0 };
  const char *id;

  job = authenta_client_scan_file (f->client, path, NULL, NULL, c->task,
                                   on_progress, &p, NULL, &error);
  g_assert_no_error (error);
  id = authenta_media_get_id (job);
  g_assert_nonnull (id);
  g_assert_cmpint (authenta_media_get_api (job), ==, AUTHENTA_TASK_API_JOBS);
  g_assert_cmpstr (authenta_media_get_task (job), ==, c->task_name);
  g_assert_cmpstr (authenta_media_get_status (job), ==, "PROCESSED");
  g_assert_true (authenta_media_is_processed (job));
  g_assert_true (authenta_media_has_verdict (job));
  g_assert_true (authenta_media_is_fake (job) == c->fake);
  g_assert_cmpfloat (authenta_media_get_confidence (job), >, 0.5);
  g_assert_nonnull (strstr (authenta_media_get_json (job), "\"result\""));
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (ids, 0), ==, id);

  /* One job, uploaded once, finalized once; the Media API untouched. */
  g_assert_cmpuint (count ("job-create"), ==, 1);
  g_assert_cmpuint (count ("upload"), ==, 1);
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
  g_assert_cmpuint (count ("create"), ==, 0);
  again = authenta_client_get_job (f->client, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (authenta_media_get_json (again), "\"queuedAt\""));
  g_assert_true (authenta_client_delete_job (f->client, id, NULL, &error));
  g_assert_no_error (error);
}

/* Files as GStreamer's encoders and muxers write them: what an audio
 * pipeline ending in a file (or authentasink) hands over. */
typedef struct
{
  const char *file_name;
  const char *pipeline; /* before "! filesink" */
  const char *task;
  const char *content_type; /* as sent */
} EncodedCase;

static const EncodedCase encoded_cases[] = {
  { "voice.mp3", "audiotestsrc num-buffers=20 ! lamemp3enc", NULL,
    "audio/mpeg" },
  { "voice.wav", "audiotestsrc num-buffers=20 ! wavenc", "ai-audio-detection",
    "audio/wav" },
  /* mp4mux writes the brand of any MP4: named as M4A for an audio task. */
  { "fake-voice.m4a",
    "audiotestsrc num-buffers=20 ! lamemp3enc ! mpegaudioparse ! mp4mux",
    "ai-audio-detection", "audio/mp4" },
};

static void
test_scan_encoded (Fixture *f, gconstpointer data)
{
  const EncodedCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (tmpdir, c->file_name, NULL);
  g_autofree char *registry = g_build_filename (tmpdir, "registry.bin", NULL);
  g_autofree char *command = NULL;
  g_autofree char *gst = g_find_program_in_path ("gst-launch-1.0");
  g_auto (GStrv) argv = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_autoptr (AuthentaMedia) job = NULL;
  int status = 0;

  if (gst == NULL)
    {
      g_test_skip ("no gst-launch-1.0");
      return;
    }
  command = g_strdup_printf ("%s -q %s ! filesink location=%s", gst,
                             c->pipeline, path);
  g_assert_true (g_shell_parse_argv (command, NULL, &argv, NULL));
  envp = g_environ_setenv (envp, "GST_REGISTRY", registry, TRUE);
  if (!g_spawn_sync (NULL, argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      g_test_skip ("the encoder or muxer is not installed");
      return;
    }

  job = authenta_client_scan_file (f->client, path, NULL, NULL, c->task, NULL,
                                   NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_task (job), ==, "ai-audio-detection");
  g_assert_cmpstr (authenta_media_get_content_type (job), ==, c->content_type);
  g_assert_true (authenta_media_has_verdict (job));
  g_assert_true (authenta_media_is_fake (job)
                 == (strstr (c->file_name, "fake") != NULL));
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
}

static void
test_scan_failed_job (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("will-fail.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;

  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROCESSING_FAILED);
  g_assert_nonnull (authenta_error_get_mid (error));
  g_assert_nonnull (strstr (error->message, authenta_error_get_mid (error)));
  /* The service's errorMessage. */
  g_assert_nonnull (strstr (error->message, "Processing failed"));
}

static void
test_scan_completed_without_result (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("voice.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;

  add_fault ("job-get", "body", 1,
             "\"status\":200,\"body\":\"{\\\"jobId\\\":7,\\\"status\\\":"
             "\\\"completed\\\"}\"");
  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (job));
  g_assert_false (authenta_media_has_verdict (job));
  g_assert_false (authenta_media_is_fake (job));
}

static void
test_scan_unknown_task (Fixture *f, gconstpointer data)
{
  static const char *const tasks[] = { "no-such-task",
                                       "DF-2",
                                       "12",
                                       "0",
                                       "9",
                                       "ai-audio-detection ",
                                       "ai-audio-detection\r\nX: 1",
                                       KEY };
  g_autofree char *path = make_file ("voice.mp3", FILE_MP3);

  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaMedia) job = authenta_client_scan_file (
          f->client, path, NULL, NULL, tasks[i], NULL, NULL, NULL, &error);

      g_assert_null (job);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
      /* The message lists what exists. */
      g_assert_nonnull (strstr (error->message, "ai-audio-detection"));
      g_assert_nonnull (strstr (error->message, "DF-1"));
      g_assert_null (strchr (error->message, '\r'));
      g_assert_null (strstr (error->message, KEY));
    }
  g_assert_cmpuint (count_all (), ==, 0);
}

static void
test_scan_type_refused_before_any_request (Fixture *f, gconstpointer data)
{
  static const struct
  {
    FileKind kind;
    const char *content_type; /* NULL: sniffed */
    const char *task;
    const char *names; /* in the message */
  } cases[] = {
    { FILE_MP3, NULL, "ai-image-detection", "ai-audio-detection" },
    { FILE_PNG, NULL, "ai-audio-detection", "audio/mpeg" },
    /* Named: an MP4 sniffed would be taken as M4A (see encoded/). */
    { FILE_MP4, "video/mp4", "2", "audio/wav" },
    { FILE_WAV, NULL, "ai-video-detection", "video/mp4" },
    /* No Media API model takes sound. */
    { FILE_MP3, NULL, "DF-1", "ai-audio-detection" },
    { FILE_WAV, NULL, "AC-1", "ai-audio-detection" },
    { FILE_MP3, "audio/ogg", "ai-audio-detection", "audio/x-m4a" },
    { FILE_MP4, "video/webm", "ai-video-detection", "video/quicktime" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *path = make_file ("refused", cases[i].kind);
      g_autoptr (AuthentaMedia) job = authenta_client_scan_file (
          f->client, path, NULL, cases[i].content_type, cases[i].task, NULL,
          NULL, NULL, &error);

      g_assert_null (job);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UNSUPPORTED_MEDIA);
      g_assert_nonnull (strstr (error->message, cases[i].names));
    }
  g_assert_cmpuint (count_all (), ==, 0);
}

static void
test_hostile_job_ids (Fixture *f, gconstpointer data)
{
  static const char *const ids[] = {
    "../x",
    "1/../../media",
    "a b",
    "1?x=1",
    "1#",
    "",
    "%2e%2e",
    "1\r\nX: 1",
    "12345678901234567890123456789012345678901234567890123456789012345",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr (GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;
      g_autoptr (AuthentaMedia) got = NULL, waited = NULL;

      got = authenta_client_get_job (f->client, ids[i], NULL, &e1);
      g_assert_error (e1, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
      g_assert_false (
          authenta_client_delete_job (f->client, ids[i], NULL, &e2));
      g_assert_error (e2, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
      g_assert_false (
          authenta_client_cancel_job (f->client, ids[i], NULL, &e3));
      g_assert_error (e3, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
      g_assert_false (
          authenta_client_finalize_job (f->client, ids[i], NULL, &e4));
      g_assert_error (e4, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
      waited = authenta_client_wait_for_job (f->client, ids[i], NULL, NULL,
                                             NULL, &e5);
      g_assert_error (e5, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
    }
  g_assert_cmpuint (count_all (), ==, 0);
}

static void
test_hostile_job_id_from_service (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("voice.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;

  add_fault ("job-create", "body", 1,
             "\"status\":200,\"body\":\"{\\\"jobId\\\":\\\"../media\\\","
             "\\\"status\\\":\\\"waiting_for_finalize\\\",\\\"inputs\\\":[{"
             "\\\"uploadUrl\\\":\\\"http://127.0.0.1:9/s3/x\\\"}]}\"");
  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
  /* Nothing was sent with it: no upload, no finalize, no delete. */
  g_assert_cmpuint (count ("upload"), ==, 0);
  g_assert_cmpuint (count ("job-finalize"), ==, 0);
  g_assert_cmpuint (count ("job-delete"), ==, 0);
}

/* Cancelled while uploading, or between the upload and the finalize: the
 * job is cancelled, with a request of its own, and never finalized. */
static void
test_cancel_before_finalize (Fixture *f, gconstpointer data)
{
  AuthentaScanStage stage = GPOINTER_TO_INT (data);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("voice.wav", FILE_WAV);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AuthentaMedia) job = NULL;
  g_autoptr (AuthentaMedia) after = NULL;
  Progress p = { ids, cancellable, stage };
  Fixture *fx = f;

  job = authenta_client_scan_file (fx->client, path, NULL, NULL, NULL,
                                   on_progress, &p, cancellable, &error);
  g_assert_null (job);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpuint (count ("job-finalize"), ==, 0);
  g_assert_cmpuint (count ("job-cancel"), ==, 1);
  after = authenta_client_get_job (fx->client, g_ptr_array_index (ids, 0), NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_status (after), ==, "CANCELLED");
  g_assert_true (authenta_media_is_terminal (after));
}

static void
test_expired_url_new_job (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("fake-voice.mp3", FILE_MP3);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AuthentaMedia) job = NULL;
  g_autoptr (AuthentaMedia) old = NULL;
  Progress p = { ids, NULL, 0 };

  add_fault ("upload", "expire", 1, NULL);
  job = authenta_client_scan_file (f->client, path, NULL, NULL,
                                   "ai-audio-detection", on_progress, &p, NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_fake (job));
  g_assert_cmpuint (count ("job-create"), ==, 2);
  g_assert_cmpuint (count ("upload"), ==, 2);
  g_assert_cmpuint (count ("job-delete"), ==, 1);
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
  g_assert_cmpuint (count ("create"), ==, 0);
  /* Reported: the first job, then the fresh one, which was judged. */
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (ids, 1), ==, authenta_media_get_id (job));
  old = authenta_client_get_job (f->client, g_ptr_array_index (ids, 0), NULL,
                                 &error);
  g_assert_null (old);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
}

typedef struct
{
  const char *route, *action;
  guint n;
  const char *extra;
  const char *more_than; /* a route that must have more than one request */
} FaultCase;

static const FaultCase fault_cases[] = {
  { "job-create", "status", 2, "\"status\":503", "job-create" },
  { "upload", "status", 2, "\"status\":503", "upload" },
  { "job-finalize", "status", 2, "\"status\":503", "job-finalize" },
  { "job-finalize", "status", 1, "\"status\":502", "job-finalize" },
  /* The finalize was done, its answer lost: not resent, and the job's
   * status shows it was finalized. */
  { "job-finalize", "drop", 1, NULL, "job-get" },
  { "job-get", "status", 6, "\"status\":503", "job-get" },
  { "job-get", "status", 2, "\"status\":429,\"retry_after\":0", "job-get" },
  { "job-get", "wrong-type", 2, NULL, "job-get" },
  { "job-get", "malformed", 2, NULL, "job-get" },
  { "job-get", "drop", 2, NULL, "job-get" },
};

static void
test_transient_fault (Fixture *f, gconstpointer data)
{
  const FaultCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("voice.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;

  add_fault (c->route, c->action, c->n, c->extra);
  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (job));
  g_assert_true (authenta_media_has_verdict (job));
  g_assert_cmpuint (count (c->more_than), >, 1);
  g_assert_cmpuint (count ("job-create"), ==,
                    g_str_equal (c->route, "job-create") ? c->n + 1 : 1);
}

/* Scans that give up: the job is never left behind waiting. */
typedef struct
{
  const char *route, *action;
  guint n;
  const char *extra;
  gint code; /* AuthentaError */
  guint deletes;
} GiveUpCase;

static const GiveUpCase give_up_cases[] = {
  /* Created, its answer lost: not resent; the job is found and deleted. */
  { "job-create", "drop", 1, NULL, AUTHENTA_ERROR_NETWORK, 1 },
  { "upload", "status", 1, "\"status\":403,\"code\":\"SignatureDoesNotMatch\"",
    AUTHENTA_ERROR_UPLOAD_REJECTED, 1 },
  { "job-finalize", "status", 1, "\"status\":402",
    AUTHENTA_ERROR_INSUFFICIENT_BALANCE, 1 },
  { "job-create", "status", 1, "\"status\":400,\"code\":\"INVALID_TASK_TYPE\"",
    AUTHENTA_ERROR_BAD_REQUEST, 0 },
  { "job-create", "status", 1,
    "\"status\":400,\"code\":\"UNSUPPORTED_MEDIA_TYPE\"",
    AUTHENTA_ERROR_UNSUPPORTED_MEDIA, 0 },
};

static void
test_give_up (Fixture *f, gconstpointer data)
{
  const GiveUpCase *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("voice.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;
  g_autoptr (GPtrArray) left = NULL;

  add_fault (c->route, c->action, c->n, c->extra);
  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, AUTHENTA_ERROR, c->code);
  g_clear_error (&error);
  g_assert_cmpuint (count ("job-delete"), ==, c->deletes);
  g_assert_cmpuint (count ("job-cancel"), ==, 0);
  left
      = authenta_client_list_jobs (f->client, 1, 100, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 0);
}

/* After the finalize the credit is spent: a cancel leaves the job to
 * finish, and asks nothing more of the service. */
static void
test_cancel_after_finalize (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("voice.wav", FILE_WAV);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AuthentaMedia) job = NULL;
  Progress p = { ids, cancellable, AUTHENTA_SCAN_STAGE_PROCESSING };

  test_emulator_configure (emu, "{\"processing_time_ms\":60000}");
  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL,
                                   on_progress, &p, cancellable, &error);
  g_assert_null (job);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
  g_assert_cmpuint (count ("job-cancel"), ==, 0);
  g_assert_cmpuint (count ("job-delete"), ==, 0);
}

static void
test_poll_timeout_names_the_job (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("voice.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;
  const char *id;

  test_emulator_configure (emu, "{\"processing_time_ms\":60000}");
  authenta_client_set_poll_policy (f->client, 10, 1.5, 40, 300);
  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_assert_null (job);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TIMEOUT);
  id = authenta_error_get_mid (error);
  g_assert_nonnull (id);
  g_assert_nonnull (strstr (error->message, "No verdict for job"));
  g_assert_nonnull (strstr (error->message, id));
}

/* The wait for a Jobs verdict ends no later than the task's time-out on
 * the service plus a margin, even with no poll-timeout: by the scan (the
 * task known from the start) and by a wait for a job id alone (the task
 * read from the first poll's answer).  The time-outs are scaled down
 * 1000 times (ai-audio-detection: 600 s -> 600 ms, the 30 s margin ->
 * 30 ms); the processing takes 10 minutes. */
static const struct
{
  const char *name;
  gboolean wait_by_id;
} bound_cases[] = {
  { "by-the-scan", FALSE },
  { "by-a-wait-for-the-job-id", TRUE },
};

static void
test_wait_bounded_by_task (Fixture *f, gconstpointer data)
{
  const __typeof__ (bound_cases[0]) *c = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("long.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;
  gint64 start, elapsed;

  test_emulator_configure (emu, "{\"processing_time_ms\":600000}");
  /* No poll-timeout: only the task's bound ends the wait. */
  authenta_client_set_poll_policy (f->client, 10, 1.5, 40, 0);
  authenta_client_set_task_timeout_scale (f->client, 0.001);
  start = g_get_monotonic_time ();
  if (!c->wait_by_id)
    job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                     NULL, NULL, &error);
  else
    {
      g_autoptr (AuthentaMedia) created = NULL, uploaded = NULL;

      created = authenta_client_create_job (f->client, "long.mp3", "audio/mpeg",
                                            3000, "ai-audio-detection", NULL,
                                            &error);
      g_assert_no_error (error);
      uploaded = authenta_client_upload_file (f->client, created, path, NULL,
                                              NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (authenta_client_finalize_job (
          f->client, authenta_media_get_id (uploaded), NULL, &error));
      start = g_get_monotonic_time ();
      job = authenta_client_wait_for_job (f->client,
                                          authenta_media_get_id (uploaded),
                                          NULL, NULL, NULL, &error);
    }
  elapsed = g_get_monotonic_time () - start;
  g_assert_null (job);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "ai-audio-detection"));
  g_assert_nonnull (strstr (error->message, "time-out of task"));
  g_assert_nonnull (strstr (error->message, "600 ms"));
  /* Not before the task's time-out, and soon after it with its margin. */
  g_assert_cmpint (elapsed, >=, 600 * 1000);
  g_assert_cmpint (elapsed, <, 5 * G_USEC_PER_SEC);
}

static void
on_scan_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthentaMedia **out = user_data;
  g_autoptr (GError) error = NULL;

  *out = authenta_client_scan_file_finish (AUTHENTA_CLIENT (source), result,
                                           &error);
  g_assert_no_error (error);
}

static void
test_both_apis (Fixture *f, gconstpointer data)
{
  g_autofree char *video = make_file ("fake-clip.mp4", FILE_MP4);
  g_autofree char *voice = make_file ("voice.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) record = NULL;
  g_autoptr (AuthentaMedia) job = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  /* At once, from one client: the default for each file. */
  authenta_client_scan_file_async (f->client, video, NULL, NULL, NULL, NULL,
                                   NULL, NULL, NULL, on_scan_done, &record);
  authenta_client_scan_file_async (f->client, voice, NULL, NULL, NULL, NULL,
                                   NULL, NULL, NULL, on_scan_done, &job);
  while ((record == NULL || job == NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (record);
  g_assert_nonnull (job);

  g_assert_cmpint (authenta_media_get_api (record), ==,
                   AUTHENTA_TASK_API_MEDIA);
  g_assert_cmpstr (authenta_media_get_task (record), ==, "DF-1");
  g_assert_true (authenta_media_is_fake (record));
  g_assert_cmpint (authenta_media_get_api (job), ==, AUTHENTA_TASK_API_JOBS);
  g_assert_cmpstr (authenta_media_get_task (job), ==, "ai-audio-detection");
  g_assert_false (authenta_media_is_fake (job));
  g_assert_cmpuint (count ("create"), ==, 1);
  g_assert_cmpuint (count ("job-create"), ==, 1);

  /* Each in its own API's list only. */
  records = authenta_client_list_media (f->client, 10, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 1);
  jobs = authenta_client_list_jobs (f->client, 1, 10, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 1);
  g_assert_cmpstr (authenta_media_get_id (g_ptr_array_index (jobs, 0)), ==,
                   authenta_media_get_id (job));
}

static void
test_list_cancel_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (AuthentaMedia) gone = NULL;
  guint total = 0;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (AuthentaMedia) job = authenta_client_create_job (
          f->client, "voice.mp3", "audio/mpeg", 100, "ai-audio-detection", NULL,
          &error);

      g_assert_no_error (error);
      g_assert_cmpstr (authenta_media_get_status (job), ==, "INITED");
      g_assert_nonnull (authenta_media_get_upload_url (job));
      g_assert_cmpuint (authenta_media_get_size (job), ==, 100);
      g_ptr_array_add (ids, g_strdup (authenta_media_get_id (job)));
    }

  page
      = authenta_client_list_jobs (f->client, 1, 2, NULL, &total, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 2);
  g_assert_cmpuint (total, ==, 3);
  /* Newest first. */
  g_assert_cmpstr (authenta_media_get_id (g_ptr_array_index (page, 0)), ==,
                   g_ptr_array_index (ids, 2));
  g_clear_pointer (&page, g_ptr_array_unref);
  page
      = authenta_client_list_jobs (f->client, 2, 2, NULL, &total, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 1);
  g_clear_pointer (&page, g_ptr_array_unref);
  /* Over 100 is asked as 100; page 0 as 1. */
  page = authenta_client_list_jobs (f->client, 0, 1000, "waiting_for_finalize",
                                    &total, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (page->len, ==, 3);
  g_clear_pointer (&page, g_ptr_array_unref);
  page = authenta_client_list_jobs (f->client, 1, 10, "bad status", NULL, NULL,
                                    &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Cancel, then cancel again (422); finalize a job never uploaded (400). */
  g_assert_true (authenta_client_cancel_job (
      f->client, g_ptr_array_index (ids, 0), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (authenta_client_cancel_job (
      f->client, g_ptr_array_index (ids, 0), NULL, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_BAD_REQUEST);
  g_clear_error (&error);
  g_assert_false (authenta_client_finalize_job (
      f->client, g_ptr_array_index (ids, 1), NULL, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  /* Delete (204), then it is gone. */
  g_assert_true (authenta_client_delete_job (
      f->client, g_ptr_array_index (ids, 1), NULL, &error));
  g_assert_no_error (error);
  gone = authenta_client_get_job (f->client, g_ptr_array_index (ids, 1), NULL,
                                  &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (
      authenta_client_delete_job (f->client, "999999", NULL, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A job's task is not a Media API model, and back. */
  g_assert_null (authenta_client_create_media (
      f->client, "x", "audio/mpeg", 10, "ai-audio-detection", NULL, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "create_job"));
  g_clear_error (&error);
  g_assert_null (authenta_client_create_job (f->client, "x", "video/mp4", 10,
                                             "DF-1", NULL, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "create_media"));
}

static void
test_no_secret_in_logs (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = make_file ("fake-voice.mp3", FILE_MP3);
  g_autoptr (AuthentaMedia) job = NULL;
  g_autofree char *text = NULL;

  add_fault ("upload", "expire", 1, NULL);
  add_fault ("job-get", "status", 1, "\"status\":503");
  g_log_set_debug_enabled (TRUE);
  g_mutex_lock (&log_lock);
  log_text = g_string_new (NULL);
  g_mutex_unlock (&log_lock);
  job = authenta_client_scan_file (f->client, path, NULL, NULL, NULL, NULL,
                                   NULL, NULL, &error);
  g_mutex_lock (&log_lock);
  text = g_string_free (g_steal_pointer (&log_text), FALSE);
  g_mutex_unlock (&log_lock);
  g_log_set_debug_enabled (FALSE);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "job"));
  g_assert_null (strstr (text, KEY));
  g_assert_null (strstr (text, "X-Amz-Signature"));
  g_assert_null (strstr (text, "X-Amz-Credential"));
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_log_set_writer_func (log_writer, NULL, NULL);

  tmpdir = g_dir_make_tmp ("authenta-jobs-test-XXXXXX", NULL);
  emu = test_emulator_start ("--processing-time", "0.05", NULL);

#define ADD(path, fn)                                                          \
  g_test_add ("/jobs/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

  g_test_add_func ("/jobs/tasks/table", test_task_table);
  g_test_add_func ("/jobs/tasks/defaults-per-content-type", test_task_defaults);
  g_test_add_func ("/jobs/sniff/mp3-wav-m4a", test_sniff_audio);
  g_test_add_func ("/jobs/json/ids-statuses-and-result-shapes", test_job_json);
  g_test_add_func ("/jobs/json/media-records-unchanged",
                   test_media_json_unchanged);
  for (guint i = 0; i < G_N_ELEMENTS (scan_cases); i++)
    {
      g_autofree char *name = g_strdup_printf (
          "/jobs/scan/%s-%s", scan_cases[i].file_name,
          scan_cases[i].task ? scan_cases[i].task : "default");
      g_test_add (name, Fixture, &scan_cases[i], fixture_setup, test_scan,
                  fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (encoded_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/jobs/scan/encoded/%s",
                                               encoded_cases[i].file_name);
      g_test_add (name, Fixture, &encoded_cases[i], fixture_setup,
                  test_scan_encoded, fixture_teardown);
    }
  ADD ("scan/failed-job-gives-its-error-message", test_scan_failed_job);
  ADD ("scan/completed-without-result-is-unknown-fakeness",
       test_scan_completed_without_result);
  ADD ("scan/unknown-task-refused-before-any-request", test_scan_unknown_task);
  ADD ("scan/content-type-refused-before-any-request",
       test_scan_type_refused_before_any_request);
  ADD ("ids/hostile-job-ids-refused-before-any-request", test_hostile_job_ids);
  ADD ("ids/hostile-job-id-from-service-refused",
       test_hostile_job_id_from_service);
  g_test_add ("/jobs/cancel/while-uploading-cancels-the-job", Fixture,
              GINT_TO_POINTER (AUTHENTA_SCAN_STAGE_UPLOADING), fixture_setup,
              test_cancel_before_finalize, fixture_teardown);
  g_test_add ("/jobs/cancel/before-finalize-cancels-the-job", Fixture,
              GINT_TO_POINTER (AUTHENTA_SCAN_STAGE_UPLOADED), fixture_setup,
              test_cancel_before_finalize, fixture_teardown);
  ADD ("upload/expired-url-makes-a-new-job-and-deletes-the-old",
       test_expired_url_new_job);
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      g_autofree char *name
          = g_strdup_printf ("/jobs/faults/%s-%s-%u-%u", fault_cases[i].route,
                             fault_cases[i].action, fault_cases[i].n, i);
      g_test_add (name, Fixture, &fault_cases[i], fixture_setup,
                  test_transient_fault, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (give_up_cases); i++)
    {
      g_autofree char *name
          = g_strdup_printf ("/jobs/give-up/%s-%s-%u", give_up_cases[i].route,
                             give_up_cases[i].action, i);
      g_test_add (name, Fixture, &give_up_cases[i], fixture_setup, test_give_up,
                  fixture_teardown);
    }
  ADD ("cancel/after-finalize-asks-nothing-more", test_cancel_after_finalize);
  ADD ("wait/poll-timeout-names-the-job", test_poll_timeout_names_the_job);
  for (guint i = 0; i < G_N_ELEMENTS (bound_cases); i++)
    {
      g_autofree char *name = g_strdup_printf (
          "/jobs/wait/bounded-by-the-task-time-out/%s", bound_cases[i].name);
      g_test_add (name, Fixture, &bound_cases[i], fixture_setup,
                  test_wait_bounded_by_task, fixture_teardown);
    }
  ADD ("both-apis-in-one-process", test_both_apis);
  ADD ("calls/list-cancel-finalize-delete", test_list_cancel_delete);
  ADD ("logs/no-key-nor-signed-query", test_no_secret_in_logs);

  ret = g_test_run ();
  test_emulator_stop (emu);
  {
    g_autoptr (GDir) dir = g_dir_open (tmpdir, 0, NULL);
    const char *entry;

    while (dir && (entry = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmpdir, entry, NULL);
        g_unlink (path);
      }
  }
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
