/* authenta-emulator: pre-signed S3-style URLs.
 *
 * The emulator's upload URLs look like S3 pre-signed URLs (SigV4 query
 * parameters) but are signed with a simpler scheme: HMAC-SHA256, under a
 * secret drawn at start-up, over the method, path, date, expiry, content
 * type and size.  As with S3, the content type and size are not in the URL:
 * they are taken from the request, so a PUT with another type or length no
 * longer matches the signature.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-signer.h"

#include <string.h>
#include <sys/random.h>
#include <stdio.h>

#define SECRET_LEN 32
#define CREDENTIAL_KEY "AKIAEMULATOR00000000"
#define SIGNED_HEADERS "content-length;content-type;host"

struct _EmuSigner
{
  guint8 secret[SECRET_LEN];
};

EmuSigner *
emu_signer_new (void)
{
  EmuSigner *signer = g_new0 (EmuSigner, 1);

  if (getrandom (signer->secret, SECRET_LEN, 0) != SECRET_LEN)
    {
      /* Not a security boundary: it only has to differ between runs. */
      for (guint i = 0; i < SECRET_LEN; i++)
        signer->secret[i] = (guint8)g_random_int ();
    }
  return signer;
}

void
emu_signer_free (EmuSigner *signer)
{
  g_free (signer);
}

static char *
compute_signature (EmuSigner *signer, const char *method, const char *path,
                   const char *date, const char *expires,
                   const char *credential, const char *content_type,
                   const char *size)
{
  g_autoptr (GHmac) hmac
      = g_hmac_new (G_CHECKSUM_SHA256, signer->secret, SECRET_LEN);
  const char *parts[]
      = { method,          path,       date,
          expires,         credential, content_type ? content_type : "",
          size ? size : "" };

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_hmac_update (hmac, (const guchar *)parts[i], strlen (parts[i]));
      g_hmac_update (hmac, (const guchar *)"\n", 1);
    }
  return g_strdup (g_hmac_get_string (hmac));
}

static char *
escape (const char *s)
{
  return g_uri_escape_string (s, NULL, FALSE);
}

char *
emu_signer_presign (EmuSigner *signer, const char *root_url, const char *method,
                    const char *path, guint expires, const char *content_type,
                    const char *size)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  g_autofree char *day = g_date_time_format (now, "%Y%m%d");
  g_autofree char *credential = g_strdup_printf (
      "%s/%s/us-east-1/s3/aws4_request", CREDENTIAL_KEY, day);
  g_autofree char *expires_s = g_strdup_printf ("%u", expires);
  g_autofree char *signature = compute_signature (
      signer, method, path, date, expires_s, credential, content_type, size);
  g_autofree char *credential_e = escape (credential);
  /* What S3 would list: the headers a PUT must match, or just the host. */
  g_autofree char *signed_e = escape (content_type ? SIGNED_HEADERS : "host");

  return g_strdup_printf ("%s%s?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                          "&X-Amz-Credential=%s&X-Amz-Date=%s"
                          "&X-Amz-Expires=%s&X-Amz-SignedHeaders=%s"
                          "&X-Amz-Signature=%s",
                          root_url, path, credential_e, date, expires_s,
                          signed_e, signature);
}

/* "20251202T193927Z" → seconds since the epoch, or -1. */
static gint64
parse_amz_date (const char *date)
{
  g_autoptr (GDateTime) dt = NULL;
  int y, mo, d, h, mi, s;
  char z = 0;

  if (date == NULL || strlen (date) != 16
      || sscanf (date, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &s, &z)
             != 7
      || z != 'Z')
    return -1;
  dt = g_date_time_new_utc (y, mo, d, h, mi, s);
  return dt ? g_date_time_to_unix (dt) : -1;
}

EmuSignCheck
emu_signer_check (EmuSigner *signer, const EmuPresignParams *params,
                  const char *method, const char *path,
                  const char *content_type, const char *size,
                  gint64 *expired_at)
{
  g_autofree char *expected = NULL;
  guint64 expires;
  gint64 date;
  guint diff = 0;

  if (params->algorithm == NULL || params->credential == NULL
      || params->date == NULL || params->expires == NULL
      || params->signed_headers == NULL || params->signature == NULL)
    return EMU_SIGN_MISSING;
  date = parse_amz_date (params->date);
  if (date < 0
      || !g_ascii_string_to_unsigned (params->expires, 10, 0, 604800, &expires,
                                      NULL))
    return EMU_SIGN_MISSING;

  /* As S3 does, expiry is judged before the signature.  The URL is valid
   * while now < date + expires (the date has whole seconds). */
  if ((gint64)(g_get_real_time () / G_USEC_PER_SEC) >= date + (gint64)expires)
    {
      if (expired_at)
        *expired_at = date + (gint64)expires;
      return EMU_SIGN_EXPIRED;
    }

  expected
      = compute_signature (signer, method, path, params->date, params->expires,
                           params->credential, content_type, size);
  if (strlen (expected) != strlen (params->signature))
    return EMU_SIGN_MISMATCH;
  /* Constant time, as a real verifier would. */
  for (gsize i = 0; expected[i] != '\0'; i++)
    diff |= (guint)(expected[i] ^ params->signature[i]);
  return diff == 0 ? EMU_SIGN_OK : EMU_SIGN_MISMATCH;
}
