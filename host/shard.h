/* Shards: one CI runner's share of the matrix (--shard K/N). Every runner
   computes the same split from the same inputs (the targets' names and the
   durations document read from the remote store), so N runners started
   with 1/N .. N/N build each target exactly once, and a plain run then
   assembles the release from the remote cache. Also owns the durations
   document: target name -> seconds of its last build, as JSON. */
#ifndef MBHOST_SHARD_H
#define MBHOST_SHARD_H

#include <stdbool.h>
#include <stddef.h>

/* The largest N --shard accepts: more runners than targets is allowed, but
   not a typo's million. */
#define SHARD_MAX 1000

typedef struct shard_spec {
  unsigned k, n; /* this runner is shard k of n (1 <= k <= n); n == 0: none */
} shard_spec;

/* Parses "K/N". false with *problem (owned by the caller) saying what is
   wrong. */
bool shard_parse(const char *text, shard_spec *s, char **problem);

/* Assigns each of `len` targets to a shard: out[i] in 1..n. Targets go in
   order of expected seconds (longest first, then by name), each to the
   least-loaded shard (on a tie the lowest K). seconds[i] <= 0 means
   unknown: such a target weighs the mean of the known ones, or 1 when none
   is known (then the split is round robin by name). names must be
   distinct. */
void shard_split(const char *const *names, const double *seconds, size_t len,
                 unsigned n, unsigned *out);

/* Splits the targets `names` by the durations document `durations`
   (`doc_len` bytes; NULL: none known) and says which this shard builds
   and which it leaves to the others: mine[i] tells whether names[i] is
   this shard's. The number of this shard's targets. */
size_t shard_take(const shard_spec *s, const char *const *names, size_t len,
                  const char *durations, size_t doc_len, bool *mine);

/* The name of the durations document of a project in the remote store. */
char *shard_durations_name(const char *project);

/* Reads the durations document `text` (`len` bytes): seconds[i] for each
   of names[i], 0 for a name it does not have. false (every seconds[i] 0)
   when the text is not such a document. */
bool shard_durations_read(const char *text, size_t len,
                          const char *const *names, size_t count,
                          double *seconds);

/* The durations document `old` (NULL or not a document: none) with
   seconds[i] for names[i] where seconds[i] > 0, the other names it has
   kept. NULL when that is `old` unchanged; else the new text, *len its
   length. */
char *shard_durations_update(const char *old, size_t old_len,
                             const char *const *names, const double *seconds,
                             size_t count, size_t *len);

#endif
