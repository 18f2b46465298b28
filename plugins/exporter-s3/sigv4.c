/* sigv4: AWS Signature Version 4 for S3 (see sigv4.h). */
#include "sigv4.h"

#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void sigv4_amz_date(time_t t, char out[17]) {
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm);
}

void sigv4_sha256_hex(const void *data, size_t len, char out[65]) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(data, len, md);
  hex_encode(md, sizeof md, out);
}

static int is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

static void buf_uri_encode(buf *b, const char *s, int keep_slash) {
  static const char digits[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (is_unreserved(*p) || (keep_slash && *p == '/')) {
      buf_putc(b, (char)*p);
    } else {
      char esc[3] = {'%', digits[*p >> 4], digits[*p & 15]};
      buf_add(b, esc, 3);
    }
  }
}

char *sigv4_uri_encode(const char *s, int keep_slash) {
  buf b = {0};
  buf_uri_encode(&b, s, keep_slash);
  return buf_take(&b);
}

char *sigv4_canonical_uri(const char *path) {
  buf b = {0};
  if (path[0] != '/') buf_putc(&b, '/');
  buf_uri_encode(&b, path, 1);
  return buf_take(&b);
}

/* One "key=value" pair, encoded, for sorting. */
typedef struct encoded_param {
  char *key;
  char *value;
} encoded_param;

static int compare_params(const void *a, const void *b) {
  const encoded_param *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : strcmp(x->value, y->value);
}

char *sigv4_canonical_query(const sigv4_param *params, size_t count) {
  encoded_param *enc = calloc(count ? count : 1, sizeof *enc);
  if (!enc) return NULL;
  buf b = {0};
  size_t done = 0;
  for (; done < count; done++) {
    enc[done].key = sigv4_uri_encode(params[done].key, 0);
    enc[done].value =
        sigv4_uri_encode(params[done].value ? params[done].value : "", 0);
    if (!enc[done].key || !enc[done].value) {
      b.failed = true;
      done++;
      break;
    }
  }
  if (!b.failed) {
    qsort(enc, count, sizeof *enc, compare_params);
    buf_puts(&b, "");
    for (size_t i = 0; i < count; i++) {
      buf_printf(&b, "%s%s=%s", i ? "&" : "", enc[i].key, enc[i].value);
    }
  }
  for (size_t i = 0; i < done; i++) {
    free(enc[i].key);
    free(enc[i].value);
  }
  free(enc);
  return buf_take(&b);
}

/* A header prepared for the canonical form: lowercase name, cleaned value,
   and its position so repeated names keep their order after sorting. */
typedef struct canon_header {
  char *name;
  char *value;
  size_t index;
} canon_header;

static int compare_headers(const void *a, const void *b) {
  const canon_header *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c) return c;
  return x->index < y->index ? -1 : x->index > y->index;
}

static char *lowercase_copy(const char *s) {
  char *out = strdup(s);
  if (!out) return NULL;
  for (char *p = out; *p; p++) {
    if (*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  }
  return out;
}

/* Trims the value and collapses inner runs of whitespace to one space. */
static char *clean_value(const char *s) {
  buf b = {0};
  buf_puts(&b, "");
  int pending_space = 0;
  for (const char *p = s; *p; p++) {
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
      pending_space = b.len > 0;
      continue;
    }
    if (pending_space) buf_putc(&b, ' ');
    pending_space = 0;
    buf_putc(&b, *p);
  }
  return buf_take(&b);
}

static void free_headers(canon_header *h, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(h[i].name);
    free(h[i].value);
  }
  free(h);
}

/* The request's headers, lowercased, cleaned and sorted; NULL on failure. */
static canon_header *sorted_headers(const sigv4_request *req) {
  size_t n = req->header_count;
  canon_header *h = calloc(n ? n : 1, sizeof *h);
  if (!h) return NULL;
  for (size_t i = 0; i < n; i++) {
    h[i].name = lowercase_copy(req->headers[i].name);
    h[i].value = clean_value(req->headers[i].value);
    h[i].index = i;
    if (!h[i].name || !h[i].value) {
      free_headers(h, n);
      return NULL;
    }
  }
  qsort(h, n, sizeof *h, compare_headers);
  return h;
}

/* Appends "name:v1,v2\n" lines (canonical) or "a;b" (signed list). */
static void append_headers(buf *b, const canon_header *h, size_t n,
                           int with_values) {
  for (size_t i = 0; i < n; i++) {
    int same_as_previous = i > 0 && strcmp(h[i].name, h[i - 1].name) == 0;
    if (with_values) {
      if (same_as_previous) {
        buf_printf(b, ",%s", h[i].value);
      } else {
        buf_printf(b, "%s%s:%s", i ? "\n" : "", h[i].name, h[i].value);
      }
    } else if (!same_as_previous) {
      buf_printf(b, "%s%s", i ? ";" : "", h[i].name);
    }
  }
  if (with_values && n) buf_putc(b, '\n');
}

char *sigv4_signed_headers(const sigv4_request *req) {
  canon_header *h = sorted_headers(req);
  if (!h) return NULL;
  buf b = {0};
  append_headers(&b, h, req->header_count, 0);
  free_headers(h, req->header_count);
  return buf_take(&b);
}

char *sigv4_canonical_request(const sigv4_request *req) {
  char *uri = sigv4_canonical_uri(req->path);
  char *query = sigv4_canonical_query(req->params, req->param_count);
  canon_header *h = sorted_headers(req);
  buf b = {0};
  if (!uri || !query || !h) {
    b.failed = true;
  } else {
    buf_printf(&b, "%s\n%s\n%s\n", req->method, uri, query);
    append_headers(&b, h, req->header_count, 1);
    buf_putc(&b, '\n');
    append_headers(&b, h, req->header_count, 0);
    buf_printf(&b, "\n%s", req->payload_sha256);
  }
  if (h) free_headers(h, req->header_count);
  free(uri);
  free(query);
  return buf_take(&b);
}

/* "20150830/us-east-1/service/aws4_request". */
static void append_scope(buf *b, const sigv4_scope *scope) {
  buf_add(b, scope->amz_date, 8);
  buf_printf(b, "/%s/%s/aws4_request", scope->region, scope->service);
}

char *sigv4_string_to_sign(const sigv4_request *req, const sigv4_scope *scope) {
  char *creq = sigv4_canonical_request(req);
  if (!creq) return NULL;
  char digest[65];
  sigv4_sha256_hex(creq, strlen(creq), digest);
  free(creq);
  buf b = {0};
  buf_printf(&b, "AWS4-HMAC-SHA256\n%s\n", scope->amz_date);
  append_scope(&b, scope);
  buf_printf(&b, "\n%s", digest);
  return buf_take(&b);
}

static void hmac_sha256(const void *key, size_t key_len, const char *data,
                        unsigned char out[32]) {
  unsigned int out_len = 32;
  HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)data,
       strlen(data), out, &out_len);
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
   "aws4_request"). */
static void signing_key(const sigv4_scope *scope, unsigned char out[32]) {
  char date[9];
  memcpy(date, scope->amz_date, 8);
  date[8] = '\0';
  buf secret = {0};
  buf_printf(&secret, "AWS4%s", scope->secret_key);
  unsigned char k[32];
  hmac_sha256(secret.data, secret.len, date, k);
  OPENSSL_cleanse(secret.data, secret.len);
  buf_free(&secret);
  hmac_sha256(k, sizeof k, scope->region, k);
  hmac_sha256(k, sizeof k, scope->service, k);
  hmac_sha256(k, sizeof k, "aws4_request", out);
  OPENSSL_cleanse(k, sizeof k);
}

char *sigv4_signature(const sigv4_request *req, const sigv4_scope *scope) {
  char *sts = sigv4_string_to_sign(req, scope);
  if (!sts) return NULL;
  unsigned char key[32], sig[32];
  signing_key(scope, key);
  hmac_sha256(key, sizeof key, sts, sig);
  OPENSSL_cleanse(key, sizeof key);
  free(sts);
  char *hex = malloc(65);
  if (hex) hex_encode(sig, sizeof sig, hex);
  return hex;
}

char *sigv4_authorization(const sigv4_request *req, const sigv4_scope *scope) {
  char *signature = sigv4_signature(req, scope);
  char *signed_headers = sigv4_signed_headers(req);
  buf b = {0};
  if (!signature || !signed_headers) {
    b.failed = true;
  } else {
    buf_printf(&b, "AWS4-HMAC-SHA256 Credential=%s/", scope->access_key);
    append_scope(&b, scope);
    buf_printf(&b, ", SignedHeaders=%s, Signature=%s", signed_headers,
               signature);
  }
  free(signature);
  free(signed_headers);
  return buf_take(&b);
}
