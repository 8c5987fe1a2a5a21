/* authenta-emulator: the media records, their uploads and verdicts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-signer.h"
#include "emu-tasks.h"

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

/* The Jobs API.  A job's upload goes through the same S3 endpoint (and
 * emu_store_commit_upload()) as a record's, under a mid-shaped key. */
typedef enum
{
  EMU_JOB_OK,
  EMU_JOB_NOT_FOUND,
  EMU_JOB_NOT_UPLOADED,      /* finalize before the upload */
  EMU_JOB_ALREADY_FINALIZED, /* finalize twice */
  EMU_JOB_CANCELLED,         /* finalize after cancel; cancel twice */
  EMU_JOB_TOO_LATE,          /* cancel once processing or done */
} EmuJobOutcome;

/* One of created, waiting_for_finalize, queued, processing, completed,
 * failed, cancelled. */
gboolean emu_job_status_is_known (const char *status);

JsonNode *emu_store_create_job (EmuStore *store, const EmuTask *task,
                                const char *slot_name, const char *file_name,
                                const char *content_type, gint64 size,
                                JsonNode *parameters, GError **error);
JsonNode *emu_store_get_job (EmuStore *store, gint64 id);
/* @page from 1; @status NULL: any. */
JsonNode *emu_store_list_jobs (EmuStore *store, guint page, guint limit,
                               const char *status);
/* *answer set on EMU_JOB_OK. */
EmuJobOutcome emu_store_finalize_job (EmuStore *store, gint64 id,
                                      JsonNode **answer);
EmuJobOutcome emu_store_cancel_job (EmuStore *store, gint64 id,
                                    JsonNode **answer);
gboolean emu_store_delete_job (EmuStore *store, gint64 id);

G_END_DECLS
