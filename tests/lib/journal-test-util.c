/* What the journal test programs share (see journal-test-util.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "journal-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

AuthentaClient *
journal_test_client (TestEmulator *emu, const char *key)
{
  g_autoptr (GError) error = NULL;
  AuthentaClient *client
      = authenta_client_new (test_emulator_get_base_url (emu), key, &error);

  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, 2, 5, 20, 0.5);
  authenta_client_set_poll_policy (client, 10, 1.5, 40, 10000);
  authenta_client_set_timeouts (client, 2000, 5000, 5000);
  return client;
}

void
journal_test_write_file (const char *path, const void *head, gsize head_len,
                         gsize size)
{
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8)(i * 7 + 3);
  memcpy (data, head, MIN (head_len, size));
  g_file_set_contents (path, (const char *)data, (gssize)size, &error);
  g_assert_no_error (error);
}

void
journal_fixture_setup (JournalFixture *f, TestEmulator *emu,
                       const char *file_name, const void *head, gsize head_len,
                       gsize size)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("authenta-journal-XXXXXX", &error);
  g_assert_no_error (error);
  f->file = g_build_filename (f->dir, file_name, NULL);
  journal_test_write_file (f->file, head, head_len, size);
  f->journal = authenta_journal_open (f->dir, &error);
  g_assert_no_error (error);
  test_emulator_reset (emu);
  f->client = journal_test_client (emu, "api_emulator_key");
}

void
journal_test_remove_tree (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  g_chmod (dir, 0700);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        journal_test_remove_tree (p);
      else
        g_unlink (p);
    }
  g_rmdir (dir);
}

void
journal_fixture_teardown (JournalFixture *f)
{
  g_clear_object (&f->journal);
  g_clear_object (&f->client);
  journal_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->file);
}

AuthentaJournalEntry *
journal_fixture_add (JournalFixture *f, const char *path,
                     const char *content_type, const char *task,
                     gboolean delete_after)
{
  g_autoptr (GError) error = NULL;
  AuthentaJournalEntry *e = authenta_journal_add (
      f->journal, path, NULL, content_type, task, delete_after, &error);

  g_assert_no_error (error);
  g_assert_nonnull (e);
  return e;
}

AuthentaJournalEntry *
journal_fixture_lookup (JournalFixture *f, AuthentaJournalEntry *e)
{
  g_autoptr (GError) error = NULL;
  AuthentaJournalEntry *now = authenta_journal_lookup (
      f->journal, authenta_journal_entry_get_id (e), &error);

  g_assert_no_error (error);
  return now;
}

AuthentaJournalEntry *
journal_fixture_assert_done (JournalFixture *f, AuthentaJournalEntry *e,
                             AuthentaMedia *verdict)
{
  AuthentaJournalEntry *after = journal_fixture_lookup (f, e);

  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                   AUTHENTA_JOURNAL_STAGE_DONE);
  g_assert_cmpstr (authenta_journal_entry_get_mid (after), ==,
                   authenta_media_get_mid (verdict));
  return after;
}

void
journal_test_run_sql (const char *dir, const char *sql)
{
  g_autofree char *path
      = g_build_filename (dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);
  sqlite3 *db = NULL;
  char *msg = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}
