/* authentasink's spool-dir (see gstauthentaspool.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentaspool.h"

AuthentaJournal *
gst_authenta_spool_open (GstElement *element, const char *dir)
{
  g_autoptr (GError) error = NULL;
  AuthentaJournal *journal = authenta_journal_open (dir, &error);
  g_autofree char *code = NULL;

  if (journal != NULL)
    return journal;
  code = gst_authenta_error_dup_code (error);
  /* Before anything is recorded: a recording that cannot be journaled
   * would be lost at the first outage, the very thing spool-dir is for. */
  gst_authenta_post_failure (
      element, GST_MESSAGE_ERROR, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ_WRITE,
      g_strdup_printf ("Could not open the journal of spool-dir \"%s\": %s "
                       "Set spool-dir to a private, writable folder, or move "
                       "the file away if it is not a journal.",
                       dir, error->message),
      g_strdup (error->message), code, 0, NULL, NULL, __FILE__, GST_FUNCTION,
      __LINE__);
  return NULL;
}

/* The entry's stage as committed ("recorded", "created"…), or "unknown". */
static const char *
entry_stage (AuthentaJournal *journal, gint64 id)
{
  g_autoptr (AuthentaJournalEntry) e
      = authenta_journal_lookup (journal, id, NULL);

  if (e == NULL)
    return "unknown";
  return authenta_journal_stage_to_string (
      authenta_journal_entry_get_stage (e));
}

void
gst_authenta_spool_post_spooled (GstElement *element, const GError *error,
                                 const GstAuthentaErrorSettings *es,
                                 AuthentaJournal *journal, gint64 journal_id,
                                 const char *mid, const char *location,
                                 const char *spool_dir)
{
  const char *stage = entry_stage (journal, journal_id);
  g_autofree char *code = gst_authenta_error_dup_code (error);
  g_autofree char *scan = NULL;
  GstStructure *details;
  char *text;
  GQuark domain;
  int gst_code;

  scan = gst_authenta_error_describe_scan (error, es, location, &domain,
                                           &gst_code);
  text = g_strdup_printf (
      "%s The scan stays in the journal as entry %" G_GINT64_FORMAT
      " (stage %s): `authenta spool run --spool-dir %s` finishes it once the "
      "service can be reached, without a second record.",
      scan, journal_id, stage, spool_dir);

  gst_element_post_message (
      element,
      gst_message_new_element (
          GST_OBJECT (element),
          gst_structure_new ("authenta-spooled", "journal-id", G_TYPE_INT64,
                             journal_id, "mid", G_TYPE_STRING, mid, "location",
                             G_TYPE_STRING, location, "stage", G_TYPE_STRING,
                             stage, "reason", G_TYPE_STRING, text, NULL)));
  details = gst_make_element_message_details (
      "authenta-code", G_TYPE_STRING, code, "http-status-code", G_TYPE_UINT,
      authenta_error_get_http_status (error), "mid", G_TYPE_STRING, mid,
      "location", G_TYPE_STRING, location, "journal-id", G_TYPE_INT64,
      journal_id, NULL);
  gst_element_message_full_with_details (
      element, GST_MESSAGE_WARNING, domain, gst_code, text,
      g_strdup (error->message), __FILE__, GST_FUNCTION, __LINE__, details);
}

void
gst_authenta_spool_post_stopped (GstElement *element, const char *what,
                                 const char *stage, const char *mid,
                                 const char *location, gint64 journal_id,
                                 const char *spool_dir)
{
  GstStructure *details;
  char *text;

  gst_element_post_message (
      element, gst_message_new_element (
                   GST_OBJECT (element),
                   gst_structure_new (
                       "authenta-stopped", "location", G_TYPE_STRING, location,
                       "mid", G_TYPE_STRING, mid, "stage", G_TYPE_STRING, stage,
                       "journal-id", G_TYPE_INT64, journal_id, NULL)));
  text = g_strdup_printf (
      "%s The recording is kept at %s, and its scan stays in the journal as "
      "entry %" G_GINT64_FORMAT
      ": `authenta spool run --spool-dir %s` will finish it.",
      what, location, journal_id, spool_dir);
  details = gst_make_element_message_details (
      "authenta-code", G_TYPE_STRING, "STOPPED", "http-status-code",
      G_TYPE_UINT, 0, "mid", G_TYPE_STRING, mid, "location", G_TYPE_STRING,
      location, "journal-id", G_TYPE_INT64, journal_id, NULL);
  gst_element_message_full_with_details (
      element, GST_MESSAGE_WARNING, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, text,
      g_strdup_printf ("stopped at stage %s", stage), __FILE__, GST_FUNCTION,
      __LINE__, details);
}

char *
gst_authenta_spool_describe_offline_start (const char *text,
                                           const char *spool_dir)
{
  return g_strdup_printf (
      "%s The element starts anyway (spool-dir is set): the recordings are "
      "journaled in %s, and a scan the service cannot take is left there for "
      "`authenta spool run --spool-dir %s`.",
      text, spool_dir, spool_dir);
}
