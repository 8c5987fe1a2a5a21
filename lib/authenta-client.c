/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-private.h"
#include "authenta-media-private.h"
#include "authenta-util-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PAGE_SIZE 50

enum
{
  PROP_0,
  PROP_BASE_URL,
  PROP_API_KEY,
  PROP_ALLOW_INSECURE,
  PROP_CA_FILE,
  PROP_CONNECT_TIMEOUT,
  PROP_STALL_TIMEOUT,
  PROP_REQUEST_TIMEOUT,
  PROP_RETRY_ATTEMPTS,
  PROP_RETRY_BASE_DELAY,
  PROP_RETRY_MAX_DELAY,
  PROP_RETRY_JITTER,
  PROP_POLL_INTERVAL,
  PROP_POLL_MAX_INTERVAL,
  PROP_POLL_GROWTH,
  PROP_POLL_TIMEOUT,
  PROP_UPLOAD_SEEN_TIMEOUT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void authenta_client_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (
    AuthentaClient, authenta_client, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                           authenta_client_initable_iface_init))

/**
 * authenta_scan_stage_to_string:
 * @stage: a stage
 *
 * Names a scan stage.
 *
 * Returns: (transfer none): "created", "uploading", "uploaded" or
 *   "processing", the names used in bus messages and logs.
 *
 * Since: 0.1
 */
const char *
authenta_scan_stage_to_string (AuthentaScanStage stage)
{
  switch (stage)
    {
    case AUTHENTA_SCAN_STAGE_CREATED:
      return "created";
    case AUTHENTA_SCAN_STAGE_UPLOADING:
      return "uploading";
    case AUTHENTA_SCAN_STAGE_UPLOADED:
      return "uploaded";
    case AUTHENTA_SCAN_STAGE_PROCESSING:
      return "processing";
    }
  return "unknown";
}

static void
authenta_client_finalize (GObject *object)
{
  AuthentaClient *self = AUTHENTA_CLIENT (object);

  authenta_http_free (self->http);
  g_free (self->base_url);
  g_free (self->ca_file);
  authenta_secret_wipe (self->api_key);
  g_free (self->api_key);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (authenta_client_parent_class)->finalize (object);
}

static void
authenta_client_set_property (GObject *object, guint prop_id,
                              const GValue *value, GParamSpec *pspec)
{
  AuthentaClient *self = AUTHENTA_CLIENT (object);
  gboolean changed = FALSE;

#define SET_FIELD(field, value)                                                \
  G_STMT_START                                                                 \
  {                                                                            \
    if ((field) != (value))                                                    \
      {                                                                        \
        (field) = (value);                                                     \
        changed = TRUE;                                                        \
      }                                                                        \
  }                                                                            \
  G_STMT_END

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_free (self->base_url);
      self->base_url = g_value_dup_string (value);
      break;
    case PROP_API_KEY:
      authenta_secret_wipe (self->api_key);
      g_free (self->api_key);
      self->api_key = g_value_dup_string (value);
      break;
    case PROP_ALLOW_INSECURE:
      self->allow_insecure = g_value_get_boolean (value);
      break;
    case PROP_CA_FILE:
      g_free (self->ca_file);
      self->ca_file = g_value_dup_string (value);
      break;
    case PROP_CONNECT_TIMEOUT:
      SET_FIELD (self->policy.connect_timeout_ms, g_value_get_uint (value));
      break;
    case PROP_STALL_TIMEOUT:
      SET_FIELD (self->policy.stall_timeout_ms, g_value_get_uint (value));
      break;
    case PROP_REQUEST_TIMEOUT:
      SET_FIELD (self->policy.request_timeout_ms, g_value_get_uint (value));
      break;
    case PROP_RETRY_ATTEMPTS:
      SET_FIELD (self->policy.retry_attempts, g_value_get_uint (value));
      break;
    case PROP_RETRY_BASE_DELAY:
      SET_FIELD (self->policy.retry_base_delay_ms, g_value_get_uint (value));
      break;
    case PROP_RETRY_MAX_DELAY:
      SET_FIELD (self->policy.retry_max_delay_ms, g_value_get_uint (value));
      break;
    case PROP_RETRY_JITTER:
      SET_FIELD (self->policy.retry_jitter, g_value_get_double (value));
      break;
    case PROP_POLL_INTERVAL:
      SET_FIELD (self->poll_interval_ms, g_value_get_uint (value));
      break;
    case PROP_POLL_MAX_INTERVAL:
      SET_FIELD (self->poll_max_interval_ms, g_value_get_uint (value));
      break;
    case PROP_POLL_GROWTH:
      SET_FIELD (self->poll_growth, g_value_get_double (value));
      break;
    case PROP_POLL_TIMEOUT:
      SET_FIELD (self->poll_timeout_ms, g_value_get_uint (value));
      break;
    case PROP_UPLOAD_SEEN_TIMEOUT:
      SET_FIELD (self->upload_seen_timeout_ms, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->lock);
#undef SET_FIELD

  /* The read-write properties have G_PARAM_EXPLICIT_NOTIFY: notify only on
   * a real change, and outside the lock, as a handler may read the
   * client's properties back. */
  if (changed && (pspec->flags & G_PARAM_EXPLICIT_NOTIFY))
    g_object_notify_by_pspec (object, pspec);
}

static void
authenta_client_get_property (GObject *object, guint prop_id, GValue *value,
                              GParamSpec *pspec)
{
  AuthentaClient *self = AUTHENTA_CLIENT (object);

  g_mutex_lock (&self->lock);
  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_ALLOW_INSECURE:
      g_value_set_boolean (value, self->allow_insecure);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, self->policy.connect_timeout_ms);
      break;
    case PROP_STALL_TIMEOUT:
      g_value_set_uint (value, self->policy.stall_timeout_ms);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->policy.request_timeout_ms);
      break;
    case PROP_RETRY_ATTEMPTS:
      g_value_set_uint (value, self->policy.retry_attempts);
      break;
    case PROP_RETRY_BASE_DELAY:
      g_value_set_uint (value, self->policy.retry_base_delay_ms);
      break;
    case PROP_RETRY_MAX_DELAY:
      g_value_set_uint (value, self->policy.retry_max_delay_ms);
      break;
    case PROP_RETRY_JITTER:
      g_value_set_double (value, self->policy.retry_jitter);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, self->poll_interval_ms);
      break;
    case PROP_POLL_MAX_INTERVAL:
      g_value_set_uint (value, self->poll_max_interval_ms);
      break;
    case PROP_POLL_GROWTH:
      g_value_set_double (value, self->poll_growth);
      break;
    case PROP_POLL_TIMEOUT:
      g_value_set_uint (value, self->poll_timeout_ms);
      break;
    case PROP_UPLOAD_SEEN_TIMEOUT:
      g_value_set_uint (value, self->upload_seen_timeout_ms);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
  g_mutex_unlock (&self->lock);
}

static void
authenta_client_class_init (AuthentaClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw
      = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  const GParamFlags co = G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = authenta_client_finalize;
  object_class->set_property = authenta_client_set_property;
  object_class->get_property = authenta_client_get_property;

  /**
   * AuthentaClient:base-url:
   *
   * The service's base URL, such as `https://platform.authenta.ai/api`.
   * %NULL: `AUTHENTA_BASE_URL` from the environment, else
   * %AUTHENTA_DEFAULT_BASE_URL.  Must be https unless the host is loopback
   * or #AuthentaClient:allow-insecure is set.
   *
   * Since: 0.1
   */
  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL,
                                                   G_PARAM_READWRITE | co);
  /**
   * AuthentaClient:api-key:
   *
   * The API key, sent as a bearer token to the service (never to storage).
   * Write-only.  %NULL: `AUTHENTA_API_KEY` from the environment.
   *
   * Since: 0.1
   */
  properties[PROP_API_KEY] = g_param_spec_string ("api-key", NULL, NULL, NULL,
                                                  G_PARAM_WRITABLE | co);
  /**
   * AuthentaClient:allow-insecure:
   *
   * Accept a plain-http base URL on a host that is not loopback.  The key
   * then travels in clear text: for test set-ups only.
   *
   * Since: 0.1
   */
  properties[PROP_ALLOW_INSECURE] = g_param_spec_boolean (
      "allow-insecure", NULL, NULL, FALSE, G_PARAM_READWRITE | co);
  /**
   * AuthentaClient:ca-file:
   *
   * A PEM file of the CA certificates that servers are verified with, for
   * an on-premises or staging service signed by a private CA.  %NULL:
   * `AUTHENTA_CA_FILE`, else `CURL_CA_BUNDLE`, else `SSL_CERT_FILE` from
   * the environment, else the system's CAs.  A file that cannot be read is
   * refused when the client is made.
   *
   * Since: 0.2
   */
  properties[PROP_CA_FILE] = g_param_spec_string ("ca-file", NULL, NULL, NULL,
                                                  G_PARAM_READWRITE | co);
  /**
   * AuthentaClient:connect-timeout:
   *
   * Milliseconds to establish a connection (0: curl's default).
   * Default: 10000.
   *
   * Since: 0.1
   */
  properties[PROP_CONNECT_TIMEOUT] = g_param_spec_uint (
      "connect-timeout", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_CONNECT_TIMEOUT_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:stall-timeout:
   *
   * Milliseconds (rounded up to seconds) a transfer may move no byte
   * before it is abandoned (0: no bound).  This is what bounds an upload,
   * whose total time depends on the file.  Default: 30000.
   *
   * Since: 0.1
   */
  properties[PROP_STALL_TIMEOUT] = g_param_spec_uint (
      "stall-timeout", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_STALL_TIMEOUT_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:request-timeout:
   *
   * Milliseconds one API request may take in all (0: no bound); not
   * applied to uploads.  Default: 60000.
   *
   * Since: 0.1
   */
  properties[PROP_REQUEST_TIMEOUT] = g_param_spec_uint (
      "request-timeout", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_REQUEST_TIMEOUT_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:retry-attempts:
   *
   * Tries per request in all, the first included (1: no retry).
   * Default: 4.
   *
   * Since: 0.1
   */
  properties[PROP_RETRY_ATTEMPTS] = g_param_spec_uint (
      "retry-attempts", NULL, NULL, 1, 100, AUTHENTA_DEFAULT_RETRY_ATTEMPTS,
      rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:retry-base-delay:
   *
   * Milliseconds before the first retry; doubled for each next one.
   * Default: 500.
   *
   * Since: 0.1
   */
  properties[PROP_RETRY_BASE_DELAY] = g_param_spec_uint (
      "retry-base-delay", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_RETRY_BASE_DELAY_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:retry-max-delay:
   *
   * The longest delay between two tries, in milliseconds.  Default: 15000.
   *
   * Since: 0.1
   */
  properties[PROP_RETRY_MAX_DELAY] = g_param_spec_uint (
      "retry-max-delay", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_RETRY_MAX_DELAY_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:retry-jitter:
   *
   * The share (0–1) of each delay that is random, so that many clients do
   * not retry in step.  Default: 0.5.
   *
   * Since: 0.1
   */
  properties[PROP_RETRY_JITTER] = g_param_spec_double (
      "retry-jitter", NULL, NULL, 0, 1, AUTHENTA_DEFAULT_RETRY_JITTER,
      rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:poll-interval:
   *
   * Milliseconds between the first two polls for a verdict.
   * Default: 500.
   *
   * Since: 0.1
   */
  properties[PROP_POLL_INTERVAL] = g_param_spec_uint (
      "poll-interval", NULL, NULL, 1, G_MAXUINT,
      AUTHENTA_DEFAULT_POLL_INTERVAL_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:poll-max-interval:
   *
   * The longest interval between two polls, in milliseconds.
   * Default: 10000.
   *
   * Since: 0.1
   */
  properties[PROP_POLL_MAX_INTERVAL] = g_param_spec_uint (
      "poll-max-interval", NULL, NULL, 1, G_MAXUINT,
      AUTHENTA_DEFAULT_POLL_MAX_INTERVAL_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:poll-growth:
   *
   * The factor by which the poll interval grows after each poll.
   * Default: 1.25.
   *
   * Since: 0.1
   */
  properties[PROP_POLL_GROWTH] = g_param_spec_double (
      "poll-growth", NULL, NULL, 1.0, 100.0, AUTHENTA_DEFAULT_POLL_GROWTH,
      rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:poll-timeout:
   *
   * The longest total wait for a verdict, in milliseconds; past it,
   * %AUTHENTA_ERROR_TIMEOUT.  0: no bound.  Default: 900000 (15 minutes).
   *
   * Since: 0.1
   */
  properties[PROP_POLL_TIMEOUT] = g_param_spec_uint (
      "poll-timeout", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_POLL_TIMEOUT_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:upload-seen-timeout:
   *
   * Milliseconds a record may stay `INITED` while its verdict is awaited
   * (0: no bound).  Storage answered 200 to the upload; a service that
   * still has not seen it after this long never will, and the wait ends
   * with %AUTHENTA_ERROR_SERVER instead of lasting the whole poll-timeout.
   * Default: %AUTHENTA_DEFAULT_UPLOAD_SEEN_TIMEOUT_MS.
   *
   * Since: 0.2
   */
  properties[PROP_UPLOAD_SEEN_TIMEOUT] = g_param_spec_uint (
      "upload-seen-timeout", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_UPLOAD_SEEN_TIMEOUT_MS, rw | G_PARAM_CONSTRUCT);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
authenta_client_init (AuthentaClient *self)
{
  g_mutex_init (&self->lock);
}

/* The one rule for where the client sends anything: https, or plain http
 * to a loopback host or when allow-insecure says so. */
gboolean
authenta_client_transport_is_private (AuthentaClient *self, const char *scheme,
                                      const char *host)
{
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  return g_ascii_strcasecmp (scheme, "http") == 0
         && (self->allow_insecure || authenta_host_is_loopback (host));
}

static gboolean
validate_base_url (AuthentaClient *self, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *redacted = authenta_redact_url (self->base_url);
  const char *scheme, *host;
  gsize len;

  uri = g_uri_parse (self->base_url, G_URI_FLAGS_ENCODED, &local_error);
  if (uri == NULL)
    {
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL,
                                    NULL, "Invalid base URL “%s”: %s", redacted,
                                    local_error->message));
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0'
      || (g_ascii_strcasecmp (scheme, "https") != 0
          && g_ascii_strcasecmp (scheme, "http") != 0))
    {
      g_propagate_error (
          error, authenta_error_new_full (AUTHENTA_ERROR_INVALID_ARGUMENT, 0,
                                          NULL, NULL,
                                          "Invalid base URL “%s”: expected "
                                          "https://HOST[/PATH]",
                                          redacted));
      return FALSE;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL
      || g_uri_get_userinfo (uri) != NULL)
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "Invalid base URL “%s”: it may not carry "
                             "user information, a query or a fragment",
                             redacted));
      return FALSE;
    }
  if (!authenta_client_transport_is_private (self, scheme, host))
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "Refusing plain-http base URL “%s”: the "
                             "API key would travel in clear text (use "
                             "https, or allow-insecure for a test "
                             "set-up)",
                             redacted));
      return FALSE;
    }

  len = strlen (self->base_url);
  while (len > 0 && self->base_url[len - 1] == '/')
    self->base_url[--len] = '\0';
  return TRUE;
}

/* The CA file from the property or, as curl users expect, the
 * environment; checked now so that a typo is reported at once, not as a
 * failed handshake on the first call. */
static gboolean
resolve_ca_file (AuthentaClient *self, GError **error)
{
  static const char *const vars[]
      = { "AUTHENTA_CA_FILE", "CURL_CA_BUNDLE", "SSL_CERT_FILE" };
  const char *from = "ca-file";

  for (guint i = 0; i < G_N_ELEMENTS (vars)
                    && (self->ca_file == NULL || *self->ca_file == '\0');
       i++)
    {
      g_free (self->ca_file);
      self->ca_file = g_strdup (g_getenv (vars[i]));
      from = vars[i];
    }
  if (self->ca_file != NULL && *self->ca_file == '\0')
    g_clear_pointer (&self->ca_file, g_free);
  if (self->ca_file == NULL)
    return TRUE;
  if (g_access (self->ca_file, R_OK) != 0
      || !g_file_test (self->ca_file, G_FILE_TEST_IS_REGULAR))
    {
      int errsv = g_access (self->ca_file, R_OK) != 0 ? errno : 0;
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_TLS, 0, NULL, NULL,
                     "The CA file “%s” (from %s) cannot be read%s%s: give a "
                     "readable PEM file of CA certificates",
                     self->ca_file, from, errsv ? ": " : "",
                     errsv ? g_strerror (errsv) : ""));
      return FALSE;
    }
  g_debug ("verifying servers with the CAs in %s (from %s)", self->ca_file,
           from);
  return TRUE;
}

static gboolean
authenta_client_initable_init (GInitable *initable, GCancellable *cancellable,
                               GError **error)
{
  AuthentaClient *self = AUTHENTA_CLIENT (initable);

  if (self->http != NULL)
    return TRUE;

  if (self->base_url == NULL || *self->base_url == '\0')
    {
      const char *env = g_getenv ("AUTHENTA_BASE_URL");
      g_free (self->base_url);
      self->base_url = g_strdup (env && *env ? env : AUTHENTA_DEFAULT_BASE_URL);
    }
  if (!validate_base_url (self, error))
    return FALSE;

  if (self->api_key == NULL || *self->api_key == '\0')
    {
      const char *env = g_getenv ("AUTHENTA_API_KEY");
      g_free (self->api_key);
      self->api_key = g_strdup (env && *env ? env : NULL);
    }
  if (self->api_key == NULL)
    {
      g_propagate_error (
          error, authenta_error_new_full (AUTHENTA_ERROR_INVALID_API_KEY, 0,
                                          NULL, NULL,
                                          "No API key: give one or set "
                                          "AUTHENTA_API_KEY"));
      return FALSE;
    }
  for (const char *p = self->api_key; *p; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      {
        /* Never quote the key, not even a bad one. */
        g_propagate_error (error,
                           authenta_error_new_full (
                               AUTHENTA_ERROR_INVALID_API_KEY, 0, NULL, NULL,
                               "The API key contains spaces or control "
                               "characters"));
        return FALSE;
      }

  if (!resolve_ca_file (self, error))
    return FALSE;
  self->http = authenta_http_new (self->ca_file);
  g_debug ("client for %s (%s)", self->base_url,
           authenta_http_get_user_agent (self->http));
  return TRUE;
}

static void
authenta_client_initable_iface_init (GInitableIface *iface)
{
  iface->init = authenta_client_initable_init;
}

/**
 * authenta_secret_wipe: (skip)
 * @secret: (nullable): a NUL-terminated string holding a secret
 *
 * Overwrites @secret with zeros, in a way the compiler may not optimise
 * away as it may a memset() before free().  The library wipes its own
 * copies of the key; applications that read the key into memory of their
 * own can wipe it with this once the client holds it.  Not for bindings:
 * their strings are copies that this cannot reach.
 *
 * Since: 0.2
 */
void
authenta_secret_wipe (char *secret)
{
  if (secret != NULL)
    explicit_bzero (secret, strlen (secret));
}

/**
 * authenta_client_new:
 * @base_url: (nullable): the service's base URL; %NULL: `AUTHENTA_BASE_URL`,
 *   else %AUTHENTA_DEFAULT_BASE_URL
 * @api_key: (nullable): the API key; %NULL: `AUTHENTA_API_KEY`
 * @error: return location for a #GError
 *
 * Makes a client.  Plain http is accepted only for loopback hosts; to allow
 * it elsewhere, make the client with g_initable_new() and
 * #AuthentaClient:allow-insecure.
 *
 * Returns: (transfer full): a new client, or %NULL with
 *   %AUTHENTA_ERROR_INVALID_ARGUMENT (bad URL) or
 *   %AUTHENTA_ERROR_INVALID_API_KEY (no key).
 *
 * Since: 0.1
 */
AuthentaClient *
authenta_client_new (const char *base_url, const char *api_key, GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_initable_new (AUTHENTA_TYPE_CLIENT, NULL, error, "base-url",
                         base_url, "api-key", api_key, NULL);
}

/**
 * authenta_client_get_base_url:
 * @self: a #AuthentaClient
 *
 * Gets the base URL the client sends its requests to.
 *
 * Returns: (transfer none): the base URL in use, without a trailing slash.
 *
 * Since: 0.1
 */
const char *
authenta_client_get_base_url (AuthentaClient *self)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  return self->base_url;
}

/**
 * authenta_client_set_timeouts:
 * @self: a #AuthentaClient
 * @connect_ms: #AuthentaClient:connect-timeout
 * @stall_ms: #AuthentaClient:stall-timeout
 * @request_ms: #AuthentaClient:request-timeout
 *
 * Sets the three time-outs at once; 0 leaves one unbounded.
 *
 * Since: 0.1
 */
void
authenta_client_set_timeouts (AuthentaClient *self, guint connect_ms,
                              guint stall_ms, guint request_ms)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_object_set (self, "connect-timeout", connect_ms, "stall-timeout", stall_ms,
                "request-timeout", request_ms, NULL);
}

/**
 * authenta_client_set_retry_policy:
 * @self: a #AuthentaClient
 * @attempts: tries in all, at least 1
 * @base_delay_ms: the delay before the first retry
 * @max_delay_ms: the longest delay
 * @jitter: the random share of each delay, 0–1
 *
 * Sets how failed requests are retried: after 500, 502, 503, 504, 408 and
 * 429 answers (honouring `Retry-After`), failed or reset connections and
 * time-outs; never after other 4xx or 5xx answers (such as S3's 501
 * NotImplemented).
 *
 * Since: 0.1
 */
void
authenta_client_set_retry_policy (AuthentaClient *self, guint attempts,
                                  guint base_delay_ms, guint max_delay_ms,
                                  double jitter)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (attempts >= 1);
  g_object_set (self, "retry-attempts", MIN (attempts, 100), "retry-base-delay",
                base_delay_ms, "retry-max-delay", max_delay_ms, "retry-jitter",
                CLAMP (jitter, 0.0, 1.0), NULL);
}

/**
 * authenta_client_set_poll_policy:
 * @self: a #AuthentaClient
 * @first_interval_ms: the first interval between polls
 * @growth: the factor by which it grows after each poll (at least 1)
 * @max_interval_ms: the longest interval
 * @total_timeout_ms: the longest total wait; 0: no bound
 *
 * Sets how authenta_client_wait_for_result() polls.
 *
 * Since: 0.1
 */
void
authenta_client_set_poll_policy (AuthentaClient *self, guint first_interval_ms,
                                 double growth, guint max_interval_ms,
                                 guint total_timeout_ms)
{
  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_object_set (self, "poll-interval", MAX (first_interval_ms, 1),
                "poll-growth", CLAMP (growth, 1.0, 100.0), "poll-max-interval",
                MAX (max_interval_ms, 1), "poll-timeout", total_timeout_ms,
                NULL);
}

/* A client made with g_object_new() and never initialised has no transport
 * and no validated URL. */
gboolean
authenta_client_check_ready (AuthentaClient *self, GError **error)
{
  if (self->http != NULL)
    return TRUE;
  g_propagate_error (error, authenta_error_new_full (
                                AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                                "The client was not initialised: make it with "
                                "authenta_client_new() or g_initable_new()"));
  return FALSE;
}

AuthentaHttpPolicy
authenta_client_get_policy (AuthentaClient *self)
{
  AuthentaHttpPolicy policy;

  g_mutex_lock (&self->lock);
  policy = self->policy;
  g_mutex_unlock (&self->lock);
  return policy;
}

/* An API call: bearer token, JSON, the given policy. */
gboolean
authenta_client_api_call (AuthentaClient *self,
                          const AuthentaHttpPolicy *policy, const char *method,
                          const char *url, const char *body, const char *mid,
                          AuthentaHttpResponse *response,
                          GCancellable *cancellable, GError **error)
{
  AuthentaHttpRequest request = AUTHENTA_HTTP_REQUEST_INIT;
  g_autoptr (GError) local_error = NULL;

  if (!authenta_client_check_ready (self, error))
    return FALSE;
  request.method = method;
  request.url = url;
  request.origin = AUTHENTA_ORIGIN_API;
  request.api_key = self->api_key;
  request.secret = self->api_key;
  if (body)
    {
      request.content_type = "application/json";
      request.body = body;
      request.body_length = strlen (body);
    }
  request.mid = mid;
  if (!authenta_http_send (self->http, policy, &request, response, cancellable,
                           &local_error))
    {
      if (g_error_matches (local_error, AUTHENTA_ERROR,
                           AUTHENTA_ERROR_NO_SERVICE))
        {
          /* Name the base URL (validated: no user information, query or
           * fragment), as given: that is what the caller has to fix. */
          char *message = g_strdup_printf (
              "No Authenta API at %s (%s); check the base URL — it usually "
              "ends in /api",
              self->base_url, local_error->message);
          g_free (local_error->message);
          local_error->message = message;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* The client's policy, giving up at deadline_us (monotonic; 0: none). */
static gboolean
api_call_until (AuthentaClient *self, const char *method, const char *url,
                const char *body, const char *mid, gint64 deadline_us,
                AuthentaHttpResponse *response, GCancellable *cancellable,
                GError **error)
{
  AuthentaHttpPolicy policy = authenta_client_get_policy (self);

  policy.deadline_us = deadline_us;
  return authenta_client_api_call (self, &policy, method, url, body, mid,
                                   response, cancellable, error);
}

static gboolean
api_call (AuthentaClient *self, const char *method, const char *url,
          const char *body, const char *mid, AuthentaHttpResponse *response,
          GCancellable *cancellable, GError **error)
{
  return api_call_until (self, method, url, body, mid, 0, response, cancellable,
                         error);
}

/* The answer's JSON, or AUTHENTA_ERROR_PROTOCOL saying what was wrong and
 * carrying the answer's HTTP status. */
static JsonNode *
parse_answer (const char *what, const char *mid, guint status, GBytes *body,
              GError **error)
{
  gsize length = 0;
  const char *data = body ? g_bytes_get_data (body, &length) : NULL;
  GError *local_error = NULL;
  JsonNode *root = authenta_json_parse (data, length, &local_error);

  if (root == NULL)
    {
      authenta_error_add_context (local_error, what, mid);
      authenta_error_set_http_status (local_error, status);
      g_propagate_error (error, local_error);
    }
  return root;
}

/* Adds what, mid and the answer's HTTP status to an error about an
 * answer's content: the answer arrived (a 200), it is just wrong. */
static void
set_answer_error (GError **error, GError *local_error, const char *what,
                  const char *mid, guint status)
{
  authenta_error_add_context (local_error, what, mid);
  authenta_error_set_http_status (local_error, status);
  g_propagate_error (error, local_error);
}

static AuthentaMedia *
media_from_answer (const char *what, const char *mid, guint status,
                   GBytes *body, const char *content_type, guint64 size,
                   GError **error)
{
  g_autoptr (JsonNode) root = parse_answer (what, mid, status, body, error);
  g_autofree char *raw = NULL;
  GError *local_error = NULL;
  AuthentaMedia *media;
  gsize length;
  const char *data;

  if (root == NULL)
    return NULL;
  data = g_bytes_get_data (body, &length);
  raw = g_strndup (data, length);
  media = authenta_media_new_from_node (root, raw, content_type, size,
                                        &local_error);
  if (media == NULL)
    set_answer_error (error, local_error, what, mid, status);
  return media;
}

static gboolean
check_mid (const char *mid, GError **error)
{
  if (authenta_mid_is_valid (mid))
    return TRUE;
  /* Not quoted whole: it may be anything, even the key by mistake. */
  g_propagate_error (error, authenta_error_new_full (
                                AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                                "Invalid media id: expected 1 to 64 letters, "
                                "digits, “_” or “-”"));
  return FALSE;
}

/* Storage takes at most 5 GiB in one PUT (S3 answers 400 EntityTooLarge
 * only after the body has started): refuse before any request, so no
 * record is made for a file that can never be uploaded. */
gboolean
authenta_client_check_size (guint64 size, const char *mid, GError **error)
{
  GError *too_large;

  if (size <= AUTHENTA_MAX_UPLOAD_SIZE)
    return TRUE;
  too_large = authenta_error_new_full (
      AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
      "The file is %" G_GUINT64_FORMAT
      " bytes, larger than 5 GiB (%" G_GUINT64_FORMAT
      " bytes), the most storage accepts in one upload",
      size, (guint64)AUTHENTA_MAX_UPLOAD_SIZE);
  authenta_error_add_context (too_large, NULL, mid);
  g_propagate_error (error, too_large);
  return FALSE;
}

static gboolean
model_is_known (const char *model)
{
  static const char *const known[] = { "DF-1", "AC-1", "FD-1", "FI-1" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (strcmp (model, known[i]) == 0)
      return TRUE;
  return FALSE;
}

/* After a create whose answer was lost (here, or in a scan killed between
 * its POST and the journal's commit): deletes the records it may have
 * made, those still INITED with its name, type and size among the 50
 * newest, and, with not_before (unix s; 0: any), made no earlier than that
 * (a record without a readable createdAt is taken to match).  They are
 * deleted, not adopted: a listing carries no upload URL, so such a record
 * could never get its file.  A record of another client scanning a file
 * of the same name and size at the same moment would match too; that
 * client's upload then fails and is reported, which is better than a
 * record left for ever.  FALSE with error when the listing itself fails:
 * the record, if any, stays (the caller says so). */
gboolean
authenta_client_reclaim_lost_create (AuthentaClient *self, const char *name,
                                     const char *content_type, guint64 size,
                                     gint64 not_before,
                                     GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) page = NULL;

  page = authenta_client_list_media (self, 50, 0, NULL, cancellable, error);
  if (page == NULL)
    return FALSE;
  for (guint i = 0; i < page->len; i++)
    {
      AuthentaMedia *m = page->pdata[i];

      if (g_strcmp0 (authenta_media_get_status (m), "INITED") != 0
          || g_strcmp0 (authenta_media_get_name (m), name) != 0
          || g_strcmp0 (authenta_media_get_content_type (m), content_type) != 0
          || authenta_media_get_size (m) != size)
        continue;
      if (not_before > 0)
        {
          g_autoptr (GDateTime) at = authenta_media_dup_created_at_datetime (m);

          if (at != NULL && g_date_time_to_unix (at) < not_before)
            continue;
        }
      g_debug ("deleting mid %s, left INITED by a create whose answer was "
               "lost",
               authenta_media_get_mid (m));
      authenta_client_delete_abandoned (self, authenta_media_get_mid (m));
    }
  return TRUE;
}

static gboolean
reclaim_lost_create (AuthentaClient *self, const char *name,
                     const char *content_type, guint64 size,
                     GCancellable *cancellable)
{
  g_autoptr (GError) error = NULL;

  if (authenta_client_reclaim_lost_create (self, name, content_type, size, 0,
                                           cancellable, &error))
    return TRUE;
  g_debug ("cannot look for the record of a lost create: %s", error->message);
  return FALSE;
}

/* Every content type a caller gives goes into a header (the PUT's
 * Content-Type) and a request body: a bare type/subtype token only. */
static gboolean
check_content_type (const char *content_type, GError **error)
{
  g_autofree char *shown = NULL;

  if (authenta_content_type_is_valid (content_type))
    return TRUE;
  shown = authenta_sanitize_service_text (content_type, 64, NULL);
  g_propagate_error (error,
                     authenta_error_new_full (
                         AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                         "“%s” is not a content type: give a bare type/subtype "
                         "such as video/mp4, with no parameters or spaces",
                         shown));
  return FALSE;
}

/**
 * authenta_client_create_media:
 * @self: a #AuthentaClient
 * @name: the record's name
 * @content_type: the file's content type, such as "video/mp4"
 * @size: the exact size in bytes of the file that will be uploaded
 * @model_type: (nullable): "DF-1", "AC-1", "FD-1" or "FI-1"; %NULL: the
 *   default for @content_type (see authenta_content_type_default_model())
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Creates a media record (`POST /media`), which carries the pre-signed URL
 * to upload the file to.  A @size over %AUTHENTA_MAX_UPLOAD_SIZE (5 GiB,
 * storage's limit for one upload) is refused before any request
 * (%AUTHENTA_ERROR_INVALID_ARGUMENT).
 *
 * Returns: (transfer full): the new record, or %NULL with @error set.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_create_media (AuthentaClient *self, const char *name,
                              const char *content_type, guint64 size,
                              const char *model_type, GCancellable *cancellable,
                              GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autoptr (JsonBuilder) builder = NULL;
  g_autoptr (JsonNode) body_node = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;
  AuthentaMedia *media = NULL;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (content_type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!authenta_client_check_size (size, NULL, error)
      || !check_content_type (content_type, error))
    return NULL;
  if (model_type == NULL)
    {
      model_type = authenta_content_type_default_model (content_type);
      if (model_type == NULL)
        {
          g_propagate_error (error, authenta_error_new_full (
                                        AUTHENTA_ERROR_UNSUPPORTED_MEDIA, 0,
                                        NULL, NULL,
                                        "No model for content type “%s”: "
                                        "the service takes video and image "
                                        "files",
                                        content_type));
          return NULL;
        }
    }
  else if (!model_is_known (model_type))
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_INVALID_ARGUMENT, 0, NULL, NULL,
                             "Unknown model type “%s” (expected DF-1, "
                             "AC-1, FD-1 or FI-1)",
                             model_type));
      return NULL;
    }

  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, content_type);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64)size);
  json_builder_set_member_name (builder, "modelType");
  json_builder_add_string_value (builder, model_type);
  json_builder_end_object (builder);
  body_node = json_builder_get_root (builder);
  body = json_to_string (body_node, FALSE);

  url = g_strconcat (self->base_url, "/media", NULL);
  what = authenta_describe_request ("POST", url);
  for (guint attempt = 1;; attempt++)
    {
      GError *local_error = NULL;
      gboolean lost;

      authenta_http_response_clear (&response);
      if (api_call (self, "POST", url, body, NULL, &response, cancellable,
                    &local_error))
        media = media_from_answer (what, NULL, response.status, response.body,
                                   content_type, size, &local_error);
      else
        media = NULL;
      if (media != NULL)
        break;
      /* The request reached the service but its answer did not reach us
       * whole: a record may exist that nobody knows the mid of.  Find it
       * and delete it before asking again, so that a lost answer never
       * leaves a record behind nor makes two. */
      lost = response.maybe_delivered
             || g_error_matches (local_error, AUTHENTA_ERROR,
                                 AUTHENTA_ERROR_PROTOCOL);
      if (!lost
          || !reclaim_lost_create (self, name, content_type, size, cancellable)
          || attempt
                 >= MAX (authenta_client_get_policy (self).retry_attempts, 1))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_debug ("%s: answer lost (%s); asking again", what,
               local_error->message);
      g_clear_error (&local_error);
    }
  if (authenta_media_get_mid (media) == NULL
      || authenta_media_get_upload_url (media) == NULL
      || authenta_media_get_size (media) != size)
    {
      const char *mid = authenta_media_get_mid (media);

      if (mid == NULL || authenta_media_get_upload_url (media) == NULL)
        g_propagate_error (error,
                           authenta_error_new_full (
                               AUTHENTA_ERROR_PROTOCOL, response.status, NULL,
                               mid, "%s: the new record has no “%s”", what,
                               mid == NULL ? "mid" : "uploadUrl"));
      else
        g_propagate_error (
            error, authenta_error_new_full (
                       AUTHENTA_ERROR_PROTOCOL, response.status, NULL, mid,
                       "%s: the service recorded %" G_GUINT64_FORMAT
                       " bytes for a file of %" G_GUINT64_FORMAT
                       " (mid %s): storage would refuse the upload",
                       what, authenta_media_get_size (media), size, mid));
      /* Unusable: not left behind INITED. */
      authenta_client_delete_abandoned (self, mid);
      g_object_unref (media);
      return NULL;
    }
  g_debug ("created mid %s (%s, %" G_GUINT64_FORMAT " bytes, %s)",
           authenta_media_get_mid (media), content_type, size, model_type);
  return media;
}

static AuthentaMedia *get_media_until (AuthentaClient *self, const char *mid,
                                       gint64 deadline_us,
                                       GCancellable *cancellable,
                                       GError **error);

/**
 * authenta_client_get_media:
 * @self: a #AuthentaClient
 * @mid: a media id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fetches one record (`GET /media/{mid}`), with its verdict once processed.
 *
 * Returns: (transfer full): the record, or %NULL with @error set
 *   (%AUTHENTA_ERROR_NOT_FOUND for an unknown @mid).
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_get_media (AuthentaClient *self, const char *mid,
                           GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (mid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_mid (mid, error))
    return NULL;
  return get_media_until (self, mid, 0, cancellable, error);
}

/* GET /media/{mid}, giving up at deadline_us (monotonic; 0: none). */
static AuthentaMedia *
get_media_until (AuthentaClient *self, const char *mid, gint64 deadline_us,
                 GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;

  url = g_strconcat (self->base_url, "/media/", mid, NULL);
  if (!api_call_until (self, "GET", url, NULL, mid, deadline_us, &response,
                       cancellable, error))
    return NULL;
  what = authenta_describe_request ("GET", url);
  return media_from_answer (what, mid, response.status, response.body, NULL, 0,
                            error);
}

static GPtrArray *
list_page (AuthentaClient *self, guint limit, guint offset, gint64 *out_total,
           guint *out_limit, GCancellable *cancellable, GError **error)
{
  return authenta_client_list_page (self, NULL, limit, offset, out_total,
                                    out_limit, cancellable, error);
}

/**
 * authenta_client_list_media:
 * @self: a #AuthentaClient
 * @limit: records per page (0: the service's default)
 * @offset: records to skip
 * @out_total: (out) (optional): the service's total number of records
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Fetches one page of the caller's records (`GET /media`).
 *
 * Returns: (transfer container) (element-type AuthentaMedia): the records,
 *   or %NULL with @error set.  The array holds a reference to each record
 *   and drops it when freed: free it with g_ptr_array_unref() (bindings
 *   take their own references to the records).
 *
 * Since: 0.1
 */
GPtrArray *
authenta_client_list_media (AuthentaClient *self, guint limit, guint offset,
                            guint *out_total, GCancellable *cancellable,
                            GError **error)
{
  GPtrArray *records;
  gint64 total = -1;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  records = list_page (self, limit, offset, &total, NULL, cancellable, error);
  if (records && out_total)
    *out_total
        = total >= 0 ? (guint)MIN (total, G_MAXUINT) : offset + records->len;
  return records;
}

GPtrArray *
authenta_client_list_page (AuthentaClient *self,
                           const AuthentaHttpPolicy *policy, guint limit,
                           guint offset, gint64 *out_total, guint *out_limit,
                           GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  AuthentaHttpPolicy own_policy;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree char *url = NULL;
  g_autofree char *what = NULL;
  GError *local_error = NULL;
  JsonNode *data;
  JsonArray *array;
  gint64 total = -1;
  gint64 answer_limit = 0;

  if (limit > 0)
    url = g_strdup_printf ("%s/media?limit=%u&offset=%u", self->base_url, limit,
                           offset);
  else
    url = g_strdup_printf ("%s/media?offset=%u", self->base_url, offset);
  if (policy == NULL)
    {
      own_policy = authenta_client_get_policy (self);
      policy = &own_policy;
    }
  if (!authenta_client_api_call (self, policy, "GET", url, NULL, NULL,
                                 &response, cancellable, error))
    return NULL;
  what = authenta_describe_request ("GET", url);
  root = parse_answer (what, NULL, response.status, response.body, error);
  if (root == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_ARRAY (root))
    data = root; /* a bare array is understood too */
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      data = json_object_get_member (obj, "data");
      if (!authenta_json_get_int (obj, "total", &total, -1, &local_error))
        {
          set_answer_error (error, local_error, what, NULL, response.status);
          return NULL;
        }
      /* Only a hint for paging without a total: never an error. */
      if (!authenta_json_get_int (obj, "limit", &answer_limit, 0, NULL))
        answer_limit = 0;
      if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
        {
          g_propagate_error (
              error, authenta_error_new_full (
                         AUTHENTA_ERROR_PROTOCOL, response.status, NULL, NULL,
                         "%s: unexpected answer: “data” is %s, expected an "
                         "array",
                         what, authenta_json_describe (data)));
          return NULL;
        }
    }
  else
    {
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_PROTOCOL, response.status, NULL, NULL,
                     "%s: unexpected answer: %s, expected an object", what,
                     authenta_json_describe (root)));
      return NULL;
    }

  array = json_node_get_array (data);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AuthentaMedia *media = authenta_media_new_from_node (
          json_array_get_element (array, i), NULL, NULL, 0, &local_error);
      if (media == NULL)
        {
          g_autofree char *where = g_strdup_printf ("%s: record %u", what, i);
          set_answer_error (error, local_error, where, NULL, response.status);
          return NULL;
        }
      g_ptr_array_add (records, media);
    }
  *out_total = total;
  if (out_limit)
    *out_limit = answer_limit > 0 ? (guint)MIN (answer_limit, G_MAXUINT) : 0;
  return g_steal_pointer (&records);
}

/**
 * authenta_client_foreach_media:
 * @self: a #AuthentaClient
 * @page_size: records per request (0: 50)
 * @func: (scope call): called for each record
 * @user_data: data for @func
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Walks every page of `GET /media`, calling @func for each record until it
 * returns %FALSE or the records run out: past the answer's `total`, or, when
 * the service sends no `total`, at the first page shorter than @page_size
 * (or than the `limit` the service says it used, if smaller).
 *
 * Returns: %TRUE when the walk ended without error (also when @func
 *   stopped it).
 *
 * Since: 0.1
 */
gboolean
authenta_client_foreach_media (AuthentaClient *self, guint page_size,
                               AuthentaMediaFunc func, gpointer user_data,
                               GCancellable *cancellable, GError **error)
{
  guint offset = 0;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (page_size == 0)
    page_size = DEFAULT_PAGE_SIZE;
  for (;;)
    {
      g_autoptr (GPtrArray) page = NULL;
      gint64 total = -1;
      guint used_limit = 0;

      page = list_page (self, page_size, offset, &total, &used_limit,
                        cancellable, error);
      if (page == NULL)
        return FALSE;
      for (guint i = 0; i < page->len; i++)
        if (!func (g_ptr_array_index (page, i), user_data))
          return TRUE;
      offset += page->len;
      if (page->len == 0)
        return TRUE;
      if (total >= 0)
        {
          if (offset >= total)
            return TRUE;
        }
      else if (page->len
               < (used_limit ? MIN (used_limit, page_size) : page_size))
        {
          /* No total: only a short page says it was the last. */
          return TRUE;
        }
    }
}

/**
 * authenta_client_delete_media:
 * @self: a #AuthentaClient
 * @mid: a media id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deletes a record (`DELETE /media/{mid}`).
 *
 * Returns: %TRUE when the service accepted.
 *
 * Since: 0.1
 */
gboolean
authenta_client_delete_media (AuthentaClient *self, const char *mid,
                              GCancellable *cancellable, GError **error)
{
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *url = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (mid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_mid (mid, error))
    return FALSE;
  url = g_strconcat (self->base_url, "/media/", mid, NULL);
  if (api_call (self, "DELETE", url, NULL, mid, &response, cancellable,
                &local_error))
    return TRUE;
  /* A DELETE whose answer was lost was most likely done: the 404 of its
   * retry says the record is gone, which is what was asked. */
  if (response.maybe_delivered
      && g_error_matches (local_error, AUTHENTA_ERROR,
                          AUTHENTA_ERROR_NOT_FOUND))
    {
      g_debug ("mid %s: the retried DELETE found it gone: deleted", mid);
      g_error_free (local_error);
      return TRUE;
    }
  g_propagate_error (error, local_error);
  return FALSE;
}

/* Deletes a record this client made and will not finish; best effort
 * (logged), as the failure that led here is what the caller must hear. */
void
authenta_client_delete_abandoned (AuthentaClient *self, const char *mid)
{
  g_autoptr (GError) error = NULL;

  if (mid == NULL)
    return;
  if (authenta_client_delete_media (self, mid, NULL, &error))
    g_debug ("deleted mid %s, which this scan gave up on", mid);
  else
    g_debug ("could not delete mid %s, which this scan gave up on: %s", mid,
             error->message);
}

/* Whether a failed poll may be followed by another: the request could not
 * be made or answered properly (network, 5xx, 429, an unreadable answer),
 * after its own retries.  The file is uploaded and the service goes on
 * processing it, and GET is safe to repeat, so a short outage must not end
 * a long wait.  Never a refusal (400, 401, 402, 403, 404), a failed
 * processing or a cancellation: polling again cannot change those. */
static gboolean
poll_error_is_transient (const GError *error)
{
  /* The library's transient kinds, less the two a poll cannot outwait: its
   * own time-out, and a base URL that is not the API. */
  return authenta_error_is_transient (error)
         && error->code != AUTHENTA_ERROR_TIMEOUT
         && error->code != AUTHENTA_ERROR_NO_SERVICE;
}

static char *
describe_duration (guint ms)
{
  if (ms >= 1000 && ms % 1000 == 0)
    return g_strdup_printf ("%u s", ms / 1000);
  return g_strdup_printf ("%u ms", ms);
}

/**
 * authenta_client_wait_for_result:
 * @self: a #AuthentaClient
 * @mid: a media id whose file was uploaded
 * @progress: (nullable) (scope call): called at each successful poll
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Polls `GET /media/{mid}` with growing intervals (see
 * authenta_client_set_poll_policy()) until the status is `PROCESSED`.  An
 * unknown status keeps it polling.
 *
 * A poll that fails with %AUTHENTA_ERROR_NETWORK, %AUTHENTA_ERROR_SERVER,
 * %AUTHENTA_ERROR_RATE_LIMITED or %AUTHENTA_ERROR_PROTOCOL (once its own
 * retries are spent) does not end the wait either: it is logged and polling
 * goes on, on the same schedule, until #AuthentaClient:poll-timeout runs out
 * (with a poll-timeout of 0, until cancelled).  Any other error (401, 402,
 * 403, 404, 400) ends the wait at once, as does cancellation.
 *
 * Returns: (transfer full): the processed record, with its verdict; or
 *   %NULL with %AUTHENTA_ERROR_PROCESSING_FAILED (`FAILED` or `ERROR`),
 *   %AUTHENTA_ERROR_TIMEOUT (no verdict within #AuthentaClient:poll-timeout;
 *   its message names the mid, says the file was uploaded and gives the
 *   last error seen, if the last poll failed) or another error.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_wait_for_result (AuthentaClient *self, const char *mid,
                                 AuthentaProgressFunc progress,
                                 gpointer progress_data,
                                 GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) last_error = NULL;
  g_autofree char *last_status = NULL;
  guint interval_ms, max_interval_ms, timeout_ms, seen_timeout_ms;
  double growth;
  gint64 start, deadline;
  guint polls = 0, failed_polls = 0;
  gboolean seen = FALSE; /* a status past INITED */

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (mid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_mid (mid, error))
    return NULL;

  g_mutex_lock (&self->lock);
  interval_ms = self->poll_interval_ms;
  growth = self->poll_growth;
  max_interval_ms = self->poll_max_interval_ms;
  timeout_ms = self->poll_timeout_ms;
  seen_timeout_ms = self->upload_seen_timeout_ms;
  g_mutex_unlock (&self->lock);

  start = g_get_monotonic_time ();
  deadline = timeout_ms ? start + (gint64)timeout_ms * 1000 : G_MAXINT64;

  for (;;)
    {
      g_autoptr (AuthentaMedia) media = NULL;
      g_autoptr (GError) poll_error = NULL;
      const char *status = NULL;
      gint64 now, left_ms;

      /* A poll that hangs (or retries) may not outlast poll-timeout. */
      media = get_media_until (self, mid, timeout_ms ? deadline : 0,
                               cancellable, &poll_error);
      polls++;
      if (media == NULL)
        {
          if (!poll_error_is_transient (poll_error))
            {
              g_propagate_error (error, g_steal_pointer (&poll_error));
              return NULL;
            }
          failed_polls++;
          g_debug ("mid %s: poll %u failed, polling on: %s", mid, polls,
                   poll_error->message);
          g_clear_error (&last_error);
          last_error = g_steal_pointer (&poll_error);
        }
      else
        {
          g_clear_error (&last_error);
          status = authenta_media_get_status (media);
          g_free (last_status);
          last_status = g_strdup (status);
          if (progress)
            progress (AUTHENTA_SCAN_STAGE_PROCESSING, media,
                      authenta_media_get_size (media),
                      authenta_media_get_size (media), progress_data);

          if (authenta_media_is_processed (media))
            {
              g_debug ("mid %s processed after %u polls (%u failed)", mid,
                       polls, failed_polls);
              return g_steal_pointer (&media);
            }
          if (g_strcmp0 (status, "FAILED") == 0
              || g_strcmp0 (status, "ERROR") == 0)
            {
              g_propagate_error (error, authenta_error_new_full (
                                            AUTHENTA_ERROR_PROCESSING_FAILED, 0,
                                            status, mid,
                                            "The service could not process "
                                            "mid %s (status %s)",
                                            mid, status));
              return NULL;
            }
          seen |= g_strcmp0 (status, "INITED") != 0;
          if (!seen && seen_timeout_ms
              && g_get_monotonic_time () - start
                     >= (gint64)seen_timeout_ms * 1000)
            {
              g_autofree char *after = describe_duration (seen_timeout_ms);

              g_propagate_error (
                  error, authenta_error_new_full (
                             AUTHENTA_ERROR_SERVER, 0, status, mid,
                             "The service never saw the upload of mid %s: "
                             "storage accepted it, but the record was still "
                             "INITED %s later; scan the file again",
                             mid, after));
              return NULL;
            }
        }

      now = g_get_monotonic_time ();
      if (now >= deadline)
        {
          g_autofree char *within = describe_duration (timeout_ms);
          g_autoptr (GString) message = g_string_new (NULL);

          g_string_append_printf (message,
                                  "No verdict for mid %s within %s (%u %s", mid,
                                  within, polls, polls == 1 ? "poll" : "polls");
          if (failed_polls)
            g_string_append_printf (message, ", %u failed", failed_polls);
          if (last_status)
            g_string_append_printf (message, ", last status %s", last_status);
          g_string_append (message, "); the file was uploaded and the "
                                    "service may still finish it");
          if (last_error)
            g_string_append_printf (message, "; last error: %s",
                                    last_error->message);
          g_propagate_error (
              error, authenta_error_new_full (AUTHENTA_ERROR_TIMEOUT, 0, NULL,
                                              mid, "%s", message->str));
          return NULL;
        }
      left_ms = (deadline - now + 999) / 1000;
      if (media)
        g_debug ("mid %s is %s; next poll in %u ms", mid,
                 status ? status : "without status",
                 (guint)MIN ((gint64)interval_ms, left_ms));
      else
        g_debug ("mid %s: next poll in %u ms", mid,
                 (guint)MIN ((gint64)interval_ms, left_ms));
      if (!authenta_wait (MIN ((gint64)interval_ms, left_ms), cancellable,
                          error))
        return NULL;
      interval_ms
          = (guint)MIN ((double)max_interval_ms, (double)interval_ms * growth);
      interval_ms = MAX (interval_ms, 1);
    }
}

/**
 * authenta_client_scan_file:
 * @self: a #AuthentaClient
 * @path: (type filename): the file to scan
 * @name: (nullable): the record's name; %NULL: the file's basename
 * @content_type: (nullable): the file's type; %NULL: sniffed from its first
 *   bytes
 * @model_type: (nullable): the model; %NULL: the default for the type
 * @progress: (nullable) (scope call): called at each stage
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The whole flow: creates a record, uploads the file and waits for the
 * verdict.
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set;
 *   the error's mid (authenta_error_get_mid()) names the record when one
 *   was made.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_scan_file (AuthentaClient *self, const char *path,
                           const char *name, const char *content_type,
                           const char *model_type,
                           AuthentaProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable,
                           GError **error)
{
  AuthentaMedia *verdict;
  int fd;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* One descriptor from first look to last byte: the bytes judged are the
   * bytes of the file that was sized and typed, whatever happens to its
   * path meanwhile. */
  fd = authenta_open_for_reading (path, error);
  if (fd < 0)
    return NULL;
  verdict
      = authenta_client_scan_fd (self, fd, path, name, content_type, model_type,
                                 progress, progress_data, cancellable, error);
  close (fd);
  return verdict;
}

/**
 * authenta_client_scan_fd:
 * @self: a #AuthentaClient
 * @fd: a readable descriptor of a regular file; read with pread(), so its
 *   offset is left alone; not closed
 * @path: (type filename) (nullable): the file's name, for messages and the
 *   default record name
 * @name: (nullable): the record's name; %NULL: the basename of @path
 *   ("upload" without @path)
 * @content_type: (nullable): the file's type; %NULL: sniffed from its first
 *   bytes
 * @model_type: (nullable): the model; %NULL: the default for the type
 * @progress: (nullable) (scope call): called at each stage
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * As authenta_client_scan_file(), from a descriptor the caller holds, such
 * as the one it recorded or spooled the file through: sized, typed and
 * uploaded from the same bytes.  A record the scan makes and then gives up
 * on (other than by cancellation) is deleted.
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set.
 *
 * Since: 0.2
 */
AuthentaMedia *
authenta_client_scan_fd (AuthentaClient *self, int fd, const char *path,
                         const char *name, const char *content_type,
                         const char *model_type, AuthentaProgressFunc progress,
                         gpointer progress_data, GCancellable *cancellable,
                         GError **error)
{
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;
  g_autofree char *basename = NULL;
  const char *shown = path ? path : "the file";
  GError *local_error = NULL;
  struct stat st;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (fstat (fd, &st) != 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot read “%s”: %s", shown, g_strerror (errsv));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", shown);
      return NULL;
    }
  if (content_type == NULL)
    {
      content_type = authenta_content_type_sniff_fd (fd, path, error);
      if (content_type == NULL)
        return NULL;
    }
  if (name == NULL)
    name = basename = path ? g_path_get_basename (path) : g_strdup ("upload");

  created = authenta_client_create_media (self, name, content_type, st.st_size,
                                          model_type, cancellable, error);
  if (created == NULL)
    return NULL;
  if (progress)
    progress (AUTHENTA_SCAN_STAGE_CREATED, created, 0, st.st_size,
              progress_data);

  uploaded
      = authenta_client_upload_fd (self, created, fd, path, progress,
                                   progress_data, cancellable, &local_error);
  if (uploaded == NULL)
    {
      /* This scan made the record and gives up on it: delete it rather
       * than leave it INITED.  Not after a cancel, which must be prompt. */
      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        authenta_client_delete_abandoned (self,
                                          authenta_media_get_mid (created));
      g_propagate_error (error, local_error);
      return NULL;
    }

  return authenta_client_wait_for_result (
      self, authenta_media_get_mid (uploaded), progress, progress_data,
      cancellable, error);
}

typedef struct
{
  char *path;
  char *name;
  char *content_type;
  char *model_type;
  AuthentaProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
} ScanData;

static void
scan_data_free (ScanData *data)
{
  if (data->progress_destroy)
    data->progress_destroy (data->progress_data);
  g_free (data->path);
  g_free (data->name);
  g_free (data->content_type);
  g_free (data->model_type);
  g_free (data);
}

static void
scan_thread (GTask *task, gpointer source_object, gpointer task_data,
             GCancellable *cancellable)
{
  ScanData *data = task_data;
  GError *error = NULL;
  AuthentaMedia *media;

  media = authenta_client_scan_file (AUTHENTA_CLIENT (source_object),
                                     data->path, data->name, data->content_type,
                                     data->model_type, data->progress,
                                     data->progress_data, cancellable, &error);
  if (media)
    g_task_return_pointer (task, media, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
scan_pool_run (gpointer data, gpointer user_data)
{
  GTask *task = data;

  scan_thread (task, g_task_get_source_object (task),
               g_task_get_task_data (task), g_task_get_cancellable (task));
  g_object_unref (task);
}

/* A scan spends most of its life waiting for the service, not computing.
 * On GLib's shared GTask pool (10 threads, then only about 10 more per
 * second of blocking) all but ten of many concurrent scans would queue:
 * 32 scans took 3.2 times as long as one (docs/performance.md).  They run
 * in a pool of their own instead, bounded by MAX_SCAN_THREADS; its idle
 * threads return to GLib's shared idle threads, which end after a while. */
#define MAX_SCAN_THREADS 64

static GThreadPool *
get_scan_pool (void)
{
  static GThreadPool *pool = NULL;

  if (g_once_init_enter (&pool))
    {
      GThreadPool *p = g_thread_pool_new (scan_pool_run, NULL, MAX_SCAN_THREADS,
                                          FALSE, NULL);
      g_once_init_leave (&pool, p);
    }
  return pool;
}

/**
 * authenta_client_scan_file_async:
 * @self: a #AuthentaClient
 * @path: (type filename): the file to scan
 * @name: (nullable): the record's name
 * @content_type: (nullable): the file's type; %NULL: sniffed
 * @model_type: (nullable): the model; %NULL: the default for the type
 * @progress: (nullable) (scope notified): called from the worker thread
 * @progress_data: data for @progress
 * @progress_destroy: (nullable): frees @progress_data when the scan is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: called in the thread-default main context of the caller
 * @user_data: data for @callback
 *
 * authenta_client_scan_file() in a worker thread (from a pool of at most 64
 * shared by all clients; more scans at once wait for a free thread).
 * Finish with authenta_client_scan_file_finish().
 *
 * Since: 0.1
 */
void
authenta_client_scan_file_async (
    AuthentaClient *self, const char *path, const char *name,
    const char *content_type, const char *model_type,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  ScanData *data;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (path != NULL);

  data = g_new0 (ScanData, 1);
  data->path = g_strdup (path);
  data->name = g_strdup (name);
  data->content_type = g_strdup (content_type);
  data->model_type = g_strdup (model_type);
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_destroy = progress_destroy;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, authenta_client_scan_file_async);
  g_task_set_name (task, "authenta scan");
  g_task_set_task_data (task, data, (GDestroyNotify)scan_data_free);
  /* The flow reports cancellation itself, as G_IO_ERROR_CANCELLED. */
  g_task_set_return_on_cancel (task, FALSE);
  g_thread_pool_push (get_scan_pool (), g_object_ref (task), NULL);
}

/**
 * authenta_client_scan_file_finish:
 * @self: a #AuthentaClient
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Finishes a scan started with authenta_client_scan_file_async().
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_client_scan_file_finish (AuthentaClient *self, GAsyncResult *result,
                                  GError **error)
{
  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
