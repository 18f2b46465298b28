/* mbhost toolchain "script": runs the project's own build script once per
   target, with the target in the environment. An example of a third-party
   plugin: it needs only the installed SDK headers, and the tutorial
   (share/doc/mbhost/writing-plugins.md) walks through it.

   [toolchain]
   use     = script
   script  = build.sh          ; run as argv[0]: no shell, no quoting rules
   args    = --release -j{jobs}; extra arguments; {jobs} is the target's -j
   outputs = hello             ; files the script leaves in $MBHOST_OUT
   kind    = file              ; binary (the default), library or file

   The script runs in the project source folder with MBHOST_TARGET
   (linux/amd64), MBHOST_OS, MBHOST_ARCH, MBHOST_OUT (the folder to leave the
   outputs in), MBHOST_SCRATCH (kept between runs), MBHOST_PROJECT,
   MBHOST_VERSION and MBHOST_SOURCE set. `mbhost init` proposes it for a
   project with a build.sh (see script_detect). */
#include <mbhost/toolchain-detect.h>
#include <mbhost/toolchain-validate.h>
#include <mbhost/toolchain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Looked up once in init. They stay valid until deinit and are the same for
   every instance, so plain statics are enough. */
static const mb_host *host;
static const mb_options_service *opt;
static const mb_process_service *proc;

static const char *const output_kinds[] = {"binary", "library", "file", NULL};

static const mb_option script_options[] = {
    /* Not per target: probe declares the script as part of the toolchain
       (so its content is in every target's cache key), and probe is not
       about any one target. */
    {.key = "script",
     .type = MB_OPT_PATH,
     .help = "the build script, run as argv[0] in the project source",
     .flags = MB_OPT_REQUIRED | MB_OPT_MUST_EXIST},
    {.key = "args",
     .type = MB_OPT_WORDS,
     .help = "extra arguments for the script; {jobs} is the target's share "
             "of -j",
     .flags = MB_OPT_PER_TARGET},
    {.key = "outputs",
     .type = MB_OPT_LIST,
     .help = "files the script leaves in $MBHOST_OUT (default: the project "
             "name, with .exe on windows)",
     .flags = MB_OPT_PER_TARGET},
    {.key = "kind",
     .type = MB_OPT_CHOICE,
     .default_value = "binary",
     .choices = output_kinds,
     .help = "what the outputs are; the host checks that a binary is an "
             "executable for its target",
     .flags = MB_OPT_PER_TARGET},
    {.key = "env",
     .type = MB_OPT_ENV,
     .help = "extra environment: NAME=value, NAME2=value",
     .flags = MB_OPT_PER_TARGET},
    {0}};

static int script_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  opt = host->get_service(host, MB_OPTIONS_SERVICE);
  proc = host->get_service(host, MB_PROCESS_SERVICE);
  if (!opt || !proc) {
    host->set_error(call, "this plugin needs an mbhost with %s and %s",
                    MB_OPTIONS_SERVICE, MB_PROCESS_SERVICE);
    return MB_ERROR;
  }
  *self = NULL; /* no per-instance state */
  return MB_OK;
}

/* The program on the script's #! line, into buf ("" when there is none: a
   compiled build program). "#!/usr/bin/env bash" names it through PATH. */
static int interpreter(mb_call *call, const char *script, char *buf,
                       size_t cap) {
  char line[512] = "";
  FILE *f = fopen(script, "r");
  if (f) {
    if (!fgets(line, sizeof line, f)) line[0] = '\0';
    fclose(f);
  }
  buf[0] = '\0';
  if (strncmp(line, "#!", 2) != 0) return MB_OK;
  char *program = strtok(line + 2, " \t\r\n");
  char *arg = program ? strtok(NULL, " \t\r\n") : NULL;
  if (!program) return MB_OK;
  const char *base = strrchr(program, '/');
  if (arg && strcmp(base ? base + 1 : program, "env") == 0) program = arg;
  if (proc->find_program(call, program, buf, cap) == MB_OK) return MB_OK;
  host->set_error(call, "%s runs with %s, which is not installed", script,
                  program);
  return MB_UNSUPPORTED;
}

/* The toolchain is the script and its interpreter: declaring both makes
   the host rebuild every target when either changes (an edited script, a
   bash upgrade), and probe again only then. */
static int script_probe(void *self, mb_call *call,
                        const mb_probe_services *probe) {
  (void)self;
  const char *script = opt->get(call, "script");
  char shell[4096];
  int rc = interpreter(call, script, shell, sizeof shell);
  if (rc != MB_OK) return rc;
  const char *base = strrchr(script, '/');
  probe->set_fact(call, "version", base ? base + 1 : script);
  probe->depends_on(call, script);
  if (shell[0]) probe->depends_on(call, shell);
  return MB_OK;
}

/* What the table cannot say, checked before every build and by `mbhost
   validate`, at the line of the key: the script must be executable
   (MB_OPT_MUST_EXIST only checks that it exists; and not in probe, whose
   facts outlive a chmod), and output names must stay inside $MBHOST_OUT.
   Both are reported before anything is built. */
static int script_validate(void *self, mb_call *call, const mb_target *target,
                           const mb_validate_services *validate) {
  (void)self, (void)target, (void)validate;
  int rc = MB_OK;
  const char *script = opt->get(call, "script");
  char found[4096];
  if (proc->find_program(call, script, found, sizeof found) != MB_OK) {
    opt->error(call, "script", "%s is not executable (chmod +x it)", script);
    rc = MB_ERROR;
  }
  size_t n;
  const char *const *outputs = opt->split(call, "outputs", MB_SPLIT_LIST, &n);
  for (size_t i = 0; i < n; i++) {
    if (outputs[i][0] == '/' || strstr(outputs[i], "..")) {
      opt->error(call, "outputs", "'%s' must be a name inside $MBHOST_OUT",
                 outputs[i]);
      rc = MB_ERROR;
    }
  }
  return rc;
}

/* Placeholders in env values are expanded by the host when the step
   runs: the script sees real folders. */
static void set_target_env(mb_call *call, const mb_target *target,
                           const mb_plan_services *plan) {
  plan->set_env(call, "MBHOST_TARGET", target->name);
  plan->set_env(call, "MBHOST_OS", target->os);
  plan->set_env(call, "MBHOST_ARCH", target->arch);
  plan->set_env(call, "MBHOST_OUT", "{staging}");
  plan->set_env(call, "MBHOST_SCRATCH", "{scratch}");
  plan->set_env(call, "MBHOST_PROJECT", host->project(call, "name"));
  plan->set_env(call, "MBHOST_VERSION", host->project(call, "version"));
  plan->set_env(call, "MBHOST_SOURCE", host->project(call, "source"));
}

/* argv = the script (absolute: MB_OPT_PATH reads back absolute), then
   `args`. The host copies argv before add_step returns. */
static void add_script_step(mb_call *call, const mb_plan_services *plan) {
  size_t nargs;
  const char *const *args = opt->split(call, "args", MB_SPLIT_WORDS, &nargs);
  const char **argv = calloc(nargs + 2, sizeof *argv);
  if (!argv) abort();
  argv[0] = opt->get(call, "script");
  memcpy(argv + 1, args, nargs * sizeof *argv);
  plan->add_step(call, argv, 0);
  free(argv);
}

static void declare_outputs(mb_call *call, const mb_target *target,
                            const mb_plan_services *plan) {
  const char *kind = opt->get(call, "kind");
  size_t n;
  const char *const *outputs = opt->split(call, "outputs", MB_SPLIT_LIST, &n);
  for (size_t i = 0; i < n; i++)
    plan->add_output(call, outputs[i], NULL, kind, 0);
  if (n > 0) return;
  char name[256];
  snprintf(name, sizeof name, "%s%s", host->project(call, "name"),
           strcmp(target->os, "windows") == 0 ? ".exe" : "");
  plan->add_output(call, name, NULL, kind, 0);
}

static int script_plan(void *self, mb_call *call, const mb_target *target,
                       const mb_plan_services *plan) {
  (void)self;
  set_target_env(call, target, plan);
  plan->set_env_option(call, "env");
  add_script_step(call, plan);
  declare_outputs(call, target, plan);
  return MB_OK;
}

/* `mbhost init`: a build script at the top of the project. Only with a #!
   line, since it is run without a shell. Weaker than a build file another
   toolchain drives (a Makefile): a toolchain for the project's own
   language knows more about it than "run the script". */
static int script_detect(void *self, mb_call *call,
                         const mb_detect_services *detect) {
  (void)self;
  static const char *const candidates[] = {"build.sh", "scripts/build.sh",
                                           NULL};
  for (const char *const *path = candidates; *path; path++) {
    const char *text = detect->read_text(call, *path);
    if (!text || strncmp(text, "#!", 2) != 0) continue;
    detect->match(call, MB_MATCH_BUILD - 10, *path);
    /* A script has no project file to take a name from: the folder's. */
    const char *folder = detect->folder(call);
    const char *base = strrchr(folder, '/');
    detect->propose_name(call, base && base[1] ? base + 1 : folder);
    detect->propose_key(call, "script", *path,
                        "run once per target with MBHOST_OS, MBHOST_ARCH "
                        "and MBHOST_OUT set");
    detect->note(call, "the script leaves its outputs in $MBHOST_OUT: list "
                       "them with `outputs` (default: the project name)");
    return MB_OK;
  }
  return MB_UNSUPPORTED;
}

static const mb_toolchain script_toolchain = {
    .options = script_options,
    .probe = script_probe,
    .plan = script_plan,
};

static const mb_toolchain_detect script_detect_ext = {.detect = script_detect};

static const mb_toolchain_validate script_validate_ext = {.validate =
                                                              script_validate};

static const void *script_get_interface(void *self, const char *id) {
  (void)self;
  if (strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0) return &script_toolchain;
  if (strcmp(id, MB_TOOLCHAIN_DETECT_EXTENSION) == 0) return &script_detect_ext;
  if (strcmp(id, MB_TOOLCHAIN_VALIDATE_EXTENSION) == 0)
    return &script_validate_ext;
  return NULL;
}

static const mb_plugin script_descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.toolchain.script",
    .name = "script",
    .version = "2.0.0",
    .description = "runs your build script per target, target in the env",
    .init = script_init,
    .get_interface = script_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &script_descriptor : NULL;
}
