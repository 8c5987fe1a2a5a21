/* authenta-emulator: the S3 endpoint the pre-signed upload URLs point at.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-request.h"

G_BEGIN_DECLS

/* The access handler for requests under /s3/: called with @first on the
 * headers, then with each piece of the body, then with *size == 0. */
enum MHD_Result emu_upload_handle (EmuRequest *req, const char *data,
                                   size_t *size, gboolean first);
/* The request is over: keep nothing of an incomplete upload, and log why
 * if no answer was sent. */
void emu_upload_finish (EmuRequest *req, enum MHD_RequestTerminationCode toe);
void emu_upload_free (EmuUpload *upload);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuUpload, emu_upload_free)

G_END_DECLS
