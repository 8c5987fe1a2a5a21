/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include <authenta/authenta-version.h>

/**
 * authenta_get_version:
 *
 * Returns the version of the libauthenta in use at run time, which may be
 * newer than %AUTHENTA_VERSION_STRING, the one the caller was compiled with.
 *
 * Returns: (transfer none): the version, such as "0.1.0".
 *
 * Since: 0.1
 */
const char *
authenta_get_version (void)
{
  return AUTHENTA_VERSION_STRING;
}
