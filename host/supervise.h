/* No orphans: every build step runs under a small supervisor, mbhost
   itself started with a hidden command. The supervisor leads the step's
   process group (the group mbhost signals on an interrupt) and asks the
   kernel for a signal when mbhost dies (PR_SET_PDEATHSIG); then it stops
   the whole group: SIGTERM, SIGKILL 2 s later. So a SIGKILL of mbhost, or
   of its process group, leaves no `make` or compiler running for more
   than about two seconds. The step's exit status is passed on as its own. */
#ifndef MBHOST_SUPERVISE_H
#define MBHOST_SUPERVISE_H

#include <stdbool.h>

#include "util.h"

#define SUPERVISE_COMMAND "__supervise"

/* The argv that runs `argv` under a supervisor, into *out: argv[0] is
   searched in PATH here, as posix_spawnp would; its standard output goes
   to the file `stdout_path` (created or truncated, mode 0600) when that is
   not NULL. false with errno (ENOENT: no such program) when it cannot be
   run. Spawn it from the main thread: the kernel's signal is tied to the
   thread that starts the supervisor. */
bool supervise_argv(const strvec *argv, const char *stdout_path, strvec *out);

/* `mbhost __supervise PARENT STDOUT PROGRAM ARGV...`: runs PROGRAM with
   ARGV (its standard output into the file STDOUT, unless that is "-"),
   stops its process group when PARENT dies; exits as the step did. */
int supervise_main(int argc, char **argv);

#endif
