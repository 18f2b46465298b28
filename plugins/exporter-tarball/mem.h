/* Allocation for the tarball exporter. Running out of memory while packing
   a release is not something a build tool can recover from, so these abort
   instead of making every caller handle NULL. */
#ifndef TARBALL_MEM_H
#define TARBALL_MEM_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void *mem_grow(void *p, size_t count, size_t size) {
  void *q = count ? reallocarray(p, count, size) : p;
  if (count && !q) {
    fputs("mb-exporter-tarball: out of memory\n", stderr);
    abort();
  }
  return q;
}

static inline char *mem_strndup(const char *s, size_t n) {
  char *copy = mem_grow(NULL, n + 1, 1);
  memcpy(copy, s, n);
  copy[n] = '\0';
  return copy;
}

static inline char *mem_strdup(const char *s) {
  return mem_strndup(s, strlen(s));
}

#endif
