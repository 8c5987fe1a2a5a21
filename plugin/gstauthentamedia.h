/* What authentasink can tell from the caps and the recorded data: caps that
 * are refused, the content type and file suffix, empty MP4 and WebM files,
 * a second JPEG image.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* NULL when a scan with @model ("DF-1", "AC-1", "FD-1", or NULL for auto)
 * can take what @caps describe (or the caps do not tell); otherwise the
 * text of the ERROR that refuses them, saying what to do instead, and in
 * @debug (if not NULL) the details.  Raw and elementary streams, MPEG-TS,
 * Ogg, audio into a video or image model, a video into an image model, an
 * image into a video model.  Free both with g_free(). */
G_GNUC_INTERNAL
char *gst_authenta_caps_refusal (GstCaps *caps, const char *model,
                                 char **debug);

/* The content type the caps tell (video/mp4, video/quicktime, video/webm,
 * video/x-matroska, image/jpeg, image/png), or NULL: let the data say. */
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
