/* authenta-emulator: the service's API under /api.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-request.h"

G_BEGIN_DECLS

/* Which counted route a request is, from its method and path. */
EmuRoute emu_api_classify (const char *method, const char *path);

/* Handle an API request as the service would; returns the HTTP status and
 * sets @body to the JSON answer.  Sends nothing: the caller may still
 * mangle the answer for a fault. */
guint emu_api_handle (EmuRequest *req, char **body);

G_END_DECLS
