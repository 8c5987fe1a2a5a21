/* authenta get, list and delete: the records kept by the service.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#define DEFAULT_LIMIT 20
#define MAX_LIMIT 1000

/* One id argument, checked before any request is made. */
static int
take_mid (const char *command, int argc, char **argv, const char **out_mid)
{
  if (argc < 2)
    {
      cli_usage_error (command, "no media id given");
      return CLI_EXIT_USAGE;
    }
  if (argc > 2)
    {
      cli_usage_error (command, "one media id at a time");
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
      "MID", "Print one record and its verdict.",
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
  media = authenta_client_get_media (client, mid, NULL, &error);
  if (!media)
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

int
cli_cmd_list (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (GError) error = NULL;
  int limit = DEFAULT_LIMIT;
  int offset = 0;
  gboolean all = FALSE;
  const GOptionEntry entries[]
      = { { "limit", 'l', 0, G_OPTION_ARG_INT, &limit,
            "Records per page (default 20; with --all, the page size)", "N" },
          { "offset", 'o', 0, G_OPTION_ARG_INT, &offset,
            "Skip the first N records", "N" },
          { "all", 'a', 0, G_OPTION_ARG_NONE, &all,
            "Walk every page and list every record", NULL },
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

  client = cli_make_client (&status);
  if (!client)
    return status;

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
      if (!cli_global.json && page->len > 0)
        cli_print_table_header ();
      for (guint i = 0; i < page->len; i++)
        cli_print_table_row (g_ptr_array_index (page, i));
      if (!cli_global.json && !cli_global.quiet)
        {
          if (page->len == 0 && total == 0)
            g_print ("no records\n");
          else if (page->len == 0)
            g_print ("no records from %d (there are %u; the first is at "
                     "--offset 0)\n",
                     offset, total);
          else if ((guint)offset + page->len < total)
            g_print ("records %d to %u of %u; --offset %u shows the next "
                     "page, --all lists them all\n",
                     offset + 1, offset + page->len, total, offset + page->len);
          else
            g_print ("records %d to %u of %u\n", offset + 1, offset + page->len,
                     total);
        }
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
      "MID", "Delete a record (and its files) from the service.",
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
  if (!authenta_client_delete_media (client, mid, NULL, &error))
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
