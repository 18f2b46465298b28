/* engine: HTTP requests to a Docker Engine API (Docker, or Podman's
   compatible one) with libcurl: over a unix socket, or tcp:// with TLS
   client certificates; and the multiplexed stream of container logs. */
#ifndef DOCKER_ENGINE_H
#define DOCKER_ENGINE_H

#include <stddef.h>

/* The API version every request names: Docker 20.10 and Podman 3+ speak
   it. */
#define ENGINE_API "/v1.41"

typedef struct engine {
  char *host;            /* as configured: unix:///path or tcp://host:port */
  char *socket;          /* the unix socket, or NULL */
  char *origin;          /* "http://docker" or "https://host:port" */
  char *ca, *cert, *key; /* TLS files, or NULL */
} engine;

/* Parses `host` and the TLS files (each may be NULL). 0, or -1 with the
   problem in err. */
int engine_init(engine *e, const char *host, const char *ca, const char *cert,
                const char *key, char *err, size_t cap);
void engine_free(engine *e);
/* Whether the engine is reached over the network (no bind mounts). */
int engine_is_remote(const engine *e);

/* Receives a response body as it arrives; returns 0 to go on. */
typedef int (*engine_sink)(void *ctx, const char *data, size_t len);
/* Non-zero when the request must be abandoned (an interrupt). */
typedef int (*engine_stop)(void *ctx);

typedef struct reply {
  long status; /* HTTP status */
  char *body;  /* the body when no sink was given (NUL-terminated) */
  size_t len;
  char error[512]; /* why there was no reply */
  int tls;         /* no reply because TLS failed (a certificate) */
} reply;

enum { ENGINE_OK = 0, ENGINE_FAILED = -1, ENGINE_STOPPED = -2 };

/* One request: `path` after the API version ("/containers/json"); `body`
   of `body_len` bytes with `content_type`, or NULL. ENGINE_OK when a reply
   came (any status), ENGINE_FAILED (r->error says why), or ENGINE_STOPPED
   when stop() became non-zero. Free r->body with reply_free. */
int engine_call(const engine *e, const char *method, const char *path,
                const char *content_type, const void *body, size_t body_len,
                engine_sink sink, void *sink_ctx, engine_stop stop,
                void *stop_ctx, reply *r);
void reply_free(reply *r);

/* The message of an error reply ({"message": "..."}) or its status. */
void reply_message(const reply *r, char *buf, size_t cap);

/* Splits the multiplexed stream of a container's logs (8-byte headers:
   stream, 0, 0, 0, big-endian length) into its payloads. */
typedef struct demux {
  unsigned char header[8];
  size_t have; /* bytes of the header read so far */
  size_t left; /* payload bytes still to come */
  int stream;  /* 1 stdout, 2 stderr */
  void (*payload)(void *ctx, int stream, const char *data, size_t len);
  void *ctx;
} demux;

void demux_feed(demux *d, const char *data, size_t len);

/* `text` escaped for a URL query or path segment, into buf. */
void url_escape(const char *text, char *buf, size_t cap);

#endif
