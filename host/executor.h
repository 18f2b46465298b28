/* Stage 4: the local executor. Runs the steps of every planned target,
   at most `jobs` processes at once, one staging folder and one log file per
   target, and collects each target's declared outputs. */
#ifndef MBHOST_EXECUTOR_H
#define MBHOST_EXECUTOR_H

#include "run.h"

/* Builds every target whose status is TARGET_PENDING, setting TARGET_OK or
   TARGET_FAILED (or TARGET_SKIPPED after a failure without --keep-going).
   Successful targets' outputs are appended to `outputs`. Returns false when
   the run was interrupted (every child has been stopped). */
bool executor_run(run *r, int jobs, artifact_list *outputs);

#endif
