/* Validation of config sections against option tables (the host's own and
   the plugins', both mb_option from the ABI): unknown keys with a nearest-key
   suggestion, types, choices, required keys; values are normalized in place
   (config_value.normalized) so plugins read canonical forms. */
#ifndef MBHOST_SCHEMA_H
#define MBHOST_SCHEMA_H

#include <mbhost/options.h>
#include <stdbool.h>

#include "config.h"

/* Host sections' tables. */
extern const mb_option schema_project[];
extern const mb_option schema_matrix[];
extern const mb_option schema_export[];
extern const mb_option schema_cache[];
extern const mb_option schema_host[];
extern const mb_option schema_executor[];
/* [toolchain] keys the host owns besides the plugin's: "use", and "image"
   (per target) for executor plugins. */
extern const mb_option schema_toolchain_host[];

const mb_option *schema_find(const mb_option *table, const char *key);

/* Checks every value of `section` against `table` (and `extra`, may be
   NULL); in a [target ...] section only MB_OPT_PER_TARGET keys are allowed.
   Errors go to cfg->errors. */
void schema_check_section(config *cfg, const char *section,
                          const mb_option *table, const mb_option *extra,
                          bool per_target);

/* The value of option `key` of `table` as a plugin reads it: the
   [target TARGET_NAME] override (MB_OPT_PER_TARGET keys, when target_name is
   not NULL), else `section`'s value, else the normalized default; NULL when
   unset or unknown. *owned is what the caller must free (may be NULL);
   *origin (may be NULL) gets MB_ORIGIN_*. */
const char *schema_resolve(const config *cfg, const mb_option *table,
                           const char *section, const char *target_name,
                           const char *key, char **owned, int *origin);

/* Normalizes one value of the given option; NULL and *problem set (owned by
   the caller) when it is not valid. */
char *schema_normalize(const mb_option *opt, const char *value,
                       const char *base_dir, char **problem);

/* Checks what normalizing cannot: ranges (min/max), MB_OPT_MUST_EXIST,
   MB_OPT_SUFFIX_OS. NULL, or the problem (owned by the caller). */
char *schema_check_value(const mb_option *opt, const char *key,
                         const char *written, const char *normalized);

/* Parses "90", "90s", "30m", "2h", "1d" into seconds; false if malformed. */
bool parse_duration(const char *text, unsigned long long *seconds);
/* Parses "123", "64MiB", "5M", "1GiB" into bytes; false if malformed. */
bool parse_size(const char *text, unsigned long long *bytes);

const char *option_type_name(mb_option_type type);

#endif
