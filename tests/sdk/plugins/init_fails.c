/* A toolchain whose init fails with its own message: the host must show
   that message (not a generic one) and exit with the config-error code. */
#include <mbhost/toolchain.h>
#include <string.h>

static int failing_init(const mb_host *host, mb_call *call, void **self) {
  (void)self;
  host->set_error(call, "licence file /nonexistent/initfail.key is missing: "
                        "ask your administrator for one");
  return MB_ERROR;
}

static int unused_probe(void *self, mb_call *call,
                        const mb_probe_services *probe) {
  (void)self, (void)call, (void)probe;
  return MB_ERROR;
}

static int unused_plan(void *self, mb_call *call, const mb_target *target,
                       const mb_plan_services *plan) {
  (void)self, (void)call, (void)target, (void)plan;
  return MB_ERROR;
}

static const mb_option options[] = {{0}};
static const mb_toolchain toolchain = {
    .options = options, .probe = unused_probe, .plan = unused_plan};

static const void *get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &toolchain : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.initfail",
    .name = "initfail",
    .version = "1.0.0",
    .init = failing_init,
    .get_interface = get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
