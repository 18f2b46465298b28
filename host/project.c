#include "project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *facts_get(const facts *f, const char *key) {
  for (size_t i = 0; i < f->keys.len; i++)
    if (strcmp(f->keys.items[i], key) == 0) return f->values.items[i];
  return NULL;
}

void facts_set(facts *f, const char *key, const char *value) {
  for (size_t i = 0; i < f->keys.len; i++)
    if (strcmp(f->keys.items[i], key) == 0) {
      free(f->values.items[i]);
      f->values.items[i] = xstrdup(value);
      return;
    }
  strvec_push(&f->keys, key);
  strvec_push(&f->values, value);
}

void facts_tree_ignores(const facts *f, size_t i, strvec *out) {
  if (i >= f->tree_ignores.len) return;
  char *globs = xstrdup(f->tree_ignores.items[i]);
  for (char *save, *g = strtok_r(globs, "\n", &save); g;
       g = strtok_r(NULL, "\n", &save))
    strvec_push(out, g);
  free(globs);
}

void facts_free(facts *f) {
  strvec_free(&f->keys);
  strvec_free(&f->values);
  strvec_free(&f->files);
  strvec_free(&f->trees);
  strvec_free(&f->tree_ignores);
}

static int line_of(const config *cfg, const char *key) {
  const config_value *v = config_find(cfg, "project", key);
  if (v) return v->line;
  const config_section *s = config_find_section(cfg, "project");
  return s ? s->line : 0;
}

static bool is_name_fragment(const char *name) {
  if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return false;
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
      return false;
  return true;
}

static const char *get_or(const config *cfg, const char *key,
                          const char *fallback) {
  const char *v = config_get(cfg, "project", key);
  return v ? v : fallback;
}

void project_load(project *p, config *cfg, const char *output_override,
                  int jobs) {
  const char *name = config_get(cfg, "project", "name");
  p->name = xstrdup(name ? name : "");
  p->version = xstrdup(get_or(cfg, "version", ""));
  p->source = path_absolute(cfg->dir, get_or(cfg, "source", "."));
  char cwd[4096];
  if (output_override && getcwd(cwd, sizeof cwd))
    p->output = path_absolute(cwd, output_override);
  else
    p->output = path_absolute(cfg->dir, get_or(cfg, "output", "dist"));
  p->config_path = getcwd(cwd, sizeof cwd) ? path_absolute(cwd, cfg->path)
                                           : xstrdup(cfg->path);
  p->jobs = xasprintf("%d", jobs);

  if (name && strlen(name) > 100)
    config_error(cfg, line_of(cfg, "name"),
                 "name: %zu characters is too long (at most 100)",
                 strlen(name));
  else if (name && !is_name_fragment(name))
    config_error(cfg, line_of(cfg, "name"),
                 "name: '%s' must be a plain file-name fragment (letters, "
                 "digits, '.', '_', '-')",
                 name);
  if (!path_is_dir(p->source))
    config_error(cfg, line_of(cfg, "source"), "source: %s is not a folder",
                 p->source);
  /* On real paths: a symlink must not make the output the source. */
  p->output_real = path_resolve(p->output);
  char *source_real = path_resolve(p->source);
  if (path_is_inside(source_real, p->output_real))
    config_error(cfg, line_of(cfg, "output"),
                 "output: %s %s the source folder%s; choose a folder such as "
                 "dist inside or beside it",
                 p->output,
                 strcmp(source_real, p->output_real) == 0 ? "is" : "contains",
                 strcmp(p->output, p->output_real) != 0 ||
                         strcmp(p->source, source_real) != 0
                     ? " (through a symlink)"
                     : "");
  free(source_real);
}

void project_free(project *p) {
  free(p->name), free(p->version), free(p->source), free(p->output);
  free(p->config_path), free(p->jobs), free(p->output_real);
}
