#include "executor_plugin.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "plan.h"
#include "schema.h"
#include "services.h"

const char *executor_plugin_wanted(const config *cfg) {
  const char *use = config_get(cfg, "executor", "use");
  return use && *use && strcmp(use, "local") != 0 ? use : NULL;
}

static int line_of(const config *cfg, const char *section, const char *key) {
  const config_value *v = config_find(cfg, section, key);
  if (v) return v->line;
  const config_section *s = config_find_section(cfg, section);
  return s ? s->line : 0;
}

plugin *executor_plugin_find(config *cfg, const plugin_registry *reg) {
  schema_check_section(cfg, "executor", schema_executor, NULL, false);
  const char *use = config_get(cfg, "executor", "use");
  const char *name = executor_plugin_wanted(cfg);
  plugin *p = name ? plugin_find(reg, name, MB_KIND_EXECUTOR) : NULL;
  if (use && !*use)
    config_error(cfg, line_of(cfg, "executor", "use"),
                 "use: names no executor (use = local, or a plugin such as "
                 "docker)");
  else if (name && !p) {
    char *avail = plugin_names(reg, MB_KIND_EXECUTOR);
    config_error(cfg, line_of(cfg, "executor", "use"),
                 "use: no executor plugin named '%s' (available: local%s%s)",
                 name, *avail ? ", " : "", avail);
    free(avail);
  }
  for (size_t i = 0; i < cfg->nsections; i++) {
    const char *s = cfg->sections[i].name;
    if (!str_starts_with(s, "executor.")) continue;
    const char *suffix = s + strlen("executor.");
    if (p && strcmp(suffix, p->desc->name) == 0)
      schema_check_section(cfg, s, p->options, NULL, false);
    else
      config_error(cfg, cfg->sections[i].line,
                   "[%s] is not used: set [executor] use = %s", s, suffix);
  }
  return p;
}

void exec_plugin_init(exec_plugin *e, plugin *p, config *cfg,
                      const project *proj) {
  *e = (exec_plugin){.plugin = p, .cfg = cfg, .project = proj};
  e->section = xasprintf("executor.%s", p->desc->name);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  char *seed = xasprintf("%ld %lld %ld %s", (long)getpid(),
                         (long long)ts.tv_sec, ts.tv_nsec, proj->output);
  char hex[65];
  sha256_hex(seed, strlen(seed), hex);
  free(seed);
  memcpy(e->run_id, hex, 32);
  e->run_id[32] = '\0';
}

void exec_plugin_free(exec_plugin *e) {
  free(e->section);
  strvec_free(&e->images);
  strvec_free(&e->ids);
}

const char *exec_plugin_probe_image(const config *cfg) {
  const char *image = config_get(cfg, "toolchain", "image");
  return image && *image ? image : NULL;
}

const char *exec_plugin_resolve(exec_plugin *e, const char *image,
                                char **error) {
  *error = NULL;
  for (size_t i = 0; i < e->images.len; i++)
    if (strcmp(e->images.items[i], image) == 0) return e->ids.items[i];
  mb_call call;
  call_begin(&call, e->cfg, e->project, e->plugin, e->section);
  char id[256] = "";
  int rc = e->plugin->executor->resolve_image(e->plugin->self, &call, image, id,
                                              sizeof id);
  char *why = call_end(&call);
  if (rc != MB_OK || !id[0]) {
    *error = why ? why : xasprintf("cannot resolve image %s", image);
    return NULL;
  }
  free(why);
  strvec_push(&e->images, image);
  strvec_push(&e->ids, id);
  return e->ids.items[e->ids.len - 1];
}

void exec_plugin_assign_images(exec_plugin *e, const facts *f, target_set *ts) {
  for (size_t i = 0; i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    if (tr->status != TARGET_PENDING) continue;
    char *owned;
    int origin;
    const char *image =
        schema_resolve(e->cfg, schema_toolchain_host, "toolchain",
                       tr->target->name, "image", &owned, &origin);
    if (!image || !*image) image = tr->plan.image;
    if (!image || !*image) image = facts_get(f, "image");
    if (!image || !*image) {
      tr->status = TARGET_FAILED;
      tr->reason = xstrdup("no container image: the toolchain names none; "
                           "set [toolchain] image");
    } else {
      char *copy = xstrdup(image);
      free(tr->plan.image);
      tr->plan.image = copy;
      char *error;
      const char *id = exec_plugin_resolve(e, copy, &error);
      if (id) {
        tr->image_id = xstrdup(id);
      } else {
        tr->status = TARGET_FAILED;
        tr->reason = error;
      }
    }
    free(owned);
  }
}

/* ---- steps ---- */

struct exec_step {
  pthread_t thread;
  exec_plugin *e;
  mb_call call;
  atomic_int stop;
  int fd; /* the thread's end of the socket pair */
  mb_exec_step step;
  mb_target target;
  strvec argv, env, fetch;
  char *workdir;
  int rc, exit_code;
};

static void step_output(mb_call *call, const char *data, size_t len) {
  while (len > 0) {
    /* MSG_NOSIGNAL: the host may have stopped reading (an interrupt). */
    ssize_t n = send(call->output_fd, data, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    len -= (size_t)n;
  }
}

static const mb_step_services step_services = {.output = step_output};

static void *step_thread(void *arg) {
  exec_step *st = arg;
  plugin *p = st->e->plugin;
  st->rc = p->executor->run_step(p->self, &st->call, &st->step, &step_services,
                                 &st->exit_code);
  close(st->fd);
  return NULL;
}

/* The strvec as a NULL-terminated array, never NULL. */
static const char *const *terminated(strvec *v) {
  if (!v->items) v->items = xcalloc(1, sizeof *v->items);
  return (const char *const *)v->items;
}

/* The parts of a step every executor call shares. */
static void fill_step(exec_step *st, const target_result *tr,
                      const char *workdir) {
  const exec_plugin *e = st->e;
  st->target = (mb_target){
      .name = tr->target->name, .os = tr->target->os, .arch = tr->target->arch};
  st->step = (mb_exec_step){.struct_size = sizeof st->step,
                            .target = &st->target,
                            .image = tr->plan.image,
                            .image_id = tr->image_id,
                            .workdir = workdir,
                            .source = e->project->source,
                            .staging = tr->staging,
                            .scratch = tr->scratch,
                            .count = (uint32_t)tr->plan.nsteps,
                            .uid = (uint32_t)getuid(),
                            .gid = (uint32_t)getgid(),
                            .run_id = e->run_id};
}

exec_step *exec_step_start(exec_plugin *e, const target_result *tr, size_t s,
                           const strvec *argv, const char *cwd,
                           const char *jobs, int *fd) {
  int pair[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
    return NULL;
  exec_step *st = xcalloc(1, sizeof *st);
  st->e = e;
  atomic_init(&st->stop, 0);
  st->fd = pair[1];
  st->workdir = xstrdup(cwd);
  for (size_t i = 0; i < argv->len; i++)
    strvec_push(&st->argv, argv->items[i]);
  /* The plan's environment only: the host's own is not the image's. */
  for (size_t i = 0; i < tr->plan.env.len; i++)
    if (strchr(tr->plan.env.items[i], '='))
      strvec_push_owned(&st->env, plan_expand(tr->plan.env.items[i],
                                              tr->staging, tr->scratch, jobs));
  bool last = s + 1 == tr->plan.nsteps;
  for (size_t i = 0; last && i < tr->plan.noutputs; i++) {
    char *from =
        plan_expand(tr->plan.outputs[i].from, tr->staging, tr->scratch, NULL);
    strvec_push_owned(&st->fetch, path_absolute(tr->staging, from));
    free(from);
  }
  fill_step(st, tr, st->workdir);
  st->step.argv = terminated(&st->argv);
  st->step.env = terminated(&st->env);
  st->step.index = (uint32_t)s;
  st->step.fetch = last ? terminated(&st->fetch) : NULL;
  call_begin(&st->call, e->cfg, e->project, e->plugin, e->section);
  st->call.target = tr->target;
  st->call.stop = &st->stop;
  st->call.output_fd = st->fd;
  int err = pthread_create(&st->thread, NULL, step_thread, st);
  if (err != 0) {
    close(pair[0]), close(pair[1]);
    free(call_end(&st->call));
    strvec_free(&st->argv), strvec_free(&st->env), strvec_free(&st->fetch);
    free(st->workdir);
    free(st);
    errno = err;
    return NULL;
  }
  *fd = pair[0];
  return st;
}

void exec_step_stop(exec_step *st) {
  atomic_store(&st->stop, 1);
}

int exec_step_wait(exec_step *st, char **reason) {
  pthread_join(st->thread, NULL);
  char *error = call_end(&st->call);
  *reason = NULL;
  int code = st->exit_code;
  if (st->rc == MB_ERROR) {
    *reason = xasprintf("%s executor: %s", st->e->plugin->desc->name,
                        error ? error : "the step could not be run");
    code = 125;
  } else if (st->rc != MB_OK) {
    code = 128 + 9; /* stopped, as a killed process would be */
  }
  free(error);
  strvec_free(&st->argv), strvec_free(&st->env), strvec_free(&st->fetch);
  free(st->workdir);
  free(st);
  return code;
}

/* ---- begin, describe ---- */

char *exec_plugin_begin(exec_plugin *e) {
  if (!e->plugin->executor->begin) return NULL;
  mb_call call;
  call_begin(&call, e->cfg, e->project, e->plugin, e->section);
  int rc = e->plugin->executor->begin(e->plugin->self, &call);
  char *error = call_end(&call);
  if (rc == MB_OK) {
    free(error);
    return NULL;
  }
  return error ? error : xstrdup("the executor could not start the run");
}

static void describe_line(mb_call *call, const char *text) {
  if (text) fprintf(call->describe_out, "  %s\n", text);
}

static const mb_describe_services describe_services = {.line = describe_line};

void exec_plugin_describe(exec_plugin *e, const target_result *tr,
                          const char *workdir, FILE *out) {
  if (tr->image_id) fprintf(out, "  image id: %s\n", tr->image_id);
  if (!e->plugin->executor->describe) return;
  exec_step st = {.e = e};
  fill_step(&st, tr, workdir);
  mb_call call;
  call_begin(&call, e->cfg, e->project, e->plugin, e->section);
  call.target = tr->target;
  call.describe_out = out;
  e->plugin->executor->describe(e->plugin->self, &call, &st.step,
                                &describe_services);
  free(call_end(&call));
}
