/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Journaled scans with Jobs API tasks, against the emulator: every stage
 * committed before the next request, resumed from each stage (SQLite
 * directly to write the state a killed scan leaves), a job finalized once
 * whatever the kill. */
#include <authenta/authenta.h>

#include "journal-test-util.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#define KEY "api_emulator_key"
#define TASK "ai-audio-detection"
#define SIZE 3000

static TestEmulator *emu;

typedef JournalFixture Fixture;

/* An MP3 file (its first bytes; the emulator does not decode). */
static const char mp3_head[] = "ID3\x04\0\0\0\0\0\0\xff\xfb\x90\x64";

static char *
write_mp3 (const char *dir, const char *name)
{
  char *path = g_build_filename (dir, name, NULL);

  journal_test_write_file (path, mp3_head, sizeof mp3_head - 1, SIZE);
  return path;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  journal_fixture_setup (f, emu, "voice.mp3", mp3_head, sizeof mp3_head - 1,
                         SIZE);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  journal_fixture_teardown (f);
}

static guint
count (const char *route)
{
  return test_emulator_get_count (emu, route);
}

static AuthentaJournalEntry *
add_entry (Fixture *f, const char *path, const char *task, gboolean delete)
{
  return journal_fixture_add (f, path, "audio/mpeg", task, delete);
}

/* The jobs the service holds in a status. */
static guint
count_jobs (AuthentaClient *client, const char *status)
{
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GError) error = NULL;

  page = authenta_client_list_jobs (client, 1, 100, status, NULL, NULL, &error);
  g_assert_no_error (error);
  return page->len;
}

/* At each stage of the scan, what the journal holds already: the request
 * after a stage never goes before its commit. */
typedef struct
{
  Fixture *f;
  gint64 id;
  guint checked;
} StageCheck;

static void
check_stage_journaled (AuthentaScanStage stage, AuthentaMedia *media,
                       guint64 sent, guint64 total, gpointer user_data)
{
  StageCheck *c = user_data;
  g_autoptr (AuthentaJournalEntry) now = NULL;
  AuthentaJournalStage want;

  g_assert_cmpint (authenta_media_get_api (media), ==, AUTHENTA_TASK_API_JOBS);
  switch (stage)
    {
    case AUTHENTA_SCAN_STAGE_CREATED:
    case AUTHENTA_SCAN_STAGE_UPLOADING:
      want = AUTHENTA_JOURNAL_STAGE_CREATED;
      break;
    case AUTHENTA_SCAN_STAGE_UPLOADED:
      want = AUTHENTA_JOURNAL_STAGE_UPLOADED;
      break;
    case AUTHENTA_SCAN_STAGE_PROCESSING:
    default:
      /* Committed with the finalize, before the first poll. */
      want = AUTHENTA_JOURNAL_STAGE_PROCESSING;
      break;
    }
  now = authenta_journal_lookup (c->f->journal, c->id, NULL);
  g_assert_nonnull (now);
  g_assert_cmpint (authenta_journal_entry_get_stage (now), ==, want);
  g_assert_cmpstr (authenta_journal_entry_get_mid (now), ==,
                   authenta_media_get_id (media));
  c->checked |= 1u << stage;
}

/* An audio recording journaled with no task named: the default audio
 * task, a job, each stage on disk before the next request, a verdict. */
static void
test_audio_to_verdict (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, NULL, TRUE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (AuthentaMedia) again = NULL;
  g_autoptr (GError) error = NULL;
  StageCheck check = { f, authenta_journal_entry_get_id (e), 0 };

  g_assert_cmpstr (authenta_journal_entry_get_model_type (e), ==, TASK);
  verdict = authenta_client_scan_journaled (
      f->client, f->journal, e, check_stage_journaled, &check, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (authenta_media_get_api (verdict), ==,
                   AUTHENTA_TASK_API_JOBS);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_true (authenta_media_has_verdict (verdict));
  g_assert_cmpuint (check.checked, ==,
                    1u << AUTHENTA_SCAN_STAGE_CREATED
                        | 1u << AUTHENTA_SCAN_STAGE_UPLOADING
                        | 1u << AUTHENTA_SCAN_STAGE_UPLOADED
                        | 1u << AUTHENTA_SCAN_STAGE_PROCESSING);
  after = journal_fixture_assert_done (f, e, verdict);
  g_assert_cmpstr (authenta_journal_entry_get_verdict_json (after), ==,
                   authenta_media_get_json (verdict));
  g_assert_false (g_file_test (f->file, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count ("job-create"), ==, 1);
  g_assert_cmpuint (count ("upload"), ==, 1);
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
  g_assert_cmpuint (count ("create"), ==, 0); /* not the Media API */
  g_assert_cmpuint (count_jobs (f->client, "completed"), ==, 1);

  /* Done: the journaled verdict, no request. */
  again = authenta_client_scan_journaled (f->client, f->journal, after, NULL,
                                          NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_id (again), ==,
                   authenta_media_get_id (verdict));
  g_assert_cmpuint (count ("job-create"), ==, 1);
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
}

/* Storage says the URL expired during the upload: the fresh job the
 * upload makes is journaled before its PUT, the old one deleted. */
static void
test_url_expires_during_upload (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TASK, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  StageCheck check = { f, authenta_journal_entry_get_id (e), 0 };

  test_emulator_add_fault (emu, "{\"route\":\"upload\",\"action\":\"expire\"}");
  verdict = authenta_client_scan_journaled (
      f->client, f->journal, e, check_stage_journaled, &check, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_cmpuint (count ("job-create"), ==, 2);
  g_assert_cmpuint (count ("job-delete"), ==, 1);
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
  g_assert_cmpuint (count_jobs (f->client, NULL), ==, 1);
  g_assert_cmpuint (count_jobs (f->client, "completed"), ==, 1);
  after = journal_fixture_assert_done (f, e, verdict);
}

/* Killed while creating: the create's marker is on disk, the POST made a
 * job, its answer never reached the journal.  The resume deletes that job
 * (never finalized, it would wait for ever) before it makes its own; a job
 * of another recording is left alone. */
static void
test_resume_lost_create (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TASK, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) lost = NULL;
  g_autoptr (AuthentaMedia) other = NULL;
  g_autoptr (AuthentaMedia) still = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;

  other = authenta_client_create_job (f->client, "other.mp3", "audio/mpeg",
                                      SIZE, TASK, NULL, &error);
  g_assert_no_error (error);
  sql = g_strdup_printf ("UPDATE entries SET create_started = %" G_GINT64_FORMAT
                         " WHERE id = %" G_GINT64_FORMAT,
                         g_get_real_time () / G_USEC_PER_SEC,
                         authenta_journal_entry_get_id (e));
  journal_test_run_sql (f->dir, sql);
  lost = authenta_client_create_job (f->client, "voice.mp3", "audio/mpeg", SIZE,
                                     TASK, NULL, &error);
  g_assert_no_error (error);

  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_cmpstr (authenta_media_get_id (verdict), !=,
                   authenta_media_get_id (lost));
  g_assert_cmpuint (count ("job-create"), ==, 3);
  g_assert_cmpuint (count ("job-delete"), ==, 1);
  g_assert_cmpuint (count_jobs (f->client, "completed"), ==, 1);
  g_assert_cmpuint (count_jobs (f->client, "waiting_for_finalize"), ==, 1);
  still = authenta_client_get_job (f->client, authenta_media_get_id (other),
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (authenta_media_get_status (still), ==, "INITED");
  after = journal_fixture_lookup (f, e);
  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                   AUTHENTA_JOURNAL_STAGE_DONE);
}

/* What the test does before the kill, in order. */
typedef enum
{
  DID_UPLOAD = 1 << 0,
  DID_FINALIZE = 1 << 1,
  DID_CANCEL = 1 << 2,
} Did;

typedef struct
{
  const char *name;
  Did did;             /* the job's state at the kill */
  const char *stage;   /* the journal's stage at the kill */
  gboolean expired;    /* the journaled upload URL has expired */
  gboolean stale_read; /* the first GET of the job says it waits for its
                        * finalize, as a read before the finalize would */
  /* Emulator counters after the resume, the test's own requests included. */
  guint creates, uploads, finalizes, deletes;
} ResumeRow;

static const ResumeRow resume_rows[] = {
  { "created-uploads-to-same-url", 0, "created", FALSE, FALSE, 1, 1, 1, 0 },
  { "created-expired-makes-new-job", 0, "created", TRUE, FALSE, 2, 1, 1, 1 },
  /* Killed before UPLOADED was committed: uploaded again, which replaces
   * the file and costs nothing. */
  { "created-but-uploaded-uploads-again", DID_UPLOAD, "created", FALSE, FALSE,
    1, 2, 1, 0 },
  { "created-but-finalized-only-polls", DID_UPLOAD | DID_FINALIZE, "created",
    FALSE, FALSE, 1, 1, 1, 0 },
  { "created-but-cancelled-makes-new-job", DID_CANCEL, "created", FALSE, FALSE,
    2, 1, 1, 1 },
  { "uploaded-finalizes", DID_UPLOAD, "uploaded", FALSE, FALSE, 1, 1, 1, 0 },
  /* Killed between the finalize and the commit of PROCESSING: the job is
   * finalized once, by the test, never again. */
  { "uploaded-but-finalized-never-finalizes-again", DID_UPLOAD | DID_FINALIZE,
    "uploaded", FALSE, FALSE, 1, 1, 1, 0 },
  /* The finalize refused as done already (400) is a success: polled. */
  { "uploaded-finalize-refused-as-done-polls", DID_UPLOAD | DID_FINALIZE,
    "uploaded", FALSE, TRUE, 1, 1, 2, 0 },
  { "processing-only-polls", DID_UPLOAD | DID_FINALIZE, "processing", FALSE,
    FALSE, 1, 1, 1, 0 },
};

static void
test_resume (Fixture *f, gconstpointer data)
{
  const ResumeRow *row = data;
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TASK, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) created = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;
  char *url_sql;
  const char *id;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  created = authenta_client_create_job (f->client, "voice.mp3", "audio/mpeg",
                                        SIZE, TASK, NULL, &error);
  g_assert_no_error (error);
  id = authenta_media_get_id (created);
  if (row->did & DID_UPLOAD)
    {
      g_autoptr (AuthentaMedia) up = authenta_client_upload_file (
          f->client, created, f->file, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  if (row->did & DID_FINALIZE)
    {
      authenta_client_finalize_job (f->client, id, NULL, &error);
      g_assert_no_error (error);
    }
  if (row->did & DID_CANCEL)
    {
      authenta_client_cancel_job (f->client, id, NULL, &error);
      g_assert_no_error (error);
    }
  if (row->stale_read)
    {
      g_autofree char *fault = g_strdup_printf (
          "{\"route\":\"job-get\",\"action\":\"body\",\"count\":1,"
          "\"body\":\"{\\\"jobId\\\":%s,\\\"taskTypeId\\\":2,"
          "\\\"status\\\":\\\"waiting_for_finalize\\\"}\"}",
          id);
      test_emulator_add_fault (emu, fault);
    }
  url_sql = sqlite3_mprintf ("%Q", authenta_media_get_upload_url (created));
  sql = g_strdup_printf (
      "UPDATE entries SET stage = '%s', mid = '%s', upload_url = %s,"
      " upload_expires = %" G_GINT64_FORMAT ", mid_time = %" G_GINT64_FORMAT
      " WHERE id = %" G_GINT64_FORMAT,
      row->stage, id, url_sql, row->expired ? now - 5 : now + 3600, now,
      authenta_journal_entry_get_id (e));
  sqlite3_free (url_sql);
  journal_test_run_sql (f->dir, sql);

  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  g_assert_cmpuint (count ("job-create"), ==, row->creates);
  g_assert_cmpuint (count ("upload"), ==, row->uploads);
  g_assert_cmpuint (count ("job-finalize"), ==, row->finalizes);
  g_assert_cmpuint (count ("job-delete"), ==, row->deletes);
  /* One job judged, none left waiting: never two for one recording. */
  g_assert_cmpuint (count_jobs (f->client, "completed"), ==, 1);
  g_assert_cmpuint (count_jobs (f->client, "waiting_for_finalize"), ==, 0);
  if (row->creates == 1)
    g_assert_cmpstr (authenta_media_get_id (verdict), ==, id);
  else
    g_assert_cmpstr (authenta_media_get_id (verdict), !=, id);
  after = journal_fixture_assert_done (f, e, verdict);
  g_assert_true (g_file_test (f->file, G_FILE_TEST_EXISTS)); /* kept */
}

/* A job that ends `failed`: the entry is FAILED with the service's
 * errorMessage, the recording kept. */
static void
test_job_failed (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_mp3 (f->dir, "fail-voice.mp3");
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, path, TASK, TRUE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;

  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROCESSING_FAILED);
  after = journal_fixture_lookup (f, e);
  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                   AUTHENTA_JOURNAL_STAGE_FAILED);
  g_assert_cmpstr (authenta_journal_entry_get_error_code (after), ==,
                   "processing-failed");
  g_assert_nonnull (strstr (authenta_journal_entry_get_error_message (after),
                            "the emulator fails every job"));
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count ("job-finalize"), ==, 1);
}

/* The finalize fails for now (a 503 through every retry): the entry stays
 * UPLOADED with the error, and the next scan finalizes and judges it. */
static void
test_transient_failure_resumable (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TASK, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;

  /* The fault covers exactly the retries of one call. */
  test_emulator_add_fault (emu, "{\"route\":\"job-finalize\",\"action\":"
                                "\"status\",\"status\":503,\"count\":2}");
  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_SERVER);
  g_assert_true (authenta_error_is_transient (error));
  after = journal_fixture_lookup (f, e);
  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                   AUTHENTA_JOURNAL_STAGE_UPLOADED);
  g_assert_cmpuint (authenta_journal_entry_get_attempts (after), ==, 1);
  g_assert_cmpstr (authenta_journal_entry_get_error_code (after), ==, "server");
  g_assert_cmpuint (authenta_journal_entry_get_http_status (after), ==, 503);

  g_clear_error (&error);
  g_clear_pointer (&after, authenta_journal_entry_unref);
  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (authenta_media_is_processed (verdict));
  after = journal_fixture_lookup (f, e);
  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                   AUTHENTA_JOURNAL_STAGE_DONE);
  g_assert_cmpuint (count ("job-create"), ==, 1);
  g_assert_cmpuint (count ("upload"), ==, 1);
  g_assert_cmpuint (count ("job-finalize"), ==, 3);
  g_assert_cmpuint (count_jobs (f->client, "completed"), ==, 1);
}

/* A job id from the journal is checked as a mid before it goes into a
 * path: hostile text is refused with no request for it. */
static void
test_hostile_job_id (Fixture *f, gconstpointer data)
{
  g_autoptr (AuthentaJournalEntry) e = add_entry (f, f->file, TASK, FALSE);
  g_autoptr (AuthentaJournalEntry) after = NULL;
  g_autoptr (AuthentaMedia) verdict = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = g_strdup_printf (
      "UPDATE entries SET stage = 'uploaded', mid = '1/../../media'"
      " WHERE id = %" G_GINT64_FORMAT,
      authenta_journal_entry_get_id (e));

  journal_test_run_sql (f->dir, sql);
  verdict = authenta_client_scan_journaled (f->client, f->journal, e, NULL,
                                            NULL, NULL, &error);
  g_assert_null (verdict);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (count ("job-get") + count ("job-finalize") + count ("get"),
                    ==, 0);
  after = journal_fixture_lookup (f, e);
  g_assert_cmpint (authenta_journal_entry_get_stage (after), ==,
                   AUTHENTA_JOURNAL_STAGE_FAILED);
}

#define ADD(path, func)                                                        \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start ("--processing-time", "0.05", NULL);

  ADD ("/journal-jobs/audio-to-verdict", test_audio_to_verdict);
  for (guint i = 0; i < G_N_ELEMENTS (resume_rows); i++)
    {
      g_autofree char *p
          = g_strdup_printf ("/journal-jobs/resume/%s", resume_rows[i].name);
      g_test_add (p, Fixture, &resume_rows[i], fixture_setup, test_resume,
                  fixture_teardown);
    }
  ADD ("/journal-jobs/url-expired-during-upload-journals-new-job",
       test_url_expires_during_upload);
  ADD ("/journal-jobs/resume/lost-create-leaves-no-orphan",
       test_resume_lost_create);
  ADD ("/journal-jobs/failed-job-fails-entry-with-its-message",
       test_job_failed);
  ADD ("/journal-jobs/transient-failure-leaves-entry-resumable",
       test_transient_failure_resumable);
  ADD ("/journal-jobs/hostile-job-id-refused", test_hostile_job_id);

  rc = g_test_run ();
  test_emulator_stop (emu);
  return rc;
}
