/* authenta: what goes to stdout — the one-line scan summary, a record in
 * full, the list table and JSON lines.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

/* Text from the service or the command line, made safe for a terminal:
 * valid UTF-8 with control characters (escape sequences above all) shown as
 * '?'.  Free with g_free(). */
char *
cli_sanitize (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  if (!text)
    return g_strdup ("");
  valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static gboolean
status_is_failed (AuthentaMedia *media)
{
  const char *status = authenta_media_get_status (media);

  return g_strcmp0 (status, "FAILED") == 0 || g_strcmp0 (status, "ERROR") == 0;
}

/* AUTHENTIC, FAKE, UNKNOWN (processed without a verdict), FAILED, or the
 * status while the record is not done. */
const char *
cli_verdict_word (AuthentaMedia *media)
{
  const char *status;

  if (authenta_media_is_processed (media)
      && !authenta_media_has_verdict (media))
    return "UNKNOWN";
  if (authenta_media_is_processed (media))
    return authenta_media_is_fake (media) ? "FAKE" : "AUTHENTIC";
  if (status_is_failed (media))
    return "FAILED";
  status = authenta_media_get_status (media);
  return status ? status : "UNKNOWN";
}

CliExit
cli_exit_for_record (AuthentaMedia *media)
{
  /* Never "authentic" on the strength of an answer that did not say. */
  if (authenta_media_is_processed (media)
      && !authenta_media_has_verdict (media))
    return CLI_EXIT_NO_VERDICT;
  if (authenta_media_is_processed (media))
    return authenta_media_is_fake (media) ? CLI_EXIT_FAKE : CLI_EXIT_AUTHENTIC;
  if (status_is_failed (media))
    return CLI_EXIT_PROCESSING_FAILED;
  return CLI_EXIT_AUTHENTIC;
}

static void
append_number (GString *out, const char **sep, gint64 n, const char *one,
               const char *many)
{
  g_string_append_printf (out, "%s%" G_GINT64_FORMAT " %s", *sep, n,
                          n == 1 ? one : many);
  *sep = ", ";
}

/* "2 faces, 1 deepfake" or "confidence 0.97"; empty when the service sent
 * none of them.  Locale-independent, so scripts can read it. */
static void
append_evidence (GString *out, AuthentaMedia *media, const char **sep)
{
  gint64 faces = authenta_media_get_faces (media);
  gint64 deepfakes = authenta_media_get_deepfakes (media);
  double confidence = authenta_media_get_confidence (media);

  if (faces >= 0)
    append_number (out, sep, faces, "face", "faces");
  if (deepfakes >= 0)
    append_number (out, sep, deepfakes, "deepfake", "deepfakes");
  if (confidence >= 0)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append_printf (
          out, "%sconfidence %s", *sep,
          g_ascii_formatd (buf, sizeof buf, "%.2f", confidence));
      *sep = ", ";
    }
}

static void
print_json_text (const char *json)
{
  g_autofree char *line = g_strdup (json ? json : "{}");

  /* Raw line breaks can only be whitespace between JSON tokens (inside
   * strings they are escaped), so this keeps the document as sent while
   * holding it to one line. */
  for (char *p = line; *p; p++)
    if (*p == '\n' || *p == '\r')
      *p = ' ';
  g_print ("%s\n", line);
}

void
cli_print_json_line (AuthentaMedia *media)
{
  print_json_text (authenta_media_get_json (media));
}

/* The record without its pre-signed upload URL (a write credential) and
 * that URL's lifetime; as sent when it has neither. */
void
cli_print_json_line_without_upload_url (AuthentaMedia *media)
{
  const char *json = authenta_media_get_json (media);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  g_autofree char *text = NULL;

  if (!json || !json_parser_load_from_data (parser, json, -1, NULL)
      || !(root = json_parser_get_root (parser))
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      print_json_text (json);
      return;
    }
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "uploadUrl")
      && !json_object_has_member (object, "expiresIn"))
    {
      print_json_text (json);
      return;
    }
  json_object_remove_member (object, "uploadUrl");
  json_object_remove_member (object, "expiresIn");
  text = json_to_string (root, FALSE);
  print_json_text (text);
}

/* "clip.mp4: FAKE (2 faces, 1 deepfake; model DF-1, mid 692f…)" */
/* What the record was checked for: its model, or a job's task. */
static const char *
record_check (AuthentaMedia *media)
{
  const char *model = authenta_media_get_model_type (media);

  return model ? model : authenta_media_get_task (media);
}

void
cli_print_scan_result (const char *file, AuthentaMedia *media)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *shown_file = cli_sanitize (file);
  const char *sep = "";
  const char *model = record_check (media);
  gboolean job = authenta_media_get_api (media) == AUTHENTA_TASK_API_JOBS;

  if (cli_global.json)
    {
      cli_print_json_line (media);
      return;
    }
  if (cli_global.quiet)
    return;

  g_string_append_printf (out, "%s: %s (", shown_file,
                          cli_verdict_word (media));
  append_evidence (out, media, &sep);
  if (*sep)
    g_string_append (out, "; ");
  if (model)
    {
      g_autofree char *shown = cli_sanitize (model);
      g_string_append_printf (out, "%s %s, ", job ? "task" : "model", shown);
    }
  {
    g_autofree char *shown = cli_sanitize (authenta_media_get_mid (media));
    g_string_append_printf (out, "%s %s)", job ? "job" : "mid", shown);
  }
  g_print ("%s\n", out->str);
}

static void
print_field (const char *label, const char *value)
{
  g_autofree char *shown = NULL;

  if (!value)
    return;
  shown = cli_sanitize (value);
  g_print ("%-13s %s\n", label, shown);
}

static char *
format_created (AuthentaMedia *media)
{
  g_autoptr (GDateTime) created
      = authenta_media_dup_created_at_datetime (media);
  g_autoptr (GDateTime) local = NULL;

  if (!created)
    return cli_sanitize (authenta_media_get_created_at (media));
  local = g_date_time_to_local (created);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

/* `authenta get`: the record in full, one field a line. */
void
cli_print_record (AuthentaMedia *media)
{
  g_autofree char *created = format_created (media);
  g_autoptr (GString) verdict = g_string_new (cli_verdict_word (media));
  const char *sep = " (";
  guint n_participants = authenta_media_get_n_participants (media);
  gboolean has_links;

  if (cli_global.json)
    {
      cli_print_json_line (media);
      return;
    }

  if (authenta_media_get_api (media) == AUTHENTA_TASK_API_JOBS)
    {
      print_field ("job:", authenta_media_get_mid (media));
      print_field ("name:", authenta_media_get_name (media));
      print_field ("status:", authenta_media_get_status (media));
      print_field ("task:", record_check (media));
    }
  else
    {
      print_field ("mid:", authenta_media_get_mid (media));
      print_field ("name:", authenta_media_get_name (media));
      print_field ("type:", authenta_media_get_media_type (media));
      print_field ("status:", authenta_media_get_status (media));
      print_field ("model:", authenta_media_get_model_type (media));
    }
  print_field ("created:", created);

  append_evidence (verdict, media, &sep);
  if (sep[0] == ',')
    g_string_append_c (verdict, ')');
  print_field ("verdict:", verdict->str);

  for (guint i = 0; i < n_participants; i++)
    {
      AuthentaParticipant *p = authenta_media_get_participant (media, i);
      double confidence = authenta_participant_get_confidence (p);
      g_autofree char *label = NULL;
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      label = g_strdup_printf ("face %" G_GINT64_FORMAT ":",
                               authenta_participant_get_id (p));
      if (confidence >= 0)
        {
          g_autofree char *value = g_strdup_printf (
              "%s, confidence %s",
              authenta_participant_get_fake (p) ? "fake" : "authentic",
              g_ascii_formatd (buf, sizeof buf, "%.2f", confidence));
          print_field (label, value);
        }
      else
        print_field (label,
                     authenta_participant_get_fake (p) ? "fake" : "authentic");
    }

  /* The links are pre-signed: whoever holds one can read the file.  They
   * are not shown cut short (useless), nor whole in a summary that ends up
   * in logs; --json has them for whoever asks. */
  has_links = authenta_media_get_result_url (media)
              || authenta_media_get_src_url (media)
              || authenta_media_get_heatmap_url (media);
  if (has_links)
    print_field ("links:", "result, source and heatmap links are pre-signed; "
                           "'authenta get --json' prints them");
}

#define COL_MID 24
#define COL_STATUS 10
#define COL_TYPE 5
#define COL_MODEL 5
#define COL_VERDICT 9
#define COL_CREATED 19

void
cli_print_table_header (void)
{
  g_print ("%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", COL_MID, "MID",
           COL_STATUS, "STATUS", COL_TYPE, "TYPE", COL_MODEL, "MODEL",
           COL_VERDICT, "VERDICT", COL_CREATED, "CREATED", "NAME");
}

void
cli_print_table_row (AuthentaMedia *media)
{
  g_autofree char *mid = cli_sanitize (authenta_media_get_mid (media));
  g_autofree char *status = cli_sanitize (authenta_media_get_status (media));
  g_autofree char *type = cli_sanitize (authenta_media_get_media_type (media));
  g_autofree char *model = cli_sanitize (record_check (media));
  g_autofree char *name = cli_sanitize (authenta_media_get_name (media));
  g_autofree char *created = format_created (media);
  const char *verdict = "-";

  if (authenta_media_is_processed (media) || status_is_failed (media))
    verdict = cli_verdict_word (media);

  if (cli_global.json)
    {
      cli_print_json_line (media);
      return;
    }
  g_print ("%-*s  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", COL_MID,
           *mid ? mid : "-", COL_STATUS, *status ? status : "-", COL_TYPE,
           *type ? type : "-", COL_MODEL, *model ? model : "-", COL_VERDICT,
           verdict, COL_CREATED, created && *created ? created : "-", name);
}
