#include "remote_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "hash.h"
#include "interrupt.h"
#include "log.h"
#include "progress.h"
#include "schema.h"
#include "services.h"
#include "state.h"
#include "tree_reads.h"

/* The key of a named document: never the key of an action, whose key
   material starts with the manifest's magic. */
#define DOCUMENT_PREFIX "mbhost-document/1\n"
#define DOCUMENT_NAME "document"
#define DOCUMENT_MAX (16u << 20)
/* An action entry names a target's few outputs: anything much larger is
   not one of ours. */
#define ACTION_MAX (1u << 20)
#define STATS_FILE "remote-stats"

enum { OP_GET, OP_PUT, OP_HAS };

typedef struct upload_file {
  char *name, *path;
  char sha256[65];
  uint64_t size;
  bool executable;
} upload_file;

typedef struct upload_job {
  char key[65];
  char *target;
  upload_file *files;
  size_t nfiles;
} upload_job;

/* What an action entry lists for one output. */
typedef struct action_file {
  char *path;
  char hash[65];
  uint64_t size;
  bool executable;
} action_file;

struct remote_cache {
  plugin *plugin;
  const mb_cache_store *s;
  void *store;
  config *cfg;
  const project *project;
  char *root, *section, *tmp;
  bool read_only;
  atomic_bool disabled;
  atomic_ullong hits, misses, down, up;
  /* Blobs found damaged in the store: uploaded again without asking has,
     which would say they are there. Written before the uploads start. */
  strvec damaged;
  upload_job *jobs;
  size_t njobs;
  pthread_t thread;
  bool uploading;
};

/* ---- configuration ---- */

const char *remote_cache_wanted(const config *cfg) {
  const char *name = config_get(cfg, "cache", "remote");
  return name && *name ? name : NULL;
}

char *remote_cache_section(const plugin *p) {
  return xasprintf("cache.%s", p->desc->name);
}

static int line_of(const config *cfg, const char *section, const char *key) {
  const config_value *v = config_find(cfg, section, key);
  if (v) return v->line;
  const config_section *s = config_find_section(cfg, section);
  return s ? s->line : 0;
}

static void unknown_store(config *cfg, const plugin_registry *reg,
                          const char *name) {
  strvec list = {0};
  for (size_t i = 0; i < reg->len; i++)
    if (reg->plugins[i].store) strvec_push(&list, reg->plugins[i].desc->name);
  const char *near =
      nearest_word(name, (const char *const *)list.items, list.len);
  char *avail = plugin_names(reg, MB_KIND_CACHE_STORE);
  config_error(cfg, line_of(cfg, "cache", "remote"),
               "remote: no cache store plugin named '%s'%s%s%s (available: "
               "%s)",
               name, near ? "; did you mean '" : "", near ? near : "",
               near ? "'?" : "", *avail ? avail : "none");
  free(avail);
  strvec_free(&list);
}

static const mb_option *mode_option(void) {
  return schema_find(schema_cache, "remote_mode");
}

plugin *remote_cache_find(config *cfg, const plugin_registry *reg) {
  const char *given = config_get(cfg, "cache", "remote");
  const char *name = remote_cache_wanted(cfg);
  plugin *p = name ? plugin_find_store(reg, name) : NULL;
  if (given && !*given)
    config_error(cfg, line_of(cfg, "cache", "remote"),
                 "remote: names no cache store (e.g. remote = s3 or http; "
                 "leave the key out for none)");
  else if (name && !p)
    unknown_store(cfg, reg, name);
  const char *env = getenv(REMOTE_MODE_ENV);
  if (env) {
    char *problem = NULL;
    char *mode = schema_normalize(mode_option(), env, "/", &problem);
    if (!mode) config_error(cfg, 0, "%s=%s: %s", REMOTE_MODE_ENV, env, problem);
    free(mode), free(problem);
  }
  for (size_t i = 0; i < cfg->nsections; i++) {
    const char *s = cfg->sections[i].name;
    if (!str_starts_with(s, "cache.")) continue;
    const char *suffix = s + strlen("cache.");
    if (p && strcmp(suffix, p->desc->name) == 0)
      schema_check_section(cfg, s, p->store->options, NULL, false);
    else if (!name || p)
      config_error(cfg, cfg->sections[i].line,
                   "[%s] is not used: set [cache] remote = %s", s, suffix);
  }
  return p;
}

static bool read_only_mode(const config *cfg) {
  const char *mode = getenv(REMOTE_MODE_ENV);
  if (!mode) mode = config_get(cfg, "cache", "remote_mode");
  return mode && strcmp(mode, "read-only") == 0;
}

bool remote_cache_read_only(const config *cfg) {
  return read_only_mode(cfg);
}

/* ---- calls to the store ---- */

static void call_store(const remote_cache *r, mb_call *call) {
  call_begin(call, r->cfg, r->project, r->plugin, r->section);
  call->options = r->s->options;
}

/* After the store's first error nothing more is asked of it: a server
   that is down costs one timeout per run, and one line. */
static void disable(remote_cache *r, const char *why) {
  if (atomic_exchange(&r->disabled, true) || interrupt_requested()) return;
  log_line(MB_LOG_WARN, NULL,
           "remote cache %s: %s; not using it for the rest of this run",
           r->plugin->desc->name, why ? why : "it gave no reason");
}

/* MB_OK, MB_NOT_FOUND, or MB_ERROR (the store is then disabled). */
static int store_op(remote_cache *r, int op, int ns, const char *name,
                    const char *path, uint64_t size) {
  if (atomic_load(&r->disabled) || interrupt_requested()) return MB_ERROR;
  mb_call call;
  call_store(r, &call);
  int rc = op == OP_GET   ? r->s->get(r->store, &call, ns, name, path)
           : op == OP_PUT ? r->s->put(r->store, &call, ns, name, path, size)
                          : r->s->has(r->store, &call, ns, name);
  char *error = call_end(&call);
  if (rc == MB_NOT_FOUND && op == OP_PUT) rc = MB_ERROR;
  if (rc != MB_OK && rc != MB_NOT_FOUND) {
    rc = MB_ERROR;
    disable(r, error);
  }
  free(error);
  return rc;
}

/* A new empty file (mode 0600) for the store to write, in this run's
   temporary folder; its path (owned), or NULL. */
static char *empty_file(const char *dir, const char *name) {
  char *path = path_join(dir, name);
  char *parent = path_dirname(path);
  int fd = state_mkdirs(parent) == 0
               ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)
               : -1;
  free(parent);
  if (fd >= 0) {
    close(fd);
    return path;
  }
  free(path);
  return NULL;
}

/* Downloads object `name` into `path`, which it creates. */
static int download(remote_cache *r, int ns, const char *name, const char *dir,
                    const char *file, char **path) {
  *path = empty_file(dir, file);
  if (!*path) return MB_ERROR;
  int rc = store_op(r, OP_GET, ns, name, *path, 0);
  struct stat st;
  if (rc == MB_OK && stat(*path, &st) == 0)
    atomic_fetch_add(&r->down, (unsigned long long)st.st_size);
  if (rc != MB_OK) unlink(*path);
  return rc;
}

/* A private folder under the cache folder's remote/ for one download or
   upload; NULL when it cannot be made. */
static char *temp_dir(const remote_cache *r) {
  char *dir = path_join(r->tmp, "XXXXXX");
  if (state_mkdirs(r->tmp) == 0 && mkdtemp(dir)) return dir;
  free(dir);
  return NULL;
}

/* Removes the temporary folders (remote/<pid>) of runs that died before
   they could; those of runs still going stay. */
static void remove_leftovers(const char *root) {
  char *top = path_join(root, "remote");
  DIR *d = opendir(top);
  for (struct dirent *e; d && (e = readdir(d));) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue;
    char *dir = path_join(top, e->d_name);
    remove_tree(dir);
    free(dir);
  }
  if (d) closedir(d);
  free(top);
}

remote_cache *remote_cache_open(plugin *p, config *cfg, const project *proj,
                                const char *root) {
  remote_cache *r = xcalloc(1, sizeof *r);
  *r = (remote_cache){.plugin = p,
                      .s = p->store,
                      .cfg = cfg,
                      .project = proj,
                      .root = xstrdup(root),
                      .section = remote_cache_section(p),
                      .tmp = xasprintf("%s/remote/%d", root, (int)getpid()),
                      .read_only = read_only_mode(cfg)};
  mb_call call;
  call_store(r, &call);
  int rc = r->s->open(p->self, &call, &r->store);
  char *error = call_end(&call);
  if (rc != MB_OK) {
    if (!cfg->errors.len) /* else the caller reports them */
      log_line(MB_LOG_WARN, NULL, "remote cache %s cannot be used: %s",
               p->desc->name, error ? error : "it gave no reason");
    free(error);
    free(r->root), free(r->section), free(r->tmp), free(r);
    return NULL;
  }
  free(error);
  remove_leftovers(root);
  if (log_verbosity > 0) {
    log_line(MB_LOG_INFO, NULL, "remote cache: %s (%s)", p->desc->name,
             r->read_only ? "read-only" : "read-write");
    if (r->s->describe) {
      call_store(r, &call);
      r->s->describe(r->store, &call);
      free(call_end(&call));
    }
  }
  return r;
}

void remote_cache_describe(remote_cache *r, FILE *out) {
  fprintf(out, "remote cache: %s (%s)\n", r->plugin->desc->name,
          r->read_only ? "read-only" : "read-write");
  if (!r->s->describe) return;
  mb_call call;
  call_store(r, &call);
  call.describe_out = out;
  r->s->describe(r->store, &call);
  free(call_end(&call));
}

bool remote_cache_has(remote_cache *r, const char *key) {
  if (!r || !r->s->has) return false;
  return store_op(r, OP_HAS, MB_STORE_AC, key, NULL, 0) == MB_OK;
}

/* ---- action entries ---- */

static bool is_hex64(const char *s) {
  if (!s || strlen(s) != 64) return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return false;
  return true;
}

static void action_files_free(action_file *files, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(files[i].path);
  free(files);
}

/* sizeBytes is an int64, which proto3's JSON mapping may also write as a
   string. */
static bool json_size(const json_t *v, uint64_t *out) {
  if (json_is_integer(v) && json_integer_value(v) >= 0) {
    *out = (uint64_t)json_integer_value(v);
    return true;
  }
  const char *text = json_string_value(v);
  char *end;
  if (!text || !*text || *text == '-') return false;
  errno = 0;
  *out = strtoull(text, &end, 10);
  return !*end && errno == 0;
}

/* Reads an ActionResult: NULL and *files, or what is wrong with it
   (owned). Every path is a safe relative name, listed once. */
static char *parse_action(const char *path, action_file **files, size_t *n) {
  *files = NULL, *n = 0;
  struct stat st;
  if (stat(path, &st) != 0 || st.st_size > ACTION_MAX)
    return xstrdup("its action entry is too large");
  json_error_t jerr;
  json_t *root = json_load_file(path, 0, &jerr);
  json_t *list = json_object_get(root, "outputFiles");
  char *problem = NULL;
  if (!json_is_array(list) || !json_array_size(list))
    problem = xstrdup("its action entry lists no output files");
  size_t i;
  json_t *o;
  json_array_foreach(list, i, o) {
    if (problem) break;
    const char *name = json_string_value(json_object_get(o, "path"));
    json_t *digest = json_object_get(o, "digest");
    const char *hash = json_string_value(json_object_get(digest, "hash"));
    json_t *exec = json_object_get(o, "isExecutable");
    action_file f = {0};
    const char *bad = name ? artifact_name_problem(name) : "no path";
    for (size_t k = 0; !bad && k < *n; k++)
      if (strcmp((*files)[k].path, name) == 0) bad = "listed twice";
    if (bad)
      problem = xasprintf("its action entry names output '%s': %s",
                          name ? name : "", bad);
    else if (!is_hex64(hash) ||
             !json_size(json_object_get(digest, "sizeBytes"), &f.size) ||
             (exec && !json_is_boolean(exec)))
      problem =
          xasprintf("its action entry has no valid digest for '%s'", name);
    if (problem) break;
    f.path = xstrdup(name);
    memcpy(f.hash, hash, 65);
    f.executable = json_is_true(exec);
    *files = xrealloc(*files, (*n + 1) * sizeof **files);
    (*files)[(*n)++] = f;
  }
  json_decref(root);
  if (problem) {
    action_files_free(*files, *n);
    *files = NULL, *n = 0;
  }
  return problem;
}

/* Downloads the blob of `f` into dir/files/<path> and checks it is what
   its name says; NULL, or what went wrong (owned; "" when the store failed
   and has said so already). */
static char *download_blob(remote_cache *r, const char *dir,
                           const action_file *f, char **path) {
  char *file = xasprintf("files/%s", f->path);
  int rc = download(r, MB_STORE_CAS, f->hash, dir, file, path);
  free(file);
  if (rc == MB_ERROR) return xstrdup("");
  if (rc == MB_NOT_FOUND)
    return xasprintf("blob %.12s of %s is missing", f->hash, f->path);
  char hex[65] = "";
  uint64_t size = 0;
  if (sha256_file_hex(*path, hex, &size) != 0 || strcmp(hex, f->hash) != 0 ||
      size != f->size) {
    if (strcmp(hex, f->hash) != 0) strvec_push(&r->damaged, f->hash);
    return xasprintf("blob %.12s of %s is damaged (its content does not "
                     "match its digest)",
                     f->hash, f->path);
  }
  if (chmod(*path, f->executable ? 0755 : 0644) != 0)
    return xasprintf("cannot set the mode of %s: %s", *path, strerror(errno));
  return NULL;
}

/* The kind the plan declares for output `name`: a declared name, or a
   file directly in a glob output's folder. */
static const char *declared_kind(const plan *pl, const char *name) {
  const char *slash = strrchr(name, '/');
  size_t folder = slash ? (size_t)(slash - name) : 0;
  for (size_t i = 0; i < pl->noutputs; i++) {
    const plan_output *o = &pl->outputs[i];
    if (!o->glob && strcmp(o->name, name) == 0) return o->kind;
    if (o->glob && strlen(o->name) == folder &&
        strncmp(o->name, name, folder) == 0)
      return o->kind;
  }
  return NULL;
}

/* Downloads and checks everything the action entry `key` names; NULL and
   the outputs in *outs (paths in dir/files), or why it is a miss (owned;
   "" when nothing need be said). `pl` gives the kinds; NULL: "file". */
static char *download_action(remote_cache *r, const char *key,
                             const char *target, const plan *pl,
                             const char *dir, artifact_list *outs) {
  char *ac = NULL;
  int rc = download(r, MB_STORE_AC, key, dir, "action.json", &ac);
  free(ac);
  if (rc != MB_OK) return xstrdup("");
  char *ac_path = path_join(dir, "action.json");
  action_file *files;
  size_t n;
  char *problem = parse_action(ac_path, &files, &n);
  free(ac_path);
  for (size_t i = 0; !problem && i < n; i++) {
    const char *kind = pl ? declared_kind(pl, files[i].path) : "file";
    if (!kind) {
      problem = xasprintf("its action entry names %s, which the plan does not "
                          "declare",
                          files[i].path);
      break;
    }
    char *path = NULL;
    problem = download_blob(r, dir, &files[i], &path);
    artifact a = {.target = (char *)target,
                  .kind = (char *)kind,
                  .name = files[i].path,
                  .path = path,
                  .sha256 = files[i].hash,
                  .size = files[i].size,
                  .exporter = "build"};
    if (!problem) artifact_list_add(outs, &a);
    free(path);
  }
  action_files_free(files, n);
  return problem;
}

bool remote_cache_fetch(remote_cache *r, const char *key, const char *target,
                        const plan *pl) {
  if (!r || atomic_load(&r->disabled)) return false;
  char *dir = temp_dir(r);
  artifact_list outs = {0};
  char *problem = dir ? download_action(r, key, target, pl, dir, &outs)
                      : xasprintf("cannot make a folder in %s", r->tmp);
  if (!problem) {
    char *files = path_join(dir, "files");
    if (!cache_store_files(r->root, key, target, files, &outs))
      problem = xasprintf("cannot store its entry in %s", r->root);
    free(files);
  }
  if (problem && *problem)
    log_line(MB_LOG_WARN, target, "remote cache: %s; building it", problem);
  atomic_fetch_add(problem ? &r->misses : &r->hits, 1);
  if (dir) remove_tree(dir);
  artifact_list_free(&outs);
  free(dir);
  bool hit = !problem;
  free(problem);
  return hit;
}

/* ---- uploads ---- */

/* The ActionResult naming `files`, in a new file of `dir`; its path
   (owned) and size, or NULL. */
static char *write_action(const char *dir, const upload_file *files, size_t n,
                          uint64_t *size) {
  json_t *list = json_array();
  for (size_t i = 0; i < n; i++)
    json_array_append_new(list, json_pack("{s:s, s:{s:s, s:I}, s:b}", "path",
                                          files[i].name, "digest", "hash",
                                          files[i].sha256, "sizeBytes",
                                          (json_int_t)files[i].size,
                                          "isExecutable", files[i].executable));
  json_t *root = json_pack("{s:o, s:i}", "outputFiles", list, "exitCode", 0);
  char *text = json_dumps(root, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(root);
  char *path = text ? empty_file(dir, "action.json") : NULL;
  FILE *f = path ? fopen(path, "w") : NULL;
  bool ok = f && fputs(text, f) >= 0;
  if (f && fclose(f) != 0) ok = false;
  if (ok) *size = strlen(text);
  free(text);
  if (!ok && path) unlink(path);
  if (!ok) free(path);
  return ok ? path : NULL;
}

/* Blobs first, each only when the store lacks it, then the action entry:
   a reader that finds the entry finds its blobs. */
static bool upload_one(remote_cache *r, const upload_job *job,
                       const char *dir) {
  for (size_t i = 0; i < job->nfiles; i++) {
    const upload_file *f = &job->files[i];
    if (r->s->has && !strvec_contains(&r->damaged, f->sha256)) {
      int rc = store_op(r, OP_HAS, MB_STORE_CAS, f->sha256, NULL, 0);
      if (rc == MB_OK) continue;
      if (rc == MB_ERROR) return false;
    }
    struct stat st;
    if (lstat(f->path, &st) != 0 || (uint64_t)st.st_size != f->size) {
      /* Pruned or damaged meanwhile: not worth the store's failure. */
      log_line(MB_LOG_WARN, job->target,
               "remote cache: %s left the cache folder before its upload",
               f->name);
      return false;
    }
    if (store_op(r, OP_PUT, MB_STORE_CAS, f->sha256, f->path, f->size) != MB_OK)
      return false;
    atomic_fetch_add(&r->up, f->size);
  }
  uint64_t size = 0;
  char *ac = write_action(dir, job->files, job->nfiles, &size);
  bool ok = ac && store_op(r, OP_PUT, MB_STORE_AC, job->key, ac, size) == MB_OK;
  if (ok) atomic_fetch_add(&r->up, size);
  if (ac) unlink(ac);
  free(ac);
  return ok;
}

static void *upload_thread(void *arg) {
  remote_cache *r = arg;
  for (size_t j = 0; j < r->njobs; j++) {
    if (atomic_load(&r->disabled) || interrupt_requested()) break;
    char *dir = temp_dir(r);
    if (!dir) break;
    if (upload_one(r, &r->jobs[j], dir))
      log_line(MB_LOG_DEBUG, r->jobs[j].target,
               "remote cache: uploaded entry %.12s", r->jobs[j].key);
    remove_tree(dir);
    free(dir);
  }
  return NULL;
}

static void add_job(remote_cache *r, const target_result *tr,
                    const artifact_list *outputs) {
  upload_job job = {.target = xstrdup(tr->target->name)};
  memcpy(job.key, tr->cache_key, sizeof job.key);
  for (size_t i = 0; i < outputs->len; i++) {
    const artifact *a = &outputs->items[i];
    if (!a->target || strcmp(a->target, tr->target->name) != 0) continue;
    upload_file f = {.name = xstrdup(a->name),
                     .path = cache_entry_file(r->root, tr->cache_key, a->name),
                     .size = a->size};
    snprintf(f.sha256, sizeof f.sha256, "%s", a->sha256);
    struct stat st;
    f.executable = stat(f.path, &st) == 0 && (st.st_mode & S_IXUSR);
    job.files = xrealloc(job.files, (job.nfiles + 1) * sizeof *job.files);
    job.files[job.nfiles++] = f;
  }
  r->jobs = xrealloc(r->jobs, (r->njobs + 1) * sizeof *r->jobs);
  r->jobs[r->njobs++] = job;
}

static void document_key(const char *name, char hex[65]) {
  char *material = xasprintf("%s%s", DOCUMENT_PREFIX, name);
  sha256_hex(material, strlen(material), hex);
  free(material);
}

/* The name of the document that holds a target's record (tree_reads.h). */
static char *reads_document(const char *reads_key) {
  return xasprintf("tree-reads/%s", reads_key);
}

/* The record of what the target's build read of a toolchain tree
   (tree_reads.h), as the document "tree-reads/READS KEY": a machine
   without it cannot key the target. */
static void add_reads_job(remote_cache *r, const target_result *tr) {
  upload_file f = {.name = xstrdup(DOCUMENT_NAME),
                   .path = tree_reads_path(r->root, tr->reads_key)};
  if (sha256_file_hex(f.path, f.sha256, &f.size) != 0) {
    free(f.name), free(f.path);
    return;
  }
  upload_job job = {.target = xstrdup(tr->target->name), .nfiles = 1};
  char *name = reads_document(tr->reads_key);
  document_key(name, job.key);
  free(name);
  job.files = xmalloc(sizeof *job.files);
  job.files[0] = f;
  r->jobs = xrealloc(r->jobs, (r->njobs + 1) * sizeof *r->jobs);
  r->jobs[r->njobs++] = job;
}

void remote_cache_upload_start(remote_cache *r, const target_set *ts,
                               const artifact_list *outputs) {
  if (!r || r->read_only || r->uploading || atomic_load(&r->disabled)) return;
  for (size_t i = 0; i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    /* Only entries the local cache holds: what was built from a source
       that changed during the build was not stored, and is not shared. */
    if (tr->status == TARGET_OK && !tr->cache_hit && tr->cache_key[0] &&
        cache_has(r->root, tr->cache_key)) {
      add_job(r, tr, outputs);
      if (tr->reads_key[0]) add_reads_job(r, tr);
    }
  }
  if (r->njobs)
    r->uploading = pthread_create(&r->thread, NULL, upload_thread, r) == 0;
}

/* ---- documents ---- */

bool remote_put_document(remote_cache *r, const char *name, const void *data,
                         size_t len) {
  if (!r || r->read_only || atomic_load(&r->disabled)) return false;
  char *dir = temp_dir(r);
  char *path = dir ? empty_file(dir, DOCUMENT_NAME) : NULL;
  FILE *f = path ? fopen(path, "w") : NULL;
  bool ok = f && (!len || fwrite(data, 1, len, f) == len);
  if (f && fclose(f) != 0) ok = false;
  upload_job job = {.target = (char *)name};
  upload_file file = {.name = (char *)DOCUMENT_NAME, .path = path, .size = len};
  if (ok) {
    sha256_hex(data, len, file.sha256);
    document_key(name, job.key);
    job.files = &file, job.nfiles = 1;
    ok = upload_one(r, &job, dir);
  }
  if (dir) remove_tree(dir);
  free(path), free(dir);
  return ok;
}

bool remote_get_document(remote_cache *r, const char *name, char **data,
                         size_t *len) {
  *data = NULL, *len = 0;
  if (!r || atomic_load(&r->disabled)) return false;
  char key[65];
  document_key(name, key);
  char *dir = temp_dir(r);
  artifact_list outs = {0};
  char *problem =
      dir ? download_action(r, key, NULL, NULL, dir, &outs) : xstrdup("");
  if (!problem && (outs.len != 1 || outs.items[0].size > DOCUMENT_MAX))
    problem = xstrdup("not a document");
  FILE *f = problem ? NULL : fopen(outs.items[0].path, "r");
  if (f) {
    *len = (size_t)outs.items[0].size;
    *data = xmalloc(*len + 1);
    if (fread(*data, 1, *len, f) != *len) problem = xstrdup("short read");
    (*data)[*len] = '\0';
    fclose(f);
  } else if (!problem) {
    problem = xstrdup("cannot read it");
  }
  if (problem && *problem)
    log_line(MB_LOG_DEBUG, NULL, "remote cache: document %s: %s", name,
             problem);
  if (problem) free(*data), *data = NULL, *len = 0;
  if (dir) remove_tree(dir);
  artifact_list_free(&outs);
  free(dir);
  bool ok = !problem;
  free(problem);
  return ok;
}

/* ---- what builds read of a toolchain tree (tree_reads.h) ---- */

void remote_cache_fetch_reads(remote_cache *r, const cache_context *c,
                              target_set *ts, bool save) {
  bool adopted = false;
  for (size_t i = 0; r && i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    if (tr->status != TARGET_PENDING || !tr->reads_key[0] || tr->cache_key[0])
      continue;
    char *name = reads_document(tr->reads_key), *doc;
    size_t len;
    bool fetched = remote_get_document(r, name, &doc, &len);
    bool got = fetched && tree_reads_adopt(c->root, tr, doc, len, save);
    if (fetched && !got)
      log_line(MB_LOG_WARN, tr->target->name,
               "remote cache: its record of the toolchain folders a build "
               "reads is damaged; building it");
    /* With no record, the store has no result for these inputs either. */
    if (!got && !atomic_load(&r->disabled)) atomic_fetch_add(&r->misses, 1);
    if (!got) free(doc);
    adopted |= got;
    free(name);
  }
  if (adopted) tree_reads_keys(c, ts, save);
}

/* ---- counters ---- */

typedef struct remote_stats {
  unsigned long long hits, misses, down, up;
} remote_stats;

static bool read_stats(const char *path, remote_stats *s) {
  *s = (remote_stats){0};
  FILE *f = state_fopen(path, "remote cache stats");
  if (!f) return false;
  bool ok = fscanf(f, "hits %llu misses %llu downloaded %llu uploaded %llu",
                   &s->hits, &s->misses, &s->down, &s->up) == 4;
  fclose(f);
  if (!ok) *s = (remote_stats){0};
  return ok;
}

/* Adds this run's counters to the cache folder's, under a lock: runs of
   other projects share the folder. */
static void save_stats(const remote_cache *r) {
  remote_stats run = {atomic_load(&r->hits), atomic_load(&r->misses),
                      atomic_load(&r->down), atomic_load(&r->up)};
  if (!run.hits && !run.misses && !run.down && !run.up) return;
  char *locks = path_join(r->root, "locks");
  char *lock = path_join(locks, STATS_FILE);
  char *path = path_join(r->root, STATS_FILE);
  int fd = state_mkdirs(locks) == 0
               ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)
               : -1;
  if (fd >= 0 && flock(fd, LOCK_EX) == 0) {
    remote_stats s;
    read_stats(path, &s);
    char *tmp = NULL;
    FILE *f = state_temp(path, &tmp);
    if (f)
      state_commit(f, tmp, path,
                   fprintf(f,
                           "hits %llu\nmisses %llu\ndownloaded %llu\n"
                           "uploaded %llu\n",
                           s.hits + run.hits, s.misses + run.misses,
                           s.down + run.down, s.up + run.up) > 0);
  }
  if (fd >= 0) close(fd);
  free(path), free(lock), free(locks);
}

void remote_cache_stats_print(const char *root, FILE *out) {
  char *path = path_join(root, STATS_FILE);
  remote_stats s;
  struct stat st;
  bool have = lstat(path, &st) == 0 && read_stats(path, &s);
  free(path);
  if (!have) return;
  char *down = progress_size(s.down), *up = progress_size(s.up);
  fprintf(out,
          "remote hits:   %llu\nremote misses: %llu\ndownloaded:    %s\n"
          "uploaded:      %s\n",
          s.hits, s.misses, down, up);
  free(down), free(up);
}

bool remote_cache_wait(remote_cache *r) {
  if (!r) return false;
  if (r->uploading) pthread_join(r->thread, NULL);
  r->uploading = false;
  return !atomic_load(&r->disabled) && !interrupt_requested();
}

void remote_cache_close(remote_cache *r) {
  if (!r) return;
  if (r->uploading) pthread_join(r->thread, NULL);
  save_stats(r);
  if (r->s->close) r->s->close(r->store);
  for (size_t j = 0; j < r->njobs; j++) {
    for (size_t i = 0; i < r->jobs[j].nfiles; i++)
      free(r->jobs[j].files[i].name), free(r->jobs[j].files[i].path);
    free(r->jobs[j].files), free(r->jobs[j].target);
  }
  free(r->jobs);
  strvec_free(&r->damaged);
  remove_tree(r->tmp);
  free(r->root), free(r->section), free(r->tmp);
  free(r);
}
