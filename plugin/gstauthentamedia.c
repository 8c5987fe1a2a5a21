/* What authentasink can tell from the caps and the recorded data: caps that
 * are not a file, the content type and file suffix, empty MP4s.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentamedia.h"

#include <string.h>
#include <unistd.h>

/* Caps that are never a file the service takes: raw frames or samples, and
 * elementary video streams (bare H.264 and the like, without a container).
 * Recording them would fill the disk for as long as the stream runs, only
 * to fail at EOS.  Encoded audio (audio/mpeg is also an MP3 file) and
 * image/jpeg (one JPEG image) are let through: the EOS decides. */
gboolean
gst_authenta_caps_are_not_a_file (GstCaps *caps)
{
  static const char *const elementary[] = {
    "video/x-bayer", "video/x-h264", "video/x-h265",   "video/x-vp8",
    "video/x-vp9",   "video/x-av1",  "video/x-theora",
  };
  const char *name;

  if (caps == NULL || gst_caps_is_empty (caps) || gst_caps_is_any (caps))
    return FALSE;
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));
  if (g_str_has_suffix (name, "/x-raw"))
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (elementary); i++)
    if (g_str_equal (name, elementary[i]))
      return TRUE;
  return FALSE;
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
