/* Stage 1: reading build.ini with inih into sections and values that
   remember their line, ${VAR} expansion, and error collection. Validation
   against schemas lives in schema.h. */
#ifndef MBHOST_CONFIG_H
#define MBHOST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Source of values set on the command line rather than in the file. */
#define CONFIG_LINE_CLI (-1)

typedef struct config_value {
  char *section;
  char *key;
  char *value;      /* after ${VAR} expansion */
  char *normalized; /* set by schema validation; NULL until then */
  int line;         /* CONFIG_LINE_CLI for --set */
} config_value;

typedef struct config_section {
  char *name;
  int line;
} config_section;

typedef struct config {
  char *path; /* as given */
  char *dir;  /* absolute folder of the file: relative paths resolve here */
  config_value *values;
  size_t nvalues, values_cap;
  config_section *sections;
  size_t nsections, sections_cap;
  strvec errors; /* "file:line: message", in file order */
} config;

/* Reads and parses `path`. Problems (unreadable, binary, syntax, unset
   variables) are collected in cfg->errors; returns false if there are any. */
bool config_load(config *cfg, const char *path);
/* Parses INI text held in memory (tests, fuzzing). */
bool config_load_text(config *cfg, const char *name, const char *text,
                      size_t len);
void config_free(config *cfg);

/* Records an error about `line` of the file (0: no line). */
void config_error(config *cfg, int line, const char *fmt, ...)
    PRINTF_LIKE(3, 4);

/* Adds or replaces a value (for --set); `line` is CONFIG_LINE_CLI. */
void config_set(config *cfg, const char *section, const char *key,
                const char *value);

config_value *config_find(const config *cfg, const char *section,
                          const char *key);
const config_section *config_find_section(const config *cfg, const char *name);
/* The value's normalized form when validated, else its text; NULL if unset. */
const char *config_get(const config *cfg, const char *section, const char *key);

/* Expands ${VAR}, ${VAR:-default} (the default expanded in turn) and $$
   from the environment. Returns NULL and sets *problem (owned by the
   caller) when a variable is unset or a ${ is not a variable reference. */
char *expand_variables(const char *text, char **problem);

/* Prints every collected error to stderr; returns their number. */
size_t config_report_errors(const config *cfg);

#endif
