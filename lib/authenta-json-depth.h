/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Kept free of json-glib and libauthenta so that the emulator, which links
 * neither, builds the same check from the same source. */
#include <glib.h>

G_BEGIN_DECLS

/* How deep objects and arrays may nest in anything we parse.  json-glib
 * recurses once per level, so 100,000 levels (200 KB) overflow the stack;
 * no answer of the service comes near 64. */
#define AUTHENTA_JSON_MAX_DEPTH 64

/* TRUE when data (length bytes, not necessarily NUL-terminated) never nests
 * objects and arrays deeper than max_depth.  Brackets inside strings do not
 * count.  Malformed JSON is not judged here: the parser judges it. */
gboolean authenta_json_depth_ok (const char *data, gsize length,
                                 guint max_depth);

G_END_DECLS
