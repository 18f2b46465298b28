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
                    stderr_mode mode, int *out_fd, int *err_fd) {
  int fds[2], efds[2] = {-1, -1};
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  if (mode == STDERR_PIPE && pipe2(efds, O_CLOEXEC) != 0) {
    close(fds[0]), close(fds[1]);
    return -1;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  if (mode == STDERR_MERGE)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  else if (mode == STDERR_PIPE)
    posix_spawn_file_actions_adddup2(&actions, efds[1], 2);
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
  if (efds[1] >= 0) close(efds[1]);
  if (rc != 0) {
    close(fds[0]);
    if (efds[0] >= 0) close(efds[0]);
    errno = rc;
    return -1;
  }
  *out_fd = fds[0];
  if (err_fd) *err_fd = efds[0];
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

/* Appends what one read() gives to `buf`; false at end of stream. */
static bool read_into(int fd, capture_buf *buf) {
  char sink[4096];
  bool keep = buf && buf->len + 1 < buf->cap;
  char *dst = keep ? buf->data + buf->len : sink;
  size_t room = keep ? buf->cap - 1 - buf->len : sizeof sink;
  ssize_t n;
  do
    n = read(fd, dst, room);
  while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  if (!buf) return true;
  if (!keep) buf->truncated = true;
  buf->len += (size_t)n;
  if (keep) buf->data[buf->len] = '\0';
  return true;
}

int capture_process(const char *const *argv, char *const *env, const char *cwd,
                    capture_buf *out, capture_buf *err, int *exit_code) {
  stderr_mode mode = !err         ? STDERR_DISCARD
                     : err == out ? STDERR_MERGE
                                  : STDERR_PIPE;
  capture_buf *bufs[2] = {out, err};
  for (int i = 0; i < 2; i++)
    if (bufs[i]) {
      bufs[i]->len = 0;
      bufs[i]->truncated = false;
      if (bufs[i]->cap) bufs[i]->data[0] = '\0';
    }
  int fds[2] = {-1, -1};
  pid_t pid = process_spawn(argv, env, cwd, mode, &fds[0], &fds[1]);
  if (pid < 0) return MB_ERROR;
  bool cancelled = false;
  while (fds[0] >= 0 || fds[1] >= 0) {
    struct pollfd pfd[3] = {
        {fds[0], POLLIN, 0}, {fds[1], POLLIN, 0}, {interrupt_fd(), POLLIN, 0}};
    if (poll(pfd, 3, -1) < 0 && errno != EINTR) break;
    if (interrupt_requested() && !cancelled) {
      cancelled = true;
      kill(-pid, SIGTERM);
    }
    for (int i = 0; i < 2; i++)
      if (fds[i] >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
          !read_into(fds[i], bufs[i])) {
        close(fds[i]);
        fds[i] = -1;
      }
  }
  for (int i = 0; i < 2; i++)
    if (fds[i] >= 0) close(fds[i]);
  int code = process_wait(pid);
  if (exit_code) *exit_code = code;
  return cancelled ? MB_CANCELLED : MB_OK;
}

void process_signal_groups(const pid_t *pids, size_t n, int signo) {
  for (size_t i = 0; i < n; i++)
    if (pids[i] > 0) kill(-pids[i], signo);
}
