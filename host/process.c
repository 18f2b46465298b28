#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <mbhost/plugin.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "interrupt.h"

pid_t process_spawn(const char *const *argv, char *const *env, const char *cwd,
                    bool merge_stderr, int *out_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  if (merge_stderr)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  else
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  if (cwd) posix_spawn_file_actions_addchdir_np(&actions, cwd);

  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);

  pid_t pid;
  int rc =
      posix_spawnp(&pid, argv[0], &actions, &attr, (char *const *)argv, env);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    errno = rc;
    return -1;
  }
  *out_fd = fds[0];
  return pid;
}

int process_wait(pid_t pid) {
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return 127;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 127;
}

int capture_process(const char *const *argv, char *const *env, const char *cwd,
                    int merge_stderr, char *out, size_t cap, int *exit_code) {
  int fd;
  pid_t pid = process_spawn(argv, env, cwd, merge_stderr, &fd);
  if (pid < 0) return MB_ERROR;
  size_t len = 0;
  char sink[4096];
  bool cancelled = false;
  for (;;) {
    struct pollfd pfd[2] = {{fd, POLLIN, 0}, {interrupt_fd(), POLLIN, 0}};
    if (poll(pfd, interrupt_fd() >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) break;
    if (interrupt_requested() && !cancelled) {
      cancelled = true;
      kill(-pid, SIGTERM);
    }
    if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char *dst = len + 1 < cap ? out + len : sink;
    size_t room = len + 1 < cap ? cap - 1 - len : sizeof sink;
    ssize_t n = read(fd, dst, room);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (dst != sink) len += (size_t)n;
  }
  close(fd);
  if (cap) out[len] = '\0';
  int code = process_wait(pid);
  if (exit_code) *exit_code = code;
  return cancelled ? MB_CANCELLED : MB_OK;
}

void process_signal_groups(const pid_t *pids, size_t n, int signo) {
  for (size_t i = 0; i < n; i++)
    if (pids[i] > 0) kill(-pids[i], signo);
}
