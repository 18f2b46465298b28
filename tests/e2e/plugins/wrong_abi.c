/* A plugin built against a future ABI major: the host must refuse it with
   a message naming the file and both versions, and keep working. */
#include <mbhost/toolchain.h>
#include <string.h>

static const mb_toolchain toolchain = {0};

static int wrong_init(const mb_host *host, mb_call *call, void **self) {
  (void)host, (void)call, (void)self;
  return MB_ERROR;
}

static const void *wrong_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_TOOLCHAIN_INTERFACE) == 0 ? &toolchain : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR + 1,
    .kind = MB_KIND_TOOLCHAIN,
    .id = "org.example.future",
    .name = "future",
    .version = "9.0.0",
    .init = wrong_init,
    .get_interface = wrong_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  (void)host_abi_major;
  return &descriptor;
}
