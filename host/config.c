#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* inih is built with a fixed line buffer (INI_MAX_LINE) and without line
   numbers in its handler, so mbhost feeds it lines itself through
   ini_parse_stream and keeps the line number and section headers here. */
typedef struct reader {
  config *cfg;
  const char *text, *end, *pos;
  int line;
  bool continuation;  /* the line just read continues the previous value */
  char section[256];  /* the section the line just read belongs to */
  char last_key[256]; /* key of the previous value, for continuations */
} reader;

void config_error(config *cfg, int line, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *msg = xvasprintf(fmt, ap);
  va_end(ap);
  char *error = line == CONFIG_LINE_CLI ? xasprintf("--set: %s", msg)
                : line > 0 ? xasprintf("%s:%d: %s", cfg->path, line, msg)
                           : xasprintf("%s: %s", cfg->path, msg);
  free(msg);
  /* A check run once per target may find the same problem each time. */
  if (strvec_contains(&cfg->errors, error))
    free(error);
  else
    strvec_push_owned(&cfg->errors, error);
}

static void add_section(config *cfg, const char *name, int line) {
  if (cfg->nsections == cfg->sections_cap) {
    cfg->sections_cap = cfg->sections_cap ? cfg->sections_cap * 2 : 8;
    cfg->sections =
        xrealloc(cfg->sections, cfg->sections_cap * sizeof *cfg->sections);
  }
  cfg->sections[cfg->nsections++] =
      (config_section){.name = xstrdup(name), .line = line};
}

static void note_section(reader *r, const char *line) {
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p != '[') return;
  const char *close = strchr(p, ']');
  if (!close) return; /* inih reports the syntax error */
  char *name = xstrndup(p + 1, (size_t)(close - p - 1));
  char *clean = trim(name);
  snprintf(r->section, sizeof r->section, "%s", clean);
  config *cfg = r->cfg;
  if (config_find_section(cfg, clean)) {
    config_error(cfg, r->line, "section [%s] appears twice", clean);
  } else {
    add_section(cfg, clean, r->line);
  }
  free(name);
}

static bool is_blank_or_comment(const char *line) {
  while (*line == ' ' || *line == '\t')
    line++;
  return *line == '\0' || *line == '\n' || *line == '\r' || *line == ';' ||
         *line == '#';
}

/* The fgets-like reader inih calls for each line. */
static char *read_line(char *buf, int size, void *stream) {
  reader *r = stream;
  if (r->pos >= r->end) return NULL;
  const char *nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
  size_t len = nl ? (size_t)(nl - r->pos) + 1 : (size_t)(r->end - r->pos);
  r->line++;
  if (len >= (size_t)size) {
    config_error(r->cfg, r->line,
                 "line is %zu characters long; the limit is %d (continue a "
                 "long value on indented lines below its key)",
                 len, size - 2);
    r->pos += len;
    buf[0] = '\n', buf[1] = '\0';
    return buf;
  }
  memcpy(buf, r->pos, len);
  buf[len] = '\0';
  r->pos += len;
  r->continuation = (buf[0] == ' ' || buf[0] == '\t') &&
                    !is_blank_or_comment(buf) && r->last_key[0];
  if (!r->continuation) note_section(r, buf);
  if (buf[0] == '[') r->last_key[0] = '\0';
  return buf;
}

static void add_value(config *cfg, const char *section, const char *key,
                      const char *value, int line) {
  if (cfg->nvalues == cfg->values_cap) {
    cfg->values_cap = cfg->values_cap ? cfg->values_cap * 2 : 16;
    cfg->values = xrealloc(cfg->values, cfg->values_cap * sizeof *cfg->values);
  }
  cfg->values[cfg->nvalues++] = (config_value){.section = xstrdup(section),
                                               .key = xstrdup(key),
                                               .value = xstrdup(value),
                                               .line = line};
}

static int on_value(void *user, const char *section, const char *key,
                    const char *value) {
  reader *r = user;
  config *cfg = r->cfg;
  config_value *existing = config_find(cfg, section, key);
  if (r->continuation && existing && strcmp(r->last_key, key) == 0) {
    char *joined = xasprintf("%s %s", existing->value, value);
    free(existing->value);
    existing->value = joined;
    return 1;
  }
  if (existing) {
    config_error(cfg, r->line, "key '%s' in [%s] is already set on line %d",
                 key, section, existing->line);
    return 1;
  }
  if (section[0] == '\0') {
    config_error(cfg, r->line,
                 "key '%s' is outside any section (start with [project])", key);
    return 1;
  }
  snprintf(r->last_key, sizeof r->last_key, "%s", key);
  add_value(cfg, section, key, value, r->line);
  return 1;
}

static bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

/* The '}' closing a ${ whose default starts at p, skipping nested ${...}
   and $$; NULL when there is none before end. */
static const char *closing_brace(const char *p, const char *end) {
  for (int depth = 1; p < end; p++) {
    if (p[0] == '$' && p + 1 < end && (p[1] == '$' || p[1] == '{')) {
      depth += p[1] == '{';
      p++;
    } else if (*p == '}' && --depth == 0) {
      return p;
    }
  }
  return NULL;
}

/* Expands [p, end) into out; a default is expanded the same way, so
   ${OUT:-${PWD}/dist} is what a shell makes of it. */
static bool expand_range(const char *p, const char *end, strbuf *out,
                         char **problem) {
  while (p < end) {
    if (p[0] != '$' || p + 1 >= end || (p[1] != '$' && p[1] != '{')) {
      strbuf_add(out, p++, 1);
      continue;
    }
    if (p[1] == '$') {
      strbuf_add(out, "$", 1);
      p += 2;
      continue;
    }
    const char *name = p + 2, *q = name;
    while (q < end && is_name_char(*q))
      q++;
    bool has_default = q + 1 < end && q[0] == ':' && q[1] == '-';
    const char *close = has_default ? closing_brace(q + 2, end)
                                    : (q < end && *q == '}' ? q : NULL);
    if (q == name || !close) {
      const char *shown_end = closing_brace(p + 2, end);
      int shown = (int)((shown_end ? shown_end + 1 : end) - p);
      *problem = xasprintf("'%.*s' is not a variable reference: write ${NAME} "
                           "or ${NAME:-default} (NAME of letters, digits and "
                           "_), or $$ for a literal $",
                           shown, p);
      return false;
    }
    char *var = xstrndup(name, (size_t)(q - name));
    const char *env = getenv(var);
    bool ok = true;
    if (env && (*env || !has_default))
      strbuf_puts(out, env);
    else if (has_default)
      ok = expand_range(q + 2, close, out, problem);
    else {
      *problem = xasprintf("environment variable %s is not set (set it, or "
                           "write ${%s:-default})",
                           var, var);
      ok = false;
    }
    free(var);
    if (!ok) return false;
    p = close + 1;
  }
  return true;
}

char *expand_variables(const char *text, char **problem) {
  strbuf out = {0};
  strbuf_puts(&out, "");
  if (expand_range(text, text + strlen(text), &out, problem)) return out.data;
  strbuf_free(&out);
  return NULL;
}

static void expand_all(config *cfg) {
  for (size_t i = 0; i < cfg->nvalues; i++) {
    config_value *v = &cfg->values[i];
    char *problem = NULL;
    char *expanded = expand_variables(v->value, &problem);
    if (!expanded) {
      config_error(cfg, v->line, "%s: %s", v->key, problem);
      free(problem);
      continue;
    }
    free(v->value);
    v->value = expanded;
  }
}

bool config_load_text(config *cfg, const char *name, const char *text,
                      size_t len) {
  if (!cfg->path) cfg->path = xstrdup(name);
  if (len == 0) {
    config_error(cfg, 0, "the file is empty (see conf/examples/ for a start)");
    return false;
  }
  const char *nul = memchr(text, '\0', len);
  if (nul) {
    int line = 1;
    for (const char *p = text; p < nul; p++)
      line += *p == '\n';
    config_error(cfg, line, "contains a NUL byte: this is not a text file");
    return false;
  }
  reader r = {.cfg = cfg, .text = text, .end = text + len, .pos = text};
  int rc = ini_parse_stream(read_line, &r, on_value, &r);
  if (rc > 0)
    config_error(cfg, rc,
                 "cannot parse this line: expected [section], key = value, "
                 "or a ; comment");
  expand_all(cfg);
  return cfg->errors.len == 0;
}

bool config_load(config *cfg, const char *path) {
  cfg->path = xstrdup(path);
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd)) {
    config_error(cfg, 0, "cannot read the current folder: %s", strerror(errno));
    return false;
  }
  char *abs = path_absolute(cwd, path);
  cfg->dir = path_dirname(abs);
  free(abs);

  struct stat st;
  if (stat(path, &st) != 0) {
    config_error(cfg, 0, "cannot read the file: %s", strerror(errno));
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    config_error(cfg, 0, "is a folder; give the INI file (e.g. %s/build.ini)",
                 path);
    return false;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    config_error(cfg, 0, "cannot read the file: %s", strerror(errno));
    return false;
  }
  strbuf text = {0};
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    strbuf_add(&text, buf, n);
  bool read_error = ferror(f);
  fclose(f);
  if (read_error) {
    config_error(cfg, 0, "cannot read the file: %s", strerror(errno));
    strbuf_free(&text);
    return false;
  }
  bool ok = config_load_text(cfg, path, text.data ? text.data : "", text.len);
  strbuf_free(&text);
  return ok;
}

void config_free(config *cfg) {
  for (size_t i = 0; i < cfg->nvalues; i++) {
    free(cfg->values[i].section);
    free(cfg->values[i].key);
    free(cfg->values[i].value);
    free(cfg->values[i].normalized);
  }
  for (size_t i = 0; i < cfg->nsections; i++)
    free(cfg->sections[i].name);
  free(cfg->values);
  free(cfg->sections);
  strvec_free(&cfg->errors);
  free(cfg->path);
  free(cfg->dir);
  *cfg = (config){0};
}

void config_set(config *cfg, const char *section, const char *key,
                const char *value) {
  config_value *v = config_find(cfg, section, key);
  if (v) {
    free(v->value);
    free(v->normalized);
    v->value = xstrdup(value);
    v->normalized = NULL;
    v->line = CONFIG_LINE_CLI;
    return;
  }
  add_value(cfg, section, key, value, CONFIG_LINE_CLI);
  if (!config_find_section(cfg, section))
    add_section(cfg, section, CONFIG_LINE_CLI);
}

config_value *config_find(const config *cfg, const char *section,
                          const char *key) {
  for (size_t i = 0; i < cfg->nvalues; i++)
    if (strcmp(cfg->values[i].section, section) == 0 &&
        strcmp(cfg->values[i].key, key) == 0)
      return &cfg->values[i];
  return NULL;
}

const config_section *config_find_section(const config *cfg, const char *name) {
  for (size_t i = 0; i < cfg->nsections; i++)
    if (strcmp(cfg->sections[i].name, name) == 0) return &cfg->sections[i];
  return NULL;
}

const char *config_get(const config *cfg, const char *section,
                       const char *key) {
  const config_value *v = config_find(cfg, section, key);
  if (!v) return NULL;
  return v->normalized ? v->normalized : v->value;
}

size_t config_report_errors(const config *cfg) {
  for (size_t i = 0; i < cfg->errors.len; i++)
    fprintf(stderr, "mbhost: error: %s\n", cfg->errors.items[i]);
  return cfg->errors.len;
}
