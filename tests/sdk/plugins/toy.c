/* A minimal working toolchain: each target's plan writes toy.txt naming the
   target. The descriptor strings and the option type come from the compiler
   command line, so the tests build variants with empty fields, clashing ids
   and names, or an option type from the future. */
#include <mbhost/toolchain.h>
#include <string.h>

#ifndef TOY_ID
#define TOY_ID "org.example.toy"
#endif
#ifndef TOY_NAME
#define TOY_NAME "toy"
#endif
#ifndef TOY_OPTION_TYPE
#define TOY_OPTION_TYPE MB_OPT_STRING
#endif
#ifndef TOY_VERSION
#define TOY_VERSION "1.0.0"
#endif

static int toy_init(const mb_host *host, mb_call *call, void **self) {
  (void)host, (void)call, (void)self;
  return MB_OK;
}

static int toy_probe(void *self, mb_call *call,
                     const mb_probe_services *probe) {
  (void)self;
  probe->set_fact(call, "version", "toy " TOY_VERSION);
  return MB_OK;
}

static int toy_plan(void *self, mb_call *call, const mb_target *target,
                    const mb_plan_services *plan) {
  (void)self;
  const char *argv[] = {"sh", "-c",         "printf '%s\\n' \"$1\" > \"$2\"",
                        "sh", target->name, "{staging}/toy.txt",
                        NULL};
  plan->add_step(call, argv, 0);
  plan->add_output(call, "toy.txt", NULL, "file", 0);
  return MB_OK;
}

static const mb_option options[] = {
    {.key = "flavour", .type = TOY_OPTION_TYPE, .help = "unused"}, {0}};
static const mb_toolchain toolchain = {
    .options = options, .probe = toy_probe, .plan = toy_plan};

static const void *toy_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &toolchain : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_TOOLCHAIN,
    .id = TOY_ID,
    .name = TOY_NAME,
    .version = TOY_VERSION,
    .description = "writes toy.txt per target (test plugin)",
    .init = toy_init,
    .get_interface = toy_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
