/* authenta-emulator: injected faults (POST /_emulator/faults), each action
 * on the routes it applies to, over real HTTP.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-test-util.h"

#include <string.h>

static TestEmulator *emu;

static const char create_body[] = "{\"name\":\"clip\",\"contentType\":"
                                  "\"video/mp4\",\"size\":4,\"modelType\":"
                                  "\"DF-1\"}";

static void
setup (void)
{
  test_emulator_reset (emu);
}

static HttpReply *
call_route (const char *route, const char *mid)
{
  g_autofree char *path = g_strdup_printf ("/media/%s", mid);

  if (g_str_equal (route, "create"))
    return api_call (emu, TEST_KEY, "POST", "/media", create_body);
  if (g_str_equal (route, "list"))
    return api_call (emu, TEST_KEY, "GET", "/media", NULL);
  if (g_str_equal (route, "get"))
    return api_call (emu, TEST_KEY, "GET", path, NULL);
  return api_call (emu, TEST_KEY, "DELETE", path, NULL);
}

static const char *const api_routes[] = { "create", "list", "get", "delete" };

/* On a fresh emulator with one record: arms the fault (a JSON object's
 * members after "route") on route, then calls route once. */
static HttpReply *
call_route_with_fault (const char *route, const char *fault_members)
{
  g_autofree char *mid = NULL;
  g_autofree char *fault = NULL;

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 4, NULL);
  fault = g_strdup_printf ("{\"route\":\"%s\",%s}", route, fault_members);
  test_emulator_add_fault (emu, fault);
  return call_route (route, mid);
}

static void
test_status_on_each_api_route (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (api_routes); i++)
    {
      g_autoptr (HttpReply) reply = call_route_with_fault (
          api_routes[i], "\"action\":\"status\",\"status\":503");

      assert_api_error (reply, 503, "SERVICE_UNAVAILABLE");
      g_assert_null (http_reply_header (reply, "Retry-After"));
    }
}

static void
test_status_default_codes_and_overrides (void)
{
  struct
  {
    const char *fault;
    long status;
    const char *code;
    const char *message;
  } cases[] = {
    { "{\"route\":\"list\",\"action\":\"status\",\"status\":500}", 500,
      "INTERNAL_SERVER_ERROR", NULL },
    { "{\"route\":\"list\",\"action\":\"status\",\"status\":429,"
      "\"retry_after\":2}",
      429, "TOO_MANY_REQUESTS", NULL },
    { "{\"route\":\"list\",\"action\":\"status\",\"status\":502}", 502,
      "BAD_GATEWAY", NULL },
    { "{\"route\":\"list\",\"action\":\"status\",\"status\":401}", 401,
      "INVALID_API_KEY", NULL },
    { "{\"route\":\"list\",\"action\":\"status\",\"status\":418,"
      "\"code\":\"TEAPOT\",\"message\":\"short and stout\"}",
      418, "TEAPOT", "short and stout" },
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (HttpReply) reply = NULL;

      test_emulator_add_fault (emu, cases[i].fault);
      reply = call_route ("list", NULL);
      assert_api_error (reply, cases[i].status, cases[i].code);
      if (cases[i].message)
        g_assert_cmpstr (
            json_object_get_string_member (http_reply_json (reply), "message"),
            ==, cases[i].message);
      if (cases[i].status == 429)
        g_assert_cmpstr (http_reply_header (reply, "Retry-After"), ==, "2");
    }
}

static void
test_faults_consumed_in_order_with_count (void)
{
  long expected[] = { 500, 500, 503, 200, 200 };

  setup ();
  test_emulator_add_fault (
      emu, "{\"route\":\"list\",\"action\":\"status\",\"status\":500,"
           "\"count\":2}");
  test_emulator_add_fault (
      emu, "{\"route\":\"list\",\"action\":\"status\",\"status\":503}");
  /* Other routes are not affected. */
  g_free (create_media (emu, "clip", "video/mp4", 4, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr (HttpReply) reply = call_route ("list", NULL);

      g_assert_cmpint (reply->status, ==, expected[i]);
    }
  g_assert_cmpuint (test_emulator_get_count (emu, "list"), ==, 5);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
}

static void
test_status_on_upload_is_s3_xml (void)
{
  g_autofree char *url = NULL;
  g_autofree char *mid = NULL;
  g_autoptr (HttpReply) slow = NULL;
  g_autoptr (HttpReply) internal = NULL;
  g_autoptr (HttpReply) ok = NULL;

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 4, &url);
  test_emulator_add_fault (emu, "{\"route\":\"upload\",\"action\":\"status\","
                                "\"status\":503,\"retry_after\":1}");
  test_emulator_add_fault (emu, "{\"route\":\"upload\",\"action\":\"status\","
                                "\"status\":500}");
  slow = put_bytes (url, "video/mp4", "abcd", 4, NULL);
  assert_s3_error (slow, 503, "SlowDown");
  g_assert_cmpstr (http_reply_header (slow, "Retry-After"), ==, "1");
  internal = put_bytes (url, "video/mp4", "abcd", 4, "Expect: 100-continue");
  assert_s3_error (internal, 500, "InternalError");
  g_assert_cmpstr (get_status (emu, mid), ==, "INITED");
  ok = put_bytes (url, "video/mp4", "abcd", 4, NULL);
  g_assert_cmpint (ok->status, ==, 200);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 3);
}

static void
test_delay_answers_late (void)
{
  g_autoptr (HttpReply) reply = NULL;
  g_autofree char *url = NULL;
  g_autofree char *mid = NULL;
  g_autoptr (HttpReply) put = NULL;

  setup ();
  test_emulator_add_fault (
      emu, "{\"route\":\"create\",\"action\":\"delay\",\"delay_ms\":300}");
  reply = call_route ("create", NULL);
  g_assert_cmpint (reply->status, ==, 201);
  g_assert_cmpfloat (reply->seconds, >=, 0.3);

  mid = create_media (emu, "clip", "video/mp4", 4, &url);
  test_emulator_add_fault (
      emu, "{\"route\":\"upload\",\"action\":\"delay\",\"delay_ms\":300}");
  put = put_bytes (url, "video/mp4", "abcd", 4, NULL);
  g_assert_cmpint (put->status, ==, 200);
  g_assert_cmpfloat (put->seconds, >=, 0.3);

  /* delay_ms holds back the answer of any action. */
  test_emulator_add_fault (emu, "{\"route\":\"upload\",\"action\":\"status\","
                                "\"status\":500,\"delay_ms\":300}");
  test_emulator_add_fault (emu, "{\"route\":\"get\",\"action\":\"status\","
                                "\"status\":500,\"delay_ms\":300}");
  {
    g_autoptr (HttpReply) late_put
        = put_bytes (url, "video/mp4", "abcd", 4, NULL);
    g_autoptr (HttpReply) late_get = call_route ("get", mid);

    assert_s3_error (late_put, 500, "InternalError");
    g_assert_cmpfloat (late_put->seconds, >=, 0.3);
    assert_api_error (late_get, 500, "INTERNAL_SERVER_ERROR");
    g_assert_cmpfloat (late_get->seconds, >=, 0.3);
  }
}

static gpointer
slow_list (gpointer data)
{
  return call_route ("list", NULL);
}

static void
test_delay_does_not_block_others (void)
{
  g_autoptr (HttpReply) slow = NULL;
  g_autoptr (HttpReply) fast = NULL;
  GThread *thread;

  setup ();
  test_emulator_add_fault (
      emu, "{\"route\":\"list\",\"action\":\"delay\",\"delay_ms\":1500}");
  thread = g_thread_new ("slow", slow_list, NULL);
  /* Once the slow request is in, a second one is answered at once. */
  while (test_emulator_get_count (emu, "list") == 0)
    g_usleep (5 * 1000);
  fast = call_route ("create", NULL);
  g_assert_cmpint (fast->status, ==, 201);
  g_assert_cmpfloat (fast->seconds, <, 1.0);
  slow = g_thread_join (thread);
  g_assert_cmpint (slow->status, ==, 200);
  g_assert_cmpfloat (slow->seconds, >=, 1.5);
}

static void
test_drop_cuts_the_answer (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (api_routes); i++)
    {
      g_autoptr (HttpReply) reply
          = call_route_with_fault (api_routes[i], "\"action\":\"drop\"");

      /* Headers and part of the body came, then the connection closed. */
      g_assert_cmpint (reply->result, ==, CURLE_PARTIAL_FILE);
      g_assert_cmpuint (reply->body->len, >, 0);
    }
}

static void
test_drop_on_upload_stores_nothing (void)
{
  g_autofree char *url = NULL;
  g_autofree char *mid = NULL;
  g_autofree char *data = g_malloc0 (256 * 1024);
  g_autoptr (HttpReply) put = NULL;
  g_autoptr (HttpReply) again = NULL;

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 256 * 1024, &url);
  test_emulator_add_fault (emu, "{\"route\":\"upload\",\"action\":\"drop\"}");
  put = put_bytes (url, "video/mp4", data, 256 * 1024, NULL);
  g_assert_cmpint (put->result, !=, CURLE_OK);
  g_assert_cmpstr (get_status (emu, mid), ==, "INITED");
  /* The next one goes through. */
  again = put_bytes (url, "video/mp4", data, 256 * 1024, NULL);
  g_assert_cmpint (again->status, ==, 200);
}

static void
test_truncate_halves_the_json (void)
{
  g_autofree char *mid = NULL;
  g_autofree char *path = NULL;
  g_autoptr (HttpReply) whole = NULL;
  g_autoptr (HttpReply) cut = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 4, NULL);
  path = g_strdup_printf ("/media/%s", mid);
  whole = api_call (emu, TEST_KEY, "GET", path, NULL);
  test_emulator_add_fault (emu, "{\"route\":\"get\",\"action\":\"truncate\"}");
  cut = api_call (emu, TEST_KEY, "GET", path, NULL);
  g_assert_cmpint (cut->result, ==, CURLE_OK);
  g_assert_cmpint (cut->status, ==, 200);
  g_assert_cmpuint (cut->body->len, ==, whole->body->len / 2);
  g_assert_true (strncmp (cut->body->str, whole->body->str, cut->body->len)
                 == 0);
  g_assert_false (
      json_parser_load_from_data (parser, cut->body->str, -1, NULL));
}

static void
test_malformed_is_not_json (void)
{
  g_autoptr (HttpReply) reply = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();

  setup ();
  test_emulator_add_fault (emu,
                           "{\"route\":\"create\",\"action\":\"malformed\"}");
  reply = call_route ("create", NULL);
  g_assert_cmpint (reply->status, ==, 200);
  g_assert_cmpuint (reply->body->len, >, 0);
  g_assert_false (
      json_parser_load_from_data (parser, reply->body->str, -1, NULL));
}

static void
test_wrong_type_fields (void)
{
  g_autofree char *mid = NULL;
  g_autoptr (HttpReply) get = NULL;
  g_autoptr (HttpReply) list = NULL;
  JsonObject *obj;

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 4, NULL);
  test_emulator_add_fault (emu,
                           "{\"route\":\"get\",\"action\":\"wrong-type\"}");
  test_emulator_add_fault (emu,
                           "{\"route\":\"list\",\"action\":\"wrong-type\"}");
  get = call_route ("get", mid);
  g_assert_cmpint (get->status, ==, 200);
  obj = http_reply_json (get);
  g_assert_cmpint (
      json_node_get_value_type (json_object_get_member (obj, "mid")), ==,
      G_TYPE_INT64);
  g_assert_true (
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "status")));

  list = call_route ("list", NULL);
  obj = json_array_get_object_element (
      json_object_get_array_member (http_reply_json (list), "data"), 0);
  g_assert_cmpint (
      json_node_get_value_type (json_object_get_member (obj, "mid")), ==,
      G_TYPE_INT64);
}

static void
test_no_total_on_list (void)
{
  g_autofree char *mid = NULL;
  g_autoptr (HttpReply) list = NULL;
  g_autoptr (HttpReply) again = NULL;
  JsonObject *obj;

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 4, NULL);
  test_emulator_add_fault (emu, "{\"route\":\"list\",\"action\":\"no-total\"}");
  list = call_route ("list", NULL);
  g_assert_cmpint (list->status, ==, 200);
  obj = http_reply_json (list);
  g_assert_false (json_object_has_member (obj, "total"));
  g_assert_cmpint (json_object_get_int_member (obj, "limit"), ==, 20);
  g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (
                           json_object_get_array_member (obj, "data"), 0),
                       "mid"),
                   ==, mid);
  /* Consumed: the next list has its total again. */
  again = call_route ("list", NULL);
  g_assert_true (json_object_has_member (http_reply_json (again), "total"));
}

static void
test_oversize_is_8mib_of_valid_json (void)
{
  g_autofree char *mid = NULL;
  g_autoptr (HttpReply) reply = NULL;
  JsonObject *obj;

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 4, NULL);
  test_emulator_add_fault (emu, "{\"route\":\"get\",\"action\":\"oversize\"}");
  reply = call_route ("get", mid);
  g_assert_cmpint (reply->status, ==, 200);
  g_assert_cmpuint (reply->body->len, ==, 8 * 1024 * 1024);
  obj = http_reply_json (reply);
  g_assert_cmpstr (json_object_get_string_member (obj, "mid"), ==, mid);
}

static void
test_expire_on_upload (void)
{
  g_autofree char *url = NULL;
  g_autofree char *mid = NULL;
  g_autoptr (HttpReply) put = NULL;

  setup ();
  mid = create_media (emu, "clip", "video/mp4", 4, &url);
  test_emulator_add_fault (emu, "{\"route\":\"upload\",\"action\":\"expire\"}");
  put = put_bytes (url, "video/mp4", "abcd", 4, NULL);
  assert_s3_error (put, 403, "AccessDenied");
  g_assert_nonnull (strstr (put->body->str, "Request has expired"));
}

/* "body": exactly the given text, Content-Type (default application/json)
 * and status (default 200), and nothing done; one table over the API
 * routes and the upload, with the hostile answers the library is tested
 * against. */
static void
test_body_answers_the_given_text (void)
{
  g_autofree char *deep = nested_json (100000, FALSE, NULL, FALSE);
  g_autofree char *big = g_strnfill (300 * 1024, 'x');
  /* Over the 1 MiB cap of other bodies: a fault may carry 16 MiB. */
  g_autofree char *huge = g_strnfill (2 * 1024 * 1024, 'y');
  static const char injected[]
      = "{\"mid\":\"6b0ad6d3fb8a41a6856d1b27\",\"status\":\"INITED\","
        "\"contentType\":\"video/mp4\\r\\nX-Injected: 1\"}";
  static const char html[] = "<!DOCTYPE html><html><body>Bad "
                             "gateway</body></html>";
  const struct
  {
    const char *route;
    const char *body;
    const char *content_type; /* NULL: not given */
    guint status;             /* 0: not given */
    const char *want_type;
    long want_status;
  } cases[] = {
    { "create", deep, NULL, 0, "application/json", 200 },
    { "create", injected, NULL, 201, "application/json", 201 },
    { "list", big, "text/plain", 503, "text/plain", 503 },
    { "get", html, "text/html", 200, "text/html", 200 },
    { "get", "", NULL, 0, "application/json", 200 },
    { "get", huge, "text/plain", 0, "text/plain", 200 },
    { "delete", "{\"deleted\":\"maybe\"}", NULL, 500, "application/json", 500 },
    { "upload", "<html>not S3</html>", "text/html", 0, "text/html", 200 },
    { "upload", "<Error/>", "application/xml", 500, "application/xml", 500 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (HttpReply) reply = NULL;
      g_autoptr (HttpReply) after = NULL;
      g_autofree char *fault = NULL;
      g_autofree char *url = NULL;
      g_autofree char *mid = NULL;
      g_autofree char *log = NULL;
      gboolean upload = g_str_equal (cases[i].route, "upload");

      g_test_message ("case %u: %s", i, cases[i].route);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "route");
      json_builder_add_string_value (b, cases[i].route);
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, "body");
      json_builder_set_member_name (b, "body");
      json_builder_add_string_value (b, cases[i].body);
      if (cases[i].content_type)
        {
          json_builder_set_member_name (b, "content_type");
          json_builder_add_string_value (b, cases[i].content_type);
        }
      if (cases[i].status)
        {
          json_builder_set_member_name (b, "status");
          json_builder_add_int_value (b, cases[i].status);
        }
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      fault = json_to_string (root, FALSE);

      setup ();
      mid = create_media (emu, "clip", "video/mp4", 4, &url);
      test_emulator_add_fault (emu, fault);
      reply = upload ? put_bytes (url, "video/mp4", "abcd", 4, NULL)
                     : call_route (cases[i].route, mid);
      g_assert_cmpint (reply->result, ==, CURLE_OK);
      g_assert_cmpint (reply->status, ==, cases[i].want_status);
      g_assert_cmpstr (http_reply_header (reply, "Content-Type"), ==,
                       cases[i].want_type);
      g_assert_cmpuint (reply->body->len, ==, strlen (cases[i].body));
      g_assert_true (memcmp (reply->body->str, cases[i].body, reply->body->len)
                     == 0);
      g_assert_null (http_reply_header (reply, "X-Injected"));

      /* Nothing was done: the one record is there, not uploaded; the
       * fault was used up. */
      g_assert_cmpstr (get_status (emu, mid), ==, "INITED");
      after = upload ? put_bytes (url, "video/mp4", "abcd", 4, NULL)
                     : call_route (cases[i].route, mid);
      g_assert_cmpint (after->status, ==,
                       upload                                   ? 200
                       : g_str_equal (cases[i].route, "create") ? 201
                                                                : 200);
      log = find_log_line (emu, "(fault: body)");
      g_assert_nonnull (log);
    }
  {
    /* The list saw only the one record: no create had its effect. */
    g_autoptr (HttpReply) create = NULL;
    g_autoptr (HttpReply) list = NULL;

    setup ();
    test_emulator_add_fault (
        emu, "{\"route\":\"create\",\"action\":\"body\",\"body\":\"{}\"}");
    create = call_route ("create", "-");
    g_assert_cmpint (create->status, ==, 200);
    list = call_route ("list", "-");
    g_assert_cmpint (
        json_object_get_int_member (http_reply_json (list), "total"), ==, 0);
  }
}

static void
test_faulted_requests_are_counted (void)
{
  g_autoptr (HttpReply) a = NULL;
  g_autoptr (HttpReply) b = NULL;

  setup ();
  test_emulator_add_fault (
      emu, "{\"route\":\"create\",\"action\":\"status\",\"status\":500}");
  a = call_route ("create", NULL);
  b = call_route ("create", NULL);
  g_assert_cmpint (a->status, ==, 500);
  g_assert_cmpint (b->status, ==, 201);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 2);
}

static void
test_bad_fault_specs_are_400 (void)
{
  static const char *const specs[] = {
    "not json",
    "[]",
    "{\"action\":\"status\"}",
    "{\"route\":\"nowhere\",\"action\":\"status\"}",
    "{\"route\":\"get\"}",
    "{\"route\":\"get\",\"action\":\"explode\"}",
    "{\"route\":\"get\",\"action\":\"expire\"}",
    "{\"route\":\"upload\",\"action\":\"truncate\"}",
    "{\"route\":\"upload\",\"action\":\"oversize\"}",
    "{\"route\":\"get\",\"action\":\"no-total\"}",
    "{\"route\":\"get\",\"action\":\"status\",\"count\":0}",
    "{\"route\":\"get\",\"action\":\"status\",\"status\":\"503\"}",
    "{\"route\":\"get\",\"action\":\"status\",\"status\":99}",
    "{\"route\":\"get\",\"action\":\"status\",\"colour\":\"red\"}",
    "{\"route\":\"get\",\"action\":\"status\",\"body\":\"x\"}",
    "{\"route\":\"get\",\"action\":\"drop\",\"content_type\":\"text/html\"}",
    "{\"route\":\"get\",\"action\":\"body\",\"body\":5}",
    "{\"route\":\"get\",\"action\":\"body\",\"content_type\":\"\"}",
    "{\"route\":\"get\",\"action\":\"body\","
    "\"content_type\":\"text/html\\r\\nX-Injected: 1\"}",
    "{\"route\":\"get\",\"action\":\"body\",\"status\":199}",
  };
  g_autofree char *url = g_strconcat (test_emulator_get_root_url (emu),
                                      "/_emulator/faults", NULL);

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr (HttpReply) reply = http_do ("POST", url, NULL, specs[i], -1);

      g_test_message ("spec: %s", specs[i]);
      assert_api_error (reply, 400, "BAD_REQUEST");
    }
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start ("--processing-time", "0.1", NULL);

  g_test_add_func ("/emulator/faults/status/each-api-route",
                   test_status_on_each_api_route);
  g_test_add_func ("/emulator/faults/status/default-codes-and-overrides",
                   test_status_default_codes_and_overrides);
  g_test_add_func ("/emulator/faults/status/upload-is-s3-xml",
                   test_status_on_upload_is_s3_xml);
  g_test_add_func ("/emulator/faults/consumed-in-order-with-count",
                   test_faults_consumed_in_order_with_count);
  g_test_add_func ("/emulator/faults/delay/answers-late",
                   test_delay_answers_late);
  g_test_add_func ("/emulator/faults/delay/does-not-block-others",
                   test_delay_does_not_block_others);
  g_test_add_func ("/emulator/faults/drop/cuts-the-answer",
                   test_drop_cuts_the_answer);
  g_test_add_func ("/emulator/faults/drop/upload-stores-nothing",
                   test_drop_on_upload_stores_nothing);
  g_test_add_func ("/emulator/faults/truncate/halves-the-json",
                   test_truncate_halves_the_json);
  g_test_add_func ("/emulator/faults/malformed/is-not-json",
                   test_malformed_is_not_json);
  g_test_add_func ("/emulator/faults/wrong-type/fields",
                   test_wrong_type_fields);
  g_test_add_func ("/emulator/faults/oversize/is-8mib-of-valid-json",
                   test_oversize_is_8mib_of_valid_json);
  g_test_add_func ("/emulator/faults/expire/upload", test_expire_on_upload);
  g_test_add_func ("/emulator/faults/no-total/list", test_no_total_on_list);
  g_test_add_func ("/emulator/faults/body/answers-the-given-text",
                   test_body_answers_the_given_text);
  g_test_add_func ("/emulator/faults/faulted-requests-are-counted",
                   test_faulted_requests_are_counted);
  g_test_add_func ("/emulator/faults/bad-specs-are-400",
                   test_bad_fault_specs_are_400);

  ret = g_test_run ();
  test_emulator_stop (emu);
  return ret;
}
