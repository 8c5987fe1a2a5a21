/* authenta-emulator: pre-signed S3-style URLs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The bucket and key prefix the emulator's S3 endpoint serves. */
#define EMU_S3_PREFIX "/s3/authenta-emulator/users/emulator/media/"

typedef struct _EmuSigner EmuSigner;

/* The query parameters of a pre-signed URL, as the request carried them
 * (already URL-decoded); any may be NULL. */
typedef struct
{
  const char *algorithm;
  const char *credential;
  const char *date;
  const char *expires;
  const char *signed_headers;
  const char *signature;
} EmuPresignParams;

typedef enum
{
  EMU_SIGN_OK,
  EMU_SIGN_MISSING,  /* a parameter is absent or malformed */
  EMU_SIGN_EXPIRED,  /* signature aside, the URL is past its expiry */
  EMU_SIGN_MISMATCH, /* the signature does not cover this request */
} EmuSignCheck;

EmuSigner *emu_signer_new (void);
void emu_signer_free (EmuSigner *signer);

char *emu_signer_presign (EmuSigner *signer, const char *root_url,
                          const char *method, const char *path, guint expires,
                          const char *content_type, const char *size);

EmuSignCheck emu_signer_check (EmuSigner *signer,
                               const EmuPresignParams *params,
                               const char *method, const char *path,
                               const char *content_type, const char *size,
                               gint64 *expired_at);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuSigner, emu_signer_free)

G_END_DECLS
