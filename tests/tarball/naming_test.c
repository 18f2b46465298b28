/* Unit tests of the tarball exporter's entry-name safety check and name
   templates (plugins/exporter-tarball/naming.c). */
#include <stdio.h>
#include <string.h>

#include "naming.h"

static int failures;

static void expect_safe(const char *name) {
  const char *problem = entry_name_problem(name, strlen(name));
  if (problem) {
    printf("FAIL: \"%s\" refused: %s\n", name, problem);
    failures++;
  }
}

/* `len` lets a test pass names with an embedded NUL. */
static void expect_refused(const char *name, size_t len, const char *why) {
  const char *problem = entry_name_problem(name, len);
  if (!problem || !strstr(problem, why)) {
    printf("FAIL: \"%.*s\" (%zu bytes): got %s, expected \"%s\"\n", (int)len,
           name, len, problem ? problem : "accepted", why);
    failures++;
  }
}

static void expect_name(const char *template, const name_values *v,
                        const char *want) {
  char out[256], err[256] = "";
  if (expand_name(template, v, out, sizeof out, err, sizeof err) != 0 ||
      strcmp(out, want) != 0) {
    printf("FAIL: \"%s\" gave \"%s\" (%s), expected \"%s\"\n", template,
           err[0] ? "" : out, err, want);
    failures++;
  }
}

static void expect_template_error(const char *template, const name_values *v,
                                  size_t cap, const char *why) {
  char out[256], err[256] = "";
  if (expand_name(template, v, out, cap, err, sizeof err) == 0 ||
      !strstr(err, why)) {
    printf("FAIL: \"%s\": got \"%s\", expected an error with \"%s\"\n",
           template, err, why);
    failures++;
  }
}

static void test_entry_names(void) {
  expect_safe("hello");
  expect_safe("hello.exe");
  expect_safe("bin/hello");
  expect_safe("hello_1.0_linux_amd64/README.md");
  expect_safe("a..b");
  expect_safe("..hidden");
  expect_safe("./hello");
  expect_refused("", 0, "empty");
  expect_refused("/etc/passwd", 11, "absolute");
  expect_refused("\\evil", 5, "absolute");
  expect_refused("..", 2, "'..'");
  expect_refused("../hello", 8, "'..'");
  expect_refused("bin/../../hello", 15, "'..'");
  expect_refused("bin/..", 6, "'..'");
  expect_refused("bin\\..\\..\\hello", 15, "'..'");
  expect_refused("bin//hello", 10, "empty path component");
  expect_refused("bin/", 4, "empty path component");
  expect_refused("hello\0.txt", 10, "NUL");
  expect_refused("\0", 1, "NUL");
}

static void test_templates(void) {
  name_values v = {"hello", "1.2.0", "linux", "amd64"};
  name_values unversioned = {"hello", "", "darwin", "arm64"};
  name_values no_target = {"hello", "1.2.0", NULL, NULL};
  expect_name("{name}_{version}_{os}_{arch}", &v, "hello_1.2.0_linux_amd64");
  expect_name("{name}_{version}_{os}_{arch}", &unversioned,
              "hello_darwin_arm64");
  expect_name("{name}-{version}-{os}", &unversioned, "hello-darwin");
  expect_name("{name}_{version}_checksums.txt", &no_target,
              "hello_1.2.0_checksums.txt");
  expect_name("{version}{name}", &unversioned, "hello");
  expect_name("release/{os}", &v, "release/linux");
  expect_name("plain", &v, "plain");
  expect_template_error("{name}_{target}", &v, 256, "{target} is not a known");
  expect_template_error("{name}_{os}", &no_target, 256,
                        "not tied to one target");
  expect_template_error("{name", &v, 256, "without a closing");
  expect_template_error("{name}_{os}", &v, 8, "longer than 7 bytes");
}

int main(void) {
  test_entry_names();
  test_templates();
  if (failures) {
    printf("%d failure(s)\n", failures);
    return 1;
  }
  printf("ok: tarball naming\n");
  return 0;
}
