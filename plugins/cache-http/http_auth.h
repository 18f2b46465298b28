/*
 * http_auth: the credentials of the http cache store, from the environment
 * or a netrc file, never from the INI:
 *   MBHOST_CACHE_HTTP_TOKEN                   a bearer token, or
 *   MBHOST_CACHE_HTTP_USER and _PASSWORD      basic auth, or
 *   a netrc file with a `machine HOST` (or `default`) entry: the `netrc`
 *   option, else $NETRC, else ~/.netrc; curl reads the entry itself.
 * Setting both a token and a user is an error (which one was meant?).
 * Secrets are wiped on free and never appear in the messages this module
 * writes.
 */
#ifndef HTTP_AUTH_H
#define HTTP_AUTH_H

#include <stddef.h>

typedef struct http_auth {
  char *token;    /* bearer token, or NULL */
  char *user;     /* basic auth from the environment, or NULL */
  char *password; /* with user ("" when only the user is set) */
  char *netrc;    /* the netrc file that has an entry for the host, or NULL */
  char *source;   /* for people: "bearer token (MBHOST_CACHE_HTTP_TOKEN)" */
} http_auth;

/* Finds the credentials for requests to `host`; netrc_option is the
   store's `netrc` option (NULL when unset). 0, or -1 with a message (what
   to change) in err. */
int http_auth_load(http_auth *out, const char *host, const char *netrc_option,
                   char *err, size_t cap);

/* Whether requests carry credentials at all. */
int http_auth_sends_secrets(const http_auth *a);

void http_auth_free(http_auth *a);

#endif
