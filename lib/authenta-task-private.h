/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <authenta/authenta-task.h>

G_BEGIN_DECLS

/* "DF-1, AC-1, …": every task, for messages; free with g_free(). */
G_GNUC_INTERNAL
char *authenta_task_describe_all (void);

/* How long the service works on a job of the task before it gives up
 * (AUTHENTA-API.md's table: 300, 600 or 1800 s); 0 for a Media API model
 * or an unknown task. */
G_GNUC_INTERNAL
guint authenta_task_get_server_timeout_s (const char *task);

G_END_DECLS
