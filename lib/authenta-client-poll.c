/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaClient: the wait for a verdict both flows share, as a state
 * machine on the thread-default main context: a GET, then a timer until
 * the next, so that a waiting scan holds no thread and no connection.
 * The blocking waits run it on a private context. */
#include "config-private.h"

#include <authenta/authenta-client.h>
#include <authenta/authenta-task.h>

#include "authenta-client-private.h"
#include "authenta-error-private.h"
#include "authenta-http-loop-private.h"
#include "authenta-media-private.h"
#include "authenta-poll-private.h"
#include "authenta-util-private.h"

/* What a Jobs task's wait may take beyond the service's own time-out for
 * the task: the last polls, and a clock that is not the service's. */
#define TASK_TIMEOUT_MARGIN_MS (30 * 1000)

/* The record's GET, for one poll or a get call. */
typedef struct
{
  const AuthentaPollFlow *flow;
  char *id;
  char *url;
} Get;

static void
get_free (Get *get)
{
  g_free (get->id);
  g_free (get->url);
  g_free (get);
}

static void
on_got (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Get *get = g_task_get_task_data (task);
  g_auto (AuthentaHttpResponse) response = { 0 };
  g_autofree char *what = NULL;
  GError *error = NULL;
  AuthentaMedia *media;

  if (!authenta_client_api_call_finish (self, result, &response, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  what = authenta_describe_request ("GET", get->url);
  media = get->flow->parse (what, get->id, response.status, response.body,
                            &error);
  if (media)
    g_task_return_pointer (task, media, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
authenta_client_get_record_async (AuthentaClient *self,
                                  const AuthentaPollFlow *flow, const char *id,
                                  gint64 deadline_us, GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Get *get = g_new0 (Get, 1);

  g_task_set_source_tag (task, authenta_client_get_record_async);
  get->flow = flow;
  get->id = g_strdup (id);
  get->url = flow->url (self, id);
  g_task_set_task_data (task, get, (GDestroyNotify)get_free);
  authenta_client_call_until_async (self, "GET", get->url, NULL, id,
                                    deadline_us, cancellable, on_got, task);
}

AuthentaMedia *
authenta_client_get_record_finish (AuthentaClient *self, GAsyncResult *result,
                                   GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whether a failed poll may be followed by another: the request could not
 * be made or answered properly (network, 5xx, 429, an unreadable answer),
 * after its own retries.  The file is uploaded and the service goes on
 * processing it, and GET is safe to repeat, so a short outage must not end
 * a long wait.  Never a refusal (400, 401, 402, 403, 404), a failed
 * processing or a cancellation: polling again cannot change those. */
static gboolean
poll_error_is_transient (const GError *error)
{
  /* The library's transient kinds, less the two a poll cannot outwait: its
   * own time-out, and a base URL that is not the API. */
  return authenta_error_is_transient (error)
         && error->code != AUTHENTA_ERROR_TIMEOUT
         && error->code != AUTHENTA_ERROR_NO_SERVICE;
}

static char *
describe_duration (guint64 ms)
{
  if (ms >= 1000 && ms % 1000 == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " s", ms / 1000);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " ms", ms);
}

typedef struct
{
  const AuthentaPollFlow *flow;
  char *id;
  AuthentaProgressFunc progress;
  gpointer progress_data;

  AuthentaPollSchedule schedule;
  guint timeout_ms, seen_timeout_ms;
  gint64 start, deadline; /* deadline: G_MAXINT64 for none */
  /* The Jobs task's bound, once the task is known (0: none). */
  char *task;
  gint64 task_deadline;
  guint64 task_bound_ms;
  guint interval_ms;
  guint polls, failed_polls;
  gboolean seen; /* a status past INITED */
  GError *last_error;
  char *last_status;
  /* Held for the whole wait: its multi handle (and the connection the
   * polls reuse) outlives the waits between polls. */
  AuthentaHttpLoop *loop;
} Poll;

static void
poll_free (Poll *poll)
{
  g_free (poll->id);
  g_free (poll->task);
  g_clear_error (&poll->last_error);
  g_free (poll->last_status);
  authenta_http_loop_unref (poll->loop);
  g_free (poll);
}

/* The bound a Jobs task's time-out puts on the wait, from the start. */
static void
poll_bound_by_task (AuthentaClient *self, Poll *poll, const char *task)
{
  guint64 timeout_ms;

  if (task == NULL || poll->task_deadline != 0)
    return;
  timeout_ms = authenta_client_task_timeout_ms (self, task);
  if (timeout_ms == 0)
    return;
  poll->task = g_strdup (authenta_task_get_name (task));
  poll->task_bound_ms = timeout_ms;
  poll->task_deadline = poll->start
                        + (gint64)(timeout_ms
                                   + authenta_client_scale_task_margin (
                                       self, TASK_TIMEOUT_MARGIN_MS))
                              * 1000;
  poll->deadline = MIN (poll->deadline, poll->task_deadline);
}

static void poll_next (GTask *task);

static GError *
poll_timeout_error (Poll *poll)
{
  g_autoptr (GString) message = g_string_new (NULL);
  g_autofree char *within = NULL;
  gboolean by_task
      = poll->task_deadline != 0
        && (poll->timeout_ms == 0
            || poll->task_deadline
                   < poll->start + (gint64)poll->timeout_ms * 1000);

  if (by_task)
    {
      within = describe_duration (poll->task_bound_ms);
      g_string_append_printf (
          message,
          "No verdict for %s %s within the time-out of task “%s” (%s: the "
          "service gives up on it by then) (%u %s",
          poll->flow->noun, poll->id, poll->task, within, poll->polls,
          poll->polls == 1 ? "poll" : "polls");
    }
  else
    {
      within = describe_duration (poll->timeout_ms);
      g_string_append_printf (message, "No verdict for %s %s within %s (%u %s",
                              poll->flow->noun, poll->id, within, poll->polls,
                              poll->polls == 1 ? "poll" : "polls");
    }
  if (poll->failed_polls)
    g_string_append_printf (message, ", %u failed", poll->failed_polls);
  if (poll->last_status)
    g_string_append_printf (message, ", last status %s", poll->last_status);
  g_string_append (message, "); the file was uploaded and the "
                            "service may still finish it");
  if (poll->last_error)
    g_string_append_printf (message, "; last error: %s",
                            poll->last_error->message);
  return authenta_error_new_full (AUTHENTA_ERROR_TIMEOUT, 0, NULL, poll->id,
                                  "%s", message->str);
}

static void
on_poll_wait_over (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!authenta_wait_finish (result, &error))
    g_task_return_error (task, error);
  else
    poll_next (task);
}

/* One poll's answer: the verdict, the end of the wait, or a timer until
 * the next poll. */
static void
on_polled (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  AuthentaClient *self = AUTHENTA_CLIENT (source);
  Poll *poll = g_task_get_task_data (task);
  g_autoptr (AuthentaMedia) media = NULL;
  GError *poll_error = NULL;
  const char *status = NULL;
  gint64 now, left_ms;

  media = authenta_client_get_record_finish (self, result, &poll_error);
  poll->polls++;
  if (media == NULL)
    {
      if (!poll_error_is_transient (poll_error))
        {
          g_task_return_error (task, poll_error);
          return;
        }
      poll->failed_polls++;
      g_debug ("%s %s: poll %u failed, polling on: %s", poll->flow->noun,
               poll->id, poll->polls, poll_error->message);
      g_clear_error (&poll->last_error);
      poll->last_error = poll_error;
    }
  else
    {
      g_clear_error (&poll->last_error);
      status = authenta_media_get_status (media);
      g_free (poll->last_status);
      poll->last_status = g_strdup (status);
      if (poll->progress)
        poll->progress (AUTHENTA_SCAN_STAGE_PROCESSING, media,
                        authenta_media_get_size (media),
                        authenta_media_get_size (media), poll->progress_data);

      if (authenta_media_is_processed (media))
        {
          g_debug ("%s %s processed after %u polls (%u failed)",
                   poll->flow->noun, poll->id, poll->polls, poll->failed_polls);
          g_task_return_pointer (task, g_steal_pointer (&media),
                                 g_object_unref);
          return;
        }
      if (authenta_media_is_terminal (media))
        {
          g_task_return_error (task, poll->flow->failure (self, media));
          return;
        }
      /* A job says its task: the wait is bounded by the task's time-out
       * from now on, whoever started it. */
      if (poll->flow->bounded_by_task)
        poll_bound_by_task (self, poll, authenta_media_get_task (media));
      poll->seen |= g_strcmp0 (status, "INITED") != 0;
      if (!poll->seen && poll->seen_timeout_ms
          && g_get_monotonic_time () - poll->start
                 >= (gint64)poll->seen_timeout_ms * 1000)
        {
          g_autofree char *after = describe_duration (poll->seen_timeout_ms);

          g_task_return_error (
              task, authenta_error_new_full (
                        AUTHENTA_ERROR_SERVER, 0, status, poll->id,
                        "The service never saw the upload of %s %s: "
                        "storage accepted it, but the record was still "
                        "%s %s later; scan the file again",
                        poll->flow->noun, poll->id, status, after));
          return;
        }
    }

  now = g_get_monotonic_time ();
  if (now >= poll->deadline)
    {
      g_task_return_error (task, poll_timeout_error (poll));
      return;
    }
  left_ms = (poll->deadline - now + 999) / 1000;
  poll->interval_ms = authenta_poll_next_delay (
      &poll->schedule, (now - poll->start) / 1000, poll->interval_ms);
  if (media)
    g_debug ("%s %s is %s; next poll in %u ms", poll->flow->noun, poll->id,
             status ? status : "without status",
             (guint)MIN ((gint64)poll->interval_ms, left_ms));
  else
    g_debug ("%s %s: next poll in %u ms", poll->flow->noun, poll->id,
             (guint)MIN ((gint64)poll->interval_ms, left_ms));
  /* A timer, no thread; the transfer's easy handle is back in the pool. */
  authenta_wait_async (MIN ((gint64)poll->interval_ms, left_ms),
                       g_task_get_cancellable (task), on_poll_wait_over,
                       g_object_ref (task));
}

static void
poll_next (GTask *task)
{
  AuthentaClient *self = g_task_get_source_object (task);
  Poll *poll = g_task_get_task_data (task);

  /* A poll that hangs (or retries) may not outlast the wait's bound. */
  authenta_client_get_record_async (
      self, poll->flow, poll->id,
      poll->deadline == G_MAXINT64 ? 0 : poll->deadline,
      g_task_get_cancellable (task), on_polled, g_object_ref (task));
}

void
authenta_client_poll_async (AuthentaClient *self, const AuthentaPollFlow *flow,
                            const char *id, const char *task_name,
                            AuthentaProgressFunc progress,
                            gpointer progress_data, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  Poll *poll = g_new0 (Poll, 1);

  g_task_set_source_tag (task, authenta_client_poll_async);
  g_task_set_task_data (task, poll, (GDestroyNotify)poll_free);
  poll->flow = flow;
  poll->id = g_strdup (id);
  poll->loop = authenta_http_loop_get (g_task_get_context (task));
  poll->progress = progress;
  poll->progress_data = progress_data;

  g_mutex_lock (&self->lock);
  poll->schedule.first_ms = self->poll_interval_ms;
  poll->schedule.growth = self->poll_growth;
  poll->schedule.max_ms = self->poll_max_interval_ms;
  poll->schedule.fast_ms = self->poll_fast_period_ms;
  poll->timeout_ms = self->poll_timeout_ms;
  poll->seen_timeout_ms = self->upload_seen_timeout_ms;
  g_mutex_unlock (&self->lock);

  poll->start = g_get_monotonic_time ();
  poll->deadline = poll->timeout_ms
                       ? poll->start + (gint64)poll->timeout_ms * 1000
                       : G_MAXINT64;
  if (flow->bounded_by_task)
    poll_bound_by_task (self, poll, task_name);
  poll_next (task);
}

AuthentaMedia *
authenta_client_poll_finish (AuthentaClient *self, GAsyncResult *result,
                             GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

AuthentaMedia *
authenta_client_poll (AuthentaClient *self, const AuthentaPollFlow *flow,
                      const char *id, AuthentaProgressFunc progress,
                      gpointer progress_data, GCancellable *cancellable,
                      GError **error)
{
  AuthentaSync sync;
  AuthentaMedia *media;

  authenta_sync_begin (&sync);
  authenta_client_poll_async (self, flow, id, NULL, progress, progress_data,
                              cancellable, authenta_sync_done, &sync);
  media = authenta_client_poll_finish (self, authenta_sync_wait (&sync), error);
  authenta_sync_end (&sync);
  return media;
}
