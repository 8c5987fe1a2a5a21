/* authenta-emulator: the media records, their uploads and verdicts.
 *
 * Records live in memory, guarded by one mutex (the server answers each
 * connection in its own thread); uploaded bodies live in the storage
 * folder.  A record's status is computed when it is read, from the time
 * its upload completed and the processing time then in force, so nothing
 * has to run in the background.  With an intermediate status configured,
 * a record is UPLOADED for the first third of its processing time and
 * shows that status for the rest, so that a client meets a non-terminal
 * status it does not know (vendor SDKs report PROCESSING) at a time a
 * test can count on.
 *
 * The verdict is deterministic, by the record's name (case-insensitive):
 * "fail" in the name ends in FAILED, "fake" in the name is judged fake,
 * anything else authentic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-store.h"

#include "emu-tasks.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#define LINK_EXPIRY 3600

/* A job of the Jobs API: a Record (keyed by a mid-shaped upload key, so
 * that the S3 endpoint serves it unchanged) with these fields set. */
typedef struct
{
  gint64 id;
  const EmuTask *task;
  char *slot_name;
  JsonNode *parameters;
  gint64 finalized_us;  /* 0: not finalized */
  gint64 processing_us; /* queued until then */
  gint64 done_us;
  gint64 cancelled_us; /* 0: not cancelled */
} Job;

typedef struct
{
  char *mid;
  char *name;
  char *content_type;
  char *model_type;
  gint64 size;
  gboolean video;
  JsonNode *metadata;
  gint64 created_us;

  gboolean uploaded;
  gint64 uploaded_us;
  gint64 intermediate_us; /* when @intermediate starts showing */
  gint64 done_us;
  char *intermediate; /* NULL: UPLOADED until done */
  char *etag;
  char *path;
  Job *job; /* NULL: a media record */
} Record;

struct _EmuStore
{
  GObject parent_instance;

  char *storage_dir;
  EmuSigner *signer;

  GMutex lock;
  char *root_url;
  EmuStoreConfig config;
  GHashTable *records;       /* mid → Record */
  GPtrArray *order;          /* Records, oldest first; borrowed from @records */
  GPtrArray *jobs;           /* job Records, oldest first; borrowed too */
  gint64 next_job_id;        /* never reset: an old id never names a new job */
  char *intermediate_status; /* NULL: none; config.intermediate_status unused */
};

G_DEFINE_FINAL_TYPE (EmuStore, emu_store, G_TYPE_OBJECT)

GQuark
emu_store_error_quark (void)
{
  return g_quark_from_static_string ("emu-store-error-quark");
}

static void
record_free (gpointer data)
{
  Record *r = data;

  g_free (r->mid);
  g_free (r->name);
  g_free (r->content_type);
  g_free (r->model_type);
  if (r->metadata)
    json_node_unref (r->metadata);
  g_free (r->intermediate);
  g_free (r->etag);
  g_free (r->path);
  if (r->job)
    {
      g_free (r->job->slot_name);
      if (r->job->parameters)
        json_node_unref (r->job->parameters);
      g_free (r->job);
    }
  g_free (r);
}

static void
emu_store_finalize (GObject *object)
{
  EmuStore *self = EMU_STORE (object);

  g_ptr_array_unref (self->order);
  g_ptr_array_unref (self->jobs);
  g_hash_table_unref (self->records);
  g_free (self->root_url);
  g_free (self->storage_dir);
  g_free (self->intermediate_status);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (emu_store_parent_class)->finalize (object);
}

static void
emu_store_class_init (EmuStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = emu_store_finalize;
}

static void
emu_store_init (EmuStore *self)
{
  g_mutex_init (&self->lock);
  self->records
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, record_free);
  self->order = g_ptr_array_new ();
  self->jobs = g_ptr_array_new ();
  self->next_job_id = 1;
  self->root_url = g_strdup ("http://127.0.0.1");
}

EmuStore *
emu_store_new (const char *storage_dir, EmuSigner *signer,
               const EmuStoreConfig *config)
{
  EmuStore *self = g_object_new (EMU_TYPE_STORE, NULL);

  self->storage_dir = g_strdup (storage_dir);
  self->signer = signer;
  self->config = *config;
  self->config.intermediate_status = NULL;
  if (config->intermediate_status && *config->intermediate_status)
    self->intermediate_status = g_strdup (config->intermediate_status);
  return self;
}

void
emu_store_set_root_url (EmuStore *self, const char *root_url)
{
  g_mutex_lock (&self->lock);
  g_free (self->root_url);
  self->root_url = g_strdup (root_url);
  g_mutex_unlock (&self->lock);
}

void
emu_store_configure (EmuStore *self, const EmuStoreConfig *config)
{
  g_mutex_lock (&self->lock);
  if (config->balance >= 0)
    self->config.balance = config->balance;
  if (config->processing_time_ms >= 0)
    self->config.processing_time_ms = config->processing_time_ms;
  if (config->upload_expiry >= 0)
    self->config.upload_expiry = config->upload_expiry;
  if (config->intermediate_status)
    {
      g_free (self->intermediate_status);
      self->intermediate_status = *config->intermediate_status
                                      ? g_strdup (config->intermediate_status)
                                      : NULL;
    }
  g_mutex_unlock (&self->lock);
}

void
emu_store_clear (EmuStore *self)
{
  GHashTableIter iter;
  gpointer value;

  g_mutex_lock (&self->lock);
  g_hash_table_iter_init (&iter, self->records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Record *r = value;

      if (r->path)
        g_unlink (r->path);
    }
  g_ptr_array_set_size (self->order, 0);
  g_ptr_array_set_size (self->jobs, 0);
  g_hash_table_remove_all (self->records);
  g_mutex_unlock (&self->lock);
}

gboolean
emu_mid_is_valid (const char *mid)
{
  if (mid == NULL || strlen (mid) != 24)
    return FALSE;
  for (const char *p = mid; *p; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

gboolean
emu_intermediate_status_is_valid (const char *status)
{
  static const char *const terminal[] = { "PROCESSED", "FAILED", "ERROR" };
  gsize len = status ? strlen (status) : 0;

  if (len == 0 || len > 32)
    return FALSE;
  for (const char *p = status; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  /* A client may compare without regard to case: keep clear of them all. */
  for (guint i = 0; i < G_N_ELEMENTS (terminal); i++)
    if (g_ascii_strcasecmp (status, terminal[i]) == 0)
      return FALSE;
  return TRUE;
}

static gboolean
name_has (const char *name, const char *word)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);

  return strstr (lower, word) != NULL;
}

static const char *
record_status (Record *r, gint64 now)
{
  if (!r->uploaded)
    return "INITED";
  if (now < r->done_us)
    return r->intermediate && now >= r->intermediate_us ? r->intermediate
                                                        : "UPLOADED";
  return name_has (r->name, "fail") ? "FAILED" : "PROCESSED";
}

static char *
iso8601 (gint64 us)
{
  time_t secs = (time_t)(us / G_USEC_PER_SEC);
  struct tm tm;
  char buf[32];

  gmtime_r (&secs, &tm);
  strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return g_strdup_printf ("%s.%03dZ", buf, (int)((us % G_USEC_PER_SEC) / 1000));
}

/* A pre-signed GET link to one of the record's objects; call locked. */
static char *
object_url (EmuStore *self, Record *r, const char *object)
{
  g_autofree char *path
      = g_strdup_printf (EMU_S3_PREFIX "%s/%s", r->mid, object);

  return emu_signer_presign (self->signer, self->root_url, "GET", path,
                             LINK_EXPIRY, NULL, NULL);
}

static void
add_verdict (EmuStore *self, JsonBuilder *b, Record *r)
{
  gboolean fake = name_has (r->name, "fake");
  g_autofree char *result_url = object_url (self, r, "result.json");
  g_autofree char *src_url = object_url (self, r, "original.media");

  if (r->video)
    {
      guint faces = fake ? 2 : 1;

      json_builder_set_member_name (b, "faces");
      json_builder_add_int_value (b, faces);
      json_builder_set_member_name (b, "deepFakes");
      json_builder_add_int_value (b, fake ? 1 : 0);
      json_builder_set_member_name (b, "participants");
      json_builder_begin_array (b);
      for (guint id = 0; id < faces; id++)
        {
          gboolean this_fake = fake && id == 0;
          g_autofree char *object = g_strdup_printf ("heatmap-%u.mp4", id);
          g_autofree char *heatmap = object_url (self, r, object);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_int_value (b, id);
          json_builder_set_member_name (b, "fake");
          json_builder_add_boolean_value (b, this_fake);
          json_builder_set_member_name (b, "confidence");
          json_builder_add_double_value (b, this_fake ? 0.9375 : 0.96875);
          json_builder_set_member_name (b, "heatmap");
          json_builder_add_string_value (b, heatmap);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  else
    {
      g_autofree char *heatmap = object_url (self, r, "heatmap.png");

      json_builder_set_member_name (b, "fake");
      json_builder_add_boolean_value (b, fake);
      json_builder_set_member_name (b, "confidence");
      json_builder_add_double_value (b, fake ? 0.9375 : 0.96875);
      json_builder_set_member_name (b, "heatmapURL");
      json_builder_add_string_value (b, heatmap);
    }
  json_builder_set_member_name (b, "resultURL");
  json_builder_add_string_value (b, result_url);
  json_builder_set_member_name (b, "srcURL");
  json_builder_add_string_value (b, src_url);
}

/* The record as the service shows it; call locked. */
static JsonNode *
record_to_json (EmuStore *self, Record *r, gint64 now, gboolean created)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *created_at = iso8601 (r->created_us);
  const char *status = record_status (r, now);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mid");
  json_builder_add_string_value (b, r->mid);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, r->name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, r->video ? "Video" : "Image");
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  json_builder_set_member_name (b, "modelType");
  json_builder_add_string_value (b, r->model_type);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_string_value (b, created_at);
  json_builder_set_member_name (b, "contentType");
  json_builder_add_string_value (b, r->content_type);
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, r->size);
  if (r->metadata)
    {
      json_builder_set_member_name (b, "metadata");
      json_builder_add_value (b, json_node_copy (r->metadata));
    }
  if (created)
    {
      g_autofree char *path
          = g_strdup_printf (EMU_S3_PREFIX "%s/original.media", r->mid);
      g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT, r->size);
      g_autofree char *url = emu_signer_presign (
          self->signer, self->root_url, "PUT", path,
          (guint)self->config.upload_expiry, r->content_type, size);

      json_builder_set_member_name (b, "uploadUrl");
      json_builder_add_string_value (b, url);
      json_builder_set_member_name (b, "expiresIn");
      json_builder_add_int_value (b, self->config.upload_expiry);
    }
  if (g_str_equal (status, "PROCESSED"))
    add_verdict (self, b, r);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* What a record's create and a job's share, under the lock: a new record
 * with a fresh mid (a job's upload key), added to the store and to @order
 * (the records' or the jobs' list); NULL with INSUFFICIENT_BALANCE, as
 * credits are spent when processing starts, but a create needs one. */
static Record *
add_record_locked (EmuStore *self, GPtrArray *order, const char *name,
                   const char *content_type, gint64 size,
                   const char *model_type, GError **error)
{
  Record *r;

  if (self->config.balance <= 0)
    {
      g_set_error (error, EMU_STORE_ERROR, EMU_STORE_ERROR_INSUFFICIENT_BALANCE,
                   "Insufficient balance: no credits left");
      return NULL;
    }
  r = g_new0 (Record, 1);
  r->created_us = g_get_real_time ();
  do
    {
      /* Shaped like a MongoDB ObjectId: seconds, then random. */
      g_free (r->mid);
      r->mid = g_strdup_printf ("%08x%08x%08x",
                                (guint)(r->created_us / G_USEC_PER_SEC),
                                g_random_int (), g_random_int ());
    }
  while (g_hash_table_contains (self->records, r->mid));
  r->name = g_strdup (name);
  r->content_type = g_strdup (content_type);
  r->model_type = g_strdup (model_type);
  r->size = size;
  r->video = g_str_has_prefix (content_type, "video/");
  g_hash_table_insert (self->records, r->mid, r);
  g_ptr_array_add (order, r);
  return r;
}

/* What a record's delete and a job's share, under the lock: @r and its
 * upload are gone. */
static void
remove_record_locked (EmuStore *self, GPtrArray *order, Record *r)
{
  if (r->path)
    g_unlink (r->path);
  g_ptr_array_remove (order, r);
  g_hash_table_remove (self->records, r->mid); /* frees r */
}

JsonNode *
emu_store_create (EmuStore *self, const char *name, const char *content_type,
                  gint64 size, const char *model_type, JsonNode *metadata,
                  GError **error)
{
  Record *r;
  JsonNode *node;

  g_mutex_lock (&self->lock);
  r = add_record_locked (self, self->order, name, content_type, size,
                         model_type, error);
  if (r == NULL)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  r->metadata = metadata ? json_node_copy (metadata) : NULL;
  node = record_to_json (self, r, r->created_us, TRUE);
  g_mutex_unlock (&self->lock);
  return node;
}

JsonNode *
emu_store_get (EmuStore *self, const char *mid)
{
  JsonNode *node = NULL;
  Record *r;

  g_mutex_lock (&self->lock);
  r = g_hash_table_lookup (self->records, mid);
  if (r && r->job == NULL)
    node = record_to_json (self, r, g_get_real_time (), FALSE);
  g_mutex_unlock (&self->lock);
  return node;
}

JsonNode *
emu_store_list (EmuStore *self, guint limit, guint offset)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 now = g_get_real_time ();
  guint total;

  g_mutex_lock (&self->lock);
  total = self->order->len;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "limit");
  json_builder_add_int_value (b, limit);
  json_builder_set_member_name (b, "offset");
  json_builder_add_int_value (b, offset);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  /* Newest first. */
  for (guint i = offset; i < total && i - offset < limit; i++)
    {
      Record *r = g_ptr_array_index (self->order, total - 1 - i);

      json_builder_add_value (b, record_to_json (self, r, now, FALSE));
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_mutex_unlock (&self->lock);
  return json_builder_get_root (b);
}

gboolean
emu_store_delete (EmuStore *self, const char *mid)
{
  Record *r;

  g_mutex_lock (&self->lock);
  r = g_hash_table_lookup (self->records, mid);
  if (r && r->job)
    r = NULL; /* a job's upload key is not a mid */
  if (r)
    remove_record_locked (self, self->order, r);
  g_mutex_unlock (&self->lock);
  return r != NULL;
}

char *
emu_store_new_part_path (EmuStore *self, const char *mid)
{
  return g_strdup_printf ("%s/%s.%08x%08x.part", self->storage_dir, mid,
                          g_random_int (), g_random_int ());
}

gboolean
emu_store_commit_upload (EmuStore *self, const char *mid, const char *part_path,
                         const char *etag)
{
  Record *r;
  gint64 now = g_get_real_time ();
  gboolean ok = FALSE;

  g_mutex_lock (&self->lock);
  r = g_hash_table_lookup (self->records, mid);
  if (r == NULL)
    {
      /* Deleted meanwhile: S3 itself would keep the object, but nobody
       * can reach it any more. */
      g_unlink (part_path);
    }
  else
    {
      g_autofree char *path
          = g_strdup_printf ("%s/%s.media", self->storage_dir, mid);

      /* A second upload replaces the first and starts processing again. */
      if (g_rename (part_path, path) == 0)
        {
          g_free (r->path);
          r->path = g_steal_pointer (&path);
          g_free (r->etag);
          r->etag = g_strdup (etag);
          r->uploaded = TRUE;
          r->uploaded_us = now;
          ok = TRUE;
        }
      else
        {
          g_warning ("cannot store upload for %s: %s", mid, g_strerror (errno));
          g_unlink (part_path);
        }
      /* A job is processed once finalized, not on upload; a later upload
       * only replaces the file. */
      if (ok && r->job == NULL)
        {
          r->done_us = now + self->config.processing_time_ms * 1000;
          /* Fixed at the upload, like the processing time. */
          r->intermediate_us = now + self->config.processing_time_ms * 1000 / 3;
          g_free (r->intermediate);
          r->intermediate = g_strdup (self->intermediate_status);
          /* Processing starts now: that is when a credit is spent. */
          if (self->config.balance > 0)
            self->config.balance--;
        }
    }
  g_mutex_unlock (&self->lock);
  return ok;
}

char *
emu_store_dup_media_path (EmuStore *self, const char *mid)
{
  char *path = NULL;
  Record *r;

  g_mutex_lock (&self->lock);
  r = g_hash_table_lookup (self->records, mid);
  if (r && r->path)
    path = g_strdup (r->path);
  g_mutex_unlock (&self->lock);
  return path;
}

char *
emu_store_dup_result (EmuStore *self, const char *mid)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  Record *r;

  g_mutex_lock (&self->lock);
  r = g_hash_table_lookup (self->records, mid);
  if (r == NULL || r->job != NULL
      || !g_str_equal (record_status (r, g_get_real_time ()), "PROCESSED"))
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  /* A small stand-in for the service's per-frame result file. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mid");
  json_builder_add_string_value (b, r->mid);
  json_builder_set_member_name (b, "modelType");
  json_builder_add_string_value (b, r->model_type);
  json_builder_set_member_name (b, "fake");
  json_builder_add_boolean_value (b, name_has (r->name, "fake"));
  json_builder_set_member_name (b, "frames");
  json_builder_begin_array (b);
  for (guint frame = 0; frame < 3; frame++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "frame");
      json_builder_add_int_value (b, frame);
      json_builder_set_member_name (b, "boxes");
      json_builder_begin_array (b);
      json_builder_begin_array (b);
      json_builder_add_int_value (b, 100 + 4 * frame);
      json_builder_add_int_value (b, 80);
      json_builder_add_int_value (b, 64);
      json_builder_add_int_value (b, 64);
      json_builder_end_array (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_mutex_unlock (&self->lock);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The Jobs API */

#define JOB_FAIL_MESSAGE                                                       \
  "Processing failed: the emulator fails every job whose fileName "            \
  "contains \"fail\""

static const char *const job_statuses[] = { "created",   "waiting_for_finalize",
                                            "queued",    "processing",
                                            "completed", "failed",
                                            "cancelled" };

gboolean
emu_job_status_is_known (const char *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (job_statuses); i++)
    if (g_strcmp0 (job_statuses[i], status) == 0)
      return TRUE;
  return FALSE;
}

static const char *
job_status (Record *r, gint64 now)
{
  Job *j = r->job;

  if (j->cancelled_us)
    return "cancelled";
  if (!j->finalized_us)
    return "waiting_for_finalize";
  if (now < j->processing_us)
    return "queued";
  if (now < j->done_us)
    return "processing";
  return name_has (r->name, "fail") ? "failed" : "completed";
}

static Record *
lookup_job (EmuStore *self, gint64 id)
{
  for (guint i = 0; i < self->jobs->len; i++)
    {
      Record *r = g_ptr_array_index (self->jobs, i);

      if (r->job->id == id)
        return r;
    }
  return NULL;
}

static void
add_time (JsonBuilder *b, const char *name, gint64 us)
{
  g_autofree char *text = iso8601 (us);

  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, text);
}

/* The job as the service shows it; call locked. */
static JsonNode *
job_to_json (EmuStore *self, Record *r, gint64 now, gboolean created)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  Job *j = r->job;
  const char *status = job_status (r, now);
  gboolean done
      = g_str_equal (status, "completed") || g_str_equal (status, "failed");
  gint64 updated = r->created_us;

  if (r->uploaded)
    updated = MAX (updated, r->uploaded_us);
  if (j->finalized_us)
    updated = MAX (updated, j->finalized_us);
  if (j->cancelled_us)
    updated = MAX (updated, j->cancelled_us);
  else if (j->finalized_us && now >= j->done_us)
    updated = MAX (updated, j->done_us);
  else if (j->finalized_us && now >= j->processing_us)
    updated = MAX (updated, j->processing_us);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jobId");
  json_builder_add_int_value (b, j->id);
  json_builder_set_member_name (b, "taskTypeId");
  json_builder_add_int_value (b, j->task->id);
  json_builder_set_member_name (b, "taskTypeSlug");
  json_builder_add_string_value (b, j->task->slug);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  add_time (b, "createdAt", r->created_us);
  add_time (b, "updatedAt", updated);
  if (j->finalized_us)
    add_time (b, "queuedAt", j->finalized_us);
  if (done)
    add_time (b, "completedAt", j->done_us);
  json_builder_set_member_name (b, "inputs");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "slotName");
  json_builder_add_string_value (b, j->slot_name);
  if (created)
    {
      g_autofree char *path
          = g_strdup_printf (EMU_S3_PREFIX "%s/original.media", r->mid);
      g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT, r->size);
      g_autofree char *url = emu_signer_presign (
          self->signer, self->root_url, "PUT", path,
          (guint)self->config.upload_expiry, r->content_type, size);

      json_builder_set_member_name (b, "uploadUrl");
      json_builder_add_string_value (b, url);
    }
  json_builder_set_member_name (b, "contentType");
  json_builder_add_string_value (b, r->content_type);
  json_builder_set_member_name (b, "fileName");
  json_builder_add_string_value (b, r->name);
  json_builder_set_member_name (b, "sizeBytes");
  json_builder_add_int_value (b, r->size);
  json_builder_set_member_name (b, "uploaded");
  json_builder_add_boolean_value (b, r->uploaded);
  json_builder_end_object (b);
  json_builder_end_array (b);
  if (j->parameters)
    {
      json_builder_set_member_name (b, "parameters");
      json_builder_add_value (b, json_node_copy (j->parameters));
    }
  if (g_str_equal (status, "completed"))
    {
      json_builder_set_member_name (b, "result");
      json_builder_begin_object (b);
      emu_task_add_result (b, j->task, name_has (r->name, "fake"));
      json_builder_end_object (b);
    }
  else if (g_str_equal (status, "failed"))
    {
      json_builder_set_member_name (b, "errorMessage");
      json_builder_add_string_value (b, JOB_FAIL_MESSAGE);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
emu_store_create_job (EmuStore *self, const EmuTask *task,
                      const char *slot_name, const char *file_name,
                      const char *content_type, gint64 size,
                      JsonNode *parameters, GError **error)
{
  Record *r;
  JsonNode *node;

  g_mutex_lock (&self->lock);
  r = add_record_locked (self, self->jobs, file_name, content_type, size,
                         task->slug, error);
  if (r == NULL)
    {
      g_mutex_unlock (&self->lock);
      return NULL;
    }
  r->job = g_new0 (Job, 1);
  r->job->id = self->next_job_id++;
  r->job->task = task;
  r->job->slot_name = g_strdup (slot_name);
  r->job->parameters = parameters ? json_node_copy (parameters) : NULL;

  node = job_to_json (self, r, r->created_us, TRUE);
  g_mutex_unlock (&self->lock);
  return node;
}

JsonNode *
emu_store_get_job (EmuStore *self, gint64 id)
{
  JsonNode *node = NULL;
  Record *r;

  g_mutex_lock (&self->lock);
  if ((r = lookup_job (self, id)) != NULL)
    node = job_to_json (self, r, g_get_real_time (), FALSE);
  g_mutex_unlock (&self->lock);
  return node;
}

JsonNode *
emu_store_list_jobs (EmuStore *self, guint page, guint limit,
                     const char *status)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  gint64 now = g_get_real_time ();
  guint64 first = (guint64)(page - 1) * limit;
  guint total = 0;

  g_mutex_lock (&self->lock);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  /* Newest first. */
  for (guint i = self->jobs->len; i-- > 0;)
    {
      Record *r = g_ptr_array_index (self->jobs, i);

      if (status && !g_str_equal (job_status (r, now), status))
        continue;
      if (total >= first && total < first + limit)
        json_builder_add_value (b, job_to_json (self, r, now, FALSE));
      total++;
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "pagination");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "page");
  json_builder_add_int_value (b, page);
  json_builder_set_member_name (b, "limit");
  json_builder_add_int_value (b, limit);
  json_builder_set_member_name (b, "total");
  json_builder_add_int_value (b, total);
  json_builder_set_member_name (b, "pages");
  json_builder_add_int_value (b, (total + limit - 1) / limit);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_mutex_unlock (&self->lock);
  return json_builder_get_root (b);
}

static JsonNode *
job_answer (Record *r, const char *status, const char *message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "jobId");
  json_builder_add_int_value (b, r->job->id);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, status);
  if (g_str_equal (status, "queued"))
    add_time (b, "queuedAt", r->job->finalized_us);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

EmuJobOutcome
emu_store_finalize_job (EmuStore *self, gint64 id, JsonNode **answer)
{
  EmuJobOutcome outcome = EMU_JOB_OK;
  gint64 now = g_get_real_time ();
  Record *r;

  g_mutex_lock (&self->lock);
  r = lookup_job (self, id);
  if (r == NULL)
    outcome = EMU_JOB_NOT_FOUND;
  else if (r->job->cancelled_us)
    outcome = EMU_JOB_CANCELLED;
  else if (r->job->finalized_us)
    outcome = EMU_JOB_ALREADY_FINALIZED;
  else if (!r->uploaded)
    outcome = EMU_JOB_NOT_UPLOADED;
  else
    {
      gint64 span = self->config.processing_time_ms * 1000;

      /* Queued for the first third of the processing time, processing for
       * the rest, as the Media API's intermediate status. */
      r->job->finalized_us = now;
      r->job->processing_us = now + span / 3;
      r->job->done_us = now + span;
      /* Processing starts now: that is when a credit is spent. */
      if (self->config.balance > 0)
        self->config.balance--;
      *answer = job_answer (r, "queued",
                            "Job finalized and queued for "
                            "processing");
    }
  g_mutex_unlock (&self->lock);
  return outcome;
}

EmuJobOutcome
emu_store_cancel_job (EmuStore *self, gint64 id, JsonNode **answer)
{
  EmuJobOutcome outcome = EMU_JOB_OK;
  gint64 now = g_get_real_time ();
  Record *r;

  g_mutex_lock (&self->lock);
  r = lookup_job (self, id);
  if (r == NULL)
    outcome = EMU_JOB_NOT_FOUND;
  else
    {
      const char *status = job_status (r, now);

      if (g_str_equal (status, "cancelled"))
        outcome = EMU_JOB_CANCELLED;
      else if (!g_str_equal (status, "waiting_for_finalize")
               && !g_str_equal (status, "queued"))
        outcome = EMU_JOB_TOO_LATE;
      else
        {
          r->job->cancelled_us = now;
          *answer = job_answer (r, "cancelled", "Job cancelled");
        }
    }
  g_mutex_unlock (&self->lock);
  return outcome;
}

gboolean
emu_store_delete_job (EmuStore *self, gint64 id)
{
  Record *r;

  g_mutex_lock (&self->lock);
  r = lookup_job (self, id);
  if (r)
    remove_record_locked (self, self->jobs, r);
  g_mutex_unlock (&self->lock);
  return r != NULL;
}
