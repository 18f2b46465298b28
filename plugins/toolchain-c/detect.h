/* What `mbhost init` recognises as a C project: a CMakeLists.txt (cmake
   mode), an amalgamation (sources mode, even beside a makefile), a makefile
   (make mode), or C files (sources mode), in that order; and zig, when
   installed, as the compiler for every target.
   The readers of those files are pure, and unit-tested. */
#ifndef MB_C_DETECT_H
#define MB_C_DETECT_H

#include <mbhost/toolchain-detect.h>
#include <stdbool.h>
#include <stddef.h>

#include "build.h"

/* What the code's includes say it links with. */
enum { C_NEEDS_M = 1u << 0, C_NEEDS_PTHREAD = 1u << 1, C_NEEDS_DL = 1u << 2 };

/* The first add_executable(NAME ...) of a CMakeLists.txt, into buf; false
   when there is none, or its name is a variable. */
bool c_cmake_executable(const char *text, char *buf, size_t cap);

/* A makefile's default goal, into buf: its first rule that is not special
   or a pattern, or the first prerequisite of `all` that is not a library
   (*from_all then set). False when there is none, or it is a variable. */
bool c_make_goal(const char *text, char *buf, size_t cap, bool *from_all);

/* How many words the makefile's last unconditional assignment of `name`
   (NAME = ..., :=), which beats a value from the environment, has: 0 when
   there is none. */
int c_make_assigns(const char *text, const char *name);

/* Whether C source `text` #includes a .c file ("sqlite3.c"): an
   amalgamation, to compile alone. */
bool c_includes_c_file(const char *text);

/* C_NEEDS_* for the headers `text` includes: math.h, pthread.h, dlfcn.h. */
unsigned c_include_needs(const char *text);

/* Whether a source's file name says it is a test ("ltests.c",
   "test_main.c"). */
bool c_is_test_file(const char *path);

/* The `sources` value for C files found in a project (paths relative to
   it): one glob per folder ("src/" followed by "*.c"), the top folder
   first, then the others depth first, leaving out test, example, build
   and hidden folders. malloc'd; NULL when no file is left. */
char *c_source_patterns(const char *const *files, size_t count);

int c_detect(void *self, mb_call *call, const mb_detect_services *detect);

#endif
