/* Helper programs a bundled plugin installs beside its .so (the Rust
   toolchain's zig linker, the C toolchain's zig compiler wrapper): found
   where the plugin itself was loaded from, so an installed mbhost and a
   build tree each use their own. Compiled into each plugin that needs it. */
#ifndef MB_COMMON_BESIDE_H
#define MB_COMMON_BESIDE_H

#include <stdbool.h>
#include <stddef.h>

/* The path of the regular file `name` in the folder of the plugin this is
   compiled into, into buf; false when there is none or it does not fit.
   [any-thread] */
bool mb_beside_plugin(const char *name, char *buf, size_t cap);

#endif
