#include "log.h"

#include <mbhost/plugin.h>
#include <stdio.h>
#include <stdlib.h>

int log_verbosity = 0;

static int max_level(void) {
  return log_verbosity < 0   ? MB_LOG_ERROR
         : log_verbosity > 0 ? MB_LOG_DEBUG
                             : MB_LOG_INFO;
}

void log_vline(int level, const char *who, const char *fmt, va_list ap) {
  if (level > max_level()) return;
  static const char *const labels[] = {"error: ", "warning: ", "", ""};
  char *msg = xvasprintf(fmt, ap);
  char *line = who ? xasprintf("mbhost: [%s] %s%s\n", who, labels[level], msg)
                   : xasprintf("mbhost: %s%s\n", labels[level], msg);
  fputs(line, stderr);
  free(line);
  free(msg);
}

void log_line(int level, const char *who, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  log_vline(level, who, fmt, ap);
  va_end(ap);
}
