/* When to poll for a verdict: one schedule for every wait (the Media API's
 * records and the Jobs API's jobs), kept apart so that its figures can be
 * computed as well as measured (bench/bench-latency.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  /* The interval while the fast period lasts, and the one growth starts
   * from after it. */
  guint first_ms;
  /* The factor the interval grows by after each poll once the fast period
   * is over (1: a fixed interval). */
  double growth;
  /* The longest interval. */
  guint max_ms;
  /* How long, from the start of the wait, polls stay first_ms apart. */
  guint fast_ms;
} AuthentaPollSchedule;

/* The delay before the next poll, @elapsed_ms after the wait began, the
 * last delay having been @previous_ms (0 before the first).  At least 1. */
G_GNUC_INTERNAL
guint authenta_poll_next_delay (const AuthentaPollSchedule *schedule,
                                gint64 elapsed_ms, guint previous_ms);

G_END_DECLS
