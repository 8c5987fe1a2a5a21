/* authenta-emulator: the Jobs API's tasks (detectors), what each takes and
 * the shape of its result.
 *
 * The ids, slugs and accepted media are those of AUTHENTA-API.md.  Each
 * task has its own result shape, carrying the verdict field the API doc
 * lists for it (isAiGenerated, isDeepFake, isForged, isSpoof); the tasks
 * that give no verdict (face-intelligence, face-embedding, audio-splitter)
 * carry none, so that a client meets a result of unknown fakeness.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-tasks.h"

#include <string.h>

#define FAKE_CONFIDENCE 0.9375
#define REAL_CONFIDENCE 0.96875

static const char *const image_types[] = { "image/jpeg", "image/png", NULL };
static const char *const audio_types[]
    = { "audio/mpeg", "audio/wav",   "audio/x-wav",
        "audio/mp4",  "audio/x-m4a", NULL };
static const char *const mp4_mov_types[]
    = { "video/mp4", "video/quicktime", NULL };
static const char *const mp4_mov_webm_types[]
    = { "video/mp4", "video/quicktime", "video/webm", NULL };
static const char *const document_types[]
    = { "image/jpeg", "image/png", "application/pdf", NULL };
static const char *const face_types[]
    = { "image/jpeg", "image/png",       "video/mp4",
        "video/webm", "video/quicktime", NULL };

static const EmuTask tasks[] = {
  { 1, "ai-image-detection", image_types, 300 },
  { 2, "ai-audio-detection", audio_types, 600 },
  { 3, "ai-video-detection", mp4_mov_types, 600 },
  { 4, "faceswap-detection", mp4_mov_webm_types, 1800 },
  { 5, "image-forgery-detection", image_types, 300 },
  { 6, "document-intelligence", document_types, 300 },
  { 7, "face-liveness-detection", image_types, 600 },
  { 8, "face-intelligence", face_types, 600 },
  { 9, "face-embedding", image_types, 600 },
  { 10, "audio-splitter", audio_types, 600 },
  { 11, "ekyc-deepfake", mp4_mov_webm_types, 600 },
};

const EmuTask *
emu_task_by_id (gint64 id)
{
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    if (tasks[i].id == id)
      return &tasks[i];
  return NULL;
}

const EmuTask *
emu_task_lookup (const char *s)
{
  guint64 id;

  if (s == NULL || *s == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (tasks); i++)
    if (g_str_equal (tasks[i].slug, s))
      return &tasks[i];
  /* Digits only: no sign, no space, no hex. */
  if (strspn (s, "0123456789") != strlen (s) || strlen (s) > 9)
    return NULL;
  if (!g_ascii_string_to_unsigned (s, 10, 1, G_MAXUINT32, &id, NULL))
    return NULL;
  return emu_task_by_id ((gint64)id);
}

gboolean
emu_task_accepts (const EmuTask *task, const char *content_type)
{
  for (const char *const *t = task->content_types; *t; t++)
    if (g_str_equal (*t, content_type))
      return TRUE;
  return FALSE;
}

char *
emu_task_dup_content_types (const EmuTask *task)
{
  return g_strjoinv (", ", (char **)task->content_types);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_bool (JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_string (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_audio_segments (JsonBuilder *b, gboolean fake)
{
  json_builder_set_member_name (b, "segments");
  json_builder_begin_array (b);
  for (guint i = 0; i < 2; i++)
    {
      gboolean this_fake = fake && i == 0;

      json_builder_begin_object (b);
      add_double (b, "startSec", 5.0 * i);
      add_double (b, "endSec", 5.0 * (i + 1));
      add_bool (b, "isAiGenerated", this_fake);
      add_double (b, "confidence",
                  this_fake ? FAKE_CONFIDENCE : REAL_CONFIDENCE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_participants (JsonBuilder *b, gboolean fake)
{
  guint faces = fake ? 2 : 1;

  add_int (b, "faces", faces);
  add_int (b, "deepFakes", fake ? 1 : 0);
  json_builder_set_member_name (b, "participants");
  json_builder_begin_array (b);
  for (guint id = 0; id < faces; id++)
    {
      gboolean this_fake = fake && id == 0;

      json_builder_begin_object (b);
      add_int (b, "id", id);
      add_bool (b, "fake", this_fake);
      add_double (b, "confidence",
                  this_fake ? FAKE_CONFIDENCE : REAL_CONFIDENCE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

void
emu_task_add_result (JsonBuilder *b, const EmuTask *task, gboolean fake)
{
  double confidence = fake ? FAKE_CONFIDENCE : REAL_CONFIDENCE;

  switch (task->id)
    {
    case 1: /* ai-image-detection: the reference's example shape */
    case 3: /* ai-video-detection */
      add_double (b, "confidence", confidence);
      add_bool (b, "isAiGenerated", fake);
      json_builder_set_member_name (b, "analysisDetails");
      json_builder_begin_object (b);
      add_string (b, "detector", "emulator");
      add_string (b, "label", fake ? "ai-generated" : "authentic");
      if (task->id == 3)
        add_int (b, "framesAnalyzed", 30);
      json_builder_end_object (b);
      break;
    case 2: /* ai-audio-detection */
      add_double (b, "confidence", confidence);
      add_bool (b, "isAiGenerated", fake);
      json_builder_set_member_name (b, "analysisDetails");
      json_builder_begin_object (b);
      add_string (b, "label", fake ? "synthetic-voice" : "human-voice");
      add_audio_segments (b, fake);
      json_builder_end_object (b);
      break;
    case 4:  /* faceswap-detection: the Media API's DF-1 verdict, and more */
    case 11: /* ekyc-deepfake */
      add_double (b, "confidence", confidence);
      add_bool (b, "isDeepFake", fake);
      add_participants (b, fake);
      break;
    case 5: /* image-forgery-detection */
    case 6: /* document-intelligence */
      add_double (b, "confidence", confidence);
      add_bool (b, "isForged", fake);
      if (task->id == 6)
        add_string (b, "documentType", "unknown");
      json_builder_set_member_name (b, "analysisDetails");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "regions");
      json_builder_begin_array (b);
      if (fake)
        {
          json_builder_begin_array (b);
          json_builder_add_int_value (b, 16);
          json_builder_add_int_value (b, 24);
          json_builder_add_int_value (b, 64);
          json_builder_add_int_value (b, 48);
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      break;
    case 7: /* face-liveness-detection */
      add_double (b, "confidence", confidence);
      add_bool (b, "isSpoof", fake);
      add_bool (b, "isLive", !fake);
      break;
    case 8: /* face-intelligence: no verdict */
      add_int (b, "facesDetected", 1);
      add_double (b, "confidence", REAL_CONFIDENCE);
      break;
    case 9: /* face-embedding: no verdict */
      add_int (b, "dimensions", 8);
      json_builder_set_member_name (b, "embedding");
      json_builder_begin_array (b);
      for (guint i = 0; i < 8; i++)
        json_builder_add_double_value (b, (i % 2 ? -0.125 : 0.25) * (i + 1));
      json_builder_end_array (b);
      break;
    default: /* 10, audio-splitter: no verdict */
      json_builder_set_member_name (b, "tracks");
      json_builder_begin_array (b);
      for (guint i = 0; i < 2; i++)
        {
          json_builder_begin_object (b);
          add_string (b, "name", i == 0 ? "vocals" : "accompaniment");
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      break;
    }
}
