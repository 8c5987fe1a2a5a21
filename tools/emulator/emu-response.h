/* authenta-emulator: answers in the service's and S3's shapes, and the
 * deliberately broken answers of the fault actions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-faults.h"

#include <glib.h>
#include <json-glib/json-glib.h>
#include <microhttpd.h>

G_BEGIN_DECLS

/* Size of the "oversize" fault's answer. */
#define EMU_OVERSIZE_BYTES (8 * 1024 * 1024)

const char *emu_default_code (guint status);
const char *emu_default_s3_code (guint status);
const char *emu_default_message (guint status);
const char *emu_default_s3_message (guint status);

/* {"code": …, "statusCode": …, "message": …} */
char *emu_error_json (guint status, const char *code, const char *message);
char *emu_wrong_type_json (EmuRoute route);

struct MHD_Response *emu_response_json (const char *text);
struct MHD_Response *emu_response_json_node (JsonNode *node);
struct MHD_Response *emu_response_s3_error (const char *code,
                                            const char *message,
                                            const char *extra_xml);
struct MHD_Response *emu_response_empty (void);
/* The "body" fault's answer: @text exactly, labelled @content_type. */
struct MHD_Response *emu_response_raw (const char *text,
                                       const char *content_type);
/* The web site's "page not found", answered outside /api, /s3 and
 * /_emulator: HTML, as the real host's front end would send. */
struct MHD_Response *emu_response_site_not_found (void);
struct MHD_Response *emu_response_dropped (const char *text);
struct MHD_Response *emu_response_truncated (const char *text);
struct MHD_Response *emu_response_malformed (void);
struct MHD_Response *emu_response_oversize (const char *text);

G_END_DECLS
