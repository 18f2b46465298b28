#include "manifest.h"

#include <stdio.h>
#include <string.h>

/* `line` without its leading blanks. */
static const char *skip_blanks(const char *line) {
  return line + strspn(line, " \t");
}

bool rust_manifest_name(const char *toml, char *buf, size_t cap) {
  bool in_package = false;
  for (const char *line = toml; *line;) {
    size_t len = strcspn(line, "\n");
    const char *p = skip_blanks(line);
    if (*p == '[') {
      in_package = strncmp(p, "[package]", 9) == 0;
    } else if (in_package && strncmp(p, "name", 4) == 0) {
      p = skip_blanks(p + 4);
      if (*p == '=') {
        p = skip_blanks(p + 1);
        p += *p == '"' || *p == '\'';
        size_t n = strcspn(p, "\"'\r\n \t");
        if (n == 0 || n >= cap) return false;
        snprintf(buf, cap, "%.*s", (int)n, p);
        return true;
      }
    }
    line += len + (line[len] == '\n');
  }
  return false;
}
