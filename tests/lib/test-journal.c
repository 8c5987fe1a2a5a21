/* AuthentaJournal and authenta_client_scan_journaled(): the journal on real
 * files in a temporary folder, and scans and resumes against the emulator.
 * A resume is tested by writing, with SQLite directly, the state a scan
 * killed at that point would have left.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include "journal-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define KEY "api_emulator_key"

static TestEmulator *emu;

typedef JournalFixture Fixture;

static void
write_recording (const char *path, gsize size, char fill)
{
  g_autofree char *data = g_malloc (size);
  g_autoptr (GError) error = NULL;

  memset (data, fill, size);
  memcpy (data,
          "\0\0\0\x18"
          "ftypmp42",
          MIN (size, 12));
  g_file_set_contents (path, data, size, &error);
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  static const char mp4[] = "\0\0\0\x18"
                            "ftypmp42";

  journal_fixture_setup (f, emu, "clip.mp4", mp4, sizeof mp4 - 1, 4096);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  journal_fixture_teardown (f);
}

static AuthentaJournalEntry *
add_entry (Fixture *f, const char *path, gboolean delete_after)
{
  return journal_fixture_add (f, path, "video/mp4", NULL, delete_after);
}

/* ---- the journal itself ---- */

static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TRUE);
  g_autoptr (AuthentaJournalEntry) found = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *second = g_build_filename (f->dir, "second.mp4", NULL);
  g_autoptr (AuthentaJournalEntry) e2 = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  write_recording (second, 10, 'b');
  e2 = add_entry (f, second, FALSE);

  g_assert_cmpint (authenta_journal_entry_get_id (e), >, 0);
  g_assert_cmpstr (authenta_journal_entry_get_path (e), ==, f->file);
  g_assert_cmpstr (authenta_journal_entry_get_name (e), ==, "clip.mp4");
  g_assert_cmpstr (authenta_journal_entry_get_content_type (e), ==,
                   "video/mp4");
  g_assert_cmpstr (authenta_journal_entry_get_model_type (e), ==, "DF-1");
  g_assert_cmpuint (authenta_journal_entry_get_size (e), ==, 4096);
  g_assert_cmpuint (strlen (authenta_journal_entry_get_sha256 (e)), ==, 64);
  g_assert_cmpint (authenta_journal_entry_get_stage (e), ==,
                   AUTHENTA_JOURNAL_STAGE_RECORDED);
  g_assert_null (authenta_journal_entry_get_mid (e));
  g_assert_null (authenta_journal_entry_get_verdict_json (e));
  g_assert_true (authenta_journal_entry_get_delete_after_verdict (e));
  g_assert_false (authenta_journal_entry_get_delete_after_verdict (e2));
  g_assert_cmpint (ABS (authenta_journal_entry_get_created (e) - now), <=, 2);
  g_assert_cmpstr (
      authenta_journal_stage_to_string (authenta_journal_entry_get_stage (e)),
      ==, "recorded");

  list = authenta_journal_list (f->journal, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (authenta_journal_entry_get_id (list->pdata[0]), ==,
                   authenta_journal_entry_get_id (e));
  g_assert_cmpint (authenta_journal_entry_get_id (list->pdata[1]), ==,
                   authenta_journal_entry_get_id (e2));
  g_assert_cmpstr (authenta_journal_entry_get_sha256 (list->pdata[1]), !=,
                   authenta_journal_entry_get_sha256 (e));

  found = authenta_journal_lookup (f->journal,
                                   authenta_journal_entry_get_id (e), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_journal_entry_get_sha256 (found), ==,
                   authenta_journal_entry_get_sha256 (e));

  g_assert_true (authenta_journal_forget (
      f->journal, authenta_journal_entry_get_id (e), &error));
  g_assert_no_error (error);
  g_assert_null (authenta_journal_lookup (
      f->journal, authenta_journal_entry_get_id (e), &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (authenta_journal_forget (
      f->journal, authenta_journal_entry_get_id (e), &error));
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = authenta_journal_list (f->journal, TRUE, &error);
  g_assert_cmpuint (list->len, ==, 1);
  /* The file is the caller's: forgetting does not delete it. */
  g_assert_true (g_file_test (f->file, G_FILE_TEST_EXISTS));
}

static void
test_reopen_keeps_entries (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, FALSE);
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *db
      = g_build_filename (f->dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);
  GStatBuf st;

  g_assert_cmpstr (authenta_journal_get_path (f->journal), ==, db);
  g_clear_object (&f->journal);
  f->journal = authenta_journal_open (f->dir, &error);
  g_assert_no_error (error);
  list = authenta_journal_list (f->journal, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (authenta_journal_entry_get_sha256 (list->pdata[0]), ==,
                   authenta_journal_entry_get_sha256 (e));
  /* The file holds upload URLs: the owner's only. */
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_new_dir_is_private (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("authenta-journal-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (base, "a", "spool", NULL);
  g_autoptr (AuthentaJournal) j = NULL;
  GStatBuf st;

  j = authenta_journal_open (dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_clear_object (&j);
  journal_test_remove_tree (base);
}

static void
test_wal_mode (Fixture *f, gconstpointer data)
{
  g_autofree char *path
      = g_build_filename (f->dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *)sqlite3_column_text (stmt, 0), ==, "wal");
  sqlite3_finalize (stmt);
  g_assert_cmpint (
      sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==,
      SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==,
                   AUTHENTA_JOURNAL_SCHEMA_VERSION);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

/* Journals that cannot be opened: each a clear error naming the file. */
typedef enum
{
  BAD_NEWER_SCHEMA,
  BAD_GARBAGE,
  BAD_READ_ONLY_DIR,
} Bad;

typedef struct
{
  const char *name;
  Bad bad;
  const char *text; /* in the message, beside the file's path */
} BadRow;

static const BadRow bad_rows[] = {
  { "newer-schema", BAD_NEWER_SCHEMA, "newer than this library" },
  { "garbage-bytes", BAD_GARBAGE, "not a journal" },
  { "read-only-dir", BAD_READ_ONLY_DIR, "must be writable" },
};

/* A small tmpfs at @dir, for a real full or read-only disk: FALSE (the test
 * skipped, saying why) when this process may not mount. */
static gboolean
mount_small_tmpfs (const char *dir, const char *size)
{
  g_autofree char *options = g_strdup_printf ("size=%s,mode=0700", size);

  if (mount ("tmpfs", dir, "tmpfs", 0, options) == 0)
    return TRUE;
  {
    g_autofree char *why
        = g_strdup_printf ("cannot mount a tmpfs: %s", g_strerror (errno));
    g_test_skip (why);
  }
  return FALSE;
}

static void
test_open_refuses (gconstpointer data)
{
  const BadRow *row = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("authenta-journal-XXXXXX", &error);
  g_autofree char *db
      = g_build_filename (dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);
  g_autoptr (AuthentaJournal) j = NULL;

  switch (row->bad)
    {
    case BAD_NEWER_SCHEMA:
      g_clear_object (&j);
      j = authenta_journal_open (dir, &error);
      g_assert_no_error (error);
      g_clear_object (&j);
      journal_test_run_sql (dir, "PRAGMA user_version = 99");
      break;
    case BAD_GARBAGE:
      {
        char garbage[8192];
        for (gsize i = 0; i < sizeof garbage; i++)
          garbage[i] = (char)(i * 7 + 3);
        g_file_set_contents (db, garbage, sizeof garbage, &error);
        g_assert_no_error (error);
        break;
      }
    case BAD_READ_ONLY_DIR:
      if (geteuid () != 0)
        {
          g_chmod (dir, 0500);
          break;
        }
      /* Root writes anywhere but on a read-only file system: a journal
       * made there, then the disk remounted read-only. */
      if (!mount_small_tmpfs (dir, "1m"))
        {
          journal_test_remove_tree (dir);
          return;
        }
      j = authenta_journal_open (dir, &error);
      g_assert_no_error (error);
      g_clear_object (&j);
      g_assert_cmpint (
          mount ("tmpfs", dir, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
      break;
    }
  j = authenta_journal_open (dir, &error);
  if (row->bad == BAD_READ_ONLY_DIR && geteuid () == 0)
    g_assert_cmpint (umount (dir), ==, 0);
  g_assert_null (j);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_JOURNAL);
  g_assert_nonnull (strstr (error->message, db));
  g_assert_nonnull (strstr (error->message, row->text));
  g_test_message ("%s", error->message);
  journal_test_remove_tree (dir);
}

/* A journal on a disk that fills up: the entry that does not fit is a clear
 * error naming the journal and saying the disk is full; the entries before
 * it are all there, and the journal takes new ones once there is room. */
static void
test_full_disk (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_dir_make_tmp ("authenta-journal-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (base, "spool", NULL);
  g_autofree char *recording = g_build_filename (base, "rec.mp4", NULL);
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  g_autofree char *db = NULL;
  g_autoptr (AuthentaJournal) j = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (AuthentaJournalEntry) after = NULL;
  guint added = 0;
  int fd;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  if (!mount_small_tmpfs (dir, "256k"))
    {
      journal_test_remove_tree (base);
      return;
    }
  write_recording (recording, 1000, 'f');
  j = authenta_journal_open (dir, &error);
  g_assert_no_error (error);
  db = g_strdup (authenta_journal_get_path (j));
  for (guint i = 0; i < 3; i++, added++)
    {
      g_autoptr (AuthentaJournalEntry) e = authenta_journal_add (
          j, recording, NULL, "video/mp4", NULL, FALSE, &error);
      g_assert_no_error (error);
      authenta_journal_release (j, authenta_journal_entry_get_id (e));
    }
  /* Fill what is left. */
  fd = g_open (filler, O_WRONLY | O_CREAT, 0600);
  g_assert_cmpint (fd, >=, 0);
  {
    char block[4096];

    memset (block, 'z', sizeof block);
    while (write (fd, block, sizeof block) > 0)
      ;
    g_assert_cmpint (errno, ==, ENOSPC);
  }
  close (fd);
  /* SQLite may still fit a few in the pages it has: the disk fills soon. */
  for (guint i = 0; i < 200 && error == NULL; i++)
    {
      g_autoptr (AuthentaJournalEntry) e = authenta_journal_add (
          j, recording, NULL, "video/mp4", NULL, FALSE, &error);
      if (e)
        {
          authenta_journal_release (j, authenta_journal_entry_get_id (e));
          added++;
        }
    }
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_JOURNAL);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, db));
  g_assert_nonnull (strstr (error->message, "free space on its disk"));
  g_clear_error (&error);

  /* Nothing journaled before is lost, and it reads on a full disk. */
  listed = authenta_journal_list (j, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, added);

  g_assert_cmpint (g_unlink (filler), ==, 0);
  after = authenta_journal_add (j, recording, NULL, "video/mp4", NULL, FALSE,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpint (authenta_journal_entry_get_id (after), ==, added + 1);
  g_clear_object (&j);
  g_assert_cmpint (umount (dir), ==, 0);
  journal_test_remove_tree (base);
}

static GPtrArray *
add_many (Fixture *f, guint n)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *p = g_strdup_printf ("%s/rec-%u.mp4", f->dir, i);
      g_autoptr (AuthentaJournalEntry) e = NULL;

      write_recording (p, 100 + i, 'c');
      e = add_entry (f, p, FALSE);
      /* Free for anyone: as left by a recorder that handed it over. */
      authenta_journal_release (f->journal, authenta_journal_entry_get_id (e));
      g_ptr_array_add (ids,
                       GINT_TO_POINTER (authenta_journal_entry_get_id (e)));
    }
  return ids;
}

static void
test_claim_two_objects (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ids = add_many (f, 10);
  g_autoptr (AuthentaJournal) other = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  guint mine = 0, theirs = 0;

  other = authenta_journal_open (f->dir, &error);
  g_assert_no_error (error);
  for (guint round = 0; round < 20; round++)
    {
      AuthentaJournal *j = round % 2 ? other : f->journal;
      g_autoptr (AuthentaJournalEntry) e
          = authenta_journal_claim (j, 0, FALSE, &error);

      g_assert_no_error (error);
      if (e == NULL)
        continue;
      g_assert_false (g_hash_table_contains (
          seen, GINT_TO_POINTER (authenta_journal_entry_get_id (e))));
      g_hash_table_add (seen,
                        GINT_TO_POINTER (authenta_journal_entry_get_id (e)));
      if (j == other)
        theirs++;
      else
        mine++;
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, ids->len);
  g_assert_cmpuint (mine, ==, 5);
  g_assert_cmpuint (theirs, ==, 5);
  /* Held by a live object: not claimed by id either. */
  g_assert_null (authenta_journal_claim (
      f->journal, GPOINTER_TO_INT (ids->pdata[1]), FALSE, &error));
  g_assert_no_error (error);
  /* Released: free again. */
  authenta_journal_release (other, GPOINTER_TO_INT (ids->pdata[1]));
  {
    g_autoptr (AuthentaJournalEntry) e = authenta_journal_claim (
        f->journal, GPOINTER_TO_INT (ids->pdata[1]), FALSE, &error);
    g_assert_nonnull (e);
  }
  /* An object that goes away gives up its claims. */
  g_clear_object (&other);
  {
    g_autoptr (AuthentaJournalEntry) e = authenta_journal_claim (
        f->journal, GPOINTER_TO_INT (ids->pdata[3]), FALSE, &error);
    g_assert_nonnull (e);
  }
}

/* The forked child's journal, holding its claims until it exits (not
 * static: a store into a static nothing reads may be optimised away). */
AuthentaJournal *child_journal;

/* A child process claims as fast as it can while the parent does too:
 * every entry is claimed once, by one of them. */
static void
test_claim_forked_child (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ids = add_many (f, 40);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  int fds[2], ready[2];
  pid_t pid;
  int status;
  gint64 id;
  char c;
  guint child_claims = 0, parent_claims = 0;

  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (pipe (ready), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      AuthentaJournal *j;
      AuthentaJournalEntry *e;

      close (fds[0]);
      close (ready[0]);
      j = authenta_journal_open (f->dir, NULL);
      if (j == NULL)
        _exit (3);
      /* Both start claiming at the same moment. */
      if (write (ready[1], "r", 1) != 1)
        _exit (4);
      close (ready[1]);
      while ((e = authenta_journal_claim (j, 0, FALSE, NULL)) != NULL)
        {
          id = authenta_journal_entry_get_id (e);
          if (write (fds[1], &id, sizeof id) != sizeof id)
            _exit (4);
          authenta_journal_entry_unref (e);
          g_usleep (500);
        }
      /* Claims held until the process ends: not released here, so that
       * the parent cannot claim them after the child finishes.  The journal
       * stays referenced from a static; the child's copies of the parent's
       * data are freed, as _exit() skips the autoptr cleanups (memcheck
       * follows the child). */
      child_journal = j;
      g_hash_table_unref (g_steal_pointer (&seen));
      g_ptr_array_unref (g_steal_pointer (&ids));
      _exit (0);
    }
  close (fds[1]);
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &c, 1), ==, 1);
  close (ready[0]);
  for (;;)
    {
      g_autoptr (AuthentaJournalEntry) e
          = authenta_journal_claim (f->journal, 0, FALSE, &error);
      g_assert_no_error (error);
      if (e == NULL)
        break;
      id = authenta_journal_entry_get_id (e);
      g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (id)));
      g_hash_table_add (seen, GINT_TO_POINTER (id));
      parent_claims++;
      g_usleep (500);
    }
  while (read (fds[0], &id, sizeof id) == sizeof id)
    {
      g_assert_false (g_hash_table_contains (seen, GINT_TO_POINTER (id)));
      g_hash_table_add (seen, GINT_TO_POINTER (id));
      child_claims++;
    }
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_test_message ("parent %u, child %u", parent_claims, child_claims);
  g_assert_cmpuint (g_hash_table_size (seen), ==, ids->len);
  /* Both really competed. */
  g_assert_cmpuint (child_claims, >, 0);
  g_assert_cmpuint (parent_claims, >, 0);
}

/* A process that claimed an entry and died (SIGKILL, a crash): its claim
 * is taken over at once, with no wait for the lease. */
static void
test_claim_dead_owner (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ids = add_many (f, 1);
  g_autoptr (AuthentaJournalEntry) e = NULL;
  g_autoptr (GError) error = NULL;
  pid_t pid;
  int status;
  int go[2];
  char c;

  g_assert_cmpint (pipe (go), ==, 0);
  pid = fork ();
  if (pid == 0)
    {
      AuthentaJournal *j = authenta_journal_open (f->dir, NULL);
      AuthentaJournalEntry *mine
          = j ? authenta_journal_claim (j, 0, FALSE, NULL) : NULL;
      close (go[0]);
      if (write (go[1], mine ? "y" : "n", 1) != 1)
        _exit (4);
      pause (); /* killed while holding it */
      _exit (0);
    }
  close (go[1]);
  g_assert_cmpint (read (go[0], &c, 1), ==, 1);
  g_assert_cmpint (c, ==, 'y');
  /* Alive: not claimed. */
  g_assert_null (authenta_journal_claim (f->journal, 0, FALSE, &error));
  g_assert_no_error (error);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  close (go[0]);
  e = authenta_journal_claim (f->journal, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (e);
  g_assert_cmpint (authenta_journal_entry_get_id (e), ==,
                   GPOINTER_TO_INT (ids->pdata[0]));
}

static void
test_prune_keeps_unfinished (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) ids = add_many (f, 3);
  g_autoptr (GPtrArray) left = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = g_strdup_printf (
      "UPDATE entries SET stage = 'done', updated = updated - 100 WHERE id = "
      "%d; UPDATE entries SET stage = 'failed', updated = updated - 100 "
      "WHERE id = %d; UPDATE entries SET updated = updated - 100 WHERE id = %d",
      GPOINTER_TO_INT (ids->pdata[0]), GPOINTER_TO_INT (ids->pdata[1]),
      GPOINTER_TO_INT (ids->pdata[2]));

  journal_test_run_sql (f->dir, sql);
  g_assert_cmpuint (authenta_journal_prune (f->journal, 1000, &error), ==, 0);
  g_assert_cmpuint (authenta_journal_prune (f->journal, 50, &error), ==, 1);
  g_assert_no_error (error);
  left = authenta_journal_list (f->journal, TRUE, &error);
  g_assert_cmpuint (left->len, ==, 2);
  g_clear_pointer (&left, g_ptr_array_unref);
  left = authenta_journal_list (f->journal, FALSE, &error);
  g_assert_cmpuint (left->len, ==, 2); /* failed ones are listed */
  /* failed is claimed only when asked for */
  {
    g_autoptr (AuthentaJournalEntry) a = authenta_journal_claim (
        f->journal, GPOINTER_TO_INT (ids->pdata[1]), FALSE, &error);
    g_autoptr (AuthentaJournalEntry) b = authenta_journal_claim (
        f->journal, GPOINTER_TO_INT (ids->pdata[1]), TRUE, &error);
    g_assert_null (a);
    g_assert_nonnull (b);
  }
}

/* ---- scans ---- */

static guint
count_records (AuthentaClient *client, const char *status)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GError) error = NULL;
  guint n = 0;

  page = authenta_client_list_media (client, 100, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < page->len; i++)
    if (status == NULL
        || g_strcmp0 (authenta_media_get_status (page->pdata[i]), status) == 0)
      n++;
  return n;
}

static void
test_scan_recorded_to_done (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TRUE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (AuthentaMedia) again = NULL;
  g_autoptr (GError) error = NULL;

  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  after = journal_fixture_assert_done (f, e, verdict);
  g_assert_cmpstr (authenta_journal_entry_get_verdict_json (after), ==,
                   authenta_media_get_json (verdict));
  g_assert_false (g_file_test (f->file, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
  g_assert_cmpuint (count_records (f->client, NULL), ==, 1);
  /* Done: the journaled verdict, no request. */
  again = authenta_client_scan_journaled (f->client, f->journal, after, NULL,
                                          NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_mid (again), ==,
                   authenta_media_get_mid (verdict));
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
}

typedef struct
{
  GMainLoop *loop;
  GThread *main_thread;
  guint progress;
  guint progress_elsewhere;
  AuthentaMedia *verdict;
  GError *error;
} AsyncScan;

static void
count_async_progress (AuthentaScanStage stage, AuthentaMedia *media,
                      guint64 sent, guint64 total, gpointer user_data)
{
  AsyncScan *a = user_data;

  a->progress++;
  if (g_thread_self () != a->main_thread)
    a->progress_elsewhere++;
}

static void
on_async_scanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncScan *a = user_data;

  a->verdict = authenta_client_scan_journaled_finish (AUTHENTA_CLIENT (source),
                                                      result, &a->error);
  g_main_loop_quit (a->loop);
}

static gboolean
on_async_too_long (gpointer user_data)
{
  g_error ("the journaled scan did not finish within 20 s");
  return G_SOURCE_REMOVE;
}

/* The asynchronous pair: the scan runs in the library's worker thread, its
 * progress and its result come back to the caller's context. */
static void
test_scan_async (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TRUE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncScan a = { loop, g_thread_self () };
  guint guard = g_timeout_add_seconds (20, on_async_too_long, NULL);

  authenta_client_scan_journaled_async (f->client, f->journal, e,
                                        count_async_progress, &a, NULL, NULL,
                                        on_async_scanned, &a);
  g_main_loop_run (loop);
  g_source_remove (guard);
  g_assert_no_error (a.error);
  g_assert_true (authenta_media_is_processed (a.verdict));
  g_assert_cmpuint (a.progress, >=, 3);
  g_assert_cmpuint (a.progress_elsewhere, ==, 0);
  after = journal_fixture_assert_done (f, e, a.verdict);
  g_object_unref (a.verdict);
}

/* At each upload progress: the record being uploaded to is the one on
 * disk already. */
typedef struct
{
  Fixture *f;
  gint64 id;
  guint checked;
} UploadCheck;

static void
check_mid_journaled (AuthentaScanStage stage, AuthentaMedia *media,
                     guint64 sent, guint64 total, gpointer user_data)
{
  UploadCheck *c = user_data;
  g_autoptr (AuthentaJournalEntry) now = NULL;

  if (stage != AUTHENTA_SCAN_STAGE_UPLOADING)
    return;
  now = authenta_journal_lookup (c->f->journal, c->id, NULL);
  g_assert_nonnull (now);
  g_assert_cmpint (authenta_journal_entry_get_stage (now), ==,
                   AUTHENTA_JOURNAL_STAGE_CREATED);
  g_assert_cmpstr (authenta_journal_entry_get_mid (now), ==,
                   authenta_media_get_mid (media));
  c->checked++;
}

/* Storage says the URL expired during the upload: the fresh record the
 * upload makes is journaled (before its PUT), the old one deleted. */
static void
test_scan_url_expires_during_upload (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;

  UploadCheck check = { f, authenta_journal_entry_get_id (e), 0 };

  test_emulator_add_fault (emu, "{\"route\":\"upload\",\"action\":\"expire\"}");
  verdict = authenta_client_scan_journaled (
      f->client, f->journal, e, check_mid_journaled, &check, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (check.checked, >=, 2); /* both PUTs */
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 2);
  g_assert_cmpuint (test_emulator_get_count (emu, "delete"), ==, 1);
  g_assert_cmpuint (count_records (f->client, NULL), ==, 1);
  after = journal_fixture_assert_done (f, e, verdict);
}

typedef enum
{
  KILLED_AFTER_CREATE,         /* CREATED, URL valid, nothing uploaded */
  KILLED_AFTER_CREATE_EXPIRED, /* CREATED, URL expired */
  KILLED_AFTER_UPLOAD,         /* UPLOADED */
  KILLED_WHILE_POLLING,        /* PROCESSING */
  UPLOADED_BUT_NEVER_LANDED,   /* UPLOADED, but the record is INITED */
  /* CREATED, but storage took the file: killed before UPLOADED was
   * committed (URL still valid, or since expired). */
  KILLED_BEFORE_UPLOADED_COMMIT,
  KILLED_BEFORE_UPLOADED_COMMIT_EXPIRED,
} Killed;

typedef struct
{
  const char *name;
  Killed killed;
  guint creates, uploads, deletes; /* emulator counters after the resume */
} ResumeRow;

static const ResumeRow resume_rows[] = {
  /* The test's own create counts as one. */
  { "created-uploads-to-same-url", KILLED_AFTER_CREATE, 1, 1, 0 },
  { "created-expired-makes-new-record", KILLED_AFTER_CREATE_EXPIRED, 2, 1, 1 },
  { "uploaded-only-polls", KILLED_AFTER_UPLOAD, 1, 1, 0 },
  { "processing-only-polls", KILLED_WHILE_POLLING, 1, 1, 0 },
  { "uploaded-but-inited-uploads-again", UPLOADED_BUT_NEVER_LANDED, 1, 1, 0 },
  /* The test's own upload counts as one: never a second. */
  { "created-but-upload-landed-only-polls", KILLED_BEFORE_UPLOADED_COMMIT, 1, 1,
    0 },
  { "created-expired-but-upload-landed-only-polls",
    KILLED_BEFORE_UPLOADED_COMMIT_EXPIRED, 1, 1, 0 },
};

static void
test_scan_resume (Fixture *f, gconstpointer data)
{
  const ResumeRow *row = data;
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  char *url_sql;
  const char *stage = "created";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 expires = now + 3600;

  created = authenta_client_create_media (f->client, "clip.mp4", "video/mp4",
                                          4096, NULL, NULL, &error);
  g_assert_no_error (error);
  if (row->killed == KILLED_AFTER_UPLOAD || row->killed == KILLED_WHILE_POLLING
      || row->killed == KILLED_BEFORE_UPLOADED_COMMIT
      || row->killed == KILLED_BEFORE_UPLOADED_COMMIT_EXPIRED)
    {
      g_autoptr (AuthentaMedia) up = authenta_client_upload_file (
          f->client, created, f->file, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      if (row->killed == KILLED_AFTER_UPLOAD)
        stage = "uploaded";
      else if (row->killed == KILLED_WHILE_POLLING)
        stage = "processing";
    }
  if (row->killed == UPLOADED_BUT_NEVER_LANDED)
    stage = "uploaded";
  if (row->killed == KILLED_AFTER_CREATE_EXPIRED
      || row->killed == KILLED_BEFORE_UPLOADED_COMMIT_EXPIRED)
    expires = now - 5;
  url_sql = sqlite3_mprintf ("%Q", authenta_media_get_upload_url (created));
  sql = g_strdup_printf (
      "UPDATE entries SET stage = '%s', mid = '%s', upload_url = %s,"
      " upload_expires = %" G_GINT64_FORMAT ", mid_time = %" G_GINT64_FORMAT
      " WHERE id = %" G_GINT64_FORMAT,
      stage, authenta_media_get_mid (created), url_sql, expires, now,
      authenta_journal_entry_get_id (e));
  sqlite3_free (url_sql);
  journal_test_run_sql (f->dir, sql);

  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, row->creates);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, row->uploads);
  g_assert_cmpuint (test_emulator_get_count (emu, "delete"), ==, row->deletes);
  /* Exactly one record, processed: never two for one recording. */
  g_assert_cmpuint (count_records (f->client, NULL), ==, 1);
  g_assert_cmpuint (count_records (f->client, "PROCESSED"), ==, 1);
  if (row->creates == 1)
    g_assert_cmpstr (authenta_media_get_mid (verdict), ==,
                     authenta_media_get_mid (created));
  else
    g_assert_cmpstr (authenta_media_get_mid (verdict), !=,
                     authenta_media_get_mid (created));
  after = journal_fixture_assert_done (f, e, verdict);
  g_assert_true (g_file_test (f->file, G_FILE_TEST_EXISTS)); /* kept */
}

/* One integer from the journal's file, read as another process would. */
static gint64
sql_int (const char *dir, const char *sql)
{
  g_autofree char *path
      = g_build_filename (dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* Killed while creating: the create's marker is on disk, the POST reached
 * the service (which made a record), its answer never reached the
 * journal.  The resume deletes that record before it makes its own. */
static void
test_scan_resume_lost_create (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) lost = NULL;
  g_autoptr (AuthentaMedia) other = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *q = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 id = authenta_journal_entry_get_id (e);

  /* Another recording's record, INITED too: not this entry's, kept. */
  other = authenta_client_create_media (f->client, "other.mp4", "video/mp4",
                                        4096, NULL, NULL, &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("UPDATE entries SET create_started = %" G_GINT64_FORMAT
                         " WHERE id = %" G_GINT64_FORMAT,
                         now, id);
  journal_test_run_sql (f->dir, sql);
  lost = authenta_client_create_media (f->client, "clip.mp4", "video/mp4", 4096,
                                       NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&lost); /* the answer that never reached the journal */
  g_assert_cmpuint (count_records (f->client, "INITED"), ==, 2);

  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 3);
  g_assert_cmpuint (test_emulator_get_count (emu, "upload"), ==, 1);
  g_assert_cmpuint (test_emulator_get_count (emu, "delete"), ==, 1);
  /* No orphan of this entry; the other recording's record untouched. */
  g_assert_cmpuint (count_records (f->client, "PROCESSED"), ==, 1);
  g_assert_cmpuint (count_records (f->client, "INITED"), ==, 1);
  g_assert_cmpuint (count_records (f->client, NULL), ==, 2);
  {
    g_autoptr (AuthentaMedia) still = authenta_client_get_media (
        f->client, authenta_media_get_mid (other), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (authenta_media_get_status (still), ==, "INITED");
  }
  after = journal_fixture_assert_done (f, e, verdict);
  /* The marker was cleared once the record's mid was journaled. */
  q = g_strdup_printf (
      "SELECT create_started FROM entries WHERE id = %" G_GINT64_FORMAT, id);
  g_assert_cmpint (sql_int (f->dir, q), ==, 0);
}

/* The marker is on disk before the POST: a create that fails (here for
 * now, a 503) leaves it, for the next resume to look. */
static void
test_scan_marks_create_before_post (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, FALSE);
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *q = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;

  test_emulator_add_fault (emu, "{\"route\":\"create\",\"action\":"
                                "\"status\",\"status\":503,\"count\":2}");
  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_nonnull (error);
  q = g_strdup_printf (
      "SELECT create_started FROM entries WHERE id = %" G_GINT64_FORMAT,
      authenta_journal_entry_get_id (e));
  g_assert_cmpint (sql_int (f->dir, q), >=, before);
}

/* The version-1 schema, exactly as libauthenta 0.3 wrote it. */
static const char v1_schema[]
    = "CREATE TABLE entries ("
      " id INTEGER PRIMARY KEY AUTOINCREMENT,"
      " path TEXT NOT NULL, name TEXT NOT NULL, content_type TEXT NOT NULL,"
      " model_type TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL,"
      " stage TEXT NOT NULL, failed_stage TEXT,"
      " mid TEXT, upload_url TEXT, upload_expires INTEGER NOT NULL DEFAULT 0,"
      " mid_time INTEGER NOT NULL DEFAULT 0,"
      " attempts INTEGER NOT NULL DEFAULT 0, error_code TEXT,"
      " http_status INTEGER NOT NULL DEFAULT 0, error_message TEXT,"
      " verdict_json TEXT, delete_after_verdict INTEGER NOT NULL DEFAULT 0,"
      " created INTEGER NOT NULL, updated INTEGER NOT NULL,"
      " owner_boot TEXT, owner_pid INTEGER NOT NULL DEFAULT 0,"
      " owner_start INTEGER NOT NULL DEFAULT 0, owner_token TEXT,"
      " lease_until INTEGER NOT NULL DEFAULT 0);"
      "CREATE INDEX entries_stage ON entries (stage, id);"
      "PRAGMA user_version = 1;";

static void
test_migrate_v1 (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (AuthentaJournalEntry) claimed = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *db
      = g_build_filename (f->dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  gsize len = 0;
  gint64 id;

  /* A journal a version-1 library left: one entry to scan, one done. */
  g_clear_object (&f->journal);
  g_unlink (db);
  g_unlink (wal);
  g_unlink (shm);
  g_assert_true (g_file_get_contents (f->file, &contents, &len, NULL));
  sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *)contents,
                                     len);
  journal_test_run_sql (f->dir, v1_schema);
  sql = g_strdup_printf (
      "INSERT INTO entries (path, name, content_type, model_type, size,"
      " sha256, stage, attempts, created, updated) VALUES"
      " ('%s', 'clip.mp4', 'video/mp4', 'DF-1', %" G_GSIZE_FORMAT
      ", '%s', 'recorded', 2, 1000, 1001);"
      "INSERT INTO entries (path, name, content_type, model_type, size,"
      " sha256, stage, mid, verdict_json, created, updated) VALUES"
      " ('/nowhere/old.mp4', 'old.mp4', 'video/mp4', 'DF-1', 7, '%s',"
      " 'done', 'old-mid', '{\"mid\":\"old-mid\"}', 900, 901);",
      f->file, len, sha, sha);
  journal_test_run_sql (f->dir, sql);
  g_assert_cmpint (sql_int (f->dir, "PRAGMA user_version"), ==, 1);

  f->journal = authenta_journal_open (f->dir, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sql_int (f->dir, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (AUTHENTA_JOURNAL_SCHEMA_VERSION, ==, 2);
  /* Every entry kept, every field as it was. */
  list = authenta_journal_list (f->journal, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (authenta_journal_entry_get_path (list->pdata[0]), ==,
                   f->file);
  g_assert_cmpstr (authenta_journal_entry_get_sha256 (list->pdata[0]), ==, sha);
  g_assert_cmpuint (authenta_journal_entry_get_attempts (list->pdata[0]), ==,
                    2);
  g_assert_cmpint (authenta_journal_entry_get_created (list->pdata[0]), ==,
                   1000);
  g_assert_cmpint (authenta_journal_entry_get_stage (list->pdata[1]), ==,
                   AUTHENTA_JOURNAL_STAGE_DONE);
  g_assert_cmpstr (authenta_journal_entry_get_mid (list->pdata[1]), ==,
                   "old-mid");
  g_assert_cmpstr (authenta_journal_entry_get_verdict_json (list->pdata[1]), ==,
                   "{\"mid\":\"old-mid\"}");
  g_assert_cmpint (sql_int (f->dir, "SELECT count(*) FROM entries"
                                    " WHERE create_started = 0"),
                   ==, 2);

  /* The v2 field works on a migrated entry: a lost create found by its
   * marker, and no orphan. */
  id = authenta_journal_entry_get_id (list->pdata[0]);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("UPDATE entries SET create_started = %" G_GINT64_FORMAT
                         " WHERE id = %" G_GINT64_FORMAT,
                         g_get_real_time () / G_USEC_PER_SEC, id);
  journal_test_run_sql (f->dir, sql);
  {
    g_autoptr (AuthentaMedia) lost = authenta_client_create_media (
        f->client, "clip.mp4", "video/mp4", len, NULL, NULL, &error);
    g_assert_no_error (error);
  }
  claimed = authenta_journal_claim (f->journal, id, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (claimed);
  verdict = authenta_client_scan_journaled (f->client, f->journal, claimed,
                                            NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_cmpuint (count_records (f->client, "INITED"), ==, 0);
  g_assert_cmpuint (count_records (f->client, "PROCESSED"), ==, 1);
  g_assert_cmpuint (count_records (f->client, NULL), ==, 1);
}

typedef enum
{
  CHANGE_SIZE,
  CHANGE_CONTENT, /* same size, other bytes */
  CHANGE_DELETED,
} Change;

typedef struct
{
  const char *name;
  Change change;
  const char *text;
} ChangeRow;

static const ChangeRow change_rows[] = {
  { "size", CHANGE_SIZE, "changed since it was journaled" },
  { "content", CHANGE_CONTENT, "SHA-256 differs" },
  { "deleted", CHANGE_DELETED, "can no longer be read" },
};

static void
test_scan_file_changed (Fixture *f, gconstpointer data)
{
  const ChangeRow *row = data;
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TRUE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;

  switch (row->change)
    {
    case CHANGE_SIZE:
      write_recording (f->file, 5000, 'a');
      break;
    case CHANGE_CONTENT:
      write_recording (f->file, 4096, 'z');
      break;
    case CHANGE_DELETED:
      g_unlink (f->file);
      break;
    }
  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_FILE_CHANGED);
  name = g_strdup_printf ("Journal entry %" G_GINT64_FORMAT,
                          authenta_journal_entry_get_id (e));
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, f->file));
  g_assert_nonnull (strstr (error->message, row->text));
  after = journal_fixture_lookup (f, e);
  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                   AUTHENTA_JOURNAL_STAGE_FAILED);
  g_assert_cmpstr (authenta_journal_entry_get_error_code (after), ==,
                   "file-changed");
  g_assert_cmpstr (authenta_journal_entry_get_error_message (after), ==,
                   error->message);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 0);
  if (row->change != CHANGE_DELETED)
    g_assert_true (g_file_test (f->file, G_FILE_TEST_EXISTS));
}

typedef struct
{
  const char *name;
  const char *key;
  const char *fault;          /* a fault queued before the scan, or NULL */
  int code;                   /* AuthentaError */
  AuthentaJournalStage stage; /* after the scan */
  const char *error_code;
  guint http_status;
  gboolean transient;
} FailRow;

static const FailRow fail_rows[] = {
  { "create-503-keeps-recorded", KEY,
    "{\"route\":\"create\",\"action\":\"status\",\"status\":503,\"count\":2,"
    "\"message\":\"overloaded, key " KEY " refused\"}",
    AUTHENTA_ERROR_SERVER, AUTHENTA_JOURNAL_STAGE_RECORDED, "server", 503,
    TRUE },
  { "upload-503-keeps-created", KEY,
    "{\"route\":\"upload\",\"action\":\"status\",\"status\":503,\"count\":2}",
    AUTHENTA_ERROR_SERVER, AUTHENTA_JOURNAL_STAGE_CREATED, "server", 503,
    TRUE },
  { "wrong-key-fails", "api_not_a_key_of_this_service", NULL,
    AUTHENTA_ERROR_INVALID_API_KEY, AUTHENTA_JOURNAL_STAGE_FAILED,
    "invalid-api-key", 401, FALSE },
  { "402-fails", KEY,
    "{\"route\":\"create\",\"action\":\"status\",\"status\":402}",
    AUTHENTA_ERROR_INSUFFICIENT_BALANCE, AUTHENTA_JOURNAL_STAGE_FAILED,
    "insufficient-balance", 402, FALSE },
};

static void
test_scan_failure (Fixture *f, gconstpointer data)
{
  const FailRow *row = data;
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TRUE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaClient) client = journal_test_client (emu, row->key);
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;

  if (row->fault)
    test_emulator_add_fault (emu, row->fault);
  verdict = authenta_client_scan_journaled (client, f->journal, e, NULL, NULL,
                                            NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, AUTHENTA_ERROR, row->code);
  g_assert_cmpint (authenta_error_is_transient (error), ==, row->transient);
  after = journal_fixture_lookup (f, e);
  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==, row->stage);
  g_assert_cmpuint (authenta_journal_entry_get_attempts (after), ==, 1);
  g_assert_cmpstr (authenta_journal_entry_get_error_code (after), ==,
                   row->error_code);
  g_assert_cmpuint (authenta_journal_entry_get_http_status (after), ==,
                    row->http_status);
  g_assert_nonnull (authenta_journal_entry_get_error_message (after));
  /* Never the key, never a URL's query. */
  g_assert_null (
      strstr (authenta_journal_entry_get_error_message (after), row->key));
  g_assert_null (
      strstr (authenta_journal_entry_get_error_message (after), "X-Amz"));
  /* The service repeated the key: the message is kept, the key is not. */
  if (row->fault && strstr (row->fault, KEY))
    g_assert_nonnull (strstr (authenta_journal_entry_get_error_message (after),
                              "[redacted]"));
  g_assert_true (g_file_test (f->file, G_FILE_TEST_EXISTS));

  if (row->transient)
    {
      /* Once the service is back (the fault covers exactly the retries
       * of one call), the same entry finishes, with one record. */
      g_clear_error (&error);
      g_clear_pointer (&after, authenta_journal_entry_unref);
      verdict = authenta_client_scan_journaled (client, f->journal, e, NULL,
                                                NULL, NULL, &error);
      g_assert_no_error (error);
      after = journal_fixture_lookup (f, e);
      g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                       AUTHENTA_JOURNAL_STAGE_DONE);
      g_assert_cmpuint (count_records (client, "PROCESSED"), ==, 1);
    }
}

static void
test_scan_needs_claim (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, FALSE);
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;

  authenta_journal_release (f->journal, authenta_journal_entry_get_id (e));
  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_JOURNAL);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 0);
}

static void
test_error_is_transient (void)
{
  static const struct
  {
    GQuark domain;
    int code;
    gboolean transient;
  } rows[] = {
    { 0, AUTHENTA_ERROR_NETWORK, TRUE },
    { 0, AUTHENTA_ERROR_SERVER, TRUE },
    { 0, AUTHENTA_ERROR_TIMEOUT, TRUE },
    { 0, AUTHENTA_ERROR_RATE_LIMITED, TRUE },
    { 0, AUTHENTA_ERROR_NO_SERVICE, TRUE },
    { 0, AUTHENTA_ERROR_PROTOCOL, TRUE },
    { 0, AUTHENTA_ERROR_INVALID_API_KEY, FALSE },
    { 0, AUTHENTA_ERROR_FORBIDDEN, FALSE },
    { 0, AUTHENTA_ERROR_INSUFFICIENT_BALANCE, FALSE },
    { 0, AUTHENTA_ERROR_BAD_REQUEST, FALSE },
    { 0, AUTHENTA_ERROR_UNSUPPORTED_MEDIA, FALSE },
    { 0, AUTHENTA_ERROR_PROCESSING_FAILED, FALSE },
    { 0, AUTHENTA_ERROR_TLS, FALSE },
    { 0, AUTHENTA_ERROR_FILE_CHANGED, FALSE },
    { 0, AUTHENTA_ERROR_JOURNAL, FALSE },
    { 1, G_IO_ERROR_CANCELLED, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      g_autoptr (GError) error = g_error_new_literal (
          rows[i].domain ? G_IO_ERROR : AUTHENTA_ERROR, rows[i].code, "x");
      g_assert_cmpint (authenta_error_is_transient (error), ==,
                       rows[i].transient);
    }
  g_assert_false (authenta_error_is_transient (NULL));
}

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start ("--processing-time", "0.05", NULL);

  ADD ("/journal/add-list-lookup-forget", test_round_trip);
  ADD ("/journal/reopen-keeps-entries-in-a-0600-file",
       test_reopen_keeps_entries);
  g_test_add_func ("/journal/new-folder-is-0700", test_new_dir_is_private);
  ADD ("/journal/wal-mode-and-schema-version", test_wal_mode);
  for (guint i = 0; i < G_N_ELEMENTS (bad_rows); i++)
    {
      g_autofree char *p
          = g_strdup_printf ("/journal/open-refuses/%s", bad_rows[i].name);
      g_test_add_data_func (p, &bad_rows[i], test_open_refuses);
    }
  ADD ("/journal/claim/two-objects-never-share", test_claim_two_objects);
  ADD ("/journal/claim/forked-child-never-shares", test_claim_forked_child);
  ADD ("/journal/claim/dead-owner-taken-over", test_claim_dead_owner);
  ADD ("/journal/prune-keeps-unfinished", test_prune_keeps_unfinished);
  g_test_add_func ("/journal/error-is-transient", test_error_is_transient);
  g_test_add_func ("/journal/full-disk-names-journal", test_full_disk);
  ADD ("/journal/scan/recorded-to-done", test_scan_recorded_to_done);
  ADD ("/journal/scan/async-progress-in-callers-context", test_scan_async);
  ADD ("/journal/scan/needs-a-claim", test_scan_needs_claim);
  ADD ("/journal/scan/url-expired-during-upload-journals-new-record",
       test_scan_url_expires_during_upload);
  for (guint i = 0; i < G_N_ELEMENTS (resume_rows); i++)
    {
      g_autofree char *p
          = g_strdup_printf ("/journal/scan/resume/%s", resume_rows[i].name);
      g_test_add (p, Fixture, &resume_rows[i], fixture_setup, test_scan_resume,
                  fixture_teardown);
    }
  ADD ("/journal/scan/resume/lost-create-leaves-no-orphan",
       test_scan_resume_lost_create);
  ADD ("/journal/scan/create-marked-before-its-post",
       test_scan_marks_create_before_post);
  ADD ("/journal/migrate-v1-keeps-entries", test_migrate_v1);
  for (guint i = 0; i < G_N_ELEMENTS (change_rows); i++)
    {
      g_autofree char *p = g_strdup_printf (
          "/journal/scan/file-changed-fails/%s", change_rows[i].name);
      g_test_add (p, Fixture, &change_rows[i], fixture_setup,
                  test_scan_file_changed, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fail_rows); i++)
    {
      g_autofree char *p
          = g_strdup_printf ("/journal/scan/failure/%s", fail_rows[i].name);
      g_test_add (p, Fixture, &fail_rows[i], fixture_setup, test_scan_failure,
                  fixture_teardown);
    }

  rc = g_test_run ();
  test_emulator_stop (emu);
  return rc;
}
