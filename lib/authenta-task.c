/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The tasks: what the service can check, by which API, in which files.
 * One table; AUTHENTA-API.md has the vendor's lists. */
#include "config-private.h"

#include <authenta/authenta-task.h>

#include "authenta-task-private.h"

#include <string.h>

#define VIDEO "video/mp4", "video/quicktime", "video/webm"
#define IMAGE "image/jpeg", "image/png"
#define AUDIO                                                                  \
  "audio/mpeg", "audio/wav", "audio/x-wav", "audio/mp4", "audio/x-m4a"

static const char *const df1_types[] = { VIDEO, "video/x-matroska", NULL };
static const char *const image_types[] = { IMAGE, NULL };
static const char *const fi1_types[] = { IMAGE, VIDEO, NULL };
static const char *const audio_types[] = { AUDIO, NULL };
static const char *const mp4_mov_types[]
    = { "video/mp4", "video/quicktime", NULL };
static const char *const video_types[] = { VIDEO, NULL };
static const char *const document_types[] = { IMAGE, "application/pdf", NULL };

typedef struct
{
  const char *name;
  AuthentaTaskApi api;
  guint id; /* the Jobs API's taskTypeId; 0 for a Media API model */
  const char *const *content_types;
  guint server_timeout_s; /* the Jobs API's; 0 for a Media API model */
  const char *description;
} Task;

/* The Jobs API's tasks 8 (face-intelligence: needs a reference input), 9
 * (face-embedding) and 10 (audio-splitter) give no verdict: not here. */
static const Task tasks[] = {
  { "DF-1", AUTHENTA_TASK_API_MEDIA, 0, df1_types, 0,
    "face-swap deepfakes in video" },
  { "AC-1", AUTHENTA_TASK_API_MEDIA, 0, image_types, 0, "AI-generated images" },
  { "FD-1", AUTHENTA_TASK_API_MEDIA, 0, image_types, 0, "image forgery" },
  { "FI-1", AUTHENTA_TASK_API_MEDIA, 0, fi1_types, 0,
    "face intelligence (needs metadata the library does not send)" },
  { "ai-image-detection", AUTHENTA_TASK_API_JOBS, 1, image_types, 300,
    "AI-generated images" },
  { "ai-audio-detection", AUTHENTA_TASK_API_JOBS, 2, audio_types, 600,
    "AI-generated audio (voice clones)" },
  { "ai-video-detection", AUTHENTA_TASK_API_JOBS, 3, mp4_mov_types, 600,
    "AI-generated video" },
  { "faceswap-detection", AUTHENTA_TASK_API_JOBS, 4, video_types, 1800,
    "face-swap deepfakes in video" },
  { "image-forgery-detection", AUTHENTA_TASK_API_JOBS, 5, image_types, 300,
    "image forgery" },
  { "document-intelligence", AUTHENTA_TASK_API_JOBS, 6, document_types, 300,
    "forged documents" },
  { "face-liveness-detection", AUTHENTA_TASK_API_JOBS, 7, image_types, 600,
    "spoofed faces (liveness)" },
  { "ekyc-deepfake", AUTHENTA_TASK_API_JOBS, 11, video_types, 600,
    "deepfakes in eKYC videos" },
};

static const char *const task_names[] = {
  "DF-1",
  "AC-1",
  "FD-1",
  "FI-1",
  "ai-image-detection",
  "ai-audio-detection",
  "ai-video-detection",
  "faceswap-detection",
  "image-forgery-detection",
  "document-intelligence",
  "face-liveness-detection",
  "ekyc-deepfake",
  NULL,
};

G_STATIC_ASSERT (G_N_ELEMENTS (task_names) == G_N_ELEMENTS (tasks) + 1);

/* A Jobs API task's numeric id: decimal digits, no sign, no leading zero,
 * as the service prints it; 0 for anything else. */
static guint
parse_id (const char *text)
{
  guint id = 0;

  if (text[0] < '1' || text[0] > '9' || strlen (text) > 3)
    return 0;
  for (const char *p = text; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        return 0;
      id = id * 10 + (guint)(*p - '0');
    }
  return id;
}

/* The one walk of the table: a task by its name or its numeric id. */
static const Task *
lookup (const char *task)
{
  guint id;

  if (task == NULL)
    return NULL;
  id = parse_id (task);
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    if (strcmp (task, tasks[i].name) == 0 || (id != 0 && tasks[i].id == id))
      return &tasks[i];
  return NULL;
}

/**
 * authenta_task_get_api:
 * @task: (nullable): a task: a Media API model ("DF-1", "AC-1", "FD-1",
 *   "FI-1"), a Jobs API slug ("ai-audio-detection", …) or a Jobs API
 *   numeric id ("2")
 *
 * Tells which API checks @task.
 *
 * Returns: the API, or %AUTHENTA_TASK_API_NONE for a task the library does
 *   not know (or %NULL).
 *
 * Since: 0.4
 */
AuthentaTaskApi
authenta_task_get_api (const char *task)
{
  const Task *t = lookup (task);

  return t ? t->api : AUTHENTA_TASK_API_NONE;
}

/**
 * authenta_task_get_name:
 * @task: a task, by name or (for the Jobs API) numeric id
 *
 * Gets the task's canonical name: its model ("DF-1") or slug
 * ("ai-audio-detection"); "2" gives "ai-audio-detection".
 *
 * Returns: (transfer none) (nullable): the name, or %NULL for an unknown
 *   task.
 *
 * Since: 0.4
 */
const char *
authenta_task_get_name (const char *task)
{
  const Task *t;

  g_return_val_if_fail (task != NULL, NULL);
  t = lookup (task);
  return t ? t->name : NULL;
}

/**
 * authenta_task_get_id:
 * @task: a task, by name or numeric id
 *
 * Gets the Jobs API's numeric id of a task (its `taskTypeId`).
 *
 * Returns: the id (1 to 11), or 0 for a Media API model or an unknown
 *   task.
 *
 * Since: 0.4
 */
guint
authenta_task_get_id (const char *task)
{
  const Task *t;

  g_return_val_if_fail (task != NULL, 0);
  t = lookup (task);
  return t ? t->id : 0;
}

/**
 * authenta_task_get_description:
 * @task: a task, by name or numeric id
 *
 * Says in a few words what the task detects, for help texts.
 *
 * Returns: (transfer none) (nullable): the description, or %NULL for an
 *   unknown task.
 *
 * Since: 0.4
 */
const char *
authenta_task_get_description (const char *task)
{
  const Task *t;

  g_return_val_if_fail (task != NULL, NULL);
  t = lookup (task);
  return t ? t->description : NULL;
}

/**
 * authenta_task_get_content_types:
 * @task: a task, by name or numeric id
 *
 * Gets the content types the task takes.  For the Jobs API these are
 * checked before any request; the Media API's models are not held to them
 * (the service decides).
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the
 *   content types, such as "audio/mpeg", or %NULL for an unknown task.
 *
 * Since: 0.4
 */
const char *const *
authenta_task_get_content_types (const char *task)
{
  const Task *t;

  g_return_val_if_fail (task != NULL, NULL);
  t = lookup (task);
  return t ? t->content_types : NULL;
}

/**
 * authenta_task_accepts:
 * @task: a task, by name or numeric id
 * @content_type: a content type, such as "audio/wav"
 *
 * Tells whether @task takes files of @content_type (compared without
 * regard to case).
 *
 * Returns: %TRUE when it does; %FALSE for an unknown task.
 *
 * Since: 0.4
 */
gboolean
authenta_task_accepts (const char *task, const char *content_type)
{
  const Task *t;

  g_return_val_if_fail (task != NULL, FALSE);
  g_return_val_if_fail (content_type != NULL, FALSE);
  t = lookup (task);
  if (t == NULL)
    return FALSE;
  for (guint i = 0; t->content_types[i] != NULL; i++)
    if (g_ascii_strcasecmp (t->content_types[i], content_type) == 0)
      return TRUE;
  return FALSE;
}

/**
 * authenta_task_default_for_content_type:
 * @content_type: a content type, such as "video/mp4"
 *
 * Gets the task a file of @content_type is checked with when no task is
 * named: "DF-1" for video and "AC-1" for images (the Media API, as before
 * 0.4), "ai-audio-detection" for MP3, WAV and M4A audio (`audio/mpeg`,
 * `audio/wav`, `audio/x-wav`, `audio/mp4`, `audio/x-m4a`).
 *
 * Returns: (transfer none) (nullable): the task, or %NULL when there is
 *   none for @content_type.
 *
 * Since: 0.4
 */
const char *
authenta_task_default_for_content_type (const char *content_type)
{
  g_return_val_if_fail (content_type != NULL, NULL);

  if (g_ascii_strncasecmp (content_type, "video/", 6) == 0)
    return "DF-1";
  if (g_ascii_strncasecmp (content_type, "image/", 6) == 0)
    return "AC-1";
  if (authenta_task_accepts ("ai-audio-detection", content_type))
    return "ai-audio-detection";
  return NULL;
}

/**
 * authenta_task_list:
 *
 * Gets every task the library can check files with: the Media API's models
 * first, then the Jobs API's slugs in the order of their ids.
 *
 * Returns: (transfer none) (array zero-terminated=1): the tasks' names.
 *
 * Since: 0.4
 */
const char *const *
authenta_task_list (void)
{
  return task_names;
}

char *
authenta_task_describe_all (void)
{
  return g_strjoinv (", ", (char **)task_names);
}

guint
authenta_task_get_server_timeout_s (const char *task)
{
  const Task *t = lookup (task);

  return t ? t->server_timeout_s : 0;
}
