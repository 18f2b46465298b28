/*
 * s3_xml: reads the few facts mbhost needs out of S3's XML responses (the
 * root element, an error's Code and Message, an UploadId, an ETag). It is a
 * small, bounded tokenizer rather than a full XML parser: it never reads
 * past `len`, needs no NUL terminator, never allocates, truncates values
 * that do not fit, and answers -1 for a body that has no element at all.
 * Control characters in values become spaces (they end up in messages).
 * It is fed whatever a server (or a proxy) sent, so it must hold up to any
 * input; tests/s3/test_s3_xml.c covers it and it is meant to be fuzzed.
 */
#ifndef S3_XML_H
#define S3_XML_H

#include <stddef.h>

typedef struct s3_xml_info {
  char root[64];        /* local name of the root element: "Error", ... */
  char code[64];        /* root's <Code>, "" if none */
  char message[512];    /* root's <Message> */
  char upload_id[1024]; /* root's <UploadId> */
  char etag[128];       /* root's <ETag>, quotes kept as sent */
} s3_xml_info;

/* Fills *out from a response body; 0 when a root element was found. */
int s3_xml_parse(const char *body, size_t len, s3_xml_info *out);

#endif
