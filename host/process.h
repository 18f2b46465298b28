/* Child processes: posix_spawn with argv only (never a shell), each child
   in its own process group so an interrupt can stop everything it started. */
#ifndef MBHOST_HOST_PROCESS_H
#define MBHOST_HOST_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Where a child's standard error goes. */
typedef enum stderr_mode {
  STDERR_DISCARD, /* /dev/null */
  STDERR_MERGE,   /* into the standard output pipe */
  STDERR_PIPE     /* a pipe of its own (*err_fd) */
} stderr_mode;

/* Starts argv[0] (searched in PATH) with `env` in `cwd` (may be NULL),
   standard input from /dev/null, standard output into a new pipe whose read
   end goes to *out_fd, standard error as `mode` says (*err_fd only for
   STDERR_PIPE; may be NULL otherwise). Returns the pid, or -1 with errno. */
pid_t process_spawn(const char *const *argv, char *const *env, const char *cwd,
                    stderr_mode mode, int *out_fd, int *err_fd);

/* Waits for pid; returns its exit code, or 128+signal. */
int process_wait(pid_t pid);

/* A buffer one stream is captured into: the first cap-1 bytes are kept
   (NUL-terminated), len counts every byte. */
typedef struct capture_buf {
  char *data;
  size_t cap, len;
  bool truncated;
} capture_buf;

/* Runs to completion, capturing standard output into `out` and standard
   error into `err` (NULL: discarded; the same buffer as out: merged).
   MB_OK, MB_ERROR (could not start; errno set) or MB_CANCELLED. */
int capture_process(const char *const *argv, char *const *env, const char *cwd,
                    capture_buf *out, capture_buf *err, int *exit_code);

/* Sends `signo` to the process group of every pid in the list. */
void process_signal_groups(const pid_t *pids, size_t n, int signo);

#endif
