/*
 * http_request: one request of the Bazel HTTP cache protocol on libcurl
 * (GET into a file, PUT from a file, HEAD), with the store's credentials,
 * timeouts and cancellation. Bodies are streamed, never held whole. Easy
 * handles come from a locked pool, so requests may run on any thread at
 * once and keep their connections between calls.
 */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include "http_auth.h"

#define MBHOST_CACHE_HTTP_VERSION "0.1.0"

typedef struct http_settings {
  long connect_timeout;  /* seconds */
  long timeout;          /* seconds: the whole request, answer included */
  const char *ca_bundle; /* NULL: the system's */
  const http_auth *auth;
} http_settings;

typedef struct http_client http_client;

/* NULL when out of memory. Borrows `settings` for the client's life. */
http_client *http_client_new(const http_settings *settings);
void http_client_free(http_client *c);

/* Outcomes of a request. */
enum { HTTP_OK = 0, HTTP_NOT_FOUND = 1, HTTP_FAILED = 2 };

typedef struct http_request {
  const char *method;          /* "GET", "PUT" or "HEAD" */
  const char *url;             /* without credentials: it names the object in
                                  messages */
  int fd;                      /* GET: written from its start; PUT: read */
  uint64_t size;               /* PUT: bytes to send */
  const char *content_type;    /* PUT: or NULL */
  const char *accept;          /* GET: the Accept header, or NULL */
  int (*cancelled)(void *ctx); /* non-zero stops the request */
  void *ctx;
} http_request;

/* Runs the request: HTTP_OK, HTTP_NOT_FOUND (GET or HEAD of an object the
   server does not have), or HTTP_FAILED with "METHOD URL: why" in err. */
int http_perform(http_client *c, const http_request *req, char *err,
                 size_t cap);

#endif
