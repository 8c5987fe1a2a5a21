/* authenta-emulator: injected faults and per-route request counters.
 *
 * Faults are queued per route and consumed in order, one per request; a
 * fault with a count N stays at the head of its queue for N requests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-faults.h"

#include <gio/gio.h>
#include <string.h>

typedef struct
{
  EmuFault fault;
  guint remaining;
} QueuedFault;

struct _EmuFaults
{
  GObject parent_instance;

  GMutex lock;
  GQueue queues[EMU_N_ROUTES];
  guint counts[EMU_N_ROUTES];
};

G_DEFINE_FINAL_TYPE (EmuFaults, emu_faults, G_TYPE_OBJECT)

static const char *const route_names[EMU_N_ROUTES]
    = { "create",       "list",       "get",       "delete",
        "upload",       "job-create", "job-list",  "job-get",
        "job-finalize", "job-cancel", "job-delete" };

static const char *const action_names[]
    = { "status",     "delay",    "drop",   "truncate", "malformed",
        "wrong-type", "oversize", "expire", "no-total", "body" };

const char *
emu_fault_action_name (EmuFaultAction action)
{
  return action_names[action];
}

EmuFault *
emu_fault_copy (const EmuFault *fault)
{
  EmuFault *copy = g_new (EmuFault, 1);

  *copy = *fault;
  copy->code = g_strdup (fault->code);
  copy->message = g_strdup (fault->message);
  copy->body = g_strdup (fault->body);
  copy->content_type = g_strdup (fault->content_type);
  return copy;
}

void
emu_fault_free (EmuFault *fault)
{
  if (fault == NULL)
    return;
  g_free (fault->code);
  g_free (fault->message);
  g_free (fault->body);
  g_free (fault->content_type);
  g_free (fault);
}

static void
queued_fault_free (gpointer data)
{
  QueuedFault *q = data;

  g_free (q->fault.code);
  g_free (q->fault.message);
  g_free (q->fault.body);
  g_free (q->fault.content_type);
  g_free (q);
}

static void
clear_queues (EmuFaults *self)
{
  for (guint i = 0; i < EMU_N_ROUTES; i++)
    {
      g_queue_clear_full (&self->queues[i], queued_fault_free);
      self->counts[i] = 0;
    }
}

static void
emu_faults_finalize (GObject *object)
{
  EmuFaults *self = EMU_FAULTS (object);

  clear_queues (self);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (emu_faults_parent_class)->finalize (object);
}

static void
emu_faults_class_init (EmuFaultsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = emu_faults_finalize;
}

static void
emu_faults_init (EmuFaults *self)
{
  g_mutex_init (&self->lock);
  for (guint i = 0; i < EMU_N_ROUTES; i++)
    g_queue_init (&self->queues[i]);
}

EmuFaults *
emu_faults_new (void)
{
  return g_object_new (EMU_TYPE_FAULTS, NULL);
}

static gboolean
lookup_name (const char *const *names, guint n, const char *name, guint *index)
{
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (names[i], name) == 0)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

/* An integer member, or @fallback when absent; FALSE when it is there but
 * not an integer within [min, max]. */
static gboolean
get_int (JsonObject *obj, const char *name, gint64 min, gint64 max,
         gint64 fallback, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' must be an integer from %" G_GINT64_FORMAT
                   " to %" G_GINT64_FORMAT,
                   name, min, max);
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_string (JsonObject *obj, const char *name, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'%s' must be a string", name);
      return FALSE;
    }
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

/* The "body" action's Content-Type goes into a header as given: no
 * control character (no CR or LF), nothing a header cannot hold. */
#define MAX_CONTENT_TYPE 256

static gboolean
content_type_is_valid (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || len > MAX_CONTENT_TYPE)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar)s[i] < 0x20 || (guchar)s[i] > 0x7e)
      return FALSE;
  return TRUE;
}

gboolean
emu_faults_add_from_json (EmuFaults *self, JsonNode *node, GError **error)
{
  static const char *const known[]
      = { "route",   "action",      "count",    "status", "code",
          "message", "retry_after", "delay_ms", "body",   "content_type" };
  g_autoptr (GList) members = NULL;
  QueuedFault *q;
  JsonObject *obj;
  const char *route_s, *action_s;
  guint route, action, unused;
  gint64 count, status, retry_after, delay_ms;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *body = NULL;
  g_autofree char *content_type = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the fault must be a JSON object");
      return FALSE;
    }
  obj = json_node_get_object (node);
  members = json_object_get_members (obj);
  for (GList *l = members; l != NULL; l = l->next)
    if (!lookup_name (known, G_N_ELEMENTS (known), l->data, &unused))
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                     "unknown member '%s'", (const char *)l->data);
        return FALSE;
      }

  route_s = json_object_get_string_member_with_default (obj, "route", NULL);
  if (route_s == NULL
      || !lookup_name (route_names, EMU_N_ROUTES, route_s, &route))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'route' must be one of create, list, get, delete, "
                   "upload, job-create, job-list, job-get, job-finalize, "
                   "job-cancel, job-delete");
      return FALSE;
    }
  action_s = json_object_get_string_member_with_default (obj, "action", NULL);
  if (action_s == NULL
      || !lookup_name (action_names, G_N_ELEMENTS (action_names), action_s,
                       &action))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'action' must be one of status, delay, drop, truncate, "
                   "malformed, wrong-type, oversize, expire, no-total, "
                   "body");
      return FALSE;
    }
  if (route == EMU_ROUTE_UPLOAD
      && (action == EMU_FAULT_TRUNCATE || action == EMU_FAULT_MALFORMED
          || action == EMU_FAULT_WRONG_TYPE || action == EMU_FAULT_OVERSIZE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "action '%s' does not apply to uploads (S3 answers with "
                   "an empty body)",
                   action_s);
      return FALSE;
    }
  if (route != EMU_ROUTE_LIST && route != EMU_ROUTE_JOB_LIST
      && action == EMU_FAULT_NO_TOTAL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "action 'no-total' applies to list and job-list only");
      return FALSE;
    }
  if (route != EMU_ROUTE_UPLOAD && action == EMU_FAULT_EXPIRE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "action 'expire' applies to uploads only");
      return FALSE;
    }

  if (action != EMU_FAULT_BODY
      && (json_object_has_member (obj, "body")
          || json_object_has_member (obj, "content_type")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "'body' and 'content_type' apply to action 'body' only");
      return FALSE;
    }

  if (!get_int (obj, "count", 1, G_MAXINT, 1, &count, error)
      || !get_int (obj, "status", 200, 599,
                   action == EMU_FAULT_BODY ? 200 : 503, &status, error)
      || !get_int (obj, "retry_after", 0, 86400, -1, &retry_after, error)
      || !get_int (obj, "delay_ms", 0, 600000,
                   action == EMU_FAULT_DELAY ? 1000 : 0, &delay_ms, error)
      || !get_string (obj, "code", &code, error)
      || !get_string (obj, "message", &message, error)
      || !get_string (obj, "body", &body, error)
      || !get_string (obj, "content_type", &content_type, error))
    return FALSE;
  if (action == EMU_FAULT_BODY)
    {
      if (content_type == NULL)
        content_type = g_strdup ("application/json");
      if (!content_type_is_valid (content_type))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "'content_type' must be 1 to %d printable ASCII "
                       "characters (it becomes a header)",
                       MAX_CONTENT_TYPE);
          return FALSE;
        }
      if (body == NULL)
        body = g_strdup ("");
    }

  q = g_new0 (QueuedFault, 1);
  q->remaining = (guint)count;
  q->fault.action = action;
  q->fault.status = (guint)status;
  q->fault.code = g_steal_pointer (&code);
  q->fault.message = g_steal_pointer (&message);
  q->fault.retry_after = (gint)retry_after;
  q->fault.delay_ms = (guint)delay_ms;
  q->fault.body = g_steal_pointer (&body);
  q->fault.content_type = g_steal_pointer (&content_type);

  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->queues[route], q);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

EmuFault *
emu_faults_hit (EmuFaults *self, EmuRoute route)
{
  EmuFault *fault = NULL;
  QueuedFault *q;

  g_return_val_if_fail (route >= 0 && route < EMU_N_ROUTES, NULL);

  g_mutex_lock (&self->lock);
  self->counts[route]++;
  q = g_queue_peek_head (&self->queues[route]);
  if (q != NULL)
    {
      fault = emu_fault_copy (&q->fault);
      if (--q->remaining == 0)
        queued_fault_free (g_queue_pop_head (&self->queues[route]));
    }
  g_mutex_unlock (&self->lock);
  return fault;
}

JsonNode *
emu_faults_dup_stats (EmuFaults *self)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < EMU_N_ROUTES; i++)
    json_object_set_int_member (obj, route_names[i], self->counts[i]);
  g_mutex_unlock (&self->lock);
  json_node_take_object (node, obj);
  return node;
}

void
emu_faults_reset (EmuFaults *self)
{
  g_mutex_lock (&self->lock);
  clear_queues (self);
  g_mutex_unlock (&self->lock);
}
