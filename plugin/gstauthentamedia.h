/* What authentasink can tell from the caps and the recorded data: caps that
 * are refused, the content type and file suffix, empty MP4 and WebM files,
 * a second JPEG image.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* NULL when a scan with @task (a model such as "DF-1" or a Jobs API task
 * such as "ai-audio-detection"; NULL for the default of what is recorded)
 * can take what @caps describe (or the caps do not tell); otherwise the
 * text of the ERROR that refuses them, naming the task to use or what to
 * record instead, and in @debug (if not NULL) the details.  Raw and
 * elementary streams, MPEG-TS, Ogg, FLAC, audio in WebM, and whatever the
 * task does not take (audio into a video model, a video into an audio
 * task…).  Free both with g_free(). */
G_GNUC_INTERNAL
char *gst_authenta_caps_refusal (GstCaps *caps, const char *task, char **debug);

/* The content type the caps tell (video/mp4, video/quicktime, video/webm,
 * video/x-matroska, image/jpeg, image/png, audio/mpeg for MP3, audio/wav),
 * or NULL: let the data say. */
G_GNUC_INTERNAL
const char *gst_authenta_content_type_from_caps (GstCaps *caps);

/* The file suffix for a content type (".mp4"…), or NULL. */
G_GNUC_INTERNAL
const char *gst_authenta_suffix_for_content_type (const char *content_type);

/* TRUE only for a well-formed MP4/QuickTime file of @size bytes at @fd
 * whose top-level boxes hold no media data. */
G_GNUC_INTERNAL
gboolean gst_authenta_mp4_has_no_media (int fd, guint64 size);

/* TRUE only for a well-formed WebM/Matroska file of @size bytes at @fd
 * with no frame (no SimpleBlock or BlockGroup in a Cluster). */
G_GNUC_INTERNAL
gboolean gst_authenta_matroska_has_no_frame (int fd, guint64 size);

/* TRUE when, with image/jpeg @caps, @buffer starts a new JPEG image (SOI,
 * FF D8) appended (@position at the end) after the complete one (ending in
 * EOI, FF D9) in the @size bytes at @fd: one image scan takes one image. */
G_GNUC_INTERNAL
gboolean gst_authenta_jpeg_is_second_image (GstCaps *caps, int fd,
                                            guint64 position, guint64 size,
                                            GstBuffer *buffer);

G_END_DECLS
