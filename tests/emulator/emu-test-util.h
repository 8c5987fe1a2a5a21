/* Emulator tests: HTTP helpers over libcurl and raw sockets.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "test-emulator.h"

#include <curl/curl.h>
#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TEST_KEY "api_emulator_key"

typedef struct
{
  CURLcode result;
  long status;
  GString *body;
  GPtrArray *headers; /* "Name: value" lines of the final answer */
  double seconds;
  JsonParser *parser;
} HttpReply;

HttpReply *http_do (const char *method, const char *url,
                    const char *const *headers, const char *body,
                    gssize body_len);
void http_reply_free (HttpReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HttpReply, http_reply_free)

/* Case-insensitive; NULL when absent. */
const char *http_reply_header (HttpReply *reply, const char *name);
/* Asserts that the body is a JSON object; owned by @reply. */
JsonObject *http_reply_json (HttpReply *reply);
/* Asserts the service's error shape with @status and @code. */
void assert_api_error (HttpReply *reply, long status, const char *code);
/* Asserts S3's XML error shape with @status and @code. */
void assert_s3_error (HttpReply *reply, long status, const char *code);

/* A call to the API under the emulator's base URL; @key NULL: no
 * Authorization header. */
HttpReply *api_call (TestEmulator *emu, const char *key, const char *method,
                     const char *path, const char *body);

/* POST /media with the default key; asserts 201; returns the mid. */
char *create_media (TestEmulator *emu, const char *name,
                    const char *content_type, gsize size, char **upload_url);
/* PUT @data to @url with @content_type (NULL: no Content-Type). */
HttpReply *put_bytes (const char *url, const char *content_type,
                      const char *data, gsize len, const char *extra_header);
/* Create a record and upload @size bytes to it; returns the mid. */
char *create_and_upload (TestEmulator *emu, const char *name,
                         const char *content_type, gsize size);
/* Polls GET /media/{mid} until @status (asserts within @timeout_ms);
 * returns the record's JSON text. */
char *wait_for_status (TestEmulator *emu, const char *mid, const char *status,
                       guint timeout_ms);
/* Interned: nothing to free. */
const char *get_status (TestEmulator *emu, const char *mid);

/* Raw HTTP/1.1 over a socket, for what curl will not send. */
int raw_connect (TestEmulator *emu);
/* Sends only a request's head on a new connection and returns whatever the
 * emulator answers within timeout_ms: for answers due before any body. */
char *raw_exchange_head (TestEmulator *emu, const char *head, guint timeout_ms);
/* The same from the loopback address @source (e.g. "127.0.0.2"), as
 * another client; -1 when that address cannot be bound here. */
int raw_connect_from (TestEmulator *emu, const char *source);
void raw_send (int fd, const char *data, gsize len);
/* Reads until the peer closes or @timeout_ms of silence. */
char *raw_read (int fd, guint timeout_ms);
/* The path and query of an absolute URL. */
const char *url_path (const char *url);

/* JSON nested @depth levels deep around @inner (NULL: 0): arrays
 * ("[[…]]"), or objects ({"a":{"a":…}}); unclosed leaves the closers out. */
char *nested_json (guint depth, gboolean objects, const char *inner,
                   gboolean unclosed);

/* The log line of the last request to @path_prefix, or NULL. */
char *find_log_line (TestEmulator *emu, const char *needle);

G_END_DECLS
