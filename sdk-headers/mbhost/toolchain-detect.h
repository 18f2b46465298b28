/*
 * mbhost toolchain extension "mb.toolchain.detect/1" (optional).
 *
 * `mbhost init` asks every toolchain that has this extension whether it
 * recognises the project in the current folder, and writes a build.ini from
 * the best answer: the toolchain's proposed [toolchain] keys, its proposed
 * targets (the host keeps those this machine can build, by the same probe
 * and plan a build uses), and its notes as comments. The host knows nothing
 * about any toolchain's files or options. See mbhost/plugin.h for the tags.
 *
 * The plugin's init runs first, as for a build, but with no configuration:
 * options read through mb.options/1 are the table's defaults, project()
 * returns NULL, and options->error() only sets the call's error.
 */
#ifndef MBHOST_TOOLCHAIN_DETECT_H
#define MBHOST_TOOLCHAIN_DETECT_H

#include "toolchain.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MB_TOOLCHAIN_DETECT_EXTENSION "mb.toolchain.detect/1"

/* How sure a toolchain is that the project is its own; the highest wins. */
enum {
  MB_MATCH_WEAK = 10,   /* files the toolchain could build (*.c) */
  MB_MATCH_BUILD = 50,  /* a build file it drives (Makefile, CMakeLists) */
  MB_MATCH_PROJECT = 90 /* the project file of its language (go.mod) */
};

typedef struct mb_detect_services {
  /* The project folder (absolute). [main-thread] result [borrowed] */
  const char *(*folder)(mb_call *call);

  /* The text of `path` (relative to the folder; at most 1 MiB is read), or
     NULL when it is not a regular file. [main-thread] result [borrowed] */
  const char *(*read_text)(mb_call *call, const char *path);

  /* Files whose name matches the glob `pattern` ("*.c"), as paths
     relative to the folder, sorted, at most `max_depth` folders deep (0:
     the folder itself), skipping hidden folders and build output folders
     (build, dist, out, target, node_modules, vendor). NULL-terminated;
     *count may be NULL. [main-thread] result [borrowed] */
  const char *const *(*find_files)(mb_call *call, const char *pattern,
                                   int max_depth, size_t *count);

  /* Says the toolchain recognises the project: `strength` MB_MATCH_* (or
     between), `evidence` the file that decided it ("go.mod"). [copied] */
  void (*match)(mb_call *call, int strength, const char *evidence);

  /* Proposes the project name (the host makes it a valid name).
     [main-thread] [copied] */
  void (*propose_name)(mb_call *call, const char *name);

  /* Proposes a [toolchain] key, with a comment line (or NULL) written
     above it. Proposed keys are validated like a written INI (relative
     paths against the project folder). [main-thread] [copied] */
  void (*propose_key)(mb_call *call, const char *key, const char *value,
                      const char *comment);

  /* Proposes a target ("linux/amd64"). Without any, the host proposes
     linux, darwin, windows x amd64, arm64. [main-thread] [copied] */
  void (*propose_target)(mb_call *call, const char *target);

  /* A comment line for the top of the generated file. [main-thread]
     [copied] */
  void (*note)(mb_call *call, const char *text);
} mb_detect_services;

typedef struct mb_toolchain_detect {
  /* Looks at the folder. MB_OK after match() when the project is one this
     toolchain builds; MB_UNSUPPORTED when it is not (no message needed).
     [main-thread] */
  int (*detect)(void *self, mb_call *call, const mb_detect_services *detect);
} mb_toolchain_detect;

#ifdef __cplusplus
}
#endif

#endif /* MBHOST_TOOLCHAIN_DETECT_H */
