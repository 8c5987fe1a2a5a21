/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <authenta/authenta-media.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A record from a parsed node.  raw_json: the record's text as sent, or NULL
 * to serialise node.  content_type/size: what the record was created with,
 * used when the record does not echo them (NULL / 0: unknown).
 * AUTHENTA_ERROR_PROTOCOL when node is not an object or a known field has
 * the wrong type. */
G_GNUC_INTERNAL
AuthentaMedia *authenta_media_new_from_node (JsonNode *node,
                                             const char *raw_json,
                                             const char *content_type,
                                             guint64 size, GError **error);

G_END_DECLS
