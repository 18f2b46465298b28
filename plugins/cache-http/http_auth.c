/* http_auth: credentials from the environment or a netrc file (see
   http_auth.h). */
#include "http_auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TOKEN_VAR "MBHOST_CACHE_HTTP_TOKEN"
#define USER_VAR "MBHOST_CACHE_HTTP_USER"
#define PASSWORD_VAR "MBHOST_CACHE_HTTP_PASSWORD"
/* A netrc file is a few lines; a bigger one is not what we think it is. */
#define MAX_NETRC (1u << 20)

static char *env_value(const char *name) {
  const char *v = getenv(name);
  return v && *v ? strdup(v) : NULL;
}

/* A value that goes into a header must not end it early. */
static int has_control_chars(const char *s) {
  for (; s && *s; s++) {
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
  }
  return 0;
}

static void wipe_free(char *s) {
  if (!s) return;
  explicit_bzero(s, strlen(s));
  free(s);
}

/* Whether the netrc text has an entry curl would use for `host`: a
   `machine HOST` or a `default`. Only the tokens that name entries are
   looked at; curl parses the file for real. */
static int netrc_has_entry(char *text, const char *host) {
  int want_name = 0;
  for (char *save = NULL, *tok = strtok_r(text, " \t\r\n", &save); tok;
       tok = strtok_r(NULL, " \t\r\n", &save)) {
    if (want_name && strcasecmp(tok, host) == 0) return 1;
    want_name = strcmp(tok, "machine") == 0;
    if (strcmp(tok, "default") == 0) return 1;
  }
  return 0;
}

/* Reads a whole small file into *text (*len bytes and a NUL); -1 (errno
   set) when it cannot. */
static int read_small_file(const char *path, char **text, size_t *len) {
  FILE *f = fopen(path, "re");
  if (!f) return -1;
  char *buf = malloc(MAX_NETRC + 1);
  size_t n = buf ? fread(buf, 1, MAX_NETRC + 1, f) : 0;
  int e = !buf ? ENOMEM : ferror(f) ? EIO : n > MAX_NETRC ? EFBIG : 0;
  fclose(f);
  if (e) {
    if (buf) explicit_bzero(buf, n);
    free(buf);
    errno = e;
    return -1;
  }
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return 0;
}

/* The netrc file to read: the option, $NETRC, else ~/.netrc; *origin says
   which, for messages. NULL when there is none. */
static char *netrc_path(const char *option, const char **origin) {
  const char *env = getenv("NETRC");
  const char *home = getenv("HOME");
  *origin = option ? "the netrc option" : env && *env ? "$NETRC" : "~/.netrc";
  if (option) return strdup(option);
  if (env && *env) return strdup(env);
  if (!home || !*home) return NULL;
  size_t n = strlen(home) + sizeof "/.netrc";
  char *path = malloc(n);
  if (path) snprintf(path, n, "%s/.netrc", home);
  return path;
}

/* Uses the netrc file when it has an entry for the host. A missing
   ~/.netrc is no error; a file the user named must be readable. */
static int load_netrc(http_auth *a, const char *host, const char *option,
                      char *err, size_t cap) {
  const char *origin;
  char *path = netrc_path(option, &origin);
  if (!path) return 0;
  char *text = NULL;
  size_t len = 0;
  if (read_small_file(path, &text, &len) != 0) {
    int missing_default = errno == ENOENT && strcmp(origin, "~/.netrc") == 0;
    if (!missing_default)
      snprintf(err, cap, "cannot read the netrc file %s (%s): %s", path, origin,
               strerror(errno));
    free(path);
    return missing_default ? 0 : -1;
  }
  int found = netrc_has_entry(text, host);
  /* strtok_r cut the text at every token: wipe all of it. */
  explicit_bzero(text, len);
  free(text);
  if (!found) {
    free(path);
    return 0;
  }
  a->netrc = path;
  size_t n = strlen(path) + 64;
  a->source = malloc(n);
  if (!a->source) {
    snprintf(err, cap, "out of memory");
    return -1;
  }
  snprintf(a->source, n, "basic auth from the netrc file %s", path);
  return 0;
}

int http_auth_load(http_auth *out, const char *host, const char *netrc_option,
                   char *err, size_t cap) {
  *out = (http_auth){0};
  out->token = env_value(TOKEN_VAR);
  out->user = env_value(USER_VAR);
  if (out->token && out->user) {
    snprintf(err, cap,
             "both " TOKEN_VAR " and " USER_VAR
             " are set: unset the one the cache server does not use");
  } else if (has_control_chars(out->token) || has_control_chars(out->user)) {
    snprintf(err, cap, "%s contains control characters",
             out->token ? TOKEN_VAR : USER_VAR);
  } else if (out->token) {
    out->source = strdup("bearer token from " TOKEN_VAR);
    if (out->source) return 0;
    snprintf(err, cap, "out of memory");
  } else if (out->user) {
    out->password = env_value(PASSWORD_VAR);
    if (!out->password) out->password = strdup("");
    out->source = strdup("basic auth from " USER_VAR " and " PASSWORD_VAR);
    if (out->password && out->source) return 0;
    snprintf(err, cap, "out of memory");
  } else if (load_netrc(out, host, netrc_option, err, cap) == 0) {
    if (out->source || (out->source = strdup("no credentials"))) return 0;
    snprintf(err, cap, "out of memory");
  }
  http_auth_free(out);
  return -1;
}

int http_auth_sends_secrets(const http_auth *a) {
  return a->token || a->user || a->netrc;
}

void http_auth_free(http_auth *a) {
  wipe_free(a->token);
  wipe_free(a->user);
  wipe_free(a->password);
  free(a->netrc);
  free(a->source);
  *a = (http_auth){0};
}
