/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__AUTHENTA_H_INSIDE__) && !defined(AUTHENTA_COMPILATION)
#error "Only <authenta/authenta.h> can be included directly."
#endif

#include <authenta/authenta-version.h>
#include <glib-object.h>

G_BEGIN_DECLS

/**
 * AuthentaJournalStage:
 * @AUTHENTA_JOURNAL_STAGE_RECORDED: the recording is finished; no record
 *   exists yet.
 * @AUTHENTA_JOURNAL_STAGE_CREATED: the record exists (its mid and upload URL
 *   are journaled); the upload has not completed.
 * @AUTHENTA_JOURNAL_STAGE_UPLOADED: storage accepted the whole file.
 * @AUTHENTA_JOURNAL_STAGE_PROCESSING: a poll saw the record; the verdict is
 *   not known yet.
 * @AUTHENTA_JOURNAL_STAGE_DONE: the verdict is journaled.
 * @AUTHENTA_JOURNAL_STAGE_FAILED: the scan failed for a reason retrying
 *   cannot change (see authenta_error_is_transient()).
 *
 * Where the scan of a journal entry is, as committed to disk.
 *
 * Since: 0.3
 */
typedef enum
{
  AUTHENTA_JOURNAL_STAGE_RECORDED,
  AUTHENTA_JOURNAL_STAGE_CREATED,
  AUTHENTA_JOURNAL_STAGE_UPLOADED,
  AUTHENTA_JOURNAL_STAGE_PROCESSING,
  AUTHENTA_JOURNAL_STAGE_DONE,
  AUTHENTA_JOURNAL_STAGE_FAILED,
} AuthentaJournalStage;

AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_stage_to_string (AuthentaJournalStage stage);

/**
 * AUTHENTA_JOURNAL_FILE_NAME:
 *
 * The name of the journal's database inside its folder.
 *
 * Since: 0.3
 */
#define AUTHENTA_JOURNAL_FILE_NAME "authenta-journal.sqlite"

/**
 * AUTHENTA_JOURNAL_SCHEMA_VERSION:
 *
 * The schema version (`PRAGMA user_version`) this library writes.  Older
 * journals are migrated when opened; newer ones are refused.
 *
 * Since: 0.3
 */
#define AUTHENTA_JOURNAL_SCHEMA_VERSION 2

/**
 * AUTHENTA_JOURNAL_LEASE_S:
 *
 * How long, in seconds, a claim holds without a commit before another
 * process may take it over even though its owner seems alive (a safety
 * net; a dead owner's claim is taken over at once).
 *
 * Since: 0.3
 */
#define AUTHENTA_JOURNAL_LEASE_S (6 * 3600)

#define AUTHENTA_TYPE_JOURNAL_ENTRY (authenta_journal_entry_get_type ())

/**
 * AuthentaJournalEntry:
 *
 * An immutable, reference-counted snapshot of one journal entry, as it was
 * on disk when it was read.
 *
 * Since: 0.3
 */
typedef struct _AuthentaJournalEntry AuthentaJournalEntry;

AUTHENTA_AVAILABLE_IN_ALL
GType authenta_journal_entry_get_type (void) G_GNUC_CONST;
AUTHENTA_AVAILABLE_IN_ALL
AuthentaJournalEntry *authenta_journal_entry_ref (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_journal_entry_unref (AuthentaJournalEntry *e);

AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_journal_entry_get_id (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_path (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_name (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_content_type (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_model_type (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_sha256 (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
guint64 authenta_journal_entry_get_size (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaJournalStage authenta_journal_entry_get_stage (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_mid (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_journal_entry_get_upload_expires (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
guint authenta_journal_entry_get_attempts (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_error_code (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
guint authenta_journal_entry_get_http_status (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_error_message (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_entry_get_verdict_json (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
gboolean
authenta_journal_entry_get_delete_after_verdict (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_journal_entry_get_created (AuthentaJournalEntry *e);
AUTHENTA_AVAILABLE_IN_ALL
gint64 authenta_journal_entry_get_updated (AuthentaJournalEntry *e);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AuthentaJournalEntry,
                               authenta_journal_entry_unref)

#define AUTHENTA_TYPE_JOURNAL (authenta_journal_get_type ())

/**
 * AuthentaJournal:
 *
 * A crash-safe record of scans, in an SQLite database
 * (%AUTHENTA_JOURNAL_FILE_NAME) in a folder of its own.  Several processes
 * (and several journal objects) may use one folder at once; an entry is
 * scanned by whoever claimed it, never by two at a time.  One object may be
 * used from several threads.
 *
 * Since: 0.3
 */
AUTHENTA_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AuthentaJournal, authenta_journal, AUTHENTA, JOURNAL,
                      GObject)

AUTHENTA_AVAILABLE_IN_ALL
AuthentaJournal *authenta_journal_open (const char *dir, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_journal_get_path (AuthentaJournal *self);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaJournalEntry *
authenta_journal_add (AuthentaJournal *self, const char *path, const char *name,
                      const char *content_type, const char *model_type,
                      gboolean delete_after_verdict, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
GPtrArray *authenta_journal_list (AuthentaJournal *self,
                                  gboolean include_finished, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaJournalEntry *authenta_journal_lookup (AuthentaJournal *self, gint64 id,
                                               GError **error);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_journal_forget (AuthentaJournal *self, gint64 id,
                                  GError **error);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaJournalEntry *authenta_journal_claim (AuthentaJournal *self, gint64 id,
                                              gboolean include_failed,
                                              GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_journal_release (AuthentaJournal *self, gint64 id);
AUTHENTA_AVAILABLE_IN_ALL
guint authenta_journal_prune (AuthentaJournal *self, gint64 older_than_s,
                              GError **error);

G_END_DECLS
