/* engine: requests to the Docker Engine API (see engine.h). */
#include "engine.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Error replies and inspections are small; bigger bodies go to a sink. */
#define MAX_BODY (64u << 20)

static char *dup_or_null(const char *s) {
  return s && *s ? strdup(s) : NULL;
}

int engine_init(engine *e, const char *host, const char *ca, const char *cert,
                const char *key, char *err, size_t cap) {
  memset(e, 0, sizeof *e);
  e->host = strdup(host);
  if (strncmp(host, "unix://", 7) == 0 && host[7] == '/') {
    e->socket = strdup(host + 7);
    e->origin = strdup("http://docker");
    return 0;
  }
  if (strncmp(host, "tcp://", 6) != 0 || !host[6]) {
    snprintf(err, cap,
             "host '%s' is not unix:///PATH or tcp://HOST:PORT (e.g. "
             "unix:///var/run/docker.sock)",
             host);
    return -1;
  }
  e->ca = dup_or_null(ca), e->cert = dup_or_null(cert),
  e->key = dup_or_null(key);
  if ((e->cert != NULL) != (e->key != NULL)) {
    snprintf(err, cap, "tls_cert and tls_key go together: set both or none");
    return -1;
  }
  int tls = e->ca || e->cert;
  size_t n = strlen(host) + 16;
  e->origin = malloc(n);
  if (!e->origin) return -1;
  snprintf(e->origin, n, "%s://%s", tls ? "https" : "http", host + 6);
  return 0;
}

/* Whether a failed request on a TLS engine failed on certificates: the
   handshake's own errors, and, since TLS 1.3 clients finish the handshake
   before the server checks their certificate, a connection the server
   dropped before any reply (its "bad certificate" alert). */
static int tls_failure(const engine *e, CURLcode rc, long status) {
  if (strncmp(e->origin, "https:", 6) != 0) return 0;
  switch (rc) {
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_CIPHER:
    return 1;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
    return status == 0;
  default:
    return 0;
  }
}

void engine_free(engine *e) {
  free(e->host), free(e->socket), free(e->origin);
  free(e->ca), free(e->cert), free(e->key);
  memset(e, 0, sizeof *e);
}

int engine_is_remote(const engine *e) {
  return e->socket == NULL;
}

typedef struct transfer {
  reply *r;
  engine_sink sink;
  void *sink_ctx;
  engine_stop stop;
  void *stop_ctx;
  int stopped;
  int overflow;
} transfer;

static size_t on_data(char *data, size_t size, size_t n, void *arg) {
  transfer *t = arg;
  size_t len = size * n;
  /* Only a successful reply is the stream; an error's body is kept. */
  if (t->sink && t->r->status >= 200 && t->r->status < 300)
    return t->sink(t->sink_ctx, data, len) == 0 ? len : 0;
  if (t->r->len + len > MAX_BODY) {
    t->overflow = 1;
    return 0;
  }
  char *grown = realloc(t->r->body, t->r->len + len + 1);
  if (!grown) return 0;
  memcpy(grown + t->r->len, data, len);
  t->r->body = grown;
  t->r->len += len;
  grown[t->r->len] = '\0';
  return len;
}

/* The status is known before the body: headers come first. */
static size_t on_header(char *data, size_t size, size_t n, void *arg) {
  transfer *t = arg;
  size_t len = size * n;
  if (len > 9 && strncmp(data, "HTTP/", 5) == 0) {
    const char *sp = memchr(data, ' ', len);
    if (sp) t->r->status = strtol(sp + 1, NULL, 10);
  }
  return len;
}

static int on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
                       curl_off_t un) {
  (void)dt, (void)dn, (void)ut, (void)un;
  transfer *t = arg;
  if (t->stop && t->stop(t->stop_ctx)) {
    t->stopped = 1;
    return 1;
  }
  return 0;
}

int engine_call(const engine *e, const char *method, const char *path,
                const char *content_type, const void *body, size_t body_len,
                engine_sink sink, void *sink_ctx, engine_stop stop,
                void *stop_ctx, reply *r) {
  memset(r, 0, sizeof *r);
  CURL *c = curl_easy_init();
  if (!c) {
    snprintf(r->error, sizeof r->error, "cannot start libcurl");
    return ENGINE_FAILED;
  }
  size_t n = strlen(e->origin) + strlen(ENGINE_API) + strlen(path) + 1;
  char *url = malloc(n);
  snprintf(url, n, "%s%s%s", e->origin, ENGINE_API, path);
  transfer t = {.r = r,
                .sink = sink,
                .sink_ctx = sink_ctx,
                .stop = stop,
                .stop_ctx = stop_ctx};
  char curl_error[CURL_ERROR_SIZE] = "";
  struct curl_slist *headers = NULL;
  if (content_type) {
    char h[128];
    snprintf(h, sizeof h, "Content-Type: %s", content_type);
    headers = curl_slist_append(headers, h);
  }
  /* No "Expect: 100-continue" round trip before an upload. */
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  if (body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
  } else if (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, 0L);
  }
  if (e->socket) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, e->socket);
  if (e->ca) curl_easy_setopt(c, CURLOPT_CAINFO, e->ca);
  if (e->cert) curl_easy_setopt(c, CURLOPT_SSLCERT, e->cert);
  if (e->key) curl_easy_setopt(c, CURLOPT_SSLKEY, e->key);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status) r->status = status;
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  free(url);
  if (t.stopped) return ENGINE_STOPPED;
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && r->status >= 300)) {
    r->tls = tls_failure(e, rc, r->status);
    /* libcurl's buffer keeps its first message, which for a dropped TLS
       connection is not the cause: name the failure first. */
    if (r->tls)
      snprintf(r->error, sizeof r->error, "%s%s%s", curl_easy_strerror(rc),
               curl_error[0] ? ": " : "", curl_error);
    else
      snprintf(r->error, sizeof r->error, "%s",
               t.overflow      ? "the reply is too large"
               : curl_error[0] ? curl_error
                               : curl_easy_strerror(rc));
    return ENGINE_FAILED;
  }
  return ENGINE_OK;
}

void reply_free(reply *r) {
  free(r->body);
  r->body = NULL;
  r->len = 0;
}

void reply_message(const reply *r, char *buf, size_t cap) {
  json_t *doc = r->body ? json_loads(r->body, 0, NULL) : NULL;
  const char *msg = json_string_value(json_object_get(doc, "message"));
  if (msg)
    snprintf(buf, cap, "%s", msg);
  else
    snprintf(buf, cap, "HTTP status %ld", r->status);
  json_decref(doc);
}

void demux_feed(demux *d, const char *data, size_t len) {
  while (len > 0) {
    if (d->left == 0) {
      size_t take = 8 - d->have < len ? 8 - d->have : len;
      memcpy(d->header + d->have, data, take);
      d->have += take, data += take, len -= take;
      if (d->have < 8) return;
      d->have = 0;
      d->stream = d->header[0];
      d->left = (size_t)d->header[4] << 24 | (size_t)d->header[5] << 16 |
                (size_t)d->header[6] << 8 | (size_t)d->header[7];
      continue;
    }
    size_t take = d->left < len ? d->left : len;
    d->payload(d->ctx, d->stream, data, take);
    d->left -= take, data += take, len -= take;
  }
}

void url_escape(const char *text, char *buf, size_t cap) {
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p && o + 4 < cap;
       p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
      buf[o++] = (char)*p;
    } else {
      buf[o++] = '%';
      buf[o++] = hex[*p >> 4];
      buf[o++] = hex[*p & 15];
    }
  }
  buf[o] = '\0';
}
