/* The recording of authentasink: a private temporary file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
/* renameat2() */
#define _GNU_SOURCE

#include "gstauthentarecording.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct _GstAuthentaRecording
{
  int fd;
  char *path;
  guint64 position;
  guint64 size;
  /* Where the user asked: never renamed. */
  gboolean fixed;
  /* A write failed (a full disk): the file is truncated, and stays as it is
   * and where it is, so the path in the error goes on naming it. */
  gboolean failed;
};

static void
set_errno_error (GError **error, int saved_errno, const char *what,
                 const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
               "Could not %s the recording \"%s\": %s", what, path,
               g_strerror (saved_errno));
}

GstAuthentaRecording *
gst_authenta_recording_new (const char *dir, const char *prefix, GError **error)
{
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  GstAuthentaRecording *rec;
  int fd;

  g_return_val_if_fail (prefix != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (dir == NULL || *dir == '\0')
    dir = g_get_tmp_dir ();

  name = g_strdup_printf ("%s-XXXXXX", prefix);
  path = g_build_filename (dir, name, NULL);
  /* 0600: the capture may be private; nobody else on the host reads it. */
  fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Could not create a recording in \"%s\": %s", dir,
                   g_strerror (saved_errno));
      return NULL;
    }

  rec = g_new0 (GstAuthentaRecording, 1);
  rec->fd = fd;
  rec->path = g_steal_pointer (&path);
  return rec;
}

GstAuthentaRecording *
gst_authenta_recording_new_at (const char *path, GError **error)
{
  GstAuthentaRecording *rec;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* O_EXCL: an existing file (or a link in its place) is never overwritten
   * nor followed; 0600 as for the temporary file. */
  fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Could not create the recording \"%s\": %s", path,
                   g_strerror (saved_errno));
      return NULL;
    }

  rec = g_new0 (GstAuthentaRecording, 1);
  rec->fd = fd;
  rec->path = g_strdup (path);
  rec->fixed = TRUE;
  return rec;
}

void
gst_authenta_recording_free (GstAuthentaRecording *rec, gboolean delete_file)
{
  if (rec == NULL)
    return;

  if (delete_file && gst_authenta_recording_path_is_ours (rec))
    g_unlink (rec->path);
  if (rec->fd >= 0)
    g_close (rec->fd, NULL);
  g_free (rec->path);
  g_free (rec);
}

const char *
gst_authenta_recording_get_path (GstAuthentaRecording *rec)
{
  return rec->path;
}

int
gst_authenta_recording_get_fd (GstAuthentaRecording *rec)
{
  return rec->fd;
}

gboolean
gst_authenta_recording_path_is_ours (GstAuthentaRecording *rec)
{
  struct stat held, named;

  /* lstat: a symbolic link put in its place is not the recording either. */
  if (fstat (rec->fd, &held) != 0 || lstat (rec->path, &named) != 0)
    return FALSE;
  return held.st_dev == named.st_dev && held.st_ino == named.st_ino;
}

guint64
gst_authenta_recording_get_position (GstAuthentaRecording *rec)
{
  return rec->position;
}

guint64
gst_authenta_recording_get_size (GstAuthentaRecording *rec)
{
  return rec->size;
}

static gboolean
write_all (GstAuthentaRecording *rec, const guint8 *data, gsize length,
           GError **error)
{
  while (length > 0)
    {
      /* pwrite: the position is ours, so a seek never needs lseek. */
      gssize n = pwrite (rec->fd, data, length, (off_t)rec->position);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          rec->failed = TRUE;
          set_errno_error (error, saved_errno, "write to", rec->path);
          return FALSE;
        }
      if (n == 0)
        {
          rec->failed = TRUE;
          set_errno_error (error, ENOSPC, "write to", rec->path);
          return FALSE;
        }

      data += n;
      length -= n;
      rec->position += n;
      rec->size = MAX (rec->size, rec->position);
    }

  return TRUE;
}

gboolean
gst_authenta_recording_write (GstAuthentaRecording *rec, GstBuffer *buffer,
                              GError **error)
{
  guint n_mem = gst_buffer_n_memory (buffer);

  /* After a failure nothing more goes in: a muxer rewriting its headers at
   * EOS would make the truncated file look whole. */
  if (rec->failed)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO,
                   "An earlier write to the recording \"%s\" failed",
                   rec->path);
      return FALSE;
    }

  /* Memory by memory, so a buffer made of several is never merged into a
   * copy. */
  for (guint i = 0; i < n_mem; i++)
    {
      GstMemory *mem = gst_buffer_peek_memory (buffer, i);
      GstMapInfo map;
      gboolean ok;

      if (!gst_memory_map (mem, &map, GST_MAP_READ))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                       "Could not read a buffer to record it");
          return FALSE;
        }
      ok = write_all (rec, map.data, map.size, error);
      gst_memory_unmap (mem, &map);
      if (!ok)
        return FALSE;
    }

  return TRUE;
}

gboolean
gst_authenta_recording_seek (GstAuthentaRecording *rec, guint64 offset,
                             GError **error)
{
  if (offset > (guint64)G_MAXINT64)
    {
      set_errno_error (error, EINVAL, "seek in", rec->path);
      return FALSE;
    }
  /* Past the end is allowed: the gap reads as zeros, as with filesink. */
  rec->position = offset;
  return TRUE;
}

gboolean
gst_authenta_recording_truncate (GstAuthentaRecording *rec, GError **error)
{
  if (ftruncate (rec->fd, 0) != 0)
    {
      set_errno_error (error, errno, "truncate", rec->path);
      return FALSE;
    }
  rec->position = 0;
  rec->size = 0;
  return TRUE;
}

/* rename() that never replaces an existing file: the user's files in the
 * folder are not ours to overwrite.  Sets errno, EEXIST when @to exists. */
static int
rename_noreplace (const char *from, const char *to)
{
#ifdef HAVE_RENAMEAT2
  if (renameat2 (AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
    return 0;
  /* EINVAL: the filesystem does not support the flag. */
  if (errno != ENOSYS && errno != EINVAL)
    return -1;
#endif
  /* link() fails with EEXIST rather than replace, too. */
  if (link (from, to) != 0)
    return -1;
  if (unlink (from) != 0)
    {
      int saved_errno = errno;

      unlink (to);
      errno = saved_errno;
      return -1;
    }
  return 0;
}

gboolean
gst_authenta_recording_finish (GstAuthentaRecording *rec, const char *suffix,
                               GError **error)
{
  struct stat st;
  int saved_errno = EEXIST;

  /* Truncated by a failed write: the error named this path, which must go
   * on naming the file; and it is not a recording to scan. */
  if (rec->failed)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO,
                   "The recording \"%s\" is incomplete (a write failed)",
                   rec->path);
      return FALSE;
    }

  /* The upload is the file as it is on disk: nothing past the furthest byte
   * this stream wrote may be in it. */
  if (fstat (rec->fd, &st) == 0 && (guint64)st.st_size > rec->size
      && ftruncate (rec->fd, (off_t)rec->size) != 0)
    {
      set_errno_error (error, errno, "truncate", rec->path);
      return FALSE;
    }

  if (rec->fixed || suffix == NULL || g_str_has_suffix (rec->path, suffix))
    return TRUE;

  /* "<name>.mp4", else "<name>-1.mp4", "<name>-2.mp4"...: a file of that
   * name may have been put there since mkstemp() chose <name>. */
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *new_path
          = i == 0 ? g_strconcat (rec->path, suffix, NULL)
                   : g_strdup_printf ("%s-%u%s", rec->path, i, suffix);

      if (rename_noreplace (rec->path, new_path) == 0)
        {
          g_free (rec->path);
          rec->path = g_steal_pointer (&new_path);
          return TRUE;
        }
      saved_errno = errno;
      if (saved_errno != EEXIST)
        break;
    }

  /* The file keeps its temporary name, which is still ours. */
  set_errno_error (error, saved_errno, "rename", rec->path);
  return FALSE;
}
