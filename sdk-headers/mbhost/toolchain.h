/*
 * mbhost toolchain interface "mb.toolchain/1" (frozen once released).
 *
 * A toolchain turns one target into a plan: environment, argv steps, working
 * folder and declared outputs. It never runs the build itself; the host
 * executes plans (in parallel, cached, logged). See mbhost/plugin.h for
 * ownership, threading and compatibility rules.
 */
#ifndef MBHOST_TOOLCHAIN_H
#define MBHOST_TOOLCHAIN_H

#include "plugin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_TOOLCHAIN_INTERFACE "mb.toolchain/1"

typedef struct mb_toolchain {
  /* The keys accepted in [toolchain] (and, with MB_OPT_PER_TARGET, in
     [target os/arch]); ends with a NULL key. Plugin-owned, static. */
  const mb_option *options;

  /* Finds the tools and records facts with probe_set_fact (at least
     "version") and the files they depend on with probe_depends_on. Not
     called when the host's cached facts are still valid. Main thread.
     MB_OK, or MB_ERROR / MB_UNSUPPORTED with set_error saying what to
     install. */
  int (*probe)(void *self, mb_call *call);

  /* Declares the plan for `target` with the plan_* services. Called once per
     target, on the main thread, after probe (or its cached facts).
     MB_OK; MB_UNSUPPORTED with set_error giving the reason and what to do
     ("run `rustup target add aarch64-unknown-linux-gnu`"); MB_ERROR for a
     configuration problem. `target` is borrowed for the call. */
  int (*plan)(void *self, mb_call *call, const mb_target *target);
} mb_toolchain;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_TOOLCHAIN_H */
