/* Figure 2, upload throughput and client CPU: libauthenta's
 * authenta_client_upload_file() against `curl -T` of the same file to the
 * same emulator, each to a fresh record, each as a child process so that
 * wait4() gives its CPU time.  Both children are timed from spawn to exit
 * (process start-up included for both); rounds alternate which goes first.
 * Throughput: median of the per-round ratios; CPU: ratio of the medians.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#include <authenta/authenta.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

typedef struct
{
  double seconds;
  double cpu;
  double user;
} Run;

static double
timeval_seconds (struct timeval tv)
{
  return tv.tv_sec + tv.tv_usec / 1e6;
}

static Run
spawn_and_wait (char **argv)
{
  struct rusage ru;
  gint64 start = g_get_monotonic_time ();
  pid_t pid;
  int status = 0;
  int err;
  Run run;

  err = posix_spawnp (&pid, argv[0], NULL, NULL, argv, environ);
  if (err != 0)
    g_error ("cannot run %s: %s", argv[0], g_strerror (err));
  while (wait4 (pid, &status, 0, &ru) < 0)
    if (errno != EINTR)
      g_error ("wait4: %s", g_strerror (errno));
  run.seconds = (g_get_monotonic_time () - start) / 1e6;
  run.user = timeval_seconds (ru.ru_utime);
  run.cpu = run.user + timeval_seconds (ru.ru_stime);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed (status %d)", argv[0], status);
  return run;
}

static AuthentaMedia *
fresh_record (AuthentaClient *client, const char *name, guint64 size)
{
  g_autoptr (GError) error = NULL;
  AuthentaMedia *media = authenta_client_create_media (
      client, name, "video/mp4", size, NULL, NULL, &error);

  if (media == NULL)
    g_error ("create: %s", error->message);
  return media;
}

static void
forget_record (AuthentaClient *client, AuthentaMedia *media)
{
  g_autoptr (GError) error = NULL;

  /* Also frees the emulator's copy of the upload. */
  if (!authenta_client_delete_media (client, authenta_media_get_mid (media),
                                     NULL, &error))
    g_error ("delete: %s", error->message);
}

static Run
run_curl (AuthentaClient *client, const char *path, guint64 size)
{
  g_autoptr (AuthentaMedia) media = fresh_record (client, "bench-curl", size);
  char *argv[] = { "curl",
                   "--silent",
                   "--show-error",
                   "--fail",
                   "--noproxy",
                   "*",
                   "--output",
                   "/dev/null",
                   "--header",
                   "Content-Type: video/mp4",
                   "--upload-file",
                   (char *)path,
                   (char *)authenta_media_get_upload_url (media),
                   NULL };
  Run run = spawn_and_wait (argv);

  forget_record (client, media);
  return run;
}

static Run
run_lib (AuthentaClient *client, const char *self, const char *dir,
         const char *path, guint64 size)
{
  g_autoptr (AuthentaMedia) media = fresh_record (client, "bench-lib", size);
  g_autofree char *json_path = g_build_filename (dir, "record.json", NULL);
  g_autoptr (GError) error = NULL;
  char *argv[] = { (char *)self, "--child", json_path, (char *)path, NULL };
  Run run;

  if (!g_file_set_contents (json_path, authenta_media_get_json (media), -1,
                            &error))
    g_error ("%s", error->message);
  run = spawn_and_wait (argv);
  g_unlink (json_path);
  forget_record (client, media);
  return run;
}

/* The child: what an application does to upload a file to a record it
 * was given. */
static int
child_main (const char *json_path, const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (AuthentaMedia) uploaded = NULL;

  if (!g_file_get_contents (json_path, &json, NULL, &error)
      || (client = authenta_client_new (NULL, NULL, &error)) == NULL
      || (media = authenta_media_new_from_json (json, -1, &error)) == NULL
      || (uploaded = authenta_client_upload_file (client, media, path, NULL,
                                                  NULL, NULL, &error))
             == NULL)
    {
      g_printerr ("bench-upload child: %s\n", error->message);
      return 1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  guint rounds = bench_quick () ? 3 : 7;
  guint64 size = bench_quick () ? 128 * BENCH_MIB : BENCH_GIB;
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autofree char *self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *warm_path = NULL;
  g_autofree double *lib_rate = g_new0 (double, rounds);
  g_autofree double *curl_rate = g_new0 (double, rounds);
  g_autofree double *lib_cpu = g_new0 (double, rounds);
  g_autofree double *curl_cpu = g_new0 (double, rounds);
  g_autofree double *rate_ratio = g_new0 (double, rounds);
  g_autofree double *lib_user = g_new0 (double, rounds);
  g_autofree double *curl_user = g_new0 (double, rounds);
  double lib_cpu_m, curl_cpu_m;
  g_autofree char *figure = NULL, *figure_cpu = NULL;
  g_autofree char *value = NULL, *baseline = NULL, *ratio = NULL;
  double r;

  if (argc == 4 && g_str_equal (argv[1], "--child"))
    return child_main (argv[2], argv[3]);

  self = g_file_read_link ("/proc/self/exe", &error);
  if (self == NULL)
    g_error ("%s", error->message);
  client = authenta_client_new (NULL, NULL, &error);
  if (client == NULL)
    g_error ("%s", error->message);
  bench_emulator_post ("reset", NULL);

  dir = bench_make_tmpdir ("bench-upload");
  /* Written, not sparse: both clients read real page-cache pages. */
  path = bench_make_mp4 (dir, "upload.mp4", size, FALSE);

  /* Warm-up with a small file: both binaries and their libraries into
   * memory, the emulator's threads started. */
  warm_path = bench_make_mp4 (dir, "warm-up.mp4", 4 * BENCH_MIB, FALSE);
  run_curl (client, warm_path, 4 * BENCH_MIB);
  run_lib (client, self, dir, warm_path, 4 * BENCH_MIB);

  for (guint i = 0; i < rounds; i++)
    {
      Run lib, curl;

      if (i % 2 == 0)
        {
          curl = run_curl (client, path, size);
          lib = run_lib (client, self, dir, path, size);
        }
      else
        {
          lib = run_lib (client, self, dir, path, size);
          curl = run_curl (client, path, size);
        }
      lib_rate[i] = size / lib.seconds;
      curl_rate[i] = size / curl.seconds;
      lib_cpu[i] = lib.cpu;
      curl_cpu[i] = curl.cpu;
      rate_ratio[i] = lib_rate[i] / curl_rate[i];
      lib_user[i] = lib.user;
      curl_user[i] = curl.user;
      g_printerr ("upload round %u: libauthenta %.0f MiB/s %.2f s CPU, curl "
                  "%.0f MiB/s %.2f s CPU\n",
                  i + 1, lib_rate[i] / BENCH_MIB, lib.cpu,
                  curl_rate[i] / BENCH_MIB, curl.cpu);
    }
  bench_remove_tmpdir (dir);

  figure = g_strdup_printf ("upload throughput (%" G_GUINT64_FORMAT
                            " MiB file, median of %u)",
                            size / BENCH_MIB, rounds);
  value = bench_format_rate (bench_median (lib_rate, rounds));
  baseline = g_strdup_printf ("curl -T: %.0f MiB/s",
                              bench_median (curl_rate, rounds) / BENCH_MIB);
  r = bench_median (rate_ratio, rounds);
  ratio = g_strdup_printf ("%.2f", r);
  bench_row (figure, value, baseline, ratio, ">= 0.95 of curl", r >= 0.95);

  g_clear_pointer (&value, g_free);
  g_clear_pointer (&baseline, g_free);
  g_clear_pointer (&ratio, g_free);
  figure_cpu = g_strdup_printf (
      "upload client CPU (user+sys, %" G_GUINT64_FORMAT " MiB)",
      size / BENCH_MIB);
  /* CPU: the ratio of the medians.  Unlike throughput, its noise is not
   * shared by the two runs of a round: most of it is system time copying
   * from the page cache and into the socket, which now and then costs one
   * run twice what it costs the next, whatever the client. */
  lib_cpu_m = bench_median (lib_cpu, rounds);
  curl_cpu_m = bench_median (curl_cpu, rounds);
  value = g_strdup_printf ("%.2f s (user %.2f s)", lib_cpu_m,
                           bench_median (lib_user, rounds));
  baseline = g_strdup_printf ("curl -T: %.2f s (user %.2f s)", curl_cpu_m,
                              bench_median (curl_user, rounds));
  r = lib_cpu_m / curl_cpu_m;
  ratio = g_strdup_printf ("%.2f", r);
  bench_row (figure_cpu, value, baseline, ratio, "<= 1.10 of curl", r <= 1.10);
  return 0;
}
