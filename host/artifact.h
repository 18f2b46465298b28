/* The host's record of artifacts: build outputs and what each exporter
   emitted, with the checks on their names. */
#ifndef MBHOST_ARTIFACT_H
#define MBHOST_ARTIFACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct artifact {
  char *target; /* "os/arch" or NULL */
  char *kind;
  char *name;   /* relative, '/'-separated, no ".." */
  char *path;   /* absolute local path (may be gone after the run: staging) */
  char *url;    /* published location or NULL */
  char *sha256; /* lowercase hex */
  uint64_t size;
  char *exporter; /* who emitted it; "build" for build outputs */
} artifact;

typedef struct artifact_list {
  artifact *items;
  size_t len;
} artifact_list;

/* Appends a copy of `a`. */
void artifact_list_add(artifact_list *list, const artifact *a);
/* Removes (and frees) the last artifact. */
void artifact_list_pop(artifact_list *list);
void artifact_list_free(artifact_list *list);

/* NULL when `name` is a safe relative name, else why not (static text). */
const char *artifact_name_problem(const char *name);

#endif
