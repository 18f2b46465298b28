/* An exporter for tests: it SIGKILLs its own process, the mbhost running
   the export, as a power cut or the OOM killer would, after the exporters
   before it in the chain wrote their files. */

#include <mbhost/exporter.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static const mb_option kill_options[] = {{0}};

static int kill_export(void *self, mb_call *call,
                       const mb_export_services *svc) {
  (void)self, (void)call, (void)svc;
  kill(getpid(), SIGKILL);
  return MB_ERROR;
}

static const mb_exporter exporter = {.options = kill_options,
                                     .export_artifacts = kill_export};

static int kill_init(const mb_host *h, mb_call *call, void **self) {
  (void)h, (void)call;
  *self = NULL;
  return MB_OK;
}

static const void *kill_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_EXPORTER_INTERFACE) == 0 ? &exporter : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXPORTER,
    .id = "org.example.kill",
    .name = "kill",
    .version = "1.0.0",
    .description = "kills mbhost during an export (tests only)",
    .init = kill_init,
    .get_interface = kill_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
