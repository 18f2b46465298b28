/* One mbhost run, as main sees it: what the command line asked for, and
   the stages strung together (prepare, plan, build, export, report). Each
   stage gets only what it needs from here and returns its results. */
#ifndef MBHOST_RUN_H
#define MBHOST_RUN_H

#include <stdbool.h>

#include "artifact.h"
#include "config.h"
#include "executor_plugin.h"
#include "loader.h"
#include "matrix.h"
#include "plan.h"
#include "project.h"
#include "remote_cache.h"
#include "shard.h"
#include "target_set.h"

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
  shard_spec shard; /* --shard K/N; n == 0: the whole matrix */
} run_options;

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
  plugin *executor;     /* [executor] use, or NULL: the local executor */
  exec_plugin exec;     /* with that plugin: the images it resolved */
  plugin *store;        /* [cache] remote, or NULL */
  remote_cache *remote; /* that store, opened for a build or a dry run */
  facts facts;
  char *state_dir;    /* staging, logs and scratch folders for this output */
  target_set targets; /* one per matrix target */
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
