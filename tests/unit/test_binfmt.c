/* The output check (host/binfmt.c) on real files, made here by the
   toolchains of this machine: gcc, the aarch64 cross gcc, mingw-w64, ar,
   and `go build` for darwin; plus a universal Mach-O assembled from Go's
   two darwin binaries, a script, a text file and an empty file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binfmt.h"
#include "check.h"
#include "matrix.h"
#include "util.h"

static char dir[] = "/tmp/mbhost-binfmt.XXXXXX";

/* Runs a shell command in the scratch folder; a tool that fails is a
   failed check (the tools come with scripts/setup.sh --test). */
static void make(const char *what, const char *command) {
  char *line = xasprintf("cd %s && (%s) >build.log 2>&1", dir, command);
  int rc = system(line);
  if (rc != 0) {
    fprintf(stderr, "cannot make %s: %s\n", what, command);
    char *log = xasprintf("cat %s/build.log >&2", dir);
    if (system(log) != 0) fprintf(stderr, "(no log)\n");
    free(log);
  }
  CHECK(rc == 0);
  free(line);
}

static binfmt_info info_of(const char *file, const char *arch) {
  char *path = xasprintf("%s/%s", dir, file);
  binfmt_info info;
  CHECK(binfmt_read(path, arch, &info));
  free(path);
  return info;
}

/* binfmt_check's verdict for `file` as output `file` of kind on os/arch. */
static char *check(const char *file, const char *kind, const char *os,
                   const char *arch) {
  char *path = xasprintf("%s/%s", dir, file);
  char *problem = binfmt_check(path, file, kind, os, arch);
  free(path);
  return problem;
}

static void expect_ok(const char *file, const char *kind, const char *os,
                      const char *arch) {
  char *problem = check(file, kind, os, arch);
  if (problem) fprintf(stderr, "%s on %s/%s: %s\n", file, os, arch, problem);
  CHECK(problem == NULL);
  free(problem);
}

static void expect_refused(const char *file, const char *kind, const char *os,
                           const char *arch, const char *says) {
  char *problem = check(file, kind, os, arch);
  if (problem && !strstr(problem, says))
    fprintf(stderr, "%s on %s/%s: %s\n", file, os, arch, problem);
  CHECK_CONTAINS(problem, says);
  free(problem);
}

static void write_be32(FILE *f, uint32_t v) {
  unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};
  fwrite(b, 1, 4, f);
}

/* A universal Mach-O (fat_header + fat_arch, big-endian) holding the
   amd64 and arm64 darwin programs at 16 KiB-aligned offsets. */
static void make_universal(void) {
  const char *slices[] = {"hello-darwin-amd64", "hello-darwin-arm64"};
  const uint32_t cputypes[] = {0x01000007, 0x0100000c};
  uint32_t sizes[2], offsets[2], at = 0x4000;
  for (int i = 0; i < 2; i++) {
    char *path = xasprintf("%s/%s", dir, slices[i]);
    FILE *f = fopen(path, "rb");
    CHECK(f && fseek(f, 0, SEEK_END) == 0);
    sizes[i] = f ? (uint32_t)ftell(f) : 0;
    if (f) fclose(f);
    free(path);
    offsets[i] = at;
    at = (at + sizes[i] + 0x3fff) & ~0x3fffu;
  }
  char *path = xasprintf("%s/hello-universal", dir);
  FILE *out = fopen(path, "wb");
  CHECK(out != NULL);
  if (!out) return free(path);
  write_be32(out, 0xcafebabe), write_be32(out, 2);
  for (int i = 0; i < 2; i++) {
    write_be32(out, cputypes[i]), write_be32(out, 0);
    write_be32(out, offsets[i]), write_be32(out, sizes[i]);
    write_be32(out, 14);
  }
  for (int i = 0; i < 2; i++) {
    char *slice = xasprintf("%s/%s", dir, slices[i]);
    FILE *in = fopen(slice, "rb");
    CHECK(in && fseek(out, offsets[i], SEEK_SET) == 0);
    char buf[65536];
    size_t n;
    while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
      fwrite(buf, 1, n, out);
    if (in) fclose(in);
    free(slice);
  }
  fclose(out);
  free(path);
}

static void write_file(const char *name, const char *text) {
  char *path = xasprintf("%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  CHECK(f != NULL);
  if (f) fputs(text, f), fclose(f);
  free(path);
}

static void make_files(void) {
  write_file("main.c", "int main(void) { return 0; }\n");
  write_file("go.mod", "module example.com/hello\n\ngo 1.21\n");
  write_file("hello.go", "package main\n\nfunc main() {}\n");
  make("gcc programs", "gcc -o hello-pie main.c && gcc -no-pie -o hello-exec "
                       "main.c && gcc -static-pie -o hello-static-pie main.c");
  make("an object and an archive",
       "gcc -c -o main.o main.c && ar rcs libmain.a main.o");
  make("a shared library", "gcc -shared -fPIC -o libmain.so main.c");
  make("an arm64 program", "aarch64-linux-gnu-gcc -o hello-arm64 main.c");
  make("windows programs", "x86_64-w64-mingw32-gcc -o hello.exe main.c && "
                           "x86_64-w64-mingw32-gcc -shared -o main.dll main.c");
  make("darwin programs", "export CGO_ENABLED=0 GOOS=darwin && "
                          "GOARCH=arm64 go build -o hello-darwin-arm64 . && "
                          "GOARCH=amd64 go build -o hello-darwin-amd64 . && "
                          "GOOS=js GOARCH=wasm go build -o hello.wasm .");
  make("a script, a text file, an empty file",
       "printf '#!/bin/sh\\necho hi\\n' > hello.sh && "
       "echo 'built with cc' > hello.txt && : > empty");
  make_universal();
}

int main(void) {
  if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
  make_files();

  binfmt_info i = info_of("hello-pie", NULL);
  CHECK_STR(i.what, "an x86-64 ELF executable");
  CHECK(i.role == BINFMT_EXECUTABLE);
  CHECK_STR(info_of("hello-exec", NULL).what, "an x86-64 ELF executable");
  CHECK_STR(info_of("hello-static-pie", NULL).what, "an x86-64 ELF executable");
  CHECK_STR(info_of("hello-arm64", NULL).what, "an AArch64 ELF executable");
  CHECK_STR(info_of("main.o", NULL).what, "an x86-64 ELF object file");
  CHECK_STR(info_of("libmain.so", NULL).what, "an x86-64 ELF shared library");
  CHECK_STR(info_of("libmain.a", NULL).what, "an ar archive");
  CHECK_STR(info_of("hello.exe", NULL).what, "an x86-64 PE executable");
  CHECK_STR(info_of("main.dll", NULL).what, "an x86-64 PE DLL");
  CHECK_STR(info_of("hello-darwin-arm64", NULL).what,
            "an AArch64 Mach-O executable");
  CHECK_STR(info_of("hello-darwin-amd64", NULL).what,
            "an x86-64 Mach-O executable");
  CHECK_STR(info_of("hello-universal", "arm64").what,
            "an AArch64 Mach-O executable");
  CHECK_STR(info_of("hello-universal", "386").what,
            "a universal Mach-O file of x86-64, AArch64");
  CHECK_STR(info_of("hello.wasm", NULL).what, "a WebAssembly module");
  CHECK_STR(info_of("hello.sh", NULL).what, "a script (#!/bin/sh)");
  CHECK_STR(info_of("hello.txt", NULL).what, "a text file");
  CHECK_STR(info_of("empty", NULL).what, "an empty file");
  CHECK_CONTAINS(info_of("main.c", NULL).what, "a text file");

  /* Each program passes on its own target, and only there. */
  expect_ok("hello-pie", "binary", "linux", "amd64");
  expect_ok("hello-exec", "binary", "freebsd", "amd64");
  expect_ok("hello-static-pie", "binary", "linux", "amd64");
  expect_ok("hello-arm64", "binary", "linux", "arm64");
  expect_ok("hello.exe", "binary", "windows", "amd64");
  expect_ok("hello-darwin-arm64", "binary", "darwin", "arm64");
  expect_ok("hello-darwin-amd64", "binary", "ios", "amd64");
  expect_ok("hello-universal", "binary", "darwin", "amd64");
  expect_ok("hello-universal", "binary", "darwin", "arm64");
  expect_ok("hello.wasm", "binary", "js", "wasm");
  expect_ok("hello.wasm", "binary", "wasip1", "wasm");
  expect_refused("hello-pie", "binary", "linux", "arm64",
                 "hello-pie is an x86-64 ELF executable; linux/arm64 needs an "
                 "AArch64 ELF executable");
  expect_refused("hello-arm64", "binary", "linux", "amd64",
                 "is an AArch64 ELF executable");
  expect_refused("hello-pie", "binary", "linux", "386",
                 "is an x86-64 ELF executable; linux/386 needs an i386");
  expect_refused("hello-pie", "binary", "linux", "ppc64",
                 "needs a big-endian PowerPC 64 ELF executable");
  expect_refused("hello-pie", "binary", "darwin", "amd64",
                 "is an x86-64 ELF executable; darwin/amd64 needs an x86-64 "
                 "Mach-O executable");
  expect_refused("hello.exe", "binary", "linux", "amd64",
                 "is an x86-64 PE executable");
  expect_refused("hello-darwin-amd64", "binary", "windows", "amd64",
                 "is an x86-64 Mach-O executable; windows/amd64 needs an "
                 "x86-64 PE executable");
  expect_refused("hello-darwin-arm64", "binary", "darwin", "amd64",
                 "is an AArch64 Mach-O executable");
  expect_refused("hello-universal", "binary", "darwin", "386",
                 "is a universal Mach-O file of x86-64, AArch64");
  /* Not programs at all. */
  expect_refused("libmain.a", "binary", "linux", "amd64",
                 "libmain.a is an ar archive (a static library: with Go, is "
                 "the package a main package?)");
  expect_refused("main.o", "binary", "linux", "amd64",
                 "is an x86-64 ELF object file (the build compiled but did "
                 "not link)");
  expect_refused("libmain.so", "binary", "linux", "amd64",
                 "is an x86-64 ELF shared library");
  expect_refused("main.dll", "binary", "windows", "amd64",
                 "is an x86-64 PE DLL");
  expect_refused("hello.sh", "binary", "linux", "amd64",
                 "is a script (#!/bin/sh)");
  expect_refused("hello.txt", "binary", "linux", "amd64", "is a text file");
  expect_refused("empty", "binary", "linux", "amd64", "is an empty file");
  expect_refused(
      "hello-pie", "binary", "js", "wasm",
      "is an x86-64 ELF executable; js/wasm needs a WebAssembly module");
  /* Libraries: shared ones of the right machine, or any static one. */
  expect_ok("libmain.so", "library", "linux", "amd64");
  expect_ok("main.dll", "library", "windows", "amd64");
  expect_ok("libmain.a", "library", "linux", "arm64");
  expect_refused("libmain.so", "library", "linux", "arm64",
                 "is an x86-64 ELF shared library; linux/arm64 needs an "
                 "AArch64 ELF library");
  expect_refused("hello.txt", "library", "linux", "amd64", "is a text file");
  /* Other kinds, and targets without a known format, are not checked. */
  expect_ok("hello.txt", "file", "linux", "amd64");
  expect_ok("hello.txt", NULL, "linux", "amd64");
  expect_ok("hello.txt", "binary", "plan9", "amd64");
  expect_ok("hello.txt", "binary", "aix", "ppc64");

  /* One owner of the mapping: every os/arch mbhost accepts has one. */
  for (size_t a = 0; known_arch[a]; a++)
    CHECK(binfmt_expected_format(strcmp(known_arch[a], "wasm") ? "linux" : "js",
                                 known_arch[a]) != NULL);
  CHECK_STR(binfmt_expected_format("darwin", "arm64"), "Mach-O");
  CHECK_STR(binfmt_expected_format("windows", "386"), "PE");
  CHECK_STR(binfmt_expected_format("android", "arm"), "ELF");
  CHECK_STR(binfmt_expected_format("illumos", "amd64"), "ELF");
  CHECK(binfmt_expected_format("windows", "s390x") == NULL);

  char *rm = xasprintf("rm -rf %s", dir);
  if (system(rm) != 0) fprintf(stderr, "cannot remove %s\n", dir);
  free(rm);
  return check_summary();
}
