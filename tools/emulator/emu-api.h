/* authenta-emulator: the service's API under /api.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-request.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Which counted route a request is, from its method and path. */
EmuRoute emu_api_classify (const char *method, const char *path);

/* Handle an API request as the service would; returns the HTTP status and
 * sets @body to the JSON answer.  Sends nothing: the caller may still
 * mangle the answer for a fault. */
guint emu_api_handle (EmuRequest *req, char **body);

/* Shared with the Jobs API (emu-jobs.c). */
guint emu_api_fail (char **body, guint status, const char *message);
/* 0, or the status of the error set in @body (401, 403). */
guint emu_api_check_auth (EmuRequest *req, EmuPerms needed, char **body);
/* The request body as a JSON object, refused (NULL, @body and @status set)
 * when too large, nested too deep, or not an object. */
JsonNode *emu_api_parse_object (EmuRequest *req, char **body, guint *status);
/* A string member, NULL with @body and @status set when absent or not one. */
const char *emu_api_require_string (JsonObject *obj, const char *name,
                                    char **body, guint *status);
/* 0 with *out set to the integer member @name, a size one upload can send
 * (1 byte to 5 GiB); else the status of the error set in @body, naming the
 * member as @shown. */
guint emu_api_require_size (JsonObject *obj, const char *name,
                            const char *shown, gint64 *out, char **body);

G_END_DECLS
