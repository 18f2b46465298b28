/* A toolchain built against headers one minor version ahead of the host
   (newer_minor.sh makes them: MB_ABI_MINOR 1 and one more service at the
   end of mb_host). It must load into the older host and work, using the new
   service only when MB_HOST_HAS says the running host has it. */
#include <mbhost/toolchain.h>
#include <stdio.h>
#include <string.h>

#if MB_ABI_MINOR < 1
#error "build against the next-minor headers that newer_minor.sh makes"
#endif

static const mb_host *host;

static int next_init(const mb_host *h, mb_call *call, void **self) {
  (void)call, (void)self;
  host = h;
  return MB_OK;
}

static int next_probe(void *self, mb_call *call) {
  (void)self;
  host->probe_set_fact(call, "version", "next 1.1.0");
  return MB_OK;
}

static int next_plan(void *self, mb_call *call, const mb_target *target) {
  (void)self;
  const char *future = MB_HOST_HAS(host, next_minor_service)
                           ? host->next_minor_service(call)
                           : "absent, fell back";
  char report[512];
  snprintf(report, sizeof report,
           "target: %s\nnext_minor_service: %s\noption_keys: %s\n"
           "host ABI: %u.%u\n",
           target->name, future,
           MB_HOST_HAS(host, option_keys) ? "present" : "absent",
           host->abi_major, host->abi_minor);
  const char *argv[] = {"sh", "-c",   "printf '%s' \"$1\" > \"$2\"",
                        "sh", report, "{staging}/report.txt",
                        NULL};
  host->plan_add_step(call, argv, 0);
  host->plan_add_output(call, "report.txt", NULL, "file");
  return MB_OK;
}

static const mb_option options[] = {{0}};
static const mb_toolchain toolchain = {options, next_probe, next_plan};

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
