#include "settings.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "naming.h"

const char *const format_names[] = {"tar.gz", "tar.zst", "tar.xz", "zip", NULL};

tarball_format settings_format_for(const tarball_call *c, const char *os) {
  char key[64];
  snprintf(key, sizeof key, "format.%s", os);
  const char *value = c->options->get(c->call, key);
  if (!value) value = c->options->get(c->call, "format");
  for (int i = 0; value && format_names[i]; i++)
    if (strcmp(value, format_names[i]) == 0) return (tarball_format)i;
  return FORMAT_TAR_GZ; /* the default; the host validated the choice */
}

/* Checks that template `key` expands, with sample values, to a safe name. */
static int check_template(const tarball_call *c, const char *key,
                          const char *template, const name_values *sample) {
  char name[PATH_MAX], why[512];
  const char *problem = NULL;
  if (expand_name(template, sample, name, sizeof name, why, sizeof why) != 0)
    c->options->error(c->call, key, "%s", why);
  else if ((problem = entry_name_problem(name, strlen(name))))
    c->options->error(c->call, key, "the name \"%s\" %s", name, problem);
  else
    return MB_OK;
  return MB_ERROR;
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

static int read_mtime(const tarball_call *c, tarball_settings *out) {
  const char *epoch = getenv("SOURCE_DATE_EPOCH");
  const char *option = c->options->get(c->call, "mtime");
  if (epoch) {
    out->fixed_mtime = parse_seconds(epoch);
    out->mtime_origin = "SOURCE_DATE_EPOCH";
    if (out->fixed_mtime < 0) {
      c->host->set_error(c->call,
                         "SOURCE_DATE_EPOCH=\"%s\" is not a number of seconds "
                         "since 1970",
                         epoch);
      return MB_ERROR;
    }
  } else if (option) {
    /* The host checked it is a whole number of at most 18 digits. */
    out->fixed_mtime = strtoll(option, NULL, 10);
    out->mtime_origin = "mtime";
  }
  out->has_fixed_mtime = epoch || option;
  return MB_OK;
}

static int check_file_patterns(const tarball_call *c,
                               const char *const *files) {
  for (; *files; files++) {
    const char *problem = entry_name_problem(*files, strlen(*files));
    if (problem) {
      c->options->error(c->call, "files",
                        "the pattern \"%s\" %s; patterns are relative to "
                        "the project source and stay inside it",
                        *files, problem);
      return MB_ERROR;
    }
  }
  return MB_OK;
}

int settings_read(const tarball_call *c, tarball_settings *out) {
  const mb_options_service *o = c->options;
  *out = (tarball_settings){0};
  out->name_template = o->get(c->call, "name_template");
  out->wrap_template =
      wrap_template(o->get(c->call, "wrap_in_directory"), out->name_template);
  const char *checksums = o->get(c->call, "checksums");
  out->checksums_template = checksums && *checksums ? checksums : NULL;
  out->files = o->split(c->call, "files", MB_SPLIT_LIST, NULL);

  name_values sample = {c->host->project(c->call, "name"),
                        c->host->project(c->call, "version"), "linux", "amd64"};
  name_values no_target = {sample.name, sample.version, NULL, NULL};
  if (check_template(c, "name_template", out->name_template, &sample) != MB_OK)
    return MB_ERROR;
  if (out->wrap_template &&
      check_template(c, "wrap_in_directory", out->wrap_template, &sample) !=
          MB_OK)
    return MB_ERROR;
  if (out->checksums_template &&
      check_template(c, "checksums", out->checksums_template, &no_target) !=
          MB_OK)
    return MB_ERROR;
  if (check_file_patterns(c, out->files) != MB_OK) return MB_ERROR;
  return read_mtime(c, out);
}
