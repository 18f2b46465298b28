/* A toolchain that exercises the ABI 1.0 services the bundled plugins do
   not all use, for tests/e2e/abi_services.sh:
   - probe: the process service with separate, truncated captures, recorded
     as facts; an option error raised in probe (`probe_refuses`);
   - validate: a per-target value it refuses (`mode = broken`);
   - plan: option origins, {jobs} inside a longer argument, a long argv,
     optional and glob outputs;
   - detect: a folder with a `kit.toml` file. */
#include <mbhost/toolchain-detect.h>
#include <mbhost/toolchain-validate.h>
#include <stdio.h>
#include <string.h>

static const mb_host *host;
static const mb_options_service *opts;
static const mb_process_service *proc;

static const char *const modes[] = {"plain", "fancy", "broken", NULL};

static const mb_option kit_options[] = {
    {.key = "mode",
     .type = MB_OPT_CHOICE,
     .default_value = "plain",
     .help = "how to build",
     .flags = MB_OPT_PER_TARGET,
     .choices = modes},
    {.key = "level",
     .type = MB_OPT_INT,
     .default_value = "3",
     .help = "a level",
     .min = "1",
     .max = "9"},
    {.key = "probe_refuses",
     .type = MB_OPT_BOOL,
     .default_value = "false",
     .help = "make the probe refuse this option"},
    {0}};

static int kit_probe(void *self, mb_call *call, const mb_probe_services *svc) {
  (void)self;
  if (strcmp(opts->get(call, "probe_refuses"), "true") == 0) {
    opts->error(call, "probe_refuses", "the probe refuses this value");
    return MB_ERROR;
  }
  char sh[4096];
  if (proc->find_program(call, "sh", sh, sizeof sh) != MB_OK) {
    host->set_error(call, "no sh");
    return MB_UNSUPPORTED;
  }
  svc->depends_on(call, sh);
  /* 10 bytes of standard output into a 5-byte buffer; "err" apart. */
  char out_data[5], err_data[64];
  mb_capture out = {.data = out_data, .cap = sizeof out_data};
  mb_capture err = {.data = err_data, .cap = sizeof err_data};
  const char *argv[] = {sh, "-c", "printf 0123456789; printf err >&2", NULL};
  int code;
  if (proc->run(call, argv, NULL, NULL, &out, &err, &code) != MB_OK)
    return MB_ERROR;
  char fact[128];
  snprintf(fact, sizeof fact, "out=%s len=%zu truncated=%d err=%s code=%d",
           out_data, out.len, out.truncated, err_data, code);
  svc->set_fact(call, "capture", fact);
  svc->set_fact(call, "version", "kit 1.0");
  return MB_OK;
}

static int kit_validate(void *self, mb_call *call, const mb_target *target,
                        const mb_validate_services *svc) {
  (void)self, (void)svc;
  if (strcmp(opts->get(call, "mode"), "broken") != 0) return MB_OK;
  opts->error(call, "mode", "%s cannot be built in mode broken", target->name);
  return MB_ERROR;
}

static int kit_plan(void *self, mb_call *call, const mb_target *target,
                    const mb_plan_services *plan) {
  (void)self;
  char origin[64], script[512];
  snprintf(origin, sizeof origin, "mode-origin=%d level-origin=%d",
           opts->origin(call, "mode"), opts->origin(call, "level"));
  snprintf(script, sizeof script,
           "mkdir -p {staging}/docs && echo %s > {staging}/app && "
           "echo a > {staging}/docs/a.txt && echo b > {staging}/docs/b.txt",
           target->name);
  const char *make[] = {"sh", "-c", script, NULL};
  plan->add_step(call, make, 0);
  const char *show[] = {"echo", plan->fact(call, "capture"),
                        origin, "-j{jobs}",
                        "w1",   "w2",
                        "w3",   "w4",
                        "w5",   "the-last-word",
                        NULL};
  plan->add_step(call, show, 0);
  plan->add_output(call, "app", NULL, "file", 0);
  plan->add_output(call, "docs", "{staging}/docs/*.txt", "file",
                   MB_OUTPUT_GLOB);
  plan->add_output(call, "app.pdb", NULL, "file", MB_OUTPUT_OPTIONAL);
  return MB_OK;
}

static int kit_detect(void *self, mb_call *call,
                      const mb_detect_services *svc) {
  (void)self;
  if (!svc->read_text(call, "kit.toml")) return MB_UNSUPPORTED;
  svc->match(call, MB_MATCH_PROJECT, "kit.toml");
  svc->propose_name(call, "kitted app");
  svc->propose_key(call, "mode", "fancy", "the kit's own mode");
  svc->propose_target(call, "linux/amd64");
  svc->propose_target(call, "linux/arm64");
  svc->note(call, "kit projects build anywhere");
  return MB_OK;
}

static const mb_toolchain kit_toolchain = {
    .options = kit_options, .probe = kit_probe, .plan = kit_plan};
static const mb_toolchain_validate kit_validate_ext = {.validate =
                                                           kit_validate};
static const mb_toolchain_detect kit_detect_ext = {.detect = kit_detect};

static int kit_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  opts = h->get_service(h, MB_OPTIONS_SERVICE);
  proc = h->get_service(h, MB_PROCESS_SERVICE);
  if (!opts || !proc) {
    h->set_error(call, "this mbhost lacks mb.options/1 or mb.process/1");
    return MB_ERROR;
  }
  *self = NULL;
  return MB_OK;
}

static const void *kit_get_interface(void *self, const char *id) {
  (void)self;
  if (strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0) return &kit_toolchain;
  if (strcmp(id, MB_TOOLCHAIN_VALIDATE_EXTENSION) == 0)
    return &kit_validate_ext;
  if (strcmp(id, MB_TOOLCHAIN_DETECT_EXTENSION) == 0) return &kit_detect_ext;
  return NULL;
}

static const mb_plugin kit_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.toolchain.kit",
    .name = "kit",
    .version = "1.0.0",
    .description = "exercises the ABI 1.0 services",
    .init = kit_init,
    .get_interface = kit_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &kit_plugin : NULL;
}
