/* A plugin that crashes as soon as the host calls its entry. Each load
   attempt is first recorded in $MBHOST_TEST_LOAD_LOG (when set), so the test
   can tell a fresh scan from a cached verdict. */
#include <fcntl.h>
#include <mbhost/plugin.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void record_load(void) {
  const char *log = getenv("MBHOST_TEST_LOAD_LOG");
  int fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;
  if (fd >= 0) {
    (void)!write(fd, "load\n", 5);
    close(fd);
  }
}

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  (void)host_abi_major;
  return *(const mb_plugin *volatile *)NULL; /* SIGSEGV */
}
