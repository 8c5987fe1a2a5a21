/* spool-resume: finishing, in a background thread, the scans that earlier
 * runs left unfinished in a spool-dir journal (a crash, a power cut, an
 * outage longer than the retries), while the pipeline records.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <authenta/authenta.h>
#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstAuthentaResume GstAuthentaResume;

/* Called once, on the resuming thread, when the pass is over (every entry
 * tried, or stopped). */
typedef void (*GstAuthentaResumeDone) (gpointer user_data);

/* Starts one pass over @spool_dir's journal: each unfinished entry that no
 * live scan holds (this process's own included) is claimed and finished
 * with @client, oldest first.  A verdict is posted from @element as an
 * `authenta-verdict` with `journal-id` and `resumed` (TRUE); a failure as
 * a WARNING naming the entry (a passing one ends the pass: the service is
 * still out of reach).  @done (optional) is called at the end. */
G_GNUC_INTERNAL
GstAuthentaResume *gst_authenta_resume_start (GstElement *element,
                                              AuthentaClient *client,
                                              const char *spool_dir,
                                              GstAuthentaResumeDone done,
                                              gpointer user_data);

/* Whether the pass is over. */
G_GNUC_INTERNAL
gboolean gst_authenta_resume_is_done (GstAuthentaResume *resume);

/* Waits until the pass is over or @cancellable is cancelled; FALSE when
 * cancelled first. */
G_GNUC_INTERNAL
gboolean gst_authenta_resume_wait (GstAuthentaResume *resume,
                                   GCancellable *cancellable);

/* Cancels the scan under way (its entry stays in the journal, at its
 * stage), waits for the thread, and frees @resume. */
G_GNUC_INTERNAL
void gst_authenta_resume_stop (GstAuthentaResume *resume);

G_END_DECLS
