/* The executor seam: [executor] use = NAME hands the steps to an executor
   plugin ("mb.executor/1", such as docker) instead of running them as
   local processes. This file finds and checks that plugin, gives each
   target its image and the image's content ID, routes the toolchain's
   probe into the image, and runs each step on a thread of its own for the
   scheduler of executor.c, which reads the step's output from a socket as
   it reads a process's, and stops it through exec_step_stop. */
#ifndef MBHOST_EXECUTOR_PLUGIN_H
#define MBHOST_EXECUTOR_PLUGIN_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "loader.h"
#include "project.h"
#include "target_set.h"

/* The name of the executor plugin [executor] use names, or NULL for the
   local executor. */
const char *executor_plugin_wanted(const config *cfg);

/* Checks [executor] and every [executor.NAME] section; the plugin
   [executor] use names, or NULL for the local executor (or after an error,
   which goes to cfg->errors). */
plugin *executor_plugin_find(config *cfg, const plugin_registry *reg);

/* One run's executor plugin, and the images it resolved. */
typedef struct exec_plugin {
  plugin *plugin;
  config *cfg;
  const project *project;
  char *section;   /* "executor.NAME" */
  char run_id[33]; /* labels what this run starts */
  strvec images;   /* resolved so far, parallel to ids */
  strvec ids;
} exec_plugin;

void exec_plugin_init(exec_plugin *e, plugin *p, config *cfg,
                      const project *proj);
void exec_plugin_free(exec_plugin *e);

/* [toolchain] image as the section sets it (not a [target] override), or
   NULL: the image the probe runs in. */
const char *exec_plugin_probe_image(const config *cfg);

/* The content ID of `image`, resolved once per run; NULL with *error
   (owned by the caller) when the plugin cannot resolve it. */
const char *exec_plugin_resolve(exec_plugin *e, const char *image,
                                char **error);

/* Gives every pending target its image (the [target]/[toolchain] `image`
   key, else the plan's, else the probe's "image" fact) and the image's ID.
   A target without one, or whose image cannot be resolved, is failed with
   the reason. */
void exec_plugin_assign_images(exec_plugin *e, const facts *f, target_set *ts);

/* --dry-run: how target `tr`'s steps would run (the plugin's describe). */
void exec_plugin_describe(exec_plugin *e, const target_result *tr,
                          const char *workdir, FILE *out);

/* Before the first step of a run that builds: the plugin's begin. NULL, or
   why the run cannot go on (owned by the caller). */
char *exec_plugin_begin(exec_plugin *e);

/* One step running on its own thread. */
typedef struct exec_step exec_step;

/* Starts step `s` of `tr` (argv and cwd expanded by the caller, `jobs` its
   share of -j for the environment); *fd reads its output. NULL when no
   thread could be started (errno set). */
exec_step *exec_step_start(exec_plugin *e, const target_result *tr, size_t s,
                           const strvec *argv, const char *cwd,
                           const char *jobs, int *fd);
/* Asks the step to stop (an interrupt or a timeout); returns at once. */
void exec_step_stop(exec_step *st);
/* Waits for the step's thread and frees it: the exit status; *reason
   (owned by the caller) when the step could not be run, else NULL. */
int exec_step_wait(exec_step *st, char **reason);

#endif
