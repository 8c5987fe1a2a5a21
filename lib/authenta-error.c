/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include "authenta-error-private.h"

#include "authenta-util-private.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* The service's details ride along with the GError itself (an extended
 * error domain), so they survive g_propagate_error() and g_error_copy(). */
typedef struct
{
  char *service_code;
  char *mid;
  guint http_status;
} AuthentaErrorPrivate;

static void
authenta_error_private_init (AuthentaErrorPrivate *priv)
{
}

static void
authenta_error_private_copy (const AuthentaErrorPrivate *src,
                             AuthentaErrorPrivate *dest)
{
  dest->service_code = g_strdup (src->service_code);
  dest->mid = g_strdup (src->mid);
  dest->http_status = src->http_status;
}

static void
authenta_error_private_clear (AuthentaErrorPrivate *priv)
{
  g_clear_pointer (&priv->service_code, g_free);
  g_clear_pointer (&priv->mid, g_free);
}

/**
 * authenta_error_quark:
 *
 * Gets the error domain of libauthenta's errors.
 *
 * Returns: the #GQuark of %AUTHENTA_ERROR.
 *
 * Since: 0.1
 */
G_DEFINE_EXTENDED_ERROR (AuthentaError, authenta_error)

/* Registered when the library is loaded rather than at first use: a binding
 * may make an error in this domain by name (a Python GLib.Error passed in)
 * before any call of ours has, and an error made before its extended domain
 * was registered has no room for the details (GLib would free it wrongly). */
__attribute__ ((constructor)) static void
authenta_error_register (void)
{
  (void)authenta_error_quark ();
}

/* Group @group of @regex's last match in @text, or NULL. */
static char *
last_group (GRegex *regex, const char *text, int group)
{
  g_autoptr (GMatchInfo) info = NULL;
  char *found = NULL;

  g_regex_match (regex, text, 0, &info);
  while (g_match_info_matches (info))
    {
      char *g = g_match_info_fetch (info, group);

      if (g != NULL && *g != '\0')
        {
          g_free (found);
          found = g;
        }
      else
        g_free (g);
      g_match_info_next (info, NULL);
    }
  return found;
}

/* An error that went through a binding (a Python GLib.Error passed back in)
 * has only its domain, code and message.  Every message of this library
 * that has details ends by naming them ("… (code X, HTTP status N, mid M)"),
 * so they are read back from it, as GDBus reads a remote error's name from
 * its message; the last match wins, after anything the service wrote. */
static void
parse_details (GError *error, AuthentaErrorPrivate *priv)
{
  static GRegex *status_re, *code_re, *mid_re;
  g_autofree char *status = NULL;

  /* No G_REGEX_OPTIMIZE: PCRE2's JIT code reads past the end of a string
   * in 16-byte steps, which valgrind cannot tell from a bug, and these
   * patterns run only on an error that went through a binding. */
  if (g_once_init_enter (&mid_re))
    {
      status_re = g_regex_new ("HTTP status ([1-5][0-9][0-9])\\b", 0, 0, NULL);
      code_re = g_regex_new ("\\((?:code|status) ([^,()\\s]{1,64})[,)]", 0, 0,
                             NULL);
      g_once_init_leave (
          &mid_re, g_regex_new ("\\bmid ([0-9A-Za-z_-]{1,64})\\b", 0, 0, NULL));
    }
  if (error->message == NULL)
    return;
  status = last_group (status_re, error->message, 1);
  if (status != NULL)
    priv->http_status = (guint)g_ascii_strtoull (status, NULL, 10);
  priv->service_code = last_group (code_re, error->message, 1);
  priv->mid = last_group (mid_re, error->message, 1);
}

/* The details of @error: its own, else those its message names (filled in
 * once, and then owned by @error like its own); NULL outside the domain. */
static const AuthentaErrorPrivate *
get_details (const GError *error)
{
  AuthentaErrorPrivate *priv;

  if (error == NULL || error->domain != AUTHENTA_ERROR)
    return NULL;
  priv = authenta_error_get_private (error);
  if (priv != NULL && priv->service_code == NULL && priv->mid == NULL
      && priv->http_status == 0)
    parse_details ((GError *)error, priv);
  return priv;
}

const char *
authenta_error_get_service_code (const GError *error)
{
  const AuthentaErrorPrivate *details = get_details (error);

  return details ? details->service_code : NULL;
}

gboolean
authenta_error_is_upload_expired (const GError *error)
{
  const char *code;

  if (!g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_UPLOAD_REJECTED))
    return FALSE;
  code = authenta_error_get_service_code (error);
  if (g_strcmp0 (code, "ExpiredToken") == 0
      || g_strcmp0 (code, "RequestExpired") == 0)
    return TRUE;
  /* S3 says it as 403 AccessDenied, "Request has expired". */
  return g_strcmp0 (code, "AccessDenied") == 0
         && strstr (error->message, "xpired") != NULL;
}

gboolean
authenta_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != AUTHENTA_ERROR)
    return FALSE;
  switch (error->code)
    {
    case AUTHENTA_ERROR_NETWORK:
    case AUTHENTA_ERROR_SERVER:
    case AUTHENTA_ERROR_TIMEOUT:
    case AUTHENTA_ERROR_RATE_LIMITED:
    case AUTHENTA_ERROR_NO_SERVICE:
    case AUTHENTA_ERROR_PROTOCOL:
      return TRUE;
    default:
      return FALSE;
    }
}

guint
authenta_error_get_http_status (const GError *error)
{
  const AuthentaErrorPrivate *details = get_details (error);

  return details ? details->http_status : 0;
}

const char *
authenta_error_get_mid (const GError *error)
{
  const AuthentaErrorPrivate *details = get_details (error);

  return details ? details->mid : NULL;
}

/* Every detail an error carries is named in its message too, where the
 * getters find it for an error that went through a binding (see
 * parse_details()); most messages name them already. */
static void
name_details (GError *error, const AuthentaErrorPrivate *priv)
{
  g_autoptr (GString) missing = g_string_new (NULL);
  char *message;

  if (priv->service_code && !strstr (error->message, priv->service_code))
    g_string_append_printf (missing, "code %s, ", priv->service_code);
  if (priv->http_status != 0 && !strstr (error->message, "HTTP status "))
    g_string_append_printf (missing, "HTTP status %u, ", priv->http_status);
  if (priv->mid && !strstr (error->message, priv->mid))
    g_string_append_printf (missing, "mid %s, ", priv->mid);
  if (missing->len == 0)
    return;
  g_string_truncate (missing, missing->len - 2);
  message = g_strdup_printf ("%s (%s)", error->message, missing->str);
  g_free (error->message);
  error->message = message;
}

GError *
authenta_error_new_full (AuthentaError code, guint http_status,
                         const char *service_code, const char *mid,
                         const char *format, ...)
{
  GError *error;
  AuthentaErrorPrivate *priv;
  va_list args;

  va_start (args, format);
  error = g_error_new_valist (AUTHENTA_ERROR, code, format, args);
  va_end (args);

  priv = authenta_error_get_private (error);
  priv->http_status = http_status;
  priv->service_code = g_strdup (service_code);
  priv->mid = g_strdup (mid);
  name_details (error, priv);
  return error;
}

void
authenta_error_add_context (GError *error, const char *what, const char *mid)
{
  GString *message;

  if (error == NULL)
    return;
  message = g_string_new (NULL);
  if (what)
    g_string_append_printf (message, "%s: ", what);
  g_string_append (message, error->message);
  if (mid && strstr (error->message, mid) == NULL)
    g_string_append_printf (message, " (mid %s)", mid);
  g_free (error->message);
  error->message = g_string_free (message, FALSE);

  if (mid && error->domain == AUTHENTA_ERROR)
    {
      AuthentaErrorPrivate *priv = authenta_error_get_private (error);
      if (priv && priv->mid == NULL)
        priv->mid = g_strdup (mid);
    }
}

void
authenta_error_set_http_status (GError *error, guint http_status)
{
  AuthentaErrorPrivate *priv;

  if (error == NULL || error->domain != AUTHENTA_ERROR)
    return;
  priv = authenta_error_get_private (error);
  if (priv && priv->http_status == 0)
    {
      priv->http_status = http_status;
      name_details (error, priv);
    }
}

/* Text between <tag> and </tag>, XML entities for the five predefined
 * characters decoded.  S3 error bodies are flat and small. */
static char *
xml_element_text (const char *body, const char *tag)
{
  g_autofree char *open = g_strdup_printf ("<%s>", tag);
  g_autofree char *close = g_strdup_printf ("</%s>", tag);
  const char *start, *end;
  GString *out;

  start = strstr (body, open);
  if (start == NULL)
    return NULL;
  start += strlen (open);
  end = strstr (start, close);
  if (end == NULL)
    return NULL;

  out = g_string_sized_new (end - start);
  for (const char *p = start; p < end; p++)
    {
      static const struct
      {
        const char *entity;
        char c;
      } entities[] = {
        { "&lt;", '<' },   { "&gt;", '>' },    { "&amp;", '&' },
        { "&quot;", '"' }, { "&apos;", '\'' },
      };
      gboolean decoded = FALSE;

      if (*p == '&')
        for (guint i = 0; i < G_N_ELEMENTS (entities); i++)
          {
            gsize n = strlen (entities[i].entity);
            if ((gsize)(end - p) >= n
                && strncmp (p, entities[i].entity, n) == 0)
              {
                g_string_append_c (out, entities[i].c);
                p += n - 1;
                decoded = TRUE;
                break;
              }
          }
      if (!decoded)
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

gboolean
authenta_error_parse_s3_xml (const char *body, gsize length, char **out_code,
                             char **out_message)
{
  g_autofree char *text = NULL;
  g_autofree char *code = NULL;

  if (body == NULL || length == 0)
    return FALSE;
  /* A private, NUL-terminated copy: the body may hold NULs or lack one. */
  text = g_strndup (body, length);
  if (strstr (text, "<Error>") == NULL)
    return FALSE;
  code = xml_element_text (text, "Code");
  if (code == NULL)
    return FALSE;
  if (out_message)
    *out_message = xml_element_text (text, "Message");
  if (out_code)
    *out_code = g_steal_pointer (&code);
  return TRUE;
}

/* The body's top-level JSON object, or NULL; *root keeps it alive. */
static JsonObject *
body_json_object (const char *body, gsize length, JsonNode **root)
{
  *root = authenta_json_parse (body, length, NULL);
  if (*root == NULL || !JSON_NODE_HOLDS_OBJECT (*root))
    return NULL;
  return json_node_get_object (*root);
}

/* The member's value when it is a string, else NULL. */
static const char *
string_member (JsonObject *obj, const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* The service's {"code", "statusCode", "message"}; FALSE when the body is
 * not such an object. */
static gboolean
parse_api_error (const char *body, gsize length, char **out_code,
                 char **out_message)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *obj = body_json_object (body, length, &root);
  const char *code, *message;

  if (obj == NULL)
    return FALSE;
  code = string_member (obj, "code");
  /* Some frameworks send "error" where the service sends "message". */
  message = string_member (obj, "message");
  if (message == NULL && !json_object_has_member (obj, "message"))
    message = string_member (obj, "error");
  if (code)
    *out_code = g_strdup (code);
  if (message)
    *out_message = g_strdup (message);
  return code != NULL || message != NULL;
}

/* Whether an API error body is the service's own: a JSON object with a
 * string "code" or a numeric "statusCode" (the service sends both, and
 * frameworks in front of it at least the latter).  A web site's HTML page,
 * an empty body, or a gateway's bare {"message": …} is not. */
static gboolean
is_service_error_shape (const char *body, gsize length)
{
  g_autoptr (JsonNode) root = NULL;
  JsonObject *obj = body_json_object (body, length, &root);
  JsonNode *node;

  if (obj == NULL)
    return FALSE;
  if (string_member (obj, "code") != NULL)
    return TRUE;
  node = json_object_get_member (obj, "statusCode");
  return node && JSON_NODE_HOLDS_VALUE (node)
         && (json_node_get_value_type (node) == G_TYPE_INT64
             || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

static AuthentaError
code_for_service_code (const char *service_code, AuthentaError fallback)
{
  static const struct
  {
    const char *name;
    AuthentaError code;
  } known[] = {
    { "INVALID_API_KEY", AUTHENTA_ERROR_INVALID_API_KEY },
    { "UNAUTHORIZED", AUTHENTA_ERROR_INVALID_API_KEY },
    { "FORBIDDEN", AUTHENTA_ERROR_FORBIDDEN },
    { "INSUFFICIENT_BALANCE", AUTHENTA_ERROR_INSUFFICIENT_BALANCE },
    { "NOT_FOUND", AUTHENTA_ERROR_NOT_FOUND },
    { "MEDIA_NOT_FOUND", AUTHENTA_ERROR_NOT_FOUND },
    /* The Jobs API's: a finalize of an unknown job is a 400. */
    { "JOB_NOT_FOUND", AUTHENTA_ERROR_NOT_FOUND },
    { "UNSUPPORTED_MEDIA_TYPE", AUTHENTA_ERROR_UNSUPPORTED_MEDIA },
  };

  if (service_code == NULL)
    return fallback;
  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_strcmp0 (service_code, known[i].name) == 0)
      return known[i].code;
  return fallback;
}

static AuthentaError
code_for_status (AuthentaOrigin origin, guint status)
{
  if (status >= 500)
    return AUTHENTA_ERROR_SERVER;
  if (status == 429)
    return AUTHENTA_ERROR_RATE_LIMITED;
  /* Every other refusal by storage is a problem with the upload itself: a
   * signature, length, type or expiry mismatch. */
  if (origin == AUTHENTA_ORIGIN_STORAGE)
    return AUTHENTA_ERROR_UPLOAD_REJECTED;
  switch (status)
    {
    case 401:
      return AUTHENTA_ERROR_INVALID_API_KEY;
    case 402:
      return AUTHENTA_ERROR_INSUFFICIENT_BALANCE;
    case 403:
      return AUTHENTA_ERROR_FORBIDDEN;
    case 404:
      return AUTHENTA_ERROR_NOT_FOUND;
    default:
      /* 400, other 4xx, and the odd 1xx/3xx we never follow. */
      return AUTHENTA_ERROR_BAD_REQUEST;
    }
}

gboolean
authenta_error_curl_is_tls (CURLcode code)
{
  switch (code)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return TRUE;
    default:
      return FALSE;
    }
}

GError *
authenta_error_new_tls (const char *what, const char *host, CURLcode curl_code,
                        const char *detail, const char *mid)
{
  const char *reason
      = detail && *detail ? detail : curl_easy_strerror (curl_code);

  if (curl_code == CURLE_SSL_CACERT_BADFILE)
    return authenta_error_new_full (
        AUTHENTA_ERROR_TLS, 0, NULL, mid,
        "%s: the CA file cannot be used (%s): give a readable PEM file of "
        "CA certificates with ca-file, --ca-file or AUTHENTA_CA_FILE",
        what, reason);
  return authenta_error_new_full (
      AUTHENTA_ERROR_TLS, 0, NULL, mid,
      "%s: the certificate of %s is not trusted (%s): if it is signed by a "
      "private CA, give that CA's certificate with ca-file, --ca-file or "
      "AUTHENTA_CA_FILE",
      what, host ? host : "the server", reason);
}

static GError *
error_from_curl (const char *what, CURLcode curl_code, const char *detail,
                 const char *mid)
{
  AuthentaError code;
  const char *reason = curl_easy_strerror (curl_code);

  switch (curl_code)
    {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
      return authenta_error_new_tls (what, NULL, curl_code, detail, mid);
    case CURLE_OPERATION_TIMEDOUT:
      /* A transfer time-out (connect, stall or request) is a network
       * failure; AUTHENTA_ERROR_TIMEOUT is kept for the wait for a
       * verdict, which callers word as such. */
      code = AUTHENTA_ERROR_NETWORK;
      break;
    /* The base URL is checked when the client is made, so a URL curl
     * cannot use is one the service gave (an upload URL). */
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      code = AUTHENTA_ERROR_PROTOCOL;
      break;
    default:
      code = AUTHENTA_ERROR_NETWORK;
      break;
    }

  /* curl's own buffer is more specific ("Failed to connect to 127.0.0.1
   * port 9 after 0 ms: Connection refused"); it never holds the URL's
   * query, as curl does not echo URLs there. */
  if (detail != NULL && *detail != '\0')
    reason = detail;
  if (mid)
    return authenta_error_new_full (code, 0, NULL, mid, "%s: %s (mid %s)", what,
                                    reason, mid);
  return authenta_error_new_full (code, 0, NULL, NULL, "%s: %s", what, reason);
}

GError *
authenta_error_from_response (const char *what, AuthentaOrigin origin,
                              CURLcode curl_code, const char *curl_detail,
                              guint http_status, const char *body,
                              gsize body_length, const char *mid,
                              const char *secret)
{
  g_autofree char *service_code = NULL;
  g_autofree char *service_message = NULL;
  g_autoptr (GString) message = NULL;
  AuthentaError code;

  if (curl_code != CURLE_OK)
    return error_from_curl (what, curl_code, curl_detail, mid);

  /* Either kind of body may come from either origin (a proxy in front of
   * the API, an S3-compatible store answering JSON), so try both. */
  if (!authenta_error_parse_s3_xml (body, body_length, &service_code,
                                    &service_message))
    parse_api_error (body, body_length, &service_code, &service_message);

  /* The service's words go into messages and logs: bounded, one line, and
   * never the key, even if the service (or a proxy) echoed it. */
  {
    char *clean;

    clean = authenta_sanitize_service_text (service_code,
                                            AUTHENTA_MAX_SERVICE_TEXT, secret);
    g_free (service_code);
    service_code = clean;
    clean = authenta_sanitize_service_text (service_message,
                                            AUTHENTA_MAX_SERVICE_TEXT, secret);
    g_free (service_message);
    service_message = clean;
    authenta_redact_split_secret (&service_code, &service_message, secret);
  }

  /* A 404 or 405 that is not the service's own error did not come from the
   * API at all (most often a base URL without its /api): saying "no such
   * record" would mislead. */
  if (origin == AUTHENTA_ORIGIN_API
      && (http_status == 404 || http_status == 405)
      && !is_service_error_shape (body, body_length))
    {
      if (mid)
        return authenta_error_new_full (
            AUTHENTA_ERROR_NO_SERVICE, http_status, NULL, mid,
            "%s: HTTP status %u without the service's error shape, mid %s",
            what, http_status, mid);
      return authenta_error_new_full (
          AUTHENTA_ERROR_NO_SERVICE, http_status, NULL, NULL,
          "%s: HTTP status %u without the service's error shape", what,
          http_status);
    }

  code = code_for_status (origin, http_status);
  if (origin == AUTHENTA_ORIGIN_API && http_status < 500 && http_status != 429)
    code = code_for_service_code (service_code, code);

  message = g_string_new (what);
  g_string_append (message, ": ");
  if (service_message != NULL && *service_message != '\0')
    g_string_append (message, service_message);
  else
    g_string_append_printf (
        message, "the %s answered HTTP %u",
        origin == AUTHENTA_ORIGIN_STORAGE ? "storage service" : "service",
        http_status);
  g_string_append (message, " (");
  if (service_code)
    g_string_append_printf (message, "code %s, ", service_code);
  g_string_append_printf (message, "HTTP status %u", http_status);
  if (mid)
    g_string_append_printf (message, ", mid %s", mid);
  g_string_append (message, ")");

  return authenta_error_new_full (code, http_status, service_code, mid, "%s",
                                  message->str);
}
