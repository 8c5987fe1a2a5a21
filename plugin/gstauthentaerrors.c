/* What authentasink posts for a GError: domain, code, text and
 * authenta-code (see gstauthentaerrors.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentaerrors.h"

#include <authenta/authenta.h>
#include <string.h>

/* Whether AUTHENTA_API_KEY holds a key once the white space around it is
 * dropped (the copy is wiped, as the element's own copies are). */
static gboolean
env_has_key (void)
{
  const char *env = g_getenv ("AUTHENTA_API_KEY");
  char *copy;
  gboolean have_key;

  if (env == NULL)
    return FALSE;
  copy = g_strstrip (g_strdup (env));
  have_key = *copy != '\0';
  authenta_secret_wipe (copy);
  g_free (copy);
  return have_key;
}

/* "TIMEOUT" for AUTHENTA_ERROR_TIMEOUT, when the service sent no code. */
char *
gst_authenta_error_dup_code (const GError *error)
{
  const char *code = authenta_error_get_service_code (error);
  g_autoptr (GEnumClass) klass = NULL;
  GEnumValue *value;

  if (code != NULL)
    return g_strdup (code);
  if (error->domain == AUTHENTA_ERROR)
    {
      klass = g_type_class_ref (AUTHENTA_TYPE_ERROR);
      value = g_enum_get_value (klass, error->code);
      if (value != NULL
          && g_str_has_prefix (value->value_name, "AUTHENTA_ERROR_"))
        return g_strdup (value->value_name + strlen ("AUTHENTA_ERROR_"));
    }
  if (error->domain == G_IO_ERROR || error->domain == G_FILE_ERROR)
    return g_strdup ("IO_ERROR");
  return g_strdup ("ERROR");
}

/* The base URL the client was given: base-url, else AUTHENTA_BASE_URL, else
 * the public service. */
static const char *
effective_base_url (const GstAuthentaErrorSettings *s, const char **from)
{
  const char *env = g_getenv ("AUTHENTA_BASE_URL");

  if (s->base_url != NULL)
    {
      *from = "the base-url property";
      return s->base_url;
    }
  if (env != NULL && *env != '\0')
    {
      *from = "AUTHENTA_BASE_URL";
      return env;
    }
  *from = "the default";
  return AUTHENTA_DEFAULT_BASE_URL;
}

/* A well-formed http URL that the client still refused: plain http to a
 * host that is not loopback (every other http URL it accepts). */
static gboolean
is_refused_plain_http (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  const char *host;

  if (uri == NULL || g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") != 0)
    return FALSE;
  host = g_uri_get_host (uri);
  return host != NULL && *host != '\0' && g_uri_get_userinfo (uri) == NULL
         && g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL;
}

/* The text for AUTHENTA_ERROR_TLS, at start or in a scan: the library's
 * message (the debug string) says which file or host and why. */
#define TLS_ERROR_TEXT                                                         \
  "The TLS certificate of the Authenta service is not trusted, or the CA "     \
  "file cannot be used (the details say which). Set ca-file (or "              \
  "AUTHENTA_CA_FILE) to a readable PEM file with the CA certificate that "     \
  "signed the service's certificate."

/* Why the client could not be made, worded by its cause: the key, plain
 * http, or a malformed base URL.  Neither the key nor the URL is quoted
 * (the URL may hold a password; the debug string has it redacted). */
char *
gst_authenta_error_describe_setup (const GError *error,
                                   const GstAuthentaErrorSettings *s,
                                   GstResourceError *code)
{
  const char *from = NULL;
  const char *url = effective_base_url (s, &from);

  *code = GST_RESOURCE_ERROR_SETTINGS;
  if (g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_TLS))
    return g_strdup (TLS_ERROR_TEXT);
  if (g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_API_KEY))
    {
      gboolean have_key = s->api_key != NULL || env_has_key ();

      *code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
      /* api-key unset in READY since start() found one. */
      if (!have_key)
        return g_strdup ("No Authenta API key. Set the api-key property or "
                         "the AUTHENTA_API_KEY environment variable.");
      return g_strdup_printf (
          "The API key (from %s) cannot be used: it has spaces or control "
          "characters inside it. Set it to the key exactly as the Authenta "
          "platform issued it.",
          s->api_key ? "the api-key property" : "AUTHENTA_API_KEY");
    }
  if (g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT)
      && is_refused_plain_http (url))
    return g_strdup_printf (
        "The base URL (from %s) is plain http to a host other than this "
        "machine, which would send the API key in clear text. Use https "
        "(plain http is accepted only for 127.0.0.1, ::1 and localhost), or "
        "set allow-insecure=true on a test rig or private network.",
        from);
  if (g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT))
    return g_strdup_printf (
        "The base URL (from %s) cannot be used: it must be "
        "https://HOST[/PATH], without user information, a query or a "
        "fragment. Check base-url and AUTHENTA_BASE_URL.",
        from);
  return g_strdup ("The Authenta client cannot be set up (see the details).");
}

/* The library's message, which says why, without its final period: the
 * end of a sentence of ours. */
static char *
library_words (const GError *error)
{
  gsize n = strlen (error->message);

  return g_strndup (error->message,
                    n - (n > 0 && error->message[n - 1] == '.'));
}

/* What went wrong and what to do, for a failure the service or the
 * connection to it caused; sets @domain_out and @code_out. */
static char *
describe_service_problem (const GError *error,
                          const GstAuthentaErrorSettings *settings,
                          GQuark *domain_out, int *code_out)
{
  GQuark domain = GST_RESOURCE_ERROR;
  int code = GST_RESOURCE_ERROR_FAILED;
  g_autofree char *what = NULL;
  g_autofree char *words = NULL;

  if (error->domain == AUTHENTA_ERROR)
    {
      switch ((AuthentaError)error->code)
        {
        case AUTHENTA_ERROR_INVALID_API_KEY:
          code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
          /* Refused by the client itself: a key changed in READY. */
          if (authenta_error_get_http_status (error) == 0)
            {
              GstResourceError setup_code;

              what = gst_authenta_error_describe_setup (error, settings,
                                                        &setup_code);
              break;
            }
          what = g_strdup (
              "The Authenta service refused the API key. Set the api-key "
              "property or the AUTHENTA_API_KEY environment variable to a "
              "valid key.");
          break;
        case AUTHENTA_ERROR_FORBIDDEN:
          code = GST_RESOURCE_ERROR_NOT_AUTHORIZED;
          what = g_strdup (
              "The API key lacks a permission this scan needs (read and "
              "write; delete too with delete-remote). Use a key that has "
              "them.");
          break;
        case AUTHENTA_ERROR_INSUFFICIENT_BALANCE:
          what = g_strdup ("The Authenta account has no credits left. Add "
                           "credits, then scan the recording again.");
          break;
        case AUTHENTA_ERROR_NOT_FOUND:
          code = GST_RESOURCE_ERROR_NOT_FOUND;
          what = g_strdup ("The Authenta service lost the media record "
                           "during the scan.");
          break;
        case AUTHENTA_ERROR_BAD_REQUEST:
          what = g_strdup ("The Authenta service refused the request.");
          break;
        case AUTHENTA_ERROR_SERVER:
          {
            guint status = authenta_error_get_http_status (error);

            /* The library retries only these; 501, 505… fail at once. */
            if (status == 500 || status == 502 || status == 503
                || status == 504)
              what = g_strdup_printf (
                  "The Authenta service kept failing (%u tries). Try again "
                  "later, or raise retry-attempts.",
                  settings->retry_attempts);
            else
              what = g_strdup_printf (
                  "The Authenta service failed (HTTP %u), an answer that is "
                  "not retried. Try again later.",
                  status);
            break;
          }
        case AUTHENTA_ERROR_RATE_LIMITED:
          code = GST_RESOURCE_ERROR_BUSY;
          what = g_strdup ("The Authenta service kept asking to slow down. "
                           "Try again later.");
          break;
        case AUTHENTA_ERROR_NETWORK:
          code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
          /* Also a connect, stall or request time-out of a transfer: the
           * library's message (the debug string) names which. */
          what = g_strdup ("The Authenta service could not be reached, or "
                           "did not answer in time (the details say which). "
                           "Check the connection, base-url and "
                           "AUTHENTA_BASE_URL.");
          break;
        case AUTHENTA_ERROR_TIMEOUT:
          /* Only the wait for the verdict: a transfer that timed out is
           * AUTHENTA_ERROR_NETWORK. */
          what = g_strdup_printf ("No verdict came within the time allowed "
                                  "(timeout=%u s). Raise the timeout "
                                  "property, or look the record up later.",
                                  settings->timeout);
          break;
        case AUTHENTA_ERROR_PROTOCOL:
          what = g_strdup ("The Authenta service sent an answer that could "
                           "not be understood.");
          break;
        case AUTHENTA_ERROR_UPLOAD_REJECTED:
          code = GST_RESOURCE_ERROR_WRITE;
          what = g_strdup ("The storage service refused the upload.");
          break;
        case AUTHENTA_ERROR_PROCESSING_FAILED:
          domain = GST_STREAM_ERROR;
          code = GST_STREAM_ERROR_FAILED;
          /* The library's words say why, where the service said (a
           * job's errorMessage, sanitised there). */
          what = g_strdup_printf (
              "The Authenta service could not process the recording: %s.",
              words = library_words (error));
          break;
        case AUTHENTA_ERROR_INVALID_ARGUMENT:
          {
            GstResourceError setup_code;

            /* The client made at EOS after base-url changed in READY. */
            code = GST_RESOURCE_ERROR_SETTINGS;
            what = gst_authenta_error_describe_setup (error, settings,
                                                      &setup_code);
            break;
          }
        case AUTHENTA_ERROR_NO_SERVICE:
          {
            const char *from = NULL;

            code = GST_RESOURCE_ERROR_NOT_FOUND;
            effective_base_url (settings, &from);
            what = g_strdup_printf (
                "No Authenta API answered at the base URL (from %s). Check "
                "base-url and AUTHENTA_BASE_URL: it usually ends in /api.",
                from);
            break;
          }
        case AUTHENTA_ERROR_TLS:
          /* Never retried: the same certificate fails the same way. */
          code = GST_RESOURCE_ERROR_SETTINGS;
          what = g_strdup (TLS_ERROR_TEXT);
          break;
        case AUTHENTA_ERROR_UNSUPPORTED_MEDIA:
          domain = GST_STREAM_ERROR;
          code = GST_STREAM_ERROR_WRONG_TYPE;
          /* The library's words name the task that takes the file. */
          what = g_strdup_printf (
              "The Authenta service does not accept this kind of media for "
              "this task: %s ('authenta tasks' lists which task takes "
              "which).",
              words = library_words (error));
          break;
        case AUTHENTA_ERROR_JOURNAL:
          code = GST_RESOURCE_ERROR_OPEN_READ_WRITE;
          what = g_strdup ("The scan journal (spool-dir) cannot be used (the "
                           "details name the file). Check that its folder is "
                           "writable and its disk not full.");
          break;
        case AUTHENTA_ERROR_FILE_CHANGED:
          code = GST_RESOURCE_ERROR_NOT_FOUND;
          what = g_strdup ("The recording was removed or changed after it "
                           "was journaled, so it was not scanned.");
          break;
        default:
          break;
        }
    }
  if (what == NULL)
    {
      code = GST_RESOURCE_ERROR_READ;
      what = g_strdup ("Scanning the recording failed.");
    }

  *domain_out = domain;
  *code_out = code;
  return g_steal_pointer (&what);
}

char *
gst_authenta_error_describe_scan (const GError *error,
                                  const GstAuthentaErrorSettings *settings,
                                  const char *location, GQuark *domain,
                                  int *code)
{
  g_autofree char *what
      = describe_service_problem (error, settings, domain, code);

  if (location != NULL)
    return g_strdup_printf ("%s The recording is kept at %s.", what, location);
  return g_strdup_printf ("%s The recording was deleted (keep-file=never).",
                          what);
}

char *
gst_authenta_error_describe_start_check (const GError *error,
                                         const GstAuthentaErrorSettings *s,
                                         GQuark *domain, int *code)
{
  /* The check makes one try of each request. */
  GstAuthentaErrorSettings once = *s;
  g_autofree char *what = NULL;

  once.retry_attempts = 1;
  what = describe_service_problem (error, &once, domain, code);
  return g_strdup_printf ("%s (Found by the check when the pipeline started, "
                          "before anything was recorded; check-at-start=false "
                          "skips it.)",
                          what);
}

/* Posts an ERROR (or, with on-error=warning, a WARNING) with the four
 * details every failure carries.  Takes @text and @debug. */
void
gst_authenta_post_failure (GstElement *element, GstMessageType type,
                           GQuark domain, int code, char *text, char *debug,
                           const char *authenta_code, guint http_status,
                           const char *mid, const char *location,
                           const char *file, const char *function, int line)
{
  GstStructure *details = gst_make_element_message_details (
      "authenta-code", G_TYPE_STRING, authenta_code, "http-status-code",
      G_TYPE_UINT, http_status, "mid", G_TYPE_STRING, mid, "location",
      G_TYPE_STRING, location, NULL);

  gst_element_message_full_with_details (element, type, domain, code, text,
                                         debug, file, function, line, details);
}

void
gst_authenta_post_failed_message (GstElement *element, const char *mid,
                                  const char *authenta_code, guint http_status,
                                  const char *location, const char *reason)
{
  GstStructure *s = gst_structure_new (
      "authenta-failed", "mid", G_TYPE_STRING, mid, "authenta-code",
      G_TYPE_STRING, authenta_code, "http-status-code", G_TYPE_UINT,
      http_status, "location", G_TYPE_STRING, location, "reason", G_TYPE_STRING,
      reason, NULL);

  gst_element_post_message (element,
                            gst_message_new_element (GST_OBJECT (element), s));
}

void
gst_authenta_post_stopped (GstElement *element, const char *what,
                           const char *stage, const char *mid,
                           const char *location)
{
  char *text;

  gst_element_post_message (
      element,
      gst_message_new_element (
          GST_OBJECT (element),
          gst_structure_new ("authenta-stopped", "location", G_TYPE_STRING,
                             location, "mid", G_TYPE_STRING, mid, "stage",
                             G_TYPE_STRING, stage, NULL)));
  if (location != NULL)
    text = g_strdup_printf ("%s The recording is kept at %s.", what, location);
  else
    text = g_strdup_printf ("%s The recording was deleted (keep-file=never).",
                            what);
  gst_authenta_post_failure (element, GST_MESSAGE_WARNING, GST_RESOURCE_ERROR,
                             GST_RESOURCE_ERROR_FAILED, text,
                             g_strdup_printf ("stopped at stage %s", stage),
                             "STOPPED", 0, mid, location, __FILE__,
                             GST_FUNCTION, __LINE__);
}
