/* The project a run builds ([project] resolved against the INI file) and the
   facts a toolchain probe recorded about its tools. */
#ifndef MBHOST_PROJECT_H
#define MBHOST_PROJECT_H

#include "config.h"

typedef struct project {
  char *name, *version, *source, *output, *config_path;
  char *output_real; /* output with symlinks resolved: what locks key on */
  char *jobs;        /* -j as decimal text, for plugins (project("jobs")) */
} project;

/* Reads [project] from a validated config: paths made absolute (output from
   `output_override` relative to the working folder, when given). Problems
   go to cfg->errors. */
void project_load(project *p, config *cfg, const char *output_override,
                  int jobs);
void project_free(project *p);

/* Facts a toolchain probe recorded (parallel arrays), and what the
   toolchain is made of. */
typedef struct facts {
  strvec keys, values;
  strvec files;        /* depends_on */
  strvec trees;        /* depends_on_tree */
  strvec tree_ignores; /* per tree: its ignore globs, one a line ("": none) */
} facts;

const char *facts_get(const facts *f, const char *key);
void facts_set(facts *f, const char *key, const char *value);
void facts_free(facts *f);
/* The ignore globs of the tree trees.items[i], into *out. */
void facts_tree_ignores(const facts *f, size_t i, strvec *out);

#endif
