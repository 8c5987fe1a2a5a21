/* What authentasink can tell from the caps and the recorded data: caps that
 * are refused, the content type and file suffix, empty MP4 and WebM files,
 * a second JPEG image.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentamedia.h"

#include <authenta/authenta.h>
#include <string.h>
#include <unistd.h>

/* What the caps say the stream is, for the one table below. */
typedef enum
{
  KIND_STREAM,  /* raw or elementary: not a file at all */
  KIND_REFUSED, /* a file, in a container the service does not take */
  KIND_VIDEO,
  KIND_IMAGE,
  KIND_AUDIO,       /* an audio file the service takes: MP3, WAV */
  KIND_AUDIO_MUXED, /* audio alone in WebM or Matroska, which no task takes */
} CapsKind;

/* The one place where caps are judged, first match wins.  Caps not in it
 * (anything new) are let through: the data decides at EOS. */
static const struct
{
  const char *pattern; /* g_pattern_match_simple() on the structure name */
  CapsKind kind;
  const char *what; /* for a refused container: its name */
} caps_table[] = {
  { "*/x-raw", KIND_STREAM, NULL },
  { "video/x-bayer", KIND_STREAM, NULL },
  { "video/x-h264", KIND_STREAM, NULL },
  { "video/x-h265", KIND_STREAM, NULL },
  { "video/x-vp8", KIND_STREAM, NULL },
  { "video/x-vp9", KIND_STREAM, NULL },
  { "video/x-av1", KIND_STREAM, NULL },
  { "video/x-theora", KIND_STREAM, NULL },
  { "video/mpegts", KIND_REFUSED, "MPEG-TS" },
  { "application/ogg", KIND_REFUSED, "Ogg" },
  { "video/ogg", KIND_REFUSED, "Ogg" },
  { "audio/ogg", KIND_REFUSED, "Ogg" },
  { "video/x-msvideo", KIND_REFUSED, "AVI" },
  { "video/x-flv", KIND_REFUSED, "FLV" },
  { "audio/x-flac", KIND_REFUSED, "FLAC" },
  { "video/quicktime", KIND_VIDEO, NULL },
  { "video/webm", KIND_VIDEO, NULL },
  { "video/x-matroska", KIND_VIDEO, NULL },
  { "image/jpeg", KIND_IMAGE, NULL },
  { "image/png", KIND_IMAGE, NULL },
  { "audio/x-wav", KIND_AUDIO, NULL },
  { "audio/mpeg", KIND_AUDIO, NULL }, /* MP3 only: see caps_kind() */
  { "audio/webm", KIND_AUDIO_MUXED, NULL },
  { "audio/x-matroska", KIND_AUDIO_MUXED, NULL },
  /* Opus, Vorbis, AAC, AC-3, A-law…: encoded, not yet in a file. */
  { "audio/*", KIND_STREAM, NULL },
};

/* The caps' entry in caps_table, or -1. */
static int
caps_kind (const GstStructure *s)
{
  const char *name = gst_structure_get_name (s);
  int version = 1;

  /* audio/mpeg is MP3 (a file as it is) for MPEG-1 and 2 audio; AAC
   * (mpegversion 2 or 4) is a stream to mux. */
  if (g_str_equal (name, "audio/mpeg")
      && gst_structure_get_int (s, "mpegversion", &version) && version != 1)
    return 0; /* "*\/x-raw"'s kind: a stream */
  for (gsize i = 0; i < G_N_ELEMENTS (caps_table); i++)
    if (g_pattern_match_simple (caps_table[i].pattern, name))
      return (int)i;
  return -1;
}

/* The formats a task takes, by their names ("MP3, WAV, M4A"). */
static char *
describe_task_formats (const char *task)
{
  static const struct
  {
    const char *type;
    const char *name;
  } names[] = {
    { "video/mp4", "MP4" },   { "video/quicktime", "QuickTime" },
    { "video/webm", "WebM" }, { "video/x-matroska", "Matroska" },
    { "image/jpeg", "JPEG" }, { "image/png", "PNG" },
    { "audio/mpeg", "MP3" },  { "audio/wav", "WAV" },
    { "audio/mp4", "M4A" },   { "application/pdf", "PDF" },
  };
  const char *const *types = authenta_task_get_content_types (task);
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (types != NULL && g_strv_contains (types, names[i].type))
      g_string_append_printf (out, "%s%s", out->len ? ", " : "", names[i].name);
  return g_string_free (out, FALSE);
}

/* The refusal of @what (a kind the task does not take) for @task, naming
 * the task to use instead. */
static char *
refuse_for_task (const char *task, CapsKind kind)
{
  g_autofree char *formats = describe_task_formats (task);
  const char *what, *instead, *tip;
  gboolean media_api = authenta_task_get_api (task) == AUTHENTA_TASK_API_MEDIA;

  switch (kind)
    {
    case KIND_IMAGE:
      what = "an image";
      instead = "set task=AC-1 (AI-generated images), FD-1, "
                "ai-image-detection or image-forgery-detection, or leave "
                "task unset";
      tip = "or record a video (e.g. x264enc ! mp4mux)";
      break;
    case KIND_AUDIO:
    case KIND_AUDIO_MUXED:
      what = "audio only";
      instead = "set task=ai-audio-detection to check the audio (MP3, WAV "
                "or M4A: lamemp3enc, wavenc, or an encoder and mp4mux)";
      tip = "or record a video with the audio (e.g. x264enc ! mp4mux "
            "name=m, with the audio into m too)";
      break;
    case KIND_VIDEO:
    default:
      what = "a video";
      instead = "set task=DF-1 (or leave task unset), ai-video-detection "
                "or faceswap-detection for a video";
      tip = "or record one image (e.g. videotestsrc num-buffers=1 ! "
            "jpegenc)";
      break;
    }
  /* The Media API's models keep the words their users know. */
  if (media_api)
    return g_strdup_printf ("The model %s checks %s, and this stream is %s: "
                            "%s, %s.",
                            task,
                            g_str_equal (task, "DF-1") ? "videos" : "images",
                            what, instead, tip);
  return g_strdup_printf ("The task %s checks %s in %s files, and this stream "
                          "is %s: %s, %s.",
                          task, authenta_task_get_description (task), formats,
                          what, instead, tip);
}

char *
gst_authenta_caps_refusal (GstCaps *caps, const char *task, char **debug)
{
  const GstStructure *s;
  const char *name;
  const char *type;
  g_autofree char *caps_str = NULL;
  char *text = NULL;
  int i;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  s = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (s);
  i = caps_kind (s);
  if (i < 0)
    return NULL;
  /* What the file will be declared as, when the caps tell. */
  type = gst_authenta_content_type_from_caps (caps);

  switch (caps_table[i].kind)
    {
    case KIND_STREAM:
      text = g_strdup (
          g_str_has_prefix (name, "audio/")
              ? "authentasink records a file: encode the audio into one "
                "(lamemp3enc for MP3, wavenc for WAV, or an encoder and "
                "mp4mux for M4A)."
              : "authentasink records a file: put an encoder and a muxer in "
                "front (e.g. x264enc ! mp4mux).");
      break;
    case KIND_REFUSED:
      text = g_strdup_printf (
          "Authenta does not take %s files: use mp4mux (or qtmux, webmmux, "
          "matroskamux) instead, e.g. x264enc ! mp4mux; for audio, "
          "lamemp3enc (MP3) or wavenc (WAV).",
          caps_table[i].what);
      break;
    case KIND_AUDIO_MUXED:
      /* No task takes audio in WebM or Matroska: for a task that checks
       * audio, say how to record it; for another, which task to use. */
      if (task != NULL && !authenta_task_accepts (task, "audio/mpeg"))
        text = refuse_for_task (task, KIND_AUDIO_MUXED);
      else
        text = g_strdup_printf (
            "Authenta does not take audio alone in %s files: record MP3 "
            "(lamemp3enc), WAV (wavenc) or M4A (an encoder and mp4mux) for "
            "task ai-audio-detection.",
            g_str_equal (name, "audio/webm") ? "WebM" : "Matroska");
      break;
    case KIND_VIDEO:
    case KIND_IMAGE:
    case KIND_AUDIO:
      /* No task named: the default for what this is takes it. */
      if (task == NULL)
        break;
      if (type != NULL && authenta_task_accepts (task, type))
        break;
      /* MP4 the caps cannot tell from M4A: mp4mux writes both. */
      if (g_str_equal (name, "video/quicktime")
          && (authenta_task_accepts (task, "video/mp4")
              || authenta_task_accepts (task, "audio/mp4")))
        break;
      if (type == NULL && caps_table[i].kind == KIND_VIDEO
          && authenta_task_accepts (task, "video/mp4"))
        break;
      text = refuse_for_task (task, caps_table[i].kind);
      break;
    }
  if (text != NULL && debug != NULL)
    {
      caps_str = gst_caps_to_string (caps);
      *debug = g_strdup_printf ("%s is not a file the Authenta service takes "
                                "with task %s (caps %s)",
                                name, task ? task : "auto", caps_str);
    }
  return text;
}

const char *
gst_authenta_content_type_from_caps (GstCaps *caps)
{
  const GstStructure *s;
  const char *name;
  int version = 1;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;

  s = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (s);
  if (g_str_equal (name, "video/quicktime"))
    {
      const char *variant = gst_structure_get_string (s, "variant");

      /* Other variants (3gpp, mj2) and none at all: let the data say. */
      if (variant == NULL)
        return NULL;
      if (g_str_has_prefix (variant, "iso"))
        return "video/mp4";
      if (g_str_equal (variant, "apple"))
        return "video/quicktime";
      return NULL;
    }
  if (g_str_equal (name, "video/webm") || g_str_equal (name, "video/x-matroska")
      || g_str_equal (name, "image/jpeg") || g_str_equal (name, "image/png"))
    return name;
  if (g_str_equal (name, "audio/x-wav"))
    return "audio/wav";
  if (g_str_equal (name, "audio/mpeg"))
    {
      gst_structure_get_int (s, "mpegversion", &version);
      return version == 1 ? "audio/mpeg" : NULL;
    }
  return NULL;
}

const char *
gst_authenta_suffix_for_content_type (const char *content_type)
{
  static const struct
  {
    const char *type;
    const char *suffix;
  } suffixes[] = {
    { "video/mp4", ".mp4" },   { "video/quicktime", ".mov" },
    { "video/webm", ".webm" }, { "video/x-matroska", ".mkv" },
    { "image/jpeg", ".jpg" },  { "image/png", ".png" },
    { "audio/mpeg", ".mp3" },  { "audio/wav", ".wav" },
    { "audio/mp4", ".m4a" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_equal (content_type, suffixes[i].type))
      return suffixes[i].suffix;
  return NULL;
}

/* TRUE only for a well-formed MP4/QuickTime file whose top-level boxes
 * hold no media data: what mp4mux and qtmux write when the stream ends
 * before its first frame (ftyp, free, an empty mdat, moov).  Anything this
 * walk does not follow (a box running past the end, a read error) counts as
 * media: a scan too many costs a credit, a scan too few loses a recording. */
gboolean
gst_authenta_mp4_has_no_media (int fd, guint64 size)
{
  guint64 pos = 0;
  gboolean empty = TRUE;
  guint boxes = 0;

  while (empty && pos < size)
    {
      guint8 header[16];
      guint64 box_size;
      guint header_size = 8;

      if (size - pos < 8 || pread (fd, header, 16, (off_t)pos) < 8)
        {
          empty = FALSE;
          break;
        }
      box_size = GST_READ_UINT32_BE (header);
      if (box_size == 1)
        {
          if (size - pos < 16 || pread (fd, header, 16, (off_t)pos) != 16)
            {
              empty = FALSE;
              break;
            }
          box_size = GST_READ_UINT64_BE (header + 8);
          header_size = 16;
        }
      else if (box_size == 0)
        box_size = size - pos; /* to the end of the file */
      if (box_size < header_size || box_size > size - pos)
        {
          empty = FALSE;
          break;
        }
      if (memcmp (header + 4, "mdat", 4) == 0 && box_size > header_size)
        empty = FALSE;
      boxes++;
      pos += box_size;
    }
  return empty && boxes > 0 && pos == size;
}

/* An EBML variable-length integer at @p (at most @avail bytes): its length,
 * or 0 if malformed.  With @keep_marker (element IDs) the length marker
 * stays in the value; sizes lose it, and all value bits set means
 * "unknown size" (@unknown). */
static guint
read_vint (const guint8 *p, gsize avail, gboolean keep_marker, guint64 *value,
           gboolean *unknown)
{
  guint length = 1;
  guint64 v;
  gboolean all_ones;

  if (avail == 0 || p[0] == 0)
    return 0;
  while (!(p[0] & (0x80 >> (length - 1))))
    length++;
  if (length > avail || (keep_marker && length > 4))
    return 0;
  v = keep_marker ? p[0] : (p[0] & (0xff >> length));
  all_ones = v == (guint64)(0xff >> length);
  for (guint i = 1; i < length; i++)
    {
      v = (v << 8) | p[i];
      all_ones = all_ones && p[i] == 0xff;
    }
  *value = v;
  if (unknown != NULL)
    *unknown = !keep_marker && all_ones;
  return length;
}

#define EBML_HEADER 0x1A45DFA3
#define MKV_SEGMENT 0x18538067
#define MKV_CLUSTER 0x1F43B675
#define MKV_SIMPLE_BLOCK 0xA3
#define MKV_BLOCK_GROUP 0xA0

/* TRUE only for a well-formed WebM/Matroska file with no frame in it: no
 * SimpleBlock or BlockGroup in any Cluster (what webmmux writes when the
 * stream ends before its first buffer).  The walk enters the Segment and
 * Clusters and skips every other element by its size; anything it cannot
 * follow counts as media, as in gst_authenta_mp4_has_no_media(). */
gboolean
gst_authenta_matroska_has_no_frame (int fd, guint64 size)
{
  guint64 pos = 0;
  guint elements = 0;

  while (pos < size)
    {
      guint8 header[12];
      gssize n = pread (fd, header, sizeof header, (off_t)pos);
      guint64 id, element_size;
      gboolean unknown = FALSE;
      guint id_length, size_length;

      if (n <= 0)
        return FALSE;
      id_length = read_vint (header, n, TRUE, &id, NULL);
      if (id_length == 0)
        return FALSE;
      size_length = read_vint (header + id_length, n - id_length, FALSE,
                               &element_size, &unknown);
      if (size_length == 0 || (elements == 0 && id != EBML_HEADER))
        return FALSE;
      elements++;
      pos += id_length + size_length;
      if (id == MKV_SIMPLE_BLOCK || id == MKV_BLOCK_GROUP)
        return FALSE;
      /* Masters whose children are walked: their size does not matter. */
      if (id == MKV_SEGMENT || id == MKV_CLUSTER)
        continue;
      if (unknown || element_size > size - MIN (pos, size))
        return FALSE;
      pos += element_size;
    }
  return elements > 0 && pos == size;
}

gboolean
gst_authenta_jpeg_is_second_image (GstCaps *caps, int fd, guint64 position,
                                   guint64 size, GstBuffer *buffer)
{
  guint8 soi[2] = { 0 };
  guint8 tail[2] = { 0 };

  /* Appended after image/jpeg data only: a rewrite is no new image. */
  if (g_strcmp0 (gst_authenta_content_type_from_caps (caps), "image/jpeg") != 0
      || position != size || size < 4
      || gst_buffer_extract (buffer, 0, soi, 2) != 2)
    return FALSE;
  if (soi[0] != 0xff || soi[1] != 0xd8)
    return FALSE;
  /* The first image is complete: it ends with its EOI marker. */
  if (pread (fd, tail, 2, (off_t)(size - 2)) != 2)
    return FALSE;
  return tail[0] == 0xff && tail[1] == 0xd9;
}
