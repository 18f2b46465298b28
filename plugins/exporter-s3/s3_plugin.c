/*
 * mb-exporter-s3: the `s3` exporter. Glue between mbhost and the S3 code:
 * the [export.s3] options, how artifacts map to object keys, describe (dry
 * run), and export (upload, verify, emit each artifact again with its
 * s3:// url). On failure or interrupt it removes the objects it uploaded in
 * this call, as the exporter contract asks. The same plugin hands out the
 * cache store "mb.cache-store/1" (s3_store.c) for [cache] remote = s3.
 *
 * Key of an artifact: PREFIX/ + (for an artifact of one target whose name
 * has no folder and which is not an archive or checksums file: OS/ARCH/) +
 * NAME. So build outputs land as PREFIX/linux/amd64/hello (the local
 * layout), archives and checksums, whose names already say the target, as
 * PREFIX/hello_1.0_linux_amd64.tar.gz.
 */

#include <curl/curl.h>
#include <mbhost/exporter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "s3_client.h"
#include "s3_config.h"
#include "s3_creds.h"
#include "s3_store.h"
#include "s3_upload.h"

static const char *const acl_choices[] = {"private",
                                          "public-read",
                                          "public-read-write",
                                          "authenticated-read",
                                          "aws-exec-read",
                                          "bucket-owner-read",
                                          "bucket-owner-full-control",
                                          NULL};

static const mb_option options[] = {
    S3_OPTION_BUCKET("bucket to upload to"),
    S3_OPTION_PREFIX("releases/${GITHUB_REF_NAME}"),
    S3_OPTION_REGION,
    S3_OPTION_ENDPOINT,
    S3_OPTION_PATH_STYLE,
    S3_OPTION_MULTIPART_THRESHOLD,
    S3_OPTION_PART_SIZE,
    S3_OPTION_CONCURRENCY,
    S3_OPTION_RETRIES,
    {.key = "acl",
     .type = MB_OPT_CHOICE,
     .help = "canned ACL of the objects",
     .choices = acl_choices},
    {.key = "cache_control",
     .type = MB_OPT_STRING,
     .help = "Cache-Control of the objects"},
    {.key = "content_type",
     .type = MB_OPT_STRING,
     .help = "Content-Type of every object (default: from the file extension)"},
    {.key = "storage_class",
     .type = MB_OPT_STRING,
     .help = "storage class, e.g. STANDARD_IA (default: the bucket's)"},
    S3_OPTION_CA_BUNDLE,
    S3_OPTION_TIMEOUT,
    {0},
};

typedef struct s3_plugin {
  s3_host base;  /* first: the cache store's open reads it (s3_store.h) */
  int exporting; /* [export.s3] was read: s3 is in the exporter chain */
  s3_config cfg;
} s3_plugin;

/* Missing credentials are a problem of the environment, found before
   anything is built rather than after every target was. They are read
   again when the export starts. */
static int check_credentials(s3_plugin *p, mb_call *call) {
  s3_credentials creds;
  char err[1024];
  if (s3_credentials_load(&creds, err, sizeof err) != 0) {
    p->base.host->set_error(call, "%s", err);
    return MB_ERROR;
  }
  s3_credentials_free(&creds);
  return MB_OK;
}

static void s3_deinit(void *self) {
  s3_plugin *p = self;
  if (!p) return;
  s3_config_free(&p->cfg);
  free(p);
  curl_global_cleanup();
}

/* The exporter's settings and credentials are checked here, before
   anything is built. A plugin loaded only as the cache store ([cache]
   remote = s3, s3 not in [export] use) has no [export.s3] and so no
   bucket: its [cache.s3] is read when the store opens. */
static int s3_init(const mb_host *host, mb_call *call, void **self) {
  *self = NULL;
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    host->set_error(call, "cannot initialize libcurl");
    return MB_ERROR;
  }
  s3_plugin *p = calloc(1, sizeof *p);
  if (!p) {
    curl_global_cleanup();
    host->set_error(call, "out of memory");
    return MB_ERROR;
  }
  p->base.host = host;
  p->base.options = host->get_service(host, MB_OPTIONS_SERVICE);
  int rc = MB_OK;
  if (!p->base.options) {
    host->set_error(call,
                    "needs an mbhost with the " MB_OPTIONS_SERVICE
                    " service; this one is %s",
                    host->host_version);
    rc = MB_ERROR;
  }
  p->exporting = rc == MB_OK && p->base.options->get(call, "bucket") != NULL;
  if (p->exporting) rc = s3_config_read(&p->cfg, host, p->base.options, call);
  if (p->exporting && rc == MB_OK) rc = check_credentials(p, call);
  if (rc != MB_OK) {
    s3_deinit(p);
    return rc;
  }
  *self = p;
  return MB_OK;
}

/* --- keys and content types --------------------------------------------- */

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *guess_content_type(const char *name) {
  static const struct {
    const char *suffix;
    const char *type;
  } types[] = {
      {".tar.gz", "application/gzip"},
      {".tgz", "application/gzip"},
      {".gz", "application/gzip"},
      {".zip", "application/zip"},
      {".tar", "application/x-tar"},
      {".xz", "application/x-xz"},
      {".zst", "application/zstd"},
      {".bz2", "application/x-bzip2"},
      {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".md", "text/markdown; charset=utf-8"},
      {".sha256", "text/plain; charset=utf-8"},
      {"SUMS", "text/plain; charset=utf-8"},
      {".html", "text/html; charset=utf-8"},
      {".sig", "application/pgp-signature"},
      {".asc", "application/pgp-signature"},
      {".exe", "application/vnd.microsoft.portable-executable"},
      {".dll", "application/vnd.microsoft.portable-executable"},
      {".wasm", "application/wasm"},
  };
  for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
    if (ends_with(name, types[i].suffix)) return types[i].type;
  }
  return "application/octet-stream";
}

/* Whether an artifact goes under OS/ARCH/ (see the top of this file). */
static int in_target_folder(const mb_artifact *a) {
  if (!a->target || strchr(a->name, '/')) return 0;
  return !a->kind ||
         (strcmp(a->kind, "archive") != 0 && strcmp(a->kind, "checksums") != 0);
}

/* The object key of an artifact (malloc'ed). */
static char *object_key(const s3_plugin *p, const mb_artifact *a) {
  buf b = {0};
  if (*p->cfg.prefix) buf_printf(&b, "%s/", p->cfg.prefix);
  if (in_target_folder(a)) buf_printf(&b, "%s/", a->target);
  buf_puts(&b, a->name);
  return buf_take(&b);
}

/* --- describe ----------------------------------------------------------- */

static int s3_describe(void *self, mb_call *call,
                       const mb_export_services *svc) {
  s3_plugin *p = self;
  const mb_host *h = p->base.host;
  size_t count = svc->artifact_count(call);
  char url[2048];
  for (size_t i = 0; i < count; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    if (svc->artifact_get(call, i, &a) != MB_OK) continue;
    char *key = object_key(p, &a);
    s3_object_url(&p->cfg.settings, key, url, sizeof url);
    h->log(call, MB_LOG_INFO, "%s -> %s", a.name, url);
    free(key);
  }
  if (count == 0) {
    s3_object_url(&p->cfg.settings, p->cfg.prefix, url, sizeof url);
    h->log(call, MB_LOG_INFO, "artifacts -> %s%s<os>/<arch>/<name>", url,
           *p->cfg.prefix ? "/" : "");
  }
  char creds[1024];
  s3_credentials_describe(creds, sizeof creds);
  h->log(call, MB_LOG_DEBUG, "endpoint %s, region %s, %s",
         p->cfg.settings.endpoint ? p->cfg.settings.endpoint : "AWS",
         p->cfg.settings.region, creds);
  return MB_OK;
}

/* --- export ------------------------------------------------------------- */

/* The hooks the S3 code reports through. */
typedef struct hook_ctx {
  const mb_host *host;
  mb_call *call;
} hook_ctx;

static void hook_log(void *ctx, int level, const char *message) {
  hook_ctx *hc = ctx;
  hc->host->log(hc->call, level, "%s", message);
}

static int hook_cancelled(void *ctx) {
  hook_ctx *hc = ctx;
  return hc->host->cancelled(hc->call);
}

/* The artifacts received, as objects to upload. */
typedef struct batch {
  mb_artifact *artifacts; /* host-owned strings, valid for the call */
  s3_object *objects;
  char **keys; /* owned; objects[i].key */
  size_t count;
} batch;

static void batch_free(batch *b) {
  for (size_t i = 0; i < b->count && b->keys; i++)
    free(b->keys[i]);
  free(b->keys);
  free(b->artifacts);
  free(b->objects);
}

static int collect(s3_plugin *p, mb_call *call, const mb_export_services *svc,
                   batch *b) {
  const mb_host *h = p->base.host;
  b->count = svc->artifact_count(call);
  b->artifacts = calloc(b->count ? b->count : 1, sizeof *b->artifacts);
  b->objects = calloc(b->count ? b->count : 1, sizeof *b->objects);
  b->keys = calloc(b->count ? b->count : 1, sizeof *b->keys);
  if (!b->artifacts || !b->objects || !b->keys) {
    b->count = 0;
    h->set_error(call, "out of memory");
    return MB_ERROR;
  }
  for (size_t i = 0; i < b->count; i++) {
    mb_artifact *a = &b->artifacts[i];
    s3_object *o = &b->objects[i];
    a->struct_size = sizeof *a;
    o->fd = -1;
    struct stat st;
    if (svc->artifact_get(call, i, a) != MB_OK || !a->path || !a->name) {
      h->set_error(call, "cannot read artifact %zu from the host", i);
      return MB_ERROR;
    }
    if (stat(a->path, &st) != 0 || !S_ISREG(st.st_mode)) {
      h->set_error(call, "artifact %s: %s is not a readable file", a->name,
                   a->path);
      return MB_ERROR;
    }
    o->path = a->path;
    o->key = b->keys[i] = object_key(p, a);
    o->size = (uint64_t)st.st_size;
    o->content_type =
        p->cfg.content_type ? p->cfg.content_type : guess_content_type(a->name);
    if (!o->key) {
      h->set_error(call, "out of memory");
      return MB_ERROR;
    }
    for (size_t j = 0; j < i; j++) {
      if (strcmp(b->objects[j].key, o->key) == 0) {
        h->set_error(call, "%s and %s would both be uploaded as s3://%s/%s",
                     b->artifacts[j].path, a->path, p->cfg.settings.bucket,
                     o->key);
        return MB_ERROR;
      }
    }
  }
  return MB_OK;
}

/* Emits each artifact again, now with the URL it was published at. */
static int emit_all(s3_plugin *p, mb_call *call, const mb_export_services *svc,
                    batch *b) {
  for (size_t i = 0; i < b->count; i++) {
    char url[2048];
    s3_object_url(&p->cfg.settings, b->objects[i].key, url, sizeof url);
    mb_artifact out = b->artifacts[i];
    out.struct_size = sizeof out;
    out.url = url;
    if (svc->emit_artifact(call, &out) != MB_OK) {
      p->base.host->set_error(call, "the host refused artifact %s", out.name);
      return MB_ERROR;
    }
  }
  return MB_OK;
}

static int upload_batch(s3_plugin *p, mb_call *call, batch *b,
                        const s3_credentials *creds) {
  const mb_host *h = p->base.host;
  hook_ctx hc = {h, call};
  const s3_hooks hooks = {&hc, hook_log, hook_cancelled};
  char err[2048];
  s3_client *c =
      s3_client_new(&p->cfg.settings, creds, &hooks, err, sizeof err);
  if (!c) {
    h->set_error(call, "%s", err);
    return MB_ERROR;
  }
  int rc = s3_upload_objects(c, b->objects, b->count, &p->cfg.upload, err,
                             sizeof err);
  if (rc != S3_RUN_OK) {
    int left = s3_delete_uploaded(c, b->objects, b->count);
    h->set_error(call, "%s%s", err,
                 left ? " (and some uploaded objects could not be removed)"
                      : "");
  }
  s3_client_free(c);
  return rc == S3_RUN_OK          ? MB_OK
         : rc == S3_RUN_CANCELLED ? MB_CANCELLED
                                  : MB_ERROR;
}

static int s3_export(void *self, mb_call *call, const mb_export_services *svc) {
  s3_plugin *p = self;
  const mb_host *h = p->base.host;
  batch b = {0};
  int rc = collect(p, call, svc, &b);
  if (rc == MB_OK && b.count == 0) {
    h->log(call, MB_LOG_INFO, "no artifacts to upload");
  } else if (rc == MB_OK) {
    s3_credentials creds;
    char err[1024];
    if (s3_credentials_load(&creds, err, sizeof err) != 0) {
      h->set_error(call, "%s", err);
      rc = MB_ERROR;
    } else {
      h->log(call, MB_LOG_DEBUG, "credentials: %s", creds.source);
      rc = upload_batch(p, call, &b, &creds);
      s3_credentials_free(&creds);
    }
    if (rc == MB_OK) rc = emit_all(p, call, svc, &b);
  }
  batch_free(&b);
  return rc;
}

/* --- descriptor --------------------------------------------------------- */

static const mb_exporter exporter = {
    .options = options, .describe = s3_describe, .export_artifacts = s3_export};

static const void *s3_get_interface(void *self, const char *id) {
  (void)self;
  if (strcmp(id, MB_EXPORTER_INTERFACE) == 0) return &exporter;
  if (strcmp(id, MB_CACHE_STORE_INTERFACE) == 0) return &s3_cache_store;
  return NULL;
}

static const mb_plugin descriptor = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXPORTER,
    .id = "org.mbhost.exporter.s3",
    .name = "s3",
    .version = MBHOST_S3_VERSION,
    .description = "uploads artifacts to S3 or an S3-compatible store",
    .init = s3_init,
    .deinit = s3_deinit,
    .get_interface = s3_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &descriptor : NULL;
}
