/* libauthenta unit tests: parsing, error mapping, URL redaction, sniffing,
 * id validation, back-off arithmetic and client construction.  No network.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config-private.h"

#include <authenta/authenta.h>

#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-http-private.h"
#include "authenta-poll-private.h"
#include "authenta-task-private.h"
#include "authenta-util-private.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static const char video_record[]
    = "{\"mid\":\"692f406f9f68d4b70080bb80\",\"name\":\"video_sample\","
      "\"type\":\"Video\",\"status\":\"PROCESSED\",\"modelType\":\"DF-1\","
      "\"createdAt\":\"2025-12-02T19:39:27.525Z\",\"faces\":2,"
      "\"deepFakes\":1,\"participants\":[{\"id\":0,\"fake\":false,"
      "\"confidence\":0.12},{\"id\":1,\"fake\":true,\"confidence\":0.97,"
      "\"heatmap\":\"https://s3.example/h1.png?X-Amz-Signature=abc\"}],"
      "\"resultURL\":\"https://s3.example/result.json?sig=1\","
      "\"srcURL\":\"https://s3.example/src\",\"heatmapURL\":null,"
      "\"somethingNew\":{\"nested\":[1,2,3]}}";

static void
test_media_parse_video (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media
      = authenta_media_new_from_json (video_record, -1, &error);
  g_autoptr (GDateTime) created = NULL;
  AuthentaParticipant *p;

  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_mid (media), ==,
                   "692f406f9f68d4b70080bb80");
  g_assert_cmpstr (authenta_media_get_name (media), ==, "video_sample");
  g_assert_cmpstr (authenta_media_get_media_type (media), ==, "Video");
  g_assert_cmpstr (authenta_media_get_status (media), ==, "PROCESSED");
  g_assert_cmpstr (authenta_media_get_model_type (media), ==, "DF-1");
  g_assert_true (authenta_media_is_processed (media));
  g_assert_true (authenta_media_is_terminal (media));
  g_assert_true (authenta_media_is_fake (media));
  g_assert_cmpint (authenta_media_get_faces (media), ==, 2);
  g_assert_cmpint (authenta_media_get_deepfakes (media), ==, 1);
  g_assert_cmpfloat (authenta_media_get_confidence (media), ==, -1);
  g_assert_cmpstr (authenta_media_get_result_url (media), ==,
                   "https://s3.example/result.json?sig=1");
  g_assert_cmpstr (authenta_media_get_src_url (media), ==,
                   "https://s3.example/src");
  g_assert_null (authenta_media_get_heatmap_url (media));
  g_assert_null (authenta_media_get_upload_url (media));
  g_assert_cmpint (authenta_media_get_expires_in (media), ==, -1);
  g_assert_null (authenta_media_get_content_type (media));
  g_assert_cmpuint (authenta_media_get_size (media), ==, 0);

  created = authenta_media_dup_created_at_datetime (media);
  g_assert_nonnull (created);
  g_assert_cmpint (g_date_time_get_year (created), ==, 2025);

  g_assert_cmpuint (authenta_media_get_n_participants (media), ==, 2);
  p = authenta_media_get_participant (media, 1);
  g_assert_cmpint (authenta_participant_get_id (p), ==, 1);
  g_assert_true (authenta_participant_get_fake (p));
  g_assert_cmpfloat_with_epsilon (authenta_participant_get_confidence (p), 0.97,
                                  1e-9);
  g_assert_cmpstr (authenta_participant_get_heatmap_url (p), ==,
                   "https://s3.example/h1.png?X-Amz-Signature=abc");
  p = authenta_media_get_participant (media, 0);
  g_assert_false (authenta_participant_get_fake (p));
  g_assert_null (authenta_participant_get_heatmap_url (p));

  /* Kept exactly as sent, unknown fields included. */
  g_assert_cmpstr (authenta_media_get_json (media), ==, video_record);
}

static void
test_media_parse_image (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) fake = NULL;
  g_autoptr (AuthentaMedia) real = NULL;

  fake = authenta_media_new_from_json (
      "{\"mid\":\"a1\",\"type\":\"Image\",\"status\":\"PROCESSED\","
      "\"fake\":true,\"confidence\":0.8}",
      -1, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_fake (fake));
  g_assert_cmpint (authenta_media_get_faces (fake), ==, -1);
  g_assert_cmpfloat_with_epsilon (authenta_media_get_confidence (fake), 0.8,
                                  1e-9);

  real = authenta_media_new_from_json (
      "{\"mid\":\"a2\",\"type\":\"Image\",\"status\":\"PROCESSED\","
      "\"fake\":false,\"confidence\":1}",
      -1, &error);
  g_assert_no_error (error);
  g_assert_false (authenta_media_is_fake (real));
  g_assert_cmpfloat (authenta_media_get_confidence (real), ==, 1.0);
}

static void
test_media_parse_minimal (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media
      = authenta_media_new_from_json ("{}", -1, &error);

  g_assert_no_error (error);
  g_assert_null (authenta_media_get_mid (media));
  g_assert_null (authenta_media_get_status (media));
  g_assert_false (authenta_media_is_terminal (media));
  g_assert_false (authenta_media_is_fake (media));
  g_assert_cmpuint (authenta_media_get_n_participants (media), ==, 0);
  g_assert_null (authenta_media_dup_created_at_datetime (media));

  /* Statuses other than the documented ones are not terminal. */
  g_clear_object (&media);
  media = authenta_media_new_from_json ("{\"status\":\"QUEUED\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_false (authenta_media_is_terminal (media));
  g_clear_object (&media);
  media = authenta_media_new_from_json ("{\"status\":\"ERROR\"}", -1, &error);
  g_assert_true (authenta_media_is_terminal (media));
  g_assert_false (authenta_media_is_processed (media));
}

static void
test_media_parse_wrong_type (void)
{
  static const struct
  {
    const char *json;
    const char *needle;
  } cases[] = {
    { "{\"mid\":123456789012}", "“mid” is an integer, expected a string" },
    { "{\"mid\":\"a\",\"faces\":\"two\"}", "“faces” is a string" },
    { "{\"deepFakes\":1.5}", "“deepFakes” is a number" },
    { "{\"fake\":\"yes\"}", "“fake” is a string, expected a boolean" },
    { "{\"participants\":{}}", "“participants” is an object" },
    { "{\"participants\":[1]}", "participant 0 is an integer" },
    { "{\"participants\":[{\"fake\":1}]}", "“fake” is an integer" },
    { "{\"mid\":\"../etc\"}", "not a valid media id" },
    { "[1,2]", "the record is an array" },
    { "{\"mid\":\"abc\"", "not valid JSON" },
    { "<html>oops</html>", "not valid JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaMedia) media
          = authenta_media_new_from_json (cases[i].json, -1, &error);

      g_assert_null (media);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
      if (strstr (error->message, cases[i].needle) == NULL)
        g_error ("case %u: “%s” not in “%s”", i, cases[i].needle,
                 error->message);
    }
}

static void
test_error_map_api (void)
{
  static const struct
  {
    guint status;
    const char *body;
    AuthentaError code;
    const char *service_code;
  } cases[] = {
    { 401,
      "{\"code\":\"INVALID_API_KEY\",\"statusCode\":401,\"message\":\"API "
      "key authentication failed\"}",
      AUTHENTA_ERROR_INVALID_API_KEY, "INVALID_API_KEY" },
    { 403, "{\"code\":\"FORBIDDEN\",\"message\":\"no write permission\"}",
      AUTHENTA_ERROR_FORBIDDEN, "FORBIDDEN" },
    { 402, "{\"code\":\"INSUFFICIENT_BALANCE\",\"message\":\"no credits\"}",
      AUTHENTA_ERROR_INSUFFICIENT_BALANCE, "INSUFFICIENT_BALANCE" },
    { 404, "{\"code\":\"NOT_FOUND\",\"message\":\"no such media\"}",
      AUTHENTA_ERROR_NOT_FOUND, "NOT_FOUND" },
    { 400, "{\"code\":\"BAD_REQUEST\",\"message\":\"size is required\"}",
      AUTHENTA_ERROR_BAD_REQUEST, "BAD_REQUEST" },
    { 422, "{\"message\":\"unprocessable\"}", AUTHENTA_ERROR_BAD_REQUEST,
      NULL },
    { 429, "{\"code\":\"TOO_MANY_REQUESTS\"}", AUTHENTA_ERROR_RATE_LIMITED,
      "TOO_MANY_REQUESTS" },
    { 500, "{\"code\":\"INTERNAL\",\"message\":\"boom\"}",
      AUTHENTA_ERROR_SERVER, "INTERNAL" },
    { 503, "<html>Service Unavailable</html>", AUTHENTA_ERROR_SERVER, NULL },
    { 502, "", AUTHENTA_ERROR_SERVER, NULL },
    /* The code wins over an unusual status. */
    { 400, "{\"code\":\"INVALID_API_KEY\",\"message\":\"bad key\"}",
      AUTHENTA_ERROR_INVALID_API_KEY, "INVALID_API_KEY" },
    /* A 404 or 405 that is not the service's error shape: no API there. */
    { 404, "[\"x\"]", AUTHENTA_ERROR_NO_SERVICE, NULL },
    { 404, "<html><body>Page not found</body></html>",
      AUTHENTA_ERROR_NO_SERVICE, NULL },
    { 404, "", AUTHENTA_ERROR_NO_SERVICE, NULL },
    { 404, "{\"message\":\"Not Found\"}", AUTHENTA_ERROR_NO_SERVICE, NULL },
    { 405, "<html>Method Not Allowed</html>", AUTHENTA_ERROR_NO_SERVICE, NULL },
    /* A framework's own 404 in front of the service still has statusCode:
     * taken as the service's. */
    { 404,
      "{\"statusCode\":404,\"message\":\"Cannot GET /api/media/abc\","
      "\"error\":\"Not Found\"}",
      AUTHENTA_ERROR_NOT_FOUND, NULL },
    { 405, "{\"code\":\"METHOD_NOT_ALLOWED\",\"statusCode\":405}",
      AUTHENTA_ERROR_BAD_REQUEST, "METHOD_NOT_ALLOWED" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = authenta_error_from_response (
          "GET /api/media/abc", AUTHENTA_ORIGIN_API, CURLE_OK, NULL,
          cases[i].status, cases[i].body, strlen (cases[i].body), "abc", NULL);
      g_autofree char *status
          = g_strdup_printf ("HTTP status %u", cases[i].status);

      g_assert_error (error, AUTHENTA_ERROR, (int)cases[i].code);
      g_assert_cmpuint (authenta_error_get_http_status (error), ==,
                        cases[i].status);
      g_assert_cmpstr (authenta_error_get_service_code (error), ==,
                       cases[i].service_code);
      g_assert_cmpstr (authenta_error_get_mid (error), ==, "abc");
      /* The message alone tells the whole story. */
      g_assert_nonnull (strstr (error->message, "GET /api/media/abc"));
      g_assert_nonnull (strstr (error->message, status));
      g_assert_nonnull (strstr (error->message, "mid abc"));
      if (cases[i].service_code)
        g_assert_nonnull (strstr (error->message, cases[i].service_code));
    }
}

static void
test_error_map_storage (void)
{
  static const char expired[]
      = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
        "AccessDenied</Code><Message>Request has expired</Message>"
        "<RequestId>R1</RequestId><HostId>H1</HostId></Error>";
  static const char signature[]
      = "<Error><Code>SignatureDoesNotMatch</Code><Message>The request "
        "signature we calculated does not match the signature you "
        "provided. Check your key &amp; signing method.</Message></Error>";
  static const char slow_down[]
      = "<Error><Code>SlowDown</Code><Message>Please reduce your request "
        "rate.</Message></Error>";
  g_autoptr (GError) e1 = NULL;
  g_autoptr (GError) e2 = NULL;
  g_autoptr (GError) e3 = NULL;
  g_autoptr (GError) e4 = NULL;

  e1 = authenta_error_from_response ("PUT /bucket/key", AUTHENTA_ORIGIN_STORAGE,
                                     CURLE_OK, NULL, 403, expired,
                                     strlen (expired), "m1", NULL);
  g_assert_error (e1, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED);
  g_assert_cmpstr (authenta_error_get_service_code (e1), ==, "AccessDenied");
  g_assert_nonnull (strstr (e1->message, "Request has expired"));
  g_assert_cmpuint (authenta_error_get_http_status (e1), ==, 403);

  e2 = authenta_error_from_response ("PUT /bucket/key", AUTHENTA_ORIGIN_STORAGE,
                                     CURLE_OK, NULL, 403, signature,
                                     strlen (signature), "m1", NULL);
  g_assert_error (e2, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED);
  g_assert_cmpstr (authenta_error_get_service_code (e2), ==,
                   "SignatureDoesNotMatch");
  g_assert_nonnull (strstr (e2->message, "your key & signing"));

  e3 = authenta_error_from_response ("PUT /bucket/key", AUTHENTA_ORIGIN_STORAGE,
                                     CURLE_OK, NULL, 503, slow_down,
                                     strlen (slow_down), "m1", NULL);
  g_assert_error (e3, AUTHENTA_ERROR, AUTHENTA_ERROR_SERVER);
  g_assert_cmpstr (authenta_error_get_service_code (e3), ==, "SlowDown");

  /* 404 from storage is a problem with the upload URL, not a missing
   * record. */
  e4 = authenta_error_from_response ("PUT /bucket/key", AUTHENTA_ORIGIN_STORAGE,
                                     CURLE_OK, NULL, 404, "", 0, NULL, NULL);
  g_assert_error (e4, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED);
  g_assert_null (authenta_error_get_mid (e4));
}

static void
test_sanitize_service_text (void)
{
  g_autofree char *plain = NULL;
  g_autofree char *ctl = NULL;
  g_autofree char *key = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *bad = NULL;
  g_autoptr (GString) long_text = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  static const char body[]
      = "{\"code\":\"BAD_api_k3y\",\"message\":\"no\\u0007 \\u001b[31m"
        "api_k3y\\nnext\"}";

  plain = authenta_sanitize_service_text ("Media not found", 512, "api_k3y");
  g_assert_cmpstr (plain, ==, "Media not found");
  ctl = authenta_sanitize_service_text ("a\nb\tc\x1b[0m\xe2\x80\xae"
                                        "d",
                                        512, NULL);
  g_assert_cmpstr (ctl, ==, "a?b?c?[0m?d");
  key = authenta_sanitize_service_text ("key api_k3y and api_k3y", 512,
                                        "api_k3y");
  g_assert_cmpstr (key, ==, "key [redacted] and [redacted]");
  /* An escape sequence that would swallow the key's first letter on a
   * terminal ("ESC [ … a") is shown as text: the key, shown, is redacted
   * (found by fuzz-error-response). */
  {
    g_autofree char *swallowed
        = authenta_sanitize_service_text ("x\x1b[\x1b\x1b"
                                          "api_k3y\x1b y",
                                          512, "api_k3y");
    g_autofree char *hidden
        = authenta_sanitize_service_text ("api_\x1b[0mk3y", 512, "api_k3y");

    g_assert_null (strstr (swallowed, "api_k3y"));
    g_assert_nonnull (strstr (swallowed, "[redacted]"));
    /* As a terminal would show it: "api_k3y", redacted too. */
    g_assert_cmpstr (hidden, ==, "[redacted]");
  }
  bad = authenta_sanitize_service_text ("x\xff\xfey", 512, NULL);
  g_assert_true (g_utf8_validate (bad, -1, NULL));

  /* 600 two-byte characters: cut at 512 bytes, never inside one. */
  for (guint i = 0; i < 600; i++)
    g_string_append (long_text, "é");
  g_string_prepend_c (long_text, 'x'); /* odd offset for the boundary */
  cut = authenta_sanitize_service_text (long_text->str, 512, NULL);
  g_assert_true (g_utf8_validate (cut, -1, NULL));
  g_assert_true (g_str_has_suffix (cut, "…"));
  g_assert_cmpuint (strlen (cut), <=, 512 + strlen ("…"));
  g_assert_cmpuint (strlen (cut), >=, 510);

  /* Through the error mapping: the code and message both. */
  error = authenta_error_from_response (
      "GET /api/media/abc", AUTHENTA_ORIGIN_API, CURLE_OK, NULL, 400, body,
      strlen (body), "abc", "api_k3y");
  g_assert_null (strstr (error->message, "api_k3y"));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_nonnull (strstr (error->message, "[redacted]"));
  g_assert_null (strstr (authenta_error_get_service_code (error), "api_k3y"));
}

static void
test_error_map_curl (void)
{
  g_autoptr (GError) refused = NULL;
  g_autoptr (GError) timeout = NULL;
  g_autoptr (GError) copy = NULL;

  refused = authenta_error_from_response (
      "GET /api/media", AUTHENTA_ORIGIN_API, CURLE_COULDNT_CONNECT,
      "Failed to connect to 127.0.0.1 port 9: Connection refused", 0, NULL, 0,
      NULL, NULL);
  g_assert_error (refused, AUTHENTA_ERROR, AUTHENTA_ERROR_NETWORK);
  g_assert_cmpuint (authenta_error_get_http_status (refused), ==, 0);
  g_assert_null (authenta_error_get_service_code (refused));
  g_assert_nonnull (strstr (refused->message, "Connection refused"));

  timeout = authenta_error_from_response (
      "GET /api/media/x", AUTHENTA_ORIGIN_API, CURLE_OPERATION_TIMEDOUT, "", 0,
      NULL, 0, "x", NULL);
  /* A transfer time-out is a network failure, not the verdict's wait. */
  g_assert_error (timeout, AUTHENTA_ERROR, AUTHENTA_ERROR_NETWORK);
  g_assert_cmpstr (authenta_error_get_mid (timeout), ==, "x");

  /* The details ride along with copies. */
  copy = g_error_copy (timeout);
  g_assert_cmpstr (authenta_error_get_mid (copy), ==, "x");

  /* Other domains have no details. */
  {
    g_autoptr (GError) other
        = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "x");
    g_assert_null (authenta_error_get_mid (other));
    g_assert_cmpuint (authenta_error_get_http_status (other), ==, 0);
    g_assert_null (authenta_error_get_service_code (NULL));
  }
}

static void
test_redact_url (void)
{
  static const char *const cases[][2] = {
    { "https://bucket.s3.amazonaws.com/users/u/media/m/original.media?"
      "X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA",
      "https://bucket.s3.amazonaws.com/users/u/media/m/original.media" },
    { "http://127.0.0.1:8080/upload/abc?sig=1#frag",
      "http://127.0.0.1:8080/upload/abc" },
    { "https://user:secret@host.example/p", "https://host.example/p" },
    { "https://host.example?x=1", "https://host.example/" },
    { "https://host.example", "https://host.example/" },
    { "not a url ?secret", "(unparsable URL)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *redacted = authenta_redact_url (cases[i][0]);
      g_assert_cmpstr (redacted, ==, cases[i][1]);
    }
}

static void
test_mid_valid (void)
{
  g_autofree char *max = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strnfill (65, 'a');

  g_assert_true (authenta_mid_is_valid ("692f406f9f68d4b70080bb80"));
  g_assert_true (authenta_mid_is_valid ("A_b-9"));
  g_assert_true (authenta_mid_is_valid (max));
  g_assert_false (authenta_mid_is_valid (too_long));
  g_assert_false (authenta_mid_is_valid (""));
  g_assert_false (authenta_mid_is_valid (NULL));
  g_assert_false (authenta_mid_is_valid ("../x"));
  g_assert_false (authenta_mid_is_valid ("a/b"));
  g_assert_false (authenta_mid_is_valid ("a?b"));
  g_assert_false (authenta_mid_is_valid ("a%2f"));
  g_assert_false (authenta_mid_is_valid ("a b"));
  g_assert_false (authenta_mid_is_valid ("é"));
}

/* AUTHENTA-API.md's table of the Jobs API's server time-outs, by slug
 * and by id; none for the Media API's models nor an unknown task. */
static void
test_task_server_timeout (void)
{
  static const struct
  {
    const char *task;
    guint timeout_s;
  } rows[] = {
    { "ai-image-detection", 300 },
    { "1", 300 },
    { "ai-audio-detection", 600 },
    { "2", 600 },
    { "ai-video-detection", 600 },
    { "faceswap-detection", 1800 },
    { "4", 1800 },
    { "image-forgery-detection", 300 },
    { "document-intelligence", 300 },
    { "face-liveness-detection", 600 },
    { "ekyc-deepfake", 600 },
    { "11", 600 },
    { "DF-1", 0 },
    { "AC-1", 0 },
    { "FD-1", 0 },
    { "FI-1", 0 },
    { "8", 0 }, /* face-intelligence: not a task of the library */
    { "04", 0 },
    { "no-such-task", 0 },
    { NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_test_message ("task %s", rows[i].task ? rows[i].task : "(null)");
      g_assert_cmpuint (authenta_task_get_server_timeout_s (rows[i].task), ==,
                        rows[i].timeout_s);
    }
}

static void
test_loopback (void)
{
  g_assert_true (authenta_host_is_loopback ("127.0.0.1"));
  g_assert_true (authenta_host_is_loopback ("127.1.2.3"));
  g_assert_true (authenta_host_is_loopback ("localhost"));
  g_assert_true (authenta_host_is_loopback ("::1"));
  g_assert_false (authenta_host_is_loopback ("127.example.com"));
  g_assert_false (authenta_host_is_loopback ("10.0.0.1"));
  g_assert_false (authenta_host_is_loopback ("example.com"));
}

static void
test_sniff_data (void)
{
  static const struct
  {
    const char *bytes;
    gsize length;
    const char *type;
  } cases[] = {
    { "\xff\xd8\xff\xe0\0\x10JFIF", 10, "image/jpeg" },
    { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "image/png" },
    { "\0\0\0\x20"
      "ftypisom\0\0\x02\0isomiso2",
      24, "video/mp4" },
    { "\0\0\0\x18"
      "ftypmp42\0\0\0\0mp42",
      20, "video/mp4" },
    { "\0\0\0\x14"
      "ftypqt  \0\0\0\0qt  ",
      20, "video/quicktime" },
    { "\0\0\0\x08"
      "wide\0\0\0\0mdat",
      16, "video/quicktime" },
    { "\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", 16,
      "video/webm" },
    { "\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska", 20,
      "video/x-matroska" },
    { "\0\0\0\x1c"
      "ftypheic\0\0\0\0mif1heic",
      24, NULL },
    { "GIF89a", 6, NULL },
    { "hello world", 11, NULL },
    { "\xff\xd8", 2, NULL },
    { "", 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpstr (authenta_content_type_sniff_data (
                         (const guint8 *)cases[i].bytes, cases[i].length),
                     ==, cases[i].type);

  g_assert_cmpstr (authenta_content_type_default_model ("video/mp4"), ==,
                   "DF-1");
  g_assert_cmpstr (authenta_content_type_default_model ("image/png"), ==,
                   "AC-1");
  g_assert_null (authenta_content_type_default_model ("text/plain"));
}

static void
test_sniff_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("authenta-sniff-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "a.png", NULL);
  g_autofree char *txt = g_build_filename (dir, "a.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);

  g_assert_true (g_file_set_contents (png, "\x89PNG\r\n\x1a\nrest", 12, NULL));
  g_assert_true (g_file_set_contents (txt, "just text", -1, NULL));

  g_assert_cmpstr (authenta_content_type_sniff_file (png, &error), ==,
                   "image/png");
  g_assert_no_error (error);

  g_assert_null (authenta_content_type_sniff_file (txt, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UNSUPPORTED_MEDIA);
  g_assert_nonnull (strstr (error->message, "a.txt"));
  g_clear_error (&error);

  g_assert_null (authenta_content_type_sniff_file (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_unlink (png);
  g_unlink (txt);
  g_rmdir (dir);
}

/* An ISO BMFF box of @type around @payload (consumed), as bytes. */
static GByteArray *
box (const char *type, GByteArray *payload)
{
  GByteArray *b = g_byte_array_new ();
  guint32 size = 8 + (payload ? payload->len : 0);
  guint8 head[8] = { size >> 24, size >> 16, size >> 8, size };

  memcpy (head + 4, type, 4);
  g_byte_array_append (b, head, 8);
  if (payload)
    {
      g_byte_array_append (b, payload->data, payload->len);
      g_byte_array_unref (payload);
    }
  return b;
}

static GByteArray *
concat (GByteArray *a, GByteArray *b)
{
  g_byte_array_append (a, b->data, b->len);
  g_byte_array_unref (b);
  return a;
}

/* trak/mdia/hdlr with @handler ("soun", "vide"), or a trak without hdlr. */
static GByteArray *
trak (const char *handler)
{
  GByteArray *hdlr;
  guint8 fields[20] = { 0 };

  if (handler == NULL)
    return box ("trak", box ("mdia", box ("mdhd", NULL)));
  hdlr = g_byte_array_new ();
  memcpy (fields + 8, handler, 4);
  g_byte_array_append (hdlr, fields, sizeof fields);
  return box ("trak",
              box ("mdia", concat (box ("mdhd", NULL), box ("hdlr", hdlr))));
}

/* An MP4 as mp4mux writes it: ftyp, mdat, then moov with @traks (NULL:
 * no moov); @faststart puts moov before mdat. */
static GByteArray *
mp4_file (const char *const *traks, guint n, gboolean faststart)
{
  static const guint8 brand[] = { 'i', 's', 'o', 'm', 0,   0,   2,   0,
                                  'i', 's', 'o', 'm', 'm', 'p', '4', '2' };
  GByteArray *ftyp = g_byte_array_new ();
  GByteArray *data = g_byte_array_new ();
  GByteArray *moov = NULL;
  GByteArray *file;

  g_byte_array_append (ftyp, brand, sizeof brand);
  g_byte_array_append (data, (const guint8 *)"frames", 6);
  file = box ("ftyp", ftyp);
  if (traks)
    {
      GByteArray *children = g_byte_array_new ();

      concat (children, box ("mvhd", NULL));
      for (guint i = 0; i < n; i++)
        concat (children, trak (traks[i]));
      moov = box ("moov", children);
    }
  if (faststart && moov)
    concat (file, g_steal_pointer (&moov));
  concat (file, box ("mdat", data));
  if (moov)
    concat (file, moov);
  return file;
}

/* An MP4 whose tracks are all sound is M4A; anything else, or a file the
 * walk cannot follow, stays MP4. */
static void
test_sniff_mp4_tracks (void)
{
  static const char *const soun[] = { "soun" };
  static const char *const vide[] = { "vide" };
  static const char *const both[] = { "soun", "vide" };
  static const char *const two_soun[] = { "soun", "soun" };
  static const char *const no_hdlr[] = { NULL };
  static const struct
  {
    const char *what;
    const char *const *traks;
    guint n;
    gboolean faststart;
    gsize truncate; /* bytes cut from the end */
    const char *type;
  } rows[] = {
    { "sound", soun, 1, FALSE, 0, "audio/mp4" },
    { "two sound tracks", two_soun, 2, FALSE, 0, "audio/mp4" },
    { "sound, moov first", soun, 1, TRUE, 0, "audio/mp4" },
    { "video", vide, 1, FALSE, 0, "video/mp4" },
    { "sound and video", both, 2, FALSE, 0, "video/mp4" },
    { "no moov", NULL, 0, FALSE, 0, "video/mp4" },
    { "empty moov", soun, 0, FALSE, 0, "video/mp4" },
    { "a trak without hdlr", no_hdlr, 1, FALSE, 0, "video/mp4" },
    { "moov cut short", soun, 1, FALSE, 10, "video/mp4" },
  };
  g_autofree char *dir = g_dir_make_tmp ("authenta-sniff-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "a.mp4", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (GByteArray) file
          = mp4_file (rows[i].traks, rows[i].n, rows[i].faststart);
      g_autoptr (GError) error = NULL;

      g_test_message ("%s", rows[i].what);
      g_assert_true (g_file_set_contents (path, (const char *)file->data,
                                          file->len - rows[i].truncate, NULL));
      g_assert_cmpstr (authenta_content_type_sniff_file (path, &error), ==,
                       rows[i].type);
      g_assert_no_error (error);
      /* The first bytes alone say MP4. */
      g_assert_cmpstr (authenta_content_type_sniff_data (file->data, 64), ==,
                       "video/mp4");
    }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_backoff (void)
{
  AuthentaHttpPolicy policy = { .retry_attempts = 10,
                                .retry_base_delay_ms = 100,
                                .retry_max_delay_ms = 1000,
                                .retry_jitter = 0.5 };

  /* Without the random part: 100, 200, 400, 800, then the cap. */
  policy.retry_jitter = 0;
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 1, 0.7), ==, 100);
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 2, 0.7), ==, 200);
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 4, 0.7), ==, 800);
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 5, 0.7), ==, 1000);
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 60, 0.7), ==, 1000);

  /* With half of it random: between half and all of the delay. */
  policy.retry_jitter = 0.5;
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 3, 0.0), ==, 200);
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 3, 0.999), <=, 400);
  g_assert_cmpuint (authenta_http_backoff_delay (&policy, 3, 0.999), >=, 399);
}

static void
test_retry_after (void)
{
  gint64 now = 1700000000; /* 2023-11-14T22:13:20Z */

  g_assert_cmpint (authenta_http_parse_retry_after ("3", now), ==, 3000);
  g_assert_cmpint (authenta_http_parse_retry_after (" 0 ", now), ==, 0);
  g_assert_cmpint (
      authenta_http_parse_retry_after ("Tue, 14 Nov 2023 22:13:30 GMT", now),
      ==, 10000);
  /* A date in the past means now. */
  g_assert_cmpint (
      authenta_http_parse_retry_after ("Tue, 14 Nov 2023 22:00:00 GMT", now),
      ==, 0);
  /* A date far in the future is capped, not an overflow (found by the
   * url fuzzer). */
  g_assert_cmpint (
      authenta_http_parse_retry_after ("Fri, 31 Dec 9999 23:59:59 GMT", now),
      ==, (gint64)G_MAXINT32 * 1000);
  g_assert_cmpint (authenta_http_parse_retry_after ("soon", now), ==, -1);
  g_assert_cmpint (authenta_http_parse_retry_after ("3x", now), ==, -1);
  g_assert_cmpint (authenta_http_parse_retry_after (NULL, now), ==, -1);
}

static void
on_waited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* authenta_wait_async() on the thread-default context, to its end. */
static gboolean
wait_ms (guint64 ms, GCancellable *cancellable, GError **error)
{
  GAsyncResult *result = NULL;
  gboolean ok;

  authenta_wait_async (ms, cancellable, on_waited, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  ok = authenta_wait_finish (result, error);
  g_object_unref (result);
  return ok;
}

static void
test_wait_cancel (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (wait_ms (20, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 20000);

  g_cancellable_cancel (cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (wait_ms (10000, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_clear_error (&error);

  /* A cancel during the wait ends it at once, not at its timer. */
  g_object_unref (cancellable);
  cancellable = g_cancellable_new ();
  g_timeout_add_once (10, (GSourceOnceFunc)g_cancellable_cancel, cancellable);
  start = g_get_monotonic_time ();
  g_assert_false (wait_ms (10000, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static void
test_client_new (void)
{
  static const struct
  {
    const char *url;
    gboolean ok;
  } cases[] = {
    { "https://platform.authenta.ai/api", TRUE },
    { "https://platform.authenta.ai/api/", TRUE },
    { "http://127.0.0.1:8080/api", TRUE },
    { "http://localhost/api", TRUE },
    { "http://[::1]:8080/api", TRUE },
    { "http://example.com/api", FALSE },
    { "ftp://example.com/api", FALSE },
    { "https:///api", FALSE },
    { "https://example.com/api?key=1", FALSE },
    { "https://user:pw@example.com/api", FALSE },
    { "not a url", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaClient) client
          = authenta_client_new (cases[i].url, "api_secret_key", &error);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_false (
              g_str_has_suffix (authenta_client_get_base_url (client), "/"));
        }
      else
        {
          g_assert_null (client);
          g_assert_error (error, AUTHENTA_ERROR,
                          AUTHENTA_ERROR_INVALID_ARGUMENT);
          g_assert_null (strstr (error->message, "api_secret_key"));
          g_assert_null (strstr (error->message, "pw@"));
        }
    }
}

static void
test_client_insecure_allowed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = g_initable_new (
      AUTHENTA_TYPE_CLIENT, NULL, &error, "base-url", "http://example.com/api",
      "api-key", "k", "allow-insecure", TRUE, NULL);

  g_assert_no_error (error);
  g_assert_cmpstr (authenta_client_get_base_url (client), ==,
                   "http://example.com/api");
}

static void
test_client_environment (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaClient) none = NULL;

  g_setenv ("AUTHENTA_BASE_URL", "http://127.0.0.1:1/api", TRUE);
  g_setenv ("AUTHENTA_API_KEY", "api_from_env", TRUE);
  client = authenta_client_new (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_client_get_base_url (client), ==,
                   "http://127.0.0.1:1/api");

  g_setenv ("AUTHENTA_API_KEY", "", TRUE);
  none = authenta_client_new (NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_API_KEY);
  g_clear_error (&error);

  g_unsetenv ("AUTHENTA_BASE_URL");
  g_clear_object (&client);
  client = authenta_client_new (NULL, "k", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_client_get_base_url (client), ==,
                   AUTHENTA_DEFAULT_BASE_URL);

  g_clear_object (&client);
  client = authenta_client_new (NULL, "bad\r\nX-Injected: 1", &error);
  g_assert_null (client);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_API_KEY);
  g_assert_null (strstr (error->message, "Injected"));
}

/* The exported defaults are the ones a new client has, so that callers
 * (the element, the CLI) can use them instead of copies. */
static void
test_client_defaults_exported (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client
      = authenta_client_new ("http://127.0.0.1:1/api", "k", &error);
  guint connect, stall, request, attempts, base, max, interval, max_interval,
      timeout;
  double jitter, growth;

  g_assert_no_error (error);
  g_object_get (client, "connect-timeout", &connect, "stall-timeout", &stall,
                "request-timeout", &request, "retry-attempts", &attempts,
                "retry-base-delay", &base, "retry-max-delay", &max,
                "retry-jitter", &jitter, "poll-interval", &interval,
                "poll-growth", &growth, "poll-max-interval", &max_interval,
                "poll-timeout", &timeout, NULL);
  g_assert_cmpuint (connect, ==, AUTHENTA_DEFAULT_CONNECT_TIMEOUT_MS);
  g_assert_cmpuint (stall, ==, AUTHENTA_DEFAULT_STALL_TIMEOUT_MS);
  g_assert_cmpuint (request, ==, AUTHENTA_DEFAULT_REQUEST_TIMEOUT_MS);
  g_assert_cmpuint (attempts, ==, AUTHENTA_DEFAULT_RETRY_ATTEMPTS);
  g_assert_cmpuint (base, ==, AUTHENTA_DEFAULT_RETRY_BASE_DELAY_MS);
  g_assert_cmpuint (max, ==, AUTHENTA_DEFAULT_RETRY_MAX_DELAY_MS);
  g_assert_cmpfloat (jitter, ==, AUTHENTA_DEFAULT_RETRY_JITTER);
  g_assert_cmpuint (interval, ==, AUTHENTA_DEFAULT_POLL_INTERVAL_MS);
  g_assert_cmpfloat (growth, ==, AUTHENTA_DEFAULT_POLL_GROWTH);
  g_assert_cmpuint (max_interval, ==, AUTHENTA_DEFAULT_POLL_MAX_INTERVAL_MS);
  g_assert_cmpuint (timeout, ==, AUTHENTA_DEFAULT_POLL_TIMEOUT_MS);
  /* The documented values. */
  g_assert_cmpuint (AUTHENTA_DEFAULT_POLL_TIMEOUT_MS, ==, 900000);
  g_assert_cmpuint (AUTHENTA_DEFAULT_RETRY_ATTEMPTS, ==, 4);
}

static void
test_client_properties (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client
      = authenta_client_new ("http://127.0.0.1:1/api", "k", &error);
  guint attempts, poll_timeout;
  double growth;
  GParamSpec *key;

  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, 7, 10, 100, 0.25);
  authenta_client_set_poll_policy (client, 5, 2.0, 40, 1234);
  g_object_get (client, "retry-attempts", &attempts, "poll-growth", &growth,
                "poll-timeout", &poll_timeout, NULL);
  g_assert_cmpuint (attempts, ==, 7);
  g_assert_cmpfloat (growth, ==, 2.0);
  g_assert_cmpuint (poll_timeout, ==, 1234);

  /* The key can be given, never read back. */
  key = g_object_class_find_property (G_OBJECT_GET_CLASS (client), "api-key");
  g_assert_nonnull (key);
  g_assert_false (key->flags & G_PARAM_READABLE);
}

static void
test_client_invalid_mid (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client
      = authenta_client_new ("http://127.0.0.1:9/api", "k", &error);
  g_autoptr (AuthentaMedia) media = NULL;

  g_assert_no_error (error);
  /* Refused before any request: port 9 would fail with NETWORK. */
  media = authenta_client_get_media (client, "../../admin", NULL, &error);
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (authenta_client_delete_media (client, "a/b", NULL, &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  media
      = authenta_client_wait_for_result (client, "", NULL, NULL, NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  media = authenta_client_create_media (client, "n", "video/mp4", 1, "XX-9",
                                        NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  media = authenta_client_create_media (client, "n", "text/plain", 1, NULL,
                                        NULL, &error);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UNSUPPORTED_MEDIA);
}

static void
test_user_agent (void)
{
  AuthentaHttp *http = authenta_http_new (NULL);
  const char *ua = authenta_http_get_user_agent (http);
  g_autofree char *prefix
      = g_strdup_printf ("libauthenta/%s libcurl/", authenta_get_version ());

  g_assert_true (g_str_has_prefix (ua, prefix));
  g_assert_cmpstr (authenta_get_version (), ==, AUTHENTA_VERSION_STRING);
  g_assert_cmpstr (
      authenta_scan_stage_to_string (AUTHENTA_SCAN_STAGE_UPLOADING), ==,
      "uploading");
  authenta_http_free (http);
}

/* no_proxy is read once, the first time a client is made: a later setenv()
 * (perhaps racing in another thread) is never read. */
static void
test_no_proxy_read_once (void)
{
  AuthentaHttp *first = authenta_http_new (NULL);
  AuthentaHttp *second = NULL;
  g_autofree char *before = g_strdup (authenta_http_get_no_proxy (first));

  g_assert_true (g_str_has_suffix (before, "localhost,127.0.0.1,::1"));
  g_setenv ("no_proxy", "later.example", TRUE);
  second = authenta_http_new (NULL);
  g_assert_cmpstr (authenta_http_get_no_proxy (second), ==, before);
  g_assert_null (strstr (authenta_http_get_no_proxy (second), "later"));
  g_unsetenv ("no_proxy");
  authenta_http_free (first);
  authenta_http_free (second);
}

/* The copy of the Authorization header in curl's list is wiped, the other
 * headers left alone. */
static void
test_wipe_headers (void)
{
  struct curl_slist *headers = NULL;
  gsize len = strlen ("Authorization: Bearer api_k3y");

  headers = curl_slist_append (headers, "Accept: application/json");
  headers = curl_slist_append (headers, "Authorization: Bearer api_k3y");
  authenta_http_wipe_headers (headers);
  g_assert_cmpstr (headers->data, ==, "Accept: application/json");
  for (gsize i = 0; i < len; i++)
    g_assert_cmpint (headers->next->data[i], ==, 0);
  curl_slist_free_all (headers);
}

/* ---- hardening (issue 15) ------------------------------------------- */

static char *
nested (guint depth, const char *inner)
{
  GString *out = g_string_new ("{\"mid\":\"abc\",\"x\":");

  for (guint i = 0; i < depth; i++)
    g_string_append_c (out, '[');
  g_string_append (out, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (out, ']');
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

/* The record itself is one level: depth d of arrays inside it is d + 1. */
static void
test_json_depth (void)
{
  static const struct
  {
    guint depth;
    const char *inner;
    gboolean accepted;
  } cases[] = {
    { 63, "1", TRUE },
    { 64, "1", FALSE },
    { 100000, "1", FALSE },
    /* Brackets in a string are text, not nesting. */
    { 2,
      "\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
      "[[[[[[[[[[\\\"[[[[\"",
      TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = nested (cases[i].depth, cases[i].inner);
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaMedia) media
          = authenta_media_new_from_json (json, -1, &error);

      g_test_message ("depth %u: %s", cases[i].depth,
                      error ? error->message : "accepted");
      if (cases[i].accepted)
        {
          g_assert_no_error (error);
          g_assert_nonnull (media);
        }
      else
        {
          g_assert_null (media);
          g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
          g_assert_nonnull (strstr (error->message, "levels deep"));
        }
    }
  /* The error mapping parses answers too. */
  {
    g_autofree char *deep = nested (100000, "1");
    g_autoptr (GError) error = authenta_error_from_response (
        "GET /api/media/abc", AUTHENTA_ORIGIN_API, CURLE_OK, NULL, 400, deep,
        strlen (deep), "abc", NULL);
    g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_BAD_REQUEST);
  }
}

static void
test_content_type_valid (void)
{
  static const struct
  {
    const char *value;
    gboolean valid;
  } cases[] = {
    { "video/mp4", TRUE },
    { "image/jpeg", TRUE },
    { "video/x-matroska", TRUE },
    { "application/vnd.example+json", TRUE },
    { "video/mp4\r\nX-Injected: 1", FALSE },
    { "video/mp4; codecs=avc1", FALSE },
    { "video/ mp4", FALSE },
    { "video", FALSE },
    { "/mp4", FALSE },
    { "video/", FALSE },
    { "video/mp4/x", FALSE },
    { "-video/mp4", FALSE },
    { "", FALSE },
    { NULL, FALSE },
  };
  g_autofree char *long_name = g_strnfill (128, 'a');
  g_autofree char *too_long = g_strconcat ("video/", long_name, NULL);
  g_autofree char *just_fits = g_strndup (too_long, strlen (too_long) - 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    if (authenta_content_type_is_valid (cases[i].value) != cases[i].valid)
      g_error ("“%s”: expected %s", cases[i].value ? cases[i].value : "NULL",
               cases[i].valid ? "valid" : "invalid");
  g_assert_false (authenta_content_type_is_valid (too_long));
  g_assert_true (authenta_content_type_is_valid (just_fits));
}

/* A record the service sends with a content type that is not one is a
 * protocol error: it would become the PUT's Content-Type header. */
static void
test_answer_content_type_checked (void)
{
  static const char *const hostile[] = {
    "{\"mid\":\"abc\",\"contentType\":\"video/mp4\\r\\nX-Injected: 1\"}",
    "{\"mid\":\"abc\",\"contentType\":\"video/mp4 \"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AuthentaMedia) media
          = authenta_media_new_from_json (hostile[i], -1, &error);
      g_assert_null (media);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "contentType"));
      g_assert_null (strstr (error->message, "Injected"));
    }
}

static void
test_redaction_mangled (void)
{
  static const char key[] = "api_k3ysecret";
  static const struct
  {
    const char *body;
  } cases[] = {
    /* A control character inside the key. */
    { "{\"code\":\"X\",\"message\":\"bad key api_k3y\\u0001secret\"}" },
    { "{\"code\":\"X\",\"message\":\"bad key api_k3y\\u001b[0msecret\"}" },
    /* The key split between the code and the message, either way. */
    { "{\"code\":\"api_k3y\",\"message\":\"secret is wrong\"}" },
    { "{\"code\":\"ecret\",\"message\":\"no such key api_k3ys\"}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = authenta_error_from_response (
          "GET /api/media/abc", AUTHENTA_ORIGIN_API, CURLE_OK, NULL, 400,
          cases[i].body, strlen (cases[i].body), "abc", key);
      g_autofree char *joined = NULL;
      g_autoptr (GString) stripped = g_string_new (NULL);
      const char *code = authenta_error_get_service_code (error);

      g_test_message ("%s", error->message);
      /* Whatever order, whatever controls: no way to read the key back. */
      joined = g_strconcat (error->message, code ? code : "", NULL);
      for (const char *p = joined; *p; p++)
        if (!g_ascii_iscntrl (*p) && *p != '?')
          g_string_append_c (stripped, *p);
      g_assert_null (strstr (stripped->str, key));
      g_assert_null (strstr (stripped->str, "api_k3y"));
      g_assert_nonnull (strstr (error->message, "[redacted]"));
    }
}

/* The upload URL is held to the base URL's rule before any byte is sent;
 * hosts under .invalid never resolve, so a failure here sends nothing. */
static void
test_upload_url_rule (void)
{
  static const struct
  {
    const char *upload_url;
    const char *needle;
  } cases[] = {
    { "http://storage.example.invalid/bucket/k?X-Amz-Signature=s",
      "clear text" },
    { "ftp://storage.example.invalid/bucket/k", "not an http(s) URL" },
    { "file:///etc/passwd", "not an http(s) URL" },
    { "not a url", "not an http(s) URL" },
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client
      = authenta_client_new ("https://127.0.0.1:1/api", "api_k", &error);
  g_autofree char *path = NULL;
  int fd;

  g_assert_no_error (error);
  fd = g_file_open_tmp ("authenta-unit-XXXXXX", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (write (fd, "1234", 4), ==, 4);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
          "{\"mid\":\"abc\",\"contentType\":\"video/mp4\",\"size\":4,"
          "\"uploadUrl\":\"%s\"}",
          cases[i].upload_url);
      g_autoptr (AuthentaMedia) media
          = authenta_media_new_from_json (json, -1, &error);
      g_autoptr (AuthentaMedia) uploaded = NULL;

      g_assert_no_error (error);
      uploaded = authenta_client_upload_fd (client, media, fd, path, NULL, NULL,
                                            NULL, &error);
      g_assert_null (uploaded);
      g_test_message ("%s", error->message);
      g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
      g_assert_null (strstr (error->message, "X-Amz-Signature"));
      g_clear_error (&error);
    }
  close (fd);
  g_unlink (path);
}

static void
test_ca_file_checked (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("CURL_CA_BUNDLE"));
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = g_initable_new (
      AUTHENTA_TYPE_CLIENT, NULL, &error, "base-url", "https://127.0.0.1:1/api",
      "api-key", "api_k", "ca-file", "/nonexistent/ca.pem", NULL);

  g_assert_null (client);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "/nonexistent/ca.pem"));
  g_clear_error (&error);

  /* From the environment as curl users expect, the library's own first. */
  g_setenv ("CURL_CA_BUNDLE", "/nonexistent/curl.pem", TRUE);
  client = authenta_client_new ("https://127.0.0.1:1/api", "api_k", &error);
  g_assert_null (client);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TLS);
  g_assert_nonnull (strstr (error->message, "CURL_CA_BUNDLE"));
  g_clear_error (&error);
  g_setenv ("AUTHENTA_CA_FILE", "/nonexistent/authenta.pem", TRUE);
  client = authenta_client_new ("https://127.0.0.1:1/api", "api_k", &error);
  g_assert_null (client);
  g_assert_nonnull (strstr (error->message, "AUTHENTA_CA_FILE"));
  g_clear_error (&error);
  g_unsetenv ("AUTHENTA_CA_FILE");
  if (saved)
    g_setenv ("CURL_CA_BUNDLE", saved, TRUE);
  else
    g_unsetenv ("CURL_CA_BUNDLE");
}

static void
test_secret_wipe (void)
{
  char key[] = "api_secret";

  authenta_secret_wipe (key);
  for (gsize i = 0; i < sizeof key; i++)
    g_assert_cmpint (key[i], ==, 0);
  authenta_secret_wipe (NULL);
}

/* The poll schedule: the delays it gives, and the defaults' poll times. */
static void
test_poll_schedule (void)
{
  static const AuthentaPollSchedule defaults
      = { AUTHENTA_DEFAULT_POLL_INTERVAL_MS, AUTHENTA_DEFAULT_POLL_GROWTH,
          AUTHENTA_DEFAULT_POLL_MAX_INTERVAL_MS,
          AUTHENTA_DEFAULT_POLL_FAST_PERIOD_MS };
  static const AuthentaPollSchedule geometric = { 500, 1.25, 10000, 0 };
  static const AuthentaPollSchedule fixed = { 5000, 1.0, 5000, 0 };
  static const struct
  {
    const AuthentaPollSchedule *schedule;
    gint64 elapsed_ms;
    guint previous_ms, expected_ms;
  } rows[] = {
    /* The fast period: the first interval, whatever came before. */
    { &defaults, 0, 0, 250 },
    { &defaults, 1999, 250, 250 },
    /* Then doubling to the cap. */
    { &defaults, 2000, 250, 500 },
    { &defaults, 2500, 500, 1000 },
    { &defaults, 3500, 1000, 2000 },
    { &defaults, 600000, 2000, 2000 },
    /* No fast period: growth from the first poll (set_poll_policy). */
    { &geometric, 0, 0, 500 },
    { &geometric, 500, 500, 625 },
    { &geometric, 90000, 9000, 10000 },
    { &fixed, 0, 0, 5000 },
    { &fixed, 5000, 5000, 5000 },
  };
  static const gint64 expected_times[]
      = { 0,    250,  500,  750,  1000, 1250, 1500,
          1750, 2000, 2500, 3500, 5500, 7500, 9500 };
  gint64 t = 0;
  guint delay = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (rows); i++)
    g_assert_cmpuint (authenta_poll_next_delay (rows[i].schedule,
                                                rows[i].elapsed_ms,
                                                rows[i].previous_ms),
                      ==, rows[i].expected_ms);
  for (gsize i = 0; i < G_N_ELEMENTS (expected_times); i++)
    {
      g_assert_cmpint (t, ==, expected_times[i]);
      delay = authenta_poll_next_delay (&defaults, t, delay);
      t += delay;
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/media/parse/video-with-participants",
                   test_media_parse_video);
  g_test_add_func ("/media/parse/image-verdict", test_media_parse_image);
  g_test_add_func ("/media/parse/missing-fields-are-fine",
                   test_media_parse_minimal);
  g_test_add_func ("/media/parse/wrong-types-are-protocol-errors",
                   test_media_parse_wrong_type);
  g_test_add_func ("/error/map/api-status-and-json", test_error_map_api);
  g_test_add_func ("/error/map/storage-xml", test_error_map_storage);
  g_test_add_func ("/error/map/curl-codes", test_error_map_curl);
  g_test_add_func ("/error/service-text-cut-cleaned-and-key-redacted",
                   test_sanitize_service_text);
  g_test_add_func ("/util/redact-url-drops-query-and-userinfo",
                   test_redact_url);
  g_test_add_func ("/util/mid-validation", test_mid_valid);
  g_test_add_func ("/util/loopback-hosts", test_loopback);
  g_test_add_func ("/task/server-timeout", test_task_server_timeout);
  g_test_add_func ("/poll/schedule", test_poll_schedule);
  g_test_add_func ("/content-type/sniff-data", test_sniff_data);
  g_test_add_func ("/content-type/sniff-file", test_sniff_file);
  g_test_add_func ("/content-type/sniff-mp4-tracks", test_sniff_mp4_tracks);
  g_test_add_func ("/http/backoff-grows-and-caps", test_backoff);
  g_test_add_func ("/http/retry-after-parsing", test_retry_after);
  g_test_add_func ("/http/wait-wakes-on-cancel", test_wait_cancel);
  g_test_add_func ("/http/user-agent", test_user_agent);
  g_test_add_func ("/http/no-proxy-read-once", test_no_proxy_read_once);
  g_test_add_func ("/http/authorization-header-wiped", test_wipe_headers);
  g_test_add_func ("/client/new/base-url-validation", test_client_new);
  g_test_add_func ("/client/new/allow-insecure", test_client_insecure_allowed);
  g_test_add_func ("/client/new/environment", test_client_environment);
  g_test_add_func ("/client/properties", test_client_properties);
  g_test_add_func ("/client/defaults-are-exported",
                   test_client_defaults_exported);
  g_test_add_func ("/client/invalid-arguments-refused-locally",
                   test_client_invalid_mid);

  g_test_add_func ("/hardening/json-nesting-bounded", test_json_depth);
  g_test_add_func ("/hardening/content-type-tokens", test_content_type_valid);
  g_test_add_func ("/hardening/answer-content-type-checked",
                   test_answer_content_type_checked);
  g_test_add_func ("/hardening/redaction-of-mangled-keys",
                   test_redaction_mangled);
  g_test_add_func ("/hardening/upload-url-https-rule", test_upload_url_rule);
  g_test_add_func ("/hardening/ca-file-checked", test_ca_file_checked);
  g_test_add_func ("/hardening/secret-wipe", test_secret_wipe);

  return g_test_run ();
}
