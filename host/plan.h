/* Stage 3: a target's plan, as a toolchain declared it through the plan_*
   services: environment, steps, working folder, image, declared outputs. */
#ifndef MBHOST_PLAN_H
#define MBHOST_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "matrix.h"

typedef struct plan_step {
  strvec argv;
  bool parallel;   /* MB_STEP_PARALLEL */
  bool tree_reads; /* the tree reads step: its standard output goes to
                      PLAN_TREE_READS_FILE, not to the log */
} plan_step;

/* Where the tree reads step's standard output goes. */
#define PLAN_TREE_READS_FILE "{scratch}/mbhost-tree-reads"

typedef struct plan_output {
  char *name; /* relative to the target's destination */
  char *from; /* where the steps leave it, before placeholder expansion */
  char *kind;
  bool optional; /* MB_OUTPUT_OPTIONAL: absent is fine */
  bool glob;     /* MB_OUTPUT_GLOB: `from` is a pattern; name is a folder */
} plan_output;

typedef struct plan {
  const target *target;
  strvec env; /* "NAME=value" to set, "NAME" to remove; later entries win */
  char *workdir;
  char *image;
  plan_step *steps;
  size_t nsteps;
  plan_output *outputs;
  size_t noutputs;
  /* "mb.plan-tree-reads/1": the tree whose part the build reads is keyed
     on (NULL: none), the parts every build reads, and the command that
     prints the rest (plan_complete makes it the last step). */
  char *reads_tree;
  strvec reads_always, reads_argv;
} plan;

void plan_set_env(plan *p, const char *name, const char *value);
void plan_add_step(plan *p, const char *const *argv, bool parallel);
/* flags: MB_OUTPUT_* */
void plan_add_output(plan *p, const char *name, const char *from,
                     const char *kind, uint32_t flags);
void plan_set_tree_reads(plan *p, const char *tree, const char *const *always,
                         const char *const *argv);
/* After the toolchain's plan call: the tree reads command, if any, becomes
   the last step. */
void plan_complete(plan *p);
void plan_free(plan *p);

/* Replaces every {staging} and {scratch} in `text`, and every {jobs} when
   `jobs` is not NULL. */
char *plan_expand(const char *text, const char *staging, const char *scratch,
                  const char *jobs);

/* The child environment: the host's environ with the plan's changes, and
   placeholders expanded ({jobs} too when `jobs` is not NULL). */
void plan_child_env(const plan *p, const char *staging, const char *scratch,
                    const char *jobs, strvec *out);

/* Writes the plan as readable text (dry run, log headers). */
void plan_print(const plan *p, FILE *out);

#endif
