/*
 * mbhost toolchain interface "mb.toolchain/1" (frozen once released).
 *
 * A toolchain turns one target into a plan: environment, argv steps, working
 * folder and declared outputs. It never runs the build itself; the host
 * executes plans (in parallel, cached, logged, in a container where an
 * executor says so). Each phase gets the services of that phase as an
 * argument: probe services in probe, plan services in plan. Options and
 * processes are services by id (options.h, process.h). See mbhost/plugin.h
 * for the tags and compatibility rules.
 *
 * Optional extensions, each under its own id and header:
 *   "mb.toolchain.detect/1"   (toolchain-detect.h)   for `mbhost init`
 *   "mb.toolchain.validate/1" (toolchain-validate.h) for `mbhost validate`
 *
 * PLACEHOLDERS
 *   Plan text may hold placeholders, replaced by the host when the plan
 *   runs, wherever they occur inside a value (a substring: "-j{jobs}" and
 *   "--out={staging}/bin" both work):
 *   {staging}  the target's staging folder, emptied before the first step;
 *              in argv, env values, the workdir and output `from` paths
 *   {scratch}  a folder kept between runs for this target (incremental
 *              build state, such as a cargo target directory); same places
 *   {jobs}     the target's share of -j (at least 1), for tools with their
 *              own parallelism flag (`go build -p {jobs}`); in argv and env
 *              values. make and cargo instead find mbhost's jobserver in
 *              MAKEFLAGS and CARGO_MAKEFLAGS.
 *   The cache key holds the plan text with placeholders unexpanded.
 *
 * THE PROBE CACHE
 *   The facts a probe records are cached by the host, keyed on the plugin
 *   (id and version), its [toolchain] options as written and the PATH. They
 *   are reused, without calling probe, while every file declared with
 *   depends_on keeps its path, size, modification time and inode, and the
 *   content digest of every tree declared with depends_on_tree (or
 *   "mb.probe-tree/1") is the same. The build cache key holds every fact and
 * the content digests of those files and trees, so a toolchain whose files
 * changed (a patched GOROOT) never gets another toolchain's results.
 */
#ifndef MBHOST_TOOLCHAIN_H
#define MBHOST_TOOLCHAIN_H

#include "options.h"
#include "process.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_TOOLCHAIN_INTERFACE "mb.toolchain/1"

/* Services of a probe call: what the toolchain is, and what it is made of. */
typedef struct mb_probe_services {
  /* Records a fact about the toolchain. The key "version" is required (one
     line, such as "go1.22.1"); "image" is the default container image for
     container executors (such as "golang:1.22.1"). Plan calls read facts
     back with fact(). [main-thread] [copied] */
  void (*set_fact)(mb_call *call, const char *key, const char *value);

  /* Declares a file the toolchain is made of (the tool's executable).
     [main-thread] [copied] */
  void (*depends_on)(mb_call *call, const char *path);

  /* Declares a whole folder the toolchain is made of (GOROOT, a Rust
     sysroot, a cross compiler's sysroot): the content of every file under
     it is part of the cache key. [main-thread] [copied] */
  void (*depends_on_tree)(mb_call *call, const char *path);
} mb_probe_services;

/* ABI 1.3. A probe service, from get_service(MB_PROBE_TREE_SERVICE) (NULL
   on older hosts: fall back to depends_on_tree). */
#define MB_PROBE_TREE_SERVICE "mb.probe-tree/1"

typedef struct mb_probe_tree_service {
  /* Declares a folder as depends_on_tree does, but for the files and
     folders that match one of `ignore` (NULL-terminated; a glob without
     '/' matches any name below `path`, one with '/' the path from `path`,
     as [project] ignore): what the toolchain never reads to build, such
     as the Go standard library's tests. Their content is not in the cache
     key and a run does not check them. Only during probe (elsewhere it
     does nothing). [main-thread] `path` and `ignore` [copied] */
  void (*depends_on_tree_except)(mb_call *call, const char *path,
                                 const char *const *ignore);
} mb_probe_tree_service;

/* ABI 1.4. A plan service, from get_service(MB_PLAN_TREE_READS_SERVICE)
   (NULL on older hosts: the whole tree stays in every key). */
#define MB_PLAN_TREE_READS_SERVICE "mb.plan-tree-reads/1"

typedef struct mb_plan_tree_reads_service {
  /* Narrows a tree the probe declared (depends_on_tree_except) to the part
     of it this target's build reads: the cache key covers that part only,
     and a run checks only its files. The part is
       - `always` (NULL-terminated, relative to `tree`): what every build
         reads; "a/b" is the files directly in that folder ("." the tree's
         own), "a/b/..." everything below it;
       - and the folders (their files, not their subfolders) that `argv`
         prints, one a line: absolute, or relative to `tree`. The host
         runs it as the target's last step, in the steps' folder and
         environment, with its standard output going to a file instead of
         the log; it fails the target like any step. The list is recorded
         with the result, so a target misses the cache until a build of the
         same inputs has run it.
     The tree's ignore globs still apply. For a tree the probe did not
     declare (or declared in a container image) it does nothing; a second
     call replaces the first. Only in plan. [main-thread] [copied] */
  void (*tree_reads)(mb_call *call, const char *tree, const char *const *always,
                     const char *const *argv);
} mb_plan_tree_reads_service;

/* Step flags for add_step. */
enum {
  MB_STEP_PARALLEL = 1u << 0 /* may run at the same time as the
                                neighbouring steps with this flag */
};

/* Output flags for add_output. */
enum {
  MB_OUTPUT_OPTIONAL = 1u << 0, /* absent after the steps is fine (a .pdb
                                   that only some build modes write) */
  MB_OUTPUT_GLOB = 1u << 1      /* `from` is a glob (*, ?, [...]) of files
                                   in one folder; each match is an output
                                   named `name`/BASENAME, or BASENAME when
                                   name is "" or NULL. No match fails the
                                   target unless MB_OUTPUT_OPTIONAL. */
};

/* Services of a plan call: the plan being declared for one target. */
typedef struct mb_plan_services {
  /* A fact the probe recorded, or NULL. [main-thread] result [borrowed] */
  const char *(*fact)(mb_call *call, const char *key);

  /* Sets (value non-NULL) or removes (value NULL) an environment variable
     for every step. [main-thread] [copied] */
  void (*set_env)(mb_call *call, const char *name, const char *value);

  /* Sets every NAME=value item of an MB_OPT_ENV option (as resolved for the
     target) with set_env; the host validated the items with the config.
     [main-thread] */
  void (*set_env_option)(mb_call *call, const char *key);

  /* Sets the working folder of the steps: absolute, or relative to the
     project source. Default: the project source. [main-thread] [copied] */
  void (*set_workdir)(mb_call *call, const char *path);

  /* Overrides the container image for container executors (default: the
     probe's "image" fact, or the toolchain's `image` option). The local
     executor ignores it; it is part of the cache key. [main-thread]
     [copied] */
  void (*set_image)(mb_call *call, const char *image);

  /* Appends a step: argv is NULL-terminated; argv[0] is searched in PATH;
     no shell. Steps run in order; consecutive steps added with
     MB_STEP_PARALLEL may run at the same time (each one still waits for
     every earlier step without the flag, and the next step without it
     waits for them). Placeholders: see the top of this header. Logs and
     -v show each step's argv in full, expanded. [main-thread] [copied] */
  void (*add_step)(mb_call *call, const char *const *argv, uint32_t flags);

  /* Declares an output. `name` is its name relative to the target's
     destination (e.g. "hello.exe"). `from` is where the finished steps
     leave it (placeholders expanded; relative paths against the staging
     folder), or NULL for "{staging}/name". `kind`: "binary" (an executable
     for the target: the host checks its format and machine), "library",
     "file", ...; NULL is "file". flags: MB_OUTPUT_*. A declared output
     that is missing after the steps fails the target, unless optional.
     [main-thread] [copied] */
  void (*add_output)(mb_call *call, const char *name, const char *from,
                     const char *kind, uint32_t flags);
} mb_plan_services;

typedef struct mb_toolchain {
  /* The keys accepted in [toolchain] (and, with MB_OPT_PER_TARGET, in
     [target os/arch]); ends with a NULL key. [plugin-owned] */
  const mb_option *options;

  /* Finds the tools and records facts (at least "version") and what the
     toolchain is made of. Not called while the host's cached facts are
     valid. MB_OK; MB_UNSUPPORTED or MB_ERROR with set_error saying what to
     install; MB_ERROR after options->error() for a bad option value (a
     configuration error, exit code 2). [main-thread] */
  int (*probe)(void *self, mb_call *call, const mb_probe_services *probe);

  /* Declares the plan for `target`. Called once per target, after probe
     (or its cached facts). MB_OK; MB_UNSUPPORTED with set_error giving the
     reason and what to do ("run `rustup target add
     aarch64-unknown-linux-gnu`"); MB_ERROR for a problem, after
     options->error() when it is a bad option value. [main-thread] */
  int (*plan)(void *self, mb_call *call, const mb_target *target,
              const mb_plan_services *plan);
} mb_toolchain;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_TOOLCHAIN_H */
