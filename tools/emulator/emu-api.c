/* authenta-emulator: the service's API under /api.
 *
 * Checks run in the order a client can rely on: authentication (401),
 * the key's permission for the route (403), the request itself (400), then
 * the state it refers to (404, 402).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-api.h"

#include "emu-jobs.h"
#include "emu-response.h"

#include "authenta-json-depth.h"

#include <string.h>

#define MEDIA_PATH "/api/media"
#define LIST_DEFAULT_LIMIT 20
#define LIST_MAX_LIMIT 100
/* The most one PUT can upload (S3's limit, which the library enforces
 * too): a record for more could never be completed. */
#define MAX_MEDIA_SIZE G_GINT64_CONSTANT (5368709120)

static const char *const content_types[]
    = { "video/mp4",        "video/quicktime", "video/webm",
        "video/x-matroska", "image/jpeg",      "image/png" };
static const char *const model_types[] = { "DF-1", "AC-1", "FD-1", "FI-1" };

static gboolean
in_list (const char *const *list, guint n, const char *s)
{
  for (guint i = 0; i < n; i++)
    if (g_str_equal (list[i], s))
      return TRUE;
  return FALSE;
}

/* The mid part of /api/media/{mid}, or NULL for the collection. */
static const char *
path_mid (const char *path)
{
  const char *rest;

  if (!g_str_has_prefix (path, MEDIA_PATH "/"))
    return NULL;
  rest = path + strlen (MEDIA_PATH "/");
  return *rest ? rest : NULL;
}

static gboolean
is_collection (const char *path)
{
  return g_str_equal (path, MEDIA_PATH) || g_str_equal (path, MEDIA_PATH "/");
}

EmuRoute
emu_api_classify (const char *method, const char *path)
{
  if (emu_jobs_is_path (path))
    return emu_jobs_classify (method, path);
  if (is_collection (path))
    {
      if (g_str_equal (method, "POST"))
        return EMU_ROUTE_CREATE;
      if (g_str_equal (method, "GET"))
        return EMU_ROUTE_LIST;
    }
  else if (path_mid (path) != NULL)
    {
      if (g_str_equal (method, "GET"))
        return EMU_ROUTE_GET;
      if (g_str_equal (method, "DELETE"))
        return EMU_ROUTE_DELETE;
    }
  else if (g_str_has_prefix (path, "/s3/") && g_str_equal (method, "PUT"))
    return EMU_ROUTE_UPLOAD;
  return EMU_ROUTE_NONE;
}

guint
emu_api_fail (char **body, guint status, const char *message)
{
  *body = emu_error_json (status, NULL, message);
  return status;
}
#define fail emu_api_fail
#define require_string emu_api_require_string

guint
emu_api_check_auth (EmuRequest *req, EmuPerms needed, char **body)
{
  const char *auth = emu_request_header (req, MHD_HTTP_HEADER_AUTHORIZATION);
  g_autofree char *key = NULL;
  EmuPerms perms = 0;

  /* Never echo the key or the header in an answer or a log line. */
  if (auth == NULL)
    return fail (body, 401, "Missing API key: send Authorization: Bearer KEY");
  if (g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    return fail (body, 401, "Invalid authorization scheme: use Bearer");
  key = g_strstrip (g_strdup (auth + 7));
  if (!emu_server_lookup_key (req->server, key, &perms))
    return fail (body, 401, "Invalid API key");
  if ((perms & needed) == 0)
    return fail (body, 403,
                 needed == EMU_PERM_READ ? "API key lacks the Read permission"
                 : needed == EMU_PERM_WRITE
                     ? "API key lacks the Write permission"
                     : "API key lacks the Delete "
                       "permission");
  return 0;
}

/* A string member, NULL with @body set when it is absent or not one. */
const char *
emu_api_require_string (JsonObject *obj, const char *name, char **body,
                        guint *status)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *msg = g_strdup_printf ("%s is required", name);
      *status = fail (body, 400, msg);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *msg = g_strdup_printf ("%s must be a string", name);
      *status = fail (body, 400, msg);
      return NULL;
    }
  return json_node_get_string (node);
}

JsonNode *
emu_api_parse_object (EmuRequest *req, char **body, guint *status)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  if (req->body_too_large)
    {
      *status = fail (body, 413, "Request body too large");
      return NULL;
    }
  /* json-glib recurses once per level: refuse a deep body before it can
   * overflow the stack. */
  if (!authenta_json_depth_ok (req->body->str, req->body->len,
                               AUTHENTA_JSON_MAX_DEPTH))
    {
      *status = fail (body, 400,
                      "Request body nests too deep (more than " G_STRINGIFY (
                          AUTHENTA_JSON_MAX_DEPTH) " levels)");
      return NULL;
    }
  /* An empty body parses to no root at all. */
  if (!json_parser_load_from_data (parser, req->body->str, req->body->len,
                                   &error)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      *status = fail (body, 400, "Request body must be a JSON object");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

static guint
handle_create (EmuRequest *req, char **body)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) record = NULL;
  const char *name, *content_type, *model_type;
  JsonNode *metadata;
  JsonObject *obj;
  guint status = 0;
  gint64 size;

  if ((root = emu_api_parse_object (req, body, &status)) == NULL)
    return status;
  obj = json_node_get_object (root);
  if ((name = require_string (obj, "name", body, &status)) == NULL)
    return status;
  if (*name == '\0')
    return fail (body, 400, "name must not be empty");
  if ((content_type = require_string (obj, "contentType", body, &status))
      == NULL)
    return status;
  if (!in_list (content_types, G_N_ELEMENTS (content_types), content_type))
    {
      g_autofree char *msg = g_strdup_printf (
          "Unsupported contentType '%s': use video/mp4, video/quicktime, "
          "video/webm, video/x-matroska, image/jpeg or image/png",
          content_type);
      return fail (body, 400, msg);
    }

  if ((status = emu_api_require_size (obj, "size", "size", &size, body)) != 0)
    return status;

  if ((model_type = require_string (obj, "modelType", body, &status)) == NULL)
    return status;
  if (!in_list (model_types, G_N_ELEMENTS (model_types), model_type))
    {
      g_autofree char *msg = g_strdup_printf (
          "Unknown modelType '%s': use DF-1, AC-1, FD-1 or FI-1", model_type);
      return fail (body, 400, msg);
    }
  metadata = json_object_get_member (obj, "metadata");
  if (metadata != NULL && !JSON_NODE_HOLDS_OBJECT (metadata))
    return fail (body, 400, "metadata must be an object");
  if (g_str_equal (model_type, "FI-1") && metadata == NULL)
    return fail (body, 400, "modelType FI-1 needs a metadata object");

  record = emu_store_create (emu_server_get_store (req->server), name,
                             content_type, size, model_type, metadata, &error);
  if (record == NULL)
    {
      *body = emu_error_json (402, "INSUFFICIENT_BALANCE", error->message);
      return 402;
    }
  *body = json_to_string (record, FALSE);
  return 201;
}

guint
emu_api_require_size (JsonObject *obj, const char *name, const char *shown,
                      gint64 *out, char **body)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *msg = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    msg = g_strdup_printf ("%s is required", shown);
  else if (!JSON_NODE_HOLDS_VALUE (node)
           || json_node_get_value_type (node) != G_TYPE_INT64)
    msg = g_strdup_printf ("%s must be an integer", shown);
  else if ((*out = json_node_get_int (node)) <= 0)
    msg = g_strdup_printf ("%s must be positive", shown);
  else if (*out > MAX_MEDIA_SIZE)
    msg = g_strdup_printf ("%s must be at most 5368709120 bytes (5 GiB, the "
                           "most one upload can send)",
                           shown);
  return msg ? fail (body, 400, msg) : 0;
}

/* A non-negative integer query parameter, or @fallback when absent. */
static gboolean
query_uint (EmuRequest *req, const char *name, guint64 min, guint64 fallback,
            guint64 *out)
{
  const char *s = emu_request_query (req, name);

  if (s == NULL || *s == '\0')
    {
      *out = fallback;
      return TRUE;
    }
  return g_ascii_string_to_unsigned (s, 10, min, G_MAXINT, out, NULL);
}

static guint
handle_list (EmuRequest *req, char **body)
{
  g_autoptr (JsonNode) list = NULL;
  guint64 limit, offset;

  if (!query_uint (req, "limit", 1, LIST_DEFAULT_LIMIT, &limit))
    return fail (body, 400, "limit must be a positive integer");
  if (!query_uint (req, "offset", 0, 0, &offset))
    return fail (body, 400, "offset must be a non-negative integer");
  limit = MIN (limit, LIST_MAX_LIMIT);

  list = emu_store_list (emu_server_get_store (req->server), (guint)limit,
                         (guint)offset);
  *body = json_to_string (list, FALSE);
  return 200;
}

static guint
handle_get (EmuRequest *req, const char *mid, char **body)
{
  g_autoptr (JsonNode) record = NULL;

  record = emu_store_get (emu_server_get_store (req->server), mid);
  if (record == NULL)
    return fail (body, 404, "Media not found");
  *body = json_to_string (record, FALSE);
  return 200;
}

static guint
handle_delete (EmuRequest *req, const char *mid, char **body)
{
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) root = NULL;

  if (!emu_store_delete (emu_server_get_store (req->server), mid))
    return fail (body, 404, "Media not found");
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mid");
  json_builder_add_string_value (b, mid);
  json_builder_set_member_name (b, "deleted");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, "Media deleted");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  *body = json_to_string (root, FALSE);
  return 200;
}

guint
emu_api_handle (EmuRequest *req, char **body)
{
  static const EmuPerms needed[EMU_ROUTE_UPLOAD + 1]
      = { EMU_PERM_WRITE, EMU_PERM_READ, EMU_PERM_READ, EMU_PERM_DELETE, 0 };
  const char *mid;
  guint status;

  if (emu_jobs_is_path (req->path))
    return emu_jobs_handle (req, body);
  if (req->route == EMU_ROUTE_NONE || req->route == EMU_ROUTE_UPLOAD
      || req->route >= EMU_ROUTE_JOB_CREATE)
    {
      if (is_collection (req->path) || path_mid (req->path) != NULL)
        return fail (body, 405, "Method not allowed");
      return fail (body, 404, "No such endpoint");
    }

  if ((status = emu_api_check_auth (req, needed[req->route], body)) != 0)
    return status;

  switch (req->route)
    {
    case EMU_ROUTE_CREATE:
      return handle_create (req, body);
    case EMU_ROUTE_LIST:
      return handle_list (req, body);
    default:
      break;
    }

  mid = path_mid (req->path);
  if (!emu_mid_is_valid (mid))
    return fail (body, 400, "Malformed mid: expected 24 hexadecimal digits");
  if (req->route == EMU_ROUTE_GET)
    return handle_get (req, mid, body);
  return handle_delete (req, mid, body);
}
