/* What the authentasink test programs share: the emulator fixture, the
 * usual sink settings, running a pipeline and reading its messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "test-emulator.h"

#include <authenta/authenta.h>
#include <gst/check/gstcheck.h>

#define EMULATOR_KEY "api_emulator_key"
#define CANARY_KEY "api_SECRET_canary_123"

/* Small, quick media for every pipeline. */
#define RAW_VIDEO                                                              \
  "videotestsrc num-buffers=15 ! "                                             \
  "video/x-raw,width=160,height=120,framerate=15/1 ! "
#define MP4_PIPELINE RAW_VIDEO "x264enc speed-preset=ultrafast ! mp4mux ! "
#define MOV_PIPELINE RAW_VIDEO "x264enc speed-preset=ultrafast ! qtmux ! "
#define WEBM_PIPELINE RAW_VIDEO "vp8enc deadline=1 ! webmmux ! "
#define JPEG_PIPELINE                                                          \
  "videotestsrc num-buffers=1 ! video/x-raw,width=160,height=120 ! "           \
  "jpegenc ! "

typedef struct
{
  TestEmulator *emu;
  char *dir;
  /* The sinks the helpers make (sink_args(), make_pipeline(),
   * make_harness(), scan_png_with()) skip the start-time check
   * (check-at-start=false) unless this is set: most tests are about the scan
   * at EOS, or about things the service has no part in, and start with a
   * wrong key, faults or no service on purpose.  Tests against a working
   * emulator with a valid key set it, so that the default path is run too;
   * the start-check tests make their own sinks. */
  gboolean check_at_start;
} Fixture;

/* Starts an emulator with up to four arguments (NULL-terminated) and makes
 * a private folder. */
void fixture_setup (Fixture *f, const char *first_arg, ...);
void fixture_teardown (Fixture *f);
guint count_files (const char *dir);
char *sink_args (Fixture *f, const char *key);
GstElement *make_pipeline (Fixture *f, const char *upstream, const char *extra);
GPtrArray *run_pipeline (GstElement *pipeline, guint timeout_s);
int find_message (GPtrArray *messages, const char *name, guint from);
const GstStructure *message_structure (GPtrArray *messages, int index);
void dump_messages (GPtrArray *messages);
const GstStructure *check_verdict_run (GPtrArray *messages);
const GstStructure *check_error_run (GPtrArray *messages, const char *code,
                                     guint http_status, gboolean want_mid,
                                     gboolean kept);
gint64 slowdown (void);

/* What the task cannot take is refused when the caps arrive: an ERROR from
 * the sink that says @says, before any byte is recorded (no file), and no
 * record or job made. */
typedef struct
{
  const char *upstream;
  const char *extra;
  const char *says;
} RefusedCase;

void run_refused_case (const RefusedCase *c);

/* spool-dir: the fixture's spool folder (in its folder), removed with its
 * files; its journal; the journal's one entry (done ones included); a
 * client of the emulator, as `authenta spool run` would make. */
char *spool_dir_of (Fixture *f);
void remove_spool_dir (Fixture *f);
AuthentaJournal *open_spool_journal (Fixture *f);
AuthentaJournalEntry *only_journal_entry (AuthentaJournal *journal);
AuthentaClient *emulator_client (Fixture *f);
