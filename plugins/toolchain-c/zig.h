/* zig as the C compiler (`cc = zig`): finding it (in PATH, or inside the
   `ziglang` Python package that `pip install ziglang` installs), and the
   probe facts that put its version and its lib tree (the libc headers and
   sources of every target) into the cache key. */
#ifndef MB_C_ZIG_H
#define MB_C_ZIG_H

#include <mbhost/toolchain.h>
#include <stdbool.h>
#include <stddef.h>

/* Whether the first word of `cc` names zig ("zig", "/opt/zig/zig"). */
bool c_is_zig(const char *program);

/* The absolute path of zig into buf: `program` itself when it holds a
   '/', else zig in PATH, else the zig binary of the ziglang package of the
   python3 in PATH. MB_OK, MB_ERROR when there is none, MB_CANCELLED. */
int c_zig_find(const mb_process_service *proc, mb_call *call,
               const char *program, char *buf, size_t cap);

/* Finds zig (as c_zig_find) and records facts "zig" (its path),
   "zig.version" and "zig.lib_dir", depending on the binary and the lib
   tree. MB_UNSUPPORTED with set_error saying how to install it. */
int c_zig_probe(const mb_host *host, const mb_process_service *proc,
                mb_call *call, const mb_probe_services *probe,
                const char *program);

#endif
