/* Shared by the libFuzzer targets in tests/fuzz: see docs/development.md.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

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

/* GLib's warnings and criticals are bugs too: abort() on them, which
 * libFuzzer records as a crash with its input (G_DEBUG=fatal-criticals would
 * raise SIGTRAP, which libFuzzer does not catch).  The (expected, frequent)
 * debug and info output of the code under test is dropped. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                 gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (level, fields, n_fields, user_data);
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_init_glib (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}
