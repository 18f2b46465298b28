/*
 * s3_upload: puts files into the bucket. Files up to the multipart
 * threshold go up as single PutObjects, several at once; bigger files as
 * multipart uploads whose parts are streamed from the file (pread, never
 * loaded whole) with up to `concurrency` parts in flight. Every ETag the
 * server answers is checked against the MD5 of what was sent (single part:
 * the file's MD5; multipart: MD5 of the parts' MD5s, "-N"). A multipart
 * upload that fails or is interrupted is aborted, so no parts are left
 * behind.
 */
#ifndef S3_UPLOAD_H
#define S3_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "s3_client.h"

/* S3's limits. */
#define S3_MAX_PART_SIZE (5ull << 30)
#define S3_MAX_PARTS 10000ull

typedef struct s3_object {
  const char *path; /* local file */
  const char *key;  /* object key */
  const char *content_type;
  uint64_t size;
  /* Results. */
  int uploaded; /* the object now exists in the bucket */
  char md5[33]; /* single PutObject: the file's MD5, which its
                   ETag must equal */
  int fd;       /* open while a PutObject is in flight */
} s3_object;

typedef struct s3_upload_options {
  uint64_t multipart_threshold;
  uint64_t part_size;
  int concurrency;
} s3_upload_options;

/* The part size for a file: at least `configured`, raised (to whole MiB)
   so the file needs at most 10,000 parts. */
uint64_t s3_part_size_for(uint64_t file_size, uint64_t configured);

/* Uploads every object; S3_RUN_OK, or S3_RUN_FAILED / S3_RUN_CANCELLED with
   a message in err. Objects uploaded before a failure keep uploaded = 1. */
int s3_upload_objects(s3_client *c, s3_object *objects, size_t count,
                      const s3_upload_options *opts, char *err, size_t cap);

/* Deletes the objects that were uploaded (after a failure), ignoring
   interruption; returns how many could not be deleted. */
int s3_delete_uploaded(s3_client *c, s3_object *objects, size_t count);

#endif
