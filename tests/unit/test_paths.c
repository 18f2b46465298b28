/* Path helpers the safety checks rely on: lexical resolution (found by
   fuzzing: ".." at the root crashed) and containment. */
#include <stdlib.h>

#include "check.h"
#include "util.h"

static void check_absolute(const char *base, const char *path,
                           const char *want) {
  char *got = path_absolute(base, path);
  CHECK_STR(got, want);
  if (got && strcmp(got, want) != 0) fprintf(stderr, "  got %s\n", got);
  free(got);
}

int main(void) {
  check_absolute("/base", "/..", "/");
  check_absolute("/", "..", "/");
  check_absolute("/base", "../../..", "/");
  check_absolute("/base", "a/../b", "/base/b");
  check_absolute("/base/x", "../y/./z", "/base/y/z");
  check_absolute("/base", "/etc//passwd/", "/etc/passwd");
  CHECK(path_is_inside("/a/b", "/a"));
  CHECK(path_is_inside("/a", "/a"));
  CHECK(!path_is_inside("/ab", "/a"));
  CHECK(path_is_inside("/anything", "/"));
  return check_summary();
}
