/* A cache store in a local folder, for tests of the host's remote cache
   logic (tests/e2e/remote_cache.sh): [cache.folder] path = DIR keeps
   objects as DIR/cas/<name> and DIR/ac/<name>, each written aside and
   renamed into place. A DIR that does not exist is a store that is down:
   every call is MB_ERROR. With $MBHOST_TEST_STORE_LOG set, each call
   appends "get|put|has cas|ac NAME" to that file. */
#include <errno.h>
#include <fcntl.h>
#include <mbhost/cache-store.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const mb_host *host;
static const mb_options_service *opts;

static const mb_option folder_options[] = {
    {.key = "path",
     .type = MB_OPT_PATH,
     .help = "the folder that holds the objects",
     .flags = MB_OPT_REQUIRED},
    {0}};

typedef struct folder {
  char dir[4096];
} folder;

static const char *ns_name(int ns) {
  return ns == MB_STORE_CAS ? "cas" : "ac";
}

static void note(const char *op, int ns, const char *name) {
  const char *path = getenv("MBHOST_TEST_STORE_LOG");
  FILE *f = path ? fopen(path, "a") : NULL;
  if (f) fprintf(f, "%s %s %s\n", op, ns_name(ns), name), fclose(f);
}

static int copy(int in, int out) {
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) return -1;
  return n < 0 ? -1 : 0;
}

static int reachable(folder *f, mb_call *call) {
  struct stat st;
  if (stat(f->dir, &st) == 0 && S_ISDIR(st.st_mode)) return MB_OK;
  host->set_error(call, "cannot reach %s: %s", f->dir, strerror(errno));
  return MB_ERROR;
}

static int folder_open(void *self, mb_call *call, void **store) {
  (void)self;
  folder *f = calloc(1, sizeof *f);
  const char *path = opts->get(call, "path");
  if (!f || !path) {
    free(f);
    host->set_error(call, "no path");
    return MB_ERROR;
  }
  snprintf(f->dir, sizeof f->dir, "%s", path);
  *store = f;
  return MB_OK;
}

static void folder_describe(void *store, mb_call *call) {
  host->log(call, MB_LOG_INFO, "folder %s", ((folder *)store)->dir);
}

static int folder_get(void *store, mb_call *call, int ns, const char *name,
                      const char *path) {
  folder *f = store;
  note("get", ns, name);
  if (reachable(f, call) != MB_OK) return MB_ERROR;
  char src[8192];
  snprintf(src, sizeof src, "%s/%s/%s", f->dir, ns_name(ns), name);
  int in = open(src, O_RDONLY);
  if (in < 0) return MB_NOT_FOUND;
  int out = open(path, O_WRONLY | O_TRUNC);
  int rc = out >= 0 && copy(in, out) == 0 ? MB_OK : MB_ERROR;
  if (rc != MB_OK) host->set_error(call, "cannot copy %s", src);
  close(in);
  if (out >= 0) close(out);
  return rc;
}

static int folder_put(void *store, mb_call *call, int ns, const char *name,
                      const char *path, uint64_t size) {
  folder *f = store;
  (void)size;
  note("put", ns, name);
  if (reachable(f, call) != MB_OK) return MB_ERROR;
  char dir[8192], tmp[8300], dst[8300];
  snprintf(dir, sizeof dir, "%s/%s", f->dir, ns_name(ns));
  mkdir(dir, 0700);
  snprintf(tmp, sizeof tmp, "%s/.tmp-XXXXXX", dir);
  snprintf(dst, sizeof dst, "%s/%s", dir, name);
  int out = mkstemp(tmp);
  int in = open(path, O_RDONLY);
  int rc = out >= 0 && in >= 0 && copy(in, out) == 0 ? MB_OK : MB_ERROR;
  if (in >= 0) close(in);
  if (out >= 0 && close(out) != 0) rc = MB_ERROR;
  if (rc == MB_OK && rename(tmp, dst) != 0) rc = MB_ERROR;
  if (rc != MB_OK) {
    if (out >= 0) unlink(tmp);
    host->set_error(call, "cannot write %s: %s", dst, strerror(errno));
  }
  return rc;
}

static int folder_has(void *store, mb_call *call, int ns, const char *name) {
  folder *f = store;
  note("has", ns, name);
  if (reachable(f, call) != MB_OK) return MB_ERROR;
  char path[8192];
  struct stat st;
  snprintf(path, sizeof path, "%s/%s/%s", f->dir, ns_name(ns), name);
  return stat(path, &st) == 0 ? MB_OK : MB_NOT_FOUND;
}

static void folder_close(void *store) {
  free(store);
}

static const mb_cache_store folder_store = {.options = folder_options,
                                            .open = folder_open,
                                            .describe = folder_describe,
                                            .get = folder_get,
                                            .put = folder_put,
                                            .has = folder_has,
                                            .close = folder_close};

static int folder_init(const mb_host *h, mb_call *call, void **self) {
  (void)call;
  host = h;
  opts = h->get_service(h, MB_OPTIONS_SERVICE);
  *self = NULL;
  return opts ? MB_OK : MB_ERROR;
}

static const void *folder_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_CACHE_STORE_INTERFACE) == 0 ? &folder_store : NULL;
}

static const mb_plugin folder_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_CACHE_STORE,
    .id = "org.mbhost.test.cache-store.folder",
    .name = "folder",
    .version = "1.0.0",
    .description = "a cache store in a local folder (tests)",
    .init = folder_init,
    .get_interface = folder_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &folder_plugin : NULL;
}
