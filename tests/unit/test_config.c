/* Config reading and validation: syntax errors with file:line, ${VAR}
   expansion, schema checks with nearest-key suggestions. */
#include <stdlib.h>

#include "check.h"
#include "config.h"
#include "schema.h"

static const char *const formats[] = {"tar.gz", "zip", NULL};

static const mb_option tool_options[] = {
    {.key = "ldflags", .type = MB_OPT_STRING, .flags = MB_OPT_PER_TARGET},
    {.key = "cgo", .type = MB_OPT_BOOL, .default_value = "false"},
    {.key = "jobs", .type = MB_OPT_INT, .min = "1", .max = "64"},
    {.key = "part_size",
     .type = MB_OPT_SIZE,
     .default_value = "16MiB",
     .min = "5MiB",
     .max = "5GiB"},
    {.key = "timeout", .type = MB_OPT_DURATION, .min = "1s", .max = "1h"},
    {.key = "format",
     .type = MB_OPT_CHOICE,
     .default_value = "tar.gz",
     .choices = formats},
    {.key = "format.",
     .type = MB_OPT_CHOICE,
     .flags = MB_OPT_PREFIX | MB_OPT_SUFFIX_OS,
     .choices = formats},
    {.key = "out", .type = MB_OPT_PATH},
    {.key = "root", .type = MB_OPT_PATH, .flags = MB_OPT_MUST_EXIST},
    {.key = "image",
     .type = MB_OPT_STRING,
     .flags = MB_OPT_PER_TARGET,
     .default_value = "golang"},
    {0}};

static config load(const char *text) {
  config cfg = {0};
  cfg.dir = xstrdup("/base");
  config_load_text(&cfg, "build.ini", text, strlen(text));
  return cfg;
}

/* The first error's text, or "" when there is none. */
static const char *first_error(const config *cfg) {
  return cfg->errors.len ? cfg->errors.items[0] : "";
}

/* True when any collected error contains `text`. */
static int has_error(const config *cfg, const char *text) {
  for (size_t i = 0; i < cfg->errors.len; i++)
    if (strstr(cfg->errors.items[i], text)) return 1;
  return 0;
}

static void test_values_and_lines(void) {
  config cfg =
      load("[project]\nname = hello ; comment\n\n[toolchain]\nuse = go\n");
  CHECK(cfg.errors.len == 0);
  CHECK_STR(config_get(&cfg, "project", "name"), "hello");
  CHECK(config_find(&cfg, "toolchain", "use")->line == 5);
  CHECK(config_find_section(&cfg, "toolchain")->line == 4);
  config_free(&cfg);
}

static void test_syntax_errors(void) {
  config cfg = load("[project]\nname = a\nthis line has no equals\n");
  CHECK_CONTAINS(first_error(&cfg), "build.ini:3:");
  config_free(&cfg);

  cfg = load("[project\nname = a\n");
  CHECK(has_error(&cfg, "build.ini:1: cannot parse this line"));
  config_free(&cfg);

  cfg = load("[project]\nname = a\nname = b\n");
  CHECK_CONTAINS(
      first_error(&cfg),
      "build.ini:3: key 'name' in [project] is already set on line 2");
  config_free(&cfg);

  cfg = load("");
  CHECK_CONTAINS(first_error(&cfg), "empty");
  config_free(&cfg);

  config bin = {0};
  config_load_text(&bin, "build.ini", "[a]\nb = c\0d\n", 10);
  CHECK_CONTAINS(first_error(&bin), "build.ini:2: contains a NUL byte");
  config_free(&bin);

  char long_line[600];
  memset(long_line, 'x', sizeof long_line);
  memcpy(long_line, "[project]\nname = ", 17);
  long_line[sizeof long_line - 1] = '\0';
  cfg = load(long_line);
  CHECK_CONTAINS(first_error(&cfg), "build.ini:2: line is");
  config_free(&cfg);
}

static void test_continuation_lines(void) {
  config cfg = load("[toolchain]\nldflags = -s -w\n  -X main.a=b\nuse = go\n");
  CHECK(cfg.errors.len == 0);
  CHECK_STR(config_get(&cfg, "toolchain", "ldflags"), "-s -w -X main.a=b");
  config_free(&cfg);
}

static void test_variable_expansion(void) {
  setenv("MBHOST_TEST_REF", "v1.2", 1);
  unsetenv("MBHOST_TEST_UNSET");
  config cfg = load("[export.s3]\nprefix = rel/${MBHOST_TEST_REF}\n"
                    "other = ${MBHOST_TEST_UNSET:-dev}/$$HOME\n");
  CHECK(cfg.errors.len == 0);
  CHECK_STR(config_get(&cfg, "export.s3", "prefix"), "rel/v1.2");
  CHECK_STR(config_get(&cfg, "export.s3", "other"), "dev/$HOME");
  config_free(&cfg);

  cfg = load("[export.s3]\n\nprefix = ${MBHOST_TEST_UNSET}\n");
  CHECK_CONTAINS(
      first_error(&cfg),
      "build.ini:3: prefix: environment variable MBHOST_TEST_UNSET is not set");
  config_free(&cfg);

  /* A default may use variables itself: never a folder named ${REF/dist}. */
  cfg = load("[export.s3]\nprefix = ${MBHOST_TEST_UNSET:-${MBHOST_TEST_REF}/d}"
             "\nother = ${MBHOST_TEST_UNSET:-a${MBHOST_TEST_UNSET:-b}c}}\n");
  CHECK(cfg.errors.len == 0);
  CHECK_STR(config_get(&cfg, "export.s3", "prefix"), "v1.2/d");
  CHECK_STR(config_get(&cfg, "export.s3", "other"), "abc}");
  config_free(&cfg);

  cfg = load("[export.s3]\nprefix = ${MBHOST_TEST_REF/dist}\n");
  CHECK_CONTAINS(first_error(&cfg),
                 "build.ini:2: prefix: '${MBHOST_TEST_REF/dist}' is not a "
                 "variable reference");
  config_free(&cfg);
  cfg = load("[export.s3]\nprefix = ${MBHOST_TEST_UNSET:-${MBHOST_TEST_REF}\n");
  CHECK_CONTAINS(first_error(&cfg), "is not a variable reference");
  config_free(&cfg);
}

static void test_schema_types(void) {
  config cfg =
      load("[toolchain]\ncgo = yes\njobs = 4\npart_size = 5MiB\n"
           "timeout = 30m\nformat = zip\nformat.windows = zip\nout = x/../y\n");
  schema_check_section(&cfg, "toolchain", tool_options, NULL, false);
  CHECK(cfg.errors.len == 0);
  CHECK_STR(config_get(&cfg, "toolchain", "cgo"), "true");
  CHECK_STR(config_get(&cfg, "toolchain", "part_size"), "5242880");
  CHECK_STR(config_get(&cfg, "toolchain", "timeout"), "1800");
  CHECK_STR(config_get(&cfg, "toolchain", "out"), "/base/y");
  config_free(&cfg);

  cfg = load("[toolchain]\ncgo = maybe\njobs = -1\npart_size = 5 lots\n"
             "timeout = 3 weeks\nformat = rar\n");
  schema_check_section(&cfg, "toolchain", tool_options, NULL, false);
  CHECK(cfg.errors.len == 5);
  CHECK_CONTAINS(first_error(&cfg),
                 "build.ini:2: cgo: 'maybe' is not a boolean");
  CHECK_CONTAINS(cfg.errors.items[4],
                 "build.ini:6: format: 'rar' is not one of: tar.gz, zip");
  config_free(&cfg);
}

static void test_unknown_keys_suggest(void) {
  config cfg = load("[toolchain]\nuse = go\nldflag = -s\n");
  schema_check_section(
      &cfg, "toolchain", tool_options,
      (const mb_option[]){{.key = "use", .type = MB_OPT_STRING}, {0}}, false);
  CHECK(cfg.errors.len == 1);
  CHECK_CONTAINS(first_error(&cfg), "build.ini:3: unknown key 'ldflag' in "
                                    "[toolchain]; did you mean 'ldflags'?");
  config_free(&cfg);

  cfg = load("[target linux/arm64]\ncgo = true\n");
  schema_check_section(&cfg, "target linux/arm64", tool_options, NULL, true);
  CHECK_CONTAINS(first_error(&cfg),
                 "build.ini:2: cgo: cannot be set per target");
  config_free(&cfg);
}

static void test_required_keys(void) {
  config cfg = load("[project]\nsource = .\n");
  schema_check_section(&cfg, "project", schema_project, NULL, false);
  CHECK(cfg.errors.len == 1);
  CHECK_CONTAINS(first_error(&cfg),
                 "build.ini:1: [project] needs the key 'name'");
  config_free(&cfg);
}

static void test_sizes_and_durations(void) {
  unsigned long long v;
  CHECK(parse_size("64MiB", &v) && v == 64ULL << 20);
  CHECK(parse_size("1GiB", &v) && v == 1ULL << 30);
  CHECK(parse_size("10", &v) && v == 10);
  CHECK(!parse_size("MiB", &v));
  CHECK(!parse_size("99999999999999999999GiB", &v));
  CHECK(parse_duration("2h", &v) && v == 7200);
  CHECK(!parse_duration("2x", &v));
}

/* min/max, paths that must exist and OS suffixes are the host's checks,
   with file:line, so no plugin range-checks its own options. */
static void test_ranges_exists_os_suffix(void) {
  config cfg = load("[toolchain]\njobs = 65\npart_size = 1MiB\n"
                    "timeout = 2h\nformat.plan99 = zip\nformat.lnux = zip\n"
                    "root = /no/such/folder\n");
  schema_check_section(&cfg, "toolchain", tool_options, NULL, false);
  CHECK(has_error(&cfg, "build.ini:2: jobs: 65 is above the maximum 64"));
  CHECK(has_error(&cfg,
                  "build.ini:3: part_size: 1MiB is below the minimum 5MiB"));
  CHECK(has_error(&cfg, "build.ini:4: timeout: 2h is above the maximum 1h"));
  CHECK(has_error(&cfg, "build.ini:5: format.plan99: 'plan99' is not an OS "
                        "name; did you mean 'plan9'?"));
  CHECK(has_error(&cfg, "build.ini:6: format.lnux: 'lnux' is not an OS "
                        "name; did you mean 'linux'?"));
  CHECK(has_error(&cfg, "build.ini:7: root: /no/such/folder does not exist"));
  config_free(&cfg);
  cfg = load("[toolchain]\njobs = 0\n");
  schema_check_section(&cfg, "toolchain", tool_options, NULL, false);
  CHECK(has_error(&cfg, "build.ini:2: jobs: 0 is below the minimum 1"));
  config_free(&cfg);

  cfg = load("[toolchain]\njobs = 64\npart_size = 5MiB\ntimeout = 1h\n"
             "format.windows = zip\nroot = /\n");
  schema_check_section(&cfg, "toolchain", tool_options, NULL, false);
  CHECK(cfg.errors.len == 0);
  config_free(&cfg);
}

/* Suggestions: a typo within a few edits, else a name the word starts with
   (`golang` -> `go`); nothing for an unrelated word. */
static void test_nearest_word(void) {
  static const char *const names[] = {"c", "go", "rust"};
  CHECK_STR(nearest_word("gox", names, 3), "go");
  CHECK_STR(nearest_word("golang", names, 3), "go");
  CHECK_STR(nearest_word("rustc", names, 3), "rust");
  CHECK_STR(nearest_word("clang", names, 3), "c");
  CHECK(nearest_word("zig", names, 3) == NULL);
  CHECK(nearest_word("python", names, 3) == NULL);
}

/* What a plugin reads: [target] over the section over the default, and
   where the value came from. */
static void test_resolve_and_origin(void) {
  config cfg = load("[toolchain]\nldflags = -s\n[target linux/arm64]\n"
                    "ldflags = -w\n");
  schema_check_section(&cfg, "toolchain", tool_options, NULL, false);
  schema_check_section(&cfg, "target linux/arm64", tool_options, NULL, true);
  char *owned;
  int origin;
  CHECK_STR(schema_resolve(&cfg, tool_options, "toolchain", "linux/arm64",
                           "ldflags", &owned, &origin),
            "-w");
  CHECK(origin == MB_ORIGIN_TARGET && !owned);
  CHECK_STR(schema_resolve(&cfg, tool_options, "toolchain", "linux/amd64",
                           "ldflags", &owned, &origin),
            "-s");
  CHECK(origin == MB_ORIGIN_SECTION);
  /* CHECK_STR evaluates its argument twice: resolve once. */
  const char *size = schema_resolve(&cfg, tool_options, "toolchain", NULL,
                                    "part_size", &owned, &origin);
  CHECK_STR(size, "16777216");
  CHECK(origin == MB_ORIGIN_DEFAULT);
  free(owned);
  CHECK(!schema_resolve(&cfg, tool_options, "toolchain", NULL, "timeout",
                        &owned, &origin));
  CHECK(origin == MB_ORIGIN_UNSET);
  CHECK(!schema_resolve(&cfg, tool_options, "toolchain", NULL, "nokey", &owned,
                        &origin));
  config_free(&cfg);
}

int main(void) {
  test_ranges_exists_os_suffix();
  test_resolve_and_origin();
  test_values_and_lines();
  test_syntax_errors();
  test_continuation_lines();
  test_variable_expansion();
  test_schema_types();
  test_unknown_keys_suggest();
  test_nearest_word();
  test_required_keys();
  test_sizes_and_durations();
  return check_summary();
}
