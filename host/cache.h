/* Stage 5: the action cache. A target's key is a SHA-256 over everything
   that decides its outputs: the toolchain (id, plugin version, every probe
   fact), the plan (env, argv, workdir, image, declared outputs), the
   toolchain's resolved options for the target, and the source digest. An
   entry holds the outputs and a manifest of their hashes; it is written
   aside and renamed into place, and verified on every restore.

   Layout of the cache folder:
     actions/<k0k1>/<key>/{manifest,files/<name>}   one entry per key
     sources/<hash of the source path>              source stat caches
                                                    (and tree-, reads- ones)
     tree-reads/<k0k1>/<reads key>                  what a build read of a
                                                    toolchain tree
                                                    (tree_reads.h)
     probes/<key>                                   toolchain probe results
     projects/<name>-<hash>/                        staging, logs, scratch,
                                                    durations (run.c) */
#ifndef MBHOST_CACHE_H
#define MBHOST_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "artifact.h"
#include "config.h"
#include "digest.h"
#include "loader.h"
#include "project.h"
#include "target_set.h"

/* [cache] dir, else ${XDG_CACHE_HOME:-~/.cache}/mbhost; NULL when neither
   HOME nor XDG_CACHE_HOME is set. */
char *cache_dir(const config *cfg);
/* cache_dir, checked as owned state (state.h) and created (mode 0700) when
   `create`: NULL with *problem (owned) when there is none or it is not
   safe to use. */
char *cache_open_root(const config *cfg, bool create, char **problem);

/* What the cache stage reads about a run. */
typedef struct cache_context {
  const char *root; /* the cache folder */
  const config *cfg;
  const project *project;
  const plugin *toolchain;
  const facts *facts;
} cache_context;

/* The action key of a planned target. */
void cache_action_key(const cache_context *c, const target_result *tr,
                      const char *source_digest, char hex[65]);

typedef enum cache_lookup { CACHE_MISS, CACHE_HIT, CACHE_CORRUPT } cache_lookup;

/* Restores the entry `key` into `staging` (hardlinks, else copies) and
   verifies every file against the manifest; adds one artifact per file
   (target `target`, exporter "build") to `outs`. A corrupt entry is
   removed and staging emptied (CACHE_CORRUPT), and `outs` is unchanged. */
cache_lookup cache_restore(const char *root, const char *key,
                           const char *target, const char *staging,
                           artifact_list *outs);

/* Whether the entry `key` is complete: a manifest, and each file with the
   recorded size. Reads only (nothing is hashed, restored or marked used),
   for --dry-run. */
bool cache_has(const char *root, const char *key);

/* Stores the staged outputs of a built target under `key`: every artifact
   of `outs` whose target is `target`, with the hash and size the executor
   recorded. */
bool cache_store(const char *root, const char *key, const char *target,
                 const char *staging, const artifact_list *outs);

/* Stores files that are this run's own (downloaded from a remote cache
   into `dir`, which is removed afterwards) as the entry `key`: like
   cache_store, but hard-linked instead of copied when it can. */
bool cache_store_files(const char *root, const char *key, const char *target,
                       const char *dir, const artifact_list *outs);

/* Where the entry `key` keeps its file `name` (it may not exist). */
char *cache_entry_file(const char *root, const char *key, const char *name);

typedef struct cache_usage {
  uint64_t entries, bytes;
  uint64_t removed_entries, removed_bytes;
} cache_usage;

/* An entry's last use is its manifest's mtime. A restore moves it only
   when it is at least this old, so that repeated runs (a no-op) write no
   inode: pruning knows the order of use to the hour, and entries used
   within the same hour may go in either order. */
#define CACHE_LRU_SECONDS 3600

/* Removes the least recently used entries (to CACHE_LRU_SECONDS) until the
   actions take at most `max_bytes`, then the records of what builds read
   (tree_reads.h) last used before every entry left; reports what is left
   and what was removed. */
void cache_prune(const char *root, uint64_t max_bytes, cache_usage *u);
/* [cache] max_size in bytes; cfg may be NULL (schema_cache's default). */
uint64_t cache_max_size(const config *cfg);

/* Toolchain probe results, reused while every file the probe declared with
   depends_on keeps its path, size, mtime and inode (the trees are checked
   with the keys: cache_tree_facts, tree_reads.h). `key` covers the plugin, its
   options and PATH. load returns false on a miss. */
void cache_probe_key(const cache_context *c, const target_set *ts,
                     char hex[65]);
bool cache_probe_load(const char *root, const char *key, facts *f);
void cache_probe_store(const char *root, const char *key, const facts *f);

/* The digest of the project's source as the build keys on it: the output
   folder, the cache folder `root`, the config file and [project] ignore
   left out; the stat cache under `root` rewritten when `save`. */
bool cache_source_digest(const project *p, const config *cfg, const char *root,
                         bool save, digest_result *res, char **problem);

/* Sets the fact "tree:PATH" to the content digest of every tree the probe
   declared (depends_on_tree) that a pending target of `ts` keys on in
   whole (the others narrow it: tree_reads.h), with a stat cache under
   `root` (rewritten when `save`), so the action key covers the
   toolchain's files. A tree that cannot be read gets a value no other run
   has. */
void cache_tree_facts(const char *root, facts *f, const target_set *ts,
                      bool save);
/* The digest of the tree f->trees.items[t] (of `only` of it, when not
   NULL: digest.h) with its ignore globs and a stat cache under `root`
   (rewritten when `save`) of its own for each `scope` (NULL: one for the
   tree), so projects that ask for different parts do not take turns
   rewriting one; logged. False with *problem (owned). */
bool cache_digest_tree(const char *root, const facts *f, size_t t,
                       const strvec *only, const char *scope, bool save,
                       digest_result *res, char **problem);

/* Build durations of earlier runs, per target name ("os/arch seconds"). */
void cache_durations_load(const char *state_dir, target_set *ts);
/* Rewrites them only when a target was built in this run. */
void cache_durations_save(const char *state_dir, const target_set *ts);

/* Around the executor (cache_run.c). cache_key_targets digests the source
   and keys every planned target; it returns the digest (NULL, logged, when
   the source cannot be read: nothing is cached). `save` rewrites the stat
   cache. Targets that narrow a tree are keyed by tree_reads_keys, or not
   until they are built. cache_finish re-digests the source, records what
   the targets that narrow a tree read (keying them, unless the tree's
   files changed after `started_ns`, when the build started), stores the
   targets built from an unchanged source (`digest` is
   cache_key_targets'), and prunes the
   cache to [cache] max_size. cache_mark_hits sets each keyed target's
   cache_hit from what the cache holds, writing nothing (--dry-run). */
char *cache_key_targets(const cache_context *c, target_set *ts, bool save);
void cache_finish(const cache_context *c, target_set *ts, const char *digest,
                  const artifact_list *outputs, int64_t started_ns);
void cache_mark_hits(const cache_context *c, target_set *ts);

#endif
