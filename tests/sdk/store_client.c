/*
 * store_client: drives any plugin that implements "mb.cache-store/1"
 * (sdk-headers/mbhost/cache-store.h) the way the host does, without the
 * host: it dlopens the plugin, hands it a minimal mb_host whose options
 * come from -o KEY=VALUE (the last one of a key wins; sizes and durations
 * normalized as the host does), and runs one command. As the host, it
 * shows the options to init only for a plugin of kind cache store (the s3
 * exporter, used only as a store, is initialized without a section). A
 * contract test for cache stores against real servers
 * (tests/cache-http/store.sh, tests/s3/store.sh).
 *
 *   store_client PLUGIN.so [-o KEY=VALUE]... [-c] COMMAND
 *     describe
 *     has cas|ac NAME
 *     get cas|ac NAME FILE     FILE is created empty (0600) first and
 *                              removed after anything but ok, as the host does
 *     put cas|ac NAME FILE
 *     parallel FILE...         one thread per FILE, all at once: put it as
 *                              cas/<its sha256>, has, get it back, compare
 *   -c  the run counts as interrupted (mb_host.cancelled answers 1)
 *
 * Prints "ok", "not-found" or "error: MESSAGE"; exits 0, 4 (not found),
 * 1 (error), 2 (an options error, printed as "config:LINE: KEY: ..."),
 * 3 (usage). Plugin log lines go to stderr as "LEVEL: message".
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <mbhost/cache-store.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_OPTIONS 32

struct mb_call {
  int with_options; /* 0 in init of a plugin of another kind */
  char error[4096];
};

static const char *opt_keys[MAX_OPTIONS], *opt_values[MAX_OPTIONS];
static int opt_count, interrupted, config_errors;
static const mb_option *table;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sizes are read back in bytes and durations in whole seconds, as the
   host normalizes them. */
static const char *normalized(const mb_option *o, const char *v) {
  static __thread char out[4][32];
  static __thread int next;
  if (!v || (o->type != MB_OPT_DURATION && o->type != MB_OPT_SIZE)) return v;
  static const struct {
    const char *suffix;
    unsigned long long factor;
  } units[] = {
      {"KiB", 1ull << 10}, {"MiB", 1ull << 20}, {"GiB", 1ull << 30}, {"s", 1},
      {"m", 60},           {"h", 3600},         {"d", 86400}};
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcmp(end, units[i].suffix) == 0) n *= units[i].factor;
  char *slot = out[next++ % 4];
  snprintf(slot, sizeof out[0], "%llu", n);
  return slot;
}

static const mb_option *find_option(const char *key) {
  for (const mb_option *o = table; o && o->key; o++) {
    if (strcmp(o->key, key) == 0) return o;
  }
  return NULL;
}

static const char *opt_get(mb_call *call, const char *key) {
  const mb_option *o = call->with_options ? find_option(key) : NULL;
  if (!o) return NULL;
  for (int i = opt_count; i-- > 0;) {
    if (strcmp(opt_keys[i], key) == 0) return normalized(o, opt_values[i]);
  }
  return normalized(o, o->default_value);
}

static int opt_origin(mb_call *call, const char *key) {
  (void)call;
  for (int i = 0; i < opt_count; i++) {
    if (strcmp(opt_keys[i], key) == 0) return MB_ORIGIN_SECTION;
  }
  const mb_option *o = find_option(key);
  return o && o->default_value ? MB_ORIGIN_DEFAULT : MB_ORIGIN_UNSET;
}

static const char *const no_items[] = {NULL};

static const char *const *opt_split(mb_call *call, const char *key, int mode,
                                    size_t *count) {
  (void)call, (void)key, (void)mode;
  if (count) *count = 0;
  return no_items;
}

static const char *const *opt_keys_fn(mb_call *call, const char *prefix,
                                      size_t *count) {
  (void)call, (void)prefix;
  if (count) *count = 0;
  return no_items;
}

/* The line of an option is its position among the -o arguments. */
static void opt_error(mb_call *call, const char *key, const char *fmt, ...) {
  (void)call;
  int line = 0;
  for (int i = 0; i < opt_count; i++) {
    if (strcmp(opt_keys[i], key) == 0) line = i + 1;
  }
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "config:%d: %s: ", line, key);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  config_errors++;
}

static const mb_options_service options_service = {
    opt_get, opt_origin, opt_split, opt_keys_fn, opt_error};

static void host_log(mb_call *call, int level, const char *fmt, ...) {
  (void)call;
  static const char *names[] = {"error", "warning", "info", "debug"};
  va_list ap;
  va_start(ap, fmt);
  pthread_mutex_lock(&log_lock);
  fprintf(stderr, "%s: ", level >= 0 && level <= 3 ? names[level] : "?");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  pthread_mutex_unlock(&log_lock);
  va_end(ap);
}

static void host_set_error(mb_call *call, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(call->error, sizeof call->error, fmt, ap);
  va_end(ap);
}

static int host_cancelled(mb_call *call) {
  (void)call;
  return interrupted;
}

static const char *host_project(mb_call *call, const char *key) {
  (void)call;
  return strcmp(key, "name") == 0 ? "store-client" : NULL;
}

static const void *host_get_service(const mb_host *host, const char *id) {
  (void)host;
  return strcmp(id, MB_OPTIONS_SERVICE) == 0 ? &options_service : NULL;
}

static const mb_host host = {.abi_major = MB_ABI_MAJOR,
                             .abi_minor = MB_ABI_MINOR,
                             .host_version = "store-client",
                             .log = host_log,
                             .set_error = host_set_error,
                             .cancelled = host_cancelled,
                             .project = host_project,
                             .get_service = host_get_service};

static const mb_cache_store *iface;
static void *store;

static int report(int rc, const mb_call *call) {
  if (rc == MB_OK) {
    printf("ok\n");
    return 0;
  }
  if (rc == MB_NOT_FOUND) {
    printf("not-found\n");
    return 4;
  }
  printf("error: %s\n", call->error);
  return 1;
}

static int parse_ns(const char *s) {
  return strcmp(s, "cas") == 0  ? MB_STORE_CAS
         : strcmp(s, "ac") == 0 ? MB_STORE_AC
                                : -1;
}

/* As the host does: an empty 0600 file, removed unless the get worked. */
static int do_get(int ns, const char *name, const char *path, mb_call *call) {
  unlink(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    host_set_error(call, "cannot create %s", path);
    return MB_ERROR;
  }
  close(fd);
  int rc = iface->get(store, call, ns, name, path);
  if (rc != MB_OK) unlink(path);
  return rc;
}

static int do_put(int ns, const char *name, const char *path, mb_call *call) {
  struct stat st;
  if (stat(path, &st) != 0) {
    host_set_error(call, "cannot stat %s", path);
    return MB_ERROR;
  }
  return iface->put(store, call, ns, name, path, (uint64_t)st.st_size);
}

static int sha256_file(const char *path, char hex[65]) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  unsigned char buf[65536], md[32];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    EVP_DigestUpdate(ctx, buf, n);
  EVP_DigestFinal_ex(ctx, md, NULL);
  EVP_MD_CTX_free(ctx);
  fclose(f);
  for (int i = 0; i < 32; i++)
    sprintf(hex + 2 * i, "%02x", md[i]);
  return 0;
}

static int same_files(const char *a, const char *b) {
  char ha[65], hb[65];
  return sha256_file(a, ha) == 0 && sha256_file(b, hb) == 0 &&
         strcmp(ha, hb) == 0;
}

typedef struct job {
  pthread_t thread;
  const char *path;
  mb_call call;
  int failed;
} job;

/* put, has, get, compare: one file's round trip on its own thread. */
static void *round_trip(void *arg) {
  job *j = arg;
  char name[65], back[4096];
  snprintf(back, sizeof back, "%s.back", j->path);
  if (sha256_file(j->path, name) != 0) {
    snprintf(j->call.error, sizeof j->call.error, "cannot read %s", j->path);
  } else if (do_put(MB_STORE_CAS, name, j->path, &j->call) != MB_OK ||
             iface->has(store, &j->call, MB_STORE_CAS, name) != MB_OK ||
             do_get(MB_STORE_CAS, name, back, &j->call) != MB_OK) {
    /* the message is in j->call */
  } else if (!same_files(j->path, back)) {
    snprintf(j->call.error, sizeof j->call.error, "%s came back different",
             j->path);
  } else {
    return NULL;
  }
  j->failed = 1;
  return NULL;
}

static int do_parallel(char **files, int count) {
  job *jobs = calloc((size_t)count, sizeof *jobs);
  for (int i = 0; i < count; i++) {
    jobs[i].path = files[i];
    jobs[i].call.with_options = 1;
    pthread_create(&jobs[i].thread, NULL, round_trip, &jobs[i]);
  }
  int failed = 0;
  for (int i = 0; i < count; i++) {
    pthread_join(jobs[i].thread, NULL);
    if (jobs[i].failed) {
      printf("error: %s\n", jobs[i].call.error);
      failed = 1;
    }
  }
  free(jobs);
  if (!failed) printf("ok\n");
  return failed;
}

static int usage(void) {
  fprintf(stderr, "usage: store_client PLUGIN.so [-o KEY=VALUE]... [-c] "
                  "describe | has NS NAME | get NS NAME FILE | put NS NAME "
                  "FILE | parallel FILE...\n");
  return 3;
}

int main(int argc, char **argv) {
  int i = 2;
  if (argc < 3) return usage();
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-c") == 0) {
      interrupted = 1;
    } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc &&
               strchr(argv[i + 1], '=') && opt_count < MAX_OPTIONS) {
      char *kv = argv[++i];
      *strchr(kv, '=') = '\0';
      opt_keys[opt_count] = kv;
      opt_values[opt_count++] = kv + strlen(kv) + 1;
    } else {
      return usage();
    }
  }
  if (i >= argc) return usage();
  void *so = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  mb_plugin_entry_fn entry =
      so ? (mb_plugin_entry_fn)(uintptr_t)dlsym(so, MB_ENTRY_SYMBOL) : NULL;
  const mb_plugin *desc = entry ? entry(MB_ABI_MAJOR) : NULL;
  iface = desc ? desc->get_interface(NULL, MB_CACHE_STORE_INTERFACE) : NULL;
  if (!iface) {
    fprintf(stderr, "store_client: %s: no %s (%s)\n", argv[1],
            MB_CACHE_STORE_INTERFACE, so ? "no interface" : dlerror());
    return 3;
  }
  table = iface->options;
  for (int k = 0; k < opt_count; k++) {
    if (!find_option(opt_keys[k])) {
      fprintf(stderr, "config:%d: %s: unknown key\n", k + 1, opt_keys[k]);
      return 2;
    }
  }
  mb_call call = {.with_options = desc->kind == MB_KIND_CACHE_STORE};
  void *self = NULL;
  if (desc->init(&host, &call, &self) != MB_OK) {
    printf("error: init: %s\n", call.error);
    return 1;
  }
  if (self && desc->get_interface(self, MB_CACHE_STORE_INTERFACE) != iface) {
    fprintf(stderr, "store_client: get_interface answers differently after "
                    "init\n");
    return 3;
  }
  call = (mb_call){.with_options = 1};
  int rc = iface->open(self, &call, &store);
  if (config_errors || rc != MB_OK) {
    if (!config_errors) printf("error: open: %s\n", call.error);
    if (desc->deinit) desc->deinit(self);
    return config_errors ? 2 : 1;
  }
  const char *cmd = argv[i++];
  int n = argc - i, ns = n >= 1 ? parse_ns(argv[i]) : -1, status;
  if (strcmp(cmd, "describe") == 0 && n == 0) {
    if (iface->describe) iface->describe(store, &call);
    status = 0;
  } else if (strcmp(cmd, "has") == 0 && n == 2 && ns >= 0) {
    status = report(iface->has(store, &call, ns, argv[i + 1]), &call);
  } else if (strcmp(cmd, "get") == 0 && n == 3 && ns >= 0) {
    status = report(do_get(ns, argv[i + 1], argv[i + 2], &call), &call);
  } else if (strcmp(cmd, "put") == 0 && n == 3 && ns >= 0) {
    status = report(do_put(ns, argv[i + 1], argv[i + 2], &call), &call);
  } else if (strcmp(cmd, "parallel") == 0 && n >= 1) {
    status = do_parallel(argv + i, n);
  } else {
    status = usage();
  }
  if (iface->close) iface->close(store);
  if (desc->deinit) desc->deinit(self);
  return status;
}
