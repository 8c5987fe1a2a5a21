/* The authenta plugin: authentasink.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstauthentasink.h"

static gboolean
plugin_init (GstPlugin *plugin)
{
  return GST_ELEMENT_REGISTER (authentasink, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, authenta,
                   "Deepfake detection of recorded streams by the Authenta "
                   "service",
                   plugin_init, PACKAGE_VERSION, "LGPL", PACKAGE_NAME,
                   PACKAGE_ORIGIN)
