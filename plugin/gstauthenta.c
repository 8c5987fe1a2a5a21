/* The authenta plugin: authentasink and authentasplitmuxsink.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <curl/curl.h>

#include "gstauthentasink.h"
#include "gstauthentasplitmuxsink.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ok;

  /* Initialise libcurl (and with it OpenSSL) here, on the thread that loads
   * the plugin, not on the first streaming thread that makes a client:
   * OpenSSL 3 keeps per-thread state from its initialisation, and a pooled
   * streaming thread that outlives exit() frees it a second time.  The
   * library's own call is then only a reference. */
  curl_global_init (CURL_GLOBAL_DEFAULT);

  ok = GST_ELEMENT_REGISTER (authentasink, plugin);

  ok &= GST_ELEMENT_REGISTER (authentasplitmuxsink, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, authenta,
                   "Deepfake detection of recorded streams by the Authenta "
                   "service",
                   plugin_init, PACKAGE_VERSION, "LGPL", PACKAGE_NAME,
                   PACKAGE_ORIGIN)
