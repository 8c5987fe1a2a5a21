/* authenta: the progress line on stderr while files are scanned.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <authenta/authenta.h>

G_BEGIN_DECLS

typedef struct _CliProgress CliProgress;

/* Returns NULL when there is nothing to show: stderr is not a terminal, or
 * --quiet.  Every function below accepts NULL and then does nothing. */
CliProgress *cli_progress_new (guint n_items);
void cli_progress_free (CliProgress *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliProgress, cli_progress_free)

void cli_progress_set_label (CliProgress *self, guint item, const char *label);
void cli_progress_start_item (CliProgress *self, guint item);
/* The item will not be scanned (it failed before): leave it out. */
void cli_progress_skip_item (CliProgress *self, guint item);
/* Thread-safe: called from the library's progress callback. */
void cli_progress_update (CliProgress *self, guint item,
                          AuthentaScanStage stage, guint64 bytes_sent,
                          guint64 bytes_total);
void cli_progress_finish_item (CliProgress *self, guint item);
/* Erase the line, so that a result can be printed; it comes back at the
 * next redraw. */
void cli_progress_clear (CliProgress *self);

G_END_DECLS
