/* libauthenta: a client for the Authenta deepfake detection service.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define __AUTHENTA_H_INSIDE__

#include <authenta/authenta-version.h>
#include <authenta/authenta-error.h>
#include <authenta/authenta-participant.h>
#include <authenta/authenta-media.h>
#include <authenta/authenta-content-type.h>
#include <authenta/authenta-task.h>
#include <authenta/authenta-journal.h>
#include <authenta/authenta-client.h>
#include <authenta/authenta-enum-types.h>

#undef __AUTHENTA_H_INSIDE__
