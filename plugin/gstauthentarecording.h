/* The recording of authentasink: a private temporary file, written at a
 * position that can be moved back (muxers rewrite their headers).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstAuthentaRecording GstAuthentaRecording;

/* Creates "<prefix>-XXXXXX" in @dir (NULL: g_get_tmp_dir()), mode 0600. */
GstAuthentaRecording *gst_authenta_recording_new (const char *dir,
                                                  const char *prefix,
                                                  GError **error);
/* Creates @path itself (O_EXCL, mode 0600): an existing file is refused,
 * with G_FILE_ERROR_EXIST.  Such a recording is never renamed by finish(). */
GstAuthentaRecording *gst_authenta_recording_new_at (const char *path,
                                                     GError **error);
/* Closes the file; unlinks it only if @delete_file, and only while its path
 * still names the recording (a file put in its place is not ours). */
void gst_authenta_recording_free (GstAuthentaRecording *rec,
                                  gboolean delete_file);

const char *gst_authenta_recording_get_path (GstAuthentaRecording *rec);
/* The descriptor held since the file was created, open for reading and
 * writing: still the recording when its path no longer is.  Owned by @rec. */
int gst_authenta_recording_get_fd (GstAuthentaRecording *rec);
/* TRUE while the path still names the file the descriptor holds (same
 * device and inode); FALSE when it was removed or replaced since. */
gboolean gst_authenta_recording_path_is_ours (GstAuthentaRecording *rec);
/* The byte where the next write goes. */
guint64 gst_authenta_recording_get_position (GstAuthentaRecording *rec);
/* The length of the file: the furthest byte ever written. */
guint64 gst_authenta_recording_get_size (GstAuthentaRecording *rec);

/* Writes all of @buffer at the current position and moves past it.  On a
 * failure (a full disk) what was written stays, and the recording has
 * failed: later writes and finish() are refused, so the file keeps its
 * name and its content. */
gboolean gst_authenta_recording_write (GstAuthentaRecording *rec,
                                       GstBuffer *buffer, GError **error);
gboolean gst_authenta_recording_seek (GstAuthentaRecording *rec, guint64 offset,
                                      GError **error);
/* Empties the file, for a new stream after a flush. */
gboolean gst_authenta_recording_truncate (GstAuthentaRecording *rec,
                                          GError **error);
/* Called at the end of a stream: when @suffix is given, renames the file to end
 * in it (".mp4"), so a kept recording opens by its name. */
gboolean gst_authenta_recording_finish (GstAuthentaRecording *rec,
                                        const char *suffix, GError **error);

G_END_DECLS
