/* The second cache level: a store plugin ("mb.cache-store/1", [cache]
   remote = NAME) shared between machines. After a local miss, a target's
   action entry (AC, a JSON ActionResult naming its outputs) and every blob
   it names (CAS, by SHA-256) are downloaded into the cache folder,
   verified, and stored as a local entry, which the executor then restores
   as usual. What a run built is uploaded in a background thread (blobs
   first, the action entry last) while the exporters run.

   A store's failure is never the run's: a missing or damaged object is a
   miss with one warning for that target, and after the store's first
   MB_ERROR it is not asked again this run (one warning). */
#ifndef MBHOST_REMOTE_CACHE_H
#define MBHOST_REMOTE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "artifact.h"
#include "cache.h"
#include "config.h"
#include "loader.h"
#include "plan.h"
#include "project.h"
#include "target_set.h"

/* Overrides [cache] remote_mode. */
#define REMOTE_MODE_ENV "MBHOST_CACHE_REMOTE_MODE"

typedef struct remote_cache remote_cache;

/* The store plugin's name [cache] remote gives, or NULL for none: the
   loader must load it. */
const char *remote_cache_wanted(const config *cfg);

/* Checks [cache] remote (a plugin that hands out the store interface),
   remote_mode, MBHOST_CACHE_REMOTE_MODE and every [cache.NAME] section
   against the store's options: config errors at file:line with
   suggestions. The store's plugin, or NULL (none, or an error). */
plugin *remote_cache_find(config *cfg, const plugin_registry *reg);

/* The section of the store's keys, "cache.NAME" (owned). */
char *remote_cache_section(const plugin *p);

/* Opens the store of the initialized plugin `p` for this run, with the
   cache folder `root`. NULL when it cannot be opened (warned: the run goes
   on without it). With -v, the store describes itself. */
remote_cache *remote_cache_open(plugin *p, config *cfg, const project *proj,
                                const char *root);

/* For --dry-run: the store, its mode and what it describes, on `out`. */
void remote_cache_describe(remote_cache *r, FILE *out);

/* Whether the store has an action entry for `key` (a has call; reads
   nothing into the cache): for --dry-run. */
bool remote_cache_has(remote_cache *r, const char *key);

/* After a local miss: downloads the entry `key` of `target` and its blobs,
   verifies them and stores them as the local entry `key` (the kinds of the
   outputs come from the plan's declared outputs). True when the local
   cache now has it; false on a miss (a warning says why when the store
   had something wrong). */
bool remote_cache_fetch(remote_cache *r, const char *key, const char *target,
                        const plan *pl);

/* Starts uploading, in a background thread, the local entries of the
   targets built this run (status ok, not a cache hit, stored in the local
   cache): each blob the store does not have, then the action entry. Does
   nothing in read-only mode. */
void remote_cache_upload_start(remote_cache *r, const target_set *ts,
                               const artifact_list *outputs);

/* Whether the remote cache is read-only for this run ([cache]
   remote_mode, or MBHOST_CACHE_REMOTE_MODE). */
bool remote_cache_read_only(const config *cfg);

/* Waits for the uploads (cut short by an interrupt): false when the store
   failed during the run (so some results may not have reached it) or the
   run was interrupted. For --shard, whose results go only there. */
bool remote_cache_wait(remote_cache *r);

/* Waits for the uploads (cut short by an interrupt), adds this run's
   counters to the cache folder's stats and closes the store. r may be
   NULL. */
void remote_cache_close(remote_cache *r);

/* A small named document kept in the store (build durations shared
   between CI runners): an action entry whose key is the SHA-256 of a fixed
   prefix and `name`, naming one blob, the document. put does nothing in
   read-only mode and returns false; get returns the document in *data
   (owned, NUL-terminated, at most 16 MiB) and *len, or false when the store
   has none or it is damaged. Both on the main thread, with no upload
   running. */
bool remote_put_document(remote_cache *r, const char *name, const void *data,
                         size_t len);
bool remote_get_document(remote_cache *r, const char *name, char **data,
                         size_t *len);

/* The records of what builds read of a toolchain tree (tree_reads.h) go
   with the results, as documents named "tree-reads/READS KEY": fetch
   adopts the record of each pending target that has none in the cache
   folder (stored there when `save`) and keys it (main thread, no upload
   running; r may be NULL); remote_cache_upload_start uploads the record
   of each target it uploads. */
void remote_cache_fetch_reads(remote_cache *r, const cache_context *c,
                              target_set *ts, bool save);

/* Prints the remote counters kept in the cache folder `root` (remote
   hits, misses, bytes downloaded and uploaded, over every run), if any. */
void remote_cache_stats_print(const char *root, FILE *out);

#endif
