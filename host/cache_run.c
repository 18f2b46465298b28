/* The action cache around one run: digest, keys, store, prune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "digest.h"
#include "hash.h"
#include "log.h"

static void ignore_globs(const config *cfg, strvec *out) {
  const char *list = config_get(cfg, "project", "ignore");
  if (list) split_list(list, out);
}

bool cache_tree_facts(const char *root, facts *f, bool save) {
  bool same = true;
  for (size_t i = 0; i < f->trees.len; i++) {
    const char *tree = f->trees.items[i];
    char id[65];
    sha256_hex(tree, strlen(tree), id);
    char *stat_cache = xasprintf("%s/sources/tree-%.32s", root, id);
    digest_request req = {
        .root = tree, .stat_cache = stat_cache, .keep_stat_cache = !save};
    digest_result res;
    char *problem = NULL;
    char *fact = xasprintf("tree:%s", tree);
    if (source_digest(&req, &res, &problem)) {
      const char *before = facts_get(f, fact);
      same = same && (!before || strcmp(before, res.hex) == 0);
      facts_set(f, fact, res.hex);
    } else {
      log_line(MB_LOG_WARN, NULL, "toolchain tree %s: %s", tree, problem);
      /* Never equal to another run's: no cache hit on an unknown tree. */
      char *unique =
          xasprintf("unreadable %d %.6f", (int)getpid(), now_seconds());
      facts_set(f, fact, unique);
      free(unique);
      same = false;
    }
    free(problem), free(fact), free(stat_cache);
  }
  return same;
}

bool cache_source_digest(const project *p, const config *cfg, const char *root,
                         bool save, digest_result *res, char **problem) {
  strvec skip = {0}, ignore = {0};
  strvec_push(&skip, p->output);
  strvec_push(&skip, root);
  ignore_globs(cfg, &ignore);
  char id[65];
  sha256_hex(p->source, strlen(p->source), id);
  char *stat_cache = xasprintf("%s/sources/%.32s", root, id);
  digest_request req = {.root = p->source,
                        .skip = &skip,
                        .ignore = &ignore,
                        .stat_cache = stat_cache,
                        .keep_stat_cache = !save};
  bool ok = source_digest(&req, res, problem);
  strvec_free(&skip), strvec_free(&ignore);
  free(stat_cache);
  return ok;
}

/* The digest of the source, or NULL (logged) when it cannot be read.
   `save` rewrites the stat cache in the cache folder `root`. */
static char *digest_source(run *r, const char *root, bool save) {
  digest_result res;
  char *problem = NULL;
  char *hex = NULL;
  double started = now_seconds();
  if (cache_source_digest(&r->project, &r->cfg, root, save, &res, &problem)) {
    hex = xstrdup(res.hex);
    log_line(MB_LOG_DEBUG, NULL,
             "source digest %.12s: %zu files, %zu read, %.3fs", hex, res.files,
             res.hashed, now_seconds() - started);
  } else {
    log_line(MB_LOG_WARN, NULL, "not caching: %s", problem);
  }
  free(problem);
  return hex;
}

static void key_targets(run *r) {
  for (size_t i = 0; i < r->matrix.len; i++)
    if (r->results[i].status == TARGET_PENDING)
      cache_action_key(r, &r->results[i], r->source_digest,
                       r->results[i].cache_key);
}

void cache_begin(run *r) {
  cache_durations_load(r->state_dir, r);
  r->source_digest = digest_source(r, r->cache_root, true);
  if (r->source_digest) key_targets(r);
}

void cache_peek(run *r) {
  char *root = cache_dir(&r->cfg);
  r->source_digest = digest_source(r, root, false);
  if (r->source_digest) key_targets(r);
  for (size_t i = 0; i < r->matrix.len; i++) {
    target_result *tr = &r->results[i];
    tr->cache_hit = tr->cache_key[0] && cache_has(root, tr->cache_key);
  }
  free(root);
}

static void store_built(run *r, const artifact_list *outputs) {
  char *after = digest_source(r, r->cache_root, true);
  bool unchanged = after && strcmp(after, r->source_digest) == 0;
  free(after);
  if (!unchanged) {
    log_line(MB_LOG_WARN, NULL,
             "the source changed during the build: its results are not "
             "cached");
    return;
  }
  for (size_t i = 0; i < r->matrix.len; i++) {
    target_result *tr = &r->results[i];
    if (tr->status != TARGET_OK || tr->cache_hit || !tr->cache_key[0]) continue;
    if (!cache_store(r->cache_root, tr->cache_key, tr->target->name,
                     tr->staging, outputs))
      log_line(MB_LOG_WARN, tr->target->name,
               "could not store the result in the cache %s", r->cache_root);
  }
}

void cache_finish(run *r, const artifact_list *outputs) {
  cache_durations_save(r->state_dir, r);
  if (!r->source_digest) return;
  bool any_built = false;
  for (size_t i = 0; i < r->matrix.len; i++)
    any_built |= r->results[i].status == TARGET_OK && !r->results[i].cache_hit;
  if (!any_built) return;
  store_built(r, outputs);
  cache_usage u;
  cache_prune(r->cache_root, cache_max_size(&r->cfg), &u);
  if (u.removed_entries)
    log_line(MB_LOG_INFO, NULL,
             "cache: removed %llu old entr%s (%llu bytes) to stay under "
             "[cache] max_size",
             (unsigned long long)u.removed_entries,
             u.removed_entries == 1 ? "y" : "ies",
             (unsigned long long)u.removed_bytes);
}
