/* authenta-emulator: the test controls under /_emulator.
 *
 * No authentication, and outside /api so no client can reach them by
 * accident: POST faults, POST config, POST reset, GET stats; and
 * GET log-mark/N, which only writes its log line, so that a test can tell
 * when it has read the log up to that point.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-controls.h"

#include "emu-response.h"

#include "authenta-json-depth.h"

#include <string.h>

static void
answer_error (EmuRequest *req, guint status, const char *message)
{
  g_autofree char *text = emu_error_json (status, NULL, message);

  emu_request_answer (req, status, emu_response_json (text), NULL);
}

static void
answer_ok (EmuRequest *req)
{
  emu_request_answer (req, 200, emu_response_json ("{\"ok\":true}"), NULL);
}

static JsonNode *
parse_body (EmuRequest *req, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  /* json-glib recurses once per level: refuse a deep body before it can
   * overflow the stack. */
  if (!authenta_json_depth_ok (req->body->str, req->body->len,
                               AUTHENTA_JSON_MAX_DEPTH))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   "the body nests too deep (more than %d levels)",
                   AUTHENTA_JSON_MAX_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, req->body->str, req->body->len,
                                   error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_PARSE,
                   "empty body");
      return NULL;
    }
  return json_node_copy (root);
}

static gboolean
config_member (JsonObject *obj, const char *name, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < 0)
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   "'%s' must be a non-negative integer", name);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

/* A string names the status, "" or null turns it off. */
static gboolean
config_status_member (JsonObject *obj, const char *name, const char **out,
                      GError **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = "";
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING
      || (*json_node_get_string (node) != '\0'
          && !emu_intermediate_status_is_valid (json_node_get_string (node))))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   "'%s' must be null or a string of 0 to 32 of A-Z a-z 0-9 "
                   "_ -, not PROCESSED, FAILED or ERROR",
                   name);
      return FALSE;
    }
  *out = json_node_get_string (node);
  return TRUE;
}

static void
handle_config (EmuRequest *req, JsonNode *root)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GList) members = NULL;
  EmuStoreConfig config = { -1, -1, -1, NULL };
  JsonObject *obj;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      answer_error (req, 400, "the configuration must be a JSON object");
      return;
    }
  obj = json_node_get_object (root);
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_str_equal (l->data, "processing_time_ms")
        && !g_str_equal (l->data, "balance")
        && !g_str_equal (l->data, "upload_expiry")
        && !g_str_equal (l->data, "intermediate_status"))
      {
        g_autofree char *msg
            = g_strdup_printf ("unknown member '%s'", (const char *)l->data);
        answer_error (req, 400, msg);
        return;
      }
  if (!config_member (obj, "processing_time_ms", &config.processing_time_ms,
                      &error)
      || !config_member (obj, "balance", &config.balance, &error)
      || !config_member (obj, "upload_expiry", &config.upload_expiry, &error)
      || !config_status_member (obj, "intermediate_status",
                                &config.intermediate_status, &error))
    {
      answer_error (req, 400, error->message);
      return;
    }
  if (config.upload_expiry > 604800)
    {
      answer_error (req, 400, "'upload_expiry' is at most 604800 (7 days)");
      return;
    }
  emu_store_configure (emu_server_get_store (req->server), &config);
  answer_ok (req);
}

void
emu_controls_handle (EmuRequest *req)
{
  const char *what = req->path + strlen ("/_emulator/");
  gboolean post = g_str_equal (req->method, "POST");
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;

  if (g_str_has_prefix (what, "log-mark/"))
    {
      answer_ok (req);
      return;
    }
  if (g_str_equal (what, "stats") && g_str_equal (req->method, "GET"))
    {
      g_autoptr (JsonNode) stats
          = emu_faults_dup_stats (emu_server_get_faults (req->server));

      emu_request_answer (req, 200, emu_response_json_node (stats), NULL);
      return;
    }
  if (g_str_equal (what, "reset") && post)
    {
      emu_server_reset (req->server);
      answer_ok (req);
      return;
    }
  if (!post || (!g_str_equal (what, "faults") && !g_str_equal (what, "config")))
    {
      answer_error (req, 404,
                    "No such control: use POST faults, POST config, "
                    "POST reset or GET stats");
      return;
    }

  if (req->body_too_large)
    {
      answer_error (req, 413, "body too large");
      return;
    }
  root = parse_body (req, &error);
  if (root == NULL)
    {
      g_autofree char *msg
          = g_strdup_printf ("invalid JSON: %s", error->message);
      answer_error (req, 400, msg);
      return;
    }
  if (g_str_equal (what, "config"))
    {
      handle_config (req, root);
      return;
    }
  if (!emu_faults_add_from_json (emu_server_get_faults (req->server), root,
                                 &error))
    {
      answer_error (req, 400, error->message);
      return;
    }
  answer_ok (req);
}
