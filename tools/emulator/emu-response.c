/* authenta-emulator: answers in the service's and S3's shapes, and the
 * deliberately broken answers of the fault actions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-response.h"

#include <string.h>

const char *
emu_default_code (guint status)
{
  switch (status)
    {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "INVALID_API_KEY";
    case 402:
      return "INSUFFICIENT_BALANCE";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 408:
      return "REQUEST_TIMEOUT";
    case 409:
      return "CONFLICT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 429:
      return "TOO_MANY_REQUESTS";
    case 500:
      return "INTERNAL_SERVER_ERROR";
    case 501:
      return "NOT_IMPLEMENTED";
    case 502:
      return "BAD_GATEWAY";
    case 503:
      return "SERVICE_UNAVAILABLE";
    case 504:
      return "GATEWAY_TIMEOUT";
    default:
      return status >= 500 ? "INTERNAL_SERVER_ERROR" : "BAD_REQUEST";
    }
}

const char *
emu_default_s3_code (guint status)
{
  switch (status)
    {
    case 400:
      return "BadRequest";
    case 403:
      return "AccessDenied";
    case 404:
      return "NoSuchKey";
    case 405:
      return "MethodNotAllowed";
    case 408:
      return "RequestTimeout";
    case 411:
      return "MissingContentLength";
    case 429:
      return "TooManyRequests";
    case 500:
      return "InternalError";
    case 501:
      return "NotImplemented";
    case 503:
      return "SlowDown";
    default:
      return status >= 500 ? "InternalError" : "BadRequest";
    }
}

const char *
emu_default_message (guint status)
{
  const char *phrase = MHD_get_reason_phrase_for (status);

  return phrase && *phrase ? phrase : "Error";
}

const char *
emu_default_s3_message (guint status)
{
  switch (status)
    {
    case 500:
      return "We encountered an internal error. Please try again.";
    case 503:
      return "Please reduce your request rate.";
    default:
      return emu_default_message (status);
    }
}

char *
emu_error_json (guint status, const char *code, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code ? code : emu_default_code (status));
  json_builder_set_member_name (b, "statusCode");
  json_builder_add_int_value (b, status);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message ? message
                                            : emu_default_message (status));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

char *
emu_wrong_type_json (EmuRoute route)
{
  /* Well-formed JSON with the record's key fields of the wrong types. */
  static const char record[]
      = "{\"mid\":123456789012,\"name\":\"wrong-type\",\"type\":\"Video\","
        "\"status\":{\"value\":\"PROCESSED\"},\"modelType\":\"DF-1\","
        "\"createdAt\":\"2025-12-02T19:39:27.525Z\"}";

  /* The same for a job: jobId an object, status a number. */
  static const char job[]
      = "{\"jobId\":{\"id\":469},\"taskTypeId\":\"two\","
        "\"taskTypeSlug\":2,\"status\":7,"
        "\"createdAt\":\"2025-12-02T19:39:27.525Z\",\"result\":\"fake\"}";

  if (route == EMU_ROUTE_LIST)
    return g_strdup_printf (
        "{\"limit\":20,\"offset\":0,\"total\":1,\"data\":[%s]}", record);
  if (route == EMU_ROUTE_JOB_LIST)
    return g_strdup_printf ("{\"data\":[%s],\"pagination\":{\"page\":1,"
                            "\"limit\":10,\"total\":1,\"pages\":1}}",
                            job);
  if (route >= EMU_ROUTE_JOB_CREATE)
    return g_strdup (job);
  return g_strdup (record);
}

static struct MHD_Response *
response_copy (const char *data, gsize len, const char *content_type)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer (
      len, (void *)data, MHD_RESPMEM_MUST_COPY);

  if (content_type)
    MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
  return resp;
}

struct MHD_Response *
emu_response_json (const char *text)
{
  return response_copy (text, strlen (text), "application/json");
}

struct MHD_Response *
emu_response_json_node (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return emu_response_json (text);
}

struct MHD_Response *
emu_response_s3_error (const char *code, const char *message,
                       const char *extra_xml)
{
  g_autofree char *code_e = g_markup_escape_text (code, -1);
  g_autofree char *message_e = g_markup_escape_text (message, -1);
  g_autofree char *request_id
      = g_strdup_printf ("%08X%08X", g_random_int (), g_random_int ());
  g_autofree char *xml = g_strdup_printf (
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>%s</Code><Message>%s</Message>%s<RequestId>%s</RequestId>"
      "<HostId>YXV0aGVudGEtZW11bGF0b3I=</HostId></Error>",
      code_e, message_e, extra_xml ? extra_xml : "", request_id);
  struct MHD_Response *resp
      = response_copy (xml, strlen (xml), "application/xml");

  MHD_add_response_header (resp, "x-amz-request-id", request_id);
  return resp;
}

struct MHD_Response *
emu_response_site_not_found (void)
{
  static const char html[]
      = "<!DOCTYPE html><html><head><title>404: This page could not be "
        "found</title></head><body><h1>404</h1><p>This page could not be "
        "found.</p></body></html>";

  return response_copy (html, strlen (html), "text/html; charset=utf-8");
}

struct MHD_Response *
emu_response_raw (const char *text, const char *content_type)
{
  return response_copy (text, strlen (text), content_type);
}

struct MHD_Response *
emu_response_empty (void)
{
  return MHD_create_response_from_buffer (0, (void *)"",
                                          MHD_RESPMEM_PERSISTENT);
}

typedef struct
{
  char *text;
  gsize len;
  gsize cut; /* bytes sent before the connection is dropped */
} Body;

static void
body_free (void *cls)
{
  Body *body = cls;

  g_free (body->text);
  g_free (body);
}

static ssize_t
dropped_reader (void *cls, uint64_t pos, char *buf, size_t max)
{
  Body *body = cls;
  gsize n;

  if (pos >= body->cut)
    return MHD_CONTENT_READER_END_WITH_ERROR; /* MHD closes the socket */
  n = MIN (max, body->cut - pos);
  memcpy (buf, body->text + pos, n);
  return (ssize_t)n;
}

struct MHD_Response *
emu_response_dropped (const char *text)
{
  Body *body = g_new0 (Body, 1);
  struct MHD_Response *resp;

  /* Announce the whole length, send half, then close. */
  body->text = g_strdup (text);
  body->len = strlen (text);
  body->cut = MAX (body->len / 2, 1);
  if (body->len < 2)
    {
      g_free (body->text);
      body->text = g_strdup ("{\"dropped\":true}");
      body->len = strlen (body->text);
      body->cut = body->len / 2;
    }
  resp = MHD_create_response_from_callback (body->len, 4096, dropped_reader,
                                            body, body_free);
  MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                           "application/json");
  return resp;
}

struct MHD_Response *
emu_response_truncated (const char *text)
{
  return response_copy (text, strlen (text) / 2, "application/json");
}

struct MHD_Response *
emu_response_malformed (void)
{
  static const char html[]
      = "<html><head><title>502 Bad Gateway</title></head>"
        "<body>upstream sent an invalid response</body></html>";

  /* Labelled JSON, as a misbehaving gateway might. */
  return response_copy (html, strlen (html), "application/json");
}

typedef struct
{
  char *head; /* the record without its closing brace, then the padding key */
  gsize head_len;
  guint64 total;
} Oversize;

static void
oversize_free (void *cls)
{
  Oversize *o = cls;

  g_free (o->head);
  g_free (o);
}

static ssize_t
oversize_reader (void *cls, uint64_t pos, char *buf, size_t max)
{
  Oversize *o = cls;
  size_t n = 0;

  /* head, then 'x' up to the closing "\"}" of the padding member. */
  while (n < max && pos < o->total)
    {
      if (pos < o->head_len)
        buf[n] = o->head[pos];
      else if (pos == o->total - 2)
        buf[n] = '"';
      else if (pos == o->total - 1)
        buf[n] = '}';
      else
        buf[n] = 'x';
      n++;
      pos++;
    }
  return n > 0 ? (ssize_t)n : MHD_CONTENT_READER_END_OF_STREAM;
}

struct MHD_Response *
emu_response_oversize (const char *text)
{
  Oversize *o = g_new0 (Oversize, 1);
  gsize len = strlen (text);
  struct MHD_Response *resp;

  /* A valid object, made huge by a padding member generated on the fly. */
  while (len > 0 && text[len - 1] != '}')
    len--;
  if (len < 2)
    {
      text = "{}";
      len = 2;
    }
  o->head = g_strdup_printf ("%.*s%s\"padding\":\"", (int)(len - 1), text,
                             len > 2 ? "," : "");
  o->head_len = strlen (o->head);
  o->total = EMU_OVERSIZE_BYTES;
  resp = MHD_create_response_from_callback (o->total, 64 * 1024,
                                            oversize_reader, o, oversize_free);
  MHD_add_response_header (resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                           "application/json");
  return resp;
}
