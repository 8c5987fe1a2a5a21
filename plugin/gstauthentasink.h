/* authentasink: records a stream and has it checked by Authenta at EOS.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <authenta/authenta.h>
#include <gst/base/gstbasesink.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * GstAuthentaSinkKeepFile:
 * @GST_AUTHENTA_SINK_KEEP_FILE_NEVER: delete the recording after the scan,
 *   even when it failed (the capture is then lost).
 * @GST_AUTHENTA_SINK_KEEP_FILE_ON_FAILURE: delete it after a verdict, keep it
 *   when the scan failed.
 * @GST_AUTHENTA_SINK_KEEP_FILE_ALWAYS: always keep it.
 *
 * What becomes of the local recording once the scan is over.
 */
typedef enum
{
  GST_AUTHENTA_SINK_KEEP_FILE_NEVER,
  GST_AUTHENTA_SINK_KEEP_FILE_ON_FAILURE,
  GST_AUTHENTA_SINK_KEEP_FILE_ALWAYS,
} GstAuthentaSinkKeepFile;

/**
 * GstAuthentaSinkModelType:
 * @GST_AUTHENTA_SINK_MODEL_TYPE_AUTO: DF-1 for video, AC-1 for images.
 * @GST_AUTHENTA_SINK_MODEL_TYPE_DF1: DF-1, face-swap deepfakes (video).
 * @GST_AUTHENTA_SINK_MODEL_TYPE_AC1: AC-1, AI-generated images.
 * @GST_AUTHENTA_SINK_MODEL_TYPE_FD1: FD-1, image forgery.
 *
 * The detection model the service runs.
 */
typedef enum
{
  GST_AUTHENTA_SINK_MODEL_TYPE_AUTO,
  GST_AUTHENTA_SINK_MODEL_TYPE_DF1,
  GST_AUTHENTA_SINK_MODEL_TYPE_AC1,
  GST_AUTHENTA_SINK_MODEL_TYPE_FD1,
} GstAuthentaSinkModelType;

/**
 * GstAuthentaSinkOnError:
 * @GST_AUTHENTA_SINK_ON_ERROR_ERROR: a failed scan posts an ERROR, which
 *   stops the pipeline.
 * @GST_AUTHENTA_SINK_ON_ERROR_WARNING: a failed scan posts a WARNING with
 *   the same details and an `authenta-failed` element message, keeps the
 *   recording and lets the EOS through.
 *
 * What a failed scan does to the pipeline.
 *
 * Since: 0.2
 */
typedef enum
{
  GST_AUTHENTA_SINK_ON_ERROR_ERROR,
  GST_AUTHENTA_SINK_ON_ERROR_WARNING,
} GstAuthentaSinkOnError;

#define GST_TYPE_AUTHENTA_SINK_ON_ERROR (gst_authenta_sink_on_error_get_type ())
GType gst_authenta_sink_on_error_get_type (void);

#define GST_TYPE_AUTHENTA_SINK_KEEP_FILE                                       \
  (gst_authenta_sink_keep_file_get_type ())
GType gst_authenta_sink_keep_file_get_type (void);

#define GST_TYPE_AUTHENTA_SINK_MODEL_TYPE                                      \
  (gst_authenta_sink_model_type_get_type ())
GType gst_authenta_sink_model_type_get_type (void);

#define GST_TYPE_AUTHENTA_SINK (gst_authenta_sink_get_type ())
G_DECLARE_FINAL_TYPE (GstAuthentaSink, gst_authenta_sink, GST, AUTHENTA_SINK,
                      GstBaseSink)

GST_ELEMENT_REGISTER_DECLARE (authentasink);

/* A client made from @self's settings (key, base URL, TLS, retries, polls)
 * as its scans use them: authentasplitmuxsink's resumed scans have the
 * settings it gives its fragments. */
G_GNUC_INTERNAL
AuthentaClient *gst_authenta_sink_make_client (GstAuthentaSink *self,
                                               GError **error);

G_END_DECLS
