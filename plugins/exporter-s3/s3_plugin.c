/*
 * mb-exporter-s3: the `s3` exporter. Glue between mbhost and the S3 code:
 * the [export.s3] options, how artifacts map to object keys, describe (dry
 * run), and export (upload, verify, emit each artifact again with its
 * s3:// url). On failure or interrupt it removes the objects it uploaded in
 * this call, as the exporter contract asks.
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
#include "s3_creds.h"
#include "s3_upload.h"

static const char *const acl_choices[] = {"private",
                                          "public-read",
                                          "public-read-write",
                                          "authenticated-read",
                                          "aws-exec-read",
                                          "bucket-owner-read",
                                          "bucket-owner-full-control",
                                          NULL};

/* The bounds are S3's (a part is 5MiB to 5GiB, and so is a single
   PutObject at most) or keep a mistyped value from hanging or flooding a
   run; the host enforces them with file:line errors. */
static const mb_option options[] = {
    {.key = "bucket",
     .type = MB_OPT_STRING,
     .help = "bucket to upload to",
     .flags = MB_OPT_REQUIRED},
    {.key = "prefix",
     .type = MB_OPT_STRING,
     .help = "key prefix, e.g. releases/${GITHUB_REF_NAME}"},
    {.key = "region",
     .type = MB_OPT_STRING,
     .default_value = "us-east-1",
     .help = "region requests are signed for"},
    {.key = "endpoint",
     .type = MB_OPT_STRING,
     .help = "S3-compatible server URL, e.g. http://127.0.0.1:9000 (default: "
             "AWS)"},
    {.key = "path_style",
     .type = MB_OPT_BOOL,
     .help = "ENDPOINT/BUCKET/KEY URLs (default: true when endpoint is set)"},
    {.key = "multipart_threshold",
     .type = MB_OPT_SIZE,
     .default_value = "64MiB",
     .help = "files larger than this upload in parts",
     .max = "5GiB"},
    {.key = "part_size",
     .type = MB_OPT_SIZE,
     .default_value = "16MiB",
     .help = "multipart part size (raised to stay within 10,000 parts)",
     .min = "5MiB",
     .max = "5GiB"},
    {.key = "concurrency",
     .type = MB_OPT_INT,
     .default_value = "4",
     .help = "requests in flight at once",
     .min = "1",
     .max = "64"},
    {.key = "retries",
     .type = MB_OPT_INT,
     .default_value = "5",
     .help = "attempts per request, the first included, on transient errors",
     .min = "1",
     .max = "100"},
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
    {.key = "ca_bundle",
     .type = MB_OPT_PATH,
     .help = "CA certificates for https endpoints (default: the system's)",
     .flags = MB_OPT_MUST_EXIST},
    {.key = "timeout",
     .type = MB_OPT_DURATION,
     .default_value = "60s",
     .help = "connect timeout, longest stall, and longest wait for a "
             "request's answer",
     .min = "1s",
     .max = "1h"},
    {0},
};

typedef struct s3_plugin {
  const mb_host *host;
  const mb_options_service *options;
  /* Owned copies of the text options (settings point into them). */
  char *bucket, *region, *endpoint, *acl, *cache_control, *storage_class,
      *ca_bundle, *content_type, *prefix_text;
  const char *prefix; /* prefix_text without leading/trailing '/' */
  s3_settings settings;
  s3_upload_options upload;
} s3_plugin;

/* --- configuration ------------------------------------------------------ */

/* A copy of option `key`; NULL when unset or empty, so
   `endpoint = ${S3_ENDPOINT:-}` means AWS when the variable is not set. */
static char *own_option(s3_plugin *p, mb_call *call, const char *key) {
  const char *v = p->options->get(call, key);
  return v && *v ? strdup(v) : NULL;
}

static int has_control_chars(const char *s) {
  for (; s && *s; s++) {
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
  }
  return 0;
}

/* S3's bucket naming rules (3-63 of a-z 0-9 . -). */
static int valid_bucket(const char *b) {
  size_t n = b ? strlen(b) : 0;
  if (n < 3 || n > 63) return 0;
  return strspn(b, "abcdefghijklmnopqrstuvwxyz0123456789.-") == n;
}

static uint64_t option_u64(s3_plugin *p, mb_call *call, const char *key) {
  const char *v = p->options->get(call, key);
  return v ? strtoull(v, NULL, 10) : 0;
}

/* Keys are prefix/target/name; names and targets are checked by the host,
   and the prefix must not climb out either: no '.', '..' or empty segment
   (keys become paths when a bucket is synced to disk). */
static int prefix_is_clean(const char *prefix) {
  if (!*prefix) return 1;
  for (const char *seg = prefix;;) {
    const char *slash = strchr(seg, '/');
    size_t n = slash ? (size_t)(slash - seg) : strlen(seg);
    if (n == 0 || (n == 1 && seg[0] == '.') ||
        (n == 2 && seg[0] == '.' && seg[1] == '.'))
      return 0;
    if (!slash) break;
    seg = slash + 1;
  }
  return 1;
}

/* Checks what the options table cannot say. MB_OK, or MB_ERROR after the
   options service's error, which makes it a file:line configuration error. */
static int check_settings(s3_plugin *p, mb_call *call) {
  const mb_options_service *o = p->options;
  const s3_settings *s = &p->settings;
  const char *text_keys[][2] = {{"prefix", p->prefix},
                                {"cache_control", s->cache_control},
                                {"content_type", p->content_type},
                                {"storage_class", s->storage_class},
                                {"region", s->region},
                                {"endpoint", s->endpoint}};
  for (size_t i = 0; i < sizeof text_keys / sizeof *text_keys; i++) {
    if (has_control_chars(text_keys[i][1])) {
      o->error(call, text_keys[i][0], "contains control characters");
      return MB_ERROR;
    }
  }
  if (!prefix_is_clean(p->prefix)) {
    o->error(call, "prefix", "'%s' has an empty, '.' or '..' segment",
             p->prefix);
    return MB_ERROR;
  }
  if (!valid_bucket(s->bucket)) {
    o->error(call, "bucket",
             "'%s' is not a valid bucket name (3 to 63 characters: a-z, 0-9, "
             "'.', '-')",
             s->bucket ? s->bucket : "");
    return MB_ERROR;
  }
  if (!s->region) {
    o->error(call, "region", "must not be empty");
    return MB_ERROR;
  }
  return MB_OK;
}

static void no_log(void *ctx, int level, const char *message) {
  (void)ctx, (void)level, (void)message;
}

static int never_cancelled(void *ctx) {
  (void)ctx;
  return 0;
}

/* Parses the endpoint now, so a bad one is a configuration error. */
static int check_endpoint(s3_plugin *p, mb_call *call) {
  const s3_credentials none = {0};
  const s3_hooks hooks = {NULL, no_log, never_cancelled};
  char err[1024];
  s3_client *c = s3_client_new(&p->settings, &none, &hooks, err, sizeof err);
  if (!c) {
    p->options->error(call, p->settings.endpoint ? "endpoint" : "region", "%s",
                      err);
    return MB_ERROR;
  }
  s3_client_free(c);
  return MB_OK;
}

/* Missing credentials are a problem of the environment, found before
   anything is built rather than after every target was. They are read
   again when the export starts. */
static int check_credentials(s3_plugin *p, mb_call *call) {
  s3_credentials creds;
  char err[1024];
  if (s3_credentials_load(&creds, err, sizeof err) != 0) {
    p->host->set_error(call, "%s", err);
    return MB_ERROR;
  }
  s3_credentials_free(&creds);
  return MB_OK;
}

static int is_loopback(const char *host) {
  return strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
         strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0;
}

/* Over plain http the signature still keeps the secret key secret and the
   requests unaltered, but the files and the session token travel in
   clear: fine on this machine, worth a warning anywhere else. */
static void warn_plain_http(s3_plugin *p, mb_call *call) {
  const char *endpoint = p->settings.endpoint;
  if (!endpoint || strncasecmp(endpoint, "http://", 7) != 0) return;
  CURLU *u = curl_url();
  char *host = NULL;
  if (u && curl_url_set(u, CURLUPART_URL, endpoint, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      !is_loopback(host))
    p->host->log(call, MB_LOG_WARN,
                 "endpoint %s is plain http: requests are signed (the secret "
                 "key is never sent), but the files and any session token "
                 "travel unencrypted; use https:// for a server on another "
                 "machine",
                 endpoint);
  curl_free(host);
  curl_url_cleanup(u);
}

/* Drops leading and trailing slashes of the prefix in place. */
static const char *clean_prefix(char *prefix) {
  if (!prefix) return "";
  while (*prefix == '/')
    prefix++;
  size_t n = strlen(prefix);
  while (n && prefix[n - 1] == '/')
    prefix[--n] = '\0';
  return prefix;
}

/* Reads [export.s3] into p->settings and p->upload. */
static void read_settings(s3_plugin *p, mb_call *call) {
  s3_settings *s = &p->settings;
  s->bucket = p->bucket = own_option(p, call, "bucket");
  s->region = p->region = own_option(p, call, "region");
  s->endpoint = p->endpoint = own_option(p, call, "endpoint");
  s->acl = p->acl = own_option(p, call, "acl");
  s->cache_control = p->cache_control = own_option(p, call, "cache_control");
  s->storage_class = p->storage_class = own_option(p, call, "storage_class");
  s->ca_bundle = p->ca_bundle = own_option(p, call, "ca_bundle");
  p->content_type = own_option(p, call, "content_type");
  p->prefix_text = own_option(p, call, "prefix");
  p->prefix = clean_prefix(p->prefix_text);
  const char *path_style = p->options->get(call, "path_style");
  /* Virtual-hosted style cannot work for a bucket with a dot over TLS. */
  s->path_style =
      path_style ? strcmp(path_style, "true") == 0
                 : s->endpoint != NULL || (s->bucket && strchr(s->bucket, '.'));
  s->timeout = (long)option_u64(p, call, "timeout");
  s->attempts = (int)option_u64(p, call, "retries");
  p->upload.multipart_threshold = option_u64(p, call, "multipart_threshold");
  p->upload.part_size = option_u64(p, call, "part_size");
  p->upload.concurrency = (int)option_u64(p, call, "concurrency");
}

static void s3_deinit(void *self) {
  s3_plugin *p = self;
  if (!p) return;
  char *owned[] = {p->bucket,    p->region,        p->endpoint,
                   p->acl,       p->cache_control, p->storage_class,
                   p->ca_bundle, p->content_type,  p->prefix_text};
  for (size_t i = 0; i < sizeof owned / sizeof *owned; i++)
    free(owned[i]);
  free(p);
  curl_global_cleanup();
}

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
  p->host = host;
  p->options = host->get_service(host, MB_OPTIONS_SERVICE);
  int rc = MB_OK;
  if (!p->options) {
    host->set_error(call,
                    "needs an mbhost with the " MB_OPTIONS_SERVICE
                    " service; this one is %s",
                    host->host_version);
    rc = MB_ERROR;
  }
  if (rc == MB_OK) read_settings(p, call);
  if (rc == MB_OK) rc = check_settings(p, call);
  if (rc == MB_OK) rc = check_endpoint(p, call);
  if (rc == MB_OK) rc = check_credentials(p, call);
  if (rc == MB_OK) warn_plain_http(p, call);
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
  if (*p->prefix) buf_printf(&b, "%s/", p->prefix);
  if (in_target_folder(a)) buf_printf(&b, "%s/", a->target);
  buf_puts(&b, a->name);
  return buf_take(&b);
}

/* --- describe ----------------------------------------------------------- */

static int s3_describe(void *self, mb_call *call,
                       const mb_export_services *svc) {
  s3_plugin *p = self;
  const mb_host *h = p->host;
  size_t count = svc->artifact_count(call);
  char url[2048];
  for (size_t i = 0; i < count; i++) {
    mb_artifact a = {.struct_size = sizeof a};
    if (svc->artifact_get(call, i, &a) != MB_OK) continue;
    char *key = object_key(p, &a);
    s3_object_url(&p->settings, key, url, sizeof url);
    h->log(call, MB_LOG_INFO, "%s -> %s", a.name, url);
    free(key);
  }
  if (count == 0) {
    s3_object_url(&p->settings, p->prefix, url, sizeof url);
    h->log(call, MB_LOG_INFO, "artifacts -> %s%s<os>/<arch>/<name>", url,
           *p->prefix ? "/" : "");
  }
  char creds[1024];
  s3_credentials_describe(creds, sizeof creds);
  h->log(call, MB_LOG_DEBUG, "endpoint %s, region %s, %s",
         p->settings.endpoint ? p->settings.endpoint : "AWS",
         p->settings.region, creds);
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
  const mb_host *h = p->host;
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
        p->content_type ? p->content_type : guess_content_type(a->name);
    if (!o->key) {
      h->set_error(call, "out of memory");
      return MB_ERROR;
    }
    for (size_t j = 0; j < i; j++) {
      if (strcmp(b->objects[j].key, o->key) == 0) {
        h->set_error(call, "%s and %s would both be uploaded as s3://%s/%s",
                     b->artifacts[j].path, a->path, p->settings.bucket, o->key);
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
    s3_object_url(&p->settings, b->objects[i].key, url, sizeof url);
    mb_artifact out = b->artifacts[i];
    out.struct_size = sizeof out;
    out.url = url;
    if (svc->emit_artifact(call, &out) != MB_OK) {
      p->host->set_error(call, "the host refused artifact %s", out.name);
      return MB_ERROR;
    }
  }
  return MB_OK;
}

static int upload_batch(s3_plugin *p, mb_call *call, batch *b,
                        const s3_credentials *creds) {
  const mb_host *h = p->host;
  hook_ctx hc = {h, call};
  const s3_hooks hooks = {&hc, hook_log, hook_cancelled};
  char err[2048];
  s3_client *c = s3_client_new(&p->settings, creds, &hooks, err, sizeof err);
  if (!c) {
    h->set_error(call, "%s", err);
    return MB_ERROR;
  }
  int rc =
      s3_upload_objects(c, b->objects, b->count, &p->upload, err, sizeof err);
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
  const mb_host *h = p->host;
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
  return strcmp(id, MB_EXPORTER_INTERFACE) == 0 ? &exporter : NULL;
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
