/*
 * Unit test of the S3 exporter's credential lookup (plugins/exporter-s3/
 * s3_creds.c: environment, shared credentials and config files, profiles)
 * and of the part size rule (at least the configured size, raised so a
 * file never needs more than 10,000 parts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "s3_creds.h"
#include "s3_upload.h"

static int failures;
static int checks;

static void expect(const char *what, int ok) {
  checks++;
  if (!ok) {
    failures++;
    fprintf(stderr, "FAIL %s\n", what);
  }
}

static int same(const char *a, const char *b) {
  return a && b && strcmp(a, b) == 0;
}

static char dir[] = "/tmp/mbhost-s3-config.XXXXXX";
static char cred_path[256], config_path[256];

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    perror(path);
    exit(2);
  }
}

static void clear_env(void) {
  static const char *const vars[] = {
      "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
      "AWS_PROFILE", "AWS_DEFAULT_PROFILE"};
  for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
    unsetenv(vars[i]);
  setenv("AWS_SHARED_CREDENTIALS_FILE", cred_path, 1);
  setenv("AWS_CONFIG_FILE", config_path, 1);
}

static void test_environment_first(void) {
  clear_env();
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  setenv("AWS_SESSION_TOKEN", "envtoken", 1);
  setenv("AWS_PROFILE", "ci", 1);
  s3_credentials c;
  char err[512];
  expect("env: loads", s3_credentials_load(&c, err, sizeof err) == 0);
  expect("env: wins over AWS_PROFILE", same(c.access_key, "ENVKEY") &&
                                           same(c.secret_key, "envsecret") &&
                                           same(c.session_token, "envtoken"));
  expect("env: source", same(c.source, "environment"));
  s3_credentials_free(&c);
}

static void test_profiles(void) {
  char long_token[1500];
  memset(long_token, 'T', sizeof long_token - 1);
  long_token[sizeof long_token - 1] = '\0';
  char text[4096];
  snprintf(text, sizeof text,
           "# comment\n[default]\naws_access_key_id = DEFKEY\n"
           "aws_secret_access_key = defsecret\n\n"
           "[ci]\n  ; indented comment\naws_access_key_id=CIKEY\n"
           "aws_secret_access_key   =   ci/secret+x  \r\n"
           "aws_session_token = %s\n"
           "s3 =\n  aws_access_key_id = NESTED\n"
           "[empty]\nregion = eu-west-1\n",
           long_token);
  write_file(cred_path, text);
  write_file(config_path, "[default]\nregion = us-east-1\n"
                          "[profile fromconfig]\naws_access_key_id = CFGKEY\n"
                          "aws_secret_access_key = cfgsecret\n"
                          "[ci]\naws_access_key_id = IGNORED\n");
  s3_credentials c;
  char err[512];

  clear_env();
  expect("default profile", s3_credentials_load(&c, err, sizeof err) == 0 &&
                                same(c.access_key, "DEFKEY") &&
                                same(c.secret_key, "defsecret") &&
                                c.session_token == NULL);
  s3_credentials_free(&c);

  clear_env();
  setenv("AWS_PROFILE", "ci", 1);
  expect("named profile", s3_credentials_load(&c, err, sizeof err) == 0 &&
                              same(c.access_key, "CIKEY") &&
                              same(c.secret_key, "ci/secret+x"));
  expect("long session token kept whole", same(c.session_token, long_token));
  expect("source names the profile", c.source && strstr(c.source, "'ci'"));
  s3_credentials_free(&c);

  clear_env();
  setenv("AWS_DEFAULT_PROFILE", "fromconfig", 1);
  expect("profile in the config file",
         s3_credentials_load(&c, err, sizeof err) == 0 &&
             same(c.access_key, "CFGKEY") && same(c.secret_key, "cfgsecret"));
  s3_credentials_free(&c);

  clear_env();
  setenv("AWS_PROFILE", "empty", 1);
  expect("profile without keys fails",
         s3_credentials_load(&c, err, sizeof err) == -1 &&
             strstr(err, "has no aws_access_key_id"));

  clear_env();
  setenv("AWS_PROFILE", "nope", 1);
  expect("missing profile fails",
         s3_credentials_load(&c, err, sizeof err) == -1 &&
             strstr(err, "'nope' is not in"));

  clear_env();
  unlink(cred_path);
  unlink(config_path);
  expect("no credentials at all fails",
         s3_credentials_load(&c, err, sizeof err) == -1 &&
             strstr(err, "no AWS credentials"));
}

static void test_part_size(void) {
  const uint64_t mib = 1ull << 20, gib = 1ull << 30;
  expect("small file: configured size",
         s3_part_size_for(20 * mib, 16 * mib) == 16 * mib);
  expect("exactly 10,000 parts: kept",
         s3_part_size_for(10000 * 5 * mib, 5 * mib) == 5 * mib);
  uint64_t sizes[] = {10000 * 5 * mib + 1, 100 * gib, 1024 * gib,
                      5 * 1024 * gib};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    uint64_t part = s3_part_size_for(sizes[i], 5 * mib);
    uint64_t parts = (sizes[i] + part - 1) / part;
    char what[128];
    snprintf(what, sizeof what, "%llu bytes: %llu parts of %llu",
             (unsigned long long)sizes[i], (unsigned long long)parts,
             (unsigned long long)part);
    expect(what, parts <= S3_MAX_PARTS && part % mib == 0 && part > 5 * mib &&
                     part <= S3_MAX_PART_SIZE);
  }
}

int main(void) {
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(cred_path, sizeof cred_path, "%s/credentials", dir);
  snprintf(config_path, sizeof config_path, "%s/config", dir);
  test_environment_first();
  test_profiles();
  test_part_size();
  rmdir(dir);
  printf("s3 config: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
