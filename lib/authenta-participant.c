/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include "authenta-participant-private.h"

#include "authenta-util-private.h"

struct _AuthentaParticipant
{
  GObject parent_instance;

  gint64 id;
  gboolean fake;
  double confidence;
  char *heatmap_url;
};

G_DEFINE_FINAL_TYPE (AuthentaParticipant, authenta_participant, G_TYPE_OBJECT)

static void
authenta_participant_finalize (GObject *object)
{
  AuthentaParticipant *self = AUTHENTA_PARTICIPANT (object);

  g_free (self->heatmap_url);
  G_OBJECT_CLASS (authenta_participant_parent_class)->finalize (object);
}

static void
authenta_participant_class_init (AuthentaParticipantClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = authenta_participant_finalize;
}

static void
authenta_participant_init (AuthentaParticipant *self)
{
  self->id = -1;
  self->confidence = -1;
}

AuthentaParticipant *
authenta_participant_new_from_object (JsonObject *obj, GError **error)
{
  g_autoptr (AuthentaParticipant) self
      = g_object_new (AUTHENTA_TYPE_PARTICIPANT, NULL);
  int fake;

  if (!authenta_json_get_int (obj, "id", &self->id, -1, error)
      || !authenta_json_get_bool (obj, "fake", &fake, error)
      || !authenta_json_get_double (obj, "confidence", &self->confidence, -1,
                                    error)
      || !authenta_json_get_string (obj, "heatmap", &self->heatmap_url, error))
    return NULL;
  self->fake = fake == 1;
  if (self->heatmap_url == NULL
      && !authenta_json_get_string (obj, "heatmapURL", &self->heatmap_url,
                                    error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * authenta_participant_get_id:
 * @self: a #AuthentaParticipant
 *
 * Gets the participant's id.
 *
 * Returns: the participant's id within its video, or -1 when absent.
 *
 * Since: 0.1
 */
gint64
authenta_participant_get_id (AuthentaParticipant *self)
{
  g_return_val_if_fail (AUTHENTA_IS_PARTICIPANT (self), -1);
  return self->id;
}

/**
 * authenta_participant_get_fake:
 * @self: a #AuthentaParticipant
 *
 * Tells whether this face was judged fake.
 *
 * Returns: %TRUE when this face was judged fake.
 *
 * Since: 0.1
 */
gboolean
authenta_participant_get_fake (AuthentaParticipant *self)
{
  g_return_val_if_fail (AUTHENTA_IS_PARTICIPANT (self), FALSE);
  return self->fake;
}

/**
 * authenta_participant_get_confidence:
 * @self: a #AuthentaParticipant
 *
 * Gets the confidence of this face's verdict.
 *
 * Returns: the confidence of the verdict for this face, or -1 when the
 *   service sent none.
 *
 * Since: 0.1
 */
double
authenta_participant_get_confidence (AuthentaParticipant *self)
{
  g_return_val_if_fail (AUTHENTA_IS_PARTICIPANT (self), -1);
  return self->confidence;
}

/**
 * authenta_participant_get_heatmap_url:
 * @self: a #AuthentaParticipant
 *
 * Gets the link to this face's heatmap.
 *
 * Returns: (transfer none) (nullable): a pre-signed link to this face's
 *   heatmap; its query is a secret until it expires.
 *
 * Since: 0.1
 */
const char *
authenta_participant_get_heatmap_url (AuthentaParticipant *self)
{
  g_return_val_if_fail (AUTHENTA_IS_PARTICIPANT (self), NULL);
  return self->heatmap_url;
}
