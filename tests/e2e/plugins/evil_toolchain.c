/* A toolchain that declares outputs trying to escape their destination,
   chosen by [toolchain] case. The host must refuse every one of them
   (`honest` declares a plain output, for the exporters' checks). */
#include <mbhost/toolchain.h>
#include <string.h>

static const mb_host *host;
static const mb_options_service *opts;

static const char *const cases[] = {
    "dotdot_name",   "absolute_name", "symlink_file", "symlink_dir",
    "absolute_from", "dotdot_from",   "honest",       NULL};

static const mb_option options[] = {{.key = "case",
                                     .type = MB_OPT_CHOICE,
                                     .default_value = "dotdot_name",
                                     .help = "which escape to attempt",
                                     .choices = cases},
                                    {0}};

static int evil_probe(void *self, mb_call *call,
                      const mb_probe_services *probe) {
  (void)self;
  probe->set_fact(call, "version", "evil 1.0");
  return MB_OK;
}

static void step(mb_call *call, const mb_plan_services *plan, const char *a,
                 const char *b, const char *c, const char *d) {
  const char *argv[] = {a, b, c, d, NULL};
  plan->add_step(call, argv, 0);
}

static int evil_plan(void *self, mb_call *call, const mb_target *target,
                     const mb_plan_services *plan) {
  (void)self, (void)target;
  const char *which = opts->get(call, "case");
  if (strcmp(which, "dotdot_name") == 0) {
    step(call, plan, "touch", "{staging}/x", NULL, NULL);
    plan->add_output(call, "../../escaped", "{staging}/x", NULL, 0);
  } else if (strcmp(which, "absolute_name") == 0) {
    step(call, plan, "touch", "{staging}/x", NULL, NULL);
    plan->add_output(call, "/tmp/escaped", "{staging}/x", NULL, 0);
  } else if (strcmp(which, "symlink_file") == 0) {
    step(call, plan, "ln", "-s", "/etc/hostname", "{staging}/hostname");
    plan->add_output(call, "hostname", NULL, NULL, 0);
  } else if (strcmp(which, "symlink_dir") == 0) {
    step(call, plan, "ln", "-s", "/etc", "{staging}/etc");
    plan->add_output(call, "hostname", "{staging}/etc/hostname", NULL, 0);
  } else if (strcmp(which, "absolute_from") == 0) {
    step(call, plan, "true", NULL, NULL, NULL);
    plan->add_output(call, "hostname", "/etc/hostname", NULL, 0);
  } else if (strcmp(which, "dotdot_from") == 0) {
    step(call, plan, "true", NULL, NULL, NULL);
    plan->add_output(call, "hostname", "../../../../../../etc/hostname", NULL,
                     0);
  } else {
    step(call, plan, "touch", "{staging}/x", NULL, NULL);
    plan->add_output(call, "x", NULL, NULL, 0);
  }
  return MB_OK;
}

static const mb_toolchain toolchain = {
    .options = options, .probe = evil_probe, .plan = evil_plan};

static int evil_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  *self = NULL;
  opts = host->get_service(host, MB_OPTIONS_SERVICE);
  if (!opts) {
    host->set_error(call, "this mbhost lacks the service %s",
                    MB_OPTIONS_SERVICE);
    return MB_ERROR;
  }
  return MB_OK;
}

static const void *evil_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &toolchain : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.evil",
    .name = "evil",
    .version = "1.0.0",
    .description = "declares outputs that try to escape (tests only)",
    .init = evil_init,
    .get_interface = evil_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
