/*
 * sigv4: AWS Signature Version 4 (header-based authentication), as S3
 * expects it: the path is not normalized and each segment is percent-encoded
 * once, query parameters are sorted with "key=" for valueless keys, and the
 * payload hash is whatever the caller signs (the real SHA-256 of the body).
 * Pure functions over strings; HMAC-SHA256 and SHA-256 from libcrypto.
 * Every returned string is malloc'ed (free() it); NULL means out of memory.
 */
#ifndef S3_SIGV4_H
#define S3_SIGV4_H

#include <stddef.h>
#include <time.h>

/* A query parameter, not yet encoded. value NULL is a valueless key
   ("?uploads"), signed as "uploads=". */
typedef struct sigv4_param {
  const char *key;
  const char *value;
} sigv4_param;

/* A header to sign: any case; the value is trimmed and its inner runs of
   spaces collapsed. Repeated names are joined with ',' in order. */
typedef struct sigv4_header {
  const char *name;
  const char *value;
} sigv4_header;

typedef struct sigv4_request {
  const char *method;        /* "GET", "PUT", ... */
  const char *path;          /* decoded: "/bucket/my key.txt" */
  const sigv4_param *params; /* decoded query parameters, any order */
  size_t param_count;
  const sigv4_header *headers; /* must include host and x-amz-date */
  size_t header_count;
  const char *payload_sha256; /* lowercase hex */
} sigv4_request;

typedef struct sigv4_scope {
  const char *access_key;
  const char *secret_key;
  const char *region;   /* "us-east-1" */
  const char *service;  /* "s3" */
  const char *amz_date; /* "20150830T123600Z", the x-amz-date value */
} sigv4_scope;

/* The x-amz-date form of `t`: "YYYYMMDDTHHMMSSZ" (UTC). */
void sigv4_amz_date(time_t t, char out[17]);

/* Percent-encodes `s` the way SigV4 does: everything but A-Z a-z 0-9 - . _ ~
   becomes %XX (uppercase); '/' is kept when keep_slash is non-zero. */
char *sigv4_uri_encode(const char *s, int keep_slash);

/* The path as sent and signed: every segment encoded, slashes kept, never
   normalized; "" becomes "/". */
char *sigv4_canonical_uri(const char *path);

/* The query string as sent and signed: "a=1&b=&c=x%20y", sorted by
   encoded key then value. "" when there are no parameters. */
char *sigv4_canonical_query(const sigv4_param *params, size_t count);

/* "host;x-amz-content-sha256;x-amz-date". */
char *sigv4_signed_headers(const sigv4_request *req);

/* The six-part canonical request. */
char *sigv4_canonical_request(const sigv4_request *req);

/* "AWS4-HMAC-SHA256\n<date>\n<scope>\n<hex sha256 of canonical request>". */
char *sigv4_string_to_sign(const sigv4_request *req, const sigv4_scope *scope);

/* The hex signature of the request. */
char *sigv4_signature(const sigv4_request *req, const sigv4_scope *scope);

/* The Authorization header value: "AWS4-HMAC-SHA256 Credential=...,
   SignedHeaders=..., Signature=...". */
char *sigv4_authorization(const sigv4_request *req, const sigv4_scope *scope);

/* SHA-256 of a byte string as lowercase hex into out[65]. */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

#endif
