/* Matrix expansion: os x arch - exclude + include, --target narrowing, and
   the errors for unknown words, duplicates and an empty matrix. */
#include <stdlib.h>

#include "check.h"
#include "matrix.h"
#include "schema.h"

static config load(const char *text) {
  config cfg = {0};
  config_load_text(&cfg, "build.ini", text, strlen(text));
  schema_check_section(&cfg, "matrix", schema_matrix, NULL, false);
  return cfg;
}

static char *names(const matrix *m) {
  strbuf out = {0};
  strbuf_puts(&out, "");
  for (size_t i = 0; i < m->len; i++)
    strbuf_printf(&out, "%s%s", i ? " " : "", m->targets[i].name);
  return out.data;
}

static void expect_matrix(const char *ini, const char *want) {
  config cfg = load(ini);
  matrix m = {0};
  CHECK(matrix_build(&m, &cfg));
  char *got = names(&m);
  CHECK_STR(got, want);
  if (strcmp(got, want) != 0)
    fprintf(stderr, "  got: %s\n  want: %s\n", got, want);
  free(got);
  matrix_free(&m);
  config_free(&cfg);
}

static void expect_error(const char *ini, const char *message) {
  config cfg = load(ini);
  matrix m = {0};
  CHECK(!matrix_build(&m, &cfg));
  CHECK(cfg.errors.len > 0);
  if (cfg.errors.len) CHECK_CONTAINS(cfg.errors.items[0], message);
  if (cfg.errors.len && !strstr(cfg.errors.items[0], message))
    fprintf(stderr, "  got: %s\n", cfg.errors.items[0]);
  matrix_free(&m);
  config_free(&cfg);
}

static void test_expansion(void) {
  expect_matrix(
      "[matrix]\nos = linux, darwin, windows\narch = amd64, arm64\n",
      "linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 "
      "windows/arm64");
  expect_matrix("[matrix]\nos = linux, windows\narch = amd64, arm64\nexclude = "
                "windows/arm64\n",
                "linux/amd64 linux/arm64 windows/amd64");
  expect_matrix(
      "[matrix]\nos = linux, windows\narch = amd64, arm64\nexclude = */arm64\n"
      "include = linux/riscv64\n",
      "linux/amd64 windows/amd64 linux/riscv64");
}

static void test_errors(void) {
  expect_error("[matrix]\nos = linux, plan8\narch = amd64\n",
               "build.ini:2: os: unknown os 'plan8'; did you mean 'plan9'?");
  expect_error("[matrix]\nos = linux\narch = amd46\n",
               "build.ini:3: arch: unknown arch 'amd46'");
  expect_error("[matrix]\nos = linux, linux\narch = amd64\n",
               "build.ini:2: os: 'linux' is listed twice");
  expect_error("[matrix]\nos = linux\narch = amd64\nexclude = linux/amd64\n",
               "build.ini:1: the matrix is empty");
  expect_error("[matrix]\nos = linux\narch = amd64\nexclude = linux\n",
               "build.ini:4: exclude: 'linux' is not an os/arch pair");
  expect_error("[matrix]\nos = linux\narch = amd64\ninclude = linux/amd64\n",
               "build.ini:4: include: linux/amd64 is already in the matrix");
}

static void test_narrowing(void) {
  config cfg = load("[matrix]\nos = linux, darwin\narch = amd64, arm64\n");
  matrix m = {0};
  CHECK(matrix_build(&m, &cfg));
  strvec only = {0};
  strvec_push(&only, "darwin/arm64");
  strvec_push(&only, "linux/amd64");
  CHECK(matrix_narrow(&m, &cfg, &only));
  char *got = names(&m);
  CHECK_STR(got, "linux/amd64 darwin/arm64");
  free(got);
  strvec_push(&only, "windows/amd64");
  CHECK(!matrix_narrow(&m, &cfg, &only));
  CHECK_CONTAINS(cfg.errors.items[0],
                 "--target windows/amd64 is not in the matrix");
  strvec_free(&only);
  matrix_free(&m);
  config_free(&cfg);
}

int main(void) {
  test_expansion();
  test_errors();
  test_narrowing();
  return check_summary();
}
