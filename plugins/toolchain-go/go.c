/* The Go toolchain: `go build` with GOOS/GOARCH per target. */
#include <ctype.h>
#include <mbhost/toolchain-detect.h>
#include <mbhost/toolchain-validate.h>
#include <mbhost/toolchain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "package_name.h"

static const mb_host *host;
static const mb_options_service *opts;
static const mb_process_service *proc;
static const mb_probe_tree_service *tree;       /* NULL before ABI 1.3 */
static const mb_plan_tree_reads_service *reads; /* NULL before ABI 1.4 */

static const mb_option go_options[] = {
    {.key = "package",
     .type = MB_OPT_STRING,
     .default_value = ".",
     .help = "the package to build",
     .flags = MB_OPT_PER_TARGET},
    {.key = "packages",
     .type = MB_OPT_LIST,
     .help = "several main packages to build instead of `package` "
             "(./cmd/a, ./cmd/b), each output named after its folder",
     .flags = MB_OPT_PER_TARGET},
    {.key = "binary",
     .type = MB_OPT_STRING,
     .help = "output name of `package` (default: the project name; .exe is "
             "added on windows)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "trimpath",
     .type = MB_OPT_BOOL,
     .default_value = "true",
     .help = "build with -trimpath: no paths of this machine in the "
             "binaries, so a build in another folder (another machine "
             "sharing a remote cache) gives the same bytes",
     .flags = MB_OPT_PER_TARGET},
    {.key = "flags",
     .type = MB_OPT_WORDS,
     .help = "extra `go build` flags, e.g. -race",
     .flags = MB_OPT_PER_TARGET},
    {.key = "ldflags",
     .type = MB_OPT_STRING,
     .help = "passed as -ldflags, e.g. -s -w",
     .flags = MB_OPT_PER_TARGET},
    {.key = "tags",
     .type = MB_OPT_LIST,
     .help = "build tags",
     .flags = MB_OPT_PER_TARGET},
    {.key = "env",
     .type = MB_OPT_ENV,
     .help = "extra environment, NAME=value, comma-separated",
     .flags = MB_OPT_PER_TARGET},
    {.key = "cgo",
     .type = MB_OPT_BOOL,
     .default_value = "false",
     .help = "set CGO_ENABLED=1 (needs a C cross compiler)",
     .flags = MB_OPT_PER_TARGET},
    {0}};

static char *trim_end(char *s) {
  size_t n = strlen(s);
  while (n > 0 && strchr(" \t\r\n", s[n - 1]))
    s[--n] = '\0';
  return s;
}

/* GOROOT holds the compiler, the linker and the standard library: what a
   build is made of besides the `go` command itself. */
static int probe_goroot(mb_call *call, const mb_probe_services *probe,
                        const char *go) {
  char out[4096];
  mb_capture cap = {.data = out, .cap = sizeof out};
  int code;
  const char *argv[] = {go, "env", "GOROOT", NULL};
  int rc = proc->run(call, argv, NULL, NULL, &cap, &cap, &code);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK || code != 0 || cap.truncated || out[0] != '/') {
    host->set_error(call, "`%s env GOROOT` failed: %s", go, trim_end(out));
    return MB_ERROR;
  }
  /* A build never reads the standard library's tests: its _test.go files
     and testdata folders, and Go's own test suite in GOROOT/test (a third
     of GOROOT's 16,000 files, each one stat() per run otherwise). */
  static const char *const tests[] = {"*_test.go", "testdata", "test/*", NULL};
  if (tree)
    tree->depends_on_tree_except(call, trim_end(out), tests);
  else
    probe->depends_on_tree(call, trim_end(out));
  probe->set_fact(call, "goroot", out);
  return MB_OK;
}

/* Whether `go build` writes its action graph (-debug-actiongraph, in
   every Go since 1.10 but not documented): the packages a build used, so
   the part of GOROOT it read comes without a `go list` per target (50 ms
   of CPU each). Fact "action_graph". */
static int probe_action_graph(mb_call *call, const mb_probe_services *probe,
                              const char *go) {
  char out[4096];
  mb_capture cap = {.data = out, .cap = sizeof out};
  int code;
  const char *argv[] = {go,       "build", "-n", "-debug-actiongraph=/dev/null",
                        "unsafe", NULL};
  /* In "/": no go.mod there to switch toolchains or load modules for. */
  int rc = proc->run(call, argv, NULL, "/", &cap, &cap, &code);
  if (rc == MB_CANCELLED) return rc;
  if (rc == MB_OK && code == 0) probe->set_fact(call, "action_graph", "yes");
  return MB_OK;
}

static int go_probe(void *self, mb_call *call, const mb_probe_services *probe) {
  (void)self;
  char go[4096], out[8192];
  if (proc->find_program(call, "go", go, sizeof go) != MB_OK) {
    host->set_error(call, "`go` is not in PATH: install Go (Debian: apt-get "
                          "install golang-go) or add it to PATH");
    return MB_UNSUPPORTED;
  }
  probe->depends_on(call, go);
  int code, rc;
  mb_capture cap = {.data = out, .cap = sizeof out};
  const char *version_argv[] = {go, "version", NULL};
  rc = proc->run(call, version_argv, NULL, NULL, &cap, &cap, &code);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK || code != 0) {
    host->set_error(call, "`%s version` failed: %s", go, out);
    return MB_ERROR;
  }
  /* "go version go1.22.1 linux/amd64" */
  char version[128] = "", image[160];
  if (sscanf(out, "go version %127s", version) != 1) {
    host->set_error(call, "cannot read the Go version from: %s", out);
    return MB_ERROR;
  }
  probe->set_fact(call, "version", version);
  /* The golang images are tagged by release ("golang:1.22.1"); a
     development build has no image. */
  if (strncmp(version, "go", 2) == 0 && version[2] >= '0' &&
      version[2] <= '9') {
    snprintf(image, sizeof image, "golang:%s", version + 2);
    probe->set_fact(call, "image", image);
  }
  if ((rc = probe_goroot(call, probe, go)) != MB_OK) return rc;
  if ((rc = probe_action_graph(call, probe, go)) != MB_OK) return rc;
  cap = (mb_capture){.data = out, .cap = sizeof out};
  const char *list_argv[] = {go, "tool", "dist", "list", NULL};
  rc = proc->run(call, list_argv, NULL, NULL, &cap, NULL, &code);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK || code != 0) {
    host->set_error(call, "`go tool dist list` failed");
    return MB_ERROR;
  }
  probe->set_fact(call, "dist_list", out);
  return MB_OK;
}

/* True when `list` (one os/arch per line) has `name` on a line. */
static int has_line(const char *list, const char *name) {
  size_t n = strlen(name);
  for (const char *p = list; p && *p;
       p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, name, n) == 0 && (p[n] == '\n' || p[n] == '\0')) return 1;
  return 0;
}

/* The output of one of `packages`: its folder's name ("./cmd/tool" builds
   "tool"), the project name for the source folder itself. */
static const char *output_name(mb_call *call, const char *package) {
  const char *last = strrchr(package, '/');
  last = last ? last + 1 : package;
  if (strcmp(last, ".") == 0 || *last == '\0')
    return host->project(call, "name");
  return last;
}

/* The flags of `go build` that `go list` shares, from argv[argc] on (tags
   are joined in `tags`); the new argc. */
static size_t add_build_flags(mb_call *call, const char **argv, size_t argc,
                              char *tags, size_t tags_size) {
  if (strcmp(opts->get(call, "trimpath"), "true") == 0)
    argv[argc++] = "-trimpath";
  size_t nflags;
  const char *const *flags =
      opts->split(call, "flags", MB_SPLIT_WORDS, &nflags);
  for (size_t i = 0; i < nflags && argc < 240; i++)
    argv[argc++] = flags[i];
  tags[0] = '\0';
  size_t ntags;
  const char *const *tag = opts->split(call, "tags", MB_SPLIT_LIST, &ntags);
  for (size_t i = 0; i < ntags; i++)
    snprintf(tags + strlen(tags), tags_size - strlen(tags), "%s%s",
             i ? "," : "", tag[i]);
  if (ntags) argv[argc++] = "-tags", argv[argc++] = tags;
  return argc;
}

/* Whether the builds write action graphs for the tree reads step: the go
   has the flag, and the host narrows GOROOT. */
static int action_graphs(mb_call *call, const mb_plan_services *plan) {
  return reads && plan->fact(call, "goroot") &&
         plan->fact(call, "action_graph");
}

/* Prints the GOROOT folder (relative to GOROOT) of each standard package
   in action graphs: the "Package" lines whose first element has no dot (a
   module's has one). */
static const char graph_script[] =
    "s|^[[:space:]]*\"Package\": \"\\([^./\"][^./\"]*\\)"
    "\\(/[^\"]*\\)\\{0,1\\}\",\\{0,1\\}$|src/\\1\\2|p";

/* Keys the target on the part of GOROOT it reads: the go command, the
   tools, the headers (runtime's assembly includes runtime/cgo's even
   without cgo), and the folders of the standard packages the build used:
   from its action graphs, else from `go list -deps` with the build's own
   flags. */
static void plan_goroot_reads(mb_call *call, const mb_plan_services *plan,
                              const char *const *packages, size_t npackages,
                              char (*graphs)[600]) {
  const char *goroot = plan->fact(call, "goroot");
  if (!reads || !goroot) return;
  static const char *const always[] = {
      ".", "src", "bin/...", "pkg/...", "src/runtime/cgo", NULL};
  const char *argv[256];
  char tags[1024];
  size_t argc = 0;
  if (action_graphs(call, plan)) {
    argv[argc++] = "sed";
    argv[argc++] = "-n";
    argv[argc++] = graph_script;
    for (size_t i = 0; i < npackages && argc < 255; i++)
      argv[argc++] = graphs[i];
  } else {
    argv[argc++] = "go";
    argv[argc++] = "list";
    argv[argc++] = "-deps";
    argv[argc++] = "-f";
    argv[argc++] = "{{if .Standard}}{{.Dir}}{{end}}";
    argc = add_build_flags(call, argv, argc, tags, sizeof tags);
    for (size_t i = 0; i < npackages && argc < 255; i++)
      argv[argc++] = packages[i];
  }
  argv[argc] = NULL;
  reads->tree_reads(call, goroot, always, argv);
}

/* One `go build` of `package` into {scratch}/<binary>[.exe]. */
static void plan_package(mb_call *call, const mb_plan_services *plan,
                         const mb_target *target, const char *binary,
                         const char *package, char graph[600]) {
  int windows = strcmp(target->os, "windows") == 0;
  size_t len = strlen(binary);
  int has_exe = len > 4 && strcmp(binary + len - 4, ".exe") == 0;
  char name[512], output[600];
  snprintf(name, sizeof name, "%s%s", binary,
           windows && !has_exe ? ".exe" : "");
  /* In {scratch}, kept between runs, `go build` sees the binary is up to
     date and does not link it again. */
  snprintf(output, sizeof output, "{scratch}/%s", name);

  const char *argv[256];
  char tags[1024];
  size_t argc = 0;
  argv[argc++] = "go";
  argv[argc++] = "build";
  argv[argc++] = "-o";
  argv[argc++] = output;
  /* The host replaces {jobs} with this target's share of -j. */
  argv[argc++] = "-p";
  argv[argc++] = "{jobs}";
  argc = add_build_flags(call, argv, argc, tags, sizeof tags);
  const char *ldflags = opts->get(call, "ldflags");
  if (ldflags) argv[argc++] = "-ldflags", argv[argc++] = ldflags;
  /* Where the build says which packages it used (tree reads). */
  char flag[640];
  snprintf(graph, 600, "{scratch}/%s.actions.json", name);
  snprintf(flag, sizeof flag, "-debug-actiongraph=%s", graph);
  if (action_graphs(call, plan)) argv[argc++] = flag;
  argv[argc++] = package;
  argv[argc] = NULL;
  plan->add_step(call, argv, 0);
  plan->add_output(call, name, output, "binary", 0);
}

static int go_plan(void *self, mb_call *call, const mb_target *target,
                   const mb_plan_services *plan) {
  (void)self;
  const char *dist = plan->fact(call, "dist_list");
  if (!dist || !has_line(dist, target->name)) {
    host->set_error(call,
                    "%s cannot build for %s (it is not in `go tool dist list`)",
                    plan->fact(call, "version"), target->name);
    return MB_UNSUPPORTED;
  }
  plan->set_env(call, "GOOS", target->os);
  plan->set_env(call, "GOARCH", target->arch);
  int cgo = strcmp(opts->get(call, "cgo"), "true") == 0;
  plan->set_env(call, "CGO_ENABLED", cgo ? "1" : "0");
  plan->set_env_option(call, "env");

  size_t npackages;
  const char *const *packages =
      opts->split(call, "packages", MB_SPLIT_LIST, &npackages);
  const char *package = opts->get(call, "package");
  char(*graphs)[600] = calloc(npackages + 1, sizeof *graphs);
  if (!graphs) {
    host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  if (npackages == 0) {
    const char *binary = opts->get(call, "binary");
    plan_package(call, plan, target,
                 binary ? binary : host->project(call, "name"), package,
                 graphs[0]);
  }
  for (size_t i = 0; i < npackages; i++)
    plan_package(call, plan, target, output_name(call, packages[i]),
                 packages[i], graphs[i]);
  if (npackages)
    plan_goroot_reads(call, plan, packages, npackages, graphs);
  else
    plan_goroot_reads(call, plan, &package, 1, graphs);
  free(graphs);
  return MB_OK;
}

static const mb_toolchain go_toolchain = {
    .options = go_options, .probe = go_probe, .plan = go_plan};

/* --- validate --- */

/* A package given as a path (".", "./cmd/tool", "../lib") rather than an
   import path names a folder relative to the source, where go runs. */
static int is_local_package(const char *package) {
  return strcmp(package, ".") == 0 || strcmp(package, "..") == 0 ||
         strncmp(package, "./", 2) == 0 || strncmp(package, "../", 3) == 0;
}

/* A local package must name a folder of the source; `key` is the option
   that names it. */
static int check_local_folder(mb_call *call, const char *key,
                              const char *package) {
  if (!is_local_package(package)) return MB_OK;
  /* A pattern ("./cmd/...") is checked up to its wildcard's folder. */
  const char *relative = package;
  while (strncmp(relative, "./", 2) == 0)
    relative += 2;
  const char *wildcard = strstr(relative, "...");
  size_t keep = wildcard ? (size_t)(wildcard - relative) : strlen(relative);
  while (wildcard && keep > 0 && relative[keep - 1] != '/')
    keep--;
  char folder[4096];
  snprintf(folder, sizeof folder, "%s/%.*s", host->project(call, "source"),
           (int)keep, relative);
  struct stat st;
  if (stat(folder, &st) != 0 || !S_ISDIR(st.st_mode)) {
    opts->error(call, key, "`%s` is a local package but there is no folder %s",
                package, folder);
    return MB_ERROR;
  }
  /* `go build` of a library "succeeds" and writes an archive, not a
     program. */
  char name[256];
  if (wildcard || go_folder_is_main(folder, name, sizeof name)) return MB_OK;
  opts->error(call, key,
              "package `%s` is `%s`, not a main package: set `package = "
              "./cmd/NAME` (the folder of a main package)",
              package, name);
  return MB_ERROR;
}

/* `packages` replaces `package` and names each output after its folder, so
   it goes with neither `package` nor `binary`, and every entry must give a
   distinct file name. */
static int check_packages(mb_call *call) {
  size_t n;
  const char *const *packages =
      opts->split(call, "packages", MB_SPLIT_LIST, &n);
  if (n == 0)
    return check_local_folder(call, "package", opts->get(call, "package"));
  int rc = MB_OK;
  if (opts->origin(call, "package") >= MB_ORIGIN_SECTION) {
    opts->error(call, "packages",
                "set `package` (one binary) or `packages` (several), not "
                "both");
    rc = MB_ERROR;
  }
  if (opts->get(call, "binary")) {
    opts->error(call, "binary",
                "`binary` names the output of `package`; with `packages` "
                "each output is named after its folder (./cmd/tool builds "
                "tool)");
    rc = MB_ERROR;
  }
  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(packages[i]);
    if (strstr(packages[i], "...") || packages[i][len - 1] == '/') {
      opts->error(call, "packages",
                  "`%s` is not one package: list each main package by its "
                  "folder (./cmd/tool), as its output is named after it",
                  packages[i]);
      rc = MB_ERROR;
      continue;
    }
    if (check_local_folder(call, "packages", packages[i]) != MB_OK)
      rc = MB_ERROR;
    for (size_t j = 0; j < i; j++)
      if (strcmp(output_name(call, packages[i]),
                 output_name(call, packages[j])) == 0) {
        opts->error(call, "packages",
                    "`%s` and `%s` would both be written as `%s`", packages[j],
                    packages[i], output_name(call, packages[i]));
        rc = MB_ERROR;
      }
  }
  return rc;
}

static int go_validate(void *self, mb_call *call, const mb_target *target,
                       const mb_validate_services *validate) {
  (void)self, (void)target, (void)validate;
  return check_packages(call);
}

static const mb_toolchain_validate go_validate_extension = {.validate =
                                                                go_validate};

/* --- detect --- */

/* The module path of a go.mod ("module example.com/tool"), into buf. */
static int module_path(const char *text, char *buf, size_t cap) {
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    const char *p = line + strspn(line, " \t");
    if (strncmp(p, "module", 6) == 0 && strchr(" \t", p[6]) && p[6]) {
      p += 6 + strspn(p + 6, " \t\"");
      size_t n = strcspn(p, "\"\r\n \t");
      if (n && n < cap) {
        snprintf(buf, cap, "%.*s", (int)n, p);
        return 1;
      }
    }
    line += len + (line[len] == '\n');
  }
  return 0;
}

/* The name `go build` gives the module's binary: its last path element,
   the one before a major version suffix (example.com/tool/v2 builds
   "tool"). */
static const char *module_name(char *module) {
  char *last = strrchr(module, '/');
  if (last && last[1] == 'v' && strspn(last + 2, "0123456789") > 0 &&
      last[2 + strspn(last + 2, "0123456789")] == '\0') {
    *last = '\0';
    last = strrchr(module, '/');
  }
  return last ? last + 1 : module;
}

/* True when the Go source `text` belongs to package main and is built: a
   generator kept beside the code behind `//go:build ignore` is not. */
static int is_main_file(const char *text) {
  int in_block = 0;
  for (const char *line = text; *line;) {
    size_t len = strcspn(line, "\n");
    const char *p = line + strspn(line, " \t\r");
    const char *end = line + len;
    if (in_block) {
      const char *close = strstr(p, "*/");
      in_block = !close || close >= end;
    } else if (strncmp(p, "//", 2) == 0) {
      int constraint =
          strncmp(p, "//go:build", 10) == 0 || strncmp(p, "// +build", 9) == 0;
      const char *ignore = strstr(p, "ignore");
      if (constraint && ignore && ignore < end) return 0;
    } else if (strncmp(p, "/*", 2) == 0) {
      const char *close = strstr(p + 2, "*/");
      in_block = !close || close >= end;
    } else if (strncmp(p, "package", 7) == 0 && strchr(" \t", p[7])) {
      p += 7 + strspn(p + 7, " \t");
      return strncmp(p, "main", 4) == 0 &&
             !(p[4] == '_' || isalnum((unsigned char)p[4]));
    } else if (p < end) {
      return 0;
    }
    line += len + (line[len] == '\n');
  }
  return 0;
}

#define MAX_MAINS 64

/* The folders of the main packages where modules keep them: the module's
   root and cmd/NAME. A scan of the sources rather than `go list`, which
   would download the dependencies first. */
static size_t find_main_packages(mb_call *call,
                                 const mb_detect_services *detect,
                                 char mains[][256]) {
  size_t nfiles, nmains = 0;
  const char *const *files = detect->find_files(call, "*.go", 2, &nfiles);
  for (size_t i = 0; i < nfiles; i++) {
    const char *path = files[i], *slash = strrchr(path, '/');
    size_t len = strlen(path);
    if (len > 8 && strcmp(path + len - 8, "_test.go") == 0) continue;
    char folder[256] = ".";
    if (slash) {
      size_t dir = (size_t)(slash - path);
      if (strncmp(path, "cmd/", 4) != 0 || dir <= 4 ||
          memchr(path + 4, '/', dir - 4) || dir + 3 > sizeof folder)
        continue;
      snprintf(folder, sizeof folder, "./%.*s", (int)dir, path);
    }
    size_t j = 0;
    while (j < nmains && strcmp(mains[j], folder) != 0)
      j++;
    if (j < nmains || nmains == MAX_MAINS) continue;
    const char *text = detect->read_text(call, path);
    if (text && is_main_file(text))
      snprintf(mains[nmains++], 256, "%s", folder);
  }
  return nmains;
}

/* Proposes what to build: the one main package (named like `go build`
   names it, after its folder), or all of them with `packages`. */
static void propose_packages(mb_call *call, const mb_detect_services *detect,
                             const char *name) {
  char mains[MAX_MAINS][256];
  size_t n = find_main_packages(call, detect, mains);
  if (n == 0) {
    detect->note(call, "no main package in the module's root or cmd/*: set "
                       "`package` to the one to build");
    return;
  }
  if (n == 1) {
    if (strcmp(mains[0], ".") == 0) return;
    detect->propose_key(call, "package", mains[0], "the main package");
    const char *folder = strrchr(mains[0], '/') + 1;
    if (!name || strcmp(folder, name) != 0)
      detect->propose_key(call, "binary", folder, NULL);
    return;
  }
  char list[MAX_MAINS * 258] = "";
  for (size_t i = 0; i < n; i++)
    snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
             i ? ", " : "", mains[i]);
  detect->propose_key(call, "packages", list,
                      "the main packages; each binary is named after its "
                      "folder");
}

static int go_detect(void *self, mb_call *call,
                     const mb_detect_services *detect) {
  (void)self;
  const char *text = detect->read_text(call, "go.mod");
  if (!text) return MB_UNSUPPORTED;
  detect->match(call, MB_MATCH_PROJECT, "go.mod");
  char module[1024];
  const char *name = NULL;
  if (module_path(text, module, sizeof module))
    detect->propose_name(call, name = module_name(module));
  propose_packages(call, detect, name);
  detect->propose_key(call, "ldflags", "-s -w",
                      "smaller binaries: no symbol table, no DWARF");
  /* Go cross compiles to all of them with nothing more to install. */
  static const char *const targets[] = {"linux/amd64",   "linux/arm64",
                                        "darwin/amd64",  "darwin/arm64",
                                        "windows/amd64", "windows/arm64"};
  for (size_t i = 0; i < sizeof targets / sizeof *targets; i++)
    detect->propose_target(call, targets[i]);
  return MB_OK;
}

static const mb_toolchain_detect go_detect_extension = {.detect = go_detect};

/* --- descriptor --- */

static int go_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  *self = NULL;
  opts = host->get_service(host, MB_OPTIONS_SERVICE);
  proc = host->get_service(host, MB_PROCESS_SERVICE);
  tree = host->get_service(host, MB_PROBE_TREE_SERVICE);
  reads = host->get_service(host, MB_PLAN_TREE_READS_SERVICE);
  if (!opts || !proc) {
    host->set_error(call, "this mbhost lacks the services %s and %s",
                    MB_OPTIONS_SERVICE, MB_PROCESS_SERVICE);
    return MB_ERROR;
  }
  return MB_OK;
}

static const void *go_get_interface(void *self, const char *id) {
  (void)self;
  if (strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0) return &go_toolchain;
  if (strcmp(id, MB_TOOLCHAIN_VALIDATE_EXTENSION) == 0)
    return &go_validate_extension;
  if (strcmp(id, MB_TOOLCHAIN_DETECT_EXTENSION) == 0)
    return &go_detect_extension;
  return NULL;
}

static const mb_plugin go_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.mbhost.toolchain.go",
    .name = "go",
    .version = "1.2.0",
    .description = "Go: go build with GOOS/GOARCH per target",
    .init = go_init,
    .get_interface = go_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &go_plugin : NULL;
}
