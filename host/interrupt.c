#include "interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t received;
static int wake_pipe[2] = {-1, -1};

static void on_signal(int signo) {
  if (!received) received = signo;
  if (wake_pipe[1] >= 0) {
    char byte = 1;
    ssize_t ignored = write(wake_pipe[1], &byte, 1);
    (void)ignored;
  }
}

void interrupt_install(void) {
  if (pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    wake_pipe[0] = wake_pipe[1] = -1;
  struct sigaction sa = {0};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
}

int interrupt_requested(void) {
  return received;
}
int interrupt_fd(void) {
  return wake_pipe[0];
}
int interrupt_exit_code(void) {
  return 128 + received;
}
