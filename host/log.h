/* Messages to the terminal, filtered by -q/-v. Safe from any thread. */
#ifndef MBHOST_LOG_H
#define MBHOST_LOG_H

#include <stdarg.h>

#include <mbhost/plugin.h>

#include "util.h"

/* -1 with -q (errors only), 0 by default, 1 with -v. */
extern int log_verbosity;

/* level: MB_LOG_* from the ABI. `who` is a short prefix or NULL. */
void log_line(int level, const char *who, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
void log_vline(int level, const char *who, const char *fmt, va_list ap);

#endif
