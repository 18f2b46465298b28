/*
 * s3_client: signed S3 requests carried by libcurl, and the one engine that
 * runs them: up to N requests in flight on a curl multi handle, each retried
 * with exponential backoff and jitter on throttling, server errors,
 * connection resets and timeouts (an <Error> body in a 200 answer counts as
 * a failure), other errors failing at once with S3's code and message.
 * Single requests, concurrent PutObjects and multipart parts all go through
 * s3_run, so retries and cancellation behave the same everywhere.
 * A client (its curl handles) is used by one thread at a time; clients
 * sharing settings and credentials may run on several threads at once.
 */
#ifndef S3_CLIENT_H
#define S3_CLIENT_H

#include <stdint.h>

#include "buf.h"
#include "s3_creds.h"
#include "s3_xml.h"
#include "sigv4.h"

#define MBHOST_S3_VERSION "0.1.0"

/* Log levels of s3_hooks.log: the host's MB_LOG_* values. */
enum { S3_LOG_ERROR = 0, S3_LOG_WARN = 1, S3_LOG_INFO = 2, S3_LOG_DEBUG = 3 };

/* What the plugin configured ([export.s3]), already validated. */
typedef struct s3_settings {
  const char *bucket;
  const char *region;
  const char *endpoint;  /* NULL: AWS (https://s3.REGION.amazonaws.com) */
  int path_style;        /* 1: ENDPOINT/BUCKET/KEY, 0: BUCKET.HOST/KEY */
  const char *ca_bundle; /* NULL: the system's */
  long timeout;          /* seconds: connect, stall, wait for an answer */
  int attempts;          /* tries per request, the first included */
  const char *acl;       /* headers for new objects, or NULL */
  const char *cache_control;
  const char *storage_class;
} s3_settings;

/* How the engine reports to the plugin (host services behind them). */
typedef struct s3_hooks {
  void *ctx;
  void (*log)(void *ctx, int level, const char *message);
  int (*cancelled)(void *ctx);
} s3_hooks;

typedef struct s3_client s3_client;

/* Where a GET's answer goes when it succeeds: streamed into a file (the
   answer to a failed request is still read into `body`). */
typedef struct s3_download {
  int fd;            /* opened for writing by the caller */
  uint64_t received; /* bytes written by the current attempt */
  int write_failed;  /* errno of a failed write, or 0 */
} s3_download;

/* One request. The engine owns the storage; a job source fills it with
   s3_request_set and the body setters, and reads results when it is done. */
typedef struct s3_request {
  /* What to send. */
  const char *op; /* for messages: "PutObject", "UploadPart" */
  const char *method;
  char *key; /* decoded object key; owned */
  sigv4_param params[2];
  size_t param_count;
  char *param_values[2];    /* owned copies behind params[].value */
  const char *content_type; /* with object headers: a new object's type */
  int object_headers;       /* send acl, cache-control, storage class */
  s3_download *download;    /* a 2xx answer's body into a file, or NULL */
  const char *mem;          /* body from memory (borrowed) ... */
  int fd;                   /* ... or from a file range (fd >= 0) */
  uint64_t offset, length;
  char payload_sha256[65];
  int tag; /* the job source's own number */

  /* What came back (valid in the finished callback). */
  long status;
  long header_status; /* the status line of the answer being read */
  char etag[128];     /* ETag response header, as sent */
  buf body;           /* response body, capped */
  s3_xml_info xml;    /* parsed body */

  /* Engine state. */
  uint64_t sent;
  int attempt;
  double retry_at;
  double sent_at; /* when the body was sent (without one: the start) */
  long deadline;  /* seconds from sent_at to a complete answer */
  int late;       /* the answer was not complete by then */
  struct curl_slist *headers;
  char *url;
  char curl_error[256];
} s3_request;

/* Creates a client; NULL with a message in err. Takes no ownership. */
s3_client *s3_client_new(const s3_settings *settings,
                         const s3_credentials *creds, const s3_hooks *hooks,
                         char *err, size_t cap);
void s3_client_free(s3_client *c);
const s3_settings *s3_client_settings(const s3_client *c);
/* Reports through `hooks` from now on: a client kept for reuse serves one
   caller at a time, each with its own hooks. */
void s3_client_set_hooks(s3_client *c, const s3_hooks *hooks);

/* Logs through the hooks. */
void s3_client_log(s3_client *c, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* "s3://bucket/key". */
void s3_object_url(const s3_settings *s, const char *key, char *out,
                   size_t cap);

/* Prepares `req` for a request on `key` (NULL: the bucket) with up to two
   query parameters (value NULL: valueless, "?uploads"). */
int s3_request_set(s3_request *req, const char *op, const char *method,
                   const char *key, const char *p1, const char *v1,
                   const char *p2, const char *v2);
/* Body from memory; computes its SHA-256. */
void s3_request_body_mem(s3_request *req, const char *data, size_t len);
/* Body from a file range whose SHA-256 the caller computed. */
void s3_request_body_file(s3_request *req, int fd, uint64_t offset,
                          uint64_t length, const char sha256[65]);

/* A source of requests for s3_run. */
typedef struct s3_jobs {
  void *ctx;
  /* Fills `req` (already reset) with the next request: 1 when it did, 0
     when there are no more, -1 on error (message into err). */
  int (*next)(void *ctx, s3_request *req, char *err, size_t cap);
  /* `req` succeeded: checks it (ETags) and keeps its results; 0, or -1
     with a message to stop the run. May be NULL. */
  int (*finished)(void *ctx, s3_request *req, char *err, size_t cap);
} s3_jobs;

enum { S3_RUN_OK = 0, S3_RUN_FAILED = 1, S3_RUN_CANCELLED = 3 };
enum { S3_RUN_IGNORE_CANCEL = 1 }; /* flags: cleanup requests (aborts) */

/* Runs the jobs with up to `concurrency` in flight. On failure err says
   which request failed and why; on S3_RUN_CANCELLED nothing is in flight. */
int s3_run(s3_client *c, const s3_jobs *jobs, int concurrency, int flags,
           char *err, size_t cap);

/* Runs one prepared request (a one-job s3_run). Results stay in *req, also
   after a failure (status, xml.code, attempt). */
int s3_perform(s3_client *c, s3_request *req, int flags, char *err, size_t cap);

/* Frees what a request holds and makes it empty again. */
void s3_request_clear(s3_request *req);

#endif
