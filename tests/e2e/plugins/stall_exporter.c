/* An exporter for tests: `mode = stall` writes `marker` and then waits
   until the run is interrupted; `mode = fail` fails. Put after `local` in
   the chain, it shows whether the host rolls back what local wrote. */
#include <mbhost/exporter.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const mb_host *host;

static const char *const modes[] = {"stall", "fail", NULL};

static const mb_option options[] = {
    {"mode", MB_OPT_CHOICE, "stall", "stall until interrupted, or fail", 0,
     modes},
    {"marker", MB_OPT_PATH, NULL, "file written once the export has begun", 0,
     NULL},
    {NULL, 0, NULL, NULL, 0, NULL}};

static int stall_export(void *self, mb_call *call) {
  (void)self;
  if (strcmp(host->option(call, "mode"), "fail") == 0) {
    host->set_error(call, "failing on purpose");
    return MB_ERROR;
  }
  const char *marker = host->option(call, "marker");
  FILE *f = marker ? fopen(marker, "w") : NULL;
  if (f) fclose(f);
  while (!host->cancelled(call))
    usleep(20000);
  return MB_CANCELLED;
}

static const mb_exporter exporter = {.options = options,
                                     .export_artifacts = stall_export};

static int stall_init(const mb_host *h, mb_call *call, void **self) {
  (void)call;
  host = h;
  *self = NULL;
  return MB_OK;
}

static const void *stall_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_EXPORTER_INTERFACE) == 0 ? &exporter : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXPORTER,
    .id = "org.example.stall",
    .name = "stall",
    .version = "1.0.0",
    .description = "stalls or fails an export (tests only)",
    .init = stall_init,
    .get_interface = stall_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
