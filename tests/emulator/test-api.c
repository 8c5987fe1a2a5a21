/* authenta-emulator: the four API endpoints, authentication, permissions,
 * credits and every error of the service, over real HTTP.
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
}

static void
test_create_returns_record (void)
{
  g_autoptr (HttpReply) reply = NULL;
  g_autoptr (GRegex) mid_re = g_regex_new ("^[0-9a-f]{24}$", 0, 0, NULL);
  g_autoptr (GRegex) date_re = g_regex_new (
      "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$", 0, 0, NULL);
  g_autofree char *s3_prefix = NULL;
  const char *url;
  JsonObject *obj;

  setup ();
  reply = api_call (emu, TEST_KEY, "POST", "/media",
                    "{\"name\":\"video_sample\",\"contentType\":\"video/mp4\","
                    "\"size\":1024000,\"modelType\":\"DF-1\"}");
  g_assert_cmpint (reply->status, ==, 201);
  g_assert_cmpstr (http_reply_header (reply, "Content-Type"), ==,
                   "application/json");
  obj = http_reply_json (reply);
  g_assert_true (g_regex_match (
      mid_re, json_object_get_string_member (obj, "mid"), 0, NULL));
  g_assert_cmpstr (json_object_get_string_member (obj, "name"), ==,
                   "video_sample");
  g_assert_cmpstr (json_object_get_string_member (obj, "type"), ==, "Video");
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "INITED");
  g_assert_cmpstr (json_object_get_string_member (obj, "modelType"), ==,
                   "DF-1");
  g_assert_true (g_regex_match (
      date_re, json_object_get_string_member (obj, "createdAt"), 0, NULL));
  g_assert_cmpint (json_object_get_int_member (obj, "expiresIn"), ==, 3600);

  url = json_object_get_string_member (obj, "uploadUrl");
  s3_prefix = g_strconcat (test_emulator_get_root_url (emu), "/s3/", NULL);
  g_assert_true (g_str_has_prefix (url, s3_prefix));
  for (guint i = 0; i < 6; i++)
    {
      static const char *const params[] = {
        "X-Amz-Algorithm=",   "X-Amz-Credential=",    "X-Amz-Date=",
        "X-Amz-Expires=3600", "X-Amz-SignedHeaders=", "X-Amz-Signature="
      };
      g_assert_nonnull (strstr (url, params[i]));
    }
}

static void
test_create_image_record (void)
{
  g_autoptr (HttpReply) reply = NULL;

  setup ();
  reply = api_call (emu, TEST_KEY, "POST", "/media",
                    "{\"name\":\"photo\",\"contentType\":\"image/png\","
                    "\"size\":10,\"modelType\":\"AC-1\"}");
  g_assert_cmpint (reply->status, ==, 201);
  g_assert_cmpstr (
      json_object_get_string_member (http_reply_json (reply), "type"), ==,
      "Image");
}

static void
test_create_fi1_with_metadata (void)
{
  g_autoptr (HttpReply) ok = NULL;
  g_autoptr (HttpReply) bad = NULL;

  setup ();
  ok = api_call (emu, TEST_KEY, "POST", "/media",
                 "{\"name\":\"f\",\"contentType\":\"image/jpeg\",\"size\":10,"
                 "\"modelType\":\"FI-1\",\"metadata\":{\"faces\":[]}}");
  g_assert_cmpint (ok->status, ==, 201);
  bad = api_call (emu, TEST_KEY, "POST", "/media",
                  "{\"name\":\"f\",\"contentType\":\"image/jpeg\",\"size\":10,"
                  "\"modelType\":\"FI-1\"}");
  assert_api_error (bad, 400, "BAD_REQUEST");
}

static void
test_create_rejects_bad_requests (void)
{
  static const char *const bodies[] = {
    "not json",
    "", /* no JSON value at all: once a critical that killed the emulator */
    "  \n",
    "[1,2]",
    "{\"contentType\":\"video/mp4\",\"size\":1,\"modelType\":\"DF-1\"}",
    "{\"name\":7,\"contentType\":\"video/mp4\",\"size\":1,\"modelType\":"
    "\"DF-1\"}",
    "{\"name\":\"\",\"contentType\":\"video/mp4\",\"size\":1,\"modelType\":"
    "\"DF-1\"}",
    "{\"name\":\"a\",\"size\":1,\"modelType\":\"DF-1\"}",
    "{\"name\":\"a\",\"contentType\":\"video/avi\",\"size\":1,\"modelType\":"
    "\"DF-1\"}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"modelType\":\"DF-1\"}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"size\":\"1\","
    "\"modelType\":\"DF-1\"}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"size\":1.5,"
    "\"modelType\":\"DF-1\"}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"size\":0,\"modelType\":"
    "\"DF-1\"}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"size\":-5,\"modelType\":"
    "\"DF-1\"}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"size\":1}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"size\":1,\"modelType\":"
    "\"XX-9\"}",
    "{\"name\":\"a\",\"contentType\":\"video/mp4\",\"size\":1,\"modelType\":"
    "[]}",
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr (HttpReply) reply
          = api_call (emu, TEST_KEY, "POST", "/media", bodies[i]);

      g_test_message ("body: %s", bodies[i]);
      assert_api_error (reply, 400, "BAD_REQUEST");
    }
  g_assert_cmpint (test_emulator_get_count (emu, "create"), ==,
                   G_N_ELEMENTS (bodies));
}

/* A create body wrapped as the metadata of an otherwise valid create. */
static char *
create_with_metadata (const char *metadata)
{
  return g_strdup_printf ("{\"name\":\"deep\",\"contentType\":\"video/mp4\","
                          "\"size\":1,\"modelType\":\"FI-1\","
                          "\"metadata\":%s}",
                          metadata);
}

/* json-glib recurses once per level: 100,000 levels (200 KB, well under
 * the 1 MiB cap) once overflowed the emulator's stack.  Anything deeper
 * than 64 levels is a 400 in the service's shape, and the emulator lives
 * on; 64 levels are still accepted. */
static void
test_create_deep_nesting_is_400 (void)
{
  static const struct
  {
    const char *what;
    guint depth; /* levels of the body as a whole */
    gboolean objects, unclosed, in_metadata;
    long status;
  } cases[] = {
    { "100,000 arrays", 100000, FALSE, FALSE, FALSE, 400 },
    { "100,000 objects", 100000, TRUE, FALSE, FALSE, 400 },
    { "100,000 unclosed arrays", 100000, FALSE, TRUE, FALSE, 400 },
    { "100,000 levels of metadata", 100000, TRUE, FALSE, TRUE, 400 },
    { "65 levels of metadata", 65, TRUE, FALSE, TRUE, 400 },
    { "64 levels of metadata", 64, TRUE, FALSE, TRUE, 201 },
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr (HttpReply) reply = NULL;
      g_autoptr (HttpReply) alive = NULL;

      g_test_message ("case: %s", cases[i].what);
      if (cases[i].in_metadata)
        {
          /* The create object itself is the first level. */
          g_autofree char *inner = nested_json (
              cases[i].depth - 1, cases[i].objects, NULL, cases[i].unclosed);

          body = create_with_metadata (inner);
        }
      else
        body = nested_json (cases[i].depth, cases[i].objects, NULL,
                            cases[i].unclosed);
      reply = api_call (emu, TEST_KEY, "POST", "/media", body);
      if (cases[i].status == 400)
        {
          assert_api_error (reply, 400, "BAD_REQUEST");
          g_assert_nonnull (strstr (json_object_get_string_member (
                                        http_reply_json (reply), "message"),
                                    "nests too deep"));
        }
      else
        {
          g_assert_cmpint (reply->result, ==, CURLE_OK);
          g_assert_cmpint (reply->status, ==, cases[i].status);
        }
      alive = api_call (emu, TEST_KEY, "GET", "/media", NULL);
      g_assert_cmpint (alive->result, ==, CURLE_OK);
      g_assert_cmpint (alive->status, ==, 200);
    }
}

static void
test_accepts_every_content_type (void)
{
  static const char *const types[]
      = { "video/mp4",        "video/quicktime", "video/webm",
          "video/x-matroska", "image/jpeg",      "image/png" };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    g_free (create_media (emu, "clip", types[i], 100, NULL));
}

static void
test_unauthenticated_is_401 (void)
{
  static const char *const paths[][2]
      = { { "POST", "/media" },
          { "GET", "/media" },
          { "GET", "/media/0123456789abcdef01234567" },
          { "DELETE", "/media/0123456789abcdef01234567" } };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (HttpReply) none
          = api_call (emu, NULL, paths[i][0], paths[i][1], NULL);
      g_autoptr (HttpReply) wrong
          = api_call (emu, "api_wrong", paths[i][0], paths[i][1], NULL);

      assert_api_error (none, 401, "INVALID_API_KEY");
      assert_api_error (wrong, 401, "INVALID_API_KEY");
    }
}

static void
test_basic_auth_scheme_is_401 (void)
{
  g_autofree char *url = NULL;
  g_autoptr (HttpReply) reply = NULL;
  const char *headers[] = { "Authorization: Basic " TEST_KEY, NULL };

  setup ();
  url = g_strconcat (test_emulator_get_base_url (emu), "/media", NULL);
  reply = http_do ("GET", url, headers, NULL, 0);
  assert_api_error (reply, 401, "INVALID_API_KEY");
}

static void
test_permissions_are_enforced (void)
{
  TestEmulator *perm = test_emulator_start (
      "--api-key", "api_r:r", "--api-key", "api_w:w", "--api-key", "api_d:d",
      "--api-key", "api_all", "--api-key", "api_none:", NULL);
  const char *mid_path = "/media/0123456789abcdef01234567";
  const char *body = "{\"name\":\"a\",\"contentType\":\"video/mp4\","
                     "\"size\":1,\"modelType\":\"DF-1\"}";
  struct
  {
    const char *key, *method, *path;
    long status;
  } cases[] = {
    { "api_r", "GET", "/media", 200 },    { "api_r", "GET", mid_path, 404 },
    { "api_r", "POST", "/media", 403 },   { "api_r", "DELETE", mid_path, 403 },
    { "api_w", "POST", "/media", 201 },   { "api_w", "GET", "/media", 403 },
    { "api_w", "GET", mid_path, 403 },    { "api_w", "DELETE", mid_path, 403 },
    { "api_d", "DELETE", mid_path, 404 }, { "api_d", "GET", "/media", 403 },
    { "api_d", "POST", "/media", 403 },   { "api_all", "POST", "/media", 201 },
    { "api_all", "GET", "/media", 200 },  { "api_none", "GET", "/media", 403 },
    { TEST_KEY, "GET", "/media", 401 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (HttpReply) reply
          = api_call (perm, cases[i].key, cases[i].method, cases[i].path,
                      g_str_equal (cases[i].method, "POST") ? body : NULL);

      g_test_message ("%s %s %s", cases[i].key, cases[i].method, cases[i].path);
      g_assert_cmpint (reply->status, ==, cases[i].status);
      if (cases[i].status == 403)
        assert_api_error (reply, 403, "FORBIDDEN");
    }
  test_emulator_stop (perm);
}

static void
test_no_balance_is_402 (void)
{
  g_autoptr (HttpReply) reply = NULL;
  const char *body = "{\"name\":\"a\",\"contentType\":\"video/mp4\","
                     "\"size\":1,\"modelType\":\"DF-1\"}";

  setup ();
  test_emulator_configure (emu, "{\"balance\":0}");
  reply = api_call (emu, TEST_KEY, "POST", "/media", body);
  assert_api_error (reply, 402, "INSUFFICIENT_BALANCE");
}

static void
test_credit_spent_when_processing_starts (void)
{
  g_autoptr (HttpReply) second = NULL;
  g_autoptr (HttpReply) third = NULL;
  g_autofree char *mid1 = NULL;
  g_autofree char *mid2 = NULL;
  const char *body = "{\"name\":\"a\",\"contentType\":\"video/mp4\","
                     "\"size\":1,\"modelType\":\"DF-1\"}";

  setup ();
  test_emulator_configure (emu, "{\"balance\":1}");
  /* Creating is free: two records on one credit. */
  mid1 = create_media (emu, "one", "video/mp4", 4, NULL);
  second = api_call (emu, TEST_KEY, "POST", "/media", body);
  g_assert_cmpint (second->status, ==, 201);
  /* The upload starts processing and spends it. */
  mid2 = create_and_upload (emu, "two", "video/mp4", 4);
  third = api_call (emu, TEST_KEY, "POST", "/media", body);
  assert_api_error (third, 402, "INSUFFICIENT_BALANCE");
}

static void
test_get_and_delete (void)
{
  g_autofree char *mid = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HttpReply) got = NULL;
  g_autoptr (HttpReply) deleted = NULL;
  g_autoptr (HttpReply) gone = NULL;
  g_autoptr (HttpReply) again = NULL;
  JsonObject *obj;

  setup ();
  mid = create_media (emu, "clip", "video/webm", 5, NULL);
  path = g_strdup_printf ("/media/%s", mid);
  got = api_call (emu, TEST_KEY, "GET", path, NULL);
  g_assert_cmpint (got->status, ==, 200);
  obj = http_reply_json (got);
  g_assert_cmpstr (json_object_get_string_member (obj, "mid"), ==, mid);
  g_assert_cmpstr (json_object_get_string_member (obj, "status"), ==, "INITED");
  /* The pre-signed URL belongs to the create answer only. */
  g_assert_false (json_object_has_member (obj, "uploadUrl"));

  deleted = api_call (emu, TEST_KEY, "DELETE", path, NULL);
  g_assert_cmpint (deleted->status, ==, 200);
  g_assert_cmpstr (
      json_object_get_string_member (http_reply_json (deleted), "mid"), ==,
      mid);
  gone = api_call (emu, TEST_KEY, "GET", path, NULL);
  assert_api_error (gone, 404, "NOT_FOUND");
  again = api_call (emu, TEST_KEY, "DELETE", path, NULL);
  assert_api_error (again, 404, "NOT_FOUND");
}

static void
test_malformed_mid_is_400 (void)
{
  static const char *const mids[]
      = { "short", "0123456789ABCDEF01234567", "0123456789abcdef0123456z",
          "0123456789abcdef012345678" };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (mids); i++)
    {
      g_autofree char *path = g_strdup_printf ("/media/%s", mids[i]);
      g_autoptr (HttpReply) get = api_call (emu, TEST_KEY, "GET", path, NULL);
      g_autoptr (HttpReply) del
          = api_call (emu, TEST_KEY, "DELETE", path, NULL);

      assert_api_error (get, 400, "BAD_REQUEST");
      assert_api_error (del, 400, "BAD_REQUEST");
    }
}

static void
test_unknown_paths_are_404 (void)
{
  g_autoptr (HttpReply) other = NULL;
  g_autoptr (HttpReply) method = NULL;

  setup ();
  other = api_call (emu, TEST_KEY, "GET", "/nothing", NULL);
  assert_api_error (other, 404, "NOT_FOUND");
  method = api_call (emu, TEST_KEY, "PATCH", "/media", NULL);
  assert_api_error (method, 405, "METHOD_NOT_ALLOWED");
}

/* Outside /api the site's front end answers: an HTML 404, not the API's
 * JSON error (what a client given a base URL without /api meets). */
static void
test_outside_api_is_site_404 (void)
{
  static const char *const paths[]
      = { "/media", "/media/0123456789abcdef01234567", "/", "/apix/media" };
  const char *auth[] = { "Authorization: Bearer " TEST_KEY, NULL };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url
          = g_strconcat (test_emulator_get_root_url (emu), paths[i], NULL);
      g_autoptr (HttpReply) get = http_do ("GET", url, auth, NULL, -1);
      g_autoptr (HttpReply) post
          = http_do ("POST", url, auth, "{\"name\":\"x\"}", -1);

      g_assert_cmpint (get->status, ==, 404);
      g_assert_true (g_str_has_prefix (http_reply_header (get, "Content-Type"),
                                       "text/html"));
      g_assert_nonnull (strstr (get->body->str, "<html>"));
      g_assert_null (strstr (get->body->str, "\"code\""));
      g_assert_cmpint (post->status, ==, 404);
      g_assert_true (g_str_has_prefix (http_reply_header (post, "Content-Type"),
                                       "text/html"));
    }
  /* Nothing reached the API's routes. */
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 0);
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 0);
  g_assert_cmpuint (test_emulator_get_count (emu, "get"), ==, 0);
}

static void
test_list_newest_first_with_paging (void)
{
  char *mids[5] = { NULL };
  JsonArray *data;
  JsonObject *obj;

  setup ();
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("clip-%u", i);
      mids[i] = create_media (emu, name, "video/mp4", 10, NULL);
    }

  {
    g_autoptr (HttpReply) all = api_call (emu, TEST_KEY, "GET", "/media", NULL);

    g_assert_cmpint (all->status, ==, 200);
    obj = http_reply_json (all);
    g_assert_cmpint (json_object_get_int_member (obj, "limit"), ==, 20);
    g_assert_cmpint (json_object_get_int_member (obj, "offset"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (obj, "total"), ==, 5);
    data = json_object_get_array_member (obj, "data");
    g_assert_cmpint (json_array_get_length (data), ==, 5);
    for (guint i = 0; i < 5; i++)
      g_assert_cmpstr (json_object_get_string_member (
                           json_array_get_object_element (data, i), "mid"),
                       ==, mids[4 - i]);
  }
  {
    g_autoptr (HttpReply) page
        = api_call (emu, TEST_KEY, "GET", "/media?limit=2&offset=1", NULL);

    obj = http_reply_json (page);
    g_assert_cmpint (json_object_get_int_member (obj, "limit"), ==, 2);
    g_assert_cmpint (json_object_get_int_member (obj, "offset"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (obj, "total"), ==, 5);
    data = json_object_get_array_member (obj, "data");
    g_assert_cmpint (json_array_get_length (data), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (
                         json_array_get_object_element (data, 0), "mid"),
                     ==, mids[3]);
    g_assert_cmpstr (json_object_get_string_member (
                         json_array_get_object_element (data, 1), "mid"),
                     ==, mids[2]);
  }
  {
    g_autoptr (HttpReply) past
        = api_call (emu, TEST_KEY, "GET", "/media?offset=10", NULL);

    obj = http_reply_json (past);
    g_assert_cmpint (
        json_array_get_length (json_object_get_array_member (obj, "data")), ==,
        0);
  }
  {
    g_autoptr (HttpReply) big
        = api_call (emu, TEST_KEY, "GET", "/media?limit=1000", NULL);

    g_assert_cmpint (
        json_object_get_int_member (http_reply_json (big), "limit"), ==, 100);
  }
  for (guint i = 0; i < 5; i++)
    g_free (mids[i]);
  {
    g_autoptr (HttpReply) bad
        = api_call (emu, TEST_KEY, "GET", "/media?limit=abc", NULL);
    g_autoptr (HttpReply) zero
        = api_call (emu, TEST_KEY, "GET", "/media?limit=0", NULL);
    g_autoptr (HttpReply) neg
        = api_call (emu, TEST_KEY, "GET", "/media?offset=-1", NULL);

    assert_api_error (bad, 400, "BAD_REQUEST");
    assert_api_error (zero, 400, "BAD_REQUEST");
    assert_api_error (neg, 400, "BAD_REQUEST");
  }
}

static JsonObject *
parse_record (const char *text, JsonParser *parser)
{
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_video_verdicts (void)
{
  g_autoptr (JsonParser) p1 = json_parser_new ();
  g_autoptr (JsonParser) p2 = json_parser_new ();
  g_autofree char *real = NULL;
  g_autofree char *fake = NULL;
  g_autofree char *real_json = NULL;
  g_autofree char *fake_json = NULL;
  JsonObject *obj;
  JsonArray *participants;

  setup ();
  real = create_and_upload (emu, "holiday", "video/mp4", 64);
  fake = create_and_upload (emu, "My FAKE interview", "video/mp4", 64);
  /* Right after a complete upload, processing runs. */
  g_assert_cmpstr (get_status (emu, real), ==, "UPLOADED");

  real_json = wait_for_status (emu, real, "PROCESSED", 5000);
  obj = parse_record (real_json, p1);
  g_assert_cmpint (json_object_get_int_member (obj, "faces"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (obj, "deepFakes"), ==, 0);
  participants = json_object_get_array_member (obj, "participants");
  g_assert_cmpint (json_array_get_length (participants), ==, 1);
  g_assert_false (json_object_get_boolean_member (
      json_array_get_object_element (participants, 0), "fake"));
  g_assert_true (g_str_has_prefix (
      json_object_get_string_member (obj, "resultURL"), "http://127.0.0.1:"));
  g_assert_true (json_object_has_member (obj, "srcURL"));

  fake_json = wait_for_status (emu, fake, "PROCESSED", 5000);
  obj = parse_record (fake_json, p2);
  g_assert_cmpint (json_object_get_int_member (obj, "deepFakes"), >=, 1);
  participants = json_object_get_array_member (obj, "participants");
  g_assert_true (json_object_get_boolean_member (
      json_array_get_object_element (participants, 0), "fake"));
  {
    JsonObject *p = json_array_get_object_element (participants, 0);
    double c = json_object_get_double_member (p, "confidence");

    g_assert_cmpint (json_object_get_int_member (p, "id"), ==, 0);
    g_assert_true (c > 0 && c <= 1);
    g_assert_true (json_object_has_member (p, "heatmap"));
  }
}

static void
test_image_verdicts (void)
{
  g_autoptr (JsonParser) p1 = json_parser_new ();
  g_autoptr (JsonParser) p2 = json_parser_new ();
  g_autofree char *real = NULL;
  g_autofree char *fake = NULL;
  g_autofree char *real_json = NULL;
  g_autofree char *fake_json = NULL;
  JsonObject *obj;
  double c;

  setup ();
  real = create_and_upload (emu, "cat", "image/png", 16);
  fake = create_and_upload (emu, "fake-cat", "image/jpeg", 16);
  real_json = wait_for_status (emu, real, "PROCESSED", 5000);
  fake_json = wait_for_status (emu, fake, "PROCESSED", 5000);

  obj = parse_record (real_json, p1);
  g_assert_cmpstr (json_object_get_string_member (obj, "type"), ==, "Image");
  g_assert_false (json_object_get_boolean_member (obj, "fake"));
  c = json_object_get_double_member (obj, "confidence");
  g_assert_true (c >= 0 && c <= 1);
  g_assert_false (json_object_has_member (obj, "deepFakes"));
  g_assert_true (json_object_has_member (obj, "resultURL"));
  obj = parse_record (fake_json, p2);
  g_assert_true (json_object_get_boolean_member (obj, "fake"));
}

static void
test_fail_in_name_ends_failed (void)
{
  g_autofree char *mid = NULL;
  g_autofree char *json = NULL;

  setup ();
  mid = create_and_upload (emu, "please-FAIL", "video/mp4", 8);
  json = wait_for_status (emu, mid, "FAILED", 5000);
  g_assert_null (strstr (json, "deepFakes"));
}

static void
test_inited_until_uploaded (void)
{
  g_autofree char *mid = NULL;

  setup ();
  test_emulator_configure (emu, "{\"processing_time_ms\":0}");
  mid = create_media (emu, "clip", "video/mp4", 8, NULL);
  g_assert_cmpstr (get_status (emu, mid), ==, "INITED");
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start ("--processing-time", "0.2", NULL);

  g_test_add_func ("/emulator/api/create/returns-record",
                   test_create_returns_record);
  g_test_add_func ("/emulator/api/create/image-record",
                   test_create_image_record);
  g_test_add_func ("/emulator/api/create/fi1-needs-metadata",
                   test_create_fi1_with_metadata);
  g_test_add_func ("/emulator/api/create/rejects-bad-requests",
                   test_create_rejects_bad_requests);
  g_test_add_func ("/emulator/api/create/deep-nesting-is-400",
                   test_create_deep_nesting_is_400);
  g_test_add_func ("/emulator/api/create/accepts-every-content-type",
                   test_accepts_every_content_type);
  g_test_add_func ("/emulator/api/auth/unauthenticated-is-401",
                   test_unauthenticated_is_401);
  g_test_add_func ("/emulator/api/auth/basic-scheme-is-401",
                   test_basic_auth_scheme_is_401);
  g_test_add_func ("/emulator/api/auth/permissions-are-enforced",
                   test_permissions_are_enforced);
  g_test_add_func ("/emulator/api/credits/no-balance-is-402",
                   test_no_balance_is_402);
  g_test_add_func ("/emulator/api/credits/spent-when-processing-starts",
                   test_credit_spent_when_processing_starts);
  g_test_add_func ("/emulator/api/get-and-delete", test_get_and_delete);
  g_test_add_func ("/emulator/api/malformed-mid-is-400",
                   test_malformed_mid_is_400);
  g_test_add_func ("/emulator/api/unknown-paths-are-404",
                   test_unknown_paths_are_404);
  g_test_add_func ("/emulator/api/outside-api-is-the-sites-html-404",
                   test_outside_api_is_site_404);
  g_test_add_func ("/emulator/api/list/newest-first-with-paging",
                   test_list_newest_first_with_paging);
  g_test_add_func ("/emulator/api/verdict/video", test_video_verdicts);
  g_test_add_func ("/emulator/api/verdict/image", test_image_verdicts);
  g_test_add_func ("/emulator/api/verdict/fail-in-name-ends-failed",
                   test_fail_in_name_ends_failed);
  g_test_add_func ("/emulator/api/status/inited-until-uploaded",
                   test_inited_until_uploaded);

  ret = g_test_run ();
  test_emulator_stop (emu);
  return ret;
}
