/* Test support: run authenta-emulator on a free loopback port for a test
 * program, and drive its test controls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TestEmulator TestEmulator;

/* Spawn the emulator (path from the AUTHENTA_EMULATOR environment variable,
 * which meson sets for every test) with `--port 0` and the given extra
 * arguments (NULL-terminated), wait for its base URL line, and return.
 * Aborts the test on failure. */
TestEmulator *test_emulator_start (const char *first_arg,
                                   ...) G_GNUC_NULL_TERMINATED;
/* SIGTERM, wait for exit, assert a clean exit status, free. */
void test_emulator_stop (TestEmulator *emu);

/* An outage: SIGTERM the emulator and wait for its clean exit, keeping
 * @emu (its records are gone with the process).  Until
 * test_emulator_resume() nothing listens on its port; the controls below
 * must not be used. */
void test_emulator_pause (TestEmulator *emu);
/* Start it again on the same port, with the same arguments: a fresh
 * emulator (no records, counters at 0) at the same base URL. */
void test_emulator_resume (TestEmulator *emu);

/* "http://127.0.0.1:PORT/api" */
const char *test_emulator_get_base_url (TestEmulator *emu);
/* "http://127.0.0.1:PORT" */
const char *test_emulator_get_root_url (TestEmulator *emu);

/* POST /_emulator/faults with the given JSON body; see docs/emulator.md. */
void test_emulator_add_fault (TestEmulator *emu, const char *json_fault);
/* POST /_emulator/config with the given JSON body. */
void test_emulator_configure (TestEmulator *emu, const char *json_config);
/* POST /_emulator/reset: forget faults, counters and records; restore the
 * command line's configuration. */
void test_emulator_reset (TestEmulator *emu);
/* Requests the named route has received since start or reset: "create",
 * "list", "get", "delete", "upload". */
guint test_emulator_get_count (TestEmulator *emu, const char *route);

/* Everything the emulator wrote on stderr so far (its request log). */
char *test_emulator_dup_log (TestEmulator *emu);

G_END_DECLS
