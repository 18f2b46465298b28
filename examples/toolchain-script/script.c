/* mbhost toolchain "script": runs the project's own build script once per
   target, with the target in the environment. An example of a third-party
   plugin: it needs only the installed SDK headers (docs/writing-plugins.md).

   [toolchain]
   use     = script
   script  = build.sh          ; run as argv[0]: no shell, no quoting rules
   args    = --release         ; extra arguments
   outputs = hello             ; files the script leaves in $MBHOST_OUT

   The script runs in the project source folder with MBHOST_TARGET
   (linux/amd64), MBHOST_OS, MBHOST_ARCH, MBHOST_OUT (the folder to leave the
   outputs in), MBHOST_SCRATCH (kept between runs), MBHOST_PROJECT,
   MBHOST_VERSION and MBHOST_SOURCE set. */
#include <mbhost/toolchain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The host table: valid from init until the process ends (the host never
   unloads plugins), and the same for every instance. */
static const mb_host *host;

static const mb_option script_options[] = {
    {"script", MB_OPT_PATH, NULL,
     "the build script, run as argv[0] in the project source",
     MB_OPT_REQUIRED | MB_OPT_PER_TARGET, NULL},
    {"args", MB_OPT_WORDS, NULL, "extra arguments for the script",
     MB_OPT_PER_TARGET, NULL},
    {"outputs", MB_OPT_LIST, NULL,
     "files the script leaves in $MBHOST_OUT (default: the project name, "
     "with .exe on windows)",
     MB_OPT_PER_TARGET, NULL},
    {"env", MB_OPT_ENV, NULL, "extra environment: NAME=value, NAME2=value",
     MB_OPT_PER_TARGET, NULL},
    {NULL, 0, NULL, NULL, 0, NULL}};

static int script_init(const mb_host *h, mb_call *call, void **self) {
  (void)call;
  host = h;
  *self = NULL; /* no per-instance state */
  return MB_OK;
}

/* The "version" fact is part of the build cache key: naming the script's
   digest makes an edited script rebuild every target. */
static int script_probe(void *self, mb_call *call) {
  (void)self;
  const char *script = host->option(call, "script");
  char digest[65];
  if (host->sha256_file(call, script, digest) != MB_OK) return MB_ERROR;
  char version[128];
  const char *base = strrchr(script, '/');
  snprintf(version, sizeof version, "%s sha256:%.16s", base ? base + 1 : script,
           digest);
  host->probe_set_fact(call, "version", version);
  host->probe_depends_on(call, script);
  return MB_OK;
}

static void set_target_env(mb_call *call, const mb_target *target) {
  host->plan_set_env(call, "MBHOST_TARGET", target->name);
  host->plan_set_env(call, "MBHOST_OS", target->os);
  host->plan_set_env(call, "MBHOST_ARCH", target->arch);
  host->plan_set_env(call, "MBHOST_OUT", "{staging}");
  host->plan_set_env(call, "MBHOST_SCRATCH", "{scratch}");
  host->plan_set_env(call, "MBHOST_PROJECT", host->project(call, "name"));
  host->plan_set_env(call, "MBHOST_VERSION", host->project(call, "version"));
  host->plan_set_env(call, "MBHOST_SOURCE", host->project(call, "source"));
}

/* argv = the script, then `args`: the host copies it before returning. */
static void add_script_step(mb_call *call, const char *script) {
  size_t nargs;
  const char *const *args =
      host->option_split(call, "args", MB_SPLIT_WORDS, &nargs);
  const char **argv = calloc(nargs + 2, sizeof *argv);
  if (!argv) abort();
  argv[0] = script;
  memcpy(argv + 1, args, nargs * sizeof *argv);
  host->plan_add_step(call, argv, 0);
  free(argv);
}

static void declare_outputs(mb_call *call, const mb_target *target) {
  size_t n;
  const char *const *outputs =
      host->option_split(call, "outputs", MB_SPLIT_LIST, &n);
  for (size_t i = 0; i < n; i++)
    host->plan_add_output(call, outputs[i], NULL, "binary");
  if (n > 0) return;
  char name[256];
  snprintf(name, sizeof name, "%s%s", host->project(call, "name"),
           strcmp(target->os, "windows") == 0 ? ".exe" : "");
  host->plan_add_output(call, name, NULL, "binary");
}

static int script_plan(void *self, mb_call *call, const mb_target *target) {
  (void)self;
  const char *script = host->option(call, "script");
  char found[4096];
  if (host->find_program(call, script, found, sizeof found) != MB_OK) {
    host->set_error(call,
                    "the build script %s is missing or not executable "
                    "(chmod +x it)",
                    script);
    return MB_ERROR;
  }
  set_target_env(call, target);
  host->plan_set_env_option(call, "env");
  add_script_step(call, found);
  declare_outputs(call, target);
  return MB_OK;
}

static const mb_toolchain script_toolchain = {
    .options = script_options,
    .probe = script_probe,
    .plan = script_plan,
};

static const void *script_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &script_toolchain : NULL;
}

static const mb_plugin script_descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.script",
    .name = "script",
    .version = "1.0.0",
    .description = "runs your build script per target, target in the env",
    .init = script_init,
    .get_interface = script_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &script_descriptor : NULL;
}
