/* SIGINT/SIGTERM: recorded, never acted on inside the handler; the
   executor's poll loop wakes through interrupt_fd() and stops its jobs. */
#ifndef MBHOST_INTERRUPT_H
#define MBHOST_INTERRUPT_H

void interrupt_install(void);
/* The signal received (SIGINT or SIGTERM), or 0. */
int interrupt_requested(void);
/* Readable once a signal arrived; for poll(). */
int interrupt_fd(void);
/* 128 + signal, the conventional exit code after an interrupt. */
int interrupt_exit_code(void);

#endif
