/* The authenta plugin: authentasink and authentasplitmuxsink.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstauthentasink.h"
#include "gstauthentasplitmuxsink.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  gboolean ok = GST_ELEMENT_REGISTER (authentasink, plugin);

  ok &= GST_ELEMENT_REGISTER (authentasplitmuxsink, plugin);
  return ok;
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, authenta,
                   "Deepfake detection of recorded streams by the Authenta "
                   "service",
                   plugin_init, PACKAGE_VERSION, "LGPL", PACKAGE_NAME,
                   PACKAGE_ORIGIN)
