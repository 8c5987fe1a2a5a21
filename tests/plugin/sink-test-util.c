/* What the authentasink test programs share (see sink-test-util.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sink-test-util.h"

#include <authenta/authenta.h>

#include <glib/gstdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Helpers */

void
fixture_setup (Fixture *f, const char *first_arg, ...)
{
  g_autoptr (GError) error = NULL;

  /* The fixture takes its arguments as a NULL-terminated list: pass at
   * most four, which is all these tests need. */
  va_list ap;
  const char *args[5] = { NULL };
  guint n = 0;

  va_start (ap, first_arg);
  for (const char *a = first_arg; a != NULL && n < 4;
       a = va_arg (ap, const char *))
    args[n++] = a;
  va_end (ap);

  f->emu = test_emulator_start (args[0], args[1], args[2], args[3], NULL);
  f->dir = g_dir_make_tmp ("authentasink-test-XXXXXX", &error);
  fail_unless (f->dir != NULL, "%s", error ? error->message : "");
}

guint
count_files (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (d == NULL)
    return 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

void
fixture_teardown (Fixture *f)
{
  g_autoptr (GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  if (f->emu != NULL)
    test_emulator_stop (f->emu);
}

/* The sink's usual settings: the emulator, a private folder, and short
 * waits so the suite stays fast. */
char *
sink_args (Fixture *f, const char *key)
{
  return g_strdup_printf (
      "authentasink base-url=%s api-key=%s temp-dir=%s "
      "poll-interval=50 poll-max-interval=100 retry-base-delay=10 "
      "retry-max-delay=50 check-at-start=%s",
      test_emulator_get_base_url (f->emu), key, f->dir,
      f->check_at_start ? "true" : "false");
}

GstElement *
make_pipeline (Fixture *f, const char *upstream, const char *extra)
{
  g_autofree char *sink = sink_args (f, EMULATOR_KEY);
  g_autofree char *desc = g_strdup_printf ("%s%s name=sink %s", upstream, sink,
                                           extra ? extra : "");
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (desc, &error);

  fail_unless (pipeline != NULL, "%s: %s", desc, error ? error->message : "");
  fail_unless (error == NULL, "%s: %s", desc, error->message);
  return pipeline;
}

/* Plays @pipeline until EOS or ERROR, collecting the element, warning,
 * error and EOS messages in order. */
GPtrArray *
run_pipeline (GstElement *pipeline, guint timeout_s)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  GPtrArray *messages
      = g_ptr_array_new_with_free_func ((GDestroyNotify)gst_message_unref);

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING)
               != GST_STATE_CHANGE_FAILURE);
  for (;;)
    {
      GstMessage *msg = gst_bus_timed_pop_filtered (
          bus, timeout_s * GST_SECOND,
          GST_MESSAGE_EOS | GST_MESSAGE_ERROR | GST_MESSAGE_WARNING
              | GST_MESSAGE_ELEMENT);

      fail_unless (msg != NULL, "no EOS or ERROR within %u s", timeout_s);
      g_ptr_array_add (messages, msg);
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
          || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
        break;
    }
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL)
               == GST_STATE_CHANGE_SUCCESS);
  return messages;
}

/* Index of the first message named @name (an element message's structure
 * name, or "eos", "error", "warning"), or -1. */
int
find_message (GPtrArray *messages, const char *name, guint from)
{
  for (guint i = from; i < messages->len; i++)
    {
      GstMessage *msg = messages->pdata[i];
      const GstStructure *s = gst_message_get_structure (msg);

      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
          && gst_structure_has_name (s, name))
        return i;
      if (g_str_equal (name, GST_MESSAGE_TYPE_NAME (msg)))
        return i;
    }
  return -1;
}

const GstStructure *
message_structure (GPtrArray *messages, int index)
{
  fail_unless (index >= 0);
  return gst_message_get_structure (messages->pdata[index]);
}

void
dump_messages (GPtrArray *messages)
{
  for (guint i = 0; i < messages->len; i++)
    {
      GstMessage *msg = messages->pdata[i];
      g_autofree char *s = NULL;

      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
          || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING)
        {
          g_autoptr (GError) err = NULL;
          g_autofree char *dbg = NULL;

          if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
            gst_message_parse_error (msg, &err, &dbg);
          else
            gst_message_parse_warning (msg, &err, &dbg);
          GST_INFO ("%s: %s (%s)", GST_MESSAGE_TYPE_NAME (msg), err->message,
                    dbg);
        }
      else if (gst_message_get_structure (msg))
        {
          s = gst_structure_to_string (gst_message_get_structure (msg));
          GST_INFO ("%s: %s", GST_MESSAGE_TYPE_NAME (msg), s);
        }
    }
}

/* Checks the stages came in order, each once, and then the verdict and
 * EOS; returns the verdict. */
const GstStructure *
check_verdict_run (GPtrArray *messages)
{
  static const char *const stages[]
      = { "created", "uploading", "uploaded", "processing" };
  int verdict = find_message (messages, "authenta-verdict", 0);
  int eos = find_message (messages, "eos", 0);
  int last = -1;
  guint64 total = 0;

  dump_messages (messages);
  fail_unless (find_message (messages, "error", 0) < 0, "got an ERROR");
  fail_unless (verdict >= 0, "no verdict");
  fail_unless (eos > verdict, "EOS came before the verdict");

  for (guint i = 0; i < G_N_ELEMENTS (stages); i++)
    {
      int found = -1;

      for (guint j = 0; j < messages->len; j++)
        {
          const GstStructure *s
              = gst_message_get_structure (messages->pdata[j]);

          if (s != NULL && gst_structure_has_name (s, "authenta-progress")
              && g_str_equal (gst_structure_get_string (s, "stage"), stages[i]))
            {
              guint64 sent, t;

              fail_unless (gst_structure_get_uint64 (s, "bytes-sent", &sent));
              fail_unless (gst_structure_get_uint64 (s, "bytes-total", &t));
              fail_unless (sent <= t);
              fail_unless (gst_structure_get_string (s, "mid") != NULL);
              total = t;
              if (found < 0)
                found = j;
            }
        }
      fail_unless (found >= 0, "no %s progress", stages[i]);
      fail_unless (found > last, "%s out of order", stages[i]);
      fail_unless (found < verdict);
      last = found;
    }
  fail_unless (total > 0);
  return message_structure (messages, verdict);
}

const GstStructure *
check_error_run (GPtrArray *messages, const char *code, guint http_status,
                 gboolean want_mid, gboolean kept)
{
  int index = find_message (messages, "error", 0);
  GstMessage *msg;
  const GstStructure *details = NULL;
  g_autoptr (GError) err = NULL;
  g_autofree char *dbg = NULL;
  const char *location;
  guint status = 0;

  dump_messages (messages);
  fail_unless (index >= 0, "no ERROR");
  fail_unless (find_message (messages, "authenta-verdict", 0) < 0);
  fail_unless (find_message (messages, "eos", 0) < 0);
  msg = messages->pdata[index];
  gst_message_parse_error (msg, &err, &dbg);
  gst_message_parse_error_details (msg, &details);
  fail_unless (details != NULL, "no details");
  GST_INFO ("error: %s | %s | %" GST_PTR_FORMAT, err->message, dbg, details);

  fail_unless (gst_structure_get_string (details, "authenta-code") != NULL);
  if (code != NULL)
    fail_unless_equals_string (
        gst_structure_get_string (details, "authenta-code"), code);
  fail_unless (gst_structure_get_uint (details, "http-status-code", &status));
  fail_unless_equals_int (status, http_status);
  if (want_mid)
    fail_unless (gst_structure_get_string (details, "mid") != NULL);
  location = gst_structure_get_string (details, "location");
  if (kept)
    {
      GStatBuf st;

      fail_unless (location != NULL, "no location");
      fail_unless (strstr (err->message, location) != NULL,
                   "the message does not say where the file is");
      fail_unless (g_stat (location, &st) == 0, "%s is gone", location);
      fail_unless (st.st_size > 0);
      fail_unless_equals_int (st.st_mode & 0777, 0600);
    }
  else
    {
      fail_unless (location == NULL);
    }
  return details;
}

/* How much slower than natively this process runs: the one-second bound
 * on a state change is a real-time promise, but valgrind is no real
 * time. */
gint64
slowdown (void)
{
  const char *preload = g_getenv ("LD_PRELOAD");

  if (preload != NULL && strstr (preload, "vgpreload") != NULL)
    return 10;
#if defined(__SANITIZE_ADDRESS__)
  return 2;
#else
  return 1;
#endif
}

void
run_refused_case (const RefusedCase *c)
{
  Fixture f = { 0 };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GPtrArray) messages = NULL;
  g_autoptr (GError) err = NULL;
  const GstStructure *details = NULL;
  int index;

  GST_INFO ("case: %s%s", c->upstream, c->extra ? c->extra : "");
  fixture_setup (&f, NULL);
  pipeline = make_pipeline (&f, c->upstream, c->extra);
  messages = run_pipeline (pipeline, 20);
  dump_messages (messages);
  index = find_message (messages, "error", 0);
  fail_unless (index >= 0, "no ERROR for %s", c->upstream);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  fail_unless (GST_MESSAGE_SRC (messages->pdata[index]) == GST_OBJECT (sink),
               "the first ERROR is not the sink's");
  gst_message_parse_error (messages->pdata[index], &err, NULL);
  gst_message_parse_error_details (messages->pdata[index], &details);
  fail_unless (
      g_error_matches (err, GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE),
      "%s", err->message);
  fail_unless (strstr (err->message, c->says) != NULL, "%s", err->message);
  fail_unless (details != NULL);
  fail_unless_equals_string (
      gst_structure_get_string (details, "authenta-code"), "UNSUPPORTED_MEDIA");
  fail_unless (find_message (messages, "authenta-verdict", 0) < 0);
  fail_unless_equals_int (count_files (f.dir), 0);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "create"), 0);
  fail_unless_equals_int (test_emulator_get_count (f.emu, "job-create"), 0);
  fixture_teardown (&f);
}

/* spool-dir */

char *
spool_dir_of (Fixture *f)
{
  return g_build_filename (f->dir, "spool", NULL);
}

void
remove_spool_dir (Fixture *f)
{
  g_autofree char *spool = spool_dir_of (f);
  g_autoptr (GDir) d = g_dir_open (spool, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (spool, name, NULL);
      g_unlink (path);
    }
  g_rmdir (spool);
}

AuthentaJournal *
open_spool_journal (Fixture *f)
{
  g_autofree char *spool = spool_dir_of (f);
  g_autoptr (GError) error = NULL;
  AuthentaJournal *journal = authenta_journal_open (spool, &error);

  fail_unless (journal != NULL, "%s", error ? error->message : "");
  return journal;
}

/* The journal's one entry (done ones included). */
AuthentaJournalEntry *
only_journal_entry (AuthentaJournal *journal)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = authenta_journal_list (journal, TRUE, &error);

  fail_unless (entries != NULL, "%s", error ? error->message : "");
  fail_unless_equals_int (entries->len, 1);
  return authenta_journal_entry_ref (entries->pdata[0]);
}

/* A client of the emulator, as `authenta spool run` would make. */
AuthentaClient *
emulator_client (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  AuthentaClient *client = g_initable_new (
      AUTHENTA_TYPE_CLIENT, NULL, &error, "base-url",
      test_emulator_get_base_url (f->emu), "api-key", EMULATOR_KEY,
      "poll-interval", 50, "poll-max-interval", 100, "retry-base-delay", 10,
      "retry-max-delay", 50, "poll-timeout", 30000, NULL);

  fail_unless (client != NULL, "%s", error ? error->message : "");
  return client;
}
