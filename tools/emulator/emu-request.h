/* authenta-emulator: one HTTP request as the handlers see it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-faults.h"
#include "emu-server.h"

#include <glib.h>
#include <microhttpd.h>

G_BEGIN_DECLS

typedef struct _EmuUpload EmuUpload;

typedef struct
{
  EmuServer *server;
  struct MHD_Connection *connection;
  char *method;
  char *path; /* never with its query: that is what the log shows */
  gint64 start_us;

  EmuRoute route;  /* counted in the stats; EMU_ROUTE_NONE otherwise */
  EmuFault *fault; /* the fault this request consumed, or NULL */
  gboolean s3;     /* under /s3/: handled by emu-upload.c */

  gboolean answered;
  gboolean logged;

  GString *body; /* API and control requests: the (small) body */
  gboolean body_too_large;

  EmuUpload *upload;
} EmuRequest;

const char *emu_request_header (EmuRequest *req, const char *name);
const char *emu_request_query (EmuRequest *req, const char *name);

/* Queue @response (consumed) with @status, and write the log line first,
 * so that a client that has its answer finds the line already written.
 * @note, if any, is appended to the log line in parentheses. */
void emu_request_answer (EmuRequest *req, guint status,
                         struct MHD_Response *response, const char *note);
/* The log line of a request that got no (complete) answer. */
void emu_request_log (EmuRequest *req, guint status, const char *note);

G_END_DECLS
