/* authentasink's spool-dir: the journal a recording is scanned through, so
 * that a scan cut short by an outage or a stop is finished later
 * (`authenta spool run`), and the messages that say so.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "gstauthentaerrors.h"

#include <authenta/authenta.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* Opens (or creates) the journal in @dir; on failure posts an ERROR with
 * the library's message, which names the file, and returns NULL. */
G_GNUC_INTERNAL
AuthentaJournal *gst_authenta_spool_open (GstElement *element, const char *dir);

/* A scan that failed for a transient reason and stays in the journal: a
 * WARNING with the scan's text and details (plus `journal-id`), and an
 * `authenta-spooled` element message (`journal-id`, `mid`, `location`,
 * `stage`, `reason`).  @location is the kept recording. */
G_GNUC_INTERNAL
void gst_authenta_spool_post_spooled (GstElement *element, const GError *error,
                                      const GstAuthentaErrorSettings *es,
                                      AuthentaJournal *journal,
                                      gint64 journal_id, const char *mid,
                                      const char *location,
                                      const char *spool_dir);

/* A journaled scan stopped by a state change: `authenta-stopped`
 * (`location`, `mid`, `stage`, `journal-id`) and a WARNING that starts with
 * @what and says how the entry will be finished. */
G_GNUC_INTERNAL
void gst_authenta_spool_post_stopped (GstElement *element, const char *what,
                                      const char *stage, const char *mid,
                                      const char *location, gint64 journal_id,
                                      const char *spool_dir);

/* The sentence a start-time check that let the element start adds: the
 * service could not be reached, the recordings wait in @spool_dir. */
G_GNUC_INTERNAL
char *gst_authenta_spool_describe_offline_start (const char *text,
                                                 const char *spool_dir);

G_END_DECLS
