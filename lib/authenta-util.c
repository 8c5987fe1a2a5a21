/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config-private.h"

#include "authenta-util-private.h"

#include "authenta-error-private.h"
#include "authenta-json-depth.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

char *
authenta_redact_url (const char *url)
{
  const char *p, *authority, *authority_end, *at, *path_end;
  GString *out;

  if (url == NULL)
    return g_strdup ("(none)");

  /* Hand-written rather than GUri: it must redact even a URL that GUri
   * would refuse, and never echo what it could not parse. */
  p = strstr (url, "://");
  if (p == NULL)
    return g_strdup ("(unparsable URL)");
  out = g_string_new_len (url, p - url);
  g_string_append (out, "://");

  authority = p + 3;
  authority_end = authority + strcspn (authority, "/?#");
  /* Drop user:password@. */
  at = memchr (authority, '@', authority_end - authority);
  if (at != NULL)
    authority = at + 1;
  g_string_append_len (out, authority, authority_end - authority);

  path_end = authority_end + strcspn (authority_end, "?#");
  if (path_end > authority_end)
    g_string_append_len (out, authority_end, path_end - authority_end);
  else
    g_string_append_c (out, '/');
  return g_string_free (out, FALSE);
}

static gboolean
is_unsafe_char (gunichar c)
{
  /* Cc (newlines, escapes for terminals) and the bidi embeddings and
   * overrides, which can make a log line read other than it is. */
  return g_unichar_iscntrl (c) || (c >= 0x202A && c <= 0x202E)
         || (c >= 0x2066 && c <= 0x2069);
}

/* Appends to @ranges the byte ranges of @valid (UTF-8) where @secret
 * occurs once the unsafe characters are left out, and with @skip_escapes
 * the terminal escape sequences (ESC [ … final byte) too: a key with a
 * control character or an escape slipped inside is still the key.  Pairs
 * of start and end offsets. */
static void
find_secret_in_view (const char *valid, const char *secret,
                     gboolean skip_escapes, GArray *ranges)
{
  g_autoptr (GString) stripped = g_string_new (NULL);
  g_autoptr (GArray) origin = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize secret_len = strlen (secret);
  const char *p, *hit;

  for (p = valid; *p; p = g_utf8_next_char (p))
    {
      /* A terminal's escape sequence shows nothing. */
      if (skip_escapes && p[0] == '\x1b' && p[1] == '[')
        {
          p += 2;
          while (*p && !(*p >= 0x40 && *p <= 0x7e))
            p++;
          if (*p == '\0')
            break;
          continue;
        }
      if (!is_unsafe_char (g_utf8_get_char (p)))
        for (const char *b = p; b < g_utf8_next_char (p); b++)
          {
            gsize at = b - valid;
            g_string_append_c (stripped, *b);
            g_array_append_val (origin, at);
          }
    }
  for (hit = strstr (stripped->str, secret); hit != NULL;
       hit = strstr (hit + secret_len, secret))
    {
      gsize first = hit - stripped->str;
      gsize start = g_array_index (origin, gsize, first);
      gsize end = g_array_index (origin, gsize, first + secret_len - 1) + 1;

      g_array_append_val (ranges, start);
      g_array_append_val (ranges, end);
    }
}

static int
compare_ranges (gconstpointer a, gconstpointer b, gpointer unused)
{
  gsize x = ((const gsize *)a)[0], y = ((const gsize *)b)[0];

  return x < y ? -1 : x > y;
}

/* The ranges to redact, in order and apart: the key as a terminal would
 * show it (escape sequences left out), and as the cleaned text shows it
 * (only the unsafe characters left out: an escape's final byte, which
 * the terminal would swallow, is shown as it is). */
static GArray *
find_secret (const char *valid, const char *secret)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (gsize));
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (gsize));

  find_secret_in_view (valid, secret, TRUE, ranges);
  find_secret_in_view (valid, secret, FALSE, ranges);
  g_qsort_with_data (ranges->data, ranges->len / 2, 2 * sizeof (gsize),
                     compare_ranges, NULL);
  for (guint i = 0; i < ranges->len; i += 2)
    {
      gsize start = g_array_index (ranges, gsize, i);
      gsize end = g_array_index (ranges, gsize, i + 1);

      if (merged->len > 0
          && start <= g_array_index (merged, gsize, merged->len - 1))
        {
          gsize *last = &g_array_index (merged, gsize, merged->len - 1);
          *last = MAX (*last, end);
          continue;
        }
      g_array_append_val (merged, start);
      g_array_append_val (merged, end);
    }
  g_array_unref (ranges);
  return merged;
}

char *
authenta_sanitize_service_text (const char *text, gsize max_bytes,
                                const char *secret)
{
  g_autofree char *valid = NULL;
  g_autoptr (GArray) secrets = NULL;
  guint next = 0;
  GString *out;
  const char *p;
  gsize cut;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, -1);
  secrets = secret && *secret ? find_secret (valid, secret)
                              : g_array_new (FALSE, FALSE, sizeof (gsize));
  out = g_string_sized_new (strlen (valid));
  /* Redacted before cutting, so that no part of the key survives at the
   * cut. */
  for (p = valid; *p;)
    {
      gunichar c = g_utf8_get_char (p);

      if (next < secrets->len
          && (gsize)(p - valid) == g_array_index (secrets, gsize, next))
        {
          g_string_append (out, "[redacted]");
          p = valid + g_array_index (secrets, gsize, next + 1);
          next += 2;
          continue;
        }
      if (is_unsafe_char (c))
        g_string_append_c (out, '?');
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  if (out->len <= max_bytes)
    return g_string_free (out, FALSE);
  /* Back to the start of the character that straddles the limit. */
  cut = max_bytes;
  while (cut > 0 && (out->str[cut] & 0xC0) == 0x80)
    cut--;
  g_string_truncate (out, cut);
  g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

void
authenta_redact_split_secret (char **first, char **second, const char *secret)
{
  gsize secret_len = secret ? strlen (secret) : 0;

  if (secret_len < 2 || first == NULL || second == NULL || *first == NULL
      || *second == NULL)
    return;
  for (int order = 0; order < 2; order++)
    {
      char **a = order == 0 ? first : second;
      char **b = order == 0 ? second : first;
      gsize a_len = strlen (*a);
      g_autofree char *joined = g_strconcat (*a, *b, NULL);

      /* Each occurrence that straddles the joint: the end of a with the
       * start of b. */
      for (gsize pos = a_len > secret_len ? a_len - secret_len + 1 : 0;
           pos < a_len; pos++)
        if (strncmp (joined + pos, secret, secret_len) == 0)
          {
            char *new_a = g_strdup_printf ("%.*s[redacted]", (int)pos, *a);
            char *new_b = g_strconcat ("[redacted]",
                                       *b + (pos + secret_len - a_len), NULL);

            g_free (*a);
            g_free (*b);
            *a = new_a;
            *b = new_b;
            break;
          }
    }
}

char *
authenta_describe_request (const char *method, const char *url)
{
  g_autofree char *redacted = authenta_redact_url (url);
  const char *path = strstr (redacted, "://");

  path = path ? strchr (path + 3, '/') : NULL;
  return g_strdup_printf ("%s %s", method, path ? path : "/");
}

gboolean
authenta_mid_is_valid (const char *mid)
{
  gsize n = 0;

  if (mid == NULL)
    return FALSE;
  for (const char *p = mid; *p; p++, n++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return n >= 1 && n <= 64;
}

gboolean
authenta_host_is_loopback (const char *host)
{
  if (host == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (host, "localhost") == 0
      || g_str_has_suffix (host, ".localhost"))
    return TRUE;
  if (strcmp (host, "::1") == 0 || strcmp (host, "[::1]") == 0)
    return TRUE;
  if (g_str_has_prefix (host, "127."))
    {
      /* Only a real dotted quad: "127.example.com" is not loopback. */
      guint parts = 0;
      for (const char *p = host; *p; p++)
        {
          if (*p == '.')
            parts++;
          else if (!g_ascii_isdigit (*p))
            return FALSE;
        }
      return parts == 3;
    }
  return FALSE;
}

const char *
authenta_json_describe (JsonNode *node)
{
  if (node == NULL)
    return "nothing";
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "an object";
    case JSON_NODE_ARRAY:
      return "an array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return "a string";
        case G_TYPE_BOOLEAN:
          return "a boolean";
        case G_TYPE_INT64:
          return "an integer";
        case G_TYPE_DOUBLE:
          return "a number";
        default:
          return "a value";
        }
    }
  return "something else";
}

static gboolean
wrong_type (JsonNode *node, const char *member, const char *expected,
            GError **error)
{
  g_propagate_error (error,
                     authenta_error_new_full (
                         AUTHENTA_ERROR_PROTOCOL, 0, NULL, NULL,
                         "unexpected answer: “%s” is %s, expected %s", member,
                         authenta_json_describe (node), expected));
  return FALSE;
}

static JsonNode *
member_or_null (JsonObject *obj, const char *member)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return NULL;
  return node;
}

gboolean
authenta_json_get_string (JsonObject *obj, const char *member, char **out,
                          GError **error)
{
  JsonNode *node = member_or_null (obj, member);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (node, member, "a string", error);
  *out = json_node_dup_string (node);
  return TRUE;
}

gboolean
authenta_json_get_int (JsonObject *obj, const char *member, gint64 *out,
                       gint64 unset, GError **error)
{
  JsonNode *node = member_or_null (obj, member);

  *out = unset;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);
      if (t == G_TYPE_INT64)
        {
          *out = json_node_get_int (node);
          return TRUE;
        }
      /* 3.0 is an integer that went through a float somewhere. */
      if (t == G_TYPE_DOUBLE)
        {
          double d = json_node_get_double (node);
          if (d == floor (d) && fabs (d) < 9.0e15)
            {
              *out = (gint64)d;
              return TRUE;
            }
        }
    }
  return wrong_type (node, member, "an integer", error);
}

gboolean
authenta_json_get_double (JsonObject *obj, const char *member, double *out,
                          double unset, GError **error)
{
  JsonNode *node = member_or_null (obj, member);

  *out = unset;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      GType t = json_node_get_value_type (node);
      if (t == G_TYPE_INT64 || t == G_TYPE_DOUBLE)
        {
          *out = json_node_get_double (node);
          return TRUE;
        }
    }
  return wrong_type (node, member, "a number", error);
}

gboolean
authenta_json_get_bool (JsonObject *obj, const char *member, int *out,
                        GError **error)
{
  JsonNode *node = member_or_null (obj, member);

  *out = -1;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (node, member, "a boolean", error);
  *out = json_node_get_boolean (node) ? 1 : 0;
  return TRUE;
}

JsonNode *
authenta_json_parse (const char *data, gsize length, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL,
                           "the answer is empty where JSON was expected");
      return NULL;
    }
  if (!authenta_json_depth_ok (data, length, AUTHENTA_JSON_MAX_DEPTH))
    {
      g_set_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL,
                   "the answer nests objects or arrays more than %d levels "
                   "deep, which no answer of the service does",
                   AUTHENTA_JSON_MAX_DEPTH);
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib's message quotes bytes of the answer. */
      g_autofree char *why = authenta_sanitize_service_text (
          local_error->message, AUTHENTA_MAX_SERVICE_TEXT, NULL);

      g_set_error (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL,
                   "the answer is not valid JSON (%s)", why);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL,
                           "the answer holds no JSON value");
      return NULL;
    }
  return json_node_ref (root);
}

int
authenta_open_for_reading (const char *path, GError **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot open “%s”: %s", path, g_strerror (errsv));
    }
  return fd;
}
