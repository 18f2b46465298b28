#include "matrix.h"

#include <stdlib.h>
#include <string.h>

const char *const known_os[] = {"linux",   "darwin",  "windows",   "freebsd",
                                "netbsd",  "openbsd", "android",   "ios",
                                "illumos", "solaris", "dragonfly", "aix",
                                "plan9",   "js",      "wasip1",    NULL};
const char *const known_arch[] = {"amd64",   "arm64",   "386",    "arm",
                                  "riscv64", "ppc64le", "ppc64",  "s390x",
                                  "mips",    "mipsle",  "mips64", "mips64le",
                                  "loong64", "wasm",    NULL};

static size_t count(const char *const *words) {
  size_t n = 0;
  while (words[n])
    n++;
  return n;
}

/* NULL when `word` is known (or "*" where wildcards are allowed), else a
   message with a suggestion. */
static char *check_word(const char *word, const char *const *known,
                        const char *what, bool wildcard) {
  if (wildcard && strcmp(word, "*") == 0) return NULL;
  for (const char *const *k = known; *k; k++)
    if (strcmp(*k, word) == 0) return NULL;
  const char *near = nearest_word(word, known, count(known));
  if (near)
    return xasprintf("unknown %s '%s'; did you mean '%s'?", what, word, near);
  strbuf list = {0};
  for (const char *const *k = known; *k; k++)
    strbuf_printf(&list, "%s%s", k == known ? "" : ", ", *k);
  char *msg = xasprintf("unknown %s '%s' (known: %s)", what, word, list.data);
  strbuf_free(&list);
  return msg;
}

static bool split_pair(const char *text, char **os, char **arch, char **problem,
                       bool wildcard) {
  const char *slash = strchr(text, '/');
  if (!slash || strchr(slash + 1, '/') || slash == text || !slash[1]) {
    *problem =
        xasprintf("'%s' is not an os/arch pair such as linux/amd64", text);
    return false;
  }
  char *o = xstrndup(text, (size_t)(slash - text));
  char *a = xstrdup(slash + 1);
  *problem = check_word(o, known_os, "os", wildcard);
  if (!*problem) *problem = check_word(a, known_arch, "arch", wildcard);
  if (*problem) {
    free(o), free(a);
    return false;
  }
  *os = o, *arch = a;
  return true;
}

bool parse_target_name(const char *text, char **os, char **arch,
                       char **problem) {
  return split_pair(text, os, arch, problem, false);
}

static void add_target(matrix *m, const char *os, const char *arch) {
  m->targets = xrealloc(m->targets, (m->len + 1) * sizeof *m->targets);
  m->targets[m->len++] = (target){.name = xasprintf("%s/%s", os, arch),
                                  .os = xstrdup(os),
                                  .arch = xstrdup(arch)};
}

static void remove_target(matrix *m, size_t i) {
  free(m->targets[i].name), free(m->targets[i].os), free(m->targets[i].arch);
  memmove(&m->targets[i], &m->targets[i + 1],
          (m->len - i - 1) * sizeof *m->targets);
  m->len--;
}

static int line_of(const config *cfg, const char *key) {
  const config_value *v = config_find(cfg, "matrix", key);
  return v ? v->line : 0;
}

/* Checks each word of [matrix] os/arch, reporting unknown and repeated ones. */
static void check_axis(config *cfg, const char *key, const strvec *words,
                       const char *const *known) {
  for (size_t i = 0; i < words->len; i++) {
    char *problem = check_word(words->items[i], known, key, false);
    if (problem) {
      config_error(cfg, line_of(cfg, key), "%s: %s", key, problem);
      free(problem);
    }
    for (size_t j = 0; j < i; j++)
      if (strcmp(words->items[i], words->items[j]) == 0)
        config_error(cfg, line_of(cfg, key), "%s: '%s' is listed twice", key,
                     words->items[i]);
  }
}

static bool pattern_matches(const char *pattern, const char *word) {
  return strcmp(pattern, "*") == 0 || strcmp(pattern, word) == 0;
}

static void apply_excludes(matrix *m, config *cfg) {
  strvec excludes = {0};
  split_list(config_get(cfg, "matrix", "exclude"), &excludes);
  for (size_t e = 0; e < excludes.len; e++) {
    char *os, *arch, *problem;
    if (!split_pair(excludes.items[e], &os, &arch, &problem, true)) {
      config_error(cfg, line_of(cfg, "exclude"), "exclude: %s", problem);
      free(problem);
      continue;
    }
    for (size_t i = m->len; i-- > 0;)
      if (pattern_matches(os, m->targets[i].os) &&
          pattern_matches(arch, m->targets[i].arch))
        remove_target(m, i);
    free(os), free(arch);
  }
  strvec_free(&excludes);
}

static void apply_includes(matrix *m, config *cfg) {
  strvec includes = {0};
  split_list(config_get(cfg, "matrix", "include"), &includes);
  for (size_t i = 0; i < includes.len; i++) {
    char *os, *arch, *problem;
    if (!split_pair(includes.items[i], &os, &arch, &problem, false)) {
      config_error(cfg, line_of(cfg, "include"), "include: %s", problem);
      free(problem);
      continue;
    }
    if (matrix_find(m, includes.items[i]))
      config_error(cfg, line_of(cfg, "include"),
                   "include: %s is already in the matrix", includes.items[i]);
    else
      add_target(m, os, arch);
    free(os), free(arch);
  }
  strvec_free(&includes);
}

bool matrix_narrow(matrix *m, config *cfg, const strvec *only) {
  size_t errors_before = cfg->errors.len;
  for (size_t i = 0; i < only->len; i++)
    if (!matrix_find(m, only->items[i])) {
      strbuf names = {0};
      for (size_t t = 0; t < m->len; t++)
        strbuf_printf(&names, "%s%s", t ? ", " : "", m->targets[t].name);
      config_error(cfg, 0, "--target %s is not in the matrix (%s)",
                   only->items[i], names.data ? names.data : "empty");
      strbuf_free(&names);
    }
  for (size_t i = m->len; i-- > 0;)
    if (only->len && !strvec_contains(only, m->targets[i].name))
      remove_target(m, i);
  return cfg->errors.len == errors_before;
}

bool matrix_build(matrix *m, config *cfg) {
  size_t errors_before = cfg->errors.len;
  strvec oses = {0}, arches = {0};
  split_list(config_get(cfg, "matrix", "os"), &oses);
  split_list(config_get(cfg, "matrix", "arch"), &arches);
  check_axis(cfg, "os", &oses, known_os);
  check_axis(cfg, "arch", &arches, known_arch);
  if (cfg->errors.len == errors_before) {
    for (size_t o = 0; o < oses.len; o++)
      for (size_t a = 0; a < arches.len; a++)
        add_target(m, oses.items[o], arches.items[a]);
    apply_excludes(m, cfg);
    apply_includes(m, cfg);
    if (m->len == 0 && cfg->errors.len == errors_before) {
      const config_section *s = config_find_section(cfg, "matrix");
      config_error(cfg, s ? s->line : 0,
                   "the matrix is empty (os and arch list nothing, or "
                   "exclude removes every target)");
    }
  }
  strvec_free(&oses);
  strvec_free(&arches);
  return cfg->errors.len == errors_before;
}

void matrix_free(matrix *m) {
  while (m->len)
    remove_target(m, m->len - 1);
  free(m->targets);
  *m = (matrix){0};
}

const target *matrix_find(const matrix *m, const char *name) {
  for (size_t i = 0; i < m->len; i++)
    if (strcmp(m->targets[i].name, name) == 0) return &m->targets[i];
  return NULL;
}
