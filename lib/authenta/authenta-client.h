/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(__AUTHENTA_H_INSIDE__) && !defined(AUTHENTA_COMPILATION)
#error "Only <authenta/authenta.h> can be included directly."
#endif

#include <authenta/authenta-version.h>
#include <authenta/authenta-media.h>
#include <authenta/authenta-journal.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * AUTHENTA_DEFAULT_BASE_URL:
 *
 * The public service, used when neither the caller nor `AUTHENTA_BASE_URL`
 * names another.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_BASE_URL "https://platform.authenta.ai/api"

/**
 * AUTHENTA_MAX_UPLOAD_SIZE:
 *
 * The largest file, in bytes, that can be scanned: 5 GiB, the most S3 takes
 * in one PUT to a pre-signed URL.  authenta_client_create_media() and
 * authenta_client_upload_file() refuse a larger size with
 * %AUTHENTA_ERROR_INVALID_ARGUMENT before any request.
 *
 * Since: 0.1
 */
#define AUTHENTA_MAX_UPLOAD_SIZE (G_GUINT64_CONSTANT (5) * 1024 * 1024 * 1024)

/**
 * AUTHENTA_DEFAULT_CONNECT_TIMEOUT_MS:
 *
 * The default of #AuthentaClient:connect-timeout: 10 s to establish a
 * connection.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_CONNECT_TIMEOUT_MS 10000
/**
 * AUTHENTA_DEFAULT_STALL_TIMEOUT_MS:
 *
 * The default of #AuthentaClient:stall-timeout: a transfer that moves no
 * byte for 30 s is abandoned.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_STALL_TIMEOUT_MS 30000
/**
 * AUTHENTA_DEFAULT_REQUEST_TIMEOUT_MS:
 *
 * The default of #AuthentaClient:request-timeout: 60 s for one API request
 * in all (not applied to uploads).
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_REQUEST_TIMEOUT_MS 60000
/**
 * AUTHENTA_DEFAULT_RETRY_ATTEMPTS:
 *
 * The default of #AuthentaClient:retry-attempts: 4 tries per request in
 * all, the first included.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_RETRY_ATTEMPTS 4
/**
 * AUTHENTA_DEFAULT_RETRY_BASE_DELAY_MS:
 *
 * The default of #AuthentaClient:retry-base-delay: 500 ms before the first
 * retry, doubled for each next one.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_RETRY_BASE_DELAY_MS 500
/**
 * AUTHENTA_DEFAULT_RETRY_MAX_DELAY_MS:
 *
 * The default of #AuthentaClient:retry-max-delay: no delay between two
 * tries is longer than 15 s.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_RETRY_MAX_DELAY_MS 15000
/**
 * AUTHENTA_DEFAULT_RETRY_JITTER:
 *
 * The default of #AuthentaClient:retry-jitter: half of each delay is
 * random.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_RETRY_JITTER 0.5
/**
 * AUTHENTA_DEFAULT_POLL_INTERVAL_MS:
 *
 * The default of #AuthentaClient:poll-interval: polls 0.25 s apart for the
 * first %AUTHENTA_DEFAULT_POLL_FAST_PERIOD_MS, so that a job that short is
 * seen within 0.25 s (docs/performance.md, "Verdict latency").
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_POLL_INTERVAL_MS 250
/**
 * AUTHENTA_DEFAULT_POLL_GROWTH:
 *
 * The default of #AuthentaClient:poll-growth: after the fast period the
 * interval doubles after each poll (0.5, 1, 2 s).
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_POLL_GROWTH 2.0
/**
 * AUTHENTA_DEFAULT_POLL_FAST_PERIOD_MS:
 *
 * The default of #AuthentaClient:poll-fast-period: 2 s of polls
 * %AUTHENTA_DEFAULT_POLL_INTERVAL_MS apart.
 *
 * Since: 0.4
 */
#define AUTHENTA_DEFAULT_POLL_FAST_PERIOD_MS 2000
/**
 * AUTHENTA_DEFAULT_POLL_MAX_INTERVAL_MS:
 *
 * The default of #AuthentaClient:poll-max-interval: polls are at most 2 s
 * apart, so that a long job's verdict is seen 1 s after it is ready on
 * average, with as many GETs as a fixed 2 s poll (plus 10 at most).
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_POLL_MAX_INTERVAL_MS 2000
/**
 * AUTHENTA_DEFAULT_POLL_TIMEOUT_MS:
 *
 * The default of #AuthentaClient:poll-timeout: the wait for a verdict ends
 * after 15 minutes.
 *
 * Since: 0.1
 */
#define AUTHENTA_DEFAULT_POLL_TIMEOUT_MS (15 * 60 * 1000)
/**
 * AUTHENTA_DEFAULT_UPLOAD_SEEN_TIMEOUT_MS:
 *
 * The default of #AuthentaClient:upload-seen-timeout: a record still
 * `INITED` 2 minutes after its upload ends the wait.
 *
 * Since: 0.2
 */
#define AUTHENTA_DEFAULT_UPLOAD_SEEN_TIMEOUT_MS (2 * 60 * 1000)

/**
 * AuthentaScanStage:
 * @AUTHENTA_SCAN_STAGE_CREATED: the record exists; its mid is known.
 * @AUTHENTA_SCAN_STAGE_UPLOADING: bytes are being sent to storage.
 * @AUTHENTA_SCAN_STAGE_UPLOADED: storage accepted the whole file.
 * @AUTHENTA_SCAN_STAGE_PROCESSING: the service is working on it; reported at
 *   each poll.
 *
 * The stages of a scan, as reported to an #AuthentaProgressFunc.
 *
 * Since: 0.1
 */
typedef enum
{
  AUTHENTA_SCAN_STAGE_CREATED,
  AUTHENTA_SCAN_STAGE_UPLOADING,
  AUTHENTA_SCAN_STAGE_UPLOADED,
  AUTHENTA_SCAN_STAGE_PROCESSING,
} AuthentaScanStage;

/* "created", "uploading", "uploaded", "processing". */
AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_scan_stage_to_string (AuthentaScanStage stage);

/**
 * AuthentaProgressFunc:
 * @stage: where the scan is
 * @media: the latest known state of the record
 * @bytes_sent: bytes uploaded so far
 * @bytes_total: the size of the file
 * @user_data: the data given with the function
 *
 * Called, in the thread that runs the call, as a scan or upload goes on.
 * %AUTHENTA_SCAN_STAGE_UPLOADING is reported at most every 100 ms.
 *
 * Since: 0.1
 */
typedef void (*AuthentaProgressFunc) (AuthentaScanStage stage,
                                      AuthentaMedia *media, guint64 bytes_sent,
                                      guint64 bytes_total, gpointer user_data);

/**
 * AuthentaMediaFunc:
 * @media: one record
 * @user_data: the data given with the function
 *
 * Called by authenta_client_foreach_media() for each record.
 *
 * Returns: %TRUE to go on, %FALSE to stop the walk.
 *
 * Since: 0.1
 */
typedef gboolean (*AuthentaMediaFunc) (AuthentaMedia *media,
                                       gpointer user_data);

/**
 * AuthentaPermissions:
 * @AUTHENTA_PERMISSION_NONE: no permission.
 * @AUTHENTA_PERMISSION_READ: list and read records (`GET /media`).
 * @AUTHENTA_PERMISSION_WRITE: create records (`POST /media`).
 * @AUTHENTA_PERMISSION_DELETE: delete records (`DELETE /media/{mid}`).
 *
 * The permissions an API key may carry, as the Authenta dashboard grants
 * them; see authenta_client_check_access().
 *
 * Since: 0.3
 */
typedef enum /*< flags >*/
{
  AUTHENTA_PERMISSION_NONE = 0,
  AUTHENTA_PERMISSION_READ = 1 << 0,
  AUTHENTA_PERMISSION_WRITE = 1 << 1,
  AUTHENTA_PERMISSION_DELETE = 1 << 2,
} AuthentaPermissions;

#define AUTHENTA_TYPE_CLIENT (authenta_client_get_type ())

/**
 * AuthentaClient:
 *
 * A connection to the Authenta service.  Safe to use from many threads at
 * once; concurrent calls share connections, DNS and TLS sessions.
 *
 * Construct-only properties: `base-url`, `api-key` (write-only),
 * `allow-insecure`, `ca-file`.  The others may be changed at any time from
 * any thread and apply to calls started afterwards: `connect-timeout`,
 * `stall-timeout`, `request-timeout` (milliseconds), `retry-attempts`,
 * `retry-base-delay`, `retry-max-delay` (ms), `retry-jitter` (0–1),
 * `poll-interval`, `poll-max-interval` (ms), `poll-growth` (factor),
 * `poll-timeout` (ms, the longest total wait for a verdict; 0: no bound),
 * `upload-seen-timeout` (ms a record may stay INITED after its upload).
 *
 * Since: 0.1
 */
AUTHENTA_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (AuthentaClient, authenta_client, AUTHENTA, CLIENT,
                      GObject)

/* NULL base_url: AUTHENTA_BASE_URL, else AUTHENTA_DEFAULT_BASE_URL.
 * NULL api_key: AUTHENTA_API_KEY.  Plain http is accepted only for loopback
 * hosts unless the client is made with g_initable_new() and
 * "allow-insecure" TRUE. */
/* Overwrites a NUL-terminated secret (an API key) with zeros in a way the
 * compiler may not drop; for callers that held a copy of the key. */
AUTHENTA_AVAILABLE_IN_ALL
void authenta_secret_wipe (char *secret);

AUTHENTA_AVAILABLE_IN_ALL
AuthentaClient *authenta_client_new (const char *base_url, const char *api_key,
                                     GError **error);

AUTHENTA_AVAILABLE_IN_ALL
const char *authenta_client_get_base_url (AuthentaClient *self);

AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_set_timeouts (AuthentaClient *self, guint connect_ms,
                                   guint stall_ms, guint request_ms);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_set_retry_policy (AuthentaClient *self, guint attempts,
                                       guint base_delay_ms, guint max_delay_ms,
                                       double jitter);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_set_poll_policy (AuthentaClient *self,
                                      guint first_interval_ms, double growth,
                                      guint max_interval_ms,
                                      guint total_timeout_ms);

/* POST /media.  model_type NULL: the default for content_type. */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *
authenta_client_create_media (AuthentaClient *self, const char *name,
                              const char *content_type, guint64 size,
                              const char *model_type, GCancellable *cancellable,
                              GError **error);

/* GET /media/{mid} */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_get_media (AuthentaClient *self, const char *mid,
                                          GCancellable *cancellable,
                                          GError **error);

/* GET /media: one page.  Returns a GPtrArray (transfer container) holding
 * a reference to each AuthentaMedia; out_total (optional) gets the
 * service's total. */
AUTHENTA_AVAILABLE_IN_ALL
GPtrArray *authenta_client_list_media (AuthentaClient *self, guint limit,
                                       guint offset, guint *out_total,
                                       GCancellable *cancellable,
                                       GError **error);

/* Walks every page of GET /media, page_size records at a time (0: a
 * default), calling func for each record until it returns FALSE. */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_foreach_media (AuthentaClient *self, guint page_size,
                                        AuthentaMediaFunc func,
                                        gpointer user_data,
                                        GCancellable *cancellable,
                                        GError **error);

/* DELETE /media/{mid} */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_delete_media (AuthentaClient *self, const char *mid,
                                       GCancellable *cancellable,
                                       GError **error);

/* The Jobs API (/v1/jobs), since 0.4.  task: a slug such as
 * "ai-audio-detection" or its numeric id; see authenta-task.h.  A job is an
 * AuthentaMedia whose id (authenta_media_get_id()) is the job id. */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_create_job (
    AuthentaClient *self, const char *name, const char *content_type,
    guint64 size, const char *task, GCancellable *cancellable, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_finalize_job (AuthentaClient *self, const char *job_id,
                                       GCancellable *cancellable,
                                       GError **error);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_get_job (AuthentaClient *self,
                                        const char *job_id,
                                        GCancellable *cancellable,
                                        GError **error);
AUTHENTA_AVAILABLE_IN_ALL
GPtrArray *authenta_client_list_jobs (AuthentaClient *self, guint page,
                                      guint limit, const char *status,
                                      guint *out_total,
                                      GCancellable *cancellable,
                                      GError **error);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_cancel_job (AuthentaClient *self, const char *job_id,
                                     GCancellable *cancellable, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_delete_job (AuthentaClient *self, const char *job_id,
                                     GCancellable *cancellable, GError **error);
/* Cancels, in one bounded request, a job whose scan was stopped before its
 * finalize; failures are only logged. */
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_abandon_job (AuthentaClient *self, const char *job_id);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_wait_for_job (
    AuthentaClient *self, const char *job_id, AuthentaProgressFunc progress,
    gpointer progress_data, GCancellable *cancellable, GError **error);

/* Whether the key, the base URL and the permissions will work, without
 * creating a record or spending a credit.  Since: 0.3 */
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_check_access (AuthentaClient *self,
                                       AuthentaPermissions needed,
                                       GCancellable *cancellable,
                                       GError **error);

/* PUT the file to media's upload URL, streamed from disk with the record's
 * content type and size.  If storage says the URL has expired, one fresh
 * record is created and the file uploaded to it: the returned media (transfer
 * full) is then not @media, and its mid is the one to poll. */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *
authenta_client_upload_file (AuthentaClient *self, AuthentaMedia *media,
                             const char *path, AuthentaProgressFunc progress,
                             gpointer progress_data, GCancellable *cancellable,
                             GError **error);
/* As upload_file, from a descriptor held since the file was written. */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *
authenta_client_upload_fd (AuthentaClient *self, AuthentaMedia *media, int fd,
                           const char *path, AuthentaProgressFunc progress,
                           gpointer progress_data, GCancellable *cancellable,
                           GError **error);

/* Poll GET /media/{mid} with growing intervals until PROCESSED.  Failed
 * polls of kind NETWORK, SERVER, RATE_LIMITED or PROTOCOL do not end the
 * wait; past poll-timeout it ends with AUTHENTA_ERROR_TIMEOUT. */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_wait_for_result (
    AuthentaClient *self, const char *mid, AuthentaProgressFunc progress,
    gpointer progress_data, GCancellable *cancellable, GError **error);

/* The whole flow: create, upload, wait.  name NULL: the file's basename;
 * content_type NULL: sniffed; model_type NULL: the default for the type.
 * Since 0.4, model_type may name a Jobs API task: create, upload,
 * finalize, wait on /v1/jobs. */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_scan_file (
    AuthentaClient *self, const char *path, const char *name,
    const char *content_type, const char *model_type,
    AuthentaProgressFunc progress, gpointer progress_data,
    GCancellable *cancellable, GError **error);

/* As scan_file, from a descriptor held since the file was written. */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *
authenta_client_scan_fd (AuthentaClient *self, int fd, const char *path,
                         const char *name, const char *content_type,
                         const char *model_type, AuthentaProgressFunc progress,
                         gpointer progress_data, GCancellable *cancellable,
                         GError **error);
/* Runs, or resumes, the scan of a journal entry claimed by this journal;
 * every stage change is committed before the next request.  Since: 0.3 */
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_scan_journaled (
    AuthentaClient *self, AuthentaJournal *journal, AuthentaJournalEntry *entry,
    AuthentaProgressFunc progress, gpointer progress_data,
    GCancellable *cancellable, GError **error);
/* scan_file on the caller's thread-default main context, holding no thread;
 * progress and the callback run in that context; progress_destroy
 * (optional) frees progress_data when the scan is over. */
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_scan_file_async (
    AuthentaClient *self, const char *path, const char *name,
    const char *content_type, const char *model_type,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_scan_file_finish (AuthentaClient *self,
                                                 GAsyncResult *result,
                                                 GError **error);

/* Asynchronous calls (since 0.4): each runs on the thread-default main
 * context of the caller, holding no thread; the callback runs there too.
 * The blocking calls above run the same code on a private context. */
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_create_media_async (AuthentaClient *self, const char *name,
                                         const char *content_type, guint64 size,
                                         const char *model_type,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_create_media_finish (AuthentaClient *self,
                                                    GAsyncResult *result,
                                                    GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_get_media_async (AuthentaClient *self, const char *mid,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_get_media_finish (AuthentaClient *self,
                                                 GAsyncResult *result,
                                                 GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_list_media_async (AuthentaClient *self, guint limit,
                                       guint offset, GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
GPtrArray *authenta_client_list_media_finish (AuthentaClient *self,
                                              GAsyncResult *result,
                                              guint *out_total, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_delete_media_async (AuthentaClient *self, const char *mid,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_delete_media_finish (AuthentaClient *self,
                                              GAsyncResult *result,
                                              GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_upload_file_async (
    AuthentaClient *self, AuthentaMedia *media, const char *path,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_upload_file_finish (AuthentaClient *self,
                                                   GAsyncResult *result,
                                                   GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_upload_fd_async (
    AuthentaClient *self, AuthentaMedia *media, int fd, const char *path,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_upload_fd_finish (AuthentaClient *self,
                                                 GAsyncResult *result,
                                                 GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_wait_for_result_async (
    AuthentaClient *self, const char *mid, AuthentaProgressFunc progress,
    gpointer progress_data, GDestroyNotify progress_destroy,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_wait_for_result_finish (AuthentaClient *self,
                                                       GAsyncResult *result,
                                                       GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_create_job_async (AuthentaClient *self, const char *name,
                                       const char *content_type, guint64 size,
                                       const char *task,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_create_job_finish (AuthentaClient *self,
                                                  GAsyncResult *result,
                                                  GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_finalize_job_async (AuthentaClient *self,
                                         const char *job_id,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_finalize_job_finish (AuthentaClient *self,
                                              GAsyncResult *result,
                                              GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_get_job_async (AuthentaClient *self, const char *job_id,
                                    GCancellable *cancellable,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_get_job_finish (AuthentaClient *self,
                                               GAsyncResult *result,
                                               GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_list_jobs_async (AuthentaClient *self, guint page,
                                      guint limit, const char *status,
                                      GCancellable *cancellable,
                                      GAsyncReadyCallback callback,
                                      gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
GPtrArray *authenta_client_list_jobs_finish (AuthentaClient *self,
                                             GAsyncResult *result,
                                             guint *out_total, GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_cancel_job_async (AuthentaClient *self, const char *job_id,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_cancel_job_finish (AuthentaClient *self,
                                            GAsyncResult *result,
                                            GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_delete_job_async (AuthentaClient *self, const char *job_id,
                                       GCancellable *cancellable,
                                       GAsyncReadyCallback callback,
                                       gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_delete_job_finish (AuthentaClient *self,
                                            GAsyncResult *result,
                                            GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_wait_for_job_async (
    AuthentaClient *self, const char *job_id, AuthentaProgressFunc progress,
    gpointer progress_data, GDestroyNotify progress_destroy,
    GCancellable *cancellable, GAsyncReadyCallback callback,
    gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_wait_for_job_finish (AuthentaClient *self,
                                                    GAsyncResult *result,
                                                    GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_check_access_async (AuthentaClient *self,
                                         AuthentaPermissions needed,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback,
                                         gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
gboolean authenta_client_check_access_finish (AuthentaClient *self,
                                              GAsyncResult *result,
                                              GError **error);
/* scan_journaled in a worker thread (its SQLite commits block); progress
 * and the callback come back to the caller's context. */
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_scan_journaled_async (
    AuthentaClient *self, AuthentaJournal *journal, AuthentaJournalEntry *entry,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_scan_journaled_finish (AuthentaClient *self,
                                                      GAsyncResult *result,
                                                      GError **error);
AUTHENTA_AVAILABLE_IN_ALL
void authenta_client_scan_fd_async (
    AuthentaClient *self, int fd, const char *path, const char *name,
    const char *content_type, const char *model_type,
    AuthentaProgressFunc progress, gpointer progress_data,
    GDestroyNotify progress_destroy, GCancellable *cancellable,
    GAsyncReadyCallback callback, gpointer user_data);
AUTHENTA_AVAILABLE_IN_ALL
AuthentaMedia *authenta_client_scan_fd_finish (AuthentaClient *self,
                                               GAsyncResult *result,
                                               GError **error);

G_END_DECLS
