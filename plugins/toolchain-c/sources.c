#include "sources.h"

#include <glob.h>
#include <mbhost/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool c_path_is_contained(const char *path) {
  if (!*path || path[0] == '/') return false;
  for (const char *p = path; *p;) {
    size_t len = strcspn(p, "/");
    if (len == 2 && p[0] == '.' && p[1] == '.') return false;
    p += len;
    p += *p == '/';
  }
  return true;
}

/* The root with glob's special characters escaped, then "/" and the
   pattern, so only the pattern part is matched as a pattern. */
static char *glob_pattern(const char *root, const char *pattern) {
  size_t cap = 2 * strlen(root) + strlen(pattern) + 2;
  char *out = malloc(cap), *w = out;
  if (!out) return NULL;
  for (const char *r = root; *r; r++) {
    if (strchr("*?[]\\", *r)) *w++ = '\\';
    *w++ = *r;
  }
  *w++ = '/';
  strcpy(w, pattern);
  return out;
}

static bool is_regular_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool already_listed(const c_sources *s, const char *file) {
  for (size_t i = 0; i < s->count; i++)
    if (strcmp(s->files[i], file) == 0) return true;
  return false;
}

static int add_file(c_sources *s, const char *file) {
  if (already_listed(s, file)) return MB_OK;
  char **grown = realloc(s->files, (s->count + 1) * sizeof *grown);
  if (!grown) return MB_ERROR;
  s->files = grown;
  if (!(grown[s->count] = strdup(file))) return MB_ERROR;
  s->count++;
  return MB_OK;
}

/* Adds the regular files `pattern` matches; *matched counts them. */
static int expand_one(const char *root, const char *pattern, c_sources *out,
                      size_t *matched) {
  char *full = glob_pattern(root, pattern);
  if (!full) return MB_ERROR;
  glob_t g;
  int rc = MB_OK;
  *matched = 0;
  if (glob(full, 0, NULL, &g) == 0) {
    size_t skip = strlen(root) + 1;
    for (size_t i = 0; i < g.gl_pathc && rc == MB_OK; i++) {
      if (!is_regular_file(g.gl_pathv[i])) continue;
      rc = add_file(out, g.gl_pathv[i] + skip);
      (*matched)++;
    }
    globfree(&g);
  }
  free(full);
  return rc;
}

int c_sources_expand(const char *root, const char *const *patterns,
                     size_t count, c_sources *out, char *err, size_t errcap) {
  *out = (c_sources){0};
  for (size_t i = 0; i < count; i++) {
    size_t matched = 0;
    if (!c_path_is_contained(patterns[i])) {
      snprintf(err, errcap,
               "`%s` must be relative to the source folder and stay inside "
               "it",
               patterns[i]);
    } else if (expand_one(root, patterns[i], out, &matched) != MB_OK) {
      snprintf(err, errcap, "out of memory expanding sources");
    } else if (matched == 0) {
      snprintf(err, errcap, "`%s` matches no file in %s", patterns[i], root);
    } else {
      continue;
    }
    c_sources_free(out);
    return MB_ERROR;
  }
  return MB_OK;
}

void c_sources_free(c_sources *sources) {
  for (size_t i = 0; i < sources->count; i++)
    free(sources->files[i]);
  free(sources->files);
  *sources = (c_sources){0};
}
