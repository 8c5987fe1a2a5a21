/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__AUTHENTA_H_INSIDE__) && !defined(AUTHENTA_COMPILATION)
#error "Only <authenta/authenta.h> can be included directly."
#endif

#include <authenta/authenta-version.h>
#include <authenta/authenta-participant.h>
#include <authenta/authenta-task.h>
#include <glib-object.h>

G_BEGIN_DECLS

#define AUTHENTA_TYPE_MEDIA (authenta_media_get_type ())

/**
 * AuthentaMedia:
 *
 * A media record of the service, as one answer described it: a record of
 * the Media API or (since 0.4) a job of the Jobs API, whose status and
 * verdict are given in the same terms.  Immutable:
 * a later answer about the same record gives a new #AuthentaMedia.  Every
 * field is optional; getters return %NULL or -1 for what the service did
 * not send, and authenta_media_get_json() keeps the record exactly as sent,
 * unknown fields included.
 *
 * Since: 0.1
 */
AUTHENTA_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AuthentaMedia, authenta_media, AUTHENTA, MEDIA, GObject)

AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_media_new_from_json (const char *json, gssize length,
                                             GError **error);

AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_mid (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_name (AuthentaMedia *self);
/* "Video" or "Image" as the service says it. */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_media_type (AuthentaMedia *self);
/* "INITED", "UPLOADED", "PROCESSED", "FAILED", … as sent. */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_status (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_model_type (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_created_at (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
GDateTime *authenta_media_dup_created_at_datetime (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_upload_url (AuthentaMedia *self);
/* Seconds the upload URL stays valid; -1 when absent. */
AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_media_get_expires_in (AuthentaMedia *self);
/* The content type and size the record was created with: from the record
 * when the service echoes them, else from the create call; NULL / 0 when
 * unknown. */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_content_type (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
guint64 authenta_media_get_size (AuthentaMedia *self);

/* TRUE for PROCESSED, FAILED and ERROR. */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_media_is_terminal (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_media_is_processed (AuthentaMedia *self);

/* The verdict: deepFakes > 0 for a video, fake for an image. */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_media_is_fake (AuthentaMedia *self);
/* -1 when absent. */
AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_media_get_faces (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_media_get_deepfakes (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
double authenta_media_get_confidence (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_result_url (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_src_url (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_heatmap_url (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
guint authenta_media_get_n_participants (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaParticipant *authenta_media_get_participant (AuthentaMedia *self,
                                                     guint index);

/* Since 0.4: both APIs. */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_media_has_verdict (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_id (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaTaskApi authenta_media_get_api (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_task (AuthentaMedia *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_error_message (AuthentaMedia *self);

/* The record exactly as the service sent it. */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_media_get_json (AuthentaMedia *self);

G_END_DECLS
