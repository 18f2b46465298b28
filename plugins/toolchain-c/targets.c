#include "targets.h"

#include <stdio.h>
#include <string.h>

/* Debian's cross compilers and C libraries by target. Debian's cross gcc
   only recommends its C library, so a machine set up with
   --no-install-recommends has the compiler without libc: both are named. */
static const c_target targets[] = {
    {"linux/amd64", "x86_64-linux-gnu", "gcc-x86-64-linux-gnu", "libc.so",
     "libc6-dev-amd64-cross", "Linux"},
    {"linux/arm64", "aarch64-linux-gnu", "gcc-aarch64-linux-gnu", "libc.so",
     "libc6-dev-arm64-cross", "Linux"},
    {"linux/386", "i686-linux-gnu", "gcc-i686-linux-gnu", "libc.so",
     "libc6-dev-i386-cross", "Linux"},
    {"linux/arm", "arm-linux-gnueabihf", "gcc-arm-linux-gnueabihf", "libc.so",
     "libc6-dev-armhf-cross", "Linux"},
    {"linux/riscv64", "riscv64-linux-gnu", "gcc-riscv64-linux-gnu", "libc.so",
     "libc6-dev-riscv64-cross", "Linux"},
    {"linux/ppc64le", "powerpc64le-linux-gnu", "gcc-powerpc64le-linux-gnu",
     "libc.so", "libc6-dev-ppc64el-cross", "Linux"},
    {"linux/s390x", "s390x-linux-gnu", "gcc-s390x-linux-gnu", "libc.so",
     "libc6-dev-s390x-cross", "Linux"},
    {"linux/mips64le", "mips64el-linux-gnuabi64", "gcc-mips64el-linux-gnuabi64",
     "libc.so", "libc6-dev-mips64el-cross", "Linux"},
    {"windows/amd64", "x86_64-w64-mingw32", "gcc-mingw-w64-x86-64",
     "libmsvcrt.a", "mingw-w64-x86-64-dev", "Windows"},
    {"windows/386", "i686-w64-mingw32", "gcc-mingw-w64-i686", "libmsvcrt.a",
     "mingw-w64-i686-dev", "Windows"},
    {"windows/arm64", "aarch64-w64-mingw32", NULL, NULL, NULL, "Windows"},
    {"darwin/amd64", "x86_64-apple-darwin", NULL, NULL, NULL, "Darwin"},
    {"darwin/arm64", "arm64-apple-darwin", NULL, NULL, NULL, "Darwin"},
    {"freebsd/amd64", "x86_64-unknown-freebsd", NULL, NULL, NULL, "FreeBSD"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const c_target *c_targets(size_t *count) {
  *count = COUNT(targets);
  return targets;
}

const c_target *c_target_for(const char *target_name) {
  for (size_t i = 0; i < COUNT(targets); i++)
    if (strcmp(targets[i].name, target_name) == 0) return &targets[i];
  return NULL;
}

const c_target *c_target_for_triple(const char *triple) {
  for (size_t i = 0; i < COUNT(targets); i++)
    if (strcmp(targets[i].triple, triple) == 0) return &targets[i];
  return NULL;
}

void c_triple_cpu(const char *triple, char *buf, unsigned cap) {
  snprintf(buf, cap, "%.*s", (int)strcspn(triple, "-"), triple);
}
