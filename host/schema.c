#include "schema.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "matrix.h"

#define OPT(k, t, d, h, f)                                                     \
  { .key = k, .type = t, .default_value = d, .help = h, .flags = f }

const mb_option schema_project[] = {
    OPT("name", MB_OPT_STRING, NULL,
        "artifact base name: letters, digits, '.', '_', '-'", MB_OPT_REQUIRED),
    OPT("source", MB_OPT_PATH, ".", "the application's folder", 0),
    OPT("output", MB_OPT_PATH, "dist", "where results go", 0),
    OPT("version", MB_OPT_STRING, NULL,
        "release version, used in archive names", 0),
    OPT("ignore", MB_OPT_LIST, NULL,
        "globs of source files that do not affect the build", 0),
    {.key = "timeout",
     .type = MB_OPT_DURATION,
     .help = "per-target build time limit",
     .min = "1s"},
    {0}};

const mb_option schema_matrix[] = {
    OPT("os", MB_OPT_LIST, NULL,
        "operating systems: linux, darwin, windows, ...", MB_OPT_REQUIRED),
    OPT("arch", MB_OPT_LIST, NULL, "architectures: amd64, arm64, ...",
        MB_OPT_REQUIRED),
    OPT("exclude", MB_OPT_LIST, NULL,
        "os/arch pairs to leave out ('*' matches any)", 0),
    OPT("include", MB_OPT_LIST, NULL, "os/arch pairs to add", 0),
    {0}};

const mb_option schema_export[] = {
    OPT("use", MB_OPT_LIST, "local", "the exporter chain, in order", 0), {0}};

const mb_option schema_cache[] = {
    OPT("dir", MB_OPT_PATH, NULL,
        "cache folder (default ${XDG_CACHE_HOME:-~/.cache}/mbhost)", 0),
    OPT("max_size", MB_OPT_SIZE, "2GiB", "prune the cache above this size", 0),
    OPT("remote", MB_OPT_STRING, NULL,
        "a remote cache shared between machines: the store plugin's name "
        "(s3, http); its keys go in [cache.NAME]",
        0),
    {.key = "remote_mode",
     .type = MB_OPT_CHOICE,
     .default_value = "read-write",
     .help = "read-only: use the remote cache's results, upload nothing "
             "(MBHOST_CACHE_REMOTE_MODE overrides)",
     .choices = (const char *const[]){"read-write", "read-only", NULL}},
    {0}};

const mb_option schema_host[] = {
    OPT("plugin_path", MB_OPT_LIST, NULL, "extra plugin folders", 0), {0}};

const mb_option schema_toolchain_host[] = {
    OPT("use", MB_OPT_STRING, NULL, "the toolchain plugin's name",
        MB_OPT_REQUIRED),
    OPT("image", MB_OPT_STRING, NULL,
        "the container image for executor plugins (default: the "
        "toolchain's, such as golang:<version>)",
        MB_OPT_PER_TARGET),
    {0}};

const mb_option schema_executor[] = {
    OPT("use", MB_OPT_STRING, "local",
        "where plans run: local, or an executor plugin (docker)", 0),
    {0}};

const char *option_type_name(mb_option_type type) {
  switch (type) {
  case MB_OPT_STRING:
    return "string";
  case MB_OPT_BOOL:
    return "bool";
  case MB_OPT_INT:
    return "integer";
  case MB_OPT_SIZE:
    return "size";
  case MB_OPT_DURATION:
    return "duration";
  case MB_OPT_LIST:
    return "list";
  case MB_OPT_WORDS:
    return "words";
  case MB_OPT_CHOICE:
    return "choice";
  case MB_OPT_PATH:
    return "path";
  case MB_OPT_ENV:
    return "env";
  }
  return "?";
}

static bool key_matches(const mb_option *opt, const char *key) {
  if (opt->flags & MB_OPT_PREFIX)
    return str_starts_with(key, opt->key) && strlen(key) > strlen(opt->key);
  return strcmp(opt->key, key) == 0;
}

const mb_option *schema_find(const mb_option *table, const char *key) {
  for (; table && table->key; table++)
    if (key_matches(table, key)) return table;
  return NULL;
}

/* Splits a number from its unit suffix; false on junk or overflow. */
static bool parse_scaled(const char *text, unsigned long long *number,
                         const char **unit) {
  while (isspace((unsigned char)*text))
    text++;
  if (!isdigit((unsigned char)*text)) return false;
  errno = 0;
  char *end;
  *number = strtoull(text, &end, 10);
  if (errno) return false;
  while (isspace((unsigned char)*end))
    end++;
  *unit = end;
  return true;
}

static bool scale(unsigned long long *value, unsigned long long factor) {
  if (factor && *value > ~0ULL / factor) return false;
  *value *= factor;
  return true;
}

bool parse_duration(const char *text, unsigned long long *seconds) {
  const char *unit;
  if (!parse_scaled(text, seconds, &unit)) return false;
  static const struct {
    const char *unit;
    unsigned long long factor;
  } units[] = {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcmp(unit, units[i].unit) == 0)
      return scale(seconds, units[i].factor);
  return false;
}

bool parse_size(const char *text, unsigned long long *bytes) {
  const char *unit;
  if (!parse_scaled(text, bytes, &unit)) return false;
  static const struct {
    const char *unit;
    unsigned long long factor;
  } units[] = {{"", 1},
               {"B", 1},
               {"K", 1ULL << 10},
               {"KiB", 1ULL << 10},
               {"KB", 1000},
               {"M", 1ULL << 20},
               {"MiB", 1ULL << 20},
               {"MB", 1000000},
               {"G", 1ULL << 30},
               {"GiB", 1ULL << 30},
               {"GB", 1000000000}};
  for (size_t i = 0; i < sizeof units / sizeof *units; i++)
    if (strcasecmp(unit, units[i].unit) == 0)
      return scale(bytes, units[i].factor);
  return false;
}

static char *normalize_bool(const char *value, char **problem) {
  static const char *const yes[] = {"true", "yes", "on", "1"};
  static const char *const no[] = {"false", "no", "off", "0"};
  for (size_t i = 0; i < 4; i++) {
    if (strcasecmp(value, yes[i]) == 0) return xstrdup("true");
    if (strcasecmp(value, no[i]) == 0) return xstrdup("false");
  }
  *problem = xasprintf("'%s' is not a boolean (use true or false)", value);
  return NULL;
}

static char *normalize_choice(const mb_option *opt, const char *value,
                              char **problem) {
  size_t n = 0;
  for (const char *const *c = opt->choices; c && *c; c++, n++)
    if (strcmp(*c, value) == 0) return xstrdup(value);
  strbuf list = {0};
  for (size_t i = 0; i < n; i++)
    strbuf_printf(&list, "%s%s", i ? ", " : "", opt->choices[i]);
  const char *near = nearest_word(value, (const char *const *)opt->choices, n);
  if (near)
    *problem = xasprintf("'%s' is not one of: %s (did you mean '%s'?)", value,
                         list.data ? list.data : "", near);
  else
    *problem =
        xasprintf("'%s' is not one of: %s", value, list.data ? list.data : "");
  strbuf_free(&list);
  return NULL;
}

static bool is_env_name(const char *name, size_t n) {
  if (n == 0 || isdigit((unsigned char)name[0])) return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)name[i]) && name[i] != '_') return false;
  return true;
}

/* Checks each comma-separated item is NAME=value. */
static char *normalize_env(const char *value, char **problem) {
  strvec items = {0};
  split_list(value, &items);
  for (size_t i = 0; i < items.len && !*problem; i++) {
    const char *eq = strchr(items.items[i], '=');
    if (!eq || !is_env_name(items.items[i], (size_t)(eq - items.items[i])))
      *problem = xasprintf("'%s' is not NAME=value (NAME: letters, digits, "
                           "'_')",
                           items.items[i]);
  }
  strvec_free(&items);
  return *problem ? NULL : xstrdup(value);
}

char *schema_normalize(const mb_option *opt, const char *value,
                       const char *base_dir, char **problem) {
  unsigned long long number;
  switch (opt->type) {
  case MB_OPT_BOOL:
    return normalize_bool(value, problem);
  case MB_OPT_INT: {
    const char *p = value;
    while (isdigit((unsigned char)*p))
      p++;
    if (!*value || *p || strlen(value) > 18) break;
    return xasprintf("%llu", strtoull(value, NULL, 10));
  }
  case MB_OPT_SIZE:
    if (!parse_size(value, &number)) break;
    return xasprintf("%llu", number);
  case MB_OPT_DURATION:
    if (!parse_duration(value, &number)) break;
    return xasprintf("%llu", number);
  case MB_OPT_CHOICE:
    return normalize_choice(opt, value, problem);
  case MB_OPT_PATH:
    if (!*value) break;
    return path_absolute(base_dir, value);
  case MB_OPT_ENV:
    return normalize_env(value, problem);
  case MB_OPT_STRING:
  case MB_OPT_LIST:
  case MB_OPT_WORDS:
    return xstrdup(value);
  }
  static const char *const examples[] = {
      [MB_OPT_INT] = "a whole number such as 4",
      [MB_OPT_SIZE] = "a size such as 16MiB",
      [MB_OPT_DURATION] = "a duration such as 90s, 30m or 2h",
      [MB_OPT_PATH] = "a path"};
  *problem = xasprintf("'%s' is not %s", value, examples[opt->type]);
  return NULL;
}

/* Parses a bound as written in an INI file. */
static bool parse_bound(mb_option_type type, const char *text,
                        unsigned long long *n) {
  if (type == MB_OPT_SIZE) return parse_size(text, n);
  if (type == MB_OPT_DURATION) return parse_duration(text, n);
  char *end;
  errno = 0;
  *n = strtoull(text, &end, 10);
  return !errno && end != text && !*end;
}

/* `normalized` is the decimal number schema_normalize made of `written`. */
static char *check_range(const mb_option *opt, const char *written,
                         const char *normalized) {
  unsigned long long n = strtoull(normalized, NULL, 10), bound;
  if (opt->min && parse_bound(opt->type, opt->min, &bound) && n < bound)
    return xasprintf("%s is below the minimum %s", written, opt->min);
  if (opt->max && parse_bound(opt->type, opt->max, &bound) && n > bound)
    return xasprintf("%s is above the maximum %s", written, opt->max);
  return NULL;
}

static char *check_os_suffix(const mb_option *opt, const char *key) {
  const char *suffix = key + strlen(opt->key);
  size_t n = 0;
  for (; known_os[n]; n++)
    if (strcmp(known_os[n], suffix) == 0) return NULL;
  const char *near = nearest_word(suffix, known_os, n);
  if (near)
    return xasprintf("'%s' is not an OS name; did you mean '%s'?", suffix,
                     near);
  return xasprintf("'%s' is not an OS name (see [matrix] os)", suffix);
}

char *schema_check_value(const mb_option *opt, const char *key,
                         const char *written, const char *normalized) {
  if ((opt->flags & MB_OPT_PREFIX) && (opt->flags & MB_OPT_SUFFIX_OS)) {
    char *problem = check_os_suffix(opt, key);
    if (problem) return problem;
  }
  if (opt->type == MB_OPT_INT || opt->type == MB_OPT_SIZE ||
      opt->type == MB_OPT_DURATION)
    return check_range(opt, written, normalized);
  struct stat st;
  if (opt->type == MB_OPT_PATH && (opt->flags & MB_OPT_MUST_EXIST) &&
      stat(normalized, &st) != 0)
    return xasprintf("%s does not exist", normalized);
  return NULL;
}

static void report_unknown_key(config *cfg, const config_value *v,
                               const mb_option *table, const mb_option *extra,
                               bool per_target) {
  strvec names = {0};
  for (const mb_option *t = table; t && t->key; t++)
    if (!per_target || (t->flags & MB_OPT_PER_TARGET))
      strvec_push(&names, t->key);
  for (const mb_option *t = extra; t && t->key; t++)
    strvec_push(&names, t->key);
  const char *near =
      nearest_word(v->key, (const char *const *)names.items, names.len);
  bool elsewhere = per_target && schema_find(table, v->key);
  if (elsewhere)
    config_error(cfg, v->line,
                 "%s: cannot be set per target in [%s] (set it in [toolchain])",
                 v->key, v->section);
  else if (near)
    config_error(cfg, v->line, "unknown key '%s' in [%s]; did you mean '%s'?",
                 v->key, v->section, near);
  else
    config_error(cfg, v->line, "unknown key '%s' in [%s]", v->key, v->section);
  strvec_free(&names);
}

void schema_check_section(config *cfg, const char *section,
                          const mb_option *table, const mb_option *extra,
                          bool per_target) {
  for (size_t i = 0; i < cfg->nvalues; i++) {
    config_value *v = &cfg->values[i];
    if (strcmp(v->section, section) != 0) continue;
    const mb_option *opt = schema_find(extra, v->key);
    if (!opt) {
      opt = schema_find(table, v->key);
      if (opt && per_target && !(opt->flags & MB_OPT_PER_TARGET)) opt = NULL;
    }
    if (!opt) {
      report_unknown_key(cfg, v, table, extra, per_target);
      continue;
    }
    char *problem = NULL;
    free(v->normalized);
    v->normalized = schema_normalize(opt, v->value, cfg->dir, &problem);
    if (!problem)
      problem = schema_check_value(opt, v->key, v->value, v->normalized);
    if (problem) {
      config_error(cfg, v->line, "%s: %s", v->key, problem);
      free(problem);
      free(v->normalized);
      v->normalized = NULL;
    } else if ((opt->flags & MB_OPT_REQUIRED) && !*v->normalized) {
      config_error(cfg, v->line, "%s: must not be empty", v->key);
    }
  }
  if (per_target) return;
  const mb_option *tables[] = {extra, table};
  for (size_t t = 0; t < 2; t++)
    for (const mb_option *opt = tables[t]; opt && opt->key; opt++)
      if ((opt->flags & MB_OPT_REQUIRED) && !(opt->flags & MB_OPT_PREFIX) &&
          !config_find(cfg, section, opt->key)) {
        const config_section *s = config_find_section(cfg, section);
        config_error(cfg, s ? s->line : 0, "[%s] needs the key '%s' (%s)",
                     section, opt->key, opt->help);
      }
}

const char *schema_resolve(const config *cfg, const mb_option *table,
                           const char *section, const char *target_name,
                           const char *key, char **owned, int *origin) {
  *owned = NULL;
  if (origin) *origin = MB_ORIGIN_UNSET;
  const mb_option *opt = schema_find(table, key);
  if (!opt) return NULL;
  if (target_name && (opt->flags & MB_OPT_PER_TARGET)) {
    char *target_section = xasprintf("target %s", target_name);
    const char *v = config_get(cfg, target_section, key);
    free(target_section);
    if (v) {
      if (origin) *origin = MB_ORIGIN_TARGET;
      return v;
    }
  }
  const char *v = section ? config_get(cfg, section, key) : NULL;
  if (v) {
    if (origin) *origin = MB_ORIGIN_SECTION;
    return v;
  }
  if (!opt->default_value) return NULL;
  if (origin) *origin = MB_ORIGIN_DEFAULT;
  char *problem = NULL;
  *owned = schema_normalize(opt, opt->default_value, cfg->dir, &problem);
  free(problem);
  return *owned ? *owned : opt->default_value;
}
