#include "validate.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sources.h"
#include "targets.h"
#include "zig.h"

static bool is_file_name(const char *name) {
  return *name && !strchr(name, '/') && strcmp(name, ".") != 0 &&
         strcmp(name, "..") != 0;
}

static bool is_file_in(const char *folder, const char *name) {
  char path[PATH_CAP];
  struct stat st;
  int n = snprintf(path, sizeof path, "%s/%s", folder, name);
  return n < (int)sizeof path && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* `binary` names the file the plan declares, so it cannot be a path. */
static int check_binary(const mb_options_service *opts, mb_call *call) {
  const char *binary = opts->get(call, "binary");
  if (!binary || !*binary || is_file_name(binary)) return MB_OK;
  opts->error(call, "binary", "`%s` is not a file name", binary);
  return MB_ERROR;
}

static int check_libs(const mb_options_service *opts, mb_call *call) {
  size_t n;
  const char *const *libs = opts->split(call, "libs", MB_SPLIT_LIST, &n);
  int rc = MB_OK;
  for (size_t i = 0; i < n; i++) {
    if (strpbrk(libs[i], " \t/") || strncmp(libs[i], "-l", 2) == 0) {
      opts->error(call, "libs",
                  "`%s` is not a library name (write `m` for -lm; separate "
                  "names with commas)",
                  libs[i]);
      rc = MB_ERROR;
    }
  }
  return rc;
}

/* Every pattern stays in the source folder and matches a file, so the
   build cache's digest of that folder covers what is compiled. */
static int check_sources(const mb_host *host, const mb_options_service *opts,
                         mb_call *call) {
  size_t n;
  const char *const *patterns = opts->split(call, "sources", MB_SPLIT_LIST, &n);
  if (n == 0) {
    opts->error(call, "sources", "no file to compile");
    return MB_ERROR;
  }
  c_sources sources;
  char err[1024];
  if (c_sources_expand(host->project(call, "source"), patterns, n, &sources,
                       err, sizeof err) != MB_OK) {
    opts->error(call, "sources", "%s", err);
    return MB_ERROR;
  }
  c_sources_free(&sources);
  return MB_OK;
}

static int check_outputs(const mb_options_service *opts, mb_call *call) {
  size_t n;
  const char *const *outputs = opts->split(call, "outputs", MB_SPLIT_LIST, &n);
  int rc = MB_OK;
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(outputs[i]);
    if (!c_path_is_contained(outputs[i]) || outputs[i][len - 1] == '/') {
      opts->error(call, "outputs",
                  "`%s` must name a file inside the build folder", outputs[i]);
      rc = MB_ERROR;
    }
  }
  return rc;
}

/* make_args may point make at another makefile or folder. */
static bool chooses_makefile(const mb_options_service *opts, mb_call *call) {
  static const char *const flags[] = {"-f", "--file", "--makefile", "-C",
                                      "--directory"};
  size_t n;
  const char *const *args = opts->split(call, "make_args", MB_SPLIT_WORDS, &n);
  for (size_t i = 0; i < n; i++)
    for (size_t f = 0; f < sizeof flags / sizeof *flags; f++)
      if (strncmp(args[i], flags[f], strlen(flags[f])) == 0) return true;
  return false;
}

/* The build file of make and cmake modes, which would otherwise fail
   only once the build runs. */
static int check_build_file(const mb_host *host, const mb_options_service *opts,
                            mb_call *call, const char *mode) {
  const char *source = host->project(call, "source");
  if (strcmp(mode, "cmake") == 0) {
    if (is_file_in(source, "CMakeLists.txt")) return MB_OK;
    opts->error(call, "mode",
                "cmake mode needs a CMakeLists.txt in %s (the project's "
                "source)",
                source);
    return MB_ERROR;
  }
  if (chooses_makefile(opts, call) || is_file_in(source, "GNUmakefile") ||
      is_file_in(source, "makefile") || is_file_in(source, "Makefile"))
    return MB_OK;
  opts->error(call, "mode",
              "make mode needs a GNUmakefile, makefile or Makefile in %s (the "
              "project's source)",
              source);
  return MB_ERROR;
}

/* `libc` is zig's to pin, and only a linux target has a choice; other
   targets ignore it, so one [toolchain] value serves the whole matrix. */
static int check_libc(const mb_options_service *opts, mb_call *call,
                      const mb_target *target) {
  const char *libc = opts->get(call, "libc");
  if (!libc || !*libc || strcmp(target->os, "linux") != 0) return MB_OK;
  if (!c_libc_valid(libc)) {
    opts->error(call, "libc",
                "`%s` is not a C library: write gnu, gnu.2.17 (the oldest "
                "glibc the binary needs) or musl",
                libc);
    return MB_ERROR;
  }
  size_t n;
  const char *const *cc = opts->split(call, "cc", MB_SPLIT_WORDS, &n);
  if (n > 0 && c_is_zig(cc[0])) return MB_OK;
  opts->error(call, "libc",
              "needs `cc = zig` (other compilers link the C library that is "
              "installed)");
  return MB_ERROR;
}

static int check_make_override(const mb_options_service *opts, mb_call *call) {
  static const char *const tools[] = {"CC", "AR", "RANLIB", "STRIP"};
  size_t n;
  const char *const *names =
      opts->split(call, "make_override", MB_SPLIT_LIST, &n);
  int rc = MB_OK;
  for (size_t i = 0; i < n; i++) {
    size_t t = 0;
    while (t < 4 && strcmp(names[i], tools[t]) != 0)
      t++;
    if (t < 4) continue;
    opts->error(call, "make_override",
                "`%s` is not one of the tool variables CC, AR, RANLIB, STRIP "
                "(other variables go in make_args, as NAME=value)",
                names[i]);
    rc = MB_ERROR;
  }
  return rc;
}

int c_validate_options(const mb_host *host, const mb_options_service *opts,
                       mb_call *call, const mb_target *target) {
  const char *mode = opts->get(call, "mode");
  bool sources = strcmp(mode, "sources") == 0;
  size_t noutputs;
  opts->split(call, "outputs", MB_SPLIT_LIST, &noutputs);
  int rc = check_libc(opts, call, target);
  if (check_make_override(opts, call) != MB_OK) rc = MB_ERROR;
  /* make and cmake modes name the binary only when `outputs` does not. */
  if ((sources || noutputs == 0) && check_binary(opts, call) != MB_OK)
    rc = MB_ERROR;
  if (sources) {
    if (check_libs(opts, call) != MB_OK) rc = MB_ERROR;
    if (check_sources(host, opts, call) != MB_OK) rc = MB_ERROR;
  } else {
    if (check_outputs(opts, call) != MB_OK) rc = MB_ERROR;
    if (check_build_file(host, opts, call, mode) != MB_OK) rc = MB_ERROR;
  }
  return rc;
}
