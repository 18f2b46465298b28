/* The docker executor: each step of a plan runs in its own container of
   the target's image, through the Docker Engine API (docs/executor-docker.md).
   Local engine (unix://): the source is bind-mounted read-only, staging
   and scratch read-write, at their own paths. Remote engine (tcp://): no
   bind mounts; the source goes in and the outputs come back through the
   archive API, and staging and scratch are named volumes there. */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <mbhost/executor.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "transfer.h"

#define ID_CAP 256

static const mb_host *host;
static const mb_options_service *opts;

static const char *const pull_choices[] = {"never", "missing", NULL};
static const char *const transfer_choices[] = {"auto", "bind", "archive", NULL};

static const mb_option docker_options[] = {
    {.key = "host",
     .type = MB_OPT_STRING,
     .help = "the engine, unix:///PATH or tcp://HOST:PORT (default: "
             "$DOCKER_HOST, else unix:///var/run/docker.sock)"},
    {.key = "tls_ca",
     .type = MB_OPT_PATH,
     .help = "CA certificate of a tcp:// engine (default: "
             "$DOCKER_CERT_PATH/ca.pem)",
     .flags = MB_OPT_MUST_EXIST},
    {.key = "tls_cert",
     .type = MB_OPT_PATH,
     .help = "client certificate for a tcp:// engine (default: "
             "$DOCKER_CERT_PATH/cert.pem)",
     .flags = MB_OPT_MUST_EXIST},
    {.key = "tls_key",
     .type = MB_OPT_PATH,
     .help = "the client certificate's key (default: "
             "$DOCKER_CERT_PATH/key.pem)",
     .flags = MB_OPT_MUST_EXIST},
    {.key = "network",
     .type = MB_OPT_BOOL,
     .default_value = "false",
     .help = "give steps a network (default: none at all)"},
    {.key = "pull",
     .type = MB_OPT_CHOICE,
     .default_value = "never",
     .help = "never: a missing image is an error; missing: pull it",
     .choices = pull_choices},
    {.key = "transfer",
     .type = MB_OPT_CHOICE,
     .default_value = "auto",
     .help = "bind mounts, or archives through the API (auto: bind for "
             "unix://, archive for tcp://)",
     .choices = transfer_choices},
    {0}};

typedef struct docker {
  engine engine;
  int network;
  int pull;
  int archive; /* source in and outputs out through the archive API */
  char client[256];
} docker;

/* ---- requests ---- */

static int cancelled(void *call) {
  return host->cancelled(call);
}

static int call_json(docker *d, mb_call *call, const char *method,
                     const char *path, json_t *body, reply *r, int stoppable) {
  char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
  int rc =
      engine_call(&d->engine, method, path, text ? "application/json" : NULL,
                  text, text ? strlen(text) : 0, NULL, NULL,
                  stoppable ? cancelled : NULL, call, r);
  free(text);
  if (rc == ENGINE_FAILED && r->tls)
    host->set_error(call,
                    "TLS with the Docker engine at %s failed: %s (is "
                    "tls_cert a client certificate of the CA the engine "
                    "trusts, and tls_ca the CA of the engine's certificate?)",
                    d->engine.host, r->error);
  else if (rc == ENGINE_FAILED)
    host->set_error(call,
                    "cannot reach the Docker engine at %s: %s (is dockerd "
                    "running, and is [executor.docker] host right?)",
                    d->engine.host, r->error);
  return rc;
}

/* An error reply, with what the engine said. */
static int refused(mb_call *call, const char *what, reply *r) {
  char msg[512];
  reply_message(r, msg, sizeof msg);
  host->set_error(call, "%s: %s", what, msg);
  reply_free(r);
  return MB_ERROR;
}

/* ---- images ---- */

static int pull_image(docker *d, mb_call *call, const char *image) {
  char esc[1024], path[1200];
  url_escape(image, esc, sizeof esc);
  snprintf(path, sizeof path, "/images/create?fromImage=%s", esc);
  host->log(call, MB_LOG_INFO, "pulling %s ([executor.docker] pull = missing)",
            image);
  reply r;
  int rc = call_json(d, call, "POST", path, NULL, &r, 1);
  if (rc == ENGINE_STOPPED) return MB_CANCELLED;
  if (rc != ENGINE_OK) return MB_ERROR;
  /* A failed pull still answers 200, with {"error": ...} in the stream. */
  if (r.status != 200 || (r.body && strstr(r.body, "\"error\"")))
    return refused(call, "cannot pull", &r);
  reply_free(&r);
  return MB_OK;
}

static int docker_resolve_image(void *self, mb_call *call, const char *image,
                                char *id, size_t cap) {
  docker *d = self;
  char esc[1024], path[1200];
  /* '/' stays: the engine reads "registry/name:tag" as a path. */
  snprintf(esc, sizeof esc, "%s", image);
  snprintf(path, sizeof path, "/images/%s/json", esc);
  for (int attempt = 0;; attempt++) {
    reply r;
    int rc = call_json(d, call, "GET", path, NULL, &r, 1);
    if (rc == ENGINE_STOPPED) return MB_CANCELLED;
    if (rc != ENGINE_OK) return MB_ERROR;
    if (r.status == 404 && d->pull && attempt == 0) {
      reply_free(&r);
      int pulled = pull_image(d, call, image);
      if (pulled != MB_OK) return pulled;
      continue;
    }
    if (r.status == 404) {
      reply_free(&r);
      host->set_error(
          call,
          "image %s is not on the Docker engine at %s: build or load it "
          "there (docker build -t %s ., docker load -i IMAGE.tar, or docker "
          "import ROOTFS.tar %s; docs/executor-docker.md), or docker pull "
          "%s; [executor.docker] pull = missing lets mbhost pull it",
          image, d->engine.host, image, image, image);
      return MB_ERROR;
    }
    if (r.status != 200) return refused(call, "cannot inspect the image", &r);
    json_t *doc = json_loads(r.body, 0, NULL);
    const char *got = json_string_value(json_object_get(doc, "Id"));
    int ok = got && strlen(got) < cap;
    if (ok) snprintf(id, cap, "%s", got);
    json_decref(doc);
    reply_free(&r);
    if (!ok) host->set_error(call, "the engine gave no ID for image %s", image);
    return ok ? MB_OK : MB_ERROR;
  }
}

/* ---- containers ---- */

/* What one container runs and sees. */
typedef struct spec {
  const char *image_id;
  const char *const *argv;
  const char *const *env;
  const char *workdir;
  unsigned uid, gid;
  const mb_target *target;
  const char *run_id;
  json_t *mounts;           /* owned by the caller, may be NULL */
  const tarbuf *upload;     /* into "/" before the start, or NULL */
  const char *const *fetch; /* outputs to read back (archive mode), or NULL */
  void (*output)(void *ctx, int stream, const char *data, size_t len);
  void *output_ctx;
} spec;

static json_t *labels(docker *d, mb_call *call, const spec *s) {
  char pid[32];
  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  json_t *l = json_pack("{s:s, s:s, s:s, s:s}", "mbhost", "1", "mbhost.pid",
                        pid, "mbhost.client", d->client, "mbhost.project",
                        host->project(call, "name"));
  if (s->run_id) json_object_set_new(l, "mbhost.run", json_string(s->run_id));
  if (s->target)
    json_object_set_new(l, "mbhost.target", json_string(s->target->name));
  return l;
}

static json_t *string_array(const char *const *items) {
  json_t *a = json_array();
  for (size_t i = 0; items && items[i]; i++)
    json_array_append_new(a, json_string(items[i]));
  return a;
}

static int create_container(docker *d, mb_call *call, const spec *s, char *id,
                            size_t cap) {
  char user[64];
  snprintf(user, sizeof user, "%u:%u", s->uid, s->gid);
  json_t *hostcfg =
      json_pack("{s:s, s:{s:s}}", "NetworkMode", d->network ? "bridge" : "none",
                "LogConfig", "Type", "json-file");
  if (s->mounts) json_object_set(hostcfg, "Mounts", s->mounts);
  json_t *body = json_pack("{s:s, s:o, s:o, s:s, s:b, s:b, s:o, s:o}", "Image",
                           s->image_id, "Cmd", string_array(s->argv), "Env",
                           string_array(s->env), "User", user,
                           "NetworkDisabled", !d->network, "Tty", 0, "Labels",
                           labels(d, call, s), "HostConfig", hostcfg);
  /* Entrypoint []: the step's argv is the whole command, whatever the
     image's entrypoint. */
  json_object_set_new(body, "Entrypoint", json_array());
  if (s->workdir)
    json_object_set_new(body, "WorkingDir", json_string(s->workdir));
  reply r;
  int rc = call_json(d, call, "POST", "/containers/create", body, &r, 0);
  json_decref(body);
  if (rc != ENGINE_OK) return MB_ERROR;
  if (r.status != 201) return refused(call, "cannot create a container", &r);
  json_t *doc = json_loads(r.body, 0, NULL);
  const char *got = json_string_value(json_object_get(doc, "Id"));
  int ok = got && strlen(got) < cap;
  if (ok) snprintf(id, cap, "%s", got);
  json_decref(doc);
  reply_free(&r);
  if (!ok) host->set_error(call, "the engine gave no container ID");
  return ok ? MB_OK : MB_ERROR;
}

/* Kills and removes; never stopped by an interrupt, which is what calls
   it. */
static void remove_container(docker *d, mb_call *call, const char *id) {
  char path[512];
  reply r;
  snprintf(path, sizeof path, "/containers/%s?force=1", id);
  if (call_json(d, call, "DELETE", path, NULL, &r, 0) == ENGINE_OK)
    reply_free(&r);
}

static int logs_sink(void *ctx, const char *data, size_t len) {
  demux_feed(ctx, data, len);
  return 0;
}

static int upload(docker *d, mb_call *call, const char *id, const tarbuf *t) {
  char path[512];
  snprintf(path, sizeof path, "/containers/%s/archive?path=%%2F", id);
  reply r;
  int rc = engine_call(&d->engine, "PUT", path, "application/x-tar", t->data,
                       t->len, NULL, NULL, cancelled, call, &r);
  if (rc == ENGINE_STOPPED) return MB_CANCELLED;
  if (rc != ENGINE_OK) {
    host->set_error(call, "cannot upload to the engine at %s: %s",
                    d->engine.host, r.error);
    return MB_ERROR;
  }
  if (r.status != 200) return refused(call, "cannot upload the source", &r);
  reply_free(&r);
  return MB_OK;
}

static int has_glob(const char *path) {
  const char *slash = strrchr(path, '/');
  return strpbrk(slash ? slash + 1 : path, "*?[") != NULL;
}

/* Reads the declared outputs back from the stopped container. */
static int fetch_outputs(docker *d, mb_call *call, const char *id,
                         const char *const *fetch) {
  for (size_t i = 0; fetch && fetch[i]; i++) {
    int glob = has_glob(fetch[i]);
    char want[4096], esc[8192], path[8400];
    snprintf(want, sizeof want, "%s", fetch[i]);
    if (glob) *strrchr(want, '/') = '\0';
    url_escape(want, esc, sizeof esc);
    snprintf(path, sizeof path, "/containers/%s/archive?path=%s", id, esc);
    reply r;
    int rc = call_json(d, call, "GET", path, NULL, &r, 1);
    if (rc == ENGINE_STOPPED) return MB_CANCELLED;
    if (rc != ENGINE_OK) return MB_ERROR;
    if (r.status == 404) {
      reply_free(&r); /* not produced: the host says so */
      continue;
    }
    if (r.status != 200) return refused(call, "cannot read an output", &r);
    char err[1024];
    int n = tar_extract(r.body, r.len, fetch[i], glob, err, sizeof err);
    reply_free(&r);
    if (n < 0) {
      host->set_error(call, "%s", err);
      return MB_ERROR;
    }
  }
  return MB_OK;
}

/* Runs one container to its end: create, upload, start, stream its
   output, wait, fetch, remove. Removed whatever happens. */
static int run_container(docker *d, mb_call *call, const spec *s,
                         int *exit_code) {
  char id[ID_CAP];
  if (host->cancelled(call)) return MB_CANCELLED;
  int rc = create_container(d, call, s, id, sizeof id);
  if (rc != MB_OK) return rc;
  char path[512];
  reply r;
  if (s->upload) rc = upload(d, call, id, s->upload);
  if (rc == MB_OK) {
    snprintf(path, sizeof path, "/containers/%s/start", id);
    int got = call_json(d, call, "POST", path, NULL, &r, 1);
    if (got == ENGINE_STOPPED)
      rc = MB_CANCELLED;
    else if (got != ENGINE_OK)
      rc = MB_ERROR;
    else if (r.status != 204 && r.status != 304)
      rc = refused(call, "cannot start the container", &r);
    else
      reply_free(&r);
  }
  if (rc == MB_OK) {
    /* The logs end when the container does; follow=1 from its start, so
       nothing written before this request is lost. */
    demux dm = {.payload = s->output, .ctx = s->output_ctx};
    snprintf(path, sizeof path,
             "/containers/%s/logs?follow=1&stdout=1&stderr=1", id);
    int got = engine_call(&d->engine, "GET", path, NULL, NULL, 0, logs_sink,
                          &dm, cancelled, call, &r);
    if (got == ENGINE_STOPPED)
      rc = MB_CANCELLED;
    else if (got != ENGINE_OK) {
      host->set_error(call, "lost the engine at %s: %s", d->engine.host,
                      r.error);
      rc = MB_ERROR;
    } else if (r.status != 200)
      rc = refused(call, "cannot read the container's output", &r);
    else
      reply_free(&r);
  }
  if (rc == MB_OK) {
    snprintf(path, sizeof path, "/containers/%s/wait", id);
    int got = call_json(d, call, "POST", path, NULL, &r, 1);
    if (got == ENGINE_STOPPED)
      rc = MB_CANCELLED;
    else if (got != ENGINE_OK)
      rc = MB_ERROR;
    else if (r.status != 200)
      rc = refused(call, "cannot wait for the container", &r);
    else {
      json_t *doc = json_loads(r.body, 0, NULL);
      *exit_code = (int)json_integer_value(json_object_get(doc, "StatusCode"));
      json_decref(doc);
      reply_free(&r);
    }
  }
  if (rc == MB_OK && s->fetch && *exit_code == 0)
    rc = fetch_outputs(d, call, id, s->fetch);
  remove_container(d, call, id);
  return rc;
}

/* ---- probe: run_command ---- */

typedef struct captures {
  mb_capture *out, *err;
} captures;

static void capture_add(mb_capture *c, const char *data, size_t len) {
  if (!c) return;
  if (c->cap > 0) {
    size_t room = c->len < c->cap - 1 ? c->cap - 1 - c->len : 0;
    size_t take = len < room ? len : room;
    memcpy(c->data + c->len, data, take);
    c->data[c->len + take] = '\0';
    if (take < len) c->truncated = 1;
  }
  c->len += len;
}

static void capture_reset(mb_capture *c) {
  if (!c) return;
  c->len = 0, c->truncated = 0;
  if (c->cap) c->data[0] = '\0';
}

static void capture_payload(void *ctx, int stream, const char *data,
                            size_t len) {
  captures *c = ctx;
  capture_add(stream == 2 ? c->err : c->out, data, len);
}

static int docker_run_command(void *self, mb_call *call, const char *image_id,
                              const char *const *argv, const char *const *env,
                              mb_capture *out, mb_capture *err,
                              int *exit_code) {
  docker *d = self;
  /* "NAME" alone removes a variable of the host's environment, which an
     image does not have. */
  const char *kept[256];
  size_t n = 0;
  for (size_t i = 0; env && env[i] && n < 255; i++)
    if (strchr(env[i], '=')) kept[n++] = env[i];
  kept[n] = NULL;
  capture_reset(out);
  if (err != out) capture_reset(err);
  captures caps = {out, err};
  spec s = {.image_id = image_id,
            .argv = argv,
            .env = kept,
            .uid = (unsigned)getuid(),
            .gid = (unsigned)getgid(),
            .output = capture_payload,
            .output_ctx = &caps};
  *exit_code = 125;
  return run_container(d, call, &s, exit_code);
}

/* ---- steps ---- */

/* Names of this project's volumes on a remote engine: one per target and
   folder, stable across runs for scratch. */
static void volume_name(char *buf, size_t cap, const char *kind,
                        const char *path) {
  unsigned long h = 5381;
  for (const char *p = path; *p; p++)
    h = h * 33 + (unsigned char)*p;
  snprintf(buf, cap, "mbhost-%s-%08lx", kind, h & 0xffffffffUL);
}

static json_t *mount(const char *type, const char *source, const char *target,
                     int read_only) {
  return json_pack("{s:s, s:s, s:s, s:b}", "Type", type, "Source", source,
                   "Target", target, "ReadOnly", read_only);
}

static json_t *step_mounts(const docker *d, const mb_exec_step *step) {
  json_t *m = json_array();
  if (!d->archive) {
    json_array_append_new(m, mount("bind", step->source, step->source, 1));
    json_array_append_new(m, mount("bind", step->staging, step->staging, 0));
    json_array_append_new(m, mount("bind", step->scratch, step->scratch, 0));
    return m;
  }
  char staging[128], scratch[128];
  volume_name(staging, sizeof staging, "staging", step->staging);
  volume_name(scratch, sizeof scratch, "scratch", step->scratch);
  json_array_append_new(m, mount("volume", staging, step->staging, 0));
  json_array_append_new(m, mount("volume", scratch, step->scratch, 0));
  return m;
}

static void remove_volume(docker *d, mb_call *call, const char *path,
                          const char *kind) {
  char name[128], url[256];
  volume_name(name, sizeof name, kind, path);
  snprintf(url, sizeof url, "/volumes/%s?force=1", name);
  reply r;
  if (call_json(d, call, "DELETE", url, NULL, &r, 0) == ENGINE_OK)
    reply_free(&r);
}

typedef struct step_ctx {
  mb_call *call;
  const mb_step_services *svc;
} step_ctx;

static void step_payload(void *ctx, int stream, const char *data, size_t len) {
  (void)stream;
  step_ctx *c = ctx;
  c->svc->output(c->call, data, len);
}

static int docker_run_step(void *self, mb_call *call, const mb_exec_step *step,
                           const mb_step_services *svc, int *exit_code) {
  docker *d = self;
  /* An image knows no HOME for a bare uid (Docker says "/"): tools that
     keep caches there (go, cargo) get one in scratch, kept between runs. */
  const char *env[512];
  size_t n = 0;
  int has_home = 0;
  for (size_t i = 0; step->env[i] && n < 510; i++) {
    env[n++] = step->env[i];
    has_home |= strncmp(step->env[i], "HOME=", 5) == 0;
  }
  char home[4200];
  snprintf(home, sizeof home, "HOME=%s/.home", step->scratch);
  if (!has_home) env[n++] = home;
  env[n] = NULL;
  tarbuf tar = {0};
  if (d->archive) {
    /* Staging starts empty; the source goes in with the folders steps
       write, owned by the user the steps run as. */
    if (step->index == 0) remove_volume(d, call, step->staging, "staging");
    const char *dirs[] = {step->staging, step->scratch, NULL};
    char err[1024];
    if (tar_make(&tar, dirs, step->source, host->project(call, "output"),
                 step->uid, step->gid, err, sizeof err) != 0) {
      tarbuf_free(&tar);
      host->set_error(call, "cannot pack the source: %s", err);
      return MB_ERROR;
    }
  }
  step_ctx ctx = {call, svc};
  json_t *mounts = step_mounts(d, step);
  spec s = {.image_id = step->image_id,
            .argv = step->argv,
            .env = env,
            .workdir = step->workdir,
            .uid = step->uid,
            .gid = step->gid,
            .target = step->target,
            .run_id = step->run_id,
            .mounts = mounts,
            .upload = d->archive ? &tar : NULL,
            .fetch = d->archive ? step->fetch : NULL,
            .output = step_payload,
            .output_ctx = &ctx};
  *exit_code = 125;
  int rc = run_container(d, call, &s, exit_code);
  json_decref(mounts);
  tarbuf_free(&tar);
  if (d->archive && (step->fetch || rc != MB_OK))
    remove_volume(d, call, step->staging, "staging");
  return rc;
}

/* ---- begin: containers of runs that were killed ---- */

static int pid_alive(const char *pid) {
  long p = pid ? strtol(pid, NULL, 10) : 0;
  return p > 0 && (kill((pid_t)p, 0) == 0 || errno == EPERM);
}

static int docker_begin(void *self, mb_call *call) {
  docker *d = self;
  char filter[256], path[400];
  url_escape("{\"label\":[\"mbhost=1\"]}", filter, sizeof filter);
  snprintf(path, sizeof path, "/containers/json?all=1&filters=%s", filter);
  reply r;
  int rc = call_json(d, call, "GET", path, NULL, &r, 1);
  if (rc == ENGINE_STOPPED) return MB_CANCELLED;
  if (rc != ENGINE_OK) return MB_ERROR;
  if (r.status != 200) return refused(call, "cannot list containers", &r);
  json_t *list = json_loads(r.body, 0, NULL);
  reply_free(&r);
  size_t i, removed = 0;
  json_t *c;
  json_array_foreach(list, i, c) {
    json_t *l = json_object_get(c, "Labels");
    const char *client = json_string_value(json_object_get(l, "mbhost.client"));
    const char *pid = json_string_value(json_object_get(l, "mbhost.pid"));
    const char *id = json_string_value(json_object_get(c, "Id"));
    /* Another machine's runs are its own to clean up. */
    if (!id || !client || strcmp(client, d->client) != 0 || pid_alive(pid))
      continue;
    remove_container(d, call, id);
    removed++;
  }
  json_decref(list);
  if (removed)
    host->log(call, MB_LOG_WARN,
              "removed %zu container%s left by an mbhost run that was killed",
              removed, removed == 1 ? "" : "s");
  return MB_OK;
}

/* ---- describe ---- */

static void docker_describe(void *self, mb_call *call, const mb_exec_step *step,
                            const mb_describe_services *svc) {
  docker *d = self;
  char line[8400];
  snprintf(line, sizeof line, "engine: %s (%s)", d->engine.host,
           d->archive ? "source and outputs through the archive API"
                      : "bind mounts");
  svc->line(call, line);
  json_t *m = step_mounts(d, step);
  size_t i;
  json_t *one;
  json_array_foreach(m, i, one) {
    snprintf(line, sizeof line, "mount: %s %s -> %s (%s)",
             json_string_value(json_object_get(one, "Type")),
             json_string_value(json_object_get(one, "Source")),
             json_string_value(json_object_get(one, "Target")),
             json_is_true(json_object_get(one, "ReadOnly")) ? "read-only"
                                                            : "read-write");
    svc->line(call, line);
  }
  json_decref(m);
  if (d->archive) {
    snprintf(line, sizeof line, "upload: %s (into each step's container)",
             step->source);
    svc->line(call, line);
  }
  snprintf(line, sizeof line, "user: %u:%u, network: %s", step->uid, step->gid,
           d->network ? "on" : "none");
  svc->line(call, line);
}

/* ---- descriptor ---- */

static const mb_executor docker_executor = {
    .options = docker_options,
    .resolve_image = docker_resolve_image,
    .run_command = docker_run_command,
    .begin = docker_begin,
    .run_step = docker_run_step,
    .describe = docker_describe,
};

/* A TLS file from the option, else from $DOCKER_CERT_PATH when set. */
static const char *tls_file(mb_call *call, const char *key, const char *name,
                            char *buf, size_t cap) {
  const char *v = opts->get(call, key);
  if (v) return v;
  const char *dir = getenv("DOCKER_CERT_PATH");
  if (!dir || !*dir) return NULL;
  snprintf(buf, cap, "%s/%s", dir, name);
  return access(buf, R_OK) == 0 ? buf : NULL;
}

static int docker_init(const mb_host *h, mb_call *call, void **self) {
  host = h;
  opts = host->get_service(host, MB_OPTIONS_SERVICE);
  if (!opts) {
    host->set_error(call, "this mbhost lacks the service %s",
                    MB_OPTIONS_SERVICE);
    return MB_ERROR;
  }
  /* Before any thread: run_step calls run on the host's threads. */
  curl_global_init(CURL_GLOBAL_DEFAULT);
  docker *d = calloc(1, sizeof *d);
  if (!d) return MB_ERROR;
  const char *where = opts->get(call, "host");
  if (!where) where = getenv("DOCKER_HOST");
  if (!where || !*where) where = "unix:///var/run/docker.sock";
  char ca[4096], cert[4096], key[4096], err[512];
  const char *tls_ca = tls_file(call, "tls_ca", "ca.pem", ca, sizeof ca);
  const char *tls_cert =
      tls_file(call, "tls_cert", "cert.pem", cert, sizeof cert);
  const char *tls_key = tls_file(call, "tls_key", "key.pem", key, sizeof key);
  if (engine_init(&d->engine, where, tls_ca, tls_cert, tls_key, err,
                  sizeof err) != 0) {
    opts->error(call, opts->get(call, "host") ? "host" : "tls_cert", "%s", err);
    engine_free(&d->engine);
    free(d);
    return MB_ERROR;
  }
  d->network = strcmp(opts->get(call, "network"), "true") == 0;
  d->pull = strcmp(opts->get(call, "pull"), "missing") == 0;
  const char *transfer = opts->get(call, "transfer");
  d->archive = strcmp(transfer, "archive") == 0 ||
               (strcmp(transfer, "auto") == 0 && engine_is_remote(&d->engine));
  if (gethostname(d->client, sizeof d->client - 1) != 0)
    snprintf(d->client, sizeof d->client, "unknown");
  *self = d;
  return MB_OK;
}

static void docker_deinit(void *self) {
  docker *d = self;
  if (!d) return;
  engine_free(&d->engine);
  free(d);
}

static const void *docker_get_interface(void *self, const char *id) {
  (void)self;
  return strcmp(id, MB_EXECUTOR_INTERFACE) == 0 ? &docker_executor : NULL;
}

static const mb_plugin docker_plugin = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .kind = MB_KIND_EXECUTOR,
    .id = "org.mbhost.executor.docker",
    .name = "docker",
    .version = "1.0.0",
    .description = "Docker Engine API: each step in a container of the "
                   "target's image, local or remote",
    .init = docker_init,
    .deinit = docker_deinit,
    .get_interface = docker_get_interface,
};

MB_EXPORT const mb_plugin *mbhost_plugin_entry(uint32_t host_abi_major) {
  return host_abi_major == MB_ABI_MAJOR ? &docker_plugin : NULL;
}
