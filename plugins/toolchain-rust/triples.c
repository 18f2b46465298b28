#include "triples.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef struct triple_map {
  const char *target; /* Go's os/arch */
  const char *triple; /* Rust's target triple */
} triple_map;

/* The usual Rust target for each Go os/arch. Windows uses the GNU ABI
   because its linker (mingw-w64) is a Debian package; the MSVC ABI needs
   Microsoft's linker. Anything else is reachable with `triple`. */
static const triple_map triples[] = {
    {"linux/amd64", "x86_64-unknown-linux-gnu"},
    {"linux/arm64", "aarch64-unknown-linux-gnu"},
    {"linux/386", "i686-unknown-linux-gnu"},
    {"linux/arm", "armv7-unknown-linux-gnueabihf"},
    {"linux/riscv64", "riscv64gc-unknown-linux-gnu"},
    {"linux/ppc64le", "powerpc64le-unknown-linux-gnu"},
    {"linux/s390x", "s390x-unknown-linux-gnu"},
    {"linux/loong64", "loongarch64-unknown-linux-gnu"},
    {"windows/amd64", "x86_64-pc-windows-gnu"},
    {"windows/386", "i686-pc-windows-gnu"},
    {"windows/arm64", "aarch64-pc-windows-gnullvm"},
    {"darwin/amd64", "x86_64-apple-darwin"},
    {"darwin/arm64", "aarch64-apple-darwin"},
    {"freebsd/amd64", "x86_64-unknown-freebsd"},
    {"freebsd/386", "i686-unknown-freebsd"},
    {"netbsd/amd64", "x86_64-unknown-netbsd"},
    {"illumos/amd64", "x86_64-unknown-illumos"},
    {"android/arm64", "aarch64-linux-android"},
    {"wasip1/wasm", "wasm32-wasip1"},
};

/* Cross linkers by triple. glibc targets link with Debian's cross gcc and
   need the cross C library beside it; musl targets bring their own C
   runtime; darwin and windows/arm64 need toolchains Debian does not ship
   (osxcross, llvm-mingw), but zig links them all; wasm links with rustc's
   own rust-lld. The last two columns: zig's target name, and Debian's
   package of the standard library (the one of Debian's rustc version). */
static const rust_linker linkers[] = {
    {"x86_64-unknown-linux-gnu", "x86_64-linux-gnu-gcc", "gcc-x86-64-linux-gnu",
     "libc6-dev-amd64-cross", "x86_64-linux-gnu", "libstd-rust-dev"},
    {"aarch64-unknown-linux-gnu", "aarch64-linux-gnu-gcc",
     "gcc-aarch64-linux-gnu", "libc6-dev-arm64-cross", "aarch64-linux-gnu",
     "libstd-rust-dev:arm64"},
    {"i686-unknown-linux-gnu", "i686-linux-gnu-gcc", "gcc-i686-linux-gnu",
     "libc6-dev-i386-cross", "x86-linux-gnu", "libstd-rust-dev:i386"},
    {"armv7-unknown-linux-gnueabihf", "arm-linux-gnueabihf-gcc",
     "gcc-arm-linux-gnueabihf", "libc6-dev-armhf-cross", "arm-linux-gnueabihf",
     "libstd-rust-dev:armhf"},
    {"riscv64gc-unknown-linux-gnu", "riscv64-linux-gnu-gcc",
     "gcc-riscv64-linux-gnu", "libc6-dev-riscv64-cross", "riscv64-linux-gnu",
     "libstd-rust-dev:riscv64"},
    {"powerpc64le-unknown-linux-gnu", "powerpc64le-linux-gnu-gcc",
     "gcc-powerpc64le-linux-gnu", "libc6-dev-ppc64el-cross",
     "powerpc64le-linux-gnu", "libstd-rust-dev:ppc64el"},
    {"s390x-unknown-linux-gnu", "s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu",
     "libc6-dev-s390x-cross", "s390x-linux-gnu", "libstd-rust-dev:s390x"},
    {"x86_64-unknown-linux-musl", "x86_64-linux-gnu-gcc",
     "gcc-x86-64-linux-gnu", NULL, "x86_64-linux-musl", NULL},
    {"aarch64-unknown-linux-musl", "aarch64-linux-gnu-gcc",
     "gcc-aarch64-linux-gnu", NULL, "aarch64-linux-musl", NULL},
    {"x86_64-pc-windows-gnu", "x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64",
     NULL, "x86_64-windows-gnu", "libstd-rust-dev-windows"},
    {"i686-pc-windows-gnu", "i686-w64-mingw32-gcc", "gcc-mingw-w64-i686", NULL,
     "x86-windows-gnu", "libstd-rust-dev-windows"},
    {"aarch64-pc-windows-gnullvm", "aarch64-w64-mingw32-clang", NULL, NULL,
     "aarch64-windows-gnu", NULL},
    {"x86_64-apple-darwin", "o64-clang", NULL, NULL, "x86_64-macos", NULL},
    {"aarch64-apple-darwin", "oa64-clang", NULL, NULL, "aarch64-macos", NULL},
    {"wasm32-wasip1", "", NULL, NULL, NULL, NULL},
    {"wasm32-unknown-unknown", "", NULL, NULL, NULL, "libstd-rust-dev-wasm32"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *rust_triple_for(const char *target_name) {
  for (size_t i = 0; i < COUNT(triples); i++)
    if (strcmp(triples[i].target, target_name) == 0) return triples[i].triple;
  return NULL;
}

bool rust_triple_is_well_formed(const char *triple) {
  if (!isalpha((unsigned char)triple[0])) return false;
  size_t parts = 1, part_len = 0;
  for (const char *p = triple; *p; p++) {
    if (*p == '-') {
      if (part_len == 0) return false;
      parts++;
      part_len = 0;
    } else if (isalnum((unsigned char)*p) || *p == '_' || *p == '.') {
      part_len++;
    } else {
      return false;
    }
  }
  return part_len > 0 && parts >= 2 && parts <= 4;
}

const rust_linker *rust_linker_for(const char *triple) {
  for (size_t i = 0; i < COUNT(linkers); i++)
    if (strcmp(linkers[i].triple, triple) == 0) return &linkers[i];
  return NULL;
}

int rust_linker_env_name(const char *triple, char *buf, size_t cap) {
  int n = snprintf(buf, cap, "CARGO_TARGET_%s_LINKER", triple);
  if (n < 0 || (size_t)n >= cap) return -1;
  /* Cargo's rule: the triple upper-cased, '-' and '.' become '_'. */
  for (char *p = buf; *p; p++) {
    if (*p == '-' || *p == '.') *p = '_';
    *p = (char)toupper((unsigned char)*p);
  }
  return 0;
}

const char *rust_exe_suffix(const char *triple) {
  if (strstr(triple, "-windows")) return ".exe";
  if (strncmp(triple, "wasm", 4) == 0) return ".wasm";
  return "";
}

const char *rust_profile_dir(const char *profile) {
  if (strcmp(profile, "dev") == 0 || strcmp(profile, "test") == 0)
    return "debug";
  if (strcmp(profile, "bench") == 0) return "release";
  return profile;
}
