/*
 * mbhost service "mb.process/1": find and run programs, for probes,
 * detection and planning. Builds are not run this way: they are plans the
 * host executes. See mbhost/plugin.h for the tags and compatibility rules.
 */
#ifndef MBHOST_PROCESS_H
#define MBHOST_PROCESS_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_PROCESS_SERVICE "mb.process/1"

/* A buffer that receives one output stream of a program. The plugin sets
   data and cap; the host fills len and truncated. */
typedef struct mb_capture {
  char *data; /* receives at most cap-1 bytes, always NUL-terminated (when
                 cap > 0) */
  size_t cap;
  size_t len;    /* out: how many bytes the program wrote in all, which may
                    exceed cap-1 */
  int truncated; /* out: non-zero when data holds only the first cap-1 */
} mb_capture;

typedef struct mb_process_service {
  /* Looks `program` up in PATH (or checks it, when it contains a '/').
     Writes the absolute path to buf; MB_OK, or MB_ERROR when it is not
     found or buf is too small. [any-thread] */
  int (*find_program)(mb_call *call, const char *program, char *buf,
                      size_t cap);

  /* Runs a program to completion: argv[0] is searched in PATH, no shell.
     `env` is NULL or a NULL-terminated list of "NAME=value" overrides of
     the host's environment ("NAME" alone removes one); `cwd` may be NULL.
     Standard output goes to `out` and standard error to `err`; pass the
     same capture for both to merge them in the order written, NULL to
     discard a stream (standard error then goes to the run's log at debug
     level). Standard input is empty. *exit_code gets the exit status, or
     128+signal. MB_OK when the program ran (whatever its status),
     MB_ERROR when it could not start (set_error says why), MB_CANCELLED
     on interrupt. [main-thread] arguments [borrowed] */
  int (*run)(mb_call *call, const char *const *argv, const char *const *env,
             const char *cwd, mb_capture *out, mb_capture *err, int *exit_code);
} mb_process_service;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_PROCESS_H */
