/* An exporter for tests: `mode = stall` writes `marker` and then waits
   until the run is interrupted; `mode = fail` fails. Put after `local` in
   the chain, it shows whether the host rolls back what local wrote. */

#include <mbhost/exporter.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const mb_host *host;
static const mb_options_service *options;

static const char *const modes[] = {"stall", "fail", NULL};

static const mb_option stall_options[] = {
    {.key = "mode",
     .type = MB_OPT_CHOICE,
     .default_value = "stall",
     .help = "stall until interrupted, or fail",
     .choices = modes},
    {.key = "marker",
     .type = MB_OPT_PATH,
     .help = "file written once the export has begun"},
    {0}};

static int stall_export(void *self, mb_call *call,
                        const mb_export_services *svc) {
  (void)self, (void)svc;
  if (strcmp(options->get(call, "mode"), "fail") == 0) {
    host->set_error(call, "failing on purpose");
    return MB_ERROR;
  }
  const char *marker = options->get(call, "marker");
  FILE *f = marker ? fopen(marker, "w") : NULL;
  if (f) fclose(f);
  while (!host->cancelled(call))
    usleep(20000);
  return MB_CANCELLED;
}

static const mb_exporter exporter = {.options = stall_options,
                                     .export_artifacts = stall_export};

static int stall_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  options = h->get_service(h, MB_OPTIONS_SERVICE);
  *self = NULL;
  if (options) return MB_OK;
  h->set_error(call, "needs the " MB_OPTIONS_SERVICE " service");
  return MB_ERROR;
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
