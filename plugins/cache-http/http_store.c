/*
 * mb-cache-http: the `http` cache store, a client of the Bazel HTTP cache
 * protocol (bazel-remote, BuildBuddy, Buildbarn, nginx with WebDAV PUT):
 * object NAME of the CAS is URL/cas/NAME, of the action cache URL/ac/NAME;
 * GET reads one (404: not there), PUT writes one, HEAD asks whether it
 * exists. This file is the glue: the [cache.http] options, the URL check
 * and "mb.cache-store/1"; http_request.c moves the bytes and http_auth.c
 * finds the credentials.
 */

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <mbhost/cache-store.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http_auth.h"
#include "http_request.h"

static const mb_option options[] = {
    {.key = "url",
     .type = MB_OPT_STRING,
     .help = "the cache server, http:// or https://, e.g. "
             "http://cache.example:8080/ (credentials never go here)",
     .flags = MB_OPT_REQUIRED},
    {.key = "connect_timeout",
     .type = MB_OPT_DURATION,
     .default_value = "5s",
     .help = "longest wait for a connection: what a server that is down "
             "costs a run",
     .min = "1s",
     .max = "5m"},
    {.key = "timeout",
     .type = MB_OPT_DURATION,
     .default_value = "10m",
     .help = "longest time one request (one object sent or received) may take",
     .min = "1s",
     .max = "24h"},
    {.key = "netrc",
     .type = MB_OPT_PATH,
     .help = "netrc file with the server's login (default: $NETRC, else "
             "~/.netrc)",
     .flags = MB_OPT_MUST_EXIST},
    {.key = "ca_bundle",
     .type = MB_OPT_PATH,
     .help = "CA certificates for an https server (default: the system's)",
     .flags = MB_OPT_MUST_EXIST},
    {0},
};

typedef struct http_plugin {
  const mb_host *host;
  const mb_options_service *options;
} http_plugin;

/* One open store: what open read, for the calls of the run. */
typedef struct http_store {
  const mb_host *host;
  char *base; /* "scheme://host[:port][/path]", no trailing '/' */
  char *ca_bundle;
  http_auth auth;
  http_settings settings;
  http_client *client;
} http_store;

/* --- configuration ------------------------------------------------------ */

static int is_loopback(const char *host) {
  return strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
         strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0;
}

static int has_control_chars(const char *s) {
  for (; *s; s++) {
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
  }
  return 0;
}

/* The parts of `url` this store uses. */
typedef struct url_parts {
  char *scheme, *user, *password, *host, *port, *path, *query, *fragment;
} url_parts;

static void url_parts_free(url_parts *u) {
  char *all[] = {u->scheme, u->user, u->password, u->host,
                 u->port,   u->path, u->query,    u->fragment};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    curl_free(all[i]);
}

static int parse_url(const char *url, url_parts *u) {
  *u = (url_parts){0};
  CURLU *h = curl_url();
  int ok = h && curl_url_set(h, CURLUPART_URL, url, 0) == CURLUE_OK &&
           curl_url_get(h, CURLUPART_SCHEME, &u->scheme, 0) == CURLUE_OK &&
           curl_url_get(h, CURLUPART_HOST, &u->host, 0) == CURLUE_OK;
  if (ok) {
    curl_url_get(h, CURLUPART_USER, &u->user, 0);
    curl_url_get(h, CURLUPART_PASSWORD, &u->password, 0);
    curl_url_get(h, CURLUPART_PORT, &u->port, 0);
    curl_url_get(h, CURLUPART_PATH, &u->path, 0);
    curl_url_get(h, CURLUPART_QUERY, &u->query, 0);
    curl_url_get(h, CURLUPART_FRAGMENT, &u->fragment, 0);
  }
  curl_url_cleanup(h);
  return ok ? 0 : -1;
}

/* Checks `url` and makes s->base from it; a bad one is a configuration
   error at its file:line. The messages never repeat a URL that carries a
   password. */
static int read_url(http_plugin *p, mb_call *call, http_store *s,
                    url_parts *u) {
  const mb_options_service *o = p->options;
  const char *url = o->get(call, "url");
  if (!url || !*url || has_control_chars(url) || parse_url(url, u) != 0) {
    o->error(call, "url", "is not a URL; write it as http://HOST:PORT/PATH");
    return MB_ERROR;
  }
  if (u->user || u->password) {
    o->error(call, "url",
             "has a user name or password in it; credentials never go in the "
             "INI (it is shown by --dry-run and in logs): set "
             "MBHOST_CACHE_HTTP_TOKEN, MBHOST_CACHE_HTTP_USER and "
             "MBHOST_CACHE_HTTP_PASSWORD, or use a netrc file");
    return MB_ERROR;
  }
  if (strcmp(u->scheme, "http") != 0 && strcmp(u->scheme, "https") != 0) {
    o->error(call, "url", "'%s': only http:// and https:// are supported", url);
    return MB_ERROR;
  }
  if (u->query || u->fragment) {
    o->error(call, "url",
             "'%s' has a query or fragment; objects are URL/cas/SHA256 and "
             "URL/ac/KEY, so the URL must end with its path",
             url);
    return MB_ERROR;
  }
  size_t plen = u->path ? strlen(u->path) : 0;
  while (plen && u->path[plen - 1] == '/')
    plen--;
  size_t n = strlen(u->scheme) + strlen(u->host) + plen + 32;
  if (!(s->base = malloc(n))) {
    p->host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  snprintf(s->base, n, "%s://%s%s%s%.*s", u->scheme, u->host,
           u->port ? ":" : "", u->port ? u->port : "", (int)plen,
           u->path ? u->path : "");
  return MB_OK;
}

static long option_seconds(http_plugin *p, mb_call *call, const char *key) {
  const char *v = p->options->get(call, key);
  return v ? strtol(v, NULL, 10) : 0;
}

static char *own_option(http_plugin *p, mb_call *call, const char *key) {
  const char *v = p->options->get(call, key);
  return v && *v ? strdup(v) : NULL;
}

static void store_free(http_store *s) {
  if (!s) return;
  http_client_free(s->client);
  http_auth_free(&s->auth);
  free(s->base);
  free(s->ca_bundle);
  free(s);
}

/* --- the interface ------------------------------------------------------ */

static int store_open(void *self, mb_call *call, void **out) {
  http_plugin *p = self;
  *out = NULL;
  http_store *s = calloc(1, sizeof *s);
  if (!s) {
    p->host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  s->host = p->host;
  url_parts u = {0};
  int rc = read_url(p, call, s, &u);
  char err[1024];
  if (rc == MB_OK) {
    char *netrc = own_option(p, call, "netrc");
    if (http_auth_load(&s->auth, u.host, netrc, err, sizeof err) != 0) {
      p->host->set_error(call, "%s", err);
      rc = MB_ERROR;
    }
    free(netrc);
  }
  /* Over plain http the credentials and the objects travel in clear:
     fine on this machine, worth a warning anywhere else. */
  if (rc == MB_OK && strcmp(u.scheme, "http") == 0 && !is_loopback(u.host) &&
      http_auth_sends_secrets(&s->auth))
    p->host->log(call, MB_LOG_WARN,
                 "%s is plain http: the credentials (%s) and the cached files "
                 "travel unencrypted; use https:// for a server on another "
                 "machine",
                 s->base, s->auth.source);
  url_parts_free(&u);
  if (rc == MB_OK) {
    s->ca_bundle = own_option(p, call, "ca_bundle");
    s->settings = (http_settings){
        .connect_timeout = option_seconds(p, call, "connect_timeout"),
        .timeout = option_seconds(p, call, "timeout"),
        .ca_bundle = s->ca_bundle,
        .auth = &s->auth};
    s->client = http_client_new(&s->settings);
    if (!s->client) {
      p->host->set_error(call, "out of memory");
      rc = MB_ERROR;
    }
  }
  if (rc != MB_OK) {
    store_free(s);
    return rc;
  }
  *out = s;
  return MB_OK;
}

static void store_describe(void *store, mb_call *call) {
  http_store *s = store;
  s->host->log(call, MB_LOG_INFO, "%s/ (Bazel HTTP cache: cas/, ac/)", s->base);
  s->host->log(call, MB_LOG_INFO, "credentials: %s", s->auth.source);
}

static void store_close(void *store) {
  store_free(store);
}

/* The host names CAS objects by SHA-256 and AC objects by its action key:
   both 64 lowercase hex digits. Anything else never reaches a URL. */
static int valid_name(const char *name) {
  return strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
}

static int call_cancelled(void *ctx) {
  void **pair = ctx;
  const mb_host *host = pair[0];
  return host->cancelled(pair[1]);
}

/* Performs `method` on object ns/name; MB_OK, MB_NOT_FOUND or MB_ERROR
   (with set_error). */
static int request(http_store *s, mb_call *call, const char *method, int ns,
                   const char *name, int fd, uint64_t size) {
  if ((ns != MB_STORE_CAS && ns != MB_STORE_AC) || !valid_name(name)) {
    s->host->set_error(call, "%s: no such object name in namespace %d", name,
                       ns);
    return MB_ERROR;
  }
  size_t n = strlen(s->base) + 80;
  char *url = malloc(n);
  if (!url) {
    s->host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  snprintf(url, n, "%s/%s/%s", s->base, ns == MB_STORE_AC ? "ac" : "cas", name);
  void *pair[2] = {(void *)s->host, call};
  int ac = ns == MB_STORE_AC;
  const http_request req = {.method = method,
                            .url = url,
                            .fd = fd,
                            .size = size,
                            .content_type = ac ? "application/json"
                                               : "application/octet-stream",
                            /* bazel-remote keeps action entries as protobuf and
                               answers JSON only to a GET that asks for it. */
                            .accept = ac ? "application/json" : NULL,
                            .cancelled = call_cancelled,
                            .ctx = pair};
  char err[1536];
  int outcome = http_perform(s->client, &req, err, sizeof err);
  free(url);
  if (outcome == HTTP_FAILED) s->host->set_error(call, "%s", err);
  return outcome == HTTP_OK          ? MB_OK
         : outcome == HTTP_NOT_FOUND ? MB_NOT_FOUND
                                     : MB_ERROR;
}

static int store_get(void *store, mb_call *call, int ns, const char *name,
                     const char *path) {
  http_store *s = store;
  /* The host created the file: never create one elsewhere. */
  int fd = open(path, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    s->host->set_error(call, "cannot open %s: %s", path, strerror(errno));
    return MB_ERROR;
  }
  int rc = request(s, call, "GET", ns, name, fd, 0);
  if (close(fd) != 0 && rc == MB_OK) {
    s->host->set_error(call, "cannot write %s: %s", path, strerror(errno));
    rc = MB_ERROR;
  }
  return rc;
}

static int store_put(void *store, mb_call *call, int ns, const char *name,
                     const char *path, uint64_t size) {
  http_store *s = store;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    s->host->set_error(call, "cannot read %s: %s", path, strerror(errno));
    if (fd >= 0) close(fd);
    return MB_ERROR;
  }
  int rc = MB_ERROR;
  if ((uint64_t)st.st_size != size)
    s->host->set_error(call, "%s has %lld bytes, not the %llu expected", path,
                       (long long)st.st_size, (unsigned long long)size);
  else
    rc = request(s, call, "PUT", ns, name, fd, size);
  close(fd);
  return rc;
}

static int store_has(void *store, mb_call *call, int ns, const char *name) {
  return request(store, call, "HEAD", ns, name, -1, 0);
}

/* --- descriptor --------------------------------------------------------- */

static const mb_cache_store cache_store = {.options = options,
                                           .open = store_open,
                                           .describe = store_describe,
                                           .get = store_get,
                                           .put = store_put,
                                           .has = store_has,
                                           .close = store_close};

static int http_init(const mb_host *host, mb_call *call, void **self) {
  *self = NULL;
  const mb_options_service *o = host->get_service(host, MB_OPTIONS_SERVICE);
  if (!o) {
    host->set_error(call,
                    "needs an mbhost with the " MB_OPTIONS_SERVICE
                    " service; this one is %s",
                    host->host_version);
    return MB_ERROR;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    host->set_error(call, "cannot initialize libcurl");
    return MB_ERROR;
  }
  http_plugin *p = calloc(1, sizeof *p);
  if (!p) {
    curl_global_cleanup();
    host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  p->host = host;
  p->options = o;
  *self = p;
  return MB_OK;
}

static void http_deinit(void *self) {
  if (!self) return;
  free(self);
  curl_global_cleanup();
}

static const void *http_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_CACHE_STORE_INTERFACE) == 0 ? &cache_store : NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_CACHE_STORE,
    .id = "org.mbhost.cache-store.http",
    .name = "http",
    .version = MBHOST_CACHE_HTTP_VERSION,
    .description = "a remote cache on a Bazel HTTP cache server",
    .init = http_init,
    .deinit = http_deinit,
    .get_interface = http_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
