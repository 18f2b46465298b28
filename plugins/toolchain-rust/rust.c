/* The Rust toolchain plugin (`use = rust`): one `cargo build --target` per
   matrix target, each with its own cargo target folder in the target's
   scratch space (so parallel targets never wait on cargo's lock and
   rebuilds are incremental), the cross linker set when the host is not the
   target. Targets the machine cannot build are refused at plan time with
   what to install: the standard library (`rustup target add`) or the
   linker's Debian package. */
#include <ctype.h>
#include <mbhost/toolchain-detect.h>
#include <mbhost/toolchain-validate.h>
#include <mbhost/toolchain.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "beside.h"
#include "manifest.h"
#include "metadata.h"
#include "triples.h"
#include "zig_find.h"

#define PATH_CAP 4096
#define PROBE_OUTPUT_CAP 8192
/* What a failing tool says on standard error: enough for cargo's
   explanation after its warnings. */
#define ERROR_OUTPUT_CAP 65536
/* cargo metadata of a large workspace runs to a few hundred KiB. */
#define METADATA_CAP (8u << 20)
#define MAX_ARGS 512

typedef struct rust_plugin {
  const mb_host *host;
  const mb_options_service *opts;
  const mb_process_service *proc;
  /* The bins of the package, from cargo metadata, read at the first plan
     call and shared by every target. */
  bool bins_loaded;
  char **bins;
  size_t nbins;
} rust_plugin;

static const mb_option options[] = {
    {.key = "triple",
     .type = MB_OPT_STRING,
     .help = "Rust target triple; overrides the one mapped from os/arch",
     .flags = MB_OPT_PER_TARGET},
    {.key = "profile",
     .type = MB_OPT_STRING,
     .default_value = "release",
     .help = "cargo profile: release, dev, or one defined in Cargo.toml",
     .flags = MB_OPT_PER_TARGET},
    {.key = "bin",
     .type = MB_OPT_LIST,
     .help = "binaries to build and collect (default: every bin of the "
             "package)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "features",
     .type = MB_OPT_LIST,
     .help = "cargo features to enable",
     .flags = MB_OPT_PER_TARGET},
    {.key = "no_default_features",
     .type = MB_OPT_BOOL,
     .default_value = "false",
     .help = "build without the package's default features",
     .flags = MB_OPT_PER_TARGET},
    {.key = "linker",
     .type = MB_OPT_STRING,
     .help = "linker program (default: the target's usual cross linker); "
             "zig (or a path to zig) links with `zig cc -target`",
     .flags = MB_OPT_PER_TARGET},
    {.key = "cargo",
     .type = MB_OPT_STRING,
     .help = "the cargo program, e.g. /usr/bin/cargo (default: cargo from "
             "PATH)"},
    {.key = "rustc",
     .type = MB_OPT_STRING,
     .help = "the rustc program (default: the rustc beside `cargo` when it "
             "is set, else rustc from PATH)"},
    {.key = "env",
     .type = MB_OPT_ENV,
     .help = "extra build environment, NAME=value, comma-separated",
     .flags = MB_OPT_PER_TARGET},
    {0},
};

/* --- small helpers --- */

static bool is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static char *trim_end(char *s) {
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

/* A name cargo accepts for a bin or a profile, and safe in a path. */
static bool is_plain_name(const char *s) {
  if (!*s) return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') return false;
  return true;
}

/* Runs argv and keeps its standard output in `out`; MB_OK only on exit
   status 0. A failure is explained with what the tool wrote on standard
   error (cargo explains itself there, not in its JSON). */
static int run_tool(const rust_plugin *rp, mb_call *call,
                    const char *const *argv, const char *cwd, mb_capture *out) {
  char err[ERROR_OUTPUT_CAP];
  mb_capture err_cap = {.data = err, .cap = sizeof err};
  int status = 0;
  int rc = rp->proc->run(call, argv, NULL, cwd, out, &err_cap, &status);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK) {
    rp->host->set_error(call, "could not run %s", argv[0]);
    return MB_ERROR;
  }
  if (status != 0) {
    rp->host->set_error(call, "`%s %s` failed with status %d: %s", argv[0],
                        argv[1], status,
                        trim_end(err_cap.len ? err : out->data));
    return MB_ERROR;
  }
  return MB_OK;
}

/* run_tool into a PROBE_OUTPUT_CAP buffer. */
static int run_probe_tool(const rust_plugin *rp, mb_call *call,
                          const char *const *argv, const char *cwd, char *out) {
  mb_capture cap = {.data = out, .cap = PROBE_OUTPUT_CAP};
  return run_tool(rp, call, argv, cwd, &cap);
}

/* The value of "key: value" in rustc -vV's output, trimmed, into buf. */
static bool verbose_field(const char *text, const char *key, char *buf,
                          size_t cap) {
  size_t klen = strlen(key);
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t)(end - line) : strlen(line);
    if (len > klen + 2 && strncmp(line, key, klen) == 0 && line[klen] == ':' &&
        line[klen + 1] == ' ') {
      snprintf(buf, cap, "%.*s", (int)(len - klen - 2), line + klen + 2);
      trim_end(buf);
      return true;
    }
    line = end ? end + 1 : NULL;
  }
  return false;
}

/* --- probe --- */

static int find_tool(const rust_plugin *rp, mb_call *call, const char *name,
                     char *path) {
  if (rp->proc->find_program(call, name, path, PATH_CAP) == MB_OK) return MB_OK;
  rp->host->set_error(call,
                      "%s not found in PATH: install Rust with rustup "
                      "(https://rustup.rs) or Debian's rustc and cargo "
                      "packages",
                      name);
  return MB_UNSUPPORTED;
}

/* The cargo or rustc program (`name`): the option of that name when set
   (a program name or path; a mistake is a config error at its line), else
   for rustc the one beside a chosen cargo (a second installation comes
   whole), else the one in PATH. */
static int find_chosen_tool(const rust_plugin *rp, mb_call *call,
                            const char *name, const char *beside, char *path) {
  const char *chosen = rp->opts->get(call, name);
  if (chosen && *chosen) {
    if (rp->proc->find_program(call, chosen, path, PATH_CAP) == MB_OK)
      return MB_OK;
    rp->opts->error(call, name, "`%s` is not a program%s", chosen,
                    strchr(chosen, '/') ? "" : " in PATH");
    return MB_ERROR;
  }
  const char *cargo = rp->opts->get(call, "cargo");
  const char *slash = beside ? strrchr(beside, '/') : NULL;
  if (cargo && *cargo && slash) {
    int n = snprintf(path, PATH_CAP, "%.*s/%s", (int)(slash - beside), beside,
                     name);
    if (n < PATH_CAP && is_file(path)) return MB_OK;
  }
  return find_tool(rp, call, name, path);
}

/* Prefixes shared with the rest of the system, where distributions
   install Rust. */
static bool is_system_prefix(const char *path) {
  return strcmp(path, "/") == 0 || strcmp(path, "/usr") == 0 ||
         strcmp(path, "/usr/local") == 0;
}

/* The sysroot is the toolchain: the real rustc and cargo (rustup's proxies
   in PATH never change), rustc's libraries and every installed target's
   standard library. When it is a system prefix (Debian's /usr), its tree
   would be the whole system: then only the standard libraries' folder is
   declared, and the rustc and cargo found in PATH stand for the rest. */
static void depend_on_sysroot(const mb_probe_services *probe, mb_call *call,
                              const char *sysroot) {
  if (!is_system_prefix(sysroot)) {
    probe->depends_on_tree(call, sysroot);
    return;
  }
  char path[PATH_CAP];
  int n = snprintf(path, sizeof path, "%s/lib/rustlib", sysroot);
  if (n < (int)sizeof path && is_dir(path)) probe->depends_on_tree(call, path);
}

/* Which toolchain rustup runs is chosen by the project's
   rust-toolchain(.toml) and by rustup's settings (`rustup default`):
   changing either changes the facts. */
static void depend_on_toolchain_choice(const mb_probe_services *probe,
                                       mb_call *call, const char *source) {
  char path[PATH_CAP];
  const char *rustup_home = getenv("RUSTUP_HOME");
  const char *home = getenv("HOME");
  const char *candidates[3][2] = {
      {source, "rust-toolchain.toml"},
      {source, "rust-toolchain"},
      {rustup_home ? rustup_home : home,
       rustup_home ? "settings.toml" : ".rustup/settings.toml"},
  };
  for (size_t i = 0; i < 3; i++) {
    if (!candidates[i][0]) continue;
    int n = snprintf(path, sizeof path, "%s/%s", candidates[i][0],
                     candidates[i][1]);
    if (n < (int)sizeof path && is_file(path)) probe->depends_on(call, path);
  }
}

/* The rust images are tagged by release ("rust:1.95.0"); beta and nightly
   releases ("1.97.0-nightly") have no such tag. */
static void set_image(const mb_probe_services *probe, mb_call *call,
                      const char *release) {
  char image[300];
  if (!*release || strspn(release, "0123456789.") != strlen(release)) return;
  snprintf(image, sizeof image, "rust:%s", release);
  probe->set_fact(call, "image", image);
}

/* Where zig is (plugins/common/zig_find.h). */
static bool find_zig(const rust_plugin *rp, mb_call *call, char *path) {
  return mb_zig_find(rp->proc, call, "zig", path, PATH_CAP) == MB_OK;
}

/* The linker script for `linker = zig`, installed beside the plugin. */
static bool zig_linker_script(char *path) {
  return mb_beside_plugin("mb-toolchain-rust-zig-linker", path, PATH_CAP);
}

/* zig, when installed, for `linker = zig`: its path and version are facts,
   so a new zig is a new cache key, and so is a new linker script. Without
   zig, nothing: only a target that asks for it fails. */
static int probe_zig(const rust_plugin *rp, mb_call *call,
                     const mb_probe_services *probe) {
  char zig[PATH_CAP], script[PATH_CAP], out[PROBE_OUTPUT_CAP];
  if (zig_linker_script(script)) {
    probe->depends_on(call, script);
    probe->set_fact(call, "zig_linker", script);
  }
  if (!find_zig(rp, call, zig)) return MB_OK;
  const char *argv[] = {zig, "version", NULL};
  int rc = run_probe_tool(rp, call, argv, NULL, out);
  if (rc != MB_OK) return rc;
  probe->set_fact(call, "zig", zig);
  probe->set_fact(call, "zig_version", trim_end(out));
  probe->depends_on(call, zig);
  return MB_OK;
}

static int rust_probe(void *self, mb_call *call,
                      const mb_probe_services *probe) {
  const rust_plugin *rp = self;
  /* The project's rust-toolchain.toml (read by rustup) picks the
     toolchain, so every command runs in the source folder. */
  const char *source = rp->host->project(call, "source");
  char rustc[PATH_CAP], cargo[PATH_CAP], out[PROBE_OUTPUT_CAP];
  char field[256];
  int rc;
  if ((rc = find_chosen_tool(rp, call, "cargo", NULL, cargo)) != MB_OK ||
      (rc = find_chosen_tool(rp, call, "rustc", cargo, rustc)) != MB_OK)
    return rc;

  const char *verbose[] = {rustc, "-vV", NULL};
  if ((rc = run_probe_tool(rp, call, verbose, source, out)) != MB_OK) return rc;
  snprintf(field, sizeof field, "%.*s", (int)strcspn(out, "\n"), out);
  probe->set_fact(call, "version", field);
  if (verbose_field(out, "release", field, sizeof field))
    set_image(probe, call, field);
  if (!verbose_field(out, "host", field, sizeof field)) {
    rp->host->set_error(call, "`rustc -vV` did not name the host triple");
    return MB_ERROR;
  }
  probe->set_fact(call, "host", field);

  const char *sysroot[] = {rustc, "--print", "sysroot", NULL};
  if ((rc = run_probe_tool(rp, call, sysroot, source, out)) != MB_OK) return rc;
  probe->set_fact(call, "sysroot", trim_end(out));
  depend_on_sysroot(probe, call, out);

  const char *version[] = {cargo, "--version", NULL};
  if ((rc = run_probe_tool(rp, call, version, source, out)) != MB_OK) return rc;
  probe->set_fact(call, "cargo_version", trim_end(out));
  probe->set_fact(call, "cargo", cargo);
  probe->set_fact(call, "rustc", rustc);
  probe->depends_on(call, rustc);
  probe->depends_on(call, cargo);
  depend_on_toolchain_choice(probe, call, source);
  return probe_zig(rp, call, probe);
}

/* --- validate --- */

/* Checks the names that end up in cargo's arguments and in output paths;
   whether cargo knows them is cargo's to say when it builds. */
static int rust_validate(void *self, mb_call *call, const mb_target *target,
                         const mb_validate_services *validate) {
  (void)target, (void)validate;
  const mb_options_service *opts = ((const rust_plugin *)self)->opts;
  int rc = MB_OK;
  const char *triple = opts->get(call, "triple");
  if (triple && *triple && !rust_triple_is_well_formed(triple)) {
    opts->error(call, "triple",
                "`%s` is not a target triple: arch-vendor-os[-env], such as "
                "aarch64-unknown-linux-gnu (`rustc --print target-list` "
                "lists them)",
                triple);
    rc = MB_ERROR;
  }
  const char *profile = opts->get(call, "profile");
  if (!profile || !is_plain_name(profile)) {
    opts->error(call, "profile", "`%s` is not a cargo profile name",
                profile ? profile : "");
    rc = MB_ERROR;
  }
  size_t nbins;
  const char *const *bins = opts->split(call, "bin", MB_SPLIT_LIST, &nbins);
  for (size_t i = 0; i < nbins; i++) {
    if (!is_plain_name(bins[i])) {
      opts->error(call, "bin", "`%s` is not a binary name", bins[i]);
      rc = MB_ERROR;
    }
  }
  return rc;
}

/* --- plan: what can be built --- */

static const char *target_triple(const rust_plugin *rp, mb_call *call,
                                 const mb_target *target) {
  const char *triple = rp->opts->get(call, "triple");
  if (triple && *triple) return triple;
  triple = rust_triple_for(target->name);
  if (!triple)
    rp->host->set_error(call,
                        "no usual Rust target for %s: set `triple` in "
                        "[target %s]",
                        target->name, target->name);
  return triple;
}

/* How to get a linker for a target where the usual one is not a Debian
   package, or where zig is the simpler way: for the "not installed"
   hints. */
static void linker_hint(const rust_linker *known, const char *target, char *buf,
                        size_t cap) {
  if (!known || !known->zig_target) {
    buf[0] = '\0';
  } else if (known->package) {
    snprintf(buf, cap,
             "; it links with %s (Debian package %s) or with zig (install "
             "it, e.g. `pip install ziglang`, and set `linker = zig` in "
             "[target %s])",
             known->program, known->package, target);
  } else {
    snprintf(buf, cap,
             "; it links with zig: install it (e.g. `pip install ziglang`) "
             "and set `linker = zig` in [target %s]",
             target);
  }
}

/* The standard library is where rustc's sysroot keeps it. It comes from
   rustup for rustup's toolchains, and from a Debian package for Debian's
   rustc (a system prefix). */
static int check_std_installed(const rust_plugin *rp, mb_call *call,
                               const mb_plan_services *plan,
                               const mb_target *target, const char *triple) {
  const char *sysroot = plan->fact(call, "sysroot");
  char path[PATH_CAP], linker[512];
  snprintf(path, sizeof path, "%s/lib/rustlib/%s/lib", sysroot ? sysroot : "",
           triple);
  if (is_dir(path)) return MB_OK;
  const rust_linker *known = rust_linker_for(triple);
  linker_hint(known, target->name, linker, sizeof linker);
  if (sysroot && is_system_prefix(sysroot)) {
    const char *package = known ? known->std_package : NULL;
    const char *colon = package ? strchr(package, ':') : NULL;
    if (!package)
      rp->host->set_error(call,
                          "rust target %s is not installed, and Debian has "
                          "no package of it for the rustc in %s: use "
                          "rustup's rustc (`rustup target add %s`)%s",
                          triple, sysroot, triple, linker);
    else if (colon)
      rp->host->set_error(call,
                          "rust target %s is not installed: install the "
                          "Debian package %s (after `dpkg --add-architecture "
                          "%s` and `apt-get update`)%s",
                          triple, package, colon + 1, linker);
    else
      rp->host->set_error(call,
                          "rust target %s is not installed: install the "
                          "Debian package %s%s",
                          triple, package, linker);
    return MB_UNSUPPORTED;
  }
  rp->host->set_error(call,
                      "rust target %s is not installed: run `rustup target "
                      "add %s`%s",
                      triple, triple, linker);
  return MB_UNSUPPORTED;
}

/* glibc targets link against the cross C library, which Debian's cross
   gcc only recommends: ask the linker whether it can find libc.so. */
static int check_cross_libc(const rust_plugin *rp, mb_call *call,
                            const rust_linker *linker, const char *path) {
  if (!linker->libc_package) return MB_OK;
  const char *argv[] = {path, "-print-file-name=libc.so", NULL};
  char out[PATH_CAP];
  mb_capture cap = {.data = out, .cap = sizeof out};
  int status = 0;
  int rc = rp->proc->run(call, argv, NULL, NULL, &cap, NULL, &status);
  if (rc == MB_CANCELLED) return rc;
  if (rc == MB_OK && status == 0 && strchr(out, '/')) return MB_OK;
  rp->host->set_error(call,
                      "the C library for %s is missing: install the Debian "
                      "package %s",
                      linker->triple, linker->libc_package);
  return MB_UNSUPPORTED;
}

static int missing_linker(const rust_plugin *rp, mb_call *call,
                          const mb_target *target, const char *program,
                          const rust_linker *known) {
  if (known && known->package)
    rp->host->set_error(call,
                        "linker %s for %s not found: install the Debian "
                        "package %s (or set `linker` in [target %s])",
                        program, known->triple, known->package, target->name);
  else if (known && known->zig_target)
    rp->host->set_error(call,
                        "linker %s for %s not found: no Debian package "
                        "provides it; install zig (e.g. `pip install "
                        "ziglang`) and set `linker = zig` in [target %s]",
                        program, target->name, target->name);
  else
    rp->host->set_error(call,
                        "linker %s for %s not found: no Debian package "
                        "provides it; install one and set `linker` in "
                        "[target %s]",
                        program, target->name, target->name);
  return MB_UNSUPPORTED;
}

/* `linker = zig`: cargo's linker is the script that runs `zig cc -target`,
   told which zig and which target through the environment. */
static int plan_zig_linker(const rust_plugin *rp, mb_call *call,
                           const mb_plan_services *plan,
                           const mb_target *target, const char *triple) {
  const rust_linker *known = rust_linker_for(triple);
  const char *zig = plan->fact(call, "zig");
  const char *script = plan->fact(call, "zig_linker");
  char env_name[256];
  if (!known || !known->zig_target) {
    rp->host->set_error(call,
                        "zig cannot link %s: set another `linker` in "
                        "[target %s]",
                        triple, target->name);
    return MB_UNSUPPORTED;
  }
  if (!zig) {
    rp->host->set_error(call,
                        "linker zig for %s not found: install zig (e.g. "
                        "`pip install ziglang`) or put it in PATH",
                        target->name);
    return MB_UNSUPPORTED;
  }
  if (!script) {
    rp->host->set_error(call, "the zig linker script "
                              "mb-toolchain-rust-zig-linker is not beside the "
                              "Rust plugin: reinstall mbhost");
    return MB_ERROR;
  }
  if (rust_linker_env_name(triple, env_name, sizeof env_name) != 0) {
    rp->host->set_error(call, "target triple too long: %s", triple);
    return MB_ERROR;
  }
  plan->set_env(call, env_name, script);
  plan->set_env(call, "MBHOST_ZIG", zig);
  plan->set_env(call, "MBHOST_ZIG_TARGET", known->zig_target);
  return MB_OK;
}

/* Sets cargo's linker for `triple` when the host is not the target (or the
   user chose one), after checking the linker and its C library exist. */
static int plan_linker(const rust_plugin *rp, mb_call *call,
                       const mb_plan_services *plan, const mb_target *target,
                       const char *triple) {
  const char *chosen = rp->opts->get(call, "linker");
  if (chosen && !*chosen) chosen = NULL;
  if (chosen && strcmp(chosen, "zig") == 0)
    return plan_zig_linker(rp, call, plan, target, triple);
  const char *host_triple = plan->fact(call, "host");
  const rust_linker *known = rust_linker_for(triple);
  bool native = host_triple && strcmp(host_triple, triple) == 0;
  if (!chosen && native) return MB_OK;
  if (!chosen && !known) {
    rp->host->set_error(call,
                        "no cross linker known for %s: set `linker` in "
                        "[target %s]",
                        triple, target->name);
    return MB_UNSUPPORTED;
  }
  const char *program = chosen ? chosen : known->program;
  if (!*program) return MB_OK; /* rustc links by itself */
  char path[PATH_CAP], env_name[256];
  if (rp->proc->find_program(call, program, path, sizeof path) != MB_OK)
    return missing_linker(rp, call, target, program, chosen ? NULL : known);
  int rc;
  if (!chosen && (rc = check_cross_libc(rp, call, known, path)) != MB_OK)
    return rc;
  if (rust_linker_env_name(triple, env_name, sizeof env_name) != 0) {
    rp->host->set_error(call, "target triple too long: %s", triple);
    return MB_ERROR;
  }
  plan->set_env(call, env_name, program);
  return MB_OK;
}

/* --- plan: which binaries --- */

static int load_bins(rust_plugin *rp, mb_call *call,
                     const mb_plan_services *plan) {
  const mb_host *host = rp->host;
  const char *source = host->project(call, "source");
  char manifest[PATH_CAP];
  snprintf(manifest, sizeof manifest, "%s/Cargo.toml", source);
  if (!is_file(manifest)) {
    host->set_error(call, "no Cargo.toml in %s (the project's source)", source);
    return MB_ERROR;
  }
  char *out = malloc(METADATA_CAP);
  if (!out) {
    host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  const char *argv[] = {plan->fact(call, "cargo"), "metadata", "--no-deps",
                        "--format-version",        "1",        NULL};
  if (!argv[0]) argv[0] = "cargo";
  mb_capture cap = {.data = out, .cap = METADATA_CAP};
  int rc = run_tool(rp, call, argv, source, &cap);
  char err[256];
  if (rc == MB_OK && cap.truncated) {
    host->set_error(call,
                    "cargo metadata printed more than %u bytes; list "
                    "the binaries with `bin`",
                    METADATA_CAP);
    rc = MB_ERROR;
  } else if (rc == MB_OK &&
             cargo_bins_from_metadata(out, &rp->bins, &rp->nbins, err,
                                      sizeof err) != MB_OK) {
    host->set_error(call, "%s", err);
    rc = MB_ERROR;
  }
  free(out);
  rp->bins_loaded = rc == MB_OK;
  return rc;
}

/* The binaries to build: `bin` when set, else the package's own. */
static int plan_bins(rust_plugin *rp, mb_call *call,
                     const mb_plan_services *plan, const char *const **bins,
                     size_t *count) {
  *bins = rp->opts->split(call, "bin", MB_SPLIT_LIST, count);
  if (*count > 0) return MB_OK;
  int rc;
  if (!rp->bins_loaded && (rc = load_bins(rp, call, plan)) != MB_OK) return rc;
  if (rp->nbins == 0) {
    rp->host->set_error(call, "the package defines no binary (cargo metadata "
                              "lists no bin target)");
    return MB_ERROR;
  }
  *bins = (const char *const *)rp->bins;
  *count = rp->nbins;
  return MB_OK;
}

/* --- plan: the cargo command --- */

typedef struct argv_builder {
  const char *items[MAX_ARGS + 1];
  size_t len;
  bool overflow;
} argv_builder;

static void arg(argv_builder *b, const char *value) {
  if (b->len < MAX_ARGS)
    b->items[b->len++] = value;
  else
    b->overflow = true;
  b->items[b->len] = NULL;
}

static int plan_cargo_build(const rust_plugin *rp, mb_call *call,
                            const mb_plan_services *plan, const char *triple,
                            const char *profile, const char *const *bins,
                            size_t nbins, bool bins_chosen) {
  argv_builder b = {.len = 0};
  const char *cargo = plan->fact(call, "cargo");
  arg(&b, cargo ? cargo : "cargo");
  arg(&b, "build");
  if (strcmp(profile, "release") == 0) {
    arg(&b, "--release");
  } else {
    arg(&b, "--profile");
    arg(&b, profile);
  }
  arg(&b, "--target");
  arg(&b, triple);
  for (size_t i = 0; bins_chosen && i < nbins; i++) {
    arg(&b, "--bin");
    arg(&b, bins[i]);
  }
  char features[4096] = "";
  size_t nfeatures;
  const char *const *list =
      rp->opts->split(call, "features", MB_SPLIT_LIST, &nfeatures);
  for (size_t i = 0; i < nfeatures; i++) {
    size_t used = strlen(features);
    snprintf(features + used, sizeof features - used, "%s%s", i ? "," : "",
             list[i]);
  }
  if (nfeatures) {
    arg(&b, "--features");
    arg(&b, features);
  }
  const char *no_default = rp->opts->get(call, "no_default_features");
  if (no_default && strcmp(no_default, "true") == 0)
    arg(&b, "--no-default-features");
  if (b.overflow) {
    rp->host->set_error(call, "too many cargo arguments");
    return MB_ERROR;
  }
  plan->add_step(call, b.items, 0);
  return MB_OK;
}

static void plan_outputs(mb_call *call, const mb_plan_services *plan,
                         const char *triple, const char *profile,
                         const char *const *bins, size_t nbins) {
  const char *suffix = rust_exe_suffix(triple);
  char name[512], from[PATH_CAP];
  for (size_t i = 0; i < nbins; i++) {
    snprintf(name, sizeof name, "%s%s", bins[i], suffix);
    snprintf(from, sizeof from, "{scratch}/target/%s/%s/%s", triple,
             rust_profile_dir(profile), name);
    plan->add_output(call, name, from, "binary", 0);
  }
}

static int rust_plan(void *self, mb_call *call, const mb_target *target,
                     const mb_plan_services *plan) {
  rust_plugin *rp = self;
  const char *triple = target_triple(rp, call, target);
  if (!triple) return MB_UNSUPPORTED;
  /* validate made sure it is a plain name. */
  const char *profile = rp->opts->get(call, "profile");
  int rc;
  if ((rc = check_std_installed(rp, call, plan, target, triple)) != MB_OK ||
      (rc = plan_linker(rp, call, plan, target, triple)) != MB_OK)
    return rc;

  const char *const *bins;
  size_t nbins;
  if ((rc = plan_bins(rp, call, plan, &bins, &nbins)) != MB_OK) return rc;
  bool bins_chosen = bins != (const char *const *)rp->bins;

  plan->set_env(call, "CARGO_TARGET_DIR", "{scratch}/target");
  /* cargo runs the rustc the probe described, not the first in PATH. */
  const char *rustc = plan->fact(call, "rustc");
  if (rustc) plan->set_env(call, "RUSTC", rustc);
  plan->set_env_option(call, "env");
  if ((rc = plan_cargo_build(rp, call, plan, triple, profile, bins, nbins,
                             bins_chosen)) != MB_OK)
    return rc;
  plan_outputs(call, plan, triple, profile, bins, nbins);
  return MB_OK;
}

/* --- detect --- */

static int rust_detect(void *self, mb_call *call,
                       const mb_detect_services *detect) {
  (void)self;
  const char *manifest = detect->read_text(call, "Cargo.toml");
  if (!manifest) return MB_UNSUPPORTED;
  detect->match(call, MB_MATCH_PROJECT, "Cargo.toml");
  char name[256];
  if (rust_manifest_name(manifest, name, sizeof name))
    detect->propose_name(call, name);
  detect->propose_key(call, "profile", "release",
                      "cargo profile: release, dev, or one defined in "
                      "Cargo.toml");
  /* No targets: the host's usual ones, kept where the standard library and
     the linker are installed. */
  return MB_OK;
}

/* --- descriptor --- */

static const mb_toolchain toolchain = {
    .options = options,
    .probe = rust_probe,
    .plan = rust_plan,
};

static const mb_toolchain_validate validate_extension = {
    .validate = rust_validate,
};

static const mb_toolchain_detect detect_extension = {
    .detect = rust_detect,
};

static int rust_init(const mb_host *host, mb_call *call, void **self) {
  const mb_options_service *opts = host->get_service(host, MB_OPTIONS_SERVICE);
  const mb_process_service *proc = host->get_service(host, MB_PROCESS_SERVICE);
  if (!opts || !proc) {
    host->set_error(call, "this mbhost lacks the services %s and %s",
                    MB_OPTIONS_SERVICE, MB_PROCESS_SERVICE);
    return MB_ERROR;
  }
  rust_plugin *rp = calloc(1, sizeof *rp);
  if (!rp) {
    host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  rp->host = host;
  rp->opts = opts;
  rp->proc = proc;
  *self = rp;
  return MB_OK;
}

static void rust_deinit(void *self) {
  rust_plugin *rp = self;
  if (!rp) return;
  cargo_bins_free(rp->bins, rp->nbins);
  free(rp);
}

static const void *rust_get_interface(void *self, const char *id) {
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
    .id = "org.mbhost.toolchain.rust",
    .name = "rust",
    .version = "1.1.0",
    .description = "Rust with cargo: cross builds per target triple",
    .init = rust_init,
    .deinit = rust_deinit,
    .get_interface = rust_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
