/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <authenta/authenta-participant.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One element of a record's "participants"; AUTHENTA_ERROR_PROTOCOL when a
 * field has the wrong type. */
G_GNUC_INTERNAL
AuthentaParticipant *authenta_participant_new_from_object (JsonObject *obj,
                                                           GError **error);

G_END_DECLS
