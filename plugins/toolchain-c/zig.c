#include "zig.h"

#include "beside.h"
#include "zig_find.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZIG_PATH_CAP 4096

bool c_is_zig(const char *program) {
  const char *slash = strrchr(program, '/');
  const char *name = slash ? slash + 1 : program;
  return strcmp(name, "zig") == 0;
}

static int run_capture(const mb_process_service *proc, mb_call *call,
                       const char *const *argv, const char *cwd, char *out,
                       size_t cap) {
  mb_capture capture = {.data = out, .cap = cap};
  int status = 0;
  int rc = proc->run(call, argv, NULL, cwd, &capture, NULL, &status);
  if (rc != MB_OK) return rc;
  return status == 0 && !capture.truncated ? MB_OK : MB_ERROR;
}

/* `zig env` prints lib_dir as JSON ("lib_dir": "...") in older releases
   and as ZON (.lib_dir = "...") since 0.15; the value is a string either
   way, relative to where zig ran when zig found it relative. */
static bool env_lib_dir(const char *text, char *buf, size_t cap) {
  const char *at = strstr(text, "lib_dir");
  if (!at) return false;
  at += strlen("lib_dir");
  at += strspn(at, "\" \t:=");
  if (at[-1] != '"' && *at != '"') return false;
  if (*at == '"') at++;
  size_t len = strcspn(at, "\"\n");
  if (at[len] != '"' || len == 0 || len >= cap) return false;
  snprintf(buf, cap, "%.*s", (int)len, at);
  return true;
}

static int zig_lib_dir(const mb_host *host, const mb_process_service *proc,
                       mb_call *call, const char *zig, char *buf, size_t cap) {
  const char *argv[] = {zig, "env", NULL};
  char dir[ZIG_PATH_CAP], out[16384], found[ZIG_PATH_CAP],
      joined[2 * ZIG_PATH_CAP + 2];
  snprintf(dir, sizeof dir, "%.*s", (int)(strrchr(zig, '/') - zig), zig);
  int rc = run_capture(proc, call, argv, dir, out, sizeof out);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK || !env_lib_dir(out, found, sizeof found)) {
    host->set_error(call, "`%s env` did not say where zig's lib folder is",
                    zig);
    return MB_ERROR;
  }
  if (found[0] == '/')
    snprintf(joined, sizeof joined, "%s", found);
  else
    snprintf(joined, sizeof joined, "%s/%s", dir, found);
  if (!realpath(joined, buf) || strlen(buf) >= cap) {
    host->set_error(call, "zig's lib folder %s does not exist", joined);
    return MB_ERROR;
  }
  return MB_OK;
}

int c_zig_probe(const mb_host *host, const mb_process_service *proc,
                mb_call *call, const mb_probe_services *probe,
                const char *program) {
  char zig[ZIG_PATH_CAP], version[256], lib[PATH_MAX];
  int rc = mb_zig_find(proc, call, program, zig, sizeof zig);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK) {
    host->set_error(call,
                    "zig (set by `cc`) not found in PATH nor as the Python "
                    "package ziglang: install it with `pip install "
                    "ziglang` (see docs/toolchain-c.md)");
    return MB_UNSUPPORTED;
  }
  const char *argv[] = {zig, "version", NULL};
  rc = run_capture(proc, call, argv, NULL, version, sizeof version);
  if (rc == MB_CANCELLED) return rc;
  if (rc != MB_OK) {
    host->set_error(call, "`%s version` failed", zig);
    return MB_ERROR;
  }
  version[strcspn(version, "\n")] = '\0';
  if ((rc = zig_lib_dir(host, proc, call, zig, lib, sizeof lib)) != MB_OK)
    return rc;
  probe->set_fact(call, "zig", zig);
  probe->set_fact(call, "zig.version", version);
  probe->set_fact(call, "zig.lib_dir", lib);
  probe->depends_on(call, zig);
  char wrapper[PATH_MAX];
  if (mb_beside_plugin(C_ZIG_MAKE_CC, wrapper, sizeof wrapper)) {
    probe->set_fact(call, "zig.make_cc", wrapper);
    probe->depends_on(call, wrapper);
  }
  /* zig compiles each target's C library from this tree: its headers and
     sources are as much the compiler as the binary is. */
  probe->depends_on_tree(call, lib);
  return MB_OK;
}
