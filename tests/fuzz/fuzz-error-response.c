/* Fuzz target: an error answer, from the API (JSON: code, statusCode,
 * message) or from storage (S3's XML <Error>), through the one mapping
 * authenta_error_from_response() and the S3 parser behind it.
 *
 * The first byte chooses the origin and the HTTP status; the rest is the
 * body, not NUL-terminated.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config-private.h"

#include <authenta/authenta.h>

#include "authenta-error-private.h"

#include "fuzz-common.h"

#include <stdlib.h>
#include <string.h>

#define SECRET "api_fuzz_SECRET_key"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const guint statuses[] = { 400, 401, 402, 403, 404, 405, 409, 411,
                                    413, 429, 500, 501, 502, 503, 504, 302 };
  g_autoptr (GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  const char *body;
  AuthentaOrigin origin;
  gsize length;
  guint status;

  if (size < 1 || fuzz_json_has_several_roots (data + 1, size - 1))
    return 0;
  origin = (data[0] & 0x80) ? AUTHENTA_ORIGIN_STORAGE : AUTHENTA_ORIGIN_API;
  status = statuses[data[0] % G_N_ELEMENTS (statuses)];
  body = size > 1 ? (const char *)data + 1 : NULL;
  length = size - 1;

  error = authenta_error_from_response ("PUT https://storage.example/x", origin,
                                        CURLE_OK, NULL, status, body, length,
                                        (data[0] & 0x40) ? "m1" : NULL, SECRET);
  FUZZ_CHECK (error != NULL);
  FUZZ_CHECK (error->domain == AUTHENTA_ERROR);
  FUZZ_CHECK (error->message != NULL);
  FUZZ_CHECK (authenta_error_get_http_status (error) == status);
  /* What the service said is cleaned before it reaches a message: valid
   * UTF-8, and never the key, however the body spells it out. */
  FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL));
  FUZZ_CHECK (strstr (error->message, SECRET) == NULL);
  code = g_strdup (authenta_error_get_service_code (error));
  FUZZ_CHECK (code == NULL || strstr (code, SECRET) == NULL);
  g_clear_pointer (&code, g_free);
  g_free (g_strdup (authenta_error_get_mid (error)));

  /* The S3 parser on its own, out arguments optional. */
  if (authenta_error_parse_s3_xml (body, length, &code, &message))
    {
      FUZZ_CHECK (code != NULL);
      FUZZ_CHECK (authenta_error_parse_s3_xml (body, length, NULL, NULL));
    }
  return 0;
}
