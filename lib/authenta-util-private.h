/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The most an answer may hold; anything larger is a protocol error and is
 * not read further. */
#define AUTHENTA_MAX_ANSWER_SIZE (1024 * 1024)

/* scheme://host[:port]/path of url: no user info, no query, no fragment.
 * What may be logged or put in an error message about a URL. */
G_GNUC_INTERNAL
char *authenta_redact_url (const char *url);

/* "GET /api/media/abc": what may be logged or said about a request. */
G_GNUC_INTERNAL
char *authenta_describe_request (const char *method, const char *url);

/* The most of a service's message that goes into an error or a log. */
#define AUTHENTA_MAX_SERVICE_TEXT 512

/* Text from the service made fit for a GError message or a log line: made
 * valid UTF-8, control characters (and bidi overrides) replaced by "?",
 * every occurrence of secret (when not NULL or empty) replaced by
 * "[redacted]", and cut, on a character boundary, to at most max_bytes
 * bytes followed by "…".  NULL gives NULL. */
G_GNUC_INTERNAL
char *authenta_sanitize_service_text (const char *text, gsize max_bytes,
                                      const char *secret);

/* When the two texts, joined either way, hold secret across the joint
 * (a key split between an error's code and its message), replaces each
 * part of it with "[redacted]".  Texts are freed and replaced. */
G_GNUC_INTERNAL
void authenta_redact_split_secret (char **first, char **second,
                                   const char *secret);

/* open(path, O_RDONLY | O_CLOEXEC), or -1 with a G_IO_ERROR
 * "Cannot open “path”: reason". */
G_GNUC_INTERNAL
int authenta_open_for_reading (const char *path, GError **error);

/* [0-9A-Za-z_-]{1,64}: what may go into a URL path as a media id. */
G_GNUC_INTERNAL
gboolean authenta_mid_is_valid (const char *mid);

/* Loopback names and addresses: localhost, 127.0.0.0/8, ::1. */
G_GNUC_INTERNAL
gboolean authenta_host_is_loopback (const char *host);

/* Typed member access for answers.  Absent or null members give the
 * "unset" value and TRUE; a member of another type gives
 * AUTHENTA_ERROR_PROTOCOL naming the member, what it held and what
 * was expected, and FALSE. */
G_GNUC_INTERNAL
gboolean authenta_json_get_string (JsonObject *obj, const char *member,
                                   char **out, GError **error);
G_GNUC_INTERNAL
gboolean authenta_json_get_int (JsonObject *obj, const char *member,
                                gint64 *out, gint64 unset, GError **error);
G_GNUC_INTERNAL
gboolean authenta_json_get_double (JsonObject *obj, const char *member,
                                   double *out, double unset, GError **error);
/* out: -1 unset, 0 FALSE, 1 TRUE. */
G_GNUC_INTERNAL
gboolean authenta_json_get_bool (JsonObject *obj, const char *member, int *out,
                                 GError **error);

/* The one way the library parses what the service sends: refuses nesting
 * deeper than AUTHENTA_JSON_MAX_DEPTH before json-glib (which recurses per
 * level) sees it, and makes the parser's message, which quotes the bytes,
 * fit for an error.  Returns the root (transfer full), or NULL and
 * AUTHENTA_ERROR_PROTOCOL ("… is not valid JSON (…)", "… nests …"); an
 * empty document is an error too. */
G_GNUC_INTERNAL
JsonNode *authenta_json_parse (const char *data, gsize length, GError **error);

/* A short name for the type a node holds: "a string", "an object", … */
G_GNUC_INTERNAL
const char *authenta_json_describe (JsonNode *node);

G_END_DECLS
