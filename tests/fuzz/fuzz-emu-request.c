/* Fuzz target: authenta-emulator's handling of a request, end to end: the
 * real server (libmicrohttpd, in this process, on a loopback port) gets
 * one HTTP request built from the input, and its handlers parse the query
 * string (limit, offset, the pre-signed URL's X-Amz-* parameters), the
 * path (media ids, S3 object keys) and the body (POST /api/media,
 * POST /_emulator/faults and /_emulator/config, an upload).
 *
 * Input: byte 0 holds flags (method, Authorization header, a valid
 * pre-signed query for the path, content type); then the request target
 * (path and query) up to the first newline; the rest is the body.  The
 * harness writes the request line and headers itself, with the right
 * Content-Length and "Connection: close", so that each input is exactly
 * one request: libmicrohttpd's own HTTP parsing is not the target.
 *
 * After each input the server is reset (records, faults, settings), so an
 * input never depends on the ones before it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-faults.h"
#include "emu-server.h"
#include "emu-signer.h"
#include "emu-store.h"

#include "fuzz-common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FUZZ_KEY "api_fuzz_key"

static EmuServer *server;
static EmuSigner *signer;
static EmuStore *store;
static char *storage_dir;
static guint16 port;

static void
remove_storage (void)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (storage_dir == NULL)
    return;
  emu_store_clear (store);
  dir = g_dir_open (storage_dir, 0, NULL);
  while (dir && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (storage_dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (storage_dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EmuFaults) faults = NULL;
  g_autoptr (GHashTable) keys = NULL;
  const char *root, *colon;
  /* No waiting for a verdict: an upload is processed at once. */
  EmuStoreConfig config
      = { .balance = 1000, .processing_time_ms = 0, .upload_expiry = 3600 };

  fuzz_init_glib ();
  signal (SIGPIPE, SIG_IGN);

  storage_dir = g_dir_make_tmp ("authenta-fuzz-emu-XXXXXX", &error);
  FUZZ_CHECK (storage_dir != NULL);
  keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (keys, g_strdup (FUZZ_KEY),
                       GUINT_TO_POINTER (EMU_PERM_ALL));
  g_hash_table_insert (keys, g_strdup ("api_fuzz_readonly"),
                       GUINT_TO_POINTER (EMU_PERM_READ));
  signer = emu_signer_new ();
  store = emu_store_new (storage_dir, signer, &config);
  faults = emu_faults_new ();
  server = emu_server_new (store, faults, signer, keys, &config);
  if (!emu_server_start (server, 0, 5, &error))
    {
      g_printerr ("fuzz-emu-request: %s\n", error->message);
      abort ();
    }
  root = emu_server_get_root_url (server);
  colon = strrchr (root, ':');
  FUZZ_CHECK (colon != NULL);
  port = (guint16)atoi (colon + 1);
  atexit (remove_storage);
  return 0;
}

/* The path as libmicrohttpd will hand it to the handlers (it decodes
 * %XX), escaped so that the request line stays one line. */
static void
append_escaped (GString *out, const char *s, gboolean query)
{
  for (const guchar *p = (const guchar *)s; *p; p++)
    {
      if (*p <= ' ' || *p >= 0x7f || *p == '%' || *p == '#'
          || (!query && *p == '?'))
        g_string_append_printf (out, "%%%02X", *p);
      else
        g_string_append_c (out, (char)*p);
    }
}

static gboolean
send_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = send (fd, data, len, MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize)n;
    }
  return TRUE;
}

/* One request, the whole answer read until the server closes. */
static void
exchange (const GString *request)
{
  struct sockaddr_in addr = { 0 };
  char buf[16384];
  int fd;

  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  FUZZ_CHECK (fd >= 0);
  addr.sin_family = AF_INET;
  addr.sin_port = htons (port);
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  if (connect (fd, (struct sockaddr *)&addr, sizeof addr) != 0)
    {
      struct pollfd pfd = { .fd = fd, .events = POLLOUT };
      int err = 0;
      socklen_t len = sizeof err;

      /* Interrupted by libFuzzer's alarm: the connection goes on. */
      FUZZ_CHECK (errno == EINTR);
      while (poll (&pfd, 1, -1) < 0)
        FUZZ_CHECK (errno == EINTR);
      FUZZ_CHECK (getsockopt (fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
      FUZZ_CHECK (err == 0);
    }
  if (send_all (fd, request->str, request->len))
    {
      ssize_t n;

      /* EINTR: libFuzzer's -timeout alarm. */
      while ((n = recv (fd, buf, sizeof buf, 0)) > 0
             || (n < 0 && errno == EINTR))
        ;
      /* The server answers and closes (a hang is caught by -timeout). */
      if (n < 0 && errno != ECONNRESET)
        {
          g_printerr ("fuzz-emu-request: recv: %s\n", g_strerror (errno));
          abort ();
        }
    }
  close (fd);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const methods[]
      = { "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "GET", "POST" };
  static const char *const content_types[]
      = { "application/json", "video/mp4", "image/png", NULL };
  g_autoptr (GString) request = g_string_new (NULL);
  g_autofree char *target = NULL;
  const char *method, *content_type, *newline, *body, *query;
  g_autofree char *path = NULL;
  gsize body_len;
  guint8 flags;

  if (size < 1)
    return 0;
  flags = data[0];
  method = methods[flags & 7];
  content_type = content_types[(flags >> 5) & 3];
  newline = memchr (data + 1, '\n', size - 1);
  if (newline == NULL)
    newline = (const char *)data + size;
  target = g_strndup ((const char *)data + 1, newline - (const char *)data - 1);
  body = newline < (const char *)data + size ? newline + 1 : newline;
  body_len = (const char *)data + size - body;
  if (fuzz_json_has_several_roots ((const uint8_t *)body, body_len))
    return 0;

  query = strchr (target, '?');
  path = g_strndup (target, query ? (gsize)(query - target) : strlen (target));
  if (*path != '/')
    {
      char *rooted = g_strconcat ("/", path, NULL);
      g_free (path);
      path = rooted;
    }

  g_string_append_printf (request, "%s ", method);
  append_escaped (request, path, FALSE);
  if (flags & 0x10)
    {
      /* A correctly signed URL for this path, so that inputs get past the
       * signature check to the upload and download handling. */
      g_autofree char *size_s = g_strdup_printf ("%" G_GSIZE_FORMAT, body_len);
      g_autofree char *url = emu_signer_presign (
          signer, "", method, path, 3600,
          g_str_equal (method, "PUT") ? (content_type ? content_type : "")
                                      : NULL,
          g_str_equal (method, "PUT") ? size_s : NULL);
      const char *signed_query = strchr (url, '?');

      FUZZ_CHECK (signed_query != NULL);
      g_string_append (request, signed_query);
      if (query)
        {
          g_string_append_c (request, '&');
          append_escaped (request, query + 1, TRUE);
        }
    }
  else if (query)
    append_escaped (request, query, TRUE);
  g_string_append (request, " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            "Connection: close\r\n");
  if (flags & 0x08)
    g_string_append_printf (request, "Authorization: Bearer %s\r\n",
                            (flags & 0x80) ? "api_fuzz_readonly" : FUZZ_KEY);
  if (content_type)
    g_string_append_printf (request, "Content-Type: %s\r\n", content_type);
  g_string_append_printf (
      request, "Content-Length: %" G_GSIZE_FORMAT "\r\n\r\n", body_len);
  g_string_append_len (request, body, (gssize)body_len);

  exchange (request);
  emu_server_reset (server);
  return 0;
}
