/* The authenta-verdict element message's structure, built in one place for
 * the live scans and the resumed ones.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <authenta/authenta.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* `authenta-verdict` for @media: mid (a job's id for a Jobs API task),
 * task (the record's, else @task), api ("media" or "jobs"), status,
 * model-type (the record's model, else @task), media-type, fake,
 * has-verdict (FALSE: the answer said neither, and fake means nothing),
 * confidence, faces, deepfakes, result-url, json and location (@location:
 * the kept file, or NULL). */
G_GNUC_INTERNAL
GstStructure *gst_authenta_verdict_structure_new (AuthentaMedia *media,
                                                  const char *task,
                                                  const char *location);

G_END_DECLS
