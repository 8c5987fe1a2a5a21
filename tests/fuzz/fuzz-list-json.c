/* Fuzz target: a page of GET /media as the service sends it.
 *
 * authenta_client_list_media() parses the page inline, so this follows its
 * steps with the same internal functions: json-glib's parser, the typed
 * member access of authenta-util.c for "total", and
 * authenta_media_new_from_node() for each element of "data" (or of a bare
 * array).  Keep it in step with authenta-client.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "config-private.h"

#include <authenta/authenta.h>

#include "authenta-media-private.h"
#include "authenta-util-private.h"

#include "fuzz-common.h"

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  fuzz_init_glib ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GPtrArray) records = NULL;
  JsonNode *root, *page;
  JsonArray *array;
  gint64 total = -1;

  if (size == 0 || size > AUTHENTA_MAX_ANSWER_SIZE
      || fuzz_json_has_several_roots (data, size))
    return 0;
  if (!json_parser_load_from_data (parser, (const char *)data, (gssize)size,
                                   NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return 0;

  /* What an error message says about a node must always be a string. */
  FUZZ_CHECK (authenta_json_describe (root) != NULL);

  if (JSON_NODE_HOLDS_ARRAY (root))
    page = root;
  else if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *obj = json_node_get_object (root);
      g_autoptr (GError) error = NULL;

      page = json_object_get_member (obj, "data");
      if (!authenta_json_get_int (obj, "total", &total, -1, &error))
        {
          FUZZ_CHECK (
              g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL));
          return 0;
        }
      FUZZ_CHECK (authenta_json_describe (page) != NULL);
      if (page == NULL || !JSON_NODE_HOLDS_ARRAY (page))
        return 0;
    }
  else
    return 0;

  array = json_node_get_array (page);
  records = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (GError) error = NULL;
      AuthentaMedia *media = authenta_media_new_from_node (
          json_array_get_element (array, i), NULL, NULL, 0, &error);

      if (media == NULL)
        {
          FUZZ_CHECK (
              g_error_matches (error, AUTHENTA_ERROR, AUTHENTA_ERROR_PROTOCOL));
          return 0;
        }
      /* A record made from a node keeps its own serialisation. */
      FUZZ_CHECK (authenta_media_get_json (media) != NULL);
      g_ptr_array_add (records, media);
    }
  return 0;
}
