/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the scan of a journal entry (authenta-client-journal.c) needs from
 * the journal beyond its API: the upload URL, which is never exposed, and
 * the commits of each stage.  Every commit checks that the entry is still
 * claimed by this journal object and fails (AUTHENTA_ERROR_JOURNAL)
 * otherwise, so a scan never goes on past what the journal knows. */
#include <authenta/authenta-journal.h>

G_BEGIN_DECLS

G_GNUC_INTERNAL
const char *authenta_journal_entry_get_upload_url (AuthentaJournalEntry *e);
/* Unix time the mid was committed; 0 without one. */
G_GNUC_INTERNAL
gint64 authenta_journal_entry_get_mid_time (AuthentaJournalEntry *e);
/* The stage a FAILED entry had when it failed. */
G_GNUC_INTERNAL
AuthentaJournalStage
authenta_journal_entry_get_failed_stage (AuthentaJournalEntry *e);
/* Unix time a create was begun whose answer is not journaled (a kill
 * between the POST and the commit of CREATED); 0: none. */
G_GNUC_INTERNAL
gint64 authenta_journal_entry_get_create_started (AuthentaJournalEntry *e);

/* Whether the entry is claimed by this object (and so may be scanned). */
G_GNUC_INTERNAL
gboolean authenta_journal_holds (AuthentaJournal *self, gint64 id);

/* CREATED with mid, upload URL and its expiry (unix s, 0 unknown). */
G_GNUC_INTERNAL
gboolean authenta_journal_commit_created (AuthentaJournal *self, gint64 id,
                                          const char *mid,
                                          const char *upload_url,
                                          gint64 upload_expires,
                                          GError **error);
/* Marks a create as begun (when: unix s; 0 clears the mark), before its
 * POST; committing CREATED clears it. */
G_GNUC_INTERNAL
gboolean authenta_journal_commit_create_started (AuthentaJournal *self,
                                                 gint64 id, gint64 when,
                                                 GError **error);
/* Another stage without new data: RECORDED forgets the mid and URL,
 * UPLOADED may give a mid (NULL keeps it). */
G_GNUC_INTERNAL
gboolean authenta_journal_commit_stage (AuthentaJournal *self, gint64 id,
                                        AuthentaJournalStage stage,
                                        const char *mid, GError **error);
G_GNUC_INTERNAL
gboolean authenta_journal_commit_done (AuthentaJournal *self, gint64 id,
                                       const char *mid,
                                       const char *verdict_json,
                                       GError **error);
/* Records failure (attempts + 1, code, status, message made safe with
 * secret redacted); permanent: the stage becomes FAILED. */
G_GNUC_INTERNAL
gboolean authenta_journal_commit_error (AuthentaJournal *self, gint64 id,
                                        const GError *failure,
                                        gboolean permanent, const char *secret,
                                        GError **error);

/* An open file's size and SHA-256 (hex), read in pieces from its start
 * (path: for messages); G_IO_ERROR when it cannot be read. */
G_GNUC_INTERNAL
gboolean authenta_journal_hash_fd (int fd, const char *path, guint64 *out_size,
                                   char **out_sha, GError **error);

G_END_DECLS
