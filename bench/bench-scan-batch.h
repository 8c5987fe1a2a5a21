/* A batch of scans at once, timed, for the concurrency and scale figures.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <authenta/authenta.h>

G_BEGIN_DECLS

/* Scans the first @n of @paths at once with authenta_client_scan_file_async()
 * on this thread's default main context, and returns the seconds from the
 * first call to the last callback.  With @peak_threads, the most threads
 * the process had meanwhile (sampled every 2 ms by a thread of its own,
 * which is not counted).  @what names the figure in messages; a failed
 * scan aborts the program. */
double bench_scan_batch (AuthentaClient *client, char **paths, guint n,
                         const char *what, gint64 *peak_threads);

G_END_DECLS
