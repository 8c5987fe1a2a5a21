/* authentasplitmuxsink: continuous capture, with a verdict for every
 * fragment.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_AUTHENTA_SPLIT_MUX_SINK                                       \
  (gst_authenta_split_mux_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstAuthentaSplitMuxSink, gst_authenta_split_mux_sink, GST,
                      AUTHENTA_SPLIT_MUX_SINK, GstBin)

GST_ELEMENT_REGISTER_DECLARE (authentasplitmuxsink);

G_END_DECLS
