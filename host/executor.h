/* Stage 4: the local executor. Runs the steps of every planned target,
   at most `jobs` processes at once, one staging folder and one log file per
   target, and collects each target's declared outputs. */
#ifndef MBHOST_EXECUTOR_H
#define MBHOST_EXECUTOR_H

#include <stdbool.h>

#include "artifact.h"
#include "executor_plugin.h"
#include "target_set.h"

typedef struct build_options {
  int jobs;                   /* processes at once, children included */
  bool keep_going;            /* build the others when one fails */
  const char *cache_root;     /* restore cache hits from here; NULL: none */
  const char *workdir;        /* steps' folder unless the plan sets one */
  const char *state_dir;      /* where the jobserver's fifo goes */
  unsigned long long timeout; /* seconds per target; 0: none */
  exec_plugin *plugin;        /* steps run through it; NULL: processes */
} build_options;

/* Builds every target whose status is TARGET_PENDING (restoring those whose
   cache_key is in the cache), setting TARGET_OK, TARGET_FAILED,
   TARGET_TIMED_OUT, TARGET_INTERRUPTED for a build an interrupt cut off, or
   TARGET_SKIPPED for one never started (after a failure without keep_going,
   or an interrupt).
   Successful targets' outputs are appended to `outputs`. Returns false
   when the run was interrupted (every child has been stopped). */
bool executor_run(target_set *ts, const build_options *o,
                  artifact_list *outputs);

#endif
