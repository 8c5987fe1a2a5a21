/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__AUTHENTA_H_INSIDE__) && !defined(AUTHENTA_COMPILATION)
#error "Only <authenta/authenta.h> can be included directly."
#endif

#include <authenta/authenta-version.h>
#include <glib.h>

G_BEGIN_DECLS

/**
 * AUTHENTA_ERROR:
 *
 * The error domain of libauthenta.  Errors in this domain carry, beside
 * their message, what the service said: see
 * authenta_error_get_service_code(), authenta_error_get_http_status() and
 * authenta_error_get_mid().  Cancellation is reported as
 * %G_IO_ERROR_CANCELLED, and local file problems in %G_IO_ERROR or
 * %G_FILE_ERROR.
 *
 * Bindings: a Python `GLib.Error` (or a GJS `GLib.Error`) keeps only the
 * domain, code and message of the #GError it came from, and becomes a new
 * #GError when passed back in.  Every message with details ends by naming
 * them ("… (code INVALID_API_KEY, HTTP status 401, mid …)"), so the getters
 * read them back from the message of such an error, as GDBus reads a remote
 * error's name from its message.
 */
#define AUTHENTA_ERROR (authenta_error_quark ())

/**
 * AuthentaError:
 * @AUTHENTA_ERROR_INVALID_API_KEY: the key is missing or was refused (401).
 * @AUTHENTA_ERROR_FORBIDDEN: the key lacks the permission for this call (403).
 * @AUTHENTA_ERROR_INSUFFICIENT_BALANCE: no credits left (402).
 * @AUTHENTA_ERROR_NOT_FOUND: no such record (a 404 in the service's JSON
 *   error shape; see %AUTHENTA_ERROR_NO_SERVICE for other 404s).
 * @AUTHENTA_ERROR_BAD_REQUEST: the service refused the request as malformed
 *   (400 and other 4xx not listed here).
 * @AUTHENTA_ERROR_SERVER: the service failed (5xx): 500, 502, 503 or 504
 *   after the retries, any other 5xx at once.
 * @AUTHENTA_ERROR_NETWORK: the connection failed, was reset or could not be
 *   made, or a transfer time-out fired (connect, stall or request time-out:
 *   the message names which), and retries were exhausted.
 * @AUTHENTA_ERROR_TIMEOUT: no verdict came within the total wait
 *   (#AuthentaClient:poll-timeout), whether the polls failed meanwhile
 *   (the message then gives the last error) or not; the file was uploaded.
 *   Only the wait for a verdict gives this code; a request that timed out
 *   is %AUTHENTA_ERROR_NETWORK.
 * @AUTHENTA_ERROR_PROTOCOL: the answer could not be understood: not JSON,
 *   truncated, wrongly typed or too large.
 * @AUTHENTA_ERROR_UPLOAD_REJECTED: the storage service refused the upload
 *   (a signature, length, type or expiry problem).
 * @AUTHENTA_ERROR_PROCESSING_FAILED: the service ended processing with
 *   `FAILED` or `ERROR`.
 * @AUTHENTA_ERROR_RATE_LIMITED: the service answered 429 and retries were
 *   exhausted.
 * @AUTHENTA_ERROR_INVALID_ARGUMENT: a value given by the caller cannot be
 *   used: a malformed base URL or media id, an unknown model type, a file
 *   whose size does not match its record or is over
 *   %AUTHENTA_MAX_UPLOAD_SIZE (5 GiB).
 * @AUTHENTA_ERROR_UNSUPPORTED_MEDIA: the file's content type is not one the
 *   service accepts, or could not be recognised.
 * @AUTHENTA_ERROR_NO_SERVICE: no Authenta API answered at the base URL: a
 *   404 or 405 that does not carry the service's JSON error (`code` or
 *   `statusCode`), such as a web site's HTML page.  The base URL is most
 *   likely wrong (it usually ends in `/api`).  Unlike
 *   %AUTHENTA_ERROR_NOT_FOUND it says nothing about a record.
 * @AUTHENTA_ERROR_TLS: the server's TLS certificate is not trusted (or the
 *   CA file cannot be used).  Never retried: give the CA that signed it with
 *   #AuthentaClient:ca-file or `AUTHENTA_CA_FILE`.  Since: 0.2
 * @AUTHENTA_ERROR_JOURNAL: the journal cannot be used: its file is not an
 *   SQLite database, is from a newer version of the library, or cannot be
 *   written (a read-only or full disk); or the entry is unknown or not
 *   claimed by the caller.  The message names the file or the entry.
 *   Since: 0.3
 * @AUTHENTA_ERROR_FILE_CHANGED: a journaled recording is gone, or its size
 *   or SHA-256 is no longer what was journaled; the message names the
 *   entry.  Since: 0.3
 *
 * Codes are only ever appended.
 *
 * Since: 0.1
 */
typedef enum
{
  AUTHENTA_ERROR_INVALID_API_KEY,
  AUTHENTA_ERROR_FORBIDDEN,
  AUTHENTA_ERROR_INSUFFICIENT_BALANCE,
  AUTHENTA_ERROR_NOT_FOUND,
  AUTHENTA_ERROR_BAD_REQUEST,
  AUTHENTA_ERROR_SERVER,
  AUTHENTA_ERROR_NETWORK,
  AUTHENTA_ERROR_TIMEOUT,
  AUTHENTA_ERROR_PROTOCOL,
  AUTHENTA_ERROR_UPLOAD_REJECTED,
  AUTHENTA_ERROR_PROCESSING_FAILED,
  AUTHENTA_ERROR_RATE_LIMITED,
  AUTHENTA_ERROR_INVALID_ARGUMENT,
  AUTHENTA_ERROR_UNSUPPORTED_MEDIA,
  AUTHENTA_ERROR_NO_SERVICE,
  AUTHENTA_ERROR_TLS,
  AUTHENTA_ERROR_JOURNAL,
  AUTHENTA_ERROR_FILE_CHANGED,
} AuthentaError;

AUTHENTA_AVAILABLE_IN_ALL
GQuark authenta_error_quark (void);

/**
 * authenta_error_get_service_code:
 * @error: a #GError, or one a binding handed back (see %AUTHENTA_ERROR)
 *
 * Gets the service's error code behind an error.
 *
 * Returns: (transfer none) (nullable): the service's own error code, such as
 *   "INVALID_API_KEY", or S3's ("SignatureDoesNotMatch"), when @error is in
 *   %AUTHENTA_ERROR and the service sent one.
 *
 * Since: 0.1
 */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_error_get_service_code (const GError *error);

/**
 * authenta_error_get_http_status:
 * @error: a #GError, or one a binding handed back (see %AUTHENTA_ERROR)
 *
 * Gets the HTTP status behind an error.
 *
 * Returns: the HTTP status of the answer behind @error, or 0 when there was
 *   no answer (a network failure) or @error is not in %AUTHENTA_ERROR.  An
 *   answer that arrived but could not be understood
 *   (%AUTHENTA_ERROR_PROTOCOL) keeps its status, such as 200.
 *
 * Since: 0.1
 */
AUTHENTA_AVAILABLE_IN_ALL
guint authenta_error_get_http_status (const GError *error);

/**
 * authenta_error_get_mid:
 * @error: a #GError, or one a binding handed back (see %AUTHENTA_ERROR)
 *
 * Gets the media id an error is about.
 *
 * Returns: (transfer none) (nullable): the media id the failed call was
 *   about, when there was one.
 *
 * Since: 0.1
 */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_error_get_mid (const GError *error);

/**
 * authenta_error_is_transient:
 * @error: (nullable): a #GError
 *
 * Whether the failure behind @error may go away by itself, so that the scan
 * is worth trying again later (a journal keeps it at its stage): the
 * network, the service (5xx, 429, no service at the URL, an answer that
 * could not be understood) or the wait for a verdict
 * (%AUTHENTA_ERROR_NETWORK, %AUTHENTA_ERROR_SERVER, %AUTHENTA_ERROR_TIMEOUT,
 * %AUTHENTA_ERROR_RATE_LIMITED, %AUTHENTA_ERROR_NO_SERVICE,
 * %AUTHENTA_ERROR_PROTOCOL).  Refusals (401, 402, 403, 400), unsupported or
 * changed files, failed processing, TLS trust, journal problems and
 * cancellation are not.
 *
 * Returns: %TRUE for a transient failure.
 *
 * Since: 0.3
 */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_error_is_transient (const GError *error);

/**
 * authenta_error_is_upload_expired:
 * @error: (nullable): a #GError
 *
 * Whether storage refused an upload because its pre-signed URL is past its
 * time (%AUTHENTA_ERROR_UPLOAD_REJECTED with S3's `ExpiredToken` or
 * `RequestExpired`, or `AccessDenied` "Request has expired").  The library
 * renews the record once when it meets one; a caller that still sees it
 * should check the machine's clock.
 *
 * Returns: %TRUE for an expired upload URL.
 *
 * Since: 0.4
 */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_error_is_upload_expired (const GError *error);

G_END_DECLS
