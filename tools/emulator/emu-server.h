/* authenta-emulator: the HTTP server, request routing and the request log.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-faults.h"
#include "emu-signer.h"
#include "emu-store.h"

#include <glib-object.h>
#include <microhttpd.h>

G_BEGIN_DECLS

typedef enum
{
  EMU_PERM_READ = 1 << 0,
  EMU_PERM_WRITE = 1 << 1,
  EMU_PERM_DELETE = 1 << 2,
  EMU_PERM_ALL = 7,
} EmuPerms;

#define EMU_TYPE_SERVER (emu_server_get_type ())
G_DECLARE_FINAL_TYPE (EmuServer, emu_server, EMU, SERVER, GObject)

/* @keys: key → GUINT_TO_POINTER (EmuPerms); the server keeps a
 * reference.  @initial: the command line's settings, which a reset
 * restores. */
EmuServer *emu_server_new (EmuStore *store, EmuFaults *faults,
                           EmuSigner *signer, GHashTable *keys,
                           const EmuStoreConfig *initial);
#define EMU_SERVER_DEFAULT_HEADER_TIMEOUT 10
#define EMU_SERVER_DEFAULT_PER_IP_LIMIT 64

/* Before start: close a connection idle @header_timeout seconds before its
 * request's headers are complete (default 10); accept at most
 * @per_ip_limit connections at a time from one client address, 0 for no
 * limit (default 64). */
void emu_server_set_limits (EmuServer *server, guint header_timeout,
                            guint per_ip_limit);
/* @idle_timeout: seconds a connection may be idle once its request's
 * headers are in (a stalled upload). */
gboolean emu_server_start (EmuServer *server, guint port, guint idle_timeout,
                           GError **error);
void emu_server_stop (EmuServer *server);
const char *emu_server_get_root_url (EmuServer *server);

EmuStore *emu_server_get_store (EmuServer *server);
EmuFaults *emu_server_get_faults (EmuServer *server);
EmuSigner *emu_server_get_signer (EmuServer *server);

/* FALSE and *perms untouched when the key is unknown. */
gboolean emu_server_lookup_key (EmuServer *server, const char *key,
                                EmuPerms *perms);
void emu_server_reset (EmuServer *server);
/* Waits @ms, or less if the server stops; FALSE if it stopped. */
gboolean emu_server_sleep (EmuServer *server, guint ms);

G_END_DECLS
