/* Keys narrowed to the part of a toolchain tree a build reads (part of
   stage 5, the cache; "mb.plan-tree-reads/1", ABI 1.4). Checking a whole
   GOROOT is 6,000 stats per run; a program reads a third of it.

   A target whose plan narrows a tree has a reads key (every input but
   that tree). Its last build of that reads key left a record of the parts
   of the tree it read, in the cache folder:
     tree-reads/<k0k1>/<READS KEY>   "mbhost-tree-reads/1\n", then a part a
                                     line: a folder relative to the tree
   Its cache key is the SHA-256 of the reads key and of the digest of each
   part (the plan's `always` parts and the recorded ones). With no record
   it has no key until it is built: then its reads step says what it read,
   which is recorded, digested and keyed, and the result stored.

   Why a hit is still right: a build is a function of its inputs. With the
   same inputs but the tree, and the same files in every folder the last
   build read (the packages of its action graph), it reads the same
   folders again, so it would make the same outputs. A change anywhere it
   reads misses; a change elsewhere cannot reach it without changing a file
   it reads (an import line, a go.mod). */
#ifndef MBHOST_TREE_READS_H
#define MBHOST_TREE_READS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "target_set.h"

/* Sets the cache key of each pending target that has a reads key and a
   record. The parts of all of them are checked in one digest per tree (a
   stat cache in the cache folder for the project, rewritten when `save`),
   with the tree's ignore globs from the facts. The others keep an empty
   key. */
void tree_reads_keys(const cache_context *c, target_set *ts, bool save);

/* After the build, for each target built with a reads key: reads what its
   reads step wrote, records it and sets the cache key. A list that names
   a folder outside the tree is not used (a warning; the target is not
   cached), and none is keyed when a file of the parts changed (ctime) at
   `since_ns` or later (a warning): the build may have read either. */
void tree_reads_record(const cache_context *c, target_set *ts,
                       int64_t since_ns);

/* Where the record of `reads_key` is (owned; it may not exist): what the
   remote cache shares. */
char *tree_reads_path(const char *root, const char *reads_key);

/* Takes a record that came from elsewhere (the remote cache) for target
   `tr` once it is checked (every line a folder relative to the tree, with
   no ".."): the text becomes tr->reads_record (owned), which
   tree_reads_keys uses, and is stored in the cache folder when `save`.
   False (text not taken) when it is not a record. */
bool tree_reads_adopt(const char *root, target_result *tr, char *text,
                      size_t len, bool save);

/* Removes the records last used (mtime) before `before_ns`: cache_prune,
   with the oldest use of the entries it keeps, less CACHE_LRU_SECONDS. */
void tree_reads_prune(const char *root, int64_t before_ns);

#endif
