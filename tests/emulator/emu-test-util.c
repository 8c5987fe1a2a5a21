/* Emulator tests: HTTP helpers over libcurl and raw sockets.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-test-util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static gsize
body_cb (char *data, gsize size, gsize nmemb, gpointer user_data)
{
  g_string_append_len (user_data, data, size * nmemb);
  return size * nmemb;
}

static gsize
header_cb (char *data, gsize size, gsize nmemb, gpointer user_data)
{
  HttpReply *reply = user_data;
  g_autofree char *line = g_strndup (data, size * nmemb);

  g_strchomp (line);
  /* A new status line (after 100 Continue) starts the final headers. */
  if (g_str_has_prefix (line, "HTTP/"))
    g_ptr_array_set_size (reply->headers, 0);
  else if (*line)
    g_ptr_array_add (reply->headers, g_steal_pointer (&line));
  return size * nmemb;
}

HttpReply *
http_do (const char *method, const char *url, const char *const *headers,
         const char *body, gssize body_len)
{
  static gsize ready = 0;
  HttpReply *reply = g_new0 (HttpReply, 1);
  struct curl_slist *list = NULL;
  CURL *curl;

  if (g_once_init_enter (&ready))
    {
      curl_global_init (CURL_GLOBAL_DEFAULT);
      g_once_init_leave (&ready, 1);
    }

  reply->body = g_string_new (NULL);
  reply->headers = g_ptr_array_new_with_free_func (g_free);
  curl = curl_easy_init ();
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt (curl, CURLOPT_WRITEFUNCTION, body_cb);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, reply->body);
  curl_easy_setopt (curl, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt (curl, CURLOPT_HEADERDATA, reply);
  for (guint i = 0; headers && headers[i]; i++)
    list = curl_slist_append (list, headers[i]);
  if (body != NULL)
    {
      if (!g_str_equal (method, "POST"))
        curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt (
          curl, CURLOPT_POSTFIELDSIZE_LARGE,
          (curl_off_t)(body_len < 0 ? (gssize)strlen (body) : body_len));
      curl_easy_setopt (curl, CURLOPT_POSTFIELDS, body);
      /* curl would add an Expect header of its own on big bodies. */
      list = curl_slist_append (list, "Expect:");
    }
  else if (g_str_equal (method, "HEAD"))
    curl_easy_setopt (curl, CURLOPT_NOBODY, 1L);
  else
    curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, list);

  reply->result = curl_easy_perform (curl);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, &reply->status);
  curl_easy_getinfo (curl, CURLINFO_TOTAL_TIME, &reply->seconds);
  curl_slist_free_all (list);
  curl_easy_cleanup (curl);
  return reply;
}

void
http_reply_free (HttpReply *reply)
{
  g_string_free (reply->body, TRUE);
  g_ptr_array_unref (reply->headers);
  g_clear_object (&reply->parser);
  g_free (reply);
}

const char *
http_reply_header (HttpReply *reply, const char *name)
{
  gsize len = strlen (name);

  for (guint i = 0; i < reply->headers->len; i++)
    {
      const char *line = g_ptr_array_index (reply->headers, i);

      if (g_ascii_strncasecmp (line, name, len) == 0 && line[len] == ':')
        {
          line += len + 1;
          while (*line == ' ')
            line++;
          return line;
        }
    }
  return NULL;
}

JsonObject *
http_reply_json (HttpReply *reply)
{
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  if (reply->parser == NULL)
    {
      reply->parser = json_parser_new ();
      if (!json_parser_load_from_data (reply->parser, reply->body->str,
                                       reply->body->len, &error))
        g_error ("not JSON (%s): %.200s", error->message, reply->body->str);
    }
  root = json_parser_get_root (reply->parser);
  g_assert_nonnull (root);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  return json_node_get_object (root);
}

void
assert_api_error (HttpReply *reply, long status, const char *code)
{
  JsonObject *obj;

  g_assert_cmpint (reply->result, ==, CURLE_OK);
  g_assert_cmpint (reply->status, ==, status);
  g_assert_cmpstr (http_reply_header (reply, "Content-Type"), ==,
                   "application/json");
  obj = http_reply_json (reply);
  g_assert_cmpstr (json_object_get_string_member (obj, "code"), ==, code);
  g_assert_cmpint (json_object_get_int_member (obj, "statusCode"), ==, status);
  g_assert_nonnull (json_object_get_string_member (obj, "message"));
}

void
assert_s3_error (HttpReply *reply, long status, const char *code)
{
  g_autofree char *code_elem = g_strdup_printf ("<Code>%s</Code>", code);

  g_assert_cmpint (reply->result, ==, CURLE_OK);
  g_assert_cmpint (reply->status, ==, status);
  g_assert_cmpstr (http_reply_header (reply, "Content-Type"), ==,
                   "application/xml");
  g_assert_true (g_str_has_prefix (reply->body->str, "<?xml"));
  g_assert_nonnull (strstr (reply->body->str, "<Error>"));
  g_assert_nonnull (strstr (reply->body->str, code_elem));
  g_assert_nonnull (strstr (reply->body->str, "<Message>"));
  g_assert_nonnull (strstr (reply->body->str, "<RequestId>"));
  g_assert_nonnull (strstr (reply->body->str, "<HostId>"));
}

HttpReply *
api_call (TestEmulator *emu, const char *key, const char *method,
          const char *path, const char *body)
{
  g_autofree char *url
      = g_strconcat (test_emulator_get_base_url (emu), path, NULL);
  g_autofree char *auth
      = key ? g_strdup_printf ("Authorization: Bearer %s", key) : NULL;
  const char *headers[] = { "Content-Type: application/json", auth, NULL };

  return http_do (method, url, headers, body, -1);
}

char *
create_media (TestEmulator *emu, const char *name, const char *content_type,
              gsize size, char **upload_url)
{
  g_autofree char *body = NULL;
  g_autoptr (HttpReply) reply = NULL;
  JsonObject *obj;

  body = g_strdup_printf ("{\"name\":\"%s\",\"contentType\":\"%s\","
                          "\"size\":%" G_GSIZE_FORMAT ",\"modelType\":\"%s\"}",
                          name, content_type, size,
                          g_str_has_prefix (content_type, "video/") ? "DF-1"
                                                                    : "AC-1");
  reply = api_call (emu, TEST_KEY, "POST", "/media", body);
  g_assert_cmpint (reply->result, ==, CURLE_OK);
  g_assert_cmpint (reply->status, ==, 201);
  obj = http_reply_json (reply);
  if (upload_url)
    *upload_url = g_strdup (json_object_get_string_member (obj, "uploadUrl"));
  return g_strdup (json_object_get_string_member (obj, "mid"));
}

HttpReply *
put_bytes (const char *url, const char *content_type, const char *data,
           gsize len, const char *extra_header)
{
  g_autofree char *ct = content_type
                            ? g_strdup_printf ("Content-Type: %s", content_type)
                            : g_strdup ("Content-Type:");
  const char *headers[] = { ct, extra_header, NULL };

  return http_do ("PUT", url, headers, data, (gssize)len);
}

char *
create_and_upload (TestEmulator *emu, const char *name,
                   const char *content_type, gsize size)
{
  g_autofree char *url = NULL;
  g_autofree char *data = g_malloc0 (size);
  char *mid = create_media (emu, name, content_type, size, &url);
  g_autoptr (HttpReply) reply = put_bytes (url, content_type, data, size, NULL);

  g_assert_cmpint (reply->result, ==, CURLE_OK);
  g_assert_cmpint (reply->status, ==, 200);
  return mid;
}

const char *
get_status (TestEmulator *emu, const char *mid)
{
  g_autofree char *path = g_strdup_printf ("/media/%s", mid);
  g_autoptr (HttpReply) reply = api_call (emu, TEST_KEY, "GET", path, NULL);

  g_assert_cmpint (reply->status, ==, 200);
  return g_intern_string (
      json_object_get_string_member (http_reply_json (reply), "status"));
}

char *
wait_for_status (TestEmulator *emu, const char *mid, const char *status,
                 guint timeout_ms)
{
  g_autofree char *path = g_strdup_printf ("/media/%s", mid);
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;)
    {
      g_autoptr (HttpReply) reply = api_call (emu, TEST_KEY, "GET", path, NULL);
      const char *now;

      g_assert_cmpint (reply->status, ==, 200);
      now = json_object_get_string_member (http_reply_json (reply), "status");
      if (g_str_equal (now, status))
        return g_strdup (reply->body->str);
      if (g_get_monotonic_time () > deadline)
        g_error ("%s still %s, not %s", mid, now, status);
      /* Polling, as a client does: the emulator has no push channel. */
      g_usleep (20 * 1000);
    }
}

static int
connect_from (TestEmulator *emu, const char *source)
{
  const char *root = test_emulator_get_root_url (emu);
  struct sockaddr_in addr = { 0 };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  guint64 port = 0;

  g_assert_cmpint (fd, >=, 0);
  if (source != NULL)
    {
      struct sockaddr_in src = { 0 };

      src.sin_family = AF_INET;
      g_assert_cmpint (inet_pton (AF_INET, source, &src.sin_addr), ==, 1);
      if (bind (fd, (struct sockaddr *)&src, sizeof src) != 0)
        {
          close (fd);
          return -1;
        }
    }
  g_assert_true (g_ascii_string_to_unsigned (strrchr (root, ':') + 1, 10, 1,
                                             65535, &port, NULL));
  addr.sin_family = AF_INET;
  addr.sin_port = htons ((guint16)port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *)&addr, sizeof addr), ==, 0);
  return fd;
}

int
raw_connect (TestEmulator *emu)
{
  return connect_from (emu, NULL);
}

int
raw_connect_from (TestEmulator *emu, const char *source)
{
  return connect_from (emu, source);
}

void
raw_send (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = send (fd, data, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      data += n;
      len -= (gsize)n;
    }
}

char *
raw_read (int fd, guint timeout_ms)
{
  GString *s = g_string_new (NULL);
  char buf[4096];

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      ssize_t n;

      if (poll (&pfd, 1, (int)timeout_ms) <= 0)
        break;
      n = recv (fd, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      g_string_append_len (s, buf, n);
    }
  return g_string_free (s, FALSE);
}

char *
raw_exchange_head (TestEmulator *emu, const char *head, guint timeout_ms)
{
  int fd = raw_connect (emu);
  char *answer;

  raw_send (fd, head, strlen (head));
  answer = raw_read (fd, timeout_ms);
  close (fd);
  return answer;
}

const char *
url_path (const char *url)
{
  const char *p = strstr (url, "://");

  g_assert_nonnull (p);
  p = strchr (p + 3, '/');
  g_assert_nonnull (p);
  return p;
}

char *
find_log_line (TestEmulator *emu, const char *needle)
{
  g_autofree char *log = test_emulator_dup_log (emu);
  g_auto (GStrv) lines = g_strsplit (log, "\n", -1);

  for (gint i = (gint)g_strv_length (lines) - 1; i >= 0; i--)
    if (strstr (lines[i], needle))
      return g_strdup (lines[i]);
  return NULL;
}

char *
nested_json (guint depth, gboolean objects, const char *inner,
             gboolean unclosed)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, objects ? "{\"a\":" : "[");
  g_string_append (s, inner ? inner : "0");
  for (guint i = 0; !unclosed && i < depth; i++)
    g_string_append_c (s, objects ? '}' : ']');
  return g_string_free (s, FALSE);
}
