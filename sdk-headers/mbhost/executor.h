/*
 * mbhost executor interface "mb.executor/1" (frozen once released).
 *
 * An executor runs plans somewhere other than on the host: in a container
 * image, on a remote engine. The host keeps everything else: it schedules
 * steps (-j, the jobserver's tokens, slowest targets first), expands
 * placeholders, writes logs and the live display, enforces [project]
 * timeout, collects and checks outputs, caches. An executor receives one
 * step at a time, already expanded, and runs it to the end.
 *
 * The local executor (processes on this machine) is built into the host and
 * is the default; [executor] use = NAME selects a plugin of kind
 * MB_KIND_EXECUTOR instead, configured by its [executor.NAME] section.
 *
 * IMAGES
 *   A target's image is the `image` key of [toolchain] or [target OS/ARCH]
 *   (the host owns it, for every toolchain), else the plan's set_image,
 *   else the toolchain probe's "image" fact. The host asks resolve_image
 *   for its content ID once per image and run: the ID, not the tag, is part
 *   of the cache key, and the host hands the ID back to run_command and
 *   run_step so a tag moved during the run does not mix two images.
 *
 * THE PROBE
 *   With an executor plugin, the toolchain's probe runs in the image of
 *   [toolchain] image (or, when unset, the image the host's own probe
 *   names): the mb.process/1 service's find_program and run go to
 *   run_command, and depends_on/depends_on_tree are ignored (the image ID
 *   covers what the toolchain is made of). Its facts are cached per image
 *   ID.
 *
 * PATHS
 *   Steps see the host's paths: the source folder, the target's staging and
 *   scratch folders and the working folder have the same absolute paths
 *   inside the container as on the host, so placeholders expand once, the
 *   same way for every executor, and logs read the same.
 *
 * THREADS
 *   run_step is called on a thread the host started for that step, while
 *   the host's main thread goes on with other targets' steps: up to -j
 *   run_step calls of one executor run at once, from different threads. It
 *   blocks until the step ended. Everything else runs on the main thread.
 *   See mbhost/plugin.h for the tags and compatibility rules.
 */
#ifndef MBHOST_SDK_EXECUTOR_H
#define MBHOST_SDK_EXECUTOR_H

#include "options.h"
#include "process.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_EXECUTOR_INTERFACE "mb.executor/1"

/* One step to run, filled by the host. [borrowed] Every string is
   expanded: no placeholders remain. */
typedef struct mb_exec_step {
  uint32_t struct_size;     /* sizeof(mb_exec_step) as the host compiled
                               it: read only the fields within it */
  const mb_target *target;  /* the target the step builds */
  const char *image;        /* as configured: "golang:1.22.1" */
  const char *image_id;     /* what resolve_image returned for it */
  const char *const *argv;  /* NULL-terminated; argv[0] is searched in the
                               image's PATH; no shell */
  const char *const *env;   /* NULL-terminated "NAME=value" items: the
                               plan's environment only (the host's own
                               environment is not passed into an image) */
  const char *workdir;      /* absolute */
  const char *source;       /* the project source: read-only for steps */
  const char *staging;      /* the target's staging folder: emptied by the
                               host before the first step */
  const char *scratch;      /* kept between runs for this target */
  uint32_t index, count;    /* this is step index+1 of count */
  const char *const *fetch; /* on the last step of a target: the declared
                               outputs' paths (absolute; a glob where the
                               output is one), which the executor must leave
                               at those paths on this machine when they
                               exist after the step; NULL on other steps */
  uint32_t uid, gid;        /* the invoking user: steps run as them, so
                               outputs are not owned by root */
  const char *run_id;       /* unique per mbhost run, for labels */
  void *reserved[4];        /* NULL */
} mb_exec_step;

/* Services of a run_step call. */
typedef struct mb_step_services {
  /* Appends the step's output (standard output and error, merged in the
     order written) to the target's log, the live display and -v. Partial
     lines are fine. [any-thread] data [copied] */
  void (*output)(mb_call *call, const char *data, size_t len);
} mb_step_services;

/* Services of a describe call (--dry-run). */
typedef struct mb_describe_services {
  /* Prints one line under the target in the dry run's plan ("mount: ...").
     [main-thread] [copied] */
  void (*line)(mb_call *call, const char *text);
} mb_describe_services;

typedef struct mb_executor {
  /* The keys accepted in [executor.NAME]; ends with a NULL key.
     [plugin-owned] */
  const mb_option *options;

  /* The content ID of `image` ("sha256:..."), into id (cap bytes). MB_OK;
     MB_ERROR with set_error when the image is not there (saying how to
     build, load or pull it) or the engine cannot be reached. Never pulls
     unless the executor's own options say so. [main-thread] */
  int (*resolve_image)(void *self, mb_call *call, const char *image, char *id,
                       size_t cap);

  /* Runs one program to completion in the image `image_id` (for the
     toolchain's probe), with the contract of mb_process_service.run: `env`
     NULL or "NAME=value" items; out and err as there (the same capture for
     both merges them; NULL discards); *exit_code the status. No mounts.
     MB_OK when the program ran, MB_ERROR when it could not (set_error),
     MB_CANCELLED on interrupt. [main-thread] arguments [borrowed] */
  int (*run_command)(void *self, mb_call *call, const char *image_id,
                     const char *const *argv, const char *const *env,
                     mb_capture *out, mb_capture *err, int *exit_code);

  /* Called once before the first step of a run that builds something:
     a place to remove what runs the host killed left behind. May be NULL.
     MB_OK, or MB_ERROR with set_error (the run stops, exit code 1).
     [main-thread] */
  int (*begin)(void *self, mb_call *call);

  /* Runs one step and returns when it ended: *exit_code gets its exit
     status (128+signal). Stops the step and returns MB_CANCELLED soon after
     host->cancelled(call) becomes non-zero (an interrupt, or the target's
     [project] timeout), leaving nothing running. MB_ERROR with set_error
     when the step could not be run. [any-thread: a host thread per step]
     step [borrowed] */
  int (*run_step)(void *self, mb_call *call, const mb_exec_step *step,
                  const mb_step_services *svc, int *exit_code);

  /* Describes, without doing anything, how the steps of a target would run
     (mounts, user, network): lines through svc->line. `step` is the
     target's first step, with argv and fetch NULL. May be NULL.
     [main-thread] */
  void (*describe)(void *self, mb_call *call, const mb_exec_step *step,
                   const mb_describe_services *svc);
} mb_executor;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_SDK_EXECUTOR_H: not MBHOST_EXECUTOR_H, the host's */
