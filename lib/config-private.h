/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Included first by every source of the library. */
#ifndef AUTHENTA_COMPILATION
#define AUTHENTA_COMPILATION
#endif
