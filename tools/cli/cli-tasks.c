/* authenta tasks: what the service can check, by which API, in which
 * files.  The library's table; no request is made.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#include <json-glib/json-glib.h>

static void
print_task_json (const char *task)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  const char *const *types = authenta_task_get_content_types (task);
  gboolean jobs = authenta_task_get_api (task) == AUTHENTA_TASK_API_JOBS;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "task");
  json_builder_add_string_value (b, task);
  json_builder_set_member_name (b, "api");
  json_builder_add_string_value (b, jobs ? "jobs" : "media");
  if (jobs)
    {
      json_builder_set_member_name (b, "taskTypeId");
      json_builder_add_int_value (b, authenta_task_get_id (task));
    }
  json_builder_set_member_name (b, "description");
  json_builder_add_string_value (b, authenta_task_get_description (task));
  json_builder_set_member_name (b, "contentTypes");
  json_builder_begin_array (b);
  for (guint i = 0; types && types[i]; i++)
    json_builder_add_string_value (b, types[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  g_print ("%s\n", text);
}

int
cli_cmd_tasks (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  const char *const *tasks = authenta_task_list ();
  int status;

  context = cli_subcommand_context (
      "",
      "List what the service can check files for: each task, its API "
      "and the files it takes.",
      "Give a task to 'authenta scan --task TASK' (a Jobs API task also by "
      "its number).  Without --task, video goes to DF-1, images to AC-1 "
      "and audio (MP3, WAV, M4A) to ai-audio-detection.  With --json, one "
      "object per task.",
      NULL);
  status = cli_parse_subcommand (context, "tasks", &argc, &argv);
  if (status >= 0)
    return status;
  if (argc > 1)
    {
      g_autofree char *shown = cli_sanitize (argv[1]);
      cli_usage_error ("tasks", "unexpected argument '%s'", shown);
      return CLI_EXIT_USAGE;
    }

  if (!cli_global.json)
    g_print ("%-24s  %-5s  %-2s  %s\n", "TASK", "API", "ID",
             "CHECKS FOR (FILES)");
  for (guint i = 0; tasks[i]; i++)
    {
      const char *task = tasks[i];
      gboolean jobs = authenta_task_get_api (task) == AUTHENTA_TASK_API_JOBS;
      g_autofree char *id
          = jobs ? g_strdup_printf ("%u", authenta_task_get_id (task))
                 : g_strdup ("-");
      g_autofree char *types = NULL;

      if (cli_global.json)
        {
          print_task_json (task);
          continue;
        }
      types
          = g_strjoinv (", ", (char **)authenta_task_get_content_types (task));
      g_print ("%-24s  %-5s  %-2s  %s (%s)\n", task, jobs ? "jobs" : "media",
               id, authenta_task_get_description (task), types);
    }
  return CLI_EXIT_AUTHENTIC;
}
