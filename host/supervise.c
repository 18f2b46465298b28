#include "supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* The signal the kernel sends the supervisor when mbhost dies. */
#define PARENT_DIED SIGUSR1
#define GRACE_SECONDS 2

bool supervise_argv(const strvec *argv, const char *stdout_path, strvec *out) {
  /* The running binary's path; once an upgrade has replaced the file
     during a long build (the link then says "(deleted)"), the running
     binary itself through /proc (valgrind, which runs mbhost, refuses to
     run that path, so it is not the first choice). */
  char path[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  path[n > 0 ? n : 0] = '\0';
  const char *deleted = " (deleted)";
  size_t nd = strlen(deleted);
  bool replaced = n <= 0 ||
                  ((size_t)n > nd && strcmp(path + n - nd, deleted) == 0) ||
                  access(path, X_OK) != 0;
  const char *exe = replaced ? "/proc/self/exe" : path;
  char *program = path_search(argv->items[0], getenv("PATH"));
  if (!program) {
    errno = ENOENT;
    return false;
  }
  strvec_push(out, exe);
  strvec_push(out, SUPERVISE_COMMAND);
  strvec_push_owned(out, xasprintf("%ld", (long)getpid()));
  strvec_push(out, stdout_path ? stdout_path : "-");
  strvec_push_owned(out, program);
  for (size_t i = 0; i < argv->len; i++)
    strvec_push(out, argv->items[i]);
  return true;
}

/* Ends the supervisor as the step ended: its exit code, or its signal. */
static int exit_like(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  signal(sig, SIG_DFL);
  sigset_t one;
  sigemptyset(&one);
  sigaddset(&one, sig);
  sigprocmask(SIG_UNBLOCK, &one, NULL);
  raise(sig);
  return 128 + sig;
}

/* mbhost is gone: the group gets SIGTERM, then SIGKILL (this process
   included) once the step has exited or the grace period is over. */
static int stop_group(pid_t child, const sigset_t *waiting) {
  kill(0, SIGTERM);
  struct timespec end, now;
  clock_gettime(CLOCK_MONOTONIC, &end);
  end.tv_sec += GRACE_SECONDS;
  int status;
  while (waitpid(child, &status, WNOHANG) == 0) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > end.tv_sec ||
        (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
      break;
    struct timespec left = {end.tv_sec - now.tv_sec, end.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) left.tv_sec--, left.tv_nsec += 1000000000L;
    sigtimedwait(waiting, NULL, &left);
  }
  kill(0, SIGKILL);
  return 128 + SIGKILL;
}

int supervise_main(int argc, char **argv) {
  if (argc < 6) return 127;
  pid_t parent = (pid_t)strtol(argv[2], NULL, 10);
  /* Signals are taken synchronously below. SIGINT and SIGTERM are for the
     step: mbhost signals the whole group, and the supervisor outlives the
     step to pass its status on (mbhost's SIGKILL ends both). */
  sigset_t waiting;
  sigemptyset(&waiting);
  int sigs[] = {SIGCHLD, PARENT_DIED, SIGINT, SIGTERM, SIGHUP, SIGQUIT};
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
    sigaddset(&waiting, sigs[i]);
  sigprocmask(SIG_BLOCK, &waiting, NULL);
  prctl(PR_SET_PDEATHSIG, PARENT_DIED);
  if (getppid() != parent) return 128 + SIGKILL; /* died before prctl */

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &waiting);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  if (strcmp(argv[3], "-") != 0)
    posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, argv[3],
                                     O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
                                     0600);
  pid_t child;
  int rc = posix_spawn(&child, argv[4], &files, &attr, argv + 5, environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    fprintf(stderr, "mbhost: cannot run '%s': %s\n", argv[4], strerror(rc));
    return 127;
  }
  for (;;) {
    siginfo_t info;
    int sig = sigwaitinfo(&waiting, &info);
    int status;
    if (sig == SIGCHLD && waitpid(child, &status, WNOHANG) == child)
      return exit_like(status);
    if (sig == PARENT_DIED && getppid() != parent)
      return stop_group(child, &waiting);
  }
}
