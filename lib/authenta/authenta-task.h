/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__AUTHENTA_H_INSIDE__) && !defined(AUTHENTA_COMPILATION)
#error "Only <authenta/authenta.h> can be included directly."
#endif

#include <authenta/authenta-version.h>
#include <glib.h>

G_BEGIN_DECLS

/**
 * AuthentaTaskApi:
 * @AUTHENTA_TASK_API_NONE: not a task the library knows
 * @AUTHENTA_TASK_API_MEDIA: a model of the Media API (`/media`), such as
 *   "DF-1"
 * @AUTHENTA_TASK_API_JOBS: a task of the Jobs API (`/v1/jobs`), such as
 *   "ai-audio-detection"
 *
 * Which of the service's two APIs checks a task.
 *
 * Since: 0.4
 */
typedef enum
{
  AUTHENTA_TASK_API_NONE,
  AUTHENTA_TASK_API_MEDIA,
  AUTHENTA_TASK_API_JOBS,
} AuthentaTaskApi;

AUTHENTA_AVAILABLE_IN_ALL
AuthentaTaskApi authenta_task_get_api (const char *task);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_task_get_name (const char *task);
AUTHENTA_AVAILABLE_IN_ALL
guint authenta_task_get_id (const char *task);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_task_get_description (const char *task);
AUTHENTA_AVAILABLE_IN_ALL
const char *const *authenta_task_get_content_types (const char *task);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_task_accepts (const char *task, const char *content_type);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_task_default_for_content_type (const char *content_type);
AUTHENTA_AVAILABLE_IN_ALL
const char *const *authenta_task_list (void);

G_END_DECLS
