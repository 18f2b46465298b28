#include "jobserver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool jobserver_open(jobserver *js, const char *dir, int jobs) {
  *js =
      (jobserver){.fd = -1, .child_read = -1, .child_write = -1, .jobs = jobs};
  js->fifo = xasprintf("%s/jobserver.%ld", dir, (long)getpid());
  unlink(js->fifo);
  if (mkfifo(js->fifo, 0600) != 0) return false;
  /* O_RDWR keeps the fifo open for writing, so readers never see EOF. */
  js->fd = open(js->fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (js->fd < 0) {
    jobserver_close(js);
    return false;
  }
  /* Each open() has its own file status: these stay blocking, as make
     expects, while mbhost's own descriptor does not block. */
  js->child_read = open(js->fifo, O_RDONLY | O_NONBLOCK);
  js->child_write = open(js->fifo, O_WRONLY);
  if (js->child_read < 0 || js->child_write < 0 ||
      fcntl(js->child_read, F_SETFL, 0) != 0) {
    jobserver_close(js);
    return false;
  }
  for (int i = 1; i < jobs; i++)
    if (write(js->fd, "+", 1) != 1) {
      jobserver_close(js);
      return false;
    }
  return true;
}

bool jobserver_try_acquire(jobserver *js) {
  if (js->fd < 0) return true;
  char token;
  ssize_t n;
  do
    n = read(js->fd, &token, 1);
  while (n < 0 && errno == EINTR);
  return n == 1;
}

void jobserver_release(jobserver *js) {
  if (js->fd < 0) return;
  ssize_t n;
  do
    n = write(js->fd, "+", 1);
  while (n < 0 && errno == EINTR);
}

static void replace_env(strvec *env, const char *name, char *entry) {
  size_t n = strlen(name);
  for (size_t i = 0; i < env->len; i++)
    if (strncmp(env->items[i], name, n) == 0 && env->items[i][n] == '=') {
      free(env->items[i]);
      env->items[i] = entry;
      return;
    }
  strvec_push_owned(env, entry);
}

void jobserver_child_env(const jobserver *js, strvec *env) {
  if (js->fd < 0) return;
  replace_env(env, "MAKEFLAGS",
              xasprintf("MAKEFLAGS= -j%d --jobserver-auth=%d,%d", js->jobs,
                        js->child_read, js->child_write));
  replace_env(env, "CARGO_MAKEFLAGS",
              xasprintf("CARGO_MAKEFLAGS= -j%d --jobserver-auth=fifo:%s",
                        js->jobs, js->fifo));
}

void jobserver_close(jobserver *js) {
  if (js->fd >= 0) close(js->fd);
  if (js->child_read >= 0) close(js->child_read);
  if (js->child_write >= 0) close(js->child_write);
  if (js->fifo) unlink(js->fifo);
  free(js->fifo);
  *js = (jobserver){.fd = -1, .child_read = -1, .child_write = -1};
}
