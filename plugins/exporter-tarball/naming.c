#include "naming.h"

#include <stdio.h>
#include <string.h>

static int is_separator(char c) {
  return c == '/' || c == '\\';
}

/* The problem with one path component [start, end), or NULL. */
static const char *component_problem(const char *start, const char *end) {
  if (start == end) return "has an empty path component";
  if (end - start == 2 && start[0] == '.' && start[1] == '.')
    return "contains a '..' component";
  return NULL;
}

const char *entry_name_problem(const char *name, size_t len) {
  if (len == 0) return "is empty";
  if (memchr(name, '\0', len)) return "contains a NUL byte";
  if (is_separator(name[0])) return "is absolute";
  const char *start = name;
  const char *end = name + len;
  for (const char *p = name; p <= end; p++) {
    if (p < end && !is_separator(*p)) continue;
    const char *problem = component_problem(start, p);
    if (problem) return problem;
    start = p + 1;
  }
  return NULL;
}

static const char *const placeholders[] = {"name", "version", "os", "arch"};
enum { PLACEHOLDER_VERSION = 1, PLACEHOLDER_COUNT = 4 };

/* The index of placeholder `key` (keylen bytes) in placeholders, or -1. */
static int placeholder_index(const char *key, size_t keylen) {
  for (int i = 0; i < PLACEHOLDER_COUNT; i++)
    if (strlen(placeholders[i]) == keylen &&
        !memcmp(placeholders[i], key, keylen))
      return i;
  return -1;
}

static int drops_before_empty_version(const char *out, size_t len) {
  return len > 0 && strchr("_-.", out[len - 1]) != NULL;
}

int expand_name(const char *template, const name_values *values, char *out,
                size_t cap, char *err, size_t errcap) {
  size_t len = 0;
  for (const char *p = template; *p;) {
    const char *piece = p;
    size_t piece_len = 1;
    if (*p == '{') {
      const char *close = strchr(p, '}');
      if (!close) {
        snprintf(err, errcap, "'{' without a closing '}' in \"%s\"", template);
        return -1;
      }
      const char *const by_index[] = {values->name, values->version, values->os,
                                      values->arch};
      size_t keylen = (size_t)(close - p - 1);
      int index = placeholder_index(p + 1, keylen);
      piece = index < 0 ? NULL : by_index[index];
      if (!piece) {
        snprintf(err, errcap,
                 index < 0 ? "{%.*s} is not a known placeholder in \"%s\""
                           : "{%.*s} cannot be used in \"%s\", which is not "
                             "tied to one target",
                 (int)keylen, p + 1, template);
        return -1;
      }
      piece_len = strlen(piece);
      if (piece_len == 0 && index == PLACEHOLDER_VERSION &&
          drops_before_empty_version(out, len))
        len--;
      p = close + 1;
    } else {
      p++;
    }
    if (len + piece_len >= cap) {
      snprintf(err, errcap, "\"%s\" gives a name longer than %zu bytes",
               template, cap - 1);
      return -1;
    }
    memcpy(out + len, piece, piece_len);
    len += piece_len;
  }
  out[len] = '\0';
  return 0;
}
