/* A toolchain built against headers one minor version ahead of the host
   (newer_minor.sh makes them: MB_ABI_MINOR one higher, and one more
   service, "mb.next-minor/1"). It must load into the older host and work,
   using the new service only when get_service finds it. */
#include <mbhost/toolchain.h>
#include <stdio.h>
#include <string.h>

#if MB_ABI_MINOR < 1
#error "build against the next-minor headers that newer_minor.sh makes"
#endif

static const mb_host *host;
static const mb_next_minor_service *next_minor;
static const mb_options_service *options_service;

static int next_init(const mb_host *h, mb_call *call, void **self) {
  (void)call, (void)self;
  host = h;
  /* NULL from an older host: the plan falls back. */
  next_minor = host->get_service(host, MB_NEXT_MINOR_SERVICE);
  options_service = host->get_service(host, MB_OPTIONS_SERVICE);
  return MB_OK;
}

static int next_probe(void *self, mb_call *call,
                      const mb_probe_services *probe) {
  (void)self;
  probe->set_fact(call, "version", "next 1.1.0");
  return MB_OK;
}

static int next_plan(void *self, mb_call *call, const mb_target *target,
                     const mb_plan_services *plan) {
  (void)self;
  const char *future =
      next_minor ? next_minor->greeting(call) : "absent, fell back";
  char report[512];
  snprintf(report, sizeof report,
           "target: %s\nnext_minor_service: %s\n" MB_OPTIONS_SERVICE
           ": %s\nhost ABI: %u.%u\n",
           target->name, future, options_service ? "present" : "absent",
           host->abi_major, host->abi_minor);
  const char *argv[] = {"sh", "-c",   "printf '%s' \"$1\" > \"$2\"",
                        "sh", report, "{staging}/report.txt",
                        NULL};
  plan->add_step(call, argv, 0);
  plan->add_output(call, "report.txt", NULL, "file", 0);
  return MB_OK;
}

static const mb_option options[] = {{0}};
static const mb_toolchain toolchain = {
    .options = options, .probe = next_probe, .plan = next_plan};

static const void *next_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &toolchain : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.next",
    .name = "next",
    .version = "1.1.0",
    .description = "built against a newer minor of the plugin ABI",
    .init = next_init,
    .get_interface = next_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
