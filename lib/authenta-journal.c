/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaJournal: the crash-safe record of scans, in SQLite. */
#include "config-private.h"

#include <authenta/authenta-content-type.h>
#include <authenta/authenta-enum-types.h>
#include <authenta/authenta-error.h>
#include <authenta/authenta-journal.h>
#include <authenta/authenta-task.h>

#include "authenta-error-private.h"
#include "authenta-journal-private.h"
#include "authenta-util-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUSY_TIMEOUT_MS 5000

struct _AuthentaJournalEntry
{
  gatomicrefcount ref;
  gint64 id;
  char *path, *name, *content_type, *model_type, *sha256;
  guint64 size;
  AuthentaJournalStage stage, failed_stage;
  char *mid, *upload_url;
  gint64 upload_expires, mid_time;
  gint64 create_started; /* unix s a create was begun, 0: none pending */
  guint attempts, http_status;
  char *error_code, *error_message, *verdict_json;
  gboolean delete_after_verdict;
  gint64 created, updated;
};

struct _AuthentaJournal
{
  GObject parent_instance;

  char *dir;
  char *path;
  sqlite3 *db;
  GMutex lock; /* one statement or transaction at a time on db */
  /* Who holds a claim: this boot, this process (pid and start time, so a
   * reused pid is not taken for the owner), and this object. */
  char *boot_id;
  gint64 pid;
  gint64 start_time;
  char *token;
};

G_DEFINE_FINAL_TYPE (AuthentaJournal, authenta_journal, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (AuthentaJournalEntry, authenta_journal_entry,
                     authenta_journal_entry_ref, authenta_journal_entry_unref)

static const char *const stage_names[] = {
  "recorded", "created", "uploaded", "processing", "done", "failed",
};

/**
 * authenta_journal_stage_to_string:
 * @stage: a stage
 *
 * Names a journal stage, as the journal stores it.
 *
 * Returns: "recorded", "created", "uploaded", "processing", "done" or
 *   "failed"; "unknown" for anything else.
 *
 * Since: 0.3
 */
const char *
authenta_journal_stage_to_string (AuthentaJournalStage stage)
{
  if ((guint)stage < G_N_ELEMENTS (stage_names))
    return stage_names[stage];
  return "unknown";
}

static AuthentaJournalStage
stage_from_string (const char *s)
{
  for (guint i = 0; i < G_N_ELEMENTS (stage_names); i++)
    if (g_strcmp0 (s, stage_names[i]) == 0)
      return (AuthentaJournalStage)i;
  return AUTHENTA_JOURNAL_STAGE_FAILED;
}

/* ---- entries ---- */

/**
 * authenta_journal_entry_ref:
 * @e: an entry
 *
 * Takes a reference to a journal entry.
 *
 * Returns: (transfer full): @e
 *
 * Since: 0.3
 */
AuthentaJournalEntry *
authenta_journal_entry_ref (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  g_atomic_ref_count_inc (&e->ref);
  return e;
}

/**
 * authenta_journal_entry_unref:
 * @e: (transfer full): an entry
 *
 * Drops a reference to a journal entry; the last one frees it.
 *
 * Since: 0.3
 */
void
authenta_journal_entry_unref (AuthentaJournalEntry *e)
{
  g_return_if_fail (e != NULL);
  if (!g_atomic_ref_count_dec (&e->ref))
    return;
  g_free (e->path);
  g_free (e->name);
  g_free (e->content_type);
  g_free (e->model_type);
  g_free (e->sha256);
  g_free (e->mid);
  g_free (e->upload_url);
  g_free (e->error_code);
  g_free (e->error_message);
  g_free (e->verdict_json);
  g_free (e);
}

/**
 * authenta_journal_entry_get_id:
 * @e: an entry
 *
 * Gets the entry's id.
 *
 * Returns: the entry's id in its journal (never 0).
 *
 * Since: 0.3
 */
gint64
authenta_journal_entry_get_id (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, 0);
  return e->id;
}

/**
 * authenta_journal_entry_get_path:
 * @e: an entry
 *
 * Gets the path of the entry's recording.
 *
 * Returns: (type filename): the recording's absolute path.
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_path (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->path;
}

/**
 * authenta_journal_entry_get_name:
 * @e: an entry
 *
 * Gets the name the entry's record is created with.
 *
 * Returns: the record's name.
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_name (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->name;
}

/**
 * authenta_journal_entry_get_content_type:
 * @e: an entry
 *
 * Gets the content type of the entry's recording.
 *
 * Returns: the recording's content type, such as "video/mp4".
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_content_type (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->content_type;
}

/**
 * authenta_journal_entry_get_model_type:
 * @e: an entry
 *
 * Gets the model the entry is scanned with.
 *
 * Returns: the model to scan with, such as "DF-1".
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_model_type (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->model_type;
}

/**
 * authenta_journal_entry_get_sha256:
 * @e: an entry
 *
 * Gets the digest of the recording, taken when it was journaled.
 *
 * Returns: the SHA-256 of the recording when it was journaled, in
 *   lower-case hex.
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_sha256 (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->sha256;
}

/**
 * authenta_journal_entry_get_size:
 * @e: an entry
 *
 * Gets the size of the recording, taken when it was journaled.
 *
 * Returns: the recording's size in bytes when it was journaled.
 *
 * Since: 0.3
 */
guint64
authenta_journal_entry_get_size (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, 0);
  return e->size;
}

/**
 * authenta_journal_entry_get_stage:
 * @e: an entry
 *
 * Gets how far the entry's scan has come.
 *
 * Returns: the stage committed last.
 *
 * Since: 0.3
 */
AuthentaJournalStage
authenta_journal_entry_get_stage (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, AUTHENTA_JOURNAL_STAGE_FAILED);
  return e->stage;
}

/**
 * authenta_journal_entry_get_mid:
 * @e: an entry
 *
 * Gets the media id of the entry's record.
 *
 * Returns: (nullable): the record's mid, once created.
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_mid (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->mid;
}

/**
 * authenta_journal_entry_get_upload_expires:
 * @e: an entry
 *
 * Gets when the upload URL of the entry's record expires.
 *
 * Returns: when the record's upload URL expires (unix seconds), 0 when
 *   unknown or there is none.
 *
 * Since: 0.3
 */
gint64
authenta_journal_entry_get_upload_expires (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, 0);
  return e->upload_expires;
}

/**
 * authenta_journal_entry_get_attempts:
 * @e: an entry
 *
 * Gets how many times the entry's scan failed.
 *
 * Returns: how many scans of the entry failed so far.
 *
 * Since: 0.3
 */
guint
authenta_journal_entry_get_attempts (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, 0);
  return e->attempts;
}

/**
 * authenta_journal_entry_get_error_code:
 * @e: an entry
 *
 * Gets the code of the entry's last failure.
 *
 * Returns: (nullable): the last failure's code: the nick of its
 *   #AuthentaError ("server", "network", "file-changed", …), or
 *   "DOMAIN:CODE" for errors of other domains.
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_error_code (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->error_code;
}

/**
 * authenta_journal_entry_get_http_status:
 * @e: an entry
 *
 * Gets the HTTP status of the entry's last failure.
 *
 * Returns: the HTTP status of the last failure, 0 when none.
 *
 * Since: 0.3
 */
guint
authenta_journal_entry_get_http_status (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, 0);
  return e->http_status;
}

/**
 * authenta_journal_entry_get_error_message:
 * @e: an entry
 *
 * Gets the message of the entry's last failure.
 *
 * Returns: (nullable): the last failure's message (never with the API key,
 *   nor a URL's query).
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_error_message (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->error_message;
}

/**
 * authenta_journal_entry_get_verdict_json:
 * @e: an entry
 *
 * Gets the verdict journaled for the entry.
 *
 * Returns: (nullable): the processed record as the service sent it, once
 *   %AUTHENTA_JOURNAL_STAGE_DONE; authenta_media_new_from_json() reads it.
 *
 * Since: 0.3
 */
const char *
authenta_journal_entry_get_verdict_json (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, NULL);
  return e->verdict_json;
}

/**
 * authenta_journal_entry_get_delete_after_verdict:
 * @e: an entry
 *
 * Gets whether the recording is deleted after its verdict.
 *
 * Returns: whether the recording is deleted once its verdict is journaled.
 *
 * Since: 0.3
 */
gboolean
authenta_journal_entry_get_delete_after_verdict (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, FALSE);
  return e->delete_after_verdict;
}

/**
 * authenta_journal_entry_get_created:
 * @e: an entry
 *
 * Gets when the entry was journaled.
 *
 * Returns: when the entry was journaled (unix seconds).
 *
 * Since: 0.3
 */
gint64
authenta_journal_entry_get_created (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, 0);
  return e->created;
}

/**
 * authenta_journal_entry_get_updated:
 * @e: an entry
 *
 * Gets when the entry last changed.
 *
 * Returns: when the entry last changed (unix seconds).
 *
 * Since: 0.3
 */
gint64
authenta_journal_entry_get_updated (AuthentaJournalEntry *e)
{
  g_return_val_if_fail (e != NULL, 0);
  return e->updated;
}

const char *
authenta_journal_entry_get_upload_url (AuthentaJournalEntry *e)
{
  return e->upload_url;
}

gint64
authenta_journal_entry_get_mid_time (AuthentaJournalEntry *e)
{
  return e->mid_time;
}

AuthentaJournalStage
authenta_journal_entry_get_failed_stage (AuthentaJournalEntry *e)
{
  return e->failed_stage;
}

gint64
authenta_journal_entry_get_create_started (AuthentaJournalEntry *e)
{
  return e->create_started;
}

/* ---- the database ---- */

/* Each migration takes the schema from version i to i + 1; append only. */
static const char *const migrations[] = {
  /* 0 → 1 */
  "CREATE TABLE entries ("
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
  "CREATE INDEX entries_stage ON entries (stage, id);",
  /* 1 → 2: when a create was begun whose answer is not journaled yet, so
   * that a resume first deletes the record it may have made. */
  "ALTER TABLE entries"
  " ADD COLUMN create_started INTEGER NOT NULL DEFAULT 0;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == AUTHENTA_JOURNAL_SCHEMA_VERSION);

#define ENTRY_COLUMNS                                                          \
  "id, path, name, content_type, model_type, size, sha256, stage,"             \
  " failed_stage, mid, upload_url, upload_expires, mid_time, attempts,"        \
  " error_code, http_status, error_message, verdict_json,"                     \
  " delete_after_verdict, created, updated, create_started"

static char *
column_dup (sqlite3_stmt *stmt, int i)
{
  const unsigned char *t = sqlite3_column_text (stmt, i);
  return t ? g_strdup ((const char *)t) : NULL;
}

static AuthentaJournalEntry *
entry_from_row (sqlite3_stmt *stmt)
{
  AuthentaJournalEntry *e = g_new0 (AuthentaJournalEntry, 1);
  const unsigned char *failed;

  g_atomic_ref_count_init (&e->ref);
  e->id = sqlite3_column_int64 (stmt, 0);
  e->path = column_dup (stmt, 1);
  e->name = column_dup (stmt, 2);
  e->content_type = column_dup (stmt, 3);
  e->model_type = column_dup (stmt, 4);
  e->size = (guint64)sqlite3_column_int64 (stmt, 5);
  e->sha256 = column_dup (stmt, 6);
  e->stage = stage_from_string ((const char *)sqlite3_column_text (stmt, 7));
  failed = sqlite3_column_text (stmt, 8);
  e->failed_stage = failed ? stage_from_string ((const char *)failed)
                           : AUTHENTA_JOURNAL_STAGE_RECORDED;
  e->mid = column_dup (stmt, 9);
  e->upload_url = column_dup (stmt, 10);
  e->upload_expires = sqlite3_column_int64 (stmt, 11);
  e->mid_time = sqlite3_column_int64 (stmt, 12);
  e->attempts = (guint)sqlite3_column_int64 (stmt, 13);
  e->error_code = column_dup (stmt, 14);
  e->http_status = (guint)sqlite3_column_int64 (stmt, 15);
  e->error_message = column_dup (stmt, 16);
  e->verdict_json = column_dup (stmt, 17);
  e->delete_after_verdict = sqlite3_column_int64 (stmt, 18) != 0;
  e->created = sqlite3_column_int64 (stmt, 19);
  e->updated = sqlite3_column_int64 (stmt, 20);
  e->create_started = sqlite3_column_int64 (stmt, 21);
  return e;
}

/* The one way an SQLite failure becomes an error: names the file, and
 * says what a read-only or full disk means. */
static void
set_db_error (AuthentaJournal *self, GError **error, const char *what)
{
  int code = sqlite3_extended_errcode (self->db) & 0xff;
  const char *hint = "";

  if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN || code == SQLITE_PERM)
    hint = "; the journal's folder must be writable";
  else if (code == SQLITE_FULL)
    hint = "; free space on its disk (the entries already journaled are "
           "safe)";
  else if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
    hint = "; the file is not a journal (corrupt?): move it away to start "
           "a new one";
  g_propagate_error (error, authenta_error_new_full (
                                AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                                "Journal “%s”: cannot %s: %s%s", self->path,
                                what, sqlite3_errmsg (self->db), hint));
}

static gboolean
exec (AuthentaJournal *self, const char *sql, const char *what, GError **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  set_db_error (self, error, what);
  return FALSE;
}

static sqlite3_stmt *
prepare (AuthentaJournal *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (self, error, "read it");
      return NULL;
    }
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt, int i, const char *text)
{
  if (text)
    sqlite3_bind_text (stmt, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, i);
}

static gboolean
migrate (AuthentaJournal *self, GError **error)
{
  sqlite3_stmt *stmt;
  gint64 version;

  if (!exec (self, "BEGIN IMMEDIATE", "open it", error))
    return FALSE;
  stmt = prepare (self, "PRAGMA user_version", error);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      set_db_error (self, error, "read its schema version");
      sqlite3_finalize (stmt);
      goto fail;
    }
  version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (version > AUTHENTA_JOURNAL_SCHEMA_VERSION)
    {
      g_propagate_error (
          error, authenta_error_new_full (
                     AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                     "Journal “%s” has schema version %" G_GINT64_FORMAT
                     ", newer than this library's (%d): use a newer "
                     "libauthenta, or another spool folder",
                     self->path, version, AUTHENTA_JOURNAL_SCHEMA_VERSION));
      goto fail;
    }
  for (gint64 v = MAX (version, 0); v < AUTHENTA_JOURNAL_SCHEMA_VERSION; v++)
    {
      g_autofree char *pragma = NULL;

      if (!exec (self, migrations[v], "migrate it", error))
        goto fail;
      pragma
          = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v + 1);
      if (!exec (self, pragma, "migrate it", error))
        goto fail;
      g_debug ("journal %s: schema %" G_GINT64_FORMAT " → %" G_GINT64_FORMAT,
               self->path, v, v + 1);
    }
  return exec (self, "COMMIT", "migrate it", error);

fail:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Field 22 of /proc/PID/stat: the process's start, in clock ticks since
 * boot; 0 when unknown (not Linux). */
static gint64
process_start_time (gint64 pid)
{
  g_autofree char *file
      = g_strdup_printf ("/proc/%" G_GINT64_FORMAT "/stat", pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *p;

  if (!g_file_get_contents (file, &text, NULL, NULL))
    return -1;
  p = strrchr (text, ')'); /* the command may hold spaces and parentheses */
  if (p == NULL || p[1] == '\0')
    return 0;
  fields = g_strsplit (p + 2, " ", 0);
  /* After the command: field 3 is fields[0], so field 22 is fields[19]. */
  if (g_strv_length (fields) < 20)
    return 0;
  return g_ascii_strtoll (fields[19], NULL, 10);
}

static char *
read_boot_id (void)
{
  char *text = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &text, NULL,
                            NULL))
    return g_strdup ("");
  return g_strstrip (text);
}

/* Whether the claimer recorded in a row still runs: same boot, and a
 * process with that pid that started when the claimer did. */
static gboolean
owner_is_alive (AuthentaJournal *self, const char *boot, gint64 pid,
                gint64 start)
{
  gint64 now_start;

  if (pid <= 0)
    return FALSE;
  if (g_strcmp0 (boot, self->boot_id) != 0)
    return FALSE;
  now_start = process_start_time (pid);
  if (now_start < 0)
    return FALSE; /* no such process */
  if (now_start == 0 || start == 0)
    return kill ((pid_t)pid, 0) == 0 || errno == EPERM;
  return now_start == start;
}

static void
authenta_journal_finalize (GObject *object)
{
  AuthentaJournal *self = AUTHENTA_JOURNAL (object);

  if (self->db)
    {
      /* What this object still holds is free for others at once. */
      sqlite3_stmt *stmt = NULL;
      if (sqlite3_prepare_v2 (self->db,
                              "UPDATE entries SET owner_pid = 0, owner_token "
                              "= NULL, lease_until = 0 WHERE owner_token = ?",
                              -1, &stmt, NULL)
          == SQLITE_OK)
        {
          bind_text (stmt, 1, self->token);
          sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      sqlite3_close_v2 (self->db);
    }
  g_free (self->dir);
  g_free (self->path);
  g_free (self->boot_id);
  g_free (self->token);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (authenta_journal_parent_class)->finalize (object);
}

static void
authenta_journal_class_init (AuthentaJournalClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = authenta_journal_finalize;
}

static void
authenta_journal_init (AuthentaJournal *self)
{
  g_mutex_init (&self->lock);
}

/**
 * authenta_journal_open:
 * @dir: (type filename): the journal's folder; made (mode 0700) when
 *   missing
 * @error: return location for a #GError
 *
 * Opens, or makes, the journal `DIR/authenta-journal.sqlite` (mode 0600):
 * SQLite in WAL mode, waiting up to 5 s for another process's transaction.
 * An older schema is migrated; a newer one, a file that is not a journal
 * or a folder that cannot be written give %AUTHENTA_ERROR_JOURNAL naming
 * the file.
 *
 * Returns: (transfer full): the journal, or %NULL with @error set.
 *
 * Since: 0.3
 */
AuthentaJournal *
authenta_journal_open (const char *dir, GError **error)
{
  g_autoptr (AuthentaJournal) self = NULL;
  sqlite3_stmt *stmt;
  int fd, rc;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (AUTHENTA_TYPE_JOURNAL, NULL);
  self->dir = g_canonicalize_filename (dir, NULL);
  self->path = g_build_filename (self->dir, AUTHENTA_JOURNAL_FILE_NAME, NULL);
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int errsv = errno;
      g_propagate_error (error, authenta_error_new_full (
                                    AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                                    "Cannot make the journal folder “%s”: %s",
                                    self->dir, g_strerror (errsv)));
      return NULL;
    }
  /* Made 0600 before SQLite opens it (SQLite would use the umask); the
   * WAL and shared-memory files take the database's mode. */
  fd = g_open (self->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int errsv = errno;
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                             "Cannot open the journal “%s”: %s%s", self->path,
                             g_strerror (errsv),
                             errsv == EROFS || errsv == EACCES || errsv == EPERM
                                 ? "; the journal's folder must be writable"
                                 : ""));
      return NULL;
    }
  close (fd);

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_db_error (self, error, "open it");
      return NULL;
    }
  sqlite3_busy_timeout (self->db, BUSY_TIMEOUT_MS);
  sqlite3_extended_result_codes (self->db, 1);

  stmt = prepare (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return NULL;
  /* Two processes making a new journal at once: the switch to WAL takes an
   * exclusive lock, and SQLite may answer BUSY at once rather than through
   * the busy handler, so wait for the other one here. */
  for (gint64 deadline = g_get_monotonic_time () + BUSY_TIMEOUT_MS * 1000;;)
    {
      rc = sqlite3_step (stmt);
      if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
        break;
      if (g_get_monotonic_time () >= deadline)
        break;
      sqlite3_reset (stmt);
      g_usleep (10 * 1000);
    }
  if (rc != SQLITE_ROW
      || g_ascii_strcasecmp ((const char *)sqlite3_column_text (stmt, 0), "wal")
             != 0)
    {
      if (rc == SQLITE_ROW)
        g_propagate_error (error, authenta_error_new_full (
                                      AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                                      "Journal “%s”: cannot use WAL mode",
                                      self->path));
      else
        set_db_error (self, error, "open it");
      sqlite3_finalize (stmt);
      return NULL;
    }
  sqlite3_finalize (stmt);
  /* NORMAL is durable across a process crash in WAL mode; FULL adds the
   * power loss a capture rig lives with. */
  if (!exec (self, "PRAGMA synchronous = FULL", "open it", error)
      || !migrate (self, error))
    return NULL;

  self->boot_id = read_boot_id ();
  self->pid = getpid ();
  self->start_time = process_start_time (self->pid);
  self->token = g_uuid_string_random ();
  return g_steal_pointer (&self);
}

/**
 * authenta_journal_get_path:
 * @self: a journal
 *
 * Gets the path of the journal's database file.
 *
 * Returns: (type filename): the database file.
 *
 * Since: 0.3
 */
const char *
authenta_journal_get_path (AuthentaJournal *self)
{
  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (self), NULL);
  return self->path;
}

gboolean
authenta_journal_hash_fd (int fd, const char *path, guint64 *out_size,
                          char **out_sha, GError **error)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guchar *buf = g_malloc (64 * 1024);
  guint64 total = 0;
  off_t offset = 0;

  for (;;)
    {
      ssize_t n = pread (fd, buf, 64 * 1024, offset);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int errsv = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                       "Cannot read “%s”: %s", path, g_strerror (errsv));
          return FALSE;
        }
      if (n == 0)
        break;
      g_checksum_update (sum, buf, n);
      total += n;
      offset += n;
    }
  *out_size = total;
  *out_sha = g_strdup (g_checksum_get_string (sum));
  return TRUE;
}

/* An id the journal does not hold: NOT_FOUND, as a record the service
 * does not hold, so that callers tell it from a journal that is broken. */
static GError *
no_such_entry (AuthentaJournal *self, gint64 id)
{
  return authenta_error_new_full (AUTHENTA_ERROR_NOT_FOUND, 0, NULL, NULL,
                                  "Journal “%s” has no entry %" G_GINT64_FORMAT,
                                  self->path, id);
}

static AuthentaJournalEntry *
lookup_locked (AuthentaJournal *self, gint64 id, GError **error)
{
  sqlite3_stmt *stmt;
  AuthentaJournalEntry *e = NULL;
  int rc;

  stmt = prepare (self, "SELECT " ENTRY_COLUMNS " FROM entries WHERE id = ?",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    e = entry_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_propagate_error (error, no_such_entry (self, id));
  else
    set_db_error (self, error, "read it");
  sqlite3_finalize (stmt);
  return e;
}

/**
 * authenta_journal_add:
 * @self: a journal
 * @path: (type filename): a finished recording
 * @name: (nullable): the record's name; %NULL: the file's basename
 * @content_type: (nullable): the file's type; %NULL: sniffed
 * @model_type: (nullable): the task: a Media API model or a Jobs API task
 *   (see authenta_task_list()); %NULL: the default for the type
 *   (authenta_task_default_for_content_type(): since 0.4, audio too)
 * @delete_after_verdict: whether the file is deleted once its verdict is
 *   journaled
 * @error: return location for a #GError
 *
 * Journals a finished recording: its size and SHA-256 (read in pieces,
 * memory stays flat), stage %AUTHENTA_JOURNAL_STAGE_RECORDED.  The entry is
 * claimed by @self, ready for authenta_client_scan_journaled().
 *
 * Returns: (transfer full): the new entry, or %NULL with @error set.
 *
 * Since: 0.3
 */
AuthentaJournalEntry *
authenta_journal_add (AuthentaJournal *self, const char *path, const char *name,
                      const char *content_type, const char *model_type,
                      gboolean delete_after_verdict, GError **error)
{
  g_autofree char *abs = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *sha = NULL;
  sqlite3_stmt *stmt;
  AuthentaJournalEntry *e = NULL;
  guint64 size = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  struct stat st;
  int fd;

  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  abs = g_canonicalize_filename (path, NULL);
  fd = authenta_open_for_reading (abs, error);
  if (fd < 0)
    return NULL;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   "“%s” is not a regular file", abs);
      close (fd);
      return NULL;
    }
  if (content_type == NULL)
    {
      content_type = authenta_content_type_sniff_fd (fd, abs, error);
      if (content_type == NULL)
        {
          close (fd);
          return NULL;
        }
    }
  if (model_type == NULL)
    model_type = authenta_task_default_for_content_type (content_type);
  if (model_type == NULL)
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_UNSUPPORTED_MEDIA, 0, NULL, NULL,
                             "No task for content type “%s” of “%s”",
                             content_type, abs));
      close (fd);
      return NULL;
    }
  if (!authenta_journal_hash_fd (fd, abs, &size, &sha, error))
    {
      close (fd);
      return NULL;
    }
  close (fd);
  if (name == NULL)
    name = basename = g_path_get_basename (abs);

  g_mutex_lock (&self->lock);
  stmt = prepare (
      self,
      "INSERT INTO entries (path, name, content_type, model_type,"
      " size, sha256, stage, delete_after_verdict, created,"
      " updated, owner_boot, owner_pid, owner_start, owner_token,"
      " lease_until) VALUES (?,?,?,?,?,?,'recorded',?,?,?,?,?,?,?,?)",
      error);
  if (stmt != NULL)
    {
      bind_text (stmt, 1, abs);
      bind_text (stmt, 2, name);
      bind_text (stmt, 3, content_type);
      bind_text (stmt, 4, model_type);
      sqlite3_bind_int64 (stmt, 5, (gint64)size);
      bind_text (stmt, 6, sha);
      sqlite3_bind_int (stmt, 7, delete_after_verdict ? 1 : 0);
      sqlite3_bind_int64 (stmt, 8, now);
      sqlite3_bind_int64 (stmt, 9, now);
      bind_text (stmt, 10, self->boot_id);
      sqlite3_bind_int64 (stmt, 11, self->pid);
      sqlite3_bind_int64 (stmt, 12, self->start_time);
      bind_text (stmt, 13, self->token);
      sqlite3_bind_int64 (stmt, 14, now + AUTHENTA_JOURNAL_LEASE_S);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        e = lookup_locked (self, sqlite3_last_insert_rowid (self->db), error);
      else
        set_db_error (self, error, "add an entry");
      sqlite3_finalize (stmt);
    }
  g_mutex_unlock (&self->lock);
  return e;
}

/**
 * authenta_journal_list:
 * @self: a journal
 * @include_finished: whether to list %AUTHENTA_JOURNAL_STAGE_DONE entries
 *   too (failed ones are always listed)
 * @error: return location for a #GError
 *
 * Lists the journal's entries.
 *
 * Returns: (transfer container) (element-type AuthentaJournalEntry): the
 *   entries, oldest first, or %NULL with @error set.
 *
 * Since: 0.3
 */
GPtrArray *
authenta_journal_list (AuthentaJournal *self, gboolean include_finished,
                       GError **error)
{
  g_autoptr (GPtrArray) list = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  list = g_ptr_array_new_with_free_func (
      (GDestroyNotify)authenta_journal_entry_unref);
  g_mutex_lock (&self->lock);
  stmt = prepare (self,
                  include_finished
                      ? "SELECT " ENTRY_COLUMNS " FROM entries ORDER BY id"
                      : "SELECT " ENTRY_COLUMNS " FROM entries WHERE stage !="
                        " 'done' ORDER BY id",
                  error);
  if (stmt == NULL)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    set_db_error (self, error, "read it");
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->lock);
  return rc == SQLITE_DONE ? g_steal_pointer (&list) : NULL;
}

/**
 * authenta_journal_lookup:
 * @self: a journal
 * @id: an entry's id
 * @error: return location for a #GError
 *
 * Reads one entry of the journal afresh.
 *
 * Returns: (transfer full): the entry as it is on disk now, or %NULL with
 *   @error set (%AUTHENTA_ERROR_NOT_FOUND for an unknown @id, since 0.4;
 *   %AUTHENTA_ERROR_JOURNAL when the journal cannot be read).
 *
 * Since: 0.3
 */
AuthentaJournalEntry *
authenta_journal_lookup (AuthentaJournal *self, gint64 id, GError **error)
{
  AuthentaJournalEntry *e;

  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&self->lock);
  e = lookup_locked (self, id, error);
  g_mutex_unlock (&self->lock);
  return e;
}

/* Whether the row's claim is held by someone else who may still use it. */
static gboolean
held_by_other (AuthentaJournal *self, sqlite3_stmt *stmt, int col, gint64 now)
{
  /* col: owner_boot, owner_pid, owner_start, owner_token, lease_until */
  const char *boot = (const char *)sqlite3_column_text (stmt, col);
  gint64 pid = sqlite3_column_int64 (stmt, col + 1);
  gint64 start = sqlite3_column_int64 (stmt, col + 2);
  const char *token = (const char *)sqlite3_column_text (stmt, col + 3);
  gint64 lease = sqlite3_column_int64 (stmt, col + 4);

  if (token == NULL)
    return FALSE;
  if (g_strcmp0 (token, self->token) == 0)
    return FALSE;
  if (lease < now)
    return FALSE;
  return owner_is_alive (self, boot, pid, start);
}

/**
 * authenta_journal_forget:
 * @self: a journal
 * @id: an entry's id
 * @error: return location for a #GError
 *
 * Removes an entry (not its file).  An entry another live process has
 * claimed is not removed (%AUTHENTA_ERROR_JOURNAL); an unknown @id is
 * %AUTHENTA_ERROR_NOT_FOUND (since 0.4).
 *
 * Returns: %TRUE when removed.
 *
 * Since: 0.3
 */
gboolean
authenta_journal_forget (AuthentaJournal *self, gint64 id, GError **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  if (!exec (self, "BEGIN IMMEDIATE", "change it", error))
    goto out;
  stmt = prepare (self,
                  "SELECT owner_boot, owner_pid, owner_start, owner_token,"
                  " lease_until FROM entries WHERE id = ?",
                  error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_propagate_error (error, no_such_entry (self, id));
      else
        set_db_error (self, error, "read it");
      sqlite3_finalize (stmt);
      goto rollback;
    }
  if (held_by_other (self, stmt, 0, now))
    {
      g_propagate_error (error,
                         authenta_error_new_full (
                             AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                             "Journal entry %" G_GINT64_FORMAT
                             " is being scanned by process %" G_GINT64_FORMAT,
                             id, (gint64)sqlite3_column_int64 (stmt, 1)));
      sqlite3_finalize (stmt);
      goto rollback;
    }
  sqlite3_finalize (stmt);
  stmt = prepare (self, "DELETE FROM entries WHERE id = ?", error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "forget an entry");
      goto rollback;
    }
  ok = exec (self, "COMMIT", "forget an entry", error);
  if (ok)
    goto out;
rollback:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
out:
  g_mutex_unlock (&self->lock);
  return ok;
}

/**
 * authenta_journal_claim:
 * @self: a journal
 * @id: an entry's id, or 0 for the oldest unfinished entry free to claim
 * @include_failed: whether %AUTHENTA_JOURNAL_STAGE_FAILED entries may be
 *   claimed (to try them again)
 * @error: return location for a #GError
 *
 * Claims an unfinished entry for @self, so that no other journal object,
 * in this process or another, scans it meanwhile.  An entry held by a live
 * owner is never claimed; one whose owner died (a crash, a kill, a reboot)
 * is taken over at once, and one whose owner made no commit for
 * %AUTHENTA_JOURNAL_LEASE_S is taken over too.
 *
 * Returns: (transfer full) (nullable): the claimed entry; %NULL without
 *   error when none is free (or, for @id, when it is held, finished, or
 *   failed without @include_failed).
 *
 * Since: 0.3
 */
AuthentaJournalEntry *
authenta_journal_claim (AuthentaJournal *self, gint64 id,
                        gboolean include_failed, GError **error)
{
  AuthentaJournalEntry *e = NULL;
  sqlite3_stmt *stmt;
  gint64 found = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int rc;

  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&self->lock);
  /* IMMEDIATE: the write lock from the first read, so that two claimers
   * cannot both see an entry free. */
  if (!exec (self, "BEGIN IMMEDIATE", "claim an entry", error))
    goto out;
  stmt = prepare (
      self,
      include_failed
          ? "SELECT id, owner_boot, owner_pid, owner_start, owner_token,"
            " lease_until FROM entries WHERE stage != 'done'"
            " AND (?1 = 0 OR id = ?1) ORDER BY id"
          : "SELECT id, owner_boot, owner_pid, owner_start, owner_token,"
            " lease_until FROM entries WHERE stage NOT IN ('done', 'failed')"
            " AND (?1 = 0 OR id = ?1) ORDER BY id",
      error);
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      /* Our own object's claim is not claimed twice either. */
      if (g_strcmp0 ((const char *)sqlite3_column_text (stmt, 4), self->token)
              == 0
          || held_by_other (self, stmt, 1, now))
        continue;
      found = sqlite3_column_int64 (stmt, 0);
      break;
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_db_error (self, error, "claim an entry");
      sqlite3_finalize (stmt);
      goto rollback;
    }
  sqlite3_finalize (stmt);
  if (found == 0)
    {
      exec (self, "COMMIT", "claim an entry", NULL);
      goto out;
    }
  stmt = prepare (self,
                  "UPDATE entries SET owner_boot = ?, owner_pid = ?,"
                  " owner_start = ?, owner_token = ?, lease_until = ?"
                  " WHERE id = ?",
                  error);
  if (stmt == NULL)
    goto rollback;
  bind_text (stmt, 1, self->boot_id);
  sqlite3_bind_int64 (stmt, 2, self->pid);
  sqlite3_bind_int64 (stmt, 3, self->start_time);
  bind_text (stmt, 4, self->token);
  sqlite3_bind_int64 (stmt, 5, now + AUTHENTA_JOURNAL_LEASE_S);
  sqlite3_bind_int64 (stmt, 6, found);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (self, error, "claim an entry");
      goto rollback;
    }
  if (!exec (self, "COMMIT", "claim an entry", error))
    goto rollback;
  e = lookup_locked (self, found, error);
  goto out;
rollback:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
out:
  g_mutex_unlock (&self->lock);
  return e;
}

/**
 * authenta_journal_release:
 * @self: a journal
 * @id: an entry claimed by @self
 *
 * Gives up the claim, so that another process may scan the entry.  Nothing
 * happens for an entry @self does not hold.
 *
 * Since: 0.3
 */
void
authenta_journal_release (AuthentaJournal *self, gint64 id)
{
  sqlite3_stmt *stmt;

  g_return_if_fail (AUTHENTA_IS_JOURNAL (self));

  g_mutex_lock (&self->lock);
  stmt = prepare (self,
                  "UPDATE entries SET owner_pid = 0, owner_token = NULL,"
                  " lease_until = 0 WHERE id = ? AND owner_token = ?",
                  NULL);
  if (stmt)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, self->token);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_warning ("Journal “%s”: cannot release entry %" G_GINT64_FORMAT
                   ": %s",
                   self->path, id, sqlite3_errmsg (self->db));
      sqlite3_finalize (stmt);
    }
  g_mutex_unlock (&self->lock);
}

/**
 * authenta_journal_prune:
 * @self: a journal
 * @older_than_s: age in seconds since the last change
 * @error: return location for a #GError
 *
 * Forgets %AUTHENTA_JOURNAL_STAGE_DONE entries unchanged for at least
 * @older_than_s seconds (0: all of them).  Other entries are kept whatever
 * their age.
 *
 * Returns: how many entries were forgotten (0 also on error).
 *
 * Since: 0.3
 */
guint
authenta_journal_prune (AuthentaJournal *self, gint64 older_than_s,
                        GError **error)
{
  sqlite3_stmt *stmt;
  guint n = 0;

  g_return_val_if_fail (AUTHENTA_IS_JOURNAL (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  g_mutex_lock (&self->lock);
  stmt = prepare (
      self, "DELETE FROM entries WHERE stage = 'done' AND updated <= ?", error);
  if (stmt)
    {
      sqlite3_bind_int64 (
          stmt, 1, g_get_real_time () / G_USEC_PER_SEC - MAX (older_than_s, 0));
      if (sqlite3_step (stmt) == SQLITE_DONE)
        n = (guint)sqlite3_changes (self->db);
      else
        set_db_error (self, error, "prune it");
      sqlite3_finalize (stmt);
    }
  g_mutex_unlock (&self->lock);
  return n;
}

/* ---- commits for the scan ---- */

gboolean
authenta_journal_holds (AuthentaJournal *self, gint64 id)
{
  sqlite3_stmt *stmt;
  gboolean held = FALSE;

  g_mutex_lock (&self->lock);
  stmt = prepare (
      self, "SELECT 1 FROM entries WHERE id = ? AND owner_token = ?", NULL);
  if (stmt)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, self->token);
      held = sqlite3_step (stmt) == SQLITE_ROW;
      sqlite3_finalize (stmt);
    }
  g_mutex_unlock (&self->lock);
  return held;
}

/* Runs an UPDATE whose parameters from 3 on are bound by the caller's
 * binder; 1 is the id, 2 the owner token.  Renews the lease. */
typedef void (*Binder) (sqlite3_stmt *stmt, gconstpointer data);

static gboolean
commit (AuthentaJournal *self, gint64 id, const char *set, Binder bind,
        gconstpointer data, GError **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean ok = FALSE;

  sql = g_strdup_printf ("UPDATE entries SET %s, updated = %" G_GINT64_FORMAT
                         ", lease_until = %" G_GINT64_FORMAT
                         " WHERE id = ?1 AND owner_token = ?2",
                         set, now, now + AUTHENTA_JOURNAL_LEASE_S);
  g_mutex_lock (&self->lock);
  stmt = prepare (self, sql, error);
  if (stmt)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      bind_text (stmt, 2, self->token);
      if (bind)
        bind (stmt, data);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        set_db_error (self, error, "commit a stage");
      else if (sqlite3_changes (self->db) != 1)
        g_propagate_error (error,
                           authenta_error_new_full (
                               AUTHENTA_ERROR_JOURNAL, 0, NULL, NULL,
                               "Journal entry %" G_GINT64_FORMAT
                               " is no longer claimed by this process "
                               "(forgotten, or taken over): the scan stops",
                               id));
      else
        ok = TRUE;
      sqlite3_finalize (stmt);
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

typedef struct
{
  const char *a, *b;
  gint64 n, m;
} Params;

static void
bind_created (sqlite3_stmt *stmt, gconstpointer data)
{
  const Params *p = data;
  bind_text (stmt, 3, p->a);
  bind_text (stmt, 4, p->b);
  sqlite3_bind_int64 (stmt, 5, p->n);
  sqlite3_bind_int64 (stmt, 6, p->m);
}

gboolean
authenta_journal_commit_created (AuthentaJournal *self, gint64 id,
                                 const char *mid, const char *upload_url,
                                 gint64 upload_expires, GError **error)
{
  Params p = { mid, upload_url, upload_expires,
               g_get_real_time () / G_USEC_PER_SEC };

  return commit (self, id,
                 "stage = 'created', mid = ?3, upload_url = ?4,"
                 " upload_expires = ?5, mid_time = ?6, create_started = 0",
                 bind_created, &p, error);
}

static void
bind_time (sqlite3_stmt *stmt, gconstpointer data)
{
  const Params *p = data;
  sqlite3_bind_int64 (stmt, 3, p->n);
}

gboolean
authenta_journal_commit_create_started (AuthentaJournal *self, gint64 id,
                                        gint64 when, GError **error)
{
  Params p = { NULL, NULL, when, 0 };

  return commit (self, id, "create_started = ?3", bind_time, &p, error);
}

/* ?3 and ?4: two texts. */
static void
bind_texts (sqlite3_stmt *stmt, gconstpointer data)
{
  const Params *p = data;
  bind_text (stmt, 3, p->a);
  bind_text (stmt, 4, p->b);
}

gboolean
authenta_journal_commit_stage (AuthentaJournal *self, gint64 id,
                               AuthentaJournalStage stage, const char *mid,
                               GError **error)
{
  Params p = { authenta_journal_stage_to_string (stage), mid, 0, 0 };

  if (stage == AUTHENTA_JOURNAL_STAGE_RECORDED)
    return commit (self, id,
                   "stage = ?3, mid = NULL, upload_url = NULL,"
                   " upload_expires = 0, mid_time = 0",
                   bind_texts, &p, error);
  return commit (self, id, "stage = ?3, mid = coalesce (?4, mid)", bind_texts,
                 &p, error);
}

gboolean
authenta_journal_commit_done (AuthentaJournal *self, gint64 id, const char *mid,
                              const char *verdict_json, GError **error)
{
  Params p = { mid, verdict_json, 0, 0 };

  /* The upload URL is no longer needed: not kept on disk. */
  return commit (self, id,
                 "stage = 'done', mid = coalesce (?3, mid), verdict_json = ?4,"
                 " upload_url = NULL, error_code = NULL, http_status = 0,"
                 " error_message = NULL",
                 bind_texts, &p, error);
}

static void
bind_error (sqlite3_stmt *stmt, gconstpointer data)
{
  const Params *p = data;
  bind_text (stmt, 3, p->a);
  sqlite3_bind_int64 (stmt, 4, p->n);
  bind_text (stmt, 5, p->b);
}

static char *
describe_error_code (const GError *failure)
{
  if (failure->domain == AUTHENTA_ERROR)
    {
      GEnumClass *klass = g_type_class_ref (authenta_error_get_type ());
      GEnumValue *v = g_enum_get_value (klass, failure->code);
      char *nick = g_strdup (v ? v->value_nick : "unknown");

      g_type_class_unref (klass);
      return nick;
    }
  return g_strdup_printf ("%s:%d", g_quark_to_string (failure->domain),
                          failure->code);
}

gboolean
authenta_journal_commit_error (AuthentaJournal *self, gint64 id,
                               const GError *failure, gboolean permanent,
                               const char *secret, GError **error)
{
  g_autofree char *code = describe_error_code (failure);
  /* The library's messages already hold neither the key nor a URL's
   * query; made safe once more as they go to disk. */
  g_autofree char *message = authenta_sanitize_service_text (
      failure->message, 4 * AUTHENTA_MAX_SERVICE_TEXT, secret);
  Params p = { code, message, authenta_error_get_http_status (failure), 0 };

  if (permanent)
    return commit (self, id,
                   "failed_stage = CASE WHEN stage = 'failed' THEN failed_stage"
                   " ELSE stage END, stage = 'failed',"
                   " attempts = attempts + 1, error_code = ?3,"
                   " http_status = ?4, error_message = ?5",
                   bind_error, &p, error);
  return commit (self, id,
                 "attempts = attempts + 1, error_code = ?3, http_status = ?4,"
                 " error_message = ?5",
                 bind_error, &p, error);
}
