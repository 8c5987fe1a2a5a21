/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* As authenta_content_type_sniff_file(), from a descriptor (read with
 * pread(), its offset untouched); path is for messages only. */
G_GNUC_INTERNAL
const char *authenta_content_type_sniff_fd (int fd, const char *path,
                                            GError **error);

G_END_DECLS
