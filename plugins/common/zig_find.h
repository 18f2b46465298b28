/* Finding zig, for every bundled toolchain that uses it (C's `cc = zig`,
   Rust's `linker = zig`): in PATH, or inside the `ziglang` Python package,
   which `pip install ziglang` installs without putting zig in PATH.
   Compiled into each plugin that needs it (plugins link nothing of the
   host). */
#ifndef MB_COMMON_ZIG_FIND_H
#define MB_COMMON_ZIG_FIND_H

#include <mbhost/process.h>

/* The absolute path of zig into buf: `program` itself when it holds a
   '/', else `program` in PATH, else the zig binary of the ziglang package
   of the python3 in PATH. MB_OK, MB_ERROR when there is none,
   MB_CANCELLED. [main-thread] */
int mb_zig_find(const mb_process_service *proc, mb_call *call,
                const char *program, char *buf, size_t cap);

#endif
