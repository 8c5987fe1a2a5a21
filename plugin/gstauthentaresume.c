/* spool-resume (see gstauthentaresume.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstauthentaresume.h"

#include "gstauthentaerrors.h"
#include "gstauthentaverdict.h"

GST_DEBUG_CATEGORY_STATIC (resume_debug);
#define GST_CAT_DEFAULT resume_debug

struct _GstAuthentaResume
{
  GstElement *element;
  AuthentaClient *client;
  char *spool_dir;
  GstAuthentaResumeDone done_func;
  gpointer done_data;
  GCancellable *cancellable;
  GThread *thread;

  GMutex lock;
  GCond cond;
  gboolean done; /* under lock */
};

/* A WARNING for an entry that could not be finished: what the library
 * said, and what becomes of the entry. */
static void
post_entry_failure (GstAuthentaResume *r, AuthentaJournalEntry *e,
                    const GError *error)
{
  g_autofree char *code = gst_authenta_error_dup_code (error);
  const char *mid = authenta_journal_entry_get_mid (e);
  const char *path = authenta_journal_entry_get_path (e);
  gboolean transient = authenta_error_is_transient (error);

  gst_authenta_post_failure (
      r->element, GST_MESSAGE_WARNING, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED,
      g_strdup_printf (
          "Could not finish journal entry %" G_GINT64_FORMAT
          " (%s), left by an earlier run: %s %s",
          authenta_journal_entry_get_id (e), path, error->message,
          transient
              ? "It stays in the journal, and so do the entries after it: "
                "`authenta spool run` (or the next start) finishes them "
                "once the service can be reached."
              : "It is marked failed in the journal: `authenta spool list` "
                "shows it, `authenta spool run --retry-failed` tries it "
                "again."),
      g_strdup (error->message), code, authenta_error_get_http_status (error),
      mid && *mid ? mid : NULL, path, __FILE__, GST_FUNCTION, __LINE__);
}

static void
post_verdict (GstAuthentaResume *r, AuthentaJournalEntry *e,
              AuthentaMedia *media)
{
  /* The file is still there unless the entry said to delete it. */
  const char *path = authenta_journal_entry_get_delete_after_verdict (e)
                         ? NULL
                         : authenta_journal_entry_get_path (e);
  GstStructure *s = gst_authenta_verdict_structure_new (
      media, authenta_journal_entry_get_model_type (e), path);

  gst_structure_set (s, "journal-id", G_TYPE_INT64,
                     authenta_journal_entry_get_id (e), "resumed",
                     G_TYPE_BOOLEAN, TRUE, NULL);
  gst_element_post_message (
      r->element, gst_message_new_element (GST_OBJECT (r->element), s));
}

/* Finishes one claimed entry; FALSE when the pass should end. */
static gboolean
resume_entry (GstAuthentaResume *r, AuthentaJournal *journal,
              AuthentaJournalEntry *e)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = NULL;

  GST_INFO_OBJECT (
      r->element, "resuming journal entry %" G_GINT64_FORMAT " at stage %s",
      authenta_journal_entry_get_id (e),
      authenta_journal_stage_to_string (authenta_journal_entry_get_stage (e)));
  media = authenta_client_scan_journaled (r->client, journal, e, NULL, NULL,
                                          r->cancellable, &error);
  if (media != NULL)
    {
      post_verdict (r, e, media);
      return TRUE;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  post_entry_failure (r, e, error);
  /* The service out of reach: the next entries would fail alike. */
  return !authenta_error_is_transient (error);
}

static gpointer
resume_thread (gpointer data)
{
  GstAuthentaResume *r = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (GArray) held = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint n = 0;

  /* A journal object of its own: its claims are not the element's, so the
   * element's live scans are never taken up here. */
  journal = authenta_journal_open (r->spool_dir, &error);
  while (journal != NULL && !g_cancellable_is_cancelled (r->cancellable))
    {
      g_autoptr (AuthentaJournalEntry) e
          = authenta_journal_claim (journal, 0, FALSE, &error);
      gint64 id;

      if (e == NULL)
        break;
      id = authenta_journal_entry_get_id (e);
      /* Held until the pass ends, so that it is tried once. */
      g_array_append_val (held, id);
      n++;
      if (!resume_entry (r, journal, e))
        break;
    }
  if (error != NULL)
    gst_authenta_post_failure (
        r->element, GST_MESSAGE_WARNING, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_OPEN_READ_WRITE,
        g_strdup_printf ("Could not resume the journaled scans: %s "
                         "`authenta spool run --spool-dir %s` may.",
                         error->message, r->spool_dir),
        g_strdup (error->message), "JOURNAL", 0, NULL, NULL, __FILE__,
        GST_FUNCTION, __LINE__);
  for (guint i = 0; i < held->len; i++)
    authenta_journal_release (journal, g_array_index (held, gint64, i));
  GST_INFO_OBJECT (r->element, "resume pass over: %u entries tried", n);

  g_mutex_lock (&r->lock);
  r->done = TRUE;
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
  if (r->done_func)
    r->done_func (r->done_data);
  return NULL;
}

GstAuthentaResume *
gst_authenta_resume_start (GstElement *element, AuthentaClient *client,
                           const char *spool_dir, GstAuthentaResumeDone done,
                           gpointer user_data)
{
  static gsize debug_once = 0;
  GstAuthentaResume *r = g_new0 (GstAuthentaResume, 1);

  if (g_once_init_enter (&debug_once))
    {
      GST_DEBUG_CATEGORY_INIT (resume_debug, "authentaresume", 0,
                               "spool-resume: the journal's unfinished scans");
      g_once_init_leave (&debug_once, 1);
    }
  /* Not a reference: the element stops this before it is disposed. */
  r->element = element;
  r->client = g_object_ref (client);
  r->spool_dir = g_strdup (spool_dir);
  r->done_func = done;
  r->done_data = user_data;
  r->cancellable = g_cancellable_new ();
  g_mutex_init (&r->lock);
  g_cond_init (&r->cond);
  r->thread = g_thread_new ("authenta-resume", resume_thread, r);
  return r;
}

gboolean
gst_authenta_resume_is_done (GstAuthentaResume *resume)
{
  gboolean done;

  g_mutex_lock (&resume->lock);
  done = resume->done;
  g_mutex_unlock (&resume->lock);
  return done;
}

static void
on_wait_cancelled (GCancellable *cancellable, gpointer data)
{
  GstAuthentaResume *r = data;

  g_mutex_lock (&r->lock);
  g_cond_broadcast (&r->cond);
  g_mutex_unlock (&r->lock);
}

gboolean
gst_authenta_resume_wait (GstAuthentaResume *resume, GCancellable *cancellable)
{
  gulong id = 0;
  gboolean done;

  if (cancellable)
    id = g_cancellable_connect (cancellable, G_CALLBACK (on_wait_cancelled),
                                resume, NULL);
  g_mutex_lock (&resume->lock);
  while (!resume->done && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&resume->cond, &resume->lock);
  done = resume->done;
  g_mutex_unlock (&resume->lock);
  /* After the unlock: disconnecting waits for a handler running now. */
  g_cancellable_disconnect (cancellable, id);
  return done;
}

void
gst_authenta_resume_stop (GstAuthentaResume *resume)
{
  g_cancellable_cancel (resume->cancellable);
  g_thread_join (resume->thread);
  g_object_unref (resume->cancellable);
  g_object_unref (resume->client);
  g_free (resume->spool_dir);
  g_mutex_clear (&resume->lock);
  g_cond_clear (&resume->cond);
  g_free (resume);
}
