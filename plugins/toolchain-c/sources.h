/* The `sources` key of mode = sources: files or glob(3) patterns relative
   to the project's source folder, expanded at plan time into a list of
   files that stays inside that folder (what the build cache digests). */
#ifndef MB_C_SOURCES_H
#define MB_C_SOURCES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct c_sources {
  char **files; /* relative to the root, in pattern order, each pattern's
                   matches sorted; no duplicates */
  size_t count;
} c_sources;

/* Expands `patterns` under `root` into regular files. MB_OK, or MB_ERROR
   with a message in err: an absolute pattern, a ".." component, or a
   pattern matching no file. *out is empty after an error. */
int c_sources_expand(const char *root, const char *const *patterns,
                     size_t count, c_sources *out, char *err, size_t errcap);

void c_sources_free(c_sources *sources);

/* True when `path` is relative and has no ".." component, so it names
   something inside the folder it is relative to. */
bool c_path_is_contained(const char *path);

#endif
