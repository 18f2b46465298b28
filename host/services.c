#include "services.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "interrupt.h"
#include "journal.h"
#include "log.h"
#include "process.h"
#include "schema.h"

void call_begin(mb_call *call, run *r, plugin *p) {
  *call = (mb_call){.run = r, .plugin = p};
  pthread_mutex_init(&call->lock, NULL);
}

char *call_end(mb_call *call) {
  strvec_free(&call->keep);
  pthread_mutex_destroy(&call->lock);
  return call->error;
}

static const char *keep(mb_call *call, char *owned) {
  pthread_mutex_lock(&call->lock);
  strvec_push_owned(&call->keep, owned);
  pthread_mutex_unlock(&call->lock);
  return owned;
}

static void svc_log(mb_call *call, int level, const char *fmt, ...) {
  if (level < MB_LOG_ERROR) level = MB_LOG_ERROR;
  if (level > MB_LOG_DEBUG) level = MB_LOG_DEBUG;
  va_list ap;
  va_start(ap, fmt);
  /* A dry run prints an exporter's destinations with the plans. */
  if (call->describe_out && level >= MB_LOG_INFO) {
    if (level == MB_LOG_INFO || log_verbosity > 0) {
      char *msg = xvasprintf(fmt, ap);
      fprintf(call->describe_out, "  %s\n", msg);
      free(msg);
    }
  } else {
    log_vline(level, call->plugin ? call->plugin->desc->name : NULL, fmt, ap);
  }
  va_end(ap);
}

static void svc_set_error(mb_call *call, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  pthread_mutex_lock(&call->lock);
  free(call->error);
  call->error = msg;
  pthread_mutex_unlock(&call->lock);
}

static int svc_cancelled(mb_call *call) {
  (void)call;
  return interrupt_requested() != 0;
}

static const char *svc_option(mb_call *call, const char *key) {
  const mb_option *opt = schema_find(call->plugin->options, key);
  if (!opt) return NULL;
  const config *cfg = &call->run->cfg;
  if (call->target && (opt->flags & MB_OPT_PER_TARGET)) {
    char *section = xasprintf("target %s", call->target->name);
    const char *v = config_get(cfg, section, key);
    free(section);
    if (v) return v;
  }
  const char *v = config_get(cfg, call->section, key);
  if (v || !opt->default_value) return v;
  char *problem = NULL;
  char *normalized =
      schema_normalize(opt, opt->default_value, cfg->dir, &problem);
  if (!normalized) {
    free(problem);
    return opt->default_value;
  }
  return keep(call, normalized);
}

/* Hands a NULL-terminated array to the plugin until the call ends. */
static const char *const *keep_array(mb_call *call, strvec *items,
                                     size_t *count) {
  if (count) *count = items->len;
  if (!items->items) items->items = xcalloc(1, sizeof *items->items);
  pthread_mutex_lock(&call->lock);
  for (size_t i = 0; i < items->len; i++)
    strvec_push_owned(&call->keep, items->items[i]);
  /* The array is freed with the kept strings when the call ends. */
  strvec_push_owned(&call->keep, (char *)items->items);
  pthread_mutex_unlock(&call->lock);
  return (const char *const *)items->items;
}

/* Splits at whitespace; '...' and "..." group words. */
static void split_words(const char *text, strvec *out) {
  strbuf word = {0};
  bool in_word = false;
  char quote = 0;
  for (const char *p = text;; p++) {
    if (*p == '\0' || (!quote && (*p == ' ' || *p == '\t'))) {
      if (in_word) strvec_push(out, word.data ? word.data : "");
      strbuf_free(&word);
      in_word = false;
      if (!*p) break;
      continue;
    }
    in_word = true;
    if (quote && *p == quote)
      quote = 0;
    else if (!quote && (*p == '\'' || *p == '"'))
      quote = *p;
    else
      strbuf_add(&word, p, 1);
  }
  strbuf_free(&word);
}

static const char *const *svc_option_split(mb_call *call, const char *key,
                                           int mode, size_t *count) {
  const char *value = svc_option(call, key);
  strvec items = {0};
  if (value && mode == MB_SPLIT_WORDS) {
    split_words(value, &items);
  } else if (value) {
    char *copy = xstrdup(value);
    for (char *save = NULL, *it = strtok_r(copy, ",", &save); it;
         it = strtok_r(NULL, ",", &save))
      if (*trim(it)) strvec_push(&items, trim(it));
    free(copy);
  }
  return keep_array(call, &items, count);
}

static const char *svc_project(mb_call *call, const char *key) {
  const project *p = &call->run->project;
  if (strcmp(key, "name") == 0) return p->name;
  if (strcmp(key, "version") == 0) return p->version;
  if (strcmp(key, "source") == 0) return p->source;
  if (strcmp(key, "output") == 0) return p->output;
  if (strcmp(key, "config") == 0) return p->config_path;
  return NULL;
}

static int copy_out(const char *value, char *buf, size_t cap) {
  size_t n = strlen(value);
  if (n + 1 > cap) return MB_ERROR;
  memcpy(buf, value, n + 1);
  return MB_OK;
}

static int svc_find_program(mb_call *call, const char *program, char *buf,
                            size_t cap) {
  (void)call;
  if (!program || !*program) return MB_ERROR;
  if (strchr(program, '/'))
    return access(program, X_OK) == 0 ? copy_out(program, buf, cap) : MB_ERROR;
  const char *path = getenv("PATH");
  char *copy = xstrdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
  int rc = MB_ERROR;
  for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir && rc != MB_OK;
       dir = strtok_r(NULL, ":", &save)) {
    char *candidate = path_join(*dir ? dir : ".", program);
    struct stat st;
    if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) &&
        access(candidate, X_OK) == 0)
      rc = copy_out(candidate, buf, cap);
    free(candidate);
  }
  free(copy);
  return rc;
}

static int svc_run(mb_call *call, const char *const *argv,
                   const char *const *env, const char *cwd, int merge_stderr,
                   char *out, size_t cap, int *exit_code) {
  (void)call;
  plan overrides = {0};
  for (size_t i = 0; env && env[i]; i++) {
    const char *eq = strchr(env[i], '=');
    if (!eq) continue;
    char *name = xstrndup(env[i], (size_t)(eq - env[i]));
    plan_set_env(&overrides, name, eq + 1);
    free(name);
  }
  strvec child_env = {0};
  plan_child_env(&overrides, "", "", &child_env);
  plan_free(&overrides);

  int rc = capture_process(argv, child_env.items, cwd, merge_stderr, out, cap,
                           exit_code);
  strvec_free(&child_env);
  return rc;
}

static void svc_probe_set_fact(mb_call *call, const char *key,
                               const char *value) {
  if (call->facts && key && value) facts_set(call->facts, key, value);
}

static void svc_probe_depends_on(mb_call *call, const char *path) {
  if (call->probe_deps && path) strvec_push(call->probe_deps, path);
}

static const char *svc_fact(mb_call *call, const char *key) {
  return call->facts ? facts_get(call->facts, key) : NULL;
}

static void svc_plan_set_env(mb_call *call, const char *name,
                             const char *value) {
  if (call->plan && name && *name && !strchr(name, '='))
    plan_set_env(call->plan, name, value);
}

static void svc_plan_set_workdir(mb_call *call, const char *path) {
  if (!call->plan || !path) return;
  free(call->plan->workdir);
  call->plan->workdir = path_absolute(call->run->project.source, path);
}

static void svc_plan_set_image(mb_call *call, const char *image) {
  if (!call->plan) return;
  free(call->plan->image);
  call->plan->image = image ? xstrdup(image) : NULL;
}

static void svc_plan_add_step(mb_call *call, const char *const *argv,
                              uint32_t flags) {
  if (call->plan && argv && argv[0])
    plan_add_step(call->plan, argv, (flags & MB_STEP_PARALLEL) != 0);
}

static void svc_plan_add_output(mb_call *call, const char *name,
                                const char *from, const char *kind) {
  if (call->plan && name) plan_add_output(call->plan, name, from, kind);
}

static size_t svc_artifact_count(mb_call *call) {
  return call->io ? call->io->in->len : 0;
}

static int svc_artifact_get(mb_call *call, size_t index, mb_artifact *out) {
  if (!call->io || index >= call->io->in->len || !out ||
      out->struct_size < offsetof(mb_artifact, size) + sizeof out->size)
    return MB_ERROR;
  const artifact *a = &call->io->in->items[index];
  uint32_t size = out->struct_size;
  mb_artifact full = {.struct_size = size,
                      .target = a->target,
                      .kind = a->kind,
                      .name = a->name,
                      .path = a->path,
                      .url = a->url,
                      .sha256 = a->sha256,
                      .size = a->size};
  /* A plugin built before mb_artifact grew has a smaller struct: fill only
     what it has room for. */
  memcpy(out, &full, size < sizeof full ? size : sizeof full);
  return MB_OK;
}

static int svc_emit_artifact(mb_call *call, const mb_artifact *in) {
  if (!call->io || !in || in->struct_size < offsetof(mb_artifact, size)) {
    svc_set_error(call, "emit_artifact: outside an export call");
    return MB_ERROR;
  }
  const char *problem = artifact_name_problem(in->name);
  if (problem) {
    svc_set_error(call, "refusing artifact name '%s': %s",
                  in->name ? in->name : "", problem);
    return MB_ERROR;
  }
  if (!in->path || in->path[0] != '/') {
    svc_set_error(call, "artifact %s: path must be absolute", in->name);
    return MB_ERROR;
  }
  char hex[65];
  uint64_t size = 0;
  struct stat st;
  if (in->sha256 && stat(in->path, &st) == 0)
    size = (uint64_t)st.st_size;
  else if (sha256_file_hex(in->path, hex, &size) != 0) {
    svc_set_error(call, "artifact %s: cannot read %s: %s", in->name, in->path,
                  strerror(errno));
    return MB_ERROR;
  }
  artifact a = {.target = (char *)in->target,
                .kind = (char *)(in->kind ? in->kind : "file"),
                .name = (char *)in->name,
                .path = (char *)in->path,
                .url = (char *)in->url,
                .sha256 = (char *)(in->sha256 ? in->sha256 : hex),
                .size = size,
                .exporter = (char *)call->plugin->desc->name};
  pthread_mutex_lock(&call->lock);
  artifact_list_add(&call->io->out, &a);
  pthread_mutex_unlock(&call->lock);
  return MB_OK;
}

/* Records dst in the export journal before it is first written, so a
   failed or interrupted export can put it back. */
static int journal_write(mb_call *call, const char *dst) {
  if (!call->run->journal || journal_prepare(call->run->journal, dst) == 0)
    return MB_OK;
  svc_set_error(call, "cannot keep the previous %s aside: %s", dst,
                strerror(errno));
  return MB_ERROR;
}

static int svc_copy_file_atomic(mb_call *call, const char *src,
                                const char *dst) {
  if (journal_write(call, dst) != MB_OK) return MB_ERROR;
  if (copy_file_atomic(src, dst) == 0) return MB_OK;
  svc_set_error(call, "cannot copy %s to %s: %s", src, dst, strerror(errno));
  return MB_ERROR;
}

static int svc_temp_file_for(mb_call *call, const char *dst, char *buf,
                             size_t cap) {
  if (journal_write(call, dst) != MB_OK) return MB_ERROR;
  char *dir = path_dirname(dst);
  int made = mkdir_parents(dir);
  free(dir);
  char *tmp = xasprintf("%s.mbhost-tmp.XXXXXX", dst);
  int fd = made == 0 ? mkstemp(tmp) : -1;
  if (fd < 0) {
    svc_set_error(call, "cannot create a file beside %s: %s", dst,
                  strerror(errno));
    free(tmp);
    return MB_ERROR;
  }
  close(fd);
  int rc = copy_out(tmp, buf, cap);
  if (rc != MB_OK) unlink(tmp);
  free(tmp);
  return rc;
}

static int svc_commit_file(mb_call *call, const char *temp, const char *dst,
                           int keep_file) {
  if (!keep_file) {
    unlink(temp);
    return MB_OK;
  }
  if (journal_write(call, dst) != MB_OK) {
    unlink(temp);
    return MB_ERROR;
  }
  int fd = open(temp, O_RDONLY | O_CLOEXEC);
  if (fd >= 0) fsync(fd), close(fd);
  if (rename(temp, dst) == 0) return MB_OK;
  svc_set_error(call, "cannot rename %s to %s: %s", temp, dst, strerror(errno));
  unlink(temp);
  return MB_ERROR;
}

static int svc_sha256_file(mb_call *call, const char *path, char hex[65]) {
  if (sha256_file_hex(path, hex, NULL) == 0) return MB_OK;
  svc_set_error(call, "cannot read %s: %s", path, strerror(errno));
  return MB_ERROR;
}

static void svc_option_error(mb_call *call, const char *key, const char *fmt,
                             ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  config *cfg = &call->run->cfg;
  const config_value *v = NULL;
  if (call->target) {
    char *section = xasprintf("target %s", call->target->name);
    v = config_find(cfg, section, key);
    free(section);
  }
  if (!v && call->section) v = config_find(cfg, call->section, key);
  pthread_mutex_lock(&call->lock);
  config_error(cfg, v ? v->line : 0, "%s: %s", key, msg);
  pthread_mutex_unlock(&call->lock);
  free(msg);
}

static const char *const *svc_option_keys(mb_call *call, const char *prefix,
                                          size_t *count) {
  const config *cfg = &call->run->cfg;
  strvec keys = {0};
  for (size_t i = 0; call->section && i < cfg->nvalues; i++)
    if (strcmp(cfg->values[i].section, call->section) == 0 &&
        str_starts_with(cfg->values[i].key, prefix ? prefix : ""))
      strvec_push(&keys, cfg->values[i].key);
  return keep_array(call, &keys, count);
}

static void svc_plan_set_env_option(mb_call *call, const char *key) {
  size_t n;
  const char *const *items = svc_option_split(call, key, MB_SPLIT_LIST, &n);
  for (size_t i = 0; i < n; i++) {
    const char *eq = strchr(items[i], '=');
    if (!eq) continue; /* validated with the config; only defaults get here */
    char *name = xstrndup(items[i], (size_t)(eq - items[i]));
    svc_plan_set_env(call, name, eq + 1);
    free(name);
  }
}

const mb_host host_services = {
    .struct_size = sizeof(mb_host),
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .host_version = MBHOST_VERSION,
    .log = svc_log,
    .set_error = svc_set_error,
    .cancelled = svc_cancelled,
    .option = svc_option,
    .option_split = svc_option_split,
    .project = svc_project,
    .find_program = svc_find_program,
    .run = svc_run,
    .probe_set_fact = svc_probe_set_fact,
    .probe_depends_on = svc_probe_depends_on,
    .fact = svc_fact,
    .plan_set_env = svc_plan_set_env,
    .plan_set_workdir = svc_plan_set_workdir,
    .plan_set_image = svc_plan_set_image,
    .plan_add_step = svc_plan_add_step,
    .plan_add_output = svc_plan_add_output,
    .artifact_count = svc_artifact_count,
    .artifact_get = svc_artifact_get,
    .emit_artifact = svc_emit_artifact,
    .copy_file_atomic = svc_copy_file_atomic,
    .temp_file_for = svc_temp_file_for,
    .commit_file = svc_commit_file,
    .sha256_file = svc_sha256_file,
    .option_error = svc_option_error,
    .option_keys = svc_option_keys,
    .plan_set_env_option = svc_plan_set_env_option,
};
