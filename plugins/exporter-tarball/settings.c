#include "settings.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "naming.h"

#define SECTION "export.tarball"
#define FORMAT_PREFIX "format."

const char *const format_names[] = {"tar.gz", "tar.zst", "tar.xz", "zip", NULL};

/* GOOS values (`go tool dist list`): the OS names targets use. */
static const char *const known_os[] = {
    "aix",     "android", "darwin", "dragonfly", "freebsd", "hurd",
    "illumos", "ios",     "js",     "linux",     "netbsd",  "openbsd",
    "plan9",   "solaris", "wasip1", "windows",   "zos",     NULL};

/* Reports a problem with option `key`. option_error makes init's failure a
   configuration error at the key's file:line (or its --set); set_error
   gives the same message when a later callback (describe, export) fails,
   where the host reports set_error instead. */
MB_PRINTF(4, 5)
static int config_error(const mb_host *host, mb_call *call, const char *key,
                        const char *fmt, ...) {
  char message[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(message, sizeof message, fmt, ap);
  va_end(ap);
  host->option_error(call, key, "%s", message);
  host->set_error(call, "[" SECTION "] %s: %s", key, message);
  return MB_ERROR;
}

/* Levenshtein distance; `b` is short (a known OS name). */
static size_t edit_distance(const char *a, const char *b) {
  size_t lb = strlen(b);
  size_t row[64];
  if (lb >= sizeof row / sizeof *row) return SIZE_MAX;
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (const char *p = a; *p; p++) {
    size_t diagonal = row[0]++;
    for (size_t j = 1; j <= lb; j++) {
      size_t above = row[j];
      size_t replace = diagonal + (*p != b[j - 1]);
      size_t best = above + 1 < row[j - 1] + 1 ? above + 1 : row[j - 1] + 1;
      row[j] = replace < best ? replace : best;
      diagonal = above;
    }
  }
  return row[lb];
}

/* The known OS a misspelt `os` most likely meant, or NULL. */
static const char *nearest_os(const char *os) {
  const char *best = NULL;
  /* One edit in a short name, two in a longer one; more is not a typo. */
  size_t best_distance = strlen(os) >= 6 ? 3 : 2;
  for (const char *const *k = known_os; *k; k++) {
    size_t d = edit_distance(os, *k);
    if (d < best_distance) best = *k, best_distance = d;
  }
  return best;
}

static int is_known_os(const char *os) {
  for (const char *const *k = known_os; *k; k++)
    if (strcmp(os, *k) == 0) return 1;
  return 0;
}

int settings_check_os_keys(const mb_host *host, mb_call *call) {
  const char *const *keys = host->option_keys(call, FORMAT_PREFIX, NULL);
  for (; *keys; keys++) {
    const char *os = *keys + strlen(FORMAT_PREFIX);
    if (is_known_os(os)) continue;
    const char *guess = nearest_os(os);
    return config_error(host, call, *keys,
                        "'%s' is not an OS name (Go's GOOS)%s%s%s", os,
                        guess ? "; did you mean " FORMAT_PREFIX : "",
                        guess ? guess : "", guess ? "?" : "");
  }
  return MB_OK;
}

tarball_format settings_format_for(const mb_host *host, mb_call *call,
                                   const char *os) {
  char key[64];
  snprintf(key, sizeof key, FORMAT_PREFIX "%s", os);
  const char *value = host->option(call, key);
  if (!value) value = host->option(call, "format");
  for (int i = 0; value && format_names[i]; i++)
    if (strcmp(value, format_names[i]) == 0) return (tarball_format)i;
  return FORMAT_TAR_GZ; /* the default; the host validated the choice */
}

/* Checks that template `key` expands, with sample values, to a safe name. */
static int check_template(const mb_host *host, mb_call *call, const char *key,
                          const char *template, const name_values *sample) {
  char name[PATH_MAX], why[512];
  if (expand_name(template, sample, name, sizeof name, why, sizeof why) != 0)
    return config_error(host, call, key, "%s", why);
  const char *problem = entry_name_problem(name, strlen(name));
  if (problem)
    return config_error(host, call, key, "the name \"%s\" %s", name, problem);
  return MB_OK;
}

static int is_word(const char *value, const char *const *words) {
  for (; *words; words++)
    if (strcmp(value, *words) == 0) return 1;
  return 0;
}

/* wrap_in_directory is a bool or a folder name: "true" means a folder
   named like the archive. */
static const char *wrap_template(const char *value, const char *archive) {
  static const char *const no[] = {"", "false", "no", "off", "0", NULL};
  static const char *const yes[] = {"true", "yes", "on", "1", NULL};
  if (!value || is_word(value, no)) return NULL;
  if (is_word(value, yes)) return archive;
  return value;
}

/* Parses a count of seconds; -1 when `text` is not one. */
static int64_t parse_seconds(const char *text) {
  if (!text || *text < '0' || *text > '9') return -1;
  char *end;
  errno = 0;
  long long seconds = strtoll(text, &end, 10);
  return (*end || errno) ? -1 : (int64_t)seconds;
}

static int read_mtime(const mb_host *host, mb_call *call,
                      tarball_settings *out) {
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  const char *option = host->option(call, "mtime");
  if (epoch) {
    out->fixed_mtime = parse_seconds(epoch);
    out->mtime_origin = "SOURCE_DATE_EPOCH";
    if (out->fixed_mtime < 0) {
      host->set_error(call,
                      "SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds "
                      "since 1970",
                      epoch);
      return MB_ERROR;
    }
  } else if (option) {
    out->fixed_mtime = parse_seconds(option);
    out->mtime_origin = "mtime";
    if (out->fixed_mtime < 0)
      return config_error(host, call, "mtime",
                          "\"%s\" is not a number of seconds", option);
  }
  out->has_fixed_mtime = epoch || option;
  return MB_OK;
}

static int check_file_patterns(const mb_host *host, mb_call *call,
                               const char *const *files) {
  for (; *files; files++) {
    const char *problem = entry_name_problem(*files, strlen(*files));
    if (problem)
      return config_error(host, call, "files",
                          "the pattern \"%s\" %s; patterns are relative to "
                          "the project source and stay inside it",
                          *files, problem);
  }
  return MB_OK;
}

int settings_read(const mb_host *host, mb_call *call, tarball_settings *out) {
  *out = (tarball_settings){0};
  out->name_template = host->option(call, "name_template");
  out->wrap_template = wrap_template(host->option(call, "wrap_in_directory"),
                                     out->name_template);
  const char *checksums = host->option(call, "checksums");
  out->checksums_template = checksums && *checksums ? checksums : NULL;
  out->files = host->option_split(call, "files", MB_SPLIT_LIST, NULL);

  name_values sample = {host->project(call, "name"),
                        host->project(call, "version"), "linux", "amd64"};
  name_values no_target = {sample.name, sample.version, NULL, NULL};
  if (check_template(host, call, "name_template", out->name_template,
                     &sample) != MB_OK)
    return MB_ERROR;
  if (out->wrap_template &&
      check_template(host, call, "wrap_in_directory", out->wrap_template,
                     &sample) != MB_OK)
    return MB_ERROR;
  if (out->checksums_template &&
      check_template(host, call, "checksums", out->checksums_template,
                     &no_target) != MB_OK)
    return MB_ERROR;
  if (check_file_patterns(host, call, out->files) != MB_OK) return MB_ERROR;
  return read_mtime(host, call, out);
}
