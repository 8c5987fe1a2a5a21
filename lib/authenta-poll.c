/* The poll schedule (see authenta-poll-private.h).
 *
 * Why this shape (the defaults: 250 ms for the first 2 s, then doubling to
 * a 2 s cap): a verdict is seen at the first poll after it is ready, so the
 * overhead is at most the interval it falls in, and on average half of it.
 * Quick polls while short jobs finish keep that under 0.25 s up to 2 s; a
 * 2 s cap keeps it under 1 s on average and 2 s at worst for long jobs,
 * with no more GETs than a fixed 2 s poll plus the fast period's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-poll-private.h"

guint
authenta_poll_next_delay (const AuthentaPollSchedule *schedule,
                          gint64 elapsed_ms, guint previous_ms)
{
  double next;

  if (previous_ms == 0 || elapsed_ms < (gint64)schedule->fast_ms)
    next = schedule->first_ms;
  else
    next = MAX ((double)previous_ms * schedule->growth,
                (double)schedule->first_ms);
  next = MIN (next, (double)schedule->max_ms);
  return (guint)MAX (next, 1.0);
}
