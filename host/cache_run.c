/* The action cache around one run: digest, keys, store, prune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "digest.h"
#include "hash.h"
#include "log.h"
#include "progress.h"

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
    strvec ignore = {0};
    if (i < f->tree_ignores.len) {
      char *globs = xstrdup(f->tree_ignores.items[i]);
      for (char *save, *g = strtok_r(globs, "\n", &save); g;
           g = strtok_r(NULL, "\n", &save))
        strvec_push(&ignore, g);
      free(globs);
    }
    digest_request req = {.root = tree,
                          .ignore = &ignore,
                          .stat_cache = stat_cache,
                          .keep_stat_cache = !save};
    digest_result res;
    char *problem = NULL;
    char *fact = xasprintf("tree:%s", tree);
    double started = now_seconds();
    if (source_digest(&req, &res, &problem)) {
      log_line(MB_LOG_DEBUG, NULL,
               "toolchain tree %s: %zu files, %zu read, %.3fs", tree, res.files,
               res.hashed, now_seconds() - started);
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
    strvec_free(&ignore);
  }
  return same;
}

bool cache_source_digest(const project *p, const config *cfg, const char *root,
                         bool save, digest_result *res, char **problem) {
  strvec skip = {0}, ignore = {0};
  strvec_push(&skip, p->output);
  strvec_push(&skip, root);
  /* The config's values are in the key already; a comment added to it
     must not rebuild every target. */
  if (p->config_path) strvec_push(&skip, p->config_path);
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

/* The digest of the source, or NULL (logged) when it cannot be read. */
static char *digest_source(const cache_context *c, bool save) {
  digest_result res;
  char *problem = NULL;
  char *hex = NULL;
  double started = now_seconds();
  if (cache_source_digest(c->project, c->cfg, c->root, save, &res, &problem)) {
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

char *cache_key_targets(const cache_context *c, target_set *ts, bool save) {
  char *digest = digest_source(c, save);
  for (size_t i = 0; digest && i < ts->len; i++)
    if (ts->items[i].status == TARGET_PENDING)
      cache_action_key(c, &ts->items[i], digest, ts->items[i].cache_key);
  return digest;
}

void cache_mark_hits(const cache_context *c, target_set *ts) {
  for (size_t i = 0; i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    tr->cache_hit = tr->cache_key[0] && cache_has(c->root, tr->cache_key);
  }
}

static void store_built(const cache_context *c, const target_set *ts,
                        const char *digest, const artifact_list *outputs) {
  char *after = digest_source(c, true);
  bool unchanged = after && strcmp(after, digest) == 0;
  free(after);
  if (!unchanged) {
    log_line(MB_LOG_WARN, NULL,
             "the source changed during the build: its results are not "
             "cached");
    return;
  }
  for (size_t i = 0; i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    if (tr->status != TARGET_OK || tr->cache_hit || !tr->cache_key[0]) continue;
    if (!cache_store(c->root, tr->cache_key, tr->target->name, tr->staging,
                     outputs))
      log_line(MB_LOG_WARN, tr->target->name,
               "could not store the result in the cache %s", c->root);
  }
}

void cache_finish(const cache_context *c, const target_set *ts,
                  const char *digest, const artifact_list *outputs) {
  if (!digest) return;
  bool any_built = false;
  for (size_t i = 0; i < ts->len; i++)
    any_built |= ts->items[i].status == TARGET_OK && !ts->items[i].cache_hit;
  if (!any_built) return;
  store_built(c, ts, digest, outputs);
  cache_usage u;
  cache_prune(c->root, cache_max_size(c->cfg), &u);
  if (u.removed_entries) {
    char *size = progress_size(u.removed_bytes);
    log_line(MB_LOG_INFO, NULL,
             "cache: removed %llu old entr%s (%s) to stay under "
             "[cache] max_size",
             (unsigned long long)u.removed_entries,
             u.removed_entries == 1 ? "y" : "ies", size);
    free(size);
  }
}
