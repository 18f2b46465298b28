/* Config reading and validation: syntax errors with file:line, ${VAR}
   expansion, schema checks with nearest-key suggestions. */
#include <stdlib.h>

#include "check.h"
#include "config.h"
#include "schema.h"

static const mb_option tool_options[] = {
    {"ldflags", MB_OPT_STRING, NULL, "linker flags", MB_OPT_PER_TARGET, NULL},
    {"cgo", MB_OPT_BOOL, "false", "cgo", 0, NULL},
    {"jobs", MB_OPT_INT, NULL, "jobs", 0, NULL},
    {"part_size", MB_OPT_SIZE, "16MiB", "size", 0, NULL},
    {"timeout", MB_OPT_DURATION, NULL, "timeout", 0, NULL},
    {"format", MB_OPT_CHOICE, "tar.gz", "format", 0,
     (const char *const[]){"tar.gz", "zip", NULL}},
    {"format.", MB_OPT_CHOICE, NULL, "per os", MB_OPT_PREFIX,
     (const char *const[]){"tar.gz", "zip", NULL}},
    {"out", MB_OPT_PATH, NULL, "a path", 0, NULL},
    {NULL, 0, NULL, NULL, 0, NULL}};

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
      (const mb_option[]){{"use", MB_OPT_STRING, NULL, "", 0, NULL},
                          {NULL, 0, NULL, NULL, 0, NULL}},
      false);
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

int main(void) {
  test_values_and_lines();
  test_syntax_errors();
  test_continuation_lines();
  test_variable_expansion();
  test_schema_types();
  test_unknown_keys_suggest();
  test_required_keys();
  test_sizes_and_durations();
  return check_summary();
}
