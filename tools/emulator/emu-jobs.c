/* authenta-emulator: the Jobs API under /api/v1/jobs.
 *
 * Same key, permissions, error shape and check order as the Media API
 * (emu-api.c): authentication (401), permission (403), the request (400),
 * then what it refers to (404, 402, 409, 422).  Jobs live in the store
 * beside the media records; their uploads go through the same S3 endpoint.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-jobs.h"

#include "emu-api.h"
#include "emu-response.h"
#include "emu-tasks.h"

#include <string.h>

#define JOBS_PATH "/api/v1/jobs"
#define LIST_DEFAULT_LIMIT 10
#define LIST_MAX_LIMIT 100
/* jobIds are decimal, at most this many digits (any more is no job's). */
#define MAX_ID_DIGITS 18

gboolean
emu_jobs_is_path (const char *path)
{
  return g_str_equal (path, JOBS_PATH)
         || g_str_has_prefix (path, JOBS_PATH "/");
}

/* The path after /api/v1/jobs/: "" for the collection, else "{id}" or
 * "{id}/finalize"… split into @id and @action (NULL when none). */
static gboolean
split_path (const char *path, char **id, const char **action)
{
  const char *rest, *slash;

  *id = NULL;
  *action = NULL;
  if (g_str_equal (path, JOBS_PATH) || g_str_equal (path, JOBS_PATH "/"))
    return TRUE;
  rest = path + strlen (JOBS_PATH "/");
  slash = strchr (rest, '/');
  if (slash == NULL)
    {
      *id = g_strdup (rest);
      return TRUE;
    }
  if (slash == rest || strchr (slash + 1, '/') != NULL)
    return FALSE;
  *id = g_strndup (rest, slash - rest);
  *action = slash + 1;
  return g_str_equal (*action, "finalize") || g_str_equal (*action, "cancel");
}

EmuRoute
emu_jobs_classify (const char *method, const char *path)
{
  g_autofree char *id = NULL;
  const char *action;

  if (!split_path (path, &id, &action))
    return EMU_ROUTE_NONE;
  if (id == NULL)
    {
      if (g_str_equal (method, "POST"))
        return EMU_ROUTE_JOB_CREATE;
      if (g_str_equal (method, "GET"))
        return EMU_ROUTE_JOB_LIST;
      return EMU_ROUTE_NONE;
    }
  if (action == NULL)
    {
      if (g_str_equal (method, "GET"))
        return EMU_ROUTE_JOB_GET;
      if (g_str_equal (method, "DELETE"))
        return EMU_ROUTE_JOB_DELETE;
      return EMU_ROUTE_NONE;
    }
  if (!g_str_equal (method, "POST"))
    return EMU_ROUTE_NONE;
  return g_str_equal (action, "finalize") ? EMU_ROUTE_JOB_FINALIZE
                                          : EMU_ROUTE_JOB_CANCEL;
}

#define fail emu_api_fail

static guint
fail_code (char **body, guint status, const char *code, const char *message)
{
  *body = emu_error_json (status, code, message);
  return status;
}

static guint
answer (char **body, guint status, JsonNode *node)
{
  *body = json_to_string (node, FALSE);
  json_node_unref (node);
  return status;
}

/* The task, from ?taskTypeId= (a number or a slug), else the body's
 * taskTypeId (a number, or a string holding a number or a slug), else the
 * body's taskType or taskTypeSlug (a slug). */
static const EmuTask *
find_task (EmuRequest *req, JsonObject *obj, char **body, guint *status)
{
  static const char *const members[]
      = { "taskTypeId", "taskType", "taskTypeSlug" };
  const char *query = emu_request_query (req, "taskTypeId");
  const EmuTask *task = NULL;
  gboolean given = FALSE;

  if (query != NULL && *query)
    {
      given = TRUE;
      task = emu_task_lookup (query);
    }
  for (guint i = 0; !given && i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (obj, members[i]);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      given = TRUE;
      if (JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_INT64)
        task = emu_task_by_id (json_node_get_int (node));
      else if (JSON_NODE_HOLDS_VALUE (node)
               && json_node_get_value_type (node) == G_TYPE_STRING)
        task = emu_task_lookup (json_node_get_string (node));
    }
  if (task == NULL)
    *status = fail_code (
        body, 400, "INVALID_TASK_TYPE",
        given ? "Unknown task type: use a taskTypeId from 1 to 11 or its slug "
                "(ai-image-detection, ai-audio-detection, …)"
              : "taskTypeId is required (?taskTypeId=N)");
  return task;
}

static guint
handle_create (EmuRequest *req, char **body)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) job = NULL;
  g_autoptr (GError) error = NULL;
  const char *content_type, *file_name = "upload", *slot_name = "original";
  JsonNode *inputs, *name_node, *slot_node, *parameters;
  const EmuTask *task;
  JsonObject *obj, *input;
  JsonArray *array;
  guint status = 0;
  gint64 size;

  if ((root = emu_api_parse_object (req, body, &status)) == NULL)
    return status;
  obj = json_node_get_object (root);
  if ((task = find_task (req, obj, body, &status)) == NULL)
    return status;

  inputs = json_object_get_member (obj, "inputs");
  if (inputs == NULL || !JSON_NODE_HOLDS_ARRAY (inputs))
    return fail (body, 400, "inputs must be an array of one input");
  array = json_node_get_array (inputs);
  if (json_array_get_length (array) != 1)
    return fail (body, 400, "inputs must hold exactly one input");
  if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (array, 0)))
    return fail (body, 400, "inputs[0] must be an object");
  input = json_array_get_object_element (array, 0);

  slot_node = json_object_get_member (input, "slotName");
  if (slot_node && !JSON_NODE_HOLDS_NULL (slot_node))
    {
      if (!JSON_NODE_HOLDS_VALUE (slot_node)
          || json_node_get_value_type (slot_node) != G_TYPE_STRING
          || !g_str_equal (json_node_get_string (slot_node), "original"))
        return fail (body, 400, "inputs[0].slotName must be \"original\"");
    }
  (void)slot_name;
  name_node = json_object_get_member (input, "fileName");
  if (name_node && !JSON_NODE_HOLDS_NULL (name_node))
    {
      if (!JSON_NODE_HOLDS_VALUE (name_node)
          || json_node_get_value_type (name_node) != G_TYPE_STRING
          || *json_node_get_string (name_node) == '\0')
        return fail (body, 400,
                     "inputs[0].fileName must be a non-empty "
                     "string");
      file_name = json_node_get_string (name_node);
    }
  if ((content_type
       = emu_api_require_string (input, "contentType", body, &status))
      == NULL)
    return status;
  if (!emu_task_accepts (task, content_type))
    {
      g_autofree char *types = emu_task_dup_content_types (task);
      g_autofree char *msg
          = g_strdup_printf ("Task %s does not take '%s': it takes %s",
                             task->slug, content_type, types);
      return fail_code (body, 400, "UNSUPPORTED_MEDIA_TYPE", msg);
    }

  if ((status = emu_api_require_size (input, "sizeBytes", "inputs[0].sizeBytes",
                                      &size, body))
      != 0)
    return status;

  parameters = json_object_get_member (obj, "parameters");
  if (parameters && JSON_NODE_HOLDS_NULL (parameters))
    parameters = NULL;
  if (parameters && !JSON_NODE_HOLDS_OBJECT (parameters))
    return fail (body, 400, "parameters must be an object");

  job = emu_store_create_job (emu_server_get_store (req->server), task,
                              "original", file_name, content_type, size,
                              parameters, &error);
  if (job == NULL)
    return fail_code (body, 402, "INSUFFICIENT_BALANCE", error->message);
  return answer (body, 200, g_steal_pointer (&job));
}

/* A positive integer query parameter, or @fallback when absent. */
static gboolean
query_uint (EmuRequest *req, const char *name, guint64 fallback, guint64 *out)
{
  const char *s = emu_request_query (req, name);

  if (s == NULL || *s == '\0')
    {
      *out = fallback;
      return TRUE;
    }
  return g_ascii_string_to_unsigned (s, 10, 1, G_MAXINT, out, NULL);
}

static guint
handle_list (EmuRequest *req, char **body)
{
  const char *status = emu_request_query (req, "status");
  guint64 page, limit;

  if (!query_uint (req, "page", 1, &page))
    return fail (body, 400, "page must be a positive integer");
  if (!query_uint (req, "limit", LIST_DEFAULT_LIMIT, &limit))
    return fail (body, 400, "limit must be a positive integer");
  /* As the Media API's list: a limit over 100 is served as 100. */
  limit = MIN (limit, LIST_MAX_LIMIT);
  if (status != NULL && *status == '\0')
    status = NULL;
  if (status != NULL && !emu_job_status_is_known (status))
    return fail (body, 400,
                 "status must be one of created, waiting_for_finalize, "
                 "queued, processing, completed, failed, cancelled");
  return answer (body, 200,
                 emu_store_list_jobs (emu_server_get_store (req->server),
                                      (guint)page, (guint)limit, status));
}

/* The jobId segment: decimal digits, no sign, no leading zero.  Anything
 * else is a 400; a number too long for any job is simply not found. */
static guint
parse_id (const char *s, gint64 *id, char **body)
{
  gsize len = strlen (s);
  guint64 value;

  if (len == 0 || strspn (s, "0123456789") != len || s[0] == '0')
    return fail (body, 400, "Malformed jobId: expected a positive integer");
  if (len > MAX_ID_DIGITS
      || !g_ascii_string_to_unsigned (s, 10, 1, G_MAXINT64, &value, NULL))
    {
      *id = -1;
      return 0;
    }
  *id = (gint64)value;
  return 0;
}

static guint
not_found (char **body, guint status)
{
  return fail_code (body, status, "JOB_NOT_FOUND", "Job not found");
}

guint
emu_jobs_handle (EmuRequest *req, char **body)
{
  static const EmuPerms needed[] = {
    [EMU_ROUTE_JOB_CREATE] = EMU_PERM_WRITE,
    [EMU_ROUTE_JOB_LIST] = EMU_PERM_READ,
    [EMU_ROUTE_JOB_GET] = EMU_PERM_READ,
    [EMU_ROUTE_JOB_FINALIZE] = EMU_PERM_WRITE,
    [EMU_ROUTE_JOB_CANCEL] = EMU_PERM_WRITE,
    [EMU_ROUTE_JOB_DELETE] = EMU_PERM_DELETE,
  };
  EmuStore *store = emu_server_get_store (req->server);
  g_autofree char *id_text = NULL;
  JsonNode *node = NULL;
  const char *action;
  guint status;
  gint64 id = -1;

  if (req->route < EMU_ROUTE_JOB_CREATE)
    {
      if (split_path (req->path, &id_text, &action))
        return fail (body, 405, "Method not allowed");
      return fail (body, 404, "No such endpoint");
    }
  if ((status = emu_api_check_auth (req, needed[req->route], body)) != 0)
    return status;
  if (req->route == EMU_ROUTE_JOB_CREATE)
    return handle_create (req, body);
  if (req->route == EMU_ROUTE_JOB_LIST)
    return handle_list (req, body);

  split_path (req->path, &id_text, &action);
  if ((status = parse_id (id_text, &id, body)) != 0)
    return status;

  switch (req->route)
    {
    case EMU_ROUTE_JOB_GET:
      node = id > 0 ? emu_store_get_job (store, id) : NULL;
      if (node == NULL)
        return not_found (body, 404);
      return answer (body, 200, node);
    case EMU_ROUTE_JOB_DELETE:
      if (id <= 0 || !emu_store_delete_job (store, id))
        return not_found (body, 404);
      *body = NULL;
      return 204;
    case EMU_ROUTE_JOB_FINALIZE:
      switch (id > 0 ? emu_store_finalize_job (store, id, &node)
                     : EMU_JOB_NOT_FOUND)
        {
        case EMU_JOB_OK:
          return answer (body, 200, node);
        case EMU_JOB_NOT_FOUND:
          /* The reference: 400 when not found or already finalized. */
          return not_found (body, 400);
        case EMU_JOB_NOT_UPLOADED:
          return fail (body, 400,
                       "Job has no upload yet: PUT the file to "
                       "inputs[0].uploadUrl, then finalize");
        case EMU_JOB_CANCELLED:
          return fail (body, 400, "Job was cancelled");
        default:
          return fail (body, 400, "Job is already finalized");
        }
    default: /* EMU_ROUTE_JOB_CANCEL */
      switch (id > 0 ? emu_store_cancel_job (store, id, &node)
                     : EMU_JOB_NOT_FOUND)
        {
        case EMU_JOB_OK:
          return answer (body, 200, node);
        case EMU_JOB_NOT_FOUND:
          return not_found (body, 404);
        case EMU_JOB_CANCELLED:
          return fail_code (body, 422, "INVALID_JOB_STATE",
                            "Job is already cancelled");
        default:
          return fail_code (body, 409, "CONFLICT",
                            "Job is already processing or done: too late "
                            "to cancel");
        }
    }
}
