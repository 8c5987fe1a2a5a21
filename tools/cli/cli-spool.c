/* authenta: spooling standard input (or a pipe) to a private temporary
 * file, since an upload must state its size first, and removing that file
 * however the process ends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "authenta-cli.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* The spool files alive now, for the signal handler: a fixed table, since
 * the handler may neither allocate nor lock. */
#define MAX_SPOOLS 64
static char *volatile spool_paths[MAX_SPOOLS];
static volatile sig_atomic_t progress_line_drawn;

#define SPOOL_BUFFER_SIZE (256 * 1024)

static void
cleanup_and_reraise (int sig)
{
  int saved_errno = errno;

  for (int i = 0; i < MAX_SPOOLS; i++)
    {
      char *path = spool_paths[i];

      if (path)
        unlink (path);
    }
  /* Leave the terminal on a clean line rather than in the middle of a
   * progress bar. */
  if (progress_line_drawn)
    {
      ssize_t ignored = write (STDERR_FILENO, "\r\033[K", 4);
      (void)ignored;
    }
  errno = saved_errno;
  /* Die of the same signal, so the parent sees what happened. */
  signal (sig, SIG_DFL);
  raise (sig);
}

void
cli_install_signal_cleanup (void)
{
  static const int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = cleanup_and_reraise;
  sigemptyset (&action.sa_mask);
  for (gsize i = 0; i < G_N_ELEMENTS (signals); i++)
    sigaction (signals[i], &action, NULL);
}

void
cli_note_progress_line (gboolean drawn)
{
  progress_line_drawn = drawn;
}

static gboolean
remember (char *path)
{
  for (int i = 0; i < MAX_SPOOLS; i++)
    if (!spool_paths[i])
      {
        spool_paths[i] = path;
        return TRUE;
      }
  return FALSE;
}

/* Remove a spool file and stop tracking it. */
void
cli_spool_forget (const char *path)
{
  for (int i = 0; i < MAX_SPOOLS; i++)
    {
      char *tracked = spool_paths[i];

      if (tracked && g_str_equal (tracked, path))
        {
          /* Out of the table first, so the handler never sees it freed. */
          spool_paths[i] = NULL;
          g_unlink (tracked);
          g_free (tracked);
          return;
        }
    }
  g_unlink (path);
}

static gboolean
write_all (int fd, const guint8 *data, gsize length, const char *what,
           GError **error)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot write the temporary copy of %s: %s", what,
                       g_strerror (saved_errno));
          return FALSE;
        }
      data += n;
      length -= (gsize)n;
    }
  return TRUE;
}

/* Stop tracking a spool file without removing it: a journal owns it now,
 * and it must outlive this process. */
void
cli_spool_keep (const char *path)
{
  for (int i = 0; i < MAX_SPOOLS; i++)
    {
      char *tracked = spool_paths[i];

      if (tracked && g_str_equal (tracked, path))
        {
          spool_paths[i] = NULL;
          g_free (tracked);
          return;
        }
    }
}

/* Copy everything readable from fd (which messages call what, e.g.
 * "standard input") into a new 0600 file in dir (NULL: $TMPDIR), a fixed
 * buffer at a
 * time.  Returns the path (free with g_free() after
 * cli_spool_forget()), or NULL with nothing left behind.  *out_fd is the
 * read-write descriptor the copy was written through (close it): the upload
 * reads from it, never from the path, which another user could replace in
 * a shared $TMPDIR. */
char *
cli_spool_to_temp_file (int fd, const char *dir, const char *what, int *out_fd,
                        GError **error)
{
  g_autofree guint8 *buffer = NULL;
  char *path = NULL;
  int out;

  /* Both create the file with mode 0600 and O_EXCL. */
  if (dir)
    {
      path = g_build_filename (dir, "authenta-stdin-XXXXXX", NULL);
      out = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);
      if (out < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot create a copy of %s in %s: %s", what, dir,
                       g_strerror (saved_errno));
          g_free (path);
          return NULL;
        }
    }
  else
    {
      out = g_file_open_tmp ("authenta-stdin-XXXXXX", &path, error);
      if (out < 0)
        return NULL;
    }
  /* Not inherited by anything this process might start. */
  fcntl (out, F_SETFD, fcntl (out, F_GETFD) | FD_CLOEXEC);
  if (!remember (path))
    {
      g_unlink (path);
      g_free (path);
      close (out);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                   "too many pipes to spool at once (at most %d)", MAX_SPOOLS);
      return NULL;
    }

  buffer = g_malloc (SPOOL_BUFFER_SIZE);
  for (;;)
    {
      ssize_t n = read (fd, buffer, SPOOL_BUFFER_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "cannot read %s: %s", what, g_strerror (saved_errno));
          goto fail;
        }
      if (n == 0)
        break;
      if (!write_all (out, buffer, (gsize)n, what, error))
        goto fail;
    }

  *out_fd = out;
  return g_strdup (path);

fail:
  if (out >= 0)
    close (out);
  cli_spool_forget (path);
  return NULL;
}
