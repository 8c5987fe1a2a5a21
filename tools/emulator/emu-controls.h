/* authenta-emulator: the test controls under /_emulator.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "emu-request.h"

G_BEGIN_DECLS

/* Answers a request whose path starts with /_emulator/. */
void emu_controls_handle (EmuRequest *req);

G_END_DECLS
