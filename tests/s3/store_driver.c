/*
 * The cache-store contract driver: loads the s3 plugin with dlopen, as the
 * host does, and calls its "mb.cache-store/1" interface against a real S3
 * server, so tests/s3/store.sh checks the store apart from the host's
 * remote cache (which the end-to-end test tests/s3/remote_s3.sh drives).
 *
 *   s3_store_driver PLUGIN.so [KEY=VALUE...] -- OP ARGS...
 *
 * KEY=VALUE are [cache.s3] values, checked against the store's options
 * table (an unknown key is exit 2); values must already be in the host's
 * normalized form (sizes in bytes, durations in seconds), the table's
 * defaults are normalized here. The plugin is initialized as the host
 * initializes a plugin used only as a store: without an [export.s3].
 *
 *   put cas|ac NAME FILE   get cas|ac NAME FILE   has cas|ac NAME
 *   describe
 *   roundtrip FILE...      one thread per FILE, all at once: put it as the
 *                          blob of its SHA-256, has, get it back into
 *                          FILE.back, compare; has of a missing blob
 *
 * Prints OK, NOT_FOUND or ERROR: MESSAGE (exit 0, 4, 1); the plugin's log
 * lines go to stderr as LEVEL: MESSAGE; options errors as CONFIG KEY: ...
 * (exit 2).
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

struct mb_call {
  int with_options; /* 0: init, which has no [export.s3] */
  char error[4096];
  int config_error;
};

static char **keys, **values;
static size_t nvalues;
static const mb_option *table;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void host_log(mb_call *call, int level, const char *fmt, ...) {
  (void)call;
  static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};
  va_list ap;
  va_start(ap, fmt);
  pthread_mutex_lock(&log_lock);
  fprintf(stderr, "%s: ", level >= 0 && level < 4 ? names[level] : "?");
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
  return 0;
}

static const char *host_project(mb_call *call, const char *key) {
  (void)call, (void)key;
  return NULL;
}

/* A default as the host normalizes it: sizes in bytes, durations in
   seconds. */
static const char *normalized_default(const mb_option *o) {
  static char out[64][32];
  static int next;
  const char *v = o->default_value;
  if (!v || (o->type != MB_OPT_SIZE && o->type != MB_OPT_DURATION)) return v;
  char *end;
  unsigned long long n = strtoull(v, &end, 10);
  static const struct {
    const char *suffix;
    unsigned long long factor;
  } units[] = {{"KiB", 1ull << 10}, {"MiB", 1ull << 20},
               {"GiB", 1ull << 30}, {"s", 1},
               {"m", 60},           {"h", 3600}};
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcmp(end, units[i].suffix) == 0) n *= units[i].factor;
  char *slot = out[next++ % 64];
  snprintf(slot, sizeof out[0], "%llu", n);
  return slot;
}

static const mb_option *find_option(const char *key) {
  for (const mb_option *o = table; o && o->key; o++)
    if (strcmp(o->key, key) == 0) return o;
  return NULL;
}

static const char *opt_get(mb_call *call, const char *key) {
  if (!call->with_options) return NULL;
  const mb_option *o = find_option(key);
  if (!o) return NULL;
  for (size_t i = nvalues; i-- > 0;) /* the last one given wins */
    if (strcmp(keys[i], key) == 0) return values[i];
  return normalized_default(o);
}

static int opt_origin(mb_call *call, const char *key) {
  return opt_get(call, key) ? MB_ORIGIN_SECTION : MB_ORIGIN_UNSET;
}

static const char *const *opt_split(mb_call *call, const char *key, int mode,
                                    size_t *count) {
  (void)call, (void)key, (void)mode;
  static const char *const none[] = {NULL};
  if (count) *count = 0;
  return none;
}

static const char *const *opt_keys(mb_call *call, const char *prefix,
                                   size_t *count) {
  return opt_split(call, prefix, 0, count);
}

static void opt_error(mb_call *call, const char *key, const char *fmt, ...) {
  char msg[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  snprintf(call->error, sizeof call->error, "%s: %s", key ? key : "", msg);
  call->config_error = 1;
}

static const mb_options_service options_service = {
    opt_get, opt_origin, opt_split, opt_keys, opt_error};

static const void *host_get_service(const mb_host *host, const char *id) {
  (void)host;
  return strcmp(id, MB_OPTIONS_SERVICE) == 0 ? &options_service : NULL;
}

static const mb_host host = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .host_version = "store-driver",
    .log = host_log,
    .set_error = host_set_error,
    .cancelled = host_cancelled,
    .project = host_project,
    .get_service = host_get_service,
};

static const mb_cache_store *store_if;
static void *store;

static int report(int rc, const mb_call *call) {
  if (rc == MB_OK) {
    printf("OK\n");
    return 0;
  }
  if (rc == MB_NOT_FOUND) {
    printf("NOT_FOUND\n");
    return 4;
  }
  printf("ERROR: %s\n", call->error[0] ? call->error : "(no message)");
  return 1;
}

static int parse_ns(const char *s) {
  if (strcmp(s, "cas") == 0) return MB_STORE_CAS;
  if (strcmp(s, "ac") == 0) return MB_STORE_AC;
  fprintf(stderr, "namespace %s: cas or ac\n", s);
  exit(2);
}

/* An empty 0600 file, as the host hands get. */
static void create_empty(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || close(fd) != 0) {
    perror(path);
    exit(2);
  }
}

static int file_sha256(const char *path, char hex[65]) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
  unsigned char chunk[65536], digest[32];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    EVP_DigestUpdate(ctx, chunk, n);
  EVP_DigestFinal_ex(ctx, digest, NULL);
  EVP_MD_CTX_free(ctx);
  fclose(f);
  for (int i = 0; i < 32; i++)
    snprintf(hex + 2 * i, 3, "%02x", digest[i]);
  return 0;
}

typedef struct trip {
  const char *path;
  char problem[8400];
} trip;

/* put, has, get, compare, and has of a name never stored. */
static void *roundtrip(void *arg) {
  trip *t = arg;
  mb_call call = {.with_options = 1};
  char sha[65], back_sha[65], missing[65], back[4200];
  struct stat st;
  if (file_sha256(t->path, sha) != 0 || stat(t->path, &st) != 0) {
    snprintf(t->problem, sizeof t->problem, "cannot read %s", t->path);
    return NULL;
  }
  snprintf(back, sizeof back, "%s.back", t->path);
  memcpy(missing, sha, 65);
  missing[0] = missing[0] == '0' ? '1' : '0';
  int rc = store_if->put(store, &call, MB_STORE_CAS, sha, t->path,
                         (uint64_t)st.st_size);
  if (rc != MB_OK) {
    snprintf(t->problem, sizeof t->problem, "put %s: %d %s", t->path, rc,
             call.error);
    return NULL;
  }
  if ((rc = store_if->has(store, &call, MB_STORE_CAS, sha)) != MB_OK) {
    snprintf(t->problem, sizeof t->problem, "has %s: %d %s", sha, rc,
             call.error);
    return NULL;
  }
  if ((rc = store_if->has(store, &call, MB_STORE_CAS, missing)) !=
      MB_NOT_FOUND) {
    snprintf(t->problem, sizeof t->problem, "has of missing %s: %d %s", missing,
             rc, call.error);
    return NULL;
  }
  create_empty(back);
  if ((rc = store_if->get(store, &call, MB_STORE_CAS, sha, back)) != MB_OK) {
    snprintf(t->problem, sizeof t->problem, "get %s: %d %s", sha, rc,
             call.error);
    return NULL;
  }
  if (file_sha256(back, back_sha) != 0 || strcmp(sha, back_sha) != 0)
    snprintf(t->problem, sizeof t->problem, "%s came back as %s", t->path,
             back);
  return NULL;
}

static int run_roundtrips(char **paths, int n) {
  trip *trips = calloc((size_t)n, sizeof *trips);
  pthread_t *threads = calloc((size_t)n, sizeof *threads);
  if (!trips || !threads) return 2;
  for (int i = 0; i < n; i++) {
    trips[i].path = paths[i];
    if (pthread_create(&threads[i], NULL, roundtrip, &trips[i]) != 0) return 2;
  }
  int bad = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(threads[i], NULL);
    if (trips[i].problem[0]) {
      printf("ERROR: %s\n", trips[i].problem);
      bad = 1;
    }
  }
  free(trips);
  free(threads);
  if (!bad) printf("OK\n");
  return bad;
}

static int usage(void) {
  fprintf(stderr,
          "usage: s3_store_driver PLUGIN.so [KEY=VALUE...] -- OP ARGS...\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 4) return usage();
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  mb_plugin_entry_fn entry =
      lib ? (mb_plugin_entry_fn)dlsym(lib, MB_ENTRY_SYMBOL) : NULL;
  const mb_plugin *desc = entry ? entry(MB_ABI_MAJOR) : NULL;
  if (!desc) {
    fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
    return 2;
  }
  store_if = desc->get_interface(NULL, MB_CACHE_STORE_INTERFACE);
  if (!store_if) {
    fprintf(stderr, "%s has no " MB_CACHE_STORE_INTERFACE "\n", argv[1]);
    return 2;
  }
  table = store_if->options;
  int i = 2;
  keys = calloc((size_t)argc, sizeof *keys);
  values = calloc((size_t)argc, sizeof *values);
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) return usage();
    *eq = '\0';
    if (!find_option(argv[i])) {
      fprintf(stderr, "CONFIG %s: not in the store's options table\n", argv[i]);
      return 2;
    }
    keys[nvalues] = argv[i];
    values[nvalues++] = eq + 1;
  }
  if (i + 1 >= argc) return usage();
  char **op = &argv[i + 1];
  int nop = argc - i - 1;

  mb_call call = {0};
  void *self = NULL;
  if (desc->init(&host, &call, &self) != MB_OK) {
    printf("ERROR: init: %s\n", call.error);
    return 1;
  }
  if (self && desc->get_interface(self, MB_CACHE_STORE_INTERFACE) != store_if) {
    fprintf(stderr, "get_interface answers differently after init\n");
    return 2;
  }
  call = (mb_call){.with_options = 1};
  if (store_if->open(self, &call, &store) != MB_OK) {
    printf("%s %s\n",
           call.config_error ? "CONFIG" : "ERROR: open:", call.error);
    if (desc->deinit) desc->deinit(self);
    return call.config_error ? 2 : 1;
  }
  int rc;
  if (strcmp(op[0], "put") == 0 && nop == 4) {
    struct stat st;
    if (stat(op[3], &st) != 0) {
      perror(op[3]);
      return 2;
    }
    rc = report(store_if->put(store, &call, parse_ns(op[1]), op[2], op[3],
                              (uint64_t)st.st_size),
                &call);
  } else if (strcmp(op[0], "get") == 0 && nop == 4) {
    create_empty(op[3]);
    int got = store_if->get(store, &call, parse_ns(op[1]), op[2], op[3]);
    if (got != MB_OK) unlink(op[3]); /* as the host does */
    rc = report(got, &call);
  } else if (strcmp(op[0], "has") == 0 && nop == 3) {
    rc = report(store_if->has(store, &call, parse_ns(op[1]), op[2]), &call);
  } else if (strcmp(op[0], "describe") == 0 && nop == 1) {
    store_if->describe(store, &call);
    rc = 0;
  } else if (strcmp(op[0], "roundtrip") == 0 && nop >= 2) {
    rc = run_roundtrips(op + 1, nop - 1);
  } else {
    rc = usage();
  }
  store_if->close(store);
  if (desc->deinit) desc->deinit(self);
  free(keys);
  free(values);
  return rc;
}
