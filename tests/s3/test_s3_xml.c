/*
 * Unit test of the S3 exporter's response reader (plugins/exporter-s3/
 * s3_xml.c): real response shapes from S3 and MinIO, and hostile or broken
 * input, which must never be read past its length nor crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "s3_xml.h"

static int failures;
static int checks;

static void expect(const char *what, int ok) {
  checks++;
  if (!ok) {
    failures++;
    fprintf(stderr, "FAIL %s\n", what);
  }
}

static void expect_field(const char *what, const char *got, const char *want) {
  checks++;
  if (strcmp(got, want) != 0) {
    failures++;
    fprintf(stderr, "FAIL %s: got [%s], want [%s]\n", what, got, want);
  }
}

/* Parses a copy in a buffer of exactly its length, so reading past the end
   is caught by AddressSanitizer / valgrind. */
static int parse(const char *body, size_t len, s3_xml_info *out) {
  char *copy = malloc(len ? len : 1);
  memcpy(copy, body, len);
  int rc = s3_xml_parse(copy, len, out);
  free(copy);
  return rc;
}

static int parse_str(const char *body, s3_xml_info *out) {
  return parse(body, strlen(body), out);
}

static void test_error_response(void) {
  s3_xml_info x;
  int rc = parse_str(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<Error><Code>SignatureDoesNotMatch</Code><Message>The request "
      "signature we calculated does not match the signature you provided. "
      "Check your key and signing method.</Message>"
      "<Key>a/b.txt</Key><BucketName>releases</BucketName>"
      "<Resource>/releases/a/b.txt</Resource>"
      "<RequestId>17A</RequestId></Error>",
      &x);
  expect("error: parsed", rc == 0);
  expect_field("error: root", x.root, "Error");
  expect_field("error: code", x.code, "SignatureDoesNotMatch");
  expect("error: message",
         strncmp(x.message, "The request signature", 21) == 0);
  expect_field("error: no upload id", x.upload_id, "");
}

static void test_initiate_response(void) {
  s3_xml_info x;
  int rc = parse_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<InitiateMultipartUploadResult "
                     "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
                     "<Bucket>releases</Bucket><Key>big.bin</Key>"
                     "<UploadId>VXBsb2FkIElE+/=&amp;x</UploadId>"
                     "</InitiateMultipartUploadResult>",
                     &x);
  expect("initiate: parsed", rc == 0);
  expect_field("initiate: root", x.root, "InitiateMultipartUploadResult");
  expect_field("initiate: upload id (entity decoded)", x.upload_id,
               "VXBsb2FkIElE+/=&x");
}

static void test_complete_responses(void) {
  s3_xml_info x;
  parse_str("<CompleteMultipartUploadResult><Location>http://x/b/k</Location>"
            "<Bucket>b</Bucket><Key>k</Key>"
            "<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>"
            "</CompleteMultipartUploadResult>",
            &x);
  expect_field("complete: root", x.root, "CompleteMultipartUploadResult");
  expect_field("complete: etag", x.etag,
               "\"3858f62230ac3c915f300c664312c11f-9\"");
  /* S3 keeps the connection alive with whitespace, then may send an error
     inside a 200 response. */
  parse_str("   \n   \n<?xml version=\"1.0\"?>\n<Error><Code>InternalError"
            "</Code><Message>We encountered an internal error. Please try "
            "again.</Message></Error>",
            &x);
  expect_field("200 with error: root", x.root, "Error");
  expect_field("200 with error: code", x.code, "InternalError");
}

static void test_syntax_variants(void) {
  s3_xml_info x;
  parse_str("<!-- c --><!DOCTYPE x><s3:Error a='>' b=\"/>\">"
            "<s3:Code> Slow<!-- mid -->Down </s3:Code>"
            "<Message><![CDATA[a <b> & c]]>&#65;&#x42;&#x20AC;&bogus;</Message>"
            "</s3:Error>",
            &x);
  expect_field("prefixed root", x.root, "Error");
  expect_field("prefixed code, comment inside, trimmed", x.code, "SlowDown");
  expect_field("cdata and references", x.message,
               "a <b> & cAB\xe2\x82\xac&bogus;");

  parse_str("<Error><Details><Code>Nested</Code></Details><Code>Top</Code>"
            "<Empty/><Message>line1\nline2\ttab\x1b[31m</Message></Error>",
            &x);
  expect_field("only the root's own children count", x.code, "Top");
  expect_field("control characters blanked", x.message, "line1 line2 tab [31m");
  parse_str("<Error><Code/><Code>Second</Code></Error>", &x);
  expect_field("self-closing child skipped", x.code, "Second");
}

static void test_limits(void) {
  s3_xml_info x;
  char big[8192];
  strcpy(big, "<Error><Code>");
  size_t n = strlen(big);
  memset(big + n, 'A', 4000);
  strcpy(big + n + 4000, "</Code><Message>m</Message></Error>");
  parse_str(big, &x);
  expect("long value truncated", strlen(x.code) == sizeof x.code - 1);
  expect_field("parsing continues after a long value", x.message, "m");
  char long_root[300];
  memset(long_root, 'R', sizeof long_root);
  long_root[0] = '<';
  parse(long_root, sizeof long_root, &x);
  expect("long root name truncated", strlen(x.root) < sizeof x.root);
}

static void test_broken_input(void) {
  s3_xml_info x;
  expect("empty body", parse("", 0, &x) == -1);
  expect("text only", parse_str("Service Unavailable", &x) == -1);
  expect("html page", parse_str("<html><body>502</body></html>", &x) == 0 &&
                          strcmp(x.root, "html") == 0 && x.code[0] == '\0');
  static const char *const truncated[] = {
      "<",
      "<Error",
      "<Error><Code>Slow",
      "<Error><Code>SlowDown</Co",
      "<?xml",
      "<!--",
      "<![CDATA[",
      "<Error a=\"",
      "&#x1234",
      "<E>&#9999999999;",
      "<Error><Code>&#x110000;&#xD800;&#0;</Code></Error>",
  };
  for (size_t i = 0; i < sizeof truncated / sizeof *truncated; i++) {
    parse_str(truncated[i], &x); /* must not crash nor over-read */
  }
  parse_str("<Error><Code>&#x110000;&#xD800;&#0;</Code></Error>", &x);
  expect_field("invalid code points replaced", x.code, "???");
  parse_str("<Error><Code>SlowDown", &x);
  expect_field("truncated body keeps what it has", x.code, "SlowDown");
  /* Every prefix of a real response, and every byte value in between. */
  const char *real = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code>"
                     "<Message>The specified bucket does not exist</Message>"
                     "</Error>";
  for (size_t len = 0; len <= strlen(real); len++)
    parse(real, len, &x);
  char noise[512];
  unsigned state = 12345;
  for (int round = 0; round < 2000; round++) {
    for (size_t i = 0; i < sizeof noise; i++) {
      state = state * 1103515245u + 12345u;
      noise[i] = "<>/&;#x!?-[]\"'= aZ09\n"[(state >> 16) % 22];
    }
    parse(noise, sizeof noise, &x);
  }
  expect("fuzz rounds survived", 1);
}

int main(void) {
  test_error_response();
  test_initiate_response();
  test_complete_responses();
  test_syntax_variants();
  test_limits();
  test_broken_input();
  printf("s3_xml: %d checks, %d failed\n", checks, failures);
  return failures ? 1 : 0;
}
