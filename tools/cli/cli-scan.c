/* authenta scan: upload files (or standard input) and report each verdict
 * as it arrives.  Several files run concurrently on one client, each on
 * this thread's GMainLoop through the library's asynchronous calls (a
 * journaled one in the library's worker thread: SQLite blocks).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"
#include "cli-progress.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define DEFAULT_JOBS 4

/* --task or --model-type, checked and spelt as the library names it (see
 * check_task()); NULL: the default for each file's type. */
static char *opt_task;
static gboolean opt_task_given;
static char *opt_model_type;
static char *opt_name;
static char *opt_content_type;
static gboolean opt_no_wait;
static gboolean opt_delete;
static double opt_timeout;
static int opt_jobs = DEFAULT_JOBS;
static double opt_poll_interval;
static char *opt_spool_dir;

/* A number of seconds within [min, max]; strictly above min when
 * min_exclusive.  Parsed here so that 0, the "not given" mark of
 * --timeout and --poll-interval, cannot be given. */
static gboolean
parse_seconds (const char *option_name, const char *value, double min,
               gboolean min_exclusive, double max, double *out, GError **error)
{
  char *end = NULL;
  double n = g_ascii_strtod (value, &end);

  if (!end || end == value || *end != '\0' || !isfinite (n)
      || (min_exclusive ? n <= min : n < min) || n > max)
    {
      char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *shown = cli_sanitize (value);

      g_ascii_formatd (lo, sizeof lo, "%g", min);
      g_ascii_formatd (hi, sizeof hi, "%.0f", max);
      if (min_exclusive)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "%s must be a number of seconds above %s and at most %s "
                     "(not '%s')",
                     option_name, lo, hi, shown);
      else
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     "%s must be a number of seconds from %s to %s (not "
                     "'%s')",
                     option_name, lo, hi, shown);
      return FALSE;
    }
  *out = n;
  return TRUE;
}

static gboolean
parse_timeout (const char *option_name, const char *value, gpointer data,
               GError **error)
{
  /* The bound keeps it within g_timeout_add()'s milliseconds. */
  return parse_seconds (option_name, value, 0, TRUE, G_MAXUINT / 1000,
                        &opt_timeout, error);
}

static gboolean
parse_poll_interval (const char *option_name, const char *value, gpointer data,
                     GError **error)
{
  return parse_seconds (option_name, value, 0.05, FALSE, 3600,
                        &opt_poll_interval, error);
}

static const GOptionEntry scan_entries[] = {
  { "task", 'T', 0, G_OPTION_ARG_STRING, &opt_task,
    "What to check for: a Jobs API task such as ai-audio-detection "
    "(voice clones), ai-video-detection or faceswap-detection, or a Media "
    "API model (DF-1, AC-1, FD-1); 'authenta tasks' lists them all with "
    "the files each takes (default: DF-1 for video, AC-1 for images, "
    "ai-audio-detection for MP3, WAV and M4A)",
    "TASK" },
  { "model-type", 'm', 0, G_OPTION_ARG_STRING, &opt_model_type,
    "The Media API's spelling of --task: DF-1 (video deepfakes), AC-1 "
    "(AI-generated images), FD-1 (image forgery)",
    "MODEL" },
  { "name", 'n', 0, G_OPTION_ARG_STRING, &opt_name,
    "The record's name (default: the file's name; stdin-DATE-TIME.EXT for "
    "standard input, pipe-DATE-TIME.EXT for <(…))",
    "NAME" },
  { "content-type", 't', 0, G_OPTION_ARG_STRING, &opt_content_type,
    "video/mp4, video/quicktime, video/webm, video/x-matroska, image/jpeg "
    "or image/png (default: recognised from the file's first bytes)",
    "TYPE" },
  { "no-wait", 0, 0, G_OPTION_ARG_NONE, &opt_no_wait,
    "Print the record's mid once the upload is done, and exit without "
    "waiting for the verdict (see 'authenta get')",
    NULL },
  { "delete", 'd', 0, G_OPTION_ARG_NONE, &opt_delete,
    "Delete the record from the service once its verdict is printed", NULL },
  { "timeout", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)parse_timeout,
    "Give up on a file after SECONDS (upload and processing; default: no "
    "limit beyond the library's)",
    "SECONDS" },
  { "jobs", 0, 0, G_OPTION_ARG_INT, &opt_jobs,
    "Scan at most N files at a time (default 4)", "N" },
  { "poll-interval", 0, 0, G_OPTION_ARG_CALLBACK, (gpointer)parse_poll_interval,
    "The first status check comes right after the upload; checks are then "
    "SECONDS apart for 2 s, each later wait twice longer, up to 2 s or "
    "SECONDS (default 0.25; 0.05 to 3600)",
    "SECONDS" },
  { "spool-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_spool_dir,
    "Journal each scan in DIR first, so that one cut short by a kill or "
    "an outage is finished by 'authenta spool run' (default: "
    "$AUTHENTA_SPOOL_DIR; standard input is copied into DIR)",
    "DIR" },
  { NULL }
};

typedef struct _ScanRun ScanRun;

typedef struct
{
  ScanRun *run;
  guint index;
  char *label; /* how messages name it: the path, or "stdin" */
  char *path;  /* what is uploaded */
  int fd;      /* spooled: the descriptor the copy was written through, from
                  which it is sniffed and uploaded; else -1 */
  char *name;  /* the record's name, or NULL for the library's default */
  const char *content_type; /* given or recognised (static) */
  gboolean spooled;
  gboolean started;
  GCancellable *cancellable;
  guint timeout_id;
  gboolean timed_out;
  gboolean verdict_printed;
  char *mid;            /* the latest known mid, from progress reports */
  gboolean is_job;      /* a Jobs API job, whose id mid is */
  gboolean uploaded;    /* the file is on the service */
  char *readback_error; /* --no-wait --json: why the record was not read */
  gint64 entry_id;      /* --spool-dir: the journal entry, once added */
  CliExit exit;
} ScanJob;

struct _ScanRun
{
  AuthentaClient *client;
  AuthentaJournal *journal; /* --spool-dir, else NULL */
  GMainLoop *loop;
  CliProgress *progress;
  GPtrArray *jobs;
  guint next;
  guint running;
  guint pending;
};

static void start_next_jobs (ScanRun *run);

static void
scan_job_free (ScanJob *job)
{
  if (job->timeout_id)
    g_source_remove (job->timeout_id);
  if (job->spooled && job->path)
    cli_spool_forget (job->path);
  if (job->fd >= 0)
    close (job->fd);
  g_free (job->label);
  g_free (job->path);
  g_free (job->name);
  g_free (job->mid);
  g_free (job->readback_error);
  g_clear_object (&job->cancellable);
  g_free (job);
}

static void
job_done (ScanJob *job, CliExit exit)
{
  ScanRun *run = job->run;

  job->exit = exit;
  if (job->timeout_id)
    {
      g_source_remove (job->timeout_id);
      job->timeout_id = 0;
    }
  /* The verdict is in: a spooled copy of standard input has served. */
  if (job->spooled && job->path)
    {
      cli_spool_forget (job->path);
      g_clear_pointer (&job->path, g_free);
    }
  if (job->fd >= 0)
    {
      close (job->fd);
      job->fd = -1;
    }
  cli_progress_finish_item (run->progress, job->index);
  run->running--;
  run->pending--;
  start_next_jobs (run);
  if (run->pending == 0)
    g_main_loop_quit (run->loop);
}

/* Report a failed job, naming the time-out ours rather than the
 * cancellation it was carried out by. */
static CliExit
report_job_error (ScanJob *job, const GError *error)
{
  g_autofree char *mid = NULL;
  g_autofree char *shown = cli_sanitize (job->label);
  gboolean uploaded;

  cli_progress_clear (job->run->progress);
  mid = g_strdup (job->mid);
  uploaded = job->uploaded;

  /* The journal keeps it at its stage; the error is the reason. */
  if (job->entry_id > 0 && authenta_error_is_transient (error))
    {
      cli_report_spooled (shown, job->entry_id, error);
      return CLI_EXIT_SPOOLED;
    }
  if (job->timed_out && !job->verdict_printed
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *shown_mid = cli_sanitize (mid);
      char secs[G_ASCII_DTOSTR_BUF_SIZE];

      g_ascii_formatd (secs, sizeof secs, "%g", opt_timeout);
      if (mid && uploaded)
        g_printerr ("authenta: %s: %s within %s s (mid %s)\n"
                    "  the file was uploaded: see its verdict later with "
                    "'authenta get %s', or allow more time with --timeout\n",
                    shown,
                    opt_no_wait ? "the record was not read back" : "no verdict",
                    secs, shown_mid, shown_mid);
      else if (mid)
        g_printerr ("authenta: %s: the upload did not finish within %s s "
                    "(mid %s)\n"
                    "  allow more time with --timeout; the record has no "
                    "file ('authenta delete %s' removes it)\n",
                    shown, secs, shown_mid, shown_mid);
      else
        g_printerr ("authenta: %s: no record was created within %s s\n"
                    "  allow more time with --timeout, and check the "
                    "network\n",
                    shown, secs);
      return CLI_EXIT_TIMEOUT;
    }
  {
    CliErrorContext ctx
        = { .command = "scan",
            .client = job->run->client,
            .mid = mid,
            .uploaded = uploaded,
            .model_type = opt_task,
            .task_option
            = opt_model_type && !opt_task_given ? "--model-type" : "--task",
            .content_type = opt_content_type };
    CliExit exit = cli_report_failure (&ctx, shown, error);

    /* Retrying cannot change it: the journal marked the entry failed (a
     * cancellation records nothing, and leaves it to 'spool run'). */
    if (job->entry_id > 0
        && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
        && !g_error_matches (error, AUTHENTA_ERROR,
                             AUTHENTA_ERROR_FILE_CHANGED))
      g_printerr ("  journal entry %" G_GINT64_FORMAT
                  " is kept as failed: 'authenta spool run --retry-failed "
                  "%" G_GINT64_FORMAT "' tries again, 'authenta spool forget "
                  "%" G_GINT64_FORMAT "' removes it\n",
                  job->entry_id, job->entry_id, job->entry_id);
    return exit;
  }
}

static gboolean
on_job_timeout (gpointer data)
{
  ScanJob *job = data;

  job->timeout_id = 0;
  job->timed_out = TRUE;
  g_cancellable_cancel (job->cancellable);
  return G_SOURCE_REMOVE;
}

/* Called in the main loop's context, where the scan was started. */
static void
on_progress (AuthentaScanStage stage, AuthentaMedia *media, guint64 bytes_sent,
             guint64 bytes_total, gpointer user_data)
{
  ScanJob *job = user_data;
  const char *mid = media ? authenta_media_get_mid (media) : NULL;

  if (mid && g_strcmp0 (job->mid, mid) != 0)
    {
      g_free (job->mid);
      job->mid = g_strdup (mid);
    }
  /* A renewed upload URL is a new record: until its upload is done, the
   * file is not on the service. */
  job->uploaded = stage == AUTHENTA_SCAN_STAGE_UPLOADED
                  || stage == AUTHENTA_SCAN_STAGE_PROCESSING;
  cli_progress_update (job->run->progress, job->index, stage, bytes_sent,
                       bytes_total);
  if (stage == AUTHENTA_SCAN_STAGE_CREATED && mid)
    g_debug ("%s: record %s created", job->label, mid);
}

/* --delete: after the verdict, with the record's own API. */
static void on_deleted (GObject *source, GAsyncResult *result,
                        gpointer user_data);

static void
delete_after_verdict (ScanJob *job)
{
  AuthentaClient *client = job->run->client;

  if (job->is_job)
    authenta_client_delete_job_async (client, job->mid, job->cancellable,
                                      on_deleted, job);
  else
    authenta_client_delete_media_async (client, job->mid, job->cancellable,
                                        on_deleted, job);
}

static void
on_deleted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ScanJob *job = user_data;
  g_autoptr (GError) error = NULL;
  CliExit exit = job->exit;

  gboolean deleted = job->is_job ? authenta_client_delete_job_finish (
                         job->run->client, result, &error)
                                 : authenta_client_delete_media_finish (
                                     job->run->client, result, &error);

  if (!deleted)
    {
      CliExit error_exit;

      if (job->timed_out
          && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *shown = cli_sanitize (job->label);
          g_autofree char *mid = cli_sanitize (job->mid);

          cli_progress_clear (job->run->progress);
          g_printerr ("authenta: %s: the record was not deleted within "
                      "--timeout (mid %s)\n  delete it with 'authenta "
                      "delete %s'\n",
                      shown, mid, mid);
          error_exit = CLI_EXIT_TIMEOUT;
        }
      else
        {
          g_autofree char *shown = cli_sanitize (job->label);
          g_autofree char *what = g_strdup_printf (
              "%s: the verdict stands, but deleting the record failed", shown);
          CliErrorContext ctx = { .command = "delete",
                                  .client = job->run->client,
                                  .mid = job->mid };

          cli_progress_clear (job->run->progress);
          error_exit = cli_report_failure (&ctx, what, error);
        }

      /* The verdict stands (a fake stays 1); otherwise the deletion that
       * was asked for and did not happen is the outcome. */
      if (exit == CLI_EXIT_AUTHENTIC)
        exit = error_exit;
    }
  else
    g_debug ("%s: record %s deleted", job->label, job->mid);
  job_done (job, exit);
}

/* The verdict of a scan (file, descriptor or journaled): print it, then
 * --delete. */
static void
on_scanned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ScanJob *job = user_data;
  ScanRun *run = job->run;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  CliExit exit;

  if (run->journal)
    {
      media
          = authenta_client_scan_journaled_finish (run->client, result, &error);
      authenta_journal_release (run->journal, job->entry_id);
    }
  else if (job->fd >= 0)
    media = authenta_client_scan_fd_finish (run->client, result, &error);
  else
    media = authenta_client_scan_file_finish (run->client, result, &error);
  if (!media)
    {
      job_done (job, report_job_error (job, error));
      return;
    }

  g_free (job->mid);
  job->mid = g_strdup (authenta_media_get_mid (media));
  job->is_job = authenta_media_get_api (media) == AUTHENTA_TASK_API_JOBS;

  cli_progress_clear (run->progress);
  cli_print_scan_result (job->label, media);
  /* Each verdict as it arrives, also when stdout is a pipe. */
  fflush (stdout);
  job->verdict_printed = TRUE;
  exit = cli_exit_for_record (media);

  if (opt_delete && job->mid)
    {
      job->exit = exit;
      delete_after_verdict (job);
      return;
    }
  job_done (job, exit);
}

/* Journaled before any request: from here on, a kill at any instant
 * leaves the scan for 'authenta spool run'.  A copy of standard input is
 * the journal's to delete after its verdict; a file the user gave is never
 * deleted.  The journal's commits block (SQLite): the library runs the
 * scan in a worker thread. */
static void
start_journaled_scan (ScanJob *job)
{
  ScanRun *run = job->run;
  g_autofree char *basename = g_path_get_basename (job->path);
  g_autoptr (AuthentaJournalEntry) entry = NULL;
  g_autoptr (GError) error = NULL;

  entry = authenta_journal_add (
      run->journal, job->path, job->name ? job->name : basename,
      job->content_type, opt_task, job->spooled, &error);
  if (!entry)
    {
      job_done (job, report_job_error (job, error));
      return;
    }
  job->entry_id = authenta_journal_entry_get_id (entry);
  if (job->spooled)
    {
      cli_spool_keep (job->path);
      job->spooled = FALSE;
    }
  authenta_client_scan_journaled_async (run->client, run->journal, entry,
                                        on_progress, job, NULL,
                                        job->cancellable, on_scanned, job);
}

/* --no-wait: the record (or job) is uploaded; print it. */
static void
print_uploaded (ScanJob *job, AuthentaMedia *media)
{
  ScanRun *run = job->run;

  cli_progress_clear (run->progress);
  if (cli_global.json && job->readback_error)
    {
      g_autofree char *shown = cli_sanitize (job->label);
      g_autofree char *why = cli_sanitize (job->readback_error);

      /* The upload is done, which is what --no-wait promises. */
      g_printerr ("authenta: %s: uploaded, but the record could not be read "
                  "back (%s); printing it as created, without its upload "
                  "URL\n",
                  shown, why);
    }
  if (cli_global.json)
    cli_print_json_line_without_upload_url (media);
  else
    {
      g_autofree char *mid = cli_sanitize (authenta_media_get_mid (media));

      /* One file: the bare mid, for mid=$(authenta scan --no-wait f). */
      if (run->jobs->len == 1)
        g_print ("%s\n", mid);
      else
        {
          g_autofree char *label = cli_sanitize (job->label);
          g_print ("%s  %s\n", mid, label);
        }
    }
  fflush (stdout);
  job_done (job, CLI_EXIT_AUTHENTIC);
}

/* --no-wait: create, upload, (for a job) finalize, and with --json read the
 * record back; each step's callback starts the next.  A record this scan
 * made and then gave up on is deleted, as the library's scan does; not
 * after a cancel (Ctrl-C, --timeout), which must be prompt: the message
 * then names the mid to delete, and a job never finalized is cancelled. */
typedef struct
{
  ScanJob *job;
  gboolean jobs; /* the Jobs API */
  int fd;        /* the descriptor uploaded, or -1 */
  gboolean own_fd;
  AuthentaMedia *created;
  AuthentaMedia *uploaded;
  GError *error; /* the failure, reported once cleaned up */
} NoWait;

static void
no_wait_free (NoWait *w)
{
  if (w->own_fd && w->fd >= 0)
    close (w->fd);
  g_clear_object (&w->created);
  g_clear_object (&w->uploaded);
  g_clear_error (&w->error);
  g_free (w);
}

static void
no_wait_report (NoWait *w)
{
  job_done (w->job, report_job_error (w->job, w->error));
  no_wait_free (w);
}

static void
on_no_wait_cleaned (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NoWait *w = user_data;
  AuthentaClient *client = AUTHENTA_CLIENT (source);
  g_autoptr (GError) error = NULL;
  gboolean deleted
      = w->jobs ? authenta_client_delete_job_finish (client, result, &error)
                : authenta_client_delete_media_finish (client, result, &error);

  if (!deleted)
    g_debug ("%s: the record this scan gave up on was not deleted: %s",
             w->job->label, error->message);
  no_wait_report (w);
}

/* Takes @error; reports it once the record given up on is cleaned up. */
static void
no_wait_fail (NoWait *w, GError *error)
{
  AuthentaClient *client = w->job->run->client;
  AuthentaMedia *record = w->uploaded ? w->uploaded : w->created;
  const char *mid = record ? authenta_media_get_mid (record) : NULL;

  w->error = error;
  if (mid == NULL)
    no_wait_report (w);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Bounded to a few seconds by the library. */
      if (w->jobs)
        authenta_client_abandon_job (client, mid);
      no_wait_report (w);
    }
  else if (w->jobs)
    authenta_client_delete_job_async (client, mid, NULL, on_no_wait_cleaned, w);
  else
    authenta_client_delete_media_async (client, mid, NULL, on_no_wait_cleaned,
                                        w);
}

static void
no_wait_done (NoWait *w, AuthentaMedia *media)
{
  print_uploaded (w->job, media);
  no_wait_free (w);
}

static void
on_no_wait_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NoWait *w = user_data;
  AuthentaClient *client = AUTHENTA_CLIENT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaMedia) current
      = w->jobs ? authenta_client_get_job_finish (client, result, &error)
                : authenta_client_get_media_finish (client, result, &error);

  if (current)
    {
      no_wait_done (w, current);
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      no_wait_fail (w, g_steal_pointer (&error));
      return;
    }
  w->job->readback_error = g_strdup (error->message);
  no_wait_done (w, w->uploaded);
}

/* Uploaded (and finalized): with --json, the create answer says INITED and
 * carries the pre-signed upload URL (a write credential for an hour), so
 * the record is read back as the service serves it now. */
static void
no_wait_read_back (NoWait *w)
{
  AuthentaClient *client = w->job->run->client;
  const char *mid = authenta_media_get_mid (w->uploaded);

  if (!cli_global.json)
    {
      no_wait_done (w, w->uploaded);
      return;
    }
  if (w->jobs)
    authenta_client_get_job_async (client, mid, w->job->cancellable,
                                   on_no_wait_read, w);
  else
    authenta_client_get_media_async (client, mid, w->job->cancellable,
                                     on_no_wait_read, w);
}

static void
on_no_wait_finalized (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NoWait *w = user_data;
  GError *error = NULL;

  if (!authenta_client_finalize_job_finish (AUTHENTA_CLIENT (source), result,
                                            &error))
    {
      no_wait_fail (w, error);
      return;
    }
  no_wait_read_back (w);
}

static void
on_no_wait_uploaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NoWait *w = user_data;
  AuthentaClient *client = AUTHENTA_CLIENT (source);
  GError *error = NULL;

  w->uploaded = authenta_client_upload_fd_finish (client, result, &error);
  if (!w->uploaded)
    {
      no_wait_fail (w, error);
      return;
    }
  /* A job is processed only once finalized. */
  if (w->jobs)
    authenta_client_finalize_job_async (
        client, authenta_media_get_mid (w->uploaded), w->job->cancellable,
        on_no_wait_finalized, w);
  else
    no_wait_read_back (w);
}

static void
on_no_wait_created (GObject *source, GAsyncResult *result, gpointer user_data)
{
  NoWait *w = user_data;
  AuthentaClient *client = AUTHENTA_CLIENT (source);
  ScanJob *job = w->job;
  GError *error = NULL;
  struct stat st;

  w->created
      = w->jobs ? authenta_client_create_job_finish (client, result, &error)
                : authenta_client_create_media_finish (client, result, &error);
  if (!w->created)
    {
      no_wait_fail (w, error);
      return;
    }
  if (fstat (w->fd, &st) == 0)
    on_progress (AUTHENTA_SCAN_STAGE_CREATED, w->created, 0,
                 (guint64)st.st_size, job);
  authenta_client_upload_fd_async (client, w->created, w->fd, job->label,
                                   on_progress, job, NULL, job->cancellable,
                                   on_no_wait_uploaded, w);
}

static void
start_no_wait (ScanJob *job)
{
  AuthentaClient *client = job->run->client;
  g_autofree char *basename = g_path_get_basename (job->path);
  const char *name = job->name ? job->name : basename;
  const char *task
      = opt_task ? opt_task
                 : authenta_task_default_for_content_type (job->content_type);
  NoWait *w = g_new0 (NoWait, 1);
  struct stat st;

  w->job = job;
  w->jobs = authenta_task_get_api (task) == AUTHENTA_TASK_API_JOBS;
  w->fd = job->fd;
  if (w->fd < 0)
    {
      w->fd = g_open (job->path, O_RDONLY | O_CLOEXEC, 0);
      w->own_fd = TRUE;
    }
  if (w->fd < 0 || fstat (w->fd, &st) < 0)
    {
      int saved_errno = errno;

      no_wait_fail (w, g_error_new (G_IO_ERROR,
                                    g_io_error_from_errno (saved_errno), "%s",
                                    g_strerror (saved_errno)));
      return;
    }
  if (w->jobs)
    authenta_client_create_job_async (client, name, job->content_type,
                                      (guint64)st.st_size, task,
                                      job->cancellable, on_no_wait_created, w);
  else
    authenta_client_create_media_async (
        client, name, job->content_type, (guint64)st.st_size, task,
        job->cancellable, on_no_wait_created, w);
}

static void
start_job (ScanJob *job)
{
  ScanRun *run = job->run;

  job->started = TRUE;
  run->running++;
  job->cancellable = g_cancellable_new ();
  if (opt_timeout > 0)
    job->timeout_id
        = g_timeout_add ((guint)(opt_timeout * 1000), on_job_timeout, job);
  cli_progress_start_item (run->progress, job->index);

  /* Every scan runs on this thread's main loop; a spooled input is scanned
   * from the descriptor it was written through, never reopened by its
   * path. */
  if (opt_no_wait)
    start_no_wait (job);
  else if (run->journal)
    start_journaled_scan (job);
  else if (job->fd >= 0)
    {
      g_autofree char *basename = g_path_get_basename (job->path);

      authenta_client_scan_fd_async (
          run->client, job->fd, job->label, job->name ? job->name : basename,
          job->content_type, opt_task, on_progress, job, NULL, job->cancellable,
          on_scanned, job);
    }
  else
    authenta_client_scan_file_async (
        run->client, job->path, job->name, job->content_type, opt_task,
        on_progress, job, NULL, job->cancellable, on_scanned, job);
}

static void
start_next_jobs (ScanRun *run)
{
  while (run->running < (guint)opt_jobs && run->next < run->jobs->len)
    {
      ScanJob *job = g_ptr_array_index (run->jobs, run->next++);

      if (!job->started && job->exit == CLI_EXIT_AUTHENTIC)
        start_job (job);
    }
}

/* A value from the command line as a message shows it: sanitised, and cut
 * short, so that a 100 KB argument does not become a 100 KB message. */
static char *
shown_argument (const char *value)
{
  g_autofree char *shown = cli_sanitize (value);

  if (g_utf8_strlen (shown, -1) > 40)
    {
      g_autofree char *head = g_utf8_substring (shown, 0, 40);
      return g_strconcat (head, "…", NULL);
    }
  return g_steal_pointer (&shown);
}

/* --task and --model-type (the Media API's spelling of the same choice):
 * one the service takes without more than this tool sends, checked before
 * any request, and spelt as the library names it ("2" is
 * ai-audio-detection, "df-1" DF-1) into opt_task. */
static gboolean
check_task (void)
{
  const char *given = opt_task ? opt_task : opt_model_type;
  const char *option = opt_task ? "--task" : "--model-type";
  g_autofree char *upper = NULL;
  const char *task;

  if (!given)
    return TRUE;
  opt_task_given = opt_task != NULL;
  upper = g_ascii_strup (given, -1);
  /* The models are written upper case; a lower-case one is meant too. */
  task = authenta_task_get_api (upper) == AUTHENTA_TASK_API_MEDIA ? upper
                                                                  : given;
  if (g_str_equal (task, "FI-1"))
    {
      cli_usage_error ("scan",
                       "%s FI-1 (face intelligence) needs a "
                       "metadata object, which this tool cannot "
                       "send: use DF-1, AC-1 or FD-1",
                       option);
      return FALSE;
    }
  if (authenta_task_get_api (task) == AUTHENTA_TASK_API_NONE
      || (!opt_task && authenta_task_get_api (task) != AUTHENTA_TASK_API_MEDIA))
    {
      g_autofree char *shown = shown_argument (given);

      if (opt_task)
        cli_usage_error ("scan",
                         "unknown --task '%s': 'authenta tasks' lists the "
                         "tasks and the files each takes",
                         shown);
      else
        cli_usage_error ("scan",
                         "unknown --model-type '%s': use DF-1 (video "
                         "deepfakes), AC-1 (AI-generated images) or FD-1 "
                         "(image forgery), or --task for the others "
                         "('authenta tasks' lists them)",
                         shown);
      return FALSE;
    }
  if (opt_task && opt_model_type)
    {
      g_autofree char *model = g_ascii_strup (opt_model_type, -1);

      if (!g_str_equal (model, authenta_task_get_name (task)))
        {
          cli_usage_error ("scan", "--task and --model-type name different "
                                   "checks: give one of them");
          return FALSE;
        }
    }
  task = authenta_task_get_name (task);
  g_free (opt_task);
  opt_task = g_strdup (task);
  return TRUE;
}

/* --content-type: a media type at all (what may go into a request header,
 * as the library judges it), then one the service takes (see docs/cli.md
 * about Matroska); checked before any request. */
static gboolean
check_content_type (void)
{
  static const char *const known[]
      = { "video/mp4",        "video/quicktime", "video/webm",
          "video/x-matroska", "image/jpeg",      "image/png" };
  g_autofree char *type = NULL;

  if (!opt_content_type)
    return TRUE;
  if (!authenta_content_type_is_valid (opt_content_type))
    {
      g_autofree char *shown = shown_argument (opt_content_type);
      cli_usage_error ("scan",
                       "--content-type '%s' is not a media type: give it as "
                       "type/subtype, such as video/mp4, without spaces, "
                       "parameters or control characters",
                       shown);
      return FALSE;
    }
  type = g_ascii_strdown (opt_content_type, -1);
  for (gsize i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (type, known[i]))
      {
        g_free (opt_content_type);
        opt_content_type = g_steal_pointer (&type);
        return TRUE;
      }
  {
    g_autofree char *shown = shown_argument (opt_content_type);
    cli_usage_error ("scan",
                     "--content-type '%s' is not a type the service takes: "
                     "give video/mp4, video/quicktime, video/webm, "
                     "video/x-matroska, image/jpeg or image/png",
                     shown);
  }
  return FALSE;
}

/* /dev/fd/N, /proc/self/fd/N, /proc/PID/fd/N: what a shell's <(…) gives;
 * its last component says nothing about the content. */
static gboolean
is_fd_path (const char *path)
{
  const char *rest = NULL;

  if (g_str_has_prefix (path, "/dev/fd/"))
    rest = path + strlen ("/dev/fd/");
  else if (g_str_has_prefix (path, "/proc/"))
    {
      const char *p = path + strlen ("/proc/");

      if (g_str_has_prefix (p, "self/"))
        p += strlen ("self/");
      else
        {
          if (!g_ascii_isdigit (*p))
            return FALSE;
          while (g_ascii_isdigit (*p))
            p++;
          if (*p++ != '/')
            return FALSE;
        }
      if (!g_str_has_prefix (p, "fd/"))
        return FALSE;
      rest = p + strlen ("fd/");
    }
  if (!rest || !*rest)
    return FALSE;
  for (; *rest; rest++)
    if (!g_ascii_isdigit (*rest))
      return FALSE;
  return TRUE;
}

static const char *
extension_for (const char *content_type)
{
  static const char *const map[][2]
      = { { "video/mp4", ".mp4" },   { "video/quicktime", ".mov" },
          { "video/webm", ".webm" }, { "video/x-matroska", ".mkv" },
          { "image/jpeg", ".jpg" },  { "image/png", ".png" } };

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_str_equal (content_type, map[i][0]))
      return map[i][1];
  return "";
}

/* A record name for input that has none: "stdin-20251202-203927.mp4", so
 * that such records can be told apart in 'authenta list'. */
static char *
unnamed_input_name (const char *prefix, const char *content_type)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");

  return g_strdup_printf ("%s-%s%s", prefix, stamp,
                          extension_for (content_type));
}

/* Check a command-line argument and make it something to upload: a regular
 * file as it is; standard input, a pipe or a device copied to a temporary
 * file first, since the upload must announce its size.  Its type is
 * recognised here too (unless given), so that a file of no known type is
 * reported with the local problems, naming what the user gave rather than
 * a temporary copy. */
static gboolean
prepare_job (ScanJob *job, const char *arg, GError **error)
{
  g_autoptr (GError) sniff_error = NULL;
  const char *unnamed = NULL; /* the name's prefix when the input has none */
  const char *described;      /* how an error names the input */
  GStatBuf st;
  int fd;

  if (g_str_equal (arg, "-"))
    {
      if (isatty (STDIN_FILENO))
        {
          g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                               "standard input is a terminal: pipe a file "
                               "in, e.g. 'authenta scan - < clip.mp4'");
          return FALSE;
        }
      job->label = g_strdup ("stdin");
      unnamed = "stdin";
      job->path = cli_spool_to_temp_file (
          STDIN_FILENO, job->run->journal ? opt_spool_dir : NULL,
          "standard input", &job->fd, error);
      if (!job->path)
        return FALSE;
      job->spooled = TRUE;
    }
  else
    {
      job->label = g_strdup (arg);
      if (g_stat (arg, &st) < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_FILE_ERROR,
                       g_file_error_from_errno (saved_errno), "%s",
                       g_strerror (saved_errno));
          return FALSE;
        }
      if (S_ISDIR (st.st_mode))
        {
          g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_ISDIR,
                               "is a directory");
          return FALSE;
        }
      if (S_ISREG (st.st_mode))
        job->path = g_strdup (arg);
      else
        {
          /* A pipe such as <(ffmpeg … -f mp4 -) or a device. */
          fd = g_open (arg, O_RDONLY | O_CLOEXEC, 0);
          if (fd < 0)
            {
              int saved_errno = errno;
              g_set_error (error, G_FILE_ERROR,
                           g_file_error_from_errno (saved_errno), "%s",
                           g_strerror (saved_errno));
              return FALSE;
            }
          job->path = cli_spool_to_temp_file (
              fd, job->run->journal ? opt_spool_dir : NULL, "the input",
              &job->fd, error);
          close (fd);
          if (!job->path)
            return FALSE;
          job->spooled = TRUE;
          if (g_str_equal (arg, "/dev/stdin"))
            unnamed = "stdin";
          else if (is_fd_path (arg))
            unnamed = "pipe";
          else if (!opt_name)
            job->name = g_path_get_basename (arg);
        }
    }
  described = g_str_equal (arg, "-") ? "standard input"
              : job->spooled         ? "the input"
                                     : "the file";

  if ((job->fd >= 0 ? fstat (job->fd, &st) : g_stat (job->path, &st)) == 0
      && st.st_size == 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s is empty%s",
                   described, job->spooled ? ": nothing was read" : "");
      return FALSE;
    }

  job->content_type = opt_content_type;
  if (!job->content_type)
    {
      if (job->fd >= 0)
        job->content_type
            = authenta_content_type_sniff_fd (job->fd, NULL, &sniff_error);
      else
        job->content_type
            = authenta_content_type_sniff_file (job->path, &sniff_error);
      if (!job->content_type)
        {
          if (g_error_matches (sniff_error, AUTHENTA_ERROR,
                               AUTHENTA_ERROR_UNSUPPORTED_MEDIA))
            /* The hint lists the types. */
            g_set_error (error, AUTHENTA_ERROR,
                         AUTHENTA_ERROR_UNSUPPORTED_MEDIA,
                         "%s is not a recognised media file", described);
          else
            g_set_error (error, sniff_error->domain, sniff_error->code,
                         "cannot read %s: %s", described,
                         job->spooled ? "error reading its temporary copy"
                                      : sniff_error->message);
          return FALSE;
        }
    }

  /* An MP4 for a task that takes audio alone is M4A: mp4mux's brand does
   * not say. */
  if (opt_task)
    job->content_type
        = authenta_content_type_for_task (job->content_type, opt_task);

  if (opt_name)
    job->name = g_strdup (opt_name);
  else if (unnamed)
    job->name = unnamed_input_name (unnamed, job->content_type);
  return TRUE;
}

int
cli_cmd_scan (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GPtrArray) jobs = NULL;
  g_autoptr (CliProgress) progress = NULL;
  ScanRun run = { 0 };
  gboolean seen_stdin = FALSE;
  gboolean any_fake = FALSE;
  int status;

  context = cli_subcommand_context (
      "FILE…|-", "Upload files and print whether each is authentic or fake.",
      "Several files are scanned at once and each verdict is printed as it "
      "arrives, one line per file:\n"
      "  clip.mp4: AUTHENTIC (2 faces, 0 deepfakes; model DF-1, mid 692f…)\n"
      "'-' reads standard input, e.g. ffmpeg … -f mp4 - | authenta scan -\n"
      "With several files, the exit status is 1 if any file is fake, else "
      "the status of the first file that failed.",
      scan_entries);
  status = cli_parse_subcommand (context, "scan", &argc, &argv);
  if (status >= 0)
    return status;

  if (argc < 2)
    {
      cli_usage_error ("scan", "no file given (use '-' for standard input)");
      return CLI_EXIT_USAGE;
    }
  if (opt_no_wait && opt_delete)
    {
      cli_usage_error ("scan", "--delete needs the verdict, which --no-wait "
                               "does not wait for");
      return CLI_EXIT_USAGE;
    }
  if (opt_jobs < 1)
    {
      cli_usage_error ("scan", "--jobs must be at least 1");
      return CLI_EXIT_USAGE;
    }
  if (!check_task () || !check_content_type ())
    return CLI_EXIT_USAGE;
  {
    const char *dir = cli_spool_dir_setting (opt_spool_dir);

    if (dir && opt_no_wait)
      {
        cli_usage_error ("scan", "--no-wait does not go with --spool-dir "
                                 "(or AUTHENTA_SPOOL_DIR): a journaled scan "
                                 "is finished by 'authenta spool run'");
        return CLI_EXIT_USAGE;
      }
    if (dir && dir != opt_spool_dir)
      {
        g_free (opt_spool_dir);
        opt_spool_dir = g_strdup (dir);
      }
  }
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "-"))
      {
        if (seen_stdin)
          {
            cli_usage_error ("scan", "'-' (standard input) given twice");
            return CLI_EXIT_USAGE;
          }
        seen_stdin = TRUE;
      }

  /* Spool files are removed on SIGINT, SIGTERM, SIGHUP and SIGPIPE too. */
  cli_install_signal_cleanup ();

  client = cli_make_client (&status);
  if (!client)
    return status;
  /* Before the files are prepared: standard input is copied into it. */
  if (opt_spool_dir)
    {
      journal = cli_open_journal ("scan", opt_spool_dir, FALSE, &status);
      if (!journal)
        return status;
      run.journal = journal;
    }
  if (opt_poll_interval > 0)
    {
      guint interval_ms = (guint)(opt_poll_interval * 1000);
      guint max_ms = 0;

      /* The cap never below the interval asked for. */
      g_object_get (client, "poll-max-interval", &max_ms, NULL);
      g_object_set (client, "poll-interval", interval_ms, "poll-max-interval",
                    MAX (max_ms, interval_ms), NULL);
    }
  /* With --timeout, ours is the one bound on the wait. */
  if (opt_timeout > 0)
    g_object_set (client, "poll-timeout", 0u, NULL);

  /* Local problems are reported first, in argument order, and those files
   * are not scanned; the others still are. */
  jobs = g_ptr_array_new_with_free_func ((GDestroyNotify)scan_job_free);
  for (int i = 1; i < argc; i++)
    {
      ScanJob *job = g_new0 (ScanJob, 1);
      g_autoptr (GError) error = NULL;

      job->fd = -1;
      job->run = &run;
      job->index = i - 1;
      g_ptr_array_add (jobs, job);
      if (!prepare_job (job, argv[i], &error))
        {
          g_autofree char *shown
              = cli_sanitize (job->label ? job->label : argv[i]);

          cli_report_error (shown, error);
          job->exit = error->domain == G_OPTION_ERROR
                          ? CLI_EXIT_USAGE
                          : cli_error_exit_code (error);
          if (job->exit == CLI_EXIT_AUTHENTIC)
            job->exit = CLI_EXIT_LOCAL_FILE;
        }
    }

  loop = g_main_loop_new (NULL, FALSE);
  progress = cli_progress_new (jobs->len);
  run.client = client;
  run.loop = loop;
  run.progress = progress;
  run.jobs = jobs;
  for (guint i = 0; i < jobs->len; i++)
    {
      ScanJob *job = g_ptr_array_index (jobs, i);

      cli_progress_set_label (progress, i, job->label);
      if (job->exit == CLI_EXIT_AUTHENTIC)
        run.pending++;
      else
        cli_progress_skip_item (progress, i);
    }

  if (run.pending > 0)
    {
      start_next_jobs (&run);
      g_main_loop_run (loop);
    }

  status = CLI_EXIT_AUTHENTIC;
  for (guint i = 0; i < jobs->len; i++)
    {
      ScanJob *job = g_ptr_array_index (jobs, i);

      if (job->exit == CLI_EXIT_FAKE)
        any_fake = TRUE;
      else if (status == CLI_EXIT_AUTHENTIC)
        status = job->exit;
    }
  return any_fake ? CLI_EXIT_FAKE : status;
}
