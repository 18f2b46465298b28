#include "shard.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

bool shard_parse(const char *text, shard_spec *s, char **problem) {
  char *end;
  unsigned long k = 0, n = 0;
  bool ok = text[0] >= '0' && text[0] <= '9';
  if (ok) k = strtoul(text, &end, 10);
  ok = ok && *end == '/' && end[1] >= '0' && end[1] <= '9';
  if (ok) n = strtoul(end + 1, &end, 10);
  ok = ok && *end == '\0';
  if (!ok) {
    *problem = xasprintf("--shard %s: expected K/N, e.g. --shard 1/3 for "
                         "the first of three shards",
                         text);
    return false;
  }
  if (n < 1 || n > SHARD_MAX) {
    *problem = xasprintf("--shard %s: N must be from 1 to %d", text, SHARD_MAX);
    return false;
  }
  if (k < 1 || k > n) {
    *problem = xasprintf("--shard %s: K must be from 1 to %lu (shards are "
                         "numbered from 1)",
                         text, n);
    return false;
  }
  *s = (shard_spec){.k = (unsigned)k, .n = (unsigned)n};
  return true;
}

typedef struct weighed {
  const char *name;
  double seconds;
  size_t index;
} weighed;

static int longest_first(const void *a, const void *b) {
  const weighed *x = a, *y = b;
  if (x->seconds != y->seconds) return x->seconds > y->seconds ? -1 : 1;
  return strcmp(x->name, y->name);
}

void shard_split(const char *const *names, const double *seconds, size_t len,
                 unsigned n, unsigned *out) {
  double known = 0;
  size_t nknown = 0;
  for (size_t i = 0; i < len; i++)
    if (seconds[i] > 0) known += seconds[i], nknown++;
  double unknown = nknown ? known / (double)nknown : 1;
  weighed *order = xcalloc(len + 1, sizeof *order);
  for (size_t i = 0; i < len; i++)
    order[i] = (weighed){names[i], seconds[i] > 0 ? seconds[i] : unknown, i};
  /* Sorting by name too makes the split independent of the matrix's order,
     which --target and include can change from one runner to another. */
  qsort(order, len, sizeof *order, longest_first);
  double *load = xcalloc(n, sizeof *load);
  for (size_t i = 0; i < len; i++) {
    unsigned best = 0;
    for (unsigned s = 1; s < n; s++)
      if (load[s] < load[best]) best = s;
    load[best] += order[i].seconds;
    out[order[i].index] = best + 1;
  }
  free(load);
  free(order);
}

char *shard_durations_name(const char *project) {
  return xasprintf("durations/%s", project);
}

static json_t *parse_document(const char *text, size_t len) {
  if (!text) return NULL;
  json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
  if (doc && json_is_object(doc)) return doc;
  json_decref(doc);
  return NULL;
}

bool shard_durations_read(const char *text, size_t len,
                          const char *const *names, size_t count,
                          double *seconds) {
  for (size_t i = 0; i < count; i++)
    seconds[i] = 0;
  json_t *doc = parse_document(text, len);
  if (!doc) return false;
  for (size_t i = 0; i < count; i++) {
    json_t *v = json_object_get(doc, names[i]);
    double s = json_is_number(v) ? json_number_value(v) : 0;
    seconds[i] = isfinite(s) && s > 0 ? s : 0;
  }
  json_decref(doc);
  return true;
}

char *shard_durations_update(const char *old, size_t old_len,
                             const char *const *names, const double *seconds,
                             size_t count, size_t *len) {
  json_t *doc = parse_document(old, old_len);
  bool changed = false;
  if (!doc) doc = json_object();
  for (size_t i = 0; i < count; i++) {
    if (!(seconds[i] > 0)) continue;
    /* Tenths of a second: the split needs no more, and a rebuild that took
       about as long leaves the document as it was. */
    double s = (double)(long long)(seconds[i] * 10 + 0.5) / 10;
    if (s < 0.1) s = 0.1;
    json_t *v = json_object_get(doc, names[i]);
    if (json_is_number(v) && json_number_value(v) == s) continue;
    json_object_set_new(doc, names[i], json_real(s));
    changed = true;
  }
  char *text = NULL;
  if (changed) {
    text = json_dumps(doc,
                      JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(15));
    *len = text ? strlen(text) : 0;
  }
  json_decref(doc);
  return text;
}

/* "a, b, c" of the targets of shard k, or "none". */
static char *names_of(const char *const *names, size_t len, const unsigned *out,
                      unsigned k) {
  strbuf b = {0};
  for (size_t i = 0; i < len; i++)
    if (out[i] == k) strbuf_printf(&b, "%s%s", b.len ? ", " : "", names[i]);
  if (b.len) return b.data;
  strbuf_free(&b);
  return xstrdup("none");
}

size_t shard_take(const shard_spec *s, const char *const *names, size_t len,
                  const char *durations, size_t doc_len, bool *mine) {
  double *seconds = xcalloc(len + 1, sizeof *seconds);
  unsigned *out = xcalloc(len + 1, sizeof *out);
  shard_durations_read(durations, doc_len, names, len, seconds);
  bool known = false;
  for (size_t i = 0; i < len; i++)
    known = known || seconds[i] > 0;
  shard_split(names, seconds, len, s->n, out);
  size_t taken = 0;
  for (size_t i = 0; i < len; i++)
    taken += mine[i] = out[i] == s->k;
  char *list = names_of(names, len, out, s->k);
  if (taken)
    log_line(MB_LOG_INFO, NULL, "shard %u/%u: building %s (split %s)", s->k,
             s->n, list,
             known ? "by the durations recorded in the remote cache"
                   : "by name: no durations recorded yet");
  else
    log_line(MB_LOG_INFO, NULL,
             "shard %u/%u: no targets for this shard (%zu target%s, %u "
             "shards); nothing to build",
             s->k, s->n, len, len == 1 ? "" : "s", s->n);
  free(list);
  strbuf others = {0};
  for (unsigned k = 1; k <= s->n; k++) {
    if (k == s->k) continue;
    char *theirs = names_of(names, len, out, k);
    strbuf_printf(&others, "%sshard %u: %s", others.len ? "; " : "", k, theirs);
    free(theirs);
  }
  if (others.len)
    log_line(MB_LOG_INFO, NULL, "shard %u/%u: left to %s", s->k, s->n,
             others.data);
  strbuf_free(&others);
  free(out), free(seconds);
  return taken;
}
