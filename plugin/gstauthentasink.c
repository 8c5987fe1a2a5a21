/* authentasink: records a stream and has it checked by Authenta at EOS.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-authentasink
 * @title: authentasink
 *
 * authentasink records the encoded stream it receives (a muxed video or a
 * single image) to a private temporary file and, at end of stream, has it
 * checked for deepfakes by the Authenta service: it creates a media record,
 * uploads the file, waits for the verdict and posts it on the bus as an
 * `authenta-verdict` element message, before its EOS.  Raw or elementary
 * streams (`video/x-raw`, `audio/x-raw`, bare `video/x-h264`…) are not files
 * and are refused when their caps arrive: put an encoder and a muxer in
 * front.  So are MPEG-TS and Ogg, and caps the chosen model cannot take (a
 * video into AC-1, audio only into DF-1…).
 *
 * Progress is reported with `authenta-progress` element messages (`stage`:
 * `created`, `uploading`, `uploaded`, `processing`; `mid`; `bytes-sent`,
 * `bytes-total`).  The verdict message carries `mid`, `status`,
 * `model-type`, `media-type`, `fake`, `confidence` (-1 when absent),
 * `faces`, `deepfakes` (-1 when absent), `result-url`, `json` (the whole
 * record) and `location` (the kept recording, or %NULL).  `result-url` and
 * the links in `json` are pre-signed: their query is a short-lived credential,
 * and GStreamer's own `GST_BUS` debug log (DEBUG and above) prints posted
 * messages whole, links included.
 *
 * A failed scan posts an ERROR whose details hold `authenta-code`,
 * `http-status-code`, `mid` and `location` (where the recording was kept).
 * With #GstAuthentaSink:on-error set to `warning` it posts a WARNING with
 * the same details and an `authenta-failed` element message (`mid`,
 * `authenta-code`, `http-status-code`, `location`, `reason`) instead, keeps
 * the recording and lets the EOS through.
 *
 * A state change that stops a scan before its verdict (or a stream before
 * its EOS) posts an `authenta-stopped` element message (`location`, `mid`,
 * `stage`) and a WARNING naming the kept file, before the state change
 * returns (a pipeline flushes its bus at NULL unless auto-flush-bus is off).
 *
 * With #GstAuthentaSink:spool-dir every recording is scanned through a
 * crash-safe journal: a scan the service cannot take now (an outage) is a
 * WARNING and an `authenta-spooled` message, not an ERROR, and
 * `authenta spool run` finishes it later with the same record.  With
 * #GstAuthentaSink:spool-resume too, the element itself finishes the scans
 * earlier runs left there, beside the recording.
 *
 * #GstAuthentaSink:location records to a given file instead of a temporary
 * one, as filesink's does, so that splitmuxsink names every fragment from its
 * `location` pattern; #GstAuthentaSink:recorded-location tells which file was
 * written, and the `authenta-progress` messages carry it as `location`.
 *
 * The API key comes from the `AUTHENTA_API_KEY` environment variable, or
 * from the write-only #GstAuthentaSink:api-key property (white space around
 * it dropped); it is never logged nor shown by `gst-launch-1.0 -v` or
 * pipeline dumps.
 *
 * ## Example launch lines
 * |[
 * export AUTHENTA_API_KEY=...
 * gst-launch-1.0 -m -e v4l2src num-buffers=300 ! videoconvert ! x264enc ! \
 *     mp4mux ! authentasink media-name=door-camera
 * ]| Records ten seconds of a camera as MP4 and prints the verdict.
 * |[
 * gst-launch-1.0 -m filesrc location=photo.jpg ! authentasink
 * ]| Checks an image (model AC-1 is chosen for images).
 * |[
 * gst-launch-1.0 -m videotestsrc num-buffers=90 ! x264enc ! mp4mux ! \
 *     authentasink base-url=http://127.0.0.1:8080/api keep-file=always
 * ]| Scans against a local authenta-emulator and keeps the recording.
 * |[
 * gst-launch-1.0 -m -e v4l2src ! videoconvert ! x264enc key-int-max=30 ! \
 *     splitmuxsink max-size-time=60000000000 async-finalize=true \
 *       muxer-factory=mp4mux sink-factory=authentasink \
 *       'sink-properties=props,on-error=(int)1,keep-file=(int)2' \
 *       location=frag%05d.mp4
 * ]| Continuous capture: one-minute fragments, each scanned in the
 * background by its own authentasink (on-error=warning, keep-file=always:
 * enums go as integers in sink-properties), with one verdict per fragment.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstauthentasink-private.h"
#include "gstauthentamedia.h"
#include "gstauthentaspool.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

GST_DEBUG_CATEGORY (gst_authenta_sink_debug);
#define GST_CAT_DEFAULT gst_authenta_sink_debug

#define DEFAULT_MODEL_TYPE GST_AUTHENTA_SINK_MODEL_TYPE_AUTO
#define DEFAULT_KEEP_FILE GST_AUTHENTA_SINK_KEEP_FILE_ON_FAILURE
#define DEFAULT_ON_ERROR GST_AUTHENTA_SINK_ON_ERROR_ERROR
#define DEFAULT_DELETE_REMOTE FALSE
#define DEFAULT_ALLOW_INSECURE FALSE
#define DEFAULT_CHECK_AT_START TRUE
/* The library's own defaults. */
#define DEFAULT_TIMEOUT (AUTHENTA_DEFAULT_POLL_TIMEOUT_MS / 1000)
#define DEFAULT_RETRY_ATTEMPTS AUTHENTA_DEFAULT_RETRY_ATTEMPTS
#define DEFAULT_RETRY_BASE_DELAY AUTHENTA_DEFAULT_RETRY_BASE_DELAY_MS
#define DEFAULT_RETRY_MAX_DELAY AUTHENTA_DEFAULT_RETRY_MAX_DELAY_MS
#define DEFAULT_POLL_INTERVAL AUTHENTA_DEFAULT_POLL_INTERVAL_MS
#define DEFAULT_POLL_MAX_INTERVAL AUTHENTA_DEFAULT_POLL_MAX_INTERVAL_MS

/* Upper bounds that keep the millisecond arithmetic in a guint. */
#define MAX_TIMEOUT (G_MAXUINT / 1000)
#define MAX_DELAY_MS (24 * 3600 * 1000)

enum
{
  PROP_0,
  PROP_API_KEY,
  PROP_BASE_URL,
  PROP_MODEL_TYPE,
  PROP_MEDIA_NAME,
  PROP_CONTENT_TYPE,
  PROP_TEMP_DIR,
  PROP_KEEP_FILE,
  PROP_DELETE_REMOTE,
  PROP_TIMEOUT,
  PROP_RETRY_ATTEMPTS,
  PROP_RETRY_BASE_DELAY,
  PROP_RETRY_MAX_DELAY,
  PROP_POLL_INTERVAL,
  PROP_POLL_MAX_INTERVAL,
  PROP_ALLOW_INSECURE,
  PROP_CA_FILE,
  PROP_LOCATION,
  PROP_RECORDED_LOCATION,
  PROP_ON_ERROR,
  PROP_CHECK_AT_START,
  PROP_SPOOL_DIR,
  PROP_SPOOL_RESUME,
  PROP_TASK,
};

#define gst_authenta_sink_parent_class parent_class
G_DEFINE_TYPE (GstAuthentaSink, gst_authenta_sink, GST_TYPE_BASE_SINK);
GST_ELEMENT_REGISTER_DEFINE (authentasink, "authentasink", GST_RANK_NONE,
                             GST_TYPE_AUTHENTA_SINK);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE (
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

GType
gst_authenta_sink_keep_file_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_AUTHENTA_SINK_KEEP_FILE_NEVER,
      "Delete the recording after the scan, even a failed one", "never" },
    { GST_AUTHENTA_SINK_KEEP_FILE_ON_FAILURE,
      "Delete the recording after a verdict, keep it if the scan failed",
      "on-failure" },
    { GST_AUTHENTA_SINK_KEEP_FILE_ALWAYS, "Always keep the recording",
      "always" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstAuthentaSinkKeepFile", values));
  return type;
}

GType
gst_authenta_sink_on_error_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_AUTHENTA_SINK_ON_ERROR_ERROR,
      "Post an ERROR, which stops the pipeline", "error" },
    { GST_AUTHENTA_SINK_ON_ERROR_WARNING,
      "Post a WARNING and an authenta-failed message, keep the recording "
      "and let the EOS through",
      "warning" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstAuthentaSinkOnError", values));
  return type;
}

GType
gst_authenta_sink_model_type_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    { GST_AUTHENTA_SINK_MODEL_TYPE_AUTO, "DF-1 for video, AC-1 for images",
      "auto" },
    { GST_AUTHENTA_SINK_MODEL_TYPE_DF1, "Face-swap deepfakes in video",
      "DF-1" },
    { GST_AUTHENTA_SINK_MODEL_TYPE_AC1, "AI-generated images", "AC-1" },
    { GST_AUTHENTA_SINK_MODEL_TYPE_FD1, "Image forgery", "FD-1" },
    { 0, NULL, NULL },
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (
        &type, g_enum_register_static ("GstAuthentaSinkModelType", values));
  return type;
}

static const char *
model_type_name (GstAuthentaSinkModelType model)
{
  switch (model)
    {
    case GST_AUTHENTA_SINK_MODEL_TYPE_DF1:
      return "DF-1";
    case GST_AUTHENTA_SINK_MODEL_TYPE_AC1:
      return "AC-1";
    case GST_AUTHENTA_SINK_MODEL_TYPE_FD1:
      return "FD-1";
    case GST_AUTHENTA_SINK_MODEL_TYPE_AUTO:
    default:
      return NULL;
    }
}

/* The task the settings ask for: task, else model-type's model; NULL for
 * the default of what is recorded (authenta_task_default_for_content_type()).
 */
const char *
gst_authenta_sink_settings_task (const GstAuthentaSinkSettings *s)
{
  return s->task ? s->task : model_type_name (s->model_type);
}

/* The key is wiped from memory, not just freed, when it is replaced. */
void
gst_authenta_sink_free_secret (char *secret)
{
  if (secret == NULL)
    return;
  authenta_secret_wipe (secret);
  g_free (secret);
}

/* The key without the white space a copy and paste often brings along
 * (" api_… \n"); NULL when nothing is left. */
char *
gst_authenta_sink_dup_trimmed_key (const char *key)
{
  char *copy;

  if (key == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (key));
  if (*copy == '\0')
    {
      gst_authenta_sink_free_secret (copy);
      return NULL;
    }
  return copy;
}

void
gst_authenta_sink_settings_clear (GstAuthentaSinkSettings *s)
{
  g_clear_pointer (&s->api_key, gst_authenta_sink_free_secret);
  g_clear_pointer (&s->base_url, g_free);
  g_clear_pointer (&s->task, g_free);
  g_clear_pointer (&s->media_name, g_free);
  g_clear_pointer (&s->content_type, g_free);
  g_clear_pointer (&s->ca_file, g_free);
  g_clear_pointer (&s->spool_dir, g_free);
}

void
gst_authenta_sink_settings_copy (GstAuthentaSinkSettings *dest,
                                 const GstAuthentaSinkSettings *src)
{
  *dest = *src;
  dest->api_key = g_strdup (src->api_key);
  dest->base_url = g_strdup (src->base_url);
  dest->task = g_strdup (src->task);
  dest->media_name = g_strdup (src->media_name);
  dest->content_type = g_strdup (src->content_type);
  dest->ca_file = g_strdup (src->ca_file);
  dest->spool_dir = g_strdup (src->spool_dir);
}

/* ------------------------------------------------------------------------ */
/* Properties */

static gboolean
check_mutable (GstAuthentaSink *self, GParamSpec *pspec)
{
  GstState state;

  GST_OBJECT_LOCK (self);
  state = GST_STATE (self);
  GST_OBJECT_UNLOCK (self);
  /* GStreamer does not enforce GST_PARAM_MUTABLE_READY: the element must.
   * The value is never logged (it may be the key). */
  if (state > GST_STATE_READY)
    {
      GST_WARNING_OBJECT (self,
                          "property %s ignored: set in %s, it takes effect "
                          "only when set in the NULL or READY state",
                          pspec->name, gst_element_state_get_name (state));
      return FALSE;
    }
  return TRUE;
}

static void
replace_string (char **dest, const GValue *value)
{
  const char *str = g_value_get_string (value);

  g_free (*dest);
  /* An empty string means "unset", so gst-launch can restore a default. */
  *dest = (str != NULL && *str != '\0') ? g_strdup (str) : NULL;
}

/* A refused property value as a warning may show it: quoted, control
 * characters escaped, and cut short (it may be 100 KB long). */
static char *
describe_refused_value (const char *value)
{
  const gsize max = 64;
  gsize length = strlen (value);
  g_autofree char *head = g_strndup (value, MIN (length, max));
  g_autofree char *escaped = g_strescape (head, NULL);

  if (length > max)
    return g_strdup_printf ("\"%s\"... (%" G_GSIZE_FORMAT " bytes)", escaped,
                            length);
  return g_strdup_printf ("\"%s\"", escaped);
}

/* The content-type property goes into the upload's Content-Type header:
 * nothing but a type/subtype token ("video/mp4\r\nX-Injected: 1", "" and
 * "video" are refused, with a warning that says what is valid).  NULL
 * unsets it. */
static gboolean
content_type_acceptable (GstAuthentaSink *self, const char *type)
{
  g_autofree char *shown = NULL;

  if (type == NULL || authenta_content_type_is_valid (type))
    return TRUE;
  shown = describe_refused_value (type);
  GST_WARNING_OBJECT (
      self,
      "content-type %s refused, the property keeps its value: a content "
      "type is a MIME type/subtype such as video/mp4, video/quicktime, "
      "video/webm, image/jpeg or image/png (letters, digits and "
      "!#$&^_.+- only; no spaces, parameters or line breaks), or NULL to "
      "unset it",
      shown);
  return FALSE;
}

/* A task the library does not know is refused with a warning that lists
 * those it does; the property keeps its value.  NULL unsets it. */
static gboolean
task_acceptable (GstAuthentaSink *self, const char *task)
{
  g_autofree char *shown = NULL;
  g_autofree char *known = NULL;

  if (task == NULL || authenta_task_get_api (task) != AUTHENTA_TASK_API_NONE)
    return TRUE;
  shown = describe_refused_value (task);
  known = g_strjoinv (", ", (char **)authenta_task_list ());
  GST_WARNING_OBJECT (self,
                      "task %s refused, the property keeps its value: a task "
                      "is one of %s (or a Jobs API task's number), or NULL "
                      "for the default (`authenta tasks` lists what each "
                      "takes)",
                      shown, known);
  return FALSE;
}

static void
gst_authenta_sink_set_property (GObject *object, guint prop_id,
                                const GValue *value, GParamSpec *pspec)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (object);
  GstAuthentaSinkSettings *s = &self->settings;

  if (!check_mutable (self, pspec))
    return;
  if (prop_id == PROP_CONTENT_TYPE
      && !content_type_acceptable (self, g_value_get_string (value)))
    return;
  if (prop_id == PROP_TASK
      && !task_acceptable (self, g_value_get_string (value)))
    return;

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_API_KEY:
      {
        /* Never logged, not even its length. */
        gst_authenta_sink_free_secret (s->api_key);
        s->api_key
            = gst_authenta_sink_dup_trimmed_key (g_value_get_string (value));
        /* start()'s client has the old one: the next scan makes another. */
        g_clear_object (&self->client);
        break;
      }
    case PROP_BASE_URL:
      replace_string (&s->base_url, value);
      g_clear_object (&self->client);
      break;
    case PROP_MODEL_TYPE:
      s->model_type = g_value_get_enum (value);
      break;
    case PROP_TASK:
      {
        /* Checked above: NULL or a known task ("2" is kept as its slug). */
        const char *task = g_value_get_string (value);

        g_free (s->task);
        s->task = g_strdup (task ? authenta_task_get_name (task) : NULL);
        break;
      }
    case PROP_MEDIA_NAME:
      replace_string (&s->media_name, value);
      break;
    case PROP_CONTENT_TYPE:
      /* Checked above: NULL or a valid type. */
      g_free (s->content_type);
      s->content_type = g_value_dup_string (value);
      break;
    case PROP_TEMP_DIR:
      replace_string (&self->temp_dir, value);
      break;
    case PROP_LOCATION:
      replace_string (&self->location, value);
      break;
    case PROP_ON_ERROR:
      s->on_error = g_value_get_enum (value);
      break;
    case PROP_KEEP_FILE:
      s->keep_file = g_value_get_enum (value);
      break;
    case PROP_DELETE_REMOTE:
      s->delete_remote = g_value_get_boolean (value);
      break;
    case PROP_TIMEOUT:
      s->timeout = g_value_get_uint (value);
      break;
    case PROP_RETRY_ATTEMPTS:
      s->retry_attempts = g_value_get_uint (value);
      break;
    case PROP_RETRY_BASE_DELAY:
      s->retry_base_delay = g_value_get_uint (value);
      break;
    case PROP_RETRY_MAX_DELAY:
      s->retry_max_delay = g_value_get_uint (value);
      break;
    case PROP_POLL_INTERVAL:
      s->poll_interval = g_value_get_uint (value);
      break;
    case PROP_POLL_MAX_INTERVAL:
      s->poll_max_interval = g_value_get_uint (value);
      break;
    case PROP_ALLOW_INSECURE:
      s->allow_insecure = g_value_get_boolean (value);
      g_clear_object (&self->client);
      break;
    case PROP_CHECK_AT_START:
      s->check_at_start = g_value_get_boolean (value);
      break;
    case PROP_CA_FILE:
      replace_string (&s->ca_file, value);
      g_clear_object (&self->client);
      break;
    case PROP_SPOOL_DIR:
      replace_string (&s->spool_dir, value);
      /* The next scan opens the new one. */
      g_clear_object (&self->journal);
      break;
    case PROP_SPOOL_RESUME:
      s->spool_resume = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_authenta_sink_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (object);
  GstAuthentaSinkSettings *s = &self->settings;

  GST_OBJECT_LOCK (self);
  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, s->base_url);
      break;
    case PROP_MODEL_TYPE:
      g_value_set_enum (value, s->model_type);
      break;
    case PROP_TASK:
      g_value_set_string (value, s->task);
      break;
    case PROP_MEDIA_NAME:
      g_value_set_string (value, s->media_name);
      break;
    case PROP_CONTENT_TYPE:
      g_value_set_string (value, s->content_type);
      break;
    case PROP_TEMP_DIR:
      g_value_set_string (value, self->temp_dir);
      break;
    case PROP_LOCATION:
      g_value_set_string (value, self->location);
      break;
    case PROP_RECORDED_LOCATION:
      g_value_set_string (value, self->recorded_location);
      break;
    case PROP_ON_ERROR:
      g_value_set_enum (value, s->on_error);
      break;
    case PROP_KEEP_FILE:
      g_value_set_enum (value, s->keep_file);
      break;
    case PROP_DELETE_REMOTE:
      g_value_set_boolean (value, s->delete_remote);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, s->timeout);
      break;
    case PROP_RETRY_ATTEMPTS:
      g_value_set_uint (value, s->retry_attempts);
      break;
    case PROP_RETRY_BASE_DELAY:
      g_value_set_uint (value, s->retry_base_delay);
      break;
    case PROP_RETRY_MAX_DELAY:
      g_value_set_uint (value, s->retry_max_delay);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, s->poll_interval);
      break;
    case PROP_POLL_MAX_INTERVAL:
      g_value_set_uint (value, s->poll_max_interval);
      break;
    case PROP_ALLOW_INSECURE:
      g_value_set_boolean (value, s->allow_insecure);
      break;
    case PROP_CHECK_AT_START:
      g_value_set_boolean (value, s->check_at_start);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, s->ca_file);
      break;
    case PROP_SPOOL_DIR:
      g_value_set_string (value, s->spool_dir);
      break;
    case PROP_SPOOL_RESUME:
      g_value_set_boolean (value, s->spool_resume);
      break;
    default:
      /* api-key is write-only: GObject never asks for it. */
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
    }
  GST_OBJECT_UNLOCK (self);
}

/* ------------------------------------------------------------------------ */
/* Recording */

/* The recording's folder must be writable, and nobody else may put a file
 * in it under the recording's name: a folder others can write to (group or
 * world) is refused unless it is sticky (as /tmp is), where only a file's
 * owner may rename or remove it.  Posts the ERROR. */
static gboolean
check_temp_dir (GstAuthentaSink *self, const char *dir)
{
  GStatBuf st;

  if (g_stat (dir, &st) != 0 || !S_ISDIR (st.st_mode)
      || g_access (dir, W_OK | X_OK) != 0)
    {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
                         ("The folder for the recording, \"%s\", is not a "
                          "writable folder. Set temp-dir to one.",
                          dir),
                         (NULL));
      return FALSE;
    }
  if ((st.st_mode & (S_IWOTH | S_IWGRP)) != 0 && (st.st_mode & S_ISVTX) == 0)
    {
      GST_ELEMENT_ERROR (
          self, RESOURCE, OPEN_WRITE,
          ("The folder for the recording, \"%s\", can be written by other "
           "users and is not sticky, so one of them could replace the "
           "recording before it is uploaded: make it private (chmod 700) or "
           "sticky (chmod +t), or set temp-dir to a private folder.",
           dir),
          ("mode %04o", (guint)(st.st_mode & 07777)));
      return FALSE;
    }
  return TRUE;
}

/* temp-dir, else spool-dir (a journaled recording must outlive a reboot,
 * which a tmpfs /tmp does not), else the system's.  Under the object lock. */
static const char *
recording_dir (GstAuthentaSink *self)
{
  if (self->temp_dir != NULL)
    return self->temp_dir;
  if (self->settings.spool_dir != NULL)
    return self->settings.spool_dir;
  return g_get_tmp_dir ();
}

static gboolean
ensure_recording (GstAuthentaSink *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *element_name = NULL;
  g_autofree char *location = NULL;
  GstAuthentaRecording *recording;

  if (self->recording != NULL)
    return TRUE;

  GST_OBJECT_LOCK (self);
  location = g_strdup (self->location);
  GST_OBJECT_UNLOCK (self);
  if (location != NULL)
    {
      recording = gst_authenta_recording_new_at (location, &error);
      if (recording == NULL)
        {
          if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_EXIST))
            GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
                               ("The file \"%s\" already exists and "
                                "authentasink never overwrites a file: "
                                "remove it, or set location to a new "
                                "file.",
                                location),
                               ("%s", error->message));
          else
            GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
                               ("Could not create the recording file "
                                "\"%s\". Set location to a file in a "
                                "writable folder.",
                                location),
                               ("%s", error->message));
          return FALSE;
        }
      goto created;
    }

  GST_OBJECT_LOCK (self);
  dir = g_strdup (recording_dir (self));
  /* The streaming thread: the application may rename the element (while it
   * has no parent) at the same time, hence the lock. */
  element_name = g_strdup (GST_OBJECT_NAME (self));
  GST_OBJECT_UNLOCK (self);

  /* Again: temp-dir may have changed in READY since start(). */
  if (!check_temp_dir (self, dir))
    return FALSE;

  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  /* The element's name may hold anything ("a/b c"): only the safe
   * characters of a file name are kept, so the file stays in @dir. */
  prefix = g_strdup_printf (
      "%s-%s", element_name ? element_name : "authentasink", stamp);
  g_strcanon (prefix, G_CSET_A_2_Z G_CSET_a_2_z G_CSET_DIGITS "._-", '_');
  recording = gst_authenta_recording_new (dir, prefix, &error);
  if (recording == NULL)
    {
      GST_ELEMENT_ERROR (self, RESOURCE, OPEN_WRITE,
                         ("Could not create the recording file. Set "
                          "temp-dir to a writable folder."),
                         ("%s", error->message));
      return FALSE;
    }
created:
  GST_DEBUG_OBJECT (self, "recording to %s",
                    gst_authenta_recording_get_path (recording));
  /* Under the lock only for the POSITION query, which may come from
   * another thread. */
  GST_OBJECT_LOCK (self);
  self->recording = recording;
  g_free (self->recorded_location);
  self->recorded_location
      = g_strdup (gst_authenta_recording_get_path (recording));
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

/* Ends the life of the current recording, keeping the file or not. */
void
gst_authenta_sink_drop_recording (GstAuthentaSink *self, gboolean keep)
{
  GstAuthentaRecording *recording;

  GST_OBJECT_LOCK (self);
  recording = g_steal_pointer (&self->recording);
  GST_OBJECT_UNLOCK (self);
  if (recording == NULL)
    return;
  if (keep)
    GST_INFO_OBJECT (self, "recording kept at %s",
                     gst_authenta_recording_get_path (recording));
  gst_authenta_recording_free (recording, !keep);
}

/* The ERROR (or, with on-error=warning, a WARNING and authenta-failed) for
 * a second image; the first is kept, under its .jpg name. */
static GstFlowReturn
refuse_second_image (GstAuthentaSink *self)
{
  g_autoptr (GError) error = NULL;
  const char *path;
  char *text;
  gboolean warn;

  GST_OBJECT_LOCK (self);
  warn = self->settings.on_error == GST_AUTHENTA_SINK_ON_ERROR_WARNING;
  GST_OBJECT_UNLOCK (self);
  if (!gst_authenta_recording_finish (self->recording, ".jpg", &error))
    GST_WARNING_OBJECT (self, "%s", error->message);
  path = gst_authenta_recording_get_path (self->recording);
  GST_OBJECT_LOCK (self);
  g_free (self->recorded_location);
  self->recorded_location = g_strdup (path);
  GST_OBJECT_UNLOCK (self);
  self->keep_partial = TRUE;
  self->refused_flow = warn ? GST_FLOW_OK : GST_FLOW_ERROR;

  text = g_strdup_printf (
      "A second JPEG image came: one image scan takes one image, so nothing "
      "was uploaded. Stop after one frame (e.g. videotestsrc num-buffers=1, "
      "or a snapshot), or record a video (e.g. x264enc ! mp4mux). The first "
      "image is kept at %s.",
      path);
  if (warn)
    gst_authenta_post_failed_message (GST_ELEMENT_CAST (self), NULL,
                                      "UNSUPPORTED_MEDIA", 0, path, text);
  gst_authenta_post_failure (
      GST_ELEMENT_CAST (self), warn ? GST_MESSAGE_WARNING : GST_MESSAGE_ERROR,
      GST_STREAM_ERROR, GST_STREAM_ERROR_WRONG_TYPE, text,
      g_strdup ("image/jpeg caps and a buffer starting with SOI after EOI"),
      "UNSUPPORTED_MEDIA", 0, NULL, path, __FILE__, GST_FUNCTION, __LINE__);
  return self->refused_flow;
}

static GstFlowReturn
gst_authenta_sink_render (GstBaseSink *bsink, GstBuffer *buffer)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);
  g_autoptr (GError) error = NULL;

  if (self->keep_partial)
    return self->refused_flow;
  if (!ensure_recording (self))
    return GST_FLOW_ERROR;
  if (gst_authenta_jpeg_is_second_image (
          self->caps, gst_authenta_recording_get_fd (self->recording),
          gst_authenta_recording_get_position (self->recording),
          gst_authenta_recording_get_size (self->recording), buffer))
    return refuse_second_image (self);

  if (!gst_authenta_recording_write (self->recording, buffer, &error))
    {
      const char *path = gst_authenta_recording_get_path (self->recording);

      /* What was written stays on disk, whatever keep-file says, under the
       * name the error gives (the recording refuses to be renamed now). */
      self->keep_partial = TRUE;
      self->refused_flow = GST_FLOW_ERROR;
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC))
        POST_ERROR (
            self, RESOURCE, NO_SPACE_LEFT,
            gst_info_strdup_printf (
                "The disk of the recording is full. What was recorded so far "
                "is kept at %s.",
                path),
            gst_info_strdup_printf ("%s", error->message), "WRITE_FAILED", 0,
            NULL, path);
      else
        POST_ERROR (
            self, RESOURCE, WRITE,
            gst_info_strdup_printf (
                "Could not write the recording. What was recorded so far is "
                "kept at %s.",
                path),
            gst_info_strdup_printf ("%s", error->message), "WRITE_FAILED", 0,
            NULL, path);
      return GST_FLOW_ERROR;
    }

  return GST_FLOW_OK;
}

static gboolean
gst_authenta_sink_set_caps (GstBaseSink *bsink, GstCaps *caps)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);
  g_autofree char *text = NULL;
  g_autofree char *debug = NULL;
  const char *path = NULL;
  gboolean keep;

  GST_DEBUG_OBJECT (self, "caps %" GST_PTR_FORMAT, caps);
  GST_OBJECT_LOCK (self);
  keep = self->settings.keep_file != GST_AUTHENTA_SINK_KEEP_FILE_NEVER;
  text = gst_authenta_caps_refusal (
      caps, gst_authenta_sink_settings_task (&self->settings), &debug);
  GST_OBJECT_UNLOCK (self);
  if (text == NULL)
    {
      gst_caps_replace (&self->caps, caps);
      return TRUE;
    }

  if (self->refused_caps)
    return FALSE;
  /* New caps in the middle of a stream: what came before stays, unless
   * keep-file=never, and the stop does not warn about it again. */
  if (keep && self->recording != NULL
      && gst_authenta_recording_get_size (self->recording) > 0)
    {
      char *with_path;

      self->keep_partial = TRUE;
      self->refused_flow = GST_FLOW_NOT_NEGOTIATED;
      path = gst_authenta_recording_get_path (self->recording);
      with_path
          = g_strdup_printf ("%s The recording is kept at %s.", text, path);
      g_free (text);
      text = with_path;
    }
  /* Posted here: upstream only sees not-negotiated, which says less. */
  POST_ERROR (self, STREAM, WRONG_TYPE, g_steal_pointer (&text),
              g_steal_pointer (&debug), "UNSUPPORTED_MEDIA", 0, NULL, path);
  self->refused_caps = TRUE;
  return FALSE;
}

static gboolean
gst_authenta_sink_event (GstBaseSink *bsink, GstEvent *event)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);
  g_autoptr (GError) error = NULL;

  switch (GST_EVENT_TYPE (event))
    {
    case GST_EVENT_SEGMENT:
      {
        const GstSegment *segment;

        gst_event_parse_segment (event, &segment);
        /* A muxer going back to rewrite a header (mp4mux's moov and mdat
         * sizes) sends a BYTES segment starting where to write. */
        if (segment->format != GST_FORMAT_BYTES)
          break;
        if (!ensure_recording (self))
          goto failed;
        if (segment->start
            == gst_authenta_recording_get_position (self->recording))
          break;
        GST_DEBUG_OBJECT (self, "seeking to %" G_GUINT64_FORMAT,
                          segment->start);
        if (!gst_authenta_recording_seek (self->recording, segment->start,
                                          &error))
          {
            GST_ELEMENT_ERROR (self, RESOURCE, SEEK,
                               ("Could not seek in the recording."),
                               ("%s", error->message));
            goto failed;
          }
        break;
      }
    case GST_EVENT_FLUSH_STOP:
      /* A new stream starts over, as with filesink. */
      if (self->recording != NULL
          && !gst_authenta_recording_truncate (self->recording, &error))
        {
          GST_ELEMENT_ERROR (self, RESOURCE, WRITE,
                             ("Could not restart the recording."),
                             ("%s", error->message));
          goto failed;
        }
      break;
    case GST_EVENT_EOS:
      if (!gst_authenta_sink_handle_eos (self))
        goto failed;
      /* The EOS goes on once spool-resume's pass is over too; unlock()
       * ends the wait. */
      if (self->resume != NULL)
        {
          g_autoptr (GCancellable) cancellable
              = gst_authenta_sink_dup_cancellable (self);

          GST_DEBUG_OBJECT (self, "waiting for the resumed scans");
          if (!gst_authenta_resume_wait (self->resume, cancellable))
            goto failed;
        }
      break;
    default:
      break;
    }

  return GST_BASE_SINK_CLASS (parent_class)->event (bsink, event);

failed:
  gst_event_unref (event);
  return FALSE;
}

static gboolean
gst_authenta_sink_query (GstBaseSink *bsink, GstQuery *query)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);
  GstFormat format;

  switch (GST_QUERY_TYPE (query))
    {
    case GST_QUERY_SEEKING:
      /* mp4mux and qtmux ask this before choosing to rewrite headers. */
      gst_query_parse_seeking (query, &format, NULL, NULL, NULL);
      if (format == GST_FORMAT_BYTES || format == GST_FORMAT_DEFAULT)
        gst_query_set_seeking (query, GST_FORMAT_BYTES, TRUE, 0, -1);
      else
        gst_query_set_seeking (query, format, FALSE, 0, -1);
      return TRUE;
    case GST_QUERY_POSITION:
      gst_query_parse_position (query, &format, NULL);
      if (format != GST_FORMAT_BYTES && format != GST_FORMAT_DEFAULT)
        break;
      {
        gint64 position = 0;

        /* The streaming thread moves the position without the lock: from
         * another thread this is at worst a little stale. */
        GST_OBJECT_LOCK (self);
        if (self->recording != NULL)
          position = gst_authenta_recording_get_position (self->recording);
        GST_OBJECT_UNLOCK (self);
        gst_query_set_position (query, GST_FORMAT_BYTES, position);
        return TRUE;
      }
    case GST_QUERY_FORMATS:
      gst_query_set_formats (query, 2, GST_FORMAT_DEFAULT, GST_FORMAT_BYTES);
      return TRUE;
    default:
      break;
    }

  return GST_BASE_SINK_CLASS (parent_class)->query (bsink, query);
}

/* ------------------------------------------------------------------------ */
/* Life cycle */

/* As splitmuxsink's one sink (async-finalize=false) the scan at each
 * fragment's end would hold splitmuxsink, and so the recording, until the
 * verdict: refused with the configuration that works instead. */
static gboolean
check_not_stalling_splitmuxsink (GstAuthentaSink *self)
{
  g_autoptr (GstObject) parent = gst_object_get_parent (GST_OBJECT (self));
  gboolean async_finalize = TRUE;

  if (parent == NULL
      || g_strcmp0 (G_OBJECT_TYPE_NAME (parent), "GstSplitMuxSink") != 0
      || g_object_class_find_property (G_OBJECT_GET_CLASS (parent),
                                       "async-finalize")
             == NULL)
    return TRUE;
  g_object_get (parent, "async-finalize", &async_finalize, NULL);
  if (async_finalize)
    return TRUE;
  GST_ELEMENT_ERROR (
      self, CORE, STATE_CHANGE,
      ("authentasink as splitmuxsink's only sink would stall the recording "
       "during every scan. Use splitmuxsink async-finalize=true "
       "sink-factory=authentasink (one sink per fragment, scanned in the "
       "background), and on-error=warning so one failed fragment does not end "
       "the recording."),
      ("parent %s has async-finalize=false", GST_OBJECT_NAME (parent)));
  return FALSE;
}

/* A sink added to a bin that already runs (splitmuxsink's next fragment)
 * starts in that bin's streaming thread, which no request may hold. */
static gboolean
joins_running_bin (GstAuthentaSink *self)
{
  g_autoptr (GstObject) parent = gst_object_get_parent (GST_OBJECT (self));
  GstState state;

  if (parent == NULL || !GST_IS_ELEMENT (parent))
    return FALSE;
  GST_OBJECT_LOCK (parent);
  state = GST_STATE (parent);
  GST_OBJECT_UNLOCK (parent);
  return state >= GST_STATE_PAUSED;
}

/* check-at-start: the key, base URL and permissions are tried now, not at
 * the end of the recording.  FALSE fails the state change. */
static gboolean
check_setup (GstAuthentaSink *self, AuthentaClient *client,
             const GstAuthentaSinkSettings *s)
{
  AuthentaPermissions needed
      = AUTHENTA_PERMISSION_READ | AUTHENTA_PERMISSION_WRITE;
  GstAuthentaErrorSettings es = gst_authenta_sink_error_settings (s);
  gboolean warn = s->on_error == GST_AUTHENTA_SINK_ON_ERROR_WARNING;
  g_autoptr (GError) error = NULL;
  g_autofree char *service_code = NULL;
  gboolean offline;
  char *text;
  GQuark domain;
  int code;

  if (s->delete_remote)
    needed |= AUTHENTA_PERMISSION_DELETE;
  if (authenta_client_check_access (client, needed, NULL, &error))
    return TRUE;
  text = gst_authenta_error_describe_start_check (error, &es, &domain, &code);
  /* A rig must record offline: with spool-dir, a service that cannot be
   * reached now is a WARNING; a refused key or permission is not. */
  offline = s->spool_dir != NULL && authenta_error_is_transient (error);
  if (offline)
    {
      char *with_spool
          = gst_authenta_spool_describe_offline_start (text, s->spool_dir);

      g_free (text);
      text = with_spool;
      warn = TRUE;
    }
  service_code = gst_authenta_error_dup_code (error);
  GST_WARNING_OBJECT (self, "start-time check failed: %s", text);
  gst_authenta_post_failure (
      GST_ELEMENT_CAST (self), warn ? GST_MESSAGE_WARNING : GST_MESSAGE_ERROR,
      domain, code, text, g_strdup (error->message), service_code,
      authenta_error_get_http_status (error), NULL, NULL, __FILE__,
      GST_FUNCTION, __LINE__);
  return warn;
}

static gboolean
gst_authenta_sink_start (GstBaseSink *bsink)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);
  g_autofree char *dir = NULL;
  g_auto (GstAuthentaSinkSettings) settings = { 0 };
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaJournal) journal = NULL;
  g_autoptr (GError) error = NULL;
  gboolean have_key;
  char *env_key
      = gst_authenta_sink_dup_trimmed_key (g_getenv ("AUTHENTA_API_KEY"));

  GST_OBJECT_LOCK (self);
  have_key = self->settings.api_key != NULL || env_key != NULL;
  gst_authenta_sink_free_secret (env_key);
  /* With location set, temp-dir is not used. */
  dir = self->location ? NULL : g_strdup (recording_dir (self));
  gst_authenta_sink_settings_copy (&settings, &self->settings);
  GST_OBJECT_UNLOCK (self);

  /* Fail before anything is recorded, not at the end of it. */
  if (!check_not_stalling_splitmuxsink (self))
    return FALSE;
  if (!have_key)
    {
      GST_ELEMENT_ERROR (self, RESOURCE, NOT_AUTHORIZED,
                         ("No Authenta API key. Set the api-key property or "
                          "the AUTHENTA_API_KEY environment variable."),
                         (NULL));
      return FALSE;
    }
  /* A journal that cannot be used fails now, before anything is recorded
   * (and makes spool-dir, the recording's folder by default). */
  if (settings.spool_dir != NULL)
    {
      journal = gst_authenta_spool_open (GST_ELEMENT_CAST (self),
                                         settings.spool_dir);
      if (journal == NULL)
        return FALSE;
    }
  if (dir != NULL && !check_temp_dir (self, dir))
    return FALSE;

  /* A malformed base-url shows now too.  This also initialises libcurl and
   * TLS on the application's thread rather than on a streaming thread that
   * may exit.  The scans use this client (gst_authenta_sink_dup_client())
   * unless base-url or api-key change before them. */
  client = gst_authenta_sink_new_client (self, &settings, &error);
  if (client == NULL)
    {
      GstResourceError code;
      GstAuthentaErrorSettings es
          = gst_authenta_sink_error_settings (&settings);
      g_autofree char *text
          = gst_authenta_error_describe_setup (error, &es, &code);
      g_autofree char *service_code = gst_authenta_error_dup_code (error);
      /* The same details as a scan's ERROR: nothing was recorded yet. */
      gst_authenta_post_failure (
          GST_ELEMENT_CAST (self), GST_MESSAGE_ERROR, GST_RESOURCE_ERROR, code,
          g_steal_pointer (&text), g_strdup (error->message), service_code,
          authenta_error_get_http_status (error), NULL, NULL, __FILE__,
          GST_FUNCTION, __LINE__);
      return FALSE;
    }
  if (settings.check_at_start && !joins_running_bin (self)
      && !check_setup (self, client, &settings))
    return FALSE;
  GST_OBJECT_LOCK (self);
  g_set_object (&self->client, client);
  g_set_object (&self->journal, journal);
  GST_OBJECT_UNLOCK (self);
  /* Recording does not wait for it: the pass runs beside the stream. */
  if (journal != NULL && settings.spool_resume)
    self->resume = gst_authenta_resume_start (GST_ELEMENT_CAST (self), client,
                                              settings.spool_dir, NULL, NULL);

  self->last_stage = AUTHENTA_SCAN_STAGE_CREATED;
  self->posted_stage = FALSE;
  return TRUE;
}

/* Ends the current stream when the streaming thread has stopped (PAUSED ->
 * READY, or READY -> NULL): a recording not scanned yet is closed, kept as an
 * interrupted scan's is, and everything that belonged to that stream is
 * forgotten, so that the next PLAYING records a fresh file.  GstBaseSink
 * calls stop() only on READY -> NULL, hence the change_state override. */
static void
finish_stream (GstAuthentaSink *self)
{
  GstAuthentaSinkKeepFile keep_file;

  GST_OBJECT_LOCK (self);
  keep_file = self->settings.keep_file;
  GST_OBJECT_UNLOCK (self);

  /* A stream stopped before its EOS (or its scan) was never scanned:
   * nothing recorded is lost unless keep-file=never. */
  if (self->recording != NULL)
    {
      gboolean keep
          = self->keep_partial
            || (keep_file != GST_AUTHENTA_SINK_KEEP_FILE_NEVER
                && gst_authenta_recording_get_size (self->recording) > 0);

      /* After a write error, the ERROR already told where the file is. */
      if (keep && !self->keep_partial)
        gst_authenta_sink_post_stopped (
            self, "The stream stopped before its end, so it was not scanned.",
            "recording", gst_authenta_recording_get_path (self->recording));
      gst_authenta_sink_drop_recording (self, keep);
    }
  self->keep_partial = FALSE;
  self->refused_caps = FALSE;
  gst_caps_replace (&self->caps, NULL);
  g_clear_pointer (&self->mid, g_free);
  self->journal_id = 0;
  self->last_stage = AUTHENTA_SCAN_STAGE_CREATED;
  self->posted_stage = FALSE;
}

static gboolean
gst_authenta_sink_stop (GstBaseSink *bsink)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);
  AuthentaClient *client;
  AuthentaJournal *journal;

  /* Normally done already on PAUSED -> READY. */
  finish_stream (self);
  /* Its scan under way stays journaled at its stage. */
  g_clear_pointer (&self->resume, gst_authenta_resume_stop);
  GST_OBJECT_LOCK (self);
  client = g_steal_pointer (&self->client);
  journal = g_steal_pointer (&self->journal);
  GST_OBJECT_UNLOCK (self);
  g_clear_object (&client);
  /* Its last reference frees any claim it still holds. */
  g_clear_object (&journal);
  return TRUE;
}

static GstStateChangeReturn
gst_authenta_sink_change_state (GstElement *element, GstStateChange transition)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (element);
  GstStateChangeReturn ret;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  /* The parent has deactivated the sink pad, which waits for the streaming
   * thread (and a scan it ran) to leave: the stream is ours to end. */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    finish_stream (self);
  return ret;
}

static gboolean
gst_authenta_sink_unlock (GstBaseSink *bsink)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);

  GST_DEBUG_OBJECT (self, "unlock");
  GST_OBJECT_LOCK (self);
  g_cancellable_cancel (self->cancellable);
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static gboolean
gst_authenta_sink_unlock_stop (GstBaseSink *bsink)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (bsink);

  GST_DEBUG_OBJECT (self, "unlock_stop");
  /* A fresh one rather than g_cancellable_reset(): a call that still holds
   * the old one keeps seeing it cancelled. */
  GST_OBJECT_LOCK (self);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      g_object_unref (self->cancellable);
      self->cancellable = g_cancellable_new ();
    }
  GST_OBJECT_UNLOCK (self);
  return TRUE;
}

static void
gst_authenta_sink_finalize (GObject *object)
{
  GstAuthentaSink *self = GST_AUTHENTA_SINK (object);

  gst_authenta_sink_settings_clear (&self->settings);
  g_free (self->temp_dir);
  g_free (self->location);
  g_free (self->recorded_location);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->journal);
  gst_caps_replace (&self->caps, NULL);
  g_free (self->mid);
  if (self->recording != NULL)
    gst_authenta_sink_drop_recording (self, TRUE);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_authenta_sink_init (GstAuthentaSink *self)
{
  GstAuthentaSinkSettings *s = &self->settings;

  s->model_type = DEFAULT_MODEL_TYPE;
  s->keep_file = DEFAULT_KEEP_FILE;
  s->on_error = DEFAULT_ON_ERROR;
  s->delete_remote = DEFAULT_DELETE_REMOTE;
  s->allow_insecure = DEFAULT_ALLOW_INSECURE;
  s->check_at_start = DEFAULT_CHECK_AT_START;
  s->timeout = DEFAULT_TIMEOUT;
  s->retry_attempts = DEFAULT_RETRY_ATTEMPTS;
  s->retry_base_delay = DEFAULT_RETRY_BASE_DELAY;
  s->retry_max_delay = DEFAULT_RETRY_MAX_DELAY;
  s->poll_interval = DEFAULT_POLL_INTERVAL;
  s->poll_max_interval = DEFAULT_POLL_MAX_INTERVAL;
  self->cancellable = g_cancellable_new ();

  /* A recorder, not a renderer: write as fast as data comes. */
  gst_base_sink_set_sync (GST_BASE_SINK (self), FALSE);
}

#define PARAM_FLAGS                                                            \
  (G_PARAM_READWRITE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS)

static void
gst_authenta_sink_class_init (GstAuthentaSinkClass *klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSinkClass *basesink_class = GST_BASE_SINK_CLASS (klass);

  gobject_class->set_property = gst_authenta_sink_set_property;
  gobject_class->get_property = gst_authenta_sink_get_property;
  gobject_class->finalize = gst_authenta_sink_finalize;
  element_class->change_state
      = GST_DEBUG_FUNCPTR (gst_authenta_sink_change_state);

  /**
   * GstAuthentaSink:api-key:
   *
   * The key for the Authenta service.  Write-only, so that it never shows
   * in `gst-launch-1.0 -v` output, pipeline dumps or logs.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_API_KEY,
      g_param_spec_string (
          "api-key", "API key",
          "Key for the Authenta service (write-only; default: the "
          "AUTHENTA_API_KEY environment variable; white space around it "
          "is dropped)",
          NULL,
          G_PARAM_WRITABLE | GST_PARAM_MUTABLE_READY | G_PARAM_STATIC_STRINGS));

  /**
   * GstAuthentaSink:base-url:
   *
   * The Authenta API the recording is sent to, such as
   * `https://platform.authenta.ai/api` (the default).  %NULL takes the
   * `AUTHENTA_BASE_URL` environment variable, else the library's
   * %AUTHENTA_DEFAULT_BASE_URL.  Plain `http://` is refused unless the host is
   * a loopback address or #GstAuthentaSink:allow-insecure is set.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_BASE_URL,
      g_param_spec_string (
          "base-url", "Base URL",
          "Where the Authenta API is (NULL: the AUTHENTA_BASE_URL "
          "environment variable, else " AUTHENTA_DEFAULT_BASE_URL ")",
          NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:model-type:
   *
   * The detection model the service runs: `DF-1` (deepfake
   * video), `AC-1` (AI-generated images), `FD-1`, or `auto` (the default),
   * which picks DF-1 for a video and AC-1 for an image from the caps.  Caps the
   * model cannot take are refused when they arrive.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_MODEL_TYPE,
      g_param_spec_enum ("model-type", "Model type", "Detection model to run",
                         GST_TYPE_AUTHENTA_SINK_MODEL_TYPE, DEFAULT_MODEL_TYPE,
                         PARAM_FLAGS));

  /**
   * GstAuthentaSink:task:
   *
   * What the service checks the recording for: a Media API model
   * (`DF-1`, `AC-1`, `FD-1`: #GstAuthentaSink:model-type's choice, spelt as
   * a task) or a Jobs API task (`ai-audio-detection`, `ai-video-detection`,
   * `faceswap-detection`, `ai-image-detection`, `image-forgery-detection`,
   * `face-liveness-detection`, `ekyc-deepfake`, `document-intelligence`, or
   * its number).  A Jobs API task is checked through `/v1/jobs`: create,
   * upload, finalize, poll; a stop before the finalize cancels the job.
   * %NULL (the default) takes #GstAuthentaSink:model-type, and with it
   * `auto` the default for what is recorded: DF-1 for a video, AC-1 for an
   * image, `ai-audio-detection` for audio (MP3, WAV, or M4A from mp4mux).
   * Caps the task cannot take are refused when they arrive, with a message
   * that names the task to use; an unknown task is refused with a warning
   * (`authenta tasks` lists them, with what each takes).
   *
   * Since: 0.4
   */
  g_object_class_install_property (
      gobject_class, PROP_TASK,
      g_param_spec_string (
          "task", "Task",
          "What to check for: a Media API model (DF-1, AC-1, FD-1) or a Jobs "
          "API task (ai-audio-detection, ai-video-detection, "
          "faceswap-detection, ai-image-detection, …); NULL: model-type, "
          "else the default for what is recorded (audio: "
          "ai-audio-detection)",
          NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:media-name:
   *
   * The name of the media record the service creates, as it shows
   * in the service's listing.  %NULL (the default) names it after the
   * recording's file.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_MEDIA_NAME,
      g_param_spec_string ("media-name", "Media name",
                           "Name of the media record (NULL: the recording's "
                           "file name)",
                           NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:content-type:
   *
   * The content type declared to the service when neither the
   * caps nor the first bytes of the recording tell it (`video/mp4`,
   * `video/quicktime`, `video/webm`, `image/jpeg`, `image/png`).  A value that
   * is not a `type/subtype` token is refused with a warning.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_CONTENT_TYPE,
      g_param_spec_string (
          "content-type", "Content type",
          "Content type to declare when neither the caps nor the data tell "
          "it (video/mp4, video/quicktime, video/webm, image/jpeg, "
          "image/png); a value that is not a type/subtype token is refused "
          "with a warning",
          NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:temp-dir:
   *
   * The folder the recording is written to when
   * #GstAuthentaSink:location is not set: a private file (mode 0600) there.
   * %NULL (the default) is the system's temporary folder (`$TMPDIR`, else
   * `/tmp`).
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_TEMP_DIR,
      g_param_spec_string ("temp-dir", "Temporary folder",
                           "Folder for the recording (NULL: the system's, "
                           "$TMPDIR or /tmp)",
                           NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:location:
   *
   * The file to record to, as filesink's `location`: created (mode 0600),
   * never overwritten (an existing file fails the start of the recording
   * with an error), and not renamed at the end of the stream.  %NULL (the
   * default) records to a temporary file in #GstAuthentaSink:temp-dir.
   * splitmuxsink sets it for each fragment from its `location` pattern.
   * #GstAuthentaSink:keep-file applies as to the temporary file: by
   * default the file is deleted after a verdict.
   *
   * Since: 0.2
   */
  g_object_class_install_property (
      gobject_class, PROP_LOCATION,
      g_param_spec_string ("location", "File location",
                           "File to record to, never overwritten (NULL: a "
                           "temporary file in temp-dir)",
                           NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:recorded-location:
   *
   * The file the current (or last) recording was written to: the
   * #GstAuthentaSink:location, or the temporary file (with its final
   * name once the stream ended).  %NULL before the first buffer.
   *
   * Since: 0.2
   */
  g_object_class_install_property (
      gobject_class, PROP_RECORDED_LOCATION,
      g_param_spec_string ("recorded-location", "Recorded location",
                           "File the current or last recording was written "
                           "to (read-only)",
                           NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * GstAuthentaSink:on-error:
   *
   * What a failed scan does: `error` posts an ERROR with details, which
   * stops the pipeline; `warning` posts a WARNING with the same details and
   * an `authenta-failed` element message (`mid`, `authenta-code`,
   * `http-status-code`, `location`, `reason`), keeps the recording and lets
   * the EOS through, so that a pipeline (splitmuxsink's next fragment)
   * goes on.
   *
   * Since: 0.2
   */
  g_object_class_install_property (
      gobject_class, PROP_ON_ERROR,
      g_param_spec_enum ("on-error", "On error",
                         "What a failed scan posts: an ERROR that stops the "
                         "pipeline, or a WARNING and an authenta-failed "
                         "message, keeping the file and letting EOS through",
                         GST_TYPE_AUTHENTA_SINK_ON_ERROR, DEFAULT_ON_ERROR,
                         PARAM_FLAGS));

  /**
   * GstAuthentaSink:keep-file:
   *
   * What becomes of the recording once its scan is over: `never`
   * kept (deleted even after a failure, so a failed scan loses it),
   * `on-failure` (the default: kept only when the scan failed, so that it can
   * be scanned again) or `always` kept.  The kept file's path is in the
   * messages' `location` field.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_KEEP_FILE,
      g_param_spec_enum (
          "keep-file", "Keep file",
          "What becomes of the recording after the scan (never also deletes "
          "it after a failure, losing it)",
          GST_TYPE_AUTHENTA_SINK_KEEP_FILE, DEFAULT_KEEP_FILE, PARAM_FLAGS));

  /**
   * GstAuthentaSink:delete-remote:
   *
   * Whether the media record is deleted from the service once the
   * verdict has been posted, so that neither the file nor its results stay
   * there.  A failed deletion is a WARNING, never a failed scan.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_DELETE_REMOTE,
      g_param_spec_boolean ("delete-remote", "Delete remote",
                            "Delete the media record from the service once "
                            "the verdict is posted",
                            DEFAULT_DELETE_REMOTE, PARAM_FLAGS));

  /**
   * GstAuthentaSink:timeout:
   *
   * The longest wait for the verdict once the file is uploaded, in
   * seconds; 0 waits without a limit.  When it runs out the scan fails with
   * `authenta-code` `timeout`.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
                         "Longest wait for the verdict once uploaded, in "
                         "seconds (0: no limit)",
                         0, MAX_TIMEOUT, DEFAULT_TIMEOUT, PARAM_FLAGS));

  /**
   * GstAuthentaSink:retry-attempts:
   *
   * How many times each request is tried in all, the first
   * try included (1: no retry).  Only transient failures are retried: HTTP
   * 500, 502, 503, 504, 408 and 429, connection failures and transfer
   * time-outs.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_RETRY_ATTEMPTS,
      g_param_spec_uint ("retry-attempts", "Retry attempts",
                         "Tries per request in all, the first included (1: "
                         "no retry); only HTTP 500, 502, 503, 504, 408 and "
                         "429, connection failures and transfer time-outs "
                         "are retried",
                         1, 100, DEFAULT_RETRY_ATTEMPTS, PARAM_FLAGS));

  /**
   * GstAuthentaSink:retry-base-delay:
   *
   * The wait before the first retry, in milliseconds; it doubles
   * at each retry, with jitter, up to #GstAuthentaSink:retry-max-delay.  A
   * `Retry-After` header of the service is honoured.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_RETRY_BASE_DELAY,
      g_param_spec_uint ("retry-base-delay", "Retry base delay",
                         "Wait before the first retry, in milliseconds; it "
                         "doubles at each retry",
                         0, MAX_DELAY_MS, DEFAULT_RETRY_BASE_DELAY,
                         PARAM_FLAGS));

  /**
   * GstAuthentaSink:retry-max-delay:
   *
   * The longest wait between two tries of a request, in
   * milliseconds.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_RETRY_MAX_DELAY,
      g_param_spec_uint ("retry-max-delay", "Retry maximum delay",
                         "Longest wait between retries, in milliseconds", 0,
                         MAX_DELAY_MS, DEFAULT_RETRY_MAX_DELAY, PARAM_FLAGS));

  /**
   * GstAuthentaSink:poll-interval:
   *
   * The wait between looks for the verdict (the first comes right after
   * the upload) during the first 2 s, in milliseconds; after that it
   * doubles per look up to #GstAuthentaSink:poll-max-interval: the
   * library's schedule (a verdict seen 1 s after it is ready on average).
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_POLL_INTERVAL,
      g_param_spec_uint ("poll-interval", "Poll interval",
                         "Wait between looks for the verdict during the "
                         "first 2 s (the first comes right after the upload), "
                         "in milliseconds; then it doubles per look up to "
                         "poll-max-interval",
                         1, MAX_DELAY_MS, DEFAULT_POLL_INTERVAL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:poll-max-interval:
   *
   * The longest wait between two looks for the verdict, in
   * milliseconds.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_POLL_MAX_INTERVAL,
      g_param_spec_uint ("poll-max-interval", "Poll maximum interval",
                         "Longest wait between looks for the verdict, in "
                         "milliseconds",
                         1, MAX_DELAY_MS, DEFAULT_POLL_MAX_INTERVAL,
                         PARAM_FLAGS));

  /**
   * GstAuthentaSink:allow-insecure:
   *
   * Accept a plain-http base URL to a host that is not loopback.  The API
   * key then travels in clear text: for test rigs and private networks
   * only.
   *
   * Since: 0.1
   */
  g_object_class_install_property (
      gobject_class, PROP_ALLOW_INSECURE,
      g_param_spec_boolean (
          "allow-insecure", "Allow insecure",
          "Accept a plain-http base-url to a host other than loopback (the "
          "API key then travels in clear text: test rigs and private "
          "networks only)",
          DEFAULT_ALLOW_INSECURE, PARAM_FLAGS));

  /**
   * GstAuthentaSink:check-at-start:
   *
   * When the element starts (NULL to READY), make one cheap authenticated
   * request per permission a scan needs (authenta_client_check_access(): no
   * record, no credit), so that a wrong key, a missing permission, a base URL
   * that is not the API or no service at all fail the state change, with the
   * error the scan would give at EOS (with on-error=warning: a WARNING, and the
   * recording goes on).  Never for a sink added to a bin that is already
   * running, as splitmuxsink's next fragments are: the check would hold the
   * recording.
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_CHECK_AT_START,
      g_param_spec_boolean (
          "check-at-start", "Check at start",
          "When the element starts (NULL to READY), one cheap authenticated "
          "request per permission "
          "needed, so a wrong key, permission or base URL fails then, not "
          "after the recording (never for a sink added to a running bin)",
          DEFAULT_CHECK_AT_START, PARAM_FLAGS));

  /**
   * GstAuthentaSink:ca-file:
   *
   * A PEM file of CA certificates to verify the Authenta service (and its
   * storage) with, instead of the system's: for on-premises and staging
   * deployments signed by a private CA.  %NULL: the `AUTHENTA_CA_FILE`,
   * `CURL_CA_BUNDLE` or `SSL_CERT_FILE` environment variable, else the
   * system's CAs.  A file that cannot be read fails the start; a
   * certificate that is not trusted fails the scan with a
   * %GST_RESOURCE_ERROR_SETTINGS whose `authenta-code` is `TLS`.
   *
   * Since: 0.2
   */
  g_object_class_install_property (
      gobject_class, PROP_CA_FILE,
      g_param_spec_string (
          "ca-file", "CA file",
          "PEM file of CA certificates that verify the service's TLS "
          "certificate (NULL: the AUTHENTA_CA_FILE, CURL_CA_BUNDLE or "
          "SSL_CERT_FILE environment variable, else the system's CAs)",
          NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:spool-dir:
   *
   * A folder for a crash-safe journal of scans (an #AuthentaJournal): each
   * finished recording is journaled, and every stage of its scan committed
   * before the next request, so that a scan cut short by a kill, a stop or
   * an outage is finished later by `authenta spool run --spool-dir DIR`,
   * without a second record.  A failure that may go away by itself
   * (network, 5xx, no service, time-out) is then a WARNING and an
   * `authenta-spooled` element message instead of an ERROR, the recording
   * is kept and the EOS goes through; a service that cannot be reached at
   * start (check-at-start) is a WARNING too.  The recording is made in this
   * folder unless temp-dir or location say otherwise.  A journal that
   * cannot be opened fails the start.  %NULL (the default): no journal.
   *
   * Since: 0.3
   */
  g_object_class_install_property (
      gobject_class, PROP_SPOOL_DIR,
      g_param_spec_string (
          "spool-dir", "Spool folder",
          "Folder of a crash-safe journal of scans: a scan the service cannot "
          "take now (network, 5xx, time-out) is left there with a WARNING for "
          "`authenta spool run`, instead of an ERROR (NULL: no journal)",
          NULL, PARAM_FLAGS));

  /**
   * GstAuthentaSink:spool-resume:
   *
   * With #GstAuthentaSink:spool-dir: when the element starts, finish in the
   * background the scans that earlier runs left unfinished in the journal
   * (a crash, a power cut, an outage longer than the retries), each on its
   * record, as `authenta spool run` does.  The recording never waits for
   * them; the EOS does.  Each verdict is an `authenta-verdict` message with
   * `journal-id` and `resumed` (%TRUE) and the entry's file as `location`
   * (unless it was deleted); an entry that cannot be finished is a WARNING
   * naming it, and stays journaled.  Scans another live process holds are
   * left to it.  Stopping the element leaves the scan under way in the
   * journal, at its stage.
   *
   * Since: 0.4
   */
  g_object_class_install_property (
      gobject_class, PROP_SPOOL_RESUME,
      g_param_spec_boolean (
          "spool-resume", "Resume journaled scans",
          "At start, finish in the background the scans earlier runs left in "
          "spool-dir's journal (verdicts have resumed=true)",
          FALSE, PARAM_FLAGS));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_set_static_metadata (
      element_class, "Authenta deepfake scan sink", "Sink/File",
      "Records a stream and has it checked for deepfakes by the Authenta "
      "service at end of stream, posting the verdict on the bus",
      "Authenta for GStreamer contributors");

  basesink_class->start = GST_DEBUG_FUNCPTR (gst_authenta_sink_start);
  basesink_class->stop = GST_DEBUG_FUNCPTR (gst_authenta_sink_stop);
  basesink_class->unlock = GST_DEBUG_FUNCPTR (gst_authenta_sink_unlock);
  basesink_class->unlock_stop
      = GST_DEBUG_FUNCPTR (gst_authenta_sink_unlock_stop);
  basesink_class->set_caps = GST_DEBUG_FUNCPTR (gst_authenta_sink_set_caps);
  basesink_class->render = GST_DEBUG_FUNCPTR (gst_authenta_sink_render);
  basesink_class->event = GST_DEBUG_FUNCPTR (gst_authenta_sink_event);
  basesink_class->query = GST_DEBUG_FUNCPTR (gst_authenta_sink_query);

  gst_type_mark_as_plugin_api (GST_TYPE_AUTHENTA_SINK_KEEP_FILE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_AUTHENTA_SINK_MODEL_TYPE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_AUTHENTA_SINK_ON_ERROR, 0);

  GST_DEBUG_CATEGORY_INIT (gst_authenta_sink_debug, "authentasink", 0,
                           "Authenta deepfake scan sink");
}
