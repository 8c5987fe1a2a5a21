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

/* A job of the Jobs API from a parsed node: jobId (a number or a string)
 * checked as a mid is, the status as the Media API's stages (see
 * authenta_media_get_status()), the verdict from the result's fields, the
 * upload URL, type, name and size from inputs[0].  task, content_type and
 * size: what the job was created with, used when the answer does not say
 * (NULL / 0: unknown).  AUTHENTA_ERROR_PROTOCOL when node is not an object
 * or a field the flow relies on has the wrong type. */
G_GNUC_INTERNAL
AuthentaMedia *authenta_media_new_from_job_node (JsonNode *node,
                                                 const char *raw_json,
                                                 const char *task,
                                                 const char *content_type,
                                                 guint64 size, GError **error);
/* TRUE for a job (no checks). */
G_GNUC_INTERNAL
gboolean authenta_media_is_job (AuthentaMedia *self);

G_END_DECLS
