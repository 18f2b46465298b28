/* Stat stamps: what says a file is still the one that was verified or
   written, without reading it. A file whose stamp (device, inode, size,
   mtime and ctime in nanoseconds) is unchanged has not been written or
   replaced since: writing moves mtime and ctime, and ctime cannot be set
   back by anyone but the clock's owner. */
#ifndef MBHOST_STAMP_H
#define MBHOST_STAMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct stamp {
  uint64_t dev, ino, size;
  int64_t mtime_ns, ctime_ns;
} stamp;

struct stat;
/* The stamp of a regular file (never through a symlink); false otherwise. */
bool stamp_of(const char *path, stamp *out);
stamp stamp_from_stat(const struct stat *st);
bool stamp_equal(const stamp *a, const stamp *b);
/* Five space-separated numbers, and back; stamp_parse returns how many
   characters it read, 0 when the text is not a stamp. */
#define STAMP_TEXT 112
void stamp_format(const stamp *s, char out[STAMP_TEXT]);
size_t stamp_parse(const char *text, stamp *out);

#endif
