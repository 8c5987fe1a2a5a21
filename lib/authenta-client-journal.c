/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the scan of a journal entry, started or resumed at the
 * stage the journal says, committing every stage before the next request.
 * The requests are the client's own create, upload, poll and delete, of a
 * Media API record or, for a Jobs API task, of a job (with its finalize). */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-journal-private.h"
#include "authenta-media-private.h"
#include "authenta-util-private.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

/* An upload URL this close to its expiry is not used again. */
#define EXPIRY_MARGIN_S 60
/* A URL of unknown expiry is not used again after this long. */
#define UNKNOWN_EXPIRY_MAX_AGE_S 3600
/* The service's clock may be behind ours by this much: a record it says
 * it made up to this long before a create began may be that create's. */
#define CLOCK_SKEW_S 300

typedef struct
{
  AuthentaJournal *journal;
  gint64 id;
  AuthentaProgressFunc progress;
  gpointer progress_data;
  GCancellable *inner; /* cancelled when a commit fails */
  GError *commit_error;
  gboolean processing_committed;
  gboolean is_job; /* a Jobs API task: the mid is the job's id */
} ScanState;

/* A commit from inside a request's progress: if it fails, the request is
 * stopped (the journal would no longer tell the truth) and the commit's
 * error is what the scan returns. */
static void
commit_failed (ScanState *s, GError *error)
{
  if (s->commit_error == NULL)
    s->commit_error = error;
  else
    g_error_free (error);
  g_cancellable_cancel (s->inner);
}

static gint64
expiry_of (AuthentaMedia *media)
{
  gint64 in = authenta_media_get_expires_in (media);
  return in > 0 ? g_get_real_time () / G_USEC_PER_SEC + in : 0;
}

static void
on_progress (AuthentaScanStage stage, AuthentaMedia *media, guint64 sent,
             guint64 total, gpointer user_data)
{
  ScanState *s = user_data;
  GError *error = NULL;

  if (s->commit_error == NULL)
    switch (stage)
      {
      case AUTHENTA_SCAN_STAGE_CREATED:
        /* The upload found its URL expired and made a fresh record: it is
         * journaled before the file goes to it. */
        if (!authenta_journal_commit_created (
                s->journal, s->id, authenta_media_get_mid (media),
                authenta_media_get_upload_url (media), expiry_of (media),
                &error))
          commit_failed (s, error);
        break;
      case AUTHENTA_SCAN_STAGE_UPLOADED:
        if (!authenta_journal_commit_stage (
                s->journal, s->id, AUTHENTA_JOURNAL_STAGE_UPLOADED,
                authenta_media_get_mid (media), &error))
          commit_failed (s, error);
        break;
      case AUTHENTA_SCAN_STAGE_PROCESSING:
        if (!s->processing_committed)
          {
            if (authenta_journal_commit_stage (
                    s->journal, s->id, AUTHENTA_JOURNAL_STAGE_PROCESSING, NULL,
                    &error))
              s->processing_committed = TRUE;
            else
              commit_failed (s, error);
          }
        break;
      case AUTHENTA_SCAN_STAGE_UPLOADING:
        break;
      }
  if (s->progress && s->commit_error == NULL)
    s->progress (stage, media, sent, total, s->progress_data);
}

/* The job a CREATED entry holds, as the create answered it. */
static AuthentaMedia *
job_from_entry (AuthentaJournalEntry *e, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jobId");
  json_builder_add_string_value (b, authenta_journal_entry_get_mid (e));
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "waiting_for_finalize");
  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "slotName");
  json_builder_add_string_value (b, "original");
  json_builder_set_member_name (b, "uploadUrl");
  json_builder_add_string_value (b, authenta_journal_entry_get_upload_url (e));
  json_builder_set_member_name (b, "contentType");
  json_builder_add_string_value (b,
                                 authenta_journal_entry_get_content_type (e));
  json_builder_set_member_name (b, "fileName");
  json_builder_add_string_value (b, authenta_journal_entry_get_name (e));
  json_builder_set_member_name (b, "sizeBytes");
  json_builder_add_int_value (b, (gint64)authenta_journal_entry_get_size (e));
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return authenta_media_new_from_job_node (
      root, NULL, authenta_journal_entry_get_model_type (e),
      authenta_journal_entry_get_content_type (e),
      authenta_journal_entry_get_size (e), error);
}

/* The record (or job) a CREATED entry holds, rebuilt from the journal so
 * that the upload goes to the URL it was given. */
static AuthentaMedia *
media_from_entry (ScanState *s, AuthentaJournalEntry *e, GError **error)
{
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;

  if (s->is_job)
    return job_from_entry (e, error);
  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mid");
  json_builder_add_string_value (b, authenta_journal_entry_get_mid (e));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, authenta_journal_entry_get_name (e));
  json_builder_set_member_name (b, "uploadUrl");
  json_builder_add_string_value (b, authenta_journal_entry_get_upload_url (e));
  json_builder_set_member_name (b, "contentType");
  json_builder_add_string_value (b,
                                 authenta_journal_entry_get_content_type (e));
  json_builder_set_member_name (b, "modelType");
  json_builder_add_string_value (b, authenta_journal_entry_get_model_type (e));
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, (gint64)authenta_journal_entry_get_size (e));
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "INITED");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json = json_to_string (root, FALSE);
  return authenta_media_new_from_json (json, -1, error);
}

/* Whether a CREATED entry's upload URL may still be used. */
static gboolean
upload_url_usable (AuthentaJournalEntry *e)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expires = authenta_journal_entry_get_upload_expires (e);

  if (authenta_journal_entry_get_upload_url (e) == NULL
      || authenta_journal_entry_get_mid (e) == NULL)
    return FALSE;
  if (expires > 0)
    return now + EXPIRY_MARGIN_S < expires;
  return now - authenta_journal_entry_get_mid_time (e)
         < UNKNOWN_EXPIRY_MAX_AGE_S;
}

/* Opens the recording, which must be the one journaled: same size, same
 * SHA-256.  It is hashed through the descriptor returned, the one the
 * upload reads, so that a file swapped in after the check is not sent.
 * -1 with AUTHENTA_ERROR_FILE_CHANGED when it differs or is gone. */
static int
open_checked (AuthentaJournalEntry *e, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *sha = NULL;
  const char *path = authenta_journal_entry_get_path (e);
  gint64 id = authenta_journal_entry_get_id (e);
  guint64 size = 0;
  int fd = authenta_open_for_reading (path, &local_error);

  if (fd < 0 || !authenta_journal_hash_fd (fd, path, &size, &sha, &local_error))
    {
      if (fd >= 0)
        close (fd);
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_FILE_CHANGED, 0, NULL,
                     authenta_journal_entry_get_mid (e),
                     "Journal entry %" G_GINT64_FORMAT
                     ": the recording “%s” can no longer be read (%s); it was "
                     "journaled with %" G_GUINT64_FORMAT " bytes",
                     id, path, local_error->message,
                     authenta_journal_entry_get_size (e)));
      return -1;
    }
  if (size != authenta_journal_entry_get_size (e))
    {
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_FILE_CHANGED, 0, NULL,
                     authenta_journal_entry_get_mid (e),
                     "Journal entry %" G_GINT64_FORMAT
                     ": the recording “%s” changed since it was journaled "
                     "(%" G_GUINT64_FORMAT " bytes, was %" G_GUINT64_FORMAT
                     "); not scanned",
                     id, path, size, authenta_journal_entry_get_size (e)));
      close (fd);
      return -1;
    }
  if (g_strcmp0 (sha, authenta_journal_entry_get_sha256 (e)) != 0)
    {
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_FILE_CHANGED, 0, NULL,
                     authenta_journal_entry_get_mid (e),
                     "Journal entry %" G_GINT64_FORMAT
                     ": the recording “%s” changed since it was journaled "
                     "(its SHA-256 differs); not scanned",
                     id, path));
      close (fd);
      return -1;
    }
  return fd;
}

/* *e, read again: the journal is the truth. */
static gboolean
reload (ScanState *s, AuthentaJournalEntry **e, GError **error)
{
  g_clear_pointer (e, authenta_journal_entry_unref);
  *e = authenta_journal_lookup (s->journal, s->id, error);
  return *e != NULL;
}

/* The scan moves to another stage: committed before the request of that
 * stage is made. */
static gboolean
move_to (ScanState *s, AuthentaJournalStage *stage, AuthentaJournalStage to,
         GError **error)
{
  if (!authenta_journal_commit_stage (s->journal, s->id, to, NULL, error))
    return FALSE;
  *stage = to;
  return TRUE;
}

/* The entry's record, or its job for a Jobs API task. */
static AuthentaMedia *
create_remote (AuthentaClient *self, ScanState *s, AuthentaJournalEntry *e,
               GError **error)
{
  if (s->is_job)
    return authenta_client_create_job (
        self, authenta_journal_entry_get_name (e),
        authenta_journal_entry_get_content_type (e),
        authenta_journal_entry_get_size (e),
        authenta_journal_entry_get_model_type (e), s->inner, error);
  return authenta_client_create_media (
      self, authenta_journal_entry_get_name (e),
      authenta_journal_entry_get_content_type (e),
      authenta_journal_entry_get_size (e),
      authenta_journal_entry_get_model_type (e), s->inner, error);
}

static void
delete_abandoned (AuthentaClient *self, ScanState *s, const char *mid)
{
  if (s->is_job)
    authenta_client_delete_abandoned_job (self, mid);
  else
    authenta_client_delete_abandoned (self, mid);
}

typedef enum
{
  REMOTE_GONE,   /* no verdict can come from it */
  REMOTE_INITED, /* waiting for its file (a job: for its finalize) */
  REMOTE_PAST,   /* has its file (a job: finalized) */
} RemoteState;

/* Where the service says the entry's record or job is.  A job cancelled
 * under the scan is never processed: gone (and deleted). */
static gboolean
look_up_remote (AuthentaClient *self, ScanState *s, const char *mid,
                RemoteState *out, GError **error)
{
  g_autoptr (AuthentaMedia) now = NULL;
  GError *get_error = NULL;
  const char *status;

  now = s->is_job ? authenta_client_get_job (self, mid, s->inner, &get_error)
                  : authenta_client_get_media (self, mid, s->inner, &get_error);
  if (now == NULL)
    {
      if (!g_error_matches (get_error, AUTHENTA_ERROR,
                            AUTHENTA_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, get_error);
          return FALSE;
        }
      g_error_free (get_error);
      *out = REMOTE_GONE;
      return TRUE;
    }
  status = authenta_media_get_status (now);
  if (s->is_job && g_strcmp0 (status, "CANCELLED") == 0)
    {
      delete_abandoned (self, s, mid);
      *out = REMOTE_GONE;
    }
  else if (g_strcmp0 (status, "INITED") == 0)
    *out = REMOTE_INITED;
  else
    *out = REMOTE_PAST;
  return TRUE;
}

/* Records the failure in the journal: a transient one leaves the stage,
 * a permanent one makes the entry FAILED.  A cancellation is not a
 * failure of the entry: nothing is recorded. */
static void
record_failure (AuthentaClient *self, ScanState *s, const GError *failure)
{
  g_autoptr (GError) error = NULL;

  if (g_error_matches (failure, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_error_matches (failure, AUTHENTA_ERROR, AUTHENTA_ERROR_JOURNAL))
    return; /* the journal itself failed: it cannot take more */
  if (!authenta_journal_commit_error (s->journal, s->id, failure,
                                      !authenta_error_is_transient (failure),
                                      self->api_key, &error))
    g_warning ("%s", error->message);
}

/* The caller's cancellable cancels the scan's own ("cancelled" passes the
 * cancellable first, so g_cancellable_cancel itself cannot be the handler). */
static void
cancel_inner (GCancellable *outer, gpointer inner)
{
  g_cancellable_cancel (inner);
}

/**
 * authenta_client_scan_journaled:
 * @self: a #AuthentaClient
 * @journal: the journal @entry is in
 * @entry: an entry claimed by @journal (authenta_journal_add() or
 *   authenta_journal_claim())
 * @progress: (nullable) (scope call): called at each stage
 * @progress_data: data for @progress
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Scans the recording of @entry, or resumes its scan at the stage the
 * journal says, committing each stage change before the next request: a
 * kill at any moment leaves the truth on disk, and the next scan of the
 * entry goes on from there without a second processed record.
 *
 * First the file is checked against the journal (size and SHA-256); a
 * file gone or changed gives %AUTHENTA_ERROR_FILE_CHANGED, naming the
 * entry, and the entry becomes FAILED.  Then, by stage:
 * RECORDED: mark the create as begun, create the record (CREATED, with
 * its mid, upload URL and expiry), upload (UPLOADED), poll (PROCESSING at
 * the first poll), verdict (DONE); a RECORDED entry already marked (killed
 * before the create's answer was journaled) first has the INITED records
 * that create may have made deleted (same name, type and size, made since
 * the mark).  CREATED: look at the record first: one past INITED already
 * has its file (UPLOADED is committed, and it is polled); one gone is made
 * anew; one INITED is uploaded again to the journaled URL while it has
 * more than a minute left (an unknown expiry: for an hour after the record
 * was made), else the old record is deleted (best effort) and a new one
 * created.
 * UPLOADED, PROCESSING: poll the record; one still `INITED` never got its
 * file and is uploaded again as CREATED.  FAILED (claimed with
 * `include_failed`): from the stage it failed at.  DONE: the journaled
 * verdict, with no request.
 *
 * An entry whose task is a Jobs API task (since 0.4; see
 * authenta_task_get_api()) runs the Jobs flow on the same stages, the
 * job's id kept as the entry's mid: RECORDED: create the job (a create
 * whose answer was lost has the jobs it may have made deleted, best
 * effort: a job never finalized is never processed), CREATED with its
 * upload URL; upload (UPLOADED); finalize (PROCESSING); poll; verdict
 * (DONE).  CREATED: a job gone or cancelled is made anew, one finalized
 * already is polled, one waiting for its finalize is uploaded again (a
 * second PUT replaces the file) while its URL is usable, else replaced.
 * UPLOADED, PROCESSING: the job is looked at first: one waiting for its
 * finalize is finalized, one finalized already (a kill between the
 * finalize and its commit) only polled, so that a job is finalized once.
 * A job that ends `failed` makes the entry FAILED with the service's
 * `errorMessage`.
 *
 * After the verdict the file is deleted when the entry says so.  A
 * transient failure (authenta_error_is_transient()) leaves the stage as it
 * was and records the error (code, HTTP status, message: never the key
 * nor a URL's query) with one more attempt; any other makes the entry
 * FAILED.  The claim is kept either way: authenta_journal_release() it.
 *
 * Returns: (transfer full): the processed record, or %NULL with @error set.
 *
 * Since: 0.3
 */
AuthentaMedia *
authenta_client_scan_journaled (AuthentaClient *self, AuthentaJournal *journal,
                                AuthentaJournalEntry *entry,
                                AuthentaProgressFunc progress,
                                gpointer progress_data,
                                GCancellable *cancellable, GError **error)
{
  g_autoptr (AuthentaJournalEntry) e = NULL;
  g_autoptr (AuthentaMedia) media = NULL; /* the record being worked on */
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) failure = NULL;
  ScanState s = { 0 };
  AuthentaJournalStage stage;
  gboolean resumed_poll;
  gboolean known_inited = FALSE;  /* the record was just seen INITED */
  gboolean finalize_next = FALSE; /* a job uploaded, not yet finalized */
  gulong handler = 0;
  int fd = -1;

  g_return_val_if_fail (AUTHENTA_IS_CLIENT (self), NULL);
  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (journal), NULL);
  g_return_val_if_fail (entry != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  s.journal = journal;
  s.id = authenta_journal_entry_get_id (entry);
  s.progress = progress;
  s.progress_data = progress_data;

  if (!authenta_journal_holds (journal, s.id))
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                             "Journal entry %" G_GINT64_FORMAT
                             " is not claimed by this journal: claim it first",
                             s.id));
      return NULL;
    }
  /* The snapshot given may be old. */
  if (!reload (&s, &e, error))
    return NULL;
  stage = authenta_journal_entry_get_stage (e);
  if (stage == AUTHENTA_JOURNAL_STAGE_DONE)
    return authenta_media_new_from_json (
        authenta_journal_entry_get_verdict_json (e), -1, error);
  if (stage == AUTHENTA_JOURNAL_STAGE_FAILED)
    stage = authenta_journal_entry_get_failed_stage (e);

  s.is_job = authenta_task_get_api (authenta_journal_entry_get_model_type (e))
             == AUTHENTA_TASK_API_JOBS;
  fd = open_checked (e, &failure);
  if (fd < 0)
    goto failed;

  s.inner = g_cancellable_new ();
  if (cancellable)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_inner),
                                     g_object_ref (s.inner), g_object_unref);

  resumed_poll = stage == AUTHENTA_JOURNAL_STAGE_UPLOADED
                 || stage == AUTHENTA_JOURNAL_STAGE_PROCESSING;
  for (;;)
    {
      switch (stage)
        {
        case AUTHENTA_JOURNAL_STAGE_RECORDED:
          g_clear_object (&media);
          if (!reload (&s, &e, &failure))
            goto failed;
          if (authenta_journal_entry_get_create_started (e) > 0)
            {
              /* A create was begun and its answer never journaled (killed
               * in between): the record it may have made is deleted before
               * another is made, or it would stay INITED for ever. */
              g_debug ("journal entry %" G_GINT64_FORMAT
                       ": a create begun at %" G_GINT64_FORMAT
                       " was never journaled; deleting what it made",
                       s.id, authenta_journal_entry_get_create_started (e));
              if (s.is_job)
                authenta_client_reclaim_lost_job (
                    self, authenta_journal_entry_get_name (e),
                    authenta_journal_entry_get_content_type (e),
                    authenta_journal_entry_get_size (e), s.inner);
              else if (!authenta_client_reclaim_lost_create (
                           self, authenta_journal_entry_get_name (e),
                           authenta_journal_entry_get_content_type (e),
                           authenta_journal_entry_get_size (e),
                           authenta_journal_entry_get_create_started (e)
                               - CLOCK_SKEW_S,
                           s.inner, &failure))
                goto failed;
            }
          if (!authenta_journal_commit_create_started (
                  journal, s.id, g_get_real_time () / G_USEC_PER_SEC, &failure))
            goto failed;
          media = create_remote (self, &s, e, &failure);
          if (media == NULL)
            goto failed;
          if (!authenta_journal_commit_created (
                  journal, s.id, authenta_media_get_mid (media),
                  authenta_media_get_upload_url (media), expiry_of (media),
                  &failure))
            {
              /* Not journaled: not used, and not left behind. */
              delete_abandoned (self, &s, authenta_media_get_mid (media));
              goto failed;
            }
          if (progress)
            progress (AUTHENTA_SCAN_STAGE_CREATED, media, 0,
                      authenta_journal_entry_get_size (e), progress_data);
          stage = AUTHENTA_JOURNAL_STAGE_CREATED;
          break;

        case AUTHENTA_JOURNAL_STAGE_CREATED:
          {
            g_autoptr (AuthentaMedia) uploaded = NULL;

            if (media == NULL)
              {
                if (!reload (&s, &e, &failure))
                  goto failed;
                if (!known_inited && authenta_journal_entry_get_mid (e))
                  {
                    /* A kill after storage took the file but before
                     * UPLOADED was committed: the record says so, and the
                     * file is not sent (nor paid for) twice.  A job says
                     * so only once finalized: one waiting for its
                     * finalize is uploaded again (a second PUT replaces
                     * the file, and costs nothing). */
                    RemoteState now;

                    if (!look_up_remote (self, &s,
                                         authenta_journal_entry_get_mid (e),
                                         &now, &failure))
                      goto failed;
                    if (now == REMOTE_GONE)
                      {
                        /* Gone: a new record. */
                        if (!move_to (&s, &stage,
                                      AUTHENTA_JOURNAL_STAGE_RECORDED,
                                      &failure))
                          goto failed;
                        break;
                      }
                    if (now == REMOTE_PAST)
                      {
                        g_debug ("journal entry %" G_GINT64_FORMAT
                                 ": %s %s already has its file",
                                 s.id, s.is_job ? "job" : "mid",
                                 authenta_journal_entry_get_mid (e));
                        if (!move_to (&s, &stage,
                                      AUTHENTA_JOURNAL_STAGE_UPLOADED,
                                      &failure))
                          goto failed;
                        resumed_poll = FALSE;
                        finalize_next = FALSE; /* past its finalize */
                        break;
                      }
                  }
                known_inited = FALSE;
                if (!upload_url_usable (e))
                  {
                    /* Delete first, then forget: a kill in between leaves
                     * CREATED with a record already gone, which the next
                     * resume deletes again (a 404, fine) and replaces. */
                    g_debug ("journal entry %" G_GINT64_FORMAT
                             ": upload URL of %s %s expired; a new one",
                             s.id, s.is_job ? "job" : "mid",
                             authenta_journal_entry_get_mid (e));
                    delete_abandoned (self, &s,
                                      authenta_journal_entry_get_mid (e));
                    if (!move_to (&s, &stage, AUTHENTA_JOURNAL_STAGE_RECORDED,
                                  &failure))
                      goto failed;
                    break;
                  }
                media = media_from_entry (&s, e, &failure);
                if (media == NULL)
                  goto failed;
              }
            uploaded = authenta_client_upload_fd (
                self, media, fd, authenta_journal_entry_get_path (e),
                on_progress, &s, s.inner, &failure);
            if (uploaded == NULL)
              goto failed;
            g_clear_object (&media);
            media = g_steal_pointer (&uploaded);
            stage = AUTHENTA_JOURNAL_STAGE_UPLOADED;
            resumed_poll = FALSE;
            finalize_next = s.is_job;
            break;
          }

        case AUTHENTA_JOURNAL_STAGE_UPLOADED:
        case AUTHENTA_JOURNAL_STAGE_PROCESSING:
          {
            g_autofree char *mid = NULL;

            if (media)
              mid = g_strdup (authenta_media_get_mid (media));
            else
              {
                if (!reload (&s, &e, &failure))
                  goto failed;
                mid = g_strdup (authenta_journal_entry_get_mid (e));
              }
            if (resumed_poll)
              {
                /* A kill between storage's answer and the commit of
                 * UPLOADED is not possible (UPLOADED is committed after
                 * it), but storage may have dropped the file: look once
                 * before a long wait.  A job is looked at for its
                 * finalize: a kill between the finalize and the commit of
                 * PROCESSING leaves it finalized, and it is never
                 * finalized twice. */
                RemoteState now;

                resumed_poll = FALSE;
                if (!look_up_remote (self, &s, mid, &now, &failure))
                  goto failed;
                if (now == REMOTE_GONE)
                  {
                    /* The record is gone: no verdict can come from it. */
                    if (!move_to (&s, &stage, AUTHENTA_JOURNAL_STAGE_RECORDED,
                                  &failure))
                      goto failed;
                    break;
                  }
                if (now == REMOTE_INITED && !s.is_job)
                  {
                    if (!move_to (&s, &stage, AUTHENTA_JOURNAL_STAGE_CREATED,
                                  &failure))
                      goto failed;
                    known_inited = TRUE; /* just seen: not asked again */
                    break;
                  }
                finalize_next = now == REMOTE_INITED;
              }
            if (finalize_next)
              {
                /* A finalize refused as done already (its answer lost)
                 * is a success: authenta_client_finalize_job() asks. */
                finalize_next = FALSE;
                if (!authenta_client_finalize_job (self, mid, s.inner,
                                                   &failure))
                  goto failed;
                if (!move_to (&s, &stage, AUTHENTA_JOURNAL_STAGE_PROCESSING,
                              &failure))
                  goto failed;
                s.processing_committed = TRUE;
              }
            verdict = s.is_job
                          ? authenta_client_wait_for_job (
                              self, mid, on_progress, &s, s.inner, &failure)
                          : authenta_client_wait_for_result (
                              self, mid, on_progress, &s, s.inner, &failure);
            if (verdict == NULL)
              goto failed;
            if (!authenta_journal_commit_done (
                    journal, s.id, authenta_media_get_mid (verdict),
                    authenta_media_get_json (verdict), &failure))
              goto failed;
            stage = AUTHENTA_JOURNAL_STAGE_DONE;
            break;
          }

        case AUTHENTA_JOURNAL_STAGE_DONE:
          if (authenta_journal_entry_get_delete_after_verdict (e)
              && g_unlink (authenta_journal_entry_get_path (e)) != 0
              && errno != ENOENT)
            g_warning ("Journal entry %" G_GINT64_FORMAT
                       ": cannot delete “%s” after its verdict: %s",
                       s.id, authenta_journal_entry_get_path (e),
                       g_strerror (errno));
          goto out;

        case AUTHENTA_JOURNAL_STAGE_FAILED:
        default:
          stage = AUTHENTA_JOURNAL_STAGE_RECORDED;
          break;
        }
      if (s.commit_error)
        goto failed;
    }

failed:
  if (s.commit_error)
    {
      g_clear_error (&failure);
      failure = g_steal_pointer (&s.commit_error);
    }
  g_assert (failure != NULL);
  record_failure (self, &s, failure);
  g_propagate_error (error, g_steal_pointer (&failure));
  g_clear_object (&verdict);

out:
  if (fd >= 0)
    close (fd);
  if (handler)
    g_cancellable_disconnect (cancellable, handler);
  g_clear_object (&s.inner);
  g_clear_error (&s.commit_error);
  return g_steal_pointer (&verdict);
}

typedef struct
{
  AuthentaJournal *journal;
  AuthentaJournalEntry *entry;
  AuthentaProgressFunc progress;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
  GMainContext *context; /* the caller's, where progress is called */
  GTask *task;           /* not a reference: it holds this */
} JournaledScan;

static void
journaled_scan_free (JournaledScan *j)
{
  g_clear_object (&j->journal);
  g_clear_pointer (&j->entry, authenta_journal_entry_unref);
  if (j->progress_destroy)
    j->progress_destroy (j->progress_data);
  g_main_context_unref (j->context);
  g_free (j);
}

typedef struct
{
  GTask *task; /* a reference: keeps the scan's data alive until the call */
  JournaledScan *scan;
  AuthentaScanStage stage;
  AuthentaMedia *media;
  guint64 sent, total;
} ProgressCall;

static gboolean
call_progress (gpointer data)
{
  ProgressCall *c = data;

  c->scan->progress (c->stage, c->media, c->sent, c->total,
                     c->scan->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_call_free (ProgressCall *c)
{
  g_clear_object (&c->media);
  g_object_unref (c->task);
  g_free (c);
}

/* Progress from the worker thread, handed to the caller's context; each
 * call holds the task, and with it the scan's data. */
static void
on_journaled_progress (AuthentaScanStage stage, AuthentaMedia *media,
                       guint64 sent, guint64 total, gpointer user_data)
{
  JournaledScan *j = user_data;
  ProgressCall *c = g_new0 (ProgressCall, 1);

  c->task = g_object_ref (j->task);
  c->scan = j;
  c->stage = stage;
  c->media = media ? g_object_ref (media) : NULL;
  c->sent = sent;
  c->total = total;
  g_main_context_invoke_full (j->context, G_PRIORITY_DEFAULT, call_progress, c,
                              (GDestroyNotify)progress_call_free);
}

static void
scan_journaled_thread (GTask *task, gpointer source, gpointer task_data,
                       GCancellable *cancellable)
{
  JournaledScan *j = task_data;
  GError *error = NULL;
  AuthentaMedia *media = authenta_client_scan_journaled (
      AUTHENTA_CLIENT (source), j->journal, j->entry,
      j->progress ? on_journaled_progress : NULL, j, cancellable, &error);

  if (media)
    g_task_return_pointer (task, media, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * authenta_client_scan_journaled_async:
 * @self: a #AuthentaClient
 * @journal: the journal that claimed @entry
 * @entry: a journal entry this journal has claimed
 * @progress: (nullable) (scope notified) (closure progress_data): called in
 *   the caller's thread-default main context as the scan goes on
 * @progress_data: data for @progress
 * @progress_destroy: (nullable) (destroy progress_data): frees
 *   @progress_data once the scan is over
 * @cancellable: (nullable): a #GCancellable
 * @callback: (scope async): called in the caller's thread-default main
 *   context when the scan is over
 * @user_data: data for @callback
 *
 * As authenta_client_scan_journaled().  Unlike the other asynchronous
 * calls, this one runs in a worker thread of GLib's pool: every stage is
 * committed to SQLite, which blocks, before the next request.  Progress and
 * @callback come back to the caller's context.
 *
 * Since: 0.4
 */
void
authenta_client_scan_journaled_async (
    AuthentaClient *self, AuthentaJournal *journal, AuthentaJournalEntry *entry,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  JournaledScan *j;

  g_return_if_fail (AUTHENTA_IS_CLIENT (self));
  g_return_if_fail (AUTHENTA_IS_JOURNAL (journal));
  g_return_if_fail (entry != NULL);

  j = g_new0 (JournaledScan, 1);
  j->journal = g_object_ref (journal);
  j->entry = authenta_journal_entry_ref (entry);
  j->progress = progress;
  j->progress_data = progress_data;
  j->progress_destroy = progress_destroy;
  j->context = g_main_context_ref_thread_default ();
  task = g_task_new (self, cancellable, callback, user_data);
  j->task = task;
  g_task_set_source_tag (task, authenta_client_scan_journaled_async);
  g_task_set_task_data (task, j, (GDestroyNotify)journaled_scan_free);
  g_task_run_in_thread (task, scan_journaled_thread);
}

/**
 * authenta_client_scan_journaled_finish:
 * @self: a #AuthentaClient
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the verdict, as
 *   authenta_client_scan_journaled() returns it, or %NULL with @error set.
 *
 * Since: 0.4
 */
AuthentaMedia *
authenta_client_scan_journaled_finish (AuthentaClient *self,
                                       GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (
      g_async_result_is_tagged (result, authenta_client_scan_journaled_async),
      NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
