/* What authentasink posts for a GError: the GStreamer error domain and
 * code, the text that says what to do, the authenta-code detail, and the
 * helpers that post an ERROR or WARNING with the four details, the
 * authenta-failed and the authenta-stopped messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

/* The settings the texts name, as the failed scan or client set-up had
 * them.  The strings are borrowed. */
typedef struct
{
  /* The api-key property (NULL: unset, AUTHENTA_API_KEY is used). */
  const char *api_key;
  /* The base-url property (NULL: AUTHENTA_BASE_URL, else the default). */
  const char *base_url;
  guint retry_attempts;
  /* The time allowed for the verdict, in seconds. */
  guint timeout;
} GstAuthentaErrorSettings;

/* The authenta-code detail: the service's code, else the AuthentaError
 * name without its prefix ("TIMEOUT"), "IO_ERROR" for G_IO_ERROR and
 * G_FILE_ERROR, "ERROR" for anything else. */
G_GNUC_INTERNAL
char *gst_authenta_error_dup_code (const GError *error);

/* Why the client could not be made, worded by its cause (the key, plain
 * http, a malformed base URL, TLS); sets @code (a GST_RESOURCE_ERROR). */
G_GNUC_INTERNAL
char *gst_authenta_error_describe_setup (const GError *error,
                                         const GstAuthentaErrorSettings *s,
                                         GstResourceError *code);

/* The text of a failed scan's ERROR or WARNING, ending with where the
 * recording is kept (@location) or that it was deleted (@location NULL);
 * sets @domain and @code. */
G_GNUC_INTERNAL
char *gst_authenta_error_describe_scan (const GError *error,
                                        const GstAuthentaErrorSettings *s,
                                        const char *location, GQuark *domain,
                                        int *code);

/* The text of a failed start-time check (check-at-start): the scan's
 * explanation, saying that nothing was recorded yet; sets @domain and
 * @code. */
char *
gst_authenta_error_describe_start_check (const GError *error,
                                         const GstAuthentaErrorSettings *s,
                                         GQuark *domain, int *code);

/* Posts an ERROR (or, with on-error=warning, a WARNING) with the four
 * details every failure carries.  Takes @text and @debug. */
G_GNUC_INTERNAL
void gst_authenta_post_failure (GstElement *element, GstMessageType type,
                                GQuark domain, int code, char *text,
                                char *debug, const char *authenta_code,
                                guint http_status, const char *mid,
                                const char *location, const char *file,
                                const char *function, int line);

/* The authenta-failed element message of on-error=warning: @mid,
 * @authenta_code, @http_status, @location and @reason (the WARNING's
 * text). */
G_GNUC_INTERNAL
void gst_authenta_post_failed_message (GstElement *element, const char *mid,
                                       const char *authenta_code,
                                       guint http_status, const char *location,
                                       const char *reason);

/* A scan or a recording stopped by a state change before a verdict: an
 * authenta-stopped element message (@location, @mid, @stage) and a WARNING
 * that starts with @what and names the file kept at @location (NULL: says
 * it was deleted).  Posted from the state change, before a pipeline going
 * to NULL flushes its bus (unless auto-flush-bus is off, nothing on the bus
 * survives that: an application reads them at READY, or turns it off). */
G_GNUC_INTERNAL
void gst_authenta_post_stopped (GstElement *element, const char *what,
                                const char *stage, const char *mid,
                                const char *location);

#define POST_ERROR(self, domain, code, text, debug, authenta_code, status,     \
                   mid, location)                                              \
  gst_authenta_post_failure (                                                  \
      GST_ELEMENT_CAST (self), GST_MESSAGE_ERROR, GST_##domain##_ERROR,        \
      GST_##domain##_ERROR_##code, (text), (debug), (authenta_code), (status), \
      (mid), (location), __FILE__, GST_FUNCTION, __LINE__)

G_END_DECLS
