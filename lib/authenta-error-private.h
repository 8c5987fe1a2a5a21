/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <authenta/authenta-error.h>
#include <curl/curl.h>

G_BEGIN_DECLS

/* A GError in AUTHENTA_ERROR carrying the service's details; any of
 * service_code and mid may be NULL, http_status 0. */
G_GNUC_INTERNAL
GError *authenta_error_new_full (AuthentaError code, guint http_status,
                                 const char *service_code, const char *mid,
                                 const char *format, ...) G_GNUC_PRINTF (5, 6);

/* Prefixes error's message with "what: " and, when mid is given and the
 * message does not name it yet, appends " (mid MID)" and records it. */
G_GNUC_INTERNAL
void authenta_error_add_context (GError *error, const char *what,
                                 const char *mid);

/* Records the HTTP status of the answer behind error (an AUTHENTA_ERROR
 * made without one, e.g. about an answer's content), unless it has one. */
G_GNUC_INTERNAL
void authenta_error_set_http_status (GError *error, guint http_status);

/* Whether a curl code is a certificate problem (never retried), and the
 * error for it: host (NULL: "the server") is the one whose certificate
 * was refused, and the message says how to trust its CA. */
G_GNUC_INTERNAL
gboolean authenta_error_curl_is_tls (CURLcode code);
G_GNUC_INTERNAL
GError *authenta_error_new_tls (const char *what, const char *host,
                                CURLcode curl_code, const char *detail,
                                const char *mid);

/* Where an answer came from: the service's API (JSON errors) or the storage
 * service behind a pre-signed URL (S3, XML errors). */
typedef enum
{
  AUTHENTA_ORIGIN_API,
  AUTHENTA_ORIGIN_STORAGE,
} AuthentaOrigin;

/* The one mapping from what a request produced to an AUTHENTA_ERROR.
 *
 * what: what was being done, for the message ("GET /api/media/…").
 * curl_code: CURLE_OK when an answer arrived; then http_status and the body
 *   (JSON from the API, XML from storage, or anything else) are used.
 * curl_detail: curl's error buffer, may be NULL or empty.
 * mid: the record the call was about, may be NULL.
 * secret: the client's API key, may be NULL: replaced by "[redacted]"
 *   wherever the service's code or message repeats it.  The service's
 *   message is also cut to AUTHENTA_MAX_SERVICE_TEXT bytes and its control
 *   characters replaced (see authenta_sanitize_service_text()).
 *
 * Never returns NULL; do not call it for a 2xx answer. */
G_GNUC_INTERNAL
GError *authenta_error_from_response (const char *what, AuthentaOrigin origin,
                                      CURLcode curl_code,
                                      const char *curl_detail,
                                      guint http_status, const char *body,
                                      gsize body_length, const char *mid,
                                      const char *secret);

/* Extracts <Code> and <Message> from an S3 XML error body; either out
 * argument may be NULL.  Returns FALSE when the body is not such XML. */
G_GNUC_INTERNAL
gboolean authenta_error_parse_s3_xml (const char *body, gsize length,
                                      char **out_code, char **out_message);

G_END_DECLS
