/* authenta get, list and delete: the records kept by the service, the
 * Media API's records and the Jobs API's jobs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#define DEFAULT_LIMIT 20
#define MAX_LIMIT 1000
/* The Jobs API's largest page. */
#define MAX_JOBS_LIMIT 100

/* An id is a mid or a job id, and nothing in it says which: the service
 * gives jobs numbers, so an id of digits is looked for among the jobs
 * first; the other API is asked when the first has no such id. */
static gboolean
looks_like_job_id (const char *id)
{
  for (const char *p = id; *p; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return *id != '\0';
}

typedef gboolean (*RecordCall) (AuthentaClient *client, const char *id,
                                AuthentaTaskApi api, gpointer user_data,
                                GError **error);

/* @call for @id on @api, or with AUTHENTA_TASK_API_NONE on the API the id
 * most likely belongs to, then, if that one has no such id, the other. */
static gboolean
call_on_either_api (AuthentaClient *client, const char *id, AuthentaTaskApi api,
                    RecordCall call, gpointer user_data, GError **error)
{
  AuthentaTaskApi order[2]
      = { AUTHENTA_TASK_API_MEDIA, AUTHENTA_TASK_API_JOBS };
  GError *local_error = NULL;
  g_autoptr (GError) first_error = NULL;

  if (api != AUTHENTA_TASK_API_NONE)
    return call (client, id, api, user_data, error);
  if (looks_like_job_id (id))
    {
      order[0] = AUTHENTA_TASK_API_JOBS;
      order[1] = AUTHENTA_TASK_API_MEDIA;
    }
  if (call (client, id, order[0], user_data, &local_error))
    return TRUE;
  if (!g_error_matches (local_error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_debug ("%s: no such %s, asking the %s API", id,
           order[0] == AUTHENTA_TASK_API_JOBS ? "job" : "record",
           order[1] == AUTHENTA_TASK_API_JOBS ? "Jobs" : "Media");
  /* Not there either, or not an id that API takes (the Media API's mids
   * are hexadecimal, and it answers 400 to a job's number): the first
   * answer, "no such id", is the one to report. */
  first_error = g_steal_pointer (&local_error);
  if (call (client, id, order[1], user_data, &local_error))
    return TRUE;
  if (g_error_matches (local_error, AUTHENTA_ERROR, AUTHENTA_ERROR_NOT_FOUND)
      || g_error_matches (local_error, AUTHENTA_ERROR,
                          AUTHENTA_ERROR_BAD_REQUEST))
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      g_clear_error (&local_error);
    }
  else
    g_propagate_error (error, local_error);
  return FALSE;
}

static gboolean
get_call (AuthentaClient *client, const char *id, AuthentaTaskApi api,
          gpointer user_data, GError **error)
{
  AuthentaMedia **out = user_data;

  *out = api == AUTHENTA_TASK_API_JOBS
             ? authenta_client_get_job (client, id, NULL, error)
             : authenta_client_get_media (client, id, NULL, error);
  return *out != NULL;
}

static gboolean
delete_call (AuthentaClient *client, const char *id, AuthentaTaskApi api,
             gpointer user_data, GError **error)
{
  GCancellable *cancellable = user_data;

  return api == AUTHENTA_TASK_API_JOBS
             ? authenta_client_delete_job (client, id, cancellable, error)
             : authenta_client_delete_media (client, id, cancellable, error);
}

gboolean
cli_delete_record (AuthentaClient *client, const char *id, AuthentaTaskApi api,
                   GCancellable *cancellable, GError **error)
{
  return call_on_either_api (client, id, api, delete_call, cancellable, error);
}

/* One id argument, checked before any request is made. */
static int
take_mid (const char *command, int argc, char **argv, const char **out_mid)
{
  if (argc < 2)
    {
      cli_usage_error (command, "no id given (a mid or a job id)");
      return CLI_EXIT_USAGE;
    }
  if (argc > 2)
    {
      cli_usage_error (command, "one id at a time");
      return CLI_EXIT_USAGE;
    }
  if (!cli_check_mid (command, argv[1]))
    return CLI_EXIT_USAGE;
  *out_mid = argv[1];
  return -1;
}

int
cli_cmd_get (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GError) error = NULL;
  const char *mid = NULL;
  int status;

  context = cli_subcommand_context (
      "ID", "Print one record (a mid) or job (a job id) and its verdict.",
      "The exit status follows the record: 1 when it is processed and "
      "fake, 7 when its processing failed, else 0.  The result, source and "
      "heatmap links are pre-signed (whoever has one can read the file): "
      "only --json prints them.",
      NULL);
  status = cli_parse_subcommand (context, "get", &argc, &argv);
  if (status >= 0)
    return status;
  status = take_mid ("get", argc, argv, &mid);
  if (status >= 0)
    return status;

  client = cli_make_client (&status);
  if (!client)
    return status;
  if (!call_on_either_api (client, mid, AUTHENTA_TASK_API_NONE, get_call,
                           &media, &error))
    {
      CliErrorContext ctx = { .command = "get", .client = client, .mid = mid };
      return cli_report_failure (&ctx, mid, error);
    }
  cli_print_record (media);
  return cli_exit_for_record (media);
}

static gboolean
print_each (AuthentaMedia *media, gpointer user_data)
{
  guint *count = user_data;

  /* The header with the first row: no records, no table. */
  if (*count == 0 && !cli_global.json)
    cli_print_table_header ();
  cli_print_table_row (media);
  (*count)++;
  return TRUE;
}

/* Prints what is left to say after a page: how many, and how to go on. */
static void
print_page_summary (guint offset, guint shown, guint total)
{
  if (cli_global.json || cli_global.quiet)
    return;
  if (shown == 0 && total == 0)
    g_print ("no records\n");
  else if (shown == 0)
    g_print ("no records from %u (there are %u; the first is at "
             "--offset 0)\n",
             offset, total);
  else if (offset + shown < total)
    g_print ("records %u to %u of %u; --offset %u shows the next "
             "page, --all lists them all\n",
             offset + 1, offset + shown, total, offset + shown);
  else
    g_print ("records %u to %u of %u\n", offset + 1, offset + shown, total);
}

/* list --jobs: the Jobs API pages by number, so --offset is a whole number
 * of pages; --all walks them until the total (or a short page). */
static int
list_jobs (AuthentaClient *client, guint limit, guint offset, gboolean all,
           const char *status)
{
  guint page = offset / limit + 1;
  guint count = 0;

  for (;;)
    {
      g_autoptr (GPtrArray) jobs = NULL;
      g_autoptr (GError) error = NULL;
      guint total = 0;

      jobs = authenta_client_list_jobs (client, page, limit, status, &total,
                                        NULL, &error);
      if (!jobs)
        {
          CliErrorContext ctx = { .command = "list", .client = client };
          return cli_report_failure (&ctx, "list", error);
        }
      for (guint i = 0; i < jobs->len; i++)
        print_each (g_ptr_array_index (jobs, i), &count);
      if (!all)
        {
          print_page_summary (offset, jobs->len, total);
          return CLI_EXIT_AUTHENTIC;
        }
      if (jobs->len < limit || (total > 0 && page * limit >= total))
        break;
      page++;
    }
  if (!cli_global.json && !cli_global.quiet)
    {
      if (count == 0)
        g_print ("no records\n");
      else
        g_print ("%u record%s\n", count, count == 1 ? "" : "s");
    }
  return CLI_EXIT_AUTHENTIC;
}

int
cli_cmd_list (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (GError) error = NULL;
  int limit = DEFAULT_LIMIT;
  int offset = 0;
  gboolean all = FALSE;
  gboolean jobs = FALSE;
  g_autofree char *status_filter = NULL;
  const GOptionEntry entries[]
      = { { "limit", 'l', 0, G_OPTION_ARG_INT, &limit,
            "Records per page (default 20, --jobs at most 100; with --all, "
            "the page size)",
            "N" },
          { "offset", 'o', 0, G_OPTION_ARG_INT, &offset,
            "Skip the first N records (--jobs: a multiple of --limit)", "N" },
          { "all", 'a', 0, G_OPTION_ARG_NONE, &all,
            "Walk every page and list every record", NULL },
          { "jobs", 0, 0, G_OPTION_ARG_NONE, &jobs,
            "List the Jobs API's jobs (audio and the other tasks of "
            "'authenta tasks') instead of the Media API's records",
            NULL },
          { "status", 0, 0, G_OPTION_ARG_STRING, &status_filter,
            "--jobs: only jobs in STATUS (queued, processing, completed, "
            "failed, cancelled, waiting_for_finalize)",
            "STATUS" },
          { NULL } };
  int status;

  context = cli_subcommand_context (
      "", "List your records, newest first as the service orders them.",
      "A table by default; with --json, each record as the service sent it, "
      "one per line.",
      entries);
  status = cli_parse_subcommand (context, "list", &argc, &argv);
  if (status >= 0)
    return status;
  if (argc > 1)
    {
      g_autofree char *shown = cli_sanitize (argv[1]);
      cli_usage_error ("list", "unexpected argument '%s'", shown);
      return CLI_EXIT_USAGE;
    }
  if (limit < 1 || limit > MAX_LIMIT)
    {
      cli_usage_error ("list", "--limit must be between 1 and %d", MAX_LIMIT);
      return CLI_EXIT_USAGE;
    }
  if (offset < 0)
    {
      cli_usage_error ("list", "--offset cannot be negative");
      return CLI_EXIT_USAGE;
    }
  if (all && offset > 0)
    {
      cli_usage_error ("list", "--all starts at the first record: drop "
                               "--offset");
      return CLI_EXIT_USAGE;
    }
  if (status_filter && !jobs)
    {
      cli_usage_error ("list", "--status filters jobs: add --jobs");
      return CLI_EXIT_USAGE;
    }
  if (jobs && (limit > MAX_JOBS_LIMIT || offset % limit != 0))
    {
      cli_usage_error ("list",
                       "the Jobs API pages by at most %d jobs: give "
                       "--limit up to %d and an --offset that is a multiple "
                       "of it",
                       MAX_JOBS_LIMIT, MAX_JOBS_LIMIT);
      return CLI_EXIT_USAGE;
    }

  client = cli_make_client (&status);
  if (!client)
    return status;
  if (jobs)
    return list_jobs (client, (guint)limit, (guint)offset, all, status_filter);

  if (all)
    {
      guint count = 0;

      if (!authenta_client_foreach_media (client, (guint)limit, print_each,
                                          &count, NULL, &error))
        {
          CliErrorContext ctx = { .command = "list", .client = client };
          return cli_report_failure (&ctx, "list", error);
        }
      if (!cli_global.json && !cli_global.quiet)
        {
          if (count == 0)
            g_print ("no records\n");
          else
            g_print ("%u record%s\n", count, count == 1 ? "" : "s");
        }
      return CLI_EXIT_AUTHENTIC;
    }
  else
    {
      g_autoptr (GPtrArray) page = NULL;
      guint total = 0;

      page = authenta_client_list_media (client, (guint)limit, (guint)offset,
                                         &total, NULL, &error);
      if (!page)
        {
          CliErrorContext ctx = { .command = "list", .client = client };
          return cli_report_failure (&ctx, "list", error);
        }
      guint count = 0;

      for (guint i = 0; i < page->len; i++)
        print_each (g_ptr_array_index (page, i), &count);
      print_page_summary ((guint)offset, page->len, total);
      return CLI_EXIT_AUTHENTIC;
    }
}

int
cli_cmd_delete (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (GError) error = NULL;
  const char *mid = NULL;
  int status;

  context = cli_subcommand_context (
      "ID",
      "Delete a record (a mid) or a job (a job id) and its files from "
      "the service.",
      "Deleting a record that does not exist exits with 8.", NULL);
  status = cli_parse_subcommand (context, "delete", &argc, &argv);
  if (status >= 0)
    return status;
  status = take_mid ("delete", argc, argv, &mid);
  if (status >= 0)
    return status;

  client = cli_make_client (&status);
  if (!client)
    return status;
  if (!cli_delete_record (client, mid, AUTHENTA_TASK_API_NONE, NULL, &error))
    {
      CliErrorContext ctx
          = { .command = "delete", .client = client, .mid = mid };
      return cli_report_failure (&ctx, mid, error);
    }
  if (cli_global.json)
    g_print ("{\"mid\":\"%s\",\"deleted\":true}\n", mid);
  else if (!cli_global.quiet)
    g_print ("deleted %s\n", mid);
  return CLI_EXIT_AUTHENTIC;
}
