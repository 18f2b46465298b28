/* The C plugin's target table, source globbing, argv building and the
   readers `mbhost init` uses. */
#include <mbhost/plugin.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "argv.h"
#include "check.h"
#include "detect.h"
#include "sources.h"
#include "targets.h"

static void test_targets(void) {
  const c_target *arm = c_target_for("linux/arm64");
  CHECK(arm != NULL);
  if (arm) {
    CHECK_STR(arm->triple, "aarch64-linux-gnu");
    CHECK_STR(arm->package, "gcc-aarch64-linux-gnu");
    CHECK_STR(arm->libc_package, "libc6-dev-arm64-cross");
    CHECK_STR(arm->cmake_system, "Linux");
  }
  const c_target *win = c_target_for("windows/amd64");
  CHECK(win != NULL);
  if (win) {
    CHECK_STR(win->triple, "x86_64-w64-mingw32");
    CHECK_STR(win->package, "gcc-mingw-w64-x86-64");
    CHECK_STR(win->cmake_system, "Windows");
  }
  const c_target *mac = c_target_for("darwin/arm64");
  CHECK(mac != NULL && mac->package == NULL);
  CHECK(c_target_for("plan9/386") == NULL);
  CHECK(c_target_for_triple("x86_64-linux-gnu") == c_target_for("linux/amd64"));
  CHECK(c_target_for_triple("x86_64-pc-linux-musl") == NULL);

  char buf[32];
  const char *cpu = buf; /* check.h takes pointers */
  c_triple_cpu("aarch64-linux-gnu", buf, sizeof buf);
  CHECK_STR(cpu, "aarch64");
  c_triple_cpu("x86_64-w64-mingw32", buf, sizeof buf);
  CHECK_STR(cpu, "x86_64");
}

static void test_contained(void) {
  CHECK(c_path_is_contained("main.c"));
  CHECK(c_path_is_contained("src/*.c"));
  CHECK(c_path_is_contained("a/..b/c.c"));
  CHECK(!c_path_is_contained("/etc/passwd"));
  CHECK(!c_path_is_contained("../x.c"));
  CHECK(!c_path_is_contained("src/../../x.c"));
  CHECK(!c_path_is_contained("src/.."));
  CHECK(!c_path_is_contained(""));
}

static void touch(const char *dir, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) fclose(f);
}

static void subdir(const char *dir, const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  CHECK(mkdir(path, 0755) == 0);
}

/* The root's name has glob's special characters: only the pattern part
   may be matched as a pattern. */
static void test_sources(void) {
  char root[] = "/tmp/mbhost-c-unit-[x]*.XXXXXX";
  CHECK(mkdtemp(root) != NULL);
  touch(root, "main.c");
  touch(root, "util.c");
  touch(root, "notes.txt");
  subdir(root, "os");
  subdir(root, "arch");
  subdir(root, "dir.c"); /* a folder named like a source: skipped */
  touch(root, "os/name.c");
  touch(root, "arch/name.c");

  const char *patterns[] = {"main.c", "*.c", "*/name.c"};
  c_sources s;
  char buf[512] = "";
  const char *err = buf; /* check.h takes pointers */
  CHECK(c_sources_expand(root, patterns, 3, &s, buf, sizeof buf) == MB_OK);
  CHECK(s.count == 4);
  if (s.count == 4) {
    CHECK_STR(s.files[0], "main.c"); /* listed once, where first named */
    CHECK_STR(s.files[1], "util.c");
    CHECK_STR(s.files[2], "arch/name.c"); /* each pattern's matches sorted */
    CHECK_STR(s.files[3], "os/name.c");
  }
  c_sources_free(&s);

  const char *outside[] = {"main.c", "../*.c"};
  CHECK(c_sources_expand(root, outside, 2, &s, buf, sizeof buf) == MB_ERROR);
  CHECK_CONTAINS(err, "`../*.c` must be relative to the source folder");
  CHECK(s.count == 0 && s.files == NULL);

  const char *absolute[] = {"/usr/include/*.h"};
  CHECK(c_sources_expand(root, absolute, 1, &s, buf, sizeof buf) == MB_ERROR);

  const char *nothing[] = {"src/*.c"};
  CHECK(c_sources_expand(root, nothing, 1, &s, buf, sizeof buf) == MB_ERROR);
  CHECK_CONTAINS(err, "`src/*.c` matches no file");

  const char *folder_only[] = {"dir.c"};
  CHECK(c_sources_expand(root, folder_only, 1, &s, buf, sizeof buf) ==
        MB_ERROR);

  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  CHECK(system(cmd) == 0);
}

static void test_argv(void) {
  argv_list a = {0};
  CHECK(argv_get(&a)[0] == NULL);
  argv_add(&a, "cc");
  argv_addf2(&a, "-I", "include");
  const char *const more[] = {"-c", "main.c", NULL};
  argv_add_all(&a, more);
  CHECK(a.len == 4);
  CHECK_STR(argv_get(&a)[1], "-Iinclude");
  CHECK(argv_get(&a)[4] == NULL);
  char *all = argv_join(&a, 0), *tail = argv_join(&a, 2);
  CHECK_STR(all, "cc -Iinclude -c main.c");
  CHECK_STR(tail, "-c main.c");
  free(all);
  free(tail);
  CHECK(!argv_failed(&a));
  argv_free(&a);
  CHECK(a.len == 0 && a.items == NULL);
}

static void test_cmake_executable(void) {
  char name[64] = "";
  const char *got = name; /* check.h takes pointers */
  CHECK(c_cmake_executable("project(x C)\nadd_executable( hello main.c)\n"
                           "add_executable(other o.c)\n",
                           name, sizeof name));
  CHECK_STR(got, "hello");
  CHECK(c_cmake_executable("add_executable(tool)", name, sizeof name));
  CHECK_STR(got, "tool");
  CHECK(
      !c_cmake_executable("add_executable(${NAME} main.c)", name, sizeof name));
  CHECK(!c_cmake_executable("add_library(x x.c)", name, sizeof name));
  CHECK(!c_cmake_executable("add_executable(a_name_longer_than_the_buffer)",
                            name, 8));
}

static void test_make_goal(void) {
  char name[64] = "";
  const char *got = name;
  bool from_all;
  CHECK(c_make_goal("# built with make\nCC ?= cc\nCFLAGS := -O2\n"
                    ".PHONY: clean\n%.o: %.c\n\thello: no\n"
                    "hello: main.o\n\t$(CC) -o $@ $^\nclean:\n",
                    name, sizeof name, &from_all));
  CHECK_STR(got, "hello");
  CHECK(!from_all);
  CHECK(c_make_goal("all: tool docs\ntool: main.o\n", name, sizeof name,
                    &from_all));
  CHECK_STR(got, "tool");
  CHECK(from_all);
  /* bzip2's: the library first, then the program. */
  CHECK(c_make_goal("all: libbz2.a bzip2 bzip2recover test\n", name,
                    sizeof name, &from_all));
  CHECK_STR(got, "bzip2");
  CHECK(!c_make_goal("all: $(BIN)\nprog: x\n", name, sizeof name, &from_all));
  CHECK(!c_make_goal("$(BIN): main.o\n", name, sizeof name, &from_all));
  CHECK(!c_make_goal("X = 1\n", name, sizeof name, &from_all));
}

static void test_make_assigns(void) {
  CHECK(c_make_assigns("# x\nCC=gcc\n", "CC") == 1);
  CHECK(c_make_assigns("CC := clang -std=c99 # why\n", "CC") == 2);
  CHECK(c_make_assigns("AR= ar rc\nRANLIB= ranlib\n", "AR") == 2);
  CHECK(!c_make_assigns("CC ?= cc\n", "CC"));
  CHECK(!c_make_assigns("CC += -m32\n", "CC"));
  CHECK(!c_make_assigns("CCFLAGS = x\n", "CC"));
  CHECK(c_make_assigns("  CC = gcc\n", "CC"));
  CHECK(!c_make_assigns("x:\n\tCC=gcc ./configure\n", "CC"));
}

static void test_amalgamation_and_needs(void) {
  CHECK(c_includes_c_file("/* onelua */\n#include \"lapi.c\"\n"));
  CHECK(c_includes_c_file("  #  include \"src/x.c\"\n"));
  CHECK(!c_includes_c_file("#include \"lapi.h\"\n#include <x.c>\n"));
  CHECK(!c_includes_c_file("// #include \"a.c\" in a comment line\n"));
  CHECK(c_include_needs("#include <stdio.h>\n#include <math.h>\n") ==
        C_NEEDS_M);
  CHECK(c_include_needs("#include <pthread.h>\n# include <dlfcn.h>\n") ==
        (C_NEEDS_PTHREAD | C_NEEDS_DL));
  CHECK(c_include_needs("#include \"math.h\"\n") == 0);
  CHECK(c_is_test_file("ltests.c"));
  CHECK(c_is_test_file("src/test_main.c"));
  CHECK(!c_is_test_file("tests/lapi.c"));
}

static void test_source_patterns(void) {
  const char *files[] = {"arch/name.c", "b-c/x.c",         "b/a/deep.c",
                         "b/x.c",       "examples/demo.c", "main.c",
                         "os/name.c",   "os/util.c",       "src/.gen/y.c",
                         "tests/t.c",   "util.c"};
  char *patterns = c_source_patterns(files, sizeof files / sizeof *files);
  CHECK_STR(patterns, "*.c, arch/*.c, b/*.c, b/a/*.c, b-c/*.c, os/*.c");
  free(patterns);
  const char *tests_only[] = {"test/t.c", "vendor/lib/v.c"};
  CHECK(c_source_patterns(tests_only, 2) == NULL);
  CHECK(c_source_patterns(NULL, 0) == NULL);
}

int main(void) {
  test_targets();
  test_contained();
  test_sources();
  test_argv();
  test_cmake_executable();
  test_make_goal();
  test_make_assigns();
  test_amalgamation_and_needs();
  test_source_patterns();
  return check_summary();
}
