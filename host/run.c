#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "executor.h"
#include "export.h"
#include "hash.h"
#include "interrupt.h"
#include "journal.h"
#include "log.h"
#include "progress.h"
#include "report.h"
#include "schema.h"
#include "services.h"
#include "state.h"

static int line_of(const config *cfg, const char *section, const char *key) {
  const config_value *v = config_find(cfg, section, key);
  if (v) return v->line;
  const config_section *s = config_find_section(cfg, section);
  return s ? s->line : 0;
}

/* The sections that have a plugin's name after a dot: [export.NAME],
   [executor.NAME]. */
static const char *plugin_section_prefix(const char *text) {
  static const char *const prefixes[] = {"export.", "executor.", "cache."};
  for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++)
    if (str_starts_with(text, prefixes[i])) return prefixes[i];
  return NULL;
}

/* --set section.key=value. Sections have no dots except export.NAME,
   executor.NAME and cache.NAME, and keys may have them (format.windows), so the
   section ends at the first dot, or the second after such a prefix. */
static void apply_overrides(config *cfg, const strvec *sets) {
  for (size_t i = 0; i < sets->len; i++) {
    const char *text = sets->items[i];
    const char *eq = strchr(text, '=');
    const char *from = text;
    const char *prefix = plugin_section_prefix(text);
    const char *rest = prefix ? text + strlen(prefix) : text;
    /* export.NAME.key has two dots before '='; export.use has one. */
    if (eq && prefix && rest < eq && memchr(rest, '.', (size_t)(eq - rest)))
      from = rest;
    const char *dot = eq ? memchr(from, '.', (size_t)(eq - from)) : NULL;
    if (!eq || !dot || dot == from || dot + 1 == eq) {
      config_error(cfg, 0,
                   "--set %s: expected section.key=value (e.g. --set "
                   "toolchain.ldflags=-s)",
                   text);
      continue;
    }
    char *section = xstrndup(text, (size_t)(dot - text));
    char *key = xstrndup(dot + 1, (size_t)(eq - dot - 1));
    config_set(cfg, section, key, eq + 1);
    free(section);
    free(key);
  }
}

static void check_target_sections(run *r) {
  config *cfg = &r->cfg;
  for (size_t i = 0; i < cfg->nsections; i++) {
    const config_section *s = &cfg->sections[i];
    if (!str_starts_with(s->name, "target ")) continue;
    const char *name = s->name + strlen("target ");
    char *os, *arch, *problem;
    if (!parse_target_name(name, &os, &arch, &problem)) {
      config_error(cfg, s->line, "[%s]: %s", s->name, problem);
      free(problem);
      continue;
    }
    free(os), free(arch);
    if (!matrix_find(&r->matrix, name))
      config_error(cfg, s->line, "[%s]: %s is not in the matrix", s->name,
                   name);
    else if (r->toolchain)
      schema_check_section(cfg, s->name, r->toolchain->options,
                           schema_toolchain_host, true);
  }
}

/* "; did you mean 'NAME'?" for the nearest plugin name of `kind`, or "". */
static char *did_you_mean(const run *r, uint32_t kind, const char *name) {
  strvec list = {0};
  for (size_t i = 0; i < r->plugins.len; i++)
    if (r->plugins.plugins[i].desc->kind == kind)
      strvec_push(&list, r->plugins.plugins[i].desc->name);
  const char *near =
      nearest_word(name, (const char *const *)list.items, list.len);
  char *text = near ? xasprintf("; did you mean '%s'?", near) : xstrdup("");
  strvec_free(&list);
  return text;
}

static void report_unknown_exporter(run *r, const char *name, int line) {
  char *avail = plugin_names(&r->plugins, MB_KIND_EXPORTER);
  char *near = did_you_mean(r, MB_KIND_EXPORTER, name);
  config_error(&r->cfg, line,
               "use: no exporter plugin named '%s'%s (available: %s)", name,
               near, *avail ? avail : "none");
  free(near), free(avail);
}

static void find_toolchain(run *r) {
  config *cfg = &r->cfg;
  const char *use = config_get(cfg, "toolchain", "use");
  if (!config_find_section(cfg, "toolchain")) {
    config_error(cfg, 0,
                 "no [toolchain] section (add one with use = go, rust or c)");
    return;
  }
  if (!use) {
    config_error(cfg, config_find_section(cfg, "toolchain")->line,
                 "[toolchain] needs the key 'use' (the toolchain plugin's "
                 "name, e.g. use = go)");
    return;
  }
  if (!*use) {
    config_error(cfg, line_of(cfg, "toolchain", "use"),
                 "use: names no toolchain (e.g. use = go)");
    return;
  }
  r->toolchain = plugin_find(&r->plugins, use, MB_KIND_TOOLCHAIN);
  if (r->toolchain) {
    schema_check_section(cfg, "toolchain", r->toolchain->options,
                         schema_toolchain_host, false);
    return;
  }
  char *names = plugin_names(&r->plugins, MB_KIND_TOOLCHAIN);
  char *near = did_you_mean(r, MB_KIND_TOOLCHAIN, use);
  config_error(cfg, line_of(cfg, "toolchain", "use"),
               "use: no toolchain plugin named '%s'%s (available: %s)", use,
               near, *names ? names : "none");
  free(near), free(names);
  /* The other keys of [toolchain] and [target] sections belong to the
     plugin that is not there: judging them would only bury this error. */
}

static void find_exporters(run *r) {
  config *cfg = &r->cfg;
  schema_check_section(cfg, "export", schema_export, NULL, false);
  const char *use = config_get(cfg, "export", "use");
  strvec names = {0};
  split_list(use ? use : "local", &names);
  int line = line_of(cfg, "export", "use");
  bool unknown = false;
  if (names.len == 0)
    config_error(cfg, line,
                 "use: the exporter chain is empty (e.g. use = local)");
  for (size_t i = 0; i < names.len; i++) {
    for (size_t j = 0; j < i; j++)
      if (strcmp(names.items[i], names.items[j]) == 0)
        config_error(cfg, line, "use: exporter '%s' is listed twice",
                     names.items[i]);
    plugin *p = plugin_find(&r->plugins, names.items[i], MB_KIND_EXPORTER);
    if (!p) {
      report_unknown_exporter(r, names.items[i], line);
      unknown = true;
      continue;
    }
    r->exporters =
        xrealloc(r->exporters, (r->nexporters + 1) * sizeof *r->exporters);
    r->exporters[r->nexporters++] = p;
    char *section = xasprintf("export.%s", p->desc->name);
    schema_check_section(cfg, section, p->options, NULL, false);
    free(section);
  }
  /* With a wrong name in the chain, which [export.NAME] is unused is a
     guess: the error above says what to fix first. */
  for (size_t i = 0; i < cfg->nsections && !unknown; i++) {
    const char *s = cfg->sections[i].name;
    if (str_starts_with(s, "export.") &&
        !strvec_contains(&names, s + strlen("export.")))
      config_error(cfg, cfg->sections[i].line,
                   "[%s] is not used: add %s to [export] use", s,
                   s + strlen("export."));
  }
  strvec_free(&names);
}

static void check_sections_known(config *cfg) {
  static const char *const fixed[] = {
      "project", "matrix", "toolchain", "export", "cache", "host", "executor"};
  const size_t nfixed = sizeof fixed / sizeof *fixed;
  for (size_t i = 0; i < cfg->nsections; i++) {
    const char *s = cfg->sections[i].name;
    bool ok = str_starts_with(s, "target ") || str_starts_with(s, "export.") ||
              str_starts_with(s, "executor.") || str_starts_with(s, "cache.");
    for (size_t k = 0; k < nfixed && !ok; k++)
      ok = strcmp(s, fixed[k]) == 0;
    if (ok) continue;
    const char *near = nearest_word(s, fixed, nfixed);
    if (near)
      config_error(cfg, cfg->sections[i].line,
                   "unknown section [%s]; did you mean [%s]?", s, near);
    else
      config_error(
          cfg, cfg->sections[i].line,
          "unknown section [%s] (sections: project, matrix, toolchain, "
          "target OS/ARCH, export, export.NAME, executor, executor.NAME, "
          "cache, cache.NAME, host)",
          s);
  }
}

static int default_jobs(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

/* EXIT_USAGE after printing every collected configuration error. */
static int config_errors_code(config *cfg) {
  return config_report_errors(cfg) ? EXIT_USAGE : EXIT_OK;
}

/* One instance per plugin, whatever roles it has (the s3 plugin exports
   and stores). */
static bool init_plugin(run *r, plugin *p, const char *section) {
  if (p->initialized) return true;
  mb_call call;
  call_begin(&call, &r->cfg, &r->project, p, section);
  /* A store plugin reads its [cache.NAME] keys. One of another kind used
     only as a store (the s3 exporter) has no section of its kind: it reads
     [cache.NAME] when the store opens, and checks nothing of its main role
     (such as the exporter's credentials, which would stop the run). */
  if (str_starts_with(section, "cache.") &&
      p->desc->kind == MB_KIND_CACHE_STORE)
    call.options = p->store->options;
  else if (str_starts_with(section, "cache."))
    call.section = NULL;
  int rc = p->desc->init(&host_core, &call, &p->self);
  char *error = call_end(&call);
  if (rc != MB_OK && !r->cfg.errors.len)
    config_error(&r->cfg, 0, "%s plugin '%s' (%s) could not start: %s",
                 plugin_kind_name(p->desc->kind), p->desc->name, p->path,
                 error ? error : "it gave no reason");
  free(error);
  if (rc != MB_OK) return false;
  p->initialized = true;
  plugin_fetch_instance_interfaces(p);
  return true;
}

/* The plugins this config names: its toolchain, its exporter chain, its
   executor and its remote cache store. */
static void wanted_plugins(const config *cfg, strvec *names) {
  const char *tool = config_get(cfg, "toolchain", "use");
  if (tool && *tool) strvec_push(names, tool);
  const char *use = config_get(cfg, "export", "use");
  split_list(use ? use : "local", names);
  const char *executor = executor_plugin_wanted(cfg);
  if (executor) strvec_push(names, executor);
  const char *store = remote_cache_wanted(cfg);
  if (store) strvec_push(names, store);
}

static bool all_found(const plugin_registry *reg, const strvec *names) {
  for (size_t i = 0; i < names->len; i++) {
    bool found = false;
    for (size_t p = 0; p < reg->len && !found; p++)
      found = strcmp(reg->plugins[p].desc->name, names->items[i]) == 0;
    if (!found) return false;
  }
  return true;
}

/* A shard's results go only to the remote cache: without one it may write
   to, its work would be lost. */
static void check_shard_store(run *r) {
  const shard_spec *s = &r->opts->shard;
  if (!remote_cache_wanted(&r->cfg))
    config_error(&r->cfg, line_of(&r->cfg, "cache", "remote"),
                 "--shard %u/%u needs a remote cache for its results: set "
                 "[cache] remote (s3 or http) in read-write mode "
                 "(docs/scale-out.md)",
                 s->k, s->n);
  else if (remote_cache_read_only(&r->cfg))
    config_error(&r->cfg, line_of(&r->cfg, "cache", "remote_mode"),
                 "--shard %u/%u needs the remote cache in read-write mode%s: "
                 "a shard's results go only there",
                 s->k, s->n,
                 getenv(REMOTE_MODE_ENV) ? " (MBHOST_CACHE_REMOTE_MODE is "
                                           "read-only)"
                                         : "");
}

int run_prepare(run *r, const run_options *opts) {
  r->opts = opts;
  config *cfg = &r->cfg;
  if (!config_load(cfg, opts->config_path)) return config_errors_code(cfg);
  apply_overrides(cfg, &opts->sets);
  schema_check_section(cfg, "project", schema_project, NULL, false);
  schema_check_section(cfg, "matrix", schema_matrix, NULL, false);
  schema_check_section(cfg, "cache", schema_cache, NULL, false);
  schema_check_section(cfg, "host", schema_host, NULL, false);
  check_sections_known(cfg);
  r->jobs = opts->jobs > 0 ? opts->jobs : default_jobs();
  project_load(&r->project, cfg, opts->output_override, r->jobs);
  matrix_build(&r->matrix, cfg);

  /* The cache decides what runs and what is published: refuse one that
     another user could write before anything reads it. With errors in
     the config already, the rest is still checked and reported (the
     scanner checks the folder again before it trusts its verdicts). */
  char *problem = NULL;
  char *root = cfg->errors.len ? cache_dir(cfg)
                               : cache_open_root(cfg, !opts->dry_run, &problem);
  if (!root && !cfg->errors.len) {
    config_error(cfg, line_of(cfg, "cache", "dir"), "%s%s",
                 config_find(cfg, "cache", "dir") ? "dir: " : "", problem);
    free(problem);
    return config_errors_code(cfg);
  }
  strvec dirs = {0}, wanted = {0};
  plugin_search_path(&dirs, &opts->plugin_dirs, cfg);
  wanted_plugins(cfg, &wanted);
  plugin_registry_load(&r->plugins, &dirs, &wanted, root, !opts->dry_run);
  if (!all_found(&r->plugins, &wanted)) {
    /* A name no plugin has: load them all, for the list of valid names. */
    plugin_registry_free(&r->plugins);
    plugin_registry_load(&r->plugins, &dirs, NULL, root, !opts->dry_run);
  }
  free(root);
  strvec_free(&dirs);
  strvec_free(&wanted);
  if (interrupt_requested()) return interrupt_exit_code();
  for (size_t i = 0; i < r->plugins.refused.len; i++)
    log_line(MB_LOG_WARN, NULL, "ignoring plugin %s",
             r->plugins.refused.items[i]);

  find_toolchain(r);
  find_exporters(r);
  r->executor = executor_plugin_find(cfg, &r->plugins);
  r->store = remote_cache_find(cfg, &r->plugins);
  if (opts->shard.n) check_shard_store(r);
  check_target_sections(r);
  if (cfg->errors.len) return config_errors_code(cfg);
  if (!matrix_narrow(&r->matrix, cfg, &opts->targets))
    return config_errors_code(cfg);

  bool ok = init_plugin(r, r->toolchain, "toolchain");
  for (size_t i = 0; ok && i < r->nexporters; i++) {
    char *section = xasprintf("export.%s", r->exporters[i]->desc->name);
    ok = init_plugin(r, r->exporters[i], section);
    free(section);
  }
  if (ok && r->executor) {
    exec_plugin_init(&r->exec, r->executor, cfg, &r->project);
    init_plugin(r, r->executor, r->exec.section);
  }
  if (ok && r->store) {
    char *section = remote_cache_section(r->store);
    init_plugin(r, r->store, section);
    free(section);
  }
  return config_errors_code(cfg);
}

/* Staging, logs and scratch live outside the output folder so a failed or
   interrupted run leaves the output as it was. */
static char *state_dir_path(const run *r) {
  char hex[65];
  sha256_hex(r->project.output_real, strlen(r->project.output_real), hex);
  hex[16] = '\0';
  char *root = cache_dir(&r->cfg);
  char *dir = xasprintf("%s/projects/%s-%s", root, r->project.name, hex);
  free(root);
  return dir;
}

/* One run per output folder, whatever the project and however the folder
   is reached: the lock is keyed on its real path, in the cache folder. The
   lock file says who holds it. It stays held until the process exits. */
static int lock_output(const run *r, const char *root) {
  const char *real = r->project.output_real;
  char hex[65];
  sha256_hex(real, strlen(real), hex);
  char *dir = path_join(root, "locks");
  char *lock = path_join(dir, hex);
  int fd = state_mkdirs(dir) == 0
               ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)
               : -1;
  struct stat st;
  int code = EXIT_OK;
  if (fd < 0 || fstat(fd, &st) != 0 || st.st_uid != geteuid()) {
    log_line(MB_LOG_ERROR, NULL, "cannot use the lock %s for %s: %s", lock,
             real, fd < 0 ? strerror(errno) : "another user owns it");
    code = EXIT_BUILD;
  } else if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[512] = "";
    ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
    holder[n > 0 ? n : 0] = '\0';
    holder[strcspn(holder, "\n")] = '\0';
    log_line(MB_LOG_ERROR, NULL,
             "another mbhost run is exporting to %s (%s); wait for it to "
             "finish",
             real, *holder ? holder : "lock held");
    code = EXIT_BUILD;
  } else {
    /* Written over the last holder's text, then cut to its length only
       when that was longer: truncating to 0 first would free the file's
       block and allocate it again on every run. (st is from before the
       flock; a size it missed only leaves bytes after the newline, where
       a reader stops.) */
    char *who = xasprintf("pid %d, project %s, config %s\n", (int)getpid(),
                          r->project.name, r->project.config_path);
    off_t len = (off_t)strlen(who);
    if (pwrite(fd, who, (size_t)len, 0) != len ||
        (st.st_size > len && ftruncate(fd, len) != 0))
      log_line(MB_LOG_DEBUG, NULL, "lock %s: %s", lock, strerror(errno));
    free(who);
  }
  if (code != EXIT_OK && fd >= 0) close(fd);
  free(lock), free(dir);
  return code;
}

/* EXIT_OK, EXIT_USAGE when the state folder cannot be made or is not safe
   to use, or EXIT_BUILD when another run holds the output folder. */
static int open_state_dir(run *r) {
  r->state_dir = state_dir_path(r);
  char *root = cache_dir(&r->cfg);
  int code = lock_output(r, root);
  free(root);
  if (code != EXIT_OK) return code;
  char *problem = state_dir_make(r->state_dir);
  if (problem) {
    log_line(MB_LOG_ERROR, NULL, "state folder: %s", problem);
    code = EXIT_USAGE;
    free(problem);
  }
  return code;
}

static void init_results(run *r) {
  r->targets.len = r->matrix.len;
  r->targets.items = xcalloc(r->matrix.len + 1, sizeof *r->targets.items);
  for (size_t i = 0; i < r->matrix.len; i++) {
    target_result *tr = &r->targets.items[i];
    const target *t = &r->matrix.targets[i];
    tr->target = t;
    tr->plan.target = t;
    tr->staging = xasprintf("%s/staging/%s-%s", r->state_dir, t->os, t->arch);
    tr->scratch = xasprintf("%s/scratch/%s-%s", r->state_dir, t->os, t->arch);
    tr->log_path = xasprintf("%s/logs/%s-%s.log", r->state_dir, t->os, t->arch);
  }
}

/* What the cache stage reads of this run. */
static cache_context cache_of(const run *r, const char *root) {
  return (cache_context){.root = root,
                         .cfg = &r->cfg,
                         .project = &r->project,
                         .toolchain = r->toolchain,
                         .facts = &r->facts};
}

/* A cached probe is reused while the files it depends on are unchanged, so
   a no-op run spawns no `go version`. */
static bool probe_from_cache(run *r, const char *root, const image_probe *in,
                             char key[65]) {
  cache_context c = cache_of(r, root);
  cache_probe_key(&c, &r->targets, key);
  if (in) {
    /* In an image, the facts are the image's: one entry per image ID. */
    char *material = xasprintf("%s image %s", key, in->image_id);
    sha256_hex(material, strlen(material), key);
    free(material);
  }
  if (r->opts->no_cache || !cache_probe_load(root, key, &r->facts))
    return false;
  log_line(MB_LOG_INFO, r->toolchain->desc->name, "%s (probe cached)",
           facts_get(&r->facts, "version"));
  return true;
}

/* EXIT_OK, EXIT_USAGE for an option the probe refused (option_error), or
   EXIT_BUILD when the toolchain is not usable. */
static int probe_in(run *r, const image_probe *in) {
  plugin *p = r->toolchain;
  char key[65];
  char *root = cache_dir(&r->cfg);
  if (probe_from_cache(r, root, in, key)) {
    free(root);
    return EXIT_OK;
  }
  mb_call call;
  call_begin(&call, &r->cfg, &r->project, p, "toolchain");
  call.facts = &r->facts;
  call.in_image = in;
  /* The probe cache's dependency, when the probe runs in an image. */
  if (in) facts_set(&r->facts, "image_id", in->image_id);
  int rc = p->toolchain->probe(p->self, &call, &probe_services);
  char *error = call_end(&call);
  int code = EXIT_OK;
  if (interrupt_requested()) {
    code = interrupt_exit_code();
  } else if (r->cfg.errors.len) {
    code = config_errors_code(&r->cfg);
  } else if (rc != MB_OK || !facts_get(&r->facts, "version")) {
    log_line(MB_LOG_ERROR, p->desc->name, "toolchain is not usable: %s",
             error         ? error
             : rc == MB_OK ? "its probe recorded no version"
                           : "its probe gave no reason");
    code = EXIT_BUILD;
  } else {
    if (!r->opts->dry_run) cache_probe_store(root, key, &r->facts);
    log_line(MB_LOG_INFO, p->desc->name, "%s", facts_get(&r->facts, "version"));
  }
  free(error);
  free(root);
  return code;
}

/* With an executor plugin the toolchain that builds is the image's, so the
   probe runs there: in [toolchain] image, else in the image the host's own
   probe names (golang:<version>). */
static int probe_toolchain(run *r) {
  if (!r->executor) return probe_in(r, NULL);
  const char *image = exec_plugin_probe_image(&r->cfg);
  char *named = NULL;
  if (!image) {
    int code = probe_in(r, NULL);
    if (code != EXIT_OK) return code;
    const char *fact = facts_get(&r->facts, "image");
    named = fact ? xstrdup(fact) : NULL;
    facts_free(&r->facts);
    r->facts = (facts){0};
    if (!named) {
      log_line(MB_LOG_ERROR, r->toolchain->desc->name,
               "names no container image for executor %s: set [toolchain] "
               "image",
               r->executor->desc->name);
      return EXIT_USAGE;
    }
    image = named;
  }
  char *error;
  const char *id = exec_plugin_resolve(&r->exec, image, &error);
  int code = EXIT_BUILD;
  if (id) {
    image_probe in = {.executor = r->executor, .image_id = id};
    code = probe_in(r, &in);
  } else {
    log_line(MB_LOG_ERROR, r->executor->desc->name, "%s", error);
    free(error);
  }
  free(named);
  return code;
}

static mb_target abi_target(const target *t) {
  return (mb_target){.name = t->name, .os = t->os, .arch = t->arch};
}

/* The toolchain's own checks of one target's options (the validate
   extension); problems are config errors. */
static void validate_target(run *r, target_result *tr) {
  plugin *p = r->toolchain;
  if (!p->validate) return;
  mb_target t = abi_target(tr->target);
  mb_call call;
  call_begin(&call, &r->cfg, &r->project, p, "toolchain");
  call.target = tr->target;
  call.facts = &r->facts;
  int rc = p->validate->validate(p->self, &call, &t, &validate_services);
  char *error = call_end(&call);
  if (rc != MB_OK && !r->cfg.errors.len)
    config_error(&r->cfg, 0, "%s: %s", tr->target->name,
                 error ? error : "the toolchain's validate refused it");
  free(error);
}

static char *check_declared_outputs(const plan *pl) {
  if (pl->noutputs == 0) return xstrdup("the toolchain declared no outputs");
  for (size_t i = 0; i < pl->noutputs; i++) {
    const char *name = pl->outputs[i].name;
    if (pl->outputs[i].glob && !*name) continue;
    const char *problem = artifact_name_problem(name);
    for (size_t j = 0; !problem && j < i; j++)
      if (strcmp(pl->outputs[j].name, name) == 0 && !pl->outputs[i].glob)
        problem = "two outputs have this name";
    if (problem) return xasprintf("output '%s': %s", name, problem);
  }
  return NULL;
}

static void plan_target(run *r, target_result *tr) {
  plugin *p = r->toolchain;
  mb_target t = abi_target(tr->target);
  mb_call call;
  call_begin(&call, &r->cfg, &r->project, p, "toolchain");
  call.target = tr->target;
  call.plan = &tr->plan;
  call.facts = &r->facts;
  int rc = p->toolchain->plan(p->self, &call, &t, &plan_services);
  char *error = call_end(&call);
  if (rc == MB_OK) {
    plan_complete(&tr->plan);
    free(error);
    error = check_declared_outputs(&tr->plan);
    if (!error) return;
    rc = MB_ERROR;
  }
  tr->status = rc == MB_UNSUPPORTED ? TARGET_UNSUPPORTED : TARGET_FAILED;
  tr->reason = error ? error : xstrdup("the toolchain gave no reason");
}

/* Validates and plans every target. EXIT_USAGE when an option was refused
   (every target's problems are reported first), else EXIT_OK; *supported
   says whether every target can be built. */
static int plan_all(run *r, bool *supported, bool report) {
  *supported = true;
  for (size_t i = 0; i < r->targets.len; i++)
    validate_target(r, &r->targets.items[i]);
  for (size_t i = 0; i < r->targets.len; i++) {
    target_result *tr = &r->targets.items[i];
    plan_target(r, tr);
    if (r->executor && tr->status == TARGET_PENDING) {
      target_set one = {.items = tr, .len = 1};
      exec_plugin_assign_images(&r->exec, &r->facts, &one);
    }
    if (tr->status == TARGET_PENDING) continue;
    *supported = false;
    if (r->cfg.errors.len || !report) continue;
    log_line(MB_LOG_ERROR, tr->target->name, "%s: %s",
             tr->status == TARGET_UNSUPPORTED ? "cannot build here"
                                              : "cannot plan",
             tr->reason);
  }
  /* A plugin's option_error is a config error: nothing runs. */
  return config_errors_code(&r->cfg);
}

/* What a dry run says about the cache for one target. */
static const char *dry_run_cache_state(const run *r, const target_result *tr) {
  if (r->opts->no_cache) return "off (--no-cache)";
  /* With a reads key but no key, nothing was recorded for its inputs. */
  if (!tr->cache_key[0] && !tr->reads_key[0])
    return "unknown (the source cannot be read)";
  if (!tr->cache_hit) return "miss";
  return tr->cache_remote ? "hit (remote)" : "hit";
}

int run_plan_only(run *r) {
  r->state_dir = state_dir_path(r);
  init_results(r);
  int code = probe_toolchain(r);
  bool supported;
  if (code == EXIT_OK) code = plan_all(r, &supported, false);
  return code;
}

static export_chain chain_of(run *r) {
  return (export_chain){.exporters = r->exporters,
                        .len = r->nexporters,
                        .cfg = &r->cfg,
                        .project = &r->project};
}

/* A dry run asks the remote cache whether it has what the local cache
   lacks, downloading nothing. */
static void mark_remote_hits(run *r, const char *root) {
  cache_context c = cache_of(r, root);
  remote_cache_fetch_reads(r->remote, &c, &r->targets, false);
  for (size_t i = 0; r->remote && i < r->targets.len; i++) {
    target_result *tr = &r->targets.items[i];
    if (tr->cache_key[0] && !tr->cache_hit &&
        remote_cache_has(r->remote, tr->cache_key))
      tr->cache_hit = tr->cache_remote = true;
  }
}

static void print_dry_run(run *r) {
  if (!r->opts->no_cache) {
    char *root = cache_dir(&r->cfg);
    cache_tree_facts(root, &r->facts, &r->targets, false);
    cache_context c = cache_of(r, root);
    free(cache_key_targets(&c, &r->targets, false));
    cache_mark_hits(&c, &r->targets);
    mark_remote_hits(r, root);
    free(root);
  }

  printf("toolchain %s: %s\n", r->toolchain->desc->name,
         facts_get(&r->facts, "version"));
  for (size_t i = 0; i < r->targets.len; i++) {
    target_result *tr = &r->targets.items[i];
    printf("target %s\n", tr->target->name);
    if (tr->status != TARGET_PENDING) {
      printf("  %s: %s\n",
             tr->status == TARGET_UNSUPPORTED ? "unsupported" : "error",
             tr->reason);
      continue;
    }
    printf("  staging: %s\n", tr->staging);
    plan_print(&tr->plan, stdout);
    if (r->executor)
      exec_plugin_describe(
          &r->exec, tr, tr->plan.workdir ? tr->plan.workdir : r->project.source,
          stdout);
    printf("  cache: %s\n", dry_run_cache_state(r, tr));
  }
  if (r->remote) remote_cache_describe(r->remote, stdout);
  if (r->opts->shard.n) {
    printf("export: nothing (--shard: a run without --shard exports)\n");
    return;
  }
  fflush(stdout);
  export_chain chain = chain_of(r);
  export_describe(&chain, stdout);
}

/* A target restored from the cache keeps its staging folder: it holds
   only hard links of the entry's files, and finding them there, the same
   inodes with their stamps unchanged, is what lets the next run skip
   hashing them (cache.c). */
static void remove_staging(target_set *ts) {
  for (size_t i = 0; i < ts->len; i++)
    if (!ts->items[i].cache_hit) remove_tree(ts->items[i].staging);
}

/* Probes, validates and plans every target. EXIT_OK when every target
   can be built. */
static int prepare_targets(run *r, bool *supported) {
  *supported = false;
  init_results(r);
  int code = probe_toolchain(r);
  if (code != EXIT_OK) return code;
  return plan_all(r, supported, true);
}

/* Opens [cache] remote's store, when there is one. A store that cannot
   be used is a warning (the run builds without it), but a bad value in
   [cache.NAME] that its open reported with option_error is a config error
   like any other. */
static int open_remote(run *r) {
  if (!r->store) return EXIT_OK;
  char *root = cache_dir(&r->cfg);
  if (root) r->remote = remote_cache_open(r->store, &r->cfg, &r->project, root);
  free(root);
  return config_errors_code(&r->cfg);
}

int run_validate(run *r) {
  r->state_dir = state_dir_path(r);
  bool supported;
  int code = prepare_targets(r, &supported);
  if (code == EXIT_OK) code = open_remote(r);
  if (code != EXIT_OK) return code;
  if (!supported) return EXIT_BUILD;
  log_line(MB_LOG_INFO, NULL, "%s is valid: %zu target%s", r->cfg.path,
           r->targets.len, r->targets.len == 1 ? "" : "s");
  return EXIT_OK;
}

/* A plain run records how long each target it built took, for the split
   of later shards, in the remote store: the same for every runner. Shards
   do not (N runners writing one document would race). */
static void record_durations(run *r) {
  if (!r->remote || r->opts->shard.n || remote_cache_read_only(&r->cfg)) return;
  size_t n = r->targets.len;
  const char **names = xcalloc(n + 1, sizeof *names);
  double *seconds = xcalloc(n + 1, sizeof *seconds);
  bool built = false;
  for (size_t i = 0; i < n; i++) {
    const target_result *tr = &r->targets.items[i];
    names[i] = tr->target->name;
    if (tr->status == TARGET_OK && !tr->cache_hit)
      seconds[i] = tr->seconds, built = true;
  }
  char *name = built ? shard_durations_name(r->project.name) : NULL;
  char *old = NULL, *doc = NULL;
  size_t old_len = 0, len = 0;
  if (built) {
    remote_get_document(r->remote, name, &old, &old_len);
    doc = shard_durations_update(old, old_len, names, seconds, n, &len);
  }
  if (doc) remote_put_document(r->remote, name, doc, len);
  free(doc), free(old), free(name);
  free(names), free(seconds);
}

/* After a local miss, the remote cache's entry becomes a local one, which
   the executor restores. */
static void fetch_remote(run *r, const char *root) {
  cache_context c = cache_of(r, root);
  remote_cache_fetch_reads(r->remote, &c, &r->targets, true);
  for (size_t i = 0; r->remote && i < r->targets.len; i++) {
    target_result *tr = &r->targets.items[i];
    if (tr->status == TARGET_PENDING && tr->cache_key[0] &&
        !cache_has(root, tr->cache_key))
      tr->cache_remote = remote_cache_fetch(r->remote, tr->cache_key,
                                            tr->target->name, &tr->plan);
  }
}

/* Builds the planned targets (restoring cache hits, local or remote), then
   stores what was built: the outputs, or false when interrupted. */
static bool build(run *r, artifact_list *outputs) {
  char *root = cache_dir(&r->cfg);
  cache_tree_facts(root, &r->facts, &r->targets, true);
  cache_context c = cache_of(r, root);
  cache_durations_load(r->state_dir, &r->targets);
  char *digest = cache_key_targets(&c, &r->targets, true);
  if (!r->opts->no_cache) fetch_remote(r, root);
  unsigned long long timeout = 0;
  const char *limit = config_get(&r->cfg, "project", "timeout");
  if (limit) timeout = strtoull(limit, NULL, 10); /* normalized: seconds */
  build_options o = {.jobs = r->jobs,
                     .keep_going = r->opts->keep_going,
                     .cache_root = r->opts->no_cache ? NULL : root,
                     .workdir = r->project.source,
                     .state_dir = r->state_dir,
                     .timeout = timeout,
                     .plugin = r->executor ? &r->exec : NULL};
  char *refused = r->executor ? exec_plugin_begin(&r->exec) : NULL;
  for (size_t i = 0; refused && i < r->targets.len; i++)
    if (r->targets.items[i].status == TARGET_PENDING) {
      r->targets.items[i].status = TARGET_FAILED;
      r->targets.items[i].reason = xstrdup(refused);
    }
  if (refused) log_line(MB_LOG_ERROR, r->executor->desc->name, "%s", refused);
  free(refused);
  int64_t started = wall_clock_ns();
  bool finished = executor_run(&r->targets, &o, outputs);
  for (size_t i = 0; i < r->targets.len; i++)
    r->targets.items[i].cache_remote &= r->targets.items[i].cache_hit;
  if (finished) {
    cache_durations_save(r->state_dir, &r->targets);
    cache_finish(&c, &r->targets, digest, outputs, started);
    record_durations(r);
    /* While the exporters run; remote_cache_close waits for it. */
    remote_cache_upload_start(r->remote, &r->targets, outputs);
  }
  free(digest);
  free(root);
  return finished;
}

/* Exports the outputs and writes the report; the exit code. */
static int export_and_report(run *r, const artifact_list *outputs,
                             double started) {
  bool any_failed = target_set_count(&r->targets, TARGET_OK) != r->targets.len;
  if (any_failed && !r->opts->keep_going) {
    progress_summary(&r->targets, outputs);
    log_line(MB_LOG_ERROR, NULL, "build failed; nothing was exported");
    return EXIT_BUILD;
  }
  artifact_list reported = {0};
  double export_started = now_seconds();
  export_chain chain = chain_of(r);
  /* The export and artifacts.json are one transaction: a failed export is
     rolled back, with no report of files that are gone. */
  journal *j = journal_begin(r->state_dir, r->project.output);
  bool exported =
      j && (!outputs->len || export_run(&chain, j, outputs, &reported));
  int code = !exported || any_failed ? EXIT_BUILD : EXIT_OK;
  report rep = {.project = &r->project,
                .toolchain = r->toolchain,
                .facts = &r->facts,
                .targets = &r->targets,
                .artifacts = &reported,
                .exit_code = code,
                .seconds = now_seconds() - started,
                .export_seconds = now_seconds() - export_started};
  bool committed = j && export_finish(j, exported && !interrupt_requested() &&
                                             report_write(&rep, j));
  if (interrupt_requested())
    code = interrupt_exit_code();
  else if (!committed)
    code = EXIT_BUILD;
  progress_summary(&r->targets, outputs);
  artifact_list_free(&reported);
  return code;
}

/* A run killed while exporting to this output folder left its journal:
   the folder goes back to its old state, or forward to the new one, before
   anything else happens here. */
static bool recover_exports(const run *r) {
  char *projects = path_dirname(r->state_dir);
  size_t failed = journal_recover(projects, r->project.output);
  free(projects);
  if (failed)
    log_line(MB_LOG_ERROR, NULL,
             "cannot recover the interrupted export to %s; nothing was built",
             r->project.output);
  return failed == 0;
}

static void result_free(target_result *tr) {
  plan_free(&tr->plan);
  free(tr->reason), free(tr->log_path), free(tr->staging), free(tr->scratch);
  free(tr->image_id), free(tr->reads_record);
}

/* --shard K/N: keeps only this shard's targets, split by the durations
   plain runs recorded in the remote cache. EXIT_OK, or EXIT_BUILD when the
   remote cache cannot be used (the shard's results would be lost). */
static int take_shard(run *r, bool *all_supported) {
  const shard_spec *s = &r->opts->shard;
  target_set *ts = &r->targets;
  const char **names = xcalloc(ts->len + 1, sizeof *names);
  bool *mine = xcalloc(ts->len + 1, sizeof *mine);
  for (size_t i = 0; i < ts->len; i++)
    names[i] = ts->items[i].target->name;
  char *name = shard_durations_name(r->project.name), *doc = NULL;
  size_t len = 0;
  remote_get_document(r->remote, name, &doc, &len);
  /* No uploads run yet: this says whether the store answered at all. */
  bool usable = remote_cache_wait(r->remote);
  if (usable) shard_take(s, names, ts->len, doc, len, mine);
  free(doc), free(name), free(names);
  if (!usable) {
    free(mine);
    log_line(MB_LOG_ERROR, NULL,
             "shard %u/%u: the remote cache cannot be used, so nothing was "
             "built (a shard's results go only there)",
             s->k, s->n);
    return interrupt_requested() ? interrupt_exit_code() : EXIT_BUILD;
  }
  size_t kept = 0;
  for (size_t i = 0; i < ts->len; i++)
    if (mine[i])
      ts->items[kept++] = ts->items[i];
    else
      result_free(&ts->items[i]);
  ts->len = kept;
  free(mine);
  *all_supported = target_set_count(ts, TARGET_PENDING) == kept;
  return EXIT_OK;
}

/* A shard exports nothing: its results are for the run that assembles
   them from the remote cache. The exit code. */
static int finish_shard(run *r, const artifact_list *outputs) {
  const shard_spec *s = &r->opts->shard;
  progress_summary(&r->targets, outputs);
  bool uploaded = remote_cache_wait(r->remote);
  size_t failed = r->targets.len - target_set_count(&r->targets, TARGET_OK);
  if (interrupt_requested()) return interrupt_exit_code();
  if (!uploaded)
    log_line(MB_LOG_ERROR, NULL,
             "shard %u/%u: the remote cache failed, so results may be "
             "missing from it (the run that assembles them builds what is "
             "missing); nothing exported",
             s->k, s->n);
  else if (failed)
    log_line(MB_LOG_ERROR, NULL,
             "shard %u/%u: %zu of %zu targets failed; nothing exported", s->k,
             s->n, failed, r->targets.len);
  else
    log_line(MB_LOG_INFO, NULL,
             "shard %u/%u: %zu target%s in the remote cache; nothing "
             "exported (a run without --shard exports)",
             s->k, s->n, r->targets.len, r->targets.len == 1 ? "" : "s");
  return uploaded && !failed ? EXIT_OK : EXIT_BUILD;
}

int run_main(run *r) {
  double started = now_seconds();
  int code = EXIT_OK;
  if (r->opts->dry_run)
    r->state_dir = state_dir_path(r);
  else
    code = open_state_dir(r);
  if (code != EXIT_OK) return code;
  if (!r->opts->dry_run && !recover_exports(r)) return EXIT_BUILD;
  bool all_supported;
  code = prepare_targets(r, &all_supported);
  if (code != EXIT_OK) return code;
  code = open_remote(r);
  if (code != EXIT_OK) return code;
  if (r->opts->shard.n) {
    code = take_shard(r, &all_supported);
    if (code != EXIT_OK || !r->targets.len) return code;
  }
  if (r->opts->dry_run) {
    print_dry_run(r);
    return all_supported ? EXIT_OK : EXIT_BUILD;
  }
  if (!all_supported && !r->opts->keep_going) {
    size_t n = r->targets.len - target_set_count(&r->targets, TARGET_PENDING);
    log_line(MB_LOG_ERROR, NULL,
             "nothing was built: %zu target%s cannot be built "
             "(use --keep-going to build the others)",
             n, n == 1 ? "" : "s");
    return EXIT_BUILD;
  }
  artifact_list outputs = {0};
  if (build(r, &outputs)) {
    code = r->opts->shard.n ? finish_shard(r, &outputs)
                            : export_and_report(r, &outputs, started);
  } else {
    progress_summary(&r->targets, &outputs);
    log_line(MB_LOG_ERROR, NULL,
             "interrupted: every build was stopped; the output "
             "folder was not touched");
    code = interrupt_exit_code();
  }
  remote_cache_close(r->remote);
  r->remote = NULL;
  remove_staging(&r->targets);
  artifact_list_free(&outputs);
  return code;
}

void run_free(run *r) {
  remote_cache_close(r->remote);
  for (size_t i = 0; i < r->targets.len; i++)
    result_free(&r->targets.items[i]);
  if (r->executor) exec_plugin_free(&r->exec);
  free(r->targets.items);
  for (size_t i = 0; i < r->plugins.len; i++) {
    plugin *p = &r->plugins.plugins[i];
    if (p->initialized && p->desc->deinit) p->desc->deinit(p->self);
  }
  plugin_registry_free(&r->plugins);
  free(r->exporters);
  facts_free(&r->facts);
  free(r->state_dir);
  project_free(&r->project);
  matrix_free(&r->matrix);
  config_free(&r->cfg);
}
