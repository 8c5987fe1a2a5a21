/* Fuzz target: one media record as the service sends it
 * (authenta_media_new_from_json), then every getter on what was parsed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config-private.h"

#include <authenta/authenta.h>

#include "fuzz-common.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

static void
touch_media (AuthentaMedia *media)
{
  g_autoptr (GDateTime) created = NULL;
  const char *json;

  /* Every string the record hands out must be a real string. */
  g_free (g_strdup (authenta_media_get_mid (media)));
  g_free (g_strdup (authenta_media_get_name (media)));
  g_free (g_strdup (authenta_media_get_media_type (media)));
  g_free (g_strdup (authenta_media_get_status (media)));
  g_free (g_strdup (authenta_media_get_model_type (media)));
  g_free (g_strdup (authenta_media_get_created_at (media)));
  g_free (g_strdup (authenta_media_get_upload_url (media)));
  g_free (g_strdup (authenta_media_get_content_type (media)));
  g_free (g_strdup (authenta_media_get_result_url (media)));
  g_free (g_strdup (authenta_media_get_src_url (media)));
  g_free (g_strdup (authenta_media_get_heatmap_url (media)));
  (void)authenta_media_get_expires_in (media);
  (void)authenta_media_get_size (media);
  (void)authenta_media_is_terminal (media);
  (void)authenta_media_is_processed (media);
  (void)authenta_media_is_fake (media);
  (void)authenta_media_get_faces (media);
  (void)authenta_media_get_deepfakes (media);
  (void)authenta_media_get_confidence (media);
  created = authenta_media_dup_created_at_datetime (media);

  for (guint i = 0; i < authenta_media_get_n_participants (media); i++)
    {
      AuthentaParticipant *p = authenta_media_get_participant (media, i);

      FUZZ_CHECK (p != NULL);
      (void)authenta_participant_get_id (p);
      (void)authenta_participant_get_fake (p);
      (void)authenta_participant_get_confidence (p);
      g_free (g_strdup (authenta_participant_get_heatmap_url (p)));
    }

  json = authenta_media_get_json (media);
  FUZZ_CHECK (json != NULL);
  (void)strlen (json);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = NULL;

  if (fuzz_json_has_several_roots (data, size))
    return 0;
  /* Not NUL-terminated, as an answer off the network is not. */
  media
      = authenta_media_new_from_json ((const char *)data, (gssize)size, &error);
  if (media == NULL)
    {
      FUZZ_CHECK (error != NULL);
      FUZZ_CHECK (
          g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL));
      FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  FUZZ_CHECK (error == NULL);
  touch_media (media);
  return 0;
}
