/* What the C toolchain plugin knows about targets: for each Go-style
   os/arch, the GNU triple (the cross compiler's prefix and clang's
   --target), the Debian packages of the cross gcc and of the C library it
   links against, and the names CMake uses. Pure data, unit-tested. */
#ifndef MB_C_TARGETS_H
#define MB_C_TARGETS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct c_target {
  const char *name;   /* Go's os/arch: "linux/arm64" */
  const char *triple; /* GNU triple: "aarch64-linux-gnu" */
  /* Debian package providing <triple>-gcc, or NULL when Debian has none
     (darwin needs osxcross, windows/arm64 llvm-mingw). */
  const char *package;
  /* A file of the target's C library that `<cc> -print-file-name=` finds
     when it is installed, and the Debian package that ships it. */
  const char *libc_file;
  const char *libc_package;
  const char *cmake_system; /* CMAKE_SYSTEM_NAME: Linux, Windows, Darwin */
  /* zig cc's -target: "aarch64-linux-gnu", "aarch64-macos"; on linux its
     last part is the C library, which `libc` may change (c_zig_target). */
  const char *zig;
} c_target;

/* The whole table, for the probe. */
const c_target *c_targets(size_t *count);

/* The entry for "os/arch", or NULL when there is none. */
const c_target *c_target_for(const char *target_name);

/* The entry whose triple is `triple` (the host's, from cc -dumpmachine),
   or NULL. */
const c_target *c_target_for_triple(const char *triple);

/* zig's -target for `t` with the C library `libc` (NULL or "" for zig's
   default; "gnu", "gnu.2.17" or "musl", for linux targets only) into buf:
   "x86_64-linux-gnu.2.17", "arm-linux-musleabihf". */
void c_zig_target(const c_target *t, const char *libc, char *buf, unsigned cap);

/* Whether `libc` is a value the `libc` key accepts: gnu, gnu.MAJOR.MINOR
   or musl. */
bool c_libc_valid(const char *libc);

/* CMAKE_SYSTEM_PROCESSOR for a triple: its first component, written into
   buf ("aarch64" for "aarch64-linux-gnu"). */
void c_triple_cpu(const char *triple, char *buf, unsigned cap);

#endif
