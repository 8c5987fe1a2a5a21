/* The authenta-verdict structure (see gstauthentaverdict.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentaverdict.h"

/* The service's counts as gint fields; -1 when unknown. */
static int
clamp_count (gint64 value)
{
  if (value < 0)
    return -1;
  return (int)MIN (value, (gint64)G_MAXINT);
}

GstStructure *
gst_authenta_verdict_structure_new (AuthentaMedia *media, const char *task,
                                    const char *location)
{
  const char *model = authenta_media_get_model_type (media);
  const char *media_task = authenta_media_get_task (media);
  gboolean job = authenta_media_get_api (media) == AUTHENTA_TASK_API_JOBS;

  return gst_structure_new (
      "authenta-verdict", "mid", G_TYPE_STRING, authenta_media_get_mid (media),
      "task", G_TYPE_STRING, media_task ? media_task : task, "api",
      G_TYPE_STRING, job ? "jobs" : "media", "status", G_TYPE_STRING,
      authenta_media_get_status (media), "model-type", G_TYPE_STRING,
      model ? model : task, "media-type", G_TYPE_STRING,
      authenta_media_get_media_type (media), "fake", G_TYPE_BOOLEAN,
      authenta_media_is_fake (media), "has-verdict", G_TYPE_BOOLEAN,
      authenta_media_has_verdict (media), "confidence", G_TYPE_DOUBLE,
      authenta_media_get_confidence (media), "faces", G_TYPE_INT,
      clamp_count (authenta_media_get_faces (media)), "deepfakes", G_TYPE_INT,
      clamp_count (authenta_media_get_deepfakes (media)), "result-url",
      G_TYPE_STRING, authenta_media_get_result_url (media), "json",
      G_TYPE_STRING, authenta_media_get_json (media), "location", G_TYPE_STRING,
      location, NULL);
}
