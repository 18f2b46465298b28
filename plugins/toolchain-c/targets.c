#include "targets.h"

#include <stdio.h>
#include <string.h>

/* Debian's cross compilers and C libraries by target, and zig's name for
   it. Debian's cross gcc only recommends its C library, so a machine set
   up with --no-install-recommends has the compiler without libc: both are
   named. */
static const c_target targets[] = {
    {"linux/amd64", "x86_64-linux-gnu", "gcc-x86-64-linux-gnu", "libc.so",
     "libc6-dev-amd64-cross", "Linux", "x86_64-linux-gnu"},
    {"linux/arm64", "aarch64-linux-gnu", "gcc-aarch64-linux-gnu", "libc.so",
     "libc6-dev-arm64-cross", "Linux", "aarch64-linux-gnu"},
    {"linux/386", "i686-linux-gnu", "gcc-i686-linux-gnu", "libc.so",
     "libc6-dev-i386-cross", "Linux", "x86-linux-gnu"},
    {"linux/arm", "arm-linux-gnueabihf", "gcc-arm-linux-gnueabihf", "libc.so",
     "libc6-dev-armhf-cross", "Linux", "arm-linux-gnueabihf"},
    {"linux/riscv64", "riscv64-linux-gnu", "gcc-riscv64-linux-gnu", "libc.so",
     "libc6-dev-riscv64-cross", "Linux", "riscv64-linux-gnu"},
    {"linux/ppc64le", "powerpc64le-linux-gnu", "gcc-powerpc64le-linux-gnu",
     "libc.so", "libc6-dev-ppc64el-cross", "Linux", "powerpc64le-linux-gnu"},
    {"linux/s390x", "s390x-linux-gnu", "gcc-s390x-linux-gnu", "libc.so",
     "libc6-dev-s390x-cross", "Linux", "s390x-linux-gnu"},
    {"linux/mips64le", "mips64el-linux-gnuabi64", "gcc-mips64el-linux-gnuabi64",
     "libc.so", "libc6-dev-mips64el-cross", "Linux", "mips64el-linux-gnuabi64"},
    {"windows/amd64", "x86_64-w64-mingw32", "gcc-mingw-w64-x86-64",
     "libmsvcrt.a", "mingw-w64-x86-64-dev", "Windows", "x86_64-windows-gnu"},
    {"windows/386", "i686-w64-mingw32", "gcc-mingw-w64-i686", "libmsvcrt.a",
     "mingw-w64-i686-dev", "Windows", "x86-windows-gnu"},
    {"windows/arm64", "aarch64-w64-mingw32", NULL, NULL, NULL, "Windows",
     "aarch64-windows-gnu"},
    {"darwin/amd64", "x86_64-apple-darwin", NULL, NULL, NULL, "Darwin",
     "x86_64-macos"},
    {"darwin/arm64", "arm64-apple-darwin", NULL, NULL, NULL, "Darwin",
     "aarch64-macos"},
    {"freebsd/amd64", "x86_64-unknown-freebsd", NULL, NULL, NULL, "FreeBSD",
     "x86_64-freebsd"},
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

/* glibc is a version suffix on the ABI (gnu.2.17, gnueabihf.2.17); musl
   takes the ABI's gnu prefix (gnueabihf -> musleabihf). */
void c_zig_target(const c_target *t, const char *libc, char *buf,
                  unsigned cap) {
  const char *abi = strrchr(t->zig, '-');
  bool linux_gnu = strncmp(t->name, "linux/", 6) == 0 && abi &&
                   strncmp(abi + 1, "gnu", 3) == 0;
  if (!libc || !*libc || !linux_gnu)
    snprintf(buf, cap, "%s", t->zig);
  else if (strcmp(libc, "musl") == 0)
    snprintf(buf, cap, "%.*s-musl%s", (int)(abi - t->zig), t->zig, abi + 4);
  else
    snprintf(buf, cap, "%s%s", t->zig, libc + 3);
}

bool c_libc_valid(const char *libc) {
  if (strcmp(libc, "gnu") == 0 || strcmp(libc, "musl") == 0) return true;
  unsigned major, minor;
  int end = 0;
  return sscanf(libc, "gnu.%u.%u%n", &major, &minor, &end) == 2 &&
         libc[end] == '\0' &&
         strspn(libc + 4, "0123456789.") == strlen(libc + 4);
}
