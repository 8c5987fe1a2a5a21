/* authenta against a faulty service: whatever the service does wrong (5xx,
 * dropped connections, answers the API never gives, a non-HTTP answer) is
 * exit 5 with a message that puts it on the service, never exit 2 and
 * never the "--help" of a usage error.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "cli-test-util.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* What the row runs: each needs what it names. */
typedef enum
{
  RUN_SCAN,    /* scan FILE */
  RUN_NO_WAIT, /* scan --no-wait FILE */
  RUN_GET,     /* get MID of a record made first */
  RUN_LIST,    /* list */
  RUN_DELETE,  /* delete MID of a record made first */
} RunKind;

typedef struct
{
  const char *name;
  RunKind run;
  const char *faults[2]; /* emulator faults, in the order they are added */
} FaultCase;

/* The emulator's own actions, in every route the CLI uses. */
static const FaultCase fault_cases[] = {
  { "create 500",
    RUN_SCAN,
    { "{\"route\":\"create\",\"action\":\"status\",\"status\":500}" } },
  { "create 503",
    RUN_NO_WAIT,
    { "{\"route\":\"create\",\"action\":\"status\",\"status\":503}" } },
  { "create dropped",
    RUN_SCAN,
    { "{\"route\":\"create\",\"action\":\"drop\"}" } },
  { "create truncated",
    RUN_SCAN,
    { "{\"route\":\"create\",\"action\":\"truncate\"}" } },
  { "create malformed",
    RUN_NO_WAIT,
    { "{\"route\":\"create\",\"action\":\"malformed\"}" } },
  { "create wrong types",
    RUN_SCAN,
    { "{\"route\":\"create\",\"action\":\"wrong-type\"}" } },
  { "create oversize",
    RUN_SCAN,
    { "{\"route\":\"create\",\"action\":\"oversize\"}" } },
  { "upload 500",
    RUN_SCAN,
    { "{\"route\":\"upload\",\"action\":\"status\",\"status\":500}" } },
  { "upload dropped",
    RUN_NO_WAIT,
    { "{\"route\":\"upload\",\"action\":\"drop\"}" } },
  /* Not the polls of a scan: the library polls on through a bad answer
   * (until its poll-timeout), so those are no exit-5 case. */
  { "get truncated",
    RUN_GET,
    { "{\"route\":\"get\",\"action\":\"truncate\"}" } },
  { "get malformed",
    RUN_GET,
    { "{\"route\":\"get\",\"action\":\"malformed\"}" } },
  { "get wrong types",
    RUN_GET,
    { "{\"route\":\"get\",\"action\":\"wrong-type\"}" } },
  { "get oversize",
    RUN_GET,
    { "{\"route\":\"get\",\"action\":\"oversize\"}" } },
  { "get 502",
    RUN_GET,
    { "{\"route\":\"get\",\"action\":\"status\",\"status\":502}" } },
  { "list malformed",
    RUN_LIST,
    { "{\"route\":\"list\",\"action\":\"malformed\"}" } },
  { "list wrong types",
    RUN_LIST,
    { "{\"route\":\"list\",\"action\":\"wrong-type\"}" } },
  { "list 504",
    RUN_LIST,
    { "{\"route\":\"list\",\"action\":\"status\",\"status\":504}" } },
  { "delete 500",
    RUN_DELETE,
    { "{\"route\":\"delete\",\"action\":\"status\",\"status\":500}" } },
  { "delete dropped",
    RUN_DELETE,
    { "{\"route\":\"delete\",\"action\":\"drop\"}" } },
};

/* Create answers the API never gives, sent as they are through the
 * emulator's "body" action: each is the service's fault
 * (AUTHENTA_ERROR_PROTOCOL). */
typedef struct
{
  const char *name;
  RunKind run;
  const char *body; /* the create answer, raw */
} BodyCase;

#define CREATED_FIELDS                                                         \
  "\"mid\":\"fault0000000000000001\",\"name\":\"clip.mp4\","                   \
  "\"type\":\"Video\",\"status\":\"INITED\",\"modelType\":\"DF-1\""
static const BodyCase body_cases[] = {
  { "uploadUrl ftp", RUN_SCAN,
    "{" CREATED_FIELDS ",\"contentType\":\"video/mp4\","
    "\"uploadUrl\":\"ftp://127.0.0.1/upload\"}" },
  { "uploadUrl file", RUN_NO_WAIT,
    "{" CREATED_FIELDS ",\"contentType\":\"video/mp4\","
    "\"uploadUrl\":\"file:///etc/passwd\"}" },
  { "contentType with a header", RUN_SCAN,
    "{" CREATED_FIELDS ",\"contentType\":\"video/mp4\\r\\nX-Injected: 1\","
    "\"uploadUrl\":\"http://127.0.0.1:9/u\"}" },
  { "an HTML page", RUN_SCAN, "<html>Bad gateway</html>" },
  { "an array", RUN_NO_WAIT, "[1,2,3]" },
  { "an empty 200", RUN_SCAN, "" },
};

/* {"route":"create","action":"body","status":200,"body":BODY}, escaped. */
static char *
body_fault (const char *body)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "route");
  json_builder_add_string_value (builder, "create");
  json_builder_set_member_name (builder, "action");
  json_builder_add_string_value (builder, "body");
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, 200);
  json_builder_set_member_name (builder, "body");
  json_builder_add_string_value (builder, body);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* POST a fault, TRUE if the emulator took it (FALSE: 400, an action it
 * does not know), without test_emulator_add_fault()'s abort. */
static gboolean
try_add_fault (const char *json)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) conn = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = NULL;
  g_autofree char *request = NULL;
  char answer[4096] = { 0 };
  gsize got = 0;

  uri = g_uri_parse (test_emulator_get_root_url (cli_test_emulator ()),
                     G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_socket_client_set_timeout (client, 10);
  conn = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                          (guint16)g_uri_get_port (uri), NULL,
                                          &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("POST /_emulator/faults HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\n"
                             "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                             "Connection: close\r\n\r\n%s",
                             strlen (json), json);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                             request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                           answer, sizeof answer - 1, &got, NULL, &error);
  g_assert_no_error (error);
  if (g_str_has_prefix (answer, "HTTP/1.1 200")
      || g_str_has_prefix (answer, "HTTP/1.0 200"))
    return TRUE;
  /* Only an action the emulator does not know yet may be skipped; any
   * other refusal is the test's own mistake. */
  if (!strstr (answer, "unknown action") && !strstr (answer, "action"))
    g_error ("the emulator refused the fault %s:\n%s", json, answer);
  g_test_message ("the emulator refused the fault %s: %s", json, answer);
  return FALSE;
}

/* What every service fault must give: 5, the service named, no usage
 * hint, no key, nothing on stdout. */
static void
assert_service_fault (const char *name, const CliResult *r)
{
  if (r->status != 5 || strstr (r->err, "--help") || !strstr (r->err, "service")
      || strstr (r->err, CLI_TEST_KEY) || *r->out)
    g_error ("%s: exit %d, expected 5 with the service named and no "
             "--help\n--- stdout:\n%s--- stderr:\n%s",
             name, r->status, r->out, r->err);
}

static void
run_fault_case (const FaultCase *c, gboolean *unsupported)
{
  g_autofree char *clip = NULL;
  g_autofree char *mid = NULL;
  g_autoptr (CliResult) r = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  if (c->run == RUN_GET || c->run == RUN_DELETE)
    {
      g_autoptr (CliResult) made
          = cli_run (NULL, NULL, "scan", "--no-wait", clip, NULL);

      cli_assert_status (made, 0);
      mid = g_strstrip (g_strdup (made->out));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (c->faults) && c->faults[i]; i++)
    {
      if (unsupported)
        {
          if (!try_add_fault (c->faults[i]))
            {
              *unsupported = TRUE;
              return;
            }
        }
      else
        test_emulator_add_fault (cli_test_emulator (), c->faults[i]);
    }
  /* One attempt: a retried fault would be answered normally. */
  switch (c->run)
    {
    case RUN_SCAN:
      r = cli_run (NULL, NULL, "--retries", "0", "scan", clip, NULL);
      break;
    case RUN_NO_WAIT:
      r = cli_run (NULL, NULL, "--retries", "0", "scan", "--no-wait", clip,
                   NULL);
      break;
    case RUN_GET:
      r = cli_run (NULL, NULL, "--retries", "0", "get", mid, NULL);
      break;
    case RUN_LIST:
      r = cli_run (NULL, NULL, "--retries", "0", "list", NULL);
      break;
    case RUN_DELETE:
      r = cli_run (NULL, NULL, "--retries", "0", "delete", mid, NULL);
      break;
    }
  g_test_message ("%s: exit %d: %s", c->name, r->status, r->err);
  assert_service_fault (c->name, r);
}

static void
test_service_faults_exit_5 (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    run_fault_case (&fault_cases[i], NULL);
}

static void
test_hostile_create_answers_exit_5 (void)
{
  g_autofree char *nested = g_strnfill (100000, '[');

  /* One more row: 100,000 levels deep (100 KB, under the size cap), which
   * would overflow the stack of a recursive parser. */
  for (gsize i = 0; i <= G_N_ELEMENTS (body_cases); i++)
    {
      gboolean last = i == G_N_ELEMENTS (body_cases);
      g_autofree char *fault = body_fault (last ? nested : body_cases[i].body);
      FaultCase c = { last ? "nested 100,000 deep" : body_cases[i].name,
                      last ? RUN_SCAN : body_cases[i].run,
                      { fault } };
      gboolean unsupported = FALSE;

      run_fault_case (&c, &unsupported);
      if (unsupported)
        {
          g_test_skip ("the emulator has no \"body\" fault action yet");
          return;
        }
    }
}

/* A server that answers anything with a line that is not HTTP (an SSH
 * banner, as a wrong port gives), in its own thread. */
typedef struct
{
  GSocketListener *listener;
  GCancellable *cancellable;
  GThread *thread;
  guint16 port;
} NotHttpServer;

static gpointer
not_http_serve (gpointer data)
{
  NotHttpServer *s = data;

  for (;;)
    {
      g_autoptr (GSocketConnection) conn
          = g_socket_listener_accept (s->listener, NULL, s->cancellable, NULL);
      GSocket *socket;
      char buf[4096];

      if (!conn)
        return NULL;
      socket = g_socket_connection_get_socket (conn);
      /* Read the request's head (bounded), so that closing sends no RST. */
      g_socket_set_timeout (socket, 5);
      g_socket_receive (socket, buf, sizeof buf, NULL, NULL);
      g_socket_send (socket, "SSH-2.0-OpenSSH_9.6\r\n", 21, NULL, NULL);
      g_socket_shutdown (socket, FALSE, TRUE, NULL);
      g_socket_receive (socket, buf, sizeof buf, NULL, NULL);
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
}

static void
not_http_start (NotHttpServer *s)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback
      = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  s->listener = g_socket_listener_new ();
  s->cancellable = g_cancellable_new ();
  g_socket_listener_add_address (s->listener, address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  s->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  s->thread = g_thread_new ("not-http", not_http_serve, s);
}

static void
not_http_stop (NotHttpServer *s)
{
  g_cancellable_cancel (s->cancellable);
  g_thread_join (s->thread);
  g_socket_listener_close (s->listener);
  g_clear_object (&s->listener);
  g_clear_object (&s->cancellable);
}

static void
test_not_http_answer_exits_5 (void)
{
  NotHttpServer server = { 0 };
  g_autofree char *clip = NULL;
  g_autofree char *base_url = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  not_http_start (&server);
  base_url = g_strdup_printf ("http://127.0.0.1:%u/api", server.port);
  {
    g_autoptr (CliResult) scan = cli_run (NULL, NULL, "--base-url", base_url,
                                          "--retries", "0", "scan", clip, NULL);
    g_autoptr (CliResult) list = cli_run (NULL, NULL, "--base-url", base_url,
                                          "--retries", "0", "list", NULL);
    g_autoptr (CliResult) get = cli_run (NULL, NULL, "--base-url", base_url,
                                         "--retries", "0", "get", "abc", NULL);

    g_test_message ("scan: %s", scan->err);
    assert_service_fault ("scan against a non-HTTP server", scan);
    assert_service_fault ("list against a non-HTTP server", list);
    assert_service_fault ("get against a non-HTTP server", get);
  }
  not_http_stop (&server);
}

/* A DELETE whose answer was lost (the emulator deletes, then drops the
 * connection) is retried; the retry's 404 means the record is gone: done,
 * status 0, and the record is indeed gone. */
static void
test_retried_delete_404_is_success (void)
{
  g_autofree char *clip = NULL;
  g_autofree char *mid = NULL;

  cli_test_reset ();
  clip = cli_test_write_media ("clip.mp4", "mp4", 4096);
  {
    g_autoptr (CliResult) made
        = cli_run (NULL, NULL, "scan", "--no-wait", clip, NULL);
    cli_assert_status (made, 0);
    mid = g_strstrip (g_strdup (made->out));
  }
  test_emulator_add_fault (cli_test_emulator (),
                           "{\"route\":\"delete\",\"action\":\"drop\"}");
  {
    g_autoptr (CliResult) r
        = cli_run (NULL, NULL, "--retries", "1", "delete", mid, NULL);
    cli_assert_status (r, 0);
    g_assert_nonnull (strstr (r->out, mid));
  }
  g_assert_cmpuint (test_emulator_get_count (cli_test_emulator (), "delete"),
                    ==, 2);
  {
    g_autoptr (CliResult) r = cli_run (NULL, NULL, "get", mid, NULL);
    cli_assert_status (r, 8);
  }
}

int
main (int argc, char **argv)
{
  cli_test_init (&argc, &argv);
  g_test_add_func ("/cli/faults/service-faults-exit-5",
                   test_service_faults_exit_5);
  g_test_add_func ("/cli/faults/hostile-create-answers-exit-5",
                   test_hostile_create_answers_exit_5);
  g_test_add_func ("/cli/faults/retried-delete-404-is-success",
                   test_retried_delete_404_is_success);
  g_test_add_func ("/cli/faults/not-http-answer-exits-5",
                   test_not_http_answer_exits_5);
  return cli_test_finish (g_test_run ());
}
