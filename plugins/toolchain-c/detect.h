/* What `mbhost init` recognises as a C project: a CMakeLists.txt (cmake
   mode), a makefile (make mode), or C files (sources mode), in that order.
   The readers of those files are pure, and unit-tested. */
#ifndef MB_C_DETECT_H
#define MB_C_DETECT_H

#include <mbhost/toolchain-detect.h>
#include <stdbool.h>
#include <stddef.h>

#include "build.h"

#include <mbhost/toolchain-detect.h>

/* The first add_executable(NAME ...) of a CMakeLists.txt, into buf; false
   when there is none, or its name is a variable. */
bool c_cmake_executable(const char *text, char *buf, size_t cap);

/* A makefile's default goal, into buf: its first rule that is not special
   or a pattern, or the first prerequisite of `all`. False when there is
   none, or it is a variable. */
bool c_make_goal(const char *text, char *buf, size_t cap);

/* The `sources` value for C files found in a project (paths relative to
   it): one glob per folder ("src/" followed by "*.c"), the top folder
   first, then the others depth first, leaving out test, example, build
   and hidden folders. malloc'd; NULL when no file is left. */
char *c_source_patterns(const char *const *files, size_t count);

int c_detect(void *self, mb_call *call, const mb_detect_services *detect);

#endif
