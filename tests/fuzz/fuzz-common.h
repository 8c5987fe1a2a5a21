/* Shared by the libFuzzer targets in tests/fuzz: see docs/development.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerInitialize (int *argc, char ***argv);

/* A failed invariant is a crash libFuzzer records, with the input that
 * caused it, not a g_assert that G_DISABLE_ASSERT could remove. */
#define FUZZ_CHECK(cond)                                                       \
  G_STMT_START                                                                 \
  {                                                                            \
    if (G_UNLIKELY (!(cond)))                                                  \
      {                                                                        \
        g_printerr ("%s:%d: invariant failed: %s\n", __FILE__, __LINE__,       \
                    #cond);                                                    \
        abort ();                                                              \
      }                                                                        \
  }                                                                            \
  G_STMT_END

/* GLib's warnings and criticals are bugs too: make them fatal, and keep the
 * (expected, frequent) debug output of the code under test quiet. */
static inline void
fuzz_init_glib (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("G_MESSAGES_DEBUG", "", TRUE);
}
