/*
 * Unit test of the S3 exporter's SigV4 signer (plugins/exporter-s3/sigv4.c):
 * - every case under sigv4-suite/ (copied from the AWS SigV4 test suite:
 *   NAME.req is signed and the canonical request, string to sign and
 *   Authorization header must match NAME.creq, NAME.sts and NAME.authz
 *   byte for byte);
 * - the four header-based-auth examples of the S3 API reference
 *   ("Signature Calculations for the Authorization Header: Transferring
 *   Payload in a Single Chunk"), whose signatures are published there;
 * - URI and query encoding details S3 relies on.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigv4.h"

static int failures;
static int checks;

static void expect_str(const char *what, const char *got, const char *want) {
  checks++;
  if (got && strcmp(got, want) == 0) return;
  failures++;
  fprintf(stderr, "FAIL %s\n--- got:\n%s\n--- want:\n%s\n", what,
          got ? got : "(null)", want);
}

static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
    free(s);
    s = NULL;
  }
  if (s) s[n] = '\0';
  fclose(f);
  return s;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes %XX in place (the suite's raw requests are mostly unencoded). */
static void percent_decode(char *s) {
  char *out = s;
  for (char *p = s; *p; p++) {
    if (p[0] == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
      *out++ = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
      p += 2;
    } else {
      *out++ = *p;
    }
  }
  *out = '\0';
}

enum { MAX_ITEMS = 32 };

/* A raw request from the suite, split into the signer's inputs. */
typedef struct parsed_request {
  char *text; /* owns every string below */
  sigv4_request req;
  sigv4_param params[MAX_ITEMS];
  sigv4_header headers[MAX_ITEMS];
  char payload_sha256[65];
} parsed_request;

static void parse_query(parsed_request *p, char *query) {
  for (char *item = strtok(query, "&"); item; item = strtok(NULL, "&")) {
    char *eq = strchr(item, '=');
    if (eq) *eq = '\0';
    percent_decode(item);
    if (eq) percent_decode(eq + 1);
    p->params[p->req.param_count++] = (sigv4_param){item, eq ? eq + 1 : NULL};
  }
}

/* "METHOD /path?query HTTP/1.1\nName:value\n...\n\nbody". */
static int parse_request(parsed_request *p, char *text) {
  memset(p, 0, sizeof *p);
  p->text = text;
  char *body = strstr(text, "\n\n");
  if (body) {
    *body = '\0';
    body += 2;
  }
  sigv4_sha256_hex(body ? body : "", body ? strlen(body) : 0,
                   p->payload_sha256);
  char *line_end = strchr(text, '\n');
  if (line_end) *line_end = '\0';
  char *version = strstr(text, " HTTP/");
  char *space = strchr(text, ' ');
  if (!version || !space || space >= version) return -1;
  *space = '\0';
  *version = '\0';
  p->req.method = text;
  char *target = space + 1;
  char *query = strchr(target, '?');
  if (query) {
    *query++ = '\0';
    parse_query(p, query);
  }
  percent_decode(target);
  p->req.path = target;
  for (char *line = line_end ? line_end + 1 : NULL; line && *line;) {
    char *next = strchr(line, '\n');
    if (next) *next++ = '\0';
    char *colon = strchr(line, ':');
    if (!colon || p->req.header_count == MAX_ITEMS) return -1;
    *colon = '\0';
    p->headers[p->req.header_count++] = (sigv4_header){line, colon + 1};
    line = next;
  }
  p->req.params = p->params;
  p->req.headers = p->headers;
  p->req.payload_sha256 = p->payload_sha256;
  return 0;
}

static void run_suite_case(const char *dir, const char *name) {
  char *parts[4];
  static const char *const ext[4] = {"req", "creq", "sts", "authz"};
  for (int i = 0; i < 4; i++) {
    char *path = NULL;
    if (asprintf(&path, "%s/%s/%s.%s", dir, name, name, ext[i]) < 0) abort();
    parts[i] = read_text(path);
    if (!parts[i]) {
      fprintf(stderr, "FAIL %s: cannot read %s\n", name, path);
      failures++;
      free(path);
      return;
    }
    free(path);
  }
  parsed_request p;
  if (parse_request(&p, parts[0]) != 0) {
    fprintf(stderr, "FAIL %s: cannot parse the request\n", name);
    failures++;
  } else {
    const sigv4_scope scope = {"AKIDEXAMPLE",
                               "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                               "us-east-1", "service", "20150830T123600Z"};
    char *creq = sigv4_canonical_request(&p.req);
    char *sts = sigv4_string_to_sign(&p.req, &scope);
    char *authz = sigv4_authorization(&p.req, &scope);
    char what[1024];
    snprintf(what, sizeof what, "%s: canonical request", name);
    expect_str(what, creq, parts[1]);
    snprintf(what, sizeof what, "%s: string to sign", name);
    expect_str(what, sts, parts[2]);
    snprintf(what, sizeof what, "%s: authorization", name);
    expect_str(what, authz, parts[3]);
    free(creq);
    free(sts);
    free(authz);
  }
  for (int i = 0; i < 4; i++)
    free(parts[i]);
}

static int run_suite(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "FAIL cannot open %s\n", dir);
    failures++;
    return 0;
  }
  int cases = 0;
  for (struct dirent *e; (e = readdir(d));) {
    if (e->d_name[0] == '.' || e->d_type != DT_DIR) continue;
    run_suite_case(dir, e->d_name);
    cases++;
  }
  closedir(d);
  return cases;
}

#define EMPTY_SHA256                                                           \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

/* One of the S3 documentation's examples: bucket examplebucket, key
   AKIAIOSFODNN7EXAMPLE, 24 May 2013, us-east-1. */
typedef struct s3_example {
  const char *name;
  const char *method;
  const char *path;
  sigv4_param params[2];
  size_t param_count;
  sigv4_header extra[2]; /* besides host, x-amz-date, x-amz-content-sha256 */
  size_t extra_count;
  const char *payload;
  const char *string_to_sign_digest; /* last line of the string to sign */
  const char *signature;
} s3_example;

static const s3_example s3_examples[] = {
    {"GET Object with Range",
     "GET",
     "/test.txt",
     {{0}},
     0,
     {{"Range", "bytes=0-9"}},
     1,
     "",
     "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
     "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"},
    {"PUT Object",
     "PUT",
     "/test$file.text",
     {{0}},
     0,
     {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
      {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
     2,
     "Welcome to Amazon S3.",
     "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
     "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"},
    {"GET Bucket Lifecycle",
     "GET",
     "/",
     {{"lifecycle", NULL}},
     1,
     {{0}},
     0,
     "",
     "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
     "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"},
    {"GET Bucket (List Objects)",
     "GET",
     "/",
     {{"prefix", "J"}, {"max-keys", "2"}},
     2,
     {{0}},
     0,
     "",
     "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
     "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"},
};

static void run_s3_example(const s3_example *ex) {
  char payload_sha256[65];
  sigv4_sha256_hex(ex->payload, strlen(ex->payload), payload_sha256);
  sigv4_header headers[5] = {
      {"Host", "examplebucket.s3.amazonaws.com"},
      {"x-amz-date", "20130524T000000Z"},
      {"x-amz-content-sha256", payload_sha256},
  };
  size_t n = 3;
  for (size_t i = 0; i < ex->extra_count; i++)
    headers[n++] = ex->extra[i];
  const sigv4_request req = {ex->method,      ex->path, ex->params,
                             ex->param_count, headers,  n,
                             payload_sha256};
  const sigv4_scope scope = {"AKIAIOSFODNN7EXAMPLE",
                             "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             "us-east-1", "s3", "20130524T000000Z"};
  char *sts = sigv4_string_to_sign(&req, &scope);
  char *sig = sigv4_signature(&req, &scope);
  char what[256];
  snprintf(what, sizeof what, "S3 %s: string-to-sign digest", ex->name);
  const char *digest = sts ? strrchr(sts, '\n') : NULL;
  expect_str(what, digest ? digest + 1 : NULL, ex->string_to_sign_digest);
  snprintf(what, sizeof what, "S3 %s: signature", ex->name);
  expect_str(what, sig, ex->signature);
  free(sts);
  free(sig);
}

static void test_encoding(void) {
  char *s = sigv4_canonical_uri("/bucket/dir//a b+c$~é/");
  expect_str("canonical uri keeps slashes, encodes once", s,
             "/bucket/dir//a%20b%2Bc%24~%C3%A9/");
  free(s);
  s = sigv4_canonical_uri("");
  expect_str("empty path is /", s, "/");
  free(s);
  s = sigv4_uri_encode("a/b=c&d", 0);
  expect_str("query encoding escapes / = &", s, "a%2Fb%3Dc%26d");
  free(s);
  const sigv4_param multipart[] = {{"uploadId", "x/y+z"}, {"partNumber", "10"}};
  s = sigv4_canonical_query(multipart, 2);
  expect_str("UploadPart query sorted", s, "partNumber=10&uploadId=x%2Fy%2Bz");
  free(s);
  const sigv4_param uploads[] = {{"uploads", NULL}};
  s = sigv4_canonical_query(uploads, 1);
  expect_str("valueless key signed as key=", s, "uploads=");
  free(s);
  s = sigv4_canonical_query(NULL, 0);
  expect_str("no query", s, "");
  free(s);
}

int main(void) {
  const char *data = getenv("MBHOST_TEST_DATA");
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/s3/sigv4-suite", data ? data : "tests");
  int cases = run_suite(dir);
  if (cases < 20) {
    fprintf(stderr, "FAIL only %d suite cases found in %s\n", cases, dir);
    failures++;
  }
  for (size_t i = 0; i < sizeof s3_examples / sizeof *s3_examples; i++) {
    run_s3_example(&s3_examples[i]);
  }
  test_encoding();
  printf("sigv4: %d suite cases, %d checks, %d failed\n", cases, checks,
         failures);
  return failures ? 1 : 0;
}
