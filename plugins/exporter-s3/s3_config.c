/* s3_config: one reader of [export.s3] and [cache.s3] (see s3_config.h). */
#include "s3_config.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A copy of option `key`; NULL when unset or empty, so
   `endpoint = ${S3_ENDPOINT:-}` means AWS when the variable is not set. */
static char *own_option(const mb_options_service *o, mb_call *call,
                        const char *key) {
  const char *v = o->get(call, key);
  return v && *v ? strdup(v) : NULL;
}

static uint64_t option_u64(const mb_options_service *o, mb_call *call,
                           const char *key) {
  const char *v = o->get(call, key);
  return v ? strtoull(v, NULL, 10) : 0;
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

/* Keys are prefix/..., and the prefix must not climb out: no '.', '..' or
   empty segment (keys become paths when a bucket is synced to disk). */
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

static void read_settings(s3_config *cfg, const mb_options_service *o,
                          mb_call *call) {
  s3_settings *s = &cfg->settings;
  s->bucket = cfg->bucket = own_option(o, call, "bucket");
  s->region = cfg->region = own_option(o, call, "region");
  s->endpoint = cfg->endpoint = own_option(o, call, "endpoint");
  s->acl = cfg->acl = own_option(o, call, "acl");
  s->cache_control = cfg->cache_control = own_option(o, call, "cache_control");
  s->storage_class = cfg->storage_class = own_option(o, call, "storage_class");
  s->ca_bundle = cfg->ca_bundle = own_option(o, call, "ca_bundle");
  cfg->content_type = own_option(o, call, "content_type");
  cfg->prefix_text = own_option(o, call, "prefix");
  cfg->prefix = clean_prefix(cfg->prefix_text);
  const char *path_style = o->get(call, "path_style");
  /* Virtual-hosted style cannot work for a bucket with a dot over TLS. */
  s->path_style =
      path_style ? strcmp(path_style, "true") == 0
                 : s->endpoint != NULL || (s->bucket && strchr(s->bucket, '.'));
  s->timeout = (long)option_u64(o, call, "timeout");
  s->attempts = (int)option_u64(o, call, "retries");
  cfg->upload.multipart_threshold = option_u64(o, call, "multipart_threshold");
  cfg->upload.part_size = option_u64(o, call, "part_size");
  cfg->upload.concurrency = (int)option_u64(o, call, "concurrency");
}

/* Checks what the options table cannot say. */
static int check_settings(const s3_config *cfg, const mb_options_service *o,
                          mb_call *call) {
  const s3_settings *s = &cfg->settings;
  const char *text_keys[][2] = {{"prefix", cfg->prefix},
                                {"cache_control", s->cache_control},
                                {"content_type", cfg->content_type},
                                {"storage_class", s->storage_class},
                                {"region", s->region},
                                {"endpoint", s->endpoint}};
  for (size_t i = 0; i < sizeof text_keys / sizeof *text_keys; i++) {
    if (has_control_chars(text_keys[i][1])) {
      o->error(call, text_keys[i][0], "contains control characters");
      return MB_ERROR;
    }
  }
  if (!prefix_is_clean(cfg->prefix)) {
    o->error(call, "prefix", "'%s' has an empty, '.' or '..' segment",
             cfg->prefix);
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
static int check_endpoint(const s3_config *cfg, const mb_options_service *o,
                          mb_call *call) {
  const s3_credentials none = {0};
  const s3_hooks hooks = {NULL, no_log, never_cancelled};
  char err[1024];
  s3_client *c = s3_client_new(&cfg->settings, &none, &hooks, err, sizeof err);
  if (!c) {
    o->error(call, cfg->settings.endpoint ? "endpoint" : "region", "%s", err);
    return MB_ERROR;
  }
  s3_client_free(c);
  return MB_OK;
}

static int is_loopback(const char *host) {
  return strcasecmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
         strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0;
}

/* Over plain http the signature still keeps the secret key secret and the
   requests unaltered, but the files and the session token travel in
   clear: fine on this machine, worth a warning anywhere else. */
static void warn_plain_http(const s3_config *cfg, const mb_host *h,
                            mb_call *call) {
  const char *endpoint = cfg->settings.endpoint;
  if (!endpoint || strncasecmp(endpoint, "http://", 7) != 0) return;
  CURLU *u = curl_url();
  char *host = NULL;
  if (u && curl_url_set(u, CURLUPART_URL, endpoint, 0) == CURLUE_OK &&
      curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
      !is_loopback(host))
    h->log(call, MB_LOG_WARN,
           "endpoint %s is plain http: requests are signed (the secret "
           "key is never sent), but the files and any session token "
           "travel unencrypted; use https:// for a server on another "
           "machine",
           endpoint);
  curl_free(host);
  curl_url_cleanup(u);
}

int s3_config_read(s3_config *cfg, const mb_host *host,
                   const mb_options_service *o, mb_call *call) {
  read_settings(cfg, o, call);
  int rc = check_settings(cfg, o, call);
  if (rc == MB_OK) rc = check_endpoint(cfg, o, call);
  if (rc == MB_OK) warn_plain_http(cfg, host, call);
  return rc;
}

void s3_config_free(s3_config *cfg) {
  char *owned[] = {cfg->bucket,    cfg->region,        cfg->endpoint,
                   cfg->acl,       cfg->cache_control, cfg->storage_class,
                   cfg->ca_bundle, cfg->content_type,  cfg->prefix_text};
  for (size_t i = 0; i < sizeof owned / sizeof *owned; i++)
    free(owned[i]);
  *cfg = (s3_config){0};
}
