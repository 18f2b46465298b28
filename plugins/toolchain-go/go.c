/* The Go toolchain: `go build` with GOOS/GOARCH per target. */
#include <mbhost/toolchain.h>
#include <stdio.h>
#include <string.h>

static const mb_host *host;

static const mb_option go_options[] = {
    {"package", MB_OPT_STRING, ".", "the package to build", MB_OPT_PER_TARGET,
     NULL},
    {"binary", MB_OPT_STRING, NULL,
     "output name (default: the project name; "
     ".exe is added on windows)",
     MB_OPT_PER_TARGET, NULL},
    {"flags", MB_OPT_WORDS, NULL, "extra `go build` flags, e.g. -trimpath",
     MB_OPT_PER_TARGET, NULL},
    {"ldflags", MB_OPT_STRING, NULL, "passed as -ldflags, e.g. -s -w",
     MB_OPT_PER_TARGET, NULL},
    {"tags", MB_OPT_LIST, NULL, "build tags", MB_OPT_PER_TARGET, NULL},
    {"env", MB_OPT_ENV, NULL, "extra environment, NAME=value, comma-separated",
     MB_OPT_PER_TARGET, NULL},
    {"cgo", MB_OPT_BOOL, "false",
     "set CGO_ENABLED=1 (needs a C cross compiler)", MB_OPT_PER_TARGET, NULL},
    {NULL, 0, NULL, NULL, 0, NULL}};

static int go_probe(void *self, mb_call *call) {
  (void)self;
  char go[4096], out[8192];
  if (host->find_program(call, "go", go, sizeof go) != MB_OK) {
    host->set_error(call, "`go` is not in PATH: install Go (Debian: apt-get "
                          "install golang-go) or add it to PATH");
    return MB_UNSUPPORTED;
  }
  host->probe_depends_on(call, go);
  int code;
  const char *version_argv[] = {go, "version", NULL};
  if (host->run(call, version_argv, NULL, NULL, 1, out, sizeof out, &code) !=
          MB_OK ||
      code != 0) {
    host->set_error(call, "`%s version` failed: %s", go, out);
    return MB_ERROR;
  }
  /* "go version go1.22.1 linux/amd64" */
  char version[128] = "";
  if (sscanf(out, "go version %127s", version) != 1) {
    host->set_error(call, "cannot read the Go version from: %s", out);
    return MB_ERROR;
  }
  host->probe_set_fact(call, "version", version);
  const char *list_argv[] = {go, "tool", "dist", "list", NULL};
  if (host->run(call, list_argv, NULL, NULL, 0, out, sizeof out, &code) !=
          MB_OK ||
      code != 0) {
    host->set_error(call, "`go tool dist list` failed");
    return MB_ERROR;
  }
  host->probe_set_fact(call, "dist_list", out);
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

static int go_plan(void *self, mb_call *call, const mb_target *target) {
  (void)self;
  const char *dist = host->fact(call, "dist_list");
  if (!dist || !has_line(dist, target->name)) {
    host->set_error(call,
                    "%s cannot build for %s (it is not in `go tool dist list`)",
                    host->fact(call, "version"), target->name);
    return MB_UNSUPPORTED;
  }
  host->plan_set_env(call, "GOOS", target->os);
  host->plan_set_env(call, "GOARCH", target->arch);
  int cgo = strcmp(host->option(call, "cgo"), "true") == 0;
  host->plan_set_env(call, "CGO_ENABLED", cgo ? "1" : "0");
  host->plan_set_env_option(call, "env");

  const char *binary = host->option(call, "binary");
  if (!binary) binary = host->project(call, "name");
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
  size_t argc = 0;
  argv[argc++] = "go";
  argv[argc++] = "build";
  argv[argc++] = "-o";
  argv[argc++] = output;
  /* The host replaces {jobs} with this target's share of -j. */
  argv[argc++] = "-p";
  argv[argc++] = "{jobs}";
  size_t nflags;
  const char *const *flags =
      host->option_split(call, "flags", MB_SPLIT_WORDS, &nflags);
  for (size_t i = 0; i < nflags && argc < 248; i++)
    argv[argc++] = flags[i];
  char tags[1024] = "";
  size_t ntags;
  const char *const *tag =
      host->option_split(call, "tags", MB_SPLIT_LIST, &ntags);
  for (size_t i = 0; i < ntags; i++)
    snprintf(tags + strlen(tags), sizeof tags - strlen(tags), "%s%s",
             i ? "," : "", tag[i]);
  if (ntags) argv[argc++] = "-tags", argv[argc++] = tags;
  const char *ldflags = host->option(call, "ldflags");
  if (ldflags) argv[argc++] = "-ldflags", argv[argc++] = ldflags;
  argv[argc++] = host->option(call, "package");
  argv[argc] = NULL;
  host->plan_add_step(call, argv, 0);
  host->plan_add_output(call, name, output, "binary");
  return MB_OK;
}

static const mb_toolchain go_toolchain = {
    .options = go_options, .probe = go_probe, .plan = go_plan};

static int go_init(const mb_host *h, mb_call *call, void **self) {
  (void)call;
  host = h;
  *self = NULL;
  return MB_OK;
}

static const void *go_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &go_toolchain : NULL;
}

static const mb_plugin go_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.mbhost.go",
    .name = "go",
    .version = "1.0.0",
    .description = "Go: go build with GOOS/GOARCH per target",
    .init = go_init,
    .get_interface = go_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &go_plugin : NULL;
}
