#include "services.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "interrupt.h"
#include "log.h"
#include "process.h"
#include "schema.h"

extern char **environ;

void call_begin(mb_call *call, config *cfg, const project *proj,
                const plugin *p, const char *section) {
  *call =
      (mb_call){.cfg = cfg, .project = proj, .plugin = p, .section = section};
  pthread_mutex_init(&call->lock, NULL);
}

char *call_end(mb_call *call) {
  strvec_free(&call->keep);
  pthread_mutex_destroy(&call->lock);
  return call->error;
}

void detect_result_free(detect_result *d) {
  free(d->evidence), free(d->name);
  strvec_free(&d->keys), strvec_free(&d->values), strvec_free(&d->comments);
  strvec_free(&d->targets), strvec_free(&d->notes);
}

static const char *keep(mb_call *call, char *owned) {
  pthread_mutex_lock(&call->lock);
  strvec_push_owned(&call->keep, owned);
  pthread_mutex_unlock(&call->lock);
  return owned;
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

/* ---- the core table ---- */

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
  return interrupt_requested() != 0 || (call->stop && atomic_load(call->stop));
}

static const char *svc_project(mb_call *call, const char *key) {
  const project *p = call->project;
  if (!p || !key) return NULL;
  if (strcmp(key, "name") == 0) return p->name;
  if (strcmp(key, "version") == 0) return p->version;
  if (strcmp(key, "source") == 0) return p->source;
  if (strcmp(key, "output") == 0) return p->output;
  if (strcmp(key, "config") == 0) return p->config_path;
  if (strcmp(key, "jobs") == 0) return p->jobs;
  return NULL;
}

static const mb_options_service options_service;
static const mb_process_service process_service;
static const mb_probe_tree_service probe_tree_service;
static const mb_plan_tree_reads_service plan_tree_reads_service;

static const void *svc_get_service(const mb_host *host, const char *id) {
  (void)host;
  if (!id) return NULL;
  if (strcmp(id, MB_OPTIONS_SERVICE) == 0) return &options_service;
  if (strcmp(id, MB_PROCESS_SERVICE) == 0) return &process_service;
  if (strcmp(id, MB_PROBE_TREE_SERVICE) == 0) return &probe_tree_service;
  if (strcmp(id, MB_PLAN_TREE_READS_SERVICE) == 0)
    return &plan_tree_reads_service;
  return NULL;
}

const mb_host host_core = {
    .abi_major = MB_ABI_MAJOR,
    .abi_minor = MB_ABI_MINOR,
    .host_version = MBHOST_VERSION,
    .log = svc_log,
    .set_error = svc_set_error,
    .cancelled = svc_cancelled,
    .project = svc_project,
    .get_service = svc_get_service,
};

/* ---- mb.options/1 ---- */

static const char *resolve(mb_call *call, const char *key, int *origin) {
  if (origin) *origin = MB_ORIGIN_UNSET;
  if (!key) return NULL;
  const mb_option *table =
      call->options ? call->options : call->plugin->options;
  if (!call->cfg) {
    /* Detect calls have no configuration yet: the table's defaults. */
    const mb_option *opt = schema_find(table, key);
    if (opt && opt->default_value && origin) *origin = MB_ORIGIN_DEFAULT;
    return opt ? opt->default_value : NULL;
  }
  char *owned;
  const char *v = schema_resolve(call->cfg, table, call->section,
                                 call->target ? call->target->name : NULL, key,
                                 &owned, origin);
  if (owned) keep(call, owned);
  return v;
}

static const char *opt_get(mb_call *call, const char *key) {
  return resolve(call, key, NULL);
}

static int opt_origin(mb_call *call, const char *key) {
  int origin;
  resolve(call, key, &origin);
  return origin;
}

static const char *const *opt_split(mb_call *call, const char *key, int mode,
                                    size_t *count) {
  const char *value = resolve(call, key, NULL);
  strvec items = {0};
  if (value && mode == MB_SPLIT_WORDS)
    split_words(value, &items);
  else if (value)
    split_list(value, &items);
  return keep_array(call, &items, count);
}

static const char *const *opt_keys(mb_call *call, const char *prefix,
                                   size_t *count) {
  strvec keys = {0};
  for (size_t i = 0; call->cfg && call->section && i < call->cfg->nvalues;
       i++) {
    const config_value *v = &call->cfg->values[i];
    if (strcmp(v->section, call->section) == 0 &&
        str_starts_with(v->key, prefix ? prefix : ""))
      strvec_push(&keys, v->key);
  }
  return keep_array(call, &keys, count);
}

static void opt_error(mb_call *call, const char *key, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  if (!call->cfg) {
    /* Detect: there is no file to point at yet. */
    svc_set_error(call, "%s: %s", key ? key : "", msg);
    free(msg);
    return;
  }
  const config_value *v = NULL;
  const char *section = call->section;
  if (call->target && key) {
    char *target_section = xasprintf("target %s", call->target->name);
    v = config_find(call->cfg, target_section, key);
    free(target_section);
  }
  if (!v && section && key) v = config_find(call->cfg, section, key);
  const config_section *s =
      section ? config_find_section(call->cfg, section) : NULL;
  pthread_mutex_lock(&call->lock);
  config_error(call->cfg,
               v   ? v->line
               : s ? s->line
                   : 0,
               "%s: %s%s%s", key ? key : "",
               call->target && !v ? call->target->name : "",
               call->target && !v ? ": " : "", msg);
  pthread_mutex_unlock(&call->lock);
  free(msg);
}

static const mb_options_service options_service = {
    .get = opt_get,
    .origin = opt_origin,
    .split = opt_split,
    .keys = opt_keys,
    .error = opt_error,
};

/* ---- mb.process/1 ---- */

static int copy_out(const char *value, char *buf, size_t cap) {
  size_t n = strlen(value);
  if (n + 1 > cap) return MB_ERROR;
  memcpy(buf, value, n + 1);
  return MB_OK;
}

/* In an image there is no file system to look at: its shell looks. */
static int find_in_image(mb_call *call, const char *program, char *buf,
                         size_t cap) {
  const mb_executor *ex = call->in_image->executor->executor;
  const char *argv[] = {"sh", "-c", "command -v \"$1\"", "sh", program, NULL};
  char out[4096];
  mb_capture cap_out = {.data = out, .cap = sizeof out};
  int code = 1;
  int rc = ex->run_command(call->in_image->executor->self, call,
                           call->in_image->image_id, argv, NULL, &cap_out, NULL,
                           &code);
  out[strcspn(out, "\n")] = '\0';
  if (rc != MB_OK || code != 0 || out[0] != '/') return MB_ERROR;
  return copy_out(out, buf, cap);
}

static int proc_find_program(mb_call *call, const char *program, char *buf,
                             size_t cap) {
  if (!program || !*program) return MB_ERROR;
  if (call->in_image) return find_in_image(call, program, buf, cap);
  char *found = path_search(program, getenv("PATH"));
  int rc = found ? copy_out(found, buf, cap) : MB_ERROR;
  free(found);
  return rc;
}

static void to_capture(const capture_buf *from, mb_capture *to) {
  if (!to) return;
  to->len = from->len;
  to->truncated = from->truncated;
}

static int proc_run(mb_call *call, const char *const *argv,
                    const char *const *env, const char *cwd, mb_capture *out,
                    mb_capture *err, int *exit_code) {
  if (!argv || !argv[0]) {
    svc_set_error(call, "run: empty argv");
    return MB_ERROR;
  }
  if (call->in_image)
    return call->in_image->executor->executor->run_command(
        call->in_image->executor->self, call, call->in_image->image_id, argv,
        env, out, err, exit_code);
  plan overrides = {0};
  for (size_t i = 0; env && env[i]; i++) {
    const char *eq = strchr(env[i], '=');
    char *name = eq ? xstrndup(env[i], (size_t)(eq - env[i])) : xstrdup(env[i]);
    plan_set_env(&overrides, name, eq ? eq + 1 : NULL);
    free(name);
  }
  strvec child_env = {0};
  plan_child_env(&overrides, "", "", NULL, &child_env);
  plan_free(&overrides);

  /* Without a buffer for standard error, it goes to the log (debug). */
  char err_log[4096];
  capture_buf o = {out ? out->data : NULL, out ? out->cap : 0, 0, false};
  capture_buf e = {err ? err->data : err_log, err ? err->cap : sizeof err_log,
                   0, false};
  capture_buf *ebuf = err == out && out ? &o : &e;
  int rc = capture_process(argv, child_env.items, cwd, &o, ebuf, exit_code);
  int saved = errno;
  strvec_free(&child_env);
  to_capture(&o, out);
  if (ebuf == &e) to_capture(&e, err);
  if (rc == MB_ERROR)
    svc_set_error(call, "cannot run %s: %s", argv[0], strerror(saved));
  else if (!err && e.len)
    svc_log(call, MB_LOG_DEBUG, "%s (standard error): %s", argv[0], err_log);
  return rc;
}

static const mb_process_service process_service = {
    .find_program = proc_find_program,
    .run = proc_run,
};

/* ---- probe ---- */

static void probe_set_fact(mb_call *call, const char *key, const char *value) {
  if (call->facts && key && value) facts_set(call->facts, key, value);
}

/* In an image, the image ID stands for every file the toolchain is made
   of: paths inside it mean nothing on this machine. */
static void probe_depends_on(mb_call *call, const char *path) {
  if (call->in_image) return;
  if (call->facts && path && !strvec_contains(&call->facts->files, path))
    strvec_push(&call->facts->files, path);
}

static void probe_tree_except(mb_call *call, const char *path,
                              const char *const *ignore) {
  /* Probe calls are the ones that write facts with no target. */
  if (call->in_image || !call->facts || call->target || call->plan || !path ||
      strvec_contains(&call->facts->trees, path))
    return;
  strbuf globs = {0};
  for (size_t i = 0; ignore && ignore[i]; i++)
    if (*ignore[i] && !strchr(ignore[i], '\n'))
      strbuf_printf(&globs, "%s%s", globs.len ? "\n" : "", ignore[i]);
  strvec_push(&call->facts->trees, path);
  strvec_push(&call->facts->tree_ignores, globs.data ? globs.data : "");
  strbuf_free(&globs);
}

static void probe_depends_on_tree(mb_call *call, const char *path) {
  probe_tree_except(call, path, NULL);
}

static const mb_probe_tree_service probe_tree_service = {
    .depends_on_tree_except = probe_tree_except,
};

const mb_probe_services probe_services = {
    .set_fact = probe_set_fact,
    .depends_on = probe_depends_on,
    .depends_on_tree = probe_depends_on_tree,
};

/* ---- plan ---- */

static const char *plan_fact(mb_call *call, const char *key) {
  return call->facts && key ? facts_get(call->facts, key) : NULL;
}

static void plan_svc_set_env(mb_call *call, const char *name,
                             const char *value) {
  if (name && *name && !strchr(name, '='))
    plan_set_env(call->plan, name, value);
}

static void plan_svc_set_env_option(mb_call *call, const char *key) {
  size_t n;
  const char *const *items = opt_split(call, key, MB_SPLIT_LIST, &n);
  for (size_t i = 0; i < n; i++) {
    const char *eq = strchr(items[i], '=');
    if (!eq) continue; /* validated with the config; only defaults get here */
    char *name = xstrndup(items[i], (size_t)(eq - items[i]));
    plan_svc_set_env(call, name, eq + 1);
    free(name);
  }
}

static void plan_svc_set_workdir(mb_call *call, const char *path) {
  if (!path) return;
  free(call->plan->workdir);
  call->plan->workdir = path_absolute(call->project->source, path);
}

static void plan_svc_set_image(mb_call *call, const char *image) {
  free(call->plan->image);
  call->plan->image = image ? xstrdup(image) : NULL;
}

static void plan_svc_add_step(mb_call *call, const char *const *argv,
                              uint32_t flags) {
  if (argv && argv[0])
    plan_add_step(call->plan, argv, (flags & MB_STEP_PARALLEL) != 0);
}

static void plan_svc_add_output(mb_call *call, const char *name,
                                const char *from, const char *kind,
                                uint32_t flags) {
  if (!(flags & MB_OUTPUT_GLOB) && !name) return;
  plan_add_output(call->plan, name ? name : "", from, kind, flags);
}

static void plan_tree_reads(mb_call *call, const char *tree,
                            const char *const *always,
                            const char *const *argv) {
  if (!call->plan || !call->facts || !tree || !argv || !argv[0] ||
      !strvec_contains(&call->facts->trees, tree))
    return;
  plan_set_tree_reads(call->plan, tree, always, argv);
}

static const mb_plan_tree_reads_service plan_tree_reads_service = {
    .tree_reads = plan_tree_reads};

const mb_plan_services plan_services = {
    .fact = plan_fact,
    .set_env = plan_svc_set_env,
    .set_env_option = plan_svc_set_env_option,
    .set_workdir = plan_svc_set_workdir,
    .set_image = plan_svc_set_image,
    .add_step = plan_svc_add_step,
    .add_output = plan_svc_add_output,
};

const mb_validate_services validate_services = {.fact = plan_fact};

/* ---- detect ---- */

static const char *detect_folder(mb_call *call) {
  return call->detect_folder;
}

static const char *detect_read_text(mb_call *call, const char *rel) {
  if (!rel || rel[0] == '/' || strstr(rel, "..")) return NULL;
  char *path = path_join(call->detect_folder, rel);
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  free(path);
  struct stat st;
  if (fd < 0) return NULL;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return NULL;
  }
  strbuf b = {0};
  strbuf_puts(&b, "");
  char chunk[4096];
  ssize_t n;
  while (b.len < (1u << 20) && (n = read(fd, chunk, sizeof chunk)) > 0)
    strbuf_add(&b, chunk, (size_t)n);
  close(fd);
  return keep(call, b.data);
}

/* Folders that hold what a build made or fetched, not the project's own
   sources. */
static bool skipped_folder(const char *name) {
  static const char *const skip[] = {"build",  "dist",         "out",
                                     "target", "node_modules", "vendor"};
  if (name[0] == '.') return true;
  for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
    if (strcmp(name, skip[i]) == 0) return true;
  return false;
}

static void find_matching(const char *root, const char *rel,
                          const char *pattern, int depth, strvec *out) {
  char *dir = *rel ? path_join(root, rel) : xstrdup(root);
  DIR *d = opendir(dir);
  free(dir);
  if (!d) return;
  for (struct dirent *e; (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char *child = *rel ? path_join(rel, e->d_name) : xstrdup(e->d_name);
    char *full = path_join(root, child);
    struct stat st;
    if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
      if (depth > 0 && !skipped_folder(e->d_name))
        find_matching(root, child, pattern, depth - 1, out);
    } else if (S_ISREG(st.st_mode) && fnmatch(pattern, e->d_name, 0) == 0) {
      strvec_push(out, child);
    }
    free(full), free(child);
  }
  closedir(d);
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *const *detect_find_files(mb_call *call, const char *pattern,
                                            int max_depth, size_t *count) {
  strvec found = {0};
  if (pattern)
    find_matching(call->detect_folder, "", pattern, max_depth, &found);
  if (found.len)
    qsort(found.items, found.len, sizeof *found.items, compare_strings);
  return keep_array(call, &found, count);
}

static void replace(char **slot, const char *value) {
  free(*slot);
  *slot = value ? xstrdup(value) : NULL;
}

static void detect_match(mb_call *call, int strength, const char *evidence) {
  call->detected->strength = strength > 0 ? strength : 1;
  replace(&call->detected->evidence, evidence);
}

static void detect_propose_name(mb_call *call, const char *name) {
  replace(&call->detected->name, name);
}

static void detect_propose_key(mb_call *call, const char *key,
                               const char *value, const char *comment) {
  if (!key || !value) return;
  strvec_push(&call->detected->keys, key);
  strvec_push(&call->detected->values, value);
  strvec_push(&call->detected->comments, comment ? comment : "");
}

static void detect_propose_target(mb_call *call, const char *target) {
  if (target && !strvec_contains(&call->detected->targets, target))
    strvec_push(&call->detected->targets, target);
}

static void detect_note(mb_call *call, const char *text) {
  if (text) strvec_push(&call->detected->notes, text);
}

const mb_detect_services detect_services = {
    .folder = detect_folder,
    .read_text = detect_read_text,
    .find_files = detect_find_files,
    .match = detect_match,
    .propose_name = detect_propose_name,
    .propose_key = detect_propose_key,
    .propose_target = detect_propose_target,
    .note = detect_note,
};

/* ---- export ---- */

static size_t exp_artifact_count(mb_call *call) {
  return call->io->in->len;
}

static int exp_artifact_get(mb_call *call, size_t index, mb_artifact *out) {
  if (index >= call->io->in->len || !out ||
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

static int exp_emit_artifact(mb_call *call, const mb_artifact *in) {
  if (!call->io->journal || !in ||
      in->struct_size < offsetof(mb_artifact, size)) {
    svc_set_error(call, "emit_artifact: only in an export call");
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

/* Whether dst is a path inside the output folder, as written (no '.' or
   '..' segment) and through the folders that exist (no symlink out). The
   folder's real path is the one resolved when the run began (and locked):
   a symlink put in its place since cannot move it. */
static bool inside_output(const char *dst, const char *output_dir,
                          const char *real_output) {
  if (!dst || dst[0] != '/' || strcmp(dst, output_dir) == 0) return false;
  char *clean = path_absolute("/", dst);
  char *real = path_resolve(clean);
  bool inside = strcmp(clean, dst) == 0 && path_is_inside(dst, output_dir) &&
                path_is_inside(real, real_output);
  free(clean), free(real);
  return inside;
}

/* Only paths inside the output folder may be written, and only during an
   export. */
static int may_write(mb_call *call, const char *dst) {
  if (!call->io->journal) {
    svc_set_error(call, "%s: nothing may be written in a describe call", dst);
    return MB_ERROR;
  }
  if (!inside_output(dst, call->io->output_dir, call->project->output_real)) {
    svc_set_error(call, "%s is not inside the output folder %s",
                  dst ? dst : "(null)", call->io->output_dir);
    return MB_ERROR;
  }
  return MB_OK;
}

/* Records dst in the export journal before it is first written, so a
   failed or interrupted export can put it back. */
static int journal_write(mb_call *call, const char *dst) {
  if (may_write(call, dst) != MB_OK) return MB_ERROR;
  if (journal_prepare(call->io->journal, dst) == 0) return MB_OK;
  svc_set_error(call, "cannot keep the previous %s aside: %s", dst,
                strerror(errno));
  return MB_ERROR;
}

static int exp_copy_file_atomic(mb_call *call, const char *src,
                                const char *dst) {
  if (may_write(call, dst) != MB_OK) return MB_ERROR;
  if (journal_same_copy(call->io->journal, src, dst)) return MB_OK;
  if (journal_write(call, dst) != MB_OK) return MB_ERROR;
  if (journal_copy(call->io->journal, src, dst) == 0) return MB_OK;
  svc_set_error(call, "cannot copy %s to %s: %s", src, dst, strerror(errno));
  return MB_ERROR;
}

static int exp_temp_file_for(mb_call *call, const char *dst, char *buf,
                             size_t cap) {
  if (journal_write(call, dst) != MB_OK) return MB_ERROR;
  char *tmp;
  int fd = journal_temp(call->io->journal, dst, &tmp);
  if (fd < 0) {
    svc_set_error(call, "cannot create a file beside %s: %s", dst,
                  strerror(errno));
    return MB_ERROR;
  }
  close(fd);
  int rc = copy_out(tmp, buf, cap);
  if (rc != MB_OK) unlink(tmp);
  free(tmp);
  return rc;
}

static int exp_commit_file(mb_call *call, const char *temp, const char *dst,
                           int keep_file) {
  if (!keep_file) {
    unlink(temp);
    return MB_OK;
  }
  if (journal_write(call, dst) != MB_OK) {
    unlink(temp);
    return MB_ERROR;
  }
  if (journal_rename(call->io->journal, temp, dst) == 0) return MB_OK;
  svc_set_error(call, "cannot rename %s to %s: %s", temp, dst,
                errno == EINVAL ? "not a file from temp_file_for"
                                : strerror(errno));
  return MB_ERROR;
}

static int exp_sha256_file(mb_call *call, const char *path, char hex[65]) {
  if (sha256_file_hex(path, hex, NULL) == 0) return MB_OK;
  svc_set_error(call, "cannot read %s: %s", path, strerror(errno));
  return MB_ERROR;
}

const mb_export_services export_services = {
    .artifact_count = exp_artifact_count,
    .artifact_get = exp_artifact_get,
    .emit_artifact = exp_emit_artifact,
    .copy_file_atomic = exp_copy_file_atomic,
    .temp_file_for = exp_temp_file_for,
    .commit_file = exp_commit_file,
    .sha256_file = exp_sha256_file,
};
