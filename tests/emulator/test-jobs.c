/* authenta-emulator: the Jobs API (/api/v1/jobs): every call, error,
 * permission and fault route, over real HTTP against a real emulator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-test-util.h"

#include <string.h>

static TestEmulator *emu;

static void
setup (void)
{
  test_emulator_reset (emu);
  test_emulator_configure (emu, "{\"processing_time_ms\":0}");
}

static char *
job_body (const char *content_type, const char *file_name, gsize size)
{
  return g_strdup_printf ("{\"inputs\":[{\"slotName\":\"original\","
                          "\"contentType\":\"%s\",\"fileName\":\"%s\","
                          "\"sizeBytes\":%" G_GSIZE_FORMAT "}]}",
                          content_type, file_name, size);
}

/* POST /v1/jobs?taskTypeId=TASK; asserts 200; returns the jobId as text. */
static char *
create_job (const char *task, const char *content_type, const char *file_name,
            gsize size, char **upload_url)
{
  g_autofree char *path = g_strdup_printf ("/v1/jobs?taskTypeId=%s", task);
  g_autofree char *body = job_body (content_type, file_name, size);
  g_autoptr (HttpReply) reply = api_call (emu, TEST_KEY, "POST", path, body);
  JsonObject *obj, *input;

  g_assert_cmpint (reply->status, ==, 200);
  obj = http_reply_json (reply);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==,
                   "waiting_for_finalize");
  /* A number, not a string. */
  g_assert_cmpint (
      json_node_get_value_type (json_object_get_member (obj, "jobId")), ==,
      G_TYPE_INT64);
  input = json_array_get_object_element (
      json_object_get_array_member (obj, "inputs"), 0);
  g_assert_cmpstr (json_object_get_string_member (input, "slotName"), ==,
                   "original");
  if (upload_url)
    *upload_url = g_strdup (json_object_get_string_member (input, "uploadUrl"));
  return g_strdup_printf ("%" G_GINT64_FORMAT,
                          json_object_get_int_member (obj, "jobId"));
}

static HttpReply *
job_call (const char *method, const char *id, const char *action)
{
  g_autofree char *path = g_strdup_printf (
      "/v1/jobs/%s%s%s", id, action ? "/" : "", action ? action : "");

  return api_call (emu, TEST_KEY, method, path, NULL);
}

static void
upload (const char *url, const char *content_type, gsize size)
{
  g_autofree char *data = g_malloc0 (size);
  g_autoptr (HttpReply) reply = put_bytes (url, content_type, data, size, NULL);

  g_assert_cmpint (reply->status, ==, 200);
}

static void
finalize_ok (const char *id)
{
  g_autoptr (HttpReply) reply = job_call ("POST", id, "finalize");
  JsonObject *obj;

  g_assert_cmpint (reply->status, ==, 200);
  obj = http_reply_json (reply);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "queued");
  g_assert_true (json_object_has_member (obj, "queuedAt"));
}

/* Create, PUT, finalize; returns the jobId. */
static char *
run_job (const char *task, const char *content_type, const char *file_name)
{
  g_autofree char *url = NULL;
  char *id = create_job (task, content_type, file_name, 16, &url);

  upload (url, content_type, 16);
  finalize_ok (id);
  return id;
}

/* GET the job until a terminal status; returns its JSON (a new ref). */
static JsonNode *
wait_job (const char *id)
{
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr (HttpReply) reply = job_call ("GET", id, NULL);
      JsonObject *obj;
      const char *status;

      g_assert_cmpint (reply->status, ==, 200);
      obj = http_reply_json (reply);
      status = json_object_get_string_member (obj, "status");
      if (g_str_equal (status, "completed") || g_str_equal (status, "failed")
          || g_str_equal (status, "cancelled"))
        return json_node_copy (json_parser_get_root (reply->parser));
      g_usleep (20000);
    }
  g_assert_not_reached ();
}

static void
test_flow_per_task (void)
{
  static const struct
  {
    const char *task, *content_type, *file_name, *slug, *verdict;
    gboolean fake;
  } cases[] = {
    { "2", "audio/mpeg", "voice.mp3", "ai-audio-detection", "isAiGenerated",
      FALSE },
    { "ai-audio-detection", "audio/wav", "fake-voice.wav", "ai-audio-detection",
      "isAiGenerated", TRUE },
    { "ai-audio-detection", "audio/x-m4a", "call.m4a", "ai-audio-detection",
      "isAiGenerated", FALSE },
    { "1", "image/png", "FAKE.png", "ai-image-detection", "isAiGenerated",
      TRUE },
    { "ai-video-detection", "video/mp4", "clip.mp4", "ai-video-detection",
      "isAiGenerated", FALSE },
    { "4", "video/webm", "fake.webm", "faceswap-detection", "isDeepFake",
      TRUE },
    { "image-forgery-detection", "image/jpeg", "fake.jpg",
      "image-forgery-detection", "isForged", TRUE },
    { "7", "image/jpeg", "selfie.jpg", "face-liveness-detection", "isSpoof",
      FALSE },
    { "ekyc-deepfake", "video/quicktime", "kyc.mov", "ekyc-deepfake",
      "isDeepFake", FALSE },
    { "10", "audio/mpeg", "fake-song.mp3", "audio-splitter", NULL, FALSE },
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id
          = run_job (cases[i].task, cases[i].content_type, cases[i].file_name);
      g_autoptr (JsonNode) job = wait_job (id);
      JsonObject *obj = json_node_get_object (job), *result;

      g_test_message ("case %u: %s %s", i, cases[i].task, cases[i].file_name);
      g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==,
                       "completed");
      g_assert_cmpstr (json_object_get_string_member (obj, "taskTypeSlug"), ==,
                       cases[i].slug);
      g_assert_true (json_object_has_member (obj, "completedAt"));
      g_assert_false (json_object_has_member (obj, "errorMessage"));
      result = json_object_get_object_member (obj, "result");
      g_assert_nonnull (result);
      if (cases[i].verdict == NULL)
        {
          /* Not a verdict: none of the fields a client reads one from. */
          static const char *const fields[]
              = { "isAiGenerated", "isDeepFake", "isForged",
                  "isSpoof",       "fake",       "deepFakes" };
          for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
            g_assert_false (json_object_has_member (result, fields[f]));
          continue;
        }
      g_assert_cmpint (
          json_object_get_boolean_member (result, cases[i].verdict), ==,
          cases[i].fake);
      g_assert_cmpfloat (json_object_get_double_member (result, "confidence"),
                         ==, cases[i].fake ? 0.9375 : 0.96875);
    }
}

static void
test_status_sequence (void)
{
  g_autofree char *url = NULL;
  g_autofree char *id = NULL;
  g_autoptr (HttpReply) r1 = NULL;
  g_autoptr (HttpReply) r2 = NULL;
  g_autoptr (HttpReply) r3 = NULL;

  setup ();
  test_emulator_configure (emu, "{\"processing_time_ms\":900}");
  id = create_job ("1", "image/png", "p.png", 4, &url);
  upload (url, "image/png", 4);
  /* Uploaded but not finalized: never processed. */
  g_usleep (1000000);
  r1 = job_call ("GET", id, NULL);
  g_assert_cmpstr (
      json_object_get_string_member (http_reply_json (r1), "status"), ==,
      "waiting_for_finalize");
  finalize_ok (id);
  r2 = job_call ("GET", id, NULL);
  g_assert_cmpstr (
      json_object_get_string_member (http_reply_json (r2), "status"), ==,
      "queued");
  g_usleep (500000);
  r3 = job_call ("GET", id, NULL);
  g_assert_cmpstr (
      json_object_get_string_member (http_reply_json (r3), "status"), ==,
      "processing");
  g_assert_false (json_object_has_member (http_reply_json (r3), "result"));
  json_node_unref (wait_job (id));
}

static void
test_failed_job_has_error_message (void)
{
  g_autofree char *id = NULL;
  g_autoptr (JsonNode) job = NULL;
  JsonObject *obj;

  setup ();
  id = run_job ("ai-audio-detection", "audio/mpeg", "will-FAIL.mp3");
  job = wait_job (id);
  obj = json_node_get_object (job);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "failed");
  g_assert_nonnull (
      strstr (json_object_get_string_member (obj, "errorMessage"), "fail"));
  g_assert_false (json_object_has_member (obj, "result"));
}

static void
test_create_errors (void)
{
  static const struct
  {
    const char *query, *body;
    long status;
    const char *code;
  } cases[] = {
    { "?taskTypeId=99",
      "{\"inputs\":[{\"contentType\":\"image/png\",\"sizeBytes\":1}]}", 400,
      "INVALID_TASK_TYPE" },
    { "?taskTypeId=ai-smell-detection",
      "{\"inputs\":[{\"contentType\":\"image/png\",\"sizeBytes\":1}]}", 400,
      "INVALID_TASK_TYPE" },
    { "?taskTypeId=-1",
      "{\"inputs\":[{\"contentType\":\"image/png\",\"sizeBytes\":1}]}", 400,
      "INVALID_TASK_TYPE" },
    { "", "{\"inputs\":[{\"contentType\":\"image/png\",\"sizeBytes\":1}]}", 400,
      "INVALID_TASK_TYPE" },
    { "?taskTypeId=2",
      "{\"inputs\":[{\"contentType\":\"image/png\",\"sizeBytes\":1}]}", 400,
      "UNSUPPORTED_MEDIA_TYPE" },
    { "?taskTypeId=1",
      "{\"inputs\":[{\"contentType\":\"audio/mpeg\",\"sizeBytes\":1}]}", 400,
      "UNSUPPORTED_MEDIA_TYPE" },
    { "?taskTypeId=3",
      "{\"inputs\":[{\"contentType\":\"video/webm\",\"sizeBytes\":1}]}", 400,
      "UNSUPPORTED_MEDIA_TYPE" },
    { "?taskTypeId=1", "{}", 400, "BAD_REQUEST" },
    { "?taskTypeId=1", "{\"inputs\":[]}", 400, "BAD_REQUEST" },
    { "?taskTypeId=1", "{\"inputs\":[{\"contentType\":\"image/png\"}]}", 400,
      "BAD_REQUEST" },
    { "?taskTypeId=1",
      "{\"inputs\":[{\"contentType\":\"image/png\",\"sizeBytes\":0}]}", 400,
      "BAD_REQUEST" },
    { "?taskTypeId=1",
      "{\"inputs\":[{\"contentType\":\"image/png\",\"sizeBytes\":"
      "9223372036854775807}]}",
      400, "BAD_REQUEST" },
    { "?taskTypeId=1", "not json", 400, "BAD_REQUEST" },
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/jobs", cases[i].query, NULL);
      g_autoptr (HttpReply) reply
          = api_call (emu, TEST_KEY, "POST", path, cases[i].body);

      g_test_message ("case %u: %s %s", i, path, cases[i].body);
      assert_api_error (reply, cases[i].status, cases[i].code);
    }
  {
    /* Nothing was created by any of them. */
    g_autoptr (HttpReply) list
        = api_call (emu, TEST_KEY, "GET", "/v1/jobs", NULL);
    JsonObject *pagination
        = json_object_get_object_member (http_reply_json (list), "pagination");
    g_assert_cmpint (json_object_get_int_member (pagination, "total"), ==, 0);
  }
}

static void
test_task_in_body_as_number_or_slug (void)
{
  static const char *const bodies[] = {
    "{\"taskTypeId\":2,\"inputs\":[{\"contentType\":\"audio/wav\","
    "\"sizeBytes\":3}]}",
    "{\"taskTypeId\":\"2\",\"inputs\":[{\"contentType\":\"audio/wav\","
    "\"sizeBytes\":3}]}",
    "{\"taskType\":\"ai-audio-detection\",\"inputs\":[{\"contentType\":"
    "\"audio/wav\",\"sizeBytes\":3}]}",
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (HttpReply) reply
          = api_call (emu, TEST_KEY, "POST", "/v1/jobs", bodies[i]);

      g_assert_cmpint (reply->status, ==, 200);
      g_assert_cmpint (
          json_object_get_int_member (http_reply_json (reply), "taskTypeId"),
          ==, 2);
    }
}

static void
test_finalize_errors (void)
{
  g_autofree char *url = NULL;
  g_autofree char *id = NULL;
  g_autoptr (HttpReply) early = NULL;
  g_autoptr (HttpReply) twice = NULL;
  g_autoptr (HttpReply) unknown = NULL;

  setup ();
  id = create_job ("1", "image/jpeg", "a.jpg", 8, &url);
  early = job_call ("POST", id, "finalize");
  assert_api_error (early, 400, "BAD_REQUEST");
  upload (url, "image/jpeg", 8);
  finalize_ok (id);
  twice = job_call ("POST", id, "finalize");
  assert_api_error (twice, 400, "BAD_REQUEST");
  g_assert_nonnull (strstr (twice->body->str, "already finalized"));
  unknown = job_call ("POST", "424242", "finalize");
  assert_api_error (unknown, 400, "JOB_NOT_FOUND");
}

static void
test_cancel (void)
{
  g_autofree char *url = NULL;
  g_autofree char *waiting = NULL;
  g_autofree char *queued = NULL;
  g_autofree char *done = NULL;
  g_autoptr (HttpReply) c1 = NULL;
  g_autoptr (HttpReply) c2 = NULL;
  g_autoptr (HttpReply) c3 = NULL;
  g_autoptr (HttpReply) c4 = NULL;
  g_autoptr (HttpReply) fin = NULL;
  g_autoptr (HttpReply) get = NULL;
  g_autoptr (HttpReply) missing = NULL;

  setup ();
  /* Before finalize. */
  waiting = create_job ("2", "audio/mpeg", "a.mp3", 4, NULL);
  c1 = job_call ("POST", waiting, "cancel");
  g_assert_cmpint (c1->status, ==, 200);
  g_assert_cmpstr (
      json_object_get_string_member (http_reply_json (c1), "status"), ==,
      "cancelled");
  get = job_call ("GET", waiting, NULL);
  g_assert_cmpstr (
      json_object_get_string_member (http_reply_json (get), "status"), ==,
      "cancelled");
  c2 = job_call ("POST", waiting, "cancel");
  assert_api_error (c2, 422, "INVALID_JOB_STATE");
  fin = job_call ("POST", waiting, "finalize");
  assert_api_error (fin, 400, "BAD_REQUEST");

  /* Done: too late. */
  done = run_job ("2", "audio/mpeg", "b.mp3");
  json_node_unref (wait_job (done));
  c3 = job_call ("POST", done, "cancel");
  assert_api_error (c3, 409, "CONFLICT");

  /* Queued (not yet processing): still cancellable. */
  test_emulator_configure (emu, "{\"processing_time_ms\":30000}");
  queued = create_job ("2", "audio/mpeg", "c.mp3", 4, &url);
  upload (url, "audio/mpeg", 4);
  finalize_ok (queued);
  c4 = job_call ("POST", queued, "cancel");
  g_assert_cmpint (c4->status, ==, 200);

  missing = job_call ("POST", "31337", "cancel");
  assert_api_error (missing, 404, "JOB_NOT_FOUND");
}

static void
test_cancel_while_processing_is_409 (void)
{
  g_autofree char *id = NULL;
  g_autoptr (HttpReply) c = NULL;

  setup ();
  test_emulator_configure (emu, "{\"processing_time_ms\":3000}");
  id = run_job ("1", "image/png", "p.png");
  g_usleep (1200000); /* past the first third: processing */
  c = job_call ("POST", id, "cancel");
  assert_api_error (c, 409, "CONFLICT");
}

static void
test_delete (void)
{
  g_autofree char *id = NULL;
  g_autoptr (HttpReply) del = NULL;
  g_autoptr (HttpReply) get = NULL;
  g_autoptr (HttpReply) again = NULL;

  setup ();
  id = run_job ("3", "video/mp4", "v.mp4");
  del = job_call ("DELETE", id, NULL);
  g_assert_cmpint (del->status, ==, 204);
  g_assert_cmpuint (del->body->len, ==, 0);
  get = job_call ("GET", id, NULL);
  assert_api_error (get, 404, "JOB_NOT_FOUND");
  again = job_call ("DELETE", id, NULL);
  assert_api_error (again, 404, "JOB_NOT_FOUND");
}

static void
test_jobs_and_media_apart (void)
{
  g_autofree char *id = NULL;
  g_autofree char *mid = NULL;
  g_autoptr (HttpReply) media = NULL;
  g_autoptr (HttpReply) jobs = NULL;

  setup ();
  id = create_job ("1", "image/png", "p.png", 4, NULL);
  mid = create_media (emu, "m", "video/mp4", 4, NULL);
  media = api_call (emu, TEST_KEY, "GET", "/media", NULL);
  g_assert_cmpint (
      json_object_get_int_member (http_reply_json (media), "total"), ==, 1);
  jobs = api_call (emu, TEST_KEY, "GET", "/v1/jobs", NULL);
  g_assert_cmpint (
      json_object_get_int_member (
          json_object_get_object_member (http_reply_json (jobs), "pagination"),
          "total"),
      ==, 1);
}

static void
test_list_pagination (void)
{
  static const struct
  {
    const char *query;
    long status;
    gint64 page, limit, count, pages;
  } cases[] = {
    { "", 200, 1, 10, 10, 3 },
    { "?page=3", 200, 3, 10, 5, 3 },
    { "?page=4", 200, 4, 10, 0, 3 },
    { "?limit=7&page=2", 200, 2, 7, 7, 4 },
    { "?limit=100", 200, 1, 100, 25, 1 },
    { "?limit=101", 200, 1, 100, 25, 1 }, /* served as 100 */
    { "?limit=100000", 200, 1, 100, 25, 1 },
    { "?status=waiting_for_finalize", 200, 1, 10, 10, 3 },
    { "?status=completed", 200, 1, 10, 0, 0 },
    { "?limit=0", 400 },
    { "?limit=-1", 400 },
    { "?page=0", 400 },
    { "?page=abc", 400 },
    { "?status=COMPLETED", 400 },
  };
  gint64 newest = 0;

  setup ();
  for (guint i = 0; i < 25; i++)
    {
      g_autofree char *id = create_job ("1", "image/png", "p.png", 4, NULL);

      newest = g_ascii_strtoll (id, NULL, 10);
    }
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/jobs", cases[i].query, NULL);
      g_autoptr (HttpReply) reply = api_call (emu, TEST_KEY, "GET", path, NULL);
      JsonObject *obj, *pagination;
      JsonArray *data;

      g_test_message ("case %u: %s", i, path);
      if (cases[i].status != 200)
        {
          assert_api_error (reply, cases[i].status, "BAD_REQUEST");
          continue;
        }
      g_assert_cmpint (reply->status, ==, 200);
      obj = http_reply_json (reply);
      data = json_object_get_array_member (obj, "data");
      pagination = json_object_get_object_member (obj, "pagination");
      g_assert_cmpint (json_array_get_length (data), ==, cases[i].count);
      g_assert_cmpint (json_object_get_int_member (pagination, "page"), ==,
                       cases[i].page);
      g_assert_cmpint (json_object_get_int_member (pagination, "limit"), ==,
                       cases[i].limit);
      g_assert_cmpint (json_object_get_int_member (pagination, "pages"), ==,
                       cases[i].pages);
      g_assert_cmpint (json_object_get_int_member (pagination, "total"), ==,
                       cases[i].count == 0 && cases[i].pages == 0 ? 0 : 25);
      if (cases[i].page == 1 && cases[i].count > 0)
        /* Newest first. */
        g_assert_cmpint (json_object_get_int_member (
                             json_array_get_object_element (data, 0), "jobId"),
                         ==, newest);
    }
}

static void
test_permissions (void)
{
  TestEmulator *perm = test_emulator_start ("--api-key", "api_r:r", "--api-key",
                                            "api_w:w", "--api-key", "api_d:d",
                                            "--api-key", "api_none:", NULL);
  const char *create = "/v1/jobs?taskTypeId=1";
  const char *body = "{\"inputs\":[{\"contentType\":\"image/png\","
                     "\"sizeBytes\":1}]}";
  struct
  {
    const char *key, *method, *path;
    long status;
  } cases[] = {
    { "api_r", "POST", create, 403 },
    { "api_d", "POST", create, 403 },
    { "api_none", "POST", create, 403 },
    { "api_w", "POST", create, 200 },
    { "api_r", "GET", "/v1/jobs", 200 },
    { "api_w", "GET", "/v1/jobs", 403 },
    { "api_r", "GET", "/v1/jobs/1", 200 },
    { "api_d", "GET", "/v1/jobs/1", 403 },
    { "api_r", "POST", "/v1/jobs/1/finalize", 403 },
    { "api_w", "POST", "/v1/jobs/1/finalize", 400 }, /* not uploaded */
    { "api_r", "POST", "/v1/jobs/1/cancel", 403 },
    { "api_r", "DELETE", "/v1/jobs/1", 403 },
    { "api_w", "DELETE", "/v1/jobs/1", 403 },
    { "api_d", "DELETE", "/v1/jobs/1", 204 },
    { NULL, "GET", "/v1/jobs", 401 },
    { "api_unknown", "POST", create, 401 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = g_strconcat (test_emulator_get_base_url (perm),
                                          cases[i].path, NULL);
      g_autofree char *auth
          = cases[i].key
                ? g_strdup_printf ("Authorization: Bearer %s", cases[i].key)
                : NULL;
      const char *headers[] = { auth, NULL };
      g_autoptr (HttpReply) reply
          = http_do (cases[i].method, url, auth ? headers : NULL,
                     g_str_equal (cases[i].method, "POST") ? body : NULL, -1);

      g_test_message ("case %u: %s %s %s", i, cases[i].key, cases[i].method,
                      cases[i].path);
      g_assert_cmpint (reply->status, ==, cases[i].status);
      if (cases[i].status == 403)
        assert_api_error (reply, 403, "FORBIDDEN");
      if (cases[i].status == 401)
        assert_api_error (reply, 401, "INVALID_API_KEY");
    }
  test_emulator_stop (perm);
}

static void
test_hostile_job_ids (void)
{
  static const struct
  {
    const char *id;
    long status;
    const char *code;
  } cases[] = {
    { "abc", 400, "BAD_REQUEST" },
    { "12abc", 400, "BAD_REQUEST" },
    { "-1", 400, "BAD_REQUEST" },
    { "0", 400, "BAD_REQUEST" },
    { "007", 400, "BAD_REQUEST" },
    { "1%20OR%201=1", 400, "BAD_REQUEST" },
    { "%2e%2e", 400, "BAD_REQUEST" },
    { "0x10", 400, "BAD_REQUEST" },
    { "99999999999999999999999999999999", 404, "JOB_NOT_FOUND" },
    { "9223372036854775807", 404, "JOB_NOT_FOUND" },
    { "123456", 404, "JOB_NOT_FOUND" },
  };
  g_autofree char *long_id = g_strnfill (5000, '7');

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (HttpReply) get = job_call ("GET", cases[i].id, NULL);
      g_autoptr (HttpReply) del = job_call ("DELETE", cases[i].id, NULL);

      g_test_message ("case %u: %s", i, cases[i].id);
      assert_api_error (get, cases[i].status, cases[i].code);
      assert_api_error (del, cases[i].status, cases[i].code);
    }
  {
    g_autoptr (HttpReply) get = job_call ("GET", long_id, NULL);
    g_autoptr (HttpReply) extra = job_call ("GET", "1", "finalize/x");
    g_autoptr (HttpReply) other = job_call ("POST", "1", "retry");

    assert_api_error (get, 404, "JOB_NOT_FOUND");
    assert_api_error (extra, 404, "NOT_FOUND");
    assert_api_error (other, 404, "NOT_FOUND");
  }
}

static void
test_body_nested_too_deep (void)
{
  g_autofree char *deep = nested_json (100000, TRUE, NULL, FALSE);
  g_autofree char *body
      = g_strdup_printf ("{\"inputs\":[{\"contentType\":\"image/png\","
                         "\"sizeBytes\":1}],\"parameters\":%s}",
                         deep);
  g_autoptr (HttpReply) reply = NULL;
  g_autoptr (HttpReply) alive = NULL;

  setup ();
  reply = api_call (emu, TEST_KEY, "POST", "/v1/jobs?taskTypeId=1", body);
  assert_api_error (reply, 400, "BAD_REQUEST");
  g_assert_nonnull (strstr (reply->body->str, "nests too deep"));
  alive = api_call (emu, TEST_KEY, "GET", "/v1/jobs", NULL);
  g_assert_cmpint (alive->status, ==, 200);
}

static void
test_wrong_method_is_405 (void)
{
  g_autoptr (HttpReply) put = NULL;
  g_autoptr (HttpReply) get = NULL;

  setup ();
  put = api_call (emu, TEST_KEY, "PUT", "/v1/jobs/1", "{}");
  assert_api_error (put, 405, "METHOD_NOT_ALLOWED");
  get = api_call (emu, TEST_KEY, "GET", "/v1/jobs/1/finalize", NULL);
  assert_api_error (get, 405, "METHOD_NOT_ALLOWED");
}

static void
test_faults_on_job_routes (void)
{
  static const struct
  {
    const char *route, *method, *path;
  } cases[] = {
    { "job-create", "POST", "/v1/jobs?taskTypeId=1" },
    { "job-list", "GET", "/v1/jobs" },
    { "job-get", "GET", "/v1/jobs/1" },
    { "job-finalize", "POST", "/v1/jobs/1/finalize" },
    { "job-cancel", "POST", "/v1/jobs/1/cancel" },
    { "job-delete", "DELETE", "/v1/jobs/1" },
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *fault = g_strdup_printf (
          "{\"route\":\"%s\",\"action\":\"status\",\"status\":503,"
          "\"retry_after\":2}",
          cases[i].route);
      g_autoptr (HttpReply) faulted = NULL;
      g_autoptr (HttpReply) next = NULL;

      g_test_message ("case %u: %s", i, cases[i].route);
      test_emulator_add_fault (emu, fault);
      faulted = api_call (emu, TEST_KEY, cases[i].method, cases[i].path,
                          "{\"inputs\":[{\"contentType\":\"image/png\","
                          "\"sizeBytes\":1}]}");
      assert_api_error (faulted, 503, "SERVICE_UNAVAILABLE");
      g_assert_cmpstr (http_reply_header (faulted, "Retry-After"), ==, "2");
      /* Consumed: the next one is served. */
      next = api_call (emu, TEST_KEY, cases[i].method, cases[i].path,
                       "{\"inputs\":[{\"contentType\":\"image/png\","
                       "\"sizeBytes\":1}]}");
      g_assert_cmpint (next->status, !=, 503);
      g_assert_cmpuint (test_emulator_get_count (emu, cases[i].route), ==, 2);
    }
}

static void
test_fault_actions_on_jobs (void)
{
  g_autoptr (HttpReply) wrong = NULL;
  g_autoptr (HttpReply) no_total = NULL;
  g_autoptr (HttpReply) truncated = NULL;
  g_autoptr (HttpReply) list = NULL;
  g_autofree char *url = NULL;
  g_autofree char *id = NULL;
  JsonObject *obj;

  setup ();
  /* wrong-type: jobId an object, status a number. */
  test_emulator_add_fault (emu,
                           "{\"route\":\"job-get\",\"action\":\"wrong-type\"}");
  wrong = job_call ("GET", "1", NULL);
  g_assert_cmpint (wrong->status, ==, 200);
  obj = http_reply_json (wrong);
  g_assert_true (
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "jobId")));
  g_assert_cmpint (
      json_node_get_value_type (json_object_get_member (obj, "status")), ==,
      G_TYPE_INT64);

  /* no-total: the list's pagination loses its total. */
  g_free (create_job ("1", "image/png", "p.png", 4, NULL));
  test_emulator_add_fault (emu,
                           "{\"route\":\"job-list\",\"action\":\"no-total\"}");
  no_total = api_call (emu, TEST_KEY, "GET", "/v1/jobs", NULL);
  g_assert_cmpint (no_total->status, ==, 200);
  obj = json_object_get_object_member (http_reply_json (no_total),
                                       "pagination");
  g_assert_false (json_object_has_member (obj, "total"));
  g_assert_true (json_object_has_member (obj, "pages"));

  /* truncate on create: the job is created, the client cannot tell. */
  test_emulator_add_fault (
      emu, "{\"route\":\"job-create\",\"action\":\"truncate\"}");
  truncated = api_call (emu, TEST_KEY, "POST", "/v1/jobs?taskTypeId=1",
                        "{\"inputs\":[{\"contentType\":\"image/png\","
                        "\"sizeBytes\":1}]}");
  g_assert_cmpint (truncated->status, ==, 200);
  {
    g_autoptr (JsonParser) parser = json_parser_new ();

    g_assert_false (
        json_parser_load_from_data (parser, truncated->body->str, -1, NULL));
  }
  list = api_call (emu, TEST_KEY, "GET", "/v1/jobs", NULL);
  g_assert_cmpint (
      json_object_get_int_member (
          json_object_get_object_member (http_reply_json (list), "pagination"),
          "total"),
      ==, 2);

  /* The job's PUT is the "upload" route, as the Media API's. */
  id = create_job ("2", "audio/mpeg", "a.mp3", 4, &url);
  test_emulator_add_fault (
      emu, "{\"route\":\"upload\",\"action\":\"status\",\"status\":503}");
  {
    g_autoptr (HttpReply) put = put_bytes (url, "audio/mpeg", "abcd", 4, NULL);
    g_autoptr (HttpReply) fin = NULL;

    assert_s3_error (put, 503, "SlowDown");
    fin = job_call ("POST", id, "finalize");
    assert_api_error (fin, 400, "BAD_REQUEST"); /* nothing stored */
  }
}

static void
test_upload_follows_s3_rules (void)
{
  g_autofree char *url = NULL;
  g_autofree char *id = NULL;
  g_autoptr (HttpReply) wrong_type = NULL;
  g_autoptr (HttpReply) wrong_length = NULL;
  g_autoptr (HttpReply) with_auth = NULL;

  setup ();
  id = create_job ("2", "audio/wav", "a.wav", 8, &url);
  wrong_type = put_bytes (url, "audio/mpeg", "12345678", 8, NULL);
  assert_s3_error (wrong_type, 403, "SignatureDoesNotMatch");
  wrong_length = put_bytes (url, "audio/wav", "1234", 4, NULL);
  assert_s3_error (wrong_length, 403, "SignatureDoesNotMatch");
  with_auth = put_bytes (url, "audio/wav", "12345678", 8,
                         "Authorization: Bearer " TEST_KEY);
  assert_s3_error (with_auth, 400, "InvalidArgument");
  upload (url, "audio/wav", 8);
  finalize_ok (id);
}

static void
test_upload_url_expiry (void)
{
  g_autofree char *url = NULL;
  g_autofree char *id = NULL;
  g_autoptr (HttpReply) put = NULL;

  setup ();
  test_emulator_configure (emu, "{\"upload_expiry\":0}");
  id = create_job ("1", "image/png", "p.png", 4, &url);
  g_assert_nonnull (strstr (url, "X-Amz-Expires=0"));
  put = put_bytes (url, "image/png", "abcd", 4, NULL);
  assert_s3_error (put, 403, "AccessDenied");
}

static void
test_no_balance_is_402 (void)
{
  g_autofree char *body = job_body ("image/png", "p.png", 4);
  g_autoptr (HttpReply) reply = NULL;

  setup ();
  test_emulator_configure (emu, "{\"balance\":0}");
  reply = api_call (emu, TEST_KEY, "POST", "/v1/jobs?taskTypeId=1", body);
  assert_api_error (reply, 402, "INSUFFICIENT_BALANCE");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start ("--processing-time", "0", NULL);

  g_test_add_func ("/emulator/jobs/flow-per-task", test_flow_per_task);
  g_test_add_func ("/emulator/jobs/status-sequence", test_status_sequence);
  g_test_add_func ("/emulator/jobs/failed-has-error-message",
                   test_failed_job_has_error_message);
  g_test_add_func ("/emulator/jobs/create/errors", test_create_errors);
  g_test_add_func ("/emulator/jobs/create/task-in-body",
                   test_task_in_body_as_number_or_slug);
  g_test_add_func ("/emulator/jobs/create/no-balance-is-402",
                   test_no_balance_is_402);
  g_test_add_func ("/emulator/jobs/finalize/errors", test_finalize_errors);
  g_test_add_func ("/emulator/jobs/cancel", test_cancel);
  g_test_add_func ("/emulator/jobs/cancel/while-processing-is-409",
                   test_cancel_while_processing_is_409);
  g_test_add_func ("/emulator/jobs/delete", test_delete);
  g_test_add_func ("/emulator/jobs/apart-from-media",
                   test_jobs_and_media_apart);
  g_test_add_func ("/emulator/jobs/list/pagination", test_list_pagination);
  g_test_add_func ("/emulator/jobs/permissions", test_permissions);
  g_test_add_func ("/emulator/jobs/hostile/job-ids", test_hostile_job_ids);
  g_test_add_func ("/emulator/jobs/hostile/nested-too-deep",
                   test_body_nested_too_deep);
  g_test_add_func ("/emulator/jobs/wrong-method-is-405",
                   test_wrong_method_is_405);
  g_test_add_func ("/emulator/jobs/faults/status-per-route",
                   test_faults_on_job_routes);
  g_test_add_func ("/emulator/jobs/faults/actions", test_fault_actions_on_jobs);
  g_test_add_func ("/emulator/jobs/upload/s3-rules",
                   test_upload_follows_s3_rules);
  g_test_add_func ("/emulator/jobs/upload/expiry", test_upload_url_expiry);

  ret = g_test_run ();
  test_emulator_stop (emu);
  return ret;
}
