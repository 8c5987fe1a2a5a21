/* Unit test of gstauthentaerrors.c, without a pipeline: a table of GErrors
 * and the domain, code, authenta-code and text authentasink posts for each.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentaerrors.h"

#include "authenta-error-private.h"
#include <authenta/authenta.h>

#define RES(c) gst_resource_error_quark, GST_RESOURCE_ERROR_##c
#define STR(c) gst_stream_error_quark, GST_STREAM_ERROR_##c

typedef struct
{
  const char *name;
  GQuark (*error_domain) (void);
  int error_code;
  guint http_status;
  const char *service_code;
  /* The base-url property (NULL: unset). */
  const char *base_url;
  const char *location;
  GQuark (*domain) (void);
  int code;
  const char *authenta_code;
  const char *needle;
} ScanCase;

static const ScanCase scan_cases[] = {
  { "invalid-api-key", authenta_error_quark, AUTHENTA_ERROR_INVALID_API_KEY,
    401, NULL, NULL, "/rec/a.mp4", RES (NOT_AUTHORIZED), "INVALID_API_KEY",
    "refused the API key" },
  /* Refused by the client itself (no HTTP status): the key's own fault. */
  { "invalid-api-key-local", authenta_error_quark,
    AUTHENTA_ERROR_INVALID_API_KEY, 0, NULL, NULL, "/rec/a.mp4",
    RES (NOT_AUTHORIZED), "INVALID_API_KEY",
    "(from the api-key property) cannot be used" },
  { "forbidden", authenta_error_quark, AUTHENTA_ERROR_FORBIDDEN, 403, NULL,
    NULL, "/rec/a.mp4", RES (NOT_AUTHORIZED), "FORBIDDEN",
    "lacks a permission" },
  { "insufficient-balance", authenta_error_quark,
    AUTHENTA_ERROR_INSUFFICIENT_BALANCE, 402, "IAM-402", NULL, "/rec/a.mp4",
    RES (FAILED), "IAM-402", "no credits left" },
  { "not-found", authenta_error_quark, AUTHENTA_ERROR_NOT_FOUND, 404, NULL,
    NULL, "/rec/a.mp4", RES (NOT_FOUND), "NOT_FOUND", "lost the media record" },
  { "bad-request", authenta_error_quark, AUTHENTA_ERROR_BAD_REQUEST, 400, NULL,
    NULL, "/rec/a.mp4", RES (FAILED), "BAD_REQUEST", "refused the request" },
  { "server-retried", authenta_error_quark, AUTHENTA_ERROR_SERVER, 503, NULL,
    NULL, "/rec/a.mp4", RES (FAILED), "SERVER", "kept failing (4 tries)" },
  { "server-not-retried", authenta_error_quark, AUTHENTA_ERROR_SERVER, 501,
    NULL, NULL, "/rec/a.mp4", RES (FAILED), "SERVER",
    "failed (HTTP 501), an answer that is not retried" },
  { "network", authenta_error_quark, AUTHENTA_ERROR_NETWORK, 0, NULL, NULL,
    "/rec/a.mp4", RES (OPEN_READ_WRITE), "NETWORK", "could not be reached" },
  { "timeout", authenta_error_quark, AUTHENTA_ERROR_TIMEOUT, 0, NULL, NULL,
    "/rec/a.mp4", RES (FAILED), "TIMEOUT", "(timeout=77 s)" },
  { "protocol", authenta_error_quark, AUTHENTA_ERROR_PROTOCOL, 200, NULL, NULL,
    "/rec/a.mp4", RES (FAILED), "PROTOCOL", "could not be understood" },
  { "upload-rejected", authenta_error_quark, AUTHENTA_ERROR_UPLOAD_REJECTED,
    403, "AccessDenied", NULL, "/rec/a.mp4", RES (WRITE), "AccessDenied",
    "storage service refused the upload" },
  { "processing-failed", authenta_error_quark, AUTHENTA_ERROR_PROCESSING_FAILED,
    0, NULL, NULL, "/rec/a.mp4", STR (FAILED), "PROCESSING_FAILED",
    "could not process the recording" },
  { "rate-limited", authenta_error_quark, AUTHENTA_ERROR_RATE_LIMITED, 429,
    NULL, NULL, "/rec/a.mp4", RES (BUSY), "RATE_LIMITED", "slow down" },
  { "invalid-argument", authenta_error_quark, AUTHENTA_ERROR_INVALID_ARGUMENT,
    0, NULL, "https://user@host/api", "/rec/a.mp4", RES (SETTINGS),
    "INVALID_ARGUMENT",
    "The base URL (from the base-url property) cannot be "
    "used" },
  { "invalid-argument-plain-http", authenta_error_quark,
    AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, "http://example.com/api",
    "/rec/a.mp4", RES (SETTINGS), "INVALID_ARGUMENT",
    "is plain http to a host other than this machine" },
  { "unsupported-media", authenta_error_quark, AUTHENTA_ERROR_UNSUPPORTED_MEDIA,
    415, NULL, NULL, "/rec/a.mp4", STR (WRONG_TYPE), "UNSUPPORTED_MEDIA",
    "does not accept this kind" },
  { "no-service", authenta_error_quark, AUTHENTA_ERROR_NO_SERVICE, 404, NULL,
    "https://example.com/", "/rec/a.mp4", RES (NOT_FOUND), "NO_SERVICE",
    "No Authenta API answered at the base URL (from the base-url property)" },
  { "tls", authenta_error_quark, AUTHENTA_ERROR_TLS, 0, NULL, NULL,
    "/rec/a.mp4", RES (SETTINGS), "TLS", "Set ca-file (or AUTHENTA_CA_FILE)" },
  { "journal", authenta_error_quark, AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
    "/rec/a.mp4", RES (OPEN_READ_WRITE), "JOURNAL",
    "scan journal (spool-dir) cannot be used" },
  { "file-changed", authenta_error_quark, AUTHENTA_ERROR_FILE_CHANGED, 0, NULL,
    NULL, "/rec/a.mp4", RES (NOT_FOUND), "FILE_CHANGED",
    "removed or changed after it was journaled" },
  { "cancelled", g_io_error_quark, G_IO_ERROR_CANCELLED, 0, NULL, NULL,
    "/rec/a.mp4", RES (READ), "IO_ERROR", "Scanning the recording failed." },
  { "io-no-space", g_io_error_quark, G_IO_ERROR_NO_SPACE, 0, NULL, NULL,
    "/rec/a.mp4", RES (READ), "IO_ERROR", "Scanning the recording failed." },
  { "file-error", g_file_error_quark, G_FILE_ERROR_NOENT, 0, NULL, NULL,
    "/rec/a.mp4", RES (READ), "IO_ERROR", "Scanning the recording failed." },
  { "other-domain", g_key_file_error_quark, G_KEY_FILE_ERROR_PARSE, 0, NULL,
    NULL, "/rec/a.mp4", RES (READ), "ERROR", "Scanning the recording failed." },
  { "deleted", authenta_error_quark, AUTHENTA_ERROR_NETWORK, 0, NULL, NULL,
    NULL, RES (OPEN_READ_WRITE), "NETWORK",
    "The recording was deleted (keep-file=never)." },
};

static GError *
make_error (GQuark domain, int code, guint http_status,
            const char *service_code)
{
  if (domain == AUTHENTA_ERROR)
    return authenta_error_new_full (code, http_status, service_code, NULL,
                                    "the library's message");
  return g_error_new_literal (domain, code, "the library's message");
}

static void
test_scan_table (void)
{
  GstAuthentaErrorSettings settings
      = { .api_key = "k", .retry_attempts = 4, .timeout = 77 };

  g_unsetenv ("AUTHENTA_BASE_URL");
  for (gsize i = 0; i < G_N_ELEMENTS (scan_cases); i++)
    {
      const ScanCase *c = &scan_cases[i];
      g_autoptr (GError) error = make_error (c->error_domain (), c->error_code,
                                             c->http_status, c->service_code);
      g_autofree char *text = NULL;
      g_autofree char *code_detail = NULL;
      GQuark domain = 0;
      int code = -1;

      g_test_message ("case %s", c->name);
      settings.base_url = c->base_url;
      text = gst_authenta_error_describe_scan (error, &settings, c->location,
                                               &domain, &code);
      code_detail = gst_authenta_error_dup_code (error);
      g_assert_cmpstr (g_quark_to_string (domain), ==,
                       g_quark_to_string (c->domain ()));
      g_assert_cmpint (code, ==, c->code);
      g_assert_cmpstr (code_detail, ==, c->authenta_code);
      if (strstr (text, c->needle) == NULL)
        g_error ("case %s: \"%s\" not in \"%s\"", c->name, c->needle, text);
      if (c->location != NULL)
        g_assert_true (g_str_has_suffix (text, " The recording is kept at "
                                               "/rec/a.mp4."));
      else
        g_assert_true (g_str_has_suffix (text, " The recording was deleted "
                                               "(keep-file=never)."));
    }
}

/* Every AuthentaError code has a row of its own in the table. */
static void
test_scan_table_covers_every_code (void)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (AUTHENTA_TYPE_ERROR);

  for (guint v = 0; v < klass->n_values; v++)
    {
      gboolean found = FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (scan_cases); i++)
        found |= scan_cases[i].error_domain () == AUTHENTA_ERROR
                 && scan_cases[i].error_code == klass->values[v].value;
      if (!found)
        g_error ("%s has no row", klass->values[v].value_name);
    }
}

typedef struct
{
  const char *name;
  int error_code;
  const char *api_key;
  const char *env_key;
  const char *base_url;
  const char *env_base_url;
  GstResourceError code;
  const char *needle;
} SetupCase;

static const SetupCase setup_cases[] = {
  { "tls", AUTHENTA_ERROR_TLS, "k", NULL, NULL, NULL,
    GST_RESOURCE_ERROR_SETTINGS, "TLS certificate of the Authenta service" },
  { "no-key", AUTHENTA_ERROR_INVALID_API_KEY, NULL, NULL, NULL, NULL,
    GST_RESOURCE_ERROR_NOT_AUTHORIZED, "No Authenta API key." },
  { "env-key-only-space", AUTHENTA_ERROR_INVALID_API_KEY, NULL, " \n", NULL,
    NULL, GST_RESOURCE_ERROR_NOT_AUTHORIZED, "No Authenta API key." },
  { "env-key-bad", AUTHENTA_ERROR_INVALID_API_KEY, NULL, " a b\n", NULL, NULL,
    GST_RESOURCE_ERROR_NOT_AUTHORIZED,
    "The API key (from AUTHENTA_API_KEY) cannot be used" },
  { "property-key-bad", AUTHENTA_ERROR_INVALID_API_KEY, "a b", NULL, NULL, NULL,
    GST_RESOURCE_ERROR_NOT_AUTHORIZED,
    "The API key (from the api-key property) cannot be used" },
  { "env-plain-http", AUTHENTA_ERROR_INVALID_ARGUMENT, "k", NULL, NULL,
    "http://example.com/api", GST_RESOURCE_ERROR_SETTINGS,
    "The base URL (from AUTHENTA_BASE_URL) is plain http" },
  { "default-url-bad", AUTHENTA_ERROR_INVALID_ARGUMENT, "k", NULL, NULL, NULL,
    GST_RESOURCE_ERROR_SETTINGS, "The base URL (from the default) cannot" },
  { "property-url-bad", AUTHENTA_ERROR_INVALID_ARGUMENT, "k", NULL,
    "https://h/api?x=1", "http://example.com/api", GST_RESOURCE_ERROR_SETTINGS,
    "The base URL (from the base-url property) "
    "cannot be used" },
  { "other", AUTHENTA_ERROR_NETWORK, "k", NULL, NULL, NULL,
    GST_RESOURCE_ERROR_SETTINGS, "cannot be set up (see the details)" },
};

static void
test_setup_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (setup_cases); i++)
    {
      const SetupCase *c = &setup_cases[i];
      GstAuthentaErrorSettings settings = { .api_key = c->api_key,
                                            .base_url = c->base_url,
                                            .retry_attempts = 4,
                                            .timeout = 77 };
      g_autoptr (GError) error
          = authenta_error_new_full (c->error_code, 0, NULL, NULL, "message");
      g_autofree char *text = NULL;
      GstResourceError code = GST_RESOURCE_ERROR_FAILED;

      g_test_message ("case %s", c->name);
      if (c->env_key)
        g_setenv ("AUTHENTA_API_KEY", c->env_key, TRUE);
      else
        g_unsetenv ("AUTHENTA_API_KEY");
      if (c->env_base_url)
        g_setenv ("AUTHENTA_BASE_URL", c->env_base_url, TRUE);
      else
        g_unsetenv ("AUTHENTA_BASE_URL");
      text = gst_authenta_error_describe_setup (error, &settings, &code);
      g_assert_cmpint (code, ==, c->code);
      if (strstr (text, c->needle) == NULL)
        g_error ("case %s: \"%s\" not in \"%s\"", c->name, c->needle, text);
    }
}

/* A stopped scan: authenta-stopped (location, mid, stage) first, then a
 * WARNING with the four details whose text names the kept file or says it
 * was deleted. */
static const struct
{
  const char *location;
  const char *mid;
  const char *stage;
  const char *needle;
} stopped_cases[] = {
  { "/rec/a.mp4", "m1", "processing", "The recording is kept at /rec/a.mp4." },
  { NULL, NULL, "creating", "The recording was deleted (keep-file=never)." },
};

static void
test_stopped_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (stopped_cases); i++)
    {
      GstElement *element = gst_bin_new ("sink");
      GstBus *bus = gst_bus_new ();
      GstMessage *msg;
      const GstStructure *s;
      const GstStructure *details = NULL;
      GError *err = NULL;

      gst_element_set_bus (element, bus);
      gst_authenta_post_stopped (element, "Stopped.", stopped_cases[i].stage,
                                 stopped_cases[i].mid,
                                 stopped_cases[i].location);
      msg = gst_bus_pop (bus);
      g_assert_nonnull (msg);
      g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_ELEMENT);
      s = gst_message_get_structure (msg);
      g_assert_true (gst_structure_has_name (s, "authenta-stopped"));
      g_assert_cmpstr (gst_structure_get_string (s, "location"), ==,
                       stopped_cases[i].location);
      g_assert_cmpstr (gst_structure_get_string (s, "mid"), ==,
                       stopped_cases[i].mid);
      g_assert_cmpstr (gst_structure_get_string (s, "stage"), ==,
                       stopped_cases[i].stage);
      gst_message_unref (msg);

      msg = gst_bus_pop (bus);
      g_assert_nonnull (msg);
      g_assert_cmpint (GST_MESSAGE_TYPE (msg), ==, GST_MESSAGE_WARNING);
      gst_message_parse_warning (msg, &err, NULL);
      gst_message_parse_warning_details (msg, &details);
      g_assert_nonnull (strstr (err->message, stopped_cases[i].needle));
      g_assert_true (g_str_has_prefix (err->message, "Stopped."));
      g_assert_cmpstr (gst_structure_get_string (details, "authenta-code"), ==,
                       "STOPPED");
      g_assert_cmpstr (gst_structure_get_string (details, "location"), ==,
                       stopped_cases[i].location);
      g_clear_error (&err);
      gst_message_unref (msg);
      g_assert_null (gst_bus_pop (bus));

      gst_element_set_bus (element, NULL);
      gst_object_unref (bus);
      gst_object_unref (element);
    }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/authentaerrors/stopped-table", test_stopped_table);
  g_test_add_func ("/authentaerrors/scan-table", test_scan_table);
  g_test_add_func ("/authentaerrors/scan-table-covers-every-code",
                   test_scan_table_covers_every_code);
  g_test_add_func ("/authentaerrors/setup-table", test_setup_table);
  return g_test_run ();
}
