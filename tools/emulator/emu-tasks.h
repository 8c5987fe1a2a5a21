/* authenta-emulator: the Jobs API's tasks (detectors), what each takes and
 * the shape of its result.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint id;
  const char *slug;
  const char *const *content_types; /* NULL-terminated */
  guint timeout_s;                  /* the service's; not enforced here */
} EmuTask;

/* A slug ("ai-audio-detection") or a decimal id ("2"); NULL if neither. */
const EmuTask *emu_task_lookup (const char *slug_or_id);
const EmuTask *emu_task_by_id (gint64 id);
gboolean emu_task_accepts (const EmuTask *task, const char *content_type);
/* "image/jpeg, image/png" */
char *emu_task_dup_content_types (const EmuTask *task);
/* The members of the task's "result" object, into an open object. */
void emu_task_add_result (JsonBuilder *b, const EmuTask *task, gboolean fake);

G_END_DECLS
