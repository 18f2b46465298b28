/* What the Rust toolchain plugin knows about targets: Go-style os/arch to
   Rust target triples, and the cross linker each triple needs on a Debian
   host (with the packages that provide it). Pure data and string helpers,
   so they are unit-tested apart from the plugin. */
#ifndef MB_RUST_TRIPLES_H
#define MB_RUST_TRIPLES_H

#include <stdbool.h>
#include <stddef.h>

/* How a triple links when it is not the host's. */
typedef struct rust_linker {
  const char *triple;
  /* The linker program; "" when rustc links by itself (rust-lld). */
  const char *program;
  /* The Debian package that provides `program`, or NULL when none does. */
  const char *package;
  /* The Debian package with the target's C library (for glibc targets,
     which link against it), or NULL when the linker brings its own. */
  const char *libc_package;
  /* zig's name of the target, for `linker = zig` (zig cc -target), or NULL
     when zig cannot link it. */
  const char *zig_target;
  /* Debian's package of the target's standard library, for Debian's rustc
     (a foreign architecture's needs `dpkg --add-architecture`), or NULL. */
  const char *std_package;
} rust_linker;

/* The Rust triple for "os/arch" (x86_64-unknown-linux-gnu for
   "linux/amd64"), or NULL when there is no usual one. */
const char *rust_triple_for(const char *target_name);

/* True when `triple` has the shape of a target triple: two to four
   dash-separated parts (arch-vendor-os[-env], or arch-os as in
   wasm32-wasip1) of letters, digits, '_' and '.', the arch starting with a
   letter. It says nothing of whether rustc knows the target. */
bool rust_triple_is_well_formed(const char *triple);

/* The cross linker of `triple`, or NULL when none is known. */
const rust_linker *rust_linker_for(const char *triple);

/* Writes cargo's linker variable for `triple` into buf:
   CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER. 0, or -1 when buf is small. */
int rust_linker_env_name(const char *triple, char *buf, size_t cap);

/* The file name suffix of executables for `triple`: ".exe", ".wasm", "". */
const char *rust_exe_suffix(const char *triple);

/* The folder under <target dir>/<triple>/ where cargo puts a profile's
   output: "debug" for dev (and test), "release" for release (and bench),
   the profile's own name otherwise. */
const char *rust_profile_dir(const char *profile);

#endif
