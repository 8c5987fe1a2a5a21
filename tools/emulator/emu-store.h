/* authenta-emulator: the media records, their uploads and verdicts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-signer.h"

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define EMU_STORE_ERROR (emu_store_error_quark ())
typedef enum
{
  EMU_STORE_ERROR_INSUFFICIENT_BALANCE,
  EMU_STORE_ERROR_NOT_FOUND,
} EmuStoreError;
GQuark emu_store_error_quark (void);

/* The settings POST /_emulator/config changes; -1 in a field of an update
 * leaves it alone.  intermediate_status: a non-terminal status a record
 * shows for the last two thirds of its processing time (see
 * emu_intermediate_status_is_valid()); in an update NULL leaves it alone
 * and "" turns it off; in emu_store_new() NULL or "" is off.  The store
 * keeps its own copy. */
typedef struct
{
  gint64 balance;
  gint64 processing_time_ms;
  gint64 upload_expiry;
  const char *intermediate_status;
} EmuStoreConfig;

#define EMU_TYPE_STORE (emu_store_get_type ())
G_DECLARE_FINAL_TYPE (EmuStore, emu_store, EMU, STORE, GObject)

EmuStore *emu_store_new (const char *storage_dir, EmuSigner *signer,
                         const EmuStoreConfig *config);
void emu_store_set_root_url (EmuStore *store, const char *root_url);
void emu_store_configure (EmuStore *store, const EmuStoreConfig *config);
void emu_store_clear (EmuStore *store);

gboolean emu_mid_is_valid (const char *mid);
/* 1 to 32 of [A-Za-z0-9_-], and not a status that ends polling (PROCESSED,
 * FAILED, ERROR, in any case). */
gboolean emu_intermediate_status_is_valid (const char *status);

JsonNode *emu_store_create (EmuStore *store, const char *name,
                            const char *content_type, gint64 size,
                            const char *model_type, JsonNode *metadata,
                            GError **error);
JsonNode *emu_store_get (EmuStore *store, const char *mid);
JsonNode *emu_store_list (EmuStore *store, guint limit, guint offset);
gboolean emu_store_delete (EmuStore *store, const char *mid);

/* Uploads: the body goes to a fresh part file; a complete upload is
 * committed (renamed into place, processing starts), anything else is
 * abandoned (the part file is removed). */
char *emu_store_new_part_path (EmuStore *store, const char *mid);
gboolean emu_store_commit_upload (EmuStore *store, const char *mid,
                                  const char *part_path, const char *etag);

/* What the verdict's pre-signed links serve. */
char *emu_store_dup_media_path (EmuStore *store, const char *mid);
char *emu_store_dup_result (EmuStore *store, const char *mid);

G_END_DECLS
