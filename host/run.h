/* One mbhost run: what the command line asked for and the state every
   stage shares (config, matrix, plugins, plans, results). */
#ifndef MBHOST_RUN_H
#define MBHOST_RUN_H

#include <stdbool.h>

#include "artifact.h"
#include "config.h"
#include "loader.h"
#include "matrix.h"
#include "plan.h"
#include "project.h"

typedef struct run_options {
  const char *config_path;
  int jobs; /* 0: the CPU count */
  strvec targets;
  strvec plugin_dirs;
  strvec sets; /* --set section.key=value */
  const char *output_override;
  bool keep_going;
  bool dry_run;
  bool no_cache;
} run_options;

typedef enum target_status {
  TARGET_PENDING,
  TARGET_UNSUPPORTED,
  TARGET_FAILED,
  TARGET_OK,
  TARGET_SKIPPED,  /* not built because another target failed first */
  TARGET_TIMED_OUT /* stopped after [project] timeout */
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
  char cache_key[65];      /* empty: not cacheable */
  bool cache_hit;
} target_result;

typedef struct run {
  const run_options *opts;
  int jobs; /* -j, resolved */
  config cfg;
  matrix matrix;
  project project;
  plugin_registry plugins;
  plugin *toolchain;
  plugin **exporters;
  size_t nexporters;
  facts facts;
  char *state_dir;     /* staging, logs and scratch folders for this output */
  char *cache_root;    /* the cache folder; NULL for a dry run */
  char *source_digest; /* before the build; NULL when nothing is cached */
  target_result *results; /* one per matrix target */
  artifact_list reported; /* everything exporters emitted */
  double export_seconds;
} run;

/* Loads and validates everything that does not need to build: config,
   matrix, plugins, plugin options. EXIT_OK, or EXIT_USAGE after printing
   every problem. */
int run_prepare(run *r, const run_options *opts);
/* Probes the toolchain, validates and plans every target, quietly: each
   result says whether it can be built and why not. Builds and creates
   nothing. EXIT_OK, EXIT_USAGE (an option refused) or EXIT_BUILD (the
   toolchain is not usable). */
int run_plan_only(run *r);
/* `mbhost validate`: run_plan_only, reporting every target that cannot be
   built; the exit code. */
int run_validate(run *r);
/* The main job: plan, build, export, report. Returns the exit code. */
int run_main(run *r);
void run_free(run *r);

#endif
