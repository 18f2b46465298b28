#include "stamp.h"

#include <inttypes.h>
#include <stdint.h>
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

/* A decimal number (with a '-' when `sign`) at text + *at; false when there
   is none. By hand: sscanf was most of the time of checking a stat cache of
   15,000 entries. */
static bool parse_number(const char *text, size_t *at, bool sign,
                         uint64_t *out) {
  const char *s = text + *at;
  bool negative = sign && *s == '-';
  s += negative;
  const char *digits = s;
  uint64_t v = 0;
  /* Too many digits wrap around: a damaged record is then a stamp that
     matches no file. */
  for (unsigned d; (d = (unsigned)(*s - '0')) < 10; s++)
    v = v * 10 + d;
  if (s == digits) return false;
  *out = negative ? (uint64_t)0 - v : v;
  *at = (size_t)(s - text);
  return true;
}

size_t stamp_parse(const char *text, stamp *out) {
  uint64_t n[5];
  size_t at = 0;
  for (int i = 0; i < 5; i++) {
    if (i > 0 && text[at++] != ' ') return 0;
    if (!parse_number(text, &at, i >= 3, &n[i])) return 0;
  }
  *out = (stamp){.dev = n[0],
                 .ino = n[1],
                 .size = n[2],
                 .mtime_ns = (int64_t)n[3],
                 .ctime_ns = (int64_t)n[4]};
  return at;
}
