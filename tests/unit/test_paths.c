/* Path helpers the safety checks rely on: lexical resolution (found by
   fuzzing: ".." at the root crashed), containment, folder creation, and
   the ancestors check through symlinks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "state.h"
#include "util.h"

static void check_absolute(const char *base, const char *path,
                           const char *want) {
  char *got = path_absolute(base, path);
  CHECK_STR(got, want);
  if (got && strcmp(got, want) != 0) fprintf(stderr, "  got %s\n", got);
  free(got);
}

static mode_t mode_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

/* Missing parents are made with the mode; a folder that is there is fine;
   a file in the way is ENOTDIR, whether it is the folder or a parent. */
static void check_mkdir_tree(const char *tmp) {
  char *deep = xasprintf("%s/a/b/c", tmp), *a = xasprintf("%s/a", tmp);
  CHECK(mkdir_tree(deep, 0700) == 0);
  CHECK(path_is_dir(deep) && mode_of(deep) == 0700 && mode_of(a) == 0700);
  CHECK(mkdir_tree(deep, 0755) == 0 && mode_of(deep) == 0700);
  char *file = xasprintf("%s/file", tmp), *below = xasprintf("%s/x", file);
  FILE *f = fopen(file, "w");
  CHECK(f && fclose(f) == 0);
  errno = 0;
  CHECK(mkdir_tree(file, 0700) == -1 && errno == ENOTDIR);
  errno = 0;
  CHECK(mkdir_tree(below, 0700) == -1 && errno == ENOTDIR);
  free(deep), free(a), free(file), free(below);
}

/* A symlink as written is followed to the folders it really goes through:
   mid-path or as the path itself, into a folder others may write. */
static void check_ancestors_through_symlinks(const char *tmp) {
  char *open_dir = xasprintf("%s/open", tmp);
  char *inner = xasprintf("%s/open/inner", tmp);
  char *safe = xasprintf("%s/safe", tmp);
  char *mid = xasprintf("%s/safe/link", tmp);
  char *leaf = xasprintf("%s/safe/leaf", tmp);
  CHECK(mkdir_tree(inner, 0700) == 0 && chmod(open_dir, 0777) == 0);
  CHECK(mkdir_tree(safe, 0700) == 0);
  CHECK(symlink(inner, mid) == 0 && symlink(inner, leaf) == 0);
  char *below = xasprintf("%s/x", mid);
  char *problem = ancestors_problem(below, STICKY_ACCEPTED);
  CHECK_CONTAINS(problem, "which others may write");
  free(problem);
  problem = ancestors_problem(leaf, STICKY_ACCEPTED);
  CHECK_CONTAINS(problem, "which others may write");
  free(problem);
  /* Control: the same paths once the folder is closed. */
  CHECK(chmod(open_dir, 0700) == 0);
  CHECK(ancestors_problem(below, STICKY_ACCEPTED) == NULL);
  CHECK(ancestors_problem(leaf, STICKY_ACCEPTED) == NULL);
  free(open_dir), free(inner), free(safe), free(mid), free(leaf), free(below);
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

  char tmp[] = "/tmp/mbhost-test-paths.XXXXXX";
  CHECK(mkdtemp(tmp) != NULL);
  check_mkdir_tree(tmp);
  check_ancestors_through_symlinks(tmp);
  remove_tree(tmp);
  return check_summary();
}
