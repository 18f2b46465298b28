#include "stamp.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

stamp stamp_from_stat(const struct stat *st) {
  return (stamp){.dev = st->st_dev,
                 .ino = st->st_ino,
                 .size = (uint64_t)st->st_size,
                 .mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 +
                             st->st_mtim.tv_nsec,
                 .ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 +
                             st->st_ctim.tv_nsec};
}

bool stamp_of(const char *path, stamp *out) {
  struct stat st;
  if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode)) return false;
  *out = stamp_from_stat(&st);
  return true;
}

bool stamp_equal(const stamp *a, const stamp *b) {
  return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
         a->mtime_ns == b->mtime_ns && a->ctime_ns == b->ctime_ns;
}

void stamp_format(const stamp *s, char out[STAMP_TEXT]) {
  snprintf(out, STAMP_TEXT,
           "%" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64, s->dev,
           s->ino, s->size, s->mtime_ns, s->ctime_ns);
}

size_t stamp_parse(const char *text, stamp *out) {
  int at = 0;
  if (sscanf(text,
             "%" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 "%n",
             &out->dev, &out->ino, &out->size, &out->mtime_ns, &out->ctime_ns,
             &at) != 5)
    return 0;
  return (size_t)at;
}
