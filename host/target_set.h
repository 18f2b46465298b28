/* The targets of one run and what became of each: the structure the plan,
   build, cache, progress and report stages hand along, as samurai hands
   its graph. */
#ifndef MBHOST_TARGET_SET_H
#define MBHOST_TARGET_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "matrix.h"
#include "plan.h"

typedef enum target_status {
  TARGET_PENDING,
  TARGET_UNSUPPORTED,
  TARGET_FAILED,
  TARGET_OK,
  TARGET_SKIPPED,    /* not built: another target failed first, or the run
                        was interrupted before it started */
  TARGET_TIMED_OUT,  /* stopped after [project] timeout */
  TARGET_INTERRUPTED /* stopped halfway by SIGINT or SIGTERM */
} target_status;

/* The one name of each status: artifacts.json and the summary. */
const char *target_status_name(target_status s);

typedef struct target_result {
  const target *target;
  plan plan;
  target_status status;
  char *reason; /* why unsupported or failed */
  char *log_path;
  char *staging, *scratch;
  double seconds;
  double expected_seconds; /* the last build's time, for scheduling; 0: none */
  char *image_id;          /* executor plugins: the image's content ID */
  char cache_key[65];      /* empty: not cacheable (or not yet: reads_key) */
  char reads_key[65];      /* a plan that narrows a tree: every input but
                              the tree (tree_reads.h); else empty */
  char *reads_record;      /* its record as the remote cache had it, when
                              the cache folder has none (owned) */
  bool cache_checked;      /* the key was looked up in the cache */
  bool cache_hit;
  bool cache_remote; /* the entry came from the remote cache this run */
} target_result;

typedef struct target_set {
  target_result *items;
  size_t len;
} target_set;

/* How many targets have status `s`. */
size_t target_set_count(const target_set *ts, target_status s);

#endif
