/* The C toolchain plugin (`use = c`): picks each target's compiler (the
   host's cc, Debian's <triple>-gcc cross compilers, clang --target, or the
   `cc` key), refuses targets whose compiler or C library is missing with
   the Debian package to install, and plans the build in one of three
   modes (see build.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "detect.h"
#include "validate.h"
#include "zig.h"

static const char *const modes[] = {"sources", "make", "cmake", NULL};

static const mb_option options[] = {
    {.key = "mode",
     .type = MB_OPT_CHOICE,
     .default_value = "sources",
     .help = "how to build: sources (compile and link), make, or cmake",
     .choices = modes},
    {.key = "cc",
     .type = MB_OPT_WORDS,
     .help = "compiler and fixed arguments (default: cc for the host, "
             "<triple>-gcc when cross compiling)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "libc",
     .type = MB_OPT_STRING,
     .help = "with cc = zig, the C library of linux targets: gnu, "
             "gnu.2.17 (the oldest glibc to run on), or musl",
     .flags = MB_OPT_PER_TARGET},
    {.key = "ar",
     .type = MB_OPT_STRING,
     .help = "archiver for make and cmake (default: the compiler's own)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "sources",
     .type = MB_OPT_LIST,
     .default_value = "*.c",
     .help = "sources mode: files or glob patterns relative to the source "
             "folder",
     .flags = MB_OPT_PER_TARGET},
    {.key = "cflags",
     .type = MB_OPT_WORDS,
     .help = "compiler flags (sources mode: -O2 when unset)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "ldflags",
     .type = MB_OPT_WORDS,
     .help = "linker flags",
     .flags = MB_OPT_PER_TARGET},
    {.key = "libs",
     .type = MB_OPT_LIST,
     .help = "sources mode: libraries to link, without -l (m, pthread)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "include_dirs",
     .type = MB_OPT_LIST,
     .help = "sources mode: include folders, relative to the source folder",
     .flags = MB_OPT_PER_TARGET},
    {.key = "defines",
     .type = MB_OPT_LIST,
     .help = "sources mode: NAME or NAME=value macros",
     .flags = MB_OPT_PER_TARGET},
    {.key = "binary",
     .type = MB_OPT_STRING,
     .help = "sources mode: the executable's name (default: the project's "
             "name)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "make_args",
     .type = MB_OPT_WORDS,
     .help = "make mode: extra arguments (targets, VAR=value, -j2)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "make_override",
     .type = MB_OPT_LIST,
     .help = "make mode: tool variables (CC, AR, RANLIB, STRIP) to pass on "
             "make's command line, beating the makefile's own assignment",
     .flags = MB_OPT_PER_TARGET},
    {.key = "cmake_args",
     .type = MB_OPT_WORDS,
     .default_value = "-DCMAKE_BUILD_TYPE=Release",
     .help = "cmake mode: extra configure arguments",
     .flags = MB_OPT_PER_TARGET},
    {.key = "outputs",
     .type = MB_OPT_LIST,
     .help = "make and cmake modes: files to collect, relative to the build "
             "folder (default: binary)",
     .flags = MB_OPT_PER_TARGET},
    {0},
};

/* --- probe: the host's own compiler --- */

static void first_line(char *text) {
  text[strcspn(text, "\n")] = '\0';
}

/* Runs `cc arg` and keeps the first line of its output in out. */
static int ask_compiler(const c_plugin *cp, mb_call *call, const char *cc,
                        const char *arg, char *out, size_t cap) {
  const char *argv[] = {cc, arg, NULL};
  mb_capture output = {.data = out, .cap = cap};
  int status = 0;
  int rc = cp->proc->run(call, argv, NULL, NULL, &output, &output, &status);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK || status != 0) {
    cp->host->set_error(call, "`%s %s` failed", cc, arg);
    return MB_ERROR;
  }
  first_line(out);
  return MB_OK;
}

/* Records the version of every installed cross gcc the table knows, as
   fact "cc.<triple>", and depends on it: a cross compiler's upgrade then
   changes the facts (and so what the cache keys on) like the host's. */
static int probe_cross_compilers(const c_plugin *cp, mb_call *call,
                                 const mb_probe_services *probe) {
  size_t count;
  const c_target *targets = c_targets(&count);
  char name[128], path[PATH_CAP], out[1024], fact[160];
  for (size_t i = 0; i < count; i++) {
    if (!targets[i].package) continue;
    snprintf(name, sizeof name, "%s-gcc", targets[i].triple);
    if (cp->proc->find_program(call, name, path, sizeof path) != MB_OK)
      continue;
    int rc = ask_compiler(cp, call, path, "--version", out, sizeof out);
    if (rc == MB_CANCELLED) return rc;
    if (rc != MB_OK) continue; /* a broken one is reported at plan time */
    snprintf(fact, sizeof fact, "cc.%s", targets[i].triple);
    probe->set_fact(call, fact, out);
    probe->depends_on(call, path);
  }
  return MB_OK;
}

/* zig is looked up only when [toolchain] names it: its lib tree, part of
   the key, is large. */
static int probe_zig(const c_plugin *cp, mb_call *call,
                     const mb_probe_services *probe, bool *zig) {
  size_t n;
  const char *const *cc = cp->opts->split(call, "cc", MB_SPLIT_WORDS, &n);
  *zig = n > 0 && c_is_zig(cc[0]);
  return *zig ? c_zig_probe(cp->host, cp->proc, call, probe, cc[0]) : MB_OK;
}

static int c_probe(void *self, mb_call *call, const mb_probe_services *probe) {
  const c_plugin *cp = self;
  static const char *const names[] = {"cc", "gcc", "clang"};
  char cc[PATH_CAP], out[1024];
  bool zig;
  int rc = probe_zig(cp, call, probe, &zig);
  if (rc != MB_OK) return rc;
  size_t i = 0;
  while (i < 3 &&
         cp->proc->find_program(call, names[i], cc, sizeof cc) != MB_OK)
    i++;
  if (i == 3 && zig) {
    /* zig builds every target itself; no host compiler is needed. */
    probe->set_fact(call, "version", "none (zig only)");
    return MB_OK;
  }
  if (i == 3) {
    cp->host->set_error(call, "no C compiler in PATH (cc, gcc, clang): "
                              "install the Debian package build-essential");
    return MB_UNSUPPORTED;
  }
  if ((rc = ask_compiler(cp, call, cc, "--version", out, sizeof out)) != MB_OK)
    return rc;
  probe->set_fact(call, "version", out);
  if ((rc = ask_compiler(cp, call, cc, "-dumpmachine", out, sizeof out)) !=
      MB_OK)
    return rc;
  probe->set_fact(call, "host_triple", out);
  probe->set_fact(call, "cc", cc);
  probe->depends_on(call, cc);
  return probe_cross_compilers(cp, call, probe);
}

/* --- plan: the target's compiler --- */

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static bool has_target_flag(const char *const *words, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (strncmp(words[i], "--target", 8) == 0 ||
        strncmp(words[i], "-target", 7) == 0)
      return true;
  return false;
}

static int missing_compiler(c_build *b, const char *program, bool chosen) {
  const char *name = b->target->name;
  if (chosen)
    b->host->set_error(b->call,
                       "C compiler %s (set by `cc`) for %s not found%s",
                       program, name,
                       strncmp(base_name(program), "clang", 5) == 0
                           ? ": install the Debian package clang"
                           : "");
  else if (b->known && b->known->package)
    b->host->set_error(b->call,
                       "C compiler %s for %s not found: install the Debian "
                       "package %s",
                       program, name, b->known->package);
  else
    b->host->set_error(b->call,
                       "C compiler %s for %s not found: no Debian package "
                       "provides one; install a cross compiler and set `cc` "
                       "in [target %s]",
                       program, name, name);
  return MB_UNSUPPORTED;
}

/* Debian's cross gcc only recommends its C library: ask the compiler
   whether it finds the library's file. */
static int check_libc(c_build *b, const char *compiler) {
  if (!b->known || !b->known->libc_file) return MB_OK;
  char flag[128], out[PATH_CAP];
  snprintf(flag, sizeof flag, "-print-file-name=%s", b->known->libc_file);
  const char *argv[] = {compiler, flag, NULL};
  mb_capture output = {.data = out, .cap = sizeof out};
  int status = 0;
  int rc = b->proc->run(b->call, argv, NULL, NULL, &output, NULL, &status);
  if (rc == MB_CANCELLED) return rc;
  if (rc == MB_OK && status == 0 && strchr(out, '/')) return MB_OK;
  b->host->set_error(b->call,
                     "the C library for %s is missing: install the Debian "
                     "package %s",
                     b->target->name,
                     b->cross ? b->known->libc_package : "libc6-dev");
  return MB_UNSUPPORTED;
}

/* The compiler program when `cc` is unset: the host's for the host's own
   target, else Debian's cross gcc by its usual name. */
static int default_compiler(c_build *b, char *program, size_t cap) {
  if (!b->cross) {
    snprintf(program, cap, "%s", b->plan->fact(b->call, "cc"));
    return MB_OK;
  }
  if (!b->known) {
    b->host->set_error(b->call,
                       "no C cross compiler known for %s: set `cc` in "
                       "[target %s]",
                       b->target->name, b->target->name);
    return MB_UNSUPPORTED;
  }
  snprintf(program, cap, "%s-gcc", b->known->triple);
  return MB_OK;
}

/* One of the binutils that go with the compiler: llvm-<tool> for clang
   when present, <prefix>-<tool> for <prefix>-gcc, plain <tool> otherwise. */
static void default_tool(c_build *b, const char *compiler, const char *tool,
                         char *buf, size_t cap) {
  const char *name = base_name(compiler);
  size_t len = strlen(name);
  char llvm[64], found[PATH_CAP];
  snprintf(llvm, sizeof llvm, "llvm-%s", tool);
  if (strncmp(name, "clang", 5) == 0 &&
      b->proc->find_program(b->call, llvm, found, sizeof found) == MB_OK)
    snprintf(buf, cap, "%s", llvm);
  else if (len > 4 && strcmp(name + len - 4, "-gcc") == 0)
    snprintf(buf, cap, "%.*s-%s", (int)(len - 4), name, tool);
  else
    snprintf(buf, cap, "%s", tool);
}

static void default_tools(c_build *b, const char *compiler) {
  if (b->zig) {
    /* zig's own ar and ranlib know every object format it writes; it has
       no strip for them all, so a makefile keeps its own. */
    if (!b->ar_chosen) snprintf(b->ar, sizeof b->ar, "%s ar", compiler);
    snprintf(b->ranlib, sizeof b->ranlib, "%s ranlib", compiler);
    return;
  }
  if (!b->ar_chosen) default_tool(b, compiler, "ar", b->ar, sizeof b->ar);
  default_tool(b, compiler, "ranlib", b->ranlib, sizeof b->ranlib);
  default_tool(b, compiler, "strip", b->strip, sizeof b->strip);
}

/* `zig cc -target <zig's name for the target, with libc>`, then the
   words of `cc` after zig (and after its `cc`, when written). */
static int resolve_zig(c_build *b, const char *const *words, size_t nwords) {
  const char *zig = b->plan->fact(b->call, "zig");
  if (!zig) {
    b->host->set_error(b->call,
                       "`cc = zig` for %s only in [target %s]: mbhost looks "
                       "zig up when [toolchain] cc names it; set it there",
                       b->target->name, b->target->name);
    return MB_UNSUPPORTED;
  }
  if (!b->known || !b->known->zig) {
    b->host->set_error(b->call, "zig has no target for %s", b->target->name);
    return MB_UNSUPPORTED;
  }
  size_t first = nwords > 1 && strcmp(words[1], "cc") == 0 ? 2 : 1;
  argv_add(&b->cc, zig);
  argv_add(&b->cc, "cc");
  if (!has_target_flag(words, nwords)) {
    char target[128];
    c_zig_target(b->known, b->opts->get(b->call, "libc"), target,
                 sizeof target);
    argv_add(&b->cc, "-target");
    argv_add(&b->cc, target);
  }
  for (size_t i = first; i < nwords; i++)
    argv_add(&b->cc, words[i]);
  b->zig = true;
  /* zig's per-build cache; its global cache, where it keeps the C library
     it builds for each target (minutes for mingw's), stays shared. */
  b->plan->set_env(b->call, "ZIG_LOCAL_CACHE_DIR", "{scratch}/zig-cache");
  return MB_OK;
}

static int resolve_compiler(c_build *b) {
  size_t nwords;
  const char *const *words =
      b->opts->split(b->call, "cc", MB_SPLIT_WORDS, &nwords);
  char program[PATH_CAP], path[PATH_CAP];
  const char *ar = b->opts->get(b->call, "ar");
  b->ar_chosen = ar && *ar;
  if (b->ar_chosen) snprintf(b->ar, sizeof b->ar, "%s", ar);
  int rc;
  if (nwords > 0 && c_is_zig(words[0])) {
    if ((rc = resolve_zig(b, words, nwords)) == MB_OK)
      default_tools(b, b->cc.items[0]);
    return rc;
  }
  if (nwords > 0)
    snprintf(program, sizeof program, "%s", words[0]);
  else if ((rc = default_compiler(b, program, sizeof program)) != MB_OK)
    return rc;
  if (b->proc->find_program(b->call, program, path, sizeof path) != MB_OK)
    return missing_compiler(b, program, nwords > 0);
  if (nwords == 0 && (rc = check_libc(b, path)) != MB_OK) return rc;

  argv_add(&b->cc, path);
  for (size_t i = 1; i < nwords; i++)
    argv_add(&b->cc, words[i]);
  if (b->cross && b->known && strncmp(base_name(path), "clang", 5) == 0 &&
      !has_target_flag(words, nwords))
    argv_addf2(&b->cc, "--target=", b->known->triple);
  default_tools(b, path);
  return MB_OK;
}

static int c_plan(void *self, mb_call *call, const mb_target *target,
                  const mb_plan_services *plan) {
  const c_plugin *cp = self;
  const char *host_triple = plan->fact(call, "host_triple");
  c_build b = {
      .host = cp->host,
      .opts = cp->opts,
      .proc = cp->proc,
      .plan = plan,
      .call = call,
      .target = target,
      .known = c_target_for(target->name),
      .exe_suffix = strcmp(target->os, "windows") == 0 ? ".exe" : "",
  };
  b.cross =
      !b.known || !host_triple || strcmp(b.known->triple, host_triple) != 0;
  int rc = resolve_compiler(&b);
  if (rc == MB_OK) {
    const char *mode = cp->opts->get(call, "mode");
    if (strcmp(mode, "make") == 0)
      rc = c_plan_make(&b);
    else if (strcmp(mode, "cmake") == 0)
      rc = c_plan_cmake(&b);
    else
      rc = c_plan_sources(&b);
  }
  argv_free(&b.cc);
  return rc;
}

/* --- descriptor --- */

static const mb_toolchain toolchain = {
    .options = options,
    .probe = c_probe,
    .plan = c_plan,
};

static int c_validate(void *self, mb_call *call, const mb_target *target,
                      const mb_validate_services *validate) {
  (void)validate;
  const c_plugin *cp = self;
  return c_validate_options(cp->host, cp->opts, call, target);
}

static const mb_toolchain_validate validate_extension = {
    .validate = c_validate,
};

static const mb_toolchain_detect detect_extension = {
    .detect = c_detect,
};

static int c_init(const mb_host *host, mb_call *call, void **self) {
  const mb_options_service *opts = host->get_service(host, MB_OPTIONS_SERVICE);
  const mb_process_service *proc = host->get_service(host, MB_PROCESS_SERVICE);
  if (!opts || !proc) {
    host->set_error(call, "this mbhost lacks the services %s and %s",
                    MB_OPTIONS_SERVICE, MB_PROCESS_SERVICE);
    return MB_ERROR;
  }
  c_plugin *cp = calloc(1, sizeof *cp);
  if (!cp) {
    host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  cp->host = host;
  cp->opts = opts;
  cp->proc = proc;
  *self = cp;
  return MB_OK;
}

static void c_deinit(void *self) {
  free(self);
}

static const void *c_get_interface(void *self, const char *id) {
  (void)self;
  if (strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0) return &toolchain;
  if (strcmp(id, MB_TOOLCHAIN_VALIDATE_EXTENSION) == 0)
    return &validate_extension;
  if (strcmp(id, MB_TOOLCHAIN_DETECT_EXTENSION) == 0) return &detect_extension;
  return NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.mbhost.toolchain.c",
    .name = "c",
    .version = "1.2.0",
    .description =
        "C with gcc, clang or zig, make or cmake: cross builds per target",
    .init = c_init,
    .deinit = c_deinit,
    .get_interface = c_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
