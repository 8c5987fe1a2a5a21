/* What the journal test programs share: a spool folder with a recording in
 * it, its journal and a quick client of the emulator; SQL on the journal's
 * file to write the state a killed scan leaves.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <authenta/authenta.h>

#include "test-emulator.h"

G_BEGIN_DECLS

typedef struct
{
  char *dir;  /* the spool folder */
  char *file; /* a recording in it */
  AuthentaJournal *journal;
  AuthentaClient *client;
} JournalFixture;

/* A client of @emu with short delays: the suite stays fast, the behaviour
 * is the same. */
AuthentaClient *journal_test_client (TestEmulator *emu, const char *key);

/* A fresh spool folder, @file_name written in it from @head (then filler)
 * to @size bytes, its journal, and a client of @emu (reset first). */
void journal_fixture_setup (JournalFixture *f, TestEmulator *emu,
                            const char *file_name, const void *head,
                            gsize head_len, gsize size);
/* Removes the folder (sub-folders and read-only ones included). */
void journal_fixture_teardown (JournalFixture *f);
void journal_test_remove_tree (const char *dir);

/* Writes @head then filler to @path, @size bytes in all. */
void journal_test_write_file (const char *path, const void *head,
                              gsize head_len, gsize size);

AuthentaJournalEntry *journal_fixture_add (JournalFixture *f, const char *path,
                                           const char *content_type,
                                           const char *task,
                                           gboolean delete_after);
/* The entry as it is on disk now. */
AuthentaJournalEntry *journal_fixture_lookup (JournalFixture *f,
                                              AuthentaJournalEntry *e);

/* Asserts that @e is done on disk, with @verdict's mid (a job's id); returns
 * the entry as it is on disk. */
AuthentaJournalEntry *journal_fixture_assert_done (JournalFixture *f,
                                                   AuthentaJournalEntry *e,
                                                   AuthentaMedia *verdict);

/* SQL on the journal's file in @dir, as another process (or a killed scan)
 * would leave it. */
void journal_test_run_sql (const char *dir, const char *sql);

G_END_DECLS
