/*
 * mbhost options: the keys a plugin accepts, and service "mb.options/1" to
 * read their values. See mbhost/plugin.h for the tags and the compatibility
 * rules.
 *
 * A plugin lists its keys in an mb_option table (in its main interface).
 * The host validates the plugin's INI section against the table before any
 * plugin callback runs: unknown keys (with the nearest valid key), types,
 * choices, ranges, required keys and paths that must exist are all errors
 * naming `file:line` and the key, exit code 2. So values a plugin reads are
 * already well-formed and in range; a plugin checks only what a table
 * cannot say, and reports it with option_error, which gives the same
 * `file:line` error.
 */
#ifndef MBHOST_OPTIONS_H
#define MBHOST_OPTIONS_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mb_option_type {
  MB_OPT_STRING = 1, /* any text */
  MB_OPT_BOOL = 2, /* true/false/yes/no/on/off/1/0; read back "true"/"false" */
  MB_OPT_INT = 3,  /* a non-negative decimal integer */
  MB_OPT_SIZE = 4, /* bytes, with an optional KiB/MiB/GiB (or K/M/G) suffix;
                      read back as a decimal number of bytes */
  MB_OPT_DURATION = 5, /* 90, 90s, 30m, 2h, 1d; read back as whole seconds */
  MB_OPT_LIST = 6,     /* comma-separated items (see split) */
  MB_OPT_WORDS = 7,    /* whitespace-separated words, '...' and "..." quote */
  MB_OPT_CHOICE = 8,   /* one of the NULL-terminated `choices` */
  MB_OPT_PATH = 9,     /* a path; relative paths resolve against the INI's
                          folder; read back absolute. Existence is checked
                          only with MB_OPT_MUST_EXIST. */
  MB_OPT_ENV = 10      /* comma-separated NAME=value items (environment for
                          the build); see mb_plan_services.set_env_option */
} mb_option_type;

enum {
  MB_OPT_REQUIRED = 1u << 0,   /* the key must be set */
  MB_OPT_PER_TARGET = 1u << 1, /* may be overridden in [target os/arch] */
  MB_OPT_PREFIX = 1u << 2,     /* `key` ends with '.', and matches key.SUFFIX;
                                  e.g. "format." matches format.windows */
  MB_OPT_MUST_EXIST = 1u << 3, /* MB_OPT_PATH: the path must exist */
  MB_OPT_SUFFIX_OS = 1u << 4   /* with MB_OPT_PREFIX: SUFFIX must be an OS
                                  name of the target vocabulary (checked by
                                  the host, with a suggestion for typos) */
};

typedef struct mb_option {
  const char *key;           /* e.g. "ldflags"; NULL ends the table */
  mb_option_type type;       /* how the host validates the value */
  const char *default_value; /* as written in an INI file, or NULL */
  const char *help; /* one line, shown by `mbhost plugins --describe` */
  uint32_t flags;   /* MB_OPT_* flags */
  const char *const *choices; /* MB_OPT_CHOICE: NULL-terminated; else NULL */
  const char *min; /* MB_OPT_INT, _SIZE, _DURATION: the lowest value */
  const char *max; /* accepted and the highest, written as in an INI file
                      ("5MiB", "1h"); NULL: no bound */
  const void *reserved[2]; /* NULL */
} mb_option;

/* Where an option's value came from (origin). */
enum {
  MB_ORIGIN_UNSET = 0,   /* not set, no default: option() returns NULL */
  MB_ORIGIN_DEFAULT = 1, /* the table's default_value */
  MB_ORIGIN_SECTION = 2, /* the plugin's section, or --set */
  MB_ORIGIN_TARGET = 3   /* [target os/arch] (calls about one target) */
};

/* Splitting modes for split. */
enum { MB_SPLIT_LIST = 1, MB_SPLIT_WORDS = 2 };

#define MB_OPTIONS_SERVICE "mb.options/1"

/* Every callback that receives an mb_call may use these. Values are for the
   target of the call where there is one (plan, validate): a [target os/arch]
   value wins over the section's. */
typedef struct mb_options_service {
  /* The value of one of this plugin's options, after defaults, ${VAR}
     expansion and the [target] override, normalized as mb_option_type
     says. NULL when unset without default, or when `key` is not in the
     plugin's table. [any-thread] result [borrowed] */
  const char *(*get)(mb_call *call, const char *key);

  /* Where get(key)'s value came from: MB_ORIGIN_*. [any-thread] */
  int (*origin)(mb_call *call, const char *key);

  /* Splits get(key) into items (MB_SPLIT_LIST: at commas, items trimmed,
     empty items dropped; MB_SPLIT_WORDS: at whitespace, with quotes).
     A NULL-terminated array, never NULL; *count may be NULL.
     [any-thread] result [borrowed] */
  const char *const *(*split)(mb_call *call, const char *key, int mode,
                              size_t *count);

  /* The keys set in this plugin's section that start with `prefix` (for
     MB_OPT_PREFIX options such as "format."), in file order, as a
     NULL-terminated array; *count may be NULL. [main-thread]
     result [borrowed] */
  const char *const *(*keys)(mb_call *call, const char *prefix, size_t *count);

  /* Reports a problem with the value of one of this plugin's options that
     the table cannot express. The host prints it as a configuration error
     naming the INI file, the line of the key (the [target] line in a call
     about a target that overrides it) and the key
     ("build.ini:14: format.plan9: ..."), and exits with code 2 once the
     callback returns. Works in every callback that has an mb_call.
     [main-thread] [copied] */
  void (*error)(mb_call *call, const char *key, const char *fmt, ...)
      MB_PRINTF(3, 4);
} mb_options_service;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_OPTIONS_H */
