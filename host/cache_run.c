/* The action cache around one run: digest, keys, store, prune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "digest.h"
#include "hash.h"
#include "log.h"

static void ignore_globs(const config *cfg, strvec *out) {
  const char *list = config_get(cfg, "project", "ignore");
  char *copy = xstrdup(list ? list : "");
  for (char *save = NULL, *g = strtok_r(copy, ",", &save); g;
       g = strtok_r(NULL, ",", &save))
    if (*trim(g)) strvec_push(out, trim(g));
  free(copy);
}

/* The digest of the source, or NULL (logged) when it cannot be read.
   `save` rewrites the stat cache in the cache folder `root`. */
static char *digest_source(run *r, const char *root, bool save) {
  strvec skip = {0}, ignore = {0};
  strvec_push(&skip, r->project.output);
  strvec_push(&skip, root);
  ignore_globs(&r->cfg, &ignore);
  char id[65];
  sha256_hex(r->project.source, strlen(r->project.source), id);
  char *stat_cache = xasprintf("%s/sources/%.32s", root, id);
  digest_request req = {.root = r->project.source,
                        .skip = &skip,
                        .ignore = &ignore,
                        .stat_cache = stat_cache,
                        .keep_stat_cache = !save};
  digest_result res;
  char *problem = NULL;
  char *hex = NULL;
  double started = now_seconds();
  if (source_digest(&req, &res, &problem)) {
    hex = xstrdup(res.hex);
    log_line(MB_LOG_DEBUG, NULL,
             "source digest %.12s: %zu files, %zu read, %.3fs", hex, res.files,
             res.hashed, now_seconds() - started);
  } else {
    log_line(MB_LOG_WARN, NULL, "not caching: %s", problem);
  }
  free(problem);
  free(stat_cache);
  strvec_free(&skip);
  strvec_free(&ignore);
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
    tr->cache_hit =
        tr->cache_key[0] && cache_has(root, tr->cache_key, &tr->plan);
  }
  free(root);
}

/* The hashes the executor recorded for a target's outputs; false when
   one is missing. */
static bool recorded_outputs(const target_result *tr,
                             const artifact_list *outputs,
                             cached_output *outs) {
  for (size_t i = 0; i < tr->plan.noutputs; i++) {
    const artifact *found = NULL;
    for (size_t a = 0; a < outputs->len && !found; a++)
      if (outputs->items[a].target &&
          strcmp(outputs->items[a].target, tr->target->name) == 0 &&
          strcmp(outputs->items[a].name, tr->plan.outputs[i].name) == 0)
        found = &outputs->items[a];
    if (!found) return false;
    snprintf(outs[i].sha256, sizeof outs[i].sha256, "%s", found->sha256);
    outs[i].size = found->size;
  }
  return true;
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
    cached_output *outs = xcalloc(tr->plan.noutputs, sizeof *outs);
    if (!recorded_outputs(tr, outputs, outs) ||
        !cache_store(r->cache_root, tr->cache_key, &tr->plan, tr->staging,
                     outs))
      log_line(MB_LOG_WARN, tr->target->name,
               "could not store the result in the cache %s", r->cache_root);
    free(outs);
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
