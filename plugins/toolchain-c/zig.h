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

/* The compiler wrapper make mode hands to make as CC with zig
   (zig-cc.sh: objects named x.o, Windows executables x.exe, as gcc
   names them), installed beside the plugin under this name. */
#define C_ZIG_MAKE_CC "mb-toolchain-c-zig-cc"

/* Finds zig (as mb_zig_find, plugins/common) and records facts "zig" (its
   path), "zig.version" and "zig.lib_dir", depending on the binary and the lib
   tree, and "zig.make_cc", the wrapper's path, when it is installed.
   MB_UNSUPPORTED with set_error saying how to install zig. */
int c_zig_probe(const mb_host *host, const mb_process_service *proc,
                mb_call *call, const mb_probe_services *probe,
                const char *program);

#endif
