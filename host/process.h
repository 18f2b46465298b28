/* Child processes: posix_spawn with argv only (never a shell), each child
   in its own process group so an interrupt can stop everything it started. */
#ifndef MBHOST_PROCESS_H
#define MBHOST_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Starts argv[0] (searched in PATH) with `env` in `cwd` (may be NULL),
   standard input from /dev/null, standard output and error into a new pipe
   whose read end goes to *out_fd (stderr to /dev/null unless
   merge_stderr). Returns the pid, or -1 with errno. */
pid_t process_spawn(const char *const *argv, char *const *env, const char *cwd,
                    bool merge_stderr, int *out_fd);

/* Waits for pid; returns its exit code, or 128+signal. */
int process_wait(pid_t pid);

/* Runs to completion, capturing output into out (see mb_host.run).
   MB_OK, MB_ERROR (could not start) or MB_CANCELLED. */
int capture_process(const char *const *argv, char *const *env, const char *cwd,
                    int merge_stderr, char *out, size_t cap, int *exit_code);

/* Sends `signo` to the process group of every pid in the list. */
void process_signal_groups(const pid_t *pids, size_t n, int signo);

#endif
