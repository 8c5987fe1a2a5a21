/* authenta-emulator: what a front end refuses before the service sees it
 * (issue 15, point 10): a declared body over the cap (413 at the headers),
 * a chunked body over the cap (413, the rest unread), an absurd size (400),
 * too many connections from one client, and slow headers.
 *
 * All traffic is on loopback; every wait has a deadline.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "emu-test-util.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static TestEmulator *emu;

static void
setup (void)
{
  test_emulator_reset (emu);
}

/* The answer that came on @fd before the peer closed, or within
 * @timeout_ms, and how long it took. */
static char *
read_answer (int fd, guint timeout_ms, double *seconds)
{
  gint64 start = g_get_monotonic_time ();
  char *answer = raw_read (fd, timeout_ms);

  *seconds = (g_get_monotonic_time () - start) / 1e6;
  return answer;
}

/* A Content-Length over the cap is answered 413 from the headers alone:
 * the client that announced 100 MB and sent a few bytes has its answer at
 * once, not after the emulator waited for (or read) 100 MB. */
static void
test_declared_body_over_cap_is_413_at_once (void)
{
  static const struct
  {
    const char *path;
    gboolean key;
  } cases[] = {
    { "/api/media", TRUE },
    { "/api/media", FALSE }, /* before authentication: nothing is read */
    { "/_emulator/faults", FALSE },
    { "/_emulator/config", FALSE },
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *head = g_strdup_printf (
          "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
          "Content-Type: application/json\r\n"
          "Content-Length: 100000000\r\n\r\n{\"name\":",
          cases[i].path,
          cases[i].key ? "Authorization: Bearer " TEST_KEY "\r\n" : "");
      g_autofree char *answer = NULL;
      double seconds;
      int fd = raw_connect (emu);

      g_test_message ("POST %s", cases[i].path);
      raw_send (fd, head, strlen (head));
      /* 5 s of silence ends the read: a fixed emulator closes long before,
       * once its answer is out. */
      answer = read_answer (fd, 5000, &seconds);
      close (fd);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
      g_assert_nonnull (strstr (answer, "\"code\":\"PAYLOAD_TOO_LARGE\""));
      g_assert_nonnull (strstr (answer, "\"statusCode\":413"));
      g_assert_cmpfloat (seconds, <, 4.0);
    }
  /* Under the cap, the same control still works. */
  {
    g_autofree char *url = g_strconcat (test_emulator_get_root_url (emu),
                                        "/_emulator/config", NULL);
    g_autoptr (HttpReply) ok
        = http_do ("POST", url, NULL, "{\"balance\":5}", -1);

    g_assert_cmpint (ok->status, ==, 200);
  }
}

/* Sends a chunked create body of up to @total bytes (without blocking:
 * the emulator may stop reading), until the answer arrives or
 * @timeout_ms pass; returns what was answered, *sent the bytes sent. */
static char *
send_chunked_create (gsize total, guint timeout_ms, gsize *sent)
{
  static const char head[]
      = "POST /api/media HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer " TEST_KEY "\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;
  g_autofree char *piece = NULL;
  g_autoptr (GString) chunk = g_string_new (NULL);
  GString *answer = g_string_new (NULL);
  gsize offset = 0; /* into the current chunk */
  gboolean closed = FALSE;
  int fd = raw_connect (emu);

  /* A create object whose "name" is all the padding: valid JSON, were it
   * read to the end. */
  piece = g_strnfill (64 * 1024, 'x');
  raw_send (fd, head, strlen (head));
  *sent = 0;
  g_string_printf (chunk, "%x\r\n{\"name\":\"%s\r\n", (guint)strlen (piece) + 9,
                   piece);
  while (!closed)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      struct pollfd pfd = { fd, POLLIN, 0 };

      if (left <= 0)
        break;
      if (*sent < total)
        pfd.events |= POLLOUT;
      if (poll (&pfd, 1, (int)MIN (left, 1000)) <= 0)
        continue;
      if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        {
          char buf[4096];
          ssize_t n = recv (fd, buf, sizeof buf, MSG_DONTWAIT);

          if (n > 0)
            g_string_append_len (answer, buf, n);
          else if (n == 0 || (errno != EAGAIN && errno != EINTR))
            closed = TRUE;
          continue;
        }
      if (pfd.revents & POLLOUT)
        {
          ssize_t n = send (fd, chunk->str + offset, chunk->len - offset,
                            MSG_NOSIGNAL | MSG_DONTWAIT);

          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          if (n <= 0)
            {
              /* Reset while sending: read what was answered. */
              g_autofree char *rest = raw_read (fd, 1000);

              g_string_append (answer, rest);
              break;
            }
          *sent += (gsize)n;
          offset += (gsize)n;
          if (offset == chunk->len)
            {
              /* Later chunks continue the name. */
              offset = 0;
              g_string_printf (chunk, "%x\r\n%s\r\n", (guint)strlen (piece),
                               piece);
            }
        }
    }
  close (fd);
  return g_string_free (answer, FALSE);
}

/* A chunked create body announces no length: once it passes the cap the
 * emulator answers 413 and reads no more (a 50 MB body was read whole). */
static void
test_chunked_body_over_cap_is_413 (void)
{
  g_autofree char *answer = NULL;
  gsize sent = 0;

  setup ();
  answer = send_chunked_create (50 * 1024 * 1024, 20000, &sent);
  g_test_message ("sent %" G_GSIZE_FORMAT " bytes", sent);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
  g_assert_nonnull (strstr (answer, "\"code\":\"PAYLOAD_TOO_LARGE\""));
  /* The cap (1 MiB), what the sockets buffer, and the bounded read after
   * the answer: far from 50 MB. */
  g_assert_cmpuint (sent, <, 16 * 1024 * 1024);
  g_assert_cmpuint (test_emulator_get_count (emu, "create"), ==, 1);
  {
    g_autoptr (HttpReply) list
        = api_call (emu, TEST_KEY, "GET", "/media", NULL);

    g_assert_cmpint (
        json_object_get_int_member (http_reply_json (list), "total"), ==, 0);
  }
}

/* A small chunked create is still a create. */
static void
test_small_chunked_create_works (void)
{
  static const char request[]
      = "POST /api/media HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer " TEST_KEY "\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n"
        "10\r\n{\"name\":\"chunk\",\r\n"
        "37\r\n\"contentType\":\"video/"
        "mp4\",\"size\":10,\"modelType\":\"DF-1\"}\r\n"
        "0\r\n\r\n";
  g_autofree char *answer = NULL;
  int fd;

  setup ();
  fd = raw_connect (emu);
  raw_send (fd, request, strlen (request));
  answer = raw_read (fd, 5000);
  close (fd);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 201 "));
}

/* A size no upload could ever send (S3 takes at most 5 GiB in one PUT; the
 * library refuses more) is a 400, as the service answers; 5 GiB itself is
 * a record. */
static void
test_absurd_size_is_400 (void)
{
  static const struct
  {
    const char *size;
    long status;
  } cases[] = {
    { "9223372036854775807", 400 },  /* 2^63 - 1 */
    { "9223372036854775808", 400 },  /* 2^63 */
    { "18446744073709551616", 400 }, /* 2^64 */
    { "5368709121", 400 },           /* 5 GiB + 1 */
    { "1e30", 400 },
    { "5368709120", 201 }, /* 5 GiB */
  };

  setup ();
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = g_strdup_printf (
          "{\"name\":\"big\",\"contentType\":\"video/mp4\",\"size\":%s,"
          "\"modelType\":\"DF-1\"}",
          cases[i].size);
      g_autoptr (HttpReply) reply
          = api_call (emu, TEST_KEY, "POST", "/media", body);

      g_test_message ("size %s", cases[i].size);
      if (cases[i].status == 400)
        assert_api_error (reply, 400, "BAD_REQUEST");
      else
        g_assert_cmpint (reply->status, ==, cases[i].status);
    }
}

#define HALF_OPEN 100
#define PER_IP_LIMIT 64

/* 100 half-open connections from one client (a partial request line
 * each): the emulator keeps 64 and closes the rest at once, and another
 * client still has its answer promptly. */
static void
test_connections_per_ip_are_capped (void)
{
  static const char partial[] = "GET /api/media HT";
  int fds[HALF_OPEN];
  gboolean closed[HALF_OPEN] = { FALSE };
  guint n_closed = 0;
  gint64 deadline;
  g_autoptr (HttpReply) reply = NULL;

  setup ();
  for (guint i = 0; i < HALF_OPEN; i++)
    {
      /* Another loopback address: the client being flooded is not the
       * test's own 127.0.0.1. */
      fds[i] = raw_connect_from (emu, "127.0.0.2");
      if (fds[i] < 0)
        {
          for (guint j = 0; j < i; j++)
            close (fds[j]);
          g_test_skip ("127.0.0.2 cannot be bound here");
          return;
        }
      /* The server may already have closed a refused one: ignore. */
      (void)send (fds[i], partial, strlen (partial), MSG_NOSIGNAL);
    }

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (n_closed < HALF_OPEN - PER_IP_LIMIT
         && g_get_monotonic_time () < deadline)
    {
      struct pollfd pfds[HALF_OPEN];
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

      for (guint i = 0; i < HALF_OPEN; i++)
        {
          pfds[i].fd = closed[i] ? -1 : fds[i];
          pfds[i].events = POLLIN;
          pfds[i].revents = 0;
        }
      if (poll (pfds, HALF_OPEN, (int)MAX (left, 1)) <= 0)
        continue;
      for (guint i = 0; i < HALF_OPEN; i++)
        if (pfds[i].revents != 0)
          {
            char buf[256];
            ssize_t n = recv (fds[i], buf, sizeof buf, MSG_DONTWAIT);

            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
              {
                closed[i] = TRUE;
                n_closed++;
              }
          }
    }
  g_assert_cmpuint (n_closed, ==, HALF_OPEN - PER_IP_LIMIT);

  /* 64 still hang on their headers; a request from 127.0.0.1 is served. */
  reply = api_call (emu, TEST_KEY, "GET", "/media", NULL);
  g_assert_cmpint (reply->result, ==, CURLE_OK);
  g_assert_cmpint (reply->status, ==, 200);
  g_assert_cmpfloat (reply->seconds, <, 5.0);

  for (guint i = 0; i < HALF_OPEN; i++)
    close (fds[i]);
}

/* Headers that stall are closed after --header-timeout (1 s here), well
 * before the idle timeout that a request with its headers in gets
 * (20 s). */
static void
test_slow_headers_are_closed (void)
{
  static const char *const partials[] = {
    "GET /api/media HT",
    "POST /api/media HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Len",
  };
  TestEmulator *slow = test_emulator_start ("--header-timeout", "1", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (partials); i++)
    {
      g_autofree char *answer = NULL;
      double seconds;
      int fd = raw_connect (slow);

      raw_send (fd, partials[i], strlen (partials[i]));
      /* Ends when the emulator closes, or after 10 s of silence. */
      answer = read_answer (fd, 10000, &seconds);
      close (fd);
      g_test_message ("closed after %.2f s", seconds);
      g_assert_cmpfloat (seconds, >=, 0.5);
      g_assert_cmpfloat (seconds, <, 5.0);
    }
  test_emulator_stop (slow);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  emu = test_emulator_start (NULL, NULL);

  g_test_add_func ("/emulator/limits/declared-body-over-cap-is-413-at-once",
                   test_declared_body_over_cap_is_413_at_once);
  g_test_add_func ("/emulator/limits/chunked-body-over-cap-is-413",
                   test_chunked_body_over_cap_is_413);
  g_test_add_func ("/emulator/limits/small-chunked-create-works",
                   test_small_chunked_create_works);
  g_test_add_func ("/emulator/limits/absurd-size-is-400",
                   test_absurd_size_is_400);
  g_test_add_func ("/emulator/limits/connections-per-ip-are-capped",
                   test_connections_per_ip_are_capped);
  g_test_add_func ("/emulator/limits/slow-headers-are-closed",
                   test_slow_headers_are_closed);

  ret = g_test_run ();
  test_emulator_stop (emu);
  return ret;
}
