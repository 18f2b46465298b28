#include "init.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "interrupt.h"
#include "log.h"
#include "services.h"

/* The targets proposed when a toolchain proposes none. */
static const char *const default_targets[] = {"linux/amd64",   "linux/arm64",
                                              "darwin/amd64",  "darwin/arm64",
                                              "windows/amd64", "windows/arm64"};

/* The toolchain that recognised the folder, and what it proposed. */
typedef struct choice {
  const plugin *toolchain;
  detect_result found;
} choice;

/* Which proposed targets this machine can build, and why not. */
typedef struct buildable {
  strvec ok;
  strvec not_ok, why_not; /* parallel */
} buildable;

/* A project name the INI accepts: letters, digits, '.', '_', '-'. */
static char *sanitize_name(const char *text, size_t len) {
  strbuf b = {0};
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    strbuf_add(&b, plain ? &c : "-", 1);
  }
  if (!b.data || strspn(b.data, ".") == b.len) {
    strbuf_free(&b);
    return xstrdup("app");
  }
  return b.data;
}

/* `text` as comment lines of at most 78 columns (INI lines are limited in
   length), continuation lines indented. */
static void add_comment(strbuf *out, const char *text) {
  size_t column = 0;
  bool first_line = true;
  char *copy = xstrdup(text);
  for (char *save = NULL, *word = strtok_r(copy, " ", &save); word;
       word = strtok_r(NULL, " ", &save)) {
    if (column && column + 1 + strlen(word) > 78) {
      strbuf_puts(out, "\n");
      column = 0;
      first_line = false;
    }
    const char *lead = column ? " " : first_line ? "; " : ";   ";
    strbuf_printf(out, "%s%s", lead, word);
    column += strlen(lead) + strlen(word);
  }
  strbuf_puts(out, "\n");
  free(copy);
}

/* Asks every toolchain that has the detect extension about `dir`; the
   strongest match wins (the first loaded, on a tie). */
static bool detect_project(plugin_registry *reg, const char *dir, choice *c,
                           strvec *asked) {
  for (size_t i = 0; i < reg->len; i++) {
    plugin *p = &reg->plugins[i];
    if (p->desc->kind != MB_KIND_TOOLCHAIN || !p->detect) continue;
    strvec_push(asked, p->desc->name);
    mb_call call;
    call_begin(&call, NULL, NULL, p, "toolchain");
    int rc = p->desc->init(&host_core, &call, &p->self);
    free(call_end(&call));
    if (rc != MB_OK) continue;
    p->initialized = true;
    plugin_fetch_instance_interfaces(p);
    detect_result found = {0};
    call_begin(&call, NULL, NULL, p, "toolchain");
    call.detect_folder = dir;
    call.detected = &found;
    rc = p->detect->detect(p->self, &call, &detect_services);
    char *error = call_end(&call);
    if (rc == MB_OK && found.strength > c->found.strength) {
      detect_result_free(&c->found);
      c->found = found;
      c->toolchain = p;
    } else {
      if (rc != MB_OK && rc != MB_UNSUPPORTED && error)
        log_line(MB_LOG_WARN, p->desc->name, "could not look at %s: %s", dir,
                 error);
      detect_result_free(&found);
    }
    free(error);
  }
  return c->toolchain != NULL;
}

static const char *const *proposed_targets(const choice *c, size_t *n) {
  if (c->found.targets.len) {
    *n = c->found.targets.len;
    return (const char *const *)c->found.targets.items;
  }
  *n = sizeof default_targets / sizeof *default_targets;
  return default_targets;
}

static void split_target(const char *name, char **os, char **arch) {
  const char *slash = strchr(name, '/');
  *os = slash ? xstrndup(name, (size_t)(slash - name)) : xstrdup(name);
  *arch = xstrdup(slash ? slash + 1 : "");
}

/* The [matrix] lines for `targets`: every os and arch that has one, minus
   the pairs of that product that are not in the list. */
static void render_matrix(strbuf *out, const strvec *targets,
                          const buildable *b) {
  strvec oses = {0}, arches = {0};
  for (size_t i = 0; i < targets->len; i++) {
    char *os, *arch;
    split_target(targets->items[i], &os, &arch);
    if (!strvec_contains(&oses, os)) strvec_push(&oses, os);
    if (!strvec_contains(&arches, arch)) strvec_push(&arches, arch);
    free(os), free(arch);
  }
  strbuf exclude = {0};
  strbuf_puts(out, "[matrix]\nos   = ");
  for (size_t i = 0; i < oses.len; i++)
    strbuf_printf(out, "%s%s", i ? ", " : "", oses.items[i]);
  strbuf_puts(out, "\narch = ");
  for (size_t i = 0; i < arches.len; i++)
    strbuf_printf(out, "%s%s", i ? ", " : "", arches.items[i]);
  strbuf_puts(out, "\n");
  for (size_t o = 0; o < oses.len; o++)
    for (size_t a = 0; a < arches.len; a++) {
      char *name = xasprintf("%s/%s", oses.items[o], arches.items[a]);
      if (!strvec_contains(targets, name))
        strbuf_printf(&exclude, "%s%s", exclude.len ? ", " : "", name);
      free(name);
    }
  if (exclude.len) strbuf_printf(out, "exclude = %s\n", exclude.data);
  for (size_t i = 0; b && i < b->not_ok.len; i++) {
    char *note = xasprintf("left out, cannot be built here: %s: %s",
                           b->not_ok.items[i], b->why_not.items[i]);
    add_comment(out, note);
    free(note);
  }
  strbuf_free(&exclude);
  strvec_free(&oses), strvec_free(&arches);
}

static void render_toolchain(strbuf *out, const choice *c) {
  strbuf_printf(out, "[toolchain]\nuse = %s\n", c->toolchain->desc->name);
  const detect_result *d = &c->found;
  for (size_t i = 0; i < d->keys.len; i++) {
    if (*d->comments.items[i]) add_comment(out, d->comments.items[i]);
    strbuf_printf(out, "%s = %s\n", d->keys.items[i], d->values.items[i]);
  }
}

/* The whole file. `source` and `output` are "." and "dist" in the file
   written, absolute in the candidate the toolchain is asked about. */
static char *render(const choice *c, const char *name, const char *source,
                    const char *output, const strvec *targets,
                    const buildable *b) {
  strbuf out = {0};
  const char *tool = c->toolchain->desc->name;
  strbuf_printf(
      &out,
      "; Written by `mbhost init` (toolchain %s found %s). Build with:\n"
      ";   mbhost --config build.ini            (--dry-run shows the plan)\n"
      "; Every key of the toolchain: mbhost plugins --describe %s\n"
      "; The format: man mbhost.ini\n",
      tool, c->found.evidence ? c->found.evidence : "the project", tool);
  for (size_t i = 0; i < c->found.notes.len; i++)
    add_comment(&out, c->found.notes.items[i]);
  strbuf_printf(
      &out,
      "\n[project]\n"
      "name   = %s\n"
      "source = %s       ; the application's folder, relative to this file\n"
      "output = %s    ; results go to <output>/<os>/<arch>/\n"
      "; version = 1.0.0   ; used in archive names\n\n",
      name, source, output);
  render_matrix(&out, targets, b);
  strbuf_puts(&out, "\n");
  render_toolchain(&out, c);
  strbuf_puts(&out, "\n[export]\n"
                    "use = local       ; or: tarball (archives and checksums),"
                    " s3\n");
  return out.data;
}

static int write_file(const char *path, const char *text, bool force) {
  char *tmp = xasprintf("%s.mbhost-init.XXXXXX", path);
  int fd = mkostemp(tmp, O_CLOEXEC);
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  bool ok = f && fputs(text, f) >= 0 && fchmod(fd, 0644) == 0;
  if (f && fclose(f) != 0) ok = false;
  /* Without --force, link() refuses to replace a file made meanwhile. */
  if (ok) ok = force ? rename(tmp, path) == 0 : link(tmp, path) == 0;
  int saved = errno;
  unlink(tmp);
  free(tmp);
  errno = saved;
  return ok ? 0 : -1;
}

/* Asks the toolchain which proposed targets it can build, through the
   same probe and plan a build would make, from a candidate file in
   the project. EXIT_OK, or the code that stops init. */
static int check_targets(const run_options *opts, const char *dir,
                         const choice *c, const char *name, buildable *b) {
  strvec all = {0};
  size_t n;
  const char *const *targets = proposed_targets(c, &n);
  for (size_t i = 0; i < n; i++)
    strvec_push(&all, targets[i]);
  char *dist = path_join(dir, "dist");
  char *text = render(c, name, dir, dist, &all, NULL);
  free(dist);
  char *path = xasprintf("%s/.mbhost-init.XXXXXX.ini", dir);
  int fd = mkostemps(path, 4, O_CLOEXEC);
  bool written =
      fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
  if (fd >= 0) close(fd);
  free(text);
  if (!written) {
    log_line(MB_LOG_ERROR, NULL, "cannot write %s: %s", path, strerror(errno));
    if (fd >= 0) unlink(path);
    free(path);
    strvec_free(&all);
    return EXIT_BUILD;
  }
  run_options candidate = *opts;
  candidate.config_path = path;
  candidate.dry_run = true;
  candidate.targets = (strvec){0};
  run r = {0};
  int code = run_prepare(&r, &candidate);
  if (code == EXIT_OK) code = run_plan_only(&r);
  unlink(path);
  for (size_t i = 0; code == EXIT_OK && i < r.targets.len; i++) {
    const target_result *tr = &r.targets.items[i];
    if (tr->status == TARGET_PENDING) {
      strvec_push(&b->ok, tr->target->name);
    } else {
      strvec_push(&b->not_ok, tr->target->name);
      strvec_push(&b->why_not, tr->reason ? tr->reason : "");
    }
  }
  run_free(&r);
  free(path);
  strvec_free(&all);
  return code;
}

static void free_registry(plugin_registry *reg) {
  for (size_t i = 0; i < reg->len; i++) {
    plugin *p = &reg->plugins[i];
    if (p->initialized && p->desc->deinit) p->desc->deinit(p->self);
  }
  plugin_registry_free(reg);
}

/* Recognises the project in `dir` and writes `path`. */
static int write_config(const run_options *opts, const char *dir,
                        const char *path, const choice *c, bool force) {
  /* Without a name from the toolchain, the folder's. */
  const char *base =
      strrchr(dir, '/') && strrchr(dir, '/')[1] ? strrchr(dir, '/') + 1 : "app";
  const char *proposed = c->found.name ? c->found.name : base;
  char *name = sanitize_name(proposed, strlen(proposed));
  buildable b = {0};
  int code = check_targets(opts, dir, c, name, &b);
  if (code == EXIT_OK && b.ok.len == 0) {
    log_line(MB_LOG_ERROR, NULL,
             "%s: none of the proposed targets can be built on this machine; "
             "nothing was written",
             c->toolchain->desc->name);
    for (size_t i = 0; i < b.not_ok.len; i++)
      log_line(MB_LOG_ERROR, NULL, "%s: %s", b.not_ok.items[i],
               b.why_not.items[i]);
    code = EXIT_BUILD;
  } else if (code == EXIT_OK) {
    char *text = render(c, name, ".", "dist", &b.ok, &b);
    if (write_file(path, text, force) != 0) {
      log_line(MB_LOG_ERROR, NULL, "cannot write %s: %s", path,
               strerror(errno));
      code = EXIT_BUILD;
    } else {
      log_line(MB_LOG_INFO, NULL,
               "wrote %s: toolchain %s (found %s), %zu target%s; next: "
               "mbhost --config %s",
               path, c->toolchain->desc->name,
               c->found.evidence ? c->found.evidence : "a project", b.ok.len,
               b.ok.len == 1 ? "" : "s",
               opts->config_path ? opts->config_path : "build.ini");
    }
    free(text);
  }
  strvec_free(&b.ok), strvec_free(&b.not_ok), strvec_free(&b.why_not);
  free(name);
  return code;
}

int init_main(const run_options *opts, bool force) {
  char dir[4096];
  if (!getcwd(dir, sizeof dir)) {
    log_line(MB_LOG_ERROR, NULL, "cannot read the current folder: %s",
             strerror(errno));
    return EXIT_BUILD;
  }
  char *path =
      path_absolute(dir, opts->config_path ? opts->config_path : "build.ini");
  if (!force && access(path, F_OK) == 0) {
    log_line(MB_LOG_ERROR, NULL,
             "%s already exists; run mbhost init --force to replace it", path);
    free(path);
    return EXIT_USAGE;
  }
  strvec dirs = {0}, asked = {0};
  plugin_search_path(&dirs, &opts->plugin_dirs, NULL);
  plugin_registry reg = {0};
  char *root = cache_dir(NULL);
  plugin_registry_load(&reg, &dirs, NULL, root, true);
  free(root);
  choice c = {0};
  int code;
  if (interrupt_requested()) {
    code = interrupt_exit_code();
  } else if (detect_project(&reg, dir, &c, &asked)) {
    code = write_config(opts, dir, path, &c, force);
  } else {
    strbuf names = {0};
    for (size_t i = 0; i < asked.len; i++)
      strbuf_printf(&names, "%s%s", i ? ", " : "", asked.items[i]);
    log_line(MB_LOG_ERROR, NULL,
             "nothing to build in %s: no toolchain plugin recognised it "
             "(asked: %s)",
             dir, names.len ? names.data : "none");
    strbuf_free(&names);
    code = EXIT_USAGE;
  }
  detect_result_free(&c.found);
  free_registry(&reg);
  strvec_free(&dirs), strvec_free(&asked);
  free(path);
  return code;
}
