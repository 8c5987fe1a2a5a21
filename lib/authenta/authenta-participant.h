/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__AUTHENTA_H_INSIDE__) && !defined(AUTHENTA_COMPILATION)
#error "Only <authenta/authenta.h> can be included directly."
#endif

#include <authenta/authenta-version.h>
#include <glib-object.h>

G_BEGIN_DECLS

#define AUTHENTA_TYPE_PARTICIPANT (authenta_participant_get_type ())

/**
 * AuthentaParticipant:
 *
 * One face found in a processed video, with its own verdict.  Immutable.
 *
 * Since: 0.1
 */
AUTHENTA_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AuthentaParticipant, authenta_participant, AUTHENTA,
                      PARTICIPANT, GObject)

AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_participant_get_id (AuthentaParticipant *self);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_participant_get_fake (AuthentaParticipant *self);
/* -1 when the service sent no confidence. */
AUTHENTA_AVAILABLE_IN_ALL
double authenta_participant_get_confidence (AuthentaParticipant *self);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_participant_get_heatmap_url (AuthentaParticipant *self);

G_END_DECLS
