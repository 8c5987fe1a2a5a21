/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include "authenta-media-private.h"

#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-error-private.h"
#include "authenta-participant-private.h"
#include "authenta-util-private.h"

struct _AuthentaMedia
{
  GObject parent_instance;

  char *json;
  char *mid;
  char *name;
  char *media_type;
  char *status;
  char *model_type;
  char *created_at;
  char *upload_url;
  gint64 expires_in;
  char *content_type;
  guint64 size;

  gint64 faces;
  gint64 deepfakes;
  int fake; /* -1: absent */
  double confidence;
  char *result_url;
  char *src_url;
  char *heatmap_url;
  GPtrArray *participants;

  int verdict;     /* -1: unknown fakeness, 0: authentic, 1: fake */
  gboolean is_job; /* a job of the Jobs API, not a Media API record */
  char *task;      /* the model or the Jobs API task's slug */
  char *error_message;
};

G_DEFINE_FINAL_TYPE (AuthentaMedia, authenta_media, G_TYPE_OBJECT)

static void
authenta_media_finalize (GObject *object)
{
  AuthentaMedia *self = AUTHENTA_MEDIA (object);

  g_free (self->json);
  g_free (self->mid);
  g_free (self->name);
  g_free (self->media_type);
  g_free (self->status);
  g_free (self->model_type);
  g_free (self->created_at);
  g_free (self->upload_url);
  g_free (self->content_type);
  g_free (self->result_url);
  g_free (self->src_url);
  g_free (self->heatmap_url);
  g_ptr_array_unref (self->participants);
  g_free (self->task);
  g_free (self->error_message);
  G_OBJECT_CLASS (authenta_media_parent_class)->finalize (object);
}

static void
authenta_media_class_init (AuthentaMediaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = authenta_media_finalize;
}

static void
authenta_media_init (AuthentaMedia *self)
{
  self->expires_in = -1;
  self->faces = -1;
  self->deepfakes = -1;
  self->fake = -1;
  self->confidence = -1;
  self->verdict = -1;
  self->participants = g_ptr_array_new_with_free_func (g_object_unref);
}

/* The first of several spellings the service may use for one field. */
static gboolean
get_string_any (JsonObject *obj, const char *const *names, char **out,
                GError **error)
{
  *out = NULL;
  for (guint i = 0; names[i] != NULL && *out == NULL; i++)
    if (!authenta_json_get_string (obj, names[i], out, error))
      return FALSE;
  return TRUE;
}

AuthentaMedia *
authenta_media_new_from_node (JsonNode *node, const char *raw_json,
                              const char *content_type, guint64 size,
                              GError **error)
{
  g_autoptr (AuthentaMedia) self = NULL;
  static const char *const result_names[]
      = { "resultURL", "resultUrl", "result_url", NULL };
  static const char *const src_names[] = { "srcURL", "srcUrl", NULL };
  static const char *const heatmap_names[]
      = { "heatmapURL", "heatmapUrl", NULL };
  JsonObject *obj;
  JsonNode *participants;
  gint64 record_size;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_PROTOCOL, 0, NULL, NULL,
                                    "unexpected answer: the record is %s, "
                                    "expected an object",
                                    authenta_json_describe (node)));
      return NULL;
    }
  obj = json_node_get_object (node);
  self = g_object_new (AUTHENTA_TYPE_MEDIA, NULL);

  if (!authenta_json_get_string (obj, "mid", &self->mid, error)
      || !authenta_json_get_string (obj, "name", &self->name, error)
      || !authenta_json_get_string (obj, "type", &self->media_type, error)
      || !authenta_json_get_string (obj, "status", &self->status, error)
      || !authenta_json_get_string (obj, "modelType", &self->model_type, error)
      || !authenta_json_get_string (obj, "createdAt", &self->created_at, error)
      || !authenta_json_get_string (obj, "uploadUrl", &self->upload_url, error)
      || !authenta_json_get_int (obj, "expiresIn", &self->expires_in, -1, error)
      || !authenta_json_get_string (obj, "contentType", &self->content_type,
                                    error)
      || !authenta_json_get_int (obj, "size", &record_size, -1, error)
      || !authenta_json_get_int (obj, "faces", &self->faces, -1, error)
      || !authenta_json_get_int (obj, "deepFakes", &self->deepfakes, -1, error)
      || !authenta_json_get_bool (obj, "fake", &self->fake, error)
      || !authenta_json_get_double (obj, "confidence", &self->confidence, -1,
                                    error)
      || !get_string_any (obj, result_names, &self->result_url, error)
      || !get_string_any (obj, src_names, &self->src_url, error)
      || !get_string_any (obj, heatmap_names, &self->heatmap_url, error))
    return NULL;

  if (self->mid != NULL && !authenta_mid_is_valid (self->mid))
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_PROTOCOL, 0, NULL, NULL,
                             "unexpected answer: “mid” is not a valid media "
                             "id"));
      return NULL;
    }

  /* The upload's Content-Type header is taken from here: never a value the
   * service sent unchecked. */
  if (self->content_type != NULL
      && !authenta_content_type_is_valid (self->content_type))
    {
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_PROTOCOL, 0, NULL, NULL,
                                    "unexpected answer: “contentType” is not a "
                                    "type/subtype content type"));
      return NULL;
    }

  self->size = record_size >= 0 ? (guint64)record_size : size;
  if (self->content_type == NULL)
    self->content_type = g_strdup (content_type);

  participants = json_object_get_member (obj, "participants");
  if (participants != NULL && !JSON_NODE_HOLDS_NULL (participants))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (participants))
        {
          g_propagate_error (error,
                             authenta_error_new_full (
                                 AUTHENTA_ERROR_PROTOCOL, 0, NULL, self->mid,
                                 "unexpected answer: “participants” "
                                 "is %s, expected an array",
                                 authenta_json_describe (participants)));
          return NULL;
        }
      array = json_node_get_array (participants);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          AuthentaParticipant *p;

          if (!JSON_NODE_HOLDS_OBJECT (element))
            {
              g_propagate_error (
                  error, authenta_error_new_full (
                             AUTHENTA_ERROR_PROTOCOL, 0, NULL, self->mid,
                             "unexpected answer: participant %u is %s, "
                             "expected an object",
                             i, authenta_json_describe (element)));
              return NULL;
            }
          p = authenta_participant_new_from_object (
              json_node_get_object (element), error);
          if (p == NULL)
            return NULL;
          g_ptr_array_add (self->participants, p);
        }
    }

  if (self->deepfakes >= 0)
    self->verdict = self->deepfakes > 0;
  else if (self->fake >= 0)
    self->verdict = self->fake;
  self->task = g_strdup (self->model_type);
  self->json = raw_json ? g_strdup (raw_json) : json_to_string (node, FALSE);
  return g_steal_pointer (&self);
}

/* The Jobs API's lower-case statuses as the Media API's stages. */
static char *
normalise_job_status (const char *status)
{
  static const struct
  {
    const char *job, *media;
  } map[] = {
    { "created", "INITED" },      { "waiting_for_finalize", "INITED" },
    { "queued", "QUEUED" },       { "processing", "PROCESSING" },
    { "completed", "PROCESSED" }, { "failed", "FAILED" },
    { "cancelled", "CANCELLED" }, { "canceled", "CANCELLED" },
  };

  if (status == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_ascii_strcasecmp (status, map[i].job) == 0)
      return g_strdup (map[i].media);
  return g_ascii_strup (status, -1);
}

/* jobId: a number in the vendor's examples, a string in its types. */
static gboolean
get_job_id (JsonObject *obj, char **out, GError **error)
{
  JsonNode *node = json_object_get_member (obj, "jobId");

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_INT64)
    *out = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (JSON_NODE_HOLDS_VALUE (node)
           && json_node_get_value_type (node) == G_TYPE_STRING)
    *out = g_strdup (json_node_get_string (node));
  else
    {
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_PROTOCOL, 0, NULL, NULL,
                                    "unexpected answer: “jobId” is %s, "
                                    "expected a number or a string",
                                    authenta_json_describe (node)));
      return FALSE;
    }
  /* It goes into request paths: held to the rule for a mid.  Not quoted:
   * it may be anything. */
  if (!authenta_mid_is_valid (*out))
    {
      g_clear_pointer (out, g_free);
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_PROTOCOL, 0, NULL, NULL,
                             "unexpected answer: “jobId” is not a valid job "
                             "id (1 to 64 letters, digits, “_” or “-”)"));
      return FALSE;
    }
  return TRUE;
}

/* The task: the slug if the answer names one the library knows, else the
 * one taskTypeId names, else the slug as sent, else the caller's. */
static char *
get_job_task (JsonObject *obj, const char *task)
{
  g_autofree char *slug = NULL;
  JsonNode *id = json_object_get_member (obj, "taskTypeId");
  const char *name = NULL;

  if (!authenta_json_get_string (obj, "taskTypeSlug", &slug, NULL))
    slug = NULL;
  if (slug != NULL)
    name = authenta_task_get_name (slug);
  if (name == NULL && id != NULL && JSON_NODE_HOLDS_VALUE (id))
    {
      g_autofree char *text = NULL;

      if (json_node_get_value_type (id) == G_TYPE_INT64)
        text = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (id));
      else if (json_node_get_value_type (id) == G_TYPE_STRING)
        text = g_strdup (json_node_get_string (id));
      if (text != NULL)
        name = authenta_task_get_name (text);
    }
  if (name != NULL)
    return g_strdup (name);
  if (slug != NULL && authenta_mid_is_valid (slug))
    return g_steal_pointer (&slug);
  return g_strdup (task);
}

/* The verdict in a job's result, whose shape depends on the task: the
 * first of the fields the vendor's material shows; none (or another
 * shape) is unknown fakeness, never an error. */
static void
read_job_result (AuthentaMedia *self, JsonNode *result)
{
  static const char *const flags[]
      = { "isAiGenerated", "isDeepFake", "isForged", "isSpoof", "fake" };
  JsonObject *obj;

  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    return;
  obj = json_node_get_object (result);
  for (guint i = 0; i < G_N_ELEMENTS (flags) && self->verdict < 0; i++)
    {
      int value = -1;

      if (authenta_json_get_bool (obj, flags[i], &value, NULL) && value >= 0)
        self->verdict = value;
    }
  if (!authenta_json_get_int (obj, "deepFakes", &self->deepfakes, -1, NULL))
    self->deepfakes = -1;
  if (!authenta_json_get_int (obj, "faces", &self->faces, -1, NULL))
    self->faces = -1;
  if (self->verdict < 0 && self->deepfakes >= 0)
    self->verdict = self->deepfakes > 0;
  if (!authenta_json_get_double (obj, "confidence", &self->confidence, -1,
                                 NULL))
    self->confidence = -1;
}

AuthentaMedia *
authenta_media_new_from_job_node (JsonNode *node, const char *raw_json,
                                  const char *task, const char *content_type,
                                  guint64 size, GError **error)
{
  g_autoptr (AuthentaMedia) self = NULL;
  g_autofree char *status = NULL;
  JsonObject *obj;
  JsonNode *inputs;
  gint64 input_size = -1;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_PROTOCOL, 0, NULL, NULL,
                                    "unexpected answer: the job is %s, "
                                    "expected an object",
                                    authenta_json_describe (node)));
      return NULL;
    }
  obj = json_node_get_object (node);
  self = g_object_new (AUTHENTA_TYPE_MEDIA, NULL);
  self->is_job = TRUE;

  if (!get_job_id (obj, &self->mid, error)
      || !authenta_json_get_string (obj, "status", &status, error)
      || !authenta_json_get_string (obj, "createdAt", &self->created_at, error)
      || !authenta_json_get_string (obj, "errorMessage", &self->error_message,
                                    error))
    return NULL;
  self->status = normalise_job_status (status);
  self->task = get_job_task (obj, task);
  self->model_type = g_strdup (self->task);

  inputs = json_object_get_member (obj, "inputs");
  if (inputs != NULL && JSON_NODE_HOLDS_ARRAY (inputs)
      && json_array_get_length (json_node_get_array (inputs)) > 0)
    {
      JsonNode *first
          = json_array_get_element (json_node_get_array (inputs), 0);
      JsonObject *input;

      if (!JSON_NODE_HOLDS_OBJECT (first))
        {
          g_propagate_error (error,
                             authenta_error_new_full (
                                 AUTHENTA_ERROR_PROTOCOL, 0, NULL, self->mid,
                                 "unexpected answer: “inputs[0]” is "
                                 "%s, expected an object",
                                 authenta_json_describe (first)));
          return NULL;
        }
      input = json_node_get_object (first);
      if (!authenta_json_get_string (input, "uploadUrl", &self->upload_url,
                                     error)
          || !authenta_json_get_string (input, "contentType",
                                        &self->content_type, error)
          || !authenta_json_get_string (input, "fileName", &self->name, error)
          || !authenta_json_get_int (input, "sizeBytes", &input_size, -1,
                                     error))
        return NULL;
    }
  else if (inputs != NULL && !JSON_NODE_HOLDS_NULL (inputs)
           && !JSON_NODE_HOLDS_ARRAY (inputs))
    {
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_PROTOCOL, 0, NULL, self->mid,
                                    "unexpected answer: “inputs” is %s, "
                                    "expected an array",
                                    authenta_json_describe (inputs)));
      return NULL;
    }
  /* The upload's Content-Type header is taken from here. */
  if (self->content_type != NULL
      && !authenta_content_type_is_valid (self->content_type))
    {
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_PROTOCOL, 0, NULL, self->mid,
                                    "unexpected answer: “contentType” is not a "
                                    "type/subtype content type"));
      return NULL;
    }
  if (self->content_type == NULL)
    self->content_type = g_strdup (content_type);
  self->size = input_size >= 0 ? (guint64)input_size : size;

  read_job_result (self, json_object_get_member (obj, "result"));
  self->fake = self->verdict;
  self->json = raw_json ? g_strdup (raw_json) : json_to_string (node, FALSE);
  return g_steal_pointer (&self);
}

gboolean
authenta_media_is_job (AuthentaMedia *self)
{
  return self->is_job;
}

/**
 * authenta_media_new_from_json:
 * @json: one record as the service sends it
 * @length: the length of @json, or -1 when NUL-terminated
 * @error: return location for a #GError
 *
 * Makes a record from its JSON text, for example one saved from
 * authenta_media_get_json(): a Media API record, or (since 0.4) a Jobs API
 * job, told apart by its `jobId` member.
 *
 * Returns: (transfer full): the record, or %NULL with
 *   %AUTHENTA_ERROR_PROTOCOL when @json is not a JSON object or a known
 *   field has the wrong type.
 *
 * Since: 0.1
 */
AuthentaMedia *
authenta_media_new_from_json (const char *json, gssize length, GError **error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *raw = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (json);
  root = authenta_json_parse (json, length, &local_error);
  if (root == NULL)
    {
      g_prefix_error_literal (&local_error, "unexpected answer: ");
      g_propagate_error (error, local_error);
      return NULL;
    }
  raw = g_strndup (json, length);
  /* A job (saved from authenta_media_get_json()) names itself by jobId. */
  if (JSON_NODE_HOLDS_OBJECT (root)
      && json_object_has_member (json_node_get_object (root), "jobId"))
    return authenta_media_new_from_job_node (root, raw, NULL, NULL, 0, error);
  return authenta_media_new_from_node (root, raw, NULL, 0, error);
}

/**
 * authenta_media_get_mid:
 * @self: a #AuthentaMedia
 *
 * Gets the record's media id (`mid`); for a job of the Jobs API (since
 * 0.4), its job id as text, as authenta_media_get_id() does.
 *
 * Returns: (transfer none) (nullable): the media id or job id.
 *
 * Since: 0.1
 */
const char *
authenta_media_get_mid (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->mid;
}

/**
 * authenta_media_get_name:
 * @self: a #AuthentaMedia
 *
 * Gets the record's name.
 *
 * Returns: (transfer none) (nullable): the name given at creation.
 *
 * Since: 0.1
 */
const char *
authenta_media_get_name (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->name;
}

/**
 * authenta_media_get_media_type:
 * @self: a #AuthentaMedia
 *
 * Gets the record's media type.
 *
 * Returns: (transfer none) (nullable): "Video" or "Image", as the service
 *   says it (the record's `type`).
 *
 * Since: 0.1
 */
const char *
authenta_media_get_media_type (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->media_type;
}

/**
 * authenta_media_get_status:
 * @self: a #AuthentaMedia
 *
 * Gets the record's status.
 *
 * Returns: (transfer none) (nullable): "INITED", "UPLOADED", "PROCESSED",
 *   "FAILED", … exactly as sent.  A job's lower-case status is given as
 *   these stages: `created` and `waiting_for_finalize` as "INITED",
 *   `queued` as "QUEUED", `processing` as "PROCESSING", `completed` as
 *   "PROCESSED", `failed` as "FAILED", `cancelled` as "CANCELLED" (another
 *   in upper case); authenta_media_get_json() has it as sent.
 *
 * Since: 0.1
 */
const char *
authenta_media_get_status (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->status;
}

/**
 * authenta_media_get_model_type:
 * @self: a #AuthentaMedia
 *
 * Gets the model the record is scanned with.
 *
 * Returns: (transfer none) (nullable): the model, such as "DF-1".
 *
 * Since: 0.1
 */
const char *
authenta_media_get_model_type (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->model_type;
}

/**
 * authenta_media_get_created_at:
 * @self: a #AuthentaMedia
 *
 * Gets the record's creation time as text.
 *
 * Returns: (transfer none) (nullable): the creation time as sent (ISO 8601).
 *
 * Since: 0.1
 */
const char *
authenta_media_get_created_at (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->created_at;
}

/**
 * authenta_media_dup_created_at_datetime:
 * @self: a #AuthentaMedia
 *
 * Gets the record's creation time.
 *
 * Returns: (transfer full) (nullable): the creation time, or %NULL when
 *   absent or not ISO 8601; free with g_date_time_unref().
 *
 * Since: 0.1
 */
GDateTime *
authenta_media_dup_created_at_datetime (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  if (self->created_at == NULL)
    return NULL;
  return g_date_time_new_from_iso8601 (self->created_at, NULL);
}

/**
 * authenta_media_get_upload_url:
 * @self: a #AuthentaMedia
 *
 * Gets the URL to upload the record's file to.
 *
 * Returns: (transfer none) (nullable): the pre-signed upload URL.  Its query
 *   is a credential until it expires: never log it whole.
 *
 * Since: 0.1
 */
const char *
authenta_media_get_upload_url (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->upload_url;
}

/**
 * authenta_media_get_expires_in:
 * @self: a #AuthentaMedia
 *
 * Gets how long the upload URL stays valid.
 *
 * Returns: the seconds the upload URL stays valid, or -1 when absent.
 *
 * Since: 0.1
 */
gint64
authenta_media_get_expires_in (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), -1);
  return self->expires_in;
}

/**
 * authenta_media_get_content_type:
 * @self: a #AuthentaMedia
 *
 * Gets the content type the record was created with.
 *
 * Returns: (transfer none) (nullable): the content type the record was
 *   created with: from the record when the service echoes it, else from the
 *   create call.
 *
 * Since: 0.1
 */
const char *
authenta_media_get_content_type (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->content_type;
}

/**
 * authenta_media_get_size:
 * @self: a #AuthentaMedia
 *
 * Gets the size the record was created with.
 *
 * Returns: the size in bytes the record was created with, or 0 when
 *   unknown.
 *
 * Since: 0.1
 */
guint64
authenta_media_get_size (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), 0);
  return self->size;
}

/**
 * authenta_media_is_terminal:
 * @self: a #AuthentaMedia
 *
 * Tells whether the record's status is final.
 *
 * Returns: %TRUE when the status is `PROCESSED`, `FAILED` or `ERROR`, or,
 *   for a job, `CANCELLED`.
 *
 * Since: 0.1
 */
gboolean
authenta_media_is_terminal (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), FALSE);
  return g_strcmp0 (self->status, "PROCESSED") == 0
         || g_strcmp0 (self->status, "FAILED") == 0
         || g_strcmp0 (self->status, "ERROR") == 0
         || (self->is_job && g_strcmp0 (self->status, "CANCELLED") == 0);
}

/**
 * authenta_media_is_processed:
 * @self: a #AuthentaMedia
 *
 * Tells whether the record has its verdict.
 *
 * Returns: %TRUE when the status is `PROCESSED`: the verdict is there.
 *
 * Since: 0.1
 */
gboolean
authenta_media_is_processed (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), FALSE);
  return g_strcmp0 (self->status, "PROCESSED") == 0;
}

/**
 * authenta_media_is_fake:
 * @self: a #AuthentaMedia
 *
 * The verdict: for a video, `deepFakes > 0`; for an image, `fake`; for a
 * job, the first of `isAiGenerated`, `isDeepFake`, `isForged`, `isSpoof`,
 * `fake` or `deepFakes > 0` its result holds.  A record without any
 * (see authenta_media_has_verdict()) is not fake.
 *
 * Returns: %TRUE when the media was judged fake.
 *
 * Since: 0.1
 */
gboolean
authenta_media_is_fake (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), FALSE);
  /* A video's verdict is deepFakes; a record without it (an image) is
   * judged by "fake" (see authenta_media_new_from_node()). */
  return self->verdict == 1;
}

/**
 * authenta_media_has_verdict:
 * @self: a #AuthentaMedia
 *
 * Tells whether the record says whether the media is fake: a processed
 * record or completed job whose answer held none of the fields
 * authenta_media_is_fake() reads (a task without a verdict, or a result
 * shape the library does not know) is of unknown fakeness.
 *
 * Returns: %TRUE when authenta_media_is_fake() is a verdict.
 *
 * Since: 0.4
 */
gboolean
authenta_media_has_verdict (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), FALSE);
  return self->verdict >= 0;
}

/**
 * authenta_media_get_id:
 * @self: a #AuthentaMedia
 *
 * Gets the identifier to ask the service about this record with: its mid,
 * or a job's job id (a number in the service's answers, kept as text).
 * Either was checked to be 1 to 64 letters, digits, “_” or “-”.
 *
 * Returns: (transfer none) (nullable): the identifier.
 *
 * Since: 0.4
 */
const char *
authenta_media_get_id (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->mid;
}

/**
 * authenta_media_get_api:
 * @self: a #AuthentaMedia
 *
 * Tells which API the record belongs to.
 *
 * Returns: %AUTHENTA_TASK_API_JOBS for a job, %AUTHENTA_TASK_API_MEDIA for
 *   a Media API record.
 *
 * Since: 0.4
 */
AuthentaTaskApi
authenta_media_get_api (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), AUTHENTA_TASK_API_NONE);
  return self->is_job ? AUTHENTA_TASK_API_JOBS : AUTHENTA_TASK_API_MEDIA;
}

/**
 * authenta_media_get_task:
 * @self: a #AuthentaMedia
 *
 * Gets the task the record is checked with: the model of a Media API
 * record (as authenta_media_get_model_type()), or a job's task slug, such
 * as "ai-audio-detection".
 *
 * Returns: (transfer none) (nullable): the task.
 *
 * Since: 0.4
 */
const char *
authenta_media_get_task (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->task;
}

/**
 * authenta_media_get_error_message:
 * @self: a #AuthentaMedia
 *
 * Gets why a job failed (its `errorMessage`), exactly as sent: text from
 * the service, to be sanitised before it is shown.
 *
 * Returns: (transfer none) (nullable): the message, or %NULL.
 *
 * Since: 0.4
 */
const char *
authenta_media_get_error_message (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->error_message;
}

/**
 * authenta_media_get_faces:
 * @self: a #AuthentaMedia
 *
 * Gets the number of faces found in a video.
 *
 * Returns: the faces found in a video, or -1 when absent.
 *
 * Since: 0.1
 */
gint64
authenta_media_get_faces (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), -1);
  return self->faces;
}

/**
 * authenta_media_get_deepfakes:
 * @self: a #AuthentaMedia
 *
 * Gets the number of faces judged fake in a video.
 *
 * Returns: the faces judged fake in a video (`deepFakes`), or -1 when
 *   absent.
 *
 * Since: 0.1
 */
gint64
authenta_media_get_deepfakes (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), -1);
  return self->deepfakes;
}

/**
 * authenta_media_get_confidence:
 * @self: a #AuthentaMedia
 *
 * Gets the confidence of the verdict.
 *
 * Returns: the confidence of the verdict (scale not documented by the
 *   service; 0–1 in its SDKs), or -1 when absent.
 *
 * Since: 0.1
 */
double
authenta_media_get_confidence (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), -1);
  return self->confidence;
}

/**
 * authenta_media_get_result_url:
 * @self: a #AuthentaMedia
 *
 * Gets the link to the detailed result.
 *
 * Returns: (transfer none) (nullable): a pre-signed link to the detailed
 *   result (`resultURL`).
 *
 * Since: 0.1
 */
const char *
authenta_media_get_result_url (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->result_url;
}

/**
 * authenta_media_get_src_url:
 * @self: a #AuthentaMedia
 *
 * Gets the link to the original file.
 *
 * Returns: (transfer none) (nullable): a pre-signed link to the original
 *   (`srcURL`).
 *
 * Since: 0.1
 */
const char *
authenta_media_get_src_url (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->src_url;
}

/**
 * authenta_media_get_heatmap_url:
 * @self: a #AuthentaMedia
 *
 * Gets the link to the heatmap.
 *
 * Returns: (transfer none) (nullable): a pre-signed link to a heatmap
 *   (`heatmapURL`).
 *
 * Since: 0.1
 */
const char *
authenta_media_get_heatmap_url (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->heatmap_url;
}

/**
 * authenta_media_get_n_participants:
 * @self: a #AuthentaMedia
 *
 * Gets the number of per-face verdicts.
 *
 * Returns: the number of per-face verdicts (`participants`).
 *
 * Since: 0.1
 */
guint
authenta_media_get_n_participants (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), 0);
  return self->participants->len;
}

/**
 * authenta_media_get_participant:
 * @self: a #AuthentaMedia
 * @index: from 0 to authenta_media_get_n_participants() - 1
 *
 * Gets one per-face verdict.
 *
 * Returns: (transfer none): one per-face verdict.
 *
 * Since: 0.1
 */
AuthentaParticipant *
authenta_media_get_participant (AuthentaMedia *self, guint index)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  g_return_val_if_fail (index < self->participants->len, NULL);
  return g_ptr_array_index (self->participants, index);
}

/**
 * authenta_media_get_json:
 * @self: a #AuthentaMedia
 *
 * Gets the record exactly as the service sent it.
 *
 * Returns: (transfer none): the record as the service sent it, unknown
 *   fields included.
 *
 * Since: 0.1
 */
const char *
authenta_media_get_json (AuthentaMedia *self)
{
  g_return_val_if_fail (AUTHENTA_IS_MEDIA (self), NULL);
  return self->json;
}
