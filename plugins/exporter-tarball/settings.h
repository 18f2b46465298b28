/* The exporter's options ([export.tarball]): reading them, checking them
   with errors that point at file:line, and the archive format per OS. */
#ifndef TARBALL_SETTINGS_H
#define TARBALL_SETTINGS_H

#include <mbhost/plugin.h>
#include <stdint.h>

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
   call. MB_OK, or MB_ERROR after option_error (and set_error). */
int settings_read(const mb_host *host, mb_call *call, tarball_settings *out);

/* Checks that every format.<os> key set names an OS Go knows. MB_OK, or
   MB_ERROR after option_error (and set_error). */
int settings_check_os_keys(const mb_host *host, mb_call *call);

/* The format for targets of `os`: format.<os> when set, else `format`. */
tarball_format settings_format_for(const mb_host *host, mb_call *call,
                                   const char *os);

#endif
