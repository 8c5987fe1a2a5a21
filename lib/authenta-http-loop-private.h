/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <curl/curl.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* One curl multi handle per GMainContext, driven by that context: curl's
 * sockets are watched by a GSource attached to it, curl's timer is the
 * source's ready time (libcurl's docs/examples/ghiper.c).  Every transfer
 * started from a context runs on its loop, in the thread that iterates the
 * context; no thread of its own.  The multi is only touched by a thread
 * that owns the context (from the loop's source, or inside
 * g_main_context_invoke()), so loops need no lock of their own. */
typedef struct _AuthentaHttpLoop AuthentaHttpLoop;

/* Called in the loop's context when a transfer ends (the easy handle is
 * already out of the multi). */
typedef void (*AuthentaHttpLoopDoneFunc) (CURL *easy, CURLcode result,
                                          gpointer user_data);

/* The loop of context (NULL: the global default), made on first use; a new
 * reference.  Loops live while referenced: an operation holds its loop for
 * its whole life, so the connections it opened stay open between polls. */
G_GNUC_INTERNAL
AuthentaHttpLoop *authenta_http_loop_get (GMainContext *context);
G_GNUC_INTERNAL
AuthentaHttpLoop *authenta_http_loop_ref (AuthentaHttpLoop *loop);
G_GNUC_INTERNAL
void authenta_http_loop_unref (AuthentaHttpLoop *loop);
G_GNUC_INTERNAL
GMainContext *authenta_http_loop_get_context (AuthentaHttpLoop *loop);

/* Starts a transfer (the caller owns the context).  done is called once,
 * unless the transfer is removed first. */
G_GNUC_INTERNAL
gboolean authenta_http_loop_add (AuthentaHttpLoop *loop, CURL *easy,
                                 AuthentaHttpLoopDoneFunc done,
                                 gpointer user_data);
/* Ends a transfer at once, without calling done (closing its connection
 * if it was under way). */
G_GNUC_INTERNAL
void authenta_http_loop_remove (AuthentaHttpLoop *loop, CURL *easy);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AuthentaHttpLoop, authenta_http_loop_unref)

/* Blocking calls run the asynchronous machinery on a context private to
 * the calling thread (the GNOME way: push it as thread default, iterate it
 * until the operation is done), never on the caller's own context, which
 * may belong to a main loop the call would otherwise re-enter. */
typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
  gboolean nested;
} AuthentaSync;

/* Pushes the thread's private context (a fresh one when a blocking call
 * is made from inside another's callbacks). */
G_GNUC_INTERNAL
void authenta_sync_begin (AuthentaSync *sync);
/* The GAsyncReadyCallback to give the _async call, with sync as data. */
G_GNUC_INTERNAL
void authenta_sync_done (GObject *source, GAsyncResult *result,
                         gpointer user_data);
/* Iterates the context until the operation is done; its result (owned by
 * sync until authenta_sync_end()). */
G_GNUC_INTERNAL
GAsyncResult *authenta_sync_wait (AuthentaSync *sync);
/* Pops the context. */
G_GNUC_INTERNAL
void authenta_sync_end (AuthentaSync *sync);

/* Waits ms milliseconds on the thread-default context with a timer source
 * (no thread), or less if cancellable is cancelled: then the finish is
 * FALSE with G_IO_ERROR_CANCELLED. */
G_GNUC_INTERNAL
void authenta_wait_async (guint64 ms, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
G_GNUC_INTERNAL
gboolean authenta_wait_finish (GAsyncResult *result, GError **error);

/* A GCancellable watched for a main context: @func (@data) runs in
 * @context once @cancellable is cancelled (from an idle, also if it is
 * already), unless the watch is stopped first; never after
 * authenta_cancel_watch_stop() returns, whichever thread cancels.  Used
 * instead of g_cancellable_source_new(), whose source GLib 2.74 loses when
 * another thread cancels while it is being destroyed.  @notify frees @data
 * when the watch is stopped. */
typedef struct _AuthentaCancelWatch AuthentaCancelWatch;

G_GNUC_INTERNAL
AuthentaCancelWatch *authenta_cancel_watch_new (GCancellable *cancellable,
                                                GMainContext *context,
                                                GSourceFunc func, gpointer data,
                                                GDestroyNotify notify);
/* Stops and frees the watch (NULL: nothing). */
G_GNUC_INTERNAL
void authenta_cancel_watch_stop (AuthentaCancelWatch *watch);

G_END_DECLS
