/* Shared helpers of the benchmark programs (see docs/performance.md).
 *
 * Every program reads the emulator's base URL from AUTHENTA_BASE_URL and
 * the key from AUTHENTA_API_KEY (the runner, bench/run-bench.sh, sets
 * both), and prints its results as lines
 *   ROW<TAB>figure<TAB>value<TAB>baseline<TAB>ratio<TAB>target<TAB>met
 * that the runner gathers into one table.  Anything else it prints is
 * commentary for the log.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define BENCH_MIB (G_GUINT64_CONSTANT (1) << 20)
#define BENCH_GIB (G_GUINT64_CONSTANT (1) << 30)

/* TRUE when the runner asked for the short version (BENCH_QUICK=1). */
gboolean bench_quick (void);

/* "http://127.0.0.1:PORT" from AUTHENTA_BASE_URL, for /_emulator. */
char *bench_emulator_root (void);
/* POST /_emulator/<control> with a JSON body (may be NULL); aborts the
 * program on failure, since a bench without its emulator means nothing. */
void bench_emulator_post (const char *control, const char *json);
/* GET /_emulator/stats, the count of one route ("get", "upload", …). */
gint64 bench_emulator_count (const char *route);
/* Sets the emulator's processing time. */
void bench_emulator_set_processing_ms (gint64 ms);

/* A file of @size bytes in @dir that sniffs as video/mp4 (an ftyp box,
 * then zeros).  @sparse: a hole after the header (costs no disk); else the
 * zeros are written, so that reading it is real page-cache work.
 * Returns the path (free it); aborts on failure. */
char *bench_make_mp4 (const char *dir, const char *name, guint64 size,
                      gboolean sparse);

/* A private temporary folder for the program's files (BENCH_TMPDIR when
 * set, so that all figures write to the same disk). */
char *bench_make_tmpdir (const char *prefix);
/* Removes the folder and the files in it (not recursive). */
void bench_remove_tmpdir (const char *dir);

/* Median of @n values (sorts @values). */
double bench_median (double *values, guint n);

/* From /proc/self/status: "VmHWM" / "VmRSS" in KiB, or "Threads". */
gint64 bench_proc_status (const char *field);

/* One line of the table. */
void bench_row (const char *figure, const char *value, const char *baseline,
                const char *ratio, const char *target, gboolean met);
/* The same for a figure that was not measured (reason in value). */
void bench_row_skipped (const char *figure, const char *reason,
                        const char *target);

/* "123.4 MiB/s" */
char *bench_format_rate (double bytes_per_second);

G_END_DECLS
