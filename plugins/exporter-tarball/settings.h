/* The exporter's options ([export.tarball]): reading them, checking what
   the options table cannot say with errors that point at file:line, and the
   archive format per OS. */
#ifndef TARBALL_SETTINGS_H
#define TARBALL_SETTINGS_H

#include <stdint.h>

#include "call.h"

typedef enum tarball_format {
  FORMAT_TAR_GZ,
  FORMAT_TAR_ZST,
  FORMAT_TAR_XZ,
  FORMAT_ZIP
} tarball_format;

/* The values of `format` and `format.<os>`, in tarball_format order;
   NULL-terminated (the options table's choices). Each is also the archive's
   extension without its dot. */
extern const char *const format_names[];

typedef struct tarball_settings {
  const char *name_template;      /* archive name without its extension */
  const char *wrap_template;      /* top folder; NULL: none */
  const char *checksums_template; /* checksums file name; NULL: none */
  const char *const *files;       /* NULL-terminated globs (project source) */
  int has_fixed_mtime;            /* SOURCE_DATE_EPOCH or `mtime` is set */
  int64_t fixed_mtime;
  const char *mtime_origin; /* where fixed_mtime came from, for the log */
} tarball_settings;

/* Reads and checks the options. Strings are the host's, valid for the
   call. MB_OK, or MB_ERROR after the options service's error (or
   set_error, for SOURCE_DATE_EPOCH). */
int settings_read(const tarball_call *c, tarball_settings *out);

/* The format for targets of `os`: format.<os> when set, else `format`. */
tarball_format settings_format_for(const tarball_call *c, const char *os);

#endif
