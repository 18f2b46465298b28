/* A plugin whose library constructor never returns (as one waiting on a
   network licence server would): dlopen itself blocks. The host must stop
   waiting, refuse it, and keep working. */
#include <mbhost/plugin.h>
#include <unistd.h>

__attribute__((constructor)) static void block_forever(void) {
  for (;;)
    pause();
}

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  (void)host_abi_major;
  return NULL;
}
