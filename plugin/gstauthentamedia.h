/* What authentasink can tell from the caps and the recorded data: caps that
 * are not a file, the content type and file suffix, empty MP4s.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* Raw frames or samples and elementary video streams (bare H.264…): never
 * a file the service takes, refused when the caps arrive. */
G_GNUC_INTERNAL
gboolean gst_authenta_caps_are_not_a_file (GstCaps *caps);

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

G_END_DECLS
