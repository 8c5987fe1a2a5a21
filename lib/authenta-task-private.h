/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <authenta/authenta-task.h>

G_BEGIN_DECLS

/* "DF-1, AC-1, …": every task, for messages; free with g_free(). */
G_GNUC_INTERNAL
char *authenta_task_describe_all (void);

G_END_DECLS
