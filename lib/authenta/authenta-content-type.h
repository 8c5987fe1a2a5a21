/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__AUTHENTA_H_INSIDE__) && !defined(AUTHENTA_COMPILATION)
#error "Only <authenta/authenta.h> can be included directly."
#endif

#include <authenta/authenta-version.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* Recognise MP4, QuickTime, WebM, Matroska, JPEG, PNG, MP3, WAV and M4A from
 * a file's first
 * bytes.  Returns a static string such as "video/mp4", or NULL with
 * AUTHENTA_ERROR_UNSUPPORTED_MEDIA (or a G_IO_ERROR for an unreadable
 * file). */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_content_type_sniff_file (const char *path, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_content_type_sniff_data (const guint8 *data, gsize length);
/* The same from a descriptor (pread(): its offset is untouched); path is
 * for messages only. */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_content_type_sniff_fd (int fd, const char *path,
                                            GError **error);

/* TRUE when content_type is an RFC 6838 type/subtype token, such as
 * "video/mp4": what may go into a Content-Type header. */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_content_type_is_valid (const char *content_type);

/* "DF-1" for video types, "AC-1" for images, NULL otherwise. */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_content_type_default_model (const char *content_type);

/* The type to declare for a file of content_type checked by task: M4A
 * ("audio/mp4") for an MP4 file and a task that takes audio only.
 * Since: 0.4 */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_content_type_for_task (const char *content_type,
                                            const char *task);

G_END_DECLS
