/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the files of AuthentaClient share: the instance and the helpers
 * every call goes through.  authenta-client.c holds the object, its
 * properties and the API calls; authenta-client-upload.c the upload;
 * authenta-client-access.c the start-time set-up check. */
#include <authenta/authenta-client.h>

#include "authenta-http-private.h"

G_BEGIN_DECLS

struct _AuthentaClient
{
  GObject parent_instance;

  char *base_url; /* validated, without a trailing slash */
  char *api_key;
  gboolean allow_insecure;
  char *ca_file;
  AuthentaHttp *http;

  /* The policies may be changed from any thread; each call works on a
   * copy taken under the lock when it starts. */
  GMutex lock;
  AuthentaHttpPolicy policy;
  guint poll_interval_ms;
  double poll_growth;
  guint poll_max_interval_ms;
  guint poll_timeout_ms;
  guint upload_seen_timeout_ms;
};

/* FALSE, with an error, for a client that was never initialised. */
G_GNUC_INTERNAL
gboolean authenta_client_check_ready (AuthentaClient *self, GError **error);
/* A copy of the HTTP policy, taken under the lock. */
G_GNUC_INTERNAL
AuthentaHttpPolicy authenta_client_get_policy (AuthentaClient *self);
/* FALSE, with INVALID_ARGUMENT, for more than storage takes in one PUT. */
G_GNUC_INTERNAL
gboolean authenta_client_check_size (guint64 size, const char *mid,
                                     GError **error);
/* The one rule for where anything is sent: https, or plain http to a
 * loopback host or with allow-insecure. */
G_GNUC_INTERNAL
gboolean authenta_client_transport_is_private (AuthentaClient *self,
                                               const char *scheme,
                                               const char *host);
/* An API call (bearer token, JSON body) under the given policy; a
 * NO_SERVICE error names the base URL.  See authenta_http_send(). */
G_GNUC_INTERNAL
gboolean authenta_client_api_call (AuthentaClient *self,
                                   const AuthentaHttpPolicy *policy,
                                   const char *method, const char *url,
                                   const char *body, const char *mid,
                                   AuthentaHttpResponse *response,
                                   GCancellable *cancellable, GError **error);
/* One page of GET /media under policy (NULL: the client's); *out_total is
 * the service's total, -1 when it sent none, and *out_limit (optional) the
 * page size it says it used, 0 when it said none. */
G_GNUC_INTERNAL
GPtrArray *authenta_client_list_page (AuthentaClient *self,
                                      const AuthentaHttpPolicy *policy,
                                      guint limit, guint offset,
                                      gint64 *out_total, guint *out_limit,
                                      GCancellable *cancellable,
                                      GError **error);
/* After a create whose answer was lost: deletes the INITED records with
 * this name, type and size among the newest, made no earlier than
 * not_before (unix s; 0: any).  FALSE with error when they cannot be
 * listed.  See authenta-client.c. */
G_GNUC_INTERNAL
gboolean authenta_client_reclaim_lost_create (
    AuthentaClient *self, const char *name, const char *content_type,
    guint64 size, gint64 not_before, GCancellable *cancellable, GError **error);
/* Deletes a record this client made and gives up on; best effort. */
G_GNUC_INTERNAL
void authenta_client_delete_abandoned (AuthentaClient *self, const char *mid);

G_END_DECLS
