/* authenta-emulator: the Jobs API under /api/v1/jobs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-request.h"

G_BEGIN_DECLS

/* /api/v1/jobs and anything under it. */
gboolean emu_jobs_is_path (const char *path);
EmuRoute emu_jobs_classify (const char *method, const char *path);
/* As emu_api_handle(); a 204 leaves @body NULL. */
guint emu_jobs_handle (EmuRequest *req, char **body);

G_END_DECLS
