/* transfer: what goes into and comes out of a container through the
   engine's archive API, for engines that cannot bind-mount this machine's
   folders (a remote one): a tar of the source and of the folders steps
   write, and outputs read back from a tar. */
#ifndef DOCKER_TRANSFER_H
#define DOCKER_TRANSFER_H

#include <stddef.h>

typedef struct tarbuf {
  char *data;
  size_t len, cap;
} tarbuf;

/* Appends to `out` (a tar in memory, paths without the leading '/'):
   the folders `dirs` (NULL-terminated), empty, and every file, folder and
   symlink under `tree` (NULL: none) but .git folders and the folder
   `skip` (may be NULL), all owned by uid:gid. 0, or -1 with err. */
int tar_make(tarbuf *out, const char *const *dirs, const char *tree,
             const char *skip, unsigned uid, unsigned gid, char *err,
             size_t cap);
void tarbuf_free(tarbuf *b);

/* Writes the regular files of the tar `data` that the archive API
   returned for `path` (an absolute path; a glob in its last segment when
   `glob`, in which case the tar is of its folder) to `path` (the matches
   beside it) on this machine: written aside and renamed, modes kept.
   Returns how many files were written, or -1 with err. */
int tar_extract(const char *data, size_t len, const char *path, int glob,
                char *err, size_t cap);

#endif
