#include "package_name.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/* Whether a `//` comment's text is a constraint that excludes the file
   from every build: `go:build ignore` or the older `+build ignore`. */
static int ignores_file(const char *text, size_t len) {
  static const char *const forms[] = {"go:build ignore", " +build ignore",
                                      "+build ignore"};
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    size_t n = strlen(forms[i]);
    if (len >= n && strncmp(text, forms[i], n) == 0) {
      size_t rest = n;
      while (rest < len && is_space(text[rest]))
        rest++;
      if (rest == len) return 1;
    }
  }
  return 0;
}

/* The package name a file declares, into name: the first token after the
   comments that lead the file must be `package`. 0 when the file does not
   count (ignored, unreadable, no clause). */
static int file_package(const char *path, char *name, size_t cap) {
  FILE *f = fopen(path, "re");
  if (!f) return 0;
  char text[16384];
  size_t len = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[len] = '\0';
  const char *p = text, *end = text + len;
  while (p < end) {
    if (is_space(*p) || *p == '\n') {
      p++;
    } else if (p[0] == '/' && p + 1 < end && p[1] == '/') {
      const char *eol = memchr(p, '\n', (size_t)(end - p));
      if (!eol) eol = end;
      if (ignores_file(p + 2, (size_t)(eol - p - 2))) return 0;
      p = eol;
    } else if (p[0] == '/' && p + 1 < end && p[1] == '*') {
      const char *close = strstr(p + 2, "*/");
      if (!close) return 0;
      p = close + 2;
    } else {
      break;
    }
  }
  if (strncmp(p, "package", 7) != 0 || !(is_space(p[7]) || p[7] == '\n'))
    return 0;
  p += 7;
  while (is_space(*p) || *p == '\n')
    p++;
  size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                       "0123456789_");
  if (n == 0 || n >= cap) return 0;
  snprintf(name, cap, "%.*s", (int)n, p);
  return 1;
}

int go_folder_is_main(const char *folder, char *name, size_t cap) {
  DIR *d = opendir(folder);
  if (!d) return 1;
  int counted = 0, is_main = 0;
  struct dirent *e;
  while (!is_main && (e = readdir(d))) {
    const char *base = e->d_name;
    if (base[0] == '.' || base[0] == '_' || !ends_with(base, ".go") ||
        ends_with(base, "_test.go"))
      continue;
    char path[8192], declared[256];
    snprintf(path, sizeof path, "%s/%s", folder, base);
    if (!file_package(path, declared, sizeof declared)) continue;
    is_main = strcmp(declared, "main") == 0;
    if (!counted++) snprintf(name, cap, "%s", declared);
  }
  closedir(d);
  return is_main || counted == 0;
}
