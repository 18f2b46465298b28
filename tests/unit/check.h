/* A minimal assertion kit for the C unit tests: each CHECK counts, a
   failure prints file:line and the expression, main returns non-zero. */
#ifndef MBHOST_TEST_CHECK_H
#define MBHOST_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      check_passed++;                                                          \
    } else {                                                                   \
      check_failed++;                                                          \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define CHECK_STR(a, b) CHECK((a) && strcmp((a), (b)) == 0)
#define CHECK_CONTAINS(haystack, needle)                                       \
  CHECK((haystack) && strstr((haystack), (needle)) != NULL)

static inline int check_summary(void) {
  printf("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed ? 1 : 0;
}

#endif
