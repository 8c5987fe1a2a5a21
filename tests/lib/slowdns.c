/* An LD_PRELOAD shim for test-cancel-dns: getaddrinfo() for any name under
 * "slow.test" blocks (up to 5 s, or until the test releases it) and then
 * fails, standing in for a DNS server that does not answer.  Every other
 * name goes to the C library.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

/* Looked up by the test with dlsym(): present only when the shim is
 * loaded. */
int authenta_test_slowdns_wait_entered (int timeout_ms);
void authenta_test_slowdns_release (void);
void authenta_test_slowdns_reset (void);

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int entered;
static int released;

static void
deadline_in (struct timespec *ts, int ms)
{
  clock_gettime (CLOCK_REALTIME, ts);
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L)
    {
      ts->tv_sec++;
      ts->tv_nsec -= 1000000000L;
    }
}

int
authenta_test_slowdns_wait_entered (int timeout_ms)
{
  struct timespec until;
  int ok;

  deadline_in (&until, timeout_ms);
  pthread_mutex_lock (&lock);
  while (!entered)
    if (pthread_cond_timedwait (&cond, &lock, &until) == ETIMEDOUT)
      break;
  ok = entered;
  pthread_mutex_unlock (&lock);
  return ok;
}

void
authenta_test_slowdns_release (void)
{
  pthread_mutex_lock (&lock);
  released = 1;
  pthread_cond_broadcast (&cond);
  pthread_mutex_unlock (&lock);
}

/* Before each test: the next slow lookup blocks again. */
void
authenta_test_slowdns_reset (void)
{
  pthread_mutex_lock (&lock);
  entered = 0;
  released = 0;
  pthread_mutex_unlock (&lock);
}

int
getaddrinfo (const char *node, const char *service,
             const struct addrinfo *hints, struct addrinfo **res)
{
  static int (*real) (const char *, const char *, const struct addrinfo *,
                      struct addrinfo **);

  if (node && strstr (node, "slow.test"))
    {
      struct timespec until;

      deadline_in (&until, 5000);
      pthread_mutex_lock (&lock);
      entered = 1;
      pthread_cond_broadcast (&cond);
      while (!released)
        if (pthread_cond_timedwait (&cond, &lock, &until) == ETIMEDOUT)
          break;
      pthread_mutex_unlock (&lock);
      return EAI_NONAME;
    }
  if (real == NULL)
    real = dlsym (RTLD_NEXT, "getaddrinfo");
  return real (node, service, hints, res);
}
