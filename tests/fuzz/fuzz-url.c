/* Fuzz target: URLs and headers that come from outside.  The pre-signed
 * upload URL (and the verdict's links) come from the service and are logged
 * and put in error messages only through authenta_redact_url(); media ids
 * from answers go into URL paths only if authenta_mid_is_valid(); a base
 * URL is checked when a client is made; Retry-After comes from any server.
 *
 * The first byte chooses the function; the rest is the text.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config-private.h"

#include <authenta/authenta.h>

#include "authenta-http-private.h"
#include "authenta-util-private.h"

#include "fuzz-common.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  g_unsetenv ("AUTHENTA_BASE_URL");
  g_unsetenv ("AUTHENTA_API_KEY");
  return 0;
}

/* What a redacted URL may never hold: the query (the pre-signed URL's
 * signature and credential), the fragment, or user information. */
static void
check_redacted (const char *url, const char *redacted)
{
  const char *scheme_end = strstr (url, "://");
  const char *authority, *authority_end, *at;

  FUZZ_CHECK (redacted != NULL);
  if (scheme_end == NULL)
    return;
  /* Whatever the redaction printed after the scheme is host and path. */
  authority = strstr (redacted, "://");
  FUZZ_CHECK (authority != NULL);
  authority += 3;
  FUZZ_CHECK (strchr (authority, '?') == NULL);
  FUZZ_CHECK (strchr (authority, '#') == NULL);
  /* No credentials: the input's "user:password@" does not survive (unless
   * the same text is also in what follows it, the host and path). */
  authority_end = scheme_end + 3 + strcspn (scheme_end + 3, "/?#");
  at = memchr (scheme_end + 3, '@', authority_end - (scheme_end + 3));
  if (at != NULL)
    {
      g_autofree char *credentials
          = g_strndup (scheme_end + 3, at + 1 - (scheme_end + 3));

      if (strlen (credentials) >= 5 && strstr (at + 1, credentials) == NULL)
        FUZZ_CHECK (strstr (authority, credentials) == NULL);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_autofree char *redacted = NULL;

  if (size < 1)
    return 0;
  /* These take C strings: stop at the first NUL, as a header would. */
  text = g_strndup ((const char *)data + 1, size - 1);

  switch (data[0] % 4)
    {
    case 0:
      redacted = authenta_redact_url (text);
      check_redacted (text, redacted);
      break;
    case 1:
      if (authenta_mid_is_valid (text))
        {
          gsize n = strlen (text);

          FUZZ_CHECK (n >= 1 && n <= 64);
          FUZZ_CHECK (strspn (text, "0123456789abcdefghijklmnopqrstuvwxyz"
                                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-")
                      == n);
        }
      (void)authenta_host_is_loopback (text);
      break;
    case 2:
      {
        gint64 ms = authenta_http_parse_retry_after (text, 1764704367);

        FUZZ_CHECK (ms >= -1);
        break;
      }
    case 3:
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (AuthentaClient) client = NULL;

        /* The key must never appear in what a refusal says. */
        client = authenta_client_new (text, "api_fuzz_SECRET_key", &error);
        if (client != NULL)
          FUZZ_CHECK (authenta_client_get_base_url (client) != NULL);
        else if (strstr (text, "api_fuzz_SECRET_key") == NULL)
          FUZZ_CHECK (strstr (error->message, "api_fuzz_SECRET_key") == NULL);
        break;
      }
    }
  return 0;
}
