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

/* Whether a JSON text holds more than one top-level value ("{}{}", "2{}").
 * json-glib 1.6 (Debian 12) leaks all but one of them inside
 * json_parser_load_from_data(): a bug there, fixed in later json-glib
 * (multiple roots become an array), which no caller can avoid.  The targets
 * skip such inputs, so that LeakSanitizer stays strict about everything
 * else instead of suppressing every node json-glib allocates.  Errs on the
 * side of "several": it only has to cover what json-glib would parse. */
static inline gboolean
fuzz_json_has_several_roots (const uint8_t *data, size_t size)
{
  guint roots = 0, depth = 0;
  gboolean in_scalar = FALSE;

  for (size_t i = 0; i < size; i++)
    {
      char c = (char)data[i];

      if (c == '"')
        {
          if (depth == 0)
            {
              roots++;
              in_scalar = FALSE;
            }
          for (i++; i < size && data[i] != '"'; i++)
            if (data[i] == '\\')
              i++;
        }
      else if (c == '{' || c == '[')
        {
          if (depth == 0)
            {
              roots++;
              in_scalar = FALSE;
            }
          depth++;
        }
      else if (c == '}' || c == ']')
        {
          if (depth > 0)
            depth--;
        }
      else if (g_ascii_isspace (c) || c == ',' || c == ':' || c == '\0')
        {
          if (depth == 0)
            in_scalar = FALSE;
        }
      else if (depth == 0 && !in_scalar)
        {
          roots++;
          in_scalar = TRUE;
        }
    }
  return roots > 1;
}
