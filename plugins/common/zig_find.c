#include "zig_find.h"

#include <stdio.h>
#include <string.h>

/* pip installs zig as a package, not as a command: its binary sits beside
   the package's __init__.py (that is what `python3 -m ziglang` runs). */
static int zig_from_python(const mb_process_service *proc, mb_call *call,
                           char *buf, size_t cap) {
  static const char *const argv[] = {
      "python3", "-c",
      "import os, ziglang; print(os.path.dirname(ziglang.__file__))", NULL};
  char dir[4096];
  mb_capture out = {.data = dir, .cap = sizeof dir};
  int status = 0;
  int rc = proc->run(call, argv, NULL, NULL, &out, NULL, &status);
  if (rc != MB_OK) return rc;
  if (status != 0 || out.truncated) return MB_ERROR;
  dir[strcspn(dir, "\n")] = '\0';
  char candidate[4096];
  if ((size_t)snprintf(candidate, sizeof candidate, "%s/zig", dir) >=
      sizeof candidate)
    return MB_ERROR;
  return proc->find_program(call, candidate, buf, cap);
}

int mb_zig_find(const mb_process_service *proc, mb_call *call,
                const char *program, char *buf, size_t cap) {
  if (proc->find_program(call, program, buf, cap) == MB_OK) return MB_OK;
  if (strchr(program, '/')) return MB_ERROR;
  return zig_from_python(proc, call, buf, cap);
}
