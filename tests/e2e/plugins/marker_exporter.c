/* An exporter that says when it is loaded: its constructor appends a line
   to $MBHOST_TEST_MARKER. tests/e2e/abi_services.sh checks that a run
   loads only the plugins its config names. */
#include <mbhost/exporter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((constructor)) static void note_load(void) {
  const char *path = getenv("MBHOST_TEST_MARKER");
  FILE *f = path ? fopen(path, "a") : NULL;
  if (f) fputs("loaded\n", f), fclose(f);
}

static const mb_option marker_options[] = {{0}};

static int marker_export(void *self, mb_call *call,
                         const mb_export_services *svc) {
  (void)self;
  mb_artifact a = {.struct_size = sizeof a};
  for (size_t i = 0; i < svc->artifact_count(call); i++)
    if (svc->artifact_get(call, i, &a) != MB_OK ||
        svc->emit_artifact(call, &a) != MB_OK)
      return MB_ERROR;
  return MB_OK;
}

static const mb_exporter marker = {.options = marker_options,
                                   .export_artifacts = marker_export};

static int marker_init(const mb_host *h, mb_call *call, void **self) {
  (void)h, (void)call;
  *self = NULL;
  return MB_OK;
}

static const void *marker_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_EXPORTER_INTERFACE) == 0 ? &marker : NULL;
}

static const mb_plugin marker_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXPORTER,
    .id = "org.example.exporter.marker",
    .name = "marker",
    .version = "1.0.0",
    .description = "passes artifacts on; notes each load",
    .init = marker_init,
    .get_interface = marker_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &marker_plugin : NULL;
}
