/* The shard split: every target in exactly one shard, the same split
   whatever the order of the targets, balanced by durations when known,
   round robin by name when not; more shards than targets; --shard parsing;
   the durations document. */
#include <stdlib.h>

#include "check.h"
#include "shard.h"

static const char *const six[] = {"linux/amd64",   "linux/arm64",
                                  "darwin/amd64",  "darwin/arm64",
                                  "windows/amd64", "windows/arm64"};
#define NSIX 6

/* Each target in exactly one shard, every shard number valid. */
static void check_partition(const unsigned *out, size_t len, unsigned n) {
  for (size_t i = 0; i < len; i++)
    CHECK(out[i] >= 1 && out[i] <= n);
}

static double load_of(const double *seconds, const unsigned *out, size_t len,
                      unsigned k) {
  double sum = 0;
  for (size_t i = 0; i < len; i++)
    if (out[i] == k) sum += seconds[i];
  return sum;
}

static size_t count_of(const unsigned *out, size_t len, unsigned k) {
  size_t c = 0;
  for (size_t i = 0; i < len; i++)
    c += out[i] == k;
  return c;
}

static void test_unknown_durations_round_robin_by_name(void) {
  double seconds[NSIX] = {0};
  unsigned out[NSIX];
  shard_split(six, seconds, NSIX, 3, out);
  check_partition(out, NSIX, 3);
  /* By name: darwin/amd64 darwin/arm64 linux/amd64 linux/arm64
     windows/amd64 windows/arm64, dealt to 1 2 3 1 2 3. */
  CHECK(out[2] == 1); /* darwin/amd64 */
  CHECK(out[3] == 2); /* darwin/arm64 */
  CHECK(out[0] == 3); /* linux/amd64 */
  CHECK(out[1] == 1); /* linux/arm64 */
  CHECK(out[4] == 2); /* windows/amd64 */
  CHECK(out[5] == 3); /* windows/arm64 */
  for (unsigned k = 1; k <= 3; k++)
    CHECK(count_of(out, NSIX, k) == 2);
}

/* The same targets in another order (another runner's --target order or
   matrix) get the same shards. */
static void test_independent_of_order(void) {
  double seconds[NSIX] = {30, 12, 0, 45, 12, 7};
  unsigned out[NSIX];
  shard_split(six, seconds, NSIX, 4, out);
  const char *reversed[NSIX];
  double rseconds[NSIX];
  for (size_t i = 0; i < NSIX; i++) {
    reversed[i] = six[NSIX - 1 - i];
    rseconds[i] = seconds[NSIX - 1 - i];
  }
  unsigned rout[NSIX];
  shard_split(reversed, rseconds, NSIX, 4, rout);
  for (size_t i = 0; i < NSIX; i++)
    CHECK(out[i] == rout[NSIX - 1 - i]);
  /* And twice in a row. */
  unsigned again[NSIX];
  shard_split(six, seconds, NSIX, 4, again);
  CHECK(memcmp(out, again, sizeof out) == 0);
}

/* One long target goes alone; the short ones fill the other shards. */
static void test_balanced_by_durations(void) {
  double seconds[NSIX] = {100, 10, 20, 30, 40, 50};
  unsigned out[NSIX];
  shard_split(six, seconds, NSIX, 2, out);
  check_partition(out, NSIX, 2);
  CHECK(out[0] == 1); /* the 100 s target: first, to shard 1 */
  /* 50 40 30 20 10 go to shard 2 until it passes 100: 50+40+30 = 120,
     so shard 1 gets 100+20+10 = 130 and shard 2 120. */
  CHECK(load_of(seconds, out, NSIX, 1) == 130);
  CHECK(load_of(seconds, out, NSIX, 2) == 120);
  /* Dealing by name, blind to durations, would give 160 against 90. */
}

/* Unknown targets weigh the mean of the known ones. */
static void test_partly_known(void) {
  const char *names[] = {"a/x", "b/x", "c/x", "d/x"};
  double seconds[] = {60, 0, 0, 20}; /* b and c weigh 40 */
  unsigned out[4];
  shard_split(names, seconds, 4, 2, out);
  /* 60 (a) -> 1, 40 (b) -> 2, 40 (c) -> 2 (40 < 60), 20 (d) -> 1. */
  CHECK(out[0] == 1);
  CHECK(out[1] == 2);
  CHECK(out[2] == 2);
  CHECK(out[3] == 1);
}

static void test_more_shards_than_targets(void) {
  double seconds[NSIX] = {0};
  unsigned out[NSIX];
  shard_split(six, seconds, NSIX, 8, out);
  check_partition(out, NSIX, 8);
  for (unsigned k = 1; k <= 6; k++)
    CHECK(count_of(out, NSIX, k) == 1);
  CHECK(count_of(out, NSIX, 7) == 0);
  CHECK(count_of(out, NSIX, 8) == 0);
  shard_split(six, seconds, NSIX, 1, out);
  CHECK(count_of(out, NSIX, 1) == NSIX);
}

static void expect_parse(const char *text, unsigned k, unsigned n) {
  shard_spec s = {0};
  char *problem = NULL;
  CHECK(shard_parse(text, &s, &problem));
  CHECK(s.k == k && s.n == n);
  free(problem);
}

static void expect_refused(const char *text, const char *message) {
  shard_spec s = {0};
  char *problem = NULL;
  CHECK(!shard_parse(text, &s, &problem));
  CHECK_CONTAINS(problem, message);
  if (problem && !strstr(problem, message))
    fprintf(stderr, "  got: %s\n", problem);
  free(problem);
}

static void test_parse(void) {
  expect_parse("1/3", 1, 3);
  expect_parse("3/3", 3, 3);
  expect_parse("1/1", 1, 1);
  expect_refused("0/3", "K must be from 1 to 3");
  expect_refused("4/3", "K must be from 1 to 3");
  expect_refused("1/0", "N must be from 1 to");
  expect_refused("1/100000", "N must be from 1 to");
  expect_refused("1", "expected K/N");
  expect_refused("", "expected K/N");
  expect_refused("a/b", "expected K/N");
  expect_refused("-1/3", "expected K/N");
  expect_refused("1/3x", "expected K/N");
  expect_refused("1/-3", "expected K/N");
  expect_refused("1/ 3", "expected K/N");
}

static void test_durations_document(void) {
  const char *names[] = {"linux/amd64", "windows/arm64", "darwin/arm64"};
  double built[] = {12.34, 0, 3.0};
  size_t len = 0;
  char *doc = shard_durations_update(NULL, 0, names, built, 3, &len);
  CHECK_STR(doc, "{\"darwin/arm64\":3.0,\"linux/amd64\":12.3}");
  double seconds[3];
  CHECK(shard_durations_read(doc, len, names, 3, seconds));
  CHECK(seconds[0] == 12.3 && seconds[1] == 0 && seconds[2] == 3.0);
  /* About as long again: the document stays as it is, no upload. */
  double again[] = {12.31, 0, 0};
  size_t len2 = 0;
  CHECK(shard_durations_update(doc, len, names, again, 3, &len2) == NULL);
  /* A new time for one target keeps the others'. */
  double other[] = {0, 20, 0};
  char *doc2 = shard_durations_update(doc, len, names, other, 3, &len2);
  CHECK_STR(
      doc2,
      "{\"darwin/arm64\":3.0,\"linux/amd64\":12.3,\"windows/arm64\":20.0}");
  /* Nothing built and no document: nothing to write. */
  double none[] = {0, 0, 0};
  CHECK(shard_durations_update(NULL, 0, names, none, 3, &len2) == NULL);
  /* Not a document: every duration unknown. */
  CHECK(!shard_durations_read("[1,2]", 5, names, 3, seconds));
  CHECK(seconds[0] == 0 && seconds[2] == 0);
  CHECK(!shard_durations_read("{\"linux/amd64\":", 15, names, 3, seconds));
  /* Values that are not positive numbers are unknown. */
  const char *odd = "{\"linux/amd64\":\"9\",\"windows/arm64\":-4}";
  CHECK(shard_durations_read(odd, strlen(odd), names, 3, seconds));
  CHECK(seconds[0] == 0 && seconds[1] == 0);
  char *name = shard_durations_name("hello");
  CHECK_STR(name, "durations/hello");
  free(name);
  free(doc);
  free(doc2);
}

int main(void) {
  test_unknown_durations_round_robin_by_name();
  test_independent_of_order();
  test_balanced_by_durations();
  test_partly_known();
  test_more_shards_than_targets();
  test_parse();
  test_durations_document();
  return check_summary();
}
