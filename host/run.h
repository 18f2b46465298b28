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

typedef struct project {
  char *name, *version, *source, *output, *config_path;
} project;

/* Facts a toolchain probe recorded (parallel arrays). */
typedef struct facts {
  strvec keys, values;
} facts;

typedef enum target_status {
  TARGET_PENDING,
  TARGET_UNSUPPORTED,
  TARGET_FAILED,
  TARGET_OK,
  TARGET_SKIPPED,  /* not built because another target failed first */
  TARGET_TIMED_OUT /* stopped after [project] timeout */
} target_status;

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
  target_result *results;  /* one per matrix target */
  artifact_list reported;  /* everything exporters emitted */
  struct journal *journal; /* during the export: what to undo on failure */
  double export_seconds;
} run;

/* Loads and validates everything that does not need to build: config,
   matrix, plugins, plugin options. Exits with EXIT_USAGE on any problem. */
void run_prepare(run *r, const run_options *opts);
/* Probes the toolchain and plans every target, quietly: each result says
   whether it can be built and why not. Builds and creates nothing. False
   (after saying why) when the toolchain is not usable. */
bool run_plan_only(run *r);
/* The main job: plan, build, export, report. Returns the exit code. */
int run_main(run *r);
void run_free(run *r);

const char *facts_get(const facts *f, const char *key);
void facts_set(facts *f, const char *key, const char *value);

#endif
