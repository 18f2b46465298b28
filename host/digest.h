/* The source digest (part of stage 5, the cache): one SHA-256 over every
   file under the source folder (relative path, executable bit, content
   hash), skipping .git, folders and files the caller names (the output
   folder and the config file when they are inside the source) and `[project]
   ignore` globs. A stat cache file (path, size, mtime in ns, inode -> content
   hash) lets unchanged files be recognised without reading them. */
#ifndef MBHOST_DIGEST_H
#define MBHOST_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct digest_request {
  const char *root;       /* the source folder, absolute */
  const strvec *skip;     /* absolute folders and files to leave out (may
                             be NULL) */
  const strvec *ignore;   /* globs (may be NULL); see digest_ignored */
  const char *stat_cache; /* file to read and rewrite, or NULL for none */
  bool keep_stat_cache;   /* read the stat cache but do not rewrite it */
  /* NULL: everything under root. Else only these parts of it, each
     relative to root: "a/b" the files directly in that folder ("." the
     root's), "a/b/..." everything below it. The folders above them are
     checked (their stamps) but their other entries are not looked at. */
  const strvec *only;
} digest_request;

typedef struct digest_result {
  char hex[65];
  size_t files;  /* files in the digest */
  size_t hashed; /* of those, files whose content was read */
  /* With `only`: a digest per item, in the same order (a missing folder
     has the digest of no files). Free with digest_result_free. */
  char (*only_hex)[65];
  /* The latest ctime (ns) of a file or folder in the digest: whether any
     changed since a given time. */
  int64_t newest_ns;
} digest_result;

/* Computes the digest. Returns false with errno and *problem (caller frees)
   when a file or folder cannot be read. */
bool source_digest(const digest_request *req, digest_result *out,
                   char **problem);
void digest_result_free(digest_result *res);

/* True when `rel` (a path relative to the source, '/'-separated) is left
   out by one of the globs: a glob without '/' matches any path component
   (`*.md`, `docs`); a glob with '/' matches the whole relative path or a
   leading folder of it (`cmd/x.txt`, `internal/testdata`). */
bool digest_ignored(const strvec *ignore, const char *rel);

#endif
