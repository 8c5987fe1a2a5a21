/* Cancelling a request while its host name is being resolved returns at
 * once, without waiting for the lookup to end; a connect time-out during the
 * lookup is a network error that names it.  Run with the slowdns shim
 * in LD_PRELOAD (meson does), whose getaddrinfo() blocks for any name under
 * "slow.test"; without the shim the test is skipped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <authenta/authenta.h>

#include <curl/curl.h>
#include <dlfcn.h>
#include <string.h>

typedef int (*WaitEnteredFunc) (int timeout_ms);
typedef void (*ReleaseFunc) (void);
typedef void (*ResetFunc) (void);

typedef struct
{
  GCancellable *cancellable;
  WaitEnteredFunc wait_entered;
  gint64 cancelled_at;
} Canceller;

static gpointer
cancel_when_resolving (gpointer data)
{
  Canceller *c = data;

  /* Cancel once the lookup is under way: a condition, not a sleep. */
  g_assert_true (c->wait_entered (5000));
  c->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

static void
test_cancel_during_dns (void)
{
  WaitEnteredFunc wait_entered = (WaitEnteredFunc)dlsym (
      RTLD_DEFAULT, "authenta_test_slowdns_wait_entered");
  ReleaseFunc release
      = (ReleaseFunc)dlsym (RTLD_DEFAULT, "authenta_test_slowdns_release");
  curl_version_info_data *info = curl_version_info (CURLVERSION_NOW);
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) media = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Canceller c = { 0 };
  GThread *thread;
  gint64 returned_at;

  ResetFunc reset
      = (ResetFunc)dlsym (RTLD_DEFAULT, "authenta_test_slowdns_reset");

  if (wait_entered == NULL || release == NULL || reset == NULL)
    {
      g_test_skip ("the slowdns shim is not in LD_PRELOAD");
      return;
    }
  if (!(info->features & CURL_VERSION_ASYNCHDNS) || info->ares)
    {
      /* c-ares does not call getaddrinfo(): the shim cannot slow it. */
      g_test_skip ("libcurl does not resolve with a getaddrinfo() thread");
      return;
    }

  reset ();
  client = authenta_client_new ("https://api.slow.test/api", "api_test_key",
                                &error);
  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, 1, 5, 20, 0);

  c.cancellable = cancellable;
  c.wait_entered = wait_entered;
  thread = g_thread_new ("canceller", cancel_when_resolving, &c);
  media = authenta_client_get_media (client, "abc", cancellable, &error);
  returned_at = g_get_monotonic_time ();
  g_thread_join (thread);
  /* Let the abandoned lookup end now rather than in 5 s. */
  release ();

  g_assert_null (media);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_test_message ("returned %" G_GINT64_FORMAT " ms after the cancel",
                  (returned_at - c.cancelled_at) / 1000);
  g_assert_cmpint (returned_at - c.cancelled_at, <, G_USEC_PER_SEC);
}

/* The connect time-out (which covers the lookup) firing is a network
 * failure that names it, not AUTHENTA_ERROR_TIMEOUT (the verdict's wait). */
static void
test_connect_timeout_named (void)
{
  ReleaseFunc release
      = (ReleaseFunc)dlsym (RTLD_DEFAULT, "authenta_test_slowdns_release");
  ResetFunc reset
      = (ResetFunc)dlsym (RTLD_DEFAULT, "authenta_test_slowdns_reset");
  curl_version_info_data *info = curl_version_info (CURLVERSION_NOW);
  g_autoptr (GError) error = NULL;
  g_autoptr (AuthentaClient) client = NULL;
  g_autoptr (AuthentaMedia) media = NULL;

  if (release == NULL || reset == NULL)
    {
      g_test_skip ("the slowdns shim is not in LD_PRELOAD");
      return;
    }
  if (!(info->features & CURL_VERSION_ASYNCHDNS) || info->ares)
    {
      g_test_skip ("libcurl does not resolve with a getaddrinfo() thread");
      return;
    }

  reset ();
  client = authenta_client_new ("https://api.slow.test/api", "api_test_key",
                                &error);
  g_assert_no_error (error);
  authenta_client_set_retry_policy (client, 1, 5, 20, 0);
  authenta_client_set_timeouts (client, 300, 5000, 5000);
  media = authenta_client_get_media (client, "abc", NULL, &error);
  release ();
  g_assert_null (media);
  g_assert_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_NETWORK);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "300 ms connect time-out"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* A proxy would be resolved instead of the slow host. */
  for (const char *const *v
       = (const char *const[]){ "http_proxy", "https_proxy", "HTTPS_PROXY",
                                "all_proxy", "ALL_PROXY", NULL };
       *v; v++)
    g_unsetenv (*v);
  g_test_add_func ("/client/cancel/during-dns-resolution",
                   test_cancel_during_dns);
  g_test_add_func ("/client/errors/connect-timeout-is-network-and-named",
                   test_connect_timeout_named);
  return g_test_run ();
}
