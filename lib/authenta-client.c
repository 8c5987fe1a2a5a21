/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-content-type.h>

#include "authenta-client-private.h"
#include "authenta-http-loop-private.h"
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
  PROP_POLL_FAST_PERIOD,
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
    case PROP_POLL_FAST_PERIOD:
      SET_FIELD (self->poll_fast_period_ms, g_value_get_uint (value));
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
    case PROP_POLL_FAST_PERIOD:
      g_value_set_uint (value, self->poll_fast_period_ms);
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
   * Milliseconds between the polls for a verdict while
   * #AuthentaClient:poll-fast-period lasts, and between the first two after
   * it.  Default: 250.
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
   * Default: 2000 (a verdict is seen 1 s after it is ready on average, 2 s
   * at most, with no more GETs than a fixed 2 s poll's plus 10).
   *
   * Since: 0.1
   */
  properties[PROP_POLL_MAX_INTERVAL] = g_param_spec_uint (
      "poll-max-interval", NULL, NULL, 1, G_MAXUINT,
      AUTHENTA_DEFAULT_POLL_MAX_INTERVAL_MS, rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:poll-growth:
   *
   * The factor by which the poll interval grows after each poll once
   * #AuthentaClient:poll-fast-period is over.  Default: 2.
   *
   * Since: 0.1
   */
  properties[PROP_POLL_GROWTH] = g_param_spec_double (
      "poll-growth", NULL, NULL, 1.0, 100.0, AUTHENTA_DEFAULT_POLL_GROWTH,
      rw | G_PARAM_CONSTRUCT);
  /**
   * AuthentaClient:poll-fast-period:
   *
   * For how long, from the start of a wait, polls stay
   * #AuthentaClient:poll-interval apart before the interval grows, in
   * milliseconds: a short job's verdict is then seen within one interval.
   * 0: the interval grows from the first poll.  Default: 2000.
   * authenta_client_set_poll_policy() sets it to 0.
   *
   * Since: 0.4
   */
  properties[PROP_POLL_FAST_PERIOD] = g_param_spec_uint (
      "poll-fast-period", NULL, NULL, 0, G_MAXUINT,
      AUTHENTA_DEFAULT_POLL_FAST_PERIOD_MS, rw | G_PARAM_CONSTRUCT);
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
  self->task_timeout_scale = 1.0;
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
 * Sets how authenta_client_wait_for_result() polls: the intervals grow
 * from the first poll (#AuthentaClient:poll-fast-period 0), so that
 * growth 1 is a fixed interval.
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
                MAX (max_interval_ms, 1), "poll-fast-period", 0, "poll-timeout",
                total_timeout_ms, NULL);
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

/* The words of a NO_SERVICE error name the base URL (validated: no user
 * information, query or fragment), as given: that is what the caller has
 * to fix. */
static void
explain_no_service (AuthentaClient *self, GError *error)
{
  char *message;

  if (!g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NO_SERVICE))
    return;
  message = g_strdup_printf ("No Authenta API at %s (%s); check the base URL "
                             "— it usually ends in /api",
                             self->base_url, error->message);
  g_free (error->message);
  error->message = message;
}

static void
on_api_call_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = g_task_get_source_object (task);
  AuthentaHttpResponse *response = g_task_get_task_data (task);
  GError *error = NULL;

  if (authenta_http_send_finish (result, response, &error))
    g_task_return_boolean (task, TRUE);
  else
    {
      explain_no_service (self, error);
      g_task_return_error (task, error);
    }
}

static void
response_free (AuthentaHttpResponse *response)
{
  authenta_http_response_clear (response);
  g_free (response);
}

/* An API call: bearer token, JSON, the given policy. */
void
authenta_client_api_call_async (
    AuthentaClient *self, const AuthentaHttpPolicy *policy, const char *method,
    const char *url, const char *body, const char *mid,
    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  AuthentaHttpRequest request = AUTHENTA_HTTP_REQUEST_INIT;
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, authenta_client_api_call_async);
  g_task_set_task_data (task, g_new0 (AuthentaHttpResponse, 1),
                        (GDestroyNotify)response_free);
  if (!authenta_client_check_ready (self, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
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
  authenta_http_send_async (self->http, policy, &request, cancellable,
                            on_api_call_sent, task);
}

gboolean
authenta_client_api_call_finish (AuthentaClient *self, GAsyncResult *result,
                                 AuthentaHttpResponse *response, GError **error)
{
  AuthentaHttpResponse *kept = g_task_get_task_data (G_TASK (result));

  *response = *kept;
  kept->body = NULL;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The client's policy, giving up at deadline_us (monotonic; 0: none). */
void
authenta_client_call_until_async (AuthentaClient *self, const char *method,
                                  const char *url, const char *body,
                                  const char *mid, gint64 deadline_us,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  AuthentaHttpPolicy policy = authenta_client_get_policy (self);

  policy.deadline_us = deadline_us;
  authenta_client_api_call_async (self, &policy, method, url, body, mid,
                                  cancellable, callback, user_data);
}

/* The blocking call: the same on the thread's private context. */
gboolean
authenta_client_api_call (AuthentaClient *self,
                          const AuthentaHttpPolicy *policy, const char *method,
                          const char *url, const char *body, const char *mid,
                          AuthentaHttpResponse *response,
                          GCancellable *cancellable, GError **error)
{
  AuthentaSync sync;
  gboolean ok;

  authenta_sync_begin (&sync);
  authenta_client_api_call_async (self, policy, method, url, body, mid,
                                  cancellable, authenta_sync_done, &sync);
  ok = authenta_client_api_call_finish (self, authenta_sync_wait (&sync),
                                        response, error);
  authenta_sync_end (&sync);
  return ok;
}

gboolean
authenta_client_call_until (AuthentaClient *self, const char *method,
                            const char *url, const char *body, const char *mid,
                            gint64 deadline_us, AuthentaHttpResponse *response,
                            GCancellable *cancellable, GError **error)
{
  AuthentaHttpPolicy policy = authenta_client_get_policy (self);

  policy.deadline_us = deadline_us;
  return authenta_client_api_call (self, &policy, method, url, body, mid,
                                   response, cancellable, error);
}

gboolean
authenta_client_call (AuthentaClient *self, const char *method, const char *url,
                      const char *body, const char *mid,
                      AuthentaHttpResponse *response, GCancellable *cancellable,
                      GError **error)
{
  return authenta_client_call_until (self, method, url, body, mid, 0, response,
                                     cancellable, error);
}
