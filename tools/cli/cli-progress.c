/* authenta: the progress line on stderr while files are scanned.
 *
 * The library reports progress in the main loop's context (its
 * asynchronous calls report where they were started); this keeps the
 * latest state per file and redraws one line every 100 ms, so output never
 * interleaves.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-progress.h"
#include "authenta-cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define REDRAW_INTERVAL_MS 100
#define BAR_WIDTH 24

typedef enum
{
  ITEM_WAITING,
  ITEM_STARTED, /* creating the record */
  ITEM_RUNNING, /* stage is valid */
  ITEM_DONE,
  ITEM_SKIPPED,
} ItemState;

typedef struct
{
  char *label;
  ItemState state;
  AuthentaScanStage stage;
  guint64 sent;
  guint64 total;
  gint64 stage_since; /* monotonic µs */
} Item;

struct _CliProgress
{
  Item *items;
  guint n_items;
  guint redraw_id;
  gboolean drawn;
  char *last_line;
};

static gboolean redraw (gpointer data);

CliProgress *
cli_progress_new (guint n_items)
{
  CliProgress *self;

  if (cli_global.quiet || !isatty (STDERR_FILENO))
    return NULL;
  self = g_new0 (CliProgress, 1);
  self->items = g_new0 (Item, n_items);
  self->n_items = n_items;
  self->redraw_id = g_timeout_add (REDRAW_INTERVAL_MS, redraw, self);
  return self;
}

void
cli_progress_free (CliProgress *self)
{
  if (!self)
    return;
  cli_progress_clear (self);
  g_source_remove (self->redraw_id);
  for (guint i = 0; i < self->n_items; i++)
    g_free (self->items[i].label);
  g_free (self->items);
  g_free (self->last_line);
  g_free (self);
}

void
cli_progress_set_label (CliProgress *self, guint item, const char *label)
{
  if (!self || item >= self->n_items)
    return;
  g_free (self->items[item].label);
  self->items[item].label = cli_sanitize (label);
}

void
cli_progress_start_item (CliProgress *self, guint item)
{
  if (!self || item >= self->n_items)
    return;
  self->items[item].state = ITEM_STARTED;
  self->items[item].stage_since = g_get_monotonic_time ();
}

void
cli_progress_skip_item (CliProgress *self, guint item)
{
  if (!self || item >= self->n_items)
    return;
  self->items[item].state = ITEM_SKIPPED;
}

void
cli_progress_update (CliProgress *self, guint item, AuthentaScanStage stage,
                     guint64 bytes_sent, guint64 bytes_total)
{
  Item *it;

  if (!self || item >= self->n_items)
    return;
  it = &self->items[item];
  if (it->state == ITEM_STARTED || it->state == ITEM_RUNNING)
    {
      if (it->state != ITEM_RUNNING || it->stage != stage)
        it->stage_since = g_get_monotonic_time ();
      it->state = ITEM_RUNNING;
      it->stage = stage;
      it->sent = bytes_sent;
      it->total = bytes_total;
    }
}

void
cli_progress_finish_item (CliProgress *self, guint item)
{
  if (!self || item >= self->n_items)
    return;
  self->items[item].state = ITEM_DONE;
}

void
cli_progress_clear (CliProgress *self)
{
  if (!self || !self->drawn)
    return;
  fputs ("\r\033[K", stderr);
  fflush (stderr);
  self->drawn = FALSE;
  cli_note_progress_line (FALSE);
}

static guint
terminal_width (void)
{
  struct winsize ws;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
    return ws.ws_col;
  return 80;
}

static void
append_bar (GString *line, guint64 sent, guint64 total)
{
  guint filled = total ? (guint)(sent * BAR_WIDTH / total) : 0;
  g_autofree char *sent_text = g_format_size (sent);
  g_autofree char *total_text = g_format_size (total);

  filled = MIN (filled, BAR_WIDTH);
  g_string_append_c (line, '[');
  for (guint i = 0; i < BAR_WIDTH; i++)
    g_string_append_c (line, i < filled ? '#' : '-');
  g_string_append_printf (line, "] %3u%% %s / %s",
                          total ? (guint)(sent * 100 / total) : 0, sent_text,
                          total_text);
}

/* One file: its stage in detail. */
static void
describe_item (GString *line, const Item *it, gint64 now)
{
  guint seconds = (guint)((now - it->stage_since) / G_USEC_PER_SEC);

  g_string_append_printf (line, "%s: ", it->label ? it->label : "");
  if (it->state == ITEM_STARTED)
    {
      g_string_append (line, "creating the record");
      return;
    }
  switch (it->stage)
    {
    case AUTHENTA_SCAN_STAGE_CREATED:
      g_string_append (line, "record created, starting the upload");
      break;
    case AUTHENTA_SCAN_STAGE_UPLOADING:
      g_string_append (line, "uploading ");
      append_bar (line, it->sent, it->total);
      break;
    case AUTHENTA_SCAN_STAGE_UPLOADED:
      g_string_append (line, "uploaded, waiting for processing");
      break;
    case AUTHENTA_SCAN_STAGE_PROCESSING:
    default:
      g_string_append_printf (line, "processing (%u s)", seconds);
      break;
    }
}

static gboolean
redraw (gpointer data)
{
  CliProgress *self = data;
  g_autoptr (GString) line = g_string_new (NULL);
  gint64 now = g_get_monotonic_time ();
  guint n_items = 0, n_done = 0, n_active = 0, n_uploading = 0;
  guint n_processing = 0;
  guint64 sent = 0, total = 0;
  const Item *only = NULL;
  guint width = terminal_width ();

  for (guint i = 0; i < self->n_items; i++)
    {
      const Item *it = &self->items[i];

      if (it->state == ITEM_SKIPPED)
        continue;
      n_items++;
      if (it->state == ITEM_DONE)
        n_done++;
      else if (it->state != ITEM_WAITING)
        {
          n_active++;
          only = it;
          if (it->state == ITEM_RUNNING
              && it->stage == AUTHENTA_SCAN_STAGE_UPLOADING)
            {
              n_uploading++;
              sent += it->sent;
              total += it->total;
            }
          else if (it->state == ITEM_RUNNING
                   && it->stage >= AUTHENTA_SCAN_STAGE_UPLOADED)
            n_processing++;
        }
    }
  if (n_items == 1 && only)
    describe_item (line, only, now);
  else if (n_active == 1 && only)
    {
      g_string_append_printf (line, "%u/%u done, ", n_done, n_items);
      describe_item (line, only, now);
    }
  else if (n_active > 1)
    {
      g_string_append_printf (line, "%u/%u done", n_done, n_items);
      if (n_uploading)
        {
          g_string_append_printf (line, ", %u uploading ", n_uploading);
          append_bar (line, sent, total);
        }
      if (n_processing)
        g_string_append_printf (line, ", %u processing", n_processing);
    }

  if (line->len == 0)
    {
      cli_progress_clear (self);
      return G_SOURCE_CONTINUE;
    }
  /* Never wrap: a wrapped line cannot be erased with \r. */
  if (g_utf8_strlen (line->str, -1) >= width)
    {
      const char *cut = g_utf8_offset_to_pointer (line->str, width - 2);
      g_string_truncate (line, cut - line->str);
      g_string_append (line, "…");
    }
  /* Unchanged: leave the terminal alone. */
  if (self->drawn && g_strcmp0 (self->last_line, line->str) == 0)
    return G_SOURCE_CONTINUE;
  g_free (self->last_line);
  self->last_line = g_strdup (line->str);
  fprintf (stderr, "\r\033[K%s", line->str);
  fflush (stderr);
  self->drawn = TRUE;
  cli_note_progress_line (TRUE);
  return G_SOURCE_CONTINUE;
}
