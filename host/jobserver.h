/* mbhost as a GNU make jobserver for the processes it runs, so concurrent
   make and cargo builds share -j instead of multiplying it. With -j N a
   fifo holds N - 1 tokens. Every process mbhost runs beyond the first
   holds one of them, so its own steps and its children's jobs together
   stay at N. Children find the jobserver in
     CARGO_MAKEFLAGS=" -jN --jobserver-auth=fifo:PATH"   (cargo)
     MAKEFLAGS=" -jN --jobserver-auth=R,W"               (make)
   MAKEFLAGS uses the descriptor form, two inherited descriptors open on
   the same fifo: GNU make 4.3 (Debian 12) stops with "invalid
   --jobserver-auth string" on the fifo form, which only make 4.4 reads;
   make 4.4 reads both. */
#ifndef MBHOST_JOBSERVER_H
#define MBHOST_JOBSERVER_H

#include <stdbool.h>

#include "util.h"

typedef struct jobserver {
  char *fifo;
  int fd; /* read and write end, non-blocking; -1 when not running */
  int child_read, child_write; /* blocking, inherited by children */
  int jobs;
} jobserver;

/* Creates the fifo in `dir` with jobs - 1 tokens. False (and fd -1) when
   it cannot: mbhost then runs without sharing, as before. */
bool jobserver_open(jobserver *js, const char *dir, int jobs);
/* Takes a token without waiting; false when none is free. */
bool jobserver_try_acquire(jobserver *js);
void jobserver_release(jobserver *js);
/* Adds MAKEFLAGS and CARGO_MAKEFLAGS to a child's environment. */
void jobserver_child_env(const jobserver *js, strvec *env);
void jobserver_close(jobserver *js);

#endif
