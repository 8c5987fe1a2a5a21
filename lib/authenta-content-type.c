/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>

#include "authenta-error-private.h"
#include "authenta-util-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Enough for the EBML header of WebM/Matroska (its DocType) and an ISO
 * BMFF "ftyp" box. */
#define SNIFF_LENGTH 4096

static gboolean
has_bytes (const guint8 *data, gsize length, gsize offset, const char *bytes,
           gsize n)
{
  return length >= offset + n && memcmp (data + offset, bytes, n) == 0;
}

static gboolean
contains (const guint8 *data, gsize length, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

/**
 * authenta_content_type_sniff_data:
 * @data: (array length=length): the first bytes of a file
 * @length: how many
 *
 * Recognises MP4, QuickTime, WebM, Matroska, JPEG and PNG, and (since 0.4)
 * MP3, WAV and M4A audio.
 *
 * Returns: (transfer none) (nullable): "video/mp4", "video/quicktime",
 *   "video/webm", "video/x-matroska", "image/jpeg", "image/png",
 *   "audio/mpeg", "audio/wav" or "audio/mp4", or %NULL.
 *
 * Since: 0.1
 */
const char *
authenta_content_type_sniff_data (const guint8 *data, gsize length)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (has_bytes (data, length, 0, "\xff\xd8\xff", 3))
    return "image/jpeg";
  if (has_bytes (data, length, 0, "\x89PNG\r\n\x1a\n", 8))
    return "image/png";
  if (has_bytes (data, length, 0, "\x1a\x45\xdf\xa3", 4))
    {
      /* EBML: the DocType (element 0x4282) says which. */
      gsize head = MIN (length, 64);
      if (contains (data, head, "webm"))
        return "video/webm";
      if (contains (data, head, "matroska"))
        return "video/x-matroska";
      return NULL;
    }
  if (has_bytes (data, length, 0, "RIFF", 4)
      && has_bytes (data, length, 8, "WAVE", 4))
    return "audio/wav";
  /* MP3: an ID3v2 tag, or an MPEG audio frame header (11 sync bits, a
   * layer, a bit rate index other than "bad"). */
  if (has_bytes (data, length, 0, "ID3", 3))
    return "audio/mpeg";
  if (length >= 3 && data[0] == 0xff && (data[1] & 0xe0) == 0xe0
      && (data[1] & 0x06) != 0 && (data[1] & 0x18) != 0x08
      && (data[2] & 0xf0) != 0xf0 && (data[2] & 0x0c) != 0x0c)
    return "audio/mpeg";
  if (has_bytes (data, length, 4, "ftyp", 4))
    {
      /* M4A (mp4mux and iTunes write brand "M4A "; audiobooks "M4B "). */
      if (has_bytes (data, length, 8, "M4A ", 4)
          || has_bytes (data, length, 8, "M4B ", 4))
        return "audio/mp4";
      if (has_bytes (data, length, 8, "qt  ", 4))
        return "video/quicktime";
      /* HEIF/AVIF images are ISO BMFF too, and not videos. */
      if (has_bytes (data, length, 8, "heic", 4)
          || has_bytes (data, length, 8, "heix", 4)
          || has_bytes (data, length, 8, "mif1", 4)
          || has_bytes (data, length, 8, "avif", 4))
        return NULL;
      return "video/mp4";
    }
  /* Old QuickTime files start with a top-level atom other than ftyp. */
  if (length >= 8
      && (has_bytes (data, length, 4, "moov", 4)
          || has_bytes (data, length, 4, "mdat", 4)
          || has_bytes (data, length, 4, "wide", 4)
          || has_bytes (data, length, 4, "free", 4)
          || has_bytes (data, length, 4, "skip", 4)
          || has_bytes (data, length, 4, "pnot", 4)))
    return "video/quicktime";
  return NULL;
}

/**
 * authenta_content_type_sniff_file:
 * @path: (type filename): a file
 * @error: return location for a #GError
 *
 * Reads the first bytes of @path and recognises its type as
 * authenta_content_type_sniff_data() does.
 *
 * Returns: (transfer none) (nullable): a static content type, or %NULL with
 *   %AUTHENTA_ERROR_UNSUPPORTED_MEDIA, or a %G_IO_ERROR when the file cannot
 *   be read.
 *
 * Since: 0.1
 */
const char *
authenta_content_type_sniff_file (const char *path, GError **error)
{
  const char *type;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  fd = authenta_open_for_reading (path, error);
  if (fd < 0)
    return NULL;
  type = authenta_content_type_sniff_fd (fd, path, error);
  close (fd);
  return type;
}

/* Byte by byte: a cast would load unaligned words, which UBSan reports. */
static guint64
read_be (const guint8 *p, guint n)
{
  guint64 v = 0;

  for (guint i = 0; i < n; i++)
    v = (v << 8) | p[i];
  return v;
}

/* An ISO BMFF box at @offset: its type and where it and its payload end
 * and start.  FALSE past @end or for a box that does not fit in it. */
static gboolean
read_box (int fd, guint64 offset, guint64 end, char type[4], guint64 *payload,
          guint64 *box_end)
{
  guint8 h[16];
  guint64 size;
  guint header = 8;

  if (end - offset < 8 || pread (fd, h, 16, (off_t)offset) < 8)
    return FALSE;
  size = read_be (h, 4);
  memcpy (type, h + 4, 4);
  if (size == 1)
    {
      if (end - offset < 16 || pread (fd, h, 16, (off_t)offset) != 16)
        return FALSE;
      size = read_be (h + 8, 8);
      header = 16;
    }
  else if (size == 0)
    size = end - offset; /* to the end */
  if (size < header || size > end - offset)
    return FALSE;
  *payload = offset + header;
  *box_end = offset + size;
  return TRUE;
}

/* The first box of @type among the children from @start to @end. */
static gboolean
find_box (int fd, guint64 start, guint64 end, const char *type,
          guint64 *payload, guint64 *box_end)
{
  /* A bound on boxes walked: a hostile file cannot make this loop long. */
  for (guint n = 0; n < 4096 && start < end; n++)
    {
      char t[4];

      if (!read_box (fd, start, end, t, payload, box_end))
        return FALSE;
      if (memcmp (t, type, 4) == 0)
        return TRUE;
      start = *box_end;
    }
  return FALSE;
}

/* TRUE for an MP4 whose tracks are all sound (moov/trak/mdia/hdlr says
 * "soun"): M4A, as mp4mux writes it with an audio stream alone, under the
 * brand of any MP4.  Anything this walk does not follow is not M4A. */
static gboolean
mp4_is_audio_only (int fd, guint64 size)
{
  guint64 moov, moov_end, pos, trak, trak_end;
  guint sound = 0, others = 0;

  if (!find_box (fd, 0, size, "moov", &moov, &moov_end))
    return FALSE;
  for (pos = moov; pos < moov_end && others == 0; pos = trak_end)
    {
      guint64 mdia, mdia_end, hdlr, hdlr_end;
      guint8 handler[4];

      if (!find_box (fd, pos, moov_end, "trak", &trak, &trak_end))
        break;
      /* hdlr: version and flags, pre_defined, then the handler type. */
      if (find_box (fd, trak, trak_end, "mdia", &mdia, &mdia_end)
          && find_box (fd, mdia, mdia_end, "hdlr", &hdlr, &hdlr_end)
          && hdlr_end - hdlr >= 12
          && pread (fd, handler, 4, (off_t)(hdlr + 8)) == 4
          && memcmp (handler, "soun", 4) == 0)
        sound++;
      else
        others++;
    }
  return sound > 0 && others == 0;
}

/**
 * authenta_content_type_sniff_fd:
 * @fd: a readable descriptor; read with pread(), so its offset is left
 *   alone
 * @path: (type filename) (nullable): the file's name, for messages only
 * @error: return location for a #GError
 *
 * As authenta_content_type_sniff_file(), from a descriptor the caller
 * holds: the type judged is the type of the bytes that will be uploaded
 * through it, whatever the path names meanwhile.  Since 0.4, an MP4 file
 * whose tracks are all sound (M4A as mp4mux writes it, under the brand of
 * any MP4) is "audio/mp4": its tracks are read, not only its first bytes.
 *
 * Returns: (transfer none) (nullable): a static content type, or %NULL with
 *   %AUTHENTA_ERROR_UNSUPPORTED_MEDIA or a %G_IO_ERROR.
 *
 * Since: 0.2
 */
const char *
authenta_content_type_sniff_fd (int fd, const char *path, GError **error)
{
  guint8 head[SNIFF_LENGTH];
  gsize got = 0;
  const char *type;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (path == NULL)
    path = "the file";
  while (got < sizeof head)
    {
      gssize n = pread (fd, head + got, sizeof head - got, (off_t)got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       "Cannot read “%s”: %s", path, g_strerror (errsv));
          return NULL;
        }
      if (n == 0)
        break;
      got += n;
    }

  type = authenta_content_type_sniff_data (head, got);
  /* The first bytes of an M4A from mp4mux say MP4; its tracks say audio. */
  if (type != NULL && g_str_equal (type, "video/mp4"))
    {
      struct stat st;

      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode)
          && mp4_is_audio_only (fd, (guint64)st.st_size))
        type = "audio/mp4";
    }
  if (type == NULL)
    g_propagate_error (error,
                       authenta_error_new_full (
                           AUTHENTA_ERROR_UNSUPPORTED_MEDIA, 0, NULL, NULL,
                           "“%s” is not a recognised media file (MP4, "
                           "QuickTime, WebM, Matroska, JPEG, PNG, MP3, WAV "
                           "or M4A); name its content type explicitly if it "
                           "is one",
                           path));
  return type;
}

/**
 * authenta_content_type_default_model:
 * @content_type: a content type, such as "video/mp4"
 *
 * Gets the model the service scans a content type with by default.
 *
 * Returns: (transfer none) (nullable): "DF-1" for video types, "AC-1" for
 *   images, %NULL otherwise.
 *
 * Since: 0.1
 */
const char *
authenta_content_type_default_model (const char *content_type)
{
  g_return_val_if_fail (content_type != NULL, NULL);

  if (g_ascii_strncasecmp (content_type, "video/", 6) == 0)
    return "DF-1";
  if (g_ascii_strncasecmp (content_type, "image/", 6) == 0)
    return "AC-1";
  return NULL;
}

/**
 * authenta_content_type_for_task:
 * @content_type: a content type, as sniffed or told by the caps
 * @task: (nullable): the task the file is for; %NULL: the default one
 *
 * Gets the content type to declare for a file of @content_type checked by
 * @task.  It is @content_type, except for an MP4 file ("video/mp4") and a
 * task that takes M4A audio and no MP4 video: an M4A file written by
 * mp4mux carries the brand of any MP4 ("mp42", "isom"), so its first bytes
 * cannot tell it from a video, and for such a task it is "audio/mp4".
 *
 * Returns: (transfer none): the content type to declare
 *
 * Since: 0.4
 */
const char *
authenta_content_type_for_task (const char *content_type, const char *task)
{
  g_return_val_if_fail (content_type != NULL, NULL);

  if (task != NULL && g_ascii_strcasecmp (content_type, "video/mp4") == 0
      && !authenta_task_accepts (task, content_type)
      && authenta_task_accepts (task, "audio/mp4"))
    return "audio/mp4";
  return content_type;
}

/* RFC 6838 4.2: restricted-name = restricted-name-first
 * *126restricted-name-chars */
static gsize
restricted_name_length (const char *s)
{
  gsize n = 0;

  if (!g_ascii_isalnum (s[0]))
    return 0;
  while (s[n] != '\0'
         && (g_ascii_isalnum (s[n]) || strchr ("!#$&-^_.+", s[n]) != NULL))
    n++;
  return n <= 127 ? n : 0;
}

/**
 * authenta_content_type_is_valid:
 * @content_type: (nullable): a content type
 *
 * Whether @content_type is a bare RFC 6838 `type/subtype` token, such as
 * "video/mp4": no parameters, no spaces, no control characters, each name
 * at most 127 characters.  Only such a value is put into a request header;
 * the library checks every content type it is given, and every one the
 * service sends back, with this.
 *
 * Returns: %TRUE when @content_type is a valid content type
 *
 * Since: 0.2
 */
gboolean
authenta_content_type_is_valid (const char *content_type)
{
  gsize type_len, subtype_len;

  if (content_type == NULL)
    return FALSE;
  type_len = restricted_name_length (content_type);
  if (type_len == 0 || content_type[type_len] != '/')
    return FALSE;
  subtype_len = restricted_name_length (content_type + type_len + 1);
  return subtype_len > 0 && content_type[type_len + 1 + subtype_len] == '\0';
}
