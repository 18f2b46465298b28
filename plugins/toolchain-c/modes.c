/* The three ways the C plugin plans a target's build. Each works only in
   the target's own staging or scratch folder, so parallel targets never
   share build state and the project's source tree is never written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build.h"
#include "sources.h"
#include "zig.h"

static const char *const *words(c_build *b, const char *key, size_t *n) {
  return b->opts->split(b->call, key, MB_SPLIT_WORDS, n);
}

static const char *const *list(c_build *b, const char *key, size_t *n) {
  return b->opts->split(b->call, key, MB_SPLIT_LIST, n);
}

static bool ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Adds the step, or fails when building its argv ran out of memory. */
static int add_step(c_build *b, argv_list *argv, uint32_t flags) {
  if (argv_failed(argv)) {
    b->host->set_error(b->call, "out of memory planning %s", b->target->name);
    return MB_ERROR;
  }
  b->plan->add_step(b->call, argv_get(argv), flags);
  return MB_OK;
}

/* `binary`, or the project's name (validate checked both are plain file
   names). */
static void binary_name(c_build *b, char *buf, size_t cap) {
  const char *name = b->opts->get(b->call, "binary");
  if (!name || !*name) name = b->host->project(b->call, "name");
  snprintf(buf, cap, "%s", name);
}

/* --- mode = sources --- */

/* The compiler, the flags every source gets, include folders, macros. */
static void compile_flags(c_build *b, argv_list *out) {
  static const char *const default_cflags[] = {"-O2", NULL};
  size_t n;
  argv_add_all(out, argv_get(&b->cc));
  if (b->opts->get(b->call, "cflags"))
    argv_add_all(out, words(b, "cflags", &n));
  else
    argv_add_all(out, default_cflags);
  const char *const *dirs = list(b, "include_dirs", &n);
  for (size_t i = 0; i < n; i++)
    argv_addf2(out, "-I", dirs[i]);
  const char *const *defines = list(b, "defines", &n);
  for (size_t i = 0; i < n; i++)
    argv_addf2(out, "-D", defines[i]);
}

/* Objects mirror the sources' folders under {staging}/obj, so
   os/name.c and arch/name.c never share an object file. */
static void object_path(const char *source, char *buf, size_t cap) {
  snprintf(buf, cap, "{staging}/obj/%s.o", source);
}

static bool contains(const argv_list *a, const char *s) {
  for (size_t i = 0; i < a->len; i++)
    if (strcmp(a->items[i], s) == 0) return true;
  return false;
}

static int add_object_dirs_step(c_build *b, const c_sources *src) {
  argv_list argv = {0};
  char dir[PATH_CAP];
  argv_add(&argv, "mkdir");
  argv_add(&argv, "-p");
  argv_add(&argv, "{staging}/obj");
  for (size_t i = 0; i < src->count; i++) {
    const char *slash = strrchr(src->files[i], '/');
    if (!slash) continue;
    snprintf(dir, sizeof dir, "{staging}/obj/%.*s",
             (int)(slash - src->files[i]), src->files[i]);
    if (!contains(&argv, dir)) argv_add(&argv, dir);
  }
  int rc = add_step(b, &argv, 0);
  argv_free(&argv);
  return rc;
}

static int add_compile_steps(c_build *b, const c_sources *src) {
  argv_list flags = {0};
  compile_flags(b, &flags);
  char object[PATH_CAP];
  int rc = MB_OK;
  for (size_t i = 0; i < src->count && rc == MB_OK; i++) {
    argv_list argv = {0};
    argv_add_all(&argv, argv_get(&flags));
    object_path(src->files[i], object, sizeof object);
    argv_add(&argv, "-c");
    argv_add(&argv, src->files[i]);
    argv_add(&argv, "-o");
    argv_add(&argv, object);
    rc = add_step(b, &argv, MB_STEP_PARALLEL);
    argv_free(&argv);
  }
  argv_free(&flags);
  return rc;
}

/* Links after every compile step: the flags first, the libraries after the
   objects that need them. */
static int add_link_step(c_build *b, const c_sources *src, const char *output) {
  argv_list argv = {0};
  char object[PATH_CAP];
  size_t n;
  argv_add_all(&argv, argv_get(&b->cc));
  argv_add_all(&argv, words(b, "ldflags", &n));
  argv_add(&argv, "-o");
  argv_addf2(&argv, "{staging}/", output);
  for (size_t i = 0; i < src->count; i++) {
    object_path(src->files[i], object, sizeof object);
    argv_add(&argv, object);
  }
  const char *const *libs = list(b, "libs", &n);
  for (size_t i = 0; i < n; i++)
    /* Windows has no libdl (LoadLibrary is in kernel32, always linked):
       code that includes dlfcn.h on unix does without it there, and one
       `libs` serves the whole matrix. */
    if (!(strcmp(b->target->os, "windows") == 0 && strcmp(libs[i], "dl") == 0))
      argv_addf2(&argv, "-l", libs[i]);
  int rc = add_step(b, &argv, 0);
  argv_free(&argv);
  return rc;
}

int c_plan_sources(c_build *b) {
  char output[512], err[1024];
  int rc;
  binary_name(b, output, sizeof output);
  if (!ends_with(output, b->exe_suffix))
    strncat(output, b->exe_suffix, sizeof output - strlen(output) - 1);
  size_t npatterns;
  const char *const *patterns = list(b, "sources", &npatterns);
  c_sources src;
  if (c_sources_expand(b->host->project(b->call, "source"), patterns, npatterns,
                       &src, err, sizeof err) != MB_OK) {
    b->host->set_error(b->call, "sources: %s", err);
    return MB_ERROR;
  }
  if ((rc = add_object_dirs_step(b, &src)) == MB_OK &&
      (rc = add_compile_steps(b, &src)) == MB_OK &&
      (rc = add_link_step(b, &src, output)) == MB_OK)
    b->plan->add_output(b->call, output, NULL, "binary", 0);
  c_sources_free(&src);
  return rc;
}

/* --- mode = make and mode = cmake: collected outputs --- */

/* Declares each of `outputs` (default: the binary) as found under `dir`.
   On windows a name without an extension gets .exe, as the compiler
   adds it. */
static void add_outputs(c_build *b, const char *dir) {
  char binary[512], name[512], from[PATH_CAP];
  size_t n;
  const char *const *outputs = list(b, "outputs", &n);
  const char *const fallback[] = {binary, NULL};
  if (n == 0) {
    binary_name(b, binary, sizeof binary);
    outputs = fallback;
    n = 1;
  }
  for (size_t i = 0; i < n; i++) {
    const char *slash = strrchr(outputs[i], '/');
    const char *base = slash ? slash + 1 : outputs[i];
    const char *suffix = strchr(base, '.') ? "" : b->exe_suffix;
    snprintf(name, sizeof name, "%s%s", base, suffix);
    snprintf(from, sizeof from, "%s/%s%s", dir, outputs[i], suffix);
    b->plan->add_output(b->call, name, from, "binary", 0);
  }
}

/* NAME=words joined with spaces, as one make or cmake argument. */
static void add_joined(argv_list *argv, const char *prefix,
                       const char *const *items) {
  argv_list joined = {0};
  argv_add_all(&joined, items);
  char *text = argv_join(&joined, 0);
  if (text && !joined.failed)
    argv_addf2(argv, prefix, text);
  else
    argv->failed = true;
  free(text);
  argv_free(&joined);
}

/* --- mode = make --- */

static bool listed(const char *const *items, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(items[i], name) == 0) return true;
  return false;
}

/* The tools go through the environment, which beats make's built-in
   defaults (cc, ar) but not a makefile's own assignment: `AR = ar rc`
   keeps its flags. Those named in `make_override` go on the command line
   instead, which beats the makefile (`CC = gcc` in a makefile that is to
   cross compile). zig's CC goes through its wrapper: makefiles count on
   gcc's names for what `cc -c x.c` and `cc -o x` write (zig-cc.sh). */
static int add_tools(c_build *b, argv_list *make) {
  argv_list compiler = {0};
  if (b->zig) {
    const char *wrapper = b->plan->fact(b->call, "zig.make_cc");
    if (!wrapper) {
      b->host->set_error(b->call,
                         "the zig compiler wrapper " C_ZIG_MAKE_CC
                         " is not beside the C plugin: reinstall mbhost");
      return MB_ERROR;
    }
    argv_add(&compiler, wrapper);
  }
  argv_add_all(&compiler, argv_get(&b->cc));
  char *cc = argv_join(&compiler, 0);
  if (!cc || compiler.failed) make->failed = true;
  argv_free(&compiler);
  const struct {
    const char *name, *value;
  } tools[] = {
      {"CC", cc}, {"AR", b->ar}, {"RANLIB", b->ranlib}, {"STRIP", b->strip}};
  size_t n;
  const char *const *override =
      b->opts->split(b->call, "make_override", MB_SPLIT_LIST, &n);
  char arg[2 * PATH_CAP];
  for (size_t i = 0; i < sizeof tools / sizeof *tools; i++) {
    if (!tools[i].value || !*tools[i].value) continue;
    if (listed(override, n, tools[i].name)) {
      snprintf(arg, sizeof arg, "%s=%s", tools[i].name, tools[i].value);
      argv_add(make, arg);
    } else {
      b->plan->set_env(b->call, tools[i].name, tools[i].value);
    }
  }
  free(cc);
  return MB_OK;
}

/* Generic makefiles build in place, so make runs in a fresh copy of the
   source in the staging folder: targets cannot clobber each other, the
   source stays untouched, and deleted sources never linger in the copy. */
int c_plan_make(c_build *b) {
  argv_list copy = {0}, make = {0};
  size_t n;
  argv_add(&copy, "cp");
  argv_add(&copy, "-R");
  argv_add(&copy, "-p");
  argv_addf2(&copy, b->host->project(b->call, "source"), "/.");
  argv_add(&copy, "{staging}/tree");

  argv_add(&make, "make");
  argv_add(&make, "-C");
  argv_add(&make, "{staging}/tree");
  int rc = add_tools(b, &make);
  /* Flags the user set are meant to win, so they go on the command line;
     unset, the makefile's own defaults survive. */
  if (b->opts->get(b->call, "cflags"))
    add_joined(&make, "CFLAGS=", words(b, "cflags", &n));
  if (b->opts->get(b->call, "ldflags"))
    add_joined(&make, "LDFLAGS=", words(b, "ldflags", &n));
  argv_add_all(&make, words(b, "make_args", &n));

  if (rc == MB_OK && (rc = add_step(b, &copy, 0)) == MB_OK &&
      (rc = add_step(b, &make, 0)) == MB_OK)
    add_outputs(b, "{staging}/tree");
  argv_free(&copy);
  argv_free(&make);
  return rc;
}

/* --- mode = cmake --- */

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* What a toolchain file would say, as -D definitions: the target system,
   and headers and libraries from Debian's cross root (/usr/<triple>) while
   programs still come from the host. */
static void add_cross_definitions(c_build *b, argv_list *argv) {
  char cpu[64], root[PATH_CAP];
  argv_addf2(argv, "-DCMAKE_SYSTEM_NAME=", b->known->cmake_system);
  c_triple_cpu(b->known->triple, cpu, sizeof cpu);
  argv_addf2(argv, "-DCMAKE_SYSTEM_PROCESSOR=", cpu);
  snprintf(root, sizeof root, "/usr/%s", b->known->triple);
  /* zig brings each target's C library; Debian's cross root is not it. */
  if (b->zig || !is_dir(root)) return;
  argv_addf2(argv, "-DCMAKE_FIND_ROOT_PATH=", root);
  argv_add(argv, "-DCMAKE_FIND_ROOT_PATH_MODE_PROGRAM=NEVER");
  argv_add(argv, "-DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY");
  argv_add(argv, "-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY");
  argv_add(argv, "-DCMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY");
}

/* Configures in {scratch}/build, kept between runs so rebuilds are
   incremental. Every setting is passed on each run (empty ones too), so
   the cache in that folder always matches the plan. */
int c_plan_cmake(c_build *b) {
  argv_list configure = {0}, build = {0}, cflags = {0};
  size_t n;
  argv_add(&configure, "cmake");
  /* Projects that never search for libraries leave the cross root's
     settings unused; that is expected, not worth a warning. */
  argv_add(&configure, "--no-warn-unused-cli");
  argv_add(&configure, "-S");
  argv_add(&configure, b->host->project(b->call, "source"));
  argv_add(&configure, "-B");
  argv_add(&configure, "{scratch}/build");
  if (b->zig) {
    /* `zig cc -target ...` as CMake's list form of a compiler with
       mandatory arguments: `cc` must follow zig, before any flag. */
    char list[4 * PATH_CAP] = "";
    size_t used = 0;
    for (size_t i = 0; i < b->cc.len && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s%s",
                               i ? ";" : "", b->cc.items[i]);
    argv_addf2(&configure, "-DCMAKE_C_COMPILER=", list);
  } else {
    argv_addf2(&configure, "-DCMAKE_C_COMPILER=", b->cc.items[0]);
    /* The compiler's fixed arguments (clang's --target) go with the flags:
       CMake uses CMAKE_C_FLAGS for its checks, compiling and linking. */
    for (size_t i = 1; i < b->cc.len; i++)
      argv_add(&cflags, b->cc.items[i]);
  }
  argv_add_all(&cflags, words(b, "cflags", &n));
  add_joined(&configure, "-DCMAKE_C_FLAGS=", argv_get(&cflags));
  configure.failed |= cflags.failed;
  add_joined(&configure, "-DCMAKE_EXE_LINKER_FLAGS=", words(b, "ldflags", &n));
  if (b->cross && b->known) add_cross_definitions(b, &configure);
  if (b->ar_chosen) argv_addf2(&configure, "-DCMAKE_AR=", b->ar);
  argv_add_all(&configure, words(b, "cmake_args", &n));

  argv_add(&build, "cmake");
  argv_add(&build, "--build");
  argv_add(&build, "{scratch}/build");

  int rc;
  if ((rc = add_step(b, &configure, 0)) == MB_OK &&
      (rc = add_step(b, &build, 0)) == MB_OK)
    add_outputs(b, "{scratch}/build");
  argv_free(&configure);
  argv_free(&build);
  argv_free(&cflags);
  return rc;
}
