/* s3_client: signed requests and the retrying multi-transfer engine (see
   s3_client.h). */
#include "s3_client.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Response bodies worth reading are small XML documents. */
#define MAX_RESPONSE_BODY (1u << 20)
/* Backoff: the n-th retry waits between half and all of
   min(BACKOFF_CAP, BACKOFF_BASE * 2^(n-1)) seconds. */
#define BACKOFF_BASE 0.25
#define BACKOFF_CAP 20.0
/* Longest wait in curl_multi_poll, so cancellation is noticed soon. */
#define POLL_MS 200
#define UPLOAD_BUFFER (256 * 1024)

struct s3_client {
  const s3_settings *settings;
  const s3_credentials *creds;
  s3_hooks hooks;
  char *origin;      /* "https://host:port": where requests go */
  char *host_header; /* "host:port" as sent and signed */
  char *path_prefix; /* endpoint path, plus "/bucket" in path style */
  CURLM *multi;      /* kept for the client's life: connections are reused */
  CURL **easy;       /* one per slot, created on demand */
  int easy_count;
  unsigned long long rng;
};

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void s3_client_log(s3_client *c, int level, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  c->hooks.log(c->hooks.ctx, level, msg);
}

void s3_object_url(const s3_settings *s, const char *key, char *out,
                   size_t cap) {
  snprintf(out, cap, "s3://%s/%s", s->bucket, key ? key : "");
}

/* --- endpoint ----------------------------------------------------------- */

/* Splits the endpoint into origin, Host header and path prefix. */
static int parse_endpoint(s3_client *c, char *err, size_t cap) {
  const s3_settings *s = c->settings;
  buf endpoint = {0};
  if (s->endpoint) {
    buf_puts(&endpoint, s->endpoint);
  } else {
    buf_printf(&endpoint, "https://s3.%s.amazonaws.com", s->region);
  }
  CURLU *u = curl_url();
  char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
  int rc = -1;
  if (!u || buf_failed(&endpoint) ||
      curl_url_set(u, CURLUPART_URL, buf_str(&endpoint), 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    snprintf(err, cap, "endpoint '%s' is not a URL (http://host:port)",
             buf_str(&endpoint) ? buf_str(&endpoint) : "");
  } else if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
    snprintf(err, cap, "endpoint '%s': only http:// and https:// are supported",
             buf_str(&endpoint));
  } else {
    curl_url_get(u, CURLUPART_PORT, &port, 0);
    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);
    buf hostport = {0}, origin = {0}, prefix = {0};
    if (!s->path_style) buf_printf(&hostport, "%s.", s->bucket);
    buf_puts(&hostport, host);
    if (port) buf_printf(&hostport, ":%s", port);
    buf_printf(&origin, "%s://%s", scheme, buf_str(&hostport));
    size_t plen = path ? strlen(path) : 0;
    while (plen && path[plen - 1] == '/')
      plen--;
    buf_add(&prefix, path ? path : "", plen);
    if (s->path_style) buf_printf(&prefix, "/%s", s->bucket);
    c->host_header = buf_take(&hostport);
    c->origin = buf_take(&origin);
    c->path_prefix = buf_take(&prefix);
    rc = c->host_header && c->origin && c->path_prefix ? 0 : -1;
    if (rc) snprintf(err, cap, "out of memory");
  }
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_free(path);
  curl_url_cleanup(u);
  buf_free(&endpoint);
  return rc;
}

s3_client *s3_client_new(const s3_settings *settings,
                         const s3_credentials *creds, const s3_hooks *hooks,
                         char *err, size_t cap) {
  s3_client *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(err, cap, "out of memory");
    return NULL;
  }
  c->settings = settings;
  c->creds = creds;
  c->hooks = *hooks;
  c->rng =
      (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
  if (parse_endpoint(c, err, cap) != 0) {
    s3_client_free(c);
    return NULL;
  }
  c->multi = curl_multi_init();
  if (!c->multi) {
    snprintf(err, cap, "cannot start libcurl");
    s3_client_free(c);
    return NULL;
  }
  return c;
}

const s3_settings *s3_client_settings(const s3_client *c) {
  return c->settings;
}

void s3_client_set_hooks(s3_client *c, const s3_hooks *hooks) {
  c->hooks = *hooks;
}

void s3_client_free(s3_client *c) {
  if (!c) return;
  for (int i = 0; i < c->easy_count; i++)
    curl_easy_cleanup(c->easy[i]);
  free(c->easy);
  if (c->multi) curl_multi_cleanup(c->multi);
  free(c->origin);
  free(c->host_header);
  free(c->path_prefix);
  free(c);
}

/* --- requests ----------------------------------------------------------- */

void s3_request_clear(s3_request *req) {
  free(req->key);
  for (int i = 0; i < 2; i++)
    free(req->param_values[i]);
  buf_free(&req->body);
  curl_slist_free_all(req->headers);
  free(req->url);
  *req = (s3_request){.fd = -1};
}

int s3_request_set(s3_request *req, const char *op, const char *method,
                   const char *key, const char *p1, const char *v1,
                   const char *p2, const char *v2) {
  s3_request_clear(req);
  req->op = op;
  req->method = method;
  req->key = strdup(key ? key : "");
  const char *names[2] = {p1, p2}, *values[2] = {v1, v2};
  for (int i = 0; i < 2 && names[i]; i++) {
    if (values[i]) req->param_values[i] = strdup(values[i]);
    if (values[i] && !req->param_values[i]) return -1;
    req->params[req->param_count++] =
        (sigv4_param){names[i], req->param_values[i]};
  }
  s3_request_body_mem(req, "", 0);
  return req->key ? 0 : -1;
}

void s3_request_body_mem(s3_request *req, const char *data, size_t len) {
  req->mem = data;
  req->fd = -1;
  req->offset = 0;
  req->length = len;
  sigv4_sha256_hex(data, len, req->payload_sha256);
}

void s3_request_body_file(s3_request *req, int fd, uint64_t offset,
                          uint64_t length, const char sha256[65]) {
  req->mem = NULL;
  req->fd = fd;
  req->offset = offset;
  req->length = length;
  memcpy(req->payload_sha256, sha256, 65);
}

static size_t read_body(char *out, size_t size, size_t nitems, void *user) {
  s3_request *req = user;
  size_t want = size * nitems;
  uint64_t left = req->length - req->sent;
  if (want > left) want = (size_t)left;
  if (want == 0) return 0;
  if (req->fd < 0) {
    memcpy(out, req->mem + req->sent, want);
  } else {
    ssize_t n = pread(req->fd, out, want, (off_t)(req->offset + req->sent));
    if (n <= 0) return CURL_READFUNC_ABORT; /* the file shrank: fail */
    want = (size_t)n;
  }
  req->sent += want;
  return want;
}

/* curl rewinds the body to send it again (after a redirect or on a reused
   connection that closed); only rewinds to the start are asked for. */
static int seek_body(void *user, curl_off_t offset, int origin) {
  s3_request *req = user;
  if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > req->length) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  req->sent = (uint64_t)offset;
  return CURL_SEEKFUNC_OK;
}

/* A download is never held in memory: a success's body goes to the file,
   an error's (a small XML document) to req->body like any other. */
static size_t write_body(char *data, size_t size, size_t nitems, void *user) {
  s3_request *req = user;
  size_t n = size * nitems;
  s3_download *d = req->download;
  if (d && req->header_status >= 200 && req->header_status < 300) {
    for (size_t done = 0; done < n;) {
      ssize_t w = pwrite(d->fd, data + done, n - done, (off_t)d->received);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        d->write_failed = w < 0 ? errno : ENOSPC;
        return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
      }
      done += (size_t)w;
      d->received += (uint64_t)w;
    }
    return n;
  }
  if (req->body.len + n <= MAX_RESPONSE_BODY) buf_add(&req->body, data, n);
  return n;
}

static size_t read_header(char *data, size_t size, size_t nitems, void *user) {
  s3_request *req = user;
  size_t n = size * nitems;
  /* Each answer (a 100 Continue, a redirect, the final one) starts with
     its status line; the body that follows belongs to the last. */
  if (n > 9 && strncmp(data, "HTTP/", 5) == 0) {
    const char *sp = memchr(data, ' ', n);
    req->header_status = sp ? strtol(sp + 1, NULL, 10) : 0;
  }
  if (n > 5 && strncasecmp(data, "etag:", 5) == 0) {
    size_t start = 5, end = n;
    while (start < end && (data[start] == ' ' || data[start] == '\t'))
      start++;
    while (end > start && strchr(" \t\r\n", data[end - 1]))
      end--;
    size_t len = end - start;
    if (len >= sizeof req->etag) len = sizeof req->etag - 1;
    memcpy(req->etag, data + start, len);
    req->etag[len] = '\0';
  }
  return n;
}

/* The headers of one attempt: the list curl sends, and the same pairs
   for the signer (which must see exactly what is sent). */
typedef struct header_set {
  struct curl_slist *list;
  sigv4_header pairs[8];
  size_t count;
  int failed;
} header_set;

static void add_header(header_set *h, const char *name, const char *value) {
  buf line = {0};
  buf_printf(&line, "%s: %s", name, value);
  struct curl_slist *l =
      buf_str(&line) ? curl_slist_append(h->list, buf_str(&line)) : NULL;
  buf_free(&line);
  if (!l || h->count == sizeof h->pairs / sizeof *h->pairs) {
    h->failed = 1;
    return;
  }
  h->list = l;
  h->pairs[h->count++] = (sigv4_header){name, value};
}

static void add_signed_headers(s3_client *c, const s3_request *req,
                               const char *amz_date, header_set *h) {
  const s3_settings *s = c->settings;
  add_header(h, "Host", c->host_header);
  add_header(h, "x-amz-date", amz_date);
  add_header(h, "x-amz-content-sha256", req->payload_sha256);
  if (c->creds->session_token) {
    add_header(h, "x-amz-security-token", c->creds->session_token);
  }
  if (!req->object_headers) return;
  add_header(h, "Content-Type", req->content_type);
  if (s->cache_control) add_header(h, "Cache-Control", s->cache_control);
  if (s->acl) add_header(h, "x-amz-acl", s->acl);
  if (s->storage_class) add_header(h, "x-amz-storage-class", s->storage_class);
}

/* Signs the next attempt: req->headers and req->url. The URL's path and
   query are the canonical ones, so what is signed is what is sent. */
static int sign_request(s3_client *c, s3_request *req) {
  char amz_date[17];
  sigv4_amz_date(time(NULL), amz_date);
  header_set h = {0};
  add_signed_headers(c, req, amz_date, &h);
  buf path = {0};
  buf_printf(&path, "%s/%s", c->path_prefix, req->key);
  const sigv4_request sreq = {req->method,        buf_str(&path), req->params,
                              req->param_count,   h.pairs,        h.count,
                              req->payload_sha256};
  const sigv4_scope scope = {c->creds->access_key, c->creds->secret_key,
                             c->settings->region, "s3", amz_date};
  char *auth = buf_str(&path) ? sigv4_authorization(&sreq, &scope) : NULL;
  char *uri = buf_str(&path) ? sigv4_canonical_uri(buf_str(&path)) : NULL;
  char *query = sigv4_canonical_query(req->params, req->param_count);
  buf line = {0}, url = {0};
  buf_printf(&line, "Authorization: %s", auth ? auth : "");
  struct curl_slist *l = curl_slist_append(h.list, buf_str(&line));
  if (l) h.list = l;
  /* Not signed: turns off curl's "Expect: 100-continue" round trip. */
  if (l) l = curl_slist_append(l, "Expect:");
  buf_printf(&url, "%s%s%s%s", c->origin, uri ? uri : "",
             query && *query ? "?" : "", query ? query : "");
  curl_slist_free_all(req->headers);
  req->headers = h.list;
  free(req->url);
  req->url = buf_take(&url);
  int ok = !h.failed && auth && uri && query && l && req->url;
  free(auth);
  free(uri);
  free(query);
  buf_free(&line);
  buf_free(&path);
  return ok ? 0 : -1;
}

/* curl's low-speed check cannot see a server that answers at 2 bytes/s:
   the whole answer must arrive within the timeout of the request being
   sent. The upload itself is not bounded (a big part on a slow link may
   take long): only a stall of it is, by the low-speed check. */
static int watch_answer(void *data, curl_off_t dltotal, curl_off_t dlnow,
                        curl_off_t ultotal, curl_off_t ulnow) {
  (void)dltotal, (void)dlnow;
  s3_request *req = data;
  double now = now_seconds();
  if (req->sent_at == 0 &&
      (req->length == 0 || (ultotal > 0 && ulnow >= ultotal)))
    req->sent_at = now;
  req->late = req->sent_at != 0 && now - req->sent_at > (double)req->deadline;
  return req->late;
}

/* Sets up the slot's easy handle for one attempt of `req`. */
static int start_attempt(s3_client *c, CURL *e, s3_request *req) {
  if (sign_request(c, req) != 0) return -1;
  const s3_settings *s = c->settings;
  req->sent = 0;
  req->status = 0;
  req->etag[0] = '\0';
  req->curl_error[0] = '\0';
  req->sent_at = 0;
  req->late = 0;
  req->deadline = s->timeout;
  req->header_status = 0;
  buf_reset(&req->body);
  if (req->download) {
    /* A retry starts the file again. */
    if (ftruncate(req->download->fd, 0) != 0) return -1;
    req->download->received = 0;
  }
  curl_easy_reset(e);
  curl_easy_setopt(e, CURLOPT_URL, req->url);
  curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L); /* S3 keys are not paths */
  curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, req->headers);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "mbhost-s3/" MBHOST_S3_VERSION);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, req->curl_error);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, req);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, read_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, req);
  if (strcmp(req->method, "HEAD") == 0) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (strcmp(req->method, "PUT") == 0 ||
             strcmp(req->method, "POST") == 0) {
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->length);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(e, CURLOPT_READDATA, req);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, seek_body);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, req);
    curl_easy_setopt(e, CURLOPT_UPLOAD_BUFFERSIZE, (long)UPLOAD_BUFFER);
  }
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, s->timeout);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, s->timeout);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, watch_answer);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, req);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  if (s->ca_bundle) curl_easy_setopt(e, CURLOPT_CAINFO, s->ca_bundle);
  return 0;
}

/* What to do after an attempt. */
typedef enum { OUTCOME_DONE, OUTCOME_RETRY, OUTCOME_FAIL } outcome;

static int curl_error_is_transient(CURLcode rc) {
  switch (rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return 1;
  default:
    return 0;
  }
}

static int s3_code_is_transient(const char *code) {
  return strcmp(code, "SlowDown") == 0 || strcmp(code, "RequestTimeout") == 0 ||
         strcmp(code, "InternalError") == 0;
}

/* Classifies a finished attempt; `why` gets a one-line reason otherwise. */
static outcome classify(s3_client *c, s3_request *req, CURLcode rc, char *why,
                        size_t cap) {
  if (rc != CURLE_OK) {
    const char *detail =
        req->curl_error[0] ? req->curl_error : curl_easy_strerror(rc);
    if (rc == CURLE_ABORTED_BY_CALLBACK && req->late) {
      snprintf(why, cap,
               "%s sent no complete answer within %lds (the timeout "
               "option)",
               c->origin, req->deadline);
      return OUTCOME_RETRY;
    }
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
      snprintf(why, cap, "cannot connect to %s: %s", c->origin, detail);
    } else {
      snprintf(why, cap, "connection to %s failed: %s", c->origin, detail);
    }
    return curl_error_is_transient(rc) ? OUTCOME_RETRY : OUTCOME_FAIL;
  }
  s3_xml_parse(buf_str(&req->body) ? buf_str(&req->body) : "", req->body.len,
               &req->xml);
  int is_error = strcmp(req->xml.root, "Error") == 0;
  if (req->status >= 200 && req->status < 300 && !is_error) {
    return OUTCOME_DONE;
  }
  const char *code = req->xml.code[0] ? req->xml.code : "no error code";
  if (req->xml.message[0]) {
    snprintf(why, cap, "%s (HTTP %ld): %s", code, req->status,
             req->xml.message);
  } else {
    snprintf(why, cap, "%s (HTTP %ld)", code, req->status);
  }
  int transient = (req->status >= 200 && req->status < 300) ||
                  req->status == 500 || req->status == 502 ||
                  req->status == 503 || req->status == 504 ||
                  s3_code_is_transient(req->xml.code);
  return transient ? OUTCOME_RETRY : OUTCOME_FAIL;
}

static double backoff_seconds(s3_client *c, int retry) {
  double d = BACKOFF_BASE * (double)(1u << (retry < 16 ? retry - 1 : 15));
  if (d > BACKOFF_CAP) d = BACKOFF_CAP;
  c->rng ^= c->rng << 13; /* xorshift64: jitter needs no quality */
  c->rng ^= c->rng >> 7;
  c->rng ^= c->rng << 17;
  return d / 2 + d / 2 * (double)(c->rng % 1000) / 1000.0;
}

/* One in-flight request. */
typedef struct slot {
  s3_request *req;
  CURL *easy;
  enum { SLOT_FREE, SLOT_RUNNING, SLOT_WAITING } state;
} slot;

static CURL *slot_handle(s3_client *c, int i) {
  if (i < c->easy_count) return c->easy[i];
  CURL **grown = realloc(c->easy, (size_t)(i + 1) * sizeof *grown);
  if (!grown) return NULL;
  c->easy = grown;
  while (c->easy_count <= i) {
    CURL *e = curl_easy_init();
    if (!e) return NULL;
    c->easy[c->easy_count++] = e;
  }
  return c->easy[i];
}

/* The engine's state for one s3_run. */
typedef struct run {
  s3_client *c;
  const s3_jobs *jobs;
  slot *slots;
  int nslots;
  int flags;
  int keep_results; /* s3_perform: the caller reads the request after */
  char *err;
  size_t cap;
} run;

/* "UploadPart s3://bucket/key (part 2)": which request, for messages. */
static void describe_request(const s3_client *c, const s3_request *req,
                             char *out, size_t cap) {
  char where[1200];
  s3_object_url(c->settings, req->key, where, sizeof where);
  const char *part = NULL;
  for (size_t i = 0; i < req->param_count; i++) {
    if (strcmp(req->params[i].key, "partNumber") == 0) {
      part = req->params[i].value;
    }
  }
  snprintf(out, cap, "%s %s%s%s%s", req->op, where, part ? " (part " : "",
           part ? part : "", part ? ")" : "");
}

static void fail_request(run *r, s3_request *req, const char *why) {
  char what[1300];
  describe_request(r->c, req, what, sizeof what);
  snprintf(r->err, r->cap, "%s: %s", what, why);
}

static int launch(run *r, slot *s) {
  s->req->attempt++;
  if (start_attempt(r->c, s->easy, s->req) != 0 ||
      curl_multi_add_handle(r->c->multi, s->easy) != CURLM_OK) {
    fail_request(r, s->req,
                 "cannot prepare the request (out of memory, or the download "
                 "file cannot be truncated)");
    return -1;
  }
  s->state = SLOT_RUNNING;
  return 0;
}

static void release(run *r, slot *s) {
  if (s->state == SLOT_RUNNING) curl_multi_remove_handle(r->c->multi, s->easy);
  if (!r->keep_results) s3_request_clear(s->req);
  s->state = SLOT_FREE;
}

/* Handles a finished transfer; -1 stops the run. */
static int on_done(run *r, slot *s, CURLcode rc) {
  s3_request *req = s->req;
  curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &req->status);
  curl_multi_remove_handle(r->c->multi, s->easy);
  s->state = SLOT_WAITING;
  char why[1024];
  outcome o = classify(r->c, req, rc, why, sizeof why);
  if (o == OUTCOME_DONE) {
    int ok = !r->jobs->finished ||
             r->jobs->finished(r->jobs->ctx, req, r->err, r->cap) == 0;
    release(r, s);
    return ok ? 0 : -1;
  }
  int attempts = r->c->settings->attempts;
  if (o == OUTCOME_RETRY && req->attempt < attempts) {
    double wait = backoff_seconds(r->c, req->attempt);
    char what[1300];
    describe_request(r->c, req, what, sizeof what);
    s3_client_log(r->c, S3_LOG_WARN, "%s: %s [retry %d of %d in %.1fs]", what,
                  why, req->attempt, attempts - 1, wait);
    req->retry_at = now_seconds() + wait;
    return 0;
  }
  if (o == OUTCOME_RETRY) {
    char final[1200];
    snprintf(final, sizeof final, "%s (gave up after %d attempts)", why,
             req->attempt);
    fail_request(r, req, final);
  } else {
    fail_request(r, req, why);
  }
  release(r, s);
  return -1;
}

/* Fills free slots from the job source; -1 on error, else how many are
   busy. Sets *exhausted once the source has nothing more. */
static int fill_slots(run *r, int *exhausted) {
  int busy = 0;
  for (int i = 0; i < r->nslots; i++) {
    slot *s = &r->slots[i];
    if (s->state == SLOT_FREE && !*exhausted) {
      int got = r->jobs->next(r->jobs->ctx, s->req, r->err, r->cap);
      if (got < 0) return -1;
      if (got == 0) *exhausted = 1;
      if (got > 0 && launch(r, s) != 0) return -1;
    } else if (s->state == SLOT_WAITING && now_seconds() >= s->req->retry_at) {
      if (launch(r, s) != 0) return -1;
    }
    busy += s->state != SLOT_FREE;
  }
  return busy;
}

/* Milliseconds until the next retry is due, at most POLL_MS. */
static int poll_timeout(const run *r) {
  double wait = POLL_MS / 1000.0, now = now_seconds();
  for (int i = 0; i < r->nslots; i++) {
    if (r->slots[i].state == SLOT_WAITING) {
      double due = r->slots[i].req->retry_at - now;
      if (due < wait) wait = due > 0 ? due : 0;
    }
  }
  return (int)(wait * 1000);
}

static int run_loop(run *r) {
  int exhausted = 0;
  for (;;) {
    if (!(r->flags & S3_RUN_IGNORE_CANCEL) &&
        r->c->hooks.cancelled(r->c->hooks.ctx)) {
      snprintf(r->err, r->cap, "interrupted");
      return S3_RUN_CANCELLED;
    }
    int busy = fill_slots(r, &exhausted);
    if (busy < 0) return S3_RUN_FAILED;
    if (busy == 0 && exhausted) return S3_RUN_OK;
    int running = 0;
    if (curl_multi_perform(r->c->multi, &running) != CURLM_OK) {
      snprintf(r->err, r->cap, "libcurl failed");
      return S3_RUN_FAILED;
    }
    CURLMsg *m;
    int queued, finished = 0;
    while ((m = curl_multi_info_read(r->c->multi, &queued))) {
      if (m->msg != CURLMSG_DONE) continue;
      for (int i = 0; i < r->nslots; i++) {
        slot *s = &r->slots[i];
        if (s->state == SLOT_RUNNING && s->easy == m->easy_handle) {
          CURLcode rc = m->data.result; /* m is invalid after removal */
          if (on_done(r, s, rc) != 0) return S3_RUN_FAILED;
          finished++;
          break;
        }
      }
    }
    /* A finished request frees a slot: refill it at once. */
    if (!finished) curl_multi_poll(r->c->multi, NULL, 0, poll_timeout(r), NULL);
  }
}

static int run_jobs(s3_client *c, const s3_jobs *jobs, s3_request *reqs, int n,
                    int flags, int keep_results, char *err, size_t cap) {
  slot *slots = calloc((size_t)n, sizeof *slots);
  if (!slots) {
    snprintf(err, cap, "out of memory");
    return S3_RUN_FAILED;
  }
  int rc = S3_RUN_OK;
  for (int i = 0; i < n; i++) {
    slots[i] = (slot){&reqs[i], slot_handle(c, i), SLOT_FREE};
    if (!slots[i].easy) {
      snprintf(err, cap, "cannot start libcurl");
      rc = S3_RUN_FAILED;
    }
  }
  run r = {c, jobs, slots, n, flags, keep_results, err, cap};
  if (rc == S3_RUN_OK) rc = run_loop(&r);
  for (int i = 0; i < n; i++) {
    if (slots[i].state != SLOT_FREE) release(&r, &slots[i]);
  }
  free(slots);
  return rc;
}

int s3_run(s3_client *c, const s3_jobs *jobs, int concurrency, int flags,
           char *err, size_t cap) {
  s3_request *reqs = calloc((size_t)concurrency, sizeof *reqs);
  if (!reqs) {
    snprintf(err, cap, "out of memory");
    return S3_RUN_FAILED;
  }
  for (int i = 0; i < concurrency; i++)
    reqs[i].fd = -1;
  int rc = run_jobs(c, jobs, reqs, concurrency, flags, 0, err, cap);
  for (int i = 0; i < concurrency; i++)
    s3_request_clear(&reqs[i]);
  free(reqs);
  return rc;
}

/* The job source of s3_perform: the prepared request, once. */
static int next_once(void *ctx, s3_request *req, char *err, size_t cap) {
  (void)req, (void)err, (void)cap;
  int *given = ctx;
  return (*given)++ == 0;
}

int s3_perform(s3_client *c, s3_request *req, int flags, char *err,
               size_t cap) {
  int given = 0;
  const s3_jobs once = {&given, next_once, NULL};
  return run_jobs(c, &once, req, 1, flags, 1, err, cap);
}
