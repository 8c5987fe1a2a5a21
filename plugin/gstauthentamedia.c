/* What authentasink can tell from the caps and the recorded data: caps that
 * are refused, the content type and file suffix, empty MP4 and WebM files,
 * a second JPEG image.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentamedia.h"

#include <string.h>
#include <unistd.h>

/* What the caps say the stream is, for the one table below. */
typedef enum
{
  KIND_STREAM,  /* raw or elementary: not a file at all */
  KIND_REFUSED, /* a file, in a container the service does not take */
  KIND_VIDEO,
  KIND_IMAGE,
  KIND_AUDIO,
} CapsKind;

/* The one place where caps are judged, first match wins.  Caps not in it
 * (audio/mpeg, which is also an MP3 file, or anything new) are let
 * through: the data decides at EOS. */
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
  { "video/quicktime", KIND_VIDEO, NULL },
  { "video/webm", KIND_VIDEO, NULL },
  { "video/x-matroska", KIND_VIDEO, NULL },
  { "image/jpeg", KIND_IMAGE, NULL },
  { "image/png", KIND_IMAGE, NULL },
  { "audio/webm", KIND_AUDIO, NULL },
  { "audio/x-matroska", KIND_AUDIO, NULL },
  { "audio/*", KIND_AUDIO, NULL },
};

char *
gst_authenta_caps_refusal (GstCaps *caps, const char *model, char **debug)
{
  const char *name;
  g_autofree char *caps_str = NULL;
  char *text = NULL;
  gsize i;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return NULL;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  for (i = 0; i < G_N_ELEMENTS (caps_table); i++)
    if (g_pattern_match_simple (caps_table[i].pattern, name))
      break;
  if (i == G_N_ELEMENTS (caps_table))
    return NULL;

  switch (caps_table[i].kind)
    {
    case KIND_STREAM:
      text = g_strdup ("authentasink records a file: put an encoder and a "
                       "muxer in front (e.g. x264enc ! mp4mux).");
      break;
    case KIND_REFUSED:
      text = g_strdup_printf (
          "Authenta does not take %s files: use mp4mux (or qtmux, webmmux, "
          "matroskamux) instead, e.g. x264enc ! mp4mux.",
          caps_table[i].what);
      break;
    case KIND_VIDEO:
      /* AC-1 and FD-1 check one image. */
      if (model != NULL && !g_str_equal (model, "DF-1"))
        text = g_strdup_printf (
            "The model %s checks images, and this is a video: set "
            "model-type=DF-1 (or auto) for a video, or record one image "
            "(e.g. videotestsrc num-buffers=1 ! jpegenc).",
            model);
      break;
    case KIND_IMAGE:
      if (model != NULL && g_str_equal (model, "DF-1"))
        text = g_strdup (
            "The model DF-1 checks videos, and this is an image: set "
            "model-type=AC-1, FD-1 (or auto) for an image, or record a "
            "video (e.g. x264enc ! mp4mux).");
      break;
    case KIND_AUDIO:
      /* No Media API model takes audio alone; with auto the data decides,
       * as a task may. */
      if (model != NULL)
        text = g_strdup_printf (
            "The model %s checks %s, and this stream is audio only: record "
            "a video with the audio (e.g. x264enc ! mp4mux name=m, with the "
            "audio into m too).",
            model, g_str_equal (model, "DF-1") ? "videos" : "images");
      break;
    }
  if (text != NULL && debug != NULL)
    {
      caps_str = gst_caps_to_string (caps);
      *debug = g_strdup_printf ("%s is not a file the Authenta service takes "
                                "with model %s (caps %s)",
                                name, model ? model : "auto", caps_str);
    }
  return text;
}

const char *
gst_authenta_content_type_from_caps (GstCaps *caps)
{
  const GstStructure *s;
  const char *name;

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
