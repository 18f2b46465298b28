/* dladdr (with _GNU_SOURCE, which the build defines) names the file this
   function was loaded from: the plugin's own .so. */
#include "beside.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

bool mb_beside_plugin(const char *name, char *buf, size_t cap) {
  Dl_info info;
  if (!dladdr((const void *)&mb_beside_plugin, &info) || !info.dli_fname)
    return false;
  const char *slash = strrchr(info.dli_fname, '/');
  int n =
      snprintf(buf, cap, "%.*s/%s", slash ? (int)(slash - info.dli_fname) : 1,
               slash ? info.dli_fname : ".", name);
  struct stat st;
  return n >= 0 && (size_t)n < cap && stat(buf, &st) == 0 &&
         S_ISREG(st.st_mode);
}
