/* s3_store: the s3 plugin's cache store (see s3_store.h). */
#include "s3_store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3_client.h"
#include "s3_config.h"
#include "s3_creds.h"
#include "s3_upload.h"

static const mb_option options[] = {
    S3_OPTION_BUCKET("bucket that holds the cache"),
    S3_OPTION_PREFIX("mbhost"),
    S3_OPTION_REGION,
    S3_OPTION_ENDPOINT,
    S3_OPTION_PATH_STYLE,
    S3_OPTION_MULTIPART_THRESHOLD,
    S3_OPTION_PART_SIZE,
    S3_OPTION_CONCURRENCY,
    S3_OPTION_RETRIES,
    S3_OPTION_CA_BUNDLE,
    S3_OPTION_TIMEOUT,
    {0},
};

typedef struct store {
  const mb_host *host;
  s3_config cfg;
  s3_credentials creds;
  char endpoint[512];   /* where requests go, for messages */
  pthread_mutex_t lock; /* guards the idle clients */
  s3_client **idle;
  size_t nidle, cap;
} store;

/* --- clients: one per call, kept for the next so connections are reused */

typedef struct hook_ctx {
  const mb_host *host;
  mb_call *call;
} hook_ctx;

/* The host says in one warning what a failed call means for the run; the
   client's retries and progress stay for -v. */
static void hook_log(void *ctx, int level, const char *message) {
  hook_ctx *hc = ctx;
  hc->host->log(hc->call, level == S3_LOG_ERROR ? MB_LOG_ERROR : MB_LOG_DEBUG,
                "%s", message);
}

static int hook_cancelled(void *ctx) {
  hook_ctx *hc = ctx;
  return hc->host->cancelled(hc->call);
}

static s3_client *lease(store *st, hook_ctx *hc, char *err, size_t cap) {
  const s3_hooks hooks = {hc, hook_log, hook_cancelled};
  s3_client *c = NULL;
  pthread_mutex_lock(&st->lock);
  if (st->nidle) c = st->idle[--st->nidle];
  pthread_mutex_unlock(&st->lock);
  if (c) {
    s3_client_set_hooks(c, &hooks);
    return c;
  }
  return s3_client_new(&st->cfg.settings, &st->creds, &hooks, err, cap);
}

static void give_back(store *st, s3_client *c) {
  pthread_mutex_lock(&st->lock);
  if (st->nidle == st->cap) {
    size_t cap = st->cap ? st->cap * 2 : 4;
    s3_client **grown = realloc(st->idle, cap * sizeof *grown);
    if (grown) st->idle = grown, st->cap = cap;
  }
  if (st->nidle < st->cap) {
    st->idle[st->nidle++] = c;
    c = NULL;
  }
  pthread_mutex_unlock(&st->lock);
  s3_client_free(c);
}

/* --- names and outcomes ------------------------------------------------- */

static int is_hex64(const char *s) {
  return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* PREFIX/cas/<sha256> or PREFIX/ac/<key>; -1 for a namespace or name the
   interface does not have (both are 64 lowercase hex digits). */
static int object_key(const store *st, int ns, const char *name, char *out,
                      size_t cap) {
  if ((ns != MB_STORE_CAS && ns != MB_STORE_AC) || !is_hex64(name)) return -1;
  snprintf(out, cap, "%s%s%s/%s", st->cfg.prefix, *st->cfg.prefix ? "/" : "",
           ns == MB_STORE_CAS ? "cas" : "ac", name);
  return 0;
}

static int bad_name(store *st, mb_call *call, int ns, const char *name) {
  st->host->set_error(call, "no object name for namespace %d and name '%s'", ns,
                      name ? name : "(null)");
  return MB_ERROR;
}

/* The error of a failed call, naming the bucket (in err: s3://bucket/key)
   and the endpoint, never a secret. */
static int failed(store *st, mb_call *call, const char *err) {
  st->host->set_error(call, "%s (endpoint %s)", err, st->endpoint);
  return MB_ERROR;
}

/* 404 is an object that is not there, unless the bucket is missing. */
static int outcome(store *st, mb_call *call, const s3_request *req, int run,
                   const char *err) {
  if (run == S3_RUN_OK) return MB_OK;
  if (run == S3_RUN_FAILED && req->status == 404 &&
      strcmp(req->xml.code, "NoSuchBucket") != 0)
    return MB_NOT_FOUND;
  if (req->status == 403 && !req->xml.code[0]) {
    /* A HEAD answer has no body to say why. */
    char why[2300];
    snprintf(why, sizeof why,
             "%s: the credentials were refused or may not read the bucket",
             err);
    return failed(st, call, why);
  }
  return failed(st, call, err);
}

/* --- the interface ------------------------------------------------------ */

static int store_get(void *self, mb_call *call, int ns, const char *name,
                     const char *path) {
  store *st = self;
  char key[1400], err[2048];
  if (object_key(st, ns, name, key, sizeof key) != 0)
    return bad_name(st, call, ns, name);
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    st->host->set_error(call, "cannot open %s: %s", path, strerror(errno));
    return MB_ERROR;
  }
  hook_ctx hc = {st->host, call};
  s3_client *c = lease(st, &hc, err, sizeof err);
  int rc = c ? MB_OK : failed(st, call, err);
  s3_download dl = {.fd = fd};
  s3_request req = {.fd = -1};
  if (rc == MB_OK && s3_request_set(&req, "GetObject", "GET", key, NULL, NULL,
                                    NULL, NULL) != 0) {
    st->host->set_error(call, "out of memory");
    rc = MB_ERROR;
  }
  if (rc == MB_OK) {
    req.download = &dl;
    int run = s3_perform(c, &req, 0, err, sizeof err);
    if (dl.write_failed) {
      st->host->set_error(call, "cannot write %s: %s", path,
                          strerror(dl.write_failed));
      rc = MB_ERROR;
    } else {
      rc = outcome(st, call, &req, run, err);
    }
  }
  s3_request_clear(&req);
  if (c) give_back(st, c);
  if (close(fd) != 0 && rc == MB_OK) {
    st->host->set_error(call, "cannot write %s: %s", path, strerror(errno));
    rc = MB_ERROR;
  }
  return rc;
}

static int store_put(void *self, mb_call *call, int ns, const char *name,
                     const char *path, uint64_t size) {
  store *st = self;
  char key[1400], err[2048];
  if (object_key(st, ns, name, key, sizeof key) != 0)
    return bad_name(st, call, ns, name);
  hook_ctx hc = {st->host, call};
  s3_client *c = lease(st, &hc, err, sizeof err);
  if (!c) return failed(st, call, err);
  s3_object o = {.path = path,
                 .key = key,
                 .content_type = ns == MB_STORE_AC ? "application/json"
                                                   : "application/octet-stream",
                 .size = size,
                 .fd = -1};
  int run = s3_upload_objects(c, &o, 1, &st->cfg.upload, err, sizeof err);
  /* An object whose ETag did not match what was sent is not left behind. */
  if (run != S3_RUN_OK && o.uploaded) s3_delete_uploaded(c, &o, 1);
  give_back(st, c);
  return run == S3_RUN_OK ? MB_OK : failed(st, call, err);
}

static int store_has(void *self, mb_call *call, int ns, const char *name) {
  store *st = self;
  char key[1400], err[2048];
  if (object_key(st, ns, name, key, sizeof key) != 0)
    return bad_name(st, call, ns, name);
  hook_ctx hc = {st->host, call};
  s3_client *c = lease(st, &hc, err, sizeof err);
  if (!c) return failed(st, call, err);
  s3_request req = {.fd = -1};
  int rc;
  if (s3_request_set(&req, "HeadObject", "HEAD", key, NULL, NULL, NULL, NULL) !=
      0) {
    st->host->set_error(call, "out of memory");
    rc = MB_ERROR;
  } else {
    rc = outcome(st, call, &req, s3_perform(c, &req, 0, err, sizeof err), err);
  }
  s3_request_clear(&req);
  give_back(st, c);
  return rc;
}

static void store_close(void *self) {
  store *st = self;
  if (!st) return;
  for (size_t i = 0; i < st->nidle; i++)
    s3_client_free(st->idle[i]);
  free(st->idle);
  s3_credentials_free(&st->creds);
  s3_config_free(&st->cfg);
  pthread_mutex_destroy(&st->lock);
  free(st);
}

/* Reads [cache.s3] and the credentials; no request is sent. */
static int store_open(void *self, mb_call *call, void **out) {
  const s3_host *h = self;
  *out = NULL;
  store *st = calloc(1, sizeof *st);
  if (!st) {
    h->host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  st->host = h->host;
  pthread_mutex_init(&st->lock, NULL);
  int rc = s3_config_read(&st->cfg, h->host, h->options, call);
  char err[1024];
  if (rc == MB_OK && s3_credentials_load(&st->creds, err, sizeof err) != 0) {
    h->host->set_error(call, "%s", err);
    rc = MB_ERROR;
  }
  if (rc != MB_OK) {
    store_close(st);
    return MB_ERROR;
  }
  const s3_settings *s = &st->cfg.settings;
  if (s->endpoint)
    snprintf(st->endpoint, sizeof st->endpoint, "%s", s->endpoint);
  else
    snprintf(st->endpoint, sizeof st->endpoint, "https://s3.%s.amazonaws.com",
             s->region);
  *out = st;
  return MB_OK;
}

static void store_describe(void *self, mb_call *call) {
  store *st = self;
  char url[1200], creds[1024];
  s3_object_url(&st->cfg.settings, st->cfg.prefix, url, sizeof url);
  const char *slash = *st->cfg.prefix ? "/" : "";
  st->host->log(call, MB_LOG_INFO,
                "remote cache %s%scas/<sha256>, %s%sac/<key>", url, slash, url,
                slash);
  s3_credentials_describe(creds, sizeof creds);
  st->host->log(call, MB_LOG_INFO, "endpoint %s, region %s, %s", st->endpoint,
                st->cfg.settings.region, creds);
}

const mb_cache_store s3_cache_store = {
    .options = options,
    .open = store_open,
    .describe = store_describe,
    .get = store_get,
    .put = store_put,
    .has = store_has,
    .close = store_close,
};
