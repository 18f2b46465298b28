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
#include "tree_reads.h"

static void ignore_globs(const config *cfg, strvec *out) {
  const char *list = config_get(cfg, "project", "ignore");
  if (list) split_list(list, out);
}

/* Whether a pending target keys on the whole of `tree`: one whose plan
   does not narrow it to what it reads (tree_reads.h). */
static bool whole_tree_wanted(const target_set *ts, const char *tree) {
  for (size_t i = 0; i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    if (tr->status == TARGET_PENDING &&
        !(tr->plan.reads_tree && strcmp(tr->plan.reads_tree, tree) == 0))
      return true;
  }
  return false;
}

bool cache_digest_tree(const char *root, const facts *f, size_t t,
                       const strvec *only, const char *scope, bool save,
                       digest_result *res, char **problem) {
  const char *tree = f->trees.items[t];
  char id[65];
  char *name = xasprintf("%s%s%s", tree, scope ? "\n" : "", scope ? scope : "");
  sha256_hex(name, strlen(name), id);
  free(name);
  char *stat_cache =
      xasprintf("%s/sources/%s-%.32s", root, only ? "reads" : "tree", id);
  strvec ignore = {0};
  facts_tree_ignores(f, t, &ignore);
  digest_request req = {.root = tree,
                        .ignore = &ignore,
                        .stat_cache = stat_cache,
                        .keep_stat_cache = !save,
                        .only = only};
  double started = now_seconds();
  bool ok = source_digest(&req, res, problem);
  if (ok) {
    char *parts = only ? xasprintf("%zu parts read, ", only->len) : NULL;
    log_line(MB_LOG_DEBUG, NULL,
             "toolchain tree %s: %s%zu files, %zu read, %.3fs", tree,
             parts ? parts : "", res->files, res->hashed,
             now_seconds() - started);
    free(parts);
  } else
    log_line(MB_LOG_WARN, NULL, "toolchain tree %s: %s", tree, *problem);
  free(stat_cache);
  strvec_free(&ignore);
  return ok;
}

void cache_tree_facts(const char *root, facts *f, const target_set *ts,
                      bool save) {
  for (size_t i = 0; i < f->trees.len; i++) {
    const char *tree = f->trees.items[i];
    if (!whole_tree_wanted(ts, tree)) continue;
    digest_result res;
    char *problem = NULL;
    char *fact = xasprintf("tree:%s", tree);
    if (cache_digest_tree(root, f, i, NULL, NULL, save, &res, &problem)) {
      facts_set(f, fact, res.hex);
    } else {
      /* Never equal to another run's: no cache hit on an unknown tree. */
      char *unique =
          xasprintf("unreadable %d %.6f", (int)getpid(), now_seconds());
      facts_set(f, fact, unique);
      free(unique);
    }
    free(problem), free(fact);
  }
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
  for (size_t i = 0; digest && i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    if (tr->status == TARGET_PENDING)
      cache_action_key(c, tr, digest,
                       tr->plan.reads_tree ? tr->reads_key : tr->cache_key);
  }
  if (digest) tree_reads_keys(c, ts, save);
  return digest;
}

void cache_mark_hits(const cache_context *c, target_set *ts) {
  for (size_t i = 0; i < ts->len; i++) {
    target_result *tr = &ts->items[i];
    tr->cache_hit = tr->cache_key[0] && cache_has(c->root, tr->cache_key);
  }
}

static void store_built(const cache_context *c, target_set *ts,
                        const char *digest, const artifact_list *outputs,
                        int64_t started_ns) {
  char *after = digest_source(c, true);
  bool unchanged = after && strcmp(after, digest) == 0;
  free(after);
  if (!unchanged) {
    log_line(MB_LOG_WARN, NULL,
             "the source changed during the build: its results are not "
             "cached");
    return;
  }
  tree_reads_record(c, ts, started_ns);
  for (size_t i = 0; i < ts->len; i++) {
    const target_result *tr = &ts->items[i];
    if (tr->status != TARGET_OK || tr->cache_hit || !tr->cache_key[0]) continue;
    if (!cache_store(c->root, tr->cache_key, tr->target->name, tr->staging,
                     outputs))
      log_line(MB_LOG_WARN, tr->target->name,
               "could not store the result in the cache %s", c->root);
  }
}

void cache_finish(const cache_context *c, target_set *ts, const char *digest,
                  const artifact_list *outputs, int64_t started_ns) {
  if (!digest) return;
  bool any_built = false;
  for (size_t i = 0; i < ts->len; i++)
    any_built |= ts->items[i].status == TARGET_OK && !ts->items[i].cache_hit;
  if (!any_built) return;
  store_built(c, ts, digest, outputs, started_ns);
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
