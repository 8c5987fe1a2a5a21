/* authenta-emulator: injected faults and per-route request counters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  EMU_ROUTE_NONE = -1,
  EMU_ROUTE_CREATE,
  EMU_ROUTE_LIST,
  EMU_ROUTE_GET,
  EMU_ROUTE_DELETE,
  EMU_ROUTE_UPLOAD,
  /* The Jobs API (/api/v1/jobs). */
  EMU_ROUTE_JOB_CREATE,
  EMU_ROUTE_JOB_LIST,
  EMU_ROUTE_JOB_GET,
  EMU_ROUTE_JOB_FINALIZE,
  EMU_ROUTE_JOB_CANCEL,
  EMU_ROUTE_JOB_DELETE,
  EMU_N_ROUTES
} EmuRoute;

typedef enum
{
  EMU_FAULT_STATUS,
  EMU_FAULT_DELAY,
  EMU_FAULT_DROP,
  EMU_FAULT_TRUNCATE,
  EMU_FAULT_MALFORMED,
  EMU_FAULT_WRONG_TYPE,
  EMU_FAULT_OVERSIZE,
  EMU_FAULT_EXPIRE,
  EMU_FAULT_NO_TOTAL,
  EMU_FAULT_BODY,
} EmuFaultAction;

typedef struct
{
  EmuFaultAction action;
  guint status;       /* for EMU_FAULT_STATUS and EMU_FAULT_BODY */
  char *code;         /* NULL: the default for the status */
  char *message;      /* NULL: the default for the status */
  gint retry_after;   /* seconds, -1: no Retry-After header */
  guint delay_ms;     /* waited before answering, whatever the action */
  char *body;         /* for EMU_FAULT_BODY: the answer's raw text */
  char *content_type; /* for EMU_FAULT_BODY: never NULL there */
} EmuFault;

const char *emu_fault_action_name (EmuFaultAction action);
EmuFault *emu_fault_copy (const EmuFault *fault);
void emu_fault_free (EmuFault *fault);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuFault, emu_fault_free)

#define EMU_TYPE_FAULTS (emu_faults_get_type ())
G_DECLARE_FINAL_TYPE (EmuFaults, emu_faults, EMU, FAULTS, GObject)

EmuFaults *emu_faults_new (void);
gboolean emu_faults_add_from_json (EmuFaults *faults, JsonNode *node,
                                   GError **error);
EmuFault *emu_faults_hit (EmuFaults *faults, EmuRoute route);
JsonNode *emu_faults_dup_stats (EmuFaults *faults);
void emu_faults_reset (EmuFaults *faults);

G_END_DECLS
