/* Stage 2: the build matrix. [matrix] os x arch, minus exclude, plus
   include, narrowed by --target. Targets use Go's os/arch vocabulary. */
#ifndef MBHOST_MATRIX_H
#define MBHOST_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

typedef struct target {
  char *name; /* "linux/amd64" */
  char *os;
  char *arch;
} target;

typedef struct matrix {
  target *targets;
  size_t len;
} matrix;

/* Builds the matrix from cfg's [matrix] section. Errors go to cfg->errors;
   returns false if any. */
bool matrix_build(matrix *m, config *cfg);
/* Keeps only the targets named in `only` (all when it is empty); a name
   that is not in the matrix is an error. */
bool matrix_narrow(matrix *m, config *cfg, const strvec *only);
void matrix_free(matrix *m);
const target *matrix_find(const matrix *m, const char *name);

/* Splits "os/arch" after checking both words are known; on error returns
   false with *problem (owned by the caller) saying what is wrong. */
bool parse_target_name(const char *text, char **os, char **arch,
                       char **problem);

extern const char *const known_os[];
extern const char *const known_arch[];

#endif
