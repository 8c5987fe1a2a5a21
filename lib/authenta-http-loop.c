/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* AuthentaHttpLoop: curl's multi interface driven by a GMainContext, the
 * pattern of libcurl's docs/examples/ghiper.c, with one GSource per loop
 * watching every socket curl asks for (g_source_add_unix_fd()) and
 * standing for curl's timer (its ready time).  Also the private context
 * of blocking calls, and the timer wait. */
#include "config-private.h"

#include "authenta-http-loop-private.h"

/* Simultaneous connections per loop: 1,000 scans at once queue their
 * requests inside curl rather than open 1,000 connections (and buffers). */
#define MAX_TOTAL_CONNECTIONS 32
/* Idle connections a thread's private loop keeps (see authenta_sync_begin). */
#define SYNC_MAX_IDLE_CONNECTIONS 2

typedef struct
{
  curl_socket_t fd;
  gpointer tag; /* of g_source_add_unix_fd() */
} Watch;

typedef struct
{
  AuthentaHttpLoopDoneFunc done;
  gpointer user_data;
} Pending;

/* The loop is its own GSource: a dispatch under way in the context's
 * thread holds GLib's reference to it, so its multi handle is cleaned up
 * (in the source's finalize) only once no dispatch can touch it, whichever
 * thread lets go of the loop last. */
struct _AuthentaHttpLoop
{
  GSource source;
  guint refs; /* the operations', under loops_lock */
  GMainContext *context;
  CURLM *multi;
  GHashTable *pending; /* CURL* -> Pending* */
  GHashTable *watches; /* GINT_TO_POINTER (fd) -> Watch* */
  /* In the source's finalize: curl's last callbacks (the closing of its
   * idle connections) must not touch the source any more. */
  gboolean finalizing;
};

static GMutex loops_lock;
static GHashTable *loops; /* GMainContext* -> AuthentaHttpLoop*, no refs */

static int
on_socket (CURL *easy, curl_socket_t fd, int what, void *user_data,
           void *socket_data)
{
  AuthentaHttpLoop *loop = user_data;
  Watch *watch = socket_data;
  GIOCondition events = 0;

  if (loop->finalizing)
    return 0;
  if (what == CURL_POLL_REMOVE)
    {
      if (watch)
        {
          g_source_remove_unix_fd (&loop->source, watch->tag);
          g_hash_table_remove (loop->watches, GINT_TO_POINTER (fd));
          curl_multi_assign (loop->multi, fd, NULL);
        }
      return 0;
    }
  if (what & CURL_POLL_IN)
    events |= G_IO_IN | G_IO_HUP | G_IO_ERR;
  if (what & CURL_POLL_OUT)
    events |= G_IO_OUT | G_IO_ERR;
  if (watch == NULL)
    {
      watch = g_new0 (Watch, 1);
      watch->fd = fd;
      watch->tag = g_source_add_unix_fd (&loop->source, fd, events);
      g_hash_table_insert (loop->watches, GINT_TO_POINTER (fd), watch);
      curl_multi_assign (loop->multi, fd, watch);
    }
  else
    g_source_modify_unix_fd (&loop->source, watch->tag, events);
  return 0;
}

static int
on_timer (CURLM *multi, long timeout_ms, void *user_data)
{
  AuthentaHttpLoop *loop = user_data;

  /* Never act from here (ghiper.c): the source's dispatch will. */
  if (loop->finalizing)
    return 0;
  if (timeout_ms < 0)
    g_source_set_ready_time (&loop->source, -1);
  else
    g_source_set_ready_time (&loop->source,
                             g_get_monotonic_time () + timeout_ms * 1000);
  return 0;
}

/* Hands the transfers that ended to their owners.  Their callbacks may
 * start new transfers (a retry): they run outside curl's own calls. */
static void
collect_done (AuthentaHttpLoop *loop)
{
  CURLMsg *msg;
  int left;

  while ((msg = curl_multi_info_read (loop->multi, &left)) != NULL)
    {
      CURL *easy = msg->easy_handle;
      CURLcode result = msg->data.result;
      Pending *pending;

      if (msg->msg != CURLMSG_DONE)
        continue;
      pending = g_hash_table_lookup (loop->pending, easy);
      curl_multi_remove_handle (loop->multi, easy);
      if (pending == NULL)
        continue;
      g_hash_table_steal (loop->pending, easy);
      pending->done (easy, result, pending->user_data);
      g_free (pending);
    }
}

static gboolean
loop_dispatch (GSource *source, GSourceFunc callback, gpointer user_data)
{
  AuthentaHttpLoop *loop = (AuthentaHttpLoop *)source;
  gint64 ready = g_source_get_ready_time (source);
  g_autoptr (GArray) ready_fds = g_array_new (FALSE, FALSE, sizeof (Watch));
  GHashTableIter iter;
  Watch *watch;
  int running;

  /* A done callback may drop the last reference of an operation, and
   * with it the loop's: it stays until this dispatch is over. */
  authenta_http_loop_ref (loop);
  if (ready >= 0 && g_get_monotonic_time () >= ready)
    {
      g_source_set_ready_time (source, -1);
      curl_multi_socket_action (loop->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
  /* Collected first: acting on one socket may add or remove others. */
  g_hash_table_iter_init (&iter, loop->watches);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&watch))
    if (g_source_query_unix_fd (source, watch->tag) != 0)
      g_array_append_val (ready_fds, *watch);
  for (guint i = 0; i < ready_fds->len; i++)
    {
      Watch *w = &g_array_index (ready_fds, Watch, i);
      Watch *now = g_hash_table_lookup (loop->watches, GINT_TO_POINTER (w->fd));
      GIOCondition cond;
      int action = 0;

      if (now == NULL || now->tag != w->tag)
        continue;
      cond = g_source_query_unix_fd (source, w->tag);
      if (cond & (G_IO_IN | G_IO_HUP))
        action |= CURL_CSELECT_IN;
      if (cond & G_IO_OUT)
        action |= CURL_CSELECT_OUT;
      if (cond & G_IO_ERR)
        action |= CURL_CSELECT_ERR;
      if (action)
        curl_multi_socket_action (loop->multi, w->fd, action, &running);
    }
  collect_done (loop);
  authenta_http_loop_unref (loop);
  return G_SOURCE_CONTINUE;
}

static void
loop_finalize (GSource *source)
{
  AuthentaHttpLoop *loop = (AuthentaHttpLoop *)source;

  /* No operation holds the loop: no transfer is left in it. */
  g_warn_if_fail (g_hash_table_size (loop->pending) == 0);
  loop->finalizing = TRUE;
  curl_multi_cleanup (loop->multi);
  g_hash_table_unref (loop->watches);
  g_hash_table_unref (loop->pending);
}

static GSourceFuncs loop_source_funcs = {
  .dispatch = loop_dispatch,
  .finalize = loop_finalize,
};

static void
pending_free (gpointer data)
{
  g_free (data);
}

AuthentaHttpLoop *
authenta_http_loop_get (GMainContext *context)
{
  AuthentaHttpLoop *loop;

  if (context == NULL)
    context = g_main_context_default ();
  g_mutex_lock (&loops_lock);
  if (loops == NULL)
    loops = g_hash_table_new (NULL, NULL);
  loop = g_hash_table_lookup (loops, context);
  if (loop != NULL)
    {
      loop->refs++;
      g_mutex_unlock (&loops_lock);
      return loop;
    }
  loop = (AuthentaHttpLoop *)g_source_new (&loop_source_funcs,
                                           sizeof (AuthentaHttpLoop));
  loop->refs = 1;
  loop->context = g_main_context_ref (context);
  loop->pending = g_hash_table_new_full (NULL, NULL, NULL, pending_free);
  loop->watches = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  loop->multi = curl_multi_init ();
  curl_multi_setopt (loop->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt (loop->multi, CURLMOPT_SOCKETDATA, loop);
  curl_multi_setopt (loop->multi, CURLMOPT_TIMERFUNCTION, on_timer);
  curl_multi_setopt (loop->multi, CURLMOPT_TIMERDATA, loop);
  curl_multi_setopt (loop->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                     (long)MAX_TOTAL_CONNECTIONS);
  curl_multi_setopt (loop->multi, CURLMOPT_MAXCONNECTS,
                     (long)MAX_TOTAL_CONNECTIONS);
  g_source_set_name (&loop->source, "authenta http loop");
  g_source_attach (&loop->source, context);
  g_hash_table_insert (loops, context, loop);
  g_mutex_unlock (&loops_lock);
  return loop;
}

AuthentaHttpLoop *
authenta_http_loop_ref (AuthentaHttpLoop *loop)
{
  g_mutex_lock (&loops_lock);
  loop->refs++;
  g_mutex_unlock (&loops_lock);
  return loop;
}

void
authenta_http_loop_unref (AuthentaHttpLoop *loop)
{
  GMainContext *context;

  if (loop == NULL)
    return;
  g_mutex_lock (&loops_lock);
  if (--loop->refs > 0)
    {
      g_mutex_unlock (&loops_lock);
      return;
    }
  g_hash_table_remove (loops, loop->context);
  g_mutex_unlock (&loops_lock);

  context = loop->context;
  g_source_destroy (&loop->source);
  g_source_unref (&loop->source);
  g_main_context_unref (context);
}

GMainContext *
authenta_http_loop_get_context (AuthentaHttpLoop *loop)
{
  return loop->context;
}

gboolean
authenta_http_loop_add (AuthentaHttpLoop *loop, CURL *easy,
                        AuthentaHttpLoopDoneFunc done, gpointer user_data)
{
  Pending *pending = g_new (Pending, 1);

  pending->done = done;
  pending->user_data = user_data;
  if (curl_multi_add_handle (loop->multi, easy) != CURLM_OK)
    {
      g_free (pending);
      return FALSE;
    }
  g_hash_table_insert (loop->pending, easy, pending);
  return TRUE;
}

void
authenta_http_loop_remove (AuthentaHttpLoop *loop, CURL *easy)
{
  g_hash_table_remove (loop->pending, easy);
  curl_multi_remove_handle (loop->multi, easy);
}

/* The private context of blocking calls, one per thread and kept, so that
 * a thread's successive calls (a polling loop) reuse its loop's open
 * connections. */
typedef struct
{
  GMainContext *context;
  AuthentaHttpLoop *loop;
  guint depth;
} SyncContext;

static void
sync_context_free (gpointer data)
{
  SyncContext *sc = data;

  authenta_http_loop_unref (sc->loop);
  g_main_context_unref (sc->context);
  g_free (sc);
}

static GPrivate sync_context = G_PRIVATE_INIT (sync_context_free);

void
authenta_sync_begin (AuthentaSync *sync)
{
  SyncContext *sc = g_private_get (&sync_context);

  if (sc == NULL)
    {
      sc = g_new0 (SyncContext, 1);
      sc->context = g_main_context_new ();
      sc->loop = authenta_http_loop_get (sc->context);
      /* One thread's blocking calls run one at a time: a connection or
       * two kept open is enough, and threads that made a call once do not
       * each hold many open at the server. */
      curl_multi_setopt (sc->loop->multi, CURLMOPT_MAXCONNECTS,
                         (long)SYNC_MAX_IDLE_CONNECTIONS);
      g_private_set (&sync_context, sc);
    }
  sync->result = NULL;
  /* A blocking call from a callback of another one (its loop's source is
   * dispatching and cannot recurse): a context of its own. */
  sync->nested = sc->depth > 0;
  sync->context
      = sync->nested ? g_main_context_new () : g_main_context_ref (sc->context);
  if (!sync->nested)
    sc->depth++;
  g_main_context_push_thread_default (sync->context);
}

void
authenta_sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AuthentaSync *sync = user_data;

  sync->result = g_object_ref (result);
}

GAsyncResult *
authenta_sync_wait (AuthentaSync *sync)
{
  while (sync->result == NULL)
    g_main_context_iteration (sync->context, TRUE);
  return sync->result;
}

void
authenta_sync_end (AuthentaSync *sync)
{
  SyncContext *sc = g_private_get (&sync_context);

  /* What the call left ready (its task's last references, a cancel seen
   * after its result) is let go now, in this thread, rather than when the
   * thread ends. */
  while (g_main_context_iteration (sync->context, FALSE))
    ;
  g_main_context_pop_thread_default (sync->context);
  if (!sync->nested)
    sc->depth--;
  g_main_context_unref (sync->context);
  g_clear_object (&sync->result);
}

struct _AuthentaCancelWatch
{
  gatomicrefcount ref;
  /* Held while @func runs and while stopping: a stop from another thread
   * waits for a call under way; a stop from @func itself goes through. */
  GRecMutex lock;
  gboolean stopped;
  GMainContext *context;
  GSourceFunc func;
  gpointer data;
  GDestroyNotify notify;
  GCancellable *cancellable;
  gulong handler;
};

static AuthentaCancelWatch *
cancel_watch_ref (AuthentaCancelWatch *w)
{
  g_atomic_ref_count_inc (&w->ref);
  return w;
}

static void
cancel_watch_unref (gpointer data)
{
  AuthentaCancelWatch *w = data;

  if (!g_atomic_ref_count_dec (&w->ref))
    return;
  g_rec_mutex_clear (&w->lock);
  g_main_context_unref (w->context);
  g_clear_object (&w->cancellable);
  g_free (w);
}

static gboolean
cancel_watch_dispatch (gpointer data)
{
  AuthentaCancelWatch *w = data;

  g_rec_mutex_lock (&w->lock);
  if (!w->stopped)
    w->func (w->data);
  g_rec_mutex_unlock (&w->lock);
  return G_SOURCE_REMOVE;
}

/* In whichever thread cancels: only an idle for the watch's context. */
static void
on_watch_cancelled (GCancellable *cancellable, gpointer data)
{
  AuthentaCancelWatch *w = data;
  GSource *idle = g_idle_source_new ();

  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, cancel_watch_dispatch, cancel_watch_ref (w),
                         cancel_watch_unref);
  g_source_attach (idle, w->context);
  g_source_unref (idle);
}

AuthentaCancelWatch *
authenta_cancel_watch_new (GCancellable *cancellable, GMainContext *context,
                           GSourceFunc func, gpointer data,
                           GDestroyNotify notify)
{
  AuthentaCancelWatch *w = g_new0 (AuthentaCancelWatch, 1);

  g_atomic_ref_count_init (&w->ref);
  g_rec_mutex_init (&w->lock);
  w->context = g_main_context_ref (context);
  w->func = func;
  w->data = data;
  w->notify = notify;
  w->cancellable = g_object_ref (cancellable);
  /* Already cancelled: called at once, in this thread (an idle, then). */
  w->handler
      = g_cancellable_connect (cancellable, G_CALLBACK (on_watch_cancelled),
                               cancel_watch_ref (w), cancel_watch_unref);
  return w;
}

void
authenta_cancel_watch_stop (AuthentaCancelWatch *w)
{
  gpointer data;

  if (w == NULL)
    return;
  g_rec_mutex_lock (&w->lock);
  w->stopped = TRUE;
  data = g_steal_pointer (&w->data);
  g_rec_mutex_unlock (&w->lock);
  /* Waits for a handler under way in another thread; none comes after. */
  g_cancellable_disconnect (w->cancellable, w->handler);
  if (w->notify && data)
    w->notify (data);
  cancel_watch_unref (w);
}

/* The wait: a timer and the cancellable, whichever comes first. */
typedef struct
{
  GSource *timer;
  AuthentaCancelWatch *cancel;
  gboolean over;
} Wait;

static void
wait_free (Wait *wait)
{
  if (wait->timer)
    g_source_destroy (wait->timer);
  g_clear_pointer (&wait->timer, g_source_unref);
  g_clear_pointer (&wait->cancel, authenta_cancel_watch_stop);
  g_free (wait);
}

static gboolean
on_wait_over (gpointer user_data)
{
  g_autoptr (GTask) task = g_object_ref (user_data);
  Wait *wait = g_task_get_task_data (task);
  GError *error = NULL;

  if (wait->over)
    return G_SOURCE_REMOVE;
  wait->over = TRUE;
  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task),
                                            &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  /* The other one must not fire too; stopping both drops their
   * references to the task. */
  if (wait->timer)
    g_source_destroy (wait->timer);
  g_clear_pointer (&wait->cancel, authenta_cancel_watch_stop);
  return G_SOURCE_REMOVE;
}

void
authenta_wait_async (guint64 ms, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GMainContext *context = g_task_get_context (task);
  Wait *wait = g_new0 (Wait, 1);

  g_task_set_source_tag (task, authenta_wait_async);
  g_task_set_task_data (task, wait, (GDestroyNotify)wait_free);
  if (g_cancellable_is_cancelled (cancellable))
    {
      on_wait_over (task);
      g_object_unref (task);
      return;
    }
  /* Each source holds the task; the first to fire completes it and
   * destroys both. */
  wait->timer = g_timeout_source_new (MIN (ms, G_MAXUINT));
  g_source_set_callback (wait->timer, on_wait_over, task, g_object_unref);
  g_source_attach (wait->timer, context);
  if (cancellable)
    {
      wait->cancel
          = authenta_cancel_watch_new (cancellable, context, on_wait_over,
                                       g_object_ref (task), g_object_unref);
    }
}

gboolean
authenta_wait_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
