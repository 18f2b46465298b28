/* http_request: requests of the Bazel HTTP cache protocol on libcurl (see
   http_request.h). */
#include "http_request.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Idle handles kept for their connections; more are made when needed. */
#define POOL_MAX 8
/* How much of an error answer a message quotes. */
#define ANSWER_MAX 200

struct http_client {
  const http_settings *s;
  pthread_mutex_t lock;
  CURL *idle[POOL_MAX];
  int idle_count;
};

http_client *http_client_new(const http_settings *settings) {
  http_client *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->s = settings;
  pthread_mutex_init(&c->lock, NULL);
  return c;
}

void http_client_free(http_client *c) {
  if (!c) return;
  for (int i = 0; i < c->idle_count; i++)
    curl_easy_cleanup(c->idle[i]);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

static CURL *take_handle(http_client *c) {
  CURL *e = NULL;
  pthread_mutex_lock(&c->lock);
  if (c->idle_count > 0) e = c->idle[--c->idle_count];
  pthread_mutex_unlock(&c->lock);
  if (e) curl_easy_reset(e); /* keeps its connections */
  return e ? e : curl_easy_init();
}

static void give_handle(http_client *c, CURL *e) {
  pthread_mutex_lock(&c->lock);
  if (c->idle_count < POOL_MAX) c->idle[c->idle_count++] = e, e = NULL;
  pthread_mutex_unlock(&c->lock);
  if (e) curl_easy_cleanup(e);
}

/* One request in flight. */
typedef struct transfer {
  const http_request *req;
  CURL *easy;
  uint64_t sent;
  int write_errno;         /* GET: the file could not be written */
  char answer[ANSWER_MAX]; /* the start of an error answer */
  size_t answer_len;
} transfer;

static long status_of(CURL *e) {
  long status = 0;
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

/* The object goes to the file; any other answer is kept for the message. */
static size_t on_body(char *data, size_t size, size_t nitems, void *user) {
  transfer *t = user;
  size_t n = size * nitems;
  if (strcmp(t->req->method, "GET") == 0 && status_of(t->easy) == 200) {
    for (size_t done = 0; done < n;) {
      ssize_t w = write(t->req->fd, data + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        t->write_errno = w < 0 ? errno : EIO;
        return 0; /* curl fails the transfer with CURLE_WRITE_ERROR */
      }
      done += (size_t)w;
    }
    return n;
  }
  size_t room = sizeof t->answer - 1 - t->answer_len;
  size_t keep = n < room ? n : room;
  memcpy(t->answer + t->answer_len, data, keep);
  t->answer_len += keep;
  t->answer[t->answer_len] = '\0';
  return n;
}

static size_t on_read(char *out, size_t size, size_t nitems, void *user) {
  transfer *t = user;
  uint64_t left = t->req->size - t->sent;
  size_t want = size * nitems < left ? size * nitems : (size_t)left;
  if (want == 0) return 0;
  ssize_t n = pread(t->req->fd, out, want, (off_t)t->sent);
  /* A file that shrank would make a short object: the server drops a
     body that ends before its Content-Length. */
  if (n <= 0) return CURL_READFUNC_ABORT;
  t->sent += (uint64_t)n;
  return (size_t)n;
}

/* curl rewinds the body to send it again on a reused connection that the
   server had closed. */
static int on_seek(void *user, curl_off_t offset, int origin) {
  transfer *t = user;
  if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > t->req->size)
    return CURL_SEEKFUNC_CANTSEEK;
  t->sent = (uint64_t)offset;
  return CURL_SEEKFUNC_OK;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow) {
  (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
  const http_request *req = ((transfer *)user)->req;
  return req->cancelled && req->cancelled(req->ctx);
}

/* The request's headers; NULL when out of memory. */
static struct curl_slist *make_headers(const http_settings *s,
                                       const http_request *req) {
  /* "Expect:" turns off curl's 100-continue round trip before a PUT. */
  struct curl_slist *list = curl_slist_append(NULL, "Expect:");
  char line[256];
  if (list && req->content_type && strcmp(req->method, "PUT") == 0) {
    snprintf(line, sizeof line, "Content-Type: %s", req->content_type);
    struct curl_slist *l = curl_slist_append(list, line);
    if (!l) curl_slist_free_all(list);
    list = l;
  }
  if (list && req->accept && strcmp(req->method, "GET") == 0) {
    snprintf(line, sizeof line, "Accept: %s", req->accept);
    struct curl_slist *l = curl_slist_append(list, line);
    if (!l) curl_slist_free_all(list);
    list = l;
  }
  if (list && s->auth->token) {
    size_t n = strlen(s->auth->token) + sizeof "Authorization: Bearer ";
    char *auth = malloc(n);
    struct curl_slist *l = NULL;
    if (auth) {
      snprintf(auth, n, "Authorization: Bearer %s", s->auth->token);
      l = curl_slist_append(list, auth);
      memset(auth, 0, n);
      free(auth);
    }
    if (!l) curl_slist_free_all(list);
    list = l;
  }
  return list;
}

static void set_options(const http_settings *s, transfer *t,
                        struct curl_slist *headers, char *curl_error) {
  CURL *e = t->easy;
  const http_request *req = t->req;
  curl_easy_setopt(e, CURLOPT_URL, req->url);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(e, CURLOPT_USERAGENT,
                   "mbhost-cache-http/" MBHOST_CACHE_HTTP_VERSION);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, curl_error);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, s->connect_timeout);
  curl_easy_setopt(e, CURLOPT_TIMEOUT, s->timeout);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, t);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  if (s->ca_bundle) curl_easy_setopt(e, CURLOPT_CAINFO, s->ca_bundle);
  if (s->auth->user) {
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
    curl_easy_setopt(e, CURLOPT_USERNAME, s->auth->user);
    curl_easy_setopt(e, CURLOPT_PASSWORD, s->auth->password);
  } else if (s->auth->netrc) {
    curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
    curl_easy_setopt(e, CURLOPT_NETRC_FILE, s->auth->netrc);
  }
  if (strcmp(req->method, "HEAD") == 0) {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (strcmp(req->method, "PUT") == 0) {
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->size);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, t);
    curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
    curl_easy_setopt(e, CURLOPT_SEEKDATA, t);
  }
}

/* The start of an error answer, as one printable line, when it is text
   that holds no secret of ours (a server may echo what it was sent). */
static const char *answer_excerpt(transfer *t, const http_auth *auth) {
  char *type = NULL;
  curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &type);
  if (!type || (strncmp(type, "text/plain", 10) != 0 &&
                strncmp(type, "application/json", 16) != 0))
    return "";
  const char *secrets[] = {auth->token, auth->user, auth->password};
  for (size_t i = 0; i < sizeof secrets / sizeof *secrets; i++) {
    if (secrets[i] && *secrets[i] && strstr(t->answer, secrets[i])) return "";
  }
  for (char *p = t->answer; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = ' ';
  }
  return t->answer;
}

/* What a finished request means; "why" gets the reason of a failure. */
static int classify(const http_settings *s, transfer *t, CURLcode rc,
                    const char *curl_error, char *why, size_t cap) {
  const http_request *req = t->req;
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    snprintf(why, cap, "interrupted");
    return HTTP_FAILED;
  }
  if (rc == CURLE_WRITE_ERROR && t->write_errno) {
    snprintf(why, cap, "cannot write the download: %s",
             strerror(t->write_errno));
    return HTTP_FAILED;
  }
  if (rc != CURLE_OK) {
    const char *detail = *curl_error ? curl_error : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
      snprintf(why, cap, "%s (the connect_timeout and timeout options)",
               detail);
    else
      snprintf(why, cap, "%s", detail);
    return HTTP_FAILED;
  }
  long status = status_of(t->easy);
  int is_put = strcmp(req->method, "PUT") == 0;
  if (is_put ? status >= 200 && status < 300 : status == 200) return HTTP_OK;
  if (status == 404 && !is_put) return HTTP_NOT_FOUND;
  const char *excerpt = answer_excerpt(t, s->auth);
  const char *sep = *excerpt ? ": " : "";
  if (status == 401 || status == 403) {
    snprintf(why, cap, "HTTP %ld%s%s (credentials: %s)", status, sep, excerpt,
             s->auth->source);
  } else {
    snprintf(why, cap, "HTTP %ld%s%s", status, sep, excerpt);
  }
  return HTTP_FAILED;
}

int http_perform(http_client *c, const http_request *req, char *err,
                 size_t cap) {
  transfer t = {.req = req, .easy = take_handle(c)};
  struct curl_slist *headers = t.easy ? make_headers(c->s, req) : NULL;
  char why[1024];
  int outcome = HTTP_FAILED;
  if (!headers) {
    snprintf(why, sizeof why, "out of memory");
  } else {
    char curl_error[CURL_ERROR_SIZE] = "";
    set_options(c->s, &t, headers, curl_error);
    CURLcode rc = curl_easy_perform(t.easy);
    outcome = classify(c->s, &t, rc, curl_error, why, sizeof why);
    /* The handle outlives the list and the error buffer in the pool. */
    curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, NULL);
    curl_easy_setopt(t.easy, CURLOPT_ERRORBUFFER, NULL);
  }
  curl_slist_free_all(headers);
  if (t.easy) give_handle(c, t.easy);
  if (outcome == HTTP_FAILED)
    snprintf(err, cap, "%s %s: %s", req->method, req->url, why);
  return outcome;
}
